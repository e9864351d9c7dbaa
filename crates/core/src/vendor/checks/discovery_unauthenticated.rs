use async_trait::async_trait;

use super::vendor_for;
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::checks::judge::{ENDPOINT_GATE, outcome, unexpected};
use crate::probe::{AuthMode, Req};
use crate::target::Target;

/// Discovery answers without a token, because the vendor documents that it does.
pub struct DiscoveryUnauthenticated;

const DISCOVERY_PATHS: [&str; 3] = ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"];

static DOC: CheckDoc = CheckDoc {
    id: "vendor/discovery-unauthenticated",
    title: "Discovery answers without a token, as the vendor documents",
    what: "For vendors whose documentation says discovery needs no token (STACKIT, AxonFlow), sends \
           `GET /ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` without a credential; anything but 200 fails.",
    why: "These vendors serve discovery publicly. If it demands a token or is missing here, the URL points at another \
          environment, a proxy or another product — and separating \"discovery works\" from \"/Users with the token \
          works\" is the first step of every vendor's troubleshooting guide.",
    fix: "Use the exact base URL from the vendor's documentation for your tenant and environment; if it is right, send \
          the evidence to the vendor's support, since their own first check fails.",
    references: &[
        "STACKIT IdP SCIM endpoint reference: discovery endpoints do not require authentication",
        "AxonFlow SCIM troubleshooting guide, First Checks: discovery without authentication answers 200",
        "RFC 7644 §4",
    ],
    diagnoses: &[
        "auth/discovery-requires-auth",
        "url/not-scim",
        "scim/server-error",
    ],
};

#[async_trait]
impl Check for DiscoveryUnauthenticated {
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
    if let Some(blocked) = ctx.blocked_by(&[ENDPOINT_GATE]) {
        return blocked;
    }
    let vendor = match vendor_for(ctx.target(), DOC.id) {
        Ok(v) => v,
        Err(reason) => return Verdict::Skip(reason),
    };
    let mut evidence = Vec::new();
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
        match x.status() {
            Some(200) => {}
            Some(401) | Some(403) => {
                return Verdict::fail(
                    format!("{path} answers 200 without a token, as {} documents", vendor.name),
                    format!("{path} → {}", outcome(&x)),
                    evidence,
                    Cause::new("auth/discovery-requires-auth").detail(format!(
                        "{} serves discovery without authentication; a token demand here means the URL is not {}'s \
                         SCIM endpoint (another environment, a gateway or a proxy).",
                        vendor.name, vendor.name
                    )),
                );
            }
            _ => {
                return match unexpected(&x, &format!("200 from {path} without a token")) {
                    Verdict::Fail(mut f) => {
                        f.evidence = evidence;
                        Verdict::Fail(f)
                    }
                    other => other,
                };
            }
        }
    }
    Verdict::pass(evidence)
}
