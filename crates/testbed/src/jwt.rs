//! Minimal HS256 JSON Web Tokens (RFC 7519 / RFC 7515) for the tokens this testbed issues.
//!
//! Hand-rolled on `hmac` + `sha2` rather than a JWT crate: only one algorithm is needed,
//! and this keeps the dependency tree (and compile time) small. Only `HS256` is accepted,
//! so `alg: none` and algorithm-confusion tokens fail verification.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtError {
    Malformed,
    UnsupportedAlgorithm,
    BadSignature,
    Expired,
    NotYetValid,
    WrongAudience,
    WrongIssuer,
}

impl JwtError {
    /// Text for `error_description` (no quotes or backslashes, per RFC 6750 §3).
    pub fn description(self) -> &'static str {
        match self {
            JwtError::Malformed => "The access token is malformed",
            JwtError::UnsupportedAlgorithm => "The access token uses an unsupported algorithm",
            JwtError::BadSignature => "The access token signature is invalid",
            JwtError::Expired => "The access token expired",
            JwtError::NotYetValid => "The access token is not valid yet",
            JwtError::WrongAudience => "The access token is for another audience",
            JwtError::WrongIssuer => "The access token is from another issuer",
        }
    }
}

fn mac(secret: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    HmacSha256::new_from_slice(secret).expect("HMAC takes any key length")
}

/// Sign `claims` with HS256.
pub fn sign(secret: &[u8], claims: &Value) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut m = mac(secret);
    m.update(signing_input.as_bytes());
    let sig = m.finalize().into_bytes();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// Whether `token` looks like a compact JWS at all (three dot-separated parts).
pub fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

fn decode_json(part: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(JwtError::Malformed),
    }
}

/// Verify signature, `exp`, `nbf`, `aud` and `iss`; return the claims.
pub fn verify(
    secret: &[u8],
    token: &str,
    issuer: &str,
    audience: &str,
    now: i64,
) -> Result<Map<String, Value>, JwtError> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header = decode_json(h)?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(JwtError::UnsupportedAlgorithm);
    }
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| JwtError::Malformed)?;
    let mut m = mac(secret);
    m.update(h.as_bytes());
    m.update(b".");
    m.update(c.as_bytes());
    m.verify_slice(&sig).map_err(|_| JwtError::BadSignature)?;
    let claims = decode_json(c)?;
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or(JwtError::Malformed)?;
    if now >= exp {
        return Err(JwtError::Expired);
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_i64)
        && now < nbf
    {
        return Err(JwtError::NotYetValid);
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == audience,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !aud_ok {
        return Err(JwtError::WrongAudience);
    }
    if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
        return Err(JwtError::WrongIssuer);
    }
    Ok(claims)
}

/// Scopes of a verified token: the space-separated `scope` claim.
pub fn scopes(claims: &Map<String, Value>) -> Vec<String> {
    claims
        .get("scope")
        .and_then(Value::as_str)
        .map(|s| s.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"k";

    fn claims(exp: i64) -> Value {
        json!({"iss": "http://x", "aud": "a", "exp": exp, "scope": "r w"})
    }

    #[test]
    fn round_trip() {
        let t = sign(KEY, &claims(100));
        assert!(looks_like_jwt(&t));
        let c = verify(KEY, &t, "http://x", "a", 50).unwrap();
        assert_eq!(scopes(&c), vec!["r", "w"]);
    }

    #[test]
    fn rejections() {
        let t = sign(KEY, &claims(100));
        assert_eq!(
            verify(KEY, &t, "http://x", "a", 100),
            Err(JwtError::Expired)
        );
        assert_eq!(
            verify(b"other", &t, "http://x", "a", 50),
            Err(JwtError::BadSignature)
        );
        assert_eq!(
            verify(KEY, &t, "http://y", "a", 50),
            Err(JwtError::WrongIssuer)
        );
        assert_eq!(
            verify(KEY, &t, "http://x", "b", 50),
            Err(JwtError::WrongAudience)
        );
        assert_eq!(
            verify(KEY, "a.b", "http://x", "a", 50),
            Err(JwtError::Malformed)
        );
        let mut parts: Vec<&str> = t.split('.').collect();
        let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
        parts[0] = &none_header;
        assert_eq!(
            verify(KEY, &parts.join("."), "http://x", "a", 50),
            Err(JwtError::UnsupportedAlgorithm)
        );
        // a tampered payload fails the signature
        let evil = URL_SAFE_NO_PAD.encode(claims(1_000_000).to_string());
        let tampered = format!(
            "{}.{}.{}",
            t.split('.').next().unwrap(),
            evil,
            t.split('.').nth(2).unwrap()
        );
        assert_eq!(
            verify(KEY, &tampered, "http://x", "a", 50),
            Err(JwtError::BadSignature)
        );
    }
}
