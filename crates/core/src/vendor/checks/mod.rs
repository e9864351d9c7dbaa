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

use crate::check::Verdict;
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

/// The run's vendor, when it calls for `check_id`; otherwise why the check does not apply,
/// and — when no vendor is known — how to turn the check on.
pub fn vendor_for(target: &Target, check_id: &str) -> Result<&'static Vendor, String> {
    let Some(name) = target.vendor.as_deref() else {
        return Err(how_to_select(check_id));
    };
    let vendor = super::find(name).ok_or_else(|| {
        format!(
            "vendor '{name}' has no profile in this Preflight; `preflight vendors` lists the known ones"
        )
    })?;
    if vendor.checks.iter().any(|c| c == check_id) {
        Ok(vendor)
    } else if vendor.checks.is_empty() {
        Err(format!(
            "vendor checks are off: the run uses the {} profile, which has none",
            vendor.name
        ))
    } else {
        Err(format!(
            "{}'s profile does not call for this check",
            vendor.name
        ))
    }
}

/// The skip reason when the run names no vendor and the URL did not identify one: which
/// vendors this check is for, and where to pick one (CLI flag or the app's Target step).
pub fn how_to_select(check_id: &str) -> String {
    let ids: Vec<&str> = super::all()
        .iter()
        .filter(|v| v.checks.iter().any(|c| c == check_id))
        .map(|v| v.id.as_str())
        .collect();
    let which = match ids.as_slice() {
        [] => "no shipped vendor profile calls for it".to_string(),
        [one] => format!("it is for {one}"),
        many => format!("it is for {}", many.join(", ")),
    };
    format!(
        "no vendor selected and the URL's host names none ({which}): pass --vendor ID \
         (`preflight vendors` lists them), or pick the product on the Target step in the app"
    )
}

/// A vendor check's verdict, with the detection note added when the vendor was recognised
/// from the URL rather than chosen, so every result it produced says where it came from.
pub fn noted(target: &Target, verdict: Verdict) -> Verdict {
    let Some(vendor) = target
        .vendor_detected
        .then(|| target.vendor.as_deref().and_then(super::find))
        .flatten()
    else {
        return verdict;
    };
    let note = super::detect::note(vendor, &target.base_url);
    match verdict {
        Verdict::Pass {
            evidence,
            note: own,
        } => Verdict::Pass {
            evidence,
            note: Some(join(own, note)),
        },
        Verdict::Skip(reason) => Verdict::Skip(format!("{reason}; {note}")),
        Verdict::Fail(mut f) => {
            f.diagnosis.detail = Some(join(f.diagnosis.detail.take(), note));
            Verdict::Fail(f)
        }
        Verdict::Warn(mut f) => {
            f.diagnosis.detail = Some(join(f.diagnosis.detail.take(), note));
            Verdict::Warn(f)
        }
        blocked @ Verdict::Blocked(_) => blocked,
    }
}

fn join(first: Option<String>, then: String) -> String {
    match first {
        Some(text) if !text.is_empty() => format!("{text} ({then})"),
        _ => then,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Cause;
    use crate::target::{Credential, Idp};

    fn target(url: &str, vendor: Option<&str>) -> Target {
        let mut t = Target::new(url, Credential::None, Idp::Entra).unwrap();
        t.vendor = vendor.map(str::to_string);
        t
    }

    #[test]
    fn without_a_vendor_the_skip_says_how_to_turn_the_check_on() {
        let t = target("https://scim.example.com/scim/v2", None);
        let reason = vendor_for(&t, "vendor/token-prefix").unwrap_err();
        assert!(
            reason.contains("it is for axonflow")
                && reason.contains("--vendor ID")
                && reason.contains("`preflight vendors`")
                && reason.contains("Target step in the app"),
            "{reason}"
        );
        let reason = vendor_for(&t, "vendor/discovery-unauthenticated").unwrap_err();
        assert!(reason.contains("it is for axonflow, stackit"), "{reason}");
    }

    #[test]
    fn a_vendor_without_checks_says_they_are_off() {
        let t = target("https://scim.example.com/scim/v2", Some("generic"));
        let reason = vendor_for(&t, "vendor/token-prefix").unwrap_err();
        assert!(reason.starts_with("vendor checks are off"), "{reason}");
        let t = target("https://scim.example.com/scim/v2", Some("stackit"));
        assert!(
            vendor_for(&t, "vendor/token-prefix")
                .unwrap_err()
                .contains("does not call for this check")
        );
        assert_eq!(
            vendor_for(&t, "vendor/discovery-unauthenticated")
                .unwrap()
                .id,
            "stackit"
        );
    }

    #[test]
    fn only_a_detected_vendor_adds_the_note_to_each_kind_of_verdict() {
        let mut t = target("https://accounts.stackit.cloud/scim/v2", None);
        let chosen = {
            let mut c = t.clone();
            c.vendor = Some("stackit".into());
            c
        };
        assert!(matches!(
            noted(&chosen, Verdict::pass(Vec::new())),
            Verdict::Pass { note: None, .. }
        ));
        crate::vendor::detect::adopt(&mut t).unwrap();
        let Verdict::Pass {
            note: Some(note), ..
        } = noted(&t, Verdict::pass(Vec::new()))
        else {
            panic!("a pass keeps its kind");
        };
        assert!(note.starts_with("vendor detected from the URL: STACKIT IdP"));
        let Verdict::Skip(reason) = noted(&t, Verdict::Skip("no /Schemas".into())) else {
            panic!("a skip keeps its kind");
        };
        assert!(
            reason.starts_with("no /Schemas; vendor detected"),
            "{reason}"
        );
        let failed = Verdict::fail("a", "b", Vec::new(), Cause::new("scim/auth-required"));
        let Verdict::Fail(f) = noted(&t, failed) else {
            panic!("a failure keeps its kind");
        };
        assert!(
            f.diagnosis
                .detail
                .is_some_and(|d| d.contains("--vendor generic"))
        );
    }
}
