//! Shared pieces of the scenario tests: run the read-only plan in-process against a URL.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use preflight_core::check::RunOptions;
use preflight_core::event::EventSink;
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};
use preflight_core::{Report, Secret, checks, engine};

pub fn bearer(token: &str) -> Credential {
    Credential::Bearer(Secret::new(token))
}

pub async fn run(url: &str, credential: Credential, idp: Idp) -> Report {
    run_with(url, credential, idp, Duration::from_secs(10)).await
}

pub async fn run_with(url: &str, credential: Credential, idp: Idp, timeout: Duration) -> Report {
    let target = Target::new(url, credential, idp).expect("valid URL");
    let net = NetConfig {
        total_timeout: timeout,
        connect_timeout: Duration::from_secs(2),
        ..NetConfig::default()
    };
    let probe = Probe::new(
        Arc::new(LiveTransport::new(&net).expect("client")),
        target,
        Redactor::new(),
    );
    let events: EventSink = Arc::new(|_| {});
    engine::run(
        &checks::read_only(),
        &probe,
        &RunOptions::default(),
        &events,
    )
    .await
}

/// A readable list of the non-passing checks, for assertion messages.
pub fn problems(report: &Report) -> String {
    report
        .checks
        .iter()
        .filter(|c| c.status.as_str() != "pass" && c.status.as_str() != "skip")
        .map(|c| {
            format!(
                "{} {} {} {}",
                c.status.as_str(),
                c.id,
                c.diagnosis.as_ref().map(|d| d.code.as_str()).unwrap_or(""),
                c.finding
                    .as_ref()
                    .map(|f| f.actual.as_str())
                    .or(c.note.as_deref())
                    .unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Run the real `preflight` binary with no credential in its environment unless `env` gives
/// one, colours off, and `stdin` piped in when given.
pub fn preflight(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_preflight"));
    cmd.args(args)
        .env_remove("PREFLIGHT_TOKEN")
        .env_remove("PREFLIGHT_CLIENT_SECRET")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("preflight starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

/// A file holding `text` in this test process's own folder (`FOLDER-PID` under the temp
/// directory), for inputs a run reads such as a mapping overrides file; returns its path.
pub fn scratch_file(folder: &str, name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("{folder}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Run `preflight check --write --format json --only CHECK EXTRA…` against a testbed (its
/// demo token in the environment, the cleanup journal under `data`): the run's output and
/// CHECK's entry in the JSON report. Panics with stderr when there is no report or no CHECK.
pub fn write_check(
    url: &str,
    check: &str,
    extra: &[&str],
    data: &std::path::Path,
) -> (Output, serde_json::Value) {
    let mut args = vec![
        "check", "--url", url, "--write", "--format", "json", "--only", check,
    ];
    args.extend_from_slice(extra);
    let data = data.to_str().expect("a UTF-8 temp path");
    let out = preflight(
        &args,
        &[
            ("PREFLIGHT_TOKEN", "demo-token"),
            ("PREFLIGHT_DATA_DIR", data),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}); stderr: {stderr}"));
    let result = report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["id"] == check))
        .unwrap_or_else(|| panic!("the report has no {check}; stderr: {stderr}"))
        .clone();
    (out, result)
}

/// A fresh directory under the system temp dir (named after `tag`, the process and the time),
/// removed on drop: a throwaway config or data dir for one test.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("preflight-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// The path as text, for an environment variable or an argument.
    pub fn text(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
