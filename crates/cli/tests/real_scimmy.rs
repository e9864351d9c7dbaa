//! Against a second real third-party SCIM server: SCIMMY (npm `scimmy` 1.3.5 with
//! `scimmy-routers` 1.3.2 on Express), installed by `tests/real-servers/install.sh` and started
//! on 127.0.0.1 by `scimmy_server` (`tests/real-servers/scimmy/server.mjs`). Drives the real
//! `preflight` binary read-only for every IdP and in write mode for every dialect.
//!
//! Every finding is asserted exactly, and each one is a real deviation of SCIMMY from
//! RFC 7643/7644 or from what an IdP needs (the comments say which); a new finding fails the
//! test, so a check tuned to `scim2-server`'s habits shows up here as a false failure.
//!
//! SCIMMY deviations seen (scimmy 1.3.5, scimmy-routers 1.3.2):
//! * A — the router runs the auth handler before every route, discovery included: 401 without
//!   a token on /ServiceProviderConfig, /ResourceTypes, /Schemas. RFC 7643 §5 says the
//!   authentication schemes SHOULD be readable unauthenticated → warn.
//! * B — its 401 carries a SCIM Error body but no `WWW-Authenticate` header, which RFC 7644 §2
//!   and RFC 6750 §3 require (MUST) → `auth/challenge-missing`.
//! * C — `Filter.match` compares string values with `===`, so `userName eq "ALICE"` misses
//!   `alice`, although `userName` is caseExact=false (RFC 7643 §4.1.1) and filters compare per
//!   caseExact (RFC 7644 §3.4.2.2). Attribute names are matched case-insensitively (correct).
//! * D — `POST` answers 201 with the resource but no `Location` header (RFC 7644 §3.3, SHALL).
//! * E — PATCH `replace` with `"active": "False"` (a string, as Entra sends without the
//!   `aadOptscim062020` flag) is refused with 400: correct per RFC 7643 §2.3.2, but it breaks
//!   Entra's default deactivation — a fail for `entra-default`, a warning for the dialects that
//!   never send it.
//! * F — every answer is `application/scim+json`, also when the client asks for
//!   `application/json`; allowed by RFC 7644 §3.8, but OneLogin's guide asks for
//!   `application/json` → a OneLogin-only warning.

use std::process::{Command, Output};

use serde_json::{Value, json};

mod scimmy_server;

use scimmy_server::{Server, start};

/// Run `preflight check` with the token in the environment only; `extra` adds flags.
fn preflight(
    url: &str,
    token: &str,
    format: &str,
    extra: &[&str],
    data: &std::path::Path,
) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--url", url, "--format", format])
        .args(extra)
        .env_remove("PREFLIGHT_CLIENT_SECRET")
        .env("PREFLIGHT_TOKEN", token)
        .env("PREFLIGHT_DATA_DIR", data)
        .env("NO_COLOR", "1")
        .output()
        .expect("preflight runs")
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `status:check=diagnosis` of every failing or warning check, sorted.
fn findings(r: &Value) -> Vec<String> {
    let mut out: Vec<String> = r["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "fail" || c["status"] == "warn")
        .map(|c| {
            format!(
                "{}:{}={}",
                c["status"].as_str().unwrap(),
                c["id"].as_str().unwrap(),
                c["diagnosis"]["code"].as_str().unwrap_or("")
            )
        })
        .collect();
    out.sort();
    out
}

fn diagnosis_of(r: &Value, id: &str) -> String {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["diagnosis"]["code"].as_str())
        .unwrap_or("")
        .to_string()
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// The canary token appears in none of the run's output.
fn assert_no_leak(out: &Output, canary: &str, what: &str) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !String::from_utf8_lossy(bytes).contains(canary),
            "{what}: the token leaked into {stream}"
        );
    }
}

/// The canary token is in no file Preflight left in its data directory (journal, state).
fn assert_no_leak_in_files(dir: &std::path::Path, canary: &str) {
    let mut pending = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(d) = pending.pop() {
        seen += 1;
        assert!(seen < 1000, "the data directory is unexpectedly deep");
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(canary),
                    "the token leaked into {}",
                    path.display()
                );
            }
        }
    }
}

