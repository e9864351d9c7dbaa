//! Write mode against the testbed: every dialect passes on a clean server; each write quirk
//! produces exactly the expected diagnoses, in the dialects it affects and no others; and a
//! run killed with SIGKILL mid-way leaves nothing behind once `preflight cleanup` has run.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::bearer;
use preflight_core::check::RunOptions;
use preflight_core::event::EventSink;
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::provision::cleanup;
use preflight_core::redact::Redactor;
use preflight_core::target::{Idp, Target};
use preflight_core::{Report, checks, engine};
use preflight_testbed::{Quirks, StaticToken, Testbed, TestbedConfig};

const DIALECTS: [&str; 6] = [
    "entra-default",
    "entra-aadoptscim062020",
    "okta-patch",
    "okta-oin",
    "onelogin",
    "generic-rfc7644",
];

/// (user flow, group flow) check ids of each dialect, as its file names them.
fn flows(dialect: &str) -> (&'static str, &'static str) {
    match dialect {
        "entra-default" => ("entra/provision-on-demand", "entra/provision-group"),
        "entra-aadoptscim062020" => (
            "entra/aadoptscim062020-user-cycle",
            "entra/aadoptscim062020-group-cycle",
        ),
        "okta-patch" => ("okta/assign-user", "okta/push-group"),
        "okta-oin" => ("okta/assign-user-put", "okta/push-group-put"),
        "onelogin" => ("onelogin/provision-user", "onelogin/push-group"),
        _ => (
            "scim/rfc7644-user-lifecycle",
            "scim/rfc7644-group-lifecycle",
        ),
    }
}

async fn run_write(url: &str, token: &str, dialect: &str, journal: &Path) -> Report {
    let mut target = Target::new(url, bearer(token), Idp::Generic).expect("valid URL");
    target.write = true;
    target.dialects = vec![dialect.to_string()];
    target.journal_dir = Some(journal.to_path_buf());
    let net = NetConfig {
        total_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        ..NetConfig::default()
    };
    let probe = Probe::new(
        Arc::new(LiveTransport::new(&net).expect("client")),
        target,
        Redactor::new(),
    );
    let events: EventSink = Arc::new(|_| {});
    let report = engine::run(
        &checks::write_plan(),
        &probe,
        &RunOptions::default(),
        &events,
    )
    .await;
    cleanup::sweep(&probe, journal, None).await;
    report
}

/// `f:<check>=<code>` / `w:…` for every failing or warning check, except the plain-http
/// warning every loopback run gets.
fn findings(report: &Report) -> BTreeSet<String> {
    report
        .checks
        .iter()
        .filter(|c| matches!(c.status.as_str(), "fail" | "warn") && c.id != "url/https")
        .map(|c| {
            format!(
                "{}:{}={}",
                &c.status.as_str()[..1],
                c.id,
                c.diagnosis.as_ref().map(|d| d.code.as_str()).unwrap_or("")
            )
        })
        .collect()
}

