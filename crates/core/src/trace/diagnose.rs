//! From a reconstructed chain to a [`Flow`]: each hop's decoded contents, every problem in hop
//! order, and the verdict — one cause on the first broken hop, later symptoms as its
//! consequences.
//!
//! Three kinds of problem: *protocol* problems in what a hop carries (a wrong redirect URI,
//! audience, state, signature; an IdP error) break the flow where they appear; *symptoms* (a
//! 5xx at the callback, a redirect loop) show a flow broke but not why, so an earlier protocol
//! problem is the cause and they are its consequences; *soft* problems (a cookie a browser
//! refuses, a missing JIT attribute) are the cause only when the flow broke and nothing more
//! specific explains it, and otherwise are warnings.

use std::collections::HashMap;

use super::TraceOptions;
use super::chain::{Chain, authorize_params, callback_params, saml_request, saml_response};
use super::cookie::withheld_on_cross_site_post;
use super::entry::Entry;
use super::model::{
    AuthorizeView, Flow, Hop, HopContents, HopRole, Outcome, Problem, SamlRequestView,
};
use super::oidc_hop::{authorize_problems, authorize_view, callback_problems, callback_view};
use super::params::{base_of, mask_text, mask_url, origin_of, query_of, without_fragment};
use super::saml_hop::{request_problems, request_view, response_hop};
use super::{explain_text, recognise};

/// Parameters whose values change on every round trip; a revisit ignores them.
const VOLATILE: &[&str] = &[
    "state",
    "nonce",
    "code",
    "code_challenge",
    "session_state",
    "iss",
    "SAMLRequest",
    "SAMLResponse",
    "RelayState",
    "Signature",
    "SigAlg",
    "client-request-id",
    "sso_nonce",
    "_",
];

