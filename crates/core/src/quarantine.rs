//! When will Entra try again, and when does it give up? From the time of the first credential
//! failure, Microsoft's documented quarantine schedule: retries 6, 12 and 24 hours after it,
//! then once a day, and the job disabled after four weeks (28 days). Plus how long a change
//! takes to show up at all — Entra's ~40-minute incremental cycle and the vendor's own sync
//! delay — so an admin does not chase a "missing" user too early.
//!
//! Microsoft states the retries as "6, 12 and 24 hours"; Preflight reads them as times after
//! the failure that started the quarantine (the reading the sources support; the exact clock
//! Entra uses is not published). Every value here is computed from a caller-given `now`, so
//! the app and the tests can use a fixed clock.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::vendor::Vendor;

/// Hours after the first failure of the first three retries [Microsoft: quarantine status].
pub const FIRST_RETRIES_HOURS: [i64; 3] = [6, 12, 24];
/// After the third retry, Entra retries once a day.
pub const DAILY_RETRY_HOURS: i64 = 24;
/// The job is disabled when the failure lasts four weeks.
pub const DISABLE_AFTER_DAYS: i64 = 28;
/// Entra's incremental cycle outside quarantine, about every 40 minutes.
pub const ENTRA_CYCLE_MINUTES: u32 = 40;

/// One retry Entra will make (or made).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Retry {
    /// RFC 3339, UTC.
    pub at: String,
    pub hours_after_failure: i64,
    /// Already past at `now`.
    pub past: bool,
}

/// How long a provisioning change takes to appear in the product.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SyncWait {
    pub idp_cycle_minutes: u32,
    pub vendor: Option<String>,
    /// The vendor's own sync delay; `None` when its documentation does not give one.
    pub vendor_delay_minutes: Option<u32>,
    /// The longest wait before a change should be visible (IdP cycle + vendor delay).
    pub worst_case_minutes: u32,
    pub note: String,
}

/// The quarantine timeline from the first credential failure.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct QuarantineTimeline {
    pub first_failure: String,
    pub now: String,
    /// Every retry from the first failure until the job is disabled.
    pub retries: Vec<Retry>,
    pub next_retry: Option<String>,
    pub disabled_at: String,
    /// Whole days from `now` until the job is disabled (0 when already disabled).
    pub days_until_disabled: i64,
    pub disabled: bool,
    pub sync: SyncWait,
    /// What to do, in order.
    pub advice: Vec<String>,
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Parse an RFC 3339 time as the CLI and the app accept it.
pub fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|e| {
        format!("'{text}' is not an RFC 3339 time ({e}); write e.g. 2026-11-20T08:30:00Z")
    })
}

/// The current time, for callers that do not pin a clock.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The sync wait for a vendor (or none).
pub fn sync_wait(vendor: Option<&Vendor>) -> SyncWait {
    let delay = vendor.and_then(|v| v.sync_delay_minutes);
    let note = match (vendor, delay) {
        (Some(v), Some(m)) => format!(
            "Entra pushes changes about every {ENTRA_CYCLE_MINUTES} minutes; {} then needs up to {m} minutes of its own \
             before a change shows in its console. The IdP's log may say success before that.",
            v.name
        ),
        (Some(v), None) => format!(
            "Entra pushes changes about every {ENTRA_CYCLE_MINUTES} minutes. {}'s own sync delay is not documented \
             ({}); if a user is missing after a logged success, ask the vendor.",
            v.name,
            v.unknown
                .get("sync_delay_minutes")
                .map(String::as_str)
                .unwrap_or("no source")
        ),
        (None, _) => format!(
            "Entra pushes changes about every {ENTRA_CYCLE_MINUTES} minutes (Provision on demand skips the wait)."
        ),
    };
    SyncWait {
        idp_cycle_minutes: ENTRA_CYCLE_MINUTES,
        vendor: vendor.map(|v| v.id.clone()),
        vendor_delay_minutes: delay,
        worst_case_minutes: ENTRA_CYCLE_MINUTES + delay.unwrap_or(0),
        note,
    }
}

/// The schedule from `first_failure`, judged at `now`.
pub fn timeline(
    first_failure: OffsetDateTime,
    now: OffsetDateTime,
    vendor: Option<&Vendor>,
) -> QuarantineTimeline {
    let disabled_at = first_failure + Duration::days(DISABLE_AFTER_DAYS);
    let mut hours: Vec<i64> = FIRST_RETRIES_HOURS.to_vec();
    let mut h = FIRST_RETRIES_HOURS[2] + DAILY_RETRY_HOURS;
    while h < DISABLE_AFTER_DAYS * 24 {
        hours.push(h);
        h += DAILY_RETRY_HOURS;
    }
    let retries: Vec<Retry> = hours
        .into_iter()
        .map(|h| {
            let at = first_failure + Duration::hours(h);
            Retry {
                at: rfc3339(at),
                hours_after_failure: h,
                past: at <= now,
            }
        })
        .collect();
    let next_retry = retries.iter().find(|r| !r.past).map(|r| r.at.clone());
    let disabled = now >= disabled_at;
    let days_until_disabled = if disabled {
        0
    } else {
        (disabled_at - now).whole_days()
    };
    let mut advice = Vec::new();
    if disabled {
        advice.push(
            "The job has been disabled: fix the credential, then start provisioning again in Entra (Provisioning > \
             Start provisioning); a disabled job does not come back by itself."
                .to_string(),
        );
    } else {
        advice.push(format!(
            "Fix the credential before {} (in {days_until_disabled} days) or Entra disables the job.",
            rfc3339(disabled_at)
        ));
        advice.push(
            "After fixing it, run Test Connection, then use Restart provisioning on the Provisioning page instead of \
             waiting for the next retry."
                .to_string(),
        );
    }
    if let Some(v) = vendor
        && let Some(days) = v.auth.token_lifetime_days
    {
        advice.push(format!(
            "{} tokens live {days} days: note the new token's expiry so this does not repeat.",
            v.name
        ));
    }
    QuarantineTimeline {
        first_failure: rfc3339(first_failure),
        now: rfc3339(now),
        retries,
        next_retry,
        disabled_at: rfc3339(disabled_at),
        days_until_disabled,
        disabled,
        sync: sync_wait(vendor),
        advice,
    }
}
