//! Starting a real third-party SCIM server for a test, the one way every launcher shares:
//! find the install (`.venv-real` or PREFLIGHT_REAL_VENV), skip with a message when it is
//! missing — or fail when PREFLIGHT_REQUIRE_REAL_SERVERS is set, as in `scripts/test.sh` and
//! CI — spawn the server, wait a bounded time for the `READY <url>` line it prints on stdout,
//! and stop it (and remove what it owns) when the handle is dropped, also after a panic.
//! Each server's module keeps only what differs: its command line, environment, time limit
//! and data directory.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use super::{count, request, url_port};

/// The repository root, where `tests/real-servers` and `.venv-real` live.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The virtualenv `tests/real-servers/install.sh` fills: PREFLIGHT_REAL_VENV, else
/// `.venv-real` in the repository.
pub fn real_venv() -> PathBuf {
    std::env::var("PREFLIGHT_REAL_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join(".venv-real"))
}

/// A server that is not installed: `None` (the test returns early) after saying why and how
/// to install it — or a failure when PREFLIGHT_REQUIRE_REAL_SERVERS is set, so CI never
/// passes by skipping. `what` says what is missing ("SCIMMY is not installed (…)").
pub fn not_installed<T>(what: &str) -> Option<T> {
    assert!(
        std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
        "{what}; run tests/real-servers/install.sh"
    );
    eprintln!("skipping: {what}; run tests/real-servers/install.sh");
    None
}

/// What one launch needs beyond its command line.
pub struct Launch<'a> {
    /// The server's name in messages ("SCIMMY").
    pub name: &'a str,
    /// How long the server may take to print READY.
    pub limit: Duration,
    /// The file its stderr goes to, shown when it does not come up.
    pub log: Option<&'a Path>,
    /// A directory the server owns, removed when it stops.
    pub owned_dir: Option<PathBuf>,
}

/// A running server, stopped when dropped. Direct requests (seeding, counting) go to it with
/// the token it was started with, not through Preflight.
pub struct Server {
    child: Child,
    base_url: String,
    port: u16,
    token: String,
    owned_dir: Option<PathBuf>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = &self.owned_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Server {
    /// Spawn `command` (its stdout is taken here for the READY line) and wait up to
    /// `launch.limit` for `READY http://127.0.0.1:PORT/…`. A server that exits or stays silent
    /// is stopped, its owned directory removed, and the test fails with its log.
    pub fn launch(mut command: Command, token: &str, launch: Launch) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", launch.name));
        let stdout = child.stdout.take().expect("stdout");
        // The guard stops the child (and cleans up) on every way out from here on.
        let mut server = Server {
            child,
            base_url: String::new(),
            port: 0,
            token: token.to_string(),
            owned_dir: launch.owned_dir,
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("READY ") {
                    let _ = tx.send(url.to_string());
                }
            }
        });
        match rx.recv_timeout(launch.limit) {
            Ok(url) => {
                server.port = url_port(&url).expect("READY names http://127.0.0.1:PORT/…");
                server.base_url = url;
                server
            }
            Err(e) => {
                let log = launch
                    .log
                    .map(|p| std::fs::read_to_string(p).unwrap_or_default());
                drop(server);
                let limit = launch.limit;
                match log {
                    Some(log) => panic!(
                        "{} did not print READY within {limit:?} ({e}); its log:\n{log}",
                        launch.name
                    ),
                    None => panic!("{} did not print READY within {limit:?} ({e})", launch.name),
                }
            }
        }
    }

    /// The SCIM base URL the server announced (`http://127.0.0.1:PORT/scim/v2`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server root, where no SCIM is mounted.
    pub fn root_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The path part of the base URL (`/scim/v2`).
    fn base_path(&self) -> &str {
        let authority = format!("http://127.0.0.1:{}", self.port);
        self.base_url.strip_prefix(&authority).unwrap_or("")
    }

    /// One authenticated request below the base URL (`/Users`), straight to the server, for
    /// seeding data and counting what is left. Returns the status and the body.
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
        let full = format!("{}{path}", self.base_path());
        request(self.port, &self.token, method, &full, body)
    }

    /// POST `body` to `path` below the base URL, which must answer 201; the new resource's
    /// id (for seeding what the checks then read).
    pub fn create(&self, path: &str, body: &Value) -> String {
        let (status, text) = self.request("POST", path, Some(body));
        assert_eq!(status, 201, "seeding {path} with {body}: {text}");
        serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("seeding {path}: no id in {text}"))
    }

    /// (Users, Groups) as the server counts them: what a write run must leave as it found.
    pub fn counts(&self) -> (Option<u64>, Option<u64>) {
        (self.count("Users"), self.count("Groups"))
    }

    /// `totalResults` of a collection as the server counts it, or `None` when the answer was
    /// not a list.
    pub fn count(&self, collection: &str) -> Option<u64> {
        let path = format!("{}/{collection}?count=0", self.base_path());
        count(self.port, &self.token, &path)
    }
}