/// Build the flow of `chain`. `cookies_recorded` is false for HARs exported without cookies.
pub fn build(
    chain: &Chain,
    entries: &[Entry],
    opts: &TraceOptions,
    cookies_recorded: bool,
) -> Flow {
    let mut hops = Vec::with_capacity(chain.hops.len());
    let mut protocol: Vec<Problem> = Vec::new();
    let mut symptoms: Vec<Problem> = Vec::new();
    let mut soft: Vec<Problem> = Vec::new();
    // Errors on IdP pages count only when the IdP never sent the browser back: a page that
    // said "wrong password" before a successful retry is not a broken sign-in.
    let mut page_problems: Vec<Problem> = Vec::new();
    let mut last_authorize: Option<AuthorizeView> = None;
    let mut last_request: Option<SamlRequestView> = None;
    let mut previous: Option<&Entry> = None;
    let mut seen: HashMap<String, (usize, Option<String>)> = HashMap::new();
    let mut looped = false;
    let mut returned = false;
    let mut callback_failed = false;
    for (position, &(index, role)) in chain.hops.iter().enumerate() {
        let e = &entries[index];
        let mut contents = HopContents::default();
        let mut hop_problems: Vec<Problem> = Vec::new();
        match role {
            HopRole::IdpRequest => {
                if let Some(q) = authorize_params(e) {
                    let view = authorize_view(e, &q);
                    hop_problems.extend(authorize_problems(e, &view, opts));
                    contents.authorize = Some(view.clone());
                    last_authorize = Some(view);
                } else if let Some((raw, relay, _)) = saml_request(e) {
                    let view = request_view(&raw, relay);
                    hop_problems.extend(request_problems(e, &view, opts));
                    contents.saml_request = Some(view.clone());
                    last_request = Some(view);
                }
                if e.status >= 400 || e.status == 0 {
                    hop_problems.push(idp_error(e));
                } else if let Some(p) = page_error(e) {
                    // Entra shows its AADSTS errors on a 200 page at the authorize URL.
                    page_problems.push(p);
                }
            }
            HopRole::IdpPage => {
                if e.status >= 400 {
                    page_problems.push(idp_error(e));
                } else if let Some(p) = page_error(e) {
                    page_problems.push(p);
                }
            }
            HopRole::Callback => {
                returned = true;
                if let Some((raw, relay)) = saml_response(e) {
                    let (view, hard, light) =
                        response_hop(e, &raw, relay, last_request.as_ref(), opts);
                    contents.saml_response = Some(view);
                    hop_problems.extend(hard);
                    soft.extend(light);
                } else {
                    let fragment_from = previous
                        .and_then(|p| p.location.as_deref())
                        .filter(|l| without_fragment(l) == without_fragment(&e.url));
                    let (mode, answer) = callback_params(e, fragment_from);
                    if !mode.is_empty() {
                        let view = callback_view(&mode, &answer);
                        hop_problems.extend(callback_problems(
                            e,
                            &view,
                            last_authorize.as_ref(),
                            opts,
                        ));
                        contents.callback = Some(view);
                    }
                }
                if e.status >= 400 || e.status == 0 {
                    callback_failed = true;
                    symptoms.push(callback_error(e, "the app's callback/ACS"));
                }
                let failed = e.status >= 400 || e.status == 0;
                cookie_problems(
                    chain,
                    entries,
                    position,
                    e,
                    cookies_recorded && failed,
                    &mut soft,
                );
            }
            HopRole::AppSession => {
                if e.status >= 400 {
                    callback_failed = true;
                    symptoms.push(callback_error(e, "the app after the callback"));
                }
            }
            HopRole::AppStart => {}
        }
        // A revisit that leads the same way again is a loop.
        let key = revisit_key(&e.method, &e.url);
        let next = e.location.as_deref().map(|l| revisit_key("GET", l));
        match seen.get(&key) {
            Some((_, earlier_next)) if !looped && next.is_some() && earlier_next == &next => {
                looped = true;
                symptoms.push(Problem {
                    entry: e.index,
                    code: "sso/redirect-loop".into(),
                    expected: "each step of the sign-in once, ending in the app".into(),
                    actual: "requested again, and it sends the browser the same way again: the sign-in goes round in a circle".into(),
                    explained: None,
                });
            }
            Some(_) => {}
            None => {
                seen.insert(key, (index, next));
            }
        }
        if e.error_text.is_some() && hop_problems.iter().all(|p| p.explained.is_none()) {
            contents.error_text = e.error_text.as_deref().map(mask_text);
        }
        protocol.extend(hop_problems);
        hops.push(hop_view(e, role, contents));
        previous = Some(e);
    }
    if !returned {
        protocol.extend(page_problems);
    }
    let last = chain.hops.last().map(|&(i, _)| &entries[i]);
    let ended_badly = last.is_some_and(|e| e.status >= 400);
    let broken = !protocol.is_empty() || !symptoms.is_empty() || callback_failed || looped;
    let order: HashMap<usize, usize> = chain
        .hops
        .iter()
        .enumerate()
        .map(|(pos, &(i, _))| (i, pos))
        .collect();
    let pos = |p: &Problem| order.get(&p.entry).copied().unwrap_or(usize::MAX);
    let mut flow = Flow {
        kind: chain.kind,
        idp: chain
            .idp_host
            .as_ref()
            .and_then(|_| first_role(chain, entries, HopRole::IdpRequest))
            .and_then(|e| origin_of(&e.url)),
        app: chain
            .return_base
            .as_deref()
            .and_then(origin_of)
            .or_else(|| {
                first_role(chain, entries, HopRole::AppStart).and_then(|e| origin_of(&e.url))
            }),
        hops,
        outcome: Outcome::SignedIn,
        cause: None,
        consequences: Vec::new(),
        warnings: Vec::new(),
    };
    if broken || ended_badly {
        let mut all: Vec<(usize, u8, Problem)> = protocol
            .into_iter()
            .map(|p| (pos(&p), 0, p))
            .chain(symptoms.into_iter().map(|p| (pos(&p), 1, p)))
            .collect();
        all.sort_by_key(|(position, kind, _)| (*position, *kind));
        let has_protocol = all.iter().any(|(_, kind, _)| *kind == 0);
        if !has_protocol
            && let Some(first_soft) = soft.iter().find(|p| p.code == "sso/cookie-rejected")
        {
            // Nothing in the protocol explains the failure; a cookie the flow needed does.
            let cause = first_soft.clone();
            soft.retain(|p| p != &cause);
            all.insert(0, (pos(&cause), 0, cause));
        } else if !has_protocol
            && let Some(missing) = soft.iter().find(|p| p.code == "saml/attribute-missing")
        {
            let cause = missing.clone();
            soft.retain(|p| p != &cause);
            all.insert(0, (pos(&cause), 0, cause));
        }
        let mut problems = all.into_iter().map(|(_, _, p)| p);
        flow.cause = problems.next();
        flow.consequences = problems.collect();
        if flow.cause.is_none() {
            flow.cause = last.map(|e| callback_error(e, "the last step"));
        }
        flow.outcome = Outcome::Broken;
    } else if !returned {
        flow.outcome = Outcome::Incomplete;
    }
    flow.warnings = soft;
    flow
}

fn first_role<'a>(chain: &Chain, entries: &'a [Entry], role: HopRole) -> Option<&'a Entry> {
    chain
        .hops
        .iter()
        .find(|(_, r)| *r == role)
        .map(|&(i, _)| &entries[i])
}

