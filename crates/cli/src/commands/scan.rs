//! `preflight scan`: read-only tenant inventory, streamed page by page with bounded memory,
//! reported in the same shape (and exit codes) as `check`. The target comes from the same
//! places as `check`'s: `--url` with a bearer token or OAuth client credentials, or a saved
//! `--profile`. Ctrl-C stops at the current page and still writes the partial report (exit 3).

use clap::Args;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use crate::args::{NetArgs, OutputArgs};
use crate::commands::check::net_config;
use crate::exit;
use crate::token_source;
use preflight_core::event::{RunEvent, exchange_events};
use preflight_core::probe::{LiveTransport, Probe, Transport};
use preflight_core::provision::scan;
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target, parse_base_url};

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// SCIM base URL, e.g. https://scim.example.com/scim/v2
    #[arg(long, required_unless_present = "profile")]
    pub url: Option<String>,
    /// A saved profile (`preflight profile add`): its URL and keyring credential.
    #[arg(long, conflicts_with_all = ["url", "token_url"])]
    pub profile: Option<String>,
    /// Read the bearer token from standard input (else PREFLIGHT_TOKEN).
    #[arg(long, conflicts_with = "token_url")]
    pub token_stdin: bool,
    /// OAuth 2.0 token endpoint for the client-credentials grant; the secret comes from
    /// PREFLIGHT_CLIENT_SECRET.
    #[arg(long, requires = "client_id")]
    pub token_url: Option<String>,
    /// OAuth client ID for --token-url.
    #[arg(long, requires = "token_url")]
    pub client_id: Option<String>,
    /// OAuth scope for --token-url (e.g. `scim.read`).
    #[arg(long, requires = "token_url")]
    pub scope: Option<String>,
    /// Users or groups per page (`count`).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: u32,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub net: NetArgs,
}

pub async fn run(args: ScanArgs) -> i32 {
    if let Some(only) = args.output.only.first() {
        return exit::usage(format!(
            "--only {only}: a scan always judges every finding; filter the report instead"
        ));
    }
    let target = match build_target(&args) {
        Ok(t) => t,
        Err(message) => return exit::usage(message),
    };
    let transport: Arc<dyn Transport> = match LiveTransport::new(&net_config(&args.net)) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let events = crate::progress::request_sink();
    let cancel = CancellationToken::new();
    let probe = Probe::new(transport.clone(), target, Redactor::new())
        .with_observer(exchange_events(events.clone()))
        .with_cancel(cancel.clone());
    let on_interrupt = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ninterrupted: finishing the report of what was read so far");
                cancel.cancel();
            }
        })
    };
    // Let the listener run once now: `ctrl_c()` installs its handler on first poll, and on
    // this single-threaded runtime a run that has not yet awaited I/O would otherwise leave
    // Ctrl-C at its default (the process dies with no report).
    tokio::task::yield_now().await;
    let report = scan::report_until(&probe, transport, args.page_size, cancel.clone()).await;
    on_interrupt.abort();
    events(RunEvent::Done {
        cancelled: cancel.is_cancelled(),
        summary: report.summary.clone(),
    });
    if let Err(message) = crate::render::emit(&report, &args.output) {
        eprintln!("error: {message}");
        return exit::INCOMPLETE;
    }
    report.exit_code(cancel.is_cancelled())
}

/// The scan's target, by the contract's order: a profile (its keyring credential unless
/// --token-stdin or PREFLIGHT_TOKEN overrides it), else --url with client credentials or a
/// bearer token.
fn build_target(args: &ScanArgs) -> Result<Target, String> {
    if let Some(id) = &args.profile {
        return crate::commands::profile::target_of_profile(id, args.token_stdin);
    }
    let url = args
        .url
        .as_deref()
        .ok_or("--url: give the SCIM base URL, or --profile NAME")?;
    let credential = match &args.token_url {
        Some(token_url) => Credential::ClientCredentials {
            token_url: parse_base_url(token_url).map_err(|e| format!("--token-url: {e}"))?,
            client_id: args.client_id.clone().unwrap_or_default(),
            client_secret: token_source::client_secret()?,
            scope: args.scope.clone(),
        },
        None => Credential::Bearer(token_source::bearer_token(args.token_stdin)?),
    };
    Target::new(url, credential, Idp::Generic).map_err(|e| format!("--url: {e}"))
}
