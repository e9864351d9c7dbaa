//! SCIMMY (npm `scimmy` + `scimmy-routers` on Express) on 127.0.0.1 for the real-server tests:
//! a second SCIM implementation, independent of `scim2-server`, so a check tuned to one
//! server's habits shows up as a false failure on the other. Installed by
//! `tests/real-servers/install.sh` (`npm ci` in `tests/real-servers/scimmy`), started here
//! with `node server.mjs 0`, stopped when the handle is dropped.
//!
//! Missing node or node_modules: the test is skipped with a message, unless
//! PREFLIGHT_REQUIRE_REAL_SERVERS is set (as in `scripts/test.sh` and CI), where it fails.

use std::process::{Command, Stdio};
use std::time::Duration;

pub use crate::real_server_support::launcher::Server;
use crate::real_server_support::launcher::{Launch, not_installed, repo};

/// How long the server may take to print READY.
const START_LIMIT: Duration = Duration::from_secs(20);

/// Start SCIMMY with `token` as its only accepted bearer token; `None` (skip) when node or
/// the npm modules are missing outside CI.
pub fn start(token: &str) -> Option<Server> {
    let dir = repo().join("tests/real-servers/scimmy");
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
        return not_installed(&format!(
            "SCIMMY is not installed (node: {node}, node_modules: {installed})"
        ));
    }
    let mut command = Command::new("node");
    command
        .args(["server.mjs", "0"])
        .current_dir(&dir)
        .env("SCIMMY_TOKEN", token)
        .stderr(Stdio::inherit());
    let launch = Launch {
        name: "SCIMMY",
        limit: START_LIMIT,
        log: None,
        owned_dir: None,
    };
    Some(Server::launch(command, token, launch))
}
