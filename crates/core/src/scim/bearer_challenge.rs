//! Reads a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3): the `error`,
//! `error_description` and `scope` parameters tell an expired token from a wrong one and
//! name the missing scope.

#[derive(Debug, Default, PartialEq)]
pub struct BearerChallenge {
    pub scheme: String,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub scope: Option<String>,
    pub realm: Option<String>,
}

impl BearerChallenge {
    pub fn parse(header: &str) -> BearerChallenge {
        let header = header.trim();
        let (scheme, params) = header
            .split_once(char::is_whitespace)
            .unwrap_or((header, ""));
        let mut challenge = BearerChallenge {
            scheme: scheme.to_string(),
            ..Default::default()
        };
        for (key, value) in split_params(params) {
            match key.to_ascii_lowercase().as_str() {
                "error" => challenge.error = Some(value),
                "error_description" => challenge.error_description = Some(value),
                "scope" => challenge.scope = Some(value),
                "realm" => challenge.realm = Some(value),
                _ => {}
            }
        }
        challenge
    }

    /// The server says the token is expired (RFC 6750 `invalid_token` with a description
    /// mentioning expiry; there is no dedicated error code).
    pub fn says_expired(&self) -> bool {
        self.error.as_deref() == Some("invalid_token")
            && self
                .error_description
                .as_deref()
                .is_some_and(|d| d.to_ascii_lowercase().contains("expire"))
    }
}

/// `a="x, y", b=z` → [(a, "x, y"), (b, z)], honouring quoted strings and `\` escapes.
fn split_params(input: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',')).collect();
        if key.trim().is_empty() {
            break;
        }
        if chars.next() != Some('=') {
            continue;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => break,
                    other => value.push(other),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ','))
                .collect::<String>()
                .trim()
                .to_string();
        }
        out.push((key.trim().to_string(), value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc6750_examples() {
        let c = BearerChallenge::parse(
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#,
        );
        assert_eq!(c.scheme, "Bearer");
        assert_eq!(c.realm.as_deref(), Some("example"));
        assert!(c.says_expired());
        let c = BearerChallenge::parse(r#"Bearer error="insufficient_scope", scope="scim.write""#);
        assert_eq!(c.scope.as_deref(), Some("scim.write"));
        assert!(!c.says_expired());
        assert_eq!(BearerChallenge::parse("Bearer").scheme, "Bearer");
    }
}
