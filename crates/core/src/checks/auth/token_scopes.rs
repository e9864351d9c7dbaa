use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::jwt::UnverifiedJwt;
use crate::target::Credential;

/// Compares the scopes a JWT claims with what the run will do.
pub struct TokenScopes;

static DOC: CheckDoc = CheckDoc {
    id: "auth/token-scopes",
    title: "The token claims the SCIM scopes provisioning needs",
    what: "When the token is a JWT that lists `scim.*` scopes (in `scope`, `scp` or `roles`), checks that it has \
           `scim.read`, and `scim.write` when writes are planned or the IdP will provision. Tokens that do not \
           use scope names are left to the server to judge.",
    why: "A read-only token passes the IdP's connection test (a GET) but every create, update and deactivate \
          fails with 403 — the failure shows up hours later in the provisioning logs.",
    fix: "Issue a token (or grant the API client) with both `scim.read` and `scim.write`, then update the IdP's \
          credential field.",
    references: &["RFC 6750 §3.1 (insufficient_scope)"],
    diagnoses: &["auth/insufficient-scope"],
};

#[async_trait]
impl Check for TokenScopes {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let Credential::Bearer(token) = &ctx.target().credential else {
            return Verdict::Skip("only bearer tokens are inspected before sending".into());
        };
        let Some(jwt) = UnverifiedJwt::decode(token.expose()) else {
            return Verdict::Skip(
                "the token is opaque (not a JWT); the server decides what it may do".into(),
            );
        };
        let scopes = jwt.scopes();
        if !scopes
            .iter()
            .any(|s| s.to_ascii_lowercase().starts_with("scim"))
        {
            return Verdict::Skip("the token does not use scim.* scope names".into());
        }
        let has = |name: &str| scopes.iter().any(|s| s.eq_ignore_ascii_case(name));
        let mut missing: Vec<&str> = Vec::new();
        if !has("scim.read") {
            missing.push("scim.read");
        }
        if !has("scim.write") {
            missing.push("scim.write");
        }
        if missing.is_empty() {
            return Verdict::pass_with_note(vec![], format!("scopes: {}", scopes.join(" ")));
        }
        let finding = (
            "scopes scim.read and scim.write",
            format!("the token claims: {}", scopes.join(" ")),
            Cause::new("auth/insufficient-scope")
                .detail(format!("Missing: {}.", missing.join(", "))),
        );
        // Reads still work without scim.write, so a read-only run only warns.
        if missing.contains(&"scim.read") || ctx.target().write {
            Verdict::fail(finding.0, finding.1, vec![], finding.2)
        } else {
            Verdict::warn(finding.0, finding.1, vec![], finding.2)
        }
    }
}
