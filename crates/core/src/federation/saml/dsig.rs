//! Enveloped XML signatures on SAML messages and metadata: one `Reference` to the signed
//! element's own `ID`, only the enveloped-signature and exclusive-c14n transforms, SHA-256
//! (SHA-384/512, and SHA-1 as legacy) digests, RSA or ECDSA (P-256/P-384) signatures —
//! checked against certificates the caller trusts (the metadata's, or a pinned one), never
//! a key the signature brings along unless the caller chose to try it.

use base64::Engine;
use ring::{digest, signature};
use roxmltree::Node;

use super::cert::{CertInfo, EcCurve};
use super::{NS_DS, c14n, children, text_of};

const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
const RSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
const RSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
const ECDSA_SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

/// The signature algorithm named by SignatureMethod.
#[derive(Clone, Copy)]
enum SigAlg {
    Rsa(&'static signature::RsaParameters),
    /// ECDSA with this hash size (256 or 384 bits); the curve comes from the key.
    Ecdsa(u16),
}

/// The `ds:Signature` directly under `element`, if any.
pub fn signature_of<'a, 'i>(element: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    children(element, NS_DS, "Signature").next()
}

fn algorithm<'a>(node: Option<Node<'a, '_>>) -> &'a str {
    node.and_then(|n| n.attribute("Algorithm")).unwrap_or("")
}

fn prefix_list(transform: Node<'_, '_>) -> Vec<String> {
    transform
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "InclusiveNamespaces")
        .and_then(|n| n.attribute("PrefixList"))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

fn b64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| "a base64 value in the signature is invalid".to_string())
}

/// Verify the enveloped signature of `element` with one of `certs`. `Ok` names the
/// certificate (SHA-1 thumbprint) that verified it.
pub fn verify_enveloped(element: Node<'_, '_>, certs: &[CertInfo]) -> Result<String, String> {
    verify_enveloped_with(element, certs).map(|i| certs[i].sha1.clone())
}