/// What each quirk must produce for each dialect — and nothing else.
fn expected(quirk: &str, dialect: &str) -> BTreeSet<String> {
    let (user_flow, group_flow) = flows(dialect);
    let okta = dialect.starts_with("okta");
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str, id: &str, code: &str| out.push(format!("{s}:{id}=scim/{code}"));
    match quirk {
        "patch-op-case-sensitive" if dialect == "entra-default" => {
            add("f", "scim/users-patch-op-case", "patch-op-case");
            add("f", user_flow, "patch-op-case");
            add("f", group_flow, "patch-op-case");
        }
        // Only Entra without the flag sends "Replace": elsewhere the §15 check warns.
        "patch-op-case-sensitive" => add("w", "scim/users-patch-op-case", "patch-op-case"),
        "patch-bool-strict" if dialect == "entra-default" => {
            add(
                "f",
                "scim/users-patch-boolean-string",
                "patch-boolean-string",
            );
            add("f", user_flow, "patch-boolean-string");
        }
        "patch-bool-strict" => add(
            "w",
            "scim/users-patch-boolean-string",
            "patch-boolean-string",
        ),
        "patch-pathless-rejected" => {
            add("f", "scim/users-patch-pathless", "patch-pathless");
            if dialect == "entra-aadoptscim062020" || dialect == "okta-patch" {
                add("f", user_flow, "patch-pathless");
            }
            if dialect == "okta-patch" {
                add("f", group_flow, "patch-pathless");
            }
        }
        "uniqueness-not-enforced" => add(
            "f",
            "scim/users-create-duplicate",
            "uniqueness-not-enforced",
        ),
        "strict-attributes" if dialect.starts_with("entra") || okta => {
            add(
                "f",
                "scim/dialect-attributes-declared",
                "unknown-attribute-rejected",
            );
            add("f", user_flow, "unknown-attribute-rejected");
            add("f", group_flow, "unknown-attribute-rejected");
        }
        "strict-attributes" => {}
        "require-attribute=nickName" => {
            for id in [
                "scim/dialect-required-attributes",
                "scim/users-create",
                user_flow,
                group_flow,
            ] {
                add("f", id, "required-attribute-missing");
            }
        }
        "created-200" => {
            for id in ["scim/users-create", user_flow, group_flow] {
                add("f", id, "created-response");
            }
        }
        "put-unsupported" => {
            add("f", "scim/users-put-replace", "put-replace");
            if okta || dialect == "onelogin" {
                add("f", user_flow, "put-replace");
            }
            if dialect == "okta-oin" {
                add("f", group_flow, "put-replace");
            }
        }
        "delete-soft" => {
            add("f", "scim/users-delete", "delete-not-404");
            // Okta never deletes users, so only its group push sees the soft delete.
            if !okta {
                add("f", user_flow, "delete-not-404");
            }
            add("f", group_flow, "delete-not-404");
        }
        "members-patch-ignored" => {
            add("f", "scim/groups-members", "patch-members");
            if dialect != "okta-oin" {
                add("f", group_flow, "patch-members");
            }
        }
        "deactivate-ignored" => {
            add("f", "scim/users-patch-pathless", "deactivate");
            add("f", "scim/users-patch-boolean-string", "deactivate");
            add("f", user_flow, "deactivate");
        }
        "members-remove-by-filter-only" if dialect == "entra-default" => {
            add("f", "scim/groups-members", "patch-members");
            add("f", group_flow, "patch-members");
        }
        "members-remove-by-filter-only" => add("w", "scim/groups-members", "patch-members"),
        "" => {}
        other => panic!("no expectation for {other}"),
    }
    out.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dialects_against_clean_and_quirky_testbed() {
    let tb = Testbed::start(TestbedConfig::default())
        .await
        .expect("testbed starts");
    let journal = tempfile_dir("matrix");
    let quirks = [
        "",
        "patch-op-case-sensitive",
        "patch-bool-strict",
        "patch-pathless-rejected",
        "uniqueness-not-enforced",
        "strict-attributes",
        "require-attribute=nickName",
        "created-200",
        "put-unsupported",
        "delete-soft",
        "members-patch-ignored",
        "deactivate-ignored",
        "members-remove-by-filter-only",
    ];
    let mut wrong = Vec::new();
    for quirk in quirks {
        for dialect in DIALECTS {
            tb.set_quirks(Quirks::parse(quirk).unwrap());
            tb.reset();
            let report = run_write(&tb.base_url(), "demo-token", dialect, &journal).await;
            let got = findings(&report);
            let want = expected(quirk, dialect);
            if got != want {
                wrong.push(format!(
                    "[{quirk}] {dialect}\n   got  {got:?}\n   want {want:?}"
                ));
            }
            // Only a create that fails blocks the later checks; `created-200` creates fine
            // (200, no Location), so the checks after it still judge their own steps.
            assert_eq!(
                report.summary.blocked > 0,
                quirk == "require-attribute=nickName",
                "[{quirk}] {dialect}: blocked checks only follow a failed create"
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let _ = std::fs::remove_dir_all(&journal);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_run_leaves_nothing_and_journal_empties() {
    let tb = Testbed::start(TestbedConfig::default())
        .await
        .expect("testbed starts");
    let journal = tempfile_dir("clean");
    for dialect in DIALECTS {
        let report = run_write(&tb.base_url(), "demo-token", dialect, &journal).await;
        assert_eq!(
            report.summary.failed,
            0,
            "{dialect}: {}",
            common::problems(&report)
        );
        let (u, g) = preflight_test_objects(&tb.base_url(), "demo-token").await;
        assert_eq!((u, g), (0, 0), "{dialect} left test objects behind");
    }
    assert!(
        preflight_core::provision::journal::pending(&journal).is_empty(),
        "journal entries left open"
    );
    let _ = std::fs::remove_dir_all(&journal);
}

fn tempfile_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "preflight-write-{tag}-{}-{}",
        std::process::id(),
        uuid_like()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// How many users and groups named `preflight-test-…` the server holds.
async fn preflight_test_objects(base: &str, token: &str) -> (u64, u64) {
    let mut counts = [0u64; 2];
    for (i, (endpoint, attr)) in [("Users", "userName"), ("Groups", "displayName")]
        .iter()
        .enumerate()
    {
        let url =
            format!("{base}/{endpoint}?filter={attr}%20sw%20%22preflight-test-%22&count=1000");
        let token = token.to_string();
        let body = tokio::task::spawn_blocking(move || curl_json(&url, &token))
            .await
            .unwrap();
        counts[i] = body["totalResults"].as_u64().expect("a ListResponse");
    }
    (counts[0], counts[1])
}

/// A blocking GET outside the code under test (curl is present wherever these tests run).
fn curl_json(url: &str, token: &str) -> serde_json::Value {
    let out = Command::new("curl")
        .args(["-s", "-H", &format!("Authorization: Bearer {token}"), url])
        .output()
        .expect("curl runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON from {url}: {e}: {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Spawn `preflight check --write` against a slow testbed, SIGKILL it at several moments,
/// then `preflight cleanup`: no `preflight-test-` object may remain, the journal is empty,
/// and the token never appears in any output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_runs_are_swept_by_cleanup() {
    let canary = format!("canary-{}", uuid_like());
    let config = TestbedConfig {
        tokens: vec![StaticToken::read_write(canary.clone())],
        quirks: Quirks::parse("slow=40").unwrap(),
        ..TestbedConfig::default()
    };
    let tb = Testbed::start(config).await.expect("testbed starts");
    let data = tempfile_dir("crash");
    let base = tb.base_url();
    let mut outputs = Vec::new();
    let mut left_before = 0;
    for kill_after_ms in [900u64, 2500, 4500] {
        let (b, c, d) = (base.clone(), canary.clone(), data.clone());
        let out = tokio::task::spawn_blocking(move || {
            let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
                .args([
                    "check",
                    "--url",
                    &b,
                    "--write",
                    "--dialect",
                    "entra-default",
                    "--dialect",
                    "okta-patch",
                    "--format",
                    "json",
                ])
                .env("PREFLIGHT_TOKEN", &c)
                .env("PREFLIGHT_DATA_DIR", &d)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("preflight starts");
            std::thread::sleep(Duration::from_millis(kill_after_ms));
            child.kill().expect("SIGKILL");
            child.wait_with_output().expect("reaped")
        })
        .await
        .unwrap();
        outputs.push(out);
        let (u, g) = preflight_test_objects(&base, &canary).await;
        left_before += u + g;
    }
    assert!(
        left_before > 0,
        "no kill left an object behind: the test proves nothing (make the testbed slower)"
    );
    assert!(
        !preflight_core::provision::journal::pending(&data.join("journal")).is_empty(),
        "the journal recorded the leftovers"
    );
    tb.set_quirks(Quirks::none());
    let (b, c, d) = (base.clone(), canary.clone(), data.clone());
    let sweep = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(["cleanup", "--url", &b])
            .env("PREFLIGHT_TOKEN", &c)
            .env("PREFLIGHT_DATA_DIR", &d)
            .output()
            .expect("cleanup runs")
    })
    .await
    .unwrap();
    assert_eq!(
        sweep.status.code(),
        Some(0),
        "cleanup: {}{}",
        String::from_utf8_lossy(&sweep.stdout),
        String::from_utf8_lossy(&sweep.stderr)
    );
    outputs.push(sweep);
    let (u, g) = preflight_test_objects(&base, &canary).await;
    assert_eq!(
        (u, g),
        (0, 0),
        "cleanup left preflight-test- objects behind"
    );
    assert!(preflight_core::provision::journal::pending(&data.join("journal")).is_empty());
    // Only objects with the prefix were ever deleted: the seeded users and group are intact.
    let deletes: Vec<String> = tb
        .request_log()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path)
        .collect();
    assert!(
        !deletes
            .iter()
            .any(|p| p.contains(&preflight_testbed::seed_user_id(0))
                || p.contains(&preflight_testbed::seed_group_id(0))),
        "{deletes:?}"
    );
    for out in &outputs {
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(&canary),
                "the token leaked into output"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&data);
}
