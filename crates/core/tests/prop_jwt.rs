//! Property tests: reading a JWT never panics on what an admin pastes, decodes exactly what
//! was encoded, and signature verification never accepts a token it cannot verify.

mod prop_support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use preflight_core::federation::{jwks, jwt_verify};
use preflight_core::jwt::UnverifiedJwt;
use prop_support::{config, hostile_text, json_value};
use proptest::prelude::*;
use serde_json::Value;

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

/// Three dot-separated parts that are each plausible (base64url, junk, or encoded JSON).
fn token_like() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        "[A-Za-z0-9_-]{0,40}",
        hostile_text(6),
        json_value().prop_map(|v| b64(&v)),
    ];
    proptest::collection::vec(part, 1..5).prop_map(|p| p.join("."))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decode_arbitrary_text(token in prop_oneof![hostile_text(40), token_like()]) {
        if let Some(jwt) = UnverifiedJwt::decode(&token) {
            prop_assert!(jwt.header.is_object() && jwt.claims.is_object());
            let _ = (jwt.exp(), jwt.scopes(), jwt.has_scope_claims(), jwt.claim_str("iss"));
        }
    }

    /// Objects encoded as a JWT decode back to the same values, with or without padding
    /// and surrounding whitespace (a pasted token often has a trailing newline).
    #[test]
    fn decode_round_trips(header in json_value(), claims in json_value(), pad in any::<bool>()) {
        let obj = |v: Value| if v.is_object() { v } else { serde_json::json!({"v": v}) };
        let (header, claims) = (obj(header), obj(claims));
        let mut h = b64(&header);
        if pad {
            while !h.len().is_multiple_of(4) {
                h.push('=');
            }
        }
        let token = format!(" {h}.{}.sig\n", b64(&claims));
        let jwt = UnverifiedJwt::decode(&token).expect("an encoded JWT decodes");
        // Compared with what a JSON parser reads from the same text (floats are read to the
        // nearest value serde_json's fast path gives, not bit-exactly).
        let reread = |v: &Value| serde_json::from_str::<Value>(&v.to_string()).unwrap();
        prop_assert_eq!(jwt.header, reread(&header));
        prop_assert_eq!(jwt.claims, reread(&claims));
    }

    /// Scopes are read from string or array claims without panicking; every scope returned
    /// is an array item or a whitespace-free word of a string claim.
    #[test]
    fn scopes_from_arbitrary_claims(scope in json_value(), scp in json_value(), roles in json_value()) {
        let claims = serde_json::json!({"scope": scope, "scp": scp, "roles": roles});
        let token = format!("{}.{}.x", b64(&serde_json::json!({"alg":"none"})), b64(&claims));
        let jwt = UnverifiedJwt::decode(&token).unwrap();
        let mut allowed: Vec<String> = Vec::new();
        for v in [&scope, &scp, &roles] {
            match v {
                Value::String(s) => allowed.extend(s.split_whitespace().map(str::to_string)),
                Value::Array(a) => allowed.extend(a.iter().filter_map(Value::as_str).map(str::to_string)),
                _ => {}
            }
        }
        for s in jwt.scopes() {
            prop_assert!(allowed.contains(&s), "{:?} not in {:?}", s, allowed);
        }
    }

    /// Without keys nothing verifies; with arbitrary JWKS documents nothing panics and a
    /// random token never verifies.
    #[test]
    fn verify_never_accepts_junk(token in token_like(), doc in json_value()) {
        let keys = jwks::parse(&doc);
        prop_assert!(jwt_verify::verify_signature(&token, &keys).is_err());
    }
}
