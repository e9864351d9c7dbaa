//! What a SAML hop carries and what is wrong with it, using the federation SAML code: the
//! AuthnRequest (issuer, ACS URL) and the response posted to the ACS (status, signature
//! against the metadata, issuer and audience, Destination and Recipient, InResponseTo and
//! RelayState, the conditions window at the HAR's own timestamp, JIT attributes).

use super::TraceOptions;
use super::entry::Entry;
use super::explain_text;
use super::model::{Problem, SamlRequestView, SamlResponseView};
use super::params::without_fragment;
use crate::federation::CLOCK_LEEWAY_SECS;
use crate::federation::saml::{
    NS_ASSERTION, NS_PROTOCOL, dsig, find, parse_instant, parse_xml, response,
};

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// Decode an AuthnRequest (Redirect: DEFLATE + base64; POST: base64).
pub fn request_view(raw: &str, relay_state: Option<String>) -> SamlRequestView {
    let mut view = SamlRequestView {
        relay_state,
        ..SamlRequestView::default()
    };
    let xml = match response::decode(raw) {
        Ok(x) => x,
        Err(e) => {
            view.unreadable = Some(e.replace("response", "request"));
            return view;
        }
    };
    match parse_xml(&xml) {
        Ok(doc) => {
            let root = doc.root_element();
            view.id = root.attribute("ID").map(str::to_string);
            view.destination = root.attribute("Destination").map(str::to_string);
            view.acs_url = root
                .attribute("AssertionConsumerServiceURL")
                .map(str::to_string);
            view.issuer = find(root, NS_ASSERTION, "Issuer").map(crate::federation::saml::text_of);
        }
        Err(e) => view.unreadable = Some(e),
    }
    view
}

/// Problems of an AuthnRequest against the SP's configuration.
pub fn request_problems(e: &Entry, view: &SamlRequestView, opts: &TraceOptions) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |code: &str, expected: String, actual: String| Problem {
        entry: e.index,
        code: code.into(),
        expected,
        actual,
        explained: None,
    };
    if let (Some(want), Some(got)) = (&opts.sp_entity_id, &view.issuer)
        && want != got
    {
        out.push(at(
            "saml/entity-id-mismatch",
            format!("AuthnRequest Issuer {want} (the SP entity ID)"),
            format!("the app sent Issuer {got}"),
        ));
    }
    if let (Some(want), Some(got)) = (&opts.acs_url, &view.acs_url)
        && want != got
    {
        out.push(at(
            "saml/destination-mismatch",
            format!("AssertionConsumerServiceURL {want}"),
            format!("the app asked for the response at {got}"),
        ));
    }
    out
}

