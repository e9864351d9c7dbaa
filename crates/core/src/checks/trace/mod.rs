//! Checks of `preflight trace`: one verdict per sign-in flow of a browser HAR, the tenant
//! routing lint over saved profiles, and the logout URL (the only one that sends requests,
//! and only to URLs the admin gave).
//! The trace itself ([`crate::trace`]) is pure; these turn its flows into report verdicts
//! with the same shape as every other check.

mod logout_url_valid;
mod sign_in_completes;
mod tenant_routing_unique;

use std::sync::Arc;

pub use logout_url_valid::{LogoutConfig, LogoutUrlValid, single_logout_locations};
pub use sign_in_completes::{SignInCompletes, verdict};
pub use tenant_routing_unique::TenantRoutingUnique;

use crate::check::Check;
use crate::trace::TraceResult;

/// The checks as listed by `preflight checks` (no HAR attached).
pub fn listed() -> Vec<&'static dyn Check> {
    vec![
        &sign_in_completes::LISTED,
        &tenant_routing_unique::LISTED,
        &logout_url_valid::LISTED,
    ]
}

/// One `sso/sign-in-completes` check per flow of `result`.
pub fn plan_for(result: &TraceResult) -> Vec<Box<dyn Check>> {
    result
        .flows
        .iter()
        .map(|f| Box::new(SignInCompletes::for_flow(Arc::new(f.clone()))) as Box<dyn Check>)
        .collect()
}
