//! A single self-contained HTML page: inline CSS, no scripts, no external assets, readable
//! offline and on paper. Evidence sits in `<details>`. Every text that is not a literal of
//! this file is HTML-escaped — server bodies, headers, URLs, details — so a hostile
//! response cannot run script or load anything when a support engineer opens the file.

use std::fmt::Write;

use super::{CheckResult, Report};
use crate::check::Status;
use crate::exchange::Exchange;

const STYLE: &str = "
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#59636e;--code:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;--pass:#3fb950;--fail:#f85149;--warn:#d29922;--skip:#9198a1;--code:#151b23}}
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);background:var(--bg);max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid var(--line)}h3{font-size:1.05rem;margin-bottom:.25rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem;background:var(--code)}
pre{padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;border:1px solid var(--line)}
.badge{display:inline-block;min-width:4.5em;font-weight:600;font-family:ui-monospace,monospace}
.pass{color:var(--pass)}.fail{color:var(--fail)}.warn{color:var(--warn)}.skip,.blocked{color:var(--skip)}
.finding{border-left:4px solid var(--line);padding-left:1rem;margin:1rem 0}.finding.fail{border-color:var(--fail)}.finding.warn{border-color:var(--warn)}
.finding .fail,.finding .warn{font-weight:600}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600;color:var(--muted)}dd{margin:0}
details{margin:.5rem 0}summary{cursor:pointer}.muted{color:var(--muted)}
@media print{body{margin:0;max-width:none}details>*{display:block}summary{list-style:none}.finding{break-inside:avoid}a{color:inherit}}
";

pub fn render_html(report: &Report) -> String {
    let t = &report.target;
    let s = &report.summary;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing in this page may load or run anything, even if an escape were missed.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    let _ = writeln!(
        out,
        "<title>Preflight report — {}</title>",
        esc(&t.base_url)
    );
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(
        out,
        "<h1>Preflight report</h1>\n<p class=\"muted\"><code>{}</code></p>",
        esc(&t.base_url)
    );
    out.push_str("<table>\n");
    let mut rows = vec![("Identity provider", esc(&t.idp))];
    if !t.dialects.is_empty() {
        rows.push(("Dialects", esc(&t.dialects.join(", "))));
    }
    if let Some(vendor) = &t.vendor {
        rows.push(("Vendor profile", esc(vendor)));
    }
    rows.push(("Authentication", esc(&t.auth)));
    rows.push((
        "Mode",
        if t.write {
            "write (test objects)".into()
        } else {
            "read-only".into()
        },
    ));
    rows.push(("Started (UTC)", esc(&report.started_at)));
    rows.push((
        "Duration",
        format!(
            "{} ms, {} requests",
            report.duration_ms,
            report.exchanges.len()
        ),
    ));
    rows.push(("Tool", format!("preflight {}", esc(&report.tool.version))));
    for (name, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{name}</th><td>{value}</td></tr>"
        );
    }
    out.push_str("</table>\n");

    let _ = writeln!(
        out,
        "<h2>Summary</h2>\n<p><span class=\"pass\">{} passed</span> · <span class=\"fail\">{} failed</span> · <span class=\"warn\">{} warnings</span> · <span class=\"skip\">{} skipped</span> · <span class=\"blocked\">{} blocked</span></p>",
        s.passed, s.failed, s.warned, s.skipped, s.blocked
    );
    if !report.diagnoses.is_empty() {
        let codes: Vec<String> = report
            .diagnoses
            .iter()
            .map(|d| format!("<code>{}</code>", esc(d)))
            .collect();
        let _ = writeln!(out, "<p>Diagnoses: {}</p>", codes.join(", "));
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
        let _ = writeln!(out, "<h2>{heading}</h2>");
        for check in matching {
            write_finding(&mut out, check, report);
        }
    }

    out.push_str("<h2>All checks</h2>\n<table>\n<thead><tr><th>Status</th><th>Check</th><th>Title</th><th>Diagnosis or note</th><th>ms</th></tr></thead>\n<tbody>\n");
    for check in &report.checks {
        let right = match (&check.diagnosis, &check.note) {
            (Some(d), _) => format!("<code>{}</code>", esc(&d.code)),
            (None, Some(note)) => esc(note),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{right}</td><td>{}</td></tr>",
            badge(check.status),
            esc(&check.id),
            esc(&check.title),
            check.duration_ms
        );
    }
    out.push_str("</tbody>\n</table>\n");

    let _ = writeln!(out, "<h2>Requests ({})</h2>", report.exchanges.len());
    out.push_str(
        "<p class=\"muted\">Credentials were redacted when each request was recorded.</p>\n",
    );
    for x in &report.exchanges {
        write_exchange(&mut out, x);
    }
    let _ = writeln!(
        out,
        "<p class=\"muted\">Run <code>preflight explain &lt;code&gt;</code> for the long explanation of a check or diagnosis.</p>\n</body>\n</html>"
    );
    out
}

