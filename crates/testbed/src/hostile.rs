//! Hostile server modes: a raw-TCP front that misbehaves at the byte level in ways an HTTP
//! framework would never let a handler do (endless bodies, a byte at a time, a connection cut
//! mid-body, invalid UTF-8, a gzip bomb, …).
//!
//! The front sits before an ordinary in-process [`Testbed`]. Modes that attack the transport
//! or the whole service answer every request themselves; modes that attack response parsing
//! answer only `GET …/Users` (the list every IdP import reads) and pass everything else to
//! the testbed, so discovery works and the damage shows up in exactly the check that reads the
//! broken list. Each mode names the diagnosis Preflight must give for it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::hostile_reply::reply;
use crate::{Testbed, TestbedConfig};

/// Longest request head read from a client (bytes); anything longer is dropped.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body read from a client (bytes).
const MAX_REQUEST_BODY: usize = 1024 * 1024;
/// How long a client may take to send its request.
const REQUEST_READ_LIMIT: Duration = Duration::from_secs(10);
/// The credential of the testbed's default token, as the client sends it.
const DEMO_AUTHORIZATION: &str = "Bearer demo-token";
/// Hard ceiling for one connection, whatever the mode: keeps every stream bounded in time.
pub(crate) const CONNECTION_LIMIT: Duration = Duration::from_secs(120);

/// One hostile behaviour. Text form: [`HostileMode::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostileMode {
    /// `GET /Users` answers 200 with a ListResponse that never ends (no length, no end).
    EndlessBody,
    /// `GET /Users` announces and streams a 1 GiB body.
    HugeBody,
    /// Every response is the testbed's own answer, dribbled one byte every 100 ms.
    ByteAtATime,
    /// Every request gets status and headers announcing a body, then silence.
    HeadersNoBody,
    /// Every request gets headers announcing 4 KiB and a few bytes of body, then the
    /// connection is closed.
    CutMidBody,
    /// `GET /Users` answers a ListResponse with Latin-1 bytes (invalid UTF-8) in a name.
    InvalidUtf8,
    /// `GET /Users` answers 200 `application/scim+json` with JSON cut off in the middle.
    InvalidJson,
    /// Every request answers 404 with a web server's HTML error page.
    HtmlErrorPage,
    /// `GET /Users` answers `Content-Encoding: gzip` with an endless gzip stream of zeros.
    GzipBomb,
    /// Every request answers 429 with `Retry-After: 1`.
    RateLimitRetryAfter,
    /// Every request answers 429 with `Retry-After: 86400` (a day).
    RateLimitHugeRetryAfter,
    /// Every request answers 429 without `Retry-After`.
    RateLimitNoRetryAfter,
    /// Every request answers a 5xx (500, 502, 503, 504 in turn).
    ServerErrorStorm,
    /// Every request answers 307 to another origin (a second listener that records what
    /// reaches it, so a test can prove the credential never follows).
    RedirectOtherOrigin,
}

impl HostileMode {
    pub const ALL: [HostileMode; 14] = [
        HostileMode::EndlessBody,
        HostileMode::HugeBody,
        HostileMode::ByteAtATime,
        HostileMode::HeadersNoBody,
        HostileMode::CutMidBody,
        HostileMode::InvalidUtf8,
        HostileMode::InvalidJson,
        HostileMode::HtmlErrorPage,
        HostileMode::GzipBomb,
        HostileMode::RateLimitRetryAfter,
        HostileMode::RateLimitHugeRetryAfter,
        HostileMode::RateLimitNoRetryAfter,
        HostileMode::ServerErrorStorm,
        HostileMode::RedirectOtherOrigin,
    ];

