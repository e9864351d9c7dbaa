//! Enveloped XML signatures on SAML messages: one `Reference` to the signed element's own
//! `ID`, only the enveloped-signature and exclusive-c14n transforms, RSA-SHA256 (RSA-SHA1
//! accepted as legacy), checked against a certificate from the metadata — never a key from
//! the signature's own `KeyInfo`.

use base64::Engine;
use ring::{digest, signature};
use roxmltree::Node;

use super::cert::CertInfo;
use super::{NS_DS, c14n, children, text_of};

const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

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
    let sig_method = algorithm(children(signed_info, NS_DS, "SignatureMethod").next());
    let params: &signature::RsaParameters = match sig_method {
        RSA_SHA256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        RSA_SHA1 => &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        other => {
            return Err(format!(
                "signature method {other} is not supported (RSA-SHA256 is)"
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
        SHA1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        other => return Err(format!("digest method {other} is not supported")),
    };
    let want_digest = b64(&children(reference, NS_DS, "DigestValue")
        .next()
        .map(text_of)
        .unwrap_or_default())?;
    let canonical = c14n::canonicalize(element, Some(sig.id()), &inclusive);
    if digest::digest(digest_alg, canonical.as_bytes()).as_ref() != want_digest.as_slice() {
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
    let rsa_certs: Vec<&CertInfo> = certs.iter().filter(|c| c.rsa.is_some()).collect();
    if rsa_certs.is_empty() {
        return Err("no RSA signing certificate in the metadata to verify with".into());
    }
    for cert in rsa_certs {
        let (n, e) = cert.rsa.as_ref().expect("filtered");
        let key = signature::RsaPublicKeyComponents {
            n: n.as_slice(),
            e: e.as_slice(),
        };
        if key
            .verify(params, signed_info_bytes.as_bytes(), &value)
            .is_ok()
        {
            return Ok(cert.sha1.clone());
        }
    }
    Err("the signature value does not verify with any signing certificate in the metadata".into())
}

/// InclusiveNamespaces on the CanonicalizationMethod itself (rare, but allowed).
fn prefix_list_of_c14n(signed_info: Node<'_, '_>) -> Vec<String> {
    children(signed_info, NS_DS, "CanonicalizationMethod")
        .next()
        .map(prefix_list)
        .unwrap_or_default()
}
