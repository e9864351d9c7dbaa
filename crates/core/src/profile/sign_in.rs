//! What a profile records about the app's SSO sign-in: the facts the tenant-routing lint
//! compares across profiles (app display name, OIDC client ID, redirect URIs) and the ones a
//! trace compares a HAR with (issuer, IdP tenant). All optional: a profile made before these
//! existed loads unchanged, and one without them writes no `sign_in` member.

use serde::{Deserialize, Serialize};

use super::ProfileError;

/// At most this many redirect URIs per profile (an app registration rarely has more than a
/// handful; the cap keeps the file and the lint bounded).
pub const MAX_REDIRECT_URIS: usize = 32;
/// Longest URL accepted (redirect URI, issuer); longer ones are almost always a paste error.
pub const MAX_URL_LEN: usize = 2048;
/// Longest identifier accepted (client ID, tenant ID, app display name).
pub const MAX_IDENT_LEN: usize = 256;

/// The app's sign-in settings as registered at the IdP. No field holds a secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    /// The SSO app's display name at the IdP (Entra enterprise app, Okta/OneLogin app).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// The OIDC client ID (application ID) the app signs in with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The OIDC issuer the app is configured with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The IdP tenant: Entra tenant ID or domain, Okta/OneLogin subdomain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The redirect (callback / ACS) URIs registered at the IdP, exactly as registered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_uris: Vec<String>,
}

impl SignIn {
    /// Nothing recorded (the profile file then has no `sign_in` member).
    pub fn is_empty(&self) -> bool {
        *self == SignIn::default()
    }

    /// Trimmed copies; empty strings and blank lines become "not set".
    pub fn normalised(self) -> SignIn {
        let opt = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        SignIn {
            app_name: opt(self.app_name),
            client_id: opt(self.client_id),
            issuer: opt(self.issuer),
            tenant_id: opt(self.tenant_id),
            redirect_uris: self
                .redirect_uris
                .into_iter()
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .collect(),
        }
    }

    /// Every field within bounds; URLs absolute https (http only on a loopback host).
    pub fn validate(&self) -> Result<(), ProfileError> {
        if let Some(name) = &self.app_name {
            identifier("app name", name, true)?;
        }
        if let Some(id) = &self.client_id {
            identifier("client ID", id, false)?;
        }
        if let Some(tenant) = &self.tenant_id {
            identifier("tenant ID", tenant, false)?;
        }
        if let Some(issuer) = &self.issuer {
            sign_in_url("issuer", issuer)?;
        }
        if self.redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(invalid(
                "redirect URIs",
                format!(
                    "{} given; keep at most {MAX_REDIRECT_URIS} (the ones this tenant's app registration lists)",
                    self.redirect_uris.len()
                ),
            ));
        }
        let mut seen = Vec::with_capacity(self.redirect_uris.len());
        for uri in &self.redirect_uris {
            let parsed = sign_in_url("redirect URI", uri)?;
            if parsed.fragment().is_some() {
                return Err(invalid(
                    "redirect URI",
                    format!("{uri} has a #fragment, which a redirect URI may not have; remove it"),
                ));
            }
            let key = parsed.as_str().to_string();
            if seen.contains(&key) {
                return Err(invalid(
                    "redirect URI",
                    format!("{uri} is listed twice; keep it once"),
                ));
            }
            seen.push(key);
        }
        Ok(())
    }
}

fn invalid(field: &'static str, reason: String) -> ProfileError {
    ProfileError::InvalidSignIn { field, reason }
}

/// A name or identifier: not blank, bounded, plain text; identifiers also no spaces.
fn identifier(field: &'static str, value: &str, spaces_allowed: bool) -> Result<(), ProfileError> {
    if value.trim().is_empty() {
        return Err(invalid(field, "it is empty; leave it out instead".into()));
    }
    if value.chars().count() > MAX_IDENT_LEN {
        return Err(invalid(
            field,
            format!(
                "it is longer than {MAX_IDENT_LEN} characters; copy the value from the IdP's app page"
            ),
        ));
    }
    // Shown in the app, the CLI and reports: no control, C1 or text-direction characters.
    if value.chars().any(char::is_control) || crate::report::terminal_safe(value) != value {
        return Err(invalid(
            field,
            "it contains a control character, line break or text-direction mark; paste it again as plain text"
                .into(),
        ));
    }
    if !spaces_allowed && value.chars().any(char::is_whitespace) {
        return Err(invalid(
            field,
            format!("'{value}' contains a space; an ID has none — copy it from the IdP's app page"),
        ));
    }
    Ok(())
}

