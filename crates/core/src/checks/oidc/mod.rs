//! OpenID Connect / OAuth checks (`preflight oidc`): discovery, issuer, JWKS, the access
//! token from the client-credentials grant, and the clocks. Configured by
//! [`crate::federation::OidcConfig`] on the target.

mod access_token_valid;
mod clock_skew;
mod discovery_valid;
mod issuer_exact_match;
mod jwks_valid;

pub use access_token_valid::AccessTokenValid;
pub use clock_skew::ClockSkew;
pub use discovery_valid::DiscoveryValid;
pub use issuer_exact_match::IssuerExactMatch;
pub use jwks_valid::JwksValid;

use serde_json::Value;

use crate::check::RunCtx;
use crate::exchange::Exchange;
use crate::federation::{OidcConfig, discovery, jwks};
use crate::probe::{AuthMode, Req};
use crate::target::Target;

pub(crate) fn config(target: &Target) -> Option<&OidcConfig> {
    target.federation.as_ref().and_then(|f| f.oidc.as_ref())
}

pub(crate) fn applies(target: &Target) -> Result<(), String> {
    config(target)
        .map(|_| ())
        .ok_or_else(|| "no OIDC issuer configured (use `preflight oidc --issuer …`)".into())
}

fn json_get(url: &str, purpose: &str) -> Req {
    Req::get(url)
        .auth(AuthMode::None)
        .header("accept", Some("application/json"))
        .purpose(purpose)
}

/// The discovery document (fetched once per run) and its JSON, or why there is none.
pub(crate) async fn discovery_doc(ctx: &RunCtx<'_>) -> (Exchange, Result<Value, String>) {
    let issuer = config(ctx.target())
        .map(|c| c.issuer.clone())
        .unwrap_or_default();
    let x = ctx
        .probe
        .fetch(json_get(
            &discovery::discovery_url(&issuer),
            "OIDC discovery document",
        ))
        .await;
    let parsed = json_of(&x);
    (x, parsed)
}

/// The JSON body of a 200 answer, or a sentence saying what came instead.
pub(crate) fn json_of(x: &Exchange) -> Result<Value, String> {
    let Some(r) = &x.response else {
        let f = x
            .failure
            .as_ref()
            .map(|f| format!("{} ({})", f.message, f.code))
            .unwrap_or_default();
        return Err(format!("no response: {f}"));
    };
    if r.status != 200 {
        return Err(format!("HTTP {}", r.status));
    }
    r.json().ok_or_else(|| {
        if r.looks_like_html() {
            "an HTML page, not JSON".into()
        } else {
            "a body that is not JSON".into()
        }
    })
}

/// The JWKS named by discovery; `fresh` bypasses the run cache (the one refetch after an
/// unknown `kid`).
pub(crate) async fn key_set(
    ctx: &RunCtx<'_>,
    fresh: bool,
) -> Option<(Exchange, Result<jwks::KeySet, String>)> {
    let (_, doc) = discovery_doc(ctx).await;
    let uri = doc.ok()?.get("jwks_uri")?.as_str()?.to_string();
    let req = json_get(
        &uri,
        if fresh {
            "JWKS (refetch for an unknown kid)"
        } else {
            "JWKS"
        },
    );
    let x = if fresh {
        ctx.probe.send(req).await
    } else {
        ctx.probe.fetch(req).await
    };
    let set = json_of(&x).map(|j| jwks::parse(&j));
    Some((x, set))
}
