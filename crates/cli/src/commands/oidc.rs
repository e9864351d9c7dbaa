//! `preflight oidc`: OIDC discovery, issuer, JWKS, the client-credentials grant and its
//! access token, clocks, and the redirect URI — the same report shape and exit codes as
//! `check`. The client secret comes from PREFLIGHT_CLIENT_SECRET, never from a flag.

use std::sync::Arc;

use clap::Args;
use preflight_core::check::{Check, RunOptions};
use preflight_core::event::{EventSink, exchange_events};
use preflight_core::federation::{FederationConfig, OidcConfig, discovery};
use preflight_core::probe::{AuthMode, LiveTransport, Probe, Req};
use preflight_core::profile::ProfileAuth;
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
    /// Scope to request, e.g. `api://{app-id}/.default` for Entra (needs a client ID, from
    /// --client-id or --profile).
    #[arg(long)]
    pub scope: Option<String>,
    /// The audience the API expects in access tokens (compared with `aud`).
    #[arg(long)]
    pub audience: Option<String>,
    /// Token endpoint to use instead of the discovery document's `token_endpoint` (needs a
    /// client ID, from --client-id or --profile).
    #[arg(long)]
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
    /// A saved client-credentials profile (`preflight profile add --token-url …`): its keyring
    /// client secret when PREFLIGHT_CLIENT_SECRET is not set, and its client ID and scope when
    /// --client-id / --scope are not given.
    #[arg(long)]
    pub profile: Option<String>,
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
    let mut plan = checks::oidc_plan();
    if args.sso.config().is_some() {
        plan.extend(checks::sso_plan());
    }
    // Before build_target: it may fetch the discovery document, and a usage error sends nothing.
    if let Err(message) = only_in_plan(&plan, &args.output.only) {
        return exit::usage(message);
    }
    let target = match build_target(&args, transport.clone()).await {
        Ok(t) => t,
        Err(message) => return exit::usage(message),
    };
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
    let saved = match &args.profile {
        Some(id) => Some(profile_client(id)?),
        None => None,
    };
    let client_id = args
        .client_id
        .clone()
        .or_else(|| saved.as_ref().map(|s| s.client_id.clone()));
    let scope = args
        .scope
        .clone()
        .or_else(|| saved.as_ref().and_then(|s| s.scope.clone()));
    if client_id.is_none() {
        for (flag, given) in [("--scope", &args.scope), ("--token-url", &args.token_url)] {
            if given.is_some() {
                return Err(format!(
                    "{flag} goes with a client ID: add --client-id ID (or --profile NAME)"
                ));
            }
        }
    }
    let credential = match &client_id {
        None => Credential::None,
        Some(client_id) => {
            // The spec's order: PREFLIGHT_CLIENT_SECRET, then the profile's keyring entry.
            let secret = match (token_source::client_secret(), saved) {
                (Ok(secret), _) => secret,
                (Err(_), Some(saved)) => saved.read_secret()?,
                (Err(_), None) => {
                    return Err(format!(
                        "--client-id needs the client secret in {} (or --profile NAME of a client-credentials profile)",
                        token_source::CLIENT_SECRET_ENV
                    ));
                }
            };
            let token_url = match &args.token_url {
                Some(u) => Some(parse_base_url(u).map_err(|e| format!("--token-url: {e}"))?),
                None => token_endpoint(&args.issuer, transport).await,
            };
            match token_url {
                Some(token_url) => Credential::ClientCredentials {
                    token_url,
                    client_id: client_id.clone(),
                    client_secret: secret,
                    scope,
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
            client_id,
            audience: args.audience.clone(),
            redirect_uri: args.redirect_uri.clone(),
            registered_redirect_uri: args.registered_redirect_uri.clone(),
        }),
        saml: None,
        sso: args.sso.config(),
    }));
    Ok(target)
}

/// The client of a client-credentials profile; the keyring is opened only when the secret is
/// needed (PREFLIGHT_CLIENT_SECRET unset), so `--profile` with the variable set needs no keyring.
struct SavedClient {
    id: String,
    client_id: String,
    scope: Option<String>,
}

impl SavedClient {
    fn read_secret(self) -> Result<preflight_core::Secret, String> {
        match crate::commands::profile::target_from_profile(&self.id)?.credential {
            Credential::ClientCredentials { client_secret, .. } => Ok(client_secret),
            _ => Err(format!(
                "--profile {}: holds a bearer token, not a client secret",
                self.id
            )),
        }
    }
}

/// Read profile `id` (settings only) and insist on client credentials; `Err` is for exit 2.
fn profile_client(id: &str) -> Result<SavedClient, String> {
    let profile = crate::commands::profile::saved_profile(id)?;
    match profile.auth {
        ProfileAuth::ClientCredentials {
            client_id, scope, ..
        } => Ok(SavedClient {
            id: profile.id.to_string(),
            client_id,
            scope,
        }),
        ProfileAuth::Bearer => Err(format!(
            "--profile {id}: it holds a SCIM bearer token, not OAuth client credentials; save one with `preflight profile add --token-url … --client-id … ` or set {}",
            token_source::CLIENT_SECRET_ENV
        )),
    }
}

/// `--only` names checks of this plan; `Err` is the usage message.
fn only_in_plan(plan: &[&'static dyn Check], only: &[String]) -> Result<(), String> {
    let known: Vec<&str> = plan.iter().map(|c| c.doc().id).collect();
    match only.iter().find(|id| !known.contains(&id.as_str())) {
        Some(unknown) => Err(format!(
            "--only: '{unknown}' is not in this command's plan ({})",
            known.join(", ")
        )),
        None => Ok(()),
    }
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
    if let Err(message) = only_in_plan(plan, &output.only) {
        return exit::usage(message);
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
    // Let the listener run once now: `ctrl_c()` installs its handler on first poll, and on
    // this single-threaded runtime a run that has not yet awaited I/O would otherwise leave
    // Ctrl-C at its default (the process dies with no report).
    tokio::task::yield_now().await;
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
