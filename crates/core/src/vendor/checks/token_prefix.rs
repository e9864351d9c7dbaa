use async_trait::async_trait;

use super::vendor_for;
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::{Credential, Target};

/// The pasted token has the prefix every genuine token of this vendor carries.
pub struct TokenPrefix;

static DOC: CheckDoc = CheckDoc {
    id: "vendor/token-prefix",
    title: "The token has the vendor's documented prefix",
    what: "When the vendor's profile names a token prefix (AxonFlow: `scim_`), checks locally that the bearer token starts with \
           it. Nothing is sent; the token itself is never shown.",
    why: "A value without the prefix is not a SCIM token of that product: usually a portal API key, a session token or \
          the token's id copied from the token list. The server answers 401 and the IdP only reports invalid credentials.",
    fix: "Create (or copy again) the SCIM token in the vendor's portal — the value that starts with the documented \
          prefix — and paste exactly that into the IdP's token field, without `Bearer `.",
    references: &[
        "AxonFlow SCIM troubleshooting guide: the middleware expects `Authorization: Bearer scim_…`",
    ],
    diagnoses: &["auth/token-malformed"],
};

#[async_trait]
impl Check for TokenPrefix {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _options: &RunOptions) -> Result<(), String> {
        vendor_for(target, DOC.id).map(|_| ())
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        super::noted(ctx.target(), judge(ctx).await)
    }
}

/// The check proper; `run` adds where the vendor came from.
async fn judge(ctx: &RunCtx<'_>) -> Verdict {
    let Ok(vendor) = vendor_for(ctx.target(), DOC.id) else {
        return Verdict::Skip("no vendor profile calls for this check".into());
    };
    let prefix = vendor.auth.token_prefix.as_deref().unwrap_or_default();
    let token = match &ctx.target().credential {
        Credential::Bearer(secret) => secret.expose().trim().to_string(),
        other => {
            return Verdict::Skip(format!(
                "the run uses {} credentials, not a pasted bearer token",
                other.kind()
            ));
        }
    };
    // `Bearer scim_…` is the duplicated-prefix mistake `auth/token-well-formed` names.
    let value = token
        .strip_prefix("Bearer ")
        .or_else(|| token.strip_prefix("bearer "))
        .unwrap_or(&token);
    if value.starts_with(prefix) {
        Verdict::pass(Vec::new())
    } else {
        Verdict::fail(
            format!("a {} token starting with `{prefix}`", vendor.name),
            format!("the token does not start with `{prefix}`"),
            Vec::new(),
            Cause::new("auth/token-malformed").detail(format!(
                "{} SCIM tokens start with `{prefix}`; this value is probably another kind of credential. \
                 Copy the {} from the vendor's portal again.",
                vendor.name,
                vendor.auth.token_label.as_deref().unwrap_or("SCIM token")
            )),
        )
    }
}
