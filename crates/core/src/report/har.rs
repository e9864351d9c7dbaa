//! HAR 1.2 of every exchange in a run, for browser dev tools, HAR viewers and support.
//!
//! Built from the report's exchanges, which were redacted when they were recorded. An
//! exchange that got no HTTP response has status 0 and a `_failure` member (HAR allows
//! custom members that start with `_`).

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Report;
use crate::exchange::Exchange;

/// The HAR document as JSON text (pretty-printed, ends with a newline).
pub fn render_har(report: &Report) -> String {
    serde_json::to_string_pretty(&har(report)).expect("HAR serialises") + "\n"
}

/// The HAR document as a JSON value.
pub fn har(report: &Report) -> Value {
    let run_start = OffsetDateTime::parse(&report.started_at, &Rfc3339).ok();
    let mut elapsed_ms: u64 = 0;
    let entries: Vec<Value> = report
        .exchanges
        .iter()
        .map(|x| {
            let started = started_date_time(x, run_start, elapsed_ms);
            elapsed_ms += x.ms;
            entry(x, started)
        })
        .collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": report.tool.name, "version": report.tool.version},
            "comment": format!("Preflight run against {} ({} exchanges, redacted)", report.target.base_url, report.exchanges.len()),
            "entries": entries,
        }
    })
}

/// The exchange's own timestamp, else the run's start plus the time of the exchanges before.
fn started_date_time(x: &Exchange, run_start: Option<OffsetDateTime>, elapsed_ms: u64) -> String {
    if let Some(at) = x
        .started_at
        .as_deref()
        .filter(|s| OffsetDateTime::parse(s, &Rfc3339).is_ok())
    {
        return at.to_string();
    }
    let start = run_start.unwrap_or(OffsetDateTime::UNIX_EPOCH)
        + time::Duration::milliseconds(elapsed_ms as i64);
    start.format(&Rfc3339).unwrap_or_default()
}

fn headers(map: &std::collections::BTreeMap<String, String>) -> Vec<Value> {
    map.iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect()
}

fn query_string(url: &str) -> Vec<Value> {
    url::Url::parse(url)
        .map(|u| {
            u.query_pairs()
                .map(|(name, value)| json!({"name": name, "value": value}))
                .collect()
        })
        .unwrap_or_default()
}

fn entry(x: &Exchange, started: String) -> Value {
    let req = &x.request;
    let mut request = json!({
        "method": req.method,
        "url": req.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers(&req.headers),
        "queryString": query_string(&req.url),
        "headersSize": -1,
        "bodySize": req.body.as_ref().map_or(0, |b| b.len()),
    });
    if let Some(body) = &req.body {
        let mime = req.headers.get("content-type").cloned().unwrap_or_default();
        request["postData"] = json!({"mimeType": mime, "text": body});
    }
    let response = match &x.response {
        Some(r) => {
            let mime = r.header("content-type").unwrap_or("").to_string();
            let mut content = json!({"size": r.body.len(), "mimeType": mime, "text": r.body});
            if r.body_truncated {
                content["comment"] = json!("truncated by Preflight");
            }
            json!({
                "status": r.status,
                "statusText": reason_phrase(r.status),
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": headers(&r.headers),
                "content": content,
                "redirectURL": r.header("location").unwrap_or(""),
                "headersSize": -1,
                "bodySize": r.body.len(),
            })
        }
        None => json!({
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        }),
    };
    let mut entry = json!({
        "startedDateTime": started,
        "time": x.ms,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": x.ms, "receive": 0},
        "_id": x.id,
    });
    if let Some(purpose) = &x.purpose {
        entry["comment"] = json!(purpose);
    }
    if let Some(f) = &x.failure {
        entry["_failure"] = json!({"code": f.code, "message": f.message});
    }
    entry
}

/// The standard reason phrase (HTTP/2 sends none; viewers expect one).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
