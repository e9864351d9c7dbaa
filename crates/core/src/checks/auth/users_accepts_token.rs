use async_trait::async_trait;

use crate::check::{Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{ENDPOINT_GATE, cause_for_401, outcome, unexpected};
use crate::probe::{AuthMode, Req};
use crate::target::Credential;

/// The real credential must open `/Users` — the first thing every IdP does.
pub struct UsersAcceptsToken;

static DOC: CheckDoc = CheckDoc {
    id: "auth/users-accepts-token",
    title: "/Users accepts the real token",
    what: "Sends `GET /Users?startIndex=1&count=1` with the configured credential, exactly as the IdP sends it \
           (`Authorization: Bearer <token>`). Expects 200. When discovery answered but this call fails, the \
           base URL is right and the problem is the token or how it is sent.",
    why: "Every IdP's connection test and every provisioning cycle starts with an authenticated `/Users` request. \
          401 here means Entra's Test Connection fails and running jobs go to quarantine; 403 means the token \
          lacks permission (often `scim.read`/`scim.write`).",
    fix: "For 401: paste a fresh token (no `Bearer ` prefix, no spaces), from the same environment and tenant as \
          the base URL. For 403: grant the token the SCIM scopes. Then run the check again.",
    references: &["RFC 6750 §3.1", "RFC 7644 §3.12"],
    diagnoses: &[
        "auth/token-rejected",
        "auth/token-expired",
        "auth/insufficient-scope",
        "auth/client-credentials-failed",
        "url/not-scim",
        "url/redirects",
        "scim/server-error",
    ],
};

#[async_trait]
impl Check for UsersAcceptsToken {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[ENDPOINT_GATE]) {
            return blocked;
        }
        if matches!(ctx.target().credential, Credential::None) {
            return Verdict::Skip("no credential configured".into());
        }
        let x = ctx
            .probe
            .fetch(
                Req::get("/Users?startIndex=1&count=1")
                    .auth(AuthMode::Target)
                    .purpose("/Users with the real token"),
            )
            .await;
        let expected = "200 with a ListResponse";
        match x.status() {
            Some(200) => Verdict::pass(vec![x.id.clone()]),
            Some(401) => {
                let discovery_ok = ctx.probe.exchanges().iter().any(|e| {
                    e.request.url.ends_with("/ServiceProviderConfig") && e.status() == Some(200)
                });
                let mut cause = cause_for_401(&x);
                if discovery_ok {
                    let note = "Discovery answered, so the base URL is right: the token itself, or the way it is \
                                sent, is the problem.";
                    cause.detail = Some(match cause.detail.take() {
                        Some(d) => format!("{d} {note}"),
                        None => note.into(),
                    });
                }
                Verdict::fail(expected, outcome(&x), vec![x.id.clone()], cause)
            }
            _ => unexpected(&x, expected),
        }
    }
}
