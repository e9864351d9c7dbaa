//! `Req`: what a check asks the probe to send. Checks never build headers with credentials
//! themselves; they say which credential to use and the probe applies it.

/// Which credential a request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthMode {
    /// The run's real credential, exactly as the IdP would send it.
    Target,
    /// No `Authorization` header.
    None,
    /// A well-formed but wrong bearer token, to see whether the server really checks.
    Bogus,
}

/// The wrong token sent by [`AuthMode::Bogus`]: obviously not a credential.
pub const BOGUS_TOKEN: &str = "preflight-deliberately-wrong-token";

#[derive(Clone, Debug)]
pub struct Req {
    pub method: String,
    /// Path and query relative to the base URL (`/Users?count=1`), or an absolute URL.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub auth: AuthMode,
    pub purpose: Option<String>,
}

impl Req {
    pub fn new(method: &str, path: impl Into<String>) -> Req {
        Req {
            method: method.to_string(),
            path: path.into(),
            headers: vec![("accept".into(), "application/scim+json".into())],
            body: None,
            auth: AuthMode::Target,
            purpose: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Req {
        Req::new("GET", path)
    }

    pub fn auth(mut self, mode: AuthMode) -> Req {
        self.auth = mode;
        self
    }

    pub fn purpose(mut self, purpose: impl Into<String>) -> Req {
        self.purpose = Some(purpose.into());
        self
    }

    /// Set (or replace) a header; `None` removes it.
    pub fn header(mut self, name: &str, value: Option<&str>) -> Req {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        if let Some(v) = value {
            self.headers
                .push((name.to_ascii_lowercase(), v.to_string()));
        }
        self
    }

    pub fn json_body(mut self, body: &serde_json::Value) -> Req {
        self.body = Some(body.to_string().into_bytes());
        self.header("content-type", Some("application/scim+json"))
    }

    /// Identity of a request for the per-run cache: identical GETs are sent once.
    pub(crate) fn cache_key(&self) -> Option<String> {
        if self.method != "GET" {
            return None;
        }
        let mut headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect();
        headers.sort();
        Some(format!(
            "{:?} {} {}",
            self.auth,
            self.path,
            headers.join("|")
        ))
    }
}
