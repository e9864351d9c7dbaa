//! django-scim2 (PyPI, a Django SCIM 2.0 service provider) on 127.0.0.1 for the real-server
//! tests: a third implementation, independent of `scim2-server` and SCIMMY. Installed by
//! `tests/real-servers/install.sh` into `.venv-real` (or PREFLIGHT_REAL_VENV) and started with
//! `python serve.py 0` in `tests/real-servers/django-scim2` (a minimal Django project: SQLite
//! in a directory this handle owns, one bearer token). Stopped, and its database removed, when
//! the handle is dropped.
//!
//! Django or django-scim2 missing from the venv: the test is skipped with a message, unless
//! PREFLIGHT_REQUIRE_REAL_SERVERS is set (as in `scripts/test.sh` and CI), where it fails.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub use crate::real_server_support::launcher::Server;
use crate::real_server_support::launcher::{Launch, not_installed, real_venv, repo};

/// How long the server may take to migrate its database and print READY.
const START_LIMIT: Duration = Duration::from_secs(30);

/// Start django-scim2 with `token` as its only accepted bearer token; `None` (skip) when the
/// venv lacks Django or django-scim2 outside CI.
pub fn start(token: &str) -> Option<Server> {
    let venv = real_venv();
    let python = venv.join("bin/python");
    let installed = Command::new(&python)
        .args(["-c", "import django, django_scim"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        return not_installed(&format!(
            "django-scim2 is not installed in {}",
            venv.display()
        ));
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
    let mut command = Command::new(&python);
    command
        .args(["serve.py", "0"])
        .current_dir(repo().join("tests/real-servers/django-scim2"))
        .env("DJANGO_SCIM2_TOKEN", token)
        .env("DJANGO_SCIM2_DATA_DIR", &data_dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stderr(log);
    let launch = Launch {
        name: "django-scim2",
        limit: START_LIMIT,
        log: Some(&log_path),
        // The SQLite database goes with the server.
        owned_dir: Some(data_dir),
    };
    Some(Server::launch(command, token, launch))
}
