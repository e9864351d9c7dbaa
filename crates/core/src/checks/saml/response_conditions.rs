use async_trait::async_trait;

use super::{applies_with_response, load_response, unreadable};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::CLOCK_LEEWAY_SECS;
use crate::federation::saml::parse_instant;
use crate::target::Target;

/// The assertion's validity window contains "now" (with 5 minutes of leeway).
pub struct ResponseConditions;

static DOC: CheckDoc = CheckDoc {
    id: "saml/response-conditions-current",
    title: "The assertion is inside its NotBefore/NotOnOrAfter window",
    what: "Reads Conditions `NotBefore`/`NotOnOrAfter` and the bearer SubjectConfirmationData `NotOnOrAfter` \
           (UTC) and compares them with the local clock, allowing 5 minutes of skew. Also checks NotBefore < \
           NotOnOrAfter. A response captured earlier and checked now is reported as outside its window — that is \
           what an SP does with a replayed response.",
    why: "Entra sets NotBefore to the issue instant with no buffer and NotOnOrAfter about 70 minutes later: an SP \
          whose clock runs behind rejects fresh assertions as not yet valid; one that runs ahead, or a replayed \
          response, fails as expired.",
    fix: "Synchronise the SP's clock with NTP and allow at most a few minutes of skew; test with a freshly captured \
          response.",
    references: &[
        "SAML 2.0 Core §2.5.1.2",
        "SAML 2.0 Profiles §4.1.4.2",
        "https://learn.microsoft.com/entra/identity-platform/reference-saml-tokens",
    ],
    diagnoses: &["saml/conditions-window"],
};

#[async_trait]
impl Check for ResponseConditions {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies_with_response(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let Some((_, r)) = load_response(ctx) else {
            return unreadable();
        };
        let now = ctx.options.now;
        let leeway = time::Duration::seconds(CLOCK_LEEWAY_SECS);
        let mut problems = Vec::new();
        let parse = |label: &str, v: &Option<String>, problems: &mut Vec<String>| match v {
            Some(s) => match parse_instant(s) {
                Some(t) => Some(t),
                None => {
                    problems.push(format!("{label} `{s}` is not a valid UTC date-time"));
                    None
                }
            },
            None => None,
        };
        let nb = parse("NotBefore", &r.not_before, &mut problems);
        let noa = parse("NotOnOrAfter", &r.not_on_or_after, &mut problems);
        let scd = parse(
            "SubjectConfirmationData NotOnOrAfter",
            &r.scd_not_on_or_after,
            &mut problems,
        );
        if let (Some(a), Some(b)) = (nb, noa)
            && a >= b
        {
            problems.push("NotBefore is not before NotOnOrAfter".into());
        }
        if let Some(t) = nb
            && t - leeway > now
        {
            problems.push(format!(
                "not valid for another {} s (NotBefore {})",
                (t - now).whole_seconds(),
                r.not_before.clone().unwrap_or_default()
            ));
        }
        for (label, t, raw) in [
            ("NotOnOrAfter", noa, &r.not_on_or_after),
            (
                "SubjectConfirmationData NotOnOrAfter",
                scd,
                &r.scd_not_on_or_after,
            ),
        ] {
            if let Some(t) = t
                && t + leeway <= now
            {
                problems.push(format!(
                    "expired {} s ago ({label} {})",
                    (now - t).whole_seconds(),
                    raw.clone().unwrap_or_default()
                ));
            }
        }
        if r.not_on_or_after.is_none() && r.scd_not_on_or_after.is_none() {
            problems.push("no NotOnOrAfter at all: the assertion never expires".into());
        }
        if problems.is_empty() {
            Verdict::pass(Vec::new())
        } else {
            Verdict::fail(
                "now (±5 min) inside the assertion's validity window",
                problems.join("; "),
                Vec::new(),
                Cause::new("saml/conditions-window"),
            )
        }
    }
}
