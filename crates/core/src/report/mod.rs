//! The run model every output is rendered from (JSON per `shared/spec/cli.md`, human text,
//! and later JUnit/Markdown/HTML/HAR). Built from verdicts plus the catalogue.

pub(crate) mod har;
mod html;
mod human;
mod junit;
pub(crate) mod markdown;
mod terminal_text;

pub use har::{har, render_har};
pub use html::render_html;
pub use human::render_human;
pub use junit::render_junit;
pub use markdown::render_markdown;
pub use terminal_text::terminal_safe;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::check::{CheckDoc, Status, Verdict};
use crate::diagnosis;
use crate::exchange::Exchange;
use crate::target::Target;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub target: TargetView,
    pub started_at: String,
    pub duration_ms: u64,
    pub summary: Summary,
    pub checks: Vec<CheckResult>,
    pub diagnoses: Vec<String>,
    pub exchanges: Vec<Exchange>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TargetView {
    pub base_url: String,
    pub idp: String,
    pub dialects: Vec<String>,
    pub write: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// `none`, `bearer` or `client-credentials` — never the credential itself.
    pub auth: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub warned: usize,
    pub skipped: usize,
    pub blocked: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<FindingView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<DiagnosisView>,
    /// Why a check was skipped, which check blocked it, or a note on a pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Exchanges behind a pass (a failure lists them in `finding.evidence`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FindingView {
    pub expected: String,
    pub actual: String,
    pub evidence: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DiagnosisView {
    pub code: String,
    pub title: String,
    pub summary: String,
    pub idp_impact: String,
    pub fix: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default)]
    pub candidates: Vec<String>,
}

impl CheckResult {
    pub fn from_verdict(doc: &CheckDoc, verdict: &Verdict, duration_ms: u64) -> CheckResult {
        let (finding, diagnosis, note, evidence) = match verdict {
            Verdict::Pass { evidence, note } => (None, None, note.clone(), evidence.clone()),
            Verdict::Fail(f) | Verdict::Warn(f) => {
                let entry = diagnosis::find(&f.diagnosis.code);
                let view = DiagnosisView {
                    code: f.diagnosis.code.clone(),
                    title: entry.map(|d| d.title.clone()).unwrap_or_default(),
                    summary: entry.map(|d| d.summary.clone()).unwrap_or_default(),
                    idp_impact: entry.map(|d| d.idp_impact.clone()).unwrap_or_default(),
                    fix: entry.map(|d| d.fix.clone()).unwrap_or_default(),
                    detail: f.diagnosis.detail.clone(),
                    candidates: f.diagnosis.candidates.clone(),
                };
                let finding = FindingView {
                    expected: f.expected.clone(),
                    actual: f.actual.clone(),
                    evidence: f.evidence.clone(),
                };
                (Some(finding), Some(view), None, Vec::new())
            }
            Verdict::Skip(reason) => (None, None, Some(reason.clone()), Vec::new()),
            Verdict::Blocked(by) => (None, None, Some(format!("blocked by {by}")), Vec::new()),
        };
        CheckResult {
            id: doc.id.into(),
            title: doc.title.into(),
            status: verdict.status(),
            duration_ms,
            finding,
            diagnosis,
            note,
            evidence,
        }
    }
}

impl Report {
    pub fn new(
        target: &Target,
        started_at: OffsetDateTime,
        duration_ms: u64,
        checks: Vec<CheckResult>,
        exchanges: Vec<Exchange>,
    ) -> Report {
        let mut summary = Summary::default();
        for c in &checks {
            match c.status {
                Status::Pass => summary.passed += 1,
                Status::Fail => summary.failed += 1,
                Status::Warn => summary.warned += 1,
                Status::Skip => summary.skipped += 1,
                Status::Blocked => summary.blocked += 1,
            }
        }
        let mut diagnoses: Vec<String> = checks
            .iter()
            .filter_map(|c| c.diagnosis.as_ref().map(|d| d.code.clone()))
            .collect();
        diagnoses.sort();
        diagnoses.dedup();
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "preflight".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            target: TargetView {
                base_url: shown_base_url(target),
                idp: target.idp.as_str().into(),
                dialects: reported_dialects(target),
                write: target.write,
                vendor: target.vendor.clone(),
                auth: target.credential.kind().into(),
            },
            started_at: started_at
                .replace_nanosecond(0)
                .unwrap_or(started_at)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            duration_ms,
            summary,
            checks,
            diagnoses,
            exchanges: exchanges.iter().map(Exchange::for_report).collect(),
        }
    }

    pub fn result(&self, id: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// CLI exit code per the contract: 0 all good (warnings allowed), 1 a check failed,
    /// 3 the target could not be reached or the run could not complete.
    pub fn exit_code(&self, cancelled: bool) -> i32 {
        if cancelled {
            return 3;
        }
        let unreachable = self.checks.iter().any(|c| {
            c.status == Status::Fail
                && (c
                    .diagnosis
                    .as_ref()
                    .is_some_and(|d| is_transport_code(&d.code))
                    || self.only_transport_failures(c))
        });
        if unreachable {
            3
        } else if self.summary.failed > 0 {
            1
        } else {
            0
        }
    }

    /// A failed check whose every evidence exchange got no HTTP answer (refused, DNS, timeout,
    /// TLS) did not judge the target: it never reached it. Some checks name their own
    /// diagnosis for that (e.g. `saml/metadata-invalid` for a metadata URL that refuses
    /// connections); the exit code still has to say "unreachable" (3), not "a check failed" (1).
    fn only_transport_failures(&self, check: &CheckResult) -> bool {
        let Some(finding) = &check.finding else {
            return false;
        };
        !finding.evidence.is_empty()
            && finding.evidence.iter().all(|id| {
                self.exchanges.iter().any(|x| {
                    &x.id == id
                        && x.response.is_none()
                        && x.failure
                            .as_ref()
                            .is_some_and(|f| is_transport_code(&f.code))
                })
            })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("report serialises")
    }
}

/// The base URL as the report shows it: a password in its userinfo, a credential-named query
/// parameter (`?access_token=…`) or the run's own secret in it are masked like the exchanges'
/// URLs are ("no secret ever appears in any output", `shared/spec/cli.md`).
fn shown_base_url(target: &Target) -> String {
    let redactor = crate::redact::Redactor::new();
    match &target.credential {
        crate::target::Credential::None => {}
        crate::target::Credential::Bearer(secret) => redactor.add(secret),
        crate::target::Credential::ClientCredentials { client_secret, .. } => {
            redactor.add(client_secret)
        }
    }
    redactor.url(target.base_url.as_str())
}

/// The dialects a write run replays — the `--dialect` names, else the IdP's default (spec
/// example: `--idp entra --write` reports `["entra-default"]`), so a script reading the report
/// sees what was sent. A read-only run replays none and lists only what was asked for.
fn reported_dialects(target: &Target) -> Vec<String> {
    if target.write {
        crate::dialect::selected(&target.dialects, target.idp.as_str())
            .iter()
            .map(|d| d.id.clone())
            .collect()
    } else {
        target.dialects.clone()
    }
}

/// Diagnosis codes that mean "no HTTP answer came back" (plain HTTP is a finding, not a
/// connection failure).
fn is_transport_code(code: &str) -> bool {
    code.starts_with("net/") || (code.starts_with("tls/") && code != "tls/plain-http")
}
