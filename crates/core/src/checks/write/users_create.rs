use async_trait::async_trait;
use serde_json::Value;

use super::support::{applies_write, body_json, create_user, gate, user_body};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::provision::Writer;
use crate::scim::member;
use crate::target::Target;

/// `POST /Users` answers 201 with the resource, its `id`, `meta` and a `Location` header.
pub struct UsersCreate;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-create",
    title: "Creating a user answers 201 with id, meta and Location",
    what: "With `--write`: POSTs a `preflight-test-<run>-…@example.invalid` user (journalled first) and expects 201, a body with \
           a non-empty `id` and `meta` (`resourceType`, `created`, `location`), and a `Location` header. The user is deleted afterwards.",
    why: "Entra caches the returned `id` for every later call, and Okta fails the assignment on an empty body (\"Create new user \
          returned empty user.\"). Without `id` nothing after the create can work.",
    fix: "For the SCIM service provider: answer a create with 201, the created resource including `id` and `meta`, and \
          `Location: <meta.location>` (RFC 7644 §3.3).",
    references: &[
        "RFC 7644 §3.3",
        "RFC 7643 §3.1",
        "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/",
    ],
    diagnoses: &["scim/created-response"],
};

#[async_trait]
impl Check for UsersCreate {
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
        let (name, body) = user_body(ctx, &schema, "create");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((x, _id)) => {
                let json = body_json(&x).unwrap_or(Value::Null);
                let r = x
                    .response
                    .as_ref()
                    .expect("create_user returns answered exchanges");
                let mut problems = Vec::new();
                if r.status != 201 {
                    problems.push(format!("status {} instead of 201", r.status));
                }
                let meta = member(&json, "meta");
                match meta {
                    None => problems.push("no `meta`".into()),
                    Some(m) => {
                        for field in ["resourceType", "created", "location"] {
                            if member(m, field).is_none() {
                                problems.push(format!("no `meta.{field}`"));
                            }
                        }
                    }
                }
                if r.header("location").is_none() {
                    problems.push("no `Location` header".into());
                }
                if problems.is_empty() {
                    Verdict::pass(vec![x.id.clone()])
                } else {
                    Verdict::fail(
                        "201 with id, meta and Location",
                        problems.join("; "),
                        vec![x.id.clone()],
                        Cause::new("scim/created-response"),
                    )
                }
            }
        };
        w.finish().await;
        verdict
    }
}
