//! CRUD for `/Users` and `/Groups` (RFC 7644 §3.3–3.6), shared by both resource types;
//! the per-type rules live in `users.rs` and `groups.rs`.

use axum::body::Body;
use axum::http::Response;
use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::filter::{self, Filter, Term};
use crate::handlers::discovery::MAX_RESULTS;
use crate::handlers::{Req, groups, users};
use crate::normalize::{WriteOpts, normalize_body};
use crate::patch::{self, PatchOpts};
use crate::project::{self, Selector};
use crate::quirks::Quirk;
use crate::rejected;
use crate::render::{leaf_info, location, render};
use crate::respond::Ctx;
use crate::schema::{AttrType, Kind, Returned, SEARCH_REQUEST, resolve};
use crate::state::AppState;
use crate::store::{MAX_RESOURCES, Record, Store, now_string};

/// List parameters, from the query string or a SearchRequest body.
#[derive(Default, Debug)]
pub struct ListParams {
    pub filter: Option<String>,
    pub start_index: Option<String>,
    pub count: Option<String>,
    pub attributes: Option<String>,
    pub excluded: Option<String>,
}

/// The `attributes` / `excludedAttributes` lists of a request.
struct Projection {
    attributes: Vec<Selector>,
    excluded: Vec<Selector>,
}

impl Projection {
    fn parse(
        kind: Kind,
        attributes: Option<&str>,
        excluded: Option<&str>,
    ) -> Result<Projection, ScimError> {
        Ok(Projection {
            attributes: project::parse_list(kind, attributes.unwrap_or(""))?,
            excluded: project::parse_list(kind, excluded.unwrap_or(""))?,
        })
    }

    fn from_query(kind: Kind, req: &Req<'_>) -> Result<Projection, ScimError> {
        Projection::parse(
            kind,
            req.param("attributes"),
            req.param("excludedAttributes"),
        )
    }

    fn is_empty(&self) -> bool {
        self.attributes.is_empty() && self.excluded.is_empty()
    }

    fn apply(&self, v: Value) -> Value {
        project::apply(v, &self.attributes, &self.excluded)
    }
}

/// Check a parsed filter's attributes and operators against the schema (RFC 7644 Table 9:
/// unsupported attribute/operator combinations are `invalidFilter`).
pub fn validate_filter(kind: Kind, f: &Filter) -> Result<(), String> {
    for term in f.terms() {
        match term {
            Term::ValuePath(p) => {
                let ok = resolve(kind, p.urn.as_deref(), &p.name)
                    .is_some_and(|(_, d)| d.ty == AttrType::Complex && d.multi);
                if !ok {
                    return Err(format!("{p} is not a multi-valued complex attribute"));
                }
            }
            Term::Compare(p, op, _) => {
                let (_, def) = resolve(kind, p.urn.as_deref(), &p.name)
                    .ok_or_else(|| format!("unknown attribute '{p}'"))?;
                let leaf = match &p.sub {
                    Some(sub) => def
                        .find_sub(sub)
                        .ok_or_else(|| format!("unknown attribute '{p}'"))?,
                    None if def.ty == AttrType::Complex => match (op, def.find_sub("value")) {
                        (None, _) => continue,
                        (Some(_), Some(v)) => v,
                        (Some(_), None) => {
                            return Err(format!(
                                "'{p}' is complex; compare one of its sub-attributes"
                            ));
                        }
                    },
                    None => def,
                };
                if leaf.returned == Returned::Never {
                    return Err(format!("'{p}' cannot be filtered on"));
                }
                if let Some(op) = op {
                    let no_order = matches!(leaf.ty, AttrType::Boolean | AttrType::Binary);
                    let not_text = matches!(
                        leaf.ty,
                        AttrType::Boolean | AttrType::Integer | AttrType::Decimal
                    );
                    if (op.is_ordering() && no_order) || (op.is_substring() && not_text) {
                        return Err(format!("operator {op:?} is not supported on '{p}'"));
                    }
                }
            }
        }
    }
    Ok(())
}

