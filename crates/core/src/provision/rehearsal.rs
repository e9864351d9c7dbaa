//! Rehearsing the IdP's "user already exists → update" branch. An IdP that finds the user on
//! its match step skips the create and updates instead; Provision on demand normally never
//! gets there because its test user is new. In a rehearsal Preflight first creates its own
//! `preflight-test-` user (journaled, exactly as the dialect's create step would, as if an
//! earlier provisioning cycle had made it), then runs the flow: the match must find that user,
//! and the rest — read back, the dialect's update, deactivate, … — runs against it.
//!
//! Everything comes from the dialect data: the match is the step that expects an empty list
//! (`expect_empty`), the earlier cycle's create is the step that `creates = "user"`. Only the
//! user this run created is ever matched, updated or removed.

use crate::check::{Cause, Verdict};
use crate::checks::judge::outcome;
use crate::dialect::{Dialect, Flow, ObjectKind, Step, Vars};
use crate::exchange::Exchange;
use crate::scim::{list_shape, member};

/// Purpose of the seeding create, so reports and the app show it as the earlier cycle.
pub const SEED_PURPOSE: &str =
    "rehearsal: create Preflight's own test user, as an earlier provisioning cycle would have";

fn is_match(step: &Step) -> bool {
    step.expect_empty && step.path.starts_with("/Users")
}

fn is_user_create(step: &Step) -> bool {
    step.creates == Some(ObjectKind::User)
}

/// The flow has a user match and a user create, so it has an update branch to rehearse.
pub fn applies(dialect: &Dialect, flow: &Flow) -> bool {
    let has = |f: fn(&Step) -> bool| flow.steps.iter().any(|s| f(&dialect.steps[s]));
    has(is_match) && has(is_user_create)
}

/// The steps in rehearsal order: the create first (the earlier cycle), then the flow without
/// it — the match now finds the user and the IdP goes on to read and update it.
pub fn order<'a>(dialect: &Dialect, flow: &'a Flow) -> Vec<&'a String> {
    let (creates, rest): (Vec<&String>, Vec<&String>) = flow
        .steps
        .iter()
        .partition(|s| is_user_create(&dialect.steps[s.as_str()]));
    creates.into_iter().take(1).chain(rest).collect()
}

/// Judge the match step's answer: it must list exactly the user this run created (`userId`).
/// `Some(verdict)` when it does not.
pub fn judge_match(
    step: &Step,
    x: &Exchange,
    vars: &Vars,
    position: &str,
    request_line: &str,
    evidence: &[String],
) -> Option<Verdict> {
    let own = vars.get("userId").unwrap_or_default();
    let ids: Vec<String> = x
        .response
        .as_ref()
        .filter(|r| r.status == 200)
        .and_then(|r| r.json())
        .map(|j| {
            list_shape(&j)
                .resources
                .iter()
                .filter_map(|r| member(r, "id").and_then(|v| v.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let expected = format!("{position}: the match finds the existing user (id {own})");
    if ids.is_empty() {
        return Some(Verdict::fail(
            expected,
            format!("{request_line} → {} with no user", outcome(x)),
            evidence.to_vec(),
            Cause::new(&step.diagnosis).detail(
                "The user exists, but the IdP's match does not find it; the IdP would try to create it again (a 409 or a second account) instead of updating it.",
            ),
        ));
    }
    if ids.len() > 1 || ids[0] != own {
        return Some(Verdict::fail(
            expected,
            format!("{request_line} → {} resources: {ids:?}", ids.len()),
            evidence.to_vec(),
            Cause::new("scim/filter-ignored").detail(
                "The match answered other users than the one asked for; the IdP would update the first of them — possibly someone else's account.",
            ),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect;

    #[test]
    fn every_user_flow_rehearses_create_first_then_match() {
        for d in dialect::all() {
            for f in d
                .flow
                .iter()
                .filter(|f| f.steps.iter().any(|s| s == "update_user"))
            {
                assert!(applies(d, f), "{}", d.id);
                let o = order(d, f);
                assert!(is_user_create(&d.steps[o[0].as_str()]), "{}", d.id);
                assert!(is_match(&d.steps[o[1].as_str()]), "{}", d.id);
                assert_eq!(o.len(), f.steps.len(), "{}", d.id);
                assert!(o.iter().any(|s| *s == "update_user"));
            }
        }
    }
}
