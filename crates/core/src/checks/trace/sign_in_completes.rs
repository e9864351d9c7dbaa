use std::sync::Arc;

use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;
use crate::trace::evidence::exchange_id;
use crate::trace::{Flow, Outcome, Problem};

/// One sign-in flow of a HAR reaches the app without breaking. `preflight trace` runs one
/// instance per flow; the catalogue instance (no flow) only lists the check.
pub struct SignInCompletes {
    flow: Option<Arc<Flow>>,
}

/// The instance `preflight checks` and `preflight explain` list.
pub static LISTED: SignInCompletes = SignInCompletes { flow: None };

static DOC: CheckDoc = CheckDoc {
    id: "sso/sign-in-completes",
    title: "The sign-in recorded in the HAR completes",
    what: "Reads a browser HAR of a sign-in (`preflight trace --har FILE`), finds each OpenID Connect or SAML flow, \
           and follows it hop by hop: the app's redirect to the IdP, the IdP's pages, the answer at the redirect URI \
           or ACS, and the app's session. It decodes the authorize parameters, SAMLRequest and SAMLResponse, ID \
           tokens and cookies, and names the first hop where the sign-in breaks; later symptoms (a 503, a loop) \
           are listed as consequences of that cause.",
    why: "When SSO half works — the metadata test passes but the real login loops, ends on a 503 or on an IdP error \
          page — the cause is in one hop of the redirect chain. Reading a HAR by hand takes an expert; the trace \
          names the hop, the cause and the fix.",
    fix: "Fix the cause the diagnosis names at the hop it names (the redirect URI, audience, clock, cookie \
          attributes, user assignment …), then record the sign-in again and re-run the trace.",
    references: &[
        "http://www.softwareishard.com/blog/har-12-spec/",
        "OpenID Connect Core 1.0 §3.1.2, §3.2.2, §3.3.2",
        "SAML 2.0 Profiles §4.1 (Web Browser SSO)",
    ],
    diagnoses: &[
        "sso/redirect-uri-mismatch",
        "sso/redirect-loop",
        "sso/callback-error",
        "sso/idp-error",
        "sso/user-not-assigned",
        "sso/state-mismatch",
        "sso/cookie-rejected",
        "sso/tenant-routing",
        "saml/entity-id-mismatch",
        "saml/destination-mismatch",
        "saml/conditions-window",
        "saml/signature-invalid",
        "saml/attribute-missing",
        "oidc/token-claims",
    ],
};

impl SignInCompletes {
    pub fn for_flow(flow: Arc<Flow>) -> SignInCompletes {
        SignInCompletes { flow: Some(flow) }
    }
}

#[async_trait]
impl Check for SignInCompletes {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, _: &Target, _: &RunOptions) -> Result<(), String> {
        match self.flow {
            Some(_) => Ok(()),
            None => Err("needs a browser HAR of a sign-in: `preflight trace --har FILE`".into()),
        }
    }

    async fn run(&self, _: &RunCtx<'_>) -> Verdict {
        match &self.flow {
            Some(flow) => verdict(flow),
            None => Verdict::Skip("no HAR given".into()),
        }
    }
}

/// The verdict of one flow: fail on its cause, warn on what did not stop it, skip when the
/// HAR ends before the IdP answered.
pub fn verdict(flow: &Flow) -> Verdict {
    let hops_label = format!(
        "{} via {} ({} hops, entries {}–{})",
        flow.kind.describe(),
        flow.idp.as_deref().unwrap_or("the IdP"),
        flow.hops.len(),
        flow.hops.first().map(|h| h.entry).unwrap_or(0),
        flow.hops.last().map(|h| h.entry).unwrap_or(0),
    );
    match flow.outcome {
        Outcome::Broken => {
            let Some(cause) = &flow.cause else {
                return Verdict::Skip(format!("{hops_label}: broken, but no cause was named"));
            };
            let mut detail = format!("{hops_label}. ");
            if let Some(e) = &cause.explained {
                detail.push_str(&format!(
                    "{} says {}: {} Where: {}. Fix: {} ",
                    e.idp, e.matched, e.meaning, e.location, e.fix
                ));
            }
            if !flow.consequences.is_empty() {
                detail.push_str("Consequences of this cause: ");
                let list: Vec<String> = flow
                    .consequences
                    .iter()
                    .map(|c| format!("HAR entry {} {} ({})", c.entry, c.actual, c.code))
                    .collect();
                detail.push_str(&list.join("; "));
                detail.push('.');
            }
            Verdict::fail(
                cause.expected.clone(),
                actual_at_hop(flow, cause),
                evidence(flow, cause),
                Cause::new(&cause.code).detail(detail.trim().to_string()),
            )
        }
        Outcome::SignedIn => match flow.warnings.first() {
            Some(w) => Verdict::warn(
                w.expected.clone(),
                actual_at_hop(flow, w),
                evidence(flow, w),
                Cause::new(&w.code).detail(format!(
                    "{hops_label}. The sign-in completed; {} warning(s).",
                    flow.warnings.len()
                )),
            ),
            None => Verdict::pass_with_note(
                flow.hops.iter().map(|h| exchange_id(h.entry)).collect(),
                format!("{hops_label}: signed in"),
            ),
        },
        Outcome::Incomplete => Verdict::Skip(format!(
            "{hops_label}: the HAR ends at HAR entry {} before the IdP sent the browser back; record the whole sign-in",
            flow.hops.last().map(|h| h.entry).unwrap_or(0)
        )),
    }
}

/// "GET https://… (HAR entry N): what happened" — the hop's method and masked URL first.
fn actual_at_hop(flow: &Flow, p: &Problem) -> String {
    match flow.hop(p.entry) {
        Some(h) => format!(
            "{} {} (HAR entry {}): {}",
            h.method, h.url, h.entry, p.actual
        ),
        None => format!("HAR entry {}: {}", p.entry, p.actual),
    }
}

/// The problem's hop first, then its consequences' hops, then the rest of the flow.
fn evidence(flow: &Flow, first: &Problem) -> Vec<String> {
    let mut out = vec![first.entry];
    for c in &flow.consequences {
        if !out.contains(&c.entry) {
            out.push(c.entry);
        }
    }
    for h in &flow.hops {
        if !out.contains(&h.entry) {
            out.push(h.entry);
        }
    }
    out.into_iter().map(exchange_id).collect()
}
