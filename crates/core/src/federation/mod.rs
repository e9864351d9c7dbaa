//! Federation: what Preflight needs to judge an SSO setup — OIDC discovery and JWKS, access
//! token verification, redirect-URI comparison, the IdP error explainer, and SAML metadata and
//! responses. Pure functions over evidence; the network is reached only through the probe.

pub mod discovery;
pub mod explain;
pub mod jwks;
pub mod jwt_verify;
pub mod redirect;
pub mod saml;

use serde::Deserialize;

/// Federation settings of a run, next to the SCIM [`crate::Target`] fields. Deserialisable so
/// recorded fixtures can carry them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationConfig {
    #[serde(default)]
    pub oidc: Option<OidcConfig>,
    #[serde(default)]
    pub saml: Option<SamlConfig>,
    /// Login ↔ provisioning coherence, login domains, break-glass admin (`sso/…` checks).
    #[serde(default)]
    pub sso: Option<SsoConfig>,
}

/// What the admin told Preflight about sign-in versus provisioning, for the `sso/…` checks.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SsoConfig {
    /// The IdP attribute or claim users sign in with: a SAML NameID source such as
    /// `user.userprincipalname` or `user.mail`, or an OIDC claim such as `email`, `upn`,
    /// `preferred_username`, `sub`, `oid`.
    pub login_identifier: Option<String>,
    /// The IdP attribute mapped to SCIM `userName`; default: the IdP's default mapping.
    pub scim_username_source: Option<String>,
    /// The app's allowed / login domains, as entered there.
    pub allowed_domains: Vec<String>,
    /// The app's local, non-SSO admin account, or `none`.
    pub break_glass_admin: Option<String>,
}

/// What the admin configured on the app side for OpenID Connect / OAuth.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer exactly as configured in the app (compared byte for byte).
    pub issuer: String,
    pub client_id: Option<String>,
    /// The audience the app (the API) expects in access tokens.
    pub audience: Option<String>,
    /// The redirect URI the app sends.
    pub redirect_uri: Option<String>,
    /// The redirect URI registered at the IdP.
    pub registered_redirect_uri: Option<String>,
}

/// Where the IdP's SAML metadata comes from.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetadataSource {
    /// Fetched through the probe.
    Url(String),
    /// Read from a local file by the caller (already size-capped).
    Document { name: String, text: String },
}

/// The SAML service-provider side as configured, plus an optional captured response.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamlConfig {
    pub metadata: MetadataSource,
    #[serde(default)]
    pub sp_entity_id: Option<String>,
    #[serde(default)]
    pub acs_url: Option<String>,
    /// SHA-1 or SHA-256 thumbprint (hex, any case, `:` or spaces allowed) the SP has pinned.
    #[serde(default)]
    pub sp_cert_thumbprint: Option<String>,
    /// A captured `SAMLResponse` value (base64, or deflate+base64) or the decoded XML.
    #[serde(default)]
    pub response: Option<String>,
    /// The pinned signer of the metadata document itself.
    #[serde(default)]
    pub metadata_pin: Option<saml::metadata_signature::MetadataPin>,
}

/// Largest XML document (metadata or response) Preflight will parse.
pub const MAX_XML_BYTES: usize = 6 * 1024 * 1024;

/// Leeway for token and assertion time windows (5 minutes).
pub const CLOCK_LEEWAY_SECS: i64 = 300;
