//! What the shell keeps between commands: the demo server and the run in progress.

use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use preflight_core::Report;
use preflight_testbed::Testbed;

#[derive(Default)]
pub struct AppState {
    /// The in-process demo SCIM server, started on first use and kept for the session.
    pub demo: Mutex<Option<Testbed>>,
    /// Cancels the run in progress, if any.
    pub run: std::sync::Mutex<Option<CancellationToken>>,
    /// The last finished run, for `save_report`.
    pub last_report: std::sync::Mutex<Option<Report>>,
}