/// A decoded response and the problems found in it, in the order an SP meets them.
pub fn response_hop(
    e: &Entry,
    raw: &str,
    relay_state: Option<String>,
    sent: Option<&SamlRequestView>,
    opts: &TraceOptions,
) -> (SamlResponseView, Vec<Problem>, Vec<Problem>) {
    let mut view = SamlResponseView {
        relay_state: relay_state.clone(),
        ..SamlResponseView::default()
    };
    let mut hard = Vec::new();
    let mut soft = Vec::new();
    let at = |code: &str, expected: String, actual: String| Problem {
        entry: e.index,
        code: code.into(),
        expected,
        actual,
        explained: None,
    };
    let unreadable = |why: String| {
        at(
            "saml/signature-invalid",
            "a well-formed SAMLResponse an SP can verify".into(),
            format!("the SAMLResponse cannot be read safely: {why}"),
        )
    };
    let xml = match response::decode(raw) {
        Ok(x) => x,
        Err(why) => {
            view.unreadable = Some(why.clone());
            hard.push(unreadable(why));
            return (view, hard, soft);
        }
    };
    let r = match response::parse(&xml) {
        Ok(r) => r,
        Err(why) => {
            view.unreadable = Some(why.clone());
            hard.push(unreadable(why));
            return (view, hard, soft);
        }
    };
    let doc = match parse_xml(&xml) {
        Ok(d) => d,
        Err(why) => {
            hard.push(unreadable(why));
            return (view, hard, soft);
        }
    };
    let root = doc.root_element();
    let status_message =
        find(root, NS_PROTOCOL, "StatusMessage").map(crate::federation::saml::text_of);
    view.issuer = r.issuer.clone().or(r.assertion_issuer.clone());
    view.status = r.status.clone();
    view.status_message = status_message.clone();
    view.destination = r.destination.clone();
    view.in_response_to = r.in_response_to.clone();
    view.recipient = r.recipient.clone();
    view.audiences = r.audiences.clone();
    view.name_id = r.name_id.clone();
    view.attributes = r.attributes.iter().map(|(n, _)| n.clone()).collect();
    view.not_before = r.not_before.clone();
    view.not_on_or_after = r.not_on_or_after.clone();
    view.response_signed = r.response_signed;
    view.assertion_signed = r.assertion_signed;

    // The IdP refused: nothing else in the response matters.
    if r.status.as_deref().is_some_and(|s| s != SUCCESS) {
        let status = r.status.clone().unwrap_or_default();
        let text = format!("{status} {}", status_message.clone().unwrap_or_default());
        let (code, explained) = explain_text(&text);
        hard.push(Problem {
            explained,
            ..at(
                &code,
                "StatusCode Success with an assertion".into(),
                format!(
                    "the IdP answered {}{}",
                    status.rsplit(':').next().unwrap_or(&status),
                    status_message
                        .as_deref()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                ),
            )
        });
        return (view, hard, soft);
    }
    if !r.response_signed && !r.assertion_signed {
        hard.push(at(
            "saml/signature-invalid",
            "a signed response or assertion".into(),
            "neither the response nor the assertion is signed".into(),
        ));
    } else if let Some(md) = &opts.metadata {
        let certs = md.valid_certs();
        let element = if r.response_signed {
            Some(root)
        } else {
            root.descendants()
                .find(|n| n.has_tag_name((NS_ASSERTION, "Assertion")))
        };
        if let Some(element) = element {
            match dsig::verify_enveloped(element, &certs) {
                Ok(_) => view.signature_verified = Some(true),
                Err(why) => {
                    view.signature_verified = Some(false);
                    hard.push(at(
                        "saml/signature-invalid",
                        "a signature that verifies with the metadata's signing certificate".into(),
                        why,
                    ));
                }
            }
        }
    }
    if let Some(md) = &opts.metadata
        && let Some(issuer) = &view.issuer
        && !md.entity_id.is_empty()
        && issuer != &md.entity_id
    {
        hard.push(at(
            "saml/entity-id-mismatch",
            format!("Issuer {} (the metadata's entityID)", md.entity_id),
            format!("the response's Issuer is {issuer}"),
        ));
    }
    let audience = opts
        .sp_entity_id
        .clone()
        .or_else(|| sent.and_then(|s| s.issuer.clone()));
    if let Some(want) = audience
        && !r.audiences.is_empty()
        && !r.audiences.contains(&want)
    {
        hard.push(at(
            "saml/entity-id-mismatch",
            format!("Audience {want} (the SP entity ID)"),
            format!("the assertion's Audience is {}", r.audiences.join(", ")),
        ));
    }
    let posted_to = without_fragment(&e.url).to_string();
    for (label, value) in [("Destination", &r.destination), ("Recipient", &r.recipient)] {
        if let Some(v) = value
            && v != &posted_to
        {
            hard.push(at(
                "saml/destination-mismatch",
                format!("{label} {posted_to} (where the browser posted it)"),
                format!("{label} is {v}"),
            ));
        }
    }
    if let Some(want) = &opts.acs_url
        && want != &posted_to
    {
        hard.push(at(
            "saml/destination-mismatch",
            format!("the response posted to the ACS {want}"),
            format!("it was posted to {posted_to}"),
        ));
    }
    if let Some(req) = sent {
        if let (Some(id), Some(irt)) = (&req.id, &r.in_response_to)
            && id != irt
        {
            hard.push(at(
                "sso/state-mismatch",
                format!("InResponseTo {id} (the AuthnRequest's ID)"),
                format!("InResponseTo is {irt}"),
            ));
        }
        if req.relay_state.is_some() && req.relay_state != relay_state {
            hard.push(at(
                "sso/state-mismatch",
                "the RelayState sent with the AuthnRequest".into(),
                "a different or no RelayState came back".into(),
            ));
        }
    }
    if let Some(problem) = window_problem(e, &r) {
        hard.push(at(
            "saml/conditions-window",
            "the time the browser posted the response (±5 min) inside the assertion's window"
                .into(),
            problem,
        ));
    }
    let missing = response::missing_jit_attributes(&r);
    if !missing.is_empty() {
        soft.push(at(
            "saml/attribute-missing",
            "first name, last name and email attributes for just-in-time provisioning".into(),
            format!("the assertion has no {}", missing.join(", ")),
        ));
    }
    (view, hard, soft)
}

/// The assertion's window against the HAR's timestamp of the post (not today's clock).
fn window_problem(e: &Entry, r: &response::SamlResponse) -> Option<String> {
    let at = e.started?;
    let leeway = time::Duration::seconds(CLOCK_LEEWAY_SECS);
    if let Some(nb) = r.not_before.as_deref().and_then(parse_instant)
        && nb - leeway > at
    {
        return Some(format!(
            "NotBefore {} is {} s after the post ({}): the IdP's clock runs ahead or the SP's behind",
            r.not_before.as_deref().unwrap_or_default(),
            (nb - at).whole_seconds(),
            e.started_raw.as_deref().unwrap_or_default()
        ));
    }
    for raw in [&r.not_on_or_after, &r.scd_not_on_or_after] {
        if let Some(t) = raw.as_deref().and_then(parse_instant)
            && t + leeway <= at
        {
            return Some(format!(
                "NotOnOrAfter {} was {} s before the post: the response is expired or replayed",
                raw.as_deref().unwrap_or_default(),
                (at - t).whole_seconds()
            ));
        }
    }
    None
}
