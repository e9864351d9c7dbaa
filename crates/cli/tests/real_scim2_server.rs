//! Against a real third-party SCIM server: `scim2-server` from PyPI, installed by
//! `tests/real-servers/install.sh` into `.venv-real` and started on 127.0.0.1 by
//! `tests/real-servers/start-scim2-server.sh`. Drives the real `preflight` binary.
//!
//! Skipped (with a message) when the venv is missing, unless PREFLIGHT_REQUIRE_REAL_SERVERS=1
//! — as in `scripts/test.sh` and CI — where a missing server is a failure.

use std::process::{Command, Output};

mod scim2_server;

use scim2_server::start;

fn preflight(url: &str, token: &str, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "check", "--url", url, "--idp", "generic", "--format", format,
        ])
        .env("PREFLIGHT_TOKEN", token)
        .env("NO_COLOR", "1")
        .output()
        .expect("preflight runs")
}

fn report(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn diagnoses(r: &serde_json::Value) -> Vec<String> {
    r["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect()
}

fn failures(r: &serde_json::Value) -> Vec<String> {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| {
            format!(
                "{} {} {}",
                c["id"], c["diagnosis"]["code"], c["finding"]["actual"]
            )
        })
        .collect()
}

/// One server, every scenario (its start-up dominates the test's time).
#[test]
fn preflight_against_scim2_server() {
    let canary = format!("preflight-canary-{}", std::process::id());
    let Some(server) = start(&canary) else { return };

    // The right token: nothing fails, exit 0.
    let ok = preflight(&server.base_url(), &canary, "json");
    let r = report(&ok);
    assert_eq!(
        failures(&r),
        Vec::<String>::new(),
        "checks failed against scim2-server"
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(r["summary"]["blocked"], 0);

    // The canary token appears in no output: JSON report, progress, human report.
    let human = preflight(&server.base_url(), &canary, "human");
    for (name, bytes) in [
        ("json stdout", &ok.stdout),
        ("json stderr", &ok.stderr),
        ("human stdout", &human.stdout),
        ("human stderr", &human.stderr),
    ] {
        assert!(
            !String::from_utf8_lossy(bytes).contains(&canary),
            "the token leaked into {name}"
        );
    }
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("Bearer ***"),
        "the redacted Authorization header is shown"
    );

    // A wrong token: named as rejected, exit 1.
    let wrong = preflight(&server.base_url(), "wrong-token-value", "json");
    let r = report(&wrong);
    assert!(
        diagnoses(&r).contains(&"auth/token-rejected".to_string()),
        "{:?}",
        diagnoses(&r)
    );
    assert_eq!(wrong.status.code(), Some(1));

    // The base URL without /v2: this server also answers at its root, but its own
    // meta.location names /v2 as the SCIM root — Preflight says so.
    let short = preflight(&server.root_url(), &canary, "json");
    let r = report(&short);
    assert!(
        diagnoses(&r).contains(&"url/missing-version-segment".to_string()),
        "{:?}",
        diagnoses(&r)
    );
}
