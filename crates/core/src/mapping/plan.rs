//! The attribute-mapping planner: for one IdP dialect, every attribute its default mapping
//! sends on create, judged against the target's live `/Schemas` and the vendor's required
//! attributes — keep it, remove it (the target does not declare it: a strict target answers
//! 400), or add it (the target or the vendor requires it) — each with the IdP console step,
//! and whether the admin's overrides file already does it.

use serde::Serialize;

use super::overrides::MappingOverrides;
use super::path::AttrPath;
use crate::dialect::{self, Dialect, TestUser};
use crate::probe::Probe;
use crate::provision::{TargetSchema, payload_paths};
use crate::vendor::Vendor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Keep,
    Remove,
    Add,
}

/// One attribute of the plan.
#[derive(Clone, Debug, Serialize)]
pub struct PlanRow {
    /// SCIM path (`roles`, `name.formatted`, `urn:…:User:manager`).
    pub attribute: String,
    pub action: Action,
    /// Why, in the admin's words.
    pub reason: String,
    /// The exact console change in the IdP (`None` for keep).
    pub console: Option<String>,
    /// The overrides file already makes this change, so a write run sends the planned mapping.
    pub done_by_overrides: bool,
}

/// The whole plan for one dialect.
#[derive(Clone, Debug, Serialize)]
pub struct MappingPlan {
    pub dialect: String,
    pub idp: String,
    pub vendor: Option<String>,
    /// `/Schemas` was readable; without it only the vendor's required attributes are judged.
    pub schema_readable: bool,
    pub rows: Vec<PlanRow>,
    /// Exchange ids of the `/ResourceTypes` and `/Schemas` reads.
    pub evidence: Vec<String>,
}

impl MappingPlan {
    /// Rows that need a change in the IdP which the overrides file does not make yet.
    pub fn open_changes(&self) -> impl Iterator<Item = &PlanRow> {
        self.rows
            .iter()
            .filter(|r| r.action != Action::Keep && !r.done_by_overrides)
    }
}

/// Read the target's schema through `probe` and plan.
pub async fn plan_live(
    probe: &Probe,
    dialect: &Dialect,
    vendor: Option<&Vendor>,
    overrides: Option<&MappingOverrides>,
) -> MappingPlan {
    let schema = TargetSchema::load(probe).await;
    plan(dialect, &schema, vendor, overrides)
}

/// Plan from an already-read schema (pure; the tests feed it directly).
pub fn plan(
    dialect: &Dialect,
    schema: &TargetSchema,
    vendor: Option<&Vendor>,
    overrides: Option<&MappingOverrides>,
) -> MappingPlan {
    let vars = TestUser::default().vars("plan", "plan");
    let sent = dialect::create_body(dialect, &vars)
        .map(|b| payload_paths(&b))
        .unwrap_or_default();
    let removed =
        |p: &str| overrides.is_some_and(|o| AttrPath::parse(p).is_ok_and(|p| o.removes(&p)));
    let added = |p: &str| {
        overrides.is_some_and(|o| {
            AttrPath::parse(p).is_ok_and(|p| o.add.iter().any(|(a, _)| a.within(&p) || p.within(a)))
        })
    };
    let remove_step = |a: &str| dialect.console.remove_mapping.replace("{attribute}", a);
    let add_step = |a: &str| dialect.console.add_mapping.replace("{attribute}", a);
    let undeclared = schema.undeclared(&sent);
    let mut rows: Vec<PlanRow> = Vec::new();
    for path in &sent {
        let covered_by_removed_parent = rows.iter().any(|r: &PlanRow| {
            r.action == Action::Remove
                && path
                    .to_ascii_lowercase()
                    .starts_with(&format!("{}.", r.attribute.to_ascii_lowercase()))
        });
        if covered_by_removed_parent {
            continue;
        }
        if undeclared.contains(path) {
            rows.push(PlanRow {
                attribute: path.clone(),
                action: Action::Remove,
                reason: "the target's /Schemas does not declare it; a strict target answers 400 and the IdP fails every create".into(),
                console: Some(remove_step(path)),
                done_by_overrides: removed(path),
            });
        } else if !path.contains('.') || path.to_ascii_lowercase().starts_with("urn:") {
            let reason = if schema.readable {
                "declared by the target"
            } else {
                "sent by the IdP's default mapping (/Schemas could not be read to compare)"
            };
            rows.push(PlanRow {
                attribute: path.clone(),
                action: Action::Keep,
                reason: reason.into(),
                console: None,
                done_by_overrides: false,
            });
        }
    }
    let mut wanted: Vec<(String, String)> = schema
        .missing_required(&sent)
        .into_iter()
        .map(|a| (a, "the target's /Schemas marks it required".to_string()))
        .collect();
    if let Some(v) = vendor {
        let lower: Vec<String> = sent.iter().map(|p| p.to_ascii_lowercase()).collect();
        for r in &v.required_attributes {
            let p = r.path.to_ascii_lowercase();
            let is_sent = lower.iter().any(|s| {
                *s == p || s.starts_with(&format!("{p}.")) || p.starts_with(&format!("{s}."))
            });
            if !is_sent && !wanted.iter().any(|(w, _)| w.eq_ignore_ascii_case(&r.path)) {
                wanted.push((
                    r.path.clone(),
                    format!("{} requires {} on every user", v.name, r.label),
                ));
            }
        }
    }
    for (attribute, reason) in wanted {
        rows.push(PlanRow {
            console: Some(add_step(&attribute)),
            done_by_overrides: added(&attribute),
            attribute,
            action: Action::Add,
            reason,
        });
    }
    MappingPlan {
        dialect: dialect.id.clone(),
        idp: dialect.idp.clone(),
        vendor: vendor.map(|v| v.id.clone()),
        schema_readable: schema.readable,
        rows,
        evidence: schema.evidence.clone(),
    }
}
