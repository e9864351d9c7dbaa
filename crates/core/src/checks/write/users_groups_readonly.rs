use async_trait::async_trait;
use serde_json::{Value, json};

use super::support::{applies_write, body_json, create_user, gate, ok, patch, read, user_body};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::outcome;
use crate::provision::Writer;
use crate::scim::member;
use crate::target::Target;

/// A user's `groups` is read-only: a PATCH of it is refused or ignored.
pub struct UsersGroupsReadonly;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-groups-readonly",
    title: "A user's groups attribute is read-only",
    what: "With `--write`: creates a test user and PATCHes `add` of `groups` with a random group id. Expects 400 (`mutability`) \
           or success that changes nothing; `groups` must not then list the id.",
    why: "RFC 7643 makes `User.groups` read-only; membership changes go through the Group. A server that stores writes to \
          `groups` ends up with two sources of truth that IdPs never reconcile (Okta sends `groups: []` on create).",
    fix: "For the SCIM service provider: treat `groups` as readOnly (ignore it, or answer 400 `mutability`) and derive it from \
          group memberships.",
    references: &["RFC 7643 §4.1.2"],
    diagnoses: &["scim/schema-mismatch"],
};

#[async_trait]
impl Check for UsersGroupsReadonly {
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
        let (name, body) = user_body(ctx, &schema, "groupsro");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, id)) => {
                let fake = ctx.random_uuid();
                let path = format!("/Users/{id}");
                let x = ctx
                    .probe
                    .send(patch(
                        &path,
                        json!([{"op": "add", "path": "groups", "value": [{"value": fake}]}]),
                        "PATCH the read-only groups attribute",
                    ))
                    .await;
                let back = read(ctx, &path, "read back after the groups PATCH").await;
                let evidence = vec![created.id.clone(), x.id.clone(), back.id.clone()];
                let listed = body_json(&back)
                    .and_then(|j| member(&j, "groups").and_then(Value::as_array).cloned())
                    .unwrap_or_default()
                    .iter()
                    .any(|g| member(g, "value").and_then(Value::as_str) == Some(fake.as_str()));
                if x.status().is_some_and(|s| s >= 500) {
                    Verdict::fail("400 or ignored", outcome(&x), evidence, Cause::new("scim/schema-mismatch").detail("A write to a read-only attribute should be answered 400 mutability, not a server error."))
                } else if (ok(&x) || x.status() == Some(400)) && !listed {
                    Verdict::pass(evidence)
                } else if listed {
                    Verdict::fail(
                        "`groups` unchanged",
                        format!("{} and `groups` now lists {fake}", outcome(&x)),
                        evidence,
                        Cause::new("scim/schema-mismatch"),
                    )
                } else {
                    crate::checks::judge::unexpected(&x, "400 or ignored")
                }
            }
        };
        w.finish().await;
        verdict
    }
}
