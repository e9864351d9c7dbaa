//! `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4, RFC 7643 §5–7).
//!
//! What is published follows the quirks that change what the server accepts
//! (`strict-attributes` hides unsupported attributes and the enterprise extension,
//! `require-attribute` marks attributes required, `filter-unsupported` clears
//! `filter.supported`), so that a client comparing `/Schemas` with behaviour sees a
//! consistent server.

use axum::body::Body;
use axum::http::Response;
use serde_json::{Value, json};

use crate::error::ScimError;
use crate::filter::AttrPath;
use crate::handlers::Req;
use crate::quirks::Quirk;
use crate::respond::Ctx;
use crate::schema::{
    AttrDef, ENTERPRISE_ATTRS, ENTERPRISE_SCHEMA, GROUP_ATTRS, GROUP_SCHEMA, RESOURCE_TYPE_SCHEMA,
    SCHEMA_SCHEMA, SPC_SCHEMA, STRICT_NAME_SUBS, STRICT_USER_ATTRS, USER_ATTRS, USER_SCHEMA,
};
use crate::state::AppState;

/// Most results a list request returns (`filter.maxResults`).
pub const MAX_RESULTS: usize = 200;

pub fn handle(
    state: &AppState,
    ctx: &Ctx,
    req: &Req<'_>,
    seg: &[&str],
) -> Result<Response<Body>, ScimError> {
    // RFC 7644 §4: a filter on discovery endpoints SHOULD be refused with 403.
    if req.param("filter").is_some() && !ctx.on(&Quirk::InvalidFilterAccepted) {
        return Err(ScimError::new(
            403,
            "Filtering is not supported on discovery endpoints",
        ));
    }
    let first = seg[0];
    if first.eq_ignore_ascii_case("ServiceProviderConfig") {
        return Ok(ctx.json(200, &service_provider_config(state, ctx)));
    }
    let all = if first.eq_ignore_ascii_case("ResourceTypes") {
        resource_types(ctx)
    } else {
        schemas(ctx)
    };
    match seg.get(1) {
        None => {
            let n = all.len();
            Ok(ctx.json(200, &ctx.list_body(n, 1, all)))
        }
        Some(id) => all
            .into_iter()
            .find(|r| r["id"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(id)))
            .map(|r| ctx.json(200, &r))
            .ok_or_else(|| ScimError::not_found(format!("{first}/{id} not found"))),
    }
}

pub fn service_provider_config(state: &AppState, ctx: &Ctx) -> Value {
    json!({
        "schemas": [SPC_SCHEMA],
        "documentationUri": "https://www.rfc-editor.org/rfc/rfc7644",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": !ctx.on(&Quirk::FilterUnsupported), "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication with an OAuth 2.0 bearer token (a static token or a JWT from the token endpoint)",
            "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{}/ServiceProviderConfig", ctx.base_url),
            "created": state.started,
            "lastModified": state.started,
        },
    })
}

fn strict(ctx: &Ctx) -> bool {
    ctx.on(&Quirk::StrictAttributes)
}

pub fn resource_types(ctx: &Ctx) -> Vec<Value> {
    let extensions = if strict(ctx) {
        json!([])
    } else {
        json!([{"schema": ENTERPRISE_SCHEMA, "required": false}])
    };
    vec![
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "User Account",
            "schema": USER_SCHEMA,
            "schemaExtensions": extensions,
            "meta": {"resourceType": "ResourceType", "location": format!("{}/ResourceTypes/User", ctx.base_url)},
        }),
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "Group",
            "schema": GROUP_SCHEMA,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": format!("{}/ResourceTypes/Group", ctx.base_url)},
        }),
    ]
}

/// Published attributes of the core User schema, trimmed under `strict-attributes`.
fn user_attrs_json(ctx: &Ctx) -> Vec<Value> {
    USER_ATTRS
        .iter()
        .filter(|d| !strict(ctx) || STRICT_USER_ATTRS.contains(&d.name) || d.name == "groups")
        .map(|d| {
            let mut v = d.published();
            if strict(ctx)
                && d.name == "name"
                && let Some(Value::Array(subs)) = v.get_mut("subAttributes")
            {
                subs.retain(|s| {
                    s["name"]
                        .as_str()
                        .is_some_and(|n| STRICT_NAME_SUBS.contains(&n))
                });
            }
            v
        })
        .collect()
}

fn attrs_json(defs: &[AttrDef]) -> Vec<Value> {
    defs.iter().map(AttrDef::published).collect()
}

/// Set `required: true` on the published attribute named by `path`, if it is there.
fn mark_required(attrs: &mut [Value], path: &AttrPath) {
    let Some(attr) = attrs.iter_mut().find(|a| {
        a["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(&path.name))
    }) else {
        return;
    };
    match &path.sub {
        None => attr["required"] = json!(true),
        Some(sub) => {
            if let Some(Value::Array(subs)) = attr.get_mut("subAttributes")
                && let Some(s) = subs.iter_mut().find(|s| {
                    s["name"]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(sub))
                })
            {
                s["required"] = json!(true);
            }
        }
    }
}

fn schema_json(
    ctx: &Ctx,
    id: &str,
    name: &str,
    description: &str,
    attributes: Vec<Value>,
) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": format!("{}/Schemas/{}", ctx.base_url, id)},
    })
}

pub fn schemas(ctx: &Ctx) -> Vec<Value> {
    let mut user = user_attrs_json(ctx);
    let mut enterprise = attrs_json(ENTERPRISE_ATTRS);
    for required in ctx.quirks.required_attributes() {
        let Some(path) = AttrPath::parse(required) else {
            continue;
        };
        match &path.urn {
            Some(u) if u.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) => {
                mark_required(&mut enterprise, &path)
            }
            Some(u) if !u.eq_ignore_ascii_case(USER_SCHEMA) => {}
            _ => mark_required(&mut user, &path),
        }
    }
    let mut out = vec![schema_json(ctx, USER_SCHEMA, "User", "User Account", user)];
    if !strict(ctx) {
        out.push(schema_json(
            ctx,
            ENTERPRISE_SCHEMA,
            "EnterpriseUser",
            "Enterprise User",
            enterprise,
        ));
    }
    out.push(schema_json(
        ctx,
        GROUP_SCHEMA,
        "Group",
        "Group",
        attrs_json(GROUP_ATTRS),
    ));
    out
}
