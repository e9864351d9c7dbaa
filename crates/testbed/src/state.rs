//! Shared server state: configuration, the store, the active quirks and the request log.
//!
//! Locks are std locks held only for short synchronous sections (never across an await);
//! a poisoned lock is recovered rather than propagated, since a panicking test request must
//! not take the whole testbed down.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::config::{OAuthClient, StaticToken, TestbedConfig};
use crate::quirks::Quirks;
use crate::store::Store;

/// `aud` of every JWT the testbed issues and accepts.
pub const JWT_AUDIENCE: &str = "preflight-testbed";
/// `tid` claim of issued JWTs, a fixed tenant id tests can compare against.
pub const JWT_TENANT: &str = "00000000-0000-0000-0000-000000000001";
/// Most requests kept in the log; older ones are dropped first.
pub const MAX_LOGGED_REQUESTS: usize = 10_000;
/// Longest request body kept per log entry.
pub const MAX_LOGGED_BODY: usize = 64 * 1024;

/// One request as it arrived, for tests asserting what a client sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// Path plus `?query` when there was one, exactly as sent.
    pub path: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Request body as text (lossy UTF-8, cut at 64 KiB).
    pub body: String,
}

impl LoggedRequest {
    /// First value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct AppState {
    pub tokens: Vec<StaticToken>,
    pub jwt_secret: Vec<u8>,
    pub clients: Vec<OAuthClient>,
    /// Normalized base path ("/scim/v2", or "" for the root).
    pub base_path: String,
    /// "http://127.0.0.1:PORT": issuer of JWTs and the fallback origin for URLs.
    pub origin: String,
    pub port: u16,
    pub seed_users: usize,
    /// Start time, used as `meta.created` of the ServiceProviderConfig.
    pub started: String,
    quirks: RwLock<Quirks>,
    store: RwLock<Store>,
    log: Mutex<VecDeque<LoggedRequest>>,
    /// SCIM requests seen since the quirks were last set; drives `rate-limit`.
    scim_counter: AtomicU64,
}

impl AppState {
    pub fn new(cfg: &TestbedConfig, origin: String, port: u16) -> AppState {
        AppState {
            tokens: cfg.tokens.clone(),
            jwt_secret: cfg.jwt_secret.clone(),
            clients: cfg.oauth_clients.clone(),
            base_path: cfg.normalized_base_path(),
            origin,
            port,
            seed_users: cfg.seed_users,
            started: crate::store::now_string(),
            quirks: RwLock::new(cfg.quirks.clone()),
            store: RwLock::new(Store::seeded(cfg.seed_users)),
            log: Mutex::new(VecDeque::new()),
            scim_counter: AtomicU64::new(0),
        }
    }

    pub fn quirks(&self) -> Quirks {
        self.quirks
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_quirks(&self, q: Quirks) {
        *self.quirks.write().unwrap_or_else(|e| e.into_inner()) = q;
        self.scim_counter.store(0, Ordering::SeqCst);
    }

    /// Count a SCIM request; returns how many came before it.
    pub fn next_scim_request(&self) -> u64 {
        self.scim_counter.fetch_add(1, Ordering::SeqCst)
    }

    pub fn store(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn store_mut(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset_store(&self) {
        *self.store_mut() = Store::seeded(self.seed_users);
    }

    fn log_guard(&self) -> MutexGuard<'_, VecDeque<LoggedRequest>> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn log_request(&self, entry: LoggedRequest) {
        let mut log = self.log_guard();
        if log.len() >= MAX_LOGGED_REQUESTS {
            log.pop_front();
        }
        log.push_back(entry);
    }

    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.log_guard().iter().cloned().collect()
    }

    pub fn clear_request_log(&self) {
        self.log_guard().clear();
    }
}
