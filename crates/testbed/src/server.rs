//! The single HTTP entry point: body limit, request log, the quirks that replace whole
//! responses (slow, redirect, HTML login page, other JSON, rate limit), then routing to the
//! admin, OAuth or SCIM handlers.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Response};
use serde_json::json;

use crate::error::ScimError;
use crate::handlers::{self, Req};
use crate::quirks::Quirk;
use crate::respond::{Ctx, PLAIN_JSON, add_headers, raw};
use crate::state::{AppState, LoggedRequest, MAX_LOGGED_BODY};
use crate::util::percent_decode;
use crate::{admin, oauth};

/// Largest request body accepted (1 MiB); larger ones get 413.
pub const MAX_BODY: usize = 1024 * 1024;
/// Path of the OAuth token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/token";
/// Prefix of the admin endpoints.
pub const ADMIN_PREFIX: &str = "/_testbed";

/// The login page served under `html-login-page`.
const LOGIN_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body><h1>Sign in to continue</h1>\n<form method=\"post\" action=\"/login\"><label>Email <input name=\"username\"></label>\n<label>Password <input type=\"password\" name=\"password\"></label>\n<button type=\"submit\">Sign in</button></form></body></html>\n";

/// `http://<Host header>` when the header is a plain host[:port], else the bound origin.
/// URLs in responses then match what the client dialled (localhost vs 127.0.0.1).
fn request_origin(headers: &HeaderMap, fallback: &str) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if plain {
        format!("http://{host}")
    } else {
        fallback.to_string()
    }
}

/// Quirks that answer every non-admin, non-token request the same way.
fn whole_response_quirk(
    state: &AppState,
    ctx: &Ctx,
    path_and_query: &str,
) -> Option<Response<Body>> {
    if ctx.on(&Quirk::Redirect) {
        let mut resp = raw(
            302,
            "text/html; charset=utf-8",
            "<a href=\"elsewhere\">Moved</a>".into(),
        );
        let target = format!("http://127.0.0.2:{}{}", state.port, path_and_query);
        add_headers(&mut resp, &[("location", target)]);
        return Some(resp);
    }
    if ctx.on(&Quirk::HtmlLoginPage) {
        return Some(raw(200, "text/html; charset=utf-8", LOGIN_PAGE.into()));
    }
    if ctx.on(&Quirk::OtherJson) {
        let body = json!({"status": "ok", "service": "some-other-api"});
        return Some(raw(200, PLAIN_JSON, body.to_string()));
    }
    None
}

/// `rate-limit`: every other SCIM request (the 1st, 3rd, …), or the first N when given.
fn rate_limited(state: &AppState, ctx: &Ctx) -> Option<ScimError> {
    let (with_header, limit) = ctx
        .quirks
        .iter()
        .find_map(|q| match q {
            Quirk::RateLimitNoRetryAfter(n) => Some((false, *n)),
            _ => None,
        })
        .or_else(|| {
            ctx.quirks.iter().find_map(|q| match q {
                Quirk::RateLimit(n) => Some((true, *n)),
                _ => None,
            })
        })?;
    let seen = state.next_scim_request();
    let limited = match limit {
        None => seen.is_multiple_of(2),
        Some(n) => seen < u64::from(n),
    };
    if !limited {
        return None;
    }
    let e = ScimError::new(429, "Too many requests; slow down");
    Some(if with_header {
        e.with_header("retry-after", "1")
    } else {
        e
    })
}

pub async fn entry(State(state): State<Arc<AppState>>, req: Request) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let is_admin = path == ADMIN_PREFIX || path.starts_with(&format!("{ADMIN_PREFIX}/"));
    let quirks = if is_admin {
        Default::default()
    } else {
        state.quirks()
    };
    let origin = request_origin(&parts.headers, &state.origin);
    let ctx = Ctx::new(quirks, &origin, &state.base_path);

    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return ctx.error(&ScimError::new(
                413,
                format!("Request body larger than {MAX_BODY} bytes"),
            ));
        }
    };
    if is_admin {
        return admin::handle(&state, &parts.method, &path, &bytes);
    }
    let logged_body = &bytes[..bytes.len().min(MAX_LOGGED_BODY)];
    state.log_request(LoggedRequest {
        method: parts.method.to_string(),
        path: path_and_query.clone(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(logged_body).into_owned(),
    });
    if let Some(ms) = ctx.quirks.slow_ms() {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if path == TOKEN_PATH {
        return oauth::handle(&state, &parts, &bytes);
    }
    if let Some(resp) = whole_response_quirk(&state, &ctx, &path_and_query) {
        return resp;
    }
    let base = state.base_path.as_str();
    let rest = if path == base {
        Some("")
    } else {
        path.strip_prefix(base).filter(|r| r.starts_with('/'))
    };
    let Some(rest) = rest else {
        return ctx.error(&ScimError::not_found("Not found"));
    };
    if let Some(e) = rate_limited(&state, &ctx) {
        return ctx.error(&e);
    }
    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s, false))
        .collect();
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let req = Req {
        method: &parts.method,
        headers: &parts.headers,
        query,
        body: &bytes,
    };
    handlers::route(&state, &ctx, &req, &segments)
}
