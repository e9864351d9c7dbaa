//! SCIMMY (npm `scimmy` + `scimmy-routers` on Express) on 127.0.0.1 for the real-server tests:
//! a second SCIM implementation, independent of `scim2-server`, so a check tuned to one
//! server's habits shows up as a false failure on the other. Installed by
//! `tests/real-servers/install.sh` (`npm ci` in `tests/real-servers/scimmy`), started here
//! with `node server.mjs 0`, stopped when the handle is dropped.
//!
//! Missing node or node_modules: the test is skipped with a message, unless
//! PREFLIGHT_REQUIRE_REAL_SERVERS is set (as in `scripts/test.sh` and CI), where it fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long the server may take to print READY.
const START_LIMIT: Duration = Duration::from_secs(20);
/// The limit on each direct request the tests make (seeding, counting).
const REQUEST_LIMIT: Duration = Duration::from_secs(10);

pub struct Server {
    child: Child,
    base_url: String,
    port: u16,
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The SCIM base URL, `http://127.0.0.1:PORT/scim/v2`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server root, where no SCIM is mounted.
    pub fn root_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// One authenticated request straight to the server (not through Preflight), for seeding
    /// data and counting what is left. Returns the status and the body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, String) {
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to SCIMMY");
        stream.set_read_timeout(Some(REQUEST_LIMIT)).unwrap();
        stream.set_write_timeout(Some(REQUEST_LIMIT)).unwrap();
        let head = format!(
            "{method} /scim/v2{path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\n\
             Accept: application/scim+json\r\nContent-Type: application/scim+json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.port,
            self.token,
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

    /// `totalResults` of a collection, or `None` when the answer was not a list.
    pub fn count(&self, collection: &str) -> Option<u64> {
        let (_, body) = self.request("GET", &format!("/{collection}?count=0"), None);
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()?
            .get("totalResults")?
            .as_u64()
    }
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/real-servers/scimmy")
}

/// Start SCIMMY with `token` as its only accepted bearer token; `None` (skip) when node or
/// the npm modules are missing outside CI.
pub fn start(token: &str) -> Option<Server> {
    let dir = dir();
    let installed = ["scimmy", "scimmy-routers", "express"].iter().all(|m| {
        dir.join("node_modules")
            .join(m)
            .join("package.json")
            .exists()
    });
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed || !node {
        assert!(
            std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
            "SCIMMY is not installed (node: {node}, node_modules: {installed}); run tests/real-servers/install.sh"
        );
        eprintln!(
            "skipping: SCIMMY not installed (node: {node}, node_modules: {installed}); run tests/real-servers/install.sh"
        );
        return None;
    }
    let mut child = Command::new("node")
        .args(["server.mjs", "0"])
        .current_dir(&dir)
        .env("SCIMMY_TOKEN", token)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("READY ") {
                let _ = tx.send(url.to_string());
            }
        }
    });
    let base_url = match rx.recv_timeout(START_LIMIT) {
        Ok(url) => url,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("SCIMMY did not print READY within {START_LIMIT:?} ({e})");
        }
    };
    let port = url_port(&base_url).expect("READY names http://127.0.0.1:PORT/scim/v2");
    Some(Server {
        child,
        base_url,
        port,
        token: token.to_string(),
    })
}

fn url_port(url: &str) -> Option<u16> {
    url.strip_prefix("http://127.0.0.1:")?
        .split('/')
        .next()?
        .parse()
        .ok()
}
