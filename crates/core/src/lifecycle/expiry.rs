//! Days left on a credential and the colour band the profile list shows: the same 30- and
//! 7-day thresholds as the `auth/token-not-expired` check, so the list and the checks agree.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::jwt::UnverifiedJwt;
use crate::secret::Secret;

/// Under this many days left the token is flagged (yellow).
pub const WARN_DAYS: i64 = 30;
/// Under this many days left the token is critical (red).
pub const CRITICAL_DAYS: i64 = 7;

/// How urgent a credential's renewal is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryBand {
    /// 30 days or more left.
    Ok,
    /// Under 30 days left.
    Warn,
    /// Under 7 days left.
    Critical,
    /// Already expired.
    Expired,
    /// No expiry is known (none recorded and the token is not a JWT with `exp`).
    Unknown,
}

impl ExpiryBand {
    /// Whether the start-of-app banner should list it.
    pub fn needs_attention(self) -> bool {
        matches!(
            self,
            ExpiryBand::Warn | ExpiryBand::Critical | ExpiryBand::Expired
        )
    }
}

/// The state of one credential's expiry at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenExpiry {
    /// RFC 3339, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Whole days left (negative: days since it expired), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    pub band: ExpiryBand,
}

/// Days left and band of a credential expiring at `expires_at`, seen at `now`.
pub fn assess(expires_at: Option<OffsetDateTime>, now: OffsetDateTime) -> TokenExpiry {
    let Some(expires) = expires_at else {
        return TokenExpiry {
            expires_at: None,
            days_left: None,
            band: ExpiryBand::Unknown,
        };
    };
    let left = expires - now;
    let (days_left, band) = if left <= Duration::ZERO {
        // Floor, so a token that expired an hour ago is "-1 days", not "0 days left".
        let ago = ((-left).whole_seconds() + 86_399) / 86_400;
        (-ago, ExpiryBand::Expired)
    } else if left < Duration::days(CRITICAL_DAYS) {
        (left.whole_days(), ExpiryBand::Critical)
    } else if left < Duration::days(WARN_DAYS) {
        (left.whole_days(), ExpiryBand::Warn)
    } else {
        (left.whole_days(), ExpiryBand::Ok)
    };
    TokenExpiry {
        expires_at: Some(format_expiry(expires)),
        days_left: Some(days_left),
        band,
    }
}

/// The `exp` claim of a pasted token, when it is a JWT that carries one. The signature is not
/// verified: the target does that; this only reads what the token says about itself.
pub fn expiry_from_jwt(secret: &Secret) -> Option<OffsetDateTime> {
    UnverifiedJwt::decode(secret.expose())
        .and_then(|jwt| jwt.exp())
        .and_then(|exp| OffsetDateTime::from_unix_timestamp(exp).ok())
}

/// An instant as the profile stores it: RFC 3339 in UTC, whole seconds.
pub fn format_expiry(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);

    fn band_at(days: i64, hours: i64) -> (Option<i64>, ExpiryBand) {
        let e = assess(
            Some(NOW + Duration::days(days) + Duration::hours(hours)),
            NOW,
        );
        (e.days_left, e.band)
    }

    #[test]
    fn bands_follow_the_30_and_7_day_thresholds() {
        assert_eq!(band_at(90, 0), (Some(90), ExpiryBand::Ok));
        assert_eq!(band_at(30, 0), (Some(30), ExpiryBand::Ok));
        assert_eq!(band_at(29, 23), (Some(29), ExpiryBand::Warn));
        assert_eq!(band_at(7, 0), (Some(7), ExpiryBand::Warn));
        assert_eq!(band_at(6, 23), (Some(6), ExpiryBand::Critical));
        assert_eq!(band_at(0, 1), (Some(0), ExpiryBand::Critical));
        assert_eq!(band_at(0, 0), (Some(0), ExpiryBand::Expired));
        assert_eq!(band_at(0, -1), (Some(-1), ExpiryBand::Expired));
        assert_eq!(band_at(-3, 0), (Some(-3), ExpiryBand::Expired));
    }

    #[test]
    fn no_expiry_is_unknown_and_needs_no_attention() {
        let e = assess(None, NOW);
        assert_eq!(e.band, ExpiryBand::Unknown);
        assert_eq!(e.days_left, None);
        assert!(!e.band.needs_attention());
        assert!(ExpiryBand::Critical.needs_attention());
        assert!(!ExpiryBand::Ok.needs_attention());
    }

    #[test]
    fn the_same_instant_gives_the_same_answer_whatever_the_system_clock() {
        let expires = datetime!(2026-05-06 00:00 UTC);
        let a = assess(Some(expires), NOW);
        assert_eq!(a.expires_at.as_deref(), Some("2026-05-06T00:00:00Z"));
        assert_eq!((a.days_left, a.band), (Some(4), ExpiryBand::Critical));
    }

    fn jwt(claims: &str) -> String {
        let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b(r#"{"alg":"HS256"}"#), b(claims))
    }

    #[test]
    fn exp_is_read_from_a_pasted_jwt() {
        let token = Secret::new(jwt(r#"{"exp":1777636800,"sub":"x"}"#));
        assert_eq!(
            expiry_from_jwt(&token).map(format_expiry).as_deref(),
            Some("2026-05-01T12:00:00Z")
        );
        assert_eq!(expiry_from_jwt(&Secret::new(jwt(r#"{"sub":"x"}"#))), None);
        assert_eq!(expiry_from_jwt(&Secret::new("scim_abcdef")), None);
    }
}
