//! `--format junit|markdown|html`, `--har FILE` and `preflight bundle` through the real binary:
//! the HAR validates against HAR 1.2, a real JUnit consumer (the Python `junitparser`, from
//! `tests/real-servers/install.sh`) reads the right counts, the token appears nowhere, and
//! a package is never half-written nor silently overwritten.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use preflight_testbed::{Quirks, StaticToken, Testbed, TestbedConfig};

const TOKEN: &str = "canary-FormatsToken-4417";

fn preflight(args: &[&str], stdin: Option<&str>) -> Output {
    common::preflight(args, &[], stdin)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn testbed(quirks: &str) -> Testbed {
    let config = TestbedConfig {
        quirks: Quirks::parse(quirks).unwrap(),
        tokens: vec![StaticToken::read_write(TOKEN)],
        ..TestbedConfig::default()
    };
    Testbed::start(config).await.unwrap()
}

fn fixture_report() -> &'static str {
    include_str!("../../core/tests/snapshots/report.json")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_format_and_the_har_from_a_real_run() {
    let tb = testbed("filter-ignored,html-login-page").await;
    let dir = temp_dir("formats");
    let har_schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/reports/har-1.2.schema.json"
    ))
    .unwrap();
    let har_validator = jsonschema::validator_for(&har_schema).expect("HAR schema compiles");
    let url = tb.base_url();
    for format in ["junit", "markdown", "html", "json"] {
        let har = dir.join(format!("{format}.har"));
        let out = preflight(
            &[
                "check",
                "--url",
                &url,
                "--token-stdin",
                "--idp",
                "entra",
                "--format",
                format,
                "--har",
                har.to_str().unwrap(),
            ],
            Some(&format!("{TOKEN}\n")),
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{format}: {}",
            stderr(&out)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let har_text = std::fs::read_to_string(&har).expect("--har wrote the file");
        for (what, text) in [
            ("stdout", &stdout),
            ("stderr", &stderr(&out)),
            ("HAR", &har_text),
        ] {
            assert!(
                !text.contains(TOKEN),
                "{format}: the token leaked into {what}"
            );
        }
        let har: serde_json::Value = serde_json::from_str(&har_text).unwrap();
        let errors: Vec<String> = har_validator
            .iter_errors(&har)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{format}: HAR invalid: {errors:?}");
        assert!(!har["log"]["entries"].as_array().unwrap().is_empty());
        match format {
            "junit" => assert!(
                stdout.starts_with("<?xml")
                    && stdout.contains("<testsuite ")
                    && stdout.contains("<failure "),
                "{stdout}"
            ),
            "markdown" => assert!(
                stdout.starts_with("# Preflight report") && stdout.contains("## Failures"),
                "{stdout}"
            ),
            "html" => assert!(
                stdout.starts_with("<!DOCTYPE html>") && stdout.trim_end().ends_with("</html>")
            ),
            _ => {}
        }
    }
    // An unwritable --har fails clearly (exit 3) and leaves nothing behind.
    let out = preflight(
        &[
            "check",
            "--url",
            &url,
            "--token-stdin",
            "--format",
            "json",
            "--har",
            "/nonexistent-dir/x.har",
        ],
        Some(&format!("{TOKEN}\n")),
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--har /nonexistent-dir/x.har"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
    tb.shutdown().await;
}

fn junitparser() -> Option<PathBuf> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = std::env::var("PREFLIGHT_REAL_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo.join(".venv-real"));
    let python = venv.join("bin/python");
    let installed = python.exists()
        && Command::new(&python)
            .args(["-c", "import junitparser"])
            .status()
            .is_ok_and(|s| s.success());
    if !installed {
        assert!(
            std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
            "junitparser is not installed in {}; run tests/real-servers/install.sh",
            venv.display()
        );
        eprintln!("skipping: junitparser not installed (run tests/real-servers/install.sh)");
        return None;
    }
    Some(python)
}

/// Counts as a real JUnit consumer sees them: tests, failures, errors, skipped.
fn junit_counts(python: &Path, file: &Path) -> serde_json::Value {
    let script = r#"
import json, sys
from junitparser import JUnitXml, Failure, Skipped, Error
xml = JUnitXml.fromfile(sys.argv[1])
cases = [case for suite in xml for case in suite]
kinds = lambda cls: sum(1 for c in cases if any(isinstance(r, cls) for r in c.result))
print(json.dumps({"suites": len(list(xml)), "tests": len(cases), "failures": kinds(Failure), "errors": kinds(Error), "skipped": kinds(Skipped),
                  "suite_tests": xml.tests, "suite_failures": xml.failures, "suite_skipped": xml.skipped,
                  "messages": sorted(r.message for c in cases for r in c.result if isinstance(r, Failure))}))
"#;
    let out = Command::new(python)
        .args(["-c", script])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "junitparser failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_real_junit_consumer_reads_the_right_counts() {
    let Some(python) = junitparser() else { return };
    let dir = temp_dir("junitparser");
    // The fixed fixture: 6 checks, 2 failures, 1 skip + 1 blocked (both skipped), 1 warning (passes).
    let from = dir.join("report.json");
    std::fs::write(&from, fixture_report()).unwrap();
    let zip_path = dir.join("p.zip");
    let out = preflight(
        &[
            "bundle",
            "--from",
            from.to_str().unwrap(),
            "--out",
            zip_path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let junit = dir.join("report.junit.xml");
    std::io::copy(
        &mut archive.by_name("report.junit.xml").unwrap(),
        &mut std::fs::File::create(&junit).unwrap(),
    )
    .unwrap();
    let counts = junit_counts(&python, &junit);
    assert_eq!(counts["suites"], 1, "{counts}");
    assert_eq!(counts["tests"], 6, "{counts}");
    assert_eq!(counts["failures"], 2, "{counts}");
    assert_eq!(counts["errors"], 0, "{counts}");
    assert_eq!(counts["skipped"], 2, "{counts}");
    assert_eq!(
        (
            counts["suite_tests"].clone(),
            counts["suite_failures"].clone(),
            counts["suite_skipped"].clone()
        ),
        (6.into(), 2.into(), 2.into()),
        "{counts}"
    );
    assert!(
        counts["messages"][0]
            .as_str()
            .unwrap()
            .starts_with("scim/filter-ignored: "),
        "{counts}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn junit_of_a_live_run_matches_its_json_counts() {
    let Some(python) = junitparser() else { return };
    let tb = testbed("filter-ignored").await;
    let dir = temp_dir("junit-live");
    let json = dir.join("r.json");
    let junit = dir.join("r.xml");
    let url = tb.base_url();
    for (format, file) in [("json", &json), ("junit", &junit)] {
        let out = preflight(
            &[
                "check",
                "--url",
                &url,
                "--token-stdin",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
            Some(&format!("{TOKEN}\n")),
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let s = &report["summary"];
    let counts = junit_counts(&python, &junit);
    assert_eq!(
        counts["tests"],
        report["checks"].as_array().unwrap().len(),
        "{counts}"
    );
    assert_eq!(counts["failures"], s["failed"], "{counts}");
    assert_eq!(
        counts["skipped"].as_u64(),
        Some(s["skipped"].as_u64().unwrap() + s["blocked"].as_u64().unwrap()),
        "{counts}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    tb.shutdown().await;
}

#[test]
fn bundle_refuses_to_overwrite_and_never_leaves_a_partial_file() {
    let dir = temp_dir("bundle-writes");
    let from = dir.join("report.json");
    std::fs::write(&from, fixture_report()).unwrap();
    let from = from.to_str().unwrap();
    let existing = dir.join("existing.zip");
    std::fs::write(&existing, b"keep me").unwrap();

    let out = preflight(
        &[
            "bundle",
            "--from",
            from,
            "--out",
            existing.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already exists") && stderr(&out).contains("--force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");

    let out = preflight(
        &[
            "bundle",
            "--from",
            from,
            "--out",
            existing.to_str().unwrap(),
            "--force",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read(&existing).unwrap().starts_with(b"PK\x03\x04"));

    // A folder that does not exist (a full disk or a read-only folder take the same path:
    // the temporary file fails, is removed, and --out is never created).
    let missing = dir.join("no/such/dir/p.zip");
    let out = preflight(
        &["bundle", "--from", from, "--out", missing.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write the package")
            && stderr(&out).contains("does not exist"),
        "{}",
        stderr(&out)
    );

    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );

    // Not a report, and nothing on stdin.
    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"hello\": 1}").unwrap();
    let out = preflight(
        &[
            "bundle",
            "--from",
            junk.to_str().unwrap(),
            "--out",
            dir.join("j.zip").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a Preflight JSON report"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("j.zip").exists());
    let out = preflight(
        &["bundle", "--out", dir.join("k.zip").to_str().unwrap()],
        Some(""),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("k.zip").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
