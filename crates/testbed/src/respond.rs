//! Turning handler results into HTTP responses, with the response-shaping quirks applied
//! in one place (content type, error `status` type, 404 replacements, list shape).

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};
use serde_json::{Value, json};

use crate::error::ScimError;
use crate::quirks::{HOSTILE_HEADER, HOSTILE_TEXT, Quirk, Quirks};
use crate::schema::{ERROR_SCHEMA, LIST_RESPONSE};

pub const SCIM_JSON: &str = "application/scim+json";
pub const PLAIN_JSON: &str = "application/json";

/// Host used by `wrong-host-location`.
pub const WRONG_HOST_ORIGIN: &str = "https://other-tenant.example.invalid";

/// Per-request view: the quirks in force when the request arrived and the URLs to print.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub quirks: Quirks,
    /// SCIM base URL as the client addressed it (scheme, Host header, base path).
    pub base_url: String,
    /// Base used for `meta.location` and `Location` (differs under `wrong-host-location`).
    pub location_base: String,
}

impl Ctx {
    pub fn new(quirks: Quirks, origin: &str, base_path: &str) -> Ctx {
        let base_url = format!("{origin}{base_path}");
        let location_base = if quirks.is_on(&Quirk::WrongHostLocation) {
            format!("{WRONG_HOST_ORIGIN}{base_path}")
        } else {
            base_url.clone()
        };
        Ctx {
            quirks,
            base_url,
            location_base,
        }
    }

    pub fn on(&self, q: &Quirk) -> bool {
        self.quirks.is_on(q)
    }

    fn content_type(&self) -> &'static str {
        if self.on(&Quirk::JsonContentType) {
            PLAIN_JSON
        } else {
            SCIM_JSON
        }
    }

    /// A SCIM JSON response.
    pub fn json(&self, status: u16, body: &Value) -> Response<Body> {
        if self.on(&Quirk::HostileText) {
            let mut body = body.clone();
            make_display_names_hostile(&mut body);
            let mut resp = raw(status, self.content_type(), body.to_string());
            resp.headers_mut()
                .insert("x-hostile-text", HeaderValue::from_static(HOSTILE_HEADER));
            return resp;
        }
        raw(status, self.content_type(), body.to_string())
    }

    /// A SCIM JSON response with extra headers.
    pub fn json_with(
        &self,
        status: u16,
        body: &Value,
        headers: &[(&'static str, String)],
    ) -> Response<Body> {
        let mut resp = self.json(status, body);
        add_headers(&mut resp, headers);
        resp
    }

    pub fn no_content(&self) -> Response<Body> {
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::NO_CONTENT;
        resp
    }

    /// A SCIM Error response.
    pub fn error(&self, e: &ScimError) -> Response<Body> {
        if e.unknown_id && self.on(&Quirk::NotFound200) {
            return self.json(200, &json!({}));
        }
        if e.unknown_id && self.on(&Quirk::NotFoundPlain) {
            return raw(404, "text/plain; charset=utf-8", "Not Found".into());
        }
        let status = if self.on(&Quirk::ErrorStatusInt) {
            json!(e.status)
        } else {
            json!(e.status.to_string())
        };
        let detail = if self.on(&Quirk::HostileText) {
            format!("{HOSTILE_TEXT} {}", e.detail)
        } else {
            e.detail.clone()
        };
        let mut body = json!({ "schemas": [ERROR_SCHEMA], "status": status, "detail": detail });
        if let Some(t) = e.scim_type {
            body["scimType"] = json!(t);
        }
        let drop_challenge = e.status == 401 && self.on(&Quirk::NoWwwAuthenticate);
        let headers: Vec<(&'static str, String)> = e
            .headers
            .iter()
            .filter(|(n, _)| !(drop_challenge && n.eq_ignore_ascii_case("www-authenticate")))
            .cloned()
            .collect();
        self.json_with(e.status, &body, &headers)
    }

    /// A `ListResponse` body (RFC 7644 §3.4.2), or the broken shape under `list-shape-broken`.
    pub fn list_body(&self, total: usize, start_index: usize, items: Vec<Value>) -> Value {
        let count = items.len();
        if self.on(&Quirk::ListShapeBroken) {
            return json!({
                "totalResults": total.to_string(),
                "itemsPerPage": count,
                "startIndex": start_index,
                "resources": items,
            });
        }
        json!({
            "schemas": [LIST_RESPONSE],
            "totalResults": total,
            "itemsPerPage": count,
            "startIndex": start_index,
            "Resources": items,
        })
    }
}

/// `hostile-text`: every `displayName` string, at any depth, gets [`HOSTILE_TEXT`] in front.
fn make_display_names_hostile(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key == "displayName" => {
                        *s = format!("{HOSTILE_TEXT} {s}");
                    }
                    other => make_display_names_hostile(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_display_names_hostile),
        _ => {}
    }
}

/// A response with a fixed content type and body.
pub fn raw(status: u16, content_type: &'static str, body: String) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    resp
}

pub fn add_headers(resp: &mut Response<Body>, headers: &[(&'static str, String)]) {
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            resp.headers_mut().append(*name, v);
        }
    }
}
