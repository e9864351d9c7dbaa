//! The attribute-mapping planner: for one IdP dialect, every attribute its default mapping
//! sends on create and on update (PATCH operations or the whole-user PUT), judged against the target's live `/Schemas` and the vendor's required
//! attributes — keep it, remove it (the target does not declare it: a strict target answers
//! 400), or add it (the target or the vendor requires it) — each with the IdP console step,
//! and whether the admin's overrides file already does it. Each row names the steps that send
//! the attribute, because an attribute only an update sends fails later than the create: the
//! user is created fine and then every change to them is refused.

use serde::Serialize;

use super::is_user_update;
use super::overrides::MappingOverrides;
use super::patch::patch_paths;
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
    /// Which of the IdP's steps send it: `create`, `update`, or both (for an add row: the
    /// steps that would carry the added attribute).
    pub sent_on: Vec<SentOn>,
}

/// The IdP step that sends an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SentOn {
    Create,
    Update,
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

/// Attribute paths the dialect's user update steps send (PATCH operations, or a PUT's whole
/// user), with the template's placeholders filled.
fn update_paths(dialect: &Dialect, vars: &crate::dialect::Vars) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for step in dialect.steps.values().filter(|s| is_user_update(s)) {
        let Some(body) = dialect::render::create_body_for(step, vars) else {
            continue;
        };
        let paths = if step.method.eq_ignore_ascii_case("PATCH") {
            patch_paths(&body)
        } else {
            payload_paths(&body)
        };
        for p in paths {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(&p)) {
                out.push(p);
            }
        }
    }
    out
}

