//! Start-up configuration of a testbed instance.
//!
//! Defaults give a working server with one well-known token and one OAuth client, so that
//! `Testbed::start(TestbedConfig::default())` is all a test or `preflight demo` needs.

use std::net::{Ipv4Addr, SocketAddr};

use crate::quirks::Quirks;

/// Scope needed for reads.
pub const SCOPE_READ: &str = "scim.read";
/// Scope needed for writes (POST, PUT, PATCH, DELETE).
pub const SCOPE_WRITE: &str = "scim.write";
/// Default static bearer token.
pub const DEMO_TOKEN: &str = "demo-token";
/// Default OAuth client id and secret.
pub const DEMO_CLIENT_ID: &str = "demo-client";
pub const DEMO_CLIENT_SECRET: &str = "demo-secret";
/// Default HS256 key. Fixed so that tokens stay valid across restarts of the demo binary.
pub const DEFAULT_JWT_SECRET: &[u8] = b"preflight-testbed-insecure-demo-signing-key-0001";

/// A bearer token accepted verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticToken {
    pub value: String,
    pub scopes: Vec<String>,
}

impl StaticToken {
    /// A token holding both `scim.read` and `scim.write`.
    pub fn read_write(value: impl Into<String>) -> StaticToken {
        StaticToken {
            value: value.into(),
            scopes: vec![SCOPE_READ.into(), SCOPE_WRITE.into()],
        }
    }
}

/// A client allowed to use the client-credentials grant at `/oauth2/token`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthClient {
    pub id: String,
    pub secret: String,
    /// Scopes the client may ask for; also what it gets when it asks for none.
    pub scopes: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct TestbedConfig {
    /// Where to listen. Port 0 picks a free port.
    pub bind: SocketAddr,
    /// Path prefix of the SCIM endpoints, without a trailing slash.
    pub base_path: String,
    pub tokens: Vec<StaticToken>,
    /// HS256 key for JWTs the testbed issues and accepts.
    pub jwt_secret: Vec<u8>,
    pub oauth_clients: Vec<OAuthClient>,
    pub quirks: Quirks,
    /// How many users to seed (one group holding the first two is always seeded).
    pub seed_users: usize,
}

impl Default for TestbedConfig {
    fn default() -> Self {
        TestbedConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            base_path: "/scim/v2".into(),
            tokens: vec![StaticToken::read_write(DEMO_TOKEN)],
            jwt_secret: DEFAULT_JWT_SECRET.to_vec(),
            oauth_clients: vec![OAuthClient {
                id: DEMO_CLIENT_ID.into(),
                secret: DEMO_CLIENT_SECRET.into(),
                scopes: vec![SCOPE_READ.into(), SCOPE_WRITE.into()],
            }],
            quirks: Quirks::none(),
            seed_users: 3,
        }
    }
}

impl TestbedConfig {
    /// The base path as used for routing: leading slash, no trailing slash.
    pub(crate) fn normalized_base_path(&self) -> String {
        let trimmed = self.base_path.trim().trim_end_matches('/');
        if trimmed.is_empty() {
            String::new()
        } else if trimmed.starts_with('/') {
            trimmed.to_string()
        } else {
            format!("/{trimmed}")
        }
    }
}
