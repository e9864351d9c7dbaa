//! `preflight profile lint`: the tenant-routing lint (`sso/tenant-routing-unique`) over every
//! saved profile, without a HAR. The report has the shape and exit codes of `check`: shared
//! routing values are a warning (exit 0, listed in the report) because two profiles may
//! describe one tenant on purpose; 1 would mean a failed check; 2 is a usage or profile-file
//! error. Nothing is sent and the keyring is not opened.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use preflight_core::check::{Check, RunOptions};
use preflight_core::engine;
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::profile::ProfileStore;
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};
use preflight_core::trace::routing::RoutingKey;

use crate::args::{Format, OutputArgs};
use crate::exit;

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn run(args: LintArgs) -> i32 {
    let store = match ProfileStore::open_default() {
        Ok(s) => s,
        Err(e) => return exit::usage(e),
    };
    let loaded = match store.list() {
        Ok(l) => l,
        Err(e) => return exit::usage(e),
    };
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    let target = match file_target(&store) {
        Ok(t) => t,
        Err(message) => return exit::usage(message),
    };
    // The lint never sends a request; the probe is only the engine's context for the run.
    let transport = match LiveTransport::new(&NetConfig::default()) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let probe = Probe::new(transport, target, Redactor::new());
    let keys: Vec<RoutingKey> = loaded.value.iter().map(RoutingKey::of).collect();
    let check = preflight_core::checks::trace::TenantRoutingUnique::over(keys);
    let plan: [&dyn Check; 1] = [&check];
    let events = crate::progress::sink();
    let report = engine::run(&plan, &probe, &RunOptions::default(), &events).await;
    let output = OutputArgs {
        format: args.format,
        out: args.out,
        only: Vec::new(),
        har: None,
    };
    if let Err(message) = crate::render::emit(&report, &output) {
        eprintln!("error: {message}");
        return exit::INCOMPLETE;
    }
    report.exit_code(false)
}

/// The report's target: the profiles file (as a file URL), like `trace` names its HAR.
fn file_target(store: &ProfileStore) -> Result<Target, String> {
    let path = std::path::absolute(store.path())
        .map_err(|e| format!("cannot resolve {}: {e}", store.path().display()))?;
    let base = url::Url::from_file_path(&path)
        .map_err(|_| format!("{} has no file URL", path.display()))?;
    let mut target = Target::new("http://localhost/", Credential::None, Idp::Generic)
        .map_err(|e| e.to_string())?;
    target.base_url = base;
    Ok(target)
}
