//! JSON Web Key Sets (RFC 7517): is the set usable, and which key verifies a token.

use base64::Engine;
use serde_json::Value;

/// A public signing key read from a JWKS.
#[derive(Clone, Debug, PartialEq)]
pub enum PublicKey {
    /// RSA modulus and exponent, big-endian bytes.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// P-256 point coordinates.
    EcP256 { x: Vec<u8>, y: Vec<u8> },
}

#[derive(Clone, Debug)]
pub struct Jwk {
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub key: Option<PublicKey>,
    /// Why the key cannot be used for signatures, if it cannot.
    pub unusable: Option<String>,
}

/// What a JWKS document holds, and what is wrong with it.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    pub keys: Vec<Jwk>,
    /// Errors: the set cannot serve token verification as it is.
    pub errors: Vec<String>,
    /// SHOULD-level findings (e.g. repeated `kid`).
    pub warnings: Vec<String>,
}

fn b64url(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()
}

fn strip_zeros(mut v: Vec<u8>) -> Vec<u8> {
    while v.len() > 1 && v[0] == 0 {
        v.remove(0);
    }
    v
}

fn read_key(k: &Value) -> Jwk {
    let s = |name: &str| k.get(name).and_then(Value::as_str);
    let mut jwk = Jwk {
        kid: s("kid").map(str::to_string),
        alg: s("alg").map(str::to_string),
        key: None,
        unusable: None,
    };
    if s("use") == Some("enc") {
        jwk.unusable = Some("marked `use: enc` (encryption only)".into());
        return jwk;
    }
    match s("kty") {
        None => jwk.unusable = Some("has no `kty`".into()),
        Some("RSA") => match (s("n").and_then(b64url), s("e").and_then(b64url)) {
            (Some(n), Some(e)) => {
                let n = strip_zeros(n);
                if n.len() * 8 < 2048 {
                    jwk.unusable = Some(format!(
                        "RSA key of {} bits (at least 2048 needed)",
                        n.len() * 8
                    ));
                } else {
                    jwk.key = Some(PublicKey::Rsa {
                        n,
                        e: strip_zeros(e),
                    });
                }
            }
            _ => jwk.unusable = Some("RSA key without valid base64url `n`/`e`".into()),
        },
        Some("EC") => match (s("crv"), s("x").and_then(b64url), s("y").and_then(b64url)) {
            (Some("P-256"), Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
                jwk.key = Some(PublicKey::EcP256 { x, y })
            }
            (Some(crv), ..) if crv != "P-256" => {
                jwk.unusable = Some(format!("EC curve {crv} is not supported (P-256/ES256 is)"))
            }
            _ => jwk.unusable = Some("EC key without valid P-256 `x`/`y`".into()),
        },
        Some(other) => {
            jwk.unusable = Some(format!(
                "key type `{other}` cannot verify RS*/PS*/ES256 signatures"
            ))
        }
    }
    jwk
}

/// Read and judge a JWKS document.
pub fn parse(doc: &Value) -> KeySet {
    let mut set = KeySet::default();
    let Some(keys) = doc.get("keys").and_then(Value::as_array) else {
        set.errors.push("no `keys` array".into());
        return set;
    };
    if keys.is_empty() {
        set.errors.push("`keys` is empty".into());
        return set;
    }
    set.keys = keys.iter().map(read_key).collect();
    let mut seen = std::collections::BTreeSet::new();
    for (i, k) in set.keys.iter().enumerate() {
        match &k.kid {
            Some(kid) if !seen.insert(kid.clone()) => set
                .warnings
                .push(format!("`kid` {kid} appears more than once")),
            None if keys.len() > 1 => set.warnings.push(format!(
                "key #{} has no `kid`; tokens cannot name it",
                i + 1
            )),
            _ => {}
        }
        if let Some(reason) = &k.unusable {
            let name = k.kid.clone().unwrap_or_else(|| format!("#{}", i + 1));
            if reason.contains("no `kty`") {
                set.errors.push(format!("key {name} {reason}"));
            } else {
                set.warnings.push(format!("key {name}: {reason}"));
            }
        }
    }
    if !set.keys.iter().any(|k| k.key.is_some()) {
        set.errors
            .push("no key in the set can verify signatures".into());
    }
    set
}

impl KeySet {
    /// The key for a token header: by `kid`, or the only usable key when the token names none.
    pub fn find(&self, kid: Option<&str>) -> Option<&PublicKey> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|k| k.kid.as_deref() == Some(kid))
                .and_then(|k| k.key.as_ref()),
            None => {
                let usable: Vec<&PublicKey> =
                    self.keys.iter().filter_map(|k| k.key.as_ref()).collect();
                (usable.len() == 1).then(|| usable[0])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn judges_key_sets() {
        let n = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xC5u8; 256]);
        let good = parse(&json!({"keys":[{"kty":"RSA","kid":"a","n":n,"e":"AQAB"}]}));
        assert!(
            good.errors.is_empty() && good.find(Some("a")).is_some() && good.find(None).is_some()
        );
        assert!(!parse(&json!({"keys":[]})).errors.is_empty());
        assert!(!parse(&json!({"nokeys":1})).errors.is_empty());
        let dup = parse(
            &json!({"keys":[{"kty":"RSA","kid":"a","n":n,"e":"AQAB"},{"kty":"RSA","kid":"a","n":n,"e":"AQAB"}]}),
        );
        assert!(dup.errors.is_empty() && dup.warnings[0].contains("more than once"));
        let weak =
            parse(&json!({"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"},{"kid":"b"}]}));
        assert!(
            weak.errors.iter().any(|e| e.contains("kty"))
                && weak.errors.iter().any(|e| e.contains("no key"))
        );
    }
}
