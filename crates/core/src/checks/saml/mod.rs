//! SAML checks (`preflight saml`): the IdP's metadata and signing certificates, the SP's
//! settings, and a captured SAMLResponse. Configured by [`crate::federation::SamlConfig`].

mod metadata_signature;
mod metadata_valid;
mod pinned_thumbprint;
mod response_attributes;
mod response_conditions;
mod response_destination;
mod response_entity_ids;
mod response_nameid;
mod response_signature;
mod signing_cert_valid;
mod sp_config_valid;

pub use metadata_signature::MetadataSignatureValid;
pub use metadata_valid::MetadataValid;
pub use pinned_thumbprint::PinnedThumbprint;
pub use response_attributes::ResponseAttributes;
pub use response_conditions::ResponseConditions;
pub use response_destination::ResponseDestination;
pub use response_entity_ids::ResponseEntityIds;
pub use response_nameid::ResponseNameId;
pub use response_signature::ResponseSignature;
pub use signing_cert_valid::SigningCertValid;
pub use sp_config_valid::SpConfigValid;

use crate::check::{RunCtx, Verdict};
use crate::federation::saml::{metadata, response};
use crate::federation::{MAX_XML_BYTES, MetadataSource, SamlConfig};
use crate::probe::{AuthMode, Req};
use crate::target::Target;

pub(crate) fn config(target: &Target) -> Option<&SamlConfig> {
    target.federation.as_ref().and_then(|f| f.saml.as_ref())
}

pub(crate) fn applies(target: &Target) -> Result<(), String> {
    config(target)
        .map(|_| ())
        .ok_or_else(|| "no SAML metadata configured (use `preflight saml --metadata …`)".into())
}

pub(crate) fn applies_with_response(target: &Target) -> Result<(), String> {
    match config(target) {
        Some(c) if c.response.is_some() => Ok(()),
        _ => Err("no captured SAMLResponse given (use --response-file)".into()),
    }
}

/// The IdP metadata: evidence ids (when fetched) and the parsed document, or why not.
pub(crate) async fn load_metadata(
    ctx: &RunCtx<'_>,
) -> (Vec<String>, Result<metadata::IdpMetadata, String>) {
    let (ids, text) = load_metadata_text(ctx).await;
    (ids, text.and_then(|t| metadata::parse(&t)))
}

/// The IdP metadata as text: evidence ids (when fetched) and the document, or why not.
/// A URL is fetched once per run (the probe reuses identical GETs).
pub(crate) async fn load_metadata_text<'c>(
    ctx: &'c RunCtx<'_>,
) -> (Vec<String>, Result<std::borrow::Cow<'c, str>, String>) {
    let Some(c) = config(ctx.target()) else {
        return (Vec::new(), Err("no metadata configured".into()));
    };
    match &c.metadata {
        MetadataSource::Document { text, .. } => (Vec::new(), Ok(std::borrow::Cow::Borrowed(text))),
        MetadataSource::Url(url) => {
            let req = Req::get(url.clone())
                .auth(AuthMode::None)
                .header(
                    "accept",
                    Some("application/samlmetadata+xml, application/xml, text/xml"),
                )
                .purpose("SAML IdP metadata");
            let x = ctx.probe.fetch(req).await;
            let ids = vec![x.id.clone()];
            let Some(r) = &x.response else {
                let f = x
                    .failure
                    .as_ref()
                    .map(|f| format!("{} ({})", f.message, f.code))
                    .unwrap_or_default();
                return (
                    ids,
                    Err(format!("the metadata URL could not be fetched: {f}")),
                );
            };
            if r.status != 200 {
                return (
                    ids,
                    Err(format!("the metadata URL answered HTTP {}", r.status)),
                );
            }
            if r.body_truncated || r.body.len() > MAX_XML_BYTES {
                return (
                    ids,
                    Err(format!("the metadata is larger than {MAX_XML_BYTES} bytes")),
                );
            }
            (ids, Ok(std::borrow::Cow::Owned(r.body.clone())))
        }
    }
}

/// The captured response, decoded and parsed; `None` when it cannot be read (the signature
/// check, which runs first, reports why; the others are then blocked by it).
pub(crate) fn load_response(ctx: &RunCtx<'_>) -> Option<(String, response::SamlResponse)> {
    let raw = config(ctx.target())
        .and_then(|c| c.response.clone())
        .unwrap_or_default();
    let xml = response::decode(&raw).ok()?;
    let parsed = response::parse(&xml).ok()?;
    Some((xml, parsed))
}

/// The verdict of a response check whose response could not be read.
pub(crate) fn unreadable() -> Verdict {
    Verdict::Blocked("saml/response-signature-valid".into())
}
