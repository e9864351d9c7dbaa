use async_trait::async_trait;

use super::{config, load_metadata};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::discovery::is_loopback_http;
use crate::target::Target;

/// The SP's own settings: an https ACS URL, and an SP entity ID that is not the IdP's.
pub struct SpConfigValid;

static DOC: CheckDoc = CheckDoc {
    id: "saml/sp-config-valid",
    title: "The SP's ACS URL and entity ID are plausible",
    what: "Checks the service provider's settings given to Preflight: the ACS (Reply) URL must be https (http only \
           for localhost tests) and carry no fragment; the SP entity ID must not be the IdP's own entityID, a common \
           copy/paste mix-up between the two columns of a setup guide.",
    why: "IdPs post assertions only to registered https ACS URLs. If the SP announces the IdP's entity ID as its own, \
          the audience in every assertion differs from what the SP expects (Entra copies the AuthnRequest Issuer \
          into Audience), and sign-in fails.",
    fix: "Use the SP's entity ID as the Identifier (Entra: Basic SAML Configuration > Identifier (Entity ID)) and its \
          https ACS URL as the Reply URL; the IdP's entity ID belongs only in the SP's IdP settings.",
    references: &[
        "https://learn.microsoft.com/entra/identity-platform/single-sign-on-saml-protocol",
        "SAML 2.0 Profiles (saml-profiles-2.0-os) §4.1.4",
    ],
    diagnoses: &[
        "tls/plain-http",
        "saml/entity-id-mismatch",
        "saml/destination-mismatch",
    ],
};

#[async_trait]
impl Check for SpConfigValid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        match config(target) {
            Some(c) if c.acs_url.is_some() || c.sp_entity_id.is_some() => Ok(()),
            _ => Err("give --acs-url and/or --sp-entity-id".into()),
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let c = config(ctx.target()).expect("applies");
        if let Some(acs) = &c.acs_url {
            if !acs.starts_with("https://") && !is_loopback_http(acs) {
                return Verdict::fail(
                    "an https ACS URL",
                    acs.clone(),
                    Vec::new(),
                    Cause::new("tls/plain-http"),
                );
            }
            if acs.contains('#') {
                return Verdict::fail(
                    "an ACS URL without a fragment",
                    acs.clone(),
                    Vec::new(),
                    Cause::new("saml/destination-mismatch"),
                );
            }
        }
        let (evidence, md) = load_metadata(ctx).await;
        if let (Some(sp), Ok(md)) = (&c.sp_entity_id, md)
            && !md.entity_id.is_empty()
            && sp.trim() == md.entity_id
        {
            return Verdict::fail(
                "the SP's own entity ID",
                format!("{sp} — that is the IdP's entityID"),
                evidence,
                Cause::new("saml/entity-id-mismatch"),
            );
        }
        Verdict::pass(evidence)
    }
}
