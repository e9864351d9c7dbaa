//! The seam between the probe and the wire: a live HTTP client, or recorded fixtures.

use async_trait::async_trait;

/// A request exactly as it goes out, credentials included. Never logged or stored.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// What came back, before redaction.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
}

/// A failure before any HTTP response, mapped to a catalogue code (`net/…`, `tls/…`).
#[derive(Clone, Debug, PartialEq)]
pub struct TransportError {
    pub code: &'static str,
    pub message: String,
}

#[async_trait]
pub trait Transport: Send + Sync {
    async fn send(&self, request: &Outgoing) -> Result<Incoming, TransportError>;
}
