//! `preflight bundle`: turn a JSON report into a redacted escalation package (zip) for a
//! support ticket. Reads `--from REPORT.json` or standard input; never overwrites an existing
//! `--out` unless `--force`; never leaves a partial zip behind.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::Args;
use preflight_core::Report;
use preflight_core::Secret;
use preflight_core::bundle::{self, BundleOptions};

use crate::exit;
use crate::render::{Overwrite, write_file};

#[derive(Args, Debug)]
pub struct BundleArgs {
    /// Where to write the zip, e.g. preflight-escalation.zip.
    #[arg(long, value_name = "FILE.zip")]
    pub out: PathBuf,
    /// A report written by `--format json`; read from standard input when absent.
    #[arg(long, value_name = "REPORT.json")]
    pub from: Option<PathBuf>,
    /// Replace user names and e-mail addresses with consistent pseudonyms (user-1@example.invalid) in every file.
    #[arg(long, alias = "pseudonymize")]
    pub pseudonymise: bool,
    /// Replace --out if it already exists.
    #[arg(long)]
    pub force: bool,
    /// Also add this browser HAR of the sign-in (from `preflight trace`), redacted with stable
    /// placeholders, as sign-in.redacted.har.
    #[arg(long, value_name = "FILE")]
    pub trace_har: Option<PathBuf>,
}

pub fn run(args: BundleArgs) -> i32 {
    let text = match read_report(&args) {
        Ok(t) => t,
        Err(message) => return exit::usage(message),
    };
    let source = args
        .from
        .as_ref()
        .map_or("standard input".to_string(), |p| {
            format!("--from {}", p.display())
        });
    let report: Report = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            return exit::usage(format!(
                "{source}: not a Preflight JSON report ({e}); write one with `preflight check … --format json --out REPORT.json`"
            ));
        }
    };
    if report.schema_version != preflight_core::report::SCHEMA_VERSION {
        return exit::usage(format!(
            "{source}: report schema_version {} is not supported (expected {})",
            report.schema_version,
            preflight_core::report::SCHEMA_VERSION
        ));
    }
    if !args.force && args.out.exists() {
        return exit::usage(format!(
            "--out {}: the file already exists (use --force to replace it)",
            args.out.display()
        ));
    }
    // Defence in depth: a credential still in this shell's environment is masked wherever it appears.
    let secrets = ["PREFLIGHT_TOKEN", "PREFLIGHT_CLIENT_SECRET"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .filter(|v| !v.trim().is_empty())
        .map(Secret::new)
        .collect();
    let options = BundleOptions {
        pseudonymise: args.pseudonymise,
        secrets,
        environment: None,
    };
    let trace_har = match &args.trace_har {
        Some(path) => match super::trace::redacted_copy(path, args.pseudonymise) {
            Ok(text) => Some(text),
            Err(message) => return exit::usage(message),
        },
        None => None,
    };
    let bytes = match bundle::build_with_trace_har(&report, &options, trace_har.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INCOMPLETE;
        }
    };
    let overwrite = if args.force {
        Overwrite::Yes
    } else {
        Overwrite::No
    };
    if let Err(reason) = write_file(&args.out, &bytes, overwrite) {
        eprintln!(
            "error: --out {}: cannot write the package: {reason}",
            args.out.display()
        );
        return exit::INCOMPLETE;
    }
    eprintln!(
        "Wrote {} ({} files{}): {}",
        args.out.display(),
        bundle::FILES.len() + usize::from(trace_har.is_some()),
        if args.pseudonymise {
            ", user names and e-mail addresses pseudonymised"
        } else {
            ""
        },
        bundle::FILES
            .iter()
            .copied()
            .chain(trace_har.as_ref().map(|_| bundle::TRACE_HAR))
            .collect::<Vec<_>>()
            .join(", ")
    );
    exit::OK
}

fn read_report(args: &BundleArgs) -> Result<String, String> {
    match &args.from {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("--from {}: cannot read the report: {e}", path.display())),
        None => {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() {
                return Err("no report: pass --from REPORT.json, or pipe one in (`preflight check … --format json | preflight bundle --out FILE.zip`)".into());
            }
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the report from standard input: {e}"))?;
            if text.trim().is_empty() {
                return Err("no report on standard input: pass --from REPORT.json".into());
            }
            Ok(text)
        }
    }
}
