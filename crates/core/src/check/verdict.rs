//! What a check concludes, and the evidence behind it.

use serde::{Deserialize, Serialize};

/// A failure or warning: what was expected, what happened, which exchanges show it, and the
/// most specific cause from the diagnosis catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub expected: String,
    pub actual: String,
    pub evidence: Vec<String>,
    pub diagnosis: Cause,
}

/// A diagnosis code plus what this run adds to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cause {
    /// A code from `shared/spec/diagnoses.md`.
    pub code: String,
    /// Run-specific detail appended to the catalogue's fix (e.g. the missing scope's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When the evidence cannot separate causes: the more specific codes still possible.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
}

impl Cause {
    pub fn new(code: &str) -> Cause {
        Cause {
            code: code.into(),
            detail: None,
            candidates: Vec::new(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Cause {
        self.detail = Some(detail.into());
        self
    }

    pub fn candidates(mut self, codes: &[&str]) -> Cause {
        self.candidates = codes.iter().map(|c| c.to_string()).collect();
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Pass {
        evidence: Vec<String>,
        note: Option<String>,
    },
    Fail(Finding),
    Warn(Finding),
    Skip(String),
    /// Could not be judged because an earlier check failed (its ID).
    Blocked(String),
}

impl Verdict {
    pub fn pass(evidence: Vec<String>) -> Verdict {
        Verdict::Pass {
            evidence,
            note: None,
        }
    }

    pub fn pass_with_note(evidence: Vec<String>, note: impl Into<String>) -> Verdict {
        Verdict::Pass {
            evidence,
            note: Some(note.into()),
        }
    }

    pub fn fail(
        expected: impl Into<String>,
        actual: impl Into<String>,
        evidence: Vec<String>,
        cause: Cause,
    ) -> Verdict {
        Verdict::Fail(Finding {
            expected: expected.into(),
            actual: actual.into(),
            evidence,
            diagnosis: cause,
        })
    }

    pub fn warn(
        expected: impl Into<String>,
        actual: impl Into<String>,
        evidence: Vec<String>,
        cause: Cause,
    ) -> Verdict {
        Verdict::Warn(Finding {
            expected: expected.into(),
            actual: actual.into(),
            evidence,
            diagnosis: cause,
        })
    }

    pub fn status(&self) -> Status {
        match self {
            Verdict::Pass { .. } => Status::Pass,
            Verdict::Fail(_) => Status::Fail,
            Verdict::Warn(_) => Status::Warn,
            Verdict::Skip(_) => Status::Skip,
            Verdict::Blocked(_) => Status::Blocked,
        }
    }

    pub fn finding(&self) -> Option<&Finding> {
        match self {
            Verdict::Fail(f) | Verdict::Warn(f) => Some(f),
            _ => None,
        }
    }

    /// Downgrade a failure to a warning (used where a rule is a SHOULD, or IdP-specific).
    pub fn soften(self) -> Verdict {
        match self {
            Verdict::Fail(f) => Verdict::Warn(f),
            other => other,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Skip,
    Blocked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Skip => "skip",
            Status::Blocked => "blocked",
        }
    }
}
