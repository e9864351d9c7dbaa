//! SUMMARY.md: the first file support opens. It answers, from the report alone, what a SCIM
//! vendor's support desk asks for in an escalation — tenant, base URL, IdP, failing
//! operation, time, HTTP status, whether discovery works — and turns what only the admin can
//! see (does the token show recent use?) into a question with where to look.

use std::fmt::Write;

use crate::check::Status;
use crate::exchange::Exchange;
use crate::report::Report;
use crate::report::markdown::{code, prose, text};

pub fn render_summary(report: &Report, pseudonymised: bool) -> String {
    let mut out = String::from("# Preflight escalation package\n\n");
    out.push_str(
        "Produced by Preflight from one run of its checks. Credentials are redacted in every file",
    );
    out.push_str(if pseudonymised {
        "; user names and e-mail addresses are replaced by consistent pseudonyms (`user-N`).\n\n"
    } else {
        ".\n\n"
    });
    out.push_str("## What support needs\n\n| Question | Answer |\n|---|---|\n");
    let failing: Vec<&Exchange> = failing_exchanges(report);
    let rows = [
        ("Tenant / organisation ID", tenant(&report.target.base_url)),
        ("SCIM base URL", code(&report.target.base_url)),
        ("Identity provider", idp(report)),
        ("Failing operation(s)", operations(report, &failing)),
        ("Timestamp (UTC)", timestamp(report, &failing)),
        ("HTTP status(es)", statuses(&failing)),
        ("Does discovery work?", discovery(report)),
        ("Does the token show recent use?", token_use(report)),
    ];
    for (question, answer) in rows {
        let _ = writeln!(out, "| {question} | {answer} |");
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\nResult: {} passed, {} failed, {} warnings, {} skipped, {} blocked — {} requests in {} ms.\n",
        s.passed,
        s.failed,
        s.warned,
        s.skipped,
        s.blocked,
        report.exchanges.len(),
        report.duration_ms
    );
    let problems: Vec<_> = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
        .collect();
    if !problems.is_empty() {
        out.push_str("## Findings\n\n");
        for c in problems {
            if let Some(d) = &c.diagnosis {
                let _ = writeln!(
                    out,
                    "- **{}** {} → {}: {} Fix: {}",
                    c.status.as_str().to_uppercase(),
                    code(&c.id),
                    code(&d.code),
                    prose(&d.summary),
                    prose(&d.fix)
                );
            }
        }
        out.push('\n');
    }
    out.push_str("## Files\n\n");
    for (name, what) in [
        ("SUMMARY.md", "this page"),
        ("report.md", "the full report, ticket-ready Markdown"),
        (
            "report.html",
            "the full report as one self-contained page, with every request and response",
        ),
        (
            "report.json",
            "the machine-readable report (schema_version 1)",
        ),
        ("report.junit.xml", "the checks as JUnit test cases"),
        (
            "exchanges.har",
            "every HTTP exchange as HAR 1.2 (opens in browser dev tools and HAR viewers)",
        ),
        (
            "environment.txt",
            "Preflight version, operating system and architecture",
        ),
    ] {
        let _ = writeln!(out, "- `{name}` — {what}");
    }
    out
}

/// Exchanges behind failed checks, in run order, without duplicates.
fn failing_exchanges(report: &Report) -> Vec<&Exchange> {
    let ids: Vec<&String> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .filter_map(|c| c.finding.as_ref())
        .flat_map(|f| f.evidence.iter())
        .collect();
    report
        .exchanges
        .iter()
        .filter(|x| ids.contains(&&x.id))
        .collect()
}

