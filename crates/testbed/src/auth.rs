//! Bearer-token authentication and scope checks for SCIM endpoints (RFC 6750 §3,
//! RFC 7644 §2 and §3.12), including the auth-related quirks.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;

use crate::config::{SCOPE_READ, SCOPE_WRITE};
use crate::error::ScimError;
use crate::jwt;
use crate::quirks::Quirk;
use crate::respond::Ctx;
use crate::state::{AppState, JWT_AUDIENCE};

pub const REALM: &str = "preflight-testbed";

/// What a request needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Read,
    Write,
}

impl Need {
    fn scope(self) -> &'static str {
        match self {
            Need::Read => SCOPE_READ,
            Need::Write => SCOPE_WRITE,
        }
    }
}

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What the `Authorization` header held.
enum Presented<'a> {
    Nothing,
    /// Another scheme (Basic, …): treated like no credential, per RFC 6750 §3.1.
    OtherScheme,
    Bearer(&'a str),
}

fn presented(headers: &HeaderMap) -> Result<Presented<'_>, ScimError> {
    let Some(raw) = headers.get("authorization") else {
        return Ok(Presented::Nothing);
    };
    let Ok(text) = raw.to_str() else {
        return Err(invalid("The Authorization header is not valid text"));
    };
    let text = text.trim();
    let (scheme, rest) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(Presented::OtherScheme);
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() {
        return Err(invalid("The access token is empty"));
    }
    Ok(Presented::Bearer(token))
}

fn challenge_missing() -> String {
    format!("Bearer realm=\"{REALM}\"")
}

fn invalid(description: &str) -> ScimError {
    ScimError::new(401, format!("Unauthorized: {description}")).with_header(
        "www-authenticate",
        format!(
            "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{description}\""
        ),
    )
}

fn insufficient(scope: &str) -> ScimError {
    ScimError::new(
        403,
        format!("Forbidden: the access token lacks the {scope} scope"),
    )
    .with_header(
        "www-authenticate",
        format!("Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{scope}\""),
    )
}

/// Compare without an early exit, so timing does not reveal how much of a token matched.
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Scopes of a valid token, or the 401 to answer.
fn validate(state: &AppState, token: &str) -> Result<Vec<String>, ScimError> {
    if let Some(t) = state.tokens.iter().find(|t| same_secret(&t.value, token)) {
        return Ok(t.scopes.clone());
    }
    if jwt::looks_like_jwt(token) {
        return jwt::verify(
            &state.jwt_secret,
            token,
            &state.origin,
            JWT_AUDIENCE,
            now_secs(),
        )
        .map(|claims| jwt::scopes(&claims))
        .map_err(|e| invalid(e.description()));
    }
    if token.chars().any(char::is_whitespace) {
        return Err(invalid("The access token is malformed"));
    }
    Err(invalid("The access token is not recognised"))
}

/// Check the request's credential. `data` is true for Users/Groups (false for discovery,
/// which only gets here under `discovery-requires-auth`).
pub fn authorize(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    need: Need,
    data: bool,
) -> Result<(), ScimError> {
    if ctx.on(&Quirk::AuthOff) {
        return Ok(());
    }
    let token = match presented(headers)? {
        Presented::Bearer(t) => t,
        Presented::Nothing => {
            return Err(
                ScimError::new(401, "Unauthorized: no access token was sent")
                    .with_header("www-authenticate", challenge_missing()),
            );
        }
        Presented::OtherScheme => {
            return Err(ScimError::new(
                401,
                "Unauthorized: this endpoint accepts only Bearer tokens",
            )
            .with_header("www-authenticate", challenge_missing()));
        }
    };
    let mut scopes = validate(state, token)?;
    if ctx.on(&Quirk::TokenExpiredMessage) {
        return Err(invalid("token expired"));
    }
    if ctx.on(&Quirk::ScopeReadOnly) {
        scopes = vec![SCOPE_READ.to_string()];
    }
    if data && ctx.on(&Quirk::Always403) {
        return Err(insufficient(SCOPE_READ));
    }
    let needed = need.scope();
    if !scopes.iter().any(|s| s == needed) {
        return Err(insufficient(needed));
    }
    Ok(())
}
