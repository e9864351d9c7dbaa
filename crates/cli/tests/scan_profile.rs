//! `preflight scan` takes its target like `check`: a saved `--profile` (here with the token
//! from PREFLIGHT_TOKEN, so no keyring is needed), OAuth client credentials against the
//! testbed's real token endpoint; Ctrl-C writes the partial report with exit 3; and every scan
//! finding is explainable while `check` never runs it.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::preflight;
use preflight_testbed::{Quirks, Testbed, TestbedConfig};

fn check<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing in {r}"))
}

async fn testbed(users: usize) -> Testbed {
    Testbed::start(TestbedConfig {
        seed_users: users,
        ..TestbedConfig::default()
    })
    .await
    .expect("testbed starts")
}

async fn blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(f: F) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_runs_from_a_profile_and_with_client_credentials() {
    let tb = testbed(120).await;
    let url = tb.base_url();
    let config =
        std::env::temp_dir().join(format!("preflight-scan-profile-{}", std::process::id()));
    std::fs::create_dir_all(config.join("preflight")).unwrap();
    let profile = serde_json::json!({"version": 1, "profiles": [{
        "id": "scan-test", "name": "Scan test", "base_url": url, "idp": "generic",
        "auth": {"kind": "bearer"}, "created_at": "2026-01-01T00:00:00Z"}]});
    std::fs::write(config.join("preflight/profiles.json"), profile.to_string()).unwrap();
    let xdg = config.display().to_string();

    let out = blocking(move || {
        preflight(
            &[
                "scan",
                "--profile",
                "scan-test",
                "--format",
                "json",
                "--page-size",
                "50",
            ],
            &[("XDG_CONFIG_HOME", &xdg), ("PREFLIGHT_TOKEN", "demo-token")],
            None,
        )
    })
    .await;
    let r: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("JSON report: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(check(&r, "scan/tenant-inventory")["status"], "pass", "{r}");
    assert!(
        check(&r, "scan/tenant-inventory")["note"]
            .as_str()
            .unwrap()
            .starts_with("120 users"),
        "{r}"
    );
    assert_eq!(out.status.code(), Some(0));

    // An unknown profile is a usage error: exit 2, nothing sent.
    let xdg = config.display().to_string();
    let missing = blocking(move || {
        preflight(
            &["scan", "--profile", "nope"],
            &[("XDG_CONFIG_HOME", &xdg)],
            None,
        )
    })
    .await;
    assert_eq!(missing.status.code(), Some(2));

    // OAuth client credentials: the testbed's real token endpoint issues the access token.
    let token_url = url.replace("/scim/v2", "/oauth2/token");
    let u = url.clone();
    let out = blocking(move || {
        preflight(
            &[
                "scan",
                "--url",
                &u,
                "--token-url",
                &token_url,
                "--client-id",
                "demo-client",
                "--format",
                "json",
            ],
            &[("PREFLIGHT_CLIENT_SECRET", "demo-secret")],
            None,
        )
    })
    .await;
    let r: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("JSON report: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(check(&r, "scan/tenant-inventory")["status"], "pass", "{r}");
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("demo-secret"));

    // A wrong secret: the grant fails, the scan cannot read the tenant.
    let (u, t) = (url.clone(), url.replace("/scim/v2", "/oauth2/token"));
    let out = blocking(move || {
        preflight(
            &[
                "scan",
                "--url",
                &u,
                "--token-url",
                &t,
                "--client-id",
                "demo-client",
                "--format",
                "json",
            ],
            &[("PREFLIGHT_CLIENT_SECRET", "wrong-secret")],
            None,
        )
    })
    .await;
    assert_ne!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&config);
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_writes_the_partial_report_with_exit_3() {
    let tb = testbed(2000).await;
    tb.set_quirks(Quirks::parse("slow=150").unwrap());
    let dir = std::env::temp_dir().join(format!("preflight-scan-int-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("partial.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "scan",
            "--url",
            &tb.base_url(),
            "--page-size",
            "10",
            "--format",
            "json",
            "--out",
        ])
        .arg(&report)
        .env("PREFLIGHT_TOKEN", "demo-token")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("preflight starts");
    // 200 pages at ≥150 ms each: well over 20 s if not interrupted.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "scan did not stop after Ctrl-C"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(code, Some(3));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("partial report written"))
            .unwrap();
    let inventory = check(&r, "scan/tenant-inventory");
    assert_eq!(inventory["status"], "skip", "{inventory}");
    assert!(r.to_string().contains("interrupted after"), "{inventory}");
    let _ = std::fs::remove_dir_all(&dir);
    tb.shutdown().await;
}

#[test]
fn every_scan_finding_is_explained_but_never_run_by_check() {
    let ids = [
        "scan/tenant-inventory",
        "scan/users-duplicate-username",
        "scan/users-duplicate-email",
        "scan/users-primary-email",
        "scan/users-inactive",
        "scan/groups-member-references",
    ];
    let listed = String::from_utf8(preflight(&["checks"], &[], None).stdout).unwrap();
    for id in ids {
        let out = preflight(&["explain", id], &[], None);
        assert_eq!(out.status.code(), Some(0), "explain {id}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Why it matters") && text.contains(id),
            "{text}"
        );
        assert!(listed.contains(id), "`preflight checks` lacks {id}");
    }
    // A diagnosis names the scan findings that can report it.
    let out = preflight(&["explain", "scim/member-reference-dangling"], &[], None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("scan/groups-member-references"));
    // `check --only scan/…` is refused before anything is sent: check never runs scan findings.
    let out = preflight(
        &[
            "check",
            "--url",
            "http://127.0.0.1:9/scim/v2",
            "--only",
            "scan/tenant-inventory",
        ],
        &[("PREFLIGHT_TOKEN", "t")],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
}
