use async_trait::async_trait;

use super::{applies, discovery_doc};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::exchange::Exchange;
use crate::federation::CLOCK_LEEWAY_SECS;
use crate::probe::TokenOutcome;
use crate::target::Target;

/// The IdP's clock (its `Date` header) and the local clock agree within 5 minutes.
pub struct ClockSkew;

static DOC: CheckDoc = CheckDoc {
    id: "oidc/clock-within-tolerance",
    title: "The local clock and the IdP's clock agree within 5 minutes",
    what: "Reads the `Date` header of the token endpoint's answer (or of the discovery document when no token was \
           requested) and compares it with this machine's clock. Warns above 5 minutes: the leeway most token and \
           assertion validators allow.",
    why: "Tokens and SAML assertions are valid from the moment they are issued (Entra puts no buffer before \
          `NotBefore`). A server whose clock runs behind rejects fresh tokens as not yet valid; one that runs \
          ahead rejects them as expired — intermittently, which makes it hard to trace.",
    fix: "Synchronise the clocks with NTP (e.g. `timedatectl set-ntp true`, or the Windows Time service) on the \
          machine that validates tokens. Do not widen the validation leeway beyond a few minutes instead.",
    references: &[
        "RFC 7519 §4.1.4, §4.1.5",
        "https://learn.microsoft.com/entra/identity-platform/reference-saml-tokens",
    ],
    diagnoses: &["oidc/clock-skew"],
};

/// Parse an HTTP date (`Thu, 26 Nov 2026 17:09:20 GMT`) to Unix seconds.
pub(crate) fn http_date(value: &str) -> Option<i64> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, clock, zone] = parts.as_slice() else {
        return None;
    };
    if !matches!(*zone, "GMT" | "UTC") {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as u8 + 1;
    let mut hms = clock.split(':').map(|p| p.parse::<u8>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    let date = time::Date::from_calendar_date(
        year.parse().ok()?,
        time::Month::try_from(month).ok()?,
        day.parse().ok()?,
    )
    .ok()?;
    Some(date.with_hms(h, m, s).ok()?.assume_utc().unix_timestamp())
}

fn date_of(x: &Exchange) -> Option<i64> {
    x.response.as_ref()?.header("date").and_then(http_date)
}

#[async_trait]
impl Check for ClockSkew {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let mut candidates: Vec<Exchange> = Vec::new();
        if let TokenOutcome::Issued { evidence, .. } | TokenOutcome::Failed { evidence, .. } =
            ctx.probe.token_outcome().await
        {
            let all = ctx.probe.exchanges();
            candidates.extend(
                evidence
                    .iter()
                    .rev()
                    .filter_map(|id| all.iter().find(|x| &x.id == id).cloned()),
            );
        }
        candidates.push(discovery_doc(ctx).await.0);
        let Some((x, server)) = candidates.iter().find_map(|x| date_of(x).map(|d| (x, d))) else {
            return Verdict::Skip("the IdP sent no usable Date header".into());
        };
        let local = ctx.options.now.unix_timestamp();
        let skew = server - local;
        let expected = format!("clocks within {} s of each other", CLOCK_LEEWAY_SECS);
        if skew.abs() > CLOCK_LEEWAY_SECS {
            let who = if skew > 0 {
                "the IdP's clock is ahead of this machine's"
            } else {
                "this machine's clock is ahead of the IdP's"
            };
            return Verdict::warn(
                expected,
                format!("{who} by {} s", skew.abs()),
                vec![x.id.clone()],
                Cause::new("oidc/clock-skew"),
            );
        }
        Verdict::pass_with_note(
            vec![x.id.clone()],
            format!("skew {skew} s (Date header resolution is 1 s)"),
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_http_dates() {
        assert_eq!(super::http_date("Thu, 01 Jan 1970 00:01:40 GMT"), Some(100));
        assert_eq!(super::http_date("garbage"), None);
    }
}
