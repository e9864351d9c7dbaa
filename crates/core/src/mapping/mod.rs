//! Attribute mappings: what an IdP's default mapping sends on create (from the dialect
//! files), the admin's overrides (`--mapping FILE`), and the planner that sets both next to
//! the target's live `/Schemas` and the vendor's required attributes — keep / remove / add,
//! each with the IdP console step.
//!
//! Public API: [`MappingOverrides::parse`], [`plan`] / [`plan_live`] → [`MappingPlan`]
//! (`Serialize`), [`create_payload`] (the payload a dialect sends, overrides applied).

mod overrides;
mod patch;
mod path;
mod plan;

pub use overrides::{MappingError, MappingOverrides};
pub use patch::{apply_to_patch, patch_paths, update_vars};
pub use path::AttrPath;
pub use plan::{Action, MappingPlan, PlanRow, SentOn, plan, plan_live};

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

/// What a flow step sends once the create handling and the admin's overrides are applied.
#[derive(Debug, PartialEq)]
pub enum StepBody {
    /// Render the step as the dialect writes it.
    AsWritten,
    /// Send this body instead.
    Replaced(Value),
    /// The overrides removed every attribute this update would change: the IdP sends nothing.
    Nothing,
}

/// A dialect step that updates a user's attributes: a PUT or PATCH on `/Users/…` whose
/// template uses the update values (`${newGivenName}`, `${newDisplayName}`). Deactivation and
/// reactivation touch only `active` and are not attribute updates.
pub fn is_user_update(step: &Step) -> bool {
    let m = step.method.to_ascii_uppercase();
    (m == "PUT" || m == "PATCH")
        && step.path.starts_with("/Users/")
        && step
            .body
            .as_deref()
            .is_some_and(|b| b.contains("${newGivenName}") || b.contains("${newDisplayName}"))
}

/// The body a flow step sends: whole-User bodies (a create, a PUT on `/Users/…`) get the
/// overrides as a payload, PATCH updates get them as operations in the dialect's style.
pub fn step_body(target: &Target, step: &Step, vars: &Vars) -> StepBody {
    let creates_user = step.creates == Some(dialect::ObjectKind::User);
    let is_put = step.method.eq_ignore_ascii_case("PUT");
    let is_patch = step.method.eq_ignore_ascii_case("PATCH");
    let on_users = step.path.starts_with("/Users");
    let Some(o) = &target.mapping else {
        return match creates_user.then(|| dialect::render::create_body_for(step, vars)) {
            Some(Some(b)) => StepBody::Replaced(b),
            _ => StepBody::AsWritten,
        };
    };
    if !(creates_user || (on_users && (is_put || is_patch))) {
        return StepBody::AsWritten;
    }
    let Some(body) = dialect::render::create_body_for(step, vars) else {
        return StepBody::AsWritten;
    };
    if is_patch && !creates_user {
        // Only the attribute update sends added attributes; `active` toggles do not.
        let removals_only;
        let o = if is_user_update(step) {
            o
        } else {
            removals_only = MappingOverrides {
                remove: o.remove.clone(),
                add: Vec::new(),
            };
            &removals_only
        };
        let out = patch::apply_to_patch(o, &body, vars);
        return if !patch::has_operations(&out) {
            StepBody::Nothing
        } else if out == body {
            StepBody::AsWritten
        } else {
            StepBody::Replaced(out)
        };
    }
    // A PUT update carries the whole user with its new values, added attributes included.
    let values = if is_user_update(step) {
        patch::update_vars(vars)
    } else {
        vars.clone()
    };
    StepBody::Replaced(o.apply(&body, &values))
}
