//! Where "now" comes from. The app and the CLI use the system clock unless the test hook
//! [`FAKE_NOW_ENV`] pins it, so end-to-end tests can show a token 5 days from expiry without
//! waiting for the calendar.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Test hook: an RFC 3339 instant (`2026-05-01T12:00:00Z`) that replaces the system clock for
/// token-lifecycle arithmetic (days left, rotation timestamps). Never set it in production.
pub const FAKE_NOW_ENV: &str = "PREFLIGHT_FAKE_NOW";

/// An injected source of the current instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed instant (tests, or the [`FAKE_NOW_ENV`] hook).
    Fixed(OffsetDateTime),
}

/// `PREFLIGHT_FAKE_NOW` is set but is not an RFC 3339 instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{FAKE_NOW_ENV}='{value}' is not an RFC 3339 instant such as 2026-05-01T12:00:00Z; fix or unset it"
)]
pub struct ClockError {
    pub value: String,
}

impl Clock {
    pub fn now(self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(at) => at,
        }
    }

    /// The system clock, or the instant in [`FAKE_NOW_ENV`] when it is set and not empty.
    pub fn from_env() -> Result<Clock, ClockError> {
        match std::env::var(FAKE_NOW_ENV) {
            Ok(raw) if !raw.trim().is_empty() => Clock::parse_fixed(&raw),
            _ => Ok(Clock::System),
        }
    }

    /// A fixed clock at an RFC 3339 instant.
    pub fn parse_fixed(raw: &str) -> Result<Clock, ClockError> {
        OffsetDateTime::parse(raw.trim(), &Rfc3339)
            .map(Clock::Fixed)
            .map_err(|_| ClockError {
                value: raw.to_string(),
            })
    }

    /// Whether the test hook is in effect (the app says so on screen).
    pub fn is_fixed(self) -> bool {
        matches!(self, Clock::Fixed(_))
    }

    /// Now as RFC 3339 UTC, whole seconds.
    pub fn now_rfc3339(self) -> String {
        let now = self.now().to_offset(time::UtcOffset::UTC);
        let now = now.replace_nanosecond(0).unwrap_or(now);
        now.format(&Rfc3339)
            .unwrap_or_else(|_| now.unix_timestamp().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fixed_clocks_parse_rfc3339_and_say_how_to_fix_bad_values() {
        let c = Clock::parse_fixed("2026-05-01T12:00:00Z").unwrap();
        assert_eq!(c.now(), datetime!(2026-05-01 12:00 UTC));
        assert!(c.is_fixed());
        assert_eq!(c.now_rfc3339(), "2026-05-01T12:00:00Z");
        let e = Clock::parse_fixed("yesterday").unwrap_err().to_string();
        assert!(e.contains(FAKE_NOW_ENV) && e.contains("RFC 3339"), "{e}");
        assert!(!Clock::System.is_fixed());
    }
}
