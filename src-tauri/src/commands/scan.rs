//! `run_scan`: the read-only tenant inventory (core `provision::scan`), with live progress.
//! The core reads later pages through short-lived probes that record nothing, so the shell
//! counts pages at the transport seam instead: after each page it sends which collection,
//! where the page started and its status — never a header or a body.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use super::run::TokenSource;
use super::write::credential;
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_core::probe::{
    Incoming, LiveTransport, NetConfig, Outgoing, Probe, Transport, TransportError,
};
use preflight_core::provision::scan;
use preflight_core::redact::Redactor;
use preflight_core::target::{Idp, Target};
use preflight_core::{Credential, Report};

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ScanEvent {
    /// One page (or other request) answered.
    Page {
        /// `Users`, `Groups`, or the path for anything else.
        collection: String,
        start_index: Option<u64>,
        status: Option<u16>,
        /// Requests answered so far in this scan.
        requests: u64,
    },
}

/// A transport that tells the channel about every answered request.
struct Counting {
    inner: LiveTransport,
    requests: AtomicU64,
    channel: Channel<ScanEvent>,
}

#[async_trait]
impl Transport for Counting {
    async fn send(&self, request: &Outgoing) -> Result<Incoming, TransportError> {
        let answer = self.inner.send(request).await;
        let requests = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let _ = self.channel.send(page_event(
            &request.url,
            answer.as_ref().ok().map(|a| a.status),
            requests,
        ));
        answer
    }
}

/// Only the collection and `startIndex` leave the transport; the query is otherwise dropped.
fn page_event(url: &str, status: Option<u16>, requests: u64) -> ScanEvent {
    let parsed = url::Url::parse(url).ok();
    let collection = parsed
        .as_ref()
        .and_then(|u| u.path_segments()?.next_back().map(str::to_string))
        .unwrap_or_default();
    let start_index = parsed.as_ref().and_then(|u| {
        u.query_pairs()
            .find(|(k, _)| k == "startIndex")
            .and_then(|(_, v)| v.parse().ok())
    });
    ScanEvent::Page {
        collection,
        start_index,
        status,
        requests,
    }
}

/// Scan every user and group of the target, page by page; cancellable with `cancel_run`
/// (the scan stops after the current page and reports what it counted).
#[tauri::command]
pub async fn run_scan(
    state: State<'_, AppState>,
    url: String,
    token_source: TokenSource,
    page_size: Option<u32>,
    on_event: Channel<ScanEvent>,
) -> IpcResult<Report> {
    crate::limits::url("base URL", &url)?;
    let page_size = page_size.unwrap_or(100);
    if !(1..=1000).contains(&page_size) {
        return Err(IpcError::new(
            "input/page-size",
            "the page size must be between 1 and 1000",
        ));
    }
    let credential: Credential = credential(&state, &url, token_source).await?;
    let target = Target::new(url.trim(), credential, Idp::Generic)
        .map_err(|e| IpcError::new("input/url", e.to_string()))?;
    let inner = LiveTransport::new(&NetConfig::default())
        .map_err(|e| IpcError::new("net/config", e.to_string()))?;
    let transport: Arc<dyn Transport> = Arc::new(Counting {
        inner,
        requests: AtomicU64::new(0),
        channel: on_event,
    });
    let cancel = CancellationToken::new();
    if let Some(previous) = state.run.lock().expect("run lock").replace(cancel.clone()) {
        previous.cancel();
    }
    let probe = Probe::new(transport.clone(), target, Redactor::new()).with_cancel(cancel);
    Ok(scan::report(&probe, transport, page_size).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_events_carry_no_query_but_the_start_index() {
        let e = page_event(
            "https://scim.example.com/scim/v2/Users?startIndex=201&count=100&access_token=secret",
            Some(200),
            3,
        );
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("secret"), "{json}");
        assert!(json.contains("\"collection\":\"Users\""), "{json}");
        assert!(json.contains("\"start_index\":201"), "{json}");
    }
}
