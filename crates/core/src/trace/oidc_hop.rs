//! What an OIDC hop carries and what is wrong with it: the authorize request (client, tenant,
//! redirect URI) and the answer at the redirect URI (an IdP error, the state, an ID token).

use serde_json::Value;

use super::TraceOptions;
use super::entry::Entry;
use super::explain_text;
use super::model::{AuthorizeView, CallbackView, Problem};
use super::params::{get, host_of, origin_of};
use crate::federation::{CLOCK_LEEWAY_SECS, redirect};
use crate::jwt::UnverifiedJwt;

/// The authorize request's parameters, for display and for the callback's checks.
pub fn authorize_view(e: &Entry, q: &[(String, String)]) -> AuthorizeView {
    let s = |k: &str| get(q, k).map(str::to_string);
    AuthorizeView {
        client_id: s("client_id").unwrap_or_default(),
        redirect_uri: s("redirect_uri"),
        response_type: s("response_type").unwrap_or_default(),
        response_mode: s("response_mode"),
        scope: s("scope"),
        state: s("state"),
        nonce: s("nonce"),
        tenant: tenant_in_path(&e.url),
    }
}

/// The tenant segment of a Microsoft identity platform URL (`/{tenant}/oauth2/…`,
/// `/{tenant}/saml2`, `/{tenant}/v2.0`).
pub fn tenant_in_path(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let microsoft = host.starts_with("login.microsoftonline.")
        || host == "login.microsoft.com"
        || host.ends_with(".ciamlogin.com")
        || host == "sts.windows.net"
        || host.starts_with("login.partner.microsoftonline.");
    if !microsoft {
        return None;
    }
    parsed
        .path_segments()?
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Problems of an authorize request against what the admin configured.
pub fn authorize_problems(e: &Entry, view: &AuthorizeView, opts: &TraceOptions) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |code: &str, expected: String, actual: String| Problem {
        entry: e.index,
        code: code.into(),
        expected,
        actual,
        explained: None,
    };
    if let Some(want) = &opts.client_id
        && &view.client_id != want
    {
        out.push(at(
            "sso/tenant-routing",
            format!("client_id {want}"),
            format!("the app sent client_id {}", view.client_id),
        ));
    }
    if let Some(want) = &opts.tenant {
        let in_path = view.tenant.as_deref();
        let host = host_of(&e.url).unwrap_or_default();
        let matches = match in_path {
            Some(t) => t.eq_ignore_ascii_case(want),
            None => host.contains(&want.to_ascii_lowercase()),
        };
        if !matches {
            out.push(at(
                "sso/tenant-routing",
                format!("the sign-in goes to tenant {want}"),
                format!(
                    "it goes to {}",
                    in_path.map(|t| format!("tenant {t}")).unwrap_or(host)
                ),
            ));
        }
    }
    if let Some(issuer) = &opts.issuer
        && origin_of(issuer) != origin_of(&e.url)
    {
        out.push(at(
            "sso/tenant-routing",
            format!("the authorize request goes to the issuer's host ({issuer})"),
            format!("it goes to {}", origin_of(&e.url).unwrap_or_default()),
        ));
    } else if let Some(issuer) = &opts.issuer
        && let (Some(want), Some(got)) = (tenant_in_path(issuer), view.tenant.as_deref())
        && !want.eq_ignore_ascii_case(got)
    {
        out.push(at(
            "sso/tenant-routing",
            format!("tenant {want} (from the issuer {issuer})"),
            format!("the authorize request names tenant {got}"),
        ));
    }
    if let Some(sent) = &view.redirect_uri
        && let Some((registered, diff)) = closest_mismatch(&opts.redirect_uris, sent)
    {
        out.push(at(
            "sso/redirect-uri-mismatch",
            format!("redirect_uri {registered} (as registered)"),
            format!("the app sent redirect_uri {sent}: {}", diff.describe()),
        ));
    }
    out
}