    pub fn name(self) -> &'static str {
        use HostileMode::*;
        match self {
            EndlessBody => "endless-body",
            HugeBody => "huge-body",
            ByteAtATime => "byte-at-a-time",
            HeadersNoBody => "headers-no-body",
            CutMidBody => "cut-mid-body",
            InvalidUtf8 => "invalid-utf8",
            InvalidJson => "invalid-json",
            HtmlErrorPage => "html-error-page",
            GzipBomb => "gzip-bomb",
            RateLimitRetryAfter => "rate-limit-retry-after",
            RateLimitHugeRetryAfter => "rate-limit-huge-retry-after",
            RateLimitNoRetryAfter => "rate-limit-no-retry-after",
            ServerErrorStorm => "server-error-storm",
            RedirectOtherOrigin => "redirect-other-origin",
        }
    }

    pub fn parse(name: &str) -> Option<HostileMode> {
        HostileMode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The diagnosis code Preflight must report for this mode.
    pub fn expected_diagnosis(self) -> &'static str {
        use HostileMode::*;
        match self {
            EndlessBody | HugeBody | InvalidUtf8 | InvalidJson | GzipBomb => {
                "scim/list-response-shape"
            }
            ByteAtATime | HeadersNoBody => "net/timeout",
            CutMidBody => "net/connection-closed",
            HtmlErrorPage => "url/not-scim",
            RateLimitRetryAfter | RateLimitHugeRetryAfter | RateLimitNoRetryAfter => {
                "scim/rate-limited"
            }
            ServerErrorStorm => "scim/server-error",
            RedirectOtherOrigin => "url/redirects",
        }
    }

    /// One line for `--list-hostile`.
    pub fn describe(self) -> &'static str {
        use HostileMode::*;
        match self {
            EndlessBody => "GET /Users streams a ListResponse that never ends",
            HugeBody => "GET /Users sends a 1 GiB body",
            ByteAtATime => "every response arrives one byte per 100 ms",
            HeadersNoBody => "headers announce a body that never comes",
            CutMidBody => "the connection closes in the middle of the body",
            InvalidUtf8 => "GET /Users has Latin-1 bytes in a JSON string",
            InvalidJson => "GET /Users is JSON cut off mid-object",
            HtmlErrorPage => "every request gets a web server's 404 HTML page",
            GzipBomb => "GET /Users is an endless gzip stream of zeros",
            RateLimitRetryAfter => "every request gets 429 with Retry-After: 1",
            RateLimitHugeRetryAfter => "every request gets 429 with Retry-After: 86400",
            RateLimitNoRetryAfter => "every request gets 429 without Retry-After",
            ServerErrorStorm => "every request gets 500/502/503/504",
            RedirectOtherOrigin => "every request is redirected (307) to another origin",
        }
    }

    /// Whether this mode answers only `GET …/Users` and passes the rest to the testbed.
    fn targets_user_list_only(self) -> bool {
        use HostileMode::*;
        matches!(
            self,
            EndlessBody | HugeBody | InvalidUtf8 | InvalidJson | GzipBomb
        )
    }
}

/// A request as the front received it (headers lower-cased), for assertions in tests.
#[derive(Clone, Debug)]
pub struct HostileRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl HostileRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type RequestLog = Arc<Mutex<Vec<HostileRequest>>>;

/// What a connection handler needs to know.
pub(crate) struct FrontState {
    pub mode: HostileMode,
    pub upstream: SocketAddr,
    /// Origin of the redirect target (the second listener), `http://127.0.0.1:PORT`.
    pub other_origin: String,
    pub log: RequestLog,
    /// Counts requests, for modes that vary their answer.
    pub served: Mutex<u64>,
}

/// A running hostile front with its testbed and its "other origin" listener.
pub struct HostileServer {
    addr: SocketAddr,
    base_path: String,
    state: Arc<FrontState>,
    other_log: RequestLog,
    testbed: Option<Testbed>,
    tasks: Vec<JoinHandle<()>>,
}

fn loopback_like(bind: SocketAddr) -> IpAddr {
    match bind.ip() {
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
    }
}