/// Plan from an already-read schema (pure; the tests feed it directly).
pub fn plan(
    dialect: &Dialect,
    schema: &TargetSchema,
    vendor: Option<&Vendor>,
    overrides: Option<&MappingOverrides>,
) -> MappingPlan {
    let vars = TestUser::default().vars("plan", "plan");
    let created = dialect::create_body(dialect, &vars)
        .map(|b| payload_paths(&b))
        .unwrap_or_default();
    let updated = update_paths(dialect, &vars);
    let mut sent: Vec<String> = created.clone();
    for p in &updated {
        if !sent.iter().any(|s| s.eq_ignore_ascii_case(p)) {
            sent.push(p.clone());
        }
    }
    let has = |list: &[String], p: &str| list.iter().any(|s| s.eq_ignore_ascii_case(p));
    // A row for `name` is sent on update when the update carries `name.givenName`.
    let has_within = |list: &[String], p: &str| {
        let prefix = format!("{}.", p.to_ascii_lowercase());
        has(list, p)
            || list
                .iter()
                .any(|s| s.to_ascii_lowercase().starts_with(&prefix))
    };
    let sent_on = |p: &str| {
        let mut on = Vec::new();
        if has_within(&created, p) {
            on.push(SentOn::Create);
        }
        if has_within(&updated, p) {
            on.push(SentOn::Update);
        }
        on
    };
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
        let on = sent_on(path);
        if undeclared.contains(path) {
            let reason = if on == [SentOn::Update] {
                "only the IdP's update sends it and the target's /Schemas does not declare it; a strict target answers 400, so users are created but no later change reaches them"
            } else {
                "the target's /Schemas does not declare it; a strict target answers 400 and the IdP fails every create"
            };
            rows.push(PlanRow {
                attribute: path.clone(),
                action: Action::Remove,
                reason: reason.into(),
                console: Some(remove_step(path)),
                done_by_overrides: removed(path),
                sent_on: on,
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
                sent_on: on,
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
    // An added attribute goes out with the create, and with an update that sends whole users.
    let puts_users = dialect
        .steps
        .values()
        .any(|st| is_user_update(st) && st.method.eq_ignore_ascii_case("PUT"));
    let add_on: Vec<SentOn> = if puts_users {
        vec![SentOn::Create, SentOn::Update]
    } else {
        vec![SentOn::Create]
    };
    for (attribute, reason) in wanted {
        rows.push(PlanRow {
            sent_on: add_on.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(plan: &'a MappingPlan, a: &str) -> Option<&'a PlanRow> {
        plan.rows
            .iter()
            .find(|r| r.attribute.eq_ignore_ascii_case(a))
    }

    /// A target like a strict app: no `displayName`, no `roles`.
    fn strict() -> TargetSchema {
        TargetSchema::declaring(&[
            "userName",
            "name",
            "name.givenName",
            "name.familyName",
            "emails",
            "emails.value",
            "emails.type",
            "emails.primary",
            "active",
            "externalId",
        ])
    }

    #[test]
    fn attributes_only_the_update_sends_are_judged_and_marked() {
        // generic-rfc7644 creates with displayName and updates it: both steps send it.
        let generic = dialect::find("generic-rfc7644").unwrap();
        let p = plan(generic, &strict(), None, None);
        let d = row(&p, "displayName").unwrap();
        assert_eq!(d.action, Action::Remove);
        assert_eq!(d.sent_on, [SentOn::Create, SentOn::Update]);
        assert_eq!(row(&p, "userName").unwrap().sent_on, [SentOn::Create]);
        assert_eq!(
            row(&p, "name").unwrap().sent_on,
            [SentOn::Create, SentOn::Update],
            "the update sends name.givenName, so the `name` row is sent on update too"
        );

        // OneLogin creates without displayName but its PUT update carries `id`: an update-only
        // attribute, declared by every target (common attribute) and so kept.
        let onelogin = dialect::find("onelogin").unwrap();
        let p = plan(onelogin, &strict(), None, None);
        let id = row(&p, "id").unwrap();
        assert_eq!(
            (id.action, id.sent_on.clone()),
            (Action::Keep, vec![SentOn::Update])
        );
    }

    #[test]
    fn pathless_update_keys_count_as_sent_and_overrides_mark_them_done() {
        let entra = dialect::find("entra-aadoptscim062020").unwrap();
        let mut schema = strict();
        let plan_all = plan(entra, &schema, None, None);
        let d = row(&plan_all, "displayName").unwrap();
        assert_eq!(d.sent_on, [SentOn::Create, SentOn::Update]);
        assert!(d.reason.contains("every create"));
        schema = TargetSchema::declaring(&["userName", "displayName"]);
        let plan_ok = plan(entra, &schema, None, None);
        assert_eq!(row(&plan_ok, "displayName").unwrap().action, Action::Keep);

        let o = MappingOverrides::parse("remove = [\"displayName\", \"roles\"]").unwrap();
        let plan_o = plan(entra, &strict(), None, Some(&o));
        assert!(row(&plan_o, "displayName").unwrap().done_by_overrides);
    }

    #[test]
    fn update_only_rows_say_the_create_is_fine() {
        // A dialect variant whose create lacks displayName while its update sends it.
        let text = include_str!("../../dialects/generic-rfc7644.toml").replacen(
            " \"displayName\": \"${displayName}\",\n",
            "",
            1,
        );
        let d = crate::dialect::parse("generic-variant", &text).unwrap();
        assert!(
            !d.steps["create_user"]
                .body
                .as_deref()
                .unwrap()
                .contains("displayName")
        );
        let p = plan(&d, &strict(), None, None);
        let row = row(&p, "displayName").unwrap();
        assert_eq!(row.action, Action::Remove);
        assert_eq!(row.sent_on, [SentOn::Update]);
        assert!(
            row.reason.contains("only the IdP's update sends it"),
            "{}",
            row.reason
        );
    }

    #[test]
    fn add_rows_name_the_steps_that_would_carry_the_attribute() {
        let mut schema = strict();
        schema.required = vec!["title".into()];
        let okta = dialect::find("okta-oin").unwrap();
        let plan_put = plan(okta, &schema, None, None);
        let t = row(&plan_put, "title").unwrap();
        assert_eq!(t.action, Action::Add);
        assert_eq!(t.sent_on, [SentOn::Create, SentOn::Update]);
        let entra = dialect::find("entra-default").unwrap();
        let plan_patch = plan(entra, &schema, None, None);
        assert_eq!(row(&plan_patch, "title").unwrap().sent_on, [SentOn::Create]);
    }
}
