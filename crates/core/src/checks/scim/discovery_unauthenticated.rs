use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{ENDPOINT_GATE, outcome};
use crate::probe::{AuthMode, Req};

/// Discovery without credentials: allowed by the RFCs, relied on by some IdP tests.
pub struct DiscoveryUnauthenticated;

static DOC: CheckDoc = CheckDoc {
    id: "scim/discovery-unauthenticated",
    title: "Discovery endpoints answer without a token",
    what: "Sends `GET /ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` with no credential. 200 passes; \
           401/403 warns.",
    why: "RFC 7643 §5 suggests the authentication schemes be readable without authenticating, and some tests \
          (Okta's OIN spec runner among them) call discovery unauthenticated. It also separates URL problems \
          from token problems: if discovery answers without a token but `/Users` fails with one, the URL is \
          right and the token is not.",
    fix: "Nothing to change for Entra or Okta provisioning itself. If a test tool needs it, ask the SCIM vendor \
          to allow unauthenticated GETs on the discovery endpoints.",
    references: &["RFC 7643 §5", "RFC 7644 §4"],
    diagnoses: &["auth/discovery-requires-auth"],
};

pub const DISCOVERY_PATHS: [&str; 3] = ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"];

#[async_trait]
impl Check for DiscoveryUnauthenticated {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[ENDPOINT_GATE]) {
            return blocked;
        }
        let mut evidence = Vec::new();
        let mut refused = Vec::new();
        for path in DISCOVERY_PATHS {
            let x = ctx
                .probe
                .fetch(
                    Req::get(path)
                        .auth(AuthMode::None)
                        .purpose("discovery without a token"),
                )
                .await;
            evidence.push(x.id.clone());
            if matches!(x.status(), Some(401) | Some(403)) {
                refused.push(format!("{path} → {}", outcome(&x)));
            }
        }
        if refused.is_empty() {
            Verdict::pass(evidence)
        } else {
            Verdict::warn(
                "200 without credentials",
                refused.join("; "),
                evidence,
                Cause::new("auth/discovery-requires-auth"),
            )
        }
    }
}
