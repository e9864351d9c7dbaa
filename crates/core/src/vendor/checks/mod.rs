//! The `vendor/…` checks: what a vendor's documentation promises or demands, judged only when
//! the run names that vendor (`--vendor`, or the profile's vendor) and its file lists the check.
//! Each check reads its parameters (token prefix, required attributes) from the vendor file.

mod discovery_unauthenticated;
mod mapping_attributes_declared;
mod required_attributes_declared;
mod required_attributes_mapped;
mod token_prefix;

pub use discovery_unauthenticated::DiscoveryUnauthenticated;
pub use mapping_attributes_declared::MappingAttributesDeclared;
pub use required_attributes_declared::RequiredAttributesDeclared;
pub use required_attributes_mapped::RequiredAttributesMapped;
pub use token_prefix::TokenPrefix;

use crate::dialect::{self, Dialect};
use crate::target::Target;

use super::Vendor;

/// Vendor-file keys a check takes its parameters from (the loader insists they are set).
pub fn needs(check_id: &str) -> &'static [&'static str] {
    match check_id {
        "vendor/token-prefix" => &["auth.token_prefix"],
        "vendor/required-attributes-declared" | "vendor/required-attributes-mapped" => {
            &["required_attributes"]
        }
        _ => &[],
    }
}

/// The run's vendor, when it calls for `check_id`; otherwise why the check does not apply.
pub fn vendor_for(target: &Target, check_id: &str) -> Result<&'static Vendor, String> {
    let name = target
        .vendor
        .as_deref()
        .ok_or("no vendor selected (--vendor NAME)")?;
    let vendor = super::find(name).ok_or_else(|| format!("vendor '{name}' has no profile"))?;
    if vendor.checks.iter().any(|c| c == check_id) {
        Ok(vendor)
    } else {
        Err(format!(
            "{}'s profile does not call for this check",
            vendor.name
        ))
    }
}

/// The dialects whose create payload the run judges: `--dialect`, else the IdP's default.
pub fn dialects(target: &Target) -> Vec<&'static Dialect> {
    dialect::selected(&target.dialects, target.idp.as_str())
}

/// The attribute paths a dialect's create payload sends for this run (overrides applied).
pub fn sent_paths(target: &Target, d: &Dialect, run_id: &str) -> Vec<String> {
    let vars = target
        .test_user
        .clone()
        .unwrap_or_default()
        .vars(run_id, "vendor");
    crate::mapping::create_payload(target, d, &vars)
        .map(|b| crate::provision::payload_paths(&b))
        .unwrap_or_default()
}

/// `name` or `urn:…:name`, the form console steps name.
pub fn top_level(path: &str) -> String {
    if path.to_ascii_lowercase().starts_with("urn:") {
        path.to_string()
    } else {
        path.split('.').next().unwrap_or(path).to_string()
    }
}