/// 1-based start index; absent, unparsable as "below 1" is an error, values below 1 read as 1.
fn parse_paging(params: &ListParams) -> Result<(usize, usize), ScimError> {
    let num = |name: &str, v: &Option<String>| -> Result<Option<i64>, ScimError> {
        match v {
            None => Ok(None),
            Some(s) => s.trim().parse::<i64>().map(Some).map_err(|_| {
                ScimError::invalid_value(format!("{name} must be an integer, got '{s}'"))
            }),
        }
    };
    let start = num("startIndex", &params.start_index)?.unwrap_or(1).max(1) as usize;
    let count = num("count", &params.count)?
        .unwrap_or(MAX_RESULTS as i64)
        .clamp(0, MAX_RESULTS as i64) as usize;
    Ok((start, count))
}

pub fn list_from_query(
    state: &AppState,
    ctx: &Ctx,
    kind: Kind,
    req: &Req<'_>,
) -> Result<Response<Body>, ScimError> {
    let p = |n: &str| req.param(n).map(str::to_string);
    let params = ListParams {
        filter: p("filter"),
        start_index: p("startIndex"),
        count: p("count"),
        attributes: p("attributes"),
        excluded: p("excludedAttributes"),
    };
    list(state, ctx, kind, &params)
}

/// `POST /Users/.search` (RFC 7644 §3.4.3).
pub fn search(
    state: &AppState,
    ctx: &Ctx,
    kind: Kind,
    req: &Req<'_>,
) -> Result<Response<Body>, ScimError> {
    let body = req.json_object()?;
    let listed = match filter::get_ci(&body, "schemas") {
        Some(Value::Array(s)) => s.iter().any(|v| {
            v.as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(SEARCH_REQUEST))
        }),
        _ => false,
    };
    if !listed {
        return Err(ScimError::invalid_syntax(format!(
            "a search request must list \"{SEARCH_REQUEST}\" in schemas"
        )));
    }
    let text = |name: &str| -> Option<String> {
        match filter::get_ci(&body, name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ => None,
        }
    };
    let params = ListParams {
        filter: text("filter"),
        start_index: text("startIndex"),
        count: text("count"),
        attributes: text("attributes"),
        excluded: text("excludedAttributes"),
    };
    list(state, ctx, kind, &params)
}

pub fn list(
    state: &AppState,
    ctx: &Ctx,
    kind: Kind,
    params: &ListParams,
) -> Result<Response<Body>, ScimError> {
    if params.count.is_some() && ctx.on(&Quirk::Status500OnCount) {
        return Err(ScimError::new(500, "Internal server error"));
    }
    let filter = match &params.filter {
        None => None,
        Some(_) if ctx.on(&Quirk::FilterUnsupported) => {
            return Err(ScimError::invalid_filter("Filtering is not supported"));
        }
        Some(_) if ctx.on(&Quirk::FilterIgnored) => None,
        Some(text) => {
            let parsed = filter::parse(text)
                .map_err(|e| e.0)
                .and_then(|f| validate_filter(kind, &f).map(|_| f));
            match parsed {
                Ok(f) => Some(f),
                Err(_) if ctx.on(&Quirk::InvalidFilterAccepted) => None,
                Err(msg) => {
                    return Err(ScimError::invalid_filter(format!("Invalid filter: {msg}")));
                }
            }
        }
    };
    let (mut start, mut count) = parse_paging(params)?;
    let projection = Projection::parse(
        kind,
        params.attributes.as_deref(),
        params.excluded.as_deref(),
    )?;
    let store = state.store();
    let schema_info = leaf_info(kind);
    let case_sensitive = ctx.on(&Quirk::FilterCaseSensitive);
    let info = |path: &filter::AttrPath| {
        let mut leaf = schema_info(path);
        leaf.case_exact |= case_sensitive;
        leaf
    };
    let matched: Vec<Value> = store
        .records(kind)
        .iter()
        .map(|r| render(kind, r, &store, ctx))
        .filter(|v| filter.as_ref().is_none_or(|f| f.matches(v, &info)))
        .collect();
    drop(store);
    let total = matched.len();
    if ctx.on(&Quirk::PagingIgnored) {
        start = 1;
        count = total;
    }
    let page: Vec<Value> = matched
        .into_iter()
        .skip(start - 1)
        .take(count)
        .map(|v| projection.apply(v))
        .collect();
    Ok(ctx.json(200, &ctx.list_body(total, start, page)))
}

