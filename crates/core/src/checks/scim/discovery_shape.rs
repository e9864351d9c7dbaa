use async_trait::async_trait;
use serde_json::Value;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{ENDPOINT_GATE, outcome, unexpected};
use crate::probe::Req;
use crate::scim::{SERVICE_PROVIDER_CONFIG, endpoint_names, has_schema, list_shape, member};

/// The three discovery documents, authenticated, against RFC 7643 §5–7.
pub struct DiscoveryShape;

static DOC: CheckDoc = CheckDoc {
    id: "scim/discovery-shape",
    title: "Discovery documents are complete and consistent",
    what: "Reads `/ServiceProviderConfig` (every feature object with a boolean `supported`, bulk and filter \
           limits, `authenticationSchemes`), `/ResourceTypes` (a ListResponse naming `/Users`, with `name`, \
           `endpoint`, `schema`) and `/Schemas` (a ListResponse of schemas with `id` and `attributes`), \
           and checks that every schema a resource type names is defined in `/Schemas`. Also sends a `filter` \
           to `/Schemas`, which should be refused (403).",
    why: "Preflight and careful IdP integrations read these documents to learn which attributes the target \
          accepts; a missing or inconsistent schema hides the attributes that will later be rejected with 400.",
    fix: "For the SCIM service provider: serve the discovery documents as RFC 7643 §5–7 describe. For the admin: \
          nothing blocks provisioning yet, but attribute checks will be less precise.",
    references: &["RFC 7643 §5", "RFC 7643 §6", "RFC 7643 §7", "RFC 7644 §4"],
    diagnoses: &[
        "scim/schema-mismatch",
        "scim/invalid-filter-accepted",
        "auth/token-rejected",
        "auth/insufficient-scope",
    ],
};

const FEATURES: [&str; 6] = ["patch", "bulk", "filter", "changePassword", "sort", "etag"];

fn spc_problems(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if !has_schema(doc, SERVICE_PROVIDER_CONFIG) {
        out.push(format!(
            "ServiceProviderConfig: `schemas` lacks {SERVICE_PROVIDER_CONFIG}"
        ));
    }
    for feature in FEATURES {
        match member(doc, feature) {
            None => out.push(format!("ServiceProviderConfig: `{feature}` is missing")),
            Some(f) => {
                if !member(f, "supported").is_some_and(Value::is_boolean) {
                    out.push(format!(
                        "ServiceProviderConfig: `{feature}.supported` is not a boolean"
                    ));
                }
            }
        }
    }
    let supported = |f: &str| {
        member(doc, f)
            .and_then(|v| member(v, "supported"))
            .and_then(Value::as_bool)
            == Some(true)
    };
    if supported("bulk") {
        for limit in ["maxOperations", "maxPayloadSize"] {
            if !member(doc, "bulk")
                .and_then(|b| member(b, limit))
                .is_some_and(Value::is_u64)
            {
                out.push(format!(
                    "ServiceProviderConfig: `bulk.{limit}` is not an integer"
                ));
            }
        }
    }
    if supported("filter")
        && !member(doc, "filter")
            .and_then(|b| member(b, "maxResults"))
            .is_some_and(Value::is_u64)
    {
        out.push("ServiceProviderConfig: `filter.maxResults` is not an integer".into());
    }
    if !member(doc, "authenticationSchemes").is_some_and(Value::is_array) {
        out.push("ServiceProviderConfig: `authenticationSchemes` is not an array".into());
    }
    out
}

/// Resource types and the schema URNs they reference; `base_path` is the base URL's path.
fn resource_type_problems(
    doc: &Value,
    base_path: &str,
    referenced: &mut Vec<String>,
) -> Vec<String> {
    let shape = list_shape(doc);
    let mut out: Vec<String> = shape
        .problems
        .iter()
        .map(|p| format!("ResourceTypes: {p}"))
        .collect();
    let mut has_users = false;
    for rt in &shape.resources {
        // `id` is optional for resource types (RFC 7643 §6); the rest are required.
        for field in ["name", "endpoint", "schema"] {
            if !member(rt, field).is_some_and(Value::is_string) {
                out.push(format!("ResourceTypes: an entry lacks `{field}`"));
            }
        }
        // "Users", "/Users" or the full path under the base URL (`endpoint_names`).
        if member(rt, "endpoint")
            .and_then(Value::as_str)
            .is_some_and(|e| endpoint_names(e, "Users", base_path))
        {
            has_users = true;
        }
        referenced.extend(
            member(rt, "schema")
                .and_then(Value::as_str)
                .map(str::to_string),
        );
        for ext in member(rt, "schemaExtensions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            referenced.extend(
                member(ext, "schema")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            );
        }
    }
    if shape.problems.is_empty() && !has_users {
        out.push("ResourceTypes: no resource type with endpoint /Users".into());
    }
    out
}

