use async_trait::async_trait;

use super::{config, load_metadata};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::saml::cert::normalise_thumbprint;
use crate::target::Target;

/// The certificate thumbprint the SP pinned is one the IdP publishes.
pub struct PinnedThumbprint;

static DOC: CheckDoc = CheckDoc {
    id: "saml/pinned-thumbprint-current",
    title: "The SP's pinned certificate thumbprint is in the IdP's metadata",
    what: "Compares the thumbprint the SP is configured with (`--sp-cert-thumbprint`, SHA-1 or SHA-256 hex; case, \
           spaces and colons ignored) with the SHA-1 and SHA-256 thumbprints of every signing certificate in the \
           metadata, both computed from the certificate's DER bytes.",
    why: "An SP that validates assertions against a pinned thumbprint rejects every response signed with another \
          certificate — typically right after the IdP rolled over to a new signing certificate.",
    fix: "Update the thumbprint (or the certificate) in the SP to the one the IdP signs with now. Entra's portal shows \
          the SHA-1 thumbprint; if the SP wants SHA-256, use the SHA-256 value Preflight prints.",
    references: &[
        "https://github.com/MicrosoftDocs/azure-docs/issues/38637",
        "https://learn.microsoft.com/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on",
    ],
    diagnoses: &["saml/signature-invalid"],
};

#[async_trait]
impl Check for PinnedThumbprint {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        match config(target) {
            Some(c) if c.sp_cert_thumbprint.is_some() => Ok(()),
            _ => Err("no --sp-cert-thumbprint given".into()),
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(b) = ctx.blocked_by(&["saml/metadata-valid"]) {
            return b;
        }
        let pinned = config(ctx.target())
            .and_then(|c| c.sp_cert_thumbprint.clone())
            .unwrap_or_default();
        let (evidence, md) = load_metadata(ctx).await;
        let Ok(md) = md else {
            return Verdict::Blocked("saml/metadata-valid".into());
        };
        let certs = md.valid_certs();
        let p = normalise_thumbprint(&pinned);
        if !matches!(p.len(), 40 | 64) {
            return Verdict::fail(
                "a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint",
                format!("{} hex digits in `{pinned}`", p.len()),
                evidence,
                Cause::new("saml/signature-invalid"),
            );
        }
        if let Some(c) = certs.iter().find(|c| c.matches_thumbprint(&pinned)) {
            return Verdict::pass_with_note(evidence, format!("matches {}", c.subject));
        }
        let published = certs
            .iter()
            .map(|c| format!("SHA-1 {} / SHA-256 {}", c.sha1, c.sha256))
            .collect::<Vec<_>>()
            .join("; ");
        Verdict::fail(
            format!("one of: {published}"),
            format!("pinned {p}"),
            evidence,
            Cause::new("saml/signature-invalid")
                .detail("The SP will reject assertions signed by the IdP's current certificate."),
        )
    }
}