pub fn get(
    state: &AppState,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    req: &Req<'_>,
) -> Result<Response<Body>, ScimError> {
    let projection = Projection::from_query(kind, req)?;
    let store = state.store();
    let rec = store
        .find(kind, id)
        .ok_or_else(|| ScimError::unknown_id(kind.name(), id))?;
    let body = projection.apply(render(kind, rec, &store, ctx));
    Ok(ctx.json(200, &body))
}

fn write_opts(ctx: &Ctx, kind: Kind) -> WriteOpts {
    WriteOpts {
        bool_strings: !ctx.on(&Quirk::PatchBoolStrict),
        strict: kind == Kind::User && ctx.on(&Quirk::StrictAttributes),
        wrap_single: false,
    }
}

/// Whether the write is a full body (POST, PUT) or a PATCH.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    Full,
    Patch,
}

/// Per-type checks after the body is normalized: required and unique attributes,
/// group members.
fn finalize(
    kind: Kind,
    store: &Store,
    ctx: &Ctx,
    attrs: &mut Map<String, Value>,
    id: Option<&str>,
    write: WriteKind,
) -> Result<(), ScimError> {
    match kind {
        Kind::User => users::check(store, ctx, attrs, id, write),
        Kind::Group => groups::check(store, ctx, attrs, id),
    }
}

/// The record as shown to the client, and the attributes actually stored (they differ
/// only under `deactivate-ignored`).
fn split_stored(
    kind: Kind,
    ctx: &Ctx,
    attrs: Map<String, Value>,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut stored = attrs.clone();
    if kind == Kind::User
        && ctx.on(&Quirk::DeactivateIgnored)
        && stored.get("active") == Some(&Value::Bool(false))
    {
        stored.insert("active".into(), Value::Bool(true));
    }
    (attrs, stored)
}

pub fn create(
    state: &AppState,
    ctx: &Ctx,
    kind: Kind,
    req: &Req<'_>,
) -> Result<Response<Body>, ScimError> {
    let projection = Projection::from_query(kind, req)?;
    let body = req.json_object()?;
    if kind == Kind::User {
        rejected::check_body(&body, &ctx.quirks.rejected_attributes())?;
    }
    let mut attrs = normalize_body(kind, &body, &write_opts(ctx, kind))?;
    let mut store = state.store_mut();
    if store.records(kind).len() >= MAX_RESOURCES {
        return Err(ScimError::new(
            507,
            format!(
                "The testbed holds at most {MAX_RESOURCES} {}",
                kind.endpoint()
            ),
        ));
    }
    finalize(kind, &store, ctx, &mut attrs, None, WriteKind::Full)?;
    let now = now_string();
    let id = uuid::Uuid::new_v4().to_string();
    let (shown, stored) = split_stored(kind, ctx, attrs);
    store.records_mut(kind).push(Record {
        id: id.clone(),
        created: now.clone(),
        last_modified: now.clone(),
        attrs: stored,
    });
    let view = Record {
        id: id.clone(),
        created: now.clone(),
        last_modified: now,
        attrs: shown,
    };
    let body = projection.apply(render(kind, &view, &store, ctx));
    drop(store);
    if ctx.on(&Quirk::Created200) {
        return Ok(ctx.json(200, &body));
    }
    Ok(ctx.json_with(201, &body, &[("location", location(ctx, kind, &id))]))
}

