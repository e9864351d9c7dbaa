//! django-scim2 (PyPI, a Django SCIM 2.0 service provider) on 127.0.0.1 for the real-server
//! tests: a third implementation, independent of `scim2-server` and SCIMMY. Installed by
//! `tests/real-servers/install.sh` into `.venv-real` (or PREFLIGHT_REAL_VENV) and started with
//! `python serve.py 0` in `tests/real-servers/django-scim2` (a minimal Django project: SQLite
//! in a directory this handle owns, one bearer token). Stopped, and its database removed, when
//! the handle is dropped.
//!
//! Django or django-scim2 missing from the venv: the test is skipped with a message, unless
//! PREFLIGHT_REQUIRE_REAL_SERVERS is set (as in `scripts/test.sh` and CI), where it fails.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::real_server_support::{request, url_port};

/// How long the server may take to migrate its database and print READY.
const START_LIMIT: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    base_url: String,
    port: u16,
    token: String,
    data_dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

impl Server {
    /// The SCIM base URL, `http://127.0.0.1:PORT/scim/v2`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server root, where Django answers 404 (only /scim/v2/ is routed).
    pub fn root_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// One authenticated request below /scim/v2, straight to django-scim2.
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
        request(
            self.port,
            &self.token,
            method,
            &format!("/scim/v2{path}"),
            body,
        )
    }

    /// `totalResults` of a collection as django-scim2 counts it, or `None` when the answer
    /// was not a list.
    pub fn count(&self, collection: &str) -> Option<u64> {
        let (_, body) = self.request("GET", &format!("/{collection}?count=0"), None);
        serde_json::from_str::<Value>(&body)
            .ok()?
            .get("totalResults")?
            .as_u64()
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Start django-scim2 with `token` as its only accepted bearer token; `None` (skip) when the
/// venv lacks Django or django-scim2 outside CI.
pub fn start(token: &str) -> Option<Server> {
    let venv = std::env::var("PREFLIGHT_REAL_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join(".venv-real"));
    let python = venv.join("bin/python");
    let installed = Command::new(&python)
        .args(["-c", "import django, django_scim"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        assert!(
            std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
            "django-scim2 is not installed in {}; run tests/real-servers/install.sh",
            venv.display()
        );
        eprintln!(
            "skipping: django-scim2 not installed in {} (run tests/real-servers/install.sh)",
            venv.display()
        );
        return None;
    }
    // One directory per server: tests in this binary run in parallel.
    static STARTED: AtomicU32 = AtomicU32::new(0);
    let data_dir = std::env::temp_dir().join(format!(
        "preflight-django-scim2-{}-{}",
        std::process::id(),
        STARTED.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).expect("a directory for the SQLite database");
    // Django's warnings and tracebacks, shown when the server does not come up.
    let log_path = data_dir.join("server.log");
    let log = std::fs::File::create(&log_path).expect("the server log");
    let mut child = Command::new(&python)
        .args(["serve.py", "0"])
        .current_dir(repo().join("tests/real-servers/django-scim2"))
        .env("DJANGO_SCIM2_TOKEN", token)
        .env("DJANGO_SCIM2_DATA_DIR", &data_dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("python starts");
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
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let _ = std::fs::remove_dir_all(&data_dir);
            panic!(
                "django-scim2 did not print READY within {START_LIMIT:?} ({e}); its log:\n{log}"
            );
        }
    };
    let port = url_port(&base_url).expect("READY names http://127.0.0.1:PORT/scim/v2");
    Some(Server {
        child,
        base_url,
        port,
        token: token.to_string(),
        data_dir,
    })
}
