//! X.509 signing certificates from SAML metadata: validity, thumbprints, public key.

use base64::Engine;
use ring::digest;
use x509_parser::prelude::*;

#[derive(Clone, Debug)]
pub struct CertInfo {
    pub subject: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// Upper-case hex, no separators (the form Entra shows).
    pub sha1: String,
    pub sha256: String,
    /// RSA modulus and exponent when the key is RSA.
    pub rsa: Option<(Vec<u8>, Vec<u8>)>,
    /// The curve and uncompressed point when the key is ECDSA on P-256 or P-384.
    pub ec: Option<EcKey>,
}

/// An ECDSA public key on a curve XML signatures use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcKey {
    pub curve: EcCurve,
    /// The SEC1 point as stored in the certificate (`04 || x || y`).
    pub point: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EcCurve {
    P256,
    P384,
}

const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Parse the base64 content of a `ds:X509Certificate` element.
pub fn parse_base64(text: &str) -> Result<CertInfo, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|e| format!("the certificate is not valid base64: {e}"))?;
    parse_der(&der)
}

pub fn parse_der(der: &[u8]) -> Result<CertInfo, String> {
    let (_, cert) =
        parse_x509_certificate(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let rsa = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(k)) => {
            let strip = |v: &[u8]| {
                let i = v
                    .iter()
                    .position(|b| *b != 0)
                    .unwrap_or(v.len().saturating_sub(1));
                v[i..].to_vec()
            };
            Some((strip(k.modulus), strip(k.exponent)))
        }
        _ => None,
    };
    let ec = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::EC(point)) => {
            let curve = cert
                .public_key()
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            let curve = match curve.as_deref() {
                Some(OID_P256) => Some(EcCurve::P256),
                Some(OID_P384) => Some(EcCurve::P384),
                _ => None,
            };
            curve.map(|curve| EcKey {
                curve,
                point: point.data().to_vec(),
            })
        }
        _ => None,
    };
    Ok(CertInfo {
        subject: cert.subject().to_string(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        sha1: hex(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref()),
        sha256: hex(digest::digest(&digest::SHA256, der).as_ref()),
        rsa,
        ec,
    })
}

/// Parse a certificate file as admins have it: PEM (`-----BEGIN CERTIFICATE-----`), bare
/// base64, or DER bytes.
pub fn parse_any(bytes: &[u8]) -> Result<CertInfo, String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Some(start) = text.find("-----BEGIN CERTIFICATE-----") {
            let body = &text[start + "-----BEGIN CERTIFICATE-----".len()..];
            let end = body
                .find("-----END CERTIFICATE-----")
                .ok_or("the PEM certificate has no END CERTIFICATE line")?;
            return parse_base64(&body[..end]);
        }
        if text.trim_start().starts_with("-----BEGIN") {
            return Err("the PEM file holds no CERTIFICATE block (a key or a request?)".into());
        }
        if !text.trim().is_empty()
            && text
                .trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=\r\n ".contains(c))
        {
            return parse_base64(text);
        }
    }
    parse_der(bytes)
}

/// A thumbprint as admins paste it (`ab:cd …`, lower case) reduced to upper-case hex.
pub fn normalise_thumbprint(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl CertInfo {
    /// Does a pinned thumbprint (SHA-1 or SHA-256) name this certificate?
    pub fn matches_thumbprint(&self, pinned: &str) -> bool {
        let p = normalise_thumbprint(pinned);
        p == self.sha1 || p == self.sha256
    }
}
