//! IdP dialects as data. Each file in `crates/core/dialects/` describes what one IdP client
//! sends at each provisioning step; [`render`] turns a dialect step plus a test user into a
//! concrete request. Code never asks "which IdP is this": behaviour comes from the files, so a
//! behaviour the reference marks (unconfirmed) is changed by editing data, not logic.

mod model;
pub mod render;
pub mod user;

pub use model::{Console, Dialect, Flow, Http, ObjectKind, SpaceEncoding, Step, Verify};
pub use render::{Rendered, Vars, create_body, expand, render_step};
pub use user::{TEST_PREFIX, TestUser, UserFileError};

use std::sync::OnceLock;

/// The shipped dialect files, compiled in.
const FILES: &[(&str, &str)] = &[
    (
        "entra-default",
        include_str!("../../dialects/entra-default.toml"),
    ),
    (
        "entra-aadoptscim062020",
        include_str!("../../dialects/entra-aadoptscim062020.toml"),
    ),
    ("okta-oin", include_str!("../../dialects/okta-oin.toml")),
    ("okta-patch", include_str!("../../dialects/okta-patch.toml")),
    ("onelogin", include_str!("../../dialects/onelogin.toml")),
    (
        "generic-rfc7644",
        include_str!("../../dialects/generic-rfc7644.toml"),
    ),
];

/// Why a dialect file is unusable (only ever seen by the load test and by developers).
#[derive(Debug, thiserror::Error)]
pub enum DialectError {
    #[error("dialect {file}: {source}")]
    Parse {
        file: String,
        source: toml::de::Error,
    },
    #[error("dialect {file}: {problem}")]
    Invalid { file: String, problem: String },
}

/// Parse and validate every shipped dialect.
pub fn load_all() -> Result<Vec<Dialect>, DialectError> {
    FILES.iter().map(|(file, text)| parse(file, text)).collect()
}

/// Every shipped dialect, parsed once. Panics only if a shipped file is broken, which the
/// `dialects_load` test rules out before release.
pub fn all() -> &'static [Dialect] {
    static ALL: OnceLock<Vec<Dialect>> = OnceLock::new();
    ALL.get_or_init(|| load_all().unwrap_or_else(|e| panic!("{e}")))
}

pub fn find(id: &str) -> Option<&'static Dialect> {
    all().iter().find(|d| d.id.eq_ignore_ascii_case(id))
}

/// The dialects a run uses: those named with `--dialect`, else the IdP's default one.
pub fn selected(names: &[String], idp: &str) -> Vec<&'static Dialect> {
    if names.is_empty() {
        all()
            .iter()
            .filter(|d| d.default_for_idp && d.idp == idp)
            .collect()
    } else {
        names.iter().filter_map(|n| find(n)).collect()
    }
}

pub fn parse(file: &str, text: &str) -> Result<Dialect, DialectError> {
    let dialect: Dialect = toml::from_str(text).map_err(|source| DialectError::Parse {
        file: file.into(),
        source,
    })?;
    validate(&dialect).map_err(|problem| DialectError::Invalid {
        file: file.into(),
        problem,
    })?;
    Ok(dialect)
}

/// Rules serde cannot express: names resolve, templates are JSON, codes are catalogued.
fn validate(d: &Dialect) -> Result<(), String> {
    let known = |code: &str| crate::diagnosis::find(code).is_some();
    for flow in &d.flow {
        for name in &flow.steps {
            if !d.steps.contains_key(name) {
                return Err(format!("flow {} names unknown step {name}", flow.check_id));
            }
        }
        let shape = flow
            .check_id
            .split_once('/')
            .is_some_and(|(f, r)| !f.is_empty() && !r.is_empty());
        if !shape {
            return Err(format!(
                "check id {} is not family/subject-expectation",
                flow.check_id
            ));
        }
    }
    for (name, step) in &d.steps {
        if let Some(body) = &step.body {
            let json: serde_json::Value = serde_json::from_str(body)
                .map_err(|e| format!("step {name}: body is not JSON: {e}"))?;
            render::placeholders_known(&json)
                .map_err(|v| format!("step {name}: unknown placeholder ${{{v}}}"))?;
        }
        render::text_placeholders_known(&step.path)
            .map_err(|v| format!("step {name}: unknown placeholder ${{{v}}} in path"))?;
        for [_, v] in &step.query {
            render::text_placeholders_known(v)
                .map_err(|v| format!("step {name}: unknown placeholder ${{{v}}} in query"))?;
        }
        let mut codes = vec![step.diagnosis.as_str()];
        codes.extend(step.wrong_success.as_deref());
        codes.extend(step.verify.as_ref().map(|v| v.diagnosis.as_str()));
        if let Some(code) = codes.into_iter().find(|c| !known(c)) {
            return Err(format!(
                "step {name}: diagnosis {code} is not in the catalogue"
            ));
        }
        if step.accept.is_empty() {
            return Err(format!("step {name}: accept lists no status"));
        }
    }
    if !d.steps.contains_key("create_user") {
        return Err("no create_user step (the schema comparison needs its payload)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_load() {
        let all = load_all().expect("every shipped dialect parses and validates");
        assert_eq!(all.len(), FILES.len());
        for (file, _) in FILES {
            assert!(
                all.iter().any(|d| d.id == *file),
                "{file}: id differs from the file name"
            );
        }
        for idp in ["entra", "okta", "onelogin", "generic"] {
            assert_eq!(
                all.iter()
                    .filter(|d| d.idp == idp && d.default_for_idp)
                    .count(),
                1,
                "one default dialect for {idp}"
            );
        }
        let mut ids: Vec<&str> = all
            .iter()
            .flat_map(|d| d.flow.iter().map(|f| f.check_id.as_str()))
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "flow check ids are unique");
    }

    #[test]
    fn unknown_keys_fail() {
        let text = FILES[0].1.replacen("page_size", "page_sise", 1);
        assert!(matches!(parse("x", &text), Err(DialectError::Parse { .. })));
        let text = FILES[0].1.replacen("label =", "lable =", 1);
        assert!(parse("x", &text).is_err());
    }

    #[test]
    fn okta_never_deletes_users() {
        for d in all().iter().filter(|d| d.idp == "okta") {
            assert!(
                !d.steps
                    .values()
                    .any(|s| s.method == "DELETE" && s.path.starts_with("/Users")),
                "{}",
                d.id
            );
        }
    }

    #[test]
    fn no_dialect_sets_a_password() {
        for d in all() {
            for s in d.steps.values() {
                assert!(
                    !s.body
                        .as_deref()
                        .unwrap_or("")
                        .to_ascii_lowercase()
                        .contains("\"password\""),
                    "{}",
                    d.id
                );
            }
        }
    }
}
