use async_trait::async_trait;
use serde_json::json;

use super::support::{applies_write, create_user, gate, ok, patch, user_body};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::outcome;
use crate::provision::Writer;
use crate::scim::ScimError;
use crate::target::Target;

/// PATCHes that cannot apply answer 400 `noTarget` / `invalidPath`.
pub struct UsersPatchErrors;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-patch-errors",
    title: "PATCH errors answer 400 noTarget / invalidPath",
    what: "With `--write`: creates a test user and sends `remove` without `path` (expects 400 `noTarget`), `replace` of \
           `emails[type eq \"zz\"].value` (400 `noTarget`) and a malformed path `emails[[` (400 `invalidPath`).",
    why: "IdPs retry and log by status: a server that answers 2xx to a PATCH that changed nothing makes the IdP believe a change \
          happened, and a 5xx counts toward Entra's quarantine.",
    fix: "For the SCIM service provider: answer 400 with `scimType` `noTarget` or `invalidPath` as RFC 7644 §3.5.2 and §3.12 describe, \
          in a SCIM Error body.",
    references: &["RFC 7644 §3.5.2", "RFC 7644 §3.12"],
    diagnoses: &[
        "scim/patch-no-target",
        "scim/error-shape",
        "scim/server-error",
    ],
};

#[async_trait]
impl Check for UsersPatchErrors {
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
        let (name, body) = user_body(ctx, &schema, "patcherrors");
        let verdict = match create_user(ctx, &w, &name, &body).await {
            Err(v) => v,
            Ok((created, id)) => {
                let path = format!("/Users/{id}");
                let cases = [
                    (json!([{"op": "remove"}]), "noTarget", "remove without path"),
                    (
                        json!([{"op": "replace", "path": "emails[type eq \"zz\"].value", "value": "x@example.invalid"}]),
                        "noTarget",
                        "replace of a value filter that matches nothing",
                    ),
                    (
                        json!([{"op": "replace", "path": "emails[[", "value": "x"}]),
                        "invalidPath",
                        "a malformed path",
                    ),
                ];
                let mut evidence = vec![created.id.clone()];
                let mut fail: Option<Verdict> = None;
                let mut warn: Option<Verdict> = None;
                for (ops, want, what) in cases {
                    let x = ctx.probe.send(patch(&path, ops, what)).await;
                    evidence.push(x.id.clone());
                    let expected = format!("{what}: 400 with scimType {want}");
                    let err = x.response.as_ref().and_then(|r| ScimError::parse(&r.body));
                    let scim_type = err
                        .as_ref()
                        .and_then(|e| e.scim_type.clone())
                        .unwrap_or_default();
                    match x.status() {
                        _ if ok(&x) => {
                            fail.get_or_insert(Verdict::fail(
                                expected,
                                format!("{} — nothing to change, yet success", outcome(&x)),
                                vec![x.id.clone()],
                                Cause::new("scim/patch-no-target"),
                            ));
                        }
                        Some(s) if s >= 500 => {
                            fail.get_or_insert(Verdict::fail(
                                expected,
                                outcome(&x),
                                vec![x.id.clone()],
                                Cause::new("scim/server-error"),
                            ));
                        }
                        Some(400)
                            if scim_type.eq_ignore_ascii_case(want)
                                || (want == "invalidPath"
                                    && scim_type.eq_ignore_ascii_case("noTarget")) => {}
                        Some(400) => {
                            warn.get_or_insert(Verdict::warn(
                                expected,
                                outcome(&x),
                                vec![x.id.clone()],
                                Cause::new("scim/error-shape").detail(format!(
                                    "The 400 is right; the body should name scimType `{want}`."
                                )),
                            ));
                        }
                        _ => {
                            fail.get_or_insert(Verdict::fail(
                                expected,
                                outcome(&x),
                                vec![x.id.clone()],
                                Cause::new("scim/patch-no-target"),
                            ));
                        }
                    }
                }
                let with_all = |v: Verdict| match v {
                    Verdict::Fail(mut f) => {
                        f.evidence = evidence.clone();
                        Verdict::Fail(f)
                    }
                    Verdict::Warn(mut f) => {
                        f.evidence = evidence.clone();
                        Verdict::Warn(f)
                    }
                    other => other,
                };
                match (fail, warn) {
                    (Some(f), _) => with_all(f),
                    (None, Some(w)) => with_all(w),
                    (None, None) => Verdict::pass(evidence.clone()),
                }
            }
        };
        w.finish().await;
        verdict
    }
}
