use async_trait::async_trait;

use super::{applies, config, load_metadata_text};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::saml::metadata_signature::{self, MetadataPin, MetadataSignature};
use crate::federation::saml::parse_xml;
use crate::target::Target;

/// A signature on the metadata document verifies, with the signer the admin pinned.
pub struct MetadataSignatureValid;

static DOC: CheckDoc = CheckDoc {
    id: "saml/metadata-signature-valid",
    title: "The metadata's own signature verifies (with the pinned signer, when one is given)",
    what: "When the metadata carries an enveloped ds:Signature on its root (EntityDescriptor or EntitiesDescriptor) or \
           on the EntityDescriptor Preflight reads, verifies it: exactly one Reference to that element's own ID \
           (unique in the document), only the enveloped-signature and exclusive-c14n transforms, SHA-256/384/512 \
           (or legacy SHA-1) digest, RSA or ECDSA P-256/P-384 signature. The key is the pinned signer \
           (`--metadata-cert FILE` or `--metadata-thumbprint HEX`, SHA-1 or SHA-256); without a pin, the certificate \
           inside the signature is tried and the result says the signer is not pinned. A signature on any other \
           element while the element read is unsigned is refused as signature wrapping. Unsigned metadata passes with \
           a note saying so, unless a signer was pinned — then it fails.",
    why: "Metadata tells the SP which certificates to trust for every assertion. Metadata that was changed in transit or \
          at rest (another signing certificate, another SSO URL) lets whoever changed it sign users in. A signature \
          proves integrity only against a key known beforehand: one that merely verifies with the certificate it \
          carries shows the file is intact, not who made it.",
    fix: "Download the metadata again from the IdP or the federation operator over HTTPS and pin the signer the operator \
          publishes (its certificate file or thumbprint). If verification fails, do not import the file: it was \
          edited after signing, or signed by someone else.",
    references: &[
        "SAML 2.0 Metadata (saml-metadata-2.0-os) §3",
        "SAML 2.0 Core (saml-core-2.0-os) §5.4",
        "https://www.w3.org/TR/xmldsig-core1/",
        "https://cheatsheetseries.owasp.org/cheatsheets/SAML_Security_Cheat_Sheet.html",
    ],
    diagnoses: &["saml/signature-invalid"],
};

#[async_trait]
impl Check for MetadataSignatureValid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        // Not gated on saml/metadata-valid: wrapped metadata is often "invalid" as metadata
        // (the impostor entity is incomplete) and the signature verdict matters most then.
        let pin: MetadataPin = config(ctx.target())
            .and_then(|c| c.metadata_pin.clone())
            .unwrap_or_default();
        let (evidence, text) = load_metadata_text(ctx).await;
        let Ok(text) = text else {
            return Verdict::Blocked("saml/metadata-valid".into());
        };
        if parse_xml(&text).is_err() {
            // Unreadable or unsafe XML: saml/metadata-valid says why.
            return Verdict::Blocked("saml/metadata-valid".into());
        }
        let expected = if pin.is_empty() {
            "unsigned metadata, or a signature that verifies"
        } else {
            "metadata signed by the pinned signer"
        };
        match metadata_signature::verify(&text, &pin) {
            // Nothing to verify and nothing pinned: not a failure (many IdPs, Entra perhaps
            // among them, publish unsigned metadata), but said plainly.
            Ok(MetadataSignature::Unsigned) => Verdict::pass_with_note(
                evidence,
                "the metadata is not signed: nothing to verify; its integrity rests on where it came from (HTTPS from the IdP)",
            ),
            Ok(MetadataSignature::Verified {
                element,
                signer,
                pinned: true,
            }) => Verdict::pass_with_note(
                evidence,
                format!(
                    "{element} signature verified with the pinned signer `{}` (SHA-256 {})",
                    signer.subject, signer.sha256
                ),
            ),
            Ok(MetadataSignature::Verified {
                element,
                signer,
                pinned: false,
            }) => Verdict::pass_with_note(
                evidence,
                format!(
                    "signed, signature valid with the embedded cert, but not pinned: the {element} signature verifies with \
                     the certificate it carries (`{}`, SHA-1 {}, SHA-256 {}). That proves the file is intact, not who \
                     signed it — pin the signer with --metadata-cert or --metadata-thumbprint",
                    signer.subject, signer.sha1, signer.sha256
                ),
            ),
            Err(why) => Verdict::fail(
                expected,
                why,
                evidence,
                Cause::new("saml/signature-invalid").detail(
                    "Do not import this metadata: get a fresh copy from the IdP or federation operator.",
                ),
            ),
        }
    }
}
