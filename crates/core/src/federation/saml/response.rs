//! A captured SAMLResponse: decoding (POST base64, or Redirect DEFLATE+base64), and the
//! fields the SP judges. Refused: DOCTYPEs, more than one assertion, encrypted assertions
//! (Preflight has no private key), anything that is not a samlp:Response.

use base64::Engine;
use std::io::Read;

use super::{NS_ASSERTION, NS_PROTOCOL, children, find, parse_xml, text_of};

/// Turn what the admin pasted into XML text.
pub fn decode(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_start_matches('\u{feff}');
    if trimmed.starts_with('<') {
        return Ok(trimmed.to_string());
    }
    let mut value = trimmed
        .strip_prefix("SAMLResponse=")
        .unwrap_or(trimmed)
        .to_string();
    if value.contains('%') {
        value = percent_encoding::percent_decode_str(&value)
            .decode_utf8_lossy()
            .into_owned();
    }
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|e| format!("the response is neither XML nor base64: {e}"))?;
    let cap = super::super::MAX_XML_BYTES;
    if bytes.first().is_some_and(|b| *b == b'<') || bytes.starts_with(b"\xef\xbb\xbf<") {
        return String::from_utf8(bytes).map_err(|_| "the decoded response is not UTF-8".into());
    }
    // Redirect binding: raw DEFLATE. Bound the output so a deflate bomb cannot exhaust memory.
    let mut inflated = Vec::new();
    flate2::read::DeflateDecoder::new(bytes.as_slice())
        .take(cap as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|_| {
            "the decoded response is neither XML nor DEFLATE-compressed XML".to_string()
        })?;
    if inflated.len() > cap {
        return Err(format!("the inflated response exceeds {cap} bytes"));
    }
    String::from_utf8(inflated).map_err(|_| "the inflated response is not UTF-8".into())
}

#[derive(Clone, Debug, Default)]
pub struct SamlResponse {
    pub id: String,
    pub issuer: Option<String>,
    pub destination: Option<String>,
    pub in_response_to: Option<String>,
    pub status: Option<String>,
    pub assertion_issuer: Option<String>,
    pub audiences: Vec<String>,
    pub recipient: Option<String>,
    pub name_id: Option<String>,
    pub name_id_format: Option<String>,
    /// (Name, values)
    pub attributes: Vec<(String, Vec<String>)>,
    pub not_before: Option<String>,
    pub not_on_or_after: Option<String>,
    pub scd_not_on_or_after: Option<String>,
    pub response_signed: bool,
    pub assertion_signed: bool,
}

/// Parse decoded response XML; `xml` must stay alive for signature checks, so callers re-parse
/// with [`super::parse_xml`] when they need the tree.
pub fn parse(xml: &str) -> Result<SamlResponse, String> {
    let doc = parse_xml(xml)?;
    let root = doc.root_element();
    if !root.has_tag_name((NS_PROTOCOL, "Response")) {
        return Err(format!(
            "the root element is `{}`, not samlp:Response",
            root.tag_name().name()
        ));
    }
    let assertions: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name((NS_ASSERTION, "Assertion")))
        .collect();
    let encrypted = root
        .descendants()
        .any(|n| n.has_tag_name((NS_ASSERTION, "EncryptedAssertion")));
    if assertions.len() > 1 {
        return Err(format!(
            "{} assertions in one response; Preflight refuses this (a signature-wrapping pattern)",
            assertions.len()
        ));
    }
    let mut r = SamlResponse {
        id: root.attribute("ID").unwrap_or("").to_string(),
        issuer: children(root, NS_ASSERTION, "Issuer").next().map(text_of),
        destination: root.attribute("Destination").map(str::to_string),
        in_response_to: root.attribute("InResponseTo").map(str::to_string),
        status: find(root, NS_PROTOCOL, "StatusCode")
            .and_then(|s| s.attribute("Value"))
            .map(str::to_string),
        response_signed: super::dsig::signature_of(root).is_some(),
        ..SamlResponse::default()
    };
    let Some(a) = assertions.first().copied() else {
        if encrypted {
            return Err("the assertion is encrypted; Preflight cannot read it without the SP's private key — capture the response with assertion encryption off for the test".into());
        }
        return Ok(r);
    };
    r.assertion_signed = super::dsig::signature_of(a).is_some();
    r.assertion_issuer = children(a, NS_ASSERTION, "Issuer").next().map(text_of);
    if let Some(subject) = children(a, NS_ASSERTION, "Subject").next() {
        if let Some(n) = children(subject, NS_ASSERTION, "NameID").next() {
            r.name_id = Some(text_of(n));
            r.name_id_format = n.attribute("Format").map(str::to_string);
        }
        if let Some(d) = find(subject, NS_ASSERTION, "SubjectConfirmationData") {
            r.recipient = d.attribute("Recipient").map(str::to_string);
            r.scd_not_on_or_after = d.attribute("NotOnOrAfter").map(str::to_string);
        }
    }
    if let Some(c) = children(a, NS_ASSERTION, "Conditions").next() {
        r.not_before = c.attribute("NotBefore").map(str::to_string);
        r.not_on_or_after = c.attribute("NotOnOrAfter").map(str::to_string);
        r.audiences = c
            .descendants()
            .filter(|n| n.has_tag_name((NS_ASSERTION, "Audience")))
            .map(text_of)
            .collect();
    }
    for attr in a
        .descendants()
        .filter(|n| n.has_tag_name((NS_ASSERTION, "Attribute")))
    {
        let name = attr.attribute("Name").unwrap_or("").to_string();
        let values = children(attr, NS_ASSERTION, "AttributeValue")
            .map(text_of)
            .collect();
        r.attributes.push((name, values));
    }
    Ok(r)
}

