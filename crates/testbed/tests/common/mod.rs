//! Helpers shared by the HTTP tests: start a testbed, send requests without following
//! redirects, read status, headers and JSON.

#![allow(dead_code)]

use std::time::Duration;

use preflight_testbed::{Quirks, Testbed, TestbedConfig};
use reqwest::Method;
use serde_json::Value;

pub const TOKEN: &str = "demo-token";
pub const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

pub async fn start() -> Testbed {
    start_with(TestbedConfig::default()).await
}

pub async fn start_with(cfg: TestbedConfig) -> Testbed {
    Testbed::start(cfg).await.expect("testbed starts")
}

pub async fn start_quirks(q: &str) -> Testbed {
    start_with(TestbedConfig {
        quirks: Quirks::parse(q).expect("valid quirks"),
        ..TestbedConfig::default()
    })
    .await
}

pub fn client() -> reqwest::Client {
    // In a workspace build, reqwest's features unify with preflight-core's
    // `rustls-no-provider`, which needs a process-wide crypto provider for a plain Client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?} (status {})", self.text, self.status))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    /// Assert a SCIM Error with this status (as a string) and scimType.
    pub fn assert_scim_error(&self, status: u16, scim_type: Option<&str>) {
        assert_eq!(self.status, status, "body: {}", self.text);
        let body = self.json();
        assert_eq!(body["schemas"][0], ERROR, "{body}");
        assert_eq!(body["status"], Value::String(status.to_string()), "{body}");
        assert!(body["detail"].is_string(), "{body}");
        match scim_type {
            Some(t) => assert_eq!(body["scimType"], t, "{body}"),
            None => assert!(body.get("scimType").is_none(), "{body}"),
        }
        assert!(self.content_type().starts_with("application/scim+json"));
    }
}

/// Send a request. `token` None sends no Authorization header.
pub async fn send(method: Method, url: &str, token: Option<&str>, body: Option<&Value>) -> Resp {
    let mut req = client().request(method, url);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        req = req
            .header("content-type", "application/scim+json")
            .body(b.to_string());
    }
    finish(req).await
}

pub async fn finish(req: reqwest::RequestBuilder) -> Resp {
    let resp = req.send().await.expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    Resp {
        status,
        headers,
        text,
    }
}

pub async fn get(url: &str) -> Resp {
    send(Method::GET, url, Some(TOKEN), None).await
}

pub async fn get_anon(url: &str) -> Resp {
    send(Method::GET, url, None, None).await
}

pub async fn post(url: &str, body: &Value) -> Resp {
    send(Method::POST, url, Some(TOKEN), Some(body)).await
}

pub async fn put(url: &str, body: &Value) -> Resp {
    send(Method::PUT, url, Some(TOKEN), Some(body)).await
}

pub async fn patch(url: &str, ops: Value) -> Resp {
    let body = serde_json::json!({"schemas": [PATCH_OP], "Operations": ops});
    send(Method::PATCH, url, Some(TOKEN), Some(&body)).await
}

pub async fn delete(url: &str) -> Resp {
    send(Method::DELETE, url, Some(TOKEN), None).await
}

/// A minimal valid user body.
pub fn new_user(user_name: &str) -> Value {
    serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
        "externalId": format!("ext-{user_name}"),
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"value": user_name, "type": "work", "primary": true}],
        "active": true
    })
}

/// Create a user and return its id.
pub async fn create_user(tb: &Testbed, user_name: &str) -> String {
    let r = post(&format!("{}/Users", tb.base_url()), &new_user(user_name)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}

/// URL-encode a query value (spaces as %20, quotes, etc.).
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn users_url(tb: &Testbed) -> String {
    format!("{}/Users", tb.base_url())
}

pub fn groups_url(tb: &Testbed) -> String {
    format!("{}/Groups", tb.base_url())
}
