//! Write mode against a real third-party server: `scim2-server` (PyPI), installed by
//! `tests/real-servers/install.sh` into `.venv-real`. Every dialect runs end to end with the
//! real `preflight` binary. Skipped when the venv is missing, unless
//! PREFLIGHT_REQUIRE_REAL_SERVERS=1, where a missing server is a failure.
//!
//! The assertions are about diagnoses, not "all pass": scim2-server deviates from what some
//! IdPs send (tests/real-servers/SCIM2_SERVER_NOTES.md, "Where it departs"), and those are
//! exactly the findings an admin needs.

mod real_server_support;
mod scim2_server;

use real_server_support::{
    DIALECTS, assert_no_leak, assert_no_leak_in_files, check, count, findings, report, url_port,
};
use scim2_server::start;

#[test]
fn every_dialect_against_scim2_server() {
    let canary = format!("preflight-write-canary-{}", std::process::id());
    let Some(server) = start(&canary) else { return };
    let data = std::env::temp_dir().join(format!("preflight-real-write-{}", std::process::id()));
    let port = url_port(&server.base_url()).expect("a 127.0.0.1 URL");
    for dialect in DIALECTS {
        let out = check(
            &server.base_url(),
            &canary,
            "json",
            &["--write", "--dialect", dialect],
            &data,
        );
        let got = findings(&report(&out));
        let has = |s: &str| got.iter().any(|g| g == s);
        // Deviation 7 (NOTES): `/ResourceTypes` and `/Schemas` demand a token — a read-only
        // warning, the same for every dialect.
        assert!(
            has("warn:scim/discovery-unauthenticated=auth/discovery-requires-auth"),
            "{dialect}: {got:?}"
        );
        // Deviation 7: Entra's default member removal (`path: members` + value array) is
        // refused with 400 invalidValue. A real finding for Entra without the flag (fail);
        // a warning for dialects that never send that shape.
        let members = if dialect == "entra-default" {
            "fail"
        } else {
            "warn"
        };
        assert!(
            has(&format!("{members}:scim/groups-members=scim/patch-members")),
            "{dialect}: {got:?}"
        );
        // Plain HTTP on loopback: the usual warning.
        assert!(has("warn:url/https=tls/plain-http"), "{dialect}: {got:?}");
        let mut expected = 3;
        if dialect.starts_with("entra") {
            // scim2-server refuses Entra's group extension URN
            // (`http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`) in
            // `schemas` with 400 "Unknown extension schemas": Entra's group create fails
            // before membership is even tried. The user flows pass.
            let group_flow = if dialect == "entra-default" {
                "entra/provision-group"
            } else {
                "entra/aadoptscim062020-group-cycle"
            };
            assert!(
                has(&format!(
                    "fail:{group_flow}=scim/unknown-attribute-rejected"
                )),
                "{dialect}: {got:?}"
            );
            expected += 1;
        }
        // Everything else passes: lenient op case and "False" strings (deviation 6), pathless
        // PATCH, PUT, 409 uniqueness, 404 after delete.
        assert_eq!(
            got.len(),
            expected,
            "{dialect}: unexpected findings {got:?}"
        );
        // Warnings alone exit 0; the Entra group-create failure exits 1.
        assert_eq!(
            out.status.code(),
            Some(if dialect.starts_with("entra") { 1 } else { 0 }),
            "{dialect}"
        );
        assert_no_leak(&out, &canary, dialect);
        // Every test object was removed at the end of the run.
        assert_eq!(
            (
                count(port, &canary, "/v2/Users"),
                count(port, &canary, "/v2/Groups")
            ),
            (Some(0), Some(0)),
            "{dialect} left objects behind"
        );
    }
    assert_no_leak_in_files(&data, &canary);
    let _ = std::fs::remove_dir_all(&data);
}
