use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{ENDPOINT_GATE, outcome};
use crate::probe::{AuthMode, Req};

/// `/Users` without any credential must be refused with a proper challenge.
pub struct UsersRequiresCredential;

static DOC: CheckDoc = CheckDoc {
    id: "auth/users-requires-credential",
    title: "/Users refuses a request without a token",
    what: "Sends `GET /Users` with no `Authorization` header. Expects 401 with a `WWW-Authenticate` header that \
           names the scheme (RFC 7644 §2, RFC 6750 §3).",
    why: "If directory data answers without a credential, anyone who knows the URL can read (or change) the \
          tenant's users. A missing challenge header does not break IdPs but hides what the server expects.",
    fix: "This is for the SCIM service provider: require authentication on every resource endpoint and send \
          `WWW-Authenticate: Bearer realm=\"…\"` with each 401.",
    references: &["RFC 7644 §2", "RFC 6750 §3", "RFC 7235 §3.1"],
    diagnoses: &["auth/not-enforced", "auth/challenge-missing"],
};

#[async_trait]
impl Check for UsersRequiresCredential {
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
                    .auth(AuthMode::None)
                    .purpose("/Users without a token"),
            )
            .await;
        let expected = "401 with a WWW-Authenticate header";
        let Some(r) = &x.response else {
            return crate::checks::judge::unexpected(&x, expected);
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
                format!(
                    "{} — user data was returned without any credential",
                    outcome(&x)
                ),
                vec![x.id.clone()],
                Cause::new("auth/not-enforced"),
            ),
            401 if r.header("www-authenticate").is_none() => Verdict::warn(
                expected,
                "401 without a WWW-Authenticate header",
                vec![x.id.clone()],
                Cause::new("auth/challenge-missing"),
            ),
            401 | 403 => {
                Verdict::pass_with_note(vec![x.id.clone()], format!("refused with {}", r.status))
            }
            _ => Verdict::pass_with_note(
                vec![x.id.clone()],
                format!("refused with {} (401 is the expected status)", outcome(&x)),
            ),
        }
    }
}
