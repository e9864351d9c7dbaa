//! The compact form of a HAR entry that chain reconstruction works on: what was asked, what
//! came back, the protocol parameters, cookie names, and the text of an error page. Bodies
//! are decoded (base64) and cut here, so a large HAR costs a few hundred bytes per entry.

use base64::Engine;
use time::OffsetDateTime;

use super::cookie::{names_in_cookie_header, parse_set_cookie};
use super::har::{NameValue, RawEntry};
use super::model::CookieSet;
use super::params::{pairs, resolve};

/// Form and query parameters the trace reads; everything else is dropped while reading.
const PROTOCOL_PARAMS: &[&str] = &[
    "SAMLRequest",
    "SAMLResponse",
    "RelayState",
    "code",
    "id_token",
    "access_token",
    "state",
    "error",
    "error_description",
    "error_codes",
    "error_uri",
];

/// Longest error text kept per entry.
const ERROR_TEXT_CAP: usize = 2048;

/// One HAR entry as the trace needs it. `url` and parameters are the raw values: this type
/// stays in memory and never reaches output without masking.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub index: usize,
    pub started_raw: Option<String>,
    pub started: Option<OffsetDateTime>,
    pub time_ms: f64,
    pub method: String,
    pub url: String,
    pub status: u16,
    /// Resolved against `url`; the fragment is kept (it carries implicit-flow answers).
    pub location: Option<String>,
    pub form: Vec<(String, String)>,
    pub cookies_sent: Vec<String>,
    pub cookies_set: Vec<CookieSet>,
    /// Any request in the HAR carried cookies (a "sanitized" export drops them all).
    pub has_cookie_data: bool,
    pub content_type: Option<String>,
    /// Chrome's `_resourceType`, when present.
    pub resource_type: Option<String>,
    /// Visible text of an error-looking body.
    pub error_text: Option<String>,
    /// Reader notes about this entry (undecodable body, …).
    pub notes: Vec<String>,
}

impl Entry {
    pub fn from_raw(index: usize, raw: RawEntry) -> Entry {
        let method = raw.request.method.unwrap_or_default().to_ascii_uppercase();
        let url = raw.request.url.unwrap_or_default();
        let status = if raw.response.status.is_finite() && raw.response.status >= 0.0 {
            raw.response.status.min(999.0) as u16
        } else {
            0
        };
        let mut notes = Vec::new();
        let header = |headers: &[NameValue], name: &str| -> Vec<String> {
            headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value.clone())
                .collect()
        };
        let location = header(&raw.response.headers, "location")
            .into_iter()
            .next()
            .or(raw.response.redirect_url.filter(|u| !u.is_empty()))
            .filter(|_| (300..400).contains(&status))
            .map(|l| resolve(&url, l.trim()));
        let mut cookies_sent: Vec<String> = header(&raw.request.headers, "cookie")
            .iter()
            .flat_map(|h| names_in_cookie_header(h))
            .collect();
        if cookies_sent.is_empty() {
            cookies_sent = raw.request.cookies.iter().map(|c| c.name.clone()).collect();
        }
        let mut cookies_set: Vec<CookieSet> = header(&raw.response.headers, "set-cookie")
            .iter()
            // Firefox joins several Set-Cookie values with newlines.
            .flat_map(|h| h.lines().map(str::to_string).collect::<Vec<_>>())
            .filter_map(|h| parse_set_cookie(&h, &url))
            .collect();
        if cookies_set.is_empty() {
            cookies_set = raw
                .response
                .cookies
                .iter()
                .filter_map(|c| parse_set_cookie(&format!("{}={}", c.name, c.value), &url))
                .collect();
        }
        let mut form = Vec::new();
        if let Some(post) = raw.request.post_data {
            let mime = post.mime_type.unwrap_or_default().to_ascii_lowercase();
            let from_params: Vec<(String, String)> = post
                .params
                .into_iter()
                .map(|p| {
                    let decode = |s: &str| {
                        percent_encoding::percent_decode_str(&s.replace('+', " "))
                            .decode_utf8_lossy()
                            .into_owned()
                    };
                    // Chrome records params still URL-encoded; Firefox decoded.
                    if p.value.contains('%') {
                        (decode(&p.name), decode(&p.value))
                    } else {
                        (p.name, p.value)
                    }
                })
                .collect();
            let all = if !from_params.is_empty() {
                from_params
            } else if mime.contains("x-www-form-urlencoded")
                || (mime.is_empty() && post.text.text.contains('='))
            {
                if post.text.truncated() {
                    notes.push(format!(
                        "entry {index}: the posted form is larger than the trace reads; its end was ignored"
                    ));
                }
                pairs(post.text.text.trim())
            } else {
                Vec::new()
            };
            form = all
                .into_iter()
                .filter(|(k, _)| PROTOCOL_PARAMS.contains(&k.as_str()))
                .collect();
        }
        let content_type = raw
            .response
            .content
            .mime_type
            .filter(|m| !m.is_empty())
            .or_else(|| {
                header(&raw.response.headers, "content-type")
                    .into_iter()
                    .next()
            });
        let error_text = error_text_of(
            &raw.response.content.text.text,
            raw.response.content.encoding.as_deref(),
            content_type.as_deref(),
            status,
            index,
            &mut notes,
        );
        let started = raw.started.as_deref().and_then(|s| {
            time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
                .ok()
        });
        Entry {
            index,
            started_raw: raw.started,
            started,
            time_ms: if raw.time.is_finite() { raw.time } else { 0.0 },
            method,
            url,
            status,
            location,
            form,
            has_cookie_data: !cookies_sent.is_empty(),
            cookies_sent,
            cookies_set,
            content_type,
            resource_type: raw.resource_type,
            error_text,
            notes,
        }
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status) && self.location.is_some()
    }

    /// A page load, a form post or a redirect — not a script, image or style sheet.
    pub fn is_navigation(&self) -> bool {
        if let Some(t) = &self.resource_type {
            return t == "document" || self.is_redirect();
        }
        self.method == "POST"
            || self.is_redirect()
            || self
                .content_type
                .as_deref()
                .is_some_and(|c| c.contains("html"))
    }
}

