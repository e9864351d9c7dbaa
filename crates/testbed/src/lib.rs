//! Preflight testbed: an in-memory SCIM 2.0 service provider on loopback with named,
//! switchable quirks that reproduce specific failure modes.
//!
//! Without quirks it aims to be a strictly RFC 7643/7644-conforming server, so that any
//! finding Preflight reports against it is caused by the quirk under test. It serves
//! integration tests and `preflight demo` in-process ([`Testbed::start`]) and the desktop
//! app's e2e tests as a separate process (the `preflight-testbed` binary, with quirks
//! switched at runtime through `/_testbed/quirks`).
//!
//! Endpoints: the SCIM base path (default `/scim/v2`) with `/ServiceProviderConfig`,
//! `/ResourceTypes`, `/Schemas`, `/Users`, `/Groups`; `POST /oauth2/token`
//! (client credentials); and the admin endpoints `GET|PUT /_testbed/quirks`,
//! `POST /_testbed/reset`, `GET|DELETE /_testbed/requests`.

mod admin;
mod auth;
pub mod config;
mod error;
pub mod filter;
mod handlers;
pub mod hostile;
mod hostile_gzip;
mod hostile_reply;
mod jwt;
mod normalize;
mod oauth;
mod patch;
mod project;
pub mod quirks;
mod rejected;
mod render;
mod respond;
mod schema;
mod server;
mod state;
mod store;
mod util;
pub mod vendor_presets;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{OAuthClient, StaticToken, TestbedConfig};
pub use hostile::{HostileMode, HostileRequest, HostileServer};
pub use quirks::{Quirk, QuirkParseError, Quirks};
pub use state::{JWT_AUDIENCE, JWT_TENANT, LoggedRequest};
pub use store::{SEED_GROUP_NAME, seed_group_id, seed_user_id};

use state::AppState;

/// How long [`Testbed::shutdown`] waits for in-flight requests before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running testbed. Dropping it stops the server in the background; call
/// [`Testbed::shutdown`] to wait for that.
pub struct Testbed {
    state: Arc<AppState>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// The origin clients should use: an unspecified bind address is reached via loopback.
fn origin_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

impl Testbed {
    /// Bind and start serving. Port 0 in `cfg.bind` picks a free port.
    pub async fn start(cfg: TestbedConfig) -> std::io::Result<Testbed> {
        let listener = TcpListener::bind(cfg.bind).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(AppState::new(&cfg, origin_for(addr), addr.port()));
        let app = axum::Router::new()
            .fallback(server::entry)
            .with_state(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Ok(Testbed {
            state,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// SCIM base URL, e.g. `http://127.0.0.1:PORT/scim/v2` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("{}{}", self.origin(), self.state.base_path)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.state.origin.clone()
    }

    /// The OAuth client-credentials token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.origin(), server::TOKEN_PATH)
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replace the active quirks; takes effect for the next request.
    pub fn set_quirks(&self, q: Quirks) {
        self.state.set_quirks(q);
    }

    /// The active quirks.
    pub fn quirks(&self) -> Quirks {
        self.state.quirks()
    }

    /// Put the store back to its seeded state (quirks are kept).
    pub fn reset(&self) {
        self.state.reset_store();
    }

    /// Sign a JWT this testbed accepts: `iss` = origin, `aud` = "preflight-testbed",
    /// `scope` space-separated, `tid` fixed. A negative `exp_in_secs` gives an expired token.
    pub fn mint_jwt(&self, scopes: &[&str], exp_in_secs: i64) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        oauth::issue(&self.state, "preflight-test", None, &scopes, exp_in_secs)
    }

    /// Every request received so far (oldest first), except admin requests.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.request_log()
    }

    pub fn clear_request_log(&self) {
        self.state.clear_request_log();
    }

    /// Stop accepting connections, let in-flight requests finish (up to 5 s), and return.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
