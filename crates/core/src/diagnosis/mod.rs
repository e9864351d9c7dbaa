//! The diagnosis catalogue: stable public codes (see `shared/spec/diagnoses.md`), each with a
//! one-line meaning, what the IdP will do because of it, the fix and a long explanation.
//! The text lives in `catalogue.toml` so it can be read and reviewed as prose.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Diagnosis {
    pub code: String,
    pub title: String,
    pub summary: String,
    pub idp_impact: String,
    pub fix: String,
    #[serde(default)]
    pub explain: String,
    #[serde(default)]
    pub references: Vec<String>,
}

#[derive(Deserialize)]
struct CatalogueFile {
    diagnosis: Vec<Diagnosis>,
}

/// Every diagnosis, in catalogue order.
pub fn all() -> &'static [Diagnosis] {
    static CATALOGUE: OnceLock<Vec<Diagnosis>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let file: CatalogueFile = toml::from_str(include_str!("catalogue.toml"))
            .expect("catalogue.toml is valid (tested)");
        file.diagnosis
    })
}

pub fn find(code: &str) -> Option<&'static Diagnosis> {
    all().iter().find(|d| d.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn catalogue_parses_and_codes_are_unique() {
        let codes: BTreeSet<_> = all().iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes.len(), all().len(), "duplicate code in catalogue.toml");
        for d in all() {
            assert!(
                !d.summary.is_empty() && !d.fix.is_empty() && !d.idp_impact.is_empty(),
                "{} incomplete",
                d.code
            );
        }
    }

    /// The catalogue must cover the public spec exactly: codes are a contract.
    #[test]
    fn catalogue_matches_the_public_spec() {
        let spec_path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/spec/diagnoses.md"
        );
        let Ok(spec) = std::fs::read_to_string(spec_path) else {
            eprintln!("shared/spec/diagnoses.md not beside the repo; skipping");
            return;
        };
        let spec_codes: BTreeSet<String> = spec
            .lines()
            .filter(|l| l.starts_with("| `"))
            .filter_map(|l| l.split('`').nth(1).map(str::to_string))
            .collect();
        let ours: BTreeSet<String> = all().iter().map(|d| d.code.clone()).collect();
        let missing: Vec<_> = spec_codes.difference(&ours).collect();
        assert!(
            missing.is_empty(),
            "codes in the spec but not in catalogue.toml: {missing:?}"
        );
    }
}
