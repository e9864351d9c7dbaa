//! The shape of a vendor file (`crates/core/vendors/*.toml`): what is known about one SCIM
//! target product. Unknown keys are errors; a fact the sources do not give is left out and
//! named in `unknown` with the reason, so "not documented" is never confused with "forgotten".

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One known SCIM target product.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// File name without `.toml`; what `--vendor` takes.
    pub id: String,
    /// Product name as the vendor writes it.
    pub name: String,
    /// One sentence: what this profile changes about a run.
    pub summary: String,
    /// Public pages the facts come from.
    pub sources: Vec<String>,
    pub auth: Auth,
    /// The documented shape of the SCIM base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<UrlSpec>,
    /// How long after the IdP reports success the change shows up in the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_delay_minutes: Option<u32>,
    /// User attributes the product needs on every user, with the admin's label.
    #[serde(default)]
    pub required_attributes: Vec<RequiredAttribute>,
    /// Vendor checks (`vendor/…` check IDs) this product's documentation calls for; each
    /// takes its parameters from this file.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Product-specific advice shown next to the results.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Fact key → why it is not given (e.g. `"auth.token_lifetime_days" = "not in the sources"`).
    #[serde(default)]
    pub unknown: BTreeMap<String, String>,
}

/// How the IdP authenticates to this product.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub style: AuthStyle,
    /// What the product's portal calls the credential ("Access Token", "SCIM token").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_label: Option<String>,
    /// OAuth token endpoint (client credentials); may hold `{placeholders}` like the URL pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    /// Scopes the credential needs.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// How long a freshly issued token lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime_days: Option<u32>,
    /// Every genuine token starts with this (e.g. `scim_`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_prefix: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthStyle {
    /// A long-lived bearer token pasted into the IdP.
    Bearer,
    /// OAuth 2.0 client credentials (Entra's Token Endpoint + Client ID + Client Secret).
    ClientCredentials,
    /// Not documented.
    Unknown,
}

/// The documented base URL: a pattern such as
/// `https://{host}/auth/realms/airia/org/{org_id:guid}/scim/v2` and an example for messages.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlSpec {
    pub pattern: String,
    pub example: String,
}

/// An attribute the product needs, as a SCIM path (`name.givenName`, `emails`,
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredAttribute {
    pub path: String,
    /// What the vendor's documentation calls it ("Manager").
    pub label: String,
}

/// Facts a vendor file may leave out, each then named in `unknown`.
pub const UNKNOWABLE: &[&str] = &[
    "url",
    "auth.token_endpoint",
    "auth.scopes",
    "auth.token_lifetime_days",
    "sync_delay_minutes",
    "required_attributes",
];

impl Vendor {
    /// Whether the fact named by an [`UNKNOWABLE`] key is set in this file.
    pub fn has_fact(&self, key: &str) -> bool {
        match key {
            "url" => self.url.is_some(),
            "auth.token_endpoint" => self.auth.token_endpoint.is_some(),
            "auth.scopes" => !self.auth.scopes.is_empty(),
            "auth.token_lifetime_days" => self.auth.token_lifetime_days.is_some(),
            "sync_delay_minutes" => self.sync_delay_minutes.is_some(),
            "required_attributes" => !self.required_attributes.is_empty(),
            _ => false,
        }
    }
}
