//! Vendor selection through the real `preflight` binary: without `--vendor` the vendor checks
//! skip and say how to turn them on; `--vendor generic` turns them off; an explicit
//! `--vendor stackit` runs them against the testbed's STACKIT preset.
//!
//! Recognising a vendor from its real host is unit-tested in `preflight_core::vendor::detect`:
//! the testbed only listens on 127.0.0.1, which can never be a vendor's host, and no test
//! pretends otherwise. The one CLI case with a real vendor host stops at input validation
//! (an unreadable `--mapping` file), so nothing is ever sent to it.

mod common;

use common::preflight;
use preflight_testbed::vendor_presets;
use preflight_testbed::{Testbed, TestbedConfig};
use serde_json::Value;

const VENDOR_CHECKS: [&str; 5] = [
    "vendor/token-prefix",
    "vendor/discovery-unauthenticated",
    "vendor/required-attributes-declared",
    "vendor/required-attributes-mapped",
    "vendor/mapping-attributes-declared",
];

async fn stackit_testbed() -> Testbed {
    let mut config = TestbedConfig::default();
    vendor_presets::apply("stackit", &mut config).expect("preset");
    Testbed::start(config).await.expect("testbed starts")
}

/// Run `check --format json` with STACKIT's auth style (client credentials against the
/// testbed's token endpoint); returns (exit code, report, stderr).
fn check(tb: &Testbed, extra: &[&str]) -> (i32, Value, String) {
    let (url, token_url) = (tb.base_url(), tb.token_url());
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--url",
        &url,
        "--idp",
        "entra",
        "--token-url",
        &token_url,
        "--client-id",
        "demo-client",
        "--scope",
        "scim.read scim.write",
    ];
    args.extend_from_slice(extra);
    let out = preflight(&args, &[("PREFLIGHT_CLIENT_SECRET", "demo-secret")], None);
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("exit {code}, no JSON report; stderr: {stderr}"));
    (code, report, stderr)
}

/// (status, note) of one check.
fn result(report: &Value, id: &str) -> (String, String) {
    let c = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} is in the report"));
    (
        c["status"].as_str().unwrap_or_default().to_string(),
        c["note"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_vendor_the_checks_skip_and_say_how_to_turn_them_on() {
    let tb = stackit_testbed().await;
    let (_, report, stderr) = check(&tb, &[]);
    assert!(
        report["target"].get("vendor").is_none(),
        "{}",
        report["target"]
    );
    assert!(!stderr.contains("vendor detected"), "{stderr}");
    for id in VENDOR_CHECKS {
        let (status, note) = result(&report, id);
        assert_eq!(status, "skip", "{id}");
        assert!(
            note.contains("--vendor ID")
                && note.contains("`preflight vendors`")
                && note.contains("Target step in the app"),
            "{id}: {note}"
        );
    }
    assert!(
        result(&report, "vendor/discovery-unauthenticated")
            .1
            .contains("it is for axonflow, stackit")
    );
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn vendor_generic_turns_the_checks_off() {
    let tb = stackit_testbed().await;
    let (_, report, stderr) = check(&tb, &["--vendor", "generic"]);
    assert_eq!(report["target"]["vendor"], "generic");
    assert!(!stderr.contains("vendor detected"), "{stderr}");
    for id in VENDOR_CHECKS {
        let (status, note) = result(&report, id);
        assert_eq!(status, "skip", "{id}");
        assert!(note.starts_with("vendor checks are off"), "{id}: {note}");
    }
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_explicit_vendor_runs_its_checks_without_a_detection_note() {
    let tb = stackit_testbed().await;
    let (code, report, stderr) = check(&tb, &["--vendor", "stackit"]);
    assert_eq!(report["target"]["vendor"], "stackit");
    assert!(!stderr.contains("vendor detected"), "{stderr}");
    // The preset's strict attributes: Entra's default mapping sends one STACKIT rejects.
    assert_eq!(code, 1);
    assert_eq!(
        result(&report, "vendor/mapping-attributes-declared").0,
        "fail"
    );
    let (status, note) = result(&report, "vendor/discovery-unauthenticated");
    assert_eq!(status, "pass");
    assert!(!note.contains("detected"), "{note}");
    // What STACKIT's profile does not list still skips, and says why.
    let (status, note) = result(&report, "vendor/token-prefix");
    assert_eq!(status, "skip");
    assert!(note.contains("does not call for this check"), "{note}");
    tb.shutdown().await;
}

#[test]
fn a_vendor_host_prints_the_detection_note_before_anything_is_sent() {
    let missing = std::env::temp_dir().join(format!(
        "preflight-vendor-detect-{}-no-such-mapping.toml",
        std::process::id()
    ));
    let base = [
        "check",
        "--url",
        "https://accounts.stackit.cloud/scim/v2",
        "--no-token",
        "--mapping",
        missing.to_str().unwrap(),
    ];
    // The unreadable --mapping file stops the run at input validation (exit 2).
    let out = preflight(&base, &[], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "note: vendor detected from the URL: STACKIT IdP (pass --vendor generic to turn this off)"
        ),
        "{stderr}"
    );
    let mut off = base.to_vec();
    off.extend(["--vendor", "generic"]);
    let out = preflight(&off, &[], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("vendor detected"), "{stderr}");
}
