use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::probe::TokenOutcome;
use crate::target::{Credential, Target};

/// The OAuth 2.0 client-credentials grant that STACKIT-style targets and Entra's "Token
/// Endpoint" option rely on.
pub struct ClientCredentialsGrant;

static DOC: CheckDoc = CheckDoc {
    id: "auth/client-credentials-grant",
    title: "The token endpoint issues an access token",
    what: "Requests an access token with the client-credentials grant (client ID and secret, HTTP Basic first, \
           then in the form body), with the configured scope. No refresh token is expected: this grant never \
           returns one (RFC 6749 §4.4.3), so Preflight — like the IdP — fetches a new token when it needs one.",
    why: "If the token endpoint refuses the client, no SCIM call can be authenticated; the IdP's connection test \
          fails with a generic credentials error. Integrations that wait for a refresh token from this grant \
          never get one and break when the first token expires.",
    fix: "Check the Token Endpoint URL, Client ID and Client Secret (a secret's ID is not the secret; secrets \
          expire), and that the client is allowed the client-credentials grant and the requested scope.",
    references: &["RFC 6749 §4.4", "RFC 6749 §4.4.3", "RFC 6749 §2.3.1"],
    diagnoses: &[
        "auth/client-credentials-failed",
        "auth/refresh-token-expected",
    ],
};

#[async_trait]
impl Check for ClientCredentialsGrant {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        match target.credential {
            Credential::ClientCredentials { .. } => Ok(()),
            _ => Err("the target uses a static token, not OAuth client credentials".into()),
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        match ctx.probe.token_outcome().await {
            TokenOutcome::NotApplicable => Verdict::Skip("not a client-credentials target".into()),
            TokenOutcome::Issued {
                evidence,
                method,
                expires_in,
                refresh_token_returned,
                scope,
                ..
            } => {
                let mut note = format!("access token issued ({method}");
                if let Some(s) = expires_in {
                    note.push_str(&format!(", valid {s} s"));
                }
                if let Some(s) = scope {
                    note.push_str(&format!(", scope `{s}`"));
                }
                note.push_str("). No refresh token is part of this grant: a new access token is fetched per run.");
                if *refresh_token_returned {
                    note.push_str(
                        " The server also sent a refresh token, which clients must not rely on.",
                    );
                }
                Verdict::pass_with_note(evidence.clone(), note)
            }
            TokenOutcome::Failed {
                evidence,
                message,
                oauth_error,
            } => {
                let detail = match oauth_error.as_deref() {
                    Some("invalid_client") => {
                        "The endpoint does not accept this client ID and secret (wrong, expired, or from another tenant)."
                    }
                    Some("invalid_scope") => {
                        "The requested scope is not known to this authorization server; check the Scope field."
                    }
                    Some("unauthorized_client") => {
                        "This client is not allowed to use the client-credentials grant."
                    }
                    Some("unsupported_grant_type") => {
                        "This endpoint does not offer the client-credentials grant; check the Token Endpoint URL."
                    }
                    _ => "Check the Token Endpoint URL, Client ID and Client Secret.",
                };
                Verdict::fail(
                    "200 with an access_token",
                    message.clone(),
                    evidence.clone(),
                    Cause::new("auth/client-credentials-failed").detail(detail),
                )
            }
        }
    }
}
