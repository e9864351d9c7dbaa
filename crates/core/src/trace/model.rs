//! The public result of a trace: the sign-in flows found in a HAR, each laid out as hops, and
//! per flow at most one cause (on the first broken hop) plus the symptoms that followed it.
//! Everything here is serialisable for the desktop timeline and holds no secret: URLs are
//! masked, tokens are shown as their decoded claims, cookies by name only.

use serde::Serialize;

/// What `analyse` found in one HAR.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TraceResult {
    /// Number of entries in `log.entries`.
    pub entries: usize,
    /// `log.creator.name` and version, e.g. "WebInspector 537.36".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// The sign-in flows, in the order they started.
    pub flows: Vec<Flow>,
    /// Things the reader noticed that do not break a flow (an undecodable body, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The protocol shape of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowKind {
    /// `response_type=code`.
    OidcCode,
    /// `response_type=id_token` or `id_token token`.
    OidcImplicit,
    /// `response_type=code id_token` (and the other mixes).
    OidcHybrid,
    /// SP-initiated SAML, AuthnRequest by HTTP-Redirect.
    SamlRedirect,
    /// SP-initiated SAML, AuthnRequest by HTTP-POST.
    SamlPost,
    /// A SAMLResponse that answers no AuthnRequest in the HAR.
    SamlIdpInitiated,
}

impl FlowKind {
    pub fn describe(self) -> &'static str {
        match self {
            FlowKind::OidcCode => "OpenID Connect authorization code flow",
            FlowKind::OidcImplicit => "OpenID Connect implicit flow",
            FlowKind::OidcHybrid => "OpenID Connect hybrid flow",
            FlowKind::SamlRedirect => "SAML sign-in (HTTP-Redirect request)",
            FlowKind::SamlPost => "SAML sign-in (HTTP-POST request)",
            FlowKind::SamlIdpInitiated => "IdP-initiated SAML sign-in",
        }
    }

    pub fn is_saml(self) -> bool {
        matches!(
            self,
            FlowKind::SamlRedirect | FlowKind::SamlPost | FlowKind::SamlIdpInitiated
        )
    }
}

/// How a flow ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The app answered after the callback/ACS without an error, and nothing broke.
    SignedIn,
    /// A hop broke the flow; see [`Flow::cause`].
    Broken,
    /// The HAR ends before the IdP sent the browser back (and no error was shown).
    Incomplete,
}

/// One sign-in attempt.
#[derive(Clone, Debug, Serialize)]
pub struct Flow {
    pub kind: FlowKind,
    /// Origin of the IdP (authorize endpoint / SSO service), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp: Option<String>,
    /// Origin of the app (callback / ACS), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    pub hops: Vec<Hop>,
    pub outcome: Outcome,
    /// The first broken hop and why (present when `outcome` is `broken`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Problem>,
    /// Later symptoms of the same cause, in hop order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consequences: Vec<Problem>,
    /// Problems that did not stop the sign-in (a missing JIT attribute, a cookie the flow
    /// did not need).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Problem>,
}

impl Flow {
    pub fn hop(&self, entry: usize) -> Option<&Hop> {
        self.hops.iter().find(|h| h.entry == entry)
    }
}

/// A diagnosed problem at one hop.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    /// Index into `log.entries` of the hop it is about.
    pub entry: usize,
    /// A code from the diagnosis catalogue.
    pub code: String,
    pub expected: String,
    pub actual: String,
    /// What the IdP's own error means, when the explainer recognised it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained: Option<Explanation>,
}

/// The explainer's reading of an IdP error.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    pub matched: String,
    pub idp: String,
    pub meaning: String,
    #[serde(rename = "where")]
    pub location: String,
    pub fix: String,
}

/// The part a hop plays in the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HopRole {
    /// The app page that sent the browser to the IdP.
    AppStart,
    /// The authorize request or the SAML AuthnRequest.
    IdpRequest,
    /// Login, MFA and consent pages at the IdP.
    IdpPage,
    /// The app's redirect URI or ACS receiving the IdP's answer.
    Callback,
    /// What the app did after the callback (its session, the landing page).
    AppSession,
}

/// One request of the flow.
#[derive(Clone, Debug, Serialize)]
pub struct Hop {
    /// Index into `log.entries`.
    pub entry: usize,
    pub role: HopRole,
    pub method: String,
    /// The URL with codes, tokens and secrets masked.
    pub url: String,
    /// 0 when the browser recorded no response (blocked, cancelled).
    pub status: u16,
    /// The masked `Location` (resolved against the URL), for redirects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_to: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cookies_set: Vec<CookieSet>,
    /// Names of the cookies the browser sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cookies_sent: Vec<String>,
    /// `startedDateTime` as recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    pub time_ms: f64,
    pub contents: HopContents,
}

/// A `Set-Cookie` by name and attributes (never its value).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CookieSet {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Why a browser refuses to store this cookie, if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
}

/// What was decoded from a hop.
#[derive(Clone, Debug, Default, Serialize)]
pub struct HopContents {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorize: Option<AuthorizeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<CallbackView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saml_request: Option<SamlRequestView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saml_response: Option<SamlResponseView>,
    /// Visible text of an error page or error body (first part, masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_text: Option<String>,
}

/// OIDC authorize request parameters.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AuthorizeView {
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub response_type: String,
    pub response_mode: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// The tenant segment of the path (Entra `/{tenant}/oauth2/…`), when there is one.
    pub tenant: Option<String>,
}

/// What came back to the redirect URI.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CallbackView {
    /// `query`, `fragment` or `form_post`.
    pub mode: String,
    pub has_code: bool,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The ID token's claims (decoded, not verified), when one came back in the browser.
    pub id_token_claims: Option<serde_json::Value>,
}

/// A decoded AuthnRequest.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SamlRequestView {
    pub id: Option<String>,
    pub issuer: Option<String>,
    pub destination: Option<String>,
    pub acs_url: Option<String>,
    pub relay_state: Option<String>,
    /// Why the request could not be read, if it could not.
    pub unreadable: Option<String>,
}

/// A decoded SAMLResponse.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SamlResponseView {
    pub issuer: Option<String>,
    pub status: Option<String>,
    pub status_message: Option<String>,
    pub destination: Option<String>,
    pub in_response_to: Option<String>,
    pub recipient: Option<String>,
    pub audiences: Vec<String>,
    pub name_id: Option<String>,
    pub attributes: Vec<String>,
    pub not_before: Option<String>,
    pub not_on_or_after: Option<String>,
    pub response_signed: bool,
    pub assertion_signed: bool,
    /// `Some(true)` verified with the metadata certificate, `Some(false)` did not verify,
    /// `None` no metadata was given.
    pub signature_verified: Option<bool>,
    pub relay_state: Option<String>,
    pub unreadable: Option<String>,
}
