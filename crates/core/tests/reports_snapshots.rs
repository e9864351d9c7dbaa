//! Every report format rendered from one fixed run, compared byte for byte with the files
//! committed under `tests/snapshots/`. After an intended change, regenerate them with
//! `UPDATE_SNAPSHOTS=1 cargo test -p preflight-core --test reports_snapshots` and review the diff.
//!
//! The same fixed run (as `snapshots/report.json`) is the input of the CLI's bundle tests.

use std::collections::BTreeMap;
use std::path::PathBuf;

use preflight_core::Report;
use preflight_core::Status;
use preflight_core::bundle::{self, BundleOptions};
use preflight_core::exchange::{Exchange, NetFailure, RecordedRequest, RecordedResponse};
use preflight_core::report::{
    CheckResult, DiagnosisView, FindingView, Summary, TargetView, Tool, render_har, render_html,
    render_human, render_junit, render_markdown,
};

const BASE: &str = "https://scim.example.com/tenants/acme-corp/scim/v2";

fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn exchange(
    id: &str,
    method: &str,
    path: &str,
    at: &str,
    ms: u64,
    response: Option<(u16, &str, &str)>,
) -> Exchange {
    Exchange {
        id: id.into(),
        purpose: None,
        request: RecordedRequest {
            method: method.into(),
            url: format!("{BASE}{path}"),
            headers: headers(&[
                ("accept", "application/scim+json"),
                ("authorization", "Bearer ***"),
            ]),
            body: None,
        },
        response: response.map(|(status, media, body)| RecordedResponse {
            status,
            headers: headers(&[("content-type", media)]),
            body: body.into(),
            body_truncated: false,
            body_not_utf8: false,
        }),
        failure: None,
        ms,
        started_at: Some(at.into()),
    }
}

fn check(id: &str, title: &str, status: Status, ms: u64) -> CheckResult {
    CheckResult {
        id: id.into(),
        title: title.into(),
        status,
        duration_ms: ms,
        finding: None,
        diagnosis: None,
        note: None,
        evidence: Vec::new(),
    }
}

fn diagnosis(
    code: &str,
    title: &str,
    summary: &str,
    impact: &str,
    fix: &str,
    detail: Option<&str>,
) -> Option<DiagnosisView> {
    Some(DiagnosisView {
        code: code.into(),
        title: title.into(),
        summary: summary.into(),
        idp_impact: impact.into(),
        fix: fix.into(),
        detail: detail.map(Into::into),
        candidates: Vec::new(),
    })
}

