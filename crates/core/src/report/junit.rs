//! JUnit XML for CI dashboards: one test suite, one test case per check.
//!
//! fail → `<failure message="code: summary" type="code">` with expected/actual/fix/evidence in
//! the body; warn → a passing case with the warning in `<system-out>`; skip and blocked →
//! `<skipped message="…"/>`. Every text is XML-escaped, and characters XML 1.0 forbids are
//! replaced, so a hostile server body cannot break the document.

use std::fmt::Write;

use super::{CheckResult, Report};
use crate::check::Status;

pub fn render_junit(report: &Report) -> String {
    let s = &report.summary;
    let tests = report.checks.len();
    let skipped = s.skipped + s.blocked;
    let time = seconds(report.duration_ms);
    let suite = format!("preflight {}", report.target.base_url);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"preflight\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"{skipped}\" time=\"{time}\">",
        s.failed
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"{skipped}\" time=\"{time}\" timestamp=\"{}\">",
        xml(&suite),
        s.failed,
        xml(&report.started_at)
    );
    out.push_str("    <properties>\n");
    let t = &report.target;
    let mut properties = vec![
        ("preflight.version", report.tool.version.clone()),
        ("target.base_url", t.base_url.clone()),
        ("target.idp", t.idp.clone()),
        ("target.auth", t.auth.clone()),
        ("target.write", t.write.to_string()),
        ("diagnoses", report.diagnoses.join(" ")),
    ];
    if !t.dialects.is_empty() {
        properties.push(("target.dialects", t.dialects.join(" ")));
    }
    if let Some(vendor) = &t.vendor {
        properties.push(("target.vendor", vendor.clone()));
    }
    for (name, value) in properties {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            xml(&value)
        );
    }
    out.push_str("    </properties>\n");
    for check in &report.checks {
        write_case(&mut out, check, report);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn write_case(out: &mut String, check: &CheckResult, report: &Report) {
    let family = check.id.split('/').next().unwrap_or("preflight");
    let _ = write!(
        out,
        "    <testcase classname=\"preflight.{}\" name=\"{}\" time=\"{}\"",
        xml(family),
        xml(&check.id),
        seconds(check.duration_ms)
    );
    match check.status {
        Status::Pass => {
            out.push_str("/>\n");
        }
        Status::Fail => {
            let (code, summary) = check
                .diagnosis
                .as_ref()
                .map(|d| (d.code.as_str(), d.summary.as_str()))
                .unwrap_or(("", ""));
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml(&format!("{code}: {summary}")),
                xml(code),
                xml(&body(check, report))
            );
            out.push_str("    </testcase>\n");
        }
        Status::Warn => {
            let _ = writeln!(
                out,
                ">\n      <system-out>WARNING {}</system-out>",
                xml(&body(check, report))
            );
            out.push_str("    </testcase>\n");
        }
        Status::Skip | Status::Blocked => {
            let reason = check
                .note
                .clone()
                .unwrap_or_else(|| check.status.as_str().to_string());
            let _ = writeln!(out, ">\n      <skipped message=\"{}\"/>", xml(&reason));
            out.push_str("    </testcase>\n");
        }
    }
}

/// The readable body of a failure or warning.
fn body(check: &CheckResult, report: &Report) -> String {
    let mut text = format!("{}\n", check.title);
    if let Some(d) = &check.diagnosis {
        let _ = writeln!(text, "diagnosis: {} — {}", d.code, d.title);
        let _ = writeln!(text, "cause:     {}", d.summary);
        if !d.candidates.is_empty() {
            let _ = writeln!(text, "could also be: {}", d.candidates.join(", "));
        }
        if let Some(detail) = &d.detail {
            let _ = writeln!(text, "detail:    {detail}");
        }
    }
    if let Some(f) = &check.finding {
        let _ = writeln!(text, "expected:  {}", f.expected);
        let _ = writeln!(text, "actual:    {}", f.actual);
    }
    if let Some(d) = &check.diagnosis {
        let _ = writeln!(text, "IdP:       {}", d.idp_impact);
        let _ = writeln!(text, "fix:       {}", d.fix);
    }
    for id in check
        .finding
        .as_ref()
        .map(|f| f.evidence.as_slice())
        .unwrap_or_default()
    {
        if let Some(x) = report.exchanges.iter().find(|x| &x.id == id) {
            let _ = writeln!(text, "evidence:  {} {}", x.id, x.summary());
        }
    }
    let _ = write!(
        text,
        "explain:   preflight explain {}",
        check
            .diagnosis
            .as_ref()
            .map_or(check.id.as_str(), |d| d.code.as_str())
    );
    text
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Escape for XML text and attribute values; drop characters XML 1.0 cannot carry.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
