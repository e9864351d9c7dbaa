//! URL and form parameters of HAR entries, and masking them for display: the query, the
//! fragment (which browsers never send, so it is only seen in a `Location`), and
//! `application/x-www-form-urlencoded` bodies.

use crate::redact::{MASK, Redactor};

/// Parameter names whose values are credentials or one-time codes (compared lower-case).
/// A superset of the names `crate::redact` masks, plus the IdP login-form fields.
pub const SECRET_PARAMS: &[&str] = &[
    "code",
    "id_token",
    "access_token",
    "refresh_token",
    "token",
    "client_secret",
    "client_assertion",
    "assertion",
    "samlresponse",
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "otp",
    "passcode",
    "credentials.passcode",
    "logintoken",
    "session_state",
    "sessiontoken",
];

/// Is this parameter or field name one whose value must never be shown?
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_PARAMS.contains(&lower.as_str())
        || lower.contains("password")
        || lower.contains("secret")
        || lower.ends_with("_token")
        || lower.ends_with("token")
}

/// Decoded `name=value` pairs of a query string, fragment or form body.
pub fn pairs(encoded: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(encoded.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The first value of `name` in `pairs`.
pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The URL without its fragment.
pub fn without_fragment(url: &str) -> &str {
    url.split_once('#').map(|(u, _)| u).unwrap_or(url)
}

/// The URL without query and fragment (`scheme://host[:port]/path`).
pub fn base_of(url: &str) -> &str {
    let u = without_fragment(url);
    u.split_once('?').map(|(u, _)| u).unwrap_or(u)
}

/// `scheme://host[:port]` of a URL.
pub fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    match parsed.origin() {
        url::Origin::Tuple(..) => Some(parsed.origin().ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

/// Host (lower-case) of a URL.
pub fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

/// Resolve a `Location` against the URL it came from.
pub fn resolve(base: &str, location: &str) -> String {
    match url::Url::parse(base).and_then(|b| b.join(location)) {
        Ok(u) => u.to_string(),
        Err(_) => location.to_string(),
    }
}

/// Query pairs of a URL.
pub fn query_of(url: &str) -> Vec<(String, String)> {
    let u = without_fragment(url);
    u.split_once('?').map(|(_, q)| pairs(q)).unwrap_or_default()
}

/// Fragment pairs of a URL.
pub fn fragment_of(url: &str) -> Vec<(String, String)> {
    url.split_once('#')
        .map(|(_, f)| pairs(f))
        .unwrap_or_default()
}

/// Mask secret parameter values in an encoded query/fragment/form string, keeping the rest
/// byte for byte.
fn mask_encoded(encoded: &str) -> String {
    encoded
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !v.is_empty() => {
                let name = percent_encoding::percent_decode_str(k).decode_utf8_lossy();
                if is_secret_name(&name) {
                    format!("{k}={MASK}")
                } else {
                    pair.to_string()
                }
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A URL safe to show: secret query and fragment values masked, then the shared redactor
/// (user info, JWT-shaped values, credential-named fields).
pub fn mask_url(url: &str) -> String {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let mut out = match rest.split_once('?') {
        Some((b, q)) => format!("{b}?{}", mask_encoded(q)),
        None => rest.to_string(),
    };
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&mask_encoded(f));
    }
    Redactor::new().url(&out)
}

/// Mask a free text for display (error pages, descriptions).
pub fn mask_text(text: &str) -> String {
    Redactor::new().text(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_query_and_fragment_secrets() {
        let m = mask_url("https://app/cb?code=abc&state=s1#id_token=xyz&state=s2&passwd=p");
        assert_eq!(
            m,
            "https://app/cb?code=***&state=s1#id_token=***&state=s2&passwd=***"
        );
        assert_eq!(base_of("https://a/b?c=1#d"), "https://a/b");
        assert_eq!(resolve("https://a/b/c", "/x?y=1"), "https://a/x?y=1");
        assert_eq!(get(&query_of("https://a/?a=1&b=%20"), "b"), Some(" "));
        assert!(is_secret_name("UserPassword") && is_secret_name("SAMLResponse"));
        assert!(!is_secret_name("state") && !is_secret_name("client_id"));
    }
}
