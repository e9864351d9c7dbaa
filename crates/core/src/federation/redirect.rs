//! Redirect URIs: the IdP compares the one the app sends with the registered ones as plain
//! strings. Preflight compares byte for byte and then names the first part that differs, and
//! applies Entra's registration rules.

use percent_encoding::percent_decode_str;

/// The parts of a URI as written (no normalisation: the IdP does none either).
#[derive(Debug, PartialEq)]
struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    port: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn split(uri: &str) -> Parts<'_> {
    let (scheme, rest) = uri.split_once("://").unwrap_or(("", uri));
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let authority = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
        _ => (authority, None),
    };
    Parts {
        scheme,
        host,
        port,
        path,
        query,
        fragment,
    }
}

/// Which part of the URI differs first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difference {
    Scheme,
    Host,
    Port,
    TrailingSlash,
    Case,
    PercentEncoding,
    Path,
    Query,
    Fragment,
    /// Same parts, different bytes (e.g. whitespace or user info).
    Other,
}

impl Difference {
    pub fn describe(self) -> &'static str {
        match self {
            Difference::Scheme => "the scheme differs (http vs https)",
            Difference::Host => "the host differs",
            Difference::Port => {
                "the port differs (an explicit default port counts as a difference)"
            }
            Difference::TrailingSlash => "one has a trailing slash and the other does not",
            Difference::Case => {
                "they differ only in upper/lower case; the comparison is case-sensitive"
            }
            Difference::PercentEncoding => "they differ only in percent-encoding",
            Difference::Path => "the path differs",
            Difference::Query => "the query string differs",
            Difference::Fragment => "one has a fragment (#…); redirect URIs must not",
            Difference::Other => "they differ in some other byte (whitespace, user info)",
        }
    }
}

/// `None` when identical byte for byte, else the first part that differs.
pub fn compare(registered: &str, sent: &str) -> Option<Difference> {
    if registered == sent {
        return None;
    }
    let (r, s) = (split(registered), split(sent));
    if r.scheme != s.scheme {
        return Some(if r.scheme.eq_ignore_ascii_case(s.scheme) {
            Difference::Case
        } else {
            Difference::Scheme
        });
    }
    if r.host != s.host {
        return Some(if r.host.eq_ignore_ascii_case(s.host) {
            Difference::Case
        } else {
            Difference::Host
        });
    }
    if r.port != s.port {
        return Some(Difference::Port);
    }
    if r.path != s.path {
        let (rp, sp) = (r.path.trim_end_matches('/'), s.path.trim_end_matches('/'));
        if rp == sp {
            return Some(Difference::TrailingSlash);
        }
        if rp.eq_ignore_ascii_case(sp) {
            return Some(Difference::Case);
        }
        let decode = |p: &str| percent_decode_str(p).decode_utf8_lossy().into_owned();
        if decode(rp) == decode(sp) {
            return Some(Difference::PercentEncoding);
        }
        return Some(Difference::Path);
    }
    if r.query != s.query {
        return Some(Difference::Query);
    }
    if r.fragment != s.fragment {
        return Some(Difference::Fragment);
    }
    Some(Difference::Other)
}

/// Loopback redirect URIs whose only difference is the port: accepted by Entra for
/// `localhost` and by RFC 8252 §7.3 for native apps on loopback IPs.
pub fn loopback_port_only(registered: &str, sent: &str) -> bool {
    let (r, s) = (split(registered), split(sent));
    r.scheme == "http"
        && s.scheme == "http"
        && r.host == s.host
        && matches!(r.host, "localhost" | "127.0.0.1" | "[::1]")
        && r.path == s.path
        && r.query == s.query
        && r.fragment == s.fragment
}

/// Problems any IdP has with a redirect URI (RFC 6749 §3.1.2).
pub fn generic_problems(uri: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !uri.contains("://") {
        out.push(format!("{uri} is not an absolute URI"));
    }
    if uri.contains('#') {
        out.push(format!(
            "{uri} contains a fragment (#…), which redirect URIs must not have"
        ));
    }
    if uri.trim() != uri {
        out.push("leading or trailing whitespace (a copy/paste slip)".into());
    }
    out
}

/// Microsoft Entra's registration rules for redirect (reply) URIs.
pub fn entra_problems(uri: &str) -> Vec<String> {
    let mut out = Vec::new();
    let p = split(uri);
    if p.scheme != "https" && !(p.scheme == "http" && p.host == "localhost") {
        out.push("Entra requires https (only http://localhost is allowed without TLS)".into());
    }
    if uri.contains('*') {
        out.push("wildcards are not supported for Entra redirect URIs".into());
    }
    let bad: Vec<char> = uri.chars().filter(|c| "!$'(),;".contains(*c)).collect();
    if !bad.is_empty() {
        out.push(format!(
            "Entra refuses the characters {}",
            bad.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    if uri.len() > 256 {
        out.push(format!(
            "{} characters; Entra allows at most 256",
            uri.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_first_difference() {
        assert_eq!(compare("https://a/cb", "https://a/cb"), None);
        assert_eq!(
            compare("https://a/cb", "http://a/cb"),
            Some(Difference::Scheme)
        );
        assert_eq!(
            compare("https://a/cb", "https://b/cb"),
            Some(Difference::Host)
        );
        assert_eq!(
            compare("https://a/cb", "https://A/cb"),
            Some(Difference::Case)
        );
        assert_eq!(
            compare("https://a/cb", "https://a:443/cb"),
            Some(Difference::Port)
        );
        assert_eq!(
            compare("https://a/cb", "https://a/cb/"),
            Some(Difference::TrailingSlash)
        );
        assert_eq!(
            compare("https://a/Cb", "https://a/cb"),
            Some(Difference::Case)
        );
        assert_eq!(
            compare("https://a/c%20b", "https://a/c b"),
            Some(Difference::PercentEncoding)
        );
        assert_eq!(
            compare("https://a/cb", "https://a/other"),
            Some(Difference::Path)
        );
        assert_eq!(
            compare("https://a/cb?x=1", "https://a/cb?x=2"),
            Some(Difference::Query)
        );
        assert_eq!(
            compare("https://a/cb", "https://a/cb#f"),
            Some(Difference::Fragment)
        );
        assert!(loopback_port_only(
            "http://localhost:3000/cb",
            "http://localhost:5000/cb"
        ));
        assert!(!loopback_port_only(
            "https://a:3000/cb",
            "https://a:5000/cb"
        ));
    }

    #[test]
    fn entra_rules() {
        assert!(entra_problems("https://app.example/cb").is_empty());
        assert!(entra_problems("http://localhost:8080/cb").is_empty());
        assert_eq!(entra_problems("http://app.example/*/cb;x").len(), 3);
        assert!(!generic_problems("https://a/cb#x").is_empty());
    }
}
