//! The replay transport: answers from recorded interactions instead of the network, so every
//! check can be tested against the exact evidence that should make it pass or fail.
//!
//! A fixture lists interactions; a request matches the first one whose method, URL (relative
//! to the base URL, `*` matches any run of characters), credential kind and, when the
//! interaction names one, body text agree.

use async_trait::async_trait;
use serde::Deserialize;
use std::collections::BTreeMap;

use super::transport::{Incoming, Outgoing, Transport, TransportError};

#[derive(Clone, Debug, Deserialize)]
pub struct Interaction {
    #[serde(default = "any_method")]
    pub method: String,
    /// Path and query relative to the base URL (`/Users?filter=*`), or an absolute URL.
    pub url: String,
    /// `none`, `target`, `bogus`, or `any` (default).
    #[serde(default = "any")]
    pub auth: String,
    /// Match only a request whose body contains this text (e.g. `"op":"replace"`), so one
    /// URL can answer a capitalised and a lower-case PATCH differently.
    #[serde(default)]
    pub body_contains: Option<String>,
    #[serde(default)]
    pub response: Option<RecordedReply>,
    /// Simulate a network failure instead of a response.
    #[serde(default)]
    pub error: Option<ReplayError>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RecordedReply {
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON value is sent as JSON text; a string is sent verbatim.
    #[serde(default)]
    pub body: serde_json::Value,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ReplayError {
    pub code: String,
    #[serde(default)]
    pub message: String,
}

fn any_method() -> String {
    "*".into()
}
fn any() -> String {
    "any".into()
}

pub struct ReplayTransport {
    base_url: String,
    target_auth: Option<String>,
    interactions: Vec<Interaction>,
    fallback: RecordedReply,
}

impl ReplayTransport {
    /// `target_auth` is the full `Authorization` value the run's credential produces.
    pub fn new(
        base_url: &str,
        target_auth: Option<String>,
        interactions: Vec<Interaction>,
        fallback: Option<RecordedReply>,
    ) -> Self {
        ReplayTransport {
            base_url: base_url.trim_end_matches('/').to_string(),
            target_auth,
            interactions,
            fallback: fallback.unwrap_or(RecordedReply {
                status: 404,
                headers: BTreeMap::from([("content-type".into(), "text/plain".into())]),
                body: serde_json::Value::String("no recorded interaction".into()),
            }),
        }
    }

    fn auth_kind(&self, request: &Outgoing) -> &'static str {
        let sent = request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v);
        match (sent, &self.target_auth) {
            (None, _) => "none",
            (Some(v), Some(t)) if v == t => "target",
            (Some(_), _) => "bogus",
        }
    }

    fn find(&self, request: &Outgoing) -> Option<&Interaction> {
        let relative = request
            .url
            .strip_prefix(&self.base_url)
            .unwrap_or(&request.url);
        let auth = self.auth_kind(request);
        self.interactions.iter().find(|i| {
            (i.method == "*" || i.method.eq_ignore_ascii_case(&request.method))
                && (i.auth == "any" || i.auth == auth)
                && (glob_match(&i.url, relative) || glob_match(&i.url, &request.url))
                && i.body_contains.as_ref().is_none_or(|want| {
                    request
                        .body
                        .as_deref()
                        .is_some_and(|b| String::from_utf8_lossy(b).contains(want.as_str()))
                })
        })
    }
}

/// Was this reply built from an interaction's JSON body?
fn encode_body(body: &serde_json::Value) -> Vec<u8> {
    match body {
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::String(s) => s.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    }
}

#[async_trait]
impl Transport for ReplayTransport {
    async fn send(&self, request: &Outgoing) -> Result<Incoming, TransportError> {
        let interaction = self.find(request);
        if let Some(err) = interaction.and_then(|i| i.error.as_ref()) {
            return Err(TransportError {
                code: static_code(&err.code),
                message: err.message.clone(),
            });
        }
        let reply = interaction
            .and_then(|i| i.response.as_ref())
            .unwrap_or(&self.fallback);
        Ok(Incoming {
            status: reply.status,
            headers: reply
                .headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
            body: encode_body(&reply.body),
            truncated: false,
        })
    }
}

/// Transport errors carry `&'static str` codes; fixtures name them as strings.
fn static_code(code: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "net/dns-failure",
        "net/connection-refused",
        "net/timeout",
        "net/proxy-required",
        "tls/untrusted-certificate",
        "tls/hostname-mismatch",
        "tls/expired-certificate",
    ];
    KNOWN
        .iter()
        .find(|k| **k == code)
        .copied()
        .unwrap_or("net/connection-refused")
}

/// `*` matches any run of characters (including none); everything else is literal.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn glob() {
        assert!(glob_match(
            "/Users?filter=*",
            "/Users?filter=userName%20eq%20%22x%22"
        ));
        assert!(glob_match("/Users/*", "/Users/abc"));
        assert!(!glob_match("/Users", "/Users?x"));
        assert!(glob_match("*Users*count=2*", "/Users?startIndex=1&count=2"));
    }
}
