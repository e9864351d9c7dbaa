//! The escalation package (`preflight bundle`): one zip a customer can attach to a support
//! ticket — SUMMARY.md answering support's checklist, the report in every format, the HAR of
//! every exchange, and the environment.
//!
//! The exchanges were redacted when they were recorded. As defence in depth the package runs
//! the same [`Redactor`] again: once over every text of the run model before rendering, and
//! once over every file it writes. Optionally it pseudonymises user names and e-mail
//! addresses, consistently across all files (see [`pseudonymise`]).

mod environment;
pub mod pseudonymise;
mod scrub;
mod summary;

use std::io::{Cursor, Write};

use crate::redact::Redactor;
use crate::report::{Report, render_har, render_html, render_junit, render_markdown};
use crate::secret::Secret;

pub use environment::describe as describe_environment;
pub use pseudonymise::Pseudonymiser;
pub use summary::render_summary;

/// The files of a package, in the order they are stored.
pub const FILES: &[&str] = &[
    "SUMMARY.md",
    "report.json",
    "report.md",
    "report.html",
    "report.junit.xml",
    "exchanges.har",
    "environment.txt",
];

#[derive(Default)]
pub struct BundleOptions {
    /// Replace user names and e-mail addresses by `user-N` pseudonyms in every file.
    pub pseudonymise: bool,
    /// Values known to be secret (e.g. a token still in the environment), masked wherever found.
    pub secrets: Vec<Secret>,
    /// The text of environment.txt; `None` describes this machine.
    pub environment: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("cannot build the zip: {0}")]
    Zip(String),
}

/// The package's files, redacted (and pseudonymised if asked), in [`FILES`] order.
pub fn files(report: &Report, options: &BundleOptions) -> Vec<(&'static str, String)> {
    let redactor = Redactor::new();
    for secret in &options.secrets {
        redactor.add(secret);
    }
    let mut report = report.clone();
    scrub::map_report(&mut report, &mut |value, field| match field {
        scrub::Field::Text => redactor.text(value),
        scrub::Field::Url => redactor.url(value),
        scrub::Field::Header(name) => redactor.header(name, value),
    });
    let mut pseudonyms = Pseudonymiser::new();
    if options.pseudonymise {
        scrub::map_report(&mut report, &mut |value, _| {
            pseudonyms.learn(value);
            value.to_string()
        });
        scrub::map_report(&mut report, &mut |value, _| pseudonyms.apply(value));
    }
    let environment = options
        .environment
        .clone()
        .unwrap_or_else(|| describe_environment(&report));
    let rendered = [
        ("SUMMARY.md", render_summary(&report, options.pseudonymise)),
        ("report.json", report.to_json() + "\n"),
        ("report.md", render_markdown(&report)),
        ("report.html", render_html(&report)),
        ("report.junit.xml", render_junit(&report)),
        ("exchanges.har", render_har(&report)),
        ("environment.txt", environment),
    ];
    // Defence in depth: the same passes over every byte that goes into the package.
    let last_pass = |text: &str| {
        let masked = redactor.text(text);
        if options.pseudonymise {
            pseudonyms.apply(&masked)
        } else {
            masked
        }
    };
    rendered
        .into_iter()
        .map(|(name, content)| {
            let content = if name.ends_with(".json") || name.ends_with(".har") {
                // Structure keys such as `"code"` are not secrets: only string values are passed.
                match serde_json::from_str::<serde_json::Value>(&content) {
                    Ok(mut value) => {
                        let before = value.clone();
                        scrub::map_json_strings(&mut value, &last_pass);
                        if value == before {
                            content
                        } else {
                            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
                        }
                    }
                    Err(_) => last_pass(&content),
                }
            } else {
                last_pass(&content)
            };
            (name, content)
        })
        .collect()
}

/// The zip archive of the package (deflate; entry times set to the run's start).
pub fn build(report: &Report, options: &BundleOptions) -> Result<Vec<u8>, BundleError> {
    build_with_trace_har(report, options, None)
}

/// Name of the browser HAR in a package built after `preflight trace`.
pub const TRACE_HAR: &str = "sign-in.redacted.har";

/// [`build`], plus the browser HAR of a `preflight trace` as [`TRACE_HAR`]. The HAR must
/// already be redacted by [`crate::trace::redact`], whose placeholders stay stable so the
/// chain stays readable; here only the known secrets of `options` are masked again.
pub fn build_with_trace_har(
    report: &Report,
    options: &BundleOptions,
    trace_har: Option<&str>,
) -> Result<Vec<u8>, BundleError> {
    let modified = zip_time(&report.started_at);
    let file_options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(modified)
        .unix_permissions(0o644);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut all = files(report, options);
    if let Some(har) = trace_har {
        let masked = options
            .secrets
            .iter()
            .filter(|s| s.expose().trim().len() >= 4)
            .fold(har.to_string(), |text, s| {
                text.replace(s.expose().trim(), crate::redact::MASK)
            });
        all.push((TRACE_HAR, masked));
    }
    for (name, content) in all {
        writer
            .start_file(name, file_options)
            .map_err(|e| BundleError::Zip(e.to_string()))?;
        writer
            .write_all(content.as_bytes())
            .map_err(|e| BundleError::Zip(e.to_string()))?;
    }
    let cursor = writer
        .finish()
        .map_err(|e| BundleError::Zip(e.to_string()))?;
    Ok(cursor.into_inner())
}

fn zip_time(rfc3339: &str) -> zip::DateTime {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.to_offset(time::UtcOffset::UTC))
        .and_then(|t| {
            zip::DateTime::from_date_and_time(
                t.year() as u16,
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute(),
                t.second() & !1,
            )
            .ok()
        })
        .unwrap_or_default()
}
