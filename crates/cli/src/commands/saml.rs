//! `preflight saml`: the IdP's metadata (URL or file) and its own signature, its signing
//! certificates, the SP's settings, optionally a captured SAMLResponse, and login ↔
//! provisioning coherence — same report shape and exit codes as `check`. Local files are read here with a size cap; URLs go through the probe.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use clap::Args;
use preflight_core::checks;
use preflight_core::federation::saml::cert;
use preflight_core::federation::saml::metadata_signature::MetadataPin;
use preflight_core::federation::{
    FederationConfig, MAX_XML_BYTES, MetadataSource, SamlConfig, SsoConfig,
};
use preflight_core::probe::LiveTransport;
use preflight_core::target::{Credential, Idp, Target, parse_base_url};

use crate::args::{NetArgs, OutputArgs};
use crate::exit;

#[derive(Args, Debug)]
pub struct SamlArgs {
    /// The IdP's SAML metadata: an https URL or a local file.
    #[arg(long)]
    pub metadata: String,
    /// The SP's entity ID (the IdP calls it Identifier / Audience URI).
    #[arg(long)]
    pub sp_entity_id: Option<String>,
    /// The SP's Assertion Consumer Service URL (the IdP calls it Reply URL / Single sign-on URL).
    #[arg(long)]
    pub acs_url: Option<String>,
    /// The IdP certificate thumbprint the SP has pinned (SHA-1 or SHA-256 hex).
    #[arg(long)]
    pub sp_cert_thumbprint: Option<String>,
    /// A captured SAMLResponse (base64 as posted, DEFLATE+base64, or the XML itself).
    #[arg(long)]
    pub response_file: Option<std::path::PathBuf>,
    /// The certificate (PEM or DER file) that signs the metadata document itself; its
    /// signature must then verify with this certificate.
    #[arg(long, value_name = "FILE", conflicts_with = "metadata_thumbprint")]
    pub metadata_cert: Option<std::path::PathBuf>,
    /// SHA-1 or SHA-256 thumbprint of the certificate that signs the metadata document.
    #[arg(long, value_name = "HEX")]
    pub metadata_thumbprint: Option<String>,
    /// The IdP, for the report (and its default attribute mappings).
    #[arg(long, default_value = "generic")]
    pub idp: String,
    #[command(flatten)]
    pub sso: SsoArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub net: NetArgs,
}

/// Login ↔ provisioning settings for the `sso/…` checks (shared by `saml` and `oidc`).
#[derive(Args, Debug, Default)]
pub struct SsoArgs {
    /// The IdP attribute or claim users sign in with: the SAML NameID source
    /// (`user.userprincipalname`, `user.mail`) or an OIDC claim (`email`, `upn`,
    /// `preferred_username`, `sub`, `oid`).
    #[arg(long, value_name = "ATTRIBUTE")]
    pub login_identifier: Option<String>,
    /// The IdP attribute mapped to SCIM userName (default: the IdP's default mapping).
    #[arg(long, value_name = "ATTRIBUTE")]
    pub scim_username_source: Option<String>,
    /// An allowed / login domain as entered in the app (repeatable).
    #[arg(long = "allowed-domain", value_name = "DOMAIN")]
    pub allowed_domains: Vec<String>,
    /// The app's local admin that does not sign in through SSO, or `none`.
    #[arg(long, value_name = "NAME")]
    pub break_glass_admin: Option<String>,
}

impl SsoArgs {
    /// `None` when no SSO setting was given (the `sso/…` coherence checks then skip).
    pub fn config(&self) -> Option<SsoConfig> {
        if self.login_identifier.is_none()
            && self.scim_username_source.is_none()
            && self.allowed_domains.is_empty()
            && self.break_glass_admin.is_none()
        {
            return None;
        }
        Some(SsoConfig {
            login_identifier: self.login_identifier.clone(),
            scim_username_source: self.scim_username_source.clone(),
            allowed_domains: self.allowed_domains.clone(),
            break_glass_admin: self.break_glass_admin.clone(),
        })
    }
}

