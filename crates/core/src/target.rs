//! What a run is pointed at: the SCIM base URL, the credential, the IdP being emulated.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;
use url::Url;

use crate::secret::Secret;

/// The identity provider whose provisioning client the admin is configuring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Idp {
    Entra,
    Okta,
    Onelogin,
    #[default]
    Generic,
}

impl Idp {
    pub const ALL: [Idp; 4] = [Idp::Entra, Idp::Okta, Idp::Onelogin, Idp::Generic];

    pub fn as_str(self) -> &'static str {
        match self {
            Idp::Entra => "entra",
            Idp::Okta => "okta",
            Idp::Onelogin => "onelogin",
            Idp::Generic => "generic",
        }
    }

    /// The product name admins know.
    pub fn display_name(self) -> &'static str {
        match self {
            Idp::Entra => "Microsoft Entra ID",
            Idp::Okta => "Okta",
            Idp::Onelogin => "OneLogin",
            Idp::Generic => "a generic SCIM client",
        }
    }
}

impl fmt::Display for Idp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Idp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "entra" | "azure" | "azuread" | "entra-id" => Ok(Idp::Entra),
            "okta" => Ok(Idp::Okta),
            "onelogin" => Ok(Idp::Onelogin),
            "generic" | "other" => Ok(Idp::Generic),
            other => Err(format!(
                "unknown IdP '{other}': use entra, okta, onelogin or generic"
            )),
        }
    }
}

/// How Preflight authenticates to the SCIM endpoint — the same way the IdP will.
#[derive(Clone, Debug, Default)]
pub enum Credential {
    #[default]
    None,
    /// A long-lived bearer token, as pasted into Entra's "Secret Token" or Okta's header auth.
    Bearer(Secret),
    /// OAuth 2.0 client credentials (RFC 6749 §4.4): a fresh access token is fetched per run,
    /// because that grant never returns a refresh token (§4.4.3).
    ClientCredentials {
        token_url: Url,
        client_id: String,
        client_secret: Secret,
        scope: Option<String>,
    },
}

impl Credential {
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::None => "none",
            Credential::Bearer(_) => "bearer",
            Credential::ClientCredentials { .. } => "client-credentials",
        }
    }
}

/// A fully validated run target. Building one never touches the network.
#[derive(Clone, Debug)]
pub struct Target {
    pub base_url: Url,
    pub credential: Credential,
    pub idp: Idp,
    pub dialects: Vec<String>,
    pub vendor: Option<String>,
    /// `vendor` was recognised from the base URL's host (`vendor::detect`), not chosen by the
    /// admin; the vendor checks say so, with how to turn it off.
    pub vendor_detected: bool,
    pub write: bool,
    /// Expiry the admin recorded for a non-JWT token (profiles), if any.
    pub token_expires_at: Option<OffsetDateTime>,
    /// SSO settings for the `oidc/…`, `saml/…` and `sso/…` checks (`preflight oidc|saml`).
    pub federation: Option<std::sync::Arc<crate::federation::FederationConfig>>,
    /// Write mode: where the cleanup journal lives (`None` = no journal, as in fixture replay).
    pub journal_dir: Option<std::path::PathBuf>,
    /// Write mode: the admin's test-user attributes (`--user-file`), if given.
    pub test_user: Option<crate::dialect::TestUser>,
    /// Write mode: the admin's attribute-mapping overrides (`--mapping`), applied to every
    /// whole-User payload the dialect flows send.
    pub mapping: Option<crate::mapping::MappingOverrides>,
    /// Write mode: rehearse the IdP's update branch (Preflight creates its own test user
    /// first, so the flow's match finds it and updates it; see `provision::rehearsal`).
    pub rehearse_update: bool,
}

/// Why a base URL cannot be used; each message names the fix.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TargetError {
    #[error(
        "'{0}' is not a valid URL: {1}. Give the full SCIM base URL, e.g. https://scim.example.com/scim/v2"
    )]
    InvalidUrl(String, String),
    #[error(
        "'{0}' uses the scheme '{1}'; a SCIM base URL must start with https:// (or http:// for a local test server)"
    )]
    UnsupportedScheme(String, String),
    #[error("'{0}' has no host name")]
    MissingHost(String),
    #[error("'{0}' contains a fragment (#…); remove it")]
    Fragment(String),
}

impl Target {
    pub fn new(base_url: &str, credential: Credential, idp: Idp) -> Result<Target, TargetError> {
        Ok(Target {
            base_url: parse_base_url(base_url)?,
            credential,
            idp,
            dialects: Vec::new(),
            vendor: None,
            vendor_detected: false,
            write: false,
            token_expires_at: None,
            federation: None,
            journal_dir: None,
            test_user: None,
            mapping: None,
            rehearse_update: false,
        })
    }

    /// `base + path`, where `path` starts with `/` and may carry a query string.
    pub fn url_for(&self, path_and_query: &str) -> String {
        join(&self.base_url, path_and_query)
    }
}

/// Base URL joined with a path, without doubling or dropping the `/` between them.
pub fn join(base: &Url, path_and_query: &str) -> String {
    let mut root = base.as_str().to_string();
    if let Some(q) = root.find('?') {
        root.truncate(q);
    }
    let root = root.trim_end_matches('/');
    format!("{root}{path_and_query}")
}

pub fn parse_base_url(raw: &str) -> Result<Url, TargetError> {
    let trimmed = raw.trim();
    let url =
        Url::parse(trimmed).map_err(|e| TargetError::InvalidUrl(trimmed.into(), e.to_string()))?;
    match url.scheme() {
        "https" | "http" => {}
        other => return Err(TargetError::UnsupportedScheme(trimmed.into(), other.into())),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(TargetError::MissingHost(trimmed.into()));
    }
    if url.fragment().is_some() {
        return Err(TargetError::Fragment(trimmed.into()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_handles_trailing_slashes() {
        let a = parse_base_url("https://h/scim/v2").unwrap();
        let b = parse_base_url("https://h/scim/v2/").unwrap();
        assert_eq!(join(&a, "/Users"), "https://h/scim/v2/Users");
        assert_eq!(join(&b, "/Users"), "https://h/scim/v2/Users");
    }

    #[test]
    fn bad_urls_are_refused_with_a_fix() {
        assert!(matches!(
            parse_base_url("scim.example.com"),
            Err(TargetError::InvalidUrl(..))
        ));
        assert!(matches!(
            parse_base_url("ftp://h/x"),
            Err(TargetError::UnsupportedScheme(..))
        ));
        assert!(matches!(
            parse_base_url("https://h/x#a"),
            Err(TargetError::Fragment(..))
        ));
    }
}
