//! Pieces every real third-party SCIM server test needs: run `preflight check` with the token
//! in the environment only, read its JSON report, list its findings, prove the token leaked
//! nowhere, and talk to the server directly (seeding, counting) without going through Preflight.

#![allow(dead_code)]

pub mod launcher;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

/// The limit on each direct request a test makes (seeding, counting).
const REQUEST_LIMIT: Duration = Duration::from_secs(10);

/// Every write dialect, in the order the real-server tests run them.
pub const DIALECTS: [&str; 6] = [
    "entra-default",
    "entra-aadoptscim062020",
    "okta-patch",
    "okta-oin",
    "onelogin",
    "generic-rfc7644",
];

/// Run `preflight check --url URL --format FORMAT EXTRA…` with the token in PREFLIGHT_TOKEN
/// only (never on the command line) and its journal and state under `data`.
pub fn check(url: &str, token: &str, format: &str, extra: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--url", url, "--format", format])
        .args(extra)
        .env_remove("PREFLIGHT_CLIENT_SECRET")
        .env("PREFLIGHT_TOKEN", token)
        .env("PREFLIGHT_DATA_DIR", data)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("preflight runs")
}

/// The JSON report on stdout; a panic that shows both streams when it is not JSON.
pub fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `status:check=diagnosis` of every failing or warning check, sorted.
pub fn findings(r: &Value) -> Vec<String> {
    let mut out: Vec<String> = r["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "fail" || c["status"] == "warn")
        .map(|c| {
            format!(
                "{}:{}={}",
                c["status"].as_str().unwrap_or(""),
                c["id"].as_str().unwrap_or(""),
                c["diagnosis"]["code"].as_str().unwrap_or("")
            )
        })
        .collect();
    out.sort();
    out
}

/// The check with this id (a panic names it when the report lacks it).
pub fn check_named<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("the report has no check {id}"))
}

/// The diagnosis code of one check, "" when it has none.
pub fn diagnosis_of(r: &Value, id: &str) -> String {
    check_named(r, id)["diagnosis"]["code"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The report's diagnosis codes.
pub fn diagnoses(r: &Value) -> Vec<&str> {
    r["diagnoses"]
        .as_array()
        .expect("diagnoses")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

pub fn sorted(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// The canary token appears in neither output stream.
pub fn assert_no_leak(out: &Output, canary: &str, what: &str) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !String::from_utf8_lossy(bytes).contains(canary),
            "{what}: the token leaked into {stream}"
        );
    }
}

/// One read-only `--idp IDP` run, JSON and human: exactly `expected` fail or warn, exit 1,
/// nothing blocked, the Authorization header shown only redacted, the token in neither
/// format's output. Returns the JSON report for the caller's own assertions.
pub fn assert_read_only_run(
    url: &str,
    canary: &str,
    idp: &str,
    expected: &[&str],
    data: &Path,
) -> Value {
    let out = check(url, canary, "json", &["--idp", idp], data);
    let r = report(&out);
    let got = findings(&r);
    eprintln!("read-only --idp {idp}: {got:?}");
    assert_eq!(got, sorted(expected), "--idp {idp}: unexpected findings");
    assert_eq!(out.status.code(), Some(1), "--idp {idp}");
    assert_eq!(r["summary"]["blocked"], 0, "--idp {idp}");
    assert_no_leak(&out, canary, &format!("--idp {idp} json"));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Bearer ***"),
        "the redacted Authorization header is shown"
    );
    let human = check(url, canary, "human", &["--idp", idp], data);
    assert_no_leak(&human, canary, &format!("--idp {idp} human"));
    r
}

/// One `--write --dialect DIALECT` run: exactly `expected` fail or warn, nothing blocked,
/// exit 1, the token in no output. Returns the JSON report for the caller's own assertions.
pub fn assert_write_run(
    url: &str,
    canary: &str,
    dialect: &str,
    expected: &[&str],
    data: &Path,
) -> Value {
    let out = check(
        url,
        canary,
        "json",
        &["--write", "--dialect", dialect],
        data,
    );
    let r = report(&out);
    let got = findings(&r);
    eprintln!("--write --dialect {dialect}: {got:?}");
    assert_eq!(
        got,
        sorted(expected),
        "--dialect {dialect}: unexpected findings"
    );
    assert_eq!(r["summary"]["blocked"], 0, "--dialect {dialect}");
    assert_eq!(out.status.code(), Some(1), "--dialect {dialect}");
    assert_no_leak(&out, canary, dialect);
    r
}

