use async_trait::async_trait;
use serde_json::{Value, json};

use super::support::{
    applies_write, body_json, create_user, dialects_sending, gate, ok, operations, patch, read,
    severity, user_body,
};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::{outcome, unexpected};
use crate::exchange::Exchange;
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
           When it does not, the same change is sent with `\"replace\"`: only if that one is accepted is the case blamed; if the server \
           refuses the attribute whatever the case, `name.givenName` is tried instead, and with neither the check is skipped. \
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

const EXPECTED: &str = "\"Replace\" applied like \"replace\"";

/// Attributes tried in turn: a server may refuse to replace one whatever the op's case
/// (django-scim2 cannot PATCH `displayName`), which says nothing about case.
const PROBED: [&str; 2] = ["displayName", "name.givenName"];

/// What one attribute showed about the op's case.
enum Probe {
    /// "Replace" was applied.
    Applied(Vec<String>),
    /// "Replace" was refused (or ignored) while lower-case "replace" was accepted: case matters.
    CaseRefused(Vec<String>, Exchange),
    /// Lower-case "replace" was refused too: this attribute cannot tell.
    RefusedAnyway(Vec<String>, String),
    /// An answer that is about something else (auth, 5xx, a web page).
    Unexpected(Exchange),
}

async fn probe_attribute(ctx: &RunCtx<'_>, path: &str, attribute: &str) -> Probe {
    let value = "Preflight Op Case";
    let x = ctx
        .probe
        .send(patch(
            path,
            json!([{"op": "Replace", "path": attribute, "value": value}]),
            &format!("PATCH {attribute} with op \"Replace\""),
        ))
        .await;
    let back = read(ctx, path, "read back after \"Replace\"").await;
    let mut ids = vec![x.id.clone(), back.id.clone()];
    let applied = lookup(&body_json(&back).unwrap_or(Value::Null), attribute)
        .and_then(Value::as_str)
        == Some(value);
    if ok(&x) && applied {
        return Probe::Applied(ids);
    }
    if !(matches!(x.status(), Some(400) | Some(501)) || ok(&x)) {
        return Probe::Unexpected(x);
    }
    // The same change in lower case: only if that one is accepted is the case the cause.
    let lower = ctx
        .probe
        .send(patch(
            path,
            json!([{"op": "replace", "path": attribute, "value": value}]),
            &format!("PATCH {attribute} with op \"replace\" (to find the cause)"),
        ))
        .await;
    ids.push(lower.id.clone());
    if ok(&lower) {
        Probe::CaseRefused(ids, x)
    } else {
        let line = format!("{attribute}: \"replace\" → {}", outcome(&lower));
        Probe::RefusedAnyway(ids, line)
    }
}

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
                let who = if users.is_empty() {
                    String::new()
                } else {
                    format!("Sent by: {}.", users.join(", "))
                };
                let mut evidence = vec![created.id.clone()];
                let mut refused_anyway = Vec::new();
                let mut verdict = None;
                for attribute in PROBED {
                    match probe_attribute(ctx, &format!("/Users/{id}"), attribute).await {
                        Probe::Applied(ids) => {
                            evidence.extend(ids);
                            verdict = Some(Verdict::pass(evidence.clone()));
                        }
                        Probe::CaseRefused(ids, x) => {
                            evidence.extend(ids);
                            let actual = format!(
                                "{}{} (\"replace\" in lower case is applied)",
                                outcome(&x),
                                if ok(&x) {
                                    " but the value did not change"
                                } else {
                                    ""
                                }
                            );
                            verdict = Some(severity(
                                Verdict::fail(
                                    EXPECTED,
                                    actual,
                                    evidence.clone(),
                                    Cause::new("scim/patch-op-case").detail(who.clone()),
                                ),
                                &users,
                            ));
                        }
                        Probe::RefusedAnyway(ids, line) => {
                            evidence.extend(ids);
                            refused_anyway.push(line);
                            continue;
                        }
                        Probe::Unexpected(x) => verdict = Some(unexpected(&x, EXPECTED)),
                    }
                    break;
                }
                verdict.unwrap_or_else(|| {
                    Verdict::Skip(format!(
                        "the op's case cannot be judged: {} — the server refuses these replaces \
                         whatever the case (see scim/users-patch-pathless)",
                        refused_anyway.join("; ")
                    ))
                })
            }
        };
        w.finish().await;
        verdict
    }
}