/// A fixed run: one pass, two failures, a warning, a skip, a blocked check, a request that got
/// no response, a hostile HTML body and a user's e-mail address.
pub fn fixture() -> Report {
    let mut x1 = exchange(
        "x1",
        "GET",
        "/ServiceProviderConfig",
        "2026-03-01T09:30:00.120Z",
        41,
        Some((
            200,
            "application/scim+json",
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],"filter":{"supported":true,"maxResults":200}}"#,
        )),
    );
    x1.request.headers.remove("authorization");
    x1.purpose = Some("Discovery without credentials".into());
    let x2 = exchange(
        "x2",
        "GET",
        "/Users?filter=userName%20eq%20%22alice%40example.com%22",
        "2026-03-01T09:30:00.180Z",
        63,
        Some((
            200,
            "application/scim+json",
            r#"{"totalResults":2,"Resources":[{"id":"7","userName":"alice@example.com","name":{"givenName":"Alice"}},{"id":"8","userName":"bob@example.com"}]}"#,
        )),
    );
    let mut x3 = exchange(
        "x3",
        "POST",
        "/Users",
        "2026-03-01T09:30:00.260Z",
        88,
        Some((
            500,
            "text/html; charset=utf-8",
            "<html><body><h1>Error</h1><script>alert(1)</script><img src=\"http://evil.example/x.png\"></body></html>",
        )),
    );
    x3.request
        .headers
        .insert("content-type".into(), "application/scim+json".into());
    x3.request.body = Some(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@example.com","password":"***"}"#.into());
    x3.purpose = Some("Entra create user (emulated)".into());
    let mut x4 = exchange(
        "x4",
        "GET",
        "/Groups?count=1",
        "2026-03-01T09:30:00.400Z",
        10000,
        None,
    );
    x4.failure = Some(NetFailure {
        code: "net/timeout".into(),
        message: "no response within 10 s".into(),
    });

    let mut checks = vec![check(
        "scim/discovery-unauthenticated",
        "Discovery answers without credentials",
        Status::Pass,
        41,
    )];
    checks[0].evidence = vec!["x1".into()];
    let mut filter = check(
        "scim/users-filter-eq",
        "Users filter `userName eq` returns exactly the match",
        Status::Fail,
        63,
    );
    filter.finding = Some(FindingView {
        expected: "totalResults 1 with userName alice@example.com".into(),
        actual: "totalResults 2 (bob@example.com also returned) | <b>not bold</b>".into(),
        evidence: vec!["x2".into()],
    });
    filter.diagnosis = diagnosis(
        "scim/filter-ignored",
        "The server ignores the filter",
        "A search for one user name returns other users too.",
        "Entra and Okta match the wrong account and update it.",
        "The SCIM vendor must apply `filter` and return only matches.",
        None,
    );
    let mut create = check(
        "idp/entra-create-user",
        "Entra's create-user request is accepted",
        Status::Fail,
        88,
    );
    create.finding = Some(FindingView {
        expected: "201 Created with a SCIM User".into(),
        actual: "500 with an HTML page".into(),
        evidence: vec!["x3".into()],
    });
    create.diagnosis = diagnosis(
        "scim/server-error",
        "The server failed on a valid request",
        "The server answered 500 to a request the IdP sends.",
        "Provisioning on demand shows a generic failure.",
        "Ask the vendor for the server log at the time of the request.",
        Some("server said: <script>alert(1)</script>"),
    );
    let mut groups = check(
        "scim/groups-list-shape",
        "Groups list is a SCIM ListResponse",
        Status::Warn,
        10000,
    );
    groups.finding = Some(FindingView {
        expected: "a response within 10 s".into(),
        actual: "timed out".into(),
        evidence: vec!["x4".into()],
    });
    groups.diagnosis = diagnosis(
        "net/timeout",
        "The request timed out",
        "No response arrived in time.",
        "The IdP retries later and reports a timeout.",
        "Check the server's load and any proxy in between.",
        None,
    );
    let mut skip = check(
        "auth/token-not-expired",
        "The token is not expired",
        Status::Skip,
        0,
    );
    skip.note = Some("the token is not a JWT".into());
    let mut blocked = check(
        "scim/users-paging",
        "Users paging works",
        Status::Blocked,
        0,
    );
    blocked.note = Some("blocked by scim/users-filter-eq".into());
    checks.extend([filter, create, groups, skip, blocked]);

    let summary = Summary {
        passed: 1,
        failed: 2,
        warned: 1,
        skipped: 1,
        blocked: 1,
    };
    Report {
        schema_version: 1,
        tool: Tool {
            name: "preflight".into(),
            version: "0.0.0-fixture".into(),
        },
        target: TargetView {
            base_url: BASE.into(),
            idp: "entra".into(),
            dialects: vec!["entra-default".into()],
            write: false,
            vendor: None,
            auth: "bearer".into(),
        },
        started_at: "2026-03-01T09:30:00Z".into(),
        duration_ms: 10250,
        summary,
        checks,
        diagnoses: vec![
            "net/timeout".into(),
            "scim/filter-ignored".into(),
            "scim/server-error".into(),
        ],
        exchanges: vec![x1, x2, x3, x4],
    }
}

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Compare with the committed file; write it only when UPDATE_SNAPSHOTS=1.
fn assert_snapshot(name: &str, actual: &str) {
    let path = snapshot_dir().join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(snapshot_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}: run with UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from {} at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_SNAPSHOTS=1 to accept)",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn every_format_matches_its_snapshot() {
    let report = fixture();
    assert_snapshot("report.json", &(report.to_json() + "\n"));
    assert_snapshot("report.txt", &render_human(&report, false));
    assert_snapshot("report.junit.xml", &render_junit(&report));
    assert_snapshot("report.md", &render_markdown(&report));
    assert_snapshot("report.html", &render_html(&report));
    assert_snapshot("exchanges.har", &render_har(&report));
    let options = BundleOptions {
        pseudonymise: true,
        secrets: Vec::new(),
        environment: Some("fixed environment\n".into()),
    };
    let files = bundle::files(&report, &options);
    assert_snapshot(
        "bundle-SUMMARY.md",
        &files.iter().find(|(n, _)| *n == "SUMMARY.md").unwrap().1,
    );
}

#[test]
fn the_json_snapshot_reads_back_into_the_same_report() {
    let report = fixture();
    let back: Report = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(back.to_json(), report.to_json());
}

#[test]
fn html_escapes_server_text_and_loads_nothing() {
    let html = render_html(&fixture());
    assert!(!html.contains("<script"), "a <script> element in the page");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the hostile body is shown, escaped"
    );
    assert!(
        !html.contains("<img"),
        "an <img> element from a server body"
    );
    // Real tags only: escaped text holds no raw `<`, so each `<…>` is markup of the page itself.
    let tags: Vec<String> = html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or("").to_ascii_lowercase())
        .collect();
    for tag in &tags {
        assert!(
            !tag.contains("src=")
                && !tag.contains("href=")
                && !tag.starts_with("link")
                && !tag.starts_with("script"),
            "external reference: <{tag}>"
        );
    }
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("@import") && !lower.contains("url("),
        "CSS loads something"
    );
    assert!(html.contains("<details>") && html.contains("<style>"));
}

