use async_trait::async_trait;

use super::{applies, config, discovery_doc};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::discovery;
use crate::target::Target;

/// The configured issuer equals the discovery document's `issuer`, byte for byte.
pub struct IssuerExactMatch;

static DOC: CheckDoc = CheckDoc {
    id: "oidc/issuer-exact-match",
    title: "The configured issuer matches the IdP's issuer exactly",
    what: "Compares the issuer configured in the app with the `issuer` of the discovery document as plain strings. \
           When they differ, names how: a trailing slash, upper/lower case, an Entra v1 issuer \
           (`https://sts.windows.net/{tid}/`) against a v2 one (`https://login.microsoftonline.com/{tid}/v2.0`), \
           a tenant domain where Entra always puts the tenant GUID, or another Okta authorization server.",
    why: "Token validation compares `iss` with the configured issuer exactly. A one-character difference makes \
          every sign-in or API call fail with an invalid-issuer error, although the IdP and the app are each \
          configured \"correctly\".",
    fix: "Copy the `issuer` value from the discovery document into the app. For Entra, the token version follows the \
          API's `accessTokenAcceptedVersion` (null/1 → v1 issuer, 2 → v2 issuer) whatever endpoint was called, and \
          issuers always carry the tenant GUID, never a domain.",
    references: &[
        "https://openid.net/specs/openid-connect-discovery-1_0.html §4.3",
        "https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation",
        "https://learn.microsoft.com/entra/identity-platform/access-tokens",
    ],
    diagnoses: &["oidc/issuer-mismatch"],
};

#[async_trait]
impl Check for IssuerExactMatch {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&["oidc/discovery-valid"]) {
            return blocked;
        }
        let configured = config(ctx.target())
            .map(|c| c.issuer.clone())
            .unwrap_or_default();
        let (x, doc) = discovery_doc(ctx).await;
        let Some(actual) = doc
            .ok()
            .and_then(|d| d.get("issuer").and_then(|i| i.as_str()).map(str::to_string))
        else {
            return Verdict::Blocked("oidc/discovery-valid".into());
        };
        // Entra's multi-tenant metadata publishes a template; tokens carry the real tenant GUID.
        if actual.contains("{tenantid}") {
            return Verdict::pass_with_note(
                vec![x.id.clone()],
                format!(
                    "multi-tenant metadata: issuer template {actual}; each token's `iss` must use its own `tid` GUID"
                ),
            );
        }
        match discovery::issuer_difference(&configured, &actual) {
            None => Verdict::pass(vec![x.id.clone()]),
            Some(how) => Verdict::fail(
                configured.clone(),
                actual.clone(),
                vec![x.id.clone()],
                Cause::new("oidc/issuer-mismatch")
                    .detail(format!("{how}. Configure exactly `{actual}`.")),
            ),
        }
    }
}