fn schema_problems(doc: &Value, referenced: &[String]) -> Vec<String> {
    let shape = list_shape(doc);
    let mut out: Vec<String> = shape
        .problems
        .iter()
        .map(|p| format!("Schemas: {p}"))
        .collect();
    let defined: Vec<String> = shape
        .resources
        .iter()
        .filter_map(|s| member(s, "id").and_then(Value::as_str))
        .map(str::to_ascii_lowercase)
        .collect();
    for s in &shape.resources {
        if !member(s, "attributes").is_some_and(Value::is_array) {
            let id = member(s, "id").and_then(Value::as_str).unwrap_or("(no id)");
            out.push(format!("Schemas: {id} has no `attributes` array"));
        }
    }
    if shape.problems.is_empty() {
        for urn in referenced {
            if !defined.contains(&urn.to_ascii_lowercase()) {
                out.push(format!(
                    "Schemas: {urn} is named by /ResourceTypes but not defined"
                ));
            }
        }
    }
    out
}

#[async_trait]
impl Check for DiscoveryShape {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[ENDPOINT_GATE]) {
            return blocked;
        }
        let mut evidence = Vec::new();
        let mut problems = Vec::new();
        let mut docs = Vec::new();
        for path in ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"] {
            let x = ctx
                .probe
                .fetch(Req::get(path).purpose("discovery with the token"))
                .await;
            evidence.push(x.id.clone());
            // A refused credential says nothing about the documents' shape: on a server that
            // guards discovery, a wrong token must read as the token's problem, not as
            // incomplete discovery documents for the vendor to fix.
            if matches!(x.status(), Some(401 | 403)) {
                return unexpected(&x, "the discovery documents, read with the token");
            }
            match x
                .response
                .as_ref()
                .filter(|r| r.status == 200)
                .and_then(|r| r.json())
            {
                Some(json) => docs.push(json),
                None => {
                    problems.push(format!("{path} → {}", outcome(&x)));
                    docs.push(Value::Null);
                }
            }
        }
        if !docs[0].is_null() {
            problems.extend(spc_problems(&docs[0]));
        }
        let mut referenced = Vec::new();
        if !docs[1].is_null() {
            problems.extend(resource_type_problems(
                &docs[1],
                ctx.target().base_url.path(),
                &mut referenced,
            ));
        }
        if !docs[2].is_null() {
            problems.extend(schema_problems(&docs[2], &referenced));
        }
        if !problems.is_empty() {
            return Verdict::fail(
                "complete discovery documents (RFC 7643 §5–7)",
                problems.join("; "),
                evidence,
                Cause::new("scim/schema-mismatch"),
            );
        }
        let filtered = ctx
            .probe
            .fetch(
                Req::get("/Schemas?filter=id%20eq%20%22x%22")
                    .purpose("filter on /Schemas (should be refused)"),
            )
            .await;
        evidence.push(filtered.id.clone());
        if filtered.status() == Some(200) {
            let list_ignores_filter = filtered
                .response
                .as_ref()
                .and_then(|r| r.json())
                .is_some_and(|j| list_shape(&j).total_results.unwrap_or(0) > 0);
            if list_ignores_filter {
                return Verdict::pass_with_note(
                    evidence,
                    "a filter on /Schemas is ignored (allowed; 403 is preferred)",
                );
            }
            return Verdict::warn(
                "403 for a filter on /Schemas (RFC 7644 §4)",
                outcome(&filtered),
                evidence,
                Cause::new("scim/invalid-filter-accepted"),
            );
        }
        Verdict::pass(evidence)
    }
}
