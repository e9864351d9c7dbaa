use async_trait::async_trait;

use super::{applies, load_metadata};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// The IdP's signing certificate(s) are within their validity, with 30/7-day warnings.
pub struct SigningCertValid;

static DOC: CheckDoc = CheckDoc {
    id: "saml/signing-cert-valid",
    title: "The IdP's signing certificate is valid and not about to expire",
    what: "Parses every signing certificate in the metadata and compares its validity with the local clock: fails \
           when no certificate is currently valid, warns when one of them has expired while another is valid (a \
           rollover in progress) and when the newest expires within 30 days (7 days: act now). Shows each \
           certificate's SHA-1 thumbprint (what Entra's portal shows) and SHA-256 thumbprint.",
    why: "When the IdP's signing certificate expires, SPs reject every assertion and nobody can sign in. Entra \
          certificates last 3 years; a new one stays inactive until \"Make certificate active\", and Entra may switch \
          to it by itself when the old one expires — breaking SPs that pinned the old certificate.",
    fix: "Create or activate a new signing certificate at the IdP (Entra: Enterprise applications > app > Single \
          sign-on > SAML Certificates), give the SP the new metadata or certificate, and only then make it active. \
          SPs that want a SHA-256 thumbprint must compute it from the certificate: Entra shows SHA-1.",
    references: &[
        "https://learn.microsoft.com/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on",
        "https://github.com/MicrosoftDocs/azure-docs/issues/38637",
        "https://wiki.shibboleth.net/confluence/display/SHIB2/IdPKeyRollover",
    ],
    diagnoses: &["saml/signing-cert-expired"],
};

const DAY: i64 = 86_400;

#[async_trait]
impl Check for SigningCertValid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(b) = ctx.blocked_by(&["saml/metadata-valid"]) {
            return b;
        }
        let (evidence, md) = load_metadata(ctx).await;
        let Ok(md) = md else {
            return Verdict::Blocked("saml/metadata-valid".into());
        };
        let certs = md.valid_certs();
        if certs.is_empty() {
            return Verdict::Blocked("saml/metadata-valid".into());
        }
        let now = ctx.options.now.unix_timestamp();
        let describe = |c: &crate::federation::saml::cert::CertInfo| {
            let until = time::OffsetDateTime::from_unix_timestamp(c.not_after)
                .map(|t| t.date().to_string())
                .unwrap_or_default();
            format!(
                "{} (valid until {until}, SHA-1 {}, SHA-256 {})",
                c.subject, c.sha1, c.sha256
            )
        };
        let current: Vec<_> = certs
            .iter()
            .filter(|c| c.not_before <= now && now <= c.not_after)
            .collect();
        let expected = "a signing certificate valid now and for more than 30 days";
        if current.is_empty() {
            let what = certs
                .iter()
                .map(|c| {
                    if c.not_after < now {
                        format!("expired: {}", describe(c))
                    } else {
                        format!("not yet valid: {}", describe(c))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            return Verdict::fail(
                expected,
                what,
                evidence,
                Cause::new("saml/signing-cert-expired"),
            );
        }
        let newest = current
            .iter()
            .max_by_key(|c| c.not_after)
            .expect("non-empty");
        let days_left = (newest.not_after - now) / DAY;
        if days_left <= 30 {
            let urgency = if days_left <= 7 { "critical: " } else { "" };
            return Verdict::warn(
                expected,
                format!(
                    "{urgency}expires in {days_left} day(s): {}",
                    describe(newest)
                ),
                evidence,
                Cause::new("saml/signing-cert-expired"),
            );
        }
        let expired: Vec<_> = certs.iter().filter(|c| c.not_after < now).collect();
        if !expired.is_empty() {
            return Verdict::warn(
                "only current certificates in the metadata",
                format!(
                    "also lists an expired certificate: {}",
                    expired
                        .iter()
                        .map(|c| describe(c))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                evidence,
                Cause::new("saml/signing-cert-expired")
                    .detail("An SP that pinned the expired certificate will reject assertions."),
            );
        }
        Verdict::pass_with_note(
            evidence,
            current
                .iter()
                .map(|c| describe(c))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }
}
