//! `shared/spec/cli.md`, section by section, against the real `preflight` binary and the
//! testbed. `cli_contract.rs` already covers `check`'s usage errors, its schema-valid JSON and
//! the stdin-token canary; this file covers what it does not: the commands and flags of the
//! synopsis, each exit code reached the way the spec describes it, the same report shape for
//! `oidc`/`saml`/`trace`/`scan`/`demo`, the token order (stdin, environment, profile), the
//! report's own invariants (`diagnoses`, `summary`, evidence ids, redaction), stdout/stderr
//! discipline, write mode's dialects and journal, and Ctrl-C.
//!
//! Every child process runs under a deadline and is killed past it (hence this file's own
//! runner rather than `common::preflight`, which waits without a limit).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::TempDir;
use preflight_testbed::{Quirks, Testbed, TestbedConfig};
use serde_json::Value;

/// No single run of the binary in this file may take longer.
const RUN_DEADLINE: Duration = Duration::from_secs(90);
/// A port nothing listens on (TCP port 1, tcpmux, is never served on a test machine).
const CLOSED: &str = "http://127.0.0.1:1";

/// What one run of the binary left behind.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The whole of stdout as one JSON document (the spec: `--format json` prints only JSON).
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Read a child's pipe to the end on its own thread, so a full pipe never stalls the child.
fn drain(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_preflight"));
    cmd.args(args)
        .env_remove("PREFLIGHT_TOKEN")
        .env_remove("PREFLIGHT_CLIENT_SECRET")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Wait for `child` up to [`RUN_DEADLINE`]; past it the child is killed and the test fails.
fn finish(mut child: Child, what: &str) -> Run {
    let out = drain(child.stdout.take().expect("stdout piped"));
    let err = drain(child.stderr.take().expect("stderr piped"));
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code();
        }
        if started.elapsed() > RUN_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {RUN_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code,
        stdout: out
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_default(),
        stderr: err
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_default(),
    }
}

/// Run `preflight args…` with `env`, `stdin` piped in when given (else no stdin at all).
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    let mut cmd = command(args, env);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("preflight starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin piped");
        pipe.write_all(input.as_bytes()).expect("stdin written");
    }
    finish(child, &args.join(" "))
}

const TOKEN_ENV: [(&str, &str); 1] = [("PREFLIGHT_TOKEN", "demo-token")];

async fn testbed(quirks: &str) -> Testbed {
    let config = TestbedConfig {
        quirks: Quirks::parse(quirks).expect("known quirks"),
        ..TestbedConfig::default()
    };
    Testbed::start(config).await.expect("testbed starts")
}

/// A fresh directory under the system temp dir, removed on drop.
/// The report checks the spec states in prose, on top of the shipped JSON Schema:
/// `diagnoses` is the sorted, de-duplicated list of the checks' codes; `summary` counts the
/// statuses; every evidence id names an exchange of the run; no credential is shown.
fn assert_report(report: &Value, what: &str) {
    let schema: Value =
        serde_json::from_str(include_str!("../../../schemas/report-v1.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: schema errors {errors:?}");

    let checks = report["checks"].as_array().unwrap();
    let mut codes: Vec<&str> = checks
        .iter()
        .filter_map(|c| c["diagnosis"]["code"].as_str())
        .collect();
    codes.sort();
    codes.dedup();
    let listed: Vec<&str> = report["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(listed, codes, "{what}: `diagnoses`");

    for (key, status) in [
        ("passed", "pass"),
        ("failed", "fail"),
        ("warned", "warn"),
        ("skipped", "skip"),
        ("blocked", "blocked"),
    ] {
        let counted = checks.iter().filter(|c| c["status"] == status).count();
        assert_eq!(
            report["summary"][key].as_u64(),
            Some(counted as u64),
            "{what}: summary.{key}"
        );
    }

    let exchange_ids: Vec<&str> = report["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    for check in checks {
        let evidence = check["finding"]["evidence"]
            .as_array()
            .into_iter()
            .chain(check["evidence"].as_array())
            .flatten();
        for id in evidence {
            assert!(
                exchange_ids.contains(&id.as_str().unwrap()),
                "{what}: {} cites {id}, which is not in `exchanges`",
                check["id"]
            );
        }
    }
    for x in report["exchanges"].as_array().unwrap() {
        if let Some(auth) = x["request"]["headers"]["authorization"].as_str() {
            assert!(
                auth.ends_with("***"),
                "{what}: an authorization header is shown: {auth}"
            );
        }
    }
    let text = report.to_string();
    assert!(
        !text.contains("demo-token") && !text.contains("demo-secret"),
        "{what}: a secret is in the report"
    );
}

/// `--format json`: exit code, one schema-valid report on stdout and nothing else there,
/// and the progress (plain lines, not a TTY) on stderr only.
fn json_run(args: &[&str], env: &[(&str, &str)], want: i32) -> Value {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let out = run(&all, env, None);
    assert_eq!(
        out.code,
        Some(want),
        "{all:?}: exit code\nstderr:\n{}",
        out.stderr
    );
    let report = out.json();
    assert_report(&report, &all.join(" "));
    assert!(
        !out.stderr.contains("\"schema_version\""),
        "{all:?}: the report leaked onto stderr"
    );
    report
}

fn status_of<'a>(report: &'a Value, id: &str) -> &'a str {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["status"].as_str())
        .unwrap_or_else(|| panic!("no check {id} in the report"))
}