/// An error answer from the IdP: its own words through the explainer.
fn idp_error(e: &Entry) -> Problem {
    let text = e.error_text.clone().unwrap_or_default();
    let (code, explained) = explain_text(&text);
    let status = if e.status == 0 {
        "no response (blocked or cancelled)".to_string()
    } else {
        format!("HTTP {}", e.status)
    };
    Problem {
        entry: e.index,
        code,
        expected: "the IdP continues the sign-in".into(),
        actual: format!(
            "answered {status}{}",
            if text.is_empty() {
                String::new()
            } else {
                format!(": {}", short(&text))
            }
        ),
        explained,
    }
}

/// A known IdP error on a page that answered 2xx/3xx (only AADSTS codes and IdP phrases
/// count: a retried password or a page that merely says "error" does not).
fn page_error(e: &Entry) -> Option<Problem> {
    let text = e.error_text.as_ref()?;
    let (code, explained) = recognise(text)?;
    Some(Problem {
        entry: e.index,
        code,
        expected: "the IdP lets the user continue".into(),
        actual: format!("the IdP showed an error page: {}", short(text)),
        explained,
    })
}

fn callback_error(e: &Entry, what: &str) -> Problem {
    let status = if e.status == 0 {
        "no response".to_string()
    } else {
        format!("HTTP {}", e.status)
    };
    Problem {
        entry: e.index,
        code: "sso/callback-error".into(),
        expected: format!("{what} starts the session and answers without an error"),
        actual: format!(
            "answered {status}{}",
            e.error_text
                .as_deref()
                .map(|t| format!(": {}", short(t)))
                .unwrap_or_default()
        ),
        explained: None,
    }
}

/// Cookies the app set before sending the browser to the IdP that do not come back with the
/// callback: refused when set, or withheld on a cross-site POST.
fn cookie_problems(
    chain: &Chain,
    entries: &[Entry],
    callback_pos: usize,
    callback: &Entry,
    check_sent: bool,
    out: &mut Vec<Problem>,
) {
    let app = origin_of(&callback.url);
    for &(i, role) in &chain.hops[..callback_pos] {
        let setter = &entries[i];
        if role != HopRole::AppStart || origin_of(&setter.url) != app {
            continue;
        }
        for c in &setter.cookies_set {
            if let Some(why) = &c.rejected {
                out.push(Problem {
                    entry: setter.index,
                    code: "sso/cookie-rejected".into(),
                    expected: format!("the browser keeps the cookie `{}` for the callback", c.name),
                    actual: format!("`{}`: {why}", c.name),
                    explained: None,
                });
            } else if check_sent && !callback.cookies_sent.contains(&c.name) {
                let cross_site_post = callback.method == "POST" && withheld_on_cross_site_post(c);
                out.push(Problem {
                    entry: callback.index,
                    code: "sso/cookie-rejected".into(),
                    expected: format!("the callback carries the cookie `{}` set at entry {}", c.name, setter.index),
                    actual: if cross_site_post {
                        format!(
                            "the browser did not send `{}`: SameSite={} cookies are not sent on the IdP's cross-site POST",
                            c.name,
                            c.same_site.as_deref().unwrap_or("(unset, treated as Lax)")
                        )
                    } else {
                        format!("the browser did not send `{}` with the callback", c.name)
                    },
                    explained: None,
                });
            }
        }
    }
}

/// Method, URL without volatile parameter values: equal keys are "the same step".
fn revisit_key(method: &str, url: &str) -> String {
    let mut params: Vec<String> = query_of(url)
        .into_iter()
        .map(|(k, v)| {
            if VOLATILE.contains(&k.as_str()) {
                k
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    params.sort();
    format!("{method} {}?{}", base_of(url), params.join("&"))
}

fn hop_view(e: &Entry, role: HopRole, contents: HopContents) -> Hop {
    Hop {
        entry: e.index,
        role,
        method: e.method.clone(),
        url: mask_url(&e.url),
        status: e.status,
        redirect_to: e.location.as_deref().map(mask_url),
        cookies_set: e.cookies_set.clone(),
        cookies_sent: e.cookies_sent.clone(),
        started: e.started_raw.clone(),
        time_ms: e.time_ms,
        contents,
    }
}

/// The first 300 characters of a masked text.
fn short(text: &str) -> String {
    let masked = mask_text(text);
    if masked.chars().count() > 300 {
        format!("{}…", masked.chars().take(300).collect::<String>())
    } else {
        masked
    }
}
