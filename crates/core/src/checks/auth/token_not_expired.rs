use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::jwt::UnverifiedJwt;
use crate::target::Credential;

/// Expiry from the token itself (JWT `exp`, read but not trusted) or from the date the admin
/// recorded in the profile.
pub struct TokenNotExpired;

static DOC: CheckDoc = CheckDoc {
    id: "auth/token-not-expired",
    title: "The token is not expired or about to expire",
    what: "Reads the token's expiry without sending it: the `exp` claim when the token is a JWT (decoded, not \
           verified), otherwise the expiry date recorded in the profile. Expired fails; under 30 days warns; \
           under 7 days is critical.",
    why: "SCIM tokens often live a fixed time (many vendors: 180 days). When one lapses every provisioning call \
          fails with 401; Entra then quarantines the job and only retries after hours, so users silently stop \
          syncing.",
    fix: "Create a new token in the SCIM vendor's portal, paste it into the IdP (Entra: Provisioning > Admin \
          Credentials > Secret Token), run Test Connection, and only then revoke the old one. Put the renewal \
          date in your calendar.",
    references: &["RFC 7519 §4.1.4 (exp)"],
    diagnoses: &["auth/token-expired", "auth/token-expiring-soon"],
};

fn expiry(ctx: &RunCtx<'_>) -> Option<(OffsetDateTime, &'static str)> {
    if let Credential::Bearer(token) = &ctx.target().credential
        && let Some(exp) = UnverifiedJwt::decode(token.expose()).and_then(|j| j.exp())
    {
        return OffsetDateTime::from_unix_timestamp(exp)
            .ok()
            .map(|t| (t, "the token's `exp` claim"));
    }
    ctx.target()
        .token_expires_at
        .map(|t| (t, "the expiry date recorded in the profile"))
}

#[async_trait]
impl Check for TokenNotExpired {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if matches!(
            ctx.target().credential,
            Credential::ClientCredentials { .. }
        ) {
            return Verdict::Skip(
                "client-credentials tokens are fetched fresh for each run".into(),
            );
        }
        let Some((expires, source)) = expiry(ctx) else {
            return Verdict::Skip(
                "the token carries no expiry and none is recorded in the profile".into(),
            );
        };
        let left = expires - ctx.options.now;
        let when = expires.date().to_string();
        if left <= Duration::ZERO {
            let ago = (-left).whole_days();
            return Verdict::fail(
                "a token that is still valid",
                format!("expired on {when} ({ago} days ago), according to {source}"),
                vec![],
                Cause::new("auth/token-expired"),
            );
        }
        let days = left.whole_days();
        if left < Duration::days(30) {
            let severity = if left < Duration::days(7) {
                "critical: "
            } else {
                ""
            };
            return Verdict::warn(
                "at least 30 days of validity left",
                format!("{severity}expires on {when}, in {days} days, according to {source}"),
                vec![],
                Cause::new("auth/token-expiring-soon").detail(format!("{days} days left.")),
            );
        }
        Verdict::pass_with_note(vec![], format!("valid until {when} ({days} days)"))
    }
}
