//! The shape of a guide file (`crates/core/guides/*.toml`): one IdP's SSO and SCIM setup, step
//! by step, with the console's own menu paths and field names. Unknown keys are errors.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// `entra`, `okta` or `onelogin` (= the file name).
    pub idp: String,
    /// The IdP's product name.
    pub name: String,
    /// One paragraph: what the admin ends up with.
    pub intro: String,
    /// Where this IdP shows its sign-in and provisioning logs.
    pub logs: Vec<LogPlace>,
    /// Console labels the sources do not confirm, kept visible so they can be corrected.
    #[serde(default)]
    pub unconfirmed: Vec<String>,
    pub sources: Vec<String>,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
}

/// A place in the console where something can be looked up after the fact.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogPlace {
    /// `sso` or `scim`.
    pub part: Part,
    pub menu: String,
    pub shows: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Sso,
    Scim,
}

/// One thing the admin does in the console.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable within the guide (`scim-admin-credentials`).
    pub id: String,
    pub part: Part,
    pub title: String,
    /// The console path, `>`-separated, in the console's own words.
    pub menu: String,
    /// What to do there, in our words; may use `{placeholders}`.
    pub instructions: String,
    /// Fields to fill in, with the value to enter.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Check IDs that prove this step worked.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Codes `preflight explain` knows that belong to this step (e.g. `AADSTS50105`).
    #[serde(default)]
    pub explain: Vec<String>,
    /// What the sources warn about at this step.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A console field and the value to enter.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field's label exactly as the console shows it.
    pub name: String,
    /// The value, as a template (`{scim_base_url}`), or a description when it is a secret
    /// Preflight never shows (`secret = true`).
    pub value: String,
    /// The value is a secret the admin pastes from the vendor; never filled in by Preflight.
    #[serde(default)]
    pub secret: bool,
}
