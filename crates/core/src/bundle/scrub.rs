//! Visit every free-text value of a report that could carry data from the target or the
//! admin (URLs, headers, bodies, findings, notes), so a redaction or pseudonymisation pass
//! covers the whole run model at once, before any format is rendered from it.

use crate::report::Report;

/// What kind of text a value is, so a pass can treat URLs and headers properly.
pub enum Field<'a> {
    Text,
    Url,
    Header(&'a str),
}

pub fn map_report(report: &mut Report, f: &mut dyn FnMut(&str, Field<'_>) -> String) {
    report.target.base_url = f(&report.target.base_url, Field::Url);
    for check in &mut report.checks {
        if let Some(finding) = check.finding.as_mut() {
            finding.expected = f(&finding.expected, Field::Text);
            finding.actual = f(&finding.actual, Field::Text);
        }
        if let Some(detail) = check.diagnosis.as_mut().and_then(|d| d.detail.as_mut()) {
            *detail = f(detail, Field::Text);
        }
        if let Some(note) = check.note.as_mut() {
            *note = f(note, Field::Text);
        }
    }
    for x in &mut report.exchanges {
        if let Some(purpose) = x.purpose.as_mut() {
            *purpose = f(purpose, Field::Text);
        }
        x.request.url = f(&x.request.url, Field::Url);
        for (name, value) in x.request.headers.iter_mut() {
            *value = f(value, Field::Header(name));
        }
        if let Some(body) = x.request.body.as_mut() {
            *body = f(body, Field::Text);
        }
        if let Some(r) = x.response.as_mut() {
            for (name, value) in r.headers.iter_mut() {
                *value = f(value, Field::Header(name));
            }
            r.body = f(&r.body, Field::Text);
        }
        if let Some(failure) = x.failure.as_mut() {
            failure.message = f(&failure.message, Field::Text);
        }
    }
}

/// Every string value of a JSON document (keys and structure untouched).
pub fn map_json_strings(value: &mut serde_json::Value, f: &dyn Fn(&str) -> String) {
    match value {
        serde_json::Value::String(s) => *s = f(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| map_json_strings(v, f)),
        serde_json::Value::Object(members) => {
            members.values_mut().for_each(|v| map_json_strings(v, f))
        }
        _ => {}
    }
}
