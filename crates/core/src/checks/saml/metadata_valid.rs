use async_trait::async_trait;

use super::{applies, load_metadata};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::saml::parse_instant;
use crate::target::Target;

/// The gate of the SAML family: usable IdP metadata.
pub struct MetadataValid;

static DOC: CheckDoc = CheckDoc {
    id: "saml/metadata-valid",
    title: "The IdP's SAML metadata is well-formed and complete",
    what: "Reads the IdP metadata (URL or file; at most 6 MiB; any DOCTYPE refused; nothing it references is \
           fetched) and checks: an EntityDescriptor with an `entityID`; an IDPSSODescriptor whose \
           protocolSupportEnumeration lists SAML 2.0; at least one SingleSignOnService with the HTTP-Redirect or \
           HTTP-POST binding; at least one signing certificate (KeyDescriptor `use=\"signing\"` or without `use`); \
           `validUntil` not in the past. Reports the NameID formats, WantAuthnRequestsSigned (default false) and \
           whether the document itself is signed; that signature is verified by `saml/metadata-signature-valid` \
           (whether Entra signs its metadata is unconfirmed).",
    why: "SPs configure themselves from this document. Broken or SP-side metadata, a missing SSO endpoint or a \
          missing signing certificate means the SP cannot send users to the IdP or cannot validate what comes back.",
    fix: "Download the metadata again from the IdP (Entra: Enterprise applications > app > Single sign-on > SAML \
          Certificates > Federation Metadata XML or App Federation Metadata Url; Okta: app > Sign On > Metadata URL; \
          OneLogin: app > SSO > More Actions > SAML Metadata) and give that exact file or URL to the SP.",
    references: &[
        "SAML 2.0 Metadata (saml-metadata-2.0-os) §2.3.2, §2.4.3",
        "https://learn.microsoft.com/entra/identity-platform/federation-metadata",
        "https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html",
    ],
    diagnoses: &["saml/metadata-invalid"],
};

#[async_trait]
impl Check for MetadataValid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let (evidence, md) = load_metadata(ctx).await;
        let expected =
            "SAML 2.0 IdP metadata with entityID, an SSO endpoint and a signing certificate";
        let md = match md {
            Ok(md) => md,
            Err(e) => {
                return Verdict::fail(expected, e, evidence, Cause::new("saml/metadata-invalid"));
            }
        };
        let mut problems = md.problems.clone();
        if let Some(until) = &md.valid_until {
            match parse_instant(until) {
                Some(t) if t < ctx.options.now => {
                    problems.push(format!("validUntil {until} is in the past"))
                }
                Some(_) => {}
                None => problems.push(format!("validUntil `{until}` is not a valid date-time")),
            }
        }
        for bad in md.signing_certs.iter().filter_map(|c| c.as_ref().err()) {
            problems.push(bad.clone());
        }
        if !problems.is_empty() {
            return Verdict::fail(
                expected,
                problems.join("; "),
                evidence,
                Cause::new("saml/metadata-invalid"),
            );
        }
        let sso: Vec<String> = md
            .sso_services
            .iter()
            .map(|(b, l)| format!("{} {l}", b.rsplit(':').next().unwrap_or(b)))
            .collect();
        let formats = match md.name_id_formats.len() {
            0 => "none listed".to_string(),
            n if n > 8 => format!("{} … ({} more)", md.name_id_formats[..8].join(", "), n - 8),
            _ => md.name_id_formats.join(", "),
        };
        Verdict::pass_with_note(
            evidence,
            format!(
                "entityID {}; SSO {}; {} signing cert(s); NameID formats: {formats}; WantAuthnRequestsSigned {}{}",
                md.entity_id,
                sso.join(", "),
                md.signing_certs.len(),
                md.want_authn_requests_signed,
                if md.signed {
                    "; the metadata is signed (see saml/metadata-signature-valid)"
                } else {
                    ""
                }
            ),
        )
    }
}
