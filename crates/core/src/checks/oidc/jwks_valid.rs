use async_trait::async_trait;

use super::{applies, key_set};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// The JWKS named by discovery is reachable and holds usable signing keys.
pub struct JwksValid;

static DOC: CheckDoc = CheckDoc {
    id: "oidc/jwks-valid",
    title: "The IdP's signing keys (JWKS) are published and usable",
    what: "Fetches the `jwks_uri` from discovery and checks that `keys` is a non-empty array, every key has a `kty`, \
           `kid`s are distinct, and at least one key can verify RS256/RS384/RS512/PS256 (RSA, at least 2048 bits) or \
           ES256 (EC P-256) signatures. Keys marked `use: enc` are not counted as signing keys.",
    why: "Apps validate every token against these keys. An empty or broken set makes all tokens fail validation; \
          duplicate `kid`s make key selection ambiguous during a rollover (Entra rotates periodically, Okta about \
          four times a year).",
    fix: "Point the app at the IdP's own `jwks_uri` instead of a copied key, and let it refetch keys when a token names \
          an unknown `kid` (honour `Cache-Control`). If you run the authorization server, publish the public half of \
          each active signing key with a unique `kid`.",
    references: &[
        "RFC 7517 §4, §4.5, §5",
        "https://developer.okta.com/docs/concepts/key-rotation/",
        "https://learn.microsoft.com/entra/identity-platform/access-tokens",
    ],
    diagnoses: &["oidc/jwks-invalid"],
};

#[async_trait]
impl Check for JwksValid {
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
        let expected = "a JWKS with at least one usable signing key and distinct kids";
        let Some((x, set)) = key_set(ctx, false).await else {
            return Verdict::Blocked("oidc/discovery-valid".into());
        };
        let set = match set {
            Ok(s) => s,
            Err(actual) => {
                return Verdict::fail(
                    expected,
                    format!("jwks_uri answered {actual}"),
                    vec![x.id.clone()],
                    Cause::new("oidc/jwks-invalid"),
                );
            }
        };
        if !set.errors.is_empty() {
            let mut actual = set.errors.join("; ");
            if !set.warnings.is_empty() {
                actual.push_str(&format!(" (also: {})", set.warnings.join("; ")));
            }
            return Verdict::fail(
                expected,
                actual,
                vec![x.id.clone()],
                Cause::new("oidc/jwks-invalid"),
            );
        }
        if !set.warnings.is_empty() {
            return Verdict::warn(
                expected,
                set.warnings.join("; "),
                vec![x.id.clone()],
                Cause::new("oidc/jwks-invalid"),
            );
        }
        let usable = set.keys.iter().filter(|k| k.key.is_some()).count();
        Verdict::pass_with_note(
            vec![x.id.clone()],
            format!("{usable} usable signing key(s) of {}", set.keys.len()),
        )
    }
}
