use async_trait::async_trait;

use super::{applies, discovery_doc};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::federation::discovery;
use crate::target::Target;

/// The gate of the OIDC family: a well-formed discovery document at the issuer.
pub struct DiscoveryValid;

static DOC: CheckDoc = CheckDoc {
    id: "oidc/discovery-valid",
    title: "The issuer publishes a valid OpenID discovery document",
    what: "Fetches `{issuer}/.well-known/openid-configuration` (a trailing `/` on the issuer is dropped first) and \
           checks the fields OpenID Connect Discovery requires: `issuer` (https, no query or fragment), \
           `authorization_endpoint`, `jwks_uri`, `response_types_supported`, `subject_types_supported`, \
           `id_token_signing_alg_values_supported` listing RS256, and `token_endpoint` unless the provider is \
           implicit-only.",
    why: "Apps and libraries configure themselves from this document. If it is missing or incomplete, sign-in \
          cannot start, tokens cannot be validated, and the error the user sees rarely says why.",
    fix: "Configure the issuer exactly as the IdP publishes it: Entra `https://login.microsoftonline.com/{tenant}/v2.0`, \
          Okta `https://{oktaDomain}` or `https://{oktaDomain}/oauth2/default`, OneLogin \
          `https://{subdomain}.onelogin.com/oidc/2`. Open the discovery URL in a browser to confirm it returns JSON.",
    references: &["https://openid.net/specs/openid-connect-discovery-1_0.html §3, §4"],
    diagnoses: &[
        "oidc/discovery-unreachable",
        "net/dns-failure",
        "net/connection-refused",
        "net/timeout",
        "net/proxy-required",
        "tls/untrusted-certificate",
        "tls/hostname-mismatch",
        "tls/expired-certificate",
    ],
};

#[async_trait]
impl Check for DiscoveryValid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        applies(target)
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let (x, doc) = discovery_doc(ctx).await;
        let expected = "200 with a JSON discovery document holding every required field";
        let doc = match doc {
            Ok(d) => d,
            Err(actual) => {
                // A network or TLS failure is named by its own, more specific code (and makes the
                // run exit 3: the target could not be reached).
                let cause = match x.failure.as_ref() {
                    Some(f) if crate::diagnosis::find(&f.code).is_some() => Cause::new(&f.code).detail("The OIDC discovery document could not be fetched."),
                    _ => Cause::new("oidc/discovery-unreachable")
                        .detail("Check the issuer URL: the discovery document lives at `{issuer}/.well-known/openid-configuration`."),
                };
                return Verdict::fail(expected, actual, vec![x.id.clone()], cause);
            }
        };
        let problems = discovery::problems(&doc);
        if problems.is_empty() {
            Verdict::pass(vec![x.id.clone()])
        } else {
            Verdict::fail(
                expected,
                problems.join("; "),
                vec![x.id.clone()],
                Cause::new("oidc/discovery-unreachable"),
            )
        }
    }
}
