//! `preflight scan`: read-only tenant inventory, streamed page by page with bounded memory,
//! reported in the same shape (and exit codes) as `check`.

use clap::Args;
use std::sync::Arc;

use crate::args::{NetArgs, OutputArgs};
use crate::commands::check::net_config;
use crate::exit;
use crate::token_source;
use preflight_core::event::exchange_events;
use preflight_core::probe::{LiveTransport, Probe, Transport};
use preflight_core::provision::scan;
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// SCIM base URL, e.g. https://scim.example.com/scim/v2
    #[arg(long)]
    pub url: String,
    /// Read the bearer token from standard input (else PREFLIGHT_TOKEN).
    #[arg(long)]
    pub token_stdin: bool,
    /// Users or groups per page (`count`).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: u32,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub net: NetArgs,
}

pub async fn run(args: ScanArgs) -> i32 {
    let token = match token_source::bearer_token(args.token_stdin) {
        Ok(t) => t,
        Err(e) => return exit::usage(e),
    };
    let target = match Target::new(&args.url, Credential::Bearer(token), Idp::Generic) {
        Ok(t) => t,
        Err(e) => return exit::usage(format!("--url: {e}")),
    };
    let transport: Arc<dyn Transport> = match LiveTransport::new(&net_config(&args.net)) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let events = crate::progress::sink();
    let probe = Probe::new(transport.clone(), target, Redactor::new())
        .with_observer(exchange_events(events));
    let report = scan::report(&probe, transport, args.page_size).await;
    if let Err(message) = crate::render::emit(&report, &args.output) {
        eprintln!("error: {message}");
        return exit::INCOMPLETE;
    }
    report.exit_code(false)
}