/// An absolute `https://` URL, or `http://` on a loopback host (local development).
fn sign_in_url(field: &'static str, raw: &str) -> Result<url::Url, ProfileError> {
    if raw.len() > MAX_URL_LEN {
        return Err(invalid(
            field,
            format!("it is longer than {MAX_URL_LEN} characters; check the pasted value"),
        ));
    }
    let parsed = url::Url::parse(raw).map_err(|e| {
        invalid(
            field,
            format!("'{raw}' is not an absolute URL ({e}); give it as registered, e.g. https://app.example.com/auth/callback"),
        )
    })?;
    match parsed.scheme() {
        "https" if parsed.host().is_some() => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(invalid(
            field,
            format!(
                "{raw} uses http://; IdPs accept plain http only for localhost — use the https:// URL"
            ),
        )),
        _ => Err(invalid(field, format!("{raw} is not an https:// URL"))),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_uris(uris: &[&str]) -> SignIn {
        SignIn {
            redirect_uris: uris.iter().map(|u| u.to_string()).collect(),
            ..SignIn::default()
        }
    }

    #[test]
    fn https_and_loopback_http_are_accepted() {
        with_uris(&[
            "https://app.example.com/auth/callback",
            "http://localhost:3000/cb",
            "http://127.0.0.1/cb",
            "http://[::1]:8080/cb",
        ])
        .validate()
        .unwrap();
    }

    #[test]
    fn bad_urls_and_identifiers_name_the_field() {
        for (sign_in, field, words) in [
            (
                with_uris(&["http://app.example.com/cb"]),
                "redirect URI",
                "localhost",
            ),
            (with_uris(&["/auth/callback"]), "redirect URI", "absolute"),
            (
                with_uris(&["ftp://app.example.com/cb"]),
                "redirect URI",
                "https://",
            ),
            (
                with_uris(&["https://app.example.com/cb#x"]),
                "redirect URI",
                "fragment",
            ),
            (
                with_uris(&["https://app.example.com/cb", "https://APP.example.com/cb"]),
                "redirect URI",
                "twice",
            ),
            (
                with_uris(&[&format!("https://a.example/{}", "x".repeat(MAX_URL_LEN))]),
                "redirect URI",
                "longer",
            ),
            (
                SignIn {
                    redirect_uris: vec!["https://a.example/cb".into(); MAX_REDIRECT_URIS + 1],
                    ..SignIn::default()
                },
                "redirect URIs",
                "at most",
            ),
            (
                SignIn {
                    client_id: Some("abc def".into()),
                    ..SignIn::default()
                },
                "client ID",
                "space",
            ),
            (
                SignIn {
                    app_name: Some("Acme\nprod".into()),
                    ..SignIn::default()
                },
                "app name",
                "control",
            ),
            (
                SignIn {
                    app_name: Some("Acme \u{202e}dorp".into()),
                    ..SignIn::default()
                },
                "app name",
                "text-direction",
            ),
            (
                SignIn {
                    issuer: Some("http://login.example.com/".into()),
                    ..SignIn::default()
                },
                "issuer",
                "localhost",
            ),
        ] {
            match sign_in.validate() {
                Err(ProfileError::InvalidSignIn { field: f, reason }) => {
                    assert_eq!(f, field);
                    assert!(reason.contains(words), "{field}: {reason}");
                }
                other => panic!("{field}: expected an error, got {other:?}"),
            }
        }
    }

    #[test]
    fn normalising_drops_blanks() {
        let s = SignIn {
            app_name: Some("  ".into()),
            client_id: Some(" c1 ".into()),
            redirect_uris: vec!["".into(), " https://a.example/cb ".into()],
            ..SignIn::default()
        }
        .normalised();
        assert_eq!(s.app_name, None);
        assert_eq!(s.client_id.as_deref(), Some("c1"));
        assert_eq!(s.redirect_uris, ["https://a.example/cb"]);
        assert!(SignIn::default().normalised().is_empty());
    }
}
