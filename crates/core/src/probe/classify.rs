//! Turns a transport error into the most specific `net/…` or `tls/…` diagnosis code.
//!
//! reqwest wraps hyper, which wraps io and rustls errors; the useful detail sits somewhere
//! in the `source()` chain. We read the whole chain (Display and Debug) once and match on it.

use std::error::Error as StdError;

use super::transport::TransportError;

pub fn classify(err: &reqwest::Error, url: &str) -> TransportError {
    let chain = describe_chain(err);
    let lower = chain.to_ascii_lowercase();
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();

    let (code, message) =
        if lower.contains("expired") && (lower.contains("certificate") || lower.contains("cert")) {
            (
                "tls/expired-certificate",
                format!("the TLS certificate of {host} is expired or not yet valid"),
            )
        } else if lower.contains("notvalidforname")
            || lower.contains("not valid for name")
            || lower.contains("hostname mismatch")
        {
            (
                "tls/hostname-mismatch",
                format!("the TLS certificate presented by {host} is issued for another name"),
            )
        } else if lower.contains("unknownissuer")
            || lower.contains("unknown issuer")
            || lower.contains("invalidcertificate")
            || lower.contains("invalid peer certificate")
            || lower.contains("self-signed")
            || lower.contains("self signed")
        {
            (
                "tls/untrusted-certificate",
                format!(
                    "the TLS certificate chain of {host} does not verify against the trusted roots"
                ),
            )
        } else if is_protocol_version(&lower) {
            (
                "tls/protocol-version",
                format!("{host} offers no TLS version Preflight accepts (TLS 1.2 or 1.3)"),
            )
        } else if err.is_timeout() || lower.contains("timed out") || lower.contains("deadline") {
            (
                "net/timeout",
                format!("{host} did not answer within the time limit"),
            )
        } else if lower.contains("dns error")
            || lower.contains("failed to lookup")
            || lower.contains("name or service not known")
            || lower.contains("no such host")
        {
            (
                "net/dns-failure",
                format!("the host name {host} does not resolve"),
            )
        } else if lower.contains("connection refused") {
            (
                "net/connection-refused",
                format!("nothing accepts connections at {host}"),
            )
        } else if err.is_body() || err.is_decode() || is_cut_short(&lower) {
            (
                "net/connection-closed",
                format!("{host} closed the connection before its response was complete"),
            )
        } else if lower.contains("handshake")
            || lower.contains("tls")
            || lower.contains("protocol version")
            || lower.contains("alert")
        {
            (
                "tls/untrusted-certificate",
                format!("the TLS handshake with {host} failed"),
            )
        } else if proxy_configured() && err.is_connect() {
            (
                "net/proxy-required",
                format!("could not connect to {host}; a proxy is configured in the environment"),
            )
        } else {
            (
                "net/connection-refused",
                format!("could not connect to {host}"),
            )
        };
    TransportError {
        code,
        message: format!("{message} ({})", first_line(&chain)),
    }
}

/// No TLS version in common: the server refused 1.2/1.3 with an alert, or chose 1.0/1.1.
fn is_protocol_version(lower: &str) -> bool {
    lower.contains("protocolversion")
        || lower.contains("protocol version")
        || lower.contains("doesnotsupporttls12or13")
        || lower.contains("unsupportedprotocol")
}

/// The connection ended before a complete response (hyper's "incomplete message", a body
/// shorter than its Content-Length). Resets while reading a body arrive as body errors.
fn is_cut_short(lower: &str) -> bool {
    lower.contains("incompletemessage")
        || lower.contains("incomplete message")
        || lower.contains("connection closed before message completed")
        || lower.contains("end of file before message length reached")
        || lower.contains("unexpectedeof")
}

fn describe_chain(err: &reqwest::Error) -> String {
    let mut parts = vec![format!("{err} {err:?}")];
    let mut source = err.source();
    let mut depth = 0;
    while let Some(s) = source {
        parts.push(format!("{s} {s:?}"));
        source = s.source();
        depth += 1;
        if depth > 12 {
            break;
        }
    }
    parts.join(" | ")
}

fn first_line(chain: &str) -> String {
    // The innermost Display text is usually the most telling; keep the message short.
    let inner = chain.rsplit(" | ").next().unwrap_or(chain);
    let text: String = inner.chars().take(200).collect();
    text.lines().next().unwrap_or("").to_string()
}

fn proxy_configured() -> bool {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|k| std::env::var(k).is_ok_and(|v| !v.is_empty()))
}
