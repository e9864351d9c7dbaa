use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};

/// Slow answers, measured against what IdPs tolerate.
pub struct ResponseTime;

/// Above this a response warns: IdP cycles run thousands of calls.
const SLOW_MS: u64 = 5_000;

static DOC: CheckDoc = CheckDoc {
    id: "http/response-time",
    title: "Responses arrive well within IdP time limits",
    what: "Looks at how long every response of this run took. Over 5 s warns; a request that timed out fails.",
    why: "Entra and Okta give up on a SCIM call after about 60 s (Okta documents 60 s; Microsoft staff state the \
          same for Entra). A slow endpoint makes large syncs take hours and individual calls time out, which \
          Entra counts towards quarantine.",
    fix: "For the SCIM service provider: answer filters and lists quickly (index `userName`, `externalId`, group \
          `displayName`); read groups without members.",
    references: &[
        "https://developer.okta.com/docs/concepts/scim/faqs/",
        "https://learn.microsoft.com/en-us/answers/questions/1151866/azure-ad-scim-attempting-to-create-the-same-user-r",
    ],
    diagnoses: &["net/timeout"],
};

#[async_trait]
impl Check for ResponseTime {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let all = ctx.probe.exchanges();
        let timed_out: Vec<_> = all
            .iter()
            .filter(|x| x.failure.as_ref().is_some_and(|f| f.code == "net/timeout"))
            .collect();
        if let Some(first) = timed_out.first() {
            return Verdict::fail(
                "every response within the time limit",
                format!(
                    "{} requests timed out; first: {}",
                    timed_out.len(),
                    first.summary()
                ),
                timed_out.iter().map(|x| x.id.clone()).collect(),
                Cause::new("net/timeout"),
            );
        }
        let slow: Vec<_> = all
            .iter()
            .filter(|x| x.response.is_some() && x.ms > SLOW_MS)
            .collect();
        let slowest = all
            .iter()
            .filter(|x| x.response.is_some())
            .map(|x| x.ms)
            .max()
            .unwrap_or(0);
        if slow.is_empty() {
            return Verdict::pass_with_note(vec![], format!("slowest response {slowest} ms"));
        }
        Verdict::warn(
            format!("responses under {} s", SLOW_MS / 1000),
            format!(
                "{} responses over {} s; slowest {slowest} ms",
                slow.len(),
                SLOW_MS / 1000
            ),
            slow.iter().map(|x| x.id.clone()).collect(),
            Cause::new("net/timeout")
                .detail("Not yet a failure, but IdPs stop waiting at about 60 s."),
        )
    }
}
