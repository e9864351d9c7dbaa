use async_trait::async_trait;

use super::{applies_with_response, load_response, unreadable};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::saml::response::missing_jit_attributes;
use crate::target::Target;

/// First name, last name and email are in the assertion (what JIT provisioning needs).
pub struct ResponseAttributes;

static DOC: CheckDoc = CheckDoc {
    id: "saml/response-attributes-present",
    title: "The assertion carries first name, last name and email",
    what: "Looks for non-empty first-name, last-name and email attributes, recognising Entra's claim URIs \
           (`http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname`, `…/surname`, `…/emailaddress`), the \
           common short names (`firstName`, `given_name`, `lastName`, `sn`, `email`, `mail` …) and the LDAP OIDs. \
           Lists every attribute name the assertion has. Okta's and OneLogin's default attribute names are \
           unconfirmed; the recognised names are one table (`JIT_ATTRIBUTES`) to extend.",
    why: "SPs that create users at first sign-in (JIT) need these three; without them the account is created empty \
          or the sign-in fails. Okta sends only the attributes configured on the app.",
    fix: "Add the missing claims at the IdP (Entra: Single sign-on > Attributes & Claims — gallery defaults are \
          user.givenname, user.surname, user.mail; Okta: app > Sign On > Attribute Statements; OneLogin: app > \
          Parameters), using the attribute names the SP documents.",
    references: &[
        "https://learn.microsoft.com/entra/identity-platform/reference-saml-tokens",
        "https://learn.microsoft.com/entra/identity/saas-apps/catchpoint-tutorial",
        "https://explore.airia.com/contact-us/sso-troubleshooting-guide",
    ],
    diagnoses: &["saml/attribute-missing"],
};

#[async_trait]
impl Check for ResponseAttributes {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies_with_response(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let Some((_, r)) = load_response(ctx) else {
            return unreadable();
        };
        let names: Vec<&str> = r.attributes.iter().map(|(n, _)| n.as_str()).collect();
        let listed = if names.is_empty() {
            "no attributes".to_string()
        } else {
            format!("attributes: {}", names.join(", "))
        };
        let missing = missing_jit_attributes(&r);
        if missing.is_empty() {
            Verdict::pass_with_note(Vec::new(), listed)
        } else {
            Verdict::fail(
                "first name, last name and email attributes",
                format!("missing {} ({listed})", missing.join(", ")),
                Vec::new(),
                Cause::new("saml/attribute-missing"),
            )
        }
    }
}
