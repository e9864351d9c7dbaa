//! Checks over a browser HAR of a sign-in (`preflight trace`): one verdict per sign-in flow.
//! The trace itself ([`crate::trace`]) is pure; these turn its flows into report verdicts
//! with the same shape as every other check.

mod sign_in_completes;

use std::sync::Arc;

pub use sign_in_completes::{SignInCompletes, verdict};

use crate::check::Check;
use crate::trace::TraceResult;

/// The checks as listed by `preflight checks` (no HAR attached).
pub fn listed() -> Vec<&'static dyn Check> {
    vec![&sign_in_completes::LISTED]
}

/// One `sso/sign-in-completes` check per flow of `result`.
pub fn plan_for(result: &TraceResult) -> Vec<Box<dyn Check>> {
    result
        .flows
        .iter()
        .map(|f| Box::new(SignInCompletes::for_flow(Arc::new(f.clone()))) as Box<dyn Check>)
        .collect()
}
