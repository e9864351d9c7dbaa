//! The terminal report: one line per check, details under failures and warnings.
//! Text that came from the server goes through [`super::terminal_safe`], so a hostile
//! `detail` cannot move the cursor, recolour the terminal or fake a hyperlink.

use std::fmt::Write;

use super::terminal_safe as inert;
use super::{CheckResult, Report};
use crate::check::Status;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn badge(&self, status: Status) -> String {
        match status {
            Status::Pass => self.paint("32", "PASS "),
            Status::Fail => self.paint("1;31", "FAIL "),
            Status::Warn => self.paint("33", "WARN "),
            Status::Skip => self.paint("2", "SKIP "),
            Status::Blocked => self.paint("2", "BLOCK"),
        }
    }
}

pub fn render_human(report: &Report, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    let t = &report.target;
    let _ = writeln!(
        out,
        "Preflight {} — {} (IdP: {}, auth: {}{})\n",
        report.tool.version,
        inert(&t.base_url),
        inert(&t.idp),
        inert(&t.auth),
        if t.write {
            ", write mode"
        } else {
            ", read-only"
        }
    );
    let width = report.checks.iter().map(|c| c.id.len()).max().unwrap_or(20);
    for check in &report.checks {
        let _ = writeln!(
            out,
            "  {}  {:width$}  {}",
            style.badge(check.status),
            inert(&check.id),
            inert(&check.title)
        );
        write_details(&mut out, check, report, &style);
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{} passed, {} failed, {} warnings, {} skipped, {} blocked — {} requests in {} ms",
        s.passed,
        s.failed,
        s.warned,
        s.skipped,
        s.blocked,
        report.exchanges.len(),
        report.duration_ms
    );
    if !report.diagnoses.is_empty() {
        let _ = writeln!(out, "Diagnoses: {}", inert(&report.diagnoses.join(", ")));
        let _ = writeln!(
            out,
            "Run `preflight explain <code>` for the long explanation of a diagnosis or check."
        );
    }
    out
}

fn write_details(out: &mut String, check: &CheckResult, report: &Report, style: &Style) {
    let pad = "         ";
    match (&check.finding, &check.diagnosis) {
        (Some(f), Some(d)) => {
            let _ = writeln!(out, "{pad}expected: {}", inert(&f.expected));
            let _ = writeln!(out, "{pad}actual:   {}", inert(&f.actual));
            let _ = writeln!(
                out,
                "{pad}cause:    {} — {}",
                style.paint("1", &inert(&d.code)),
                inert(&d.title)
            );
            let _ = writeln!(out, "{pad}          {}", inert(&d.summary));
            if !d.candidates.is_empty() {
                let _ = writeln!(
                    out,
                    "{pad}          could also be: {}",
                    inert(&d.candidates.join(", "))
                );
            }
            let _ = writeln!(out, "{pad}IdP:      {}", inert(&d.idp_impact));
            let _ = writeln!(out, "{pad}fix:      {}", inert(&d.fix));
            if let Some(detail) = &d.detail {
                let _ = writeln!(out, "{pad}          {}", inert(detail));
            }
            for id in &f.evidence {
                if let Some(x) = report.exchanges.iter().find(|x| &x.id == id) {
                    let _ = writeln!(
                        out,
                        "{pad}evidence: {} {}",
                        inert(&x.id),
                        inert(&x.summary())
                    );
                }
            }
        }
        _ => {
            if let Some(note) = &check.note
                && (check.status != Status::Pass || !note.is_empty())
            {
                let _ = writeln!(out, "{pad}{}", style.paint("2", &inert(note)));
            }
        }
    }
}
