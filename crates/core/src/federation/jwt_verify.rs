//! Verifying a JWT access token the way a careful resource server does: an allowlist of
//! algorithms (never `none`, never HS* with a public key), the key named by `kid`, the
//! signature (via `ring`), then `iss`, `aud`, `exp` and `nbf` with leeway.

use base64::Engine;
use ring::signature;
use serde_json::Value;

use super::CLOCK_LEEWAY_SECS;
use super::jwks::{KeySet, PublicKey};
use crate::jwt::UnverifiedJwt;

/// Algorithms Preflight accepts for access tokens.
pub const ALLOWED_ALGS: &[&str] = &["RS256", "RS384", "RS512", "PS256", "ES256"];

/// Why a token could not be verified, split by which diagnosis it points to.
#[derive(Debug, PartialEq)]
pub enum VerifyError {
    /// Not a three-part JWT with JSON header and claims.
    Malformed,
    /// `alg` not on the allowlist.
    Algorithm(String),
    /// `kid` not in the key set (after the caller's one refetch).
    UnknownKey(Option<String>),
    /// The key's type does not fit `alg`.
    KeyMismatch(String),
    BadSignature,
}

/// The signature check only; claims are judged separately by [`claim_problems`].
pub fn verify_signature(token: &str, keys: &KeySet) -> Result<UnverifiedJwt, VerifyError> {
    let jwt = UnverifiedJwt::decode(token).ok_or(VerifyError::Malformed)?;
    let alg = jwt
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !ALLOWED_ALGS.contains(&alg.as_str()) {
        return Err(VerifyError::Algorithm(alg));
    }
    let kid = jwt.header.get("kid").and_then(Value::as_str);
    let key = keys
        .find(kid)
        .ok_or_else(|| VerifyError::UnknownKey(kid.map(str::to_string)))?;
    let token = token.trim();
    let (signed, sig_b64) = token.rsplit_once('.').ok_or(VerifyError::Malformed)?;
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sig_b64.trim_end_matches('='))
        .map_err(|_| VerifyError::Malformed)?;
    let ok = match (key, alg.as_str()) {
        (PublicKey::Rsa { n, e }, a) if a.starts_with("RS") || a.starts_with("PS") => {
            let params: &signature::RsaParameters = match a {
                "RS256" => &signature::RSA_PKCS1_2048_8192_SHA256,
                "RS384" => &signature::RSA_PKCS1_2048_8192_SHA384,
                "RS512" => &signature::RSA_PKCS1_2048_8192_SHA512,
                _ => &signature::RSA_PSS_2048_8192_SHA256,
            };
            signature::RsaPublicKeyComponents {
                n: n.as_slice(),
                e: e.as_slice(),
            }
            .verify(params, signed.as_bytes(), &sig)
            .is_ok()
        }
        (PublicKey::EcP256 { x, y }, "ES256") => {
            let mut point = Vec::with_capacity(65);
            point.push(4);
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(signed.as_bytes(), &sig)
                .is_ok()
        }
        _ => return Err(VerifyError::KeyMismatch(alg)),
    };
    if ok {
        Ok(jwt)
    } else {
        Err(VerifyError::BadSignature)
    }
}

/// What the app expects of a token's claims.
pub struct Expectations<'a> {
    pub issuer: &'a str,
    pub audience: Option<&'a str>,
    /// Unix seconds.
    pub now: i64,
}

/// Claim problems (`iss`, `aud`, `exp`, `nbf`); empty when the token is acceptable.
pub fn claim_problems(jwt: &UnverifiedJwt, want: &Expectations<'_>) -> Vec<String> {
    let mut out = Vec::new();
    match jwt.claim_str("iss") {
        Some(iss) if iss == want.issuer => {}
        Some(iss) => out.push(format!("`iss` is {iss}, expected exactly {}", want.issuer)),
        None => out.push("no `iss` claim".into()),
    }
    let auds: Vec<String> = match jwt.claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    if let Some(aud) = want.audience
        && !auds.iter().any(|a| a == aud)
    {
        out.push(if auds.is_empty() {
            format!("no `aud` claim (expected {aud})")
        } else {
            format!("`aud` is {}, expected {aud}", auds.join(", "))
        });
    }
    match jwt.claims.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp + CLOCK_LEEWAY_SECS < want.now => {
            out.push(format!("expired {} s ago (`exp` {exp})", want.now - exp))
        }
        Some(_) => {}
        None => out.push("no `exp` claim".into()),
    }
    if let Some(nbf) = jwt.claims.get("nbf").and_then(Value::as_i64)
        && nbf - CLOCK_LEEWAY_SECS > want.now
    {
        out.push(format!(
            "not valid for another {} s (`nbf` {nbf})",
            nbf - want.now
        ));
    }
    out
}

/// The token's audience(s) as text, for notes.
pub fn audiences(jwt: &UnverifiedJwt) -> String {
    match jwt.claims.get("aud") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        _ => "(none)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(header: &str, claims: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.c2ln", e(header), e(claims))
    }

    #[test]
    fn refuses_none_and_hmac_and_unknown_keys() {
        let keys = super::super::jwks::parse(&json!({"keys":[]}));
        assert_eq!(
            verify_signature(&token(r#"{"alg":"none"}"#, "{}"), &keys).unwrap_err(),
            VerifyError::Algorithm("none".into())
        );
        assert_eq!(
            verify_signature(&token(r#"{"alg":"HS256"}"#, "{}"), &keys).unwrap_err(),
            VerifyError::Algorithm("HS256".into())
        );
        assert_eq!(
            verify_signature(&token(r#"{"alg":"RS256","kid":"k"}"#, "{}"), &keys).unwrap_err(),
            VerifyError::UnknownKey(Some("k".into()))
        );
        assert_eq!(
            verify_signature("abc", &keys).unwrap_err(),
            VerifyError::Malformed
        );
    }

    #[test]
    fn claims_with_leeway() {
        let jwt = UnverifiedJwt::decode(&token(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://i","aud":["a","b"],"exp":1000,"nbf":900}"#,
        ))
        .unwrap();
        let ok = Expectations {
            issuer: "https://i",
            audience: Some("b"),
            now: 1200,
        };
        assert!(claim_problems(&jwt, &ok).is_empty());
        let late = Expectations {
            issuer: "https://i/",
            audience: Some("c"),
            now: 1301,
        };
        assert_eq!(claim_problems(&jwt, &late).len(), 3);
        let early = Expectations {
            issuer: "https://i",
            audience: None,
            now: 599,
        };
        assert!(claim_problems(&jwt, &early)[0].contains("not valid"));
    }
}