/// Like [`verify_enveloped`], answering the index in `certs` of the certificate that verified.
pub fn verify_enveloped_with(element: Node<'_, '_>, certs: &[CertInfo]) -> Result<usize, String> {
    let sig = signature_of(element).ok_or("no ds:Signature on this element")?;
    let signed_info = children(sig, NS_DS, "SignedInfo")
        .next()
        .ok_or("ds:Signature has no SignedInfo")?;
    let c14n_method = algorithm(children(signed_info, NS_DS, "CanonicalizationMethod").next());
    if c14n_method != EXC_C14N {
        return Err(format!(
            "canonicalization {c14n_method} is not supported (only exclusive c14n without comments)"
        ));
    }
    let sig_alg = match algorithm(children(signed_info, NS_DS, "SignatureMethod").next()) {
        RSA_SHA256 => SigAlg::Rsa(&signature::RSA_PKCS1_2048_8192_SHA256),
        RSA_SHA384 => SigAlg::Rsa(&signature::RSA_PKCS1_2048_8192_SHA384),
        RSA_SHA512 => SigAlg::Rsa(&signature::RSA_PKCS1_2048_8192_SHA512),
        RSA_SHA1 => SigAlg::Rsa(&signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY),
        ECDSA_SHA256 => SigAlg::Ecdsa(256),
        ECDSA_SHA384 => SigAlg::Ecdsa(384),
        other => {
            return Err(format!(
                "signature method {other} is not supported (RSA-SHA256/384/512, RSA-SHA1, ECDSA-SHA256/384 are)"
            ));
        }
    };
    let references: Vec<Node> = children(signed_info, NS_DS, "Reference").collect();
    if references.len() != 1 {
        return Err(format!(
            "{} Reference elements; SAML signatures have exactly one",
            references.len()
        ));
    }
    let reference = references[0];
    let id = element
        .attribute("ID")
        .ok_or("the signed element has no ID attribute")?;
    let uri = reference.attribute("URI").unwrap_or("");
    if uri != format!("#{id}") {
        return Err(format!(
            "the Reference points to `{uri}`, not to this element (`#{id}`): possible signature wrapping"
        ));
    }
    let same_id = element
        .document()
        .descendants()
        .filter(|n| n.is_element() && n.attribute("ID") == Some(id))
        .count();
    if same_id != 1 {
        return Err(format!(
            "{same_id} elements carry ID `{id}`: possible signature wrapping"
        ));
    }
    let mut inclusive = Vec::new();
    let mut saw_enveloped = false;
    if let Some(transforms) = children(reference, NS_DS, "Transforms").next() {
        for t in children(transforms, NS_DS, "Transform") {
            match t.attribute("Algorithm").unwrap_or("") {
                ENVELOPED => saw_enveloped = true,
                EXC_C14N => inclusive = prefix_list(t),
                other => {
                    return Err(format!(
                        "transform {other} is not allowed (only enveloped-signature and exclusive c14n)"
                    ));
                }
            }
        }
    }
    if !saw_enveloped {
        return Err("the Reference lacks the enveloped-signature transform".into());
    }
    let digest_alg = match algorithm(children(reference, NS_DS, "DigestMethod").next()) {
        SHA256 => &digest::SHA256,
        SHA384 => &digest::SHA384,
        SHA512 => &digest::SHA512,
        SHA1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        other => return Err(format!("digest method {other} is not supported")),
    };
    let want_digest = b64(&children(reference, NS_DS, "DigestValue")
        .next()
        .map(text_of)
        .unwrap_or_default())?;
    // Hash while canonicalising: a multi-MiB signed document is never copied whole.
    let mut hasher = digest::Context::new(digest_alg);
    c14n::canonicalize_into(element, Some(sig.id()), &inclusive, &mut hasher);
    if hasher.finish().as_ref() != want_digest.as_slice() {
        return Err(
            "the digest does not match: the signed content was changed after signing".into(),
        );
    }
    let signed_info_bytes =
        c14n::canonicalize(signed_info, None, &prefix_list_of_c14n(signed_info));
    let value = b64(&children(sig, NS_DS, "SignatureValue")
        .next()
        .map(text_of)
        .unwrap_or_default())?;
    let mut usable = 0;
    for (i, cert) in certs.iter().enumerate() {
        let verified = match (sig_alg, &cert.rsa, &cert.ec) {
            (SigAlg::Rsa(params), Some((n, e)), _) => {
                usable += 1;
                signature::RsaPublicKeyComponents {
                    n: n.as_slice(),
                    e: e.as_slice(),
                }
                .verify(params, signed_info_bytes.as_bytes(), &value)
                .is_ok()
            }
            (SigAlg::Ecdsa(bits), _, Some(key)) => {
                usable += 1;
                // XML-DSig carries r || s; ring verifies that form for the matching pairs.
                let alg: Option<&dyn signature::VerificationAlgorithm> = match (key.curve, bits) {
                    (EcCurve::P256, 256) => Some(&signature::ECDSA_P256_SHA256_FIXED),
                    (EcCurve::P384, 384) => Some(&signature::ECDSA_P384_SHA384_FIXED),
                    _ => None,
                };
                alg.is_some_and(|alg| {
                    signature::UnparsedPublicKey::new(alg, &key.point)
                        .verify(signed_info_bytes.as_bytes(), &value)
                        .is_ok()
                })
            }
            _ => false,
        };
        if verified {
            return Ok(i);
        }
    }
    if usable == 0 {
        let kind = match sig_alg {
            SigAlg::Rsa(_) => "RSA",
            SigAlg::Ecdsa(_) => "ECDSA (P-256/P-384)",
        };
        return Err(format!(
            "the signature is {kind}, but no trusted certificate has a key of that kind"
        ));
    }
    Err("the signature value does not verify with any trusted certificate".into())
}

/// InclusiveNamespaces on the CanonicalizationMethod itself (rare, but allowed).
fn prefix_list_of_c14n(signed_info: Node<'_, '_>) -> Vec<String> {
    children(signed_info, NS_DS, "CanonicalizationMethod")
        .next()
        .map(prefix_list)
        .unwrap_or_default()
}
