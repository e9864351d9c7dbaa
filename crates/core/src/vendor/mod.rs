//! Vendor target profiles as data. Each file in `crates/core/vendors/` describes one SCIM
//! target product: how the IdP authenticates to it, its documented base-URL shape, the
//! attributes it needs, how long it takes to show a change, and which `vendor/…` checks its
//! documentation calls for. The files are found at build time (`build.rs`), so adding a
//! vendor is adding a file; no Rust code names a vendor.
//!
//! Public API for the app and the CLI: [`all`], [`find`], [`Vendor::validate_url`],
//! [`Vendor::summary_view`]. Everything is `Serialize`.

pub mod checks;
pub mod detect;
mod model;
mod url_pattern;

pub use model::{Auth, AuthStyle, RequiredAttribute, UNKNOWABLE, UrlSpec, Vendor};
pub use url_pattern::{UrlPattern, UrlProblem, is_guid};

use std::sync::OnceLock;

mod files {
    include!(concat!(env!("OUT_DIR"), "/vendors_files.rs"));
}

/// The vendor files compiled in: `(file stem, text)`, sorted by name.
pub fn files() -> &'static [(&'static str, &'static str)] {
    files::VENDOR_FILES
}

/// Why a vendor file is unusable (seen by the load test and by whoever edits the file).
#[derive(Debug, thiserror::Error)]
pub enum VendorError {
    #[error("vendor file {file}.toml: {source}")]
    Parse {
        file: String,
        source: toml::de::Error,
    },
    #[error("vendor file {file}.toml: {problem}")]
    Invalid { file: String, problem: String },
}

/// Parse and validate every shipped vendor file.
pub fn load_all() -> Result<Vec<Vendor>, VendorError> {
    files()
        .iter()
        .map(|(file, text)| parse(file, text))
        .collect()
}

/// Every shipped vendor, parsed once. Panics only if a shipped file is broken, which the
/// `vendors_data` test rules out before release.
pub fn all() -> &'static [Vendor] {
    static ALL: OnceLock<Vec<Vendor>> = OnceLock::new();
    ALL.get_or_init(|| load_all().unwrap_or_else(|e| panic!("{e}")))
}

pub fn find(id: &str) -> Option<&'static Vendor> {
    all().iter().find(|v| v.id.eq_ignore_ascii_case(id.trim()))
}

/// `find`, with an error that lists the known vendors.
pub fn lookup(id: &str) -> Result<&'static Vendor, String> {
    find(id).ok_or_else(|| {
        let known: Vec<&str> = all().iter().map(|v| v.id.as_str()).collect();
        format!(
            "unknown vendor '{id}' (known: {}; `preflight vendors` lists them)",
            known.join(", ")
        )
    })
}

pub fn parse(file: &str, text: &str) -> Result<Vendor, VendorError> {
    let vendor: Vendor = toml::from_str(text).map_err(|source| VendorError::Parse {
        file: file.into(),
        source,
    })?;
    validate(file, &vendor).map_err(|problem| VendorError::Invalid {
        file: file.into(),
        problem,
    })?;
    Ok(vendor)
}

/// Rules serde cannot express.
fn validate(file: &str, v: &Vendor) -> Result<(), String> {
    if v.id != file {
        return Err(format!("id `{}` differs from the file name", v.id));
    }
    if v.sources.is_empty() && v.id != "generic" {
        return Err("no sources: every fact needs one".into());
    }
    for key in v.unknown.keys() {
        if !UNKNOWABLE.contains(&key.as_str()) {
            return Err(format!(
                "unknown.{key}: not a fact that may be unknown (use one of {})",
                UNKNOWABLE.join(", ")
            ));
        }
    }
    for key in UNKNOWABLE {
        match (v.has_fact(key), v.unknown.contains_key(*key)) {
            (true, true) => return Err(format!("{key} is set and also listed in `unknown`")),
            (false, false) => {
                return Err(format!(
                    "{key} is missing: set it from a source, or list it in `unknown` with the reason"
                ));
            }
            _ => {}
        }
    }
    if let Some(url) = &v.url {
        let pattern = UrlPattern::parse(&url.pattern)?;
        pattern
            .validate(&url.example, &url.example)
            .map_err(|p| format!("url.example does not fit url.pattern: {p}"))?;
    }
    if v.auth.token_endpoint.is_some() && v.auth.style != AuthStyle::ClientCredentials {
        return Err(
            "auth.token_endpoint is only meaningful with style = \"client-credentials\"".into(),
        );
    }
    for a in &v.required_attributes {
        crate::mapping::AttrPath::parse(&a.path)
            .map_err(|e| format!("required_attributes `{}`: {e}", a.path))?;
    }
    for id in &v.checks {
        if !id.starts_with("vendor/") || crate::checks::find(id).is_none() {
            return Err(format!("checks: `{id}` is not a vendor/… check ID"));
        }
        let needs = checks::needs(id);
        if needs.iter().any(|key| !v.has_param(key)) {
            return Err(format!(
                "checks: `{id}` needs {} in this file",
                needs.join(" and ")
            ));
        }
    }
    Ok(())
}

/// A vendor as the Target step and `preflight vendors` show it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct VendorSummary {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub auth_style: AuthStyle,
    pub url_example: Option<String>,
    pub token_lifetime_days: Option<u32>,
    pub sync_delay_minutes: Option<u32>,
}

impl Vendor {
    /// Check a base URL against the documented pattern (vendors without one accept any URL).
    pub fn validate_url(&self, raw: &str) -> Result<(), UrlProblem> {
        let Some(spec) = &self.url else {
            return Ok(());
        };
        let pattern = UrlPattern::parse(&spec.pattern).map_err(|e| UrlProblem {
            part: "pattern".into(),
            message: e,
        })?;
        pattern.validate(raw, &spec.example).map_err(|mut p| {
            p.message = format!("{} base URL: {}", self.name, p.message);
            p
        })
    }

    /// The OAuth scope string a client-credentials run asks for by default.
    pub fn default_scope(&self) -> Option<String> {
        (!self.auth.scopes.is_empty()).then(|| self.auth.scopes.join(" "))
    }

    /// A client-credentials run that names no scope asks for the vendor's: chosen, saved or
    /// detected, the vendor fills the same gap.
    pub fn fill_default_scope(&self, credential: &mut crate::target::Credential) {
        if let crate::target::Credential::ClientCredentials { scope, .. } = credential
            && scope.is_none()
        {
            *scope = self.default_scope();
        }
    }

    pub fn summary_view(&self) -> VendorSummary {
        VendorSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            summary: self.summary.clone(),
            auth_style: self.auth.style,
            url_example: self.url.as_ref().map(|u| u.example.clone()),
            token_lifetime_days: self.auth.token_lifetime_days,
            sync_delay_minutes: self.sync_delay_minutes,
        }
    }

    /// Whether this file provides a parameter a vendor check needs.
    fn has_param(&self, key: &str) -> bool {
        match key {
            "auth.token_prefix" => self.auth.token_prefix.is_some(),
            other => self.has_fact(other),
        }
    }
}
