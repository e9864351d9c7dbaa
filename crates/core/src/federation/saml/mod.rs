//! SAML 2.0: safe XML parsing, IdP metadata and its signature, signing certificates, captured
//! responses, and enveloped XML signatures (exclusive c14n, RSA or ECDSA).
//!
//! Safety rules: a document larger than [`MAX_XML_BYTES`](super::MAX_XML_BYTES) or with any
//! DOCTYPE is refused before parsing (no DTDs, so no XXE or entity expansion), and nothing a
//! document references (schemas, key URLs) is ever fetched.

pub mod c14n;
pub mod cert;
pub mod dsig;
pub mod metadata;
pub mod metadata_signature;
pub mod response;

use super::MAX_XML_BYTES;

pub const NS_MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
pub const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// Most elements a document may have (a large federation metadata file has well under this).
const MAX_NODES: u32 = 2_000_000;

/// Parse XML under Preflight's safety rules.
pub fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, String> {
    if text.len() > MAX_XML_BYTES {
        return Err(format!(
            "the document is {} bytes; Preflight reads at most {MAX_XML_BYTES}",
            text.len()
        ));
    }
    if has_doctype(text) {
        return Err("the document contains a DOCTYPE (DTD); SAML documents must not, and Preflight refuses them (XXE and entity-expansion attacks)".into());
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| format!("not well-formed XML: {e}"))
}

/// A `<!DOCTYPE` anywhere in the text (case-insensitive).
fn has_doctype(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices("<!")
        .any(|(i, _)| bytes.len() >= i + 9 && bytes[i..i + 9].eq_ignore_ascii_case(b"<!doctype"))
}

/// Text content of an element, trimmed.
pub(crate) fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .trim()
        .to_string()
}

/// First descendant element with this namespace and local name.
pub(crate) fn find<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &str,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    node.descendants().find(|n| {
        n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name
    })
}

/// Direct child elements with this namespace and local name.
pub(crate) fn children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a
where
    'i: 'a,
{
    node.children().filter(move |n| {
        n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name
    })
}

/// Parse an xs:dateTime in UTC (`2026-01-01T00:00:00Z`, fractional seconds allowed).
pub fn parse_instant(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_doctype_and_oversize_quickly() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
        assert!(parse_xml(xxe).unwrap_err().contains("DOCTYPE"));
        let mut laughs =
            String::from("<?xml version=\"1.0\"?><!doctype lolz [<!ENTITY lol \"lol\">");
        for i in 1..10 {
            laughs.push_str(&format!(
                "<!ENTITY lol{i} \"{}\">",
                format!(
                    "&lol{};",
                    if i == 1 {
                        String::new()
                    } else {
                        (i - 1).to_string()
                    }
                )
                .repeat(10)
            ));
        }
        laughs.push_str("]><lolz>&lol9;</lolz>");
        let started = std::time::Instant::now();
        assert!(parse_xml(&laughs).is_err());
        assert!(started.elapsed().as_millis() < 100);
        let big = format!("<r>{}</r>", "a".repeat(MAX_XML_BYTES));
        assert!(parse_xml(&big).unwrap_err().contains("at most"));
        assert!(
            parse_xml("<r><unclosed></r>")
                .unwrap_err()
                .contains("well-formed")
        );
    }
}
