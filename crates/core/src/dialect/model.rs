//! The shape of a dialect file (`crates/core/dialects/*.toml`): what one IdP client sends,
//! step by step. Unknown keys are errors, so a typo in a data file fails the load test
//! instead of silently changing what Preflight sends.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialect {
    /// File name without `.toml`; what `--dialect` takes.
    pub id: String,
    /// `entra`, `okta`, `onelogin` or `generic`: which `--idp` selects this dialect by default.
    pub idp: String,
    /// Whether `--idp <idp>` alone runs this dialect (one default per IdP).
    #[serde(default)]
    pub default_for_idp: bool,
    pub title: String,
    /// Behaviour the reference marks (unconfirmed), kept here so it can be changed as data.
    #[serde(default)]
    pub unconfirmed: Vec<String>,
    pub sources: Vec<String>,
    pub http: Http,
    pub console: Console,
    pub flow: Vec<Flow>,
    /// Step name → request. Flows refer to steps by name.
    pub steps: BTreeMap<String, Step>,
}

/// What goes on every request of this client.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// Extra headers (e.g. Okta's `User-Agent`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// `Content-Type` of request bodies.
    pub content_type: String,
    /// `Accept` header; empty = none sent.
    #[serde(default)]
    pub accept: String,
    /// How spaces in query values are written: `plus` (Entra) or `percent`.
    pub space_encoding: SpaceEncoding,
    /// Page size of the IdP's import (`count`).
    pub page_size: u32,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SpaceEncoding {
    Plus,
    Percent,
}

/// Where the admin changes the IdP's side; `{attribute}` is replaced with the attribute path.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Console {
    pub remove_mapping: String,
    pub add_mapping: String,
}

/// One provisioning flow the IdP performs, reported as one check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub check_id: String,
    pub title: String,
    pub what: String,
    pub why: String,
    pub fix: String,
    pub references: Vec<String>,
    /// Step names, in the IdP's order.
    pub steps: Vec<String>,
}

/// One request and how the IdP judges its answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the IdP is doing, in the admin's words (shown in findings).
    pub label: String,
    pub method: String,
    /// Path relative to the base URL, with `${var}` placeholders.
    pub path: String,
    /// Query parameters in order; values are templates, percent-encoded per `http.space_encoding`.
    #[serde(default)]
    pub query: Vec<[String; 2]>,
    /// JSON body template; `${var}` placeholders are only allowed inside JSON strings.
    #[serde(default)]
    pub body: Option<String>,
    /// Statuses the IdP treats as success.
    pub accept: Vec<u16>,
    /// Diagnosis when the server answers 4xx (other than auth, rate limit and
    /// not-found-on-read, which are judged generically).
    pub diagnosis: String,
    /// Diagnosis when the server answers a 2xx the IdP does not accept (default: `diagnosis`).
    #[serde(default)]
    pub wrong_success: Option<String>,
    /// What the IdP concludes when this step fails (shown in findings).
    pub idp_conclusion: String,
    /// Remember the `id` of the answer (or of the first `Resources` item) under this variable.
    #[serde(default)]
    pub capture: Option<String>,
    /// This request creates an object: journal `user` or `group` (named by `userName` /
    /// `groupName`) before sending.
    #[serde(default)]
    pub creates: Option<ObjectKind>,
    /// This request deletes the object of that kind (journal it as gone when accepted).
    #[serde(default)]
    pub deletes: Option<ObjectKind>,
    /// The answer must be a ListResponse with no resources (the IdP's match finds nobody).
    #[serde(default)]
    pub expect_empty: bool,
    /// Read the object back afterwards and compare.
    #[serde(default)]
    pub verify: Option<Verify>,
}

#[derive(Clone, Copy, Debug, Deserialize, serde::Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    User,
    Group,
}

impl ObjectKind {
    /// `Users` / `Groups`: the collection and the resource type endpoint.
    pub fn endpoint(self) -> &'static str {
        match self {
            ObjectKind::User => "Users",
            ObjectKind::Group => "Groups",
        }
    }

    /// The attribute that names a test object: `userName` or `displayName`.
    pub fn name_attribute(self) -> &'static str {
        match self {
            ObjectKind::User => "userName",
            ObjectKind::Group => "displayName",
        }
    }
}

/// A read-back after a step: the state the IdP assumes it produced.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    pub object: ObjectKind,
    /// Dotted attribute path (`name.givenName`, `active`), compared case-insensitively by name.
    #[serde(default)]
    pub attribute: Option<String>,
    /// Expected value (string templates are expanded; `"false"` matches JSON `false` too).
    #[serde(default)]
    pub equals: Option<toml::Value>,
    /// `members` must contain (or must not contain) this id template.
    #[serde(default)]
    pub has_member: Option<String>,
    #[serde(default)]
    pub lacks_member: Option<String>,
    /// The object must be gone: GET answers 404.
    #[serde(default)]
    pub gone: bool,
    pub diagnosis: String,
}