/// The visible text of a body that may say what went wrong: 4xx/5xx answers, and pages that
/// mention an error, cut to [`ERROR_TEXT_CAP`].
fn error_text_of(
    text: &str,
    encoding: Option<&str>,
    content_type: Option<&str>,
    status: u16,
    index: usize,
    notes: &mut Vec<String>,
) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let textual = ct.is_empty()
        || ct.contains("html")
        || ct.contains("json")
        || ct.contains("text")
        || ct.contains("xml");
    if !textual {
        return None;
    }
    let decoded;
    let body: &str = if encoding.is_some_and(|e| e.eq_ignore_ascii_case("base64")) {
        // A cut body may end mid-quantum: decode whole quanta only.
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let usable = &compact[..compact.len() - compact.len() % 4];
        match base64::engine::general_purpose::STANDARD.decode(usable) {
            Ok(bytes) => {
                decoded = String::from_utf8_lossy(&bytes).into_owned();
                &decoded
            }
            Err(_) => {
                notes.push(format!(
                    "entry {index}: the response body is marked base64 but is not valid base64; it was ignored"
                ));
                return None;
            }
        }
    } else {
        text
    };
    let lower_head: String = body
        .chars()
        .take(16 * 1024)
        .collect::<String>()
        .to_ascii_lowercase();
    let mentions_error = ["aadsts", "error", "not assigned", "denied", "invalid"]
        .iter()
        .any(|m| lower_head.contains(m));
    if status < 400 && !mentions_error {
        return None;
    }
    let visible = if ct.contains("html") || body.trim_start().starts_with('<') {
        visible_text(body)
    } else {
        body.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let mut end = visible.len().min(ERROR_TEXT_CAP);
    while !visible.is_char_boundary(end) {
        end -= 1;
    }
    let cut = visible[..end].trim().to_string();
    (!cut.is_empty()).then_some(cut)
}

/// Text of an HTML page without tags, scripts and styles, whitespace collapsed.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(8192));
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let rest = &lower[i..];
            let skip_to = if rest.starts_with("<script") {
                rest.find("</script").map(|e| i + e)
            } else if rest.starts_with("<style") {
                rest.find("</style").map(|e| i + e)
            } else {
                None
            };
            let from = skip_to.unwrap_or(i);
            match lower[from..].find('>') {
                Some(e) => i = from + e + 1,
                None => break,
            }
            out.push(' ');
        } else {
            let next = lower[i..].find('<').map(|e| i + e).unwrap_or(bytes.len());
            out.push_str(&html[i..next]);
            i = next;
        }
        if out.len() > 64 * 1024 {
            break;
        }
    }
    let decoded = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup_and_scripts() {
        let t = visible_text(
            "<html><head><style>p{}</style><script>var error='x'</script></head><body><h1>Error</h1><p>AADSTS50105: not&amp;assigned</p></body></html>",
        );
        assert_eq!(t, "Error AADSTS50105: not&assigned");
    }
}
