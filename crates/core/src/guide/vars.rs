//! The values a guide's templates are filled with, from a profile, a URL and a vendor.
//! A value that is not known is shown as `<name>` and listed, never guessed.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::profile::{Profile, ProfileAuth};
use crate::vendor::Vendor;

/// Every placeholder a guide may use, with what it stands for (shown for unfilled ones).
pub const KNOWN: &[(&str, &str)] = &[
    ("scim_base_url", "the SCIM base URL of the target"),
    (
        "token_endpoint",
        "the OAuth token endpoint (client-credentials targets)",
    ),
    ("client_id", "the OAuth client ID the vendor issued"),
    ("scopes", "the OAuth scopes the credential needs"),
    (
        "token_label",
        "what the vendor's portal calls the SCIM token",
    ),
    ("app_name", "the name you give the app in the IdP"),
    ("vendor_name", "the SCIM target product"),
    (
        "redirect_uri",
        "the app's OIDC redirect (callback) URI, from the vendor",
    ),
    (
        "acs_url",
        "the app's SAML Assertion Consumer Service URL, from the vendor",
    ),
    (
        "sp_entity_id",
        "the app's SAML entity ID (audience), from the vendor",
    ),
];

/// Placeholder values; unset ones stay visible as `<name>`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GuideVars(BTreeMap<String, String>);

impl GuideVars {
    pub fn new() -> GuideVars {
        GuideVars::default()
    }

    /// Set a value; unknown names are ignored (the loader only allows [`KNOWN`] ones).
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut GuideVars {
        let value = value.into();
        if KNOWN.iter().any(|(k, _)| *k == name) && !value.trim().is_empty() {
            self.0.insert(name.to_string(), value.trim().to_string());
        }
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Values from a saved profile (URL, OAuth client, name). Its vendor is looked up by the caller.
    pub fn from_profile(profile: &Profile) -> GuideVars {
        let mut v = GuideVars::new();
        v.set("scim_base_url", &profile.base_url);
        v.set("app_name", &profile.name);
        if let ProfileAuth::ClientCredentials {
            token_url,
            client_id,
            scope,
        } = &profile.auth
        {
            v.set("token_endpoint", token_url);
            v.set("client_id", client_id);
            if let Some(s) = scope {
                v.set("scopes", s);
            }
        }
        v
    }

    /// Vendor defaults for values not set yet (token endpoint, scopes, labels, name).
    pub fn with_vendor(mut self, vendor: &Vendor) -> GuideVars {
        let mut fill = |k: &str, val: Option<String>| {
            if self.get(k).is_none()
                && let Some(val) = val
            {
                self.set(k, val);
            }
        };
        fill("vendor_name", Some(vendor.name.clone()));
        fill("app_name", Some(vendor.name.clone()));
        fill("token_endpoint", vendor.auth.token_endpoint.clone());
        fill("scopes", vendor.default_scope());
        fill("token_label", vendor.auth.token_label.clone());
        if self.get("scim_base_url").is_none()
            && let Some(url) = &vendor.url
            && !url.pattern.contains('{')
        {
            self.set("scim_base_url", &url.pattern);
        }
        self
    }

    /// Fill `{name}` placeholders; returns the text and the names left unfilled.
    pub fn fill(&self, text: &str) -> (String, Vec<String>) {
        let mut out = String::with_capacity(text.len());
        let mut missing = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            match after.find('}') {
                Some(end) if KNOWN.iter().any(|(k, _)| *k == &after[..end]) => {
                    let name = &after[..end];
                    match self.get(name) {
                        Some(v) => out.push_str(v),
                        None => {
                            out.push_str(&format!("<{name}>"));
                            missing.push(name.to_string());
                        }
                    }
                    rest = &after[end + 1..];
                }
                _ => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        (out, missing)
    }
}

/// `{name}` placeholders in a template that look like ours (lower-case words and `_`).
pub fn placeholders(text: &str) -> Vec<&str> {
    text.match_indices('{')
        .filter_map(|(i, _)| {
            let rest = &text[i + 1..];
            let end = rest.find('}')?;
            let name = &rest[..end];
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .then_some(name)
        })
        .collect()
}
