//! The CLI's public contract (`shared/spec/cli.md`): exit codes, usage errors that send
//! nothing, JSON reports that validate against the shipped schema, and no secret in output.

mod common;

use std::process::Output;

use preflight_testbed::{Quirks, Testbed, TestbedConfig};

use common::preflight;

/// Arguments, environment, stdin, and a word the error line must contain.
type UsageCase<'a> = (
    Vec<&'a str>,
    Vec<(&'a str, &'a str)>,
    Option<&'a str>,
    &'a str,
);

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn testbed(quirks: &str) -> Testbed {
    let config = TestbedConfig {
        quirks: Quirks::parse(quirks).unwrap(),
        ..TestbedConfig::default()
    };
    Testbed::start(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_and_send_nothing() {
    let tb = testbed("").await;
    let url = tb.base_url();
    let cases: Vec<UsageCase> = vec![
        (
            vec!["check", "--url", "not a url"],
            vec![("PREFLIGHT_TOKEN", "t")],
            None,
            "--url",
        ),
        (
            vec!["check", "--url", "ftp://example.com/scim"],
            vec![("PREFLIGHT_TOKEN", "t")],
            None,
            "scheme",
        ),
        (vec!["check", "--url", &url], vec![], None, "no token"),
        (
            vec!["check", "--url", &url, "--token-stdin"],
            vec![],
            Some(""),
            "empty",
        ),
        (
            vec!["check", "--url", &url, "--idp", "pingfed"],
            vec![("PREFLIGHT_TOKEN", "t")],
            None,
            "--idp",
        ),
        (
            vec!["check", "--url", &url, "--ca-file", "/nonexistent/ca.pem"],
            vec![("PREFLIGHT_TOKEN", "t")],
            None,
            "--ca-file",
        ),
        (
            vec![
                "check",
                "--url",
                &url,
                "--token-url",
                "https://login.example/token",
                "--client-id",
                "c",
            ],
            vec![],
            None,
            "PREFLIGHT_CLIENT_SECRET",
        ),
        (
            vec!["check", "--url", &url, "--only", "scim/nope"],
            vec![("PREFLIGHT_TOKEN", "t")],
            None,
            "--only",
        ),
        (
            vec!["check", "--url", &url, "--bogus-flag"],
            vec![("PREFLIGHT_TOKEN", "t")],
            None,
            "--bogus-flag",
        ),
        (
            vec!["explain", "scim/no-such-thing"],
            vec![],
            None,
            "neither",
        ),
    ];
    tb.clear_request_log();
    for (args, env, stdin, needle) in cases {
        let out = preflight(&args, &env, stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(needle),
            "{args:?}: stderr should mention {needle}: {}",
            stderr(&out)
        );
    }
    assert!(
        tb.request_log().is_empty(),
        "a usage error sent requests: {:?}",
        tb.request_log().len()
    );
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn json_reports_validate_against_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../schemas/report-v1.schema.json"))
            .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for quirks in ["", "filter-ignored,json-content-type", "html-login-page"] {
        let tb = testbed(quirks).await;
        let out = preflight(
            &["check", "--url", &tb.base_url(), "--format", "json"],
            &[("PREFLIGHT_TOKEN", "demo-token")],
            None,
        );
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("only JSON on stdout");
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "quirks '{quirks}': {errors:?}");
        let expected_exit = if report["summary"]["failed"].as_u64().unwrap() > 0 {
            1
        } else {
            0
        };
        assert_eq!(out.status.code(), Some(expected_exit), "quirks '{quirks}'");
        tb.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn token_from_stdin_never_appears_in_any_output() {
    let canary = "canary-Xq9-secret-7731";
    let config = TestbedConfig {
        tokens: vec![preflight_testbed::StaticToken::read_write(canary)],
        ..TestbedConfig::default()
    };
    let tb = Testbed::start(config).await.unwrap();
    let dir = std::env::temp_dir().join(format!("preflight-canary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_file = dir.join("report.json");
    for format in ["human", "json"] {
        let out = preflight(
            &[
                "check",
                "--url",
                &tb.base_url(),
                "--token-stdin",
                "--format",
                format,
                "--out",
                out_file.to_str().unwrap(),
            ],
            &[],
            Some(&format!("{canary}\n")),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let written = std::fs::read_to_string(&out_file).unwrap();
        for (name, text) in [
            ("stdout", String::from_utf8_lossy(&out.stdout).into_owned()),
            ("stderr", stderr(&out)),
            ("--out file", written),
        ] {
            assert!(
                !text.contains(canary),
                "{format}: the token leaked into {name}"
            );
        }
    }
    // The server did receive it: the run really used the token.
    assert!(tb.request_log().iter().any(|r| {
        r.headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("authorization") && v.contains(canary))
    }));
    let _ = std::fs::remove_dir_all(&dir);
    tb.shutdown().await;
}

#[test]
fn checks_and_explain_list_the_catalogue() {
    let out = preflight(&["checks"], &[], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("entra/test-connection") && text.contains("scim/users-filter-eq"));
    let out = preflight(&["explain", "auth/token-rejected"], &[], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Fix"));
    let out = preflight(&["explain", "scim/users-paging"], &[], None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Why it matters"));
}
