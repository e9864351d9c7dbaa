//! `preflight trace --har FILE`: read a browser HAR of a sign-in, lay out each flow hop by hop,
//! and name the first broken hop and why — the same report shape and exit codes as `check`
//! (the contract is in `preflight_core::trace`). Nothing in the HAR makes Preflight send a
//! request; only URLs the admin gives (`--metadata URL`) are fetched, through the probe.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use preflight_core::check::{Check, RunOptions};
use preflight_core::event::exchange_events;
use preflight_core::federation::MAX_XML_BYTES;
use preflight_core::federation::saml::metadata;
use preflight_core::probe::{AuthMode, LiveTransport, Probe, Req};
use preflight_core::profile::ProfileStore;
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};
use preflight_core::trace::{self, HarLimits, TraceOptions, routing};
use preflight_core::{checks, engine};

use crate::args::{Format, NetArgs, OutputArgs};
use crate::exit;

#[derive(Args, Debug)]
pub struct TraceArgs {
    /// The HAR file exported from the browser's network panel (Chrome, Edge, Firefox, Safari).
    #[arg(long, value_name = "FILE")]
    pub har: PathBuf,
    /// A saved profile: its recorded client ID, tenant, issuer and redirect URIs are compared
    /// with the flow's (flags win), and every saved profile is checked for shared display
    /// names, client IDs, tenants and redirect URIs.
    #[arg(long)]
    pub profile: Option<String>,
    /// A redirect URI registered at the IdP (repeatable): the one the app sent must equal one.
    #[arg(long)]
    pub redirect_uri: Vec<String>,
    /// The OAuth/OIDC client ID the app should use.
    #[arg(long)]
    pub client_id: Option<String>,
    /// The issuer the app is configured with (its host and tenant are compared with the flow's).
    #[arg(long)]
    pub issuer: Option<String>,
    /// The tenant the app belongs to (Entra tenant ID or domain, Okta/OneLogin subdomain).
    #[arg(long)]
    pub tenant: Option<String>,
    /// The SP entity ID (the IdP calls it Identifier / Audience URI).
    #[arg(long)]
    pub sp_entity_id: Option<String>,
    /// The SP's Assertion Consumer Service URL.
    #[arg(long)]
    pub acs_url: Option<String>,
    /// The IdP's SAML metadata (https URL or file), to verify response signatures.
    #[arg(long, value_name = "URL_OR_FILE")]
    pub metadata: Option<String>,
    /// The logout URL configured in the app: requested (with its redirects) and compared with
    /// the IdP's end_session_endpoint (--issuer) or SingleLogoutService (--metadata).
    #[arg(long)]
    pub logout_url: Option<String>,
    /// Also write a redacted copy of the HAR here, for a support ticket: cookies, Authorization,
    /// passwords, tokens, codes and SAML signature values replaced by stable placeholders.
    #[arg(long, value_name = "FILE")]
    pub redact_out: Option<PathBuf>,
    /// With --redact-out: also replace NameIDs and e-mail addresses.
    #[arg(long, requires = "redact_out")]
    pub mask_names: bool,
    /// The IdP, for the report.
    #[arg(long, default_value = "generic")]
    pub idp: String,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub net: NetArgs,
}

pub async fn run(args: TraceArgs) -> i32 {
    let net = super::check::net_config(&args.net);
    let transport = match LiveTransport::new(&net) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let idp: Idp = match args.idp.parse() {
        Ok(i) => i,
        Err(e) => return exit::usage(format!("--idp: {e}")),
    };
    let target = match har_target(&args.har, idp) {
        Ok(t) => t,
        Err(message) => return exit::usage(message),
    };
    let events = crate::progress::sink();
    let probe = Probe::new(transport, target, Redactor::new())
        .with_observer(exchange_events(events.clone()));
    let mut options = TraceOptions {
        redirect_uris: args.redirect_uri.clone(),
        client_id: args.client_id.clone(),
        issuer: args.issuer.clone(),
        tenant: args.tenant.clone(),
        sp_entity_id: args.sp_entity_id.clone(),
        acs_url: args.acs_url.clone(),
        metadata: None,
        limits: HarLimits::default(),
    };
    let mut slo_locations = Vec::new();
    if let Some(source) = &args.metadata {
        match load_metadata(source, &probe).await {
            Ok((text, md)) => {
                slo_locations = checks::trace::single_logout_locations(&text);
                options.metadata = Some(md);
            }
            Err(message) => return exit::usage(message),
        }
    }
    let mut extra: Vec<Box<dyn Check>> = Vec::new();
    if let Some(name) = &args.profile {
        match profile_checks(name, &mut options) {
            Ok(check) => extra.push(check),
            Err(message) => return exit::usage(message),
        }
    }
    if let Some(url) = &args.logout_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return exit::usage(format!("--logout-url: {url} is not an http(s) URL"));
        }
        extra.push(Box::new(checks::trace::LogoutUrlValid::with(
            checks::trace::LogoutConfig {
                url: url.clone(),
                issuer: args.issuer.clone(),
                slo_locations,
            },
        )));
    }
    let file = match std::fs::File::open(&args.har) {
        Ok(f) => f,
        Err(e) => return exit::usage(format!("--har: cannot read {}: {e}", args.har.display())),
    };
    if let Ok(meta) = file.metadata()
        && meta.len() > options.limits.max_bytes
    {
        return exit::usage(format!(
            "--har: {} is {} MB; Preflight traces HARs up to {} MB — clear the network log, reproduce only the sign-in, and export again",
            args.har.display(),
            meta.len() / 1_000_000,
            options.limits.max_bytes / 1_000_000
        ));
    }
    let result = match trace::analyse(file, &options) {
        Ok(r) => r,
        Err(e) => return exit::usage(format!("--har {}: {e}", args.har.display())),
    };
    if let Some(path) = &args.redact_out
        && let Err(message) = write_redacted(&args.har, path, args.mask_names, &options.limits)
    {
        return exit::usage(message);
    }
    let mut plan: Vec<Box<dyn Check>> = checks::trace::plan_for(&result);
    plan.extend(extra);
    let plan_refs: Vec<&dyn Check> = plan.iter().map(|c| c.as_ref()).collect();
    let mut report = engine::run(&plan_refs, &probe, &RunOptions::default(), &events).await;
    report.exchanges.extend(trace::evidence::exchanges(&result));
    for note in &result.notes {
        eprintln!("note: {note}");
    }
    let output = OutputArgs {
        format: args.format,
        out: args.out.clone(),
        only: Vec::new(),
        har: None,
    };
    if let Err(message) = crate::render::emit(&report, &output) {
        eprintln!("error: {message}");
        return exit::INCOMPLETE;
    }
    report.exit_code(probe.is_cancelled())
}

