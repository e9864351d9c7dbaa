//! The check contract. A check has a stable ID and one doc (What / Why / Fix / References)
//! rendered by the UI, `preflight explain` and every report; it asks the probe for evidence
//! and judges it into a [`Verdict`].

mod context;
mod verdict;

pub use context::{RunCtx, RunOptions};
pub use verdict::{Cause, Finding, Status, Verdict};

use async_trait::async_trait;
use serde::Serialize;

use crate::target::Target;

/// The long doc of a check, written once and shown everywhere.
#[derive(Debug, Serialize)]
pub struct CheckDoc {
    /// `family/subject-expectation`; never changes once released.
    pub id: &'static str,
    pub title: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub references: &'static [&'static str],
    /// Diagnosis codes this check can name.
    pub diagnoses: &'static [&'static str],
}

#[async_trait]
pub trait Check: Send + Sync {
    fn doc(&self) -> &'static CheckDoc;

    /// `Err(reason)` when the check does not apply to this target (the run records a skip).
    fn applies(&self, _target: &Target, _options: &RunOptions) -> Result<(), String> {
        Ok(())
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict;
}
