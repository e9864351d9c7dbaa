//! `run`: executes a plan of checks against one target, in order, streaming events.
//!
//! Checks run one after another: later checks read earlier verdicts (a check cannot judge
//! `/Users` behaviour when the endpoint was unreachable), and a sequential run keeps the
//! evidence order readable. Requests are cached per run, so shared evidence is fetched once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use time::OffsetDateTime;

use crate::check::{Check, RunCtx, RunOptions, Verdict};
use crate::event::{CheckHeader, EventSink, RunEvent};
use crate::probe::Probe;
use crate::report::{CheckResult, Report};

/// Run `checks` against the probe's target. Returns the full report (also on cancel: the
/// checks that did not run are reported as skipped).
pub async fn run(
    checks: &[&dyn Check],
    probe: &Probe,
    options: &RunOptions,
    events: &EventSink,
) -> Report {
    let started_at = OffsetDateTime::now_utc();
    let clock = Instant::now();
    let selected: Vec<&dyn Check> = checks
        .iter()
        .copied()
        .filter(|c| options.only.is_empty() || options.only.iter().any(|id| id == c.doc().id))
        .collect();
    events(RunEvent::Started {
        run_id: options.run_id.clone(),
        checks: selected
            .iter()
            .map(|c| CheckHeader {
                id: c.doc().id.into(),
                title: c.doc().title.into(),
            })
            .collect(),
    });
    let statuses = Mutex::new(HashMap::new());
    let total = selected.len();
    let mut results = Vec::with_capacity(total);
    for (index, check) in selected.iter().enumerate() {
        let doc = check.doc();
        events(RunEvent::CheckStarted {
            id: doc.id.into(),
            index,
            total,
        });
        let check_clock = Instant::now();
        let verdict = if probe.is_cancelled() {
            Verdict::Skip("the run was cancelled".into())
        } else {
            match check.applies(probe.target(), options) {
                Err(reason) => Verdict::Skip(reason),
                Ok(()) => {
                    let ctx = RunCtx::new(probe, options, &statuses, index as u64 + 1);
                    check.run(&ctx).await
                }
            }
        };
        statuses
            .lock()
            .expect("statuses lock")
            .insert(doc.id.to_string(), verdict.status());
        let result =
            CheckResult::from_verdict(doc, &verdict, check_clock.elapsed().as_millis() as u64);
        events(RunEvent::CheckFinished {
            result: Box::new(result.clone()),
            index,
            total,
        });
        results.push(result);
    }
    let report = Report::new(
        probe.target(),
        started_at,
        clock.elapsed().as_millis() as u64,
        results,
        probe.exchanges(),
    );
    events(RunEvent::Done {
        cancelled: probe.is_cancelled(),
        summary: report.summary.clone(),
    });
    report
}