/// A wrong token: the token checks and the discovery documents behind it all name the token
/// as rejected (not the vendor's schemas), exit 1, and the real token leaks nowhere. Returns
/// the JSON report for the caller's own assertions.
pub fn assert_wrong_token_named(url: &str, canary: &str, data: &Path) -> Value {
    let wrong = check(url, "wrong-token-value", "json", &["--idp", "entra"], data);
    let r = report(&wrong);
    for id in [
        "auth/users-accepts-token",
        "entra/test-connection",
        "scim/discovery-shape",
    ] {
        assert_eq!(diagnosis_of(&r, id), "auth/token-rejected", "{id}");
    }
    let codes = diagnoses(&r);
    assert!(!codes.contains(&"scim/schema-mismatch"), "{codes:?}");
    assert_eq!(wrong.status.code(), Some(1));
    assert_no_leak(&wrong, canary, "wrong token");
    r
}

/// The server root and `/scim` (nothing SCIM there): Preflight names the missing segment
/// and, in the finding, the base URL that works.
pub fn assert_short_urls_name_the_base(root: &str, base: &str, canary: &str, data: &Path) {
    for short in [root.to_string(), format!("{root}/scim")] {
        let out = check(&short, canary, "json", &["--idp", "generic"], data);
        let r = report(&out);
        assert_eq!(
            diagnosis_of(&r, "scim/endpoint-reachable"),
            "url/missing-version-segment",
            "{short}"
        );
        let actual = check_named(&r, "scim/endpoint-reachable")["finding"]["actual"]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(actual.contains(base), "{short}: {actual}");
        assert_eq!(out.status.code(), Some(1), "{short}");
        assert_no_leak(&out, canary, &short);
    }
}

/// The canary token is in no file Preflight left in its data directory (journal, state).
pub fn assert_no_leak_in_files(dir: &Path, canary: &str) {
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

/// One HTTP/1.1 request to 127.0.0.1:`port` with the bearer token, straight to the server (not
/// through Preflight). `path` is the full path (`/scim/v2/Users`). Returns status and body.
pub fn request(
    port: u16,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, String) {
    let payload = body.map(Value::to_string).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    stream.set_read_timeout(Some(REQUEST_LIMIT)).unwrap();
    stream.set_write_timeout(Some(REQUEST_LIMIT)).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\
         Accept: application/scim+json\r\nContent-Type: application/scim+json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(payload.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// `totalResults` of the list at `path` (e.g. `/scim/v2/Users?count=0`), asked straight of
/// the server; `None` when the answer was not a list.
pub fn count(port: u16, token: &str, path: &str) -> Option<u64> {
    let (_, body) = request(port, token, "GET", path, None);
    serde_json::from_str::<Value>(&body)
        .ok()?
        .get("totalResults")?
        .as_u64()
}

/// Seed the three users every real-server test starts from (as an IdP finds a directory:
/// names to search for, an externalId, a work email), with the enterprise extension's
/// department when the server takes it; their ids, in order.
pub fn seed_users(server: &launcher::Server, enterprise: bool) -> Vec<String> {
    const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let users = [
        ("ada.lovelace", "Ada"),
        ("grace.hopper", "Grace"),
        ("alan.turing", "Alan"),
    ];
    users
        .into_iter()
        .map(|(user, given)| {
            let mut body = serde_json::json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": format!("{user}@example.invalid"),
                "externalId": format!("ext-{user}"),
                "name": {"givenName": given, "familyName": "Seed"},
                "emails": [{"value": format!("{user}@example.invalid"), "type": "work", "primary": true}],
                "active": true
            });
            if enterprise {
                body["schemas"].as_array_mut().unwrap().push(ENTERPRISE.into());
                body[ENTERPRISE] = serde_json::json!({"department": "R&D"});
            }
            server.create("/Users", &body)
        })
        .collect()
}

/// The port of a `http://127.0.0.1:PORT/…` URL.
pub fn url_port(url: &str) -> Option<u16> {
    url.strip_prefix("http://127.0.0.1:")?
        .split('/')
        .next()?
        .parse()
        .ok()
}
