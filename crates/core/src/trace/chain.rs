//! Chain reconstruction: which entries form a sign-in flow, and the part each plays.
//!
//! A flow starts at an OIDC authorize request (`client_id` + `response_type`), a SAML
//! AuthnRequest (`SAMLRequest`), or an unsolicited `SAMLResponse` (IdP-initiated). Entries
//! join it by following the browser: the request a redirect pointed at (`Location`, resolved,
//! fragment dropped), pages on the IdP's host while the flow waits for the IdP, and the post
//! that carries the IdP's answer to the app's redirect URI or ACS. The app page that sent the
//! browser to the IdP is found backwards through the redirect that led to the first request.

use std::collections::HashMap;

use super::entry::Entry;
use super::model::{FlowKind, HopRole};
use super::params::{base_of, fragment_of, get, host_of, query_of, without_fragment};

/// A flow before diagnosis: its entries (by index into the entry list) and their roles.
#[derive(Clone, Debug)]
pub struct Chain {
    pub kind: FlowKind,
    pub hops: Vec<(usize, HopRole)>,
    pub idp_host: Option<String>,
    /// The redirect URI (OIDC) or ACS (SAML) the flow answers to, without query.
    pub return_base: Option<String>,
    /// The SAML AuthnRequest ID, when known (matches `InResponseTo`).
    pub request_id: Option<String>,
    /// The next URL the browser is expected to load (the last hop's `Location`).
    pending: Option<String>,
    pub returned: bool,
}

impl Chain {
    fn new(kind: FlowKind) -> Chain {
        Chain {
            kind,
            hops: Vec::new(),
            idp_host: None,
            return_base: None,
            request_id: None,
            pending: None,
            returned: false,
        }
    }

    fn push(&mut self, entry: &Entry, role: HopRole) {
        self.hops.push((entry.index, role));
        self.pending = entry
            .location
            .as_deref()
            .map(|l| without_fragment(l).to_string());
        match role {
            HopRole::Callback => self.returned = true,
            // The app sent the browser to the IdP again: a new round trip begins.
            HopRole::IdpRequest => self.returned = false,
            _ => {}
        }
    }
}

/// The parameters of an OIDC authorize request, if the entry is one.
pub fn authorize_params(e: &Entry) -> Option<Vec<(String, String)>> {
    let q = query_of(&e.url);
    (get(&q, "client_id").is_some() && get(&q, "response_type").is_some()).then_some(q)
}

/// The `SAMLRequest` (and `RelayState`) of an entry, from the query or the posted form.
pub fn saml_request(e: &Entry) -> Option<(String, Option<String>, bool)> {
    if let Some(v) = get(&e.form, "SAMLRequest") {
        return Some((
            v.to_string(),
            get(&e.form, "RelayState").map(str::to_string),
            true,
        ));
    }
    let q = query_of(&e.url);
    get(&q, "SAMLRequest").map(|v| {
        (
            v.to_string(),
            get(&q, "RelayState").map(str::to_string),
            false,
        )
    })
}

/// The `SAMLResponse` (and `RelayState`) an entry carries.
pub fn saml_response(e: &Entry) -> Option<(String, Option<String>)> {
    if let Some(v) = get(&e.form, "SAMLResponse") {
        return Some((
            v.to_string(),
            get(&e.form, "RelayState").map(str::to_string),
        ));
    }
    let q = query_of(&e.url);
    get(&q, "SAMLResponse").map(|v| (v.to_string(), get(&q, "RelayState").map(str::to_string)))
}

/// OIDC answer parameters at a redirect URI: from the query, a form post, or the fragment of
/// the `Location` that led here (browsers never send fragments).
pub fn callback_params(e: &Entry, fragment_from: Option<&str>) -> (String, Vec<(String, String)>) {
    let is_answer = |p: &[(String, String)]| {
        ["code", "id_token", "access_token", "error"]
            .iter()
            .any(|k| get(p, k).is_some())
    };
    if e.method == "POST" && is_answer(&e.form) {
        return ("form_post".into(), e.form.clone());
    }
    if let Some(loc) = fragment_from {
        let f = fragment_of(loc);
        if is_answer(&f) {
            return ("fragment".into(), f);
        }
    }
    let q = query_of(&e.url);
    if is_answer(&q) {
        return ("query".into(), q);
    }
    (String::new(), Vec::new())
}

fn kind_of_response_type(rt: &str) -> FlowKind {
    let parts: Vec<&str> = rt.split_whitespace().collect();
    let code = parts.contains(&"code");
    let token = parts.contains(&"id_token") || parts.contains(&"token");
    match (code, token) {
        (true, true) => FlowKind::OidcHybrid,
        (false, true) => FlowKind::OidcImplicit,
        _ => FlowKind::OidcCode,
    }
}

/// `InResponseTo` of a SAMLResponse, read cheaply (no full parse) to match it to a request.
fn in_response_to(raw: &str) -> Option<String> {
    let xml = crate::federation::saml::response::decode(raw).ok()?;
    let start = xml.find("InResponseTo=\"")? + "InResponseTo=\"".len();
    let end = xml[start..].find('"')? + start;
    Some(xml[start..end].to_string())
}

/// `ID` of an AuthnRequest, read cheaply.
pub fn request_id(raw: &str) -> Option<String> {
    let xml = crate::federation::saml::response::decode(raw).ok()?;
    let root = xml.find("AuthnRequest")?;
    let start = xml[root..].find(" ID=\"")? + root + " ID=\"".len();
    let end = xml[start..].find('"')? + start;
    Some(xml[start..end].to_string())
}