/// Attribute names that carry a user's first name, last name and email (Entra claim URIs,
/// the usual short names, and the LDAP/eduPerson OIDs).
pub const JIT_ATTRIBUTES: &[(&str, &[&str])] = &[
    (
        "first name",
        &[
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
            "givenname",
            "firstname",
            "first_name",
            "given_name",
            "urn:oid:2.5.4.42",
        ],
    ),
    (
        "last name",
        &[
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
            "surname",
            "lastname",
            "last_name",
            "family_name",
            "sn",
            "urn:oid:2.5.4.4",
        ],
    ),
    (
        "email",
        &[
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            "email",
            "emailaddress",
            "mail",
            "user.email",
            "urn:oid:0.9.2342.19200300.100.1.3",
        ],
    ),
];

/// Which of first name / last name / email have no non-empty value in the response.
pub fn missing_jit_attributes(r: &SamlResponse) -> Vec<&'static str> {
    JIT_ATTRIBUTES
        .iter()
        .filter(|(_, names)| {
            !r.attributes.iter().any(|(n, values)| {
                let n = n.to_ascii_lowercase();
                names
                    .iter()
                    .any(|k| n == *k || n.replace(['.', ' '], "") == *k)
                    && values.iter().any(|v| !v.is_empty())
            })
        })
        .map(|(label, _)| *label)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const XML: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Destination="https://sp/acs"><saml:Issuer>https://idp</saml:Issuer><saml:Assertion ID="_a"><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">u1</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="firstName"><saml:AttributeValue>A</saml:AttributeValue></saml:Attribute><saml:Attribute Name="urn:oid:2.5.4.4"><saml:AttributeValue>B</saml:AttributeValue></saml:Attribute><saml:Attribute Name="mail"><saml:AttributeValue></saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#;

    #[test]
    fn decodes_post_and_redirect_bindings() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(XML);
        assert_eq!(decode(&b64).unwrap(), XML);
        assert_eq!(
            decode(&format!(
                "SAMLResponse={}",
                b64.replace('+', "%2B").replace('=', "%3D")
            ))
            .unwrap(),
            XML
        );
        let mut deflater =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        deflater.write_all(XML.as_bytes()).unwrap();
        let deflated = base64::engine::general_purpose::STANDARD.encode(deflater.finish().unwrap());
        assert_eq!(decode(&deflated).unwrap(), XML);
        assert!(decode("!!!").is_err());
    }

    #[test]
    fn reads_fields_and_missing_attributes() {
        let r = parse(XML).unwrap();
        assert_eq!(r.issuer.as_deref(), Some("https://idp"));
        assert_eq!(r.destination.as_deref(), Some("https://sp/acs"));
        assert_eq!(r.name_id.as_deref(), Some("u1"));
        assert!(!r.response_signed && !r.assertion_signed);
        // An empty value does not count.
        assert_eq!(missing_jit_attributes(&r), vec!["email"]);
        let two = XML.replace(
            "</saml:Assertion>",
            "</saml:Assertion><saml:Assertion ID=\"_b\"/>",
        );
        assert!(parse(&two).unwrap_err().contains("2 assertions"));
        assert!(parse("<x/>").unwrap_err().contains("not samlp:Response"));
    }
}
