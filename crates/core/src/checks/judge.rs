//! Judgement pieces several checks share: turning an exchange that went wrong into the most
//! specific verdict, and describing evidence in a finding.

use crate::check::{Cause, Verdict};
use crate::exchange::{Exchange, RecordedResponse};
use crate::scim::{BearerChallenge, ScimError, diagnosis_for_error};

/// The gate every network check waits for: the endpoint answered like SCIM.
pub const ENDPOINT_GATE: &str = "scim/endpoint-reachable";
/// The gate for checks that read data: the real credential was accepted.
pub const TOKEN_GATE: &str = "auth/users-accepts-token";

/// `401 application/scim+json` / `timeout` — the short "actual" of a finding.
pub fn outcome(x: &Exchange) -> String {
    match (&x.response, &x.failure) {
        (Some(r), _) => {
            let media = r.media_type().unwrap_or_else(|| "no content type".into());
            let detail = ScimError::parse(&r.body)
                .and_then(|e| e.detail)
                .map(|d| format!(": {}", clip(&d, 160)))
                .unwrap_or_default();
            let cut = if r.body_truncated {
                " (body larger than the size cap; only its start was read)"
            } else {
                ""
            };
            format!("{} {}{}{}", r.status, media, detail, cut)
        }
        (None, Some(f)) => format!("no response: {} ({})", f.message, f.code),
        (None, None) => "no response".into(),
    }
}

pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// Is this answer a web page (a login page, an app shell) rather than an API's? An empty body
/// with a `WWW-Authenticate` challenge is an API refusing a credential even when it is labelled
/// `text/html`, as Django labels django-scim2's bare 401.
pub fn is_web_page(r: &RecordedResponse) -> bool {
    r.looks_like_html() && !(r.body.trim().is_empty() && r.header("www-authenticate").is_some())
}

/// A verdict for an exchange that did not produce the expected success, naming the most
/// specific cause the evidence supports. `expected` describes what should have happened.
pub fn unexpected(x: &Exchange, expected: &str) -> Verdict {
    let evidence = vec![x.id.clone()];
    let Some(r) = &x.response else {
        let code = x
            .failure
            .as_ref()
            .map(|f| f.code.clone())
            .unwrap_or_else(|| "net/connection-refused".into());
        return Verdict::fail(expected, outcome(x), evidence, Cause::new(&code));
    };
    if r.is_redirect() {
        let to = r.header("location").unwrap_or("(no Location header)");
        return Verdict::fail(
            expected,
            outcome(x),
            evidence,
            Cause::new("url/redirects").detail(format!("It redirects to {to}.")),
        );
    }
    // A 502/503/504 page from a gateway is HTML too, but says the service behind it failed.
    if r.status >= 500 {
        return Verdict::fail(
            expected,
            outcome(x),
            evidence,
            Cause::new("scim/server-error"),
        );
    }
    if is_web_page(r) {
        return Verdict::fail(
            expected,
            format!("{} with an HTML page", r.status),
            evidence,
            Cause::new("url/not-scim").detail("The URL answers with a web page (often a login page or an app shell), not the SCIM API."),
        );
    }
    match r.status {
        401 => Verdict::fail(expected, outcome(x), evidence, cause_for_401(x)),
        403 => Verdict::fail(expected, outcome(x), evidence, cause_for_403(x)),
        429 => Verdict::fail(
            expected,
            outcome(x),
            evidence,
            Cause::new("scim/rate-limited"),
        ),
        // Content negotiation refused (RFC 9110 §15.5.7, §15.5.16): the media type, not the error body.
        406 | 415 => Verdict::fail(
            expected,
            outcome(x),
            evidence,
            Cause::new("scim/content-type"),
        ),
        404 if collection_path(x).is_some() => {
            Verdict::fail(expected, outcome(x), evidence, missing_collection(x))
        }
        s => {
            let scim_type = ScimError::parse(&r.body).and_then(|e| e.scim_type);
            Verdict::fail(
                expected,
                outcome(x),
                evidence,
                Cause::new(diagnosis_for_error(s, scim_type.as_deref())),
            )
        }
    }
}

/// `Users` or `Groups` when the request was for a whole collection (not one resource).
fn collection_path(x: &Exchange) -> Option<&'static str> {
    let path = url::Url::parse(&x.request.url)
        .ok()?
        .path()
        .trim_end_matches('/')
        .to_ascii_lowercase();
    if path.ends_with("/groups") {
        Some("Groups")
    } else if path.ends_with("/users") {
        Some("Users")
    } else {
        None
    }
}

/// A 404 for a whole collection: the endpoint does not exist, which is not the same as an
/// unknown resource id (`scim/not-found-status`).
fn missing_collection(x: &Exchange) -> Cause {
    match collection_path(x) {
        Some("Groups") => Cause::new("scim/list-response-shape").detail(
            "The target has no /Groups endpoint. If it does not support groups, turn group provisioning off in the IdP \
             (Entra: Mappings > Provision Microsoft Entra ID Groups > Enabled: No; Okta: uncheck Push Groups).",
        ),
        _ => Cause::new("url/not-scim")
            .detail("The /Users endpoint does not exist under this base URL.")
            .candidates(&["url/missing-version-segment", "url/wrong-tenant"]),
    }
}

/// A 401 on a request that carried the real credential.
pub fn cause_for_401(x: &Exchange) -> Cause {
    let challenge = x
        .response
        .as_ref()
        .and_then(|r| r.header("www-authenticate"))
        .map(BearerChallenge::parse);
    match challenge {
        Some(c) if c.says_expired() => Cause::new("auth/token-expired").detail(format!(
            "The server says: {}",
            c.error_description.unwrap_or_default()
        )),
        _ => Cause::new("auth/token-rejected").candidates(&[
            "auth/token-expired",
            "auth/token-malformed",
            "url/wrong-tenant",
        ]),
    }
}

/// A 403 on a request that carried the real credential: name the scope when the server did.
pub fn cause_for_403(x: &Exchange) -> Cause {
    let challenge = x
        .response
        .as_ref()
        .and_then(|r| r.header("www-authenticate"))
        .map(BearerChallenge::parse);
    let needed = if x.request.method == "GET" {
        "scim.read"
    } else {
        "scim.write"
    };
    match challenge.and_then(|c| c.scope) {
        Some(scope) => Cause::new("auth/insufficient-scope")
            .detail(format!("The server asks for the scope `{scope}`.")),
        None => Cause::new("auth/insufficient-scope").detail(format!(
            "The token is valid but not allowed to {} (on targets that use scopes: `{needed}`).",
            if needed == "scim.read" {
                "read"
            } else {
                "write"
            }
        )),
    }
}
