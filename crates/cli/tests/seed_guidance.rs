//! Seed failures that no read-only check can observe from the outside — an IdP error page, a
//! console setting, a vendor's own rule — are still *explained* by Preflight: by `explain`, by a
//! vendor profile's notes, by a setup guide, or by the tenant scan. These tests run the real
//! binary and assert that the explanation is there, so `docs/seed-coverage.md` can point to a
//! proof for each of them (the `seed_coverage` test in preflight-core checks those pointers).

mod common;

use std::process::Command;

use common::preflight;
use preflight_testbed::{StaticToken, Testbed, TestbedConfig};

/// stdout of a command that must succeed.
fn said(args: &[&str]) -> String {
    let out = preflight(args, &[], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn assert_says(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn explain_names_the_sign_in_errors_the_vendor_pages_list() {
    // Token validation failure from a federated tenant, and the wrong reply URL.
    assert_says(&said(&["explain", "AADSTS50008"]), &["sso/idp-error"]);
    assert_says(
        &said(&["explain", "AADSTS50011"]),
        &["sso/redirect-uri-mismatch"],
    );
    // The symptoms an admin reports without an error code.
    assert_says(
        &said(&["explain", "503"]),
        &["sso/redirect-loop", "redirect URI"],
    );
    assert_says(
        &said(&["explain", "502 bad gateway"]),
        &["sso/callback-error", "secret"],
    );
    // An Entra client secret past its lifetime.
    assert_says(
        &said(&["explain", "AADSTS7000222"]),
        &["auth/client-credentials-failed"],
    );
}

#[test]
fn explain_covers_causes_outside_the_wire() {
    // The client-credentials grant never returns a refresh token; nothing on the wire shows
    // that an integration waits for one, so the catalogue explains it.
    assert_says(
        &said(&["explain", "auth/refresh-token-expected"]),
        &["refresh token", "client-credentials", "RFC 6749"],
    );
    // A 403 can mean the token may not manage that email domain or resource.
    assert_says(
        &said(&["explain", "auth/insufficient-scope"]),
        &[
            "scim.write",
            "email domains",
            "endpoint the token is not meant for",
        ],
    );
}

#[test]
fn vendor_profiles_carry_the_pages_advice() {
    assert_says(
        &said(&["vendors", "stackit"]),
        &[
            "organization ID",
            "Token Endpoint",
            "longer-lived token",
            "sendInvitation",
            "Just-in-time creation",
            "activate the account from an e-mail",
            "never sends one",
        ],
    );
    assert_says(
        &said(&["vendors", "axonflow"]),
        &[
            "last_used_at",
            "only then revoke the old token",
            "wrong tenant",
            "one pilot group",
            "raw token",
        ],
    );
    assert_says(
        &said(&["vendors", "airia"]),
        &[
            "does not affect SSO sign-in",
            "masked",
            "separate Entra enterprise application",
            "break-glass",
            "10 minutes",
            "180",
        ],
    );
}

#[test]
fn guides_carry_the_console_advice() {
    assert_says(
        &said(&["guide", "--idp", "okta"]),
        &["main console URL", "Push Groups", "retry under Tasks"],
    );
    assert_says(
        &said(&["guide", "--idp", "entra"]),
        &[
            "accidental deletion prevention",
            "Notification Email",
            "separate",
            "source of authority",
            "Create your own application",
        ],
    );
}

#[test]
fn a_scim_v1_or_foreign_stackit_url_is_refused_before_anything_is_sent() {
    for (url, says) in [
        (
            "https://accounts.stackit.cloud/scim/v1",
            "must be `v2`; you gave `v1`",
        ),
        (
            "https://accounts.example.com/scim/v2",
            "host must be `accounts.stackit.cloud`",
        ),
    ] {
        let out = preflight(
            &[
                "check",
                "--vendor",
                "stackit",
                "--url",
                url,
                "--token-stdin",
            ],
            &[],
            Some("not-a-real-token\n"),
        );
        assert_eq!(out.status.code(), Some(2), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{url}: {err}");
    }
}

/// POST one user to the testbed with curl (as `scan.rs` does), returning its JSON.
fn create_user(url: &str, token: &str, body: serde_json::Value) -> serde_json::Value {
    let out = Command::new("curl")
        .args([
            "-s",
            "--max-time",
            "10",
            "-X",
            "POST",
            "-H",
            &format!("Authorization: Bearer {token}"),
            "-H",
            "Content-Type: application/scim+json",
            "--data",
            &body.to_string(),
            &format!("{url}/Users"),
        ])
        .output()
        .expect("curl runs");
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn scan_check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_names_shared_emails_and_users_without_a_primary_email() {
    let token = "seed-scan-token";
    let config = TestbedConfig {
        seed_users: 3,
        tokens: vec![StaticToken::read_write(token)],
        ..TestbedConfig::default()
    };
    let tb = Testbed::start(config).await.expect("testbed starts");
    let url = tb.base_url();
    let user = |name: &str, emails: serde_json::Value| {
        serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": name,
            "emails": emails,
        })
    };
    let (u, t) = (url.clone(), token.to_string());
    let out = tokio::task::spawn_blocking(move || {
        // Two accounts share one address (different case): an email-matched IdP is ambiguous.
        for (name, mail) in [("ana", "shared@example.invalid"), ("ana.b", "Shared@Example.invalid")] {
            let made = create_user(&u, &t, user(name, serde_json::json!([{"value": mail, "type": "work"}])));
            assert!(made["id"].is_string(), "create {name}: {made}");
        }
        // Two addresses, neither marked primary.
        let made = create_user(
            &u,
            &t,
            user(
                "bo",
                serde_json::json!([{"value": "bo@example.invalid"}, {"value": "bo2@example.invalid"}]),
            ),
        );
        assert!(made["id"].is_string(), "create bo: {made}");
        preflight(
            &["scan", "--url", &u, "--format", "json", "--token-stdin"],
            &[],
            Some(&format!("{t}\n")),
        )
    })
    .await
    .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let shared = scan_check(&report, "scan/users-duplicate-email");
    assert_eq!(shared["status"], "warn", "{shared}");
    assert_eq!(shared["diagnosis"]["code"], "scim/uniqueness-not-enforced");
    assert!(
        shared["finding"]["actual"]
            .as_str()
            .unwrap()
            .starts_with("1 duplicate email addresses"),
        "{shared}"
    );
    let primary = scan_check(&report, "scan/users-primary-email");
    assert_eq!(primary["status"], "warn", "{primary}");
    assert_eq!(primary["diagnosis"]["code"], "scim/primary-email-missing");
    assert!(
        primary["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("bo"),
        "{primary}"
    );
    tb.shutdown().await;
}
