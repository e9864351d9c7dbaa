//! The Quarantine & sync-time screen: from the first credential failure, when Entra retries
//! and when it disables the job (core `quarantine::timeline`), where "now" is in that schedule,
//! and how long the vendor takes to show a change. The clock is the lifecycle clock, so
//! `PREFLIGHT_FAKE_NOW` pins it here too; the dates are formatted here so the UI does no
//! date arithmetic of its own.

use serde::Serialize;
use time::{Duration, OffsetDateTime, UtcOffset};

use super::profiles::clock;
use crate::error::{IpcError, IpcResult};
use preflight_core::lifecycle::Clock;
use preflight_core::quarantine::{self, SyncWait};

/// One retry as a dated row.
#[derive(Debug, Serialize)]
pub struct RetryRow {
    /// RFC 3339, UTC.
    pub at: String,
    /// `Fri 20 Nov 2026, 14:30 UTC`.
    pub label: String,
    pub hours_after_failure: i64,
    pub past: bool,
    /// The first retry still to come.
    pub next: bool,
}

#[derive(Debug, Serialize)]
pub struct QuarantineView {
    pub first_failure: String,
    pub first_failure_label: String,
    pub now: String,
    pub now_label: String,
    /// The clock is pinned by `PREFLIGHT_FAKE_NOW` (a test hook; the screen says so).
    pub fake_clock: bool,
    pub retries: Vec<RetryRow>,
    /// `in 5 h 30 min`; `None` when no retry is left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_retry_in: Option<String>,
    pub disabled_at: String,
    pub disabled_label: String,
    pub days_until_disabled: i64,
    pub disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_name: Option<String>,
    pub sync: SyncWait,
    pub advice: Vec<String>,
}

/// Longest failure-time text accepted (an RFC 3339 time is about 30 characters).
const MAX_TIME_LEN: usize = 64;

