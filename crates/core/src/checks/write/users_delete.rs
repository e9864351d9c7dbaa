use async_trait::async_trait;
use serde_json::Value;

use super::support::{applies_write, body_json, create_user, gate, ok, read, user_body};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::{outcome, unexpected};
use crate::dialect::ObjectKind;
use crate::probe::Req;
use crate::provision::Writer;
use crate::scim::{encode_query_value, eq_filter, list_shape, member};
use crate::target::Target;

/// DELETE answers 204; the user is then gone everywhere and its userName is free again.
pub struct UsersDelete;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-delete",
    title: "A deleted user is gone: 404 by id, absent from filters, userName free again",
    what: "With `--write`: creates a test user, DELETEs it (204), then expects 404 for `GET /Users/{id}`, zero results for a \
           `userName eq` filter, and 201 when the same user is created again (409 there is a warning). The re-created user is removed.",
    why: "Entra (after a hard delete) and OneLogin (with \"Delete\") delete users; if the account stays visible or keeps its name, \
          a rehire matches the old record or fails with 409.",
    fix: "For the SCIM service provider: after DELETE, answer 404 for the id, drop it from searches, and free its `userName` \
          (RFC 7644 §3.6), soft deletes included.",
    references: &["RFC 7644 §3.6"],
    diagnoses: &["scim/delete-not-404"],
};

#[async_trait]
impl Check for UsersDelete {
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
        let (name, body) = user_body(ctx, &schema, "delete");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, id)) => {
                let del = ctx
                    .probe
                    .send(
                        Req::new("DELETE", format!("/Users/{id}")).purpose("delete the test user"),
                    )
                    .await;
                let mut evidence = vec![created.id.clone(), del.id.clone()];
                if !ok(&del) {
                    unexpected(&del, "204 No Content")
                } else {
                    let gone = read(ctx, &format!("/Users/{id}"), "read the deleted user").await;
                    let filter = encode_query_value(&eq_filter("userName", &name), false);
                    let search = read(
                        ctx,
                        &format!("/Users?filter={filter}"),
                        "search the deleted user by userName",
                    )
                    .await;
                    evidence.extend([gone.id.clone(), search.id.clone()]);
                    let found = body_json(&search)
                        .map(|j| list_shape(&j))
                        .map(|s| s.total_results.unwrap_or(0).max(s.resources.len() as u64))
                        .unwrap_or(0);
                    let mut problems = Vec::new();
                    if gone.status() != Some(404) {
                        problems.push(format!("GET by id answered {}", outcome(&gone)));
                    }
                    if found > 0 {
                        problems.push(format!("a userName filter still finds {found}"));
                    }
                    if problems.is_empty() {
                        w.forget(ObjectKind::User, &id);
                        let again = w
                            .create(
                                ObjectKind::User,
                                &name,
                                Req::new("POST", "/Users")
                                    .json_body(&body)
                                    .purpose("create the same user again"),
                            )
                            .await;
                        match again {
                            Err(e) => Verdict::Skip(e.to_string()),
                            Ok(again) => {
                                evidence.push(again.id.clone());
                                match again.status() {
                                    Some(201) | Some(200) => Verdict::pass(evidence),
                                    Some(409) => Verdict::warn(
                                        "201 for the same userName after delete",
                                        outcome(&again),
                                        evidence,
                                        Cause::new("scim/delete-not-404")
                                            .detail("The deleted user's userName is still taken."),
                                    ),
                                    _ => {
                                        unexpected(&again, "201 for the same userName after delete")
                                    }
                                }
                            }
                        }
                    } else {
                        let _ = body_json(&del).and_then(|j| {
                            member(&j, "id").and_then(Value::as_str).map(str::to_string)
                        });
                        Verdict::fail(
                            "404 by id and no filter match after DELETE",
                            problems.join("; "),
                            evidence,
                            Cause::new("scim/delete-not-404"),
                        )
                    }
                }
            }
        };
        w.finish().await;
        verdict
    }
}
