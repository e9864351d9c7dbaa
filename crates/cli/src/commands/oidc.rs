//! `preflight oidc`: OIDC discovery, issuer, JWKS, the client-credentials grant and its
//! access token, clocks, and the redirect URI — the same report shape and exit codes as
//! `check`. The client secret comes from PREFLIGHT_CLIENT_SECRET, never from a flag.

use std::sync::Arc;

use clap::Args;
use preflight_core::check::{Check, RunOptions};
use preflight_core::event::{EventSink, exchange_events};
use preflight_core::federation::{FederationConfig, OidcConfig, discovery};
use preflight_core::probe::{AuthMode, LiveTransport, Probe, Req};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target, parse_base_url};
use preflight_core::{checks, engine};
use tokio_util::sync::CancellationToken;

use crate::args::{NetArgs, OutputArgs};
use crate::exit;
use crate::token_source;

#[derive(Args, Debug)]
pub struct OidcArgs {
    /// The issuer exactly as the app is configured with it, e.g.
    /// https://login.microsoftonline.com/{tenant}/v2.0
    #[arg(long)]
    pub issuer: String,
    /// OAuth client ID for the client-credentials grant (secret from PREFLIGHT_CLIENT_SECRET).
    #[arg(long)]
    pub client_id: Option<String>,
    /// Scope to request, e.g. `api://{app-id}/.default` for Entra.
    #[arg(long, requires = "client_id")]
    pub scope: Option<String>,
    /// The audience the API expects in access tokens (compared with `aud`).
    #[arg(long)]
    pub audience: Option<String>,
    /// Token endpoint to use instead of the discovery document's `token_endpoint`.
    #[arg(long, requires = "client_id")]
    pub token_url: Option<String>,
    /// The redirect URI the app sends.
    #[arg(long, requires = "registered_redirect_uri")]
    pub redirect_uri: Option<String>,
    /// The redirect URI registered at the IdP.
    #[arg(long, requires = "redirect_uri")]
    pub registered_redirect_uri: Option<String>,
    /// The IdP (enables its rules, e.g. Entra's redirect-URI rules).
    #[arg(long, default_value = "generic")]
    pub idp: String,
    #[command(flatten)]
    pub sso: super::saml::SsoArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub net: NetArgs,
}

pub async fn run(args: OidcArgs) -> i32 {
    let net = super::check::net_config(&args.net);
    let transport = match LiveTransport::new(&net) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let target = match build_target(&args, transport.clone()).await {
        Ok(t) => t,
        Err(message) => return exit::usage(message),
    };
    let mut plan = checks::oidc_plan();
    if args.sso.config().is_some() {
        plan.extend(checks::sso_plan());
    }
    run_plan(
        &plan,
        target,
        transport,
        &args.output,
        crate::progress::sink(),
    )
    .await
}

async fn build_target(args: &OidcArgs, transport: Arc<LiveTransport>) -> Result<Target, String> {
    let idp: Idp = args.idp.parse().map_err(|e| format!("--idp: {e}"))?;
    parse_base_url(&args.issuer).map_err(|e| format!("--issuer: {e}"))?;
    let credential = match &args.client_id {
        None => Credential::None,
        Some(client_id) => {
            let secret = token_source::client_secret().map_err(|_| {
                format!(
                    "--client-id needs the client secret in {}",
                    token_source::CLIENT_SECRET_ENV
                )
            })?;
            let token_url = match &args.token_url {
                Some(u) => Some(parse_base_url(u).map_err(|e| format!("--token-url: {e}"))?),
                None => token_endpoint(&args.issuer, transport).await,
            };
            match token_url {
                Some(token_url) => Credential::ClientCredentials {
                    token_url,
                    client_id: client_id.clone(),
                    client_secret: secret,
                    scope: args.scope.clone(),
                },
                // Discovery failed: the discovery check reports why; the token checks are skipped.
                None => Credential::None,
            }
        }
    };
    let mut target =
        Target::new(&args.issuer, credential, idp).map_err(|e| format!("--issuer: {e}"))?;
    target.federation = Some(Arc::new(FederationConfig {
        oidc: Some(OidcConfig {
            issuer: args.issuer.clone(),
            client_id: args.client_id.clone(),
            audience: args.audience.clone(),
            redirect_uri: args.redirect_uri.clone(),
            registered_redirect_uri: args.registered_redirect_uri.clone(),
        }),
        saml: None,
        sso: args.sso.config(),
    }));
    Ok(target)
}

/// The discovery document's `token_endpoint`, looked up through a throwaway probe (the run
/// itself fetches and judges the document again, so its evidence is in the report).
async fn token_endpoint(issuer: &str, transport: Arc<LiveTransport>) -> Option<url::Url> {
    let target = Target::new(issuer, Credential::None, Idp::Generic).ok()?;
    let probe = Probe::new(transport, target, Redactor::new());
    let x = probe
        .send(
            Req::get(discovery::discovery_url(issuer))
                .auth(AuthMode::None)
                .header("accept", Some("application/json")),
        )
        .await;
    let json = x.response.as_ref().filter(|r| r.status == 200)?.json()?;
    parse_base_url(json.get("token_endpoint")?.as_str()?).ok()
}

/// Run a federation plan and report it like `check` does (same shape, same exit codes).
pub(crate) async fn run_plan(
    plan: &[&'static dyn Check],
    target: Target,
    transport: Arc<LiveTransport>,
    output: &OutputArgs,
    events: EventSink,
) -> i32 {
    let known: Vec<&str> = plan.iter().map(|c| c.doc().id).collect();
    if let Some(unknown) = output.only.iter().find(|id| !known.contains(&id.as_str())) {
        return exit::usage(format!(
            "--only: '{unknown}' is not in this command's plan ({})",
            known.join(", ")
        ));
    }
    let cancel = CancellationToken::new();
    let probe = Probe::new(transport, target, Redactor::new())
        .with_observer(exchange_events(events.clone()))
        .with_cancel(cancel.clone());
    let on_interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\ninterrupted: finishing the report of what ran so far");
            cancel.cancel();
        }
    });
    let options = RunOptions {
        only: output.only.clone(),
        ..RunOptions::default()
    };
    let report = engine::run(plan, &probe, &options, &events).await;
    on_interrupt.abort();
    if let Err(message) = crate::render::emit(&report, output) {
        eprintln!("error: {message}");
        return exit::INCOMPLETE;
    }
    report.exit_code(probe.is_cancelled())
}
