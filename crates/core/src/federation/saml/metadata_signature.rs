//! The signature on a metadata document (SAML metadata §3): an enveloped `ds:Signature` on
//! the root EntityDescriptor/EntitiesDescriptor, or on the EntityDescriptor Preflight reads.
//!
//! A signature only proves something when the key is known in advance, so the admin can pin
//! the signer: a certificate file or a thumbprint. Without a pin the certificate carried in
//! the signature's own `KeyInfo` is tried, which shows the document is intact but not who
//! signed it — the outcome says so.
//!
//! Signature wrapping is refused: the signed element must be the root or the very
//! EntityDescriptor that [`super::metadata::parse`] reads, its ID must be unique, and a
//! signature anywhere else while those two are unsigned is reported, not ignored.

use base64::Engine;
use serde::Deserialize;

use super::cert::{self, CertInfo};
use super::{NS_DS, dsig, metadata, parse_xml, text_of};

/// What the admin pinned for the metadata signer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetadataPin {
    /// The signer's certificate: PEM text or base64 DER.
    pub cert: Option<String>,
    /// The signer's SHA-1 or SHA-256 thumbprint (hex; case, spaces and colons ignored).
    pub thumbprint: Option<String>,
}

impl MetadataPin {
    /// A pin from a certificate file's bytes (PEM, base64 or DER); `Err` says why the file
    /// is not a certificate.
    pub fn from_cert_file(bytes: Vec<u8>) -> Result<MetadataPin, String> {
        cert::parse_any(&bytes)?;
        // PEM or base64 text is kept as it is; binary DER travels as base64.
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => base64::engine::general_purpose::STANDARD.encode(e.into_bytes()),
        };
        Ok(MetadataPin {
            cert: Some(text),
            thumbprint: None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.cert.is_none() && self.thumbprint.is_none()
    }
}

/// The outcome when nothing was wrong.
#[derive(Clone, Debug)]
pub enum MetadataSignature {
    /// No signature on the root or on the EntityDescriptor read.
    Unsigned,
    /// The signature verifies with `signer`. `pinned` is false when the signer is merely the
    /// certificate the signature itself carries.
    Verified {
        /// `EntityDescriptor` or `EntitiesDescriptor`.
        element: String,
        signer: CertInfo,
        pinned: bool,
    },
}

/// Verify the metadata's signature. `Err` is why it must not be trusted (tampered, wrapped,
/// wrong signer, unsupported algorithm, or unsigned although a signer was pinned).
pub fn verify(text: &str, pin: &MetadataPin) -> Result<MetadataSignature, String> {
    let doc = parse_xml(text)?;
    let root = doc.root_element();
    let entity = metadata::select_entity(&doc);
    let signed = [Some(root), entity]
        .into_iter()
        .flatten()
        .find(|e| dsig::signature_of(*e).is_some());
    let Some(signed) = signed else {
        if let Some(stray) = doc
            .descendants()
            .find(|n| n.has_tag_name((NS_DS, "Signature")))
        {
            let holder = stray
                .parent_element()
                .map(|p| p.tag_name().name().to_string())
                .unwrap_or_default();
            return Err(format!(
                "a ds:Signature sits on a `{holder}` element, not on the root or the EntityDescriptor Preflight reads: \
                 the content read is not what was signed (possible signature wrapping)"
            ));
        }
        if !pin.is_empty() {
            return Err("the metadata is not signed, but a signer was pinned (--metadata-cert / --metadata-thumbprint): \
                        get the signed metadata from the IdP or federation, not a copy"
                .into());
        }
        return Ok(MetadataSignature::Unsigned);
    };
    let element = signed.tag_name().name().to_string();
    let sig = dsig::signature_of(signed).expect("found above");
    let embedded: Vec<CertInfo> = sig
        .descendants()
        .filter(|n| n.has_tag_name((NS_DS, "X509Certificate")))
        .filter_map(|n| cert::parse_base64(&text_of(n)).ok())
        .collect();
    let (candidates, pinned) = match (&pin.cert, &pin.thumbprint) {
        (Some(pem), _) => (vec![cert::parse_any(pem.as_bytes())?], true),
        (None, Some(thumbprint)) => {
            let p = cert::normalise_thumbprint(thumbprint);
            if !matches!(p.len(), 40 | 64) {
                return Err(format!(
                    "the pinned thumbprint has {} hex digits; a SHA-1 thumbprint has 40, a SHA-256 one 64",
                    p.len()
                ));
            }
            let published = metadata::read(&doc).valid_certs();
            let matching: Vec<CertInfo> = embedded
                .iter()
                .chain(published.iter())
                .filter(|c| c.matches_thumbprint(thumbprint))
                .cloned()
                .collect();
            if matching.is_empty() {
                return Err(format!(
                    "no certificate in the signature or the metadata has the pinned thumbprint {p}; \
                     the signature carries {}",
                    describe(&embedded)
                ));
            }
            (matching, true)
        }
        (None, None) => {
            if embedded.is_empty() {
                return Err("the metadata is signed, but the signature carries no certificate and none is pinned: \
                            give the signer's certificate with --metadata-cert"
                    .into());
            }
            (embedded.clone(), false)
        }
    };
    let i = dsig::verify_enveloped_with(signed, &candidates).map_err(|e| {
        if pinned {
            format!("{e} (pinned signer: {})", describe(&candidates))
        } else {
            e
        }
    })?;
    Ok(MetadataSignature::Verified {
        element,
        signer: candidates[i].clone(),
        pinned,
    })
}

fn describe(certs: &[CertInfo]) -> String {
    if certs.is_empty() {
        return "no certificate".into();
    }
    certs
        .iter()
        .map(|c| format!("`{}` (SHA-256 {})", c.subject, c.sha256))
        .collect::<Vec<_>>()
        .join(", ")
}
