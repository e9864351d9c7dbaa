//! One scenario per vendor profile: the testbed configured like that vendor (its preset in
//! `preflight_testbed::vendor_presets`), run through the real `preflight` binary with
//! `--vendor`. Each vendor's distinctive failure must be named with the right diagnosis, and
//! the correctly configured setup must pass.

mod common;

use common::preflight;
use preflight_testbed::vendor_presets::{self, AXONFLOW_TOKEN};
use preflight_testbed::{Quirks, Testbed, TestbedConfig};
use serde_json::Value;

async fn testbed(vendor: &str, quirks: &str) -> Testbed {
    let mut config = TestbedConfig {
        quirks: Quirks::parse(quirks).expect("quirk names"),
        ..TestbedConfig::default()
    };
    vendor_presets::apply(vendor, &mut config).expect("preset");
    Testbed::start(config).await.expect("testbed starts")
}

/// Run `check --format json` and return (exit code, report).
fn check(args: &[&str], env: &[(&str, &str)]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = preflight(&all, env, None);
    let code = out.status.code().unwrap_or(-1);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "exit {code}, no JSON report; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

/// (status, diagnosis code, finding text) of one check in a report.
fn result(report: &Value, id: &str) -> (String, String, String) {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} is in the report"));
    (
        c["status"].as_str().unwrap_or_default().to_string(),
        c["diagnosis"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        format!("{} {}", c["finding"], c["diagnosis"]),
    )
}

fn failures(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail" || c["status"] == "blocked")
        .map(|c| format!("{} {}", c["id"], c["diagnosis"]["code"]))
        .collect()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-vendors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn generic_runs_no_vendor_check_and_passes_clean() {
    let tb = testbed("generic", "").await;
    let url = tb.base_url();
    let (code, report) = check(
        &["--url", &url, "--idp", "entra", "--vendor", "generic"],
        &[("PREFLIGHT_TOKEN", "demo-token")],
    );
    assert_eq!(code, 0, "{:?}", failures(&report));
    for id in ["vendor/token-prefix", "vendor/required-attributes-mapped"] {
        assert_eq!(result(&report, id).0, "skip");
    }
    tb.set_quirks(Quirks::parse("filter-ignored").unwrap());
    let (code, report) = check(
        &["--url", &url, "--idp", "entra", "--vendor", "generic"],
        &[("PREFLIGHT_TOKEN", "demo-token")],
    );
    assert_eq!(code, 1);
    assert_eq!(
        result(&report, "scim/users-filter-no-match").1,
        "scim/filter-ignored"
    );
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stackit_strict_attributes_are_named_and_a_trimmed_mapping_passes() {
    let tb = testbed("stackit", "").await;
    let url = tb.base_url();
    let token_url = tb.token_url();
    // STACKIT's auth style: client credentials; the scopes come from the vendor profile.
    let cc = [
        "--url",
        &url,
        "--idp",
        "entra",
        "--vendor",
        "stackit",
        "--token-url",
        &token_url,
        "--client-id",
        "demo-client",
    ];
    let env = [("PREFLIGHT_CLIENT_SECRET", "demo-secret")];
    let (code, report) = check(&cc, &env);
    assert_eq!(code, 1);
    let (status, code_, text) = result(&report, "vendor/mapping-attributes-declared");
    assert_eq!(
        (status.as_str(), code_.as_str()),
        ("fail", "scim/unknown-attribute-rejected")
    );
    assert!(text.contains("`roles`"), "{text}");
    assert_eq!(
        result(&report, "vendor/discovery-unauthenticated").0,
        "pass"
    );
    assert_eq!(result(&report, "auth/client-credentials-grant").0, "pass");
    let token_bodies: Vec<String> = tb
        .request_log()
        .into_iter()
        .filter(|r| r.path.starts_with("/oauth2/token"))
        .map(|r| r.body)
        .collect();
    let scope_of = |b: &String| {
        url::form_urlencoded::parse(b.as_bytes())
            .find(|(k, _)| k == "scope")
            .map(|(_, v)| v.into_owned())
    };
    assert!(
        token_bodies
            .iter()
            .any(|b| scope_of(b).as_deref() == Some("scim.read scim.write")),
        "the vendor's scopes fill the unset --scope: {token_bodies:?}"
    );
    assert_eq!(
        failures(&report),
        ["\"vendor/mapping-attributes-declared\" \"scim/unknown-attribute-rejected\""]
    );

    // The correctly configured mapping: drop what STACKIT does not declare, then provision.
    let mapping = temp_file("stackit.toml", "remove = [\"roles\"]\n");
    let journal =
        std::env::temp_dir().join(format!("preflight-vendors-journal-{}", std::process::id()));
    let mut write = cc.to_vec();
    write.extend(["--write", "--mapping", mapping.to_str().unwrap()]);
    let (code, report) = check(
        &write,
        &[
            ("PREFLIGHT_CLIENT_SECRET", "demo-secret"),
            ("PREFLIGHT_DATA_DIR", journal.to_str().unwrap()),
        ],
    );
    assert_eq!(code, 0, "{:?}", failures(&report));
    assert_eq!(result(&report, "entra/provision-on-demand").0, "pass");

    // A base URL that is not STACKIT's shape is refused before anything is sent.
    let short = url.trim_end_matches("/v2");
    let out = preflight(
        &["check", "--url", short, "--vendor", "stackit"],
        &[("PREFLIGHT_TOKEN", "t")],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("continue with `/v2`"));
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn axonflow_token_prefix_and_public_discovery() {
    let tb = testbed("axonflow", "").await;
    let url = tb.base_url();
    let args = [
        "--url",
        url.as_str(),
        "--idp",
        "okta",
        "--vendor",
        "axonflow",
    ];
    let (code, report) = check(&args, &[("PREFLIGHT_TOKEN", AXONFLOW_TOKEN)]);
    assert_eq!(code, 0, "{:?}", failures(&report));
    assert_eq!(result(&report, "vendor/token-prefix").0, "pass");

    // A credential that is not a SCIM token (no `scim_` prefix).
    let (code, report) = check(&args, &[("PREFLIGHT_TOKEN", "portal-api-key-123")]);
    assert_eq!(code, 1);
    let (status, diag, _) = result(&report, "vendor/token-prefix");
    assert_eq!(
        (status.as_str(), diag.as_str()),
        ("fail", "auth/token-malformed")
    );

    // Discovery behind authentication: not AxonFlow's documented behaviour.
    tb.set_quirks(Quirks::parse("discovery-requires-auth").unwrap());
    let (code, report) = check(&args, &[("PREFLIGHT_TOKEN", AXONFLOW_TOKEN)]);
    assert_eq!(code, 1);
    let (status, diag, _) = result(&report, "vendor/discovery-unauthenticated");
    assert_eq!(
        (status.as_str(), diag.as_str()),
        ("fail", "auth/discovery-requires-auth")
    );
    assert_eq!(
        failures(&report),
        ["\"vendor/discovery-unauthenticated\" \"auth/discovery-requires-auth\""]
    );
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn airia_required_manager_and_org_guid() {
    let tb = testbed("airia", "").await;
    let url = tb.base_url();
    let args = ["--url", url.as_str(), "--idp", "entra", "--vendor", "airia"];
    let env = [("PREFLIGHT_TOKEN", "demo-token")];
    let (code, report) = check(&args, &env);
    assert_eq!(code, 1);
    let (status, diag, text) = result(&report, "vendor/required-attributes-mapped");
    assert_eq!(
        (status.as_str(), diag.as_str()),
        ("fail", "scim/required-attribute-missing")
    );
    assert!(
        text.contains("Manager") && text.contains("Add New Mapping"),
        "{text}"
    );
    assert_eq!(
        result(&report, "vendor/required-attributes-declared").0,
        "pass"
    );
    assert_eq!(failures(&report).len(), 1, "{:?}", failures(&report));

    // The mapping the admin adds in Entra, tried first as an override: the check passes.
    let mapping = temp_file(
        "airia.json",
        r#"{"add": {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": {"value": "${externalId}"}}}"#,
    );
    let mut with_mapping = args.to_vec();
    with_mapping.extend(["--mapping", mapping.to_str().unwrap()]);
    let (code, report) = check(&with_mapping, &env);
    assert_eq!(code, 0, "{:?}", failures(&report));

    // The org segment must be a GUID; the message names the part.
    let wrong = url.replace(vendor_presets::AIRIA_ORG_GUID, "acme");
    let before = tb.request_log().len();
    let out = preflight(&["check", "--url", &wrong, "--vendor", "airia"], &env, None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the segment after /org/ must be a GUID") && err.contains("`acme`"),
        "{err}"
    );
    assert_eq!(
        tb.request_log().len(),
        before,
        "nothing is sent for a bad URL"
    );
    tb.shutdown().await;
}

#[test]
fn vendors_lists_every_profile() {
    let out = preflight(&["vendors", "--json"], &[], None);
    assert_eq!(out.status.code(), Some(0));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    for id in vendor_presets::PRESETS {
        assert!(ids.contains(id), "{id} listed: {ids:?}");
    }
    let out = preflight(&["vendors", "nope"], &[], None);
    assert_eq!(out.status.code(), Some(2));
    let out = preflight(
        &[
            "explain",
            "quarantine",
            "--since",
            "2026-11-01T08:00:00Z",
            "--vendor",
            "airia",
        ],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2026-11-01T14:00:00Z") && text.contains("2026-11-29T08:00:00Z"),
        "{text}"
    );
    assert!(text.contains("10 minutes"), "{text}");
    let out = preflight(
        &["explain", "quarantine", "--since", "last week"],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
}
