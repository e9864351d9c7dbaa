//! The quarantine explainer with fixed clocks: retries 6, 12 and 24 hours after the first
//! failure, then daily, and the job disabled after 28 days; vendor sync delays.

use preflight_core::quarantine::{parse_time, sync_wait, timeline};
use preflight_core::vendor;

#[test]
fn schedule_from_the_first_failure() {
    let first = parse_time("2026-11-01T08:00:00Z").unwrap();
    let now = parse_time("2026-11-01T15:00:00Z").unwrap();
    let t = timeline(first, now, None);
    let hours: Vec<i64> = t
        .retries
        .iter()
        .take(5)
        .map(|r| r.hours_after_failure)
        .collect();
    assert_eq!(hours, [6, 12, 24, 48, 72]);
    assert_eq!(t.retries[0].at, "2026-11-01T14:00:00Z");
    assert!(t.retries[0].past && !t.retries[1].past);
    assert_eq!(t.next_retry.as_deref(), Some("2026-11-01T20:00:00Z"));
    assert_eq!(t.disabled_at, "2026-11-29T08:00:00Z");
    assert_eq!(t.days_until_disabled, 27);
    assert!(!t.disabled);
    assert!(
        t.retries
            .iter()
            .all(|r| r.at.as_str() < t.disabled_at.as_str())
    );
    assert_eq!(t.retries.last().unwrap().hours_after_failure, 27 * 24);
}

#[test]
fn after_four_weeks_the_job_is_disabled() {
    let first = parse_time("2026-10-01T00:00:00+02:00").unwrap();
    let now = parse_time("2026-10-29T00:00:00+02:00").unwrap();
    let t = timeline(first, now, None);
    assert!(t.disabled);
    assert_eq!(t.days_until_disabled, 0);
    assert_eq!(t.next_retry, None);
    assert!(t.advice[0].contains("disabled"));
    let day_before = parse_time("2026-10-28T23:59:59+02:00").unwrap();
    assert!(!timeline(first, day_before, None).disabled);
}

#[test]
fn vendor_sync_delays() {
    let airia = vendor::find("airia").unwrap();
    let w = sync_wait(Some(airia));
    assert_eq!(w.vendor_delay_minutes, Some(10));
    assert_eq!(w.worst_case_minutes, 50);
    let stackit = sync_wait(vendor::find("stackit"));
    assert_eq!(stackit.vendor_delay_minutes, None);
    assert!(stackit.note.contains("not documented"));
    let first = parse_time("2026-11-01T08:00:00Z").unwrap();
    let t = timeline(first, first, Some(airia));
    assert!(t.advice.iter().any(|a| a.contains("180 days")));
    assert!(parse_time("yesterday").unwrap_err().contains("RFC 3339"));
}
