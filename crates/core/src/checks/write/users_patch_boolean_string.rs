use async_trait::async_trait;
use serde_json::{Value, json};

use super::support::{
    applies_write, body_json, create_user, dialects_sending, gate, ok, operations, patch, read,
    severity, user_body,
};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::{outcome, unexpected};
use crate::provision::Writer;
use crate::provision::flow::lookup;
use crate::scim::member;
use crate::target::Target;

/// `"value": "False"` (a string, as Entra sends by default) deactivates the user.
pub struct UsersPatchBooleanString;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-patch-boolean-string",
    title: "\"False\"/\"True\" strings for active are applied",
    what: "With `--write`: creates a test user and sends `{\"op\":\"replace\",\"path\":\"active\",\"value\":\"False\"}`; `active` must read \
           back false. An error when a selected dialect sends string booleans (Entra without `aadOptscim062020`), a warning otherwise.",
    why: "Entra's default disable is `\"value\": \"False\"`. A server that insists on a JSON boolean answers 400, and people disabled \
          or unassigned in Entra keep their access.",
    fix: "For the SCIM service provider: accept \"True\"/\"False\" strings for booleans in PATCH. Or add `?aadOptscim062020` to the \
          Tenant URL so Entra's scheduled cycles send JSON booleans.",
    references: &[
        "RFC 7643 §2.3.2",
        "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility",
    ],
    diagnoses: &["scim/patch-boolean-string", "scim/deactivate"],
};

#[async_trait]
impl Check for UsersPatchBooleanString {
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
        let users = dialects_sending(ctx, |b| {
            operations(b).iter().any(|o| {
                member(o, "value")
                    .and_then(Value::as_str)
                    .is_some_and(|v| v == "False" || v == "True")
            })
        });
        let w = Writer::new(ctx.probe, &ctx.options.run_id);
        let (name, body) = user_body(ctx, &schema, "boolstring");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, id)) => {
                let path = format!("/Users/{id}");
                let x = ctx
                    .probe
                    .send(patch(
                        &path,
                        json!([{"op": "replace", "path": "active", "value": "False"}]),
                        "PATCH active with the string \"False\"",
                    ))
                    .await;
                let back = read(ctx, &path, "read back after \"False\"").await;
                let evidence = vec![created.id.clone(), x.id.clone(), back.id.clone()];
                let expected = "\"False\" accepted and `active` reads back false";
                let active = lookup(&body_json(&back).unwrap_or(Value::Null), "active").cloned();
                let who = if users.is_empty() {
                    String::new()
                } else {
                    format!("Sent by: {}.", users.join(", "))
                };
                let off = active.as_ref().is_some_and(|a| {
                    a.as_bool() == Some(false)
                        || a.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
                });
                if ok(&x) && off {
                    Verdict::pass(evidence)
                } else if ok(&x) {
                    Verdict::fail(
                        expected,
                        format!(
                            "accepted but `active` reads {}",
                            active
                                .map(|a| a.to_string())
                                .unwrap_or_else(|| "absent".into())
                        ),
                        evidence,
                        Cause::new("scim/deactivate"),
                    )
                } else if x.status() == Some(400) {
                    severity(
                        Verdict::fail(
                            expected,
                            outcome(&x),
                            evidence,
                            Cause::new("scim/patch-boolean-string").detail(who),
                        ),
                        &users,
                    )
                } else {
                    unexpected(&x, expected)
                }
            }
        };
        w.finish().await;
        verdict
    }
}
