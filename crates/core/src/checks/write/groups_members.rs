use async_trait::async_trait;
use serde_json::{Value, json};

use super::support::{
    applies_write, body_json, create_user, dialects_sending, gate, ok, operations, patch, read,
    severity, user_body,
};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::{outcome, unexpected};
use crate::dialect::ObjectKind;
use crate::exchange::Exchange;
use crate::probe::Req;
use crate::provision::Writer;
use crate::scim::{GROUP, member};
use crate::target::Target;

/// Member add and both remove shapes (filter path; Entra's value array) are applied.
pub struct GroupsMembers;

static DOC: CheckDoc = CheckDoc {
    id: "scim/groups-members",
    title: "Group members can be added and removed (both remove shapes)",
    what: "With `--write`: creates a test user and group, then PATCHes `add` of `members` (value array), `remove` with \
           `members[value eq \"<id>\"]`, `add` again and Entra's default `remove` with `path: \"members\"` and a `value` array, reading \
           the group after each. The value-array remove is an error when a selected dialect sends it, a warning otherwise.",
    why: "Every IdP's group push ends in these calls. A server that accepts them but changes nothing, or rejects Entra's remove \
          form, leaves people in groups (and with what the groups grant) after they were removed in the IdP.",
    fix: "For the SCIM service provider: apply `add`/`remove` on `members` with a value array and with a value-filter path \
          (RFC 7644 §3.5.2); for Entra, either accept the value-array remove or add `?aadOptscim062020` to the Tenant URL.",
    references: &[
        "RFC 7644 §3.5.2",
        "RFC 7643 §4.2",
        "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility",
    ],
    diagnoses: &["scim/patch-members"],
};

fn members(x: &Exchange) -> Vec<String> {
    body_json(x)
        .and_then(|j| member(&j, "members").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            member(m, "value")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

#[async_trait]
impl Check for GroupsMembers {
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
        if !schema.has_groups {
            return Verdict::Skip(
                "the target declares no Group resource type in /ResourceTypes; nothing was created"
                    .into(),
            );
        }
        let entra_form = dialects_sending(ctx, |b| {
            operations(b).iter().any(|o| {
                member(o, "op")
                    .and_then(Value::as_str)
                    .is_some_and(|op| op.eq_ignore_ascii_case("remove"))
                    && member(o, "path")
                        .and_then(Value::as_str)
                        .is_some_and(|p| p.eq_ignore_ascii_case("members"))
                    && member(o, "value").is_some()
            })
        });
        let w = Writer::new(ctx.probe, &ctx.options.run_id);
        let (name, body) = user_body(ctx, &schema, "members");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, uid)) => {
                let group_name = format!("{}-group", name.trim_end_matches("@example.invalid"));
                let gx = w.create(ObjectKind::Group, &group_name, Req::new("POST", "/Groups").json_body(&json!({"schemas": [GROUP], "displayName": group_name, "members": []})).purpose("create a Preflight test group")).await;
                match gx {
                    Err(e) => Verdict::Skip(e.to_string()),
                    Ok(gx) => match body_json(&gx)
                        .filter(|_| ok(&gx))
                        .and_then(|j| member(&j, "id").and_then(Value::as_str).map(str::to_string))
                    {
                        None => unexpected(&gx, "201 with the created group"),
                        Some(gid) => {
                            steps(
                                ctx,
                                &uid,
                                &gid,
                                vec![created.id.clone(), gx.id.clone()],
                                &entra_form,
                            )
                            .await
                        }
                    },
                }
            }
        };
        w.finish().await;
        verdict
    }
}

async fn steps(
    ctx: &RunCtx<'_>,
    uid: &str,
    gid: &str,
    mut evidence: Vec<String>,
    entra_form: &[&str],
) -> Verdict {
    let path = format!("/Groups/{gid}");
    let plan = [
        (
            json!([{"op": "add", "path": "members", "value": [{"value": uid}]}]),
            true,
            "add with a value array",
            false,
        ),
        (
            json!([{"op": "remove", "path": format!("members[value eq \"{uid}\"]")}]),
            false,
            "remove with members[value eq id]",
            false,
        ),
        (
            json!([{"op": "add", "path": "members", "value": [{"value": uid}]}]),
            true,
            "add again",
            false,
        ),
        (
            json!([{"op": "remove", "path": "members", "value": [{"value": uid}]}]),
            false,
            "remove with path members and a value array (Entra default)",
            true,
        ),
    ];
    for (ops, present, what, entra) in plan {
        let x = ctx.probe.send(patch(&path, ops, what)).await;
        let back = read(ctx, &path, "read the group back").await;
        evidence.push(x.id.clone());
        evidence.push(back.id.clone());
        let expected = format!(
            "{what}: 2xx and the group {} the user",
            if present { "lists" } else { "no longer lists" }
        );
        let listed = members(&back).iter().any(|m| m == uid);
        let finding = if !ok(&x) && matches!(x.status(), Some(400) | Some(404) | Some(501)) {
            Some(outcome(&x))
        } else if !ok(&x) {
            return unexpected(&x, &expected);
        } else if listed != present {
            Some(format!(
                "{} but the group {} the user",
                outcome(&x),
                if listed {
                    "still lists"
                } else {
                    "does not list"
                }
            ))
        } else {
            None
        };
        if let Some(actual) = finding {
            let v = Verdict::fail(
                expected,
                actual,
                evidence,
                Cause::new("scim/patch-members").detail(if entra && !entra_form.is_empty() {
                    format!("Sent by: {}.", entra_form.join(", "))
                } else {
                    String::new()
                }),
            );
            return if entra { severity(v, entra_form) } else { v };
        }
    }
    Verdict::pass(evidence)
}