/// A tenant identifier, if the URL carries one in a recognisable place.
fn tenant(base_url: &str) -> String {
    const PROMPT: &str =
        "_Not visible in the URL — please add your tenant or organisation ID here._";
    let Ok(url) = url::Url::parse(base_url) else {
        return PROMPT.into();
    };
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    if let Some(guid) = segments.iter().find(|s| is_guid(s)) {
        return format!("{} (a GUID in the URL path — please confirm)", code(guid));
    }
    const KEYWORDS: &[&str] = &[
        "tenant",
        "tenants",
        "org",
        "orgs",
        "organization",
        "organizations",
        "organisation",
        "organisations",
        "account",
        "accounts",
        "workspace",
        "workspaces",
        "customer",
        "customers",
        "instance",
    ];
    for pair in segments.windows(2) {
        if KEYWORDS.contains(&pair[0].to_ascii_lowercase().as_str()) {
            return format!(
                "{} (from `/{}/…` in the URL — please confirm)",
                code(pair[1]),
                text(pair[0])
            );
        }
    }
    PROMPT.into()
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn idp(report: &Report) -> String {
    let t = &report.target;
    let name = match t.idp.as_str() {
        "entra" => "Microsoft Entra ID",
        "okta" => "Okta",
        "onelogin" => "OneLogin",
        _ => "generic SCIM client (no IdP emulated)",
    };
    if t.dialects.is_empty() {
        name.to_string()
    } else {
        format!(
            "{name} (client behaviour: {})",
            text(&t.dialects.join(", "))
        )
    }
}

/// What the IdP would have been doing when it hit this request.
fn operation(x: &Exchange, base_url: &str) -> String {
    let path = x
        .request
        .url
        .strip_prefix(base_url.trim_end_matches('/'))
        .unwrap_or(&x.request.url);
    let lower = path.to_ascii_lowercase();
    let resource = if lower.starts_with("/groups") {
        "group"
    } else if lower.starts_with("/users") {
        "user"
    } else {
        ""
    };
    let kind = match (x.request.method.as_str(), resource) {
        ("POST", "user") => "create user",
        ("POST", "group") => "create group (group sync)",
        ("PATCH" | "PUT", "user") => "update or deactivate user",
        ("PATCH" | "PUT", "group") => "update group membership (group sync)",
        ("DELETE", "user") => "delete user",
        ("DELETE", "group") => "delete group (group sync)",
        ("GET", "user") => "look up users (connection test / matching)",
        ("GET", "group") => "look up groups (group sync)",
        ("GET", _)
            if lower.contains("serviceproviderconfig")
                || lower.contains("schemas")
                || lower.contains("resourcetypes") =>
        {
            "discovery"
        }
        ("POST", _) if lower.contains("token") => "token request",
        _ => "request",
    };
    format!(
        "{kind}: {}",
        code(&format!("{} {}", x.request.method, path))
    )
}

fn operations(report: &Report, failing: &[&Exchange]) -> String {
    if failing.is_empty() {
        return if report.summary.failed == 0 {
            "None — no check failed.".into()
        } else {
            failed_check_ids(report)
        };
    }
    let mut ops: Vec<String> = failing
        .iter()
        .map(|x| operation(x, &report.target.base_url))
        .collect();
    ops.dedup();
    let shown = ops.len().min(6);
    let mut answer = ops[..shown].join("<br>");
    if ops.len() > shown {
        let _ = write!(answer, "<br>… and {} more", ops.len() - shown);
    }
    let _ = write!(answer, "<br>Failed checks: {}", failed_check_ids(report));
    answer
}

fn failed_check_ids(report: &Report) -> String {
    let ids: Vec<String> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| code(&c.id))
        .collect();
    ids.join(", ")
}

fn timestamp(report: &Report, failing: &[&Exchange]) -> String {
    match failing.iter().find_map(|x| x.started_at.as_deref()) {
        Some(at) => format!(
            "{} (first failing request; run started {})",
            text(at),
            text(&report.started_at)
        ),
        None => format!("{} (start of the run)", text(&report.started_at)),
    }
}

fn statuses(failing: &[&Exchange]) -> String {
    if failing.is_empty() {
        return "—".into();
    }
    let mut seen: Vec<String> = Vec::new();
    for x in failing {
        let status = match (&x.response, &x.failure) {
            (Some(r), _) => format!(
                "{} {}",
                r.status,
                crate::report::har::reason_phrase(r.status)
            )
            .trim_end()
            .to_string(),
            (None, Some(f)) => format!("no response ({})", f.code),
            (None, None) => "no response".into(),
        };
        let entry = format!("{} ({})", text(&status), x.id);
        if !seen.iter().any(|s| s.starts_with(&text(&status))) {
            seen.push(entry);
        }
    }
    seen.join(", ")
}

fn discovery(report: &Report) -> String {
    let discovery = report.exchanges.iter().find(|x| {
        let u = x.request.url.to_ascii_lowercase();
        x.request.method == "GET" && u.contains("/serviceproviderconfig")
    });
    match discovery {
        Some(x) => match (&x.response, &x.failure) {
            (Some(r), _) if r.is_success() && !r.looks_like_html() => {
                format!(
                    "Yes — `GET …/ServiceProviderConfig` returned {} ({})",
                    r.status, x.id
                )
            }
            (Some(r), _) => format!(
                "No — `GET …/ServiceProviderConfig` returned {} ({})",
                r.status, x.id
            ),
            (None, Some(f)) => format!(
                "No — `GET …/ServiceProviderConfig` got no response: {} ({})",
                code(&f.code),
                x.id
            ),
            (None, None) => "Unknown".into(),
        },
        None => "Not tested in this run.".into(),
    }
}

fn token_use(report: &Report) -> String {
    let accepted = report.result("auth/users-accepts-token").map(|c| c.status);
    let lead = match (report.target.auth.as_str(), accepted) {
        ("none", _) => "No token was used in this run. ",
        (_, Some(Status::Pass)) => {
            "The server accepted the token in this run (`auth/users-accepts-token` passed). "
        }
        (_, Some(Status::Fail)) => {
            "The server did not accept the token in this run (`auth/users-accepts-token` failed). "
        }
        _ => "",
    };
    let logs = match report.target.idp.as_str() {
        "entra" => "Entra admin center → Enterprise apps → your app → Provisioning logs",
        "okta" => "Okta Admin Console → Reports → System Log (filter on the app)",
        "onelogin" => "OneLogin admin → Activity → Events",
        _ => "the IdP's provisioning log",
    };
    format!(
        "{lead}_Question for the admin:_ in the SCIM application's admin portal (API tokens or SCIM settings), does this token show a last-used time near the timestamp above? Compare with {logs}. If the token never shows use, the IdP holds a different token."
    )
}
