//! The probe: the only place that does network I/O.
//!
//! Every request goes through [`Probe::send`], which applies the credential, the network
//! rules of the transport, rate-limit handling and cancellation, then records a redacted
//! [`Exchange`]. Checks get evidence, never sockets — so every check can be replayed from
//! fixtures and every report can show exactly what was sent and received.

mod classify;
mod live;
mod replay;
mod request;
mod token;
mod transport;

pub use live::{LiveTransport, NetConfig, NetConfigError};
pub use replay::{Interaction, RecordedReply, ReplayError, ReplayTransport, glob_match};
pub use request::{AuthMode, BOGUS_TOKEN, Req};
pub use token::TokenOutcome;
pub use transport::{Incoming, Outgoing, Transport, TransportError};

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

use crate::exchange::{Exchange, NetFailure, RecordedRequest, RecordedResponse};
use crate::redact::Redactor;
use crate::target::{Credential, Target};

/// Longest `Retry-After` we honour before retrying once (IdPs wait about this long too).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How much of a body that cannot be parsed anyway (cut at the size cap, or not UTF-8) an
/// exchange keeps. Exchanges live until the report is written, so keeping whole 8 MiB bodies
/// of a hostile server would let memory grow with every request; the start is all the
/// evidence a reader needs.
pub const UNPARSABLE_BODY_KEPT: usize = 64 * 1024;

/// Receives every exchange as soon as it is recorded (progress display, IPC events).
pub type ExchangeObserver = Arc<dyn Fn(&Exchange) + Send + Sync>;

pub struct Probe {
    transport: Arc<dyn Transport>,
    target: Target,
    redactor: Redactor,
    token: tokio::sync::OnceCell<TokenOutcome>,
    exchanges: Mutex<Vec<Exchange>>,
    cache: tokio::sync::Mutex<HashMap<String, Exchange>>,
    observer: Option<ExchangeObserver>,
    cancel: CancellationToken,
    /// Honour `Retry-After` (off in fixture replay, where waiting proves nothing).
    wait_on_429: bool,
}

impl Probe {
    pub fn new(transport: Arc<dyn Transport>, target: Target, redactor: Redactor) -> Probe {
        match &target.credential {
            Credential::Bearer(s) => redactor.add(s),
            Credential::ClientCredentials { client_secret, .. } => redactor.add(client_secret),
            Credential::None => {}
        }
        Probe {
            transport,
            target,
            redactor,
            token: tokio::sync::OnceCell::new(),
            exchanges: Mutex::new(Vec::new()),
            cache: tokio::sync::Mutex::new(HashMap::new()),
            observer: None,
            cancel: CancellationToken::new(),
            wait_on_429: true,
        }
    }

    pub fn with_observer(mut self, observer: ExchangeObserver) -> Probe {
        self.observer = Some(observer);
        self
    }

    pub fn with_cancel(mut self, cancel: CancellationToken) -> Probe {
        self.cancel = cancel;
        self
    }

    pub fn without_rate_limit_wait(mut self) -> Probe {
        self.wait_on_429 = false;
        self
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Every exchange recorded so far, in order.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().expect("exchanges lock").clone()
    }

    /// Like [`Probe::send`], but an identical GET made earlier in the run is reused, so
    /// checks that need the same evidence do not multiply requests.
    pub async fn fetch(&self, req: Req) -> Exchange {
        let Some(key) = req.cache_key() else {
            return self.send(req).await;
        };
        let mut cache = self.cache.lock().await;
        if let Some(hit) = cache.get(&key) {
            return hit.clone();
        }
        let exchange = self.send(req).await;
        cache.insert(key, exchange.clone());
        exchange
    }

