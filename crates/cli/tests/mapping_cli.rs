//! The attribute-mapping planner and the `--mapping` overrides against the testbed, through
//! the real `preflight` binary: a strict target makes the planner say "remove roles", and an
//! overrides file that removes it makes Entra's Provision-on-demand flow pass; a required
//! attribute makes it say "add", and an override that adds it passes — also for Okta's PUT
//! updates, which carry the whole user again.

mod common;

use common::{preflight, scratch_file, write_check};
use preflight_testbed::{Quirks, Testbed, TestbedConfig};
use serde_json::Value;
use std::path::PathBuf;

async fn testbed(quirks: &str) -> Testbed {
    let config = TestbedConfig {
        quirks: Quirks::parse(quirks).expect("quirk names"),
        ..TestbedConfig::default()
    };
    Testbed::start(config).await.expect("testbed starts")
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-mapping-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn file(name: &str, text: &str) -> String {
    scratch_file("preflight-mapping-cli", name, text)
}

const TOKEN: (&str, &str) = ("PREFLIGHT_TOKEN", "demo-token");

fn plan(args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["mapping", "--json"];
    all.extend_from_slice(args);
    let out = preflight(&all, &[TOKEN], None);
    let plans: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON plan; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap_or(-1),
        plans[0]["rows"].as_array().unwrap().clone(),
    )
}

fn row<'a>(rows: &'a [Value], attribute: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["attribute"] == attribute)
        .unwrap_or_else(|| panic!("a row for {attribute}: {rows:?}"))
}

/// `check --write --format json` → (exit code, status and diagnosis of `check_id`).
fn write_run(url: &str, extra: &[&str], check_id: &str) -> (i32, String, String) {
    let (out, c) = write_check(url, check_id, extra, &scratch().join("journal"));
    (
        out.status.code().unwrap_or(-1),
        c["status"].as_str().unwrap_or_default().to_string(),
        c["diagnosis"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_target_remove_roles_then_the_write_flow_passes() {
    let tb = testbed("strict-attributes").await;
    let url = tb.base_url();
    let (code, rows) = plan(&["--url", &url, "--idp", "entra"]);
    assert_eq!(code, 1, "changes are needed");
    let roles = row(&rows, "roles");
    assert_eq!(roles["action"], "remove");
    assert!(
        roles["console"]
            .as_str()
            .unwrap()
            .contains("delete the mapping whose target attribute is `roles`")
    );
    assert_eq!(row(&rows, "userName")["action"], "keep");

    let (_, status, diag) = write_run(&url, &["--idp", "entra"], "entra/provision-on-demand");
    assert_eq!(
        (status.as_str(), diag.as_str()),
        ("fail", "scim/unknown-attribute-rejected")
    );

    let overrides = file("strict.toml", "remove = [\"roles\"]\n");
    let (code, rows) = plan(&["--url", &url, "--idp", "entra", "--mapping", &overrides]);
    assert_eq!(code, 0, "the overrides file makes every change: {rows:?}");
    assert_eq!(row(&rows, "roles")["done_by_overrides"], true);

    for check in [
        "entra/provision-on-demand",
        "scim/dialect-attributes-declared",
    ] {
        let (code, status, _) =
            write_run(&url, &["--idp", "entra", "--mapping", &overrides], check);
        assert_eq!((code, status.as_str()), (0, "pass"), "{check}");
    }
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn required_attribute_add_then_create_and_put_pass() {
    let tb = testbed("require-attribute=title").await;
    let url = tb.base_url();
    let (code, rows) = plan(&["--url", &url, "--idp", "okta", "--dialect", "okta-oin"]);
    assert_eq!(code, 1);
    let title = row(&rows, "title");
    assert_eq!(title["action"], "add");
    assert!(title["reason"].as_str().unwrap().contains("required"));

    let (_, status, diag) = write_run(&url, &["--dialect", "okta-oin"], "okta/assign-user-put");
    assert_eq!(
        (status.as_str(), diag.as_str()),
        ("fail", "scim/required-attribute-missing")
    );
    // Okta's PUT updates send the whole user again: they must carry the added attribute too.
    let overrides = file("title.json", r#"{"add": {"title": "Engineer ${runId}"}}"#);
    let (code, status, _) = write_run(
        &url,
        &["--dialect", "okta-oin", "--mapping", &overrides],
        "okta/assign-user-put",
    );
    assert_eq!((code, status.as_str()), (0, "pass"));
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_overrides_files_exit_2_and_send_nothing() {
    let tb = testbed("").await;
    let url = tb.base_url();
    let cases = [
        (
            "a.toml",
            "remove = [\"userName\"]",
            "every IdP matches users on it",
        ),
        (
            "b.toml",
            "[add]\npassword = \"x\"",
            "never sends a password",
        ),
        ("c.toml", "remov = [\"roles\"]", "unknown field"),
        (
            "d.json",
            "{\"add\": {\"title\": \"${nobody}\"}}",
            "unknown placeholder ${nobody}",
        ),
        (
            "e.toml",
            "remove = [\"emails[type eq \\\"work\\\"]\"]",
            "value filters",
        ),
    ];
    for (name, text, says) in cases {
        let path = file(name, text);
        for args in [
            vec!["check", "--url", url.as_str(), "--mapping", path.as_str()],
            vec!["mapping", "--url", url.as_str(), "--mapping", path.as_str()],
        ] {
            let out = preflight(&args, &[TOKEN], None);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name}: {err}");
            assert!(err.contains(says) && err.contains(name), "{name}: {err}");
        }
    }
    let missing = scratch().join("absent.toml");
    let out = preflight(
        &[
            "check",
            "--url",
            &url,
            "--mapping",
            missing.to_str().unwrap(),
        ],
        &[TOKEN],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(tb.request_log().is_empty(), "nothing was sent");
    tb.shutdown().await;
}
