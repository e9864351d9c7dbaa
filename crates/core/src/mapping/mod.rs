//! Attribute mappings: what an IdP's default mapping sends on create (from the dialect
//! files), the admin's overrides (`--mapping FILE`), and the planner that sets both next to
//! the target's live `/Schemas` and the vendor's required attributes — keep / remove / add,
//! each with the IdP console step.
//!
//! Public API: [`MappingOverrides::parse`], [`plan`] / [`plan_live`] → [`MappingPlan`]
//! (`Serialize`), [`create_payload`] (the payload a dialect sends, overrides applied).

mod overrides;
mod path;
mod plan;

pub use overrides::{MappingError, MappingOverrides};
pub use path::AttrPath;
pub use plan::{Action, MappingPlan, PlanRow, plan, plan_live};

use serde_json::Value;

use crate::dialect::{self, Dialect, Step, Vars};
use crate::target::Target;

/// A dialect's create payload for these variables, with the target's overrides applied.
pub fn create_payload(target: &Target, dialect: &Dialect, vars: &Vars) -> Option<Value> {
    let body = dialect::create_body(dialect, vars)?;
    Some(match &target.mapping {
        Some(o) => o.apply(&body, vars),
        None => body,
    })
}

/// The body a flow step sends, when it is a whole User (a create, or a PUT on `/Users/…`)
/// that the create handling or the overrides change; `None` = render the step as written.
pub fn step_body(target: &Target, step: &Step, vars: &Vars) -> Option<Value> {
    let creates_user = step.creates == Some(dialect::ObjectKind::User);
    let puts_user = step.method.eq_ignore_ascii_case("PUT") && step.path.starts_with("/Users");
    let changed_put = puts_user && target.mapping.is_some();
    if !(creates_user || changed_put) {
        return None;
    }
    let body = dialect::render::create_body_for(step, vars)?;
    Some(match &target.mapping {
        Some(o) => o.apply(&body, vars),
        None => body,
    })
}