fn fixture_har(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/trace/recorded")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// "Commands (at least)": every command and flag of the synopsis exists under that name.
#[test]
fn every_command_and_flag_of_the_synopsis_exists() {
    let synopsis: [(&[&str], &[&str]); 14] = [
        (
            &["check"],
            &[
                "--url",
                "--idp",
                "--dialect",
                "--vendor",
                "--write",
                "--format",
                "--out",
                "--har",
                "--profile",
                "--token-stdin",
                "--token-url",
                "--client-id",
                "--scope",
                "--ca-file",
                "--timeout",
            ],
        ),
        (&["explain"], &[]),
        (&["checks"], &[]),
        (&["profile", "add"], &[]),
        (&["profile", "list"], &[]),
        (&["profile", "show"], &[]),
        (&["profile", "remove"], &[]),
        (&["demo"], &[]),
        (
            &["oidc"],
            &[
                "--issuer",
                "--client-id",
                "--scope",
                "--audience",
                "--redirect-uri",
                "--registered-redirect-uri",
                "--format",
                "--profile",
            ],
        ),
        (
            &["saml"],
            &[
                "--metadata",
                "--sp-entity-id",
                "--acs-url",
                "--sp-cert-thumbprint",
                "--response-file",
                "--format",
            ],
        ),
        (
            &["trace"],
            &[
                "--har",
                "--profile",
                "--redirect-uri",
                "--sp-entity-id",
                "--acs-url",
                "--metadata",
                "--redact-out",
                "--format",
            ],
        ),
        (&["scan"], &["--url", "--format"]),
        (&["cleanup"], &["--url"]),
        (&["bundle"], &["--out", "--from"]),
    ];
    for (command, flags) in synopsis {
        let mut args = command.to_vec();
        args.push("--help");
        let out = run(&args, &[], None);
        assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
        for flag in flags {
            assert!(
                out.stdout.contains(&format!("{flag} "))
                    || out.stdout.contains(&format!("{flag}\n")),
                "`preflight {}` has no {flag}:\n{}",
                command.join(" "),
                out.stdout
            );
        }
    }
    // Every --format of the synopsis is accepted by each reporting command.
    let help = run(&["check", "--help"], &[], None).stdout;
    for format in ["human", "json", "junit", "markdown", "html"] {
        assert!(help.contains(format), "check --format lacks {format}");
    }
    // "Credentials never on the command line": there is no flag that takes a secret.
    for (command, target_flag) in [("check", "--url"), ("scan", "--url"), ("oidc", "--issuer")] {
        for flag in ["--token", "--client-secret", "--password", "--secret"] {
            let out = run(&[command, target_flag, CLOSED, flag, "x"], &[], None);
            assert_eq!(out.code, Some(2), "{command} {flag} was accepted");
            assert!(
                out.stderr
                    .contains(&format!("unexpected argument '{flag}'")),
                "{command} {flag}: {}",
                out.stderr
            );
        }
    }
}

/// "Exit codes" for `check`: 0 with warnings allowed, 1 for a failed check, 3 for a target
/// that cannot be reached — each with a schema-valid report on stdout and progress on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_exit_codes_0_1_3_with_json_only_on_stdout() {
    let tb = testbed("").await;
    let url = tb.base_url();
    let ok = json_run(&["check", "--url", &url], &TOKEN_ENV, 0);
    // Plain http to the testbed warns (tls/plain-http) and warnings still exit 0.
    assert!(ok["summary"]["warned"].as_u64().unwrap() >= 1, "{ok}");
    assert_eq!(ok["summary"]["failed"], 0);

    // Progress: plain `[i/n] status id` lines on stderr when it is not a terminal.
    let out = run(
        &["check", "--url", &url, "--format", "json"],
        &TOKEN_ENV,
        None,
    );
    let total = out.json()["checks"].as_array().unwrap().len();
    let progress: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(
        progress.len(),
        total,
        "one progress line per check:\n{}",
        out.stderr
    );
    assert!(
        progress[0].starts_with(&format!("[1/{total}]")),
        "{}",
        progress[0]
    );
    assert!(
        !out.stderr.contains('\r'),
        "no terminal rewrites when stderr is not a TTY"
    );

    tb.set_quirks(Quirks::parse("filter-ignored").unwrap());
    let failed = json_run(&["check", "--url", &url], &TOKEN_ENV, 1);
    assert!(
        failed["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["status"] == "fail" && c["diagnosis"]["code"] == "scim/filter-ignored"),
        "{failed}"
    );

    let unreachable = json_run(
        &["check", "--url", &format!("{CLOSED}/scim/v2")],
        &TOKEN_ENV,
        3,
    );
    assert!(
        unreachable["diagnoses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().starts_with("net/")),
        "{unreachable}"
    );
    tb.shutdown().await;
}

/// "the report goes to stdout or `--out`": with `--out`, stdout carries nothing and the file
/// holds exactly what stdout would have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_file_takes_the_report_and_stdout_stays_empty() {
    let tb = testbed("").await;
    let dir = TempDir::new("spec-out");
    let file = dir.path().join("report.json");
    let file_arg = file.to_string_lossy().into_owned();
    let out = run(
        &[
            "check",
            "--url",
            &tb.base_url(),
            "--format",
            "json",
            "--out",
            &file_arg,
        ],
        &TOKEN_ENV,
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "", "stdout must stay empty with --out");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_report(&report, "--out report.json");
    tb.shutdown().await;
}

/// "`oidc`, `saml`, `trace` and `scan` print the same JSON report shape as `check` … and use
/// the same exit codes" — and `demo`, which runs `check`'s plan against the built-in testbed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reporting_command_has_the_report_shape_and_exit_codes() {
    let tb = testbed("").await;
    let url = tb.base_url();
    let dir = TempDir::new("spec-shape");

    // oidc: the testbed has no discovery document (a finding, 1); a closed port is 3.
    let r = json_run(&["oidc", "--issuer", &tb.origin()], &[], 1);
    assert_eq!(status_of(&r, "oidc/discovery-valid"), "fail");
    json_run(&["oidc", "--issuer", CLOSED], &[], 3);

    // saml: metadata with no signing certificate is a finding (1); a metadata URL that
    // refuses connections is an unreachable target (3), like `check`'s.
    let metadata = dir.path().join("idp-metadata.xml");
    std::fs::write(
        &metadata,
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example/x"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#,
    )
    .unwrap();
    let r = json_run(&["saml", "--metadata", &metadata.to_string_lossy()], &[], 1);
    assert_eq!(status_of(&r, "saml/metadata-valid"), "fail");
    json_run(
        &["saml", "--metadata", &format!("{CLOSED}/metadata")],
        &[],
        3,
    );

    // trace: a clean recorded sign-in passes (0); a redirect-URI mismatch fails (1).
    let r = json_run(
        &["trace", "--har", &fixture_har("oidc-success.har")],
        &[],
        0,
    );
    assert_eq!(r["summary"]["failed"], 0);
    let r = json_run(
        &[
            "trace",
            "--har",
            &fixture_har("oidc-redirect-uri-mismatch.har"),
        ],
        &[],
        1,
    );
    assert!(
        r["diagnoses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "sso/redirect-uri-mismatch"),
        "{r}"
    );

    // scan: a healthy tenant is 0; a closed port is 3.
    json_run(&["scan", "--url", &url], &TOKEN_ENV, 0);
    // "Progress goes to stderr": a scan's steps are the pages it reads, one plain line each.
    let out = run(
        &["scan", "--url", &url, "--format", "json"],
        &TOKEN_ENV,
        None,
    );
    assert!(
        out.stderr
            .lines()
            .any(|l| l.starts_with("[1] GET ") && l.contains("/Users")),
        "scan shows no progress on stderr:\n{}",
        out.stderr
    );
    // Its missing-token message names only flags that scan has.
    let out = run(&["scan", "--url", &url], &[], None);
    assert_eq!(out.code, Some(2));
    assert!(!out.stderr.contains("--no-token"), "{}", out.stderr);
    json_run(
        &["scan", "--url", &format!("{CLOSED}/scim/v2")],
        &TOKEN_ENV,
        3,
    );

    // demo: its own testbed, clean (0) and with a quirk (1).
    json_run(&["demo"], &[], 0);
    let r = json_run(&["demo", "--quirks", "filter-ignored"], &[], 1);
    assert!(
        r["diagnoses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "scim/filter-ignored"),
        "{r}"
    );
    tb.shutdown().await;
}

/// Arguments, environment, and a word the error line must contain.
type UsageCase<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);

/// Exit code 2 for each reporting command: "usage or configuration error (bad flag,
/// unreadable file, missing token) — nothing was sent" (`check`'s own cases are in
/// `cli_contract.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_of_the_other_commands_exit_2_and_send_nothing() {
    let tb = testbed("").await;
    let url = tb.base_url();
    let origin = tb.origin();
    let dir = TempDir::new("spec-usage");
    let config = dir.text();
    // A data folder "inside" a plain file: not creatable on any platform, even as root.
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let journal_dir = blocker.join("data").to_string_lossy().into_owned();
    let cases: Vec<UsageCase> = vec![
        (vec!["oidc", "--issuer", "not a url"], vec![], "--issuer"),
        (
            vec!["oidc", "--issuer", &origin, "--client-id", "demo-client"],
            vec![],
            "PREFLIGHT_CLIENT_SECRET",
        ),
        // The discovery lookup for the token endpoint must not run before --only is judged.
        (
            vec![
                "oidc",
                "--issuer",
                &origin,
                "--client-id",
                "demo-client",
                "--only",
                "oidc/nope",
            ],
            vec![("PREFLIGHT_CLIENT_SECRET", "demo-secret")],
            "--only",
        ),
        (
            vec!["oidc", "--issuer", &origin, "--scope", "scim.read"],
            vec![],
            "client ID",
        ),
        (
            vec!["saml", "--metadata", "/nonexistent/idp-metadata.xml"],
            vec![],
            "--metadata",
        ),
        (
            vec!["trace", "--har", "/nonexistent/signin.har"],
            vec![],
            "--har",
        ),
        (vec!["scan", "--url", &url], vec![], "no token"),
        (
            vec![
                "check",
                "--url",
                &url,
                "--mapping",
                "/nonexistent/overrides.toml",
            ],
            TOKEN_ENV.to_vec(),
            "--mapping",
        ),
        (
            vec![
                "check",
                "--url",
                &url,
                "--dialect",
                "no-such-dialect",
                "--write",
            ],
            TOKEN_ENV.to_vec(),
            "--dialect",
        ),
        // `--only` with a check this run would not run: an empty report exiting 0 would
        // claim "every check ran and none failed" for nothing.
        (
            vec!["check", "--url", &url, "--only", "scim/users-create"],
            TOKEN_ENV.to_vec(),
            "--write",
        ),
        (
            vec!["check", "--url", &url, "--only", "oidc/discovery-valid"],
            TOKEN_ENV.to_vec(),
            "preflight oidc",
        ),
        // --write journals each create first: an unwritable journal folder would skip every
        // write check and exit 0.
        (
            vec!["check", "--url", &url, "--write"],
            vec![
                ("PREFLIGHT_TOKEN", "demo-token"),
                ("PREFLIGHT_DATA_DIR", journal_dir.as_str()),
            ],
            "PREFLIGHT_DATA_DIR",
        ),
        (
            vec!["check", "--url", &url, "--timeout", "0"],
            TOKEN_ENV.to_vec(),
            "--timeout",
        ),
        (
            vec!["check", "--url", &url, "--format", "yaml"],
            TOKEN_ENV.to_vec(),
            "--format",
        ),
        (
            vec!["check", "--profile", "no-such-profile"],
            vec![("PREFLIGHT_CONFIG_DIR", config.as_str())],
            "--profile",
        ),
        (
            vec![
                "bundle",
                "--from",
                "/nonexistent/report.json",
                "--out",
                "/tmp/never-written.zip",
            ],
            vec![],
            "--from",
        ),
    ];
    tb.clear_request_log();
    for (args, env, needle) in cases {
        let out = run(&args, &env, None);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(needle),
            "{args:?}: stderr should name {needle}: {}",
            out.stderr
        );
        assert_eq!(out.stdout, "", "{args:?}: a usage error printed a report");
        assert!(
            tb.request_log().is_empty(),
            "{args:?}: a usage error sent {} request(s)",
            tb.request_log().len()
        );
    }
    tb.shutdown().await;
}