#[test]
fn junit_counts_and_escapes() {
    let xml = render_junit(&fixture());
    assert!(
        xml.contains(r#"tests="6" failures="2" errors="0" skipped="2""#),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 6);
    assert_eq!(xml.matches("<failure ").count(), 2);
    assert_eq!(xml.matches("<skipped ").count(), 2);
    assert!(xml.contains(r#"<failure message="scim/filter-ignored: A search for one user name returns other users too." type="scim/filter-ignored">"#));
    assert!(!xml.contains("<script>") && !xml.contains("<b>"));
}

#[test]
fn markdown_cannot_be_broken_by_server_text() {
    let md = render_markdown(&fixture());
    assert!(
        !md.contains("<b>") && !md.contains("<script>"),
        "raw HTML from the server"
    );
    assert!(md.contains("\\| \\<b\\>not bold\\</b\\>"), "{md}");
    assert!(md.contains("- **Fix:** The SCIM vendor must apply `filter` and return only matches."));
    assert!(md.contains("  - `x2` `GET https://scim.example.com/tenants/acme-corp/scim/v2/Users?filter=userName%20eq%20%22alice%40example.com%22 → 200`"), "{md}");
}

#[test]
fn har_has_every_exchange_with_times_and_failures() {
    let har: serde_json::Value = serde_json::from_str(&render_har(&fixture())).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["startedDateTime"], "2026-03-01T09:30:00.120Z");
    assert_eq!(
        entries[1]["request"]["queryString"][0]["value"],
        "userName eq \"alice@example.com\""
    );
    assert_eq!(
        entries[2]["request"]["postData"]["mimeType"],
        "application/scim+json"
    );
    assert_eq!(
        entries[2]["response"]["statusText"],
        "Internal Server Error"
    );
    assert_eq!(entries[3]["response"]["status"], 0);
    assert_eq!(entries[3]["_failure"]["code"], "net/timeout");
}

#[test]
fn har_times_fall_back_to_the_run_start_plus_elapsed_time() {
    let mut report = fixture();
    for x in &mut report.exchanges {
        x.started_at = None;
    }
    let har: serde_json::Value = serde_json::from_str(&render_har(&report)).unwrap();
    let starts: Vec<&str> = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["startedDateTime"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-03-01T09:30:00Z",
            "2026-03-01T09:30:00.041Z",
            "2026-03-01T09:30:00.104Z",
            "2026-03-01T09:30:00.192Z"
        ]
    );
}

#[test]
fn bundle_pseudonymises_consistently_in_every_file() {
    let options = BundleOptions {
        pseudonymise: true,
        secrets: Vec::new(),
        environment: Some("env\n".into()),
    };
    let files = bundle::files(&fixture(), &options);
    assert_eq!(
        files.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        bundle::FILES
    );
    for (name, content) in &files {
        for personal in ["alice", "Alice", "bob@example.com"] {
            assert!(
                !content.contains(personal),
                "{name} still contains {personal}"
            );
        }
    }
    let json = &files.iter().find(|(n, _)| *n == "report.json").unwrap().1;
    let har = &files.iter().find(|(n, _)| *n == "exchanges.har").unwrap().1;
    let md = &files.iter().find(|(n, _)| *n == "report.md").unwrap().1;
    for content in [json, har, md] {
        assert!(
            content.contains("user-1@example.invalid")
                || content.contains("user-1%40example.invalid"),
            "{content}"
        );
    }
    assert!(
        json.contains("user-2@example.invalid"),
        "bob is user-2 in the report"
    );
    assert!(
        har.contains("user-2@example.invalid"),
        "bob is user-2 in the HAR"
    );
    // Structure survives: diagnosis codes are not mistaken for secrets.
    let back: Report = serde_json::from_str(json).unwrap();
    assert_eq!(back.diagnoses, fixture().diagnoses);
    assert_eq!(
        back.checks[1].diagnosis.as_ref().unwrap().code,
        "scim/filter-ignored"
    );
}

#[test]
fn bundle_masks_secrets_it_is_told_about_everywhere() {
    let mut report = fixture();
    report.exchanges[2]
        .response
        .as_mut()
        .unwrap()
        .body
        .push_str(" leaked-Canary-9931");
    report.checks[1]
        .finding
        .as_mut()
        .unwrap()
        .actual
        .push_str(" leaked-Canary-9931");
    let options = BundleOptions {
        pseudonymise: false,
        secrets: vec![preflight_core::Secret::new("leaked-Canary-9931")],
        environment: Some("env\n".into()),
    };
    let zip = bundle::build(&report, &options).unwrap();
    assert!(zip.starts_with(b"PK\x03\x04"));
    for (name, content) in bundle::files(&report, &options) {
        assert!(!content.contains("leaked-Canary-9931"), "{name}");
    }
}
