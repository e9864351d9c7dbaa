use async_trait::async_trait;
use serde_json::{Value, json};

use super::support::{applies_write, body_json, create_user, gate, ok, patch, read, user_body};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::{outcome, unexpected};
use crate::provision::Writer;
use crate::provision::flow::lookup;
use crate::target::Target;

/// A pathless `replace` with `{"active": false}` deactivates the user.
pub struct UsersPatchPathless;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-patch-pathless",
    title: "A pathless PATCH replace deactivates the user",
    what: "With `--write`: creates a test user, sends `{\"op\":\"replace\",\"value\":{\"active\":false}}` (no `path`, as Okta does) and \
           reads the user back (`active` must be false), then a `replace` with `path: \"displayName\"`.",
    why: "Okta deactivates (unassign, suspend) with exactly this body, and Entra with `aadOptscim062020` merges attribute changes \
          into one pathless replace. A server that needs `path` leaves unassigned people active.",
    fix: "For the SCIM service provider: accept PATCH `add`/`replace` without `path` (the value is an object of attributes, RFC 7644 \
          §3.5.2.1, §3.5.2.3) and store `active: false`.",
    references: &[
        "RFC 7644 §3.5.2",
        "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/",
    ],
    diagnoses: &["scim/patch-pathless", "scim/deactivate"],
};

#[async_trait]
impl Check for UsersPatchPathless {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _options: &RunOptions) -> Result<(), String> {
        applies_write(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let schema = match gate(ctx).await {
            Ok(s) => s,
            Err(v) => return v,
        };
        let w = Writer::new(ctx.probe, &ctx.options.run_id);
        let (name, body) = user_body(ctx, &schema, "pathless");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, id)) => {
                let path = format!("/Users/{id}");
                let x = ctx
                    .probe
                    .send(patch(
                        &path,
                        json!([{"op": "replace", "value": {"active": false}}]),
                        "pathless replace of active",
                    ))
                    .await;
                let back = read(ctx, &path, "read back after the pathless replace").await;
                let with_path = ctx.probe.send(patch(&path, json!([{"op": "replace", "path": "displayName", "value": "Preflight Pathless"}]), "replace with a path")).await;
                let evidence = vec![
                    created.id.clone(),
                    x.id.clone(),
                    back.id.clone(),
                    with_path.id.clone(),
                ];
                let expected = "200 or 204, and `active` reads back false";
                if !ok(&x) {
                    match x.status() {
                        Some(400) | Some(404) | Some(501) => Verdict::fail(
                            expected,
                            outcome(&x),
                            evidence,
                            Cause::new("scim/patch-pathless"),
                        ),
                        _ => unexpected(&x, expected),
                    }
                } else if lookup(&body_json(&back).unwrap_or(Value::Null), "active")
                    .and_then(Value::as_bool)
                    != Some(false)
                {
                    Verdict::fail(
                        expected,
                        format!(
                            "accepted ({}) but `active` still reads {}",
                            outcome(&x),
                            lookup(&body_json(&back).unwrap_or(Value::Null), "active")
                                .map(Value::to_string)
                                .unwrap_or_else(|| "absent".into())
                        ),
                        evidence,
                        Cause::new("scim/deactivate"),
                    )
                } else if !ok(&with_path) {
                    unexpected(
                        &with_path,
                        "replace with path displayName answered 200 or 204",
                    )
                } else {
                    Verdict::pass(evidence)
                }
            }
        };
        w.finish().await;
        verdict
    }
}