/// A directory as an IdP finds it: users to search for and a group with a member.
fn seed(server: &Server) {
    let mut ids = Vec::new();
    for (user, given) in [
        ("ada.lovelace", "Ada"),
        ("grace.hopper", "Grace"),
        ("alan.turing", "Alan"),
    ] {
        let (status, body) = server.request(
            "POST",
            "/Users",
            Some(&json!({
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
                ],
                "userName": format!("{user}@example.invalid"),
                "externalId": format!("ext-{user}"),
                "name": {"givenName": given, "familyName": "Seed"},
                "emails": [{"value": format!("{user}@example.invalid"), "type": "work", "primary": true}],
                "active": true,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}
            })),
        );
        assert_eq!(status, 201, "seeding {user}: {body}");
        let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
            .as_str()
            .expect("SCIMMY returns the id")
            .to_string();
        ids.push(id);
    }
    let (status, body) = server.request(
        "POST",
        "/Groups",
        Some(&json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Seed Engineering",
            "members": [{"value": ids[0]}]
        })),
    );
    assert_eq!(status, 201, "seeding the group: {body}");
}

/// Read-only for every IdP, a wrong token and a base URL that stops short of `/scim/v2`.
#[test]
fn preflight_reads_scimmy_for_every_idp() {
    let canary = format!("preflight-scimmy-canary-{}", std::process::id());
    let Some(server) = start(&canary) else { return };
    seed(&server);
    let data = std::env::temp_dir().join(format!("preflight-scimmy-read-{}", std::process::id()));

    for idp in ["entra", "okta", "onelogin", "generic"] {
        let out = preflight(server.base_url(), &canary, "json", &["--idp", idp], &data);
        let r = report(&out);
        let got = findings(&r);
        eprintln!("read-only --idp {idp}: {got:?}");
        let mut expected = vec![
            // Plain HTTP on loopback: the usual warning.
            "warn:url/https=tls/plain-http",
            // A: discovery behind the token (RFC 7643 §5, SHOULD).
            "warn:scim/discovery-unauthenticated=auth/discovery-requires-auth",
            // B: 401 without WWW-Authenticate (RFC 7644 §2, RFC 6750 §3).
            "warn:auth/users-requires-credential=auth/challenge-missing",
            // C: `userName eq` is case-sensitive (RFC 7644 §3.4.2.2, RFC 7643 §4.1.1).
            "fail:scim/users-filter-eq=scim/filter-case-sensitive",
        ];
        if idp == "onelogin" {
            // F: scim+json although OneLogin's connection test asks for application/json.
            expected.push("warn:onelogin/test-connection=scim/content-type");
        }
        assert_eq!(got, sorted(&expected), "--idp {idp}: unexpected findings");
        // The case-sensitive filter is a fail: exit 1, nothing blocked.
        assert_eq!(out.status.code(), Some(1), "--idp {idp}");
        assert_eq!(r["summary"]["blocked"], 0, "--idp {idp}");
        assert_no_leak(&out, &canary, &format!("--idp {idp} json"));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Bearer ***"),
            "the redacted Authorization header is shown"
        );
        let human = preflight(server.base_url(), &canary, "human", &["--idp", idp], &data);
        assert_no_leak(&human, &canary, &format!("--idp {idp} human"));
    }

    // A wrong token: named as rejected, and — SCIMMY guards discovery with the token — the
    // unreadable discovery documents are blamed on the token too, not on the vendor's schemas.
    let wrong = preflight(
        server.base_url(),
        "wrong-token-value",
        "json",
        &["--idp", "entra"],
        &data,
    );
    let r = report(&wrong);
    assert_eq!(
        diagnosis_of(&r, "auth/users-accepts-token"),
        "auth/token-rejected"
    );
    assert_eq!(
        diagnosis_of(&r, "entra/test-connection"),
        "auth/token-rejected"
    );
    assert_eq!(
        diagnosis_of(&r, "scim/discovery-shape"),
        "auth/token-rejected"
    );
    let codes: Vec<&str> = r["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!codes.contains(&"scim/schema-mismatch"), "{codes:?}");
    assert_eq!(wrong.status.code(), Some(1));
    assert_no_leak(&wrong, &canary, "wrong token");

    // The server root and `/scim`: nothing SCIM answers there (Express's 404 page), one or two
    // segments deeper does — Preflight names the missing segment and the URL that works.
    for short in [server.root_url(), format!("{}/scim", server.root_url())] {
        let out = preflight(&short, &canary, "json", &["--idp", "generic"], &data);
        let r = report(&out);
        assert_eq!(
            diagnosis_of(&r, "scim/endpoint-reachable"),
            "url/missing-version-segment",
            "{short}"
        );
        let actual = r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "scim/endpoint-reachable")
            .and_then(|c| c["finding"]["actual"].as_str())
            .unwrap_or("")
            .to_string();
        assert!(actual.contains(server.base_url()), "{short}: {actual}");
        assert_eq!(out.status.code(), Some(1), "{short}");
        assert_no_leak(&out, &canary, &short);
    }
    assert_no_leak_in_files(&data, &canary);
    let _ = std::fs::remove_dir_all(&data);
}

