use async_trait::async_trait;
use serde_json::Value;

use super::support::{applies_write, body_json, create_user, gate, read, user_body};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::unexpected;
use crate::provision::Writer;
use crate::scim::member;
use crate::target::Target;

/// A created user reads back by id, and `attributes` / `excludedAttributes` are honoured.
pub struct UsersRead;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-read",
    title: "A created user reads back by id, with attributes and excludedAttributes honoured",
    what: "With `--write`: creates a test user, then `GET /Users/{id}` (200, same `id` and `userName`), \
           `?attributes=userName` (`id` and `userName` only) and `?excludedAttributes=emails` (no `emails`, `id` kept).",
    why: "Okta reads a user by id before every update, and Entra reads what it created; a user that cannot be read back, or \
          a server that ignores `attributes`, breaks updates and makes imports slow.",
    fix: "For the SCIM service provider: serve `GET /Users/{id}` and honour `attributes` / `excludedAttributes` (RFC 7644 §3.4.1, §3.4.2.5).",
    references: &["RFC 7644 §3.4.1", "RFC 7644 §3.4.2.5"],
    diagnoses: &["scim/schema-mismatch"],
};

#[async_trait]
impl Check for UsersRead {
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
        let (name, body) = user_body(ctx, &schema, "read");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, id)) => {
                let plain = read(ctx, &format!("/Users/{id}"), "read the user back").await;
                let only = read(
                    ctx,
                    &format!("/Users/{id}?attributes=userName"),
                    "read the user with attributes=userName",
                )
                .await;
                let without = read(
                    ctx,
                    &format!("/Users/{id}?excludedAttributes=emails"),
                    "read the user with excludedAttributes=emails",
                )
                .await;
                let evidence = vec![
                    created.id.clone(),
                    plain.id.clone(),
                    only.id.clone(),
                    without.id.clone(),
                ];
                let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
                match body_json(&plain).filter(|_| plain.status() == Some(200)) {
                    None => {
                        let mut v = unexpected(&plain, "200 with the user");
                        if let Verdict::Fail(f) = &mut v {
                            f.evidence = evidence;
                        }
                        v
                    }
                    Some(json) => {
                        let mut problems = Vec::new();
                        if s(member(&json, "id")).as_deref() != Some(id.as_str()) {
                            problems.push("`id` differs from the created one".to_string());
                        }
                        if !s(member(&json, "userName"))
                            .is_some_and(|n| n.eq_ignore_ascii_case(&name))
                        {
                            problems.push("`userName` differs from the created one".into());
                        }
                        match body_json(&only).filter(|_| only.status() == Some(200)) {
                            Some(j)
                                if member(&j, "id").is_some() && member(&j, "emails").is_none() => {
                            }
                            Some(_) => problems.push(
                                "`attributes=userName` returned other attributes or dropped `id`"
                                    .into(),
                            ),
                            None => problems.push(format!(
                                "`attributes=userName` answered {}",
                                only.status()
                                    .map(|s| s.to_string())
                                    .unwrap_or_else(|| "nothing".into())
                            )),
                        }
                        match body_json(&without).filter(|_| without.status() == Some(200)) {
                            Some(j) if member(&j, "id").is_some() && member(&j, "emails").is_none() => {}
                            Some(_) => problems.push("`excludedAttributes=emails` still returned `emails` or dropped `id`".into()),
                            None => problems.push(format!("`excludedAttributes=emails` answered {}", without.status().map(|s| s.to_string()).unwrap_or_else(|| "nothing".into()))),
                        }
                        if problems.is_empty() {
                            Verdict::pass(evidence)
                        } else {
                            Verdict::fail(
                                "the user as created, honouring attributes and excludedAttributes",
                                problems.join("; "),
                                evidence,
                                Cause::new("scim/schema-mismatch"),
                            )
                        }
                    }
                }
            }
        };
        w.finish().await;
        verdict
    }
}
