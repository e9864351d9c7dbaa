//! IdP metadata (SAML 2.0 metadata spec): entity ID, the IdP SSO descriptor, its SSO
//! endpoints, signing certificates (several during a rollover), NameID formats.

use super::cert::{self, CertInfo};
use super::{NS_DS, NS_MD, children, parse_xml, text_of};

pub const BINDING_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
pub const BINDING_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

#[derive(Clone, Debug, Default)]
pub struct IdpMetadata {
    pub entity_id: String,
    pub valid_until: Option<String>,
    pub cache_duration: Option<String>,
    /// (Binding, Location) of each SingleSignOnService.
    pub sso_services: Vec<(String, String)>,
    /// Signing certificates (KeyDescriptor use="signing" or without `use`); errors per cert.
    pub signing_certs: Vec<Result<CertInfo, String>>,
    pub name_id_formats: Vec<String>,
    pub want_authn_requests_signed: bool,
    /// The document carries a ds:Signature on its root or on the EntityDescriptor read.
    pub signed: bool,
    /// What makes the metadata unusable (empty = usable).
    pub problems: Vec<String>,
}

impl IdpMetadata {
    pub fn valid_certs(&self) -> Vec<CertInfo> {
        self.signing_certs
            .iter()
            .filter_map(|c| c.as_ref().ok().cloned())
            .collect()
    }
}

/// The EntityDescriptor Preflight reads: the root, or in an EntitiesDescriptor (a federation
/// aggregate) the first one with an IDPSSODescriptor. The signature check verifies this very
/// element (or the root that contains it), so what is verified is what is read.
pub(crate) fn select_entity<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
) -> Option<roxmltree::Node<'a, 'i>> {
    let root = doc.root_element();
    if root.has_tag_name((NS_MD, "EntityDescriptor")) {
        Some(root)
    } else if root.has_tag_name((NS_MD, "EntitiesDescriptor")) {
        root.descendants().find(|n| {
            n.has_tag_name((NS_MD, "EntityDescriptor"))
                && children(*n, NS_MD, "IDPSSODescriptor").next().is_some()
        })
    } else {
        None
    }
}

/// Parse IdP metadata. `Err` only when the text is not usable XML at all.
pub fn parse(text: &str) -> Result<IdpMetadata, String> {
    let doc = parse_xml(text)?;
    Ok(read(&doc))
}

/// Read IdP metadata from an already parsed document.
pub fn read(doc: &roxmltree::Document<'_>) -> IdpMetadata {
    let root = doc.root_element();
    let mut md = IdpMetadata::default();
    let Some(entity) = select_entity(doc) else {
        md.problems.push(format!(
            "the root element is `{}`, not a SAML 2.0 metadata EntityDescriptor",
            root.tag_name().name()
        ));
        return md;
    };
    md.entity_id = entity
        .attribute("entityID")
        .unwrap_or("")
        .trim()
        .to_string();
    if md.entity_id.is_empty() {
        md.problems.push("EntityDescriptor has no entityID".into());
    }
    md.valid_until = entity.attribute("validUntil").map(str::to_string);
    md.cache_duration = entity.attribute("cacheDuration").map(str::to_string);
    md.signed = children(entity, NS_DS, "Signature").next().is_some()
        || children(root, NS_DS, "Signature").next().is_some();
    let Some(idp) = children(entity, NS_MD, "IDPSSODescriptor").next() else {
        md.problems.push(
            "no IDPSSODescriptor: this is not an identity provider's metadata (an SP's, perhaps)"
                .into(),
        );
        return md;
    };
    let protocols = idp.attribute("protocolSupportEnumeration").unwrap_or("");
    if !protocols
        .split_whitespace()
        .any(|p| p == super::NS_PROTOCOL)
    {
        md.problems.push(
            "IDPSSODescriptor does not list the SAML 2.0 protocol in protocolSupportEnumeration"
                .into(),
        );
    }
    md.want_authn_requests_signed = matches!(
        idp.attribute("WantAuthnRequestsSigned"),
        Some("true") | Some("1")
    );
    for sso in children(idp, NS_MD, "SingleSignOnService") {
        md.sso_services.push((
            sso.attribute("Binding").unwrap_or("").to_string(),
            sso.attribute("Location").unwrap_or("").to_string(),
        ));
    }
    if !md
        .sso_services
        .iter()
        .any(|(b, l)| (b == BINDING_REDIRECT || b == BINDING_POST) && !l.is_empty())
    {
        md.problems
            .push("no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding".into());
    }
    for kd in children(idp, NS_MD, "KeyDescriptor") {
        if matches!(kd.attribute("use"), Some(u) if u != "signing") {
            continue;
        }
        let certs: Vec<_> = kd
            .descendants()
            .filter(|n| n.has_tag_name((NS_DS, "X509Certificate")))
            .collect();
        if certs.is_empty() {
            md.signing_certs.push(Err(
                "a signing KeyDescriptor holds no X509Certificate".into()
            ));
        }
        for c in certs {
            md.signing_certs.push(cert::parse_base64(&text_of(c)));
        }
    }
    if !md.signing_certs.iter().any(Result::is_ok) {
        md.problems.push(
            "no valid signing certificate (KeyDescriptor use=\"signing\" or without `use`)".into(),
        );
    }
    md.name_id_formats = children(idp, NS_MD, "NameIDFormat").map(text_of).collect();
    md
}
