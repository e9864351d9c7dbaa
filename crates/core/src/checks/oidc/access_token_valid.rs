use async_trait::async_trait;
use serde_json::Value;

use super::{config, discovery_doc, key_set};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::jwt_verify::{self, Expectations, VerifyError};
use crate::jwt::UnverifiedJwt;
use crate::probe::TokenOutcome;
use crate::target::{Credential, Target};

/// The access token from the client-credentials grant verifies and carries the right claims.
pub struct AccessTokenValid;

static DOC: CheckDoc = CheckDoc {
    id: "oidc/access-token-valid",
    title: "The access token verifies against the JWKS and has the expected claims",
    what: "Takes the access token issued by the client-credentials grant and, if it is a JWT, verifies it as a \
           resource server should: `alg` on the allowlist RS256/RS384/RS512/PS256/ES256 (`none` and HS* refused), \
           the `kid` found in the JWKS (after one refetch), the signature, `iss` exactly the discovery issuer, \
           `aud` the configured audience (`--audience`), and `exp`/`nbf` with 5 minutes of leeway. Reports the \
           scopes/roles and the tenant claim (`tid`). Opaque (non-JWT) tokens cannot be verified locally and are \
           only noted.",
    why: "An API that receives a token with the wrong audience or issuer, or signed by an unknown key, rejects it — \
          the integration then fails with 401s although the token endpoint issued a token. Entra client-credentials \
          tokens carry `roles` (application permissions) rather than `scp`; missing roles usually mean admin consent \
          was not granted.",
    fix: "Request the token for the right resource: in Entra the scope `{App ID URI}/.default` decides `aud`; in \
          Okta use the custom authorization server whose audience the API expects. Configure the API's expected \
          issuer and audience exactly as the token shows them. Entra v2 tokens use the API's client ID as `aud`; v1 \
          tokens may use the App ID URI.",
    references: &[
        "RFC 9068 §4",
        "RFC 7519 §4.1.4",
        "https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference",
        "https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow",
    ],
    diagnoses: &["oidc/token-claims", "oidc/jwks-invalid"],
};

fn note_claims(jwt: &UnverifiedJwt) -> String {
    let mut parts = vec![format!("aud {}", jwt_verify::audiences(jwt))];
    let scopes = jwt.scopes();
    parts.push(if scopes.is_empty() {
        "no scopes or roles".into()
    } else {
        format!("scopes/roles {}", scopes.join(" "))
    });
    for claim in ["tid", "azp", "appid", "client_id", "ver"] {
        if let Some(v) = jwt.claim_str(claim) {
            parts.push(format!("{claim} {v}"));
        }
    }
    parts.join(", ")
}

#[async_trait]
impl Check for AccessTokenValid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        super::applies(target)?;
        match target.credential {
            Credential::ClientCredentials { .. } => Ok(()),
            _ => Err(
                "no client credentials given (use --client-id with PREFLIGHT_CLIENT_SECRET)".into(),
            ),
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[
            "oidc/discovery-valid",
            "oidc/jwks-valid",
            "auth/client-credentials-grant",
        ]) {
            return blocked;
        }
        let (token, mut evidence) = match ctx.probe.token_outcome().await {
            TokenOutcome::Issued {
                token, evidence, ..
            } => (token.expose().to_string(), evidence.clone()),
            _ => return Verdict::Blocked("auth/client-credentials-grant".into()),
        };
        if UnverifiedJwt::decode(&token).is_none() {
            return Verdict::pass_with_note(
                evidence,
                "the access token is opaque (not a JWT): only the API that receives it can validate it",
            );
        }
        let (dx, doc) = discovery_doc(ctx).await;
        evidence.push(dx.id.clone());
        let issuer = doc
            .ok()
            .and_then(|d| d.get("issuer").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default();
        let Some((kx, Ok(mut keys))) = key_set(ctx, false).await else {
            return Verdict::Blocked("oidc/jwks-valid".into());
        };
        evidence.push(kx.id.clone());
        let expected = "a JWT signed by a JWKS key with an allowed alg, exact iss, the expected aud, and valid exp/nbf";
        let mut result = jwt_verify::verify_signature(&token, &keys);
        if matches!(result, Err(VerifyError::UnknownKey(_)))
            && let Some((rx, Ok(fresh))) = key_set(ctx, true).await
        {
            evidence.push(rx.id.clone());
            keys = fresh;
            result = jwt_verify::verify_signature(&token, &keys);
        }
        let jwt = match result {
            Ok(jwt) => jwt,
            Err(e) => {
                let header = UnverifiedJwt::decode(&token)
                    .map(|j| j.header.to_string())
                    .unwrap_or_default();
                // Entra's Microsoft Graph tokens carry a `nonce` header and are not meant to be verified by others.
                if header.contains("\"nonce\"") && e == VerifyError::BadSignature {
                    return Verdict::pass_with_note(
                        evidence,
                        "Microsoft Graph token (header `nonce`): only Graph can verify it; request a token for your own API to test verification",
                    );
                }
                let (actual, code) = match e {
                    VerifyError::Malformed => (
                        "the token looks like a JWT but cannot be decoded".to_string(),
                        "oidc/token-claims",
                    ),
                    VerifyError::Algorithm(a) => (
                        format!("`alg` is `{a}`, which must not be accepted"),
                        "oidc/token-claims",
                    ),
                    VerifyError::UnknownKey(kid) => (
                        format!(
                            "`kid` {} is not in the JWKS, even after a refetch",
                            kid.unwrap_or_else(|| "(none)".into())
                        ),
                        "oidc/jwks-invalid",
                    ),
                    VerifyError::KeyMismatch(a) => (
                        format!("the JWKS key's type does not fit `alg` {a}"),
                        "oidc/jwks-invalid",
                    ),
                    VerifyError::BadSignature => (
                        "the signature does not verify with the published key".to_string(),
                        "oidc/jwks-invalid",
                    ),
                };
                return Verdict::fail(
                    expected,
                    format!("{actual} (header {header})"),
                    evidence,
                    Cause::new(code),
                );
            }
        };
        // Entra multi-tenant metadata (`common`, `organizations`) publishes `{tenantid}`: the
        // token's own `tid` (a GUID) takes its place.
        let issuer = match jwt.claim_str("tid") {
            Some(tid)
                if issuer.contains("{tenantid}") && crate::federation::discovery::is_guid(tid) =>
            {
                issuer.replace("{tenantid}", tid)
            }
            _ => issuer,
        };
        let audience = config(ctx.target()).and_then(|c| c.audience.clone());
        let want = Expectations {
            issuer: &issuer,
            audience: audience.as_deref(),
            now: ctx.options.now.unix_timestamp(),
        };
        let problems = jwt_verify::claim_problems(&jwt, &want);
        let claims = note_claims(&jwt);
        if !problems.is_empty() {
            return Verdict::fail(
                expected,
                format!("{} ({claims})", problems.join("; ")),
                evidence,
                Cause::new("oidc/token-claims"),
            );
        }
        let mut note = format!(
            "signature verified ({}); {claims}",
            jwt.header.get("alg").and_then(Value::as_str).unwrap_or("?")
        );
        if audience.is_none() {
            note.push_str("; no --audience given, so `aud` was not compared");
        }
        Verdict::pass_with_note(evidence, note)
    }
}
