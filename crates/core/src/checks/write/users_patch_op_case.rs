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

/// `"op": "Replace"` (capitalised, as Entra sends by default) is applied.
pub struct UsersPatchOpCase;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-patch-op-case",
    title: "Capitalised PATCH ops (\"Replace\") are applied",
    what: "With `--write`: creates a test user and sends `{\"op\":\"Replace\",\"path\":\"displayName\",…}`; the new value must read back. \
           A failure is an error when a selected dialect sends capitalised ops (Entra without `aadOptscim062020`), a warning otherwise.",
    why: "Entra sends `Add`/`Replace`/`Remove` unless the Tenant URL carries `?aadOptscim062020`, and Microsoft asks servers to match \
          `op` case-insensitively. A case-sensitive server rejects every Entra update.",
    fix: "For the SCIM service provider: compare `op` case-insensitively. Or, for Entra's scheduled cycles, add `?aadOptscim062020` to \
          the Tenant URL (it does not apply to Provision on demand).",
    references: &[
        "RFC 7644 §3.5.2",
        "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility",
    ],
    diagnoses: &["scim/patch-op-case"],
};

#[async_trait]
impl Check for UsersPatchOpCase {
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
                member(o, "op")
                    .and_then(Value::as_str)
                    .is_some_and(|op| op.chars().next().is_some_and(char::is_uppercase))
            })
        });
        let w = Writer::new(ctx.probe, &ctx.options.run_id);
        let (name, body) = user_body(ctx, &schema, "opcase");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, id)) => {
                let path = format!("/Users/{id}");
                let x = ctx.probe.send(patch(&path, json!([{"op": "Replace", "path": "displayName", "value": "Preflight Op Case"}]), "PATCH with op \"Replace\"")).await;
                let back = read(ctx, &path, "read back after \"Replace\"").await;
                let evidence = vec![created.id.clone(), x.id.clone(), back.id.clone()];
                let expected = "\"Replace\" applied like \"replace\"";
                let applied = lookup(&body_json(&back).unwrap_or(Value::Null), "displayName")
                    .and_then(Value::as_str)
                    == Some("Preflight Op Case");
                let who = if users.is_empty() {
                    String::new()
                } else {
                    format!("Sent by: {}.", users.join(", "))
                };
                if ok(&x) && applied {
                    Verdict::pass(evidence)
                } else if matches!(x.status(), Some(400) | Some(501)) || ok(&x) {
                    severity(
                        Verdict::fail(
                            expected,
                            format!(
                                "{}{}",
                                outcome(&x),
                                if ok(&x) {
                                    " but the value did not change"
                                } else {
                                    ""
                                }
                            ),
                            evidence,
                            Cause::new("scim/patch-op-case").detail(who),
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
