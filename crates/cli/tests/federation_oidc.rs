//! `preflight oidc` against a REAL OpenID Provider: panva's `oidc-provider` from npm, installed
//! by `tests/real-servers/install.sh` (`npm ci` in tests/real-servers/oidc-provider) and started
//! here on 127.0.0.1 with a client-credentials client and a resource indicator, so it issues
//! RS256 JWT access tokens with `aud` = `urn:preflight:api`.
//!
//! Skipped when the provider is not installed, unless PREFLIGHT_REQUIRE_REAL_SERVERS is set —
//! then a missing provider is a failure.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

const SECRET: &str = "preflight-oidc-test-secret-7f3a";
const AUDIENCE: &str = "urn:preflight:api";

struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Option<Provider> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/real-servers/oidc-provider");
    let installed = dir.join("node_modules/oidc-provider/package.json").exists();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed || !node {
        assert!(
            std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
            "the OIDC provider is not installed (node: {node}, node_modules: {installed}); run tests/real-servers/install.sh"
        );
        eprintln!("skipping: oidc-provider not installed (run tests/real-servers/install.sh)");
        return None;
    }
    let mut child = Command::new("node")
        .arg("server.js")
        .current_dir(&dir)
        .env("PORT", "0")
        .env("CLIENT_SECRET", SECRET)
        .env("AUDIENCE", AUDIENCE)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(issuer) = line.strip_prefix("READY ") {
                let _ = tx.send(issuer.to_string());
            }
        }
    });
    let issuer = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the OIDC provider printed READY within 20 s");
    Some(Provider { child, issuer })
}

/// Run `preflight oidc` with JSON output; returns the exit code, the report and the raw text.
fn oidc(args: &[&str], secret: &str) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .arg("oidc")
        .args(args)
        .args(["--format", "json"])
        .env("PREFLIGHT_CLIENT_SECRET", secret)
        .env("NO_COLOR", "1")
        .output()
        .expect("preflight runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "JSON report ({e}): {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report, text)
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing from {report}"))
}

fn diagnosis_of(report: &Value, id: &str) -> Option<String> {
    check(report, id)["diagnosis"]["code"]
        .as_str()
        .map(str::to_string)
}

#[test]
fn federation_checks_against_a_real_oidc_provider() {
    let Some(p) = start() else { return };
    let issuer = p.issuer.as_str();
    let good = [
        "--issuer",
        issuer,
        "--client-id",
        "preflight-test",
        "--scope",
        "api:read",
        "--audience",
        AUDIENCE,
        "--redirect-uri",
        "https://app.example/callback",
        "--registered-redirect-uri",
        "https://app.example/callback",
    ];

    // Good configuration: every check passes; the token's signature really was verified.
    let started = Instant::now();
    let (code, report, text) = oidc(&good, SECRET);
    eprintln!(
        "benchmark: full federation set against the local provider took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["failed"], 0, "{report:#}");
    for c in report["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "pass", "{c:#}");
    }
    assert!(
        check(&report, "oidc/access-token-valid")["note"]
            .as_str()
            .unwrap_or("")
            .contains("signature verified (RS256)"),
        "{report:#}"
    );
    assert!(
        !text.contains(SECRET),
        "the client secret leaked into the report"
    );
    let token_body = report["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["request"]["method"] == "POST")
        .unwrap()["response"]["body"]
        .to_string();
    assert!(
        !token_body.contains("eyJhbGciOi"),
        "the access token leaked into the report: {token_body}"
    );

    // A trailing slash is enough for an issuer mismatch.
    let with_slash = format!("{issuer}/");
    let mut args = good.to_vec();
    args[1] = &with_slash;
    let (code, report, _) = oidc(&args, SECRET);
    assert_eq!(code, 1);
    assert_eq!(
        diagnosis_of(&report, "oidc/issuer-exact-match").as_deref(),
        Some("oidc/issuer-mismatch"),
        "{report:#}"
    );

    // Wrong secret: the grant fails with invalid_client and the token check is blocked.
    let (code, report, text) = oidc(&good, "not-the-secret");
    assert_eq!(code, 1);
    assert_eq!(
        diagnosis_of(&report, "auth/client-credentials-grant").as_deref(),
        Some("auth/client-credentials-failed"),
        "{report:#}"
    );
    assert!(
        check(&report, "auth/client-credentials-grant")["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("invalid_client")
    );
    assert_eq!(
        check(&report, "oidc/access-token-valid")["status"],
        "blocked"
    );
    assert!(!text.contains("not-the-secret"));

    // Wrong audience: the token verifies but is not for this API.
    let mut args = good.to_vec();
    args[7] = "api://some-other-api";
    let (code, report, _) = oidc(&args, SECRET);
    assert_eq!(code, 1);
    assert_eq!(
        diagnosis_of(&report, "oidc/access-token-valid").as_deref(),
        Some("oidc/token-claims"),
        "{report:#}"
    );

    // Wrong redirect URI: names the differing part.
    let mut args = good.to_vec();
    args[9] = "https://app.example/Callback";
    let (code, report, _) = oidc(&args, SECRET);
    assert_eq!(code, 1);
    assert_eq!(
        diagnosis_of(&report, "sso/redirect-uri-exact-match").as_deref(),
        Some("sso/redirect-uri-mismatch")
    );
    assert!(
        check(&report, "sso/redirect-uri-exact-match")["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("case")
    );

    // Nothing at the issuer: discovery is unreachable, the rest is blocked or skipped.
    let (code, report, _) = oidc(&["--issuer", &format!("{issuer}/nowhere")], SECRET);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        diagnosis_of(&report, "oidc/discovery-valid").as_deref(),
        Some("oidc/discovery-unreachable")
    );
    assert_eq!(check(&report, "oidc/jwks-valid")["status"], "blocked");
}

#[test]
fn oidc_usage_errors_exit_2_without_sending() {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "oidc",
            "--issuer",
            "http://127.0.0.1:9/",
            "--client-id",
            "x",
        ])
        .env_remove("PREFLIGHT_CLIENT_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PREFLIGHT_CLIENT_SECRET"));
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["oidc", "--issuer", "not a url"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_knows_idp_errors() {
    let run = |arg: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(["explain", arg])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, text) = run("AADSTS50105");
    assert_eq!(code, Some(0));
    assert!(
        text.contains("sso/user-not-assigned") && text.contains("Users and groups"),
        "{text}"
    );
    let (_, text) = run(
        "https://app.example/cb?error=invalid_client&error_description=AADSTS7000222%3A+The+provided+client+secret+keys+are+expired.",
    );
    assert!(
        text.contains("AADSTS7000222") && text.contains("auth/client-credentials-failed"),
        "{text}"
    );
    let (_, text) = run("403 App Not Assigned");
    assert!(
        text.contains("Okta") && text.contains("sso/user-not-assigned"),
        "{text}"
    );
    let (_, text) = run("redirect_uri did not match any client's registered redirect_uris");
    assert!(
        text.contains("OneLogin") && text.contains("sso/redirect-uri-mismatch"),
        "{text}"
    );
    let (code, _) = run("AADSTS1234567");
    assert_eq!(code, Some(2));
}
