//! `Exchange`: one recorded HTTP request and what came back — the evidence every verdict
//! points at. Values are redacted before an `Exchange` is built, so it is safe to show,
//! serialise and ship in an escalation package.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How much of a body a report shows; the full body (up to the probe's cap) stays available
/// to the checks.
pub const REPORT_BODY_LIMIT: usize = 4096;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Exchange {
    /// Stable within a run: `x1`, `x2`, …
    pub id: String,
    /// Why the request was made (e.g. "Entra Test Connection"), shown in the evidence drawer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    pub request: RecordedRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
    /// Set when no HTTP response arrived (DNS, refused, timeout, TLS, body too large).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<NetFailure>,
    pub ms: u64,
    /// When the request was sent (RFC 3339, UTC, milliseconds); absent in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RecordedResponse {
    pub status: u16,
    /// Lower-case names; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    /// Redacted body text (lossy UTF-8), up to the probe's body cap.
    pub body: String,
    /// The server sent more than the cap; `body` holds the first part only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub body_truncated: bool,
    /// The body was not valid UTF-8.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub body_not_utf8: bool,
}

/// A request that got no usable HTTP response, already mapped to a diagnosis code.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NetFailure {
    /// A `net/…` or `tls/…` code from the catalogue.
    pub code: String,
    pub message: String,
}

impl RecordedResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The body parsed as JSON, if it is JSON. Bytes that were not UTF-8 are not JSON (RFC 8259
    /// §8.1): the IdPs' parsers reject them, so the lossy text must not pass for it here.
    pub fn json(&self) -> Option<serde_json::Value> {
        if self.body_not_utf8 {
            return None;
        }
        serde_json::from_str(&self.body).ok()
    }

    /// Media type without parameters, lower-case (`application/scim+json`).
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// Looks like an HTML page (login screens, SPA shells, gateway error pages).
    pub fn looks_like_html(&self) -> bool {
        let media = self.media_type().unwrap_or_default();
        let head = self
            .body
            .trim_start()
            .get(..64)
            .unwrap_or(self.body.trim_start())
            .to_ascii_lowercase();
        media.contains("html") || head.starts_with("<!doctype html") || head.starts_with("<html")
    }
}

impl Exchange {
    /// Status code, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// A one-line description for findings: `GET /Users?… → 401`.
    pub fn summary(&self) -> String {
        let outcome = match (&self.response, &self.failure) {
            (Some(r), _) => r.status.to_string(),
            (None, Some(f)) => f.code.clone(),
            (None, None) => "no response".into(),
        };
        format!("{} {} → {}", self.request.method, self.request.url, outcome)
    }

    /// A copy fit for a report: bodies cut to [`REPORT_BODY_LIMIT`].
    pub fn for_report(&self) -> Exchange {
        let mut copy = self.clone();
        if let Some(r) = copy.response.as_mut() {
            cut_for_report(&mut r.body);
        }
        if let Some(body) = copy.request.body.as_mut() {
            cut_for_report(body);
        }
        copy
    }
}

/// Cut a body to [`REPORT_BODY_LIMIT`] bytes on a character boundary, marking the cut.
fn cut_for_report(body: &mut String) {
    if body.len() <= REPORT_BODY_LIMIT {
        return;
    }
    let mut cut = REPORT_BODY_LIMIT;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    body.truncate(cut);
    body.push_str("… (truncated)");
}
