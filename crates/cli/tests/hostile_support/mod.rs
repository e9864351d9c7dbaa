//! Runs `preflight check` against a hostile endpoint with a hard wall-clock bound, so a
//! regression that makes the CLI hang fails the test instead of hanging the suite.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The testbed's default token.
pub const TOKEN: &str = "demo-token";

/// What one bounded run produced.
pub struct Run {
    /// Exit code; `None` when the run was killed at the limit.
    pub code: Option<i32>,
    pub stderr: String,
    /// The JSON report written with `--out`, if any.
    pub report: Option<Value>,
    pub elapsed: Duration,
}

impl Run {
    /// Every diagnosis code in the report.
    pub fn diagnoses(&self) -> Vec<String> {
        self.report
            .as_ref()
            .and_then(|r| r["diagnoses"].as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `status id code actual` for each check that did not pass, for assertion messages.
    pub fn problems(&self) -> String {
        let Some(checks) = self.report.as_ref().and_then(|r| r["checks"].as_array()) else {
            return format!("no report; stderr:\n{}", self.stderr);
        };
        checks
            .iter()
            .filter(|c| c["status"] != "pass" && c["status"] != "skip")
            .map(|c| {
                format!(
                    "{} {} {} {}",
                    c["status"].as_str().unwrap_or(""),
                    c["id"].as_str().unwrap_or(""),
                    c["diagnosis"]["code"].as_str().unwrap_or(""),
                    c["finding"]["actual"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The findings' "actual" texts, for checks that failed with `code`.
    pub fn actuals_for(&self, code: &str) -> Vec<String> {
        self.report
            .as_ref()
            .and_then(|r| r["checks"].as_array())
            .map(|checks| {
                checks
                    .iter()
                    .filter(|c| c["diagnosis"]["code"] == code)
                    .filter_map(|c| c["finding"]["actual"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The text of a diagnosis' fix as the report carries it.
    pub fn fix_for(&self, code: &str) -> Option<String> {
        let checks = self.report.as_ref()?["checks"].as_array()?;
        checks
            .iter()
            .find(|c| c["diagnosis"]["code"] == code)
            .and_then(|c| c["diagnosis"]["fix"].as_str().map(str::to_string))
    }
}

fn report_path() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-report-{}-{n}.json", std::process::id()))
}

/// `preflight check --url URL --format json --out FILE EXTRA…` with the testbed token,
/// killed if it is still running after `limit`.
pub fn check(url: &str, extra: &[&str], limit: Duration) -> Run {
    let out = report_path();
    let _ = std::fs::remove_file(&out);
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["check", "--url", url, "--format", "json", "--out"])
        .arg(&out)
        .args(extra)
        .env("PREFLIGHT_TOKEN", TOKEN)
        .env_remove("PREFLIGHT_CLIENT_SECRET")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("preflight starts");
    let mut stderr_pipe = child.stderr.take().expect("stderr piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait on preflight") {
            break status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    let report = std::fs::read(&out)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let _ = std::fs::remove_file(&out);
    Run {
        code,
        stderr,
        report,
        elapsed,
    }
}
