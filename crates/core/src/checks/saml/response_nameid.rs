use async_trait::async_trait;

use super::{applies_with_response, load_metadata, load_response, unreadable};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// The assertion names the user with a stable NameID in a usable format.
pub struct ResponseNameId;

static DOC: CheckDoc = CheckDoc {
    id: "saml/response-nameid-stable",
    title: "The NameID is present and in a format the SP can match users on",
    what: "Reads the Subject's NameID and its Format. Fails when there is no NameID or it is empty; warns on the \
           `transient` format (a new value at every sign-in, so the SP cannot find the same user again) and when the \
           format is not one of the NameIDFormats the metadata advertises. Reports the value's format for \
           comparison with what the SP expects (often `emailAddress` or `persistent`).",
    why: "The SP finds or creates the user by NameID. A transient or unexpected format creates a new, empty account \
          at each sign-in (JIT) or misses the user that SCIM provisioned; Entra's default NameID is the UPN, which \
          differs from the mail address in many tenants.",
    fix: "Set the NameID source and format the SP documents (Entra: Single sign-on > Attributes & Claims > Unique \
          User Identifier (Name ID); Okta: app > Sign On > Application username format). Use the same attribute \
          the SCIM `userName` is mapped from.",
    references: &[
        "SAML 2.0 Core §8.3",
        "https://learn.microsoft.com/entra/identity-platform/single-sign-on-saml-protocol",
        "https://learn.microsoft.com/entra/identity/saas-apps/catchpoint-tutorial",
    ],
    diagnoses: &["saml/nameid-format"],
};

#[async_trait]
impl Check for ResponseNameId {
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
        let expected = "a non-empty NameID in a stable format";
        let Some(value) = r.name_id.clone().filter(|v| !v.is_empty()) else {
            return Verdict::fail(
                expected,
                "the assertion has no NameID",
                Vec::new(),
                Cause::new("saml/nameid-format"),
            );
        };
        let format = r
            .name_id_format
            .clone()
            .unwrap_or_else(|| "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified".into());
        if format.ends_with(":transient") {
            return Verdict::warn(
                expected,
                format!("NameID format {format}: a new value at each sign-in"),
                Vec::new(),
                Cause::new("saml/nameid-format"),
            );
        }
        let (evidence, md) = load_metadata(ctx).await;
        if let Ok(md) = md
            && !md.name_id_formats.is_empty()
            && !md.name_id_formats.contains(&format)
        {
            return Verdict::warn(
                format!(
                    "one of the metadata's NameIDFormats: {}",
                    md.name_id_formats.join(", ")
                ),
                format!("NameID format {format}"),
                evidence,
                Cause::new("saml/nameid-format"),
            );
        }
        let shown = if value.contains('@') {
            "an email-like value".to_string()
        } else {
            format!("{} characters", value.chars().count())
        };
        Verdict::pass_with_note(evidence, format!("NameID format {format}, {shown}"))
    }
}
