//! Against a real third-party SCIM server: `scim2-server` from PyPI, installed by
//! `tests/real-servers/install.sh` into `.venv-real` and started on 127.0.0.1 by
//! `tests/real-servers/start-scim2-server.sh`. Drives the real `preflight` binary.
//!
//! Skipped (with a message) when the venv is missing, unless PREFLIGHT_REQUIRE_REAL_SERVERS=1
//! — as in `scripts/test.sh` and CI — where a missing server is a failure.

mod real_server_support;
mod scim2_server;

use real_server_support::{assert_no_leak, assert_no_leak_in_files, check, diagnoses, report};
use scim2_server::start;

/// `id code actual` of every failing check, for an assertion message that shows why.
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
    let data = std::env::temp_dir().join(format!("preflight-real-read-{}", std::process::id()));
    let generic = ["--idp", "generic"];

    // The right token: nothing fails, exit 0.
    let ok = check(&server.base_url(), &canary, "json", &generic, &data);
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
    let human = check(&server.base_url(), &canary, "human", &generic, &data);
    assert_no_leak(&ok, &canary, "json");
    assert_no_leak(&human, &canary, "human");
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("Bearer ***"),
        "the redacted Authorization header is shown"
    );

    // A wrong token: named as rejected, exit 1.
    let wrong = check(
        &server.base_url(),
        "wrong-token-value",
        "json",
        &generic,
        &data,
    );
    let r = report(&wrong);
    assert!(
        diagnoses(&r).contains(&"auth/token-rejected"),
        "{:?}",
        diagnoses(&r)
    );
    assert_eq!(wrong.status.code(), Some(1));

    // The base URL without /v2: this server also answers at its root, but its own
    // meta.location names /v2 as the SCIM root — Preflight says so.
    let short = check(&server.root_url(), &canary, "json", &generic, &data);
    let r = report(&short);
    assert!(
        diagnoses(&r).contains(&"url/missing-version-segment"),
        "{:?}",
        diagnoses(&r)
    );
    assert_no_leak_in_files(&data, &canary);
    let _ = std::fs::remove_dir_all(&data);
}
