use async_trait::async_trait;

use super::{applies_with_response, config, load_metadata, load_response, unreadable};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// Issuer = the IdP's entityID; Audience = the SP's entity ID.
pub struct ResponseEntityIds;

static DOC: CheckDoc = CheckDoc {
    id: "saml/response-entity-ids-match",
    title: "The response's Issuer and Audience match the IdP and SP entity IDs",
    what: "Compares the Response and Assertion `Issuer` with the metadata's entityID, and the Conditions' `Audience` \
           values with the SP entity ID (`--sp-entity-id`), as exact strings.",
    why: "The SP rejects an assertion whose audience is not its own entity ID, or whose issuer is not the IdP it \
          trusts. Entra copies the AuthnRequest Issuer into Audience, so the SP's entity ID, Entra's Identifier and \
          the SP's configured audience must be one string (AADSTS700016 when Entra does not know it).",
    fix: "Make the SP entity ID, the IdP's Identifier (Entity ID) field and the SP's expected audience identical, \
          including scheme and trailing slash; configure the IdP's entityID from the metadata in the SP.",
    references: &[
        "SAML 2.0 Core §2.5.1.4",
        "SAML 2.0 Profiles §4.1.4.2",
        "https://learn.microsoft.com/entra/identity-platform/single-sign-on-saml-protocol",
    ],
    diagnoses: &["saml/entity-id-mismatch"],
};

#[async_trait]
impl Check for ResponseEntityIds {
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
        let (evidence, md) = load_metadata(ctx).await;
        let mut problems = Vec::new();
        if let Ok(md) = md {
            for (what, issuer) in [
                ("Response Issuer", &r.issuer),
                ("Assertion Issuer", &r.assertion_issuer),
            ] {
                if let Some(i) = issuer
                    && i != &md.entity_id
                {
                    problems.push(format!(
                        "{what} is {i}, the metadata's entityID is {}",
                        md.entity_id
                    ));
                }
            }
        }
        if let Some(sp) = config(ctx.target()).and_then(|c| c.sp_entity_id.clone()) {
            if r.audiences.is_empty() {
                problems.push("the assertion has no Audience restriction".into());
            } else if !r.audiences.iter().any(|a| a == &sp) {
                problems.push(format!(
                    "Audience is {}, the SP entity ID is {sp}",
                    r.audiences.join(", ")
                ));
            }
        }
        if problems.is_empty() {
            Verdict::pass_with_note(evidence, format!("Audience {}", r.audiences.join(", ")))
        } else {
            Verdict::fail(
                "Issuer = IdP entityID and Audience = SP entity ID",
                problems.join("; "),
                evidence,
                Cause::new("saml/entity-id-mismatch"),
            )
        }
    }
}