/// The pinned metadata signer, validated here so a bad file is a usage error (exit 2).
fn metadata_pin(args: &SamlArgs) -> Result<Option<MetadataPin>, String> {
    if let Some(path) = &args.metadata_cert {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("--metadata-cert: cannot read {}: {e}", path.display()))?;
        if bytes.len() > 64 * 1024 {
            return Err(format!(
                "--metadata-cert: {} is larger than any certificate",
                path.display()
            ));
        }
        return MetadataPin::from_cert_file(bytes)
            .map(Some)
            .map_err(|e| format!("--metadata-cert: {}: {e}", path.display()));
    }
    if let Some(t) = &args.metadata_thumbprint {
        let hex = cert::normalise_thumbprint(t);
        if !matches!(hex.len(), 40 | 64) {
            return Err(format!(
                "--metadata-thumbprint: {} hex digits; give a SHA-1 (40) or SHA-256 (64) thumbprint",
                hex.len()
            ));
        }
        return Ok(Some(MetadataPin {
            cert: None,
            thumbprint: Some(t.clone()),
        }));
    }
    Ok(None)
}

/// Read a local file of at most [`MAX_XML_BYTES`] (plus base64 overhead for responses).
fn read_capped(path: &Path, cap: usize, flag: &str) -> Result<String, String> {
    let file = std::fs::File::open(path)
        .map_err(|e| format!("{flag}: cannot read {}: {e}", path.display()))?;
    let mut text = String::new();
    file.take(cap as u64 + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("{flag}: {} is not UTF-8 text: {e}", path.display()))?;
    if text.len() > cap {
        return Err(format!(
            "{flag}: {} is larger than {cap} bytes",
            path.display()
        ));
    }
    Ok(text)
}

pub async fn run(args: SamlArgs) -> i32 {
    let net = super::check::net_config(&args.net);
    let transport = match LiveTransport::new(&net) {
        Ok(t) => Arc::new(t),
        Err(e) => return exit::usage(e),
    };
    let target = match build_target(&args) {
        Ok(t) => t,
        Err(message) => return exit::usage(message),
    };
    let mut plan = checks::saml_plan();
    if args.sso.config().is_some() {
        plan.extend(checks::sso_plan());
    }
    super::oidc::run_plan(
        &plan,
        target,
        transport,
        &args.output,
        crate::progress::sink(),
    )
    .await
}

fn build_target(args: &SamlArgs) -> Result<Target, String> {
    let idp: Idp = args.idp.parse().map_err(|e| format!("--idp: {e}"))?;
    let is_url = args.metadata.starts_with("https://") || args.metadata.starts_with("http://");
    let (metadata, base) = if is_url {
        parse_base_url(&args.metadata).map_err(|e| format!("--metadata: {e}"))?;
        (
            MetadataSource::Url(args.metadata.clone()),
            url::Url::parse(&args.metadata).map_err(|e| e.to_string())?,
        )
    } else {
        let path = Path::new(&args.metadata);
        let text = read_capped(path, MAX_XML_BYTES, "--metadata")?;
        let absolute = std::fs::canonicalize(path).map_err(|e| format!("--metadata: {e}"))?;
        let base = url::Url::from_file_path(&absolute)
            .map_err(|_| format!("--metadata: {} has no file URL", absolute.display()))?;
        (
            MetadataSource::Document {
                name: args.metadata.clone(),
                text,
            },
            base,
        )
    };
    let response = match &args.response_file {
        Some(p) => Some(read_capped(
            p,
            MAX_XML_BYTES * 4 / 3 + 4096,
            "--response-file",
        )?),
        None => None,
    };
    let mut target =
        Target::new("http://localhost/", Credential::None, idp).map_err(|e| e.to_string())?;
    target.base_url = base;
    target.federation = Some(Arc::new(FederationConfig {
        oidc: None,
        saml: Some(SamlConfig {
            metadata,
            sp_entity_id: args.sp_entity_id.clone(),
            acs_url: args.acs_url.clone(),
            sp_cert_thumbprint: args.sp_cert_thumbprint.clone(),
            response,
            metadata_pin: metadata_pin(args)?,
        }),
        sso: args.sso.config(),
    }));
    Ok(target)
}