/// `--write` for every dialect: each run creates, changes and deletes its own test objects.
#[test]
fn preflight_writes_to_scimmy_for_every_dialect() {
    let canary = format!("preflight-scimmy-write-canary-{}", std::process::id());
    let Some(server) = start(&canary) else { return };
    // Users and a group already in the directory, so the read-only checks have data to read.
    seed(&server);
    let before = (server.count("Users"), server.count("Groups"));
    assert_eq!(before, (Some(3), Some(1)));
    let data = std::env::temp_dir().join(format!("preflight-scimmy-write-{}", std::process::id()));
    let dialects = [
        "entra-default",
        "entra-aadoptscim062020",
        "okta-patch",
        "okta-oin",
        "onelogin",
        "generic-rfc7644",
    ];
    for dialect in dialects {
        let out = preflight(
            server.base_url(),
            &canary,
            "json",
            &["--write", "--dialect", dialect],
            &data,
        );
        let r = report(&out);
        let got = findings(&r);
        eprintln!("--write --dialect {dialect}: {got:?}");
        let mut expected = vec![
            "warn:url/https=tls/plain-http",
            // A, B, C as in the read-only run.
            "warn:scim/discovery-unauthenticated=auth/discovery-requires-auth",
            "warn:auth/users-requires-credential=auth/challenge-missing",
            "fail:scim/users-filter-eq=scim/filter-case-sensitive",
            // D: 201 without a Location header (RFC 7644 §3.3). Creating itself works, so the
            // later write checks still run (and pass).
            "fail:scim/users-create=scim/created-response",
        ];
        if dialect == "entra-default" {
            // E: Entra without the flag deactivates with "active": "False"; SCIMMY refuses it.
            expected.push("fail:scim/users-patch-boolean-string=scim/patch-boolean-string");
            expected.push("fail:entra/provision-on-demand=scim/patch-boolean-string");
        } else {
            // E, for a dialect that never sends the string: a warning only.
            expected.push("warn:scim/users-patch-boolean-string=scim/patch-boolean-string");
        }
        // Everything else passes: 409 on a duplicate userName, PUT, pathless and filtered
        // PATCH, Entra's capitalised ops and member removal, groups, 404 after delete.
        assert_eq!(
            got,
            sorted(&expected),
            "--dialect {dialect}: unexpected findings"
        );
        assert_eq!(r["summary"]["blocked"], 0, "--dialect {dialect}");
        assert_eq!(out.status.code(), Some(1), "--dialect {dialect}");
        assert_no_leak(&out, &canary, dialect);
        // Every test object was removed at the end of the run; the seeded ones are intact.
        assert_eq!(
            (server.count("Users"), server.count("Groups")),
            before,
            "--dialect {dialect} left objects behind or removed seeded ones"
        );
    }
    assert_no_leak_in_files(&data, &canary);
    let _ = std::fs::remove_dir_all(&data);
}
