//! Sign-in trace: read a browser HAR of an SSO sign-in, lay out each sign-in flow hop by hop,
//! find the first broken hop and say why.
//!
//! ```text
//! HAR file ──har (streamed)──> Entry (compact) ──chain──> Chain ──diagnose──> Flow
//!                                                                (oidc_hop, saml_hop, cookie)
//! ```
//!
//! Nothing in a HAR makes Preflight send a request: the trace is a pure function of the file
//! and the [`TraceOptions`]. (The `sso/logout-url` check, which does send requests, takes its
//! URL from the admin, never from the HAR.)
//!
//! # Public API
//!
//! [`analyse`]`(reader, &TraceOptions) -> Result<TraceResult, TraceError>` — the result is
//! serialisable: flows, each with hops (method, masked URL, status, redirect target, cookie
//! names set and sent, time, decoded contents) and at most one `cause` (the first broken hop)
//! plus `consequences` and `warnings`. [`redact::redact_har`] writes a redacted copy of a HAR
//! (stable placeholders), streamed the same way. [`routing`] lints saved profiles for
//! ambiguous tenant routing.

//!
//! # The report contract of `preflight trace` (relied on by tests and other tools)
//!
//! * Exit code 1 when a sign-in in the HAR is broken, 0 when the HAR shows a successful
//!   sign-in (warnings allowed), 2 for input that cannot be traced (not JSON, truncated, no
//!   entries, no sign-in flow, too large), 3 when the run could not complete.
//! * With `--format json`, each sign-in flow is one check `sso/sign-in-completes`; exactly one
//!   check per broken flow has `"status": "fail"`. Its `diagnosis.code` is the cause (a code
//!   from the diagnosis catalogue), its `finding.evidence` lists exchange ids `"xN"` (`N` =
//!   0-based index into `log.entries`; each is also in the report's `exchanges`) with the broken hop FIRST, followed by the hops of its
//!   consequences and then the other hops of the flow, and `finding.actual` starts with that
//!   hop's method and masked URL (`"GET https://app/callback?code=***&state=… answered HTTP
//!   503"`). Later symptoms are described in `diagnosis.detail`, never as extra failures.
//! * A successful flow is a `pass` (or a `warn` for problems that did not stop it).

pub mod chain;
pub mod cookie;
mod diagnose;
pub mod entry;
pub mod evidence;
pub mod har;
pub mod model;
mod oidc_hop;
pub mod params;
pub mod placeholder;
pub mod redact;
pub mod routing;
mod saml_hop;
pub mod split;

use std::io::Read;

pub use har::{HarError, HarLimits};
pub use model::{
    AuthorizeView, CallbackView, CookieSet, Explanation, Flow, FlowKind, Hop, HopContents, HopRole,
    Outcome, Problem, SamlRequestView, SamlResponseView, TraceResult,
};

use crate::federation::explain;
use crate::federation::saml::metadata::IdpMetadata;

/// What the admin configured, to compare the HAR against. All optional: without them the
/// trace still finds IdP errors, loops, callback failures, state, signatures and windows.
#[derive(Clone, Debug, Default)]
pub struct TraceOptions {
    /// The redirect URIs registered at the IdP: the one the app sends must equal one of them
    /// byte for byte (an app may register several, e.g. one per environment).
    pub redirect_uris: Vec<String>,
    /// The client ID the app should use.
    pub client_id: Option<String>,
    /// The issuer the app is configured with (host, tenant, and ID-token `iss`).
    pub issuer: Option<String>,
    /// The tenant (Entra tenant ID or domain, Okta/OneLogin subdomain) the app belongs to.
    pub tenant: Option<String>,
    /// The SP entity ID (SAML audience).
    pub sp_entity_id: Option<String>,
    /// The SP's ACS URL.
    pub acs_url: Option<String>,
    /// The IdP's metadata, to verify response signatures and the issuer.
    pub metadata: Option<IdpMetadata>,
    pub limits: HarLimits,
}

/// Why a HAR could not be traced (the CLI exits 2).
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error(transparent)]
    Har(#[from] HarError),
    #[error(
        "the HAR has no entries; open the browser's network panel before signing in, keep \"Preserve log\" on, and export again"
    )]
    NoEntries,
    #[error(
        "no sign-in flow in the {0} entries of the HAR (no authorize request, SAMLRequest or SAMLResponse); record the sign-in from the app's login button with \"Preserve log\" on"
    )]
    NoFlow(usize),
}

/// Read a HAR and trace every sign-in flow in it.
pub fn analyse<R: Read>(reader: R, opts: &TraceOptions) -> Result<TraceResult, TraceError> {
    let mut entries = Vec::new();
    let info = har::read_entries(reader, &opts.limits, |index, raw| {
        entries.push(entry::Entry::from_raw(index, raw));
    })?;
    if entries.is_empty() {
        return Err(TraceError::NoEntries);
    }
    let cookies_recorded = entries.iter().any(|e| e.has_cookie_data);
    let chains = chain::reconstruct(&entries);
    if chains.is_empty() {
        return Err(TraceError::NoFlow(entries.len()));
    }
    let flows = chains
        .iter()
        .map(|c| diagnose::build(c, &entries, opts, cookies_recorded))
        .collect();
    let mut notes: Vec<String> = entries
        .iter()
        .flat_map(|e| e.notes.iter().cloned())
        .take(50)
        .collect();
    if !cookies_recorded {
        notes.push(
            "the HAR holds no cookies (a \"sanitized\" export?): cookie problems cannot be judged"
                .into(),
        );
    }
    Ok(TraceResult {
        entries: info.entries,
        creator: info.creator,
        browser: info.browser,
        flows,
        notes,
    })
}

/// A known IdP error in a text (AADSTS codes, Okta/OneLogin phrases), or `None`. Generic
/// OAuth codes and symptoms do not count here: a page that merely says "error" is not one.
pub(crate) fn recognise(text: &str) -> Option<(String, Option<Explanation>)> {
    if text.to_ascii_lowercase().contains("not assigned") {
        return Some(("sso/user-not-assigned".into(), explanation(text)));
    }
    explain::explain(text)
        .into_iter()
        .find(|e| {
            e.matched.to_ascii_uppercase().starts_with("AADSTS")
                || !(e.entry.idp.starts_with("OAuth") || e.entry.idp == "Symptom")
        })
        .map(|e| (e.entry.diagnosis.clone(), Some(view(&e))))
}

/// The diagnosis for an error the IdP reported: a recognised error, then the explainer's
/// generic entries, then `sso/idp-error`.
pub(crate) fn explain_text(text: &str) -> (String, Option<Explanation>) {
    if let Some(found) = recognise(text) {
        return found;
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("redirect_uri")
        && ["mismatch", "did not match", "not registered", "invalid"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return ("sso/redirect-uri-mismatch".into(), explanation(text));
    }
    match explain::explain(text).into_iter().next() {
        Some(e) if e.entry.diagnosis != "sso/callback-error" => {
            (e.entry.diagnosis.clone(), Some(view(&e)))
        }
        _ => ("sso/idp-error".into(), None),
    }
}

fn explanation(text: &str) -> Option<Explanation> {
    explain::explain(text).first().map(view)
}

fn view(e: &explain::Explained) -> Explanation {
    Explanation {
        matched: e.matched.clone(),
        idp: e.entry.idp.clone(),
        meaning: e.entry.meaning.clone(),
        location: e.entry.location.clone(),
        fix: e.entry.fix.clone(),
    }
}
