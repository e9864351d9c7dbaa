use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};

/// 429 answers during the run, and whether they said when to come back.
pub struct RateLimit;

static DOC: CheckDoc = CheckDoc {
    id: "http/rate-limit",
    title: "No rate limiting, or rate limiting with Retry-After",
    what: "Looks at every response of this run for 429. A 429 with `Retry-After` (waited for, up to 60 s, and \
           retried once) passes with a note; a 429 without it warns.",
    why: "Entra provisions at high rates (gallery apps must sustain 25 requests/s) and Okta surfaces target 429s \
          as provisioning errors. A limit this small run already hits will throttle a real sync; without \
          `Retry-After` the IdP cannot know when to retry.",
    fix: "For the SCIM service provider: raise the limit for the IdP's client and send `Retry-After` with every \
          429 (RFC 6585 §4).",
    references: &["RFC 6585 §4", "RFC 9110 §10.2.3"],
    diagnoses: &["scim/rate-limited"],
};

#[async_trait]
impl Check for RateLimit {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let limited: Vec<_> = ctx
            .probe
            .exchanges()
            .into_iter()
            .filter(|x| x.status() == Some(429))
            .collect();
        if limited.is_empty() {
            return Verdict::pass(vec![]);
        }
        let evidence: Vec<String> = limited.iter().map(|x| x.id.clone()).collect();
        let bare = limited
            .iter()
            .filter(|x| {
                x.response
                    .as_ref()
                    .and_then(|r| r.header("retry-after"))
                    .is_none()
            })
            .count();
        let actual = format!(
            "{} responses were 429 ({bare} without Retry-After)",
            limited.len()
        );
        if bare > 0 {
            Verdict::warn(
                "no 429, or 429 with Retry-After",
                actual,
                evidence,
                Cause::new("scim/rate-limited"),
            )
        } else {
            Verdict::pass_with_note(
                evidence,
                format!("{actual}; each was retried after the wait the server asked for"),
            )
        }
    }
}
