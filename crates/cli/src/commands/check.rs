//! `preflight check`: validate every input before sending anything, then run the read-only
//! plan and render the report.

use std::sync::Arc;
use std::time::Duration;

use crate::args::{CheckArgs, NetArgs, OutputArgs};
use crate::exit;
use crate::token_source;
use preflight_core::check::RunOptions;
use preflight_core::event::{EventSink, exchange_events};
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target, parse_base_url};
use preflight_core::{checks, engine};
use tokio_util::sync::CancellationToken;

pub async fn run(args: CheckArgs) -> i32 {
    let target = match build_target(&args)
        .and_then(|t| {
            crate::commands::cleanup::write_settings(
                t,
                args.write,
                &args.dialect,
                args.user_file.as_deref(),
            )
        })
        .and_then(|t| vendor_and_mapping(t, &args))
    {
        Ok(t) => t,
        Err(message) => return exit::usage(message),
    };
    let net = net_config(&args.net);
    run_and_report(target, &net, &args.output, crate::progress::sink()).await
}

fn build_target(args: &CheckArgs) -> Result<Target, String> {
    if let Some(id) = &args.profile {
        let mut target = crate::commands::profile::target_of_profile(id, args.token_stdin)?;
        if let Some(url) = &args.url {
            // The spec's synopsis is `check --url URL … [--profile NAME]`: a script that names
            // both means "this URL, with the profile's settings and credential". Say so when the
            // URL is not the saved one, since the profile's secret then goes to a new address.
            let url = parse_base_url(url).map_err(|e| format!("--url: {e}"))?;
            if url != target.base_url {
                let shown = preflight_core::redact::Redactor::new();
                eprintln!(
                    "note: --url {} replaces the URL saved in profile {id} ({})",
                    shown.url(url.as_str()),
                    shown.url(target.base_url.as_str())
                );
            }
            target.base_url = url;
        }
        // Like --url, an explicit --idp wins over the profile's (a script names what it means).
        if let Some(idp) = &args.idp {
            target.idp = idp.parse().map_err(|e| format!("--idp: {e}"))?;
        }
        return Ok(target);
    }
    let url = args
        .url
        .as_deref()
        .ok_or("--url: give the SCIM base URL, or --profile NAME")?;
    let idp: Idp = args
        .idp
        .as_deref()
        .unwrap_or("generic")
        .parse()
        .map_err(|e| format!("--idp: {e}"))?;
    let credential = if args.no_token {
        Credential::None
    } else if let Some(token_url) = &args.token_url {
        let token_url = parse_base_url(token_url).map_err(|e| format!("--token-url: {e}"))?;
        Credential::ClientCredentials {
            token_url,
            client_id: args.client_id.clone().unwrap_or_default(),
            client_secret: token_source::client_secret()?,
            scope: args.scope.clone(),
        }
    } else {
        Credential::Bearer(
            token_source::bearer_token(args.token_stdin)
                .map_err(|e| format!("{e} (or --no-token to check without one)"))?,
        )
    };
    let mut target = Target::new(url, credential, idp).map_err(|e| format!("--url: {e}"))?;
    target.dialects = Vec::new();
    Ok(target)
}

/// `--vendor` (URL pattern, defaults, vendor checks; else the vendor the URL's host names) and
/// `--mapping` (overrides), validated before anything is sent.
fn vendor_and_mapping(target: Target, args: &CheckArgs) -> Result<Target, String> {
    let mut target = crate::commands::vendors::apply(target, args.vendor.as_deref())?;
    // Neither --vendor nor the profile named one: the URL's host may (`--vendor generic` stops it).
    if let Some(v) = preflight_core::vendor::detect::adopt(&mut target) {
        eprintln!(
            "note: {}",
            preflight_core::vendor::detect::note(v, &target.base_url)
        );
    }
    if let Some(path) = &args.mapping {
        target.mapping = Some(crate::commands::mapping::load_overrides(path)?);
    }
    Ok(target)
}

pub fn net_config(args: &NetArgs) -> NetConfig {
    NetConfig {
        connect_timeout: Duration::from_secs(args.connect_timeout),
        total_timeout: Duration::from_secs(args.timeout),
        ca_file: args.ca_file.clone(),
        ..NetConfig::default()
    }
}

/// Shared by `check` and `demo`: run the plan, write the report, map the outcome to the exit code.
pub async fn run_and_report(
    target: Target,
    net: &NetConfig,
    output: &OutputArgs,
    events: EventSink,
) -> i32 {
    let transport = match LiveTransport::new(net) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let known: Vec<String> = checks::all()
        .iter()
        .map(|c| c.doc().id.to_string())
        .collect();
    if let Some(unknown) = output.only.iter().find(|id| !known.contains(id)) {
        return exit::usage(format!(
            "--only: unknown check '{unknown}'; run `preflight checks` for the list"
        ));
    }
    let plan = if target.write {
        checks::write_plan()
    } else {
        checks::read_only()
    };
    // A known check outside this plan would leave an empty report and exit 0 ("every check ran
    // and none failed") although nothing was tested; a script author wants to be told.
    let in_plan = |id: &String| plan.iter().any(|c| c.doc().id == id.as_str());
    if let Some(outside) = output.only.iter().find(|id| !in_plan(id)) {
        let needs_write =
            !target.write && checks::write_plan().iter().any(|c| c.doc().id == outside);
        return exit::usage(if needs_write {
            format!("--only {outside}: this check creates test objects; add --write")
        } else {
            format!(
                "--only {outside}: not a check of `preflight check`; run it with the command that owns it (`preflight oidc`, `saml`, `trace` or `profile lint`)"
            )
        });
    }
    let cancel = CancellationToken::new();
    let probe = Probe::new(transport, target, Redactor::new())
        .with_observer(exchange_events(events.clone()))
        .with_cancel(cancel.clone());
    // Ctrl-C stops the run between requests; the partial report is still written.
    let on_interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\ninterrupted: finishing the report of what ran so far");
            cancel.cancel();
        }
    });
    // Let the listener run once now: `ctrl_c()` installs its handler on first poll, and on
    // this single-threaded runtime a run that has not yet awaited I/O would otherwise leave
    // Ctrl-C at its default (the process dies with no report).
    tokio::task::yield_now().await;
    let options = RunOptions {
        only: output.only.clone(),
        ..RunOptions::default()
    };
    let report = engine::run(&plan, &probe, &options, &events).await;
    if probe.target().write {
        crate::commands::cleanup::after_write_run(&probe, &options.run_id).await;
    }
    on_interrupt.abort();
    if let Err(message) = crate::render::emit(&report, output) {
        eprintln!("error: {message}");
        return exit::INCOMPLETE;
    }
    report.exit_code(probe.is_cancelled())
}