fn badge(status: Status) -> String {
    format!(
        "<span class=\"badge {0}\">{1}</span>",
        status.as_str(),
        status.as_str().to_uppercase()
    )
}

fn write_finding(out: &mut String, check: &CheckResult, report: &Report) {
    let status = check.status.as_str();
    let _ = writeln!(out, "<section class=\"finding {status}\">");
    let _ = writeln!(
        out,
        "<h3>{} <code>{}</code> — {}</h3>\n<dl>",
        badge(check.status),
        esc(&check.id),
        esc(&check.title)
    );
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(d) = &check.diagnosis {
        rows.push((
            "Diagnosis",
            format!("<code>{}</code> — {}", esc(&d.code), esc(&d.title)),
        ));
        if !d.candidates.is_empty() {
            let others: Vec<String> = d
                .candidates
                .iter()
                .map(|c| format!("<code>{}</code>", esc(c)))
                .collect();
            rows.push(("Could also be", others.join(", ")));
        }
    }
    if let Some(f) = &check.finding {
        rows.push(("Expected", esc(&f.expected)));
        rows.push(("Actual", esc(&f.actual)));
    }
    if let Some(d) = &check.diagnosis {
        rows.push(("Cause", esc(&d.summary)));
        if let Some(detail) = &d.detail {
            rows.push(("Detail", esc(detail)));
        }
        rows.push(("IdP impact", esc(&d.idp_impact)));
        rows.push(("Fix", esc(&d.fix)));
    }
    for (name, value) in rows {
        let _ = writeln!(out, "<dt>{name}</dt><dd>{value}</dd>");
    }
    out.push_str("</dl>\n");
    for id in check
        .finding
        .as_ref()
        .map(|f| f.evidence.as_slice())
        .unwrap_or_default()
    {
        if let Some(x) = report.exchanges.iter().find(|x| &x.id == id) {
            write_exchange(out, x);
        }
    }
    out.push_str("</section>\n");
}

fn write_exchange(out: &mut String, x: &Exchange) {
    let _ = writeln!(
        out,
        "<details>\n<summary><code>{}</code> {} <span class=\"muted\">{} ms</span></summary>",
        esc(&x.id),
        esc(&x.summary()),
        x.ms
    );
    if let Some(purpose) = &x.purpose {
        let _ = writeln!(out, "<p class=\"muted\">{}</p>", esc(purpose));
    }
    let mut request = format!("{} {}\n", x.request.method, x.request.url);
    for (name, value) in &x.request.headers {
        let _ = writeln!(request, "{name}: {value}");
    }
    if let Some(body) = &x.request.body {
        let _ = write!(request, "\n{body}");
    }
    let _ = writeln!(out, "<p>Request</p>\n<pre>{}</pre>", esc(&request));
    match (&x.response, &x.failure) {
        (Some(r), _) => {
            let mut response = format!("{}\n", r.status);
            for (name, value) in &r.headers {
                let _ = writeln!(response, "{name}: {value}");
            }
            let _ = write!(response, "\n{}", r.body);
            if r.body_truncated {
                response.push_str("\n… (truncated)");
            }
            let _ = writeln!(out, "<p>Response</p>\n<pre>{}</pre>", esc(&response));
        }
        (None, Some(f)) => {
            let _ = writeln!(
                out,
                "<p>No response: <code>{}</code> — {}</p>",
                esc(&f.code),
                esc(&f.message)
            );
        }
        (None, None) => out.push_str("<p>No response.</p>\n"),
    }
    out.push_str("</details>\n");
}

/// Escape for HTML text and double-quoted attributes; control characters become `·`,
/// direction and invisible-format characters a visible escape.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('·'),
            // Bidi overrides and invisible characters would reorder or hide the report's
            // text; show them as a visible escape instead (`\u{202e}`).
            c if super::terminal_text::needs_escape(c) => {
                out.push_str(&super::terminal_safe(c.encode_utf8(&mut [0; 4])))
            }
            c => out.push(c),
        }
    }
    out
}
