//! The third-party `scim2-server` (PyPI) on 127.0.0.1 for the real-server tests: installed by
//! `tests/real-servers/install.sh` into `.venv-real` (or PREFLIGHT_REAL_VENV), started by
//! `tests/real-servers/start-scim2-server.sh`, stopped when the handle is dropped.
//! Missing venv: the test is skipped, unless PREFLIGHT_REQUIRE_REAL_SERVERS is set (as in
//! `scripts/test.sh` and CI), where it fails.

use std::process::{Command, Stdio};

use crate::real_server_support::launcher::{not_installed, real_venv, repo};

pub struct Server {
    pid: u32,
    port: u16,
}

impl Server {
    /// The SCIM base URL (`…/v2`).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v2", self.port)
    }

    /// The server root, which this server also answers under.
    #[allow(dead_code)]
    pub fn root_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}

/// Start scim2-server through its start script (which waits until the server answers and
/// prints its PID); `None` (skip) when the venv lacks it outside CI.
pub fn start(token: &str) -> Option<Server> {
    let venv = real_venv();
    if !venv.join("bin/scim2-server").exists() {
        return not_installed(&format!(
            "scim2-server is not installed in {}",
            venv.display()
        ));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Command::new("bash")
        .arg(repo().join("tests/real-servers/start-scim2-server.sh"))
        .args([port.to_string(), token.to_string()])
        .env("VENV", &venv)
        .stderr(Stdio::inherit())
        .output()
        .expect("start script runs");
    assert!(out.status.success(), "scim2-server did not start");
    let pid = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the start script prints the PID");
    Some(Server { pid, port })
}