/// Writes a profiles file with a bearer profile `acme` and a client-credentials profile `cc`
/// (no keyring: the tests give the secret through the environment, which comes first).
fn write_profiles(dir: &TempDir, scim_url: &str, token_url: &str) {
    let file = serde_json::json!({"version": 1, "profiles": [
        {"id": "acme", "name": "Acme", "base_url": scim_url, "idp": "entra",
         "auth": {"kind": "bearer"}, "created_at": "2026-01-01T00:00:00Z"},
        {"id": "cc", "name": "Client", "base_url": scim_url, "idp": "entra",
         "auth": {"kind": "client-credentials", "token_url": token_url,
                  "client_id": "demo-client", "scope": "scim.read"},
         "created_at": "2026-01-01T00:00:00Z"},
    ]});
    std::fs::write(dir.path().join("profiles.json"), file.to_string()).unwrap();
}

fn bearer_tokens_seen(tb: &Testbed) -> Vec<String> {
    let mut seen: Vec<String> = tb
        .request_log()
        .iter()
        .flat_map(|r| r.headers.clone())
        .filter(|(k, _)| k == "authorization")
        .map(|(_, v)| v)
        .collect();
    seen.sort();
    seen.dedup();
    seen
}

/// "The token comes from, in order: `--token-stdin`, the environment variable
/// `PREFLIGHT_TOKEN`, or the keyring entry of `--profile`."
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_sources_are_taken_in_the_spec_order() {
    let tb = testbed("").await;
    let url = tb.base_url();
    let wrong = [("PREFLIGHT_TOKEN", "wrong-token-from-env")];

    // stdin beats the environment: only the piped token reaches the server.
    tb.clear_request_log();
    let out = run(
        &["check", "--url", &url, "--token-stdin", "--format", "json"],
        &wrong,
        Some("demo-token\n"),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_report(&out.json(), "--token-stdin");
    let seen = bearer_tokens_seen(&tb);
    assert!(seen.contains(&"Bearer demo-token".to_string()), "{seen:?}");
    assert!(
        !seen.iter().any(|v| v.contains("wrong-token-from-env")),
        "PREFLIGHT_TOKEN was used although --token-stdin was given: {seen:?}"
    );

    // The environment beats the profile's keyring (none exists here: it is never opened).
    let dir = TempDir::new("spec-profile");
    let config = dir.text();
    write_profiles(&dir, &url, &tb.token_url());
    let env = [
        ("PREFLIGHT_TOKEN", "demo-token"),
        ("PREFLIGHT_CONFIG_DIR", config.as_str()),
    ];
    let r = json_run(&["check", "--profile", "acme"], &env, 0);
    assert_eq!(r["target"]["idp"], "entra", "the profile's IdP is used");
    assert_eq!(r["target"]["base_url"], url.as_str());
    // An empty PREFLIGHT_TOKEN (what CI exports for an unset secret) is no token: the
    // profile's keyring entry is next — absent here, so a configuration error naming the
    // profile, not "PREFLIGHT_TOKEN is empty".
    let out = run(
        &["check", "--profile", "acme"],
        &[
            ("PREFLIGHT_TOKEN", ""),
            ("PREFLIGHT_CONFIG_DIR", config.as_str()),
        ],
        None,
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("--profile") && !out.stderr.contains("empty"),
        "{}",
        out.stderr
    );
    // An explicit --idp is not silently dropped in favour of the profile's.
    let r = json_run(&["check", "--profile", "acme", "--idp", "okta"], &env, 0);
    assert_eq!(r["target"]["idp"], "okta");

    // The synopsis allows `--url URL … --profile NAME` together: the URL given wins.
    let elsewhere = TempDir::new("spec-profile-elsewhere");
    let elsewhere_config = elsewhere.text();
    write_profiles(&elsewhere, &format!("{CLOSED}/scim/v2"), &tb.token_url());
    let env = [
        ("PREFLIGHT_TOKEN", "demo-token"),
        ("PREFLIGHT_CONFIG_DIR", elsewhere_config.as_str()),
    ];
    let out = run(
        &[
            "check",
            "--url",
            &url,
            "--profile",
            "acme",
            "--format",
            "json",
        ],
        &env,
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let r = out.json();
    assert_report(&r, "--url with --profile");
    assert_eq!(r["target"]["base_url"], url.as_str());
    assert_eq!(r["target"]["idp"], "entra");
    assert!(
        out.stderr.contains("replaces the URL saved"),
        "{}",
        out.stderr
    );
    tb.shutdown().await;
}

/// "No secret ever appears in any output: not in headers, URLs, bodies, error messages or
/// logs" — including a password or a token someone left in the base URL itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_in_the_base_url_never_reach_any_output() {
    let tb = testbed("").await;
    let origin = tb.origin();
    let with_secrets = format!(
        "{}://alice:pw-Kq83-canary@{}/scim/v2?access_token=qt-Zz19-canary",
        &origin[..4],
        &origin[7..]
    );
    let dir = TempDir::new("spec-url-secrets");
    let har = dir.path().join("run.har");
    let har_arg = har.to_string_lossy().into_owned();
    for format in ["json", "human", "junit", "markdown", "html"] {
        let out = run(
            &[
                "check",
                "--url",
                &with_secrets,
                "--format",
                format,
                "--har",
                &har_arg,
            ],
            &TOKEN_ENV,
            None,
        );
        assert!(matches!(out.code, Some(0 | 1)), "{format}: {}", out.stderr);
        let har_text = std::fs::read_to_string(&har).unwrap();
        for (name, text) in [
            ("stdout", &out.stdout),
            ("stderr", &out.stderr),
            ("--har", &har_text),
        ] {
            assert!(
                !text.contains("Kq83") && !text.contains("Zz19"),
                "{format}: a secret from the URL is in {name}"
            );
        }
        if format == "json" {
            let report = out.json();
            assert_report(&report, "check with secrets in the URL");
            assert!(
                report["target"]["base_url"]
                    .as_str()
                    .is_some_and(|u| u.contains("***")),
                "{}",
                report["target"]
            );
        }
    }
    tb.shutdown().await;
}

/// "For OAuth client credentials: `--token-url`, `--client-id`, and the secret from
/// `PREFLIGHT_CLIENT_SECRET` or the profile" — for `check` and for `oidc`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_come_from_flags_and_the_environment_or_profile() {
    let tb = testbed("").await;
    let url = tb.base_url();
    let token_url = tb.token_url();
    let secret = [("PREFLIGHT_CLIENT_SECRET", "demo-secret")];

    let r = json_run(
        &[
            "check",
            "--url",
            &url,
            "--token-url",
            &token_url,
            "--client-id",
            "demo-client",
            "--scope",
            "scim.read scim.write",
        ],
        &secret,
        0,
    );
    assert_eq!(r["target"]["auth"], "client-credentials");
    assert_eq!(status_of(&r, "auth/client-credentials-grant"), "pass");

    // `oidc --profile`: the client ID and scope come from the saved profile, the secret from
    // the environment (which comes before the keyring, so none is needed here).
    let dir = TempDir::new("spec-oidc-profile");
    let config = dir.text();
    write_profiles(&dir, &url, &token_url);
    let env = [
        ("PREFLIGHT_CLIENT_SECRET", "demo-secret"),
        ("PREFLIGHT_CONFIG_DIR", config.as_str()),
    ];
    tb.clear_request_log();
    let r = json_run(
        &[
            "oidc",
            "--issuer",
            &tb.origin(),
            "--profile",
            "cc",
            "--token-url",
            &token_url,
        ],
        &env,
        1, // the testbed serves no discovery document
    );
    assert_eq!(r["target"]["auth"], "client-credentials");
    let token_requests: Vec<_> = tb
        .request_log()
        .into_iter()
        .filter(|r| r.method == "POST" && token_url.ends_with(&r.path))
        .collect();
    assert_eq!(
        token_requests.len(),
        1,
        "one client-credentials grant was sent"
    );
    assert!(
        token_requests[0].body.contains("scope=scim%2Eread")
            || token_requests[0].body.contains("scope=scim.read"),
        "the profile's scope was sent: {}",
        token_requests[0].body
    );

    // A bearer-token profile holds no client secret: a configuration error, nothing sent.
    tb.clear_request_log();
    let out = run(
        &["oidc", "--issuer", &tb.origin(), "--profile", "acme"],
        &[("PREFLIGHT_CONFIG_DIR", config.as_str())],
        None,
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("client credentials"), "{}", out.stderr);
    assert!(tb.request_log().is_empty());
    tb.shutdown().await;
}

