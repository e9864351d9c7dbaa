//! OAuth 2.0 client-credentials token endpoint (RFC 6749 §4.4), `POST /oauth2/token`.
//!
//! Issues HS256 JWTs the SCIM endpoints accept. Never returns a refresh token: RFC 6749
//! §4.4.3 says a refresh token SHOULD NOT be included for this grant, and Preflight checks
//! that integrations do not expect one.

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Method, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::auth::{REALM, now_secs};
use crate::config::OAuthClient;
use crate::jwt;
use crate::respond::{PLAIN_JSON, add_headers, raw};
use crate::state::{AppState, JWT_AUDIENCE, JWT_TENANT};
use crate::util::percent_decode;

/// Lifetime of issued tokens, in seconds.
pub const TOKEN_LIFETIME: i64 = 3600;

fn oauth_error(status: u16, error: &str, description: &str) -> Response<Body> {
    let body = json!({"error": error, "error_description": description});
    let mut resp = raw(status, PLAIN_JSON, body.to_string());
    add_headers(
        &mut resp,
        &[
            ("cache-control", "no-store".into()),
            ("pragma", "no-cache".into()),
        ],
    );
    resp
}

/// Client id and secret from `Authorization: Basic` (each form-urlencoded, RFC 6749 §2.3.1).
fn basic_credentials(parts: &Parts) -> Option<Option<(String, String)>> {
    let header = parts.headers.get("authorization")?.to_str().ok()?;
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD
        .decode(rest.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    Some(decoded.and_then(|text| {
        let (id, secret) = text.split_once(':')?;
        Some((percent_decode(id, true), percent_decode(secret, true)))
    }))
}

/// Issue a token for `client` with `scopes`, as the token endpoint and tests do.
pub fn issue(
    state: &AppState,
    subject: &str,
    client_id: Option<&str>,
    scopes: &[String],
    lifetime: i64,
) -> String {
    let now = now_secs();
    let mut claims = json!({
        "iss": state.origin,
        "sub": subject,
        "aud": JWT_AUDIENCE,
        "iat": now,
        "exp": now + lifetime,
        "scope": scopes.join(" "),
        "tid": JWT_TENANT,
    });
    if let Some(id) = client_id {
        claims["client_id"] = Value::String(id.to_string());
    }
    jwt::sign(&state.jwt_secret, &claims)
}

pub fn handle(state: &AppState, parts: &Parts, body: &[u8]) -> Response<Body> {
    if parts.method != Method::POST {
        let mut resp = oauth_error(
            405,
            "invalid_request",
            "The token endpoint accepts only POST",
        );
        add_headers(&mut resp, &[("allow", "POST".into())]);
        return resp;
    }
    let form_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if form_type.as_deref() != Some("application/x-www-form-urlencoded") {
        return oauth_error(
            400,
            "invalid_request",
            "Send the request as application/x-www-form-urlencoded",
        );
    }
    let params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let mut seen: Vec<&str> = Vec::new();
    for (k, _) in &params {
        if seen.contains(&k.as_str()) {
            return oauth_error(
                400,
                "invalid_request",
                "A parameter was sent more than once",
            );
        }
        seen.push(k);
    }
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(grant_type) = param("grant_type") else {
        return oauth_error(400, "invalid_request", "grant_type is missing");
    };
    let basic = basic_credentials(parts);
    let body_creds =
        param("client_id").map(|id| (id.to_string(), param("client_secret").map(str::to_string)));
    let used_basic = basic.is_some();
    let (id, secret) = match (basic, body_creds) {
        (Some(_), Some((_, Some(_)))) => {
            return oauth_error(
                400,
                "invalid_request",
                "Use one client authentication method, not both",
            );
        }
        (Some(Some((id, secret))), _) => (id, Some(secret)),
        (Some(None), _) => (String::new(), None),
        (None, Some((id, secret))) => (id, secret),
        (None, None) => (String::new(), None),
    };
    let client: Option<&OAuthClient> = state
        .clients
        .iter()
        .find(|c| c.id == id && secret.as_deref() == Some(c.secret.as_str()));
    let Some(client) = client else {
        let mut resp = oauth_error(401, "invalid_client", "Client authentication failed");
        if used_basic {
            add_headers(
                &mut resp,
                &[("www-authenticate", format!("Basic realm=\"{REALM}\""))],
            );
        }
        return resp;
    };
    if grant_type != "client_credentials" {
        return oauth_error(
            400,
            "unsupported_grant_type",
            "Only the client_credentials grant is supported",
        );
    }
    let scopes: Vec<String> = match param("scope") {
        Some(s) if !s.trim().is_empty() => s.split_whitespace().map(str::to_string).collect(),
        _ => client.scopes.clone(),
    };
    if let Some(bad) = scopes.iter().find(|s| !client.scopes.contains(s)) {
        return oauth_error(
            400,
            "invalid_scope",
            &format!("Scope {bad} is not available to this client"),
        );
    }
    let token = issue(state, &client.id, Some(&client.id), &scopes, TOKEN_LIFETIME);
    let body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME,
        "scope": scopes.join(" "),
    });
    let mut resp = raw(200, PLAIN_JSON, body.to_string());
    add_headers(
        &mut resp,
        &[
            ("cache-control", "no-store".into()),
            ("pragma", "no-cache".into()),
        ],
    );
    resp
}
