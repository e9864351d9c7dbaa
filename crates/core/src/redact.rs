//! One redaction pass for every output: exchanges, reports, HAR, events, errors.
//!
//! Redaction happens when an exchange is *recorded*, so nothing downstream (checks,
//! reports, the UI) ever holds a credential. Three layers, each cheap:
//! 1. exact values the run knows are secret (the token, a client secret, a fetched access token);
//! 2. names that always carry credentials (`Authorization`, cookies, `password`, `client_secret`,
//!    `access_token` … in headers, query strings, form bodies and JSON);
//! 3. anything shaped like a JWT, replaced by its non-sensitive header and claims.

use base64::Engine;
use regex::Regex;
use std::sync::{Arc, OnceLock, RwLock};

use crate::secret::Secret;

/// What a redacted value is replaced with.
pub const MASK: &str = "***";

/// Header names whose values are always masked (compared lower-case).
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
];

/// Parameter and JSON member names whose values are always masked (compared lower-case).
const SECRET_FIELDS: &[&str] = &[
    "password",
    "client_secret",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "secret",
    "code",
    "assertion",
    "client_assertion",
    "samlresponse",
];

/// The run's redactor. Cloning shares the list of known secrets.
#[derive(Clone, Default)]
pub struct Redactor {
    known: Arc<RwLock<Vec<Secret>>>,
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Remember a value that must never appear in any output (ignored when shorter than 4
    /// characters, which would mask half of every body).
    pub fn add(&self, secret: &Secret) {
        let value = secret.expose().trim();
        if value.len() < 4 {
            return;
        }
        let mut known = self.known.write().expect("redactor lock");
        if !known.iter().any(|k| k.expose() == value) {
            known.push(Secret::new(value));
            // Longest first, so a token that contains another is masked whole.
            known.sort_by_key(|k| std::cmp::Reverse(k.expose().len()));
        }
    }

    /// Mask every known secret, credential-named field and JWT in free text.
    pub fn text(&self, input: &str) -> String {
        let mut out = input.to_string();
        for secret in self.known.read().expect("redactor lock").iter() {
            if out.contains(secret.expose()) {
                out = out.replace(secret.expose(), MASK);
            }
        }
        out = mask_jwts(&out);
        out = mask_auth_schemes(&out);
        mask_named_fields(&out)
    }

    /// Mask a header value; credential-carrying headers keep only their scheme.
    pub fn header(&self, name: &str, value: &str) -> String {
        let lower = name.to_ascii_lowercase();
        if SECRET_HEADERS.contains(&lower.as_str()) {
            return match value.split_once(' ') {
                Some((scheme, _)) if lower.ends_with("authorization") => format!("{scheme} {MASK}"),
                _ => MASK.to_string(),
            };
        }
        self.text(value)
    }

    /// Mask credentials in a URL (query parameters and userinfo).
    pub fn url(&self, url: &str) -> String {
        let masked = match url::Url::parse(url) {
            Ok(mut parsed) => {
                if parsed.password().is_some() {
                    let _ = parsed.set_password(Some(MASK));
                }
                parsed.to_string()
            }
            Err(_) => url.to_string(),
        };
        self.text(&masked)
    }
}

fn jwt_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
            .expect("jwt regex")
    })
}

fn field_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let names = SECRET_FIELDS.join("|");
        // JSON `"name": "value"`, and `name=value` in query strings, form bodies and free text
        // (error messages and log lines echoed by servers: `… password=hunter2 …`).
        Regex::new(&format!(
            r#"(?i)("(?:{names})"\s*:\s*)"(?:[^"\\]|\\.)*"|([?&;,\s]|^)((?:{names})=)[^&\s"]*"#
        ))
        .expect("field regex")
    })
}

/// `Bearer <token>` / `Basic <credentials>` in free text (an echoed header, a log line): the
/// scheme is kept, the credential masked. Short words (`Bearer error=…`) are not credentials.
fn mask_auth_schemes(input: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/-]{16,}=*").expect("auth scheme regex")
    });
    re.replace_all(input, |caps: &regex::Captures<'_>| {
        format!("{}{}{MASK}", &caps[1], &caps[2])
    })
    .into_owned()
}

