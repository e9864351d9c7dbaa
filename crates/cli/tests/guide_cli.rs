//! `preflight guide`: the filled setup steps for each IdP, and its bad input.

mod common;

use common::preflight;
use serde_json::Value;

#[test]
fn entra_guide_fills_the_tenant_url_and_keeps_the_warnings() {
    let out = preflight(
        &[
            "guide",
            "--idp",
            "entra",
            "--url",
            "https://scim.example.com/scim/v2",
        ],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Tenant URL: https://scim.example.com/scim/v2",
        "Provisioning > Provisioning logs",
        "AADSTS50105",
        "Provision on demand",
        "Proved by: url/https",
        "<acs_url>",
    ] {
        assert!(text.contains(needle), "missing {needle:?}:\n{text}");
    }
}

#[test]
fn every_idp_has_a_json_guide_with_checks() {
    for idp in ["entra", "okta", "onelogin"] {
        let out = preflight(
            &[
                "guide",
                "--idp",
                idp,
                "--url",
                "https://scim.example.com/scim/v2",
                "--json",
                "--part",
                "scim",
            ],
            &[],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{idp}");
        let g: Value = serde_json::from_slice(&out.stdout).unwrap();
        let steps = g["steps"].as_array().unwrap();
        assert!(steps.iter().all(|s| s["part"] == "scim"), "{idp}");
        assert!(
            steps
                .iter()
                .any(|s| !s["checks"].as_array().unwrap().is_empty()),
            "{idp}"
        );
        let base_url_field = steps
            .iter()
            .flat_map(|s| s["fields"].as_array().unwrap())
            .find(|f| f["value"] == "https://scim.example.com/scim/v2");
        assert!(
            base_url_field.is_some_and(|f| f["complete"] == true),
            "{idp}: base URL filled"
        );
    }
}

#[test]
fn vendor_fills_its_values_and_checks_the_url() {
    let out = preflight(
        &[
            "guide", "--idp", "entra", "--vendor", "stackit", "--part", "scim",
        ],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Token Endpoint: https://accounts.stackit.cloud/oauth/v2/token"),
        "{text}"
    );
    assert!(
        text.contains("Tenant URL: https://accounts.stackit.cloud/scim/v2"),
        "{text}"
    );
    let out = preflight(
        &[
            "guide",
            "--idp",
            "okta",
            "--vendor",
            "airia",
            "--url",
            "https://a.example/auth/realms/airia/org/x/scim/v2",
        ],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be a GUID"));
}

#[test]
fn bad_input_exits_2() {
    for args in [
        vec!["guide", "--idp", "pingfederate"],
        vec!["guide", "--idp", "entra", "--url", "not a url"],
        vec!["guide", "--idp", "entra", "--vendor", "nobody"],
    ] {
        let out = preflight(&args, &[], None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn profile_values_fill_the_guide() {
    use preflight_core::profile::{Profile, ProfileAuth, ProfileId, ProfileStore};
    use preflight_core::target::Idp;
    let dir = std::env::temp_dir().join(format!("preflight-guide-cli-{}", std::process::id()));
    let store = ProfileStore::new(&dir);
    let mut profile = Profile::new(
        ProfileId::parse("stackit-prod").unwrap(),
        "STACKIT prod",
        "https://accounts.stackit.cloud/scim/v2",
        Idp::Entra,
        ProfileAuth::ClientCredentials {
            token_url: "https://accounts.stackit.cloud/oauth/v2/token".into(),
            client_id: "client-from-ticket".into(),
            scope: None,
        },
    )
    .unwrap();
    profile.vendor = Some("stackit".into());
    let _saved = store.upsert(profile).unwrap();
    let out = preflight(
        &[
            "guide",
            "--idp",
            "entra",
            "--profile",
            "stackit-prod",
            "--part",
            "scim",
        ],
        &[("PREFLIGHT_CONFIG_DIR", dir.to_str().unwrap())],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Client ID: client-from-ticket",
        "Tenant URL: https://accounts.stackit.cloud/scim/v2",
        "What's the name of your app?: STACKIT prod provisioning",
        "--scope \"scim.read scim.write\"",
    ] {
        assert!(text.contains(needle), "missing {needle:?}:\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
