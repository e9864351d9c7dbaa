//! Vendor presets: the testbed configured like a known SCIM target (the vendor profiles in
//! `crates/core/vendors/`), as quirk sets and settings, so each profile's distinctive failure
//! and its correct configuration can be exercised end to end. The facts behind each preset
//! are the vendor file's; a preset only imitates them on loopback.

use crate::config::{StaticToken, TestbedConfig};
use crate::quirks::Quirks;

/// Every preset name (`preflight-testbed --vendor NAME`).
pub const PRESETS: &[&str] = &["generic", "stackit", "axonflow", "airia"];

/// The organisation GUID in the Airia preset's base path.
pub const AIRIA_ORG_GUID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

/// The token the AxonFlow preset accepts: AxonFlow tokens start with `scim_`.
pub const AXONFLOW_TOKEN: &str = "scim_demo-token";

/// Attributes the Airia preset requires on every user (as its vendor file lists them).
const AIRIA_REQUIRED: &[&str] = &[
    "name.givenName",
    "name.familyName",
    "emails",
    "externalId",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
];

/// Configure `cfg` like the named vendor. Quirks are added to those already set.
pub fn apply(name: &str, cfg: &mut TestbedConfig) -> Result<(), String> {
    let mut extra: Vec<String> = Vec::new();
    match name.to_ascii_lowercase().as_str() {
        // A conforming server: the vendor-neutral baseline.
        "generic" => {}
        // One fixed base path, OAuth client credentials (the default demo client), public
        // discovery, and 400 for any User attribute outside a small set.
        "stackit" => {
            cfg.base_path = "/scim/v2".into();
            extra.push("strict-attributes".into());
        }
        // `scim_`-prefixed bearer tokens, public discovery.
        "axonflow" => {
            cfg.tokens = vec![StaticToken::read_write(AXONFLOW_TOKEN)];
        }
        // Per-organisation base path with the org GUID; first/last name, email, external id
        // and manager required on every user.
        "airia" => {
            cfg.base_path = format!("/auth/realms/airia/org/{AIRIA_ORG_GUID}/scim/v2");
            extra.extend(
                AIRIA_REQUIRED
                    .iter()
                    .map(|a| format!("require-attribute={a}")),
            );
        }
        other => {
            return Err(format!(
                "unknown vendor preset '{other}' (presets: {})",
                PRESETS.join(", ")
            ));
        }
    }
    if !extra.is_empty() {
        let current = cfg.quirks.to_string();
        let all: Vec<&str> = current
            .split(',')
            .chain(extra.iter().map(String::as_str))
            .filter(|q| !q.is_empty())
            .collect();
        cfg.quirks = Quirks::parse(&all.join(",")).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_configure_the_testbed() {
        for name in PRESETS {
            let mut cfg = TestbedConfig::default();
            apply(name, &mut cfg).unwrap();
        }
        let mut cfg = TestbedConfig {
            quirks: Quirks::parse("slow=5").unwrap(),
            ..TestbedConfig::default()
        };
        apply("airia", &mut cfg).unwrap();
        assert!(cfg.base_path.contains(AIRIA_ORG_GUID));
        assert_eq!(cfg.quirks.required_attributes().len(), AIRIA_REQUIRED.len());
        assert!(cfg.quirks.to_string().contains("slow=5"));
        assert!(apply("nope", &mut TestbedConfig::default()).is_err());
    }
}