fn mask_named_fields(input: &str) -> String {
    field_pattern()
        .replace_all(input, |caps: &regex::Captures<'_>| {
            if let Some(json_key) = caps.get(1) {
                format!("{}\"{MASK}\"", json_key.as_str())
            } else {
                format!("{}{}{MASK}", &caps[2], &caps[3])
            }
        })
        .into_owned()
}

/// Replace each JWT by a readable summary of its header and harmless claims, so support can
/// still see issuer, audience and expiry without the token being replayable.
fn mask_jwts(input: &str) -> String {
    jwt_pattern()
        .replace_all(input, |caps: &regex::Captures<'_>| summarise_jwt(&caps[0]))
        .into_owned()
}

/// Claims safe to show: they identify the issuer and lifetime, not the bearer's power.
const SAFE_CLAIMS: &[&str] = &[
    "iss", "aud", "exp", "nbf", "iat", "tid", "ver", "scope", "scp", "roles", "azp", "appid",
];

fn summarise_jwt(token: &str) -> String {
    let mut parts = token.split('.');
    let decode = |p: Option<&str>| -> Option<serde_json::Value> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p?.trim_end_matches('='))
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    let header = decode(parts.next());
    let claims = decode(parts.next());
    let mut shown = serde_json::Map::new();
    if let Some(serde_json::Value::Object(h)) = header {
        for key in ["alg", "typ", "kid"] {
            if let Some(v) = h.get(key) {
                shown.insert(key.to_string(), v.clone());
            }
        }
    }
    if let Some(serde_json::Value::Object(c)) = claims {
        for key in SAFE_CLAIMS {
            if let Some(v) = c.get(*key) {
                shown.insert((*key).to_string(), v.clone());
            }
        }
    }
    format!("[JWT redacted {}]", serde_json::Value::Object(shown)).replace('"', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!(
            "{}.{}.c2lnbmF0dXJlLWJ5dGVz",
            e(r#"{"alg":"RS256","typ":"JWT"}"#),
            e(claims)
        )
    }

    #[test]
    fn known_secret_is_masked_everywhere() {
        let r = Redactor::new();
        r.add(&Secret::new("canary-S3cr3t"));
        assert_eq!(r.text("body canary-S3cr3t end"), "body *** end");
        assert_eq!(r.url("https://h/x?q=canary-S3cr3t"), "https://h/x?q=***");
    }

    #[test]
    fn authorization_keeps_only_the_scheme() {
        let r = Redactor::new();
        assert_eq!(r.header("Authorization", "Bearer abc.def"), "Bearer ***");
        assert_eq!(r.header("cookie", "sid=1"), "***");
        assert_eq!(
            r.header("content-type", "application/scim+json"),
            "application/scim+json"
        );
    }

    #[test]
    fn named_fields_are_masked_in_json_query_and_form() {
        let r = Redactor::new();
        assert_eq!(
            r.text(r#"{"password":"hunter2","userName":"a"}"#),
            r#"{"password":"***","userName":"a"}"#
        );
        assert_eq!(
            r.url("https://h/cb?code=abc&state=1"),
            "https://h/cb?code=***&state=1"
        );
        assert_eq!(
            r.text("grant_type=client_credentials&client_secret=xyz&scope=a"),
            "grant_type=client_credentials&client_secret=***&scope=a"
        );
    }

    #[test]
    fn named_fields_are_masked_in_free_text() {
        let r = Redactor::new();
        assert_eq!(
            r.text("login failed: user=a password=hunter2 retry"),
            "login failed: user=a password=*** retry"
        );
        assert_eq!(r.text("a;client_secret=xyz"), "a;client_secret=***");
        assert_eq!(r.text("userpassword=x"), "userpassword=x");
        assert_eq!(
            r.text("echo: bearer abcdefghijklmnop1234 end"),
            "echo: bearer *** end"
        );
        assert_eq!(
            r.text(r#"Bearer error="invalid_token""#),
            r#"Bearer error="invalid_token""#
        );
    }

    #[test]
    fn jwt_is_replaced_by_its_safe_claims() {
        let token = jwt(r#"{"iss":"https://issuer","sub":"secret-subject","exp":1700000000}"#);
        let out = Redactor::new().text(&format!("token {token} end"));
        assert!(!out.contains(&token));
        assert!(out.contains("https://issuer"));
        assert!(out.contains("1700000000"));
        assert!(!out.contains("secret-subject"));
    }
}
