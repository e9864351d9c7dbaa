//! Routing of requests under the SCIM base path to the endpoint handlers.
//!
//! Requests are dispatched by hand rather than with axum's router so that every outcome
//! (unknown path, wrong method, bad query) produces a SCIM Error body with the quirks
//! applied, instead of a framework default.

pub mod discovery;
pub mod groups;
pub mod resources;
pub mod users;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Response};
use serde_json::Value;

use crate::auth::{self, Need};
use crate::error::ScimError;
use crate::respond::Ctx;
use crate::schema::Kind;
use crate::state::AppState;

/// The parts of a request the SCIM handlers look at.
pub struct Req<'a> {
    pub method: &'a Method,
    pub headers: &'a HeaderMap,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
}

impl Req<'_> {
    /// A query parameter by case-insensitive name (the first one if repeated).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON. Accepts `application/scim+json`, `application/json` (any
    /// parameters) or no Content-Type at all; anything else is a 415.
    pub fn json_body(&self) -> Result<Value, ScimError> {
        if let Some(ct) = self.headers.get("content-type") {
            let media = ct
                .to_str()
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            let ok = media == "application/json"
                || media == "application/scim+json"
                || media.ends_with("+json");
            if !ok {
                return Err(ScimError::new(
                    415,
                    format!("Unsupported Content-Type '{media}'; send application/scim+json"),
                ));
            }
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ScimError::invalid_syntax("the request body is empty"));
        }
        serde_json::from_slice(self.body).map_err(|e| {
            ScimError::invalid_syntax(format!("the request body is not valid JSON: {e}"))
        })
    }

    /// The body as a JSON object.
    pub fn json_object(&self) -> Result<serde_json::Map<String, Value>, ScimError> {
        match self.json_body()? {
            Value::Object(o) => Ok(o),
            _ => Err(ScimError::invalid_syntax(
                "the request body must be a JSON object",
            )),
        }
    }
}

fn resource_kind(segment: &str) -> Option<Kind> {
    if segment.eq_ignore_ascii_case("Users") {
        Some(Kind::User)
    } else if segment.eq_ignore_ascii_case("Groups") {
        Some(Kind::Group)
    } else {
        None
    }
}

/// Handle a request whose path is under the base path; `segments` are the decoded path
/// segments after it.
pub fn route(state: &AppState, ctx: &Ctx, req: &Req<'_>, segments: &[String]) -> Response<Body> {
    match dispatch(state, ctx, req, segments) {
        Ok(resp) => resp,
        Err(e) => ctx.error(&e),
    }
}

fn dispatch(
    state: &AppState,
    ctx: &Ctx,
    req: &Req<'_>,
    segments: &[String],
) -> Result<Response<Body>, ScimError> {
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    let m = req.method;
    let first = seg.first().copied().unwrap_or("");
    if let Some(kind) = resource_kind(first) {
        return match (seg.len(), seg.get(1).copied()) {
            (1, _) => match *m {
                Method::GET => {
                    auth::authorize(state, ctx, req.headers, Need::Read, true)?;
                    resources::list_from_query(state, ctx, kind, req)
                }
                Method::POST => {
                    auth::authorize(state, ctx, req.headers, Need::Write, true)?;
                    resources::create(state, ctx, kind, req)
                }
                _ => Err(ScimError::method_not_allowed("GET, POST")),
            },
            (2, Some(".search")) => match *m {
                Method::POST => {
                    auth::authorize(state, ctx, req.headers, Need::Read, true)?;
                    resources::search(state, ctx, kind, req)
                }
                _ => Err(ScimError::method_not_allowed("POST")),
            },
            (2, Some(id)) => {
                let need = if *m == Method::GET {
                    Need::Read
                } else {
                    Need::Write
                };
                if ![Method::GET, Method::PUT, Method::PATCH, Method::DELETE].contains(m) {
                    return Err(ScimError::method_not_allowed("GET, PUT, PATCH, DELETE"));
                }
                auth::authorize(state, ctx, req.headers, need, true)?;
                match *m {
                    Method::GET => resources::get(state, ctx, kind, id, req),
                    Method::PUT => resources::replace(state, ctx, kind, id, req),
                    Method::PATCH => resources::patch(state, ctx, kind, id, req),
                    _ => resources::delete(state, ctx, kind, id),
                }
            }
            _ => Err(ScimError::not_found("Not found")),
        };
    }
    let discovery = ["ServiceProviderConfig", "ResourceTypes", "Schemas"]
        .iter()
        .any(|d| d.eq_ignore_ascii_case(first));
    if discovery
        && seg.len() <= 2
        && !(seg.len() == 2 && first.eq_ignore_ascii_case("ServiceProviderConfig"))
    {
        if *m != Method::GET {
            return Err(ScimError::method_not_allowed("GET"));
        }
        if ctx.on(&crate::quirks::Quirk::DiscoveryRequiresAuth) {
            auth::authorize(state, ctx, req.headers, Need::Read, false)?;
        }
        return discovery::handle(state, ctx, req, &seg);
    }
    if seg.len() == 1 && first.eq_ignore_ascii_case("Bulk") && *m != Method::POST {
        return Err(ScimError::method_not_allowed("POST"));
    }
    if seg.len() == 1 && (first.eq_ignore_ascii_case("Bulk") || first.eq_ignore_ascii_case("Me")) {
        return Err(ScimError::new(
            501,
            format!("/{first} is not implemented by this service provider"),
        ));
    }
    Err(ScimError::not_found("Not found"))
}
