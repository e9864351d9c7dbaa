//! `preflight cleanup`: remove `preflight-test-` objects that `check --write` runs left behind
//! (crash, kill, lost network), as recorded in the journal. Also the write-mode plumbing of
//! `check`: the journal location, the dialect choice and the test-user file.

use clap::Args;
use std::path::Path;
use std::sync::Arc;

use crate::args::NetArgs;
use crate::commands::check::net_config;
use crate::exit;
use crate::token_source;
use preflight_core::dialect::{self, TestUser};
use preflight_core::probe::{LiveTransport, Probe};
use preflight_core::provision::{cleanup, default_dir, journal};
use preflight_core::redact::Redactor;
use preflight_core::report::terminal_safe;
use preflight_core::target::{Credential, Idp, Target};

#[derive(Args, Debug)]
pub struct CleanupArgs {
    /// Only sweep objects created on this SCIM base URL (default: every URL in the journal).
    #[arg(long)]
    pub url: Option<String>,
    /// Read the bearer token from standard input (else PREFLIGHT_TOKEN).
    #[arg(long)]
    pub token_stdin: bool,
    #[command(flatten)]
    pub net: NetArgs,
}

/// Check's write flags → target settings. Validated before anything is sent.
pub fn write_settings(
    mut target: Target,
    write: bool,
    dialects: &[String],
    user_file: Option<&Path>,
) -> Result<Target, String> {
    for d in dialects {
        if dialect::find(d).is_none() {
            let known: Vec<&str> = dialect::all().iter().map(|d| d.id.as_str()).collect();
            return Err(format!(
                "--dialect: unknown dialect '{d}' (known: {})",
                known.join(", ")
            ));
        }
    }
    target.dialects = dialects.to_vec();
    target.write = write;
    if !write {
        return Ok(target);
    }
    let dir = default_dir().map_err(|e| format!("--write: {e}"))?;
    journal_writable(&dir)?;
    target.journal_dir = Some(dir);
    if let Some(path) = user_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--user-file {}: {e}", path.display()))?;
        target.test_user = Some(
            TestUser::from_json(&text)
                .map_err(|e| format!("--user-file {}: {e}", path.display()))?,
        );
    }
    Ok(target)
}

/// `--write` journals every create before sending it; a journal folder that cannot be written
/// would skip every write check and still exit 0, so it is a configuration error (exit 2)
/// found before anything is sent.
fn journal_writable(dir: &Path) -> Result<(), String> {
    let probe = dir.join(format!(".preflight-write-probe-{}", std::process::id()));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&probe, b""))
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            format!(
                "--write: the cleanup journal folder {} is not writable ({e}); make it writable or set {} to a writable directory",
                dir.display(),
                preflight_core::provision::journal::DATA_DIR_ENV
            )
        })
}

/// End of a write run: remove whatever this run still has open in the journal.
pub async fn after_write_run(probe: &Probe, run_id: &str) {
    let Some(dir) = probe.target().journal_dir.clone() else {
        return;
    };
    let outcome = cleanup::sweep(probe, &dir, Some(run_id)).await;
    if !outcome.failed.is_empty() {
        eprintln!(
            "warning: {} test object(s) could not be removed; run `preflight cleanup` later:",
            outcome.failed.len()
        );
        for f in &outcome.failed {
            eprintln!("  {}", terminal_safe(f));
        }
    }
}

pub async fn run(args: CleanupArgs) -> i32 {
    let dir = match default_dir() {
        Ok(d) => d,
        Err(e) => return exit::usage(e),
    };
    let open = journal::pending(&dir);
    let mut bases: Vec<String> = Vec::new();
    for p in &open {
        if args
            .url
            .as_deref()
            .is_none_or(|u| cleanup::same_base(u, &p.base_url))
            && !bases.iter().any(|b| cleanup::same_base(b, &p.base_url))
        {
            bases.push(p.base_url.clone());
        }
    }
    if bases.is_empty() {
        println!("nothing to clean up (journal: {})", dir.display());
        return exit::OK;
    }
    let token = match token_source::bearer_token(args.token_stdin) {
        Ok(t) => t,
        Err(e) => return exit::usage(e),
    };
    let transport = match LiveTransport::new(&net_config(&args.net)) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let mut failed = 0;
    for base in bases {
        let target = match Target::new(&base, Credential::Bearer(token.clone()), Idp::Generic) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("skipping {base}: {e}");
                continue;
            }
        };
        let probe = Probe::new(transport.clone(), target, Redactor::new());
        let outcome = cleanup::sweep(&probe, &dir, None).await;
        println!(
            "{base}: {} deleted, {} already gone, {} left",
            outcome.deleted,
            outcome.absent,
            outcome.failed.len()
        );
        for f in &outcome.failed {
            println!("  left: {}", terminal_safe(f));
        }
        failed += outcome.failed.len();
    }
    if failed == 0 {
        exit::OK
    } else {
        exit::INCOMPLETE
    }
}