/// "Read-only by default. `--write` allows creating … test objects (`preflight-test-…`),
/// recorded in a cleanup journal … and removed at the end", and the report's `target` says
/// `write` and which dialects were replayed (the spec's example: entra → `entra-default`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_mode_reports_its_dialects_and_leaves_nothing_to_clean_up() {
    let tb = testbed("").await;
    let url = tb.base_url();
    let data = TempDir::new("spec-journal");
    let data_dir = data.text();
    let env = [
        ("PREFLIGHT_TOKEN", "demo-token"),
        ("PREFLIGHT_DATA_DIR", data_dir.as_str()),
    ];

    tb.clear_request_log();
    let r = json_run(&["check", "--url", &url, "--idp", "entra"], &env, 0);
    assert_eq!(r["target"]["write"], false);
    let writes: Vec<String> = tb
        .request_log()
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(writes.is_empty(), "a read-only run wrote: {writes:?}");

    let r = json_run(
        &["check", "--url", &url, "--idp", "entra", "--write"],
        &env,
        0,
    );
    assert_eq!(r["target"]["write"], true);
    assert_eq!(
        r["target"]["dialects"],
        serde_json::json!(["entra-default"])
    );
    let created: Vec<String> = tb
        .request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/Users"))
        .map(|r| r.body.clone())
        .collect();
    assert!(!created.is_empty(), "--write created no user");
    for body in &created {
        let user: Value = serde_json::from_str(body).unwrap();
        assert!(
            user["userName"]
                .as_str()
                .is_some_and(|n| n.to_ascii_lowercase().starts_with("preflight-test-")),
            "a created user is not prefixed: {body}"
        );
    }
    let r = json_run(
        &[
            "check",
            "--url",
            &url,
            "--write",
            "--dialect",
            "okta-patch",
            "--dialect",
            "onelogin",
        ],
        &env,
        0,
    );
    assert_eq!(
        r["target"]["dialects"],
        serde_json::json!(["okta-patch", "onelogin"])
    );

    let out = run(&["cleanup", "--url", &url], &env, None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("nothing to clean up"), "{}", out.stdout);
    tb.shutdown().await;
}

/// Exit code 3 also means "the run could not complete": Ctrl-C stops the run, the report of
/// what ran so far is still printed (valid JSON), and the exit code is 3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_prints_the_partial_report_and_exits_3() {
    // Every request waits 400 ms: the whole plan takes well over the time to interrupt it.
    let tb = testbed("slow=400").await;
    let url = tb.base_url();
    let mut child = command(&["check", "--url", &url, "--format", "json"], &TOKEN_ENV)
        .stdin(Stdio::null())
        .spawn()
        .expect("preflight starts");
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Interrupt right after the first check: the early checks send nothing, so this is the
    // moment a listener that is only installed at the first await would miss (exit by signal).
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.iter().filter(|l: &&String| l.starts_with('[')).count() < 1 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!("no progress within 30 s: {seen:?}");
            }
        }
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("check did not stop within 20 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(3), "exit code after Ctrl-C");
    let text = stdout.recv_timeout(Duration::from_secs(10)).unwrap();
    let report: Value = serde_json::from_str(&text).expect("the partial report is JSON");
    assert_report(&report, "interrupted check");
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(
        rest.iter().any(|l| l.contains("interrupted")),
        "stderr says the run was interrupted: {rest:?}"
    );
    tb.shutdown().await;
}
