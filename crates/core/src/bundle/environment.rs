//! environment.txt: which Preflight and which machine produced the package — nothing else
//! (no user name, no host name, no paths).

use std::fmt::Write;

use crate::report::Report;

/// Describe this machine for the package.
pub fn describe(report: &Report) -> String {
    let os_release = std::fs::read_to_string("/etc/os-release").ok();
    render(
        report,
        os_release.as_deref(),
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}

/// The text of environment.txt from explicit facts (testable).
pub fn render(report: &Report, os_release: Option<&str>, os: &str, arch: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "preflight (package written by): {}",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "preflight (report produced by): {} {}",
        report.tool.name, report.tool.version
    );
    let _ = writeln!(out, "report schema_version: {}", report.schema_version);
    let _ = writeln!(out, "os: {os}");
    let _ = writeln!(out, "arch: {arch}");
    let pretty = os_release.and_then(|text| {
        text.lines()
            .find_map(|line| line.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim().trim_matches('"').to_string())
    });
    if let Some(pretty) = pretty {
        let _ = writeln!(out, "os release: {pretty}");
    }
    out
}