/// Find the sign-in flows among `entries` (in file order).
pub fn reconstruct(entries: &[Entry]) -> Vec<Chain> {
    let mut chains: Vec<Chain> = Vec::new();
    let mut in_flow = vec![false; entries.len()];
    // URL (without fragment) → the entry whose redirect pointed there, for entries not in a flow.
    let mut led_to: HashMap<String, usize> = HashMap::new();
    for e in entries {
        let here = without_fragment(&e.url).to_string();
        let attached = attach(&mut chains, e);
        if attached {
            in_flow[e.index] = true;
        } else if let Some(mut chain) = start(e) {
            // Walk back through the redirects that led here (the app's login route).
            let mut before = Vec::new();
            let mut cursor = here.clone();
            while let Some(&j) = led_to.get(&cursor) {
                if in_flow[j] || before.len() >= 3 || before.contains(&j) {
                    break;
                }
                before.push(j);
                cursor = without_fragment(&entries[j].url).to_string();
            }
            for &j in before.iter().rev() {
                chain.hops.push((j, HopRole::AppStart));
                in_flow[j] = true;
            }
            let role = if chain.kind == FlowKind::SamlIdpInitiated {
                HopRole::Callback
            } else {
                HopRole::IdpRequest
            };
            chain.push(e, role);
            in_flow[e.index] = true;
            chains.push(chain);
        }
        if !in_flow[e.index]
            && let Some(loc) = &e.location
        {
            led_to.insert(without_fragment(loc).to_string(), e.index);
        }
    }
    chains.retain(|c| !c.hops.is_empty());
    chains
}

/// A new flow starting at `e`, if `e` opens one.
fn start(e: &Entry) -> Option<Chain> {
    if let Some(q) = authorize_params(e) {
        let mut c = Chain::new(kind_of_response_type(
            get(&q, "response_type").unwrap_or(""),
        ));
        c.idp_host = host_of(&e.url);
        c.return_base = get(&q, "redirect_uri").map(|r| base_of(r).to_string());
        return Some(c);
    }
    if let Some((raw, _, posted)) = saml_request(e) {
        let mut c = Chain::new(if posted {
            FlowKind::SamlPost
        } else {
            FlowKind::SamlRedirect
        });
        c.idp_host = host_of(&e.url);
        c.request_id = request_id(&raw);
        return Some(c);
    }
    if saml_response(e).is_some() {
        let mut c = Chain::new(FlowKind::SamlIdpInitiated);
        c.return_base = Some(base_of(&e.url).to_string());
        return Some(c);
    }
    None
}

/// Add `e` to the flow it continues, if any. Newest flows first.
fn attach(chains: &mut [Chain], e: &Entry) -> bool {
    let here = without_fragment(&e.url);
    // 1. The browser followed a redirect of an open flow.
    if let Some(c) = chains
        .iter_mut()
        .rev()
        .find(|c| c.pending.as_deref() == Some(here))
    {
        let role = role_in(c, e);
        if role == HopRole::IdpRequest
            && let Some(q) = authorize_params(e)
        {
            c.return_base = get(&q, "redirect_uri").map(|r| base_of(r).to_string());
        }
        c.push(e, role);
        return true;
    }
    // 2. A SAMLResponse posted to the ACS: the request it answers, else the newest open SAML flow.
    if let Some((raw, _)) = saml_response(e) {
        let irt = in_response_to(&raw);
        let found = chains.iter_mut().rev().position(|c| {
            c.kind.is_saml() && irt.is_some() && c.request_id.is_some() && c.request_id == irt
        });
        let found = found.or_else(|| {
            chains.iter().rev().position(|c| {
                c.kind.is_saml() && !c.returned && c.kind != FlowKind::SamlIdpInitiated
            })
        });
        if let Some(pos) = found {
            let len = chains.len();
            let c = &mut chains[len - 1 - pos];
            c.return_base = Some(base_of(&e.url).to_string());
            c.push(e, HopRole::Callback);
            return true;
        }
        return false;
    }
    // 3. An OIDC answer at a flow's redirect URI (form_post, or a redirect the HAR lacks).
    let (mode, _) = callback_params(e, None);
    if !mode.is_empty()
        && let Some(c) = chains
            .iter_mut()
            .rev()
            .find(|c| !c.kind.is_saml() && c.return_base.as_deref() == Some(base_of(&e.url)))
    {
        c.push(e, HopRole::Callback);
        return true;
    }
    // 4. Pages at the IdP while a flow waits for the IdP's answer.
    if e.is_navigation()
        && authorize_params(e).is_none()
        && saml_request(e).is_none()
        && let Some(c) = chains
            .iter_mut()
            .rev()
            .find(|c| !c.returned && c.idp_host.is_some() && c.idp_host == host_of(&e.url))
    {
        c.push(e, HopRole::IdpPage);
        return true;
    }
    false
}

/// The role of an entry reached by following a flow's redirect.
fn role_in(c: &Chain, e: &Entry) -> HopRole {
    if authorize_params(e).is_some() || saml_request(e).is_some() {
        return HopRole::IdpRequest;
    }
    if saml_response(e).is_some() {
        return HopRole::Callback;
    }
    if !c.kind.is_saml() && c.return_base.as_deref() == Some(base_of(&e.url)) {
        return HopRole::Callback;
    }
    if c.idp_host.is_some() && host_of(&e.url) == c.idp_host && !c.returned {
        return HopRole::IdpPage;
    }
    if c.returned {
        HopRole::AppSession
    } else {
        HopRole::AppStart
    }
}
