use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{ENDPOINT_GATE, outcome, unexpected};
use crate::probe::{AuthMode, Req};

/// `/Users` with a syntactically fine but wrong token must be refused.
pub struct UsersRejectsWrongToken;

static DOC: CheckDoc = CheckDoc {
    id: "auth/users-rejects-wrong-token",
    title: "/Users refuses a wrong token",
    what: "Sends `GET /Users` with a well-formed bearer token that cannot be valid. Expects 401.",
    why: "A server that accepts any token does not check credentials at all: the directory is open, and a \
          successful IdP connection test proves nothing about the real token.",
    fix: "This is for the SCIM service provider: validate the bearer token on every request and answer 401 with \
          `WWW-Authenticate: Bearer error=\"invalid_token\"` when it is not valid.",
    references: &["RFC 6750 §3.1", "RFC 7644 §3.12"],
    diagnoses: &["auth/not-enforced"],
};

#[async_trait]
impl Check for UsersRejectsWrongToken {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[ENDPOINT_GATE]) {
            return blocked;
        }
        let x = ctx
            .probe
            .fetch(
                Req::get("/Users?startIndex=1&count=1")
                    .auth(AuthMode::Bogus)
                    .purpose("/Users with a deliberately wrong token"),
            )
            .await;
        let expected = "401 for a token that cannot be valid";
        let Some(r) = &x.response else {
            return unexpected(&x, expected);
        };
        if r.looks_like_html() {
            return Verdict::pass_with_note(
                vec![x.id.clone()],
                format!("answered {} with a web page, not directory data", r.status),
            );
        }
        match r.status {
            200..=299 => Verdict::fail(
                expected,
                format!("{} — a made-up token was accepted", outcome(&x)),
                vec![x.id.clone()],
                Cause::new("auth/not-enforced"),
            ),
            _ => Verdict::pass_with_note(vec![x.id.clone()], format!("refused with {}", r.status)),
        }
    }
}