/// `None` when `sent` equals one of the registered URIs (or differs only in a loopback port);
/// else the registered URI to show it against — the first on the same host when there is one,
/// so the difference named is the one the admin most likely has to fix.
fn closest_mismatch<'a>(
    registered: &'a [String],
    sent: &str,
) -> Option<(&'a String, redirect::Difference)> {
    let mut mismatches = Vec::new();
    for r in registered {
        match redirect::compare(r, sent) {
            None => return None,
            Some(_) if redirect::loopback_port_only(r, sent) => return None,
            Some(diff) => mismatches.push((r, diff)),
        }
    }
    let host = |u: &str| {
        url::Url::parse(u)
            .ok()
            .and_then(|p| p.host_str().map(str::to_ascii_lowercase))
    };
    let sent_host = host(sent);
    let pick = mismatches
        .iter()
        .position(|(r, _)| sent_host.is_some() && host(r) == sent_host)
        .unwrap_or(0);
    (!mismatches.is_empty()).then(|| mismatches.swap_remove(pick))
}

/// The answer at the redirect URI, for display.
pub fn callback_view(mode: &str, answer: &[(String, String)]) -> CallbackView {
    let s = |k: &str| get(answer, k).map(str::to_string);
    CallbackView {
        mode: mode.to_string(),
        has_code: get(answer, "code").is_some(),
        state: s("state"),
        error: s("error"),
        error_description: s("error_description").map(|d| super::params::mask_text(&d)),
        id_token_claims: get(answer, "id_token")
            .and_then(UnverifiedJwt::decode)
            .map(|t| t.claims),
    }
}

/// Problems of the answer at the redirect URI, in the order an app meets them.
pub fn callback_problems(
    e: &Entry,
    view: &CallbackView,
    sent: Option<&AuthorizeView>,
    opts: &TraceOptions,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |code: &str, expected: String, actual: String| Problem {
        entry: e.index,
        code: code.into(),
        expected,
        actual,
        explained: None,
    };
    if let Some(error) = &view.error {
        let text = format!(
            "error={error} error_description={}",
            view.error_description.clone().unwrap_or_default()
        );
        let (code, explained) = explain_text(&text);
        out.push(Problem {
            explained,
            ..at(
                &code,
                "an authorization code or ID token".into(),
                format!(
                    "the IdP answered error={error}{}",
                    view.error_description
                        .as_deref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ),
            )
        });
        return out;
    }
    if let Some(sent) = sent {
        let back = view.state.as_deref();
        if sent.state.as_deref() != back {
            out.push(at(
                "sso/state-mismatch",
                format!(
                    "state {} (as sent with the authorize request)",
                    sent.state.as_deref().unwrap_or("(none)")
                ),
                format!("state {} came back", back.unwrap_or("(none)")),
            ));
        }
    }
    if let Some(claims) = &view.id_token_claims {
        let issues = id_token_issues(claims, e, sent, opts);
        if !issues.is_empty() {
            out.push(at(
                "oidc/token-claims",
                "an ID token for this client, from the configured issuer, unexpired, with the nonce sent".into(),
                issues.join("; "),
            ));
        }
    }
    out
}

fn id_token_issues(
    claims: &Value,
    e: &Entry,
    sent: Option<&AuthorizeView>,
    opts: &TraceOptions,
) -> Vec<String> {
    let mut issues = Vec::new();
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if let Some(want) = &opts.issuer
        && iss != want
    {
        issues.push(format!("iss is `{iss}`, not `{want}`"));
    }
    let client = opts
        .client_id
        .clone()
        .or_else(|| sent.map(|s| s.client_id.clone()))
        .filter(|c| !c.is_empty());
    if let Some(client) = client {
        let aud_ok = match claims.get("aud") {
            Some(Value::String(a)) => a == &client,
            Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(client.as_str())),
            _ => false,
        };
        if !aud_ok {
            issues.push(format!(
                "aud is {}, which does not name the client {client}",
                claims
                    .get("aud")
                    .map(Value::to_string)
                    .unwrap_or("missing".into())
            ));
        }
    }
    if let (Some(exp), Some(at)) = (claims.get("exp").and_then(Value::as_i64), e.started)
        && exp + CLOCK_LEEWAY_SECS <= at.unix_timestamp()
    {
        issues.push(format!(
            "it had expired {} s before the browser delivered it",
            at.unix_timestamp() - exp
        ));
    }
    if let Some(nonce) = sent.and_then(|s| s.nonce.as_deref()) {
        match claims.get("nonce").and_then(Value::as_str) {
            Some(n) if n == nonce => {}
            Some(n) => issues.push(format!("nonce `{n}` is not the `{nonce}` that was sent")),
            None => issues.push("the nonce that was sent is missing from the token".into()),
        }
    }
    issues
}
