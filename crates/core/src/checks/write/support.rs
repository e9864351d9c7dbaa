//! Pieces every write check shares: the write-mode gate, the baseline test user, journalled
//! creates, fresh reads (writes change state, so the per-run GET cache must not answer),
//! and which selected dialects actually send a given shape.

use serde_json::{Value, json};

use crate::check::{RunCtx, Status, Verdict};
use crate::checks::judge::{TOKEN_GATE, unexpected};
use crate::dialect::{self, Dialect};
use crate::exchange::Exchange;
use crate::probe::Req;
use crate::provision::{TargetSchema, Writer};
use crate::scim::{PATCH_OP, USER, member};
use crate::target::Target;

pub const CREATE_GATE: &str = "scim/users-create";

/// The attribute paths each selected dialect's create payload would send, rendered for the
/// run's test user — what the schema comparisons judge before anything is written.
pub fn create_payload_paths(ctx: &RunCtx<'_>) -> Vec<(&'static Dialect, Vec<String>)> {
    let target = ctx.target();
    let vars = target
        .test_user
        .clone()
        .unwrap_or_default()
        .vars(&ctx.options.run_id, "schema");
    dialect::selected(&target.dialects, target.idp.as_str())
        .into_iter()
        .filter_map(|d| {
            crate::mapping::create_payload(target, d, &vars)
                .map(|body| (d, crate::provision::payload_paths(&body)))
        })
        .collect()
}

/// Write checks run only with `--write`.
pub fn applies_write(target: &Target) -> Result<(), String> {
    if target.write {
        Ok(())
    } else {
        Err("read-only run: add --write to create, change and delete test objects".into())
    }
}

/// Token accepted and a User resource declared; returns the target's schema.
///
/// A failed `scim/users-create` does not stop a check here: that failure may be about the
/// answer's shape alone (no `Location` header, an incomplete `meta`) while creating works,
/// and stopping would hide every later finding. Each check creates its own user, and
/// `create_user` reports it blocked by `scim/users-create` only when that create fails too.
pub async fn gate(ctx: &RunCtx<'_>) -> Result<TargetSchema, Verdict> {
    if let Some(b) = ctx.blocked_by(&[TOKEN_GATE]) {
        return Err(b);
    }
    let schema = TargetSchema::load(ctx.probe).await;
    if !schema.has_users {
        return Err(Verdict::Skip(
            "the target declares no User resource type in /ResourceTypes; nothing was created"
                .into(),
        ));
    }
    Ok(schema)
}

/// The RFC 7644 baseline user for this check: `preflight-test-<run>-<tag>@example.invalid`.
pub fn user_body(ctx: &RunCtx<'_>, schema: &TargetSchema, tag: &str) -> (String, Value) {
    let v = ctx
        .target()
        .test_user
        .clone()
        .unwrap_or_default()
        .vars(&ctx.options.run_id, tag);
    let name = v.get("userName").unwrap_or_default().to_string();
    let body = json!({
        "schemas": [USER],
        "userName": name,
        "externalId": v.get("externalId"),
        "displayName": v.get("displayName"),
        "active": true,
        "name": {"givenName": v.get("givenName"), "familyName": v.get("familyName")},
        "emails": [{"value": v.get("email"), "type": "work", "primary": true}],
    });
    (name, schema.quiet(&body))
}

/// POST the body through the journal. `Err` is the verdict when the user cannot be created
/// (blocked by `scim/users-create` when that check already failed).
pub async fn create_user(
    ctx: &RunCtx<'_>,
    w: &Writer<'_>,
    name: &str,
    body: &Value,
) -> Result<(Exchange, String), Verdict> {
    let req = Req::new("POST", "/Users")
        .json_body(body)
        .purpose("create a Preflight test user");
    let x = w
        .create(crate::dialect::ObjectKind::User, name, req)
        .await
        .map_err(|e| Verdict::Skip(format!("{e}; nothing was created")))?;
    match x
        .response
        .as_ref()
        .filter(|r| (200..300).contains(&r.status))
        .and_then(|r| r.json())
        .and_then(|j| member(&j, "id").and_then(Value::as_str).map(str::to_string))
    {
        Some(id) => Ok((x, id)),
        None if ctx.status_of(CREATE_GATE) == Some(Status::Fail) => {
            Err(Verdict::Blocked(CREATE_GATE.into()))
        }
        None => Err(match unexpected(&x, "201 with the created user") {
            // A 400 that names a required attribute is about the payload, not an unknown attribute.
            Verdict::Fail(mut f)
                if x.status() == Some(400)
                    && f.actual.to_ascii_lowercase().contains("required") =>
            {
                f.diagnosis = crate::check::Cause::new("scim/required-attribute-missing");
                Verdict::Fail(f)
            }
            other => other,
        }),
    }
}

/// A GET that always goes to the server.
pub async fn read(ctx: &RunCtx<'_>, path: &str, purpose: &str) -> Exchange {
    ctx.probe
        .send(Req::get(path).purpose(purpose.to_string()))
        .await
}

pub fn body_json(x: &Exchange) -> Option<Value> {
    x.response.as_ref().and_then(|r| r.json())
}

pub fn patch(path: &str, operations: Value, purpose: &str) -> Req {
    Req::new("PATCH", path)
        .json_body(&json!({"schemas": [PATCH_OP], "Operations": operations}))
        .purpose(purpose.to_string())
}

pub fn ok(x: &Exchange) -> bool {
    x.status().is_some_and(|s| (200..300).contains(&s))
}

/// Selected dialects (or every dialect, when none is selected) with a request body for
/// which `sends` is true — so a check can say which IdP depends on the shape it tests.
pub fn dialects_sending(ctx: &RunCtx<'_>, sends: impl Fn(&Value) -> bool) -> Vec<&'static str> {
    let target = ctx.target();
    let chosen: Vec<&'static Dialect> = dialect::selected(&target.dialects, target.idp.as_str());
    chosen
        .into_iter()
        .filter(|d| {
            d.steps
                .values()
                .filter_map(|s| s.body.as_deref())
                .filter_map(|b| serde_json::from_str::<Value>(b).ok())
                .any(|b| sends(&b))
        })
        .map(|d| d.id.as_str())
        .collect()
}

/// Every PATCH operation of a body.
pub fn operations(body: &Value) -> Vec<&Value> {
    member(body, "Operations")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// Fail when a selected dialect depends on the shape, warn otherwise (the shape is still
/// what some IdP sends).
pub fn severity(v: Verdict, users: &[&str]) -> Verdict {
    if users.is_empty() { v.soften() } else { v }
}
