use async_trait::async_trait;
use serde_json::{Value, json};

use super::support::{applies_write, body_json, create_user, gate, read, user_body};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::outcome;
use crate::probe::Req;
use crate::provision::Writer;
use crate::provision::flow::lookup;
use crate::scim::{ScimError, member};
use crate::target::Target;

/// PUT replaces the user, keeps its `id`, and never creates one.
pub struct UsersPutReplace;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-put-replace",
    title: "PUT replaces a user and keeps its id; PUT on an unknown id answers 404",
    what: "With `--write`: creates a test user, PUTs the whole resource with a changed `displayName` and a bogus `id` in the body \
           (expects 200 with the original `id` and the new `displayName`, or 400 `mutability`), then PUTs to a random id (expects 404).",
    why: "Okta (and OneLogin) update users by PUT of the whole resource; a server that rejects PUT, loses attributes or lets the \
          body change the `id` breaks every profile update.",
    fix: "For the SCIM service provider: implement PUT as a full replace (RFC 7644 §3.5.1), ignore or reject (400 mutability) a \
          different `id`, and answer 404 for unknown ids.",
    references: &[
        "RFC 7644 §3.5.1",
        "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/",
    ],
    diagnoses: &["scim/put-replace"],
};

#[async_trait]
impl Check for UsersPutReplace {
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
        let (name, body) = user_body(ctx, &schema, "put");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, id)) => {
                let mut replaced = body.clone();
                replaced["id"] = json!("preflight-bogus-id");
                replaced["displayName"] = json!("Preflight Replaced");
                let put = ctx
                    .probe
                    .send(
                        Req::new("PUT", format!("/Users/{id}"))
                            .json_body(&replaced)
                            .purpose("replace the user with PUT"),
                    )
                    .await;
                let back = read(ctx, &format!("/Users/{id}"), "read the replaced user").await;
                let unknown = ctx.random_uuid();
                let mut unknown_body = body.clone();
                unknown_body["userName"] = json!(format!("{name}-absent"));
                let missing = ctx
                    .probe
                    .send(
                        Req::new("PUT", format!("/Users/{unknown}"))
                            .json_body(&unknown_body)
                            .purpose("PUT to an id that does not exist"),
                    )
                    .await;
                let evidence = vec![
                    created.id.clone(),
                    put.id.clone(),
                    back.id.clone(),
                    missing.id.clone(),
                ];
                let expected =
                    "200 with the original id and the new displayName; 404 for an unknown id";
                let mutability = put
                    .response
                    .as_ref()
                    .and_then(|r| ScimError::parse(&r.body))
                    .and_then(|e| e.scim_type)
                    .is_some_and(|t| t.eq_ignore_ascii_case("mutability"));
                let mut problems = Vec::new();
                match put.status() {
                    Some(200) | Some(204) => {
                        let json = body_json(&back).unwrap_or(Value::Null);
                        if back.status() != Some(200)
                            || member(&json, "id").and_then(Value::as_str) != Some(id.as_str())
                        {
                            problems.push(format!(
                                "after PUT the user no longer reads back under its id ({})",
                                outcome(&back)
                            ));
                        } else if lookup(&json, "displayName").and_then(Value::as_str)
                            != Some("Preflight Replaced")
                        {
                            problems.push("the new displayName was not stored".into());
                        }
                    }
                    Some(400) if mutability => {}
                    _ => problems.push(format!("PUT answered {}", outcome(&put))),
                }
                if missing.status() != Some(404) {
                    problems.push(format!(
                        "PUT to an unknown id answered {} instead of 404",
                        outcome(&missing)
                    ));
                    if missing.status().is_some_and(|s| (200..300).contains(&s))
                        && let Some(new_id) = body_json(&missing).and_then(|j| {
                            member(&j, "id").and_then(Value::as_str).map(str::to_string)
                        })
                    {
                        w.delete(crate::dialect::ObjectKind::User, &new_id).await;
                    }
                }
                if problems.is_empty() {
                    Verdict::pass(evidence)
                } else {
                    Verdict::fail(
                        expected,
                        problems.join("; "),
                        evidence,
                        Cause::new("scim/put-replace"),
                    )
                }
            }
        };
        w.finish().await;
        verdict
    }
}