/// `Fri 20 Nov 2026, 14:30 UTC` for an RFC 3339 time (the text itself if it does not parse).
fn label(at: &str) -> String {
    let Ok(t) = quarantine::parse_time(at) else {
        return at.to_string();
    };
    let t = t.to_offset(UtcOffset::UTC);
    let weekday = t.weekday().to_string();
    let month = t.month().to_string();
    format!(
        "{} {} {} {}, {:02}:{:02} UTC",
        &weekday[..3],
        t.day(),
        &month[..3],
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// `in 2 d 3 h`, `in 5 h 30 min`, `in 4 min`.
fn wait_text(d: Duration) -> String {
    let minutes = d.whole_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if days > 0 {
        format!("in {days} d {hours} h")
    } else if hours > 0 {
        format!("in {hours} h {mins} min")
    } else {
        format!("in {mins} min")
    }
}

/// The schedule for a failure at `first_failure` (RFC 3339; `None` = now), judged at `clock`.
pub fn view(
    first_failure: Option<&str>,
    vendor_id: Option<&str>,
    clock: Clock,
) -> IpcResult<QuarantineView> {
    // Whole seconds: the dates and the core's advice are read by people, not machines.
    let now = clock.now();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let first = match first_failure.map(str::trim).filter(|t| !t.is_empty()) {
        None => now,
        Some(text) => quarantine::parse_time(text).map_err(|e| {
            IpcError::new(
                "input/time",
                format!("the first failure time {e}; pick it again"),
            )
        })?,
    };
    if first > now {
        return Err(IpcError::new(
            "input/time",
            format!(
                "the first failure ({}) is after now ({}); check the date and the time zone",
                label(&rfc3339(first)),
                label(&rfc3339(now))
            ),
        ));
    }
    let vendor = super::vendors::chosen(vendor_id)?;
    let t = quarantine::timeline(first, now, vendor);
    let next_retry_in = t.next_retry.as_deref().and_then(|n| {
        let at = quarantine::parse_time(n).ok()?;
        Some(wait_text(at - now))
    });
    let retries = t
        .retries
        .iter()
        .map(|r| RetryRow {
            label: label(&r.at),
            next: t.next_retry.as_deref() == Some(r.at.as_str()),
            at: r.at.clone(),
            hours_after_failure: r.hours_after_failure,
            past: r.past,
        })
        .collect();
    Ok(QuarantineView {
        first_failure_label: label(&t.first_failure),
        now_label: label(&t.now),
        disabled_label: label(&t.disabled_at),
        first_failure: t.first_failure,
        now: t.now,
        fake_clock: clock.is_fixed(),
        retries,
        next_retry_in,
        disabled_at: t.disabled_at,
        days_until_disabled: t.days_until_disabled,
        disabled: t.disabled,
        vendor_name: vendor.map(|v| v.name.clone()),
        sync: t.sync,
        advice: t.advice,
    })
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The Entra quarantine schedule from the first credential failure (empty = now). Sends nothing.
#[tauri::command]
pub fn quarantine_timeline(
    first_failure: Option<String>,
    vendor: Option<String>,
) -> IpcResult<QuarantineView> {
    if let Some(t) = first_failure.as_deref() {
        if t.len() > MAX_TIME_LEN {
            return Err(IpcError::new(
                "input/too-large",
                format!("the failure time is longer than {MAX_TIME_LEN} characters; pick it again"),
            ));
        }
        if !t.is_empty() {
            crate::limits::word("failure time", t)?;
        }
    }
    if let Some(v) = vendor.as_deref().filter(|v| !v.is_empty()) {
        crate::limits::word("vendor", v)?;
    }
    view(first_failure.as_deref(), vendor.as_deref(), clock()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Clock {
        Clock::parse_fixed(s).unwrap()
    }

    #[test]
    fn retries_are_dated_from_the_failure_and_the_next_one_is_marked() {
        let v = view(
            Some("2026-11-20T08:30:00Z"),
            Some("airia"),
            at("2026-11-20T16:00:00Z"),
        )
        .unwrap();
        assert_eq!(v.retries[0].at, "2026-11-20T14:30:00Z");
        assert_eq!(v.retries[0].label, "Fri 20 Nov 2026, 14:30 UTC");
        assert!(v.retries[0].past && !v.retries[0].next);
        assert_eq!(v.retries[1].at, "2026-11-20T20:30:00Z");
        assert!(v.retries[1].next && !v.retries[1].past);
        assert_eq!(v.retries[2].hours_after_failure, 24);
        assert_eq!(v.retries[3].hours_after_failure, 48);
        assert_eq!(v.retries.iter().filter(|r| r.next).count(), 1);
        assert_eq!(v.next_retry_in.as_deref(), Some("in 4 h 30 min"));
        assert_eq!(v.disabled_at, "2026-12-18T08:30:00Z");
        assert_eq!(v.disabled_label, "Fri 18 Dec 2026, 08:30 UTC");
        assert_eq!(v.days_until_disabled, 27);
        assert!(v.fake_clock && !v.disabled);
        assert_eq!(v.sync.vendor_delay_minutes, Some(10));
        assert_eq!(v.vendor_name.as_deref(), Some("Airia"));
    }

    #[test]
    fn no_time_means_now_and_a_month_later_the_job_is_disabled() {
        let v = view(None, None, at("2026-05-01T12:00:00.123456789Z")).unwrap();
        assert_eq!(v.first_failure, "2026-05-01T12:00:00Z", "whole seconds");
        assert!(
            v.advice[0].contains("2026-05-29T12:00:00Z "),
            "{:?}",
            v.advice
        );
        assert_eq!(v.next_retry_in.as_deref(), Some("in 6 h 0 min"));
        let v = view(
            Some("2026-04-01T12:00:00Z"),
            None,
            at("2026-05-01T12:00:00Z"),
        )
        .unwrap();
        assert!(v.disabled && v.next_retry_in.is_none());
        assert!(v.advice[0].contains("disabled"), "{:?}", v.advice);
    }

    #[test]
    fn bad_times_and_vendors_say_what_to_do() {
        let now = at("2026-05-01T12:00:00Z");
        let e = view(Some("yesterday"), None, now).unwrap_err();
        assert_eq!(e.code, "input/time");
        assert!(e.message.contains("RFC 3339"), "{}", e.message);
        let e = view(Some("2026-05-02T12:00:00Z"), None, now).unwrap_err();
        assert!(e.message.contains("after now"), "{}", e.message);
        assert_eq!(
            view(None, Some("nope"), now).unwrap_err().code,
            "input/vendor"
        );
    }

    #[test]
    fn oversized_or_hostile_input_is_refused_first() {
        let long = format!("2026-05-01T12:00:00{}Z", "0".repeat(MAX_TIME_LEN));
        assert_eq!(
            quarantine_timeline(Some(long), None).unwrap_err().code,
            "input/too-large"
        );
        assert_eq!(
            quarantine_timeline(Some("2026-05-01 12:00".into()), None)
                .unwrap_err()
                .code,
            "input/invalid"
        );
        let v = "v".repeat(crate::limits::MAX_WORD_LEN + 1);
        assert_eq!(
            quarantine_timeline(None, Some(v)).unwrap_err().code,
            "input/too-large"
        );
    }

    #[test]
    fn waits_read_as_days_hours_and_minutes() {
        assert_eq!(wait_text(Duration::minutes(4)), "in 4 min");
        assert_eq!(wait_text(Duration::minutes(125)), "in 2 h 5 min");
        assert_eq!(wait_text(Duration::hours(51)), "in 2 d 3 h");
    }
}
