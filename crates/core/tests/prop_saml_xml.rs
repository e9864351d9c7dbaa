//! Property tests: SAML and XML parsing of hostile documents — no panic, DTDs always
//! refused, decoding bounded, and attribute text taken literally (never as markup).

mod prop_support;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use preflight_core::federation::saml::{self, metadata, response};
use prop_support::{config, hostile_text};
use proptest::prelude::*;
use std::io::Write;

const RESPONSE: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Destination="https://sp/acs"><saml:Issuer>https://idp</saml:Issuer><saml:Assertion ID="_a"><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">u1</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="firstName"><saml:AttributeValue>A</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#;

const METADATA: &str = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#;

/// Escape text for an XML element body.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A valid document with a hostile fragment spliced in at a char boundary.
fn mutated(doc: &'static str) -> impl Strategy<Value = String> {
    (0..doc.len(), hostile_text(8), 0usize..20).prop_map(move |(at, insert, cut)| {
        let at = (0..=at)
            .rev()
            .find(|i| doc.is_char_boundary(*i))
            .unwrap_or(0);
        let end = (at + cut).min(doc.len());
        let end = (end..=doc.len())
            .find(|i| doc.is_char_boundary(*i))
            .unwrap_or(doc.len());
        format!("{}{}{}", &doc[..at], insert, &doc[end..])
    })
}

/// `<!DOCTYPE` in any letter case.
fn doctype() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<bool>(), 7).prop_map(|upper| {
        let word: String = "doctype"
            .chars()
            .zip(upper)
            .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
            .collect();
        format!("<!{word} r [<!ENTITY x \"&#x41;\">]>")
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(text in prop_oneof![hostile_text(40), mutated(RESPONSE), mutated(METADATA)]) {
        let _ = saml::parse_xml(&text);
        let _ = response::parse(&text);
        if let Ok(m) = metadata::parse(&text) {
            let _ = m.valid_certs();
        }
    }

    /// A DOCTYPE anywhere — before the root, inside it, in any case — is refused before the
    /// XML parser sees the document.
    #[test]
    fn doctype_is_always_refused(dtd in doctype(), at in 0..RESPONSE.len(), which in any::<bool>()) {
        let doc = if which { RESPONSE } else { METADATA };
        let at = at.min(doc.len());
        let at = (0..=at).rev().find(|i| doc.is_char_boundary(*i)).unwrap_or(0);
        let text = format!("{}{}{}", &doc[..at], dtd, &doc[at..]);
        let err = saml::parse_xml(&text).expect_err("a DTD must be refused");
        prop_assert!(err.contains("DOCTYPE"), "{}", err);
        prop_assert!(response::parse(&text).is_err());
        prop_assert!(metadata::parse(&text).is_err());
    }

    /// Attribute values and the NameID are read as text: markup escaped in the XML comes back
    /// as the literal characters, never as elements.
    #[test]
    fn attribute_text_is_literal(value in hostile_text(20)) {
        // XML 1.0 forbids most control characters and U+FFFE/FFFF; keep what XML can carry.
        let value: String = value
            .chars()
            .filter(|c| matches!(c, '\t' | '\n') || (!c.is_control() && !matches!(*c, '\u{fffe}' | '\u{ffff}')))
            .collect();
        let xml = RESPONSE
            .replace(">A<", &format!(">{}<", xml_escape(&value)))
            .replace(">u1<", &format!(">{}<", xml_escape(&value)));
        let r = response::parse(&xml).expect("escaped text keeps the document well-formed");
        let (name, values) = &r.attributes[0];
        prop_assert_eq!(name, "firstName");
        prop_assert_eq!(values.len(), 1);
        prop_assert_eq!(values[0].trim(), value.trim());
        prop_assert_eq!(r.name_id.as_deref().map(str::trim), Some(value.trim()));
    }

    /// Decoding what an admin pastes: arbitrary text, base64 of arbitrary bytes, or DEFLATE of
    /// arbitrary bytes — never a panic, and anything returned is bounded.
    #[test]
    fn decode_arbitrary_input(text in hostile_text(30), bytes in proptest::collection::vec(any::<u8>(), 0..512), mode in 0u8..3) {
        let input = match mode {
            0 => text,
            1 => STANDARD.encode(&bytes),
            _ => {
                let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
                z.write_all(&bytes).unwrap();
                STANDARD.encode(z.finish().unwrap())
            }
        };
        if let Ok(xml) = response::decode(&input) {
            prop_assert!(xml.len() <= 6 * 1024 * 1024);
        }
    }

    /// The POST and Redirect bindings both decode back to the exact response.
    #[test]
    fn decode_round_trips(value in "[A-Za-z0-9 ]{0,40}", deflate in any::<bool>()) {
        let xml = RESPONSE.replace(">A<", &format!(">{value}<"));
        let encoded = if deflate {
            let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            z.write_all(xml.as_bytes()).unwrap();
            STANDARD.encode(z.finish().unwrap())
        } else {
            STANDARD.encode(&xml)
        };
        prop_assert_eq!(response::decode(&encoded).unwrap(), xml);
    }
}
