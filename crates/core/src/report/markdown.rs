//! Markdown for tickets and chat: a summary table, then each failure and warning with its
//! cause, what the IdP will do, the fix and the requests that prove it.
//!
//! Text that may come from a server is escaped (no links, images or HTML can be injected into
//! a ticket) and kept on one line where a table or list needs it. Bidi overrides, isolates and
//! zero-width characters become visible escapes (`\u{202e}`), as in the terminal and HTML
//! outputs, so a ticket cannot show text in an order or with gaps the server chose.

use std::fmt::Write;

use super::terminal_text::needs_escape;
use super::{CheckResult, Report, terminal_safe};
use crate::check::Status;

pub fn render_markdown(report: &Report) -> String {
    let mut out = String::new();
    let t = &report.target;
    let _ = writeln!(out, "# Preflight report — {}\n", code(&t.base_url));
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(out, "| SCIM base URL | {} |", code(&t.base_url));
    let _ = writeln!(out, "| Identity provider | {} |", text(&t.idp));
    if !t.dialects.is_empty() {
        let _ = writeln!(out, "| Dialects | {} |", text(&t.dialects.join(", ")));
    }
    if let Some(vendor) = &t.vendor {
        let _ = writeln!(out, "| Vendor profile | {} |", text(vendor));
    }
    let _ = writeln!(out, "| Authentication | {} |", text(&t.auth));
    let _ = writeln!(
        out,
        "| Mode | {} |",
        if t.write {
            "write (test objects)"
        } else {
            "read-only"
        }
    );
    let _ = writeln!(out, "| Started (UTC) | {} |", text(&report.started_at));
    let _ = writeln!(
        out,
        "| Duration | {} ms, {} requests |",
        report.duration_ms,
        report.exchanges.len()
    );
    let _ = writeln!(out, "| Tool | preflight {} |\n", text(&report.tool.version));

    let s = &report.summary;
    out.push_str("## Summary\n\n| Passed | Failed | Warnings | Skipped | Blocked |\n|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n",
        s.passed, s.failed, s.warned, s.skipped, s.blocked
    );
    if !report.diagnoses.is_empty() {
        let codes: Vec<String> = report.diagnoses.iter().map(|d| code(d)).collect();
        let _ = writeln!(out, "Diagnoses: {}\n", codes.join(", "));
    }

    for (status, heading) in [(Status::Fail, "Failures"), (Status::Warn, "Warnings")] {
        let matching: Vec<&CheckResult> = report
            .checks
            .iter()
            .filter(|c| c.status == status)
            .collect();
        if matching.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {heading}\n");
        for check in matching {
            write_finding(&mut out, check, report);
        }
    }

    out.push_str(
        "## All checks\n\n| Status | Check | Title | Diagnosis or note |\n|---|---|---|---|\n",
    );
    for check in &report.checks {
        let right = match (&check.diagnosis, &check.note) {
            (Some(d), _) => code(&d.code),
            (None, Some(note)) => text(note),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            check.status.as_str().to_uppercase(),
            code(&check.id),
            text(&check.title),
            right
        );
    }
    out.push_str(
        "\nRun `preflight explain <code>` for the long explanation of a check or diagnosis.\n",
    );
    out
}

fn write_finding(out: &mut String, check: &CheckResult, report: &Report) {
    let _ = writeln!(
        out,
        "### {} {} — {}\n",
        check.status.as_str().to_uppercase(),
        code(&check.id),
        text(&check.title)
    );
    if let Some(d) = &check.diagnosis {
        let _ = writeln!(
            out,
            "- **Diagnosis:** {} — {}",
            code(&d.code),
            prose(&d.title)
        );
        if !d.candidates.is_empty() {
            let others: Vec<String> = d.candidates.iter().map(|c| code(c)).collect();
            let _ = writeln!(out, "- **Could also be:** {}", others.join(", "));
        }
    }
    if let Some(f) = &check.finding {
        let _ = writeln!(out, "- **Expected:** {}", text(&f.expected));
        let _ = writeln!(out, "- **Actual:** {}", text(&f.actual));
    }
    if let Some(d) = &check.diagnosis {
        let _ = writeln!(out, "- **Cause:** {}", prose(&d.summary));
        if let Some(detail) = &d.detail {
            let _ = writeln!(out, "- **Detail:** {}", text(detail));
        }
        let _ = writeln!(out, "- **IdP impact:** {}", prose(&d.idp_impact));
        let _ = writeln!(out, "- **Fix:** {}", prose(&d.fix));
    }
    let evidence = check
        .finding
        .as_ref()
        .map(|f| f.evidence.as_slice())
        .unwrap_or_default();
    if !evidence.is_empty() {
        out.push_str("- **Evidence:**\n");
        for id in evidence {
            match report.exchanges.iter().find(|x| &x.id == id) {
                Some(x) => {
                    let purpose = x
                        .purpose
                        .as_deref()
                        .map(|p| format!(" ({})", text(p)))
                        .unwrap_or_default();
                    let _ = writeln!(out, "  - {} {}{purpose}", code(&x.id), code(&x.summary()));
                }
                None => {
                    let _ = writeln!(out, "  - {}", code(id));
                }
            }
        }
    }
    out.push('\n');
}

/// Untrusted text on one line, with Markdown and HTML syntax escaped.
pub fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('·'),
            c if needs_escape(c) => out.push_str(&visible(c)),
            c => out.push(c),
        }
    }
    out
}

/// A direction or invisible-format character as the visible escape the terminal output
/// uses (`\u{202e}`); in Markdown `\u` is not an escape, so it reads literally.
fn visible(c: char) -> String {
    terminal_safe(c.encode_utf8(&mut [0; 4]))
}

/// Control characters become `replacement`; direction and invisible-format characters a
/// visible escape. For text that is not otherwise escaped (code spans, catalogue prose).
fn one_line(input: &str, replacement: char) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if c.is_control() {
            out.push(replacement);
        } else if needs_escape(c) {
            out.push_str(&visible(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Catalogue text (Preflight's own Markdown: code spans allowed) on one line, table-safe.
pub fn prose(input: &str) -> String {
    one_line(input, ' ')
        .replace('|', "\\|")
        .replace('<', "&lt;")
}

/// Untrusted text as an inline code span (fenced with more backticks than it contains).
pub fn code(input: &str) -> String {
    let one_line = one_line(input, ' ').replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in one_line.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{one_line}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every bidi embedding, override and isolate and every zero-width character.
    const INVISIBLE: &[char] = &[
        '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}',
    ];

    #[test]
    fn direction_and_zero_width_characters_become_visible_escapes() {
        for &c in INVISIBLE {
            let input = format!("a{c}b");
            let escape = format!("\\u{{{:x}}}", c as u32);
            for (name, out) in [
                ("text", text(&input)),
                ("code", code(&input)),
                ("prose", prose(&input)),
            ] {
                assert!(!out.contains(c), "{name} let U+{:04X} through", c as u32);
                assert!(out.contains(&escape), "{name}: {out}");
            }
        }
    }

    #[test]
    fn ordinary_text_keeps_its_characters() {
        assert_eq!(text("Zoë 名前 🙂"), "Zoë 名前 🙂");
        assert_eq!(code("a`b"), "``a`b``");
    }
}
