//! `/_testbed/*`: control endpoints for tests that run the testbed as a separate process
//! (switch quirks, reset the store, read the request log). Outside the base path, never
//! logged and never affected by quirks, so a test can always recover the server.

use axum::body::Body;
use axum::http::{Method, Response};
use serde_json::{Value, json};

use crate::quirks::Quirks;
use crate::respond::{PLAIN_JSON, add_headers, raw};
use crate::state::AppState;

fn json_resp(status: u16, v: &Value) -> Response<Body> {
    raw(status, PLAIN_JSON, v.to_string())
}

fn no_content() -> Response<Body> {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = axum::http::StatusCode::NO_CONTENT;
    r
}

fn not_allowed(allow: &str) -> Response<Body> {
    let mut r = json_resp(
        405,
        &json!({"error": format!("method not allowed; use {allow}")}),
    );
    add_headers(&mut r, &[("allow", allow.to_string())]);
    r
}

pub fn handle(state: &AppState, method: &Method, path: &str, body: &[u8]) -> Response<Body> {
    match path.trim_end_matches('/') {
        "/_testbed/quirks" => match *method {
            Method::GET => json_resp(200, &json!({"quirks": state.quirks().to_string()})),
            Method::PUT => {
                let text = match serde_json::from_slice::<Value>(body) {
                    Ok(Value::Object(o)) => match o.get("quirks") {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Null) | None => String::new(),
                        Some(_) => {
                            return json_resp(
                                400,
                                &json!({"error": "\"quirks\" must be a string like \"a,b\""}),
                            );
                        }
                    },
                    _ => {
                        return json_resp(
                            400,
                            &json!({"error": "body must be {\"quirks\":\"a,b\"}"}),
                        );
                    }
                };
                match Quirks::parse(&text) {
                    Ok(q) => {
                        state.set_quirks(q);
                        no_content()
                    }
                    Err(e) => json_resp(400, &json!({"error": e.to_string()})),
                }
            }
            _ => not_allowed("GET, PUT"),
        },
        "/_testbed/reset" => match *method {
            Method::POST => {
                state.reset_store();
                no_content()
            }
            _ => not_allowed("POST"),
        },
        "/_testbed/requests" => match *method {
            Method::GET => {
                let entries: Vec<Value> = state
                    .request_log()
                    .into_iter()
                    .map(|r| {
                        json!({
                            "method": r.method,
                            "path": r.path,
                            "headers": r.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                            "body": r.body,
                        })
                    })
                    .collect();
                json_resp(200, &Value::Array(entries))
            }
            Method::DELETE => {
                state.clear_request_log();
                no_content()
            }
            _ => not_allowed("GET, DELETE"),
        },
        _ => json_resp(404, &json!({"error": "unknown testbed admin endpoint"})),
    }
}
