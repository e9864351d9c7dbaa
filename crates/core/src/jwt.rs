//! Reading a JWT *without trusting it*: Preflight decodes an admin's token to warn about
//! expiry and scopes before anything is sent. Nothing here verifies a signature — the
//! target does that; we only read what the token claims about itself.

use base64::Engine;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedJwt {
    pub header: Value,
    pub claims: Value,
}

impl UnverifiedJwt {
    /// `None` when the value is not a three-part JWT with JSON header and claims.
    pub fn decode(token: &str) -> Option<UnverifiedJwt> {
        let mut parts = token.trim().split('.');
        let (h, c, _sig) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let decode = |p: &str| -> Option<Value> {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p.trim_end_matches('='))
                .ok()?;
            let v: Value = serde_json::from_slice(&bytes).ok()?;
            v.is_object().then_some(v)
        };
        Some(UnverifiedJwt {
            header: decode(h)?,
            claims: decode(c)?,
        })
    }

    pub fn exp(&self) -> Option<i64> {
        self.claims.get("exp").and_then(Value::as_i64)
    }

    /// Scopes and roles the token claims: `scope`/`scp` (space-separated) and `roles`.
    pub fn scopes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for key in ["scope", "scp"] {
            match self.claims.get(key) {
                Some(Value::String(s)) => out.extend(s.split_whitespace().map(str::to_string)),
                Some(Value::Array(a)) => {
                    out.extend(a.iter().filter_map(Value::as_str).map(str::to_string))
                }
                _ => {}
            }
        }
        if let Some(Value::Array(roles)) = self.claims.get("roles") {
            out.extend(roles.iter().filter_map(Value::as_str).map(str::to_string));
        }
        out
    }

    /// Does the token say anything about its permissions at all?
    pub fn has_scope_claims(&self) -> bool {
        ["scope", "scp", "roles"]
            .iter()
            .any(|k| self.claims.get(*k).is_some())
    }

    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_claims_and_scopes() {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let token = format!(
            "{}.{}.sig",
            e(r#"{"alg":"HS256"}"#),
            e(r#"{"exp":10,"scope":"scim.read scim.write","roles":["r"]}"#)
        );
        let jwt = UnverifiedJwt::decode(&token).unwrap();
        assert_eq!(jwt.exp(), Some(10));
        assert_eq!(jwt.scopes(), vec!["scim.read", "scim.write", "r"]);
        assert!(UnverifiedJwt::decode("scim_abcdef").is_none());
        assert!(UnverifiedJwt::decode("a.b.c").is_none());
    }
}
