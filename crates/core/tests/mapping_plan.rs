//! The attribute-mapping planner on recorded schemas (the vendor fixtures' `/Schemas`):
//! keep / remove / add rows with the IdP console steps, and overrides marking rows as done.

use std::sync::Arc;

use preflight_core::dialect;
use preflight_core::mapping::{Action, MappingOverrides, MappingPlan, plan_live};
use preflight_core::probe::{Interaction, Probe, ReplayTransport};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};
use preflight_core::{Secret, vendor};

/// A probe answering from one fixture's recorded interactions.
fn probe_from(fixture: &str) -> Probe {
    let path = format!(
        "{}/../../tests/fixtures/checks/vendor/{fixture}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let base = json["target"]["base_url"].as_str().unwrap().to_string();
    let interactions: Vec<Interaction> =
        serde_json::from_value(json["interactions"].clone()).unwrap();
    let target = Target::new(
        &base,
        Credential::Bearer(Secret::new("fixture-token")),
        Idp::Entra,
    )
    .unwrap();
    let transport = ReplayTransport::new(
        &base,
        Some("Bearer fixture-token".into()),
        interactions,
        None,
    );
    Probe::new(Arc::new(transport), target, Redactor::new())
}

fn action_of<'a>(plan: &'a MappingPlan, attribute: &str) -> Option<&'a Action> {
    plan.rows
        .iter()
        .find(|r| r.attribute == attribute)
        .map(|r| &r.action)
}

#[tokio::test]
async fn strict_schema_says_remove_roles_with_the_console_step() {
    let probe = probe_from("mapping-attributes-declared--roles-undeclared");
    let entra = dialect::find("entra-default").unwrap();
    let plan = plan_live(&probe, entra, vendor::find("stackit"), None).await;
    assert!(plan.schema_readable);
    assert_eq!(action_of(&plan, "roles"), Some(&Action::Remove));
    assert_eq!(action_of(&plan, "userName"), Some(&Action::Keep));
    assert_eq!(action_of(&plan, "name"), Some(&Action::Keep));
    let roles = plan.rows.iter().find(|r| r.attribute == "roles").unwrap();
    assert!(
        roles
            .console
            .as_deref()
            .unwrap()
            .contains("Provision Microsoft Entra ID Users")
    );
    assert_eq!(plan.open_changes().count(), 1);

    let overrides = MappingOverrides::parse("remove = [\"roles\"]").unwrap();
    let plan = plan_live(&probe, entra, vendor::find("stackit"), Some(&overrides)).await;
    assert!(
        plan.rows
            .iter()
            .find(|r| r.attribute == "roles")
            .unwrap()
            .done_by_overrides
    );
    assert_eq!(plan.open_changes().count(), 0);
}

#[tokio::test]
async fn vendor_required_attributes_become_add_rows() {
    let probe = probe_from("required-attributes-declared--declared");
    let okta = dialect::find("okta-patch").unwrap();
    let plan = plan_live(&probe, okta, vendor::find("airia"), None).await;
    let manager = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";
    assert_eq!(action_of(&plan, manager), Some(&Action::Add));
    let row = plan.rows.iter().find(|r| r.attribute == manager).unwrap();
    assert!(
        row.reason.contains("Airia requires Manager"),
        "{}",
        row.reason
    );
    assert!(row.console.as_deref().unwrap().contains(manager));
    // The same plan without a vendor has nothing to add: the schema itself does not require it.
    let plain = plan_live(&probe, okta, None, None).await;
    assert_eq!(action_of(&plain, manager), None);
}

#[tokio::test]
async fn unreadable_schemas_are_said_not_guessed() {
    let probe = probe_from("required-attributes-mapped--manager-missing");
    let entra = dialect::find("entra-default").unwrap();
    let plan = plan_live(&probe, entra, None, None).await;
    assert!(!plan.schema_readable);
    assert!(plan.rows.iter().all(|r| r.action == Action::Keep));
    assert!(
        plan.rows
            .iter()
            .all(|r| r.reason.contains("could not be read"))
    );
}