fn origin(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() => loopback_like(addr),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

impl HostileServer {
    /// Start the testbed, the second origin and the hostile front (on `bind`; port 0 picks
    /// one). The testbed accepts its default token `demo-token`.
    pub async fn start(mode: HostileMode, bind: SocketAddr) -> std::io::Result<HostileServer> {
        let loopback = loopback_like(bind);
        let testbed = Testbed::start(TestbedConfig {
            bind: SocketAddr::new(loopback, 0),
            ..TestbedConfig::default()
        })
        .await?;
        let base_path = testbed
            .base_url()
            .strip_prefix(&testbed.origin())
            .unwrap_or("/scim/v2")
            .to_string();

        let other = TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)).await?;
        let other_origin = origin(other.local_addr()?);
        let other_log: RequestLog = Arc::default();
        let front = TcpListener::bind(bind).await?;
        let addr = front.local_addr()?;
        let state = Arc::new(FrontState {
            mode,
            upstream: testbed.local_addr(),
            other_origin,
            log: Arc::default(),
            served: Mutex::new(0),
        });
        let tasks = vec![
            tokio::spawn(serve_front(front, state.clone())),
            tokio::spawn(serve_other_origin(other, other_log.clone())),
        ];
        Ok(HostileServer {
            addr,
            base_path,
            state,
            other_log,
            testbed: Some(testbed),
            tasks,
        })
    }

    /// SCIM base URL through the hostile front, e.g. `http://127.0.0.1:PORT/scim/v2`.
    pub fn base_url(&self) -> String {
        format!("{}{}", origin(self.addr), self.base_path)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn mode(&self) -> HostileMode {
        self.state.mode
    }

    /// Every request the front received, oldest first.
    pub fn requests(&self) -> Vec<HostileRequest> {
        self.state.log.lock().expect("log lock").clone()
    }

    /// Every request that reached the redirect target (the other origin).
    pub fn other_origin_requests(&self) -> Vec<HostileRequest> {
        self.other_log.lock().expect("log lock").clone()
    }

    /// Stop listening, cut open connections and stop the testbed.
    pub async fn shutdown(mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
        if let Some(testbed) = self.testbed.take() {
            testbed.shutdown().await;
        }
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Accept loop; connections live in a `JoinSet` so aborting this task ends them all.
async fn serve_front(listener: TcpListener, state: Arc<FrontState>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = state.clone();
                connections.spawn(async move {
                    let _ = tokio::time::timeout(CONNECTION_LIMIT, handle_front(stream, state)).await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// The second origin: records each request and answers 200 with an empty JSON object.
async fn serve_other_origin(listener: TcpListener, log: RequestLog) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((mut stream, _)) = accepted else { continue };
                let log = log.clone();
                connections.spawn(async move {
                    if let Ok(Some(request)) = read_request(&mut stream).await {
                        log.lock().expect("log lock").push(request.info);
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                            .await;
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn handle_front(mut stream: TcpStream, state: Arc<FrontState>) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    state
        .log
        .lock()
        .expect("log lock")
        .push(request.info.clone());
    let path_only = request.info.path.split('?').next().unwrap_or("");
    // Only an authorised list read is attacked: the testbed answers everything else, so auth
    // checks see a well-behaved server and the damage shows in the checks that read users.
    let is_user_list = request.info.method == "GET"
        && path_only.ends_with("/Users")
        && request.info.header("authorization") == Some(DEMO_AUTHORIZATION);
    if state.mode.targets_user_list_only() && !is_user_list {
        let upstream = forward(&request, state.upstream).await?;
        stream.write_all(&upstream).await?;
        return stream.shutdown().await;
    }
    reply(&mut stream, &state, &request).await
}

/// A request read off the wire: its parsed head and the raw bytes to forward.
pub(crate) struct RawRequest {
    pub info: HostileRequest,
    head: String,
    body: Vec<u8>,
}

/// Read one request head (and its `Content-Length` body), bounded in size and time.
/// `Ok(None)`: the client sent nothing usable.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<RawRequest>> {
    let read = async {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if buf.len() > MAX_HEAD {
                return Ok(None);
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(None);
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split(' ');
        let method = first.next().unwrap_or("").to_string();
        let path = first.next().unwrap_or("").to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0)
            .min(MAX_REQUEST_BODY);
        let mut body = buf[head_end..].to_vec();
        while body.len() < length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        body.truncate(length);
        Ok(Some(RawRequest {
            info: HostileRequest {
                method,
                path,
                headers,
            },
            head,
            body,
        }))
    };
    tokio::time::timeout(REQUEST_READ_LIMIT, read)
        .await
        .unwrap_or(Ok(None))
}

/// Send the request to the testbed with `Connection: close` and return its whole response.
pub(crate) async fn forward(
    request: &RawRequest,
    upstream: SocketAddr,
) -> std::io::Result<Vec<u8>> {
    let mut head: String = request
        .head
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|l| {
            !l.to_ascii_lowercase().starts_with("connection:")
                && !l.to_ascii_lowercase().starts_with("accept-encoding:")
        })
        .map(|l| format!("{l}\r\n"))
        .collect();
    head.push_str("connection: close\r\n\r\n");
    let mut conn = TcpStream::connect(upstream).await?;
    conn.write_all(head.as_bytes()).await?;
    conn.write_all(&request.body).await?;
    let mut response = Vec::new();
    tokio::time::timeout(REQUEST_READ_LIMIT, conn.read_to_end(&mut response))
        .await
        .map_err(|_| std::io::Error::other("testbed did not answer in time"))??;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for mode in HostileMode::ALL {
            assert_eq!(HostileMode::parse(mode.name()), Some(mode));
            assert!(seen.insert(mode.name()));
            assert!(!mode.describe().is_empty());
        }
        assert_eq!(HostileMode::parse("nope"), None);
    }
}