    /// Send one request and record it. Never fails: a request that got no response is an
    /// exchange with a `failure`.
    pub async fn send(&self, req: Req) -> Exchange {
        let url = if req.path.starts_with("http://") || req.path.starts_with("https://") {
            req.path.clone()
        } else {
            self.target.url_for(&req.path)
        };
        let mut headers = req.headers.clone();
        let auth_value = match req.auth {
            AuthMode::None => None,
            AuthMode::Bogus => Some(format!("Bearer {BOGUS_TOKEN}")),
            AuthMode::Target => match self.authorization().await {
                Ok(value) => value,
                Err(failure) => return self.record_unsent(&req, &url, failure),
            },
        };
        if let Some(value) = auth_value {
            headers.push(("authorization".into(), value));
        }
        let outgoing = Outgoing {
            method: req.method.clone(),
            url,
            headers,
            body: req.body.clone(),
        };
        let first = self.transmit(&outgoing, req.purpose.clone()).await;
        match retry_after(&first) {
            Some(wait) if self.wait_on_429 && !self.is_cancelled() => {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = self.cancel.cancelled() => return first,
                }
                let purpose = Some(format!(
                    "{} (retry after 429)",
                    req.purpose.as_deref().unwrap_or("request")
                ));
                self.transmit(&outgoing, purpose).await
            }
            _ => first,
        }
    }

    /// The `Authorization` value for the run's credential, fetching an OAuth token once.
    async fn authorization(&self) -> Result<Option<String>, NetFailure> {
        match &self.target.credential {
            Credential::None => Ok(None),
            Credential::Bearer(token) => Ok(Some(format!("Bearer {}", token.expose()))),
            Credential::ClientCredentials { .. } => match self.token_outcome().await {
                TokenOutcome::Issued { token, .. } => {
                    Ok(Some(format!("Bearer {}", token.expose())))
                }
                TokenOutcome::Failed { message, .. } => Err(NetFailure {
                    code: "auth/client-credentials-failed".into(),
                    message: format!("not sent: no access token ({message})"),
                }),
                TokenOutcome::NotApplicable => Ok(None),
            },
        }
    }

    /// Result of the client-credentials grant (performed on first use).
    pub async fn token_outcome(&self) -> &TokenOutcome {
        self.token.get_or_init(|| token::fetch(self)).await
    }

    async fn transmit(&self, outgoing: &Outgoing, purpose: Option<String>) -> Exchange {
        self.transmit_inner(outgoing, purpose, false).await.0
    }

    /// Send and record; also hand back the raw body for the one caller that must read a
    /// credential out of it (the token grant). The recorded exchange is redacted as always.
    async fn transmit_keeping_body(
        &self,
        outgoing: &Outgoing,
        purpose: Option<String>,
    ) -> (Exchange, Option<Vec<u8>>) {
        self.transmit_inner(outgoing, purpose, true).await
    }

    /// `keep_raw`: hand the raw body back; off for ordinary requests so a large body is not
    /// held twice.
    async fn transmit_inner(
        &self,
        outgoing: &Outgoing,
        purpose: Option<String>,
        keep_raw: bool,
    ) -> (Exchange, Option<Vec<u8>>) {
        let started = Instant::now();
        let started_at = Some(now_rfc3339());
        let result = if self.is_cancelled() {
            Err(TransportError {
                code: "net/timeout",
                message: "cancelled before sending".into(),
            })
        } else {
            tokio::select! {
                r = self.transport.send(outgoing) => r,
                _ = self.cancel.cancelled() => Err(TransportError { code: "net/timeout", message: "cancelled by the user".into() }),
            }
        };
        let ms = started.elapsed().as_millis() as u64;
        let request = self.redact_request(outgoing);
        let (response, failure, raw) = match result {
            Ok(incoming) => {
                let raw = keep_raw.then(|| incoming.body.clone());
                (Some(self.redact_response(incoming)), None, raw)
            }
            Err(e) => (
                None,
                Some(NetFailure {
                    code: e.code.into(),
                    message: self.redactor.text(&e.message),
                }),
                None,
            ),
        };
        (
            self.record(Exchange {
                id: String::new(),
                purpose,
                request,
                response,
                failure,
                ms,
                started_at,
            }),
            raw,
        )
    }

    fn record_unsent(&self, req: &Req, url: &str, failure: NetFailure) -> Exchange {
        let outgoing = Outgoing {
            method: req.method.clone(),
            url: url.into(),
            headers: req.headers.clone(),
            body: req.body.clone(),
        };
        let request = self.redact_request(&outgoing);
        self.record(Exchange {
            id: String::new(),
            purpose: req.purpose.clone(),
            request,
            response: None,
            failure: Some(failure),
            ms: 0,
            started_at: Some(now_rfc3339()),
        })
    }

    fn record(&self, mut exchange: Exchange) -> Exchange {
        {
            let mut all = self.exchanges.lock().expect("exchanges lock");
            exchange.id = format!("x{}", all.len() + 1);
            all.push(exchange.clone());
        }
        if let Some(observer) = &self.observer {
            observer(&exchange);
        }
        exchange
    }

    fn redact_request(&self, o: &Outgoing) -> RecordedRequest {
        RecordedRequest {
            method: o.method.clone(),
            url: self.redactor.url(&o.url),
            headers: o
                .headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), self.redactor.header(k, v)))
                .collect(),
            body: o
                .body
                .as_ref()
                .map(|b| self.redactor.text(&String::from_utf8_lossy(b))),
        }
    }

    fn redact_response(&self, incoming: Incoming) -> RecordedResponse {
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in &incoming.headers {
            let value = self.redactor.header(k, v);
            headers
                .entry(k.to_ascii_lowercase())
                .and_modify(|existing| {
                    existing.push_str(", ");
                    existing.push_str(&value);
                })
                .or_insert(value);
        }
        let body_not_utf8 = std::str::from_utf8(&incoming.body).is_err();
        let kept = if incoming.truncated || body_not_utf8 {
            &incoming.body[..incoming.body.len().min(UNPARSABLE_BODY_KEPT)]
        } else {
            &incoming.body[..]
        };
        RecordedResponse {
            status: incoming.status,
            headers,
            body: self.redactor.text(&String::from_utf8_lossy(kept)),
            body_truncated: incoming.truncated,
            body_not_utf8,
        }
    }
}

/// How long to wait before the single retry of a 429, if the server allows a retry at all.
/// The send time recorded on an exchange (RFC 3339, UTC, milliseconds — HAR needs it).
fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_millisecond(now.millisecond()).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn retry_after(exchange: &Exchange) -> Option<Duration> {
    let response = exchange.response.as_ref()?;
    if response.status != 429 {
        return None;
    }
    let header = response.header("retry-after")?;
    let seconds: u64 = header.trim().parse().ok()?;
    let wait = Duration::from_secs(seconds);
    (wait <= MAX_RETRY_AFTER).then_some(wait)
}