pub fn replace(
    state: &AppState,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    req: &Req<'_>,
) -> Result<Response<Body>, ScimError> {
    if ctx.on(&Quirk::PutUnsupported) {
        return Err(ScimError::new(501, "PUT is not supported; use PATCH"));
    }
    let projection = Projection::from_query(kind, req)?;
    let body = req.json_object()?;
    if kind == Kind::User {
        rejected::check_body(&body, &ctx.quirks.rejected_attributes())?;
    }
    let mut store = state.store_mut();
    if store.find(kind, id).is_none() {
        return Err(ScimError::unknown_id(kind.name(), id));
    }
    // `id` in the body is read-only and ignored (RFC 7644 §3.5.1), like `meta`.
    let mut attrs = normalize_body(kind, &body, &write_opts(ctx, kind))?;
    finalize(kind, &store, ctx, &mut attrs, Some(id), WriteKind::Full)?;
    let (shown, stored) = split_stored(kind, ctx, attrs);
    let pos = store.position(kind, id).expect("checked above");
    let rec = &mut store.records_mut(kind)[pos];
    rec.attrs = stored;
    rec.last_modified = now_string();
    let view = Record {
        attrs: shown,
        ..rec.clone()
    };
    let body = projection.apply(render(kind, &view, &store, ctx));
    Ok(ctx.json(200, &body))
}

pub fn patch(
    state: &AppState,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    req: &Req<'_>,
) -> Result<Response<Body>, ScimError> {
    let projection = Projection::from_query(kind, req)?;
    let body = req.json_body()?;
    if kind == Kind::Group && ctx.on(&Quirk::MembersRemoveByFilterOnly) {
        reject_member_remove_with_value(&body)?;
    }
    if kind == Kind::User {
        rejected::check_patch(&body, &ctx.quirks.rejected_attributes())?;
    }
    let mut store = state.store_mut();
    let Some(pos) = store.position(kind, id) else {
        return Err(ScimError::unknown_id(kind.name(), id));
    };
    let before = store.records(kind)[pos].attrs.clone();
    let mut attrs = before.clone();
    let opts = PatchOpts {
        write: write_opts(ctx, kind),
        op_case_sensitive: ctx.on(&Quirk::PatchOpCaseSensitive),
        pathless_rejected: ctx.on(&Quirk::PatchPathlessRejected),
        skip_members: kind == Kind::Group && ctx.on(&Quirk::MembersPatchIgnored),
    };
    patch::apply(kind, &mut attrs, &body, &opts)?;
    finalize(kind, &store, ctx, &mut attrs, Some(id), WriteKind::Patch)?;
    let (shown, stored) = split_stored(kind, ctx, attrs);
    let rec = &mut store.records_mut(kind)[pos];
    if stored != before {
        rec.last_modified = now_string();
    }
    rec.attrs = stored;
    let view = Record {
        attrs: shown,
        ..rec.clone()
    };
    // Entra expects 204 for Group PATCH; 200 with the resource when attributes were asked
    // for (RFC 7644 §3.5.2).
    if kind == Kind::Group && projection.is_empty() {
        return Ok(ctx.no_content());
    }
    let body = projection.apply(render(kind, &view, &store, ctx));
    Ok(ctx.json(200, &body))
}

pub fn delete(
    state: &AppState,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
) -> Result<Response<Body>, ScimError> {
    let mut store = state.store_mut();
    if ctx.on(&Quirk::DeleteSoft) {
        if store.find(kind, id).is_none() {
            return Err(ScimError::unknown_id(kind.name(), id));
        }
        return Ok(ctx.no_content());
    }
    if !store.remove(kind, id) {
        return Err(ScimError::unknown_id(kind.name(), id));
    }
    Ok(ctx.no_content())
}

/// `members-remove-by-filter-only`: refuse `remove` of `members` that carries a `value`
/// (Entra's default), as scim2-server does; a value-filter path is the only way to remove.
fn reject_member_remove_with_value(body: &Value) -> Result<(), ScimError> {
    let ops = body
        .get("Operations")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let offending = ops.iter().any(|op| {
        op.get("op")
            .and_then(Value::as_str)
            .is_some_and(|o| o.eq_ignore_ascii_case("remove"))
            && op
                .get("path")
                .and_then(Value::as_str)
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("members"))
            && op.get("value").is_some_and(|v| !v.is_null())
    });
    if offending {
        return Err(ScimError::invalid_value(
            "a remove operation carries no value, a filter in the path selects what to remove",
        ));
    }
    Ok(())
}
