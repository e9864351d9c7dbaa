use async_trait::async_trait;

use super::{applies_with_response, config, load_metadata};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::saml::{NS_ASSERTION, dsig, parse_xml, response};
use crate::target::Target;

/// The captured response is readable, safe, and its signature verifies with the metadata cert.
pub struct ResponseSignature;

static DOC: CheckDoc = CheckDoc {
    id: "saml/response-signature-valid",
    title: "The SAMLResponse is signed and the signature verifies with the IdP's certificate",
    what: "Decodes the captured SAMLResponse (POST base64, or Redirect DEFLATE+base64), refuses DOCTYPEs, more than \
           one assertion and encrypted assertions, then verifies the enveloped XML signature of the Response and/or \
           the Assertion: exactly one Reference pointing to the signed element's own ID (unique in the document), \
           only the enveloped-signature and exclusive-c14n transforms, SHA-256 (or legacy SHA-1) digest, RSA-SHA256 \
           (or legacy RSA-SHA1) signature — checked against the signing certificates from the metadata, never \
           against a key inside the response. Other canonicalization or signature algorithms are reported as not \
           supported rather than passed.",
    why: "An SP must accept only assertions the IdP signed. A response that does not verify against the metadata \
          certificate was changed, signed with another (rolled-over) certificate, or is forged; accepting unsigned or \
          wrapped assertions lets anyone sign in as anyone.",
    fix: "Make sure the SP uses the IdP's current signing certificate (download the metadata again), and that the IdP \
          signs the assertion or the response (Entra: SAML Certificates > Signing Option; SHA-256 is the default).",
    references: &[
        "SAML 2.0 Core (saml-core-2.0-os) §5.4",
        "SAML 2.0 Profiles §4.1.3.5",
        "https://www.w3.org/TR/xmldsig-core1/",
        "https://www.w3.org/TR/xml-exc-c14n/",
        "https://cheatsheetseries.owasp.org/cheatsheets/SAML_Security_Cheat_Sheet.html",
    ],
    diagnoses: &["saml/signature-invalid"],
};

#[async_trait]
impl Check for ResponseSignature {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies_with_response(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let expected =
            "a signed response or assertion that verifies with a metadata signing certificate";
        let raw = config(ctx.target())
            .and_then(|c| c.response.clone())
            .unwrap_or_default();
        let refused = |why: String| {
            Verdict::fail(
                expected,
                format!("refused: {why}"),
                Vec::new(),
                Cause::new("saml/signature-invalid"),
            )
        };
        let xml = match response::decode(&raw) {
            Ok(x) => x,
            Err(e) => return refused(e),
        };
        let parsed = match response::parse(&xml) {
            Ok(p) => p,
            Err(e) => return refused(e),
        };
        if !parsed.response_signed && !parsed.assertion_signed {
            return Verdict::fail(
                expected,
                "neither the Response nor the Assertion carries a signature",
                Vec::new(),
                Cause::new("saml/signature-invalid"),
            );
        }
        let (evidence, md) = load_metadata(ctx).await;
        let Ok(md) = md else {
            return Verdict::Blocked("saml/metadata-valid".into());
        };
        let certs = md.valid_certs();
        let doc = match parse_xml(&xml) {
            Ok(d) => d,
            Err(e) => return refused(e),
        };
        let root = doc.root_element();
        let mut verified = Vec::new();
        for (label, element) in [
            ("Response", Some(root)),
            (
                "Assertion",
                root.descendants()
                    .find(|n| n.has_tag_name((NS_ASSERTION, "Assertion"))),
            ),
        ] {
            let Some(element) = element else { continue };
            if dsig::signature_of(element).is_none() {
                continue;
            }
            match dsig::verify_enveloped(element, &certs) {
                Ok(thumb) => verified.push(format!(
                    "{label} signature verified (certificate SHA-1 {thumb})"
                )),
                Err(e) => {
                    return Verdict::fail(
                        expected,
                        format!("{label} signature: {e}"),
                        evidence,
                        Cause::new("saml/signature-invalid"),
                    );
                }
            }
        }
        Verdict::pass_with_note(evidence, verified.join("; "))
    }
}
