//! Every guide file loads (unknown keys fail), names only checks that exist, and fills its
//! templates from a profile-like set of values.

use preflight_core::guide::{self, GuideVars, Part};
use preflight_core::{checks, vendor};

#[test]
fn every_guide_loads_and_every_check_id_exists() {
    let guides = guide::load_all().expect("every guide parses and validates");
    assert_eq!(guides.len(), guide::files().len());
    for idp in ["entra", "okta", "onelogin"] {
        let g = guide::find(idp).unwrap_or_else(|| panic!("a guide for {idp}"));
        for part in [Part::Sso, Part::Scim] {
            let steps: Vec<_> = g.steps.iter().filter(|s| s.part == part).collect();
            assert!(steps.len() >= 3, "{idp}: at least three {part:?} steps");
            assert!(
                steps.iter().any(|s| !s.checks.is_empty()),
                "{idp}: some {part:?} step is proven by a check"
            );
        }
        for s in &g.steps {
            for id in &s.checks {
                assert!(
                    checks::find(id).is_some(),
                    "{idp}/{}: unknown check {id}",
                    s.id
                );
            }
        }
    }
}

#[test]
fn the_sources_warnings_are_in_the_guides() {
    let text = |idp: &str| {
        let g = guide::find(idp).unwrap();
        serde_json::to_string(g).unwrap().to_ascii_lowercase()
    };
    let entra = text("entra");
    for needle in [
        "separate",
        "aadsts50105",
        "automatic",
        "provision on demand",
        "provisioning logs",
        "notification email",
        "quarantine",
    ] {
        assert!(entra.contains(needle), "entra guide lacks {needle}");
    }
    let okta = text("okta");
    for needle in [
        "header",
        "test api credentials",
        "push groups",
        "system log",
    ] {
        assert!(okta.contains(needle), "okta guide lacks {needle}");
    }
    let onelogin = text("onelogin");
    for needle in [
        "enable provisioning",
        "scim json template",
        "scim bearer token",
        "events",
    ] {
        assert!(onelogin.contains(needle), "onelogin guide lacks {needle}");
    }
}

#[test]
fn unknown_keys_and_unknown_checks_fail() {
    let (_, text) = guide::files()[0];
    let typo = text.replacen("menu =", "menue =", 1);
    assert!(matches!(
        guide::parse(guide::files()[0].0, &typo),
        Err(guide::GuideError::Parse { .. })
    ));
    let bad_check = text.replacen("checks = [\"", "checks = [\"scim/no-such-check\", \"", 1);
    let err = guide::parse(guide::files()[0].0, &bad_check).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown check ID `scim/no-such-check`"),
        "{err}"
    );
    let bad_var = text.replacen("{scim_base_url}", "{scim_url}", 1);
    assert!(guide::parse(guide::files()[0].0, &bad_var).is_err());
}

#[test]
fn templates_fill_from_values_and_list_what_is_missing() {
    let g = guide::find("entra").unwrap();
    let mut vars = GuideVars::new();
    vars.set("scim_base_url", "https://scim.example.com/scim/v2");
    let vars = vars.with_vendor(vendor::find("airia").unwrap());
    let filled = guide::fill(g, &vars);
    let creds = filled
        .steps
        .iter()
        .find(|s| s.id == "scim-admin-credentials")
        .unwrap();
    let tenant = creds
        .fields
        .iter()
        .find(|f| f.name == "Tenant URL")
        .unwrap();
    assert_eq!(tenant.value, "https://scim.example.com/scim/v2");
    assert!(tenant.complete);
    let secret = creds
        .fields
        .iter()
        .find(|f| f.name == "Secret Token")
        .unwrap();
    assert!(secret.secret && !secret.complete);
    assert_eq!(secret.value, "the Access Token from Airia");
    assert!(filled.missing.iter().any(|(k, _)| k == "acs_url"));
    assert!(!filled.missing.iter().any(|(k, _)| k == "scim_base_url"));
    let acs = filled
        .steps
        .iter()
        .flat_map(|s| &s.fields)
        .find(|f| f.name.starts_with("Reply URL"))
        .unwrap();
    assert_eq!(acs.value, "<acs_url>");
    assert!(!acs.complete);
}
