//! The live transport: reqwest over rustls, with the network rules every IdP-facing request
//! needs — no redirect following (so `Authorization` never crosses origins and 3xx is
//! reported), explicit timeouts, a body cap, environment proxies, and an optional extra CA.

use async_trait::async_trait;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::classify::classify;
use super::transport::{Incoming, Outgoing, Transport, TransportError};

/// Network settings for a run. Defaults follow the foundation spec: 10 s connect, 30 s total,
/// 8 MiB body cap.
#[derive(Clone, Debug)]
pub struct NetConfig {
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub body_cap: usize,
    /// PEM file with extra trusted CA certificates (enterprise TLS inspection, private CAs).
    pub ca_file: Option<PathBuf>,
    pub user_agent: String,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            body_cap: 8 * 1024 * 1024,
            ca_file: None,
            user_agent: format!("preflight/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Why the HTTP client could not be built; shown to the admin as-is.
#[derive(Debug, thiserror::Error)]
pub enum NetConfigError {
    #[error("cannot read the CA file {0}: {1}. Check the path given to --ca-file")]
    CaFileUnreadable(PathBuf, String),
    #[error("the CA file {0} contains no PEM certificate (expected -----BEGIN CERTIFICATE-----)")]
    CaFileEmpty(PathBuf),
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}

pub struct LiveTransport {
    client: reqwest::Client,
    body_cap: usize,
}

impl LiveTransport {
    pub fn new(config: &NetConfig) -> Result<LiveTransport, NetConfigError> {
        let tls = tls_config(config)?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .user_agent(config.user_agent.clone())
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|e| NetConfigError::Tls(e.to_string()))?;
        Ok(LiveTransport {
            client,
            body_cap: config.body_cap,
        })
    }
}

/// Platform roots plus the admin's CA file, verified by the platform verifier.
fn tls_config(config: &NetConfig) -> Result<rustls::ClientConfig, NetConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = match &config.ca_file {
        Some(path) => read_ca_file(path)?,
        None => Vec::new(),
    };
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(|e| NetConfigError::Tls(e.to_string()))?;
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| NetConfigError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tls)
}

fn read_ca_file(
    path: &PathBuf,
) -> Result<Vec<rustls_pki_types::CertificateDer<'static>>, NetConfigError> {
    use rustls_pki_types::pem::PemObject;
    let bytes = std::fs::read(path)
        .map_err(|e| NetConfigError::CaFileUnreadable(path.clone(), e.to_string()))?;
    let certs: Vec<_> = rustls_pki_types::CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| NetConfigError::CaFileUnreadable(path.clone(), e.to_string()))?;
    if certs.is_empty() {
        return Err(NetConfigError::CaFileEmpty(path.clone()));
    }
    Ok(certs)
}

#[async_trait]
impl Transport for LiveTransport {
    async fn send(&self, request: &Outgoing) -> Result<Incoming, TransportError> {
        let method =
            reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| TransportError {
                code: "net/connection-refused",
                message: format!("invalid method: {e}"),
            })?;
        let mut builder = self.client.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| classify(&e, &request.url))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut truncated = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = self.body_cap.saturating_sub(body.len());
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(&e, &request.url)),
            }
        }
        Ok(Incoming {
            status,
            headers,
            body,
            truncated,
        })
    }
}
