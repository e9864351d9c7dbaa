use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{TOKEN_GATE, outcome, unexpected};
use crate::probe::Req;
use crate::scim::ScimError;

/// An unknown id must give 404 with a SCIM Error body.
pub struct ErrorBodyShape;

static DOC: CheckDoc = CheckDoc {
    id: "scim/error-body-shape",
    title: "An unknown user id gives 404 with a SCIM Error",
    what: "Sends `GET /Users/<random UUID>`. Expects 404 with a body whose `schemas` holds the SCIM Error URN and \
           whose `status` is the string \"404\".",
    why: "Entra reads a 404 on a user it cached as 'deleted in the target' and re-creates or skips it; a 200 or \
          500 instead makes it update a ghost or retry forever. IdP logs show the error body's `detail` — a \
          non-SCIM body leaves the admin with nothing to go on.",
    fix: "For the SCIM service provider: answer unknown ids with 404 and an RFC 7644 §3.12 Error body \
          (`status` as a string).",
    references: &["RFC 7644 §3.4.1", "RFC 7644 §3.12"],
    diagnoses: &["scim/not-found-status", "scim/error-shape"],
};

#[async_trait]
impl Check for ErrorBodyShape {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let x = ctx
            .probe
            .send(
                Req::get(format!("/Users/{}", ctx.random_uuid()))
                    .purpose("read a user that does not exist"),
            )
            .await;
        let expected = "404 with a SCIM Error body (status \"404\")";
        let Some(r) = &x.response else {
            return unexpected(&x, expected);
        };
        if r.status != 404 {
            if r.is_success() || r.status == 400 {
                return Verdict::fail(
                    expected,
                    outcome(&x),
                    vec![x.id.clone()],
                    Cause::new("scim/not-found-status"),
                );
            }
            return unexpected(&x, expected);
        }
        let problems = match ScimError::parse(&r.body) {
            None => vec!["the body is not JSON".to_string()],
            Some(e) => e.problems(404),
        };
        if problems.is_empty() {
            Verdict::pass(vec![x.id.clone()])
        } else {
            Verdict::fail(
                expected,
                format!("404, but {}", problems.join("; ")),
                vec![x.id.clone()],
                Cause::new("scim/error-shape"),
            )
        }
    }
}