/// Stream the redacted copy into a temporary file and rename it into place (memory bounded
/// by the largest entry; a failed run never leaves half a HAR behind).
fn write_redacted(
    har: &Path,
    out: &Path,
    mask_names: bool,
    limits: &HarLimits,
) -> Result<(), String> {
    let input =
        std::fs::File::open(har).map_err(|e| format!("cannot read {}: {e}", har.display()))?;
    let opts = trace::redact::RedactOptions { mask_names };
    trace::redact::redact_to_file(input, out, &opts, limits)
        .map(|_| ())
        .map_err(|e| match e {
            trace::redact::RedactFileError::Har(e) => format!("{}: {e}", har.display()),
            e => format!("--redact-out {}: {e}", out.display()),
        })
}

fn redact_file(har: &Path, mask_names: bool, limits: &HarLimits) -> Result<Vec<u8>, String> {
    let input =
        std::fs::File::open(har).map_err(|e| format!("cannot read {}: {e}", har.display()))?;
    let mut bytes = Vec::new();
    let opts = trace::redact::RedactOptions { mask_names };
    trace::redact::redact_har(input, &mut bytes, &opts, limits)
        .map_err(|e| format!("{}: {e}", har.display()))?;
    Ok(bytes)
}

/// The redacted text of a HAR, for `preflight bundle --trace-har`.
pub fn redacted_copy(har: &Path, mask_names: bool) -> Result<String, String> {
    let bytes = redact_file(har, mask_names, &HarLimits::default())
        .map_err(|e| format!("--trace-har: {e}"))?;
    String::from_utf8(bytes).map_err(|_| "--trace-har: the redacted HAR is not UTF-8".into())
}

/// The report's target: the HAR file (as a file URL).
fn har_target(path: &Path, idp: Idp) -> Result<Target, String> {
    let absolute = std::fs::canonicalize(path)
        .map_err(|e| format!("--har: cannot read {}: {e}", path.display()))?;
    let base = url::Url::from_file_path(&absolute)
        .map_err(|_| format!("--har: {} has no file URL", absolute.display()))?;
    let mut target =
        Target::new("http://localhost/", Credential::None, idp).map_err(|e| e.to_string())?;
    target.base_url = base;
    Ok(target)
}

/// IdP metadata from a file (size-capped) or an https URL (through the probe).
async fn load_metadata(
    source: &str,
    probe: &Probe,
) -> Result<(String, metadata::IdpMetadata), String> {
    let text = if source.starts_with("https://") || source.starts_with("http://") {
        let x = probe
            .fetch(
                Req::get(source.to_string())
                    .auth(AuthMode::None)
                    .purpose("SAML IdP metadata"),
            )
            .await;
        match &x.response {
            Some(r) if r.status == 200 && !r.body_truncated => r.body.clone(),
            Some(r) => return Err(format!("--metadata: {source} answered HTTP {}", r.status)),
            None => return Err(format!("--metadata: {source} could not be fetched")),
        }
    } else {
        use std::io::Read;
        let file = std::fs::File::open(source)
            .map_err(|e| format!("--metadata: cannot read {source}: {e}"))?;
        let mut text = String::new();
        file.take(MAX_XML_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("--metadata: {source} is not UTF-8 text: {e}"))?;
        text
    };
    let md = metadata::parse(&text).map_err(|e| format!("--metadata: {e}"))?;
    if !md.problems.is_empty() {
        return Err(format!("--metadata: {}", md.problems.join("; ")));
    }
    Ok((text, md))
}

/// The profile's client ID, tenant, issuer and registered redirect URIs (unless given as
/// flags), and the routing lint over every saved profile.
fn profile_checks(name: &str, options: &mut TraceOptions) -> Result<Box<dyn Check>, String> {
    let store = ProfileStore::open_default().map_err(|e| format!("--profile: {e}"))?;
    let loaded = store.get(name).map_err(|e| format!("--profile: {e}"))?;
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    let (client_id, tenant) = routing::expectations(&loaded.value);
    options.client_id = options.client_id.take().or(client_id);
    options.tenant = options.tenant.take().or(tenant);
    let recorded = &loaded.value.sign_in;
    options.issuer = options.issuer.take().or_else(|| recorded.issuer.clone());
    if options.redirect_uris.is_empty() {
        options.redirect_uris = recorded.redirect_uris.clone();
    }
    let all = store.list().map_err(|e| format!("--profile: {e}"))?;
    let keys = all.value.iter().map(routing::RoutingKey::of).collect();
    Ok(Box::new(checks::trace::TenantRoutingUnique::over(keys)))
}
