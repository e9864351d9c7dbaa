//! The `preflight-testbed` binary and the `/_testbed` admin endpoints, as the desktop app's
//! e2e tests use them: start a process, read `READY <url>`, switch quirks over HTTP.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_preflight-testbed");

/// Kills the child if a test fails before stopping it.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start the binary and return it with the base URL from its READY line.
fn spawn(args: &[&str]) -> (Proc, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send(line);
        }
        // keep draining so the child never blocks on a full pipe
        for _ in lines {}
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("READY line within 20 s");
    let url = line
        .strip_prefix("READY ")
        .expect("line starts with READY")
        .to_string();
    (Proc(child), url)
}

fn origin_of(base_url: &str) -> String {
    base_url.trim_end_matches("/scim/v2").to_string()
}

async fn admin(method: Method, url: &str, body: Option<Value>) -> Resp {
    let mut req = client().request(method, url);
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    finish(req).await
}

#[tokio::test]
async fn binary_prints_ready_and_switches_quirks_at_runtime() {
    let (mut proc, base) = spawn(&["--quirks", "auth-off", "--token", "secret-1"]);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert!(base.ends_with("/scim/v2"));
    let origin = origin_of(&base);
    let quirks_url = format!("{origin}/_testbed/quirks");

    assert_eq!(get_anon(&format!("{base}/Users")).await.status, 200);
    let r = admin(Method::GET, &quirks_url, None).await;
    assert_eq!(r.json(), json!({"quirks": "auth-off"}));

    let r = admin(
        Method::PUT,
        &quirks_url,
        Some(json!({"quirks": "json-content-type"})),
    )
    .await;
    assert_eq!(r.status, 204);
    let r = get_anon(&format!("{base}/Users")).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.content_type(), "application/json");
    let r = send(
        Method::GET,
        &format!("{base}/Users"),
        Some("secret-1"),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "--token replaces the default token");
    assert_eq!(
        send(
            Method::GET,
            &format!("{base}/Users"),
            Some("demo-token"),
            None
        )
        .await
        .status,
        401
    );

    let r = admin(
        Method::PUT,
        &quirks_url,
        Some(json!({"quirks": "no-such-quirk"})),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("no-such-quirk")
    );
    let r = admin(Method::PUT, &quirks_url, Some(json!({"quirks": ""}))).await;
    assert_eq!(r.status, 204);
    assert_eq!(
        admin(Method::GET, &quirks_url, None).await.json(),
        json!({"quirks": ""})
    );

    stop_with_sigterm(&mut proc);
}

/// SIGTERM must stop the server cleanly (exit status 0).
#[cfg(unix)]
fn stop_with_sigterm(proc: &mut Proc) {
    let pid = proc.0.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut waited = 0;
    loop {
        if let Some(code) = proc.0.try_wait().unwrap() {
            assert!(code.success(), "{code:?}");
            break;
        }
        waited += 1;
        assert!(waited < 200, "did not exit within 10 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(not(unix))]
fn stop_with_sigterm(_proc: &mut Proc) {}

#[tokio::test]
async fn binary_refuses_non_loopback_and_bad_flags() {
    let out = Command::new(BIN)
        .args(["--bind", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no READY line");
    assert!(String::from_utf8_lossy(&out.stderr).contains("allow-non-loopback"));
    let out = Command::new(BIN)
        .args(["--quirks", "bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN).arg("--list-quirks").output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l == "delete-soft")
    );
}

#[tokio::test]
async fn admin_endpoints_in_process() {
    let tb = start_quirks("html-login-page,rate-limit").await;
    let origin = tb.origin();
    // never affected by quirks
    let r = admin(Method::GET, &format!("{origin}/_testbed/quirks"), None).await;
    assert_eq!(r.json(), json!({"quirks": "html-login-page,rate-limit"}));
    let r = admin(
        Method::PUT,
        &format!("{origin}/_testbed/quirks"),
        Some(json!({"quirks": ""})),
    )
    .await;
    assert_eq!(r.status, 204);
    assert!(tb.quirks().is_empty());

    let id = create_user(&tb, "temp@example.com").await;
    let r = admin(Method::POST, &format!("{origin}/_testbed/reset"), None).await;
    assert_eq!(r.status, 204);
    get(&format!("{}/{id}", users_url(&tb)))
        .await
        .assert_scim_error(404, None);
    assert_eq!(get(&users_url(&tb)).await.json()["totalResults"], 3);

    let log = admin(Method::GET, &format!("{origin}/_testbed/requests"), None)
        .await
        .json();
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.iter().all(|p| !p.starts_with("/_testbed")),
        "admin calls are not logged"
    );
    assert!(paths.contains(&"/scim/v2/Users"));
    let r = admin(Method::DELETE, &format!("{origin}/_testbed/requests"), None).await;
    assert_eq!(r.status, 204);
    assert!(tb.request_log().is_empty());
    assert_eq!(
        admin(Method::GET, &format!("{origin}/_testbed/nope"), None)
            .await
            .status,
        404
    );
    assert_eq!(
        admin(Method::DELETE, &format!("{origin}/_testbed/quirks"), None)
            .await
            .status,
        405
    );
    tb.shutdown().await;
}
