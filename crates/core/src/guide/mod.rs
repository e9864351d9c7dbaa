//! IdP setup guides as data. Each file in `crates/core/guides/` walks an admin through one
//! IdP's SSO and SCIM setup: the console's menu path and field names, the value to enter
//! (filled from the profile), the checks that prove the step, and what the sources warn
//! about. Files are found at build time (`build.rs`) and validated by the `guides_data` test.
//!
//! Public API for the app and the CLI: [`all`], [`find`], [`GuideVars`], [`fill`] →
//! [`FilledGuide`] (`Serialize`).

mod model;
mod vars;

pub use model::{Field, Guide, LogPlace, Part, Step};
pub use vars::{GuideVars, KNOWN as KNOWN_PLACEHOLDERS, placeholders};

use serde::Serialize;
use std::sync::OnceLock;

mod files {
    include!(concat!(env!("OUT_DIR"), "/guides_files.rs"));
}

/// The guide files compiled in: `(file stem, text)`.
pub fn files() -> &'static [(&'static str, &'static str)] {
    files::GUIDE_FILES
}

#[derive(Debug, thiserror::Error)]
pub enum GuideError {
    #[error("guide {file}.toml: {source}")]
    Parse {
        file: String,
        source: toml::de::Error,
    },
    #[error("guide {file}.toml: {problem}")]
    Invalid { file: String, problem: String },
}

pub fn load_all() -> Result<Vec<Guide>, GuideError> {
    files().iter().map(|(f, t)| parse(f, t)).collect()
}

/// Every shipped guide, parsed once (the `guides_data` test proves they load).
pub fn all() -> &'static [Guide] {
    static ALL: OnceLock<Vec<Guide>> = OnceLock::new();
    ALL.get_or_init(|| load_all().unwrap_or_else(|e| panic!("{e}")))
}

pub fn find(idp: &str) -> Option<&'static Guide> {
    all()
        .iter()
        .find(|g| g.idp.eq_ignore_ascii_case(idp.trim()))
}

pub fn parse(file: &str, text: &str) -> Result<Guide, GuideError> {
    let guide: Guide = toml::from_str(text).map_err(|source| GuideError::Parse {
        file: file.into(),
        source,
    })?;
    validate(file, &guide).map_err(|problem| GuideError::Invalid {
        file: file.into(),
        problem,
    })?;
    Ok(guide)
}

/// Rules serde cannot express: names resolve, placeholders are known, both parts exist.
fn validate(file: &str, g: &Guide) -> Result<(), String> {
    if g.idp != file {
        return Err(format!("idp `{}` differs from the file name", g.idp));
    }
    g.idp
        .parse::<crate::target::Idp>()
        .map_err(|e| format!("idp: {e}"))?;
    let mut ids: Vec<&str> = Vec::new();
    for s in &g.steps {
        if ids.contains(&s.id.as_str()) {
            return Err(format!("step id `{}` is used twice", s.id));
        }
        ids.push(&s.id);
        for id in &s.checks {
            if crate::checks::find(id).is_none() {
                return Err(format!("step {}: unknown check ID `{id}`", s.id));
            }
        }
        for code in &s.explain {
            if crate::federation::explain::explain(code).is_empty()
                && crate::diagnosis::find(code).is_none()
            {
                return Err(format!(
                    "step {}: `preflight explain {code}` knows nothing",
                    s.id
                ));
            }
        }
        let texts = std::iter::once(s.instructions.as_str())
            .chain(s.fields.iter().map(|f| f.value.as_str()))
            .chain(s.warnings.iter().map(String::as_str));
        for text in texts {
            for name in placeholders(text) {
                if !KNOWN_PLACEHOLDERS.iter().any(|(k, _)| *k == name) {
                    return Err(format!("step {}: unknown placeholder {{{name}}}", s.id));
                }
            }
        }
        if s.menu.trim().is_empty() || s.instructions.trim().is_empty() {
            return Err(format!("step {}: menu and instructions are required", s.id));
        }
    }
    for part in [Part::Sso, Part::Scim] {
        if !g.steps.iter().any(|s| s.part == part) {
            return Err(format!("no {part:?} steps"));
        }
        if !g.logs.iter().any(|l| l.part == part) {
            return Err(format!("no {part:?} log location"));
        }
    }
    Ok(())
}

/// A field with its value filled in.
#[derive(Clone, Debug, Serialize)]
pub struct FilledField {
    pub name: String,
    pub value: String,
    /// The value is a secret to paste from the vendor; Preflight never fills it.
    pub secret: bool,
    /// Every placeholder had a value (a copy button makes sense).
    pub complete: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct FilledStep {
    pub number: usize,
    pub id: String,
    pub part: Part,
    pub title: String,
    pub menu: String,
    pub instructions: String,
    pub fields: Vec<FilledField>,
    pub checks: Vec<String>,
    pub explain: Vec<String>,
    pub warnings: Vec<String>,
}

/// A guide ready to show: every template filled from the values at hand.
#[derive(Clone, Debug, Serialize)]
pub struct FilledGuide {
    pub idp: String,
    pub name: String,
    pub intro: String,
    pub steps: Vec<FilledStep>,
    pub logs: Vec<LogPlace>,
    /// Placeholders no value was given for, with what they stand for.
    pub missing: Vec<(String, String)>,
    pub unconfirmed: Vec<String>,
}

/// Fill a guide's templates.
pub fn fill(guide: &Guide, vars: &GuideVars) -> FilledGuide {
    let text = |t: &str| vars.fill(t).0;
    let steps = guide
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| FilledStep {
            number: i + 1,
            id: s.id.clone(),
            part: s.part,
            title: s.title.clone(),
            menu: s.menu.clone(),
            instructions: text(&s.instructions),
            fields: s
                .fields
                .iter()
                .map(|f| {
                    let (value, unfilled) = vars.fill(&f.value);
                    FilledField {
                        name: f.name.clone(),
                        value,
                        secret: f.secret,
                        complete: unfilled.is_empty() && !f.secret,
                    }
                })
                .collect(),
            checks: s.checks.clone(),
            explain: s.explain.clone(),
            warnings: s.warnings.iter().map(|w| text(w)).collect(),
        })
        .collect();
    let templates = guide.steps.iter().flat_map(|s| {
        std::iter::once(s.instructions.as_str())
            .chain(s.fields.iter().map(|f| f.value.as_str()))
            .chain(s.warnings.iter().map(String::as_str))
    });
    let unfilled: Vec<String> = templates.flat_map(|t| vars.fill(t).1).collect();
    let missing: Vec<(String, String)> = KNOWN_PLACEHOLDERS
        .iter()
        .filter(|(k, _)| unfilled.iter().any(|n| n == k))
        .map(|(k, d)| (k.to_string(), d.to_string()))
        .collect();
    FilledGuide {
        idp: guide.idp.clone(),
        name: guide.name.clone(),
        intro: text(&guide.intro),
        steps,
        logs: guide.logs.clone(),
        missing,
        unconfirmed: guide.unconfirmed.clone(),
    }
}
