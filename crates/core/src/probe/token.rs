//! OAuth 2.0 client-credentials grant (RFC 6749 §4.4), as STACKIT and Entra's "Token
//! Endpoint" option use it. The grant never returns a refresh token (§4.4.3): a new access
//! token is fetched for every run instead.
//!
//! Client authentication: `client_secret_basic` first (the method every server must
//! support, RFC 6749 §2.3.1); if the server refuses it with 400/401, `client_secret_post`.

use base64::Engine;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::Probe;
use super::transport::Outgoing;
use crate::secret::Secret;
use crate::target::Credential;

#[derive(Debug)]
pub enum TokenOutcome {
    /// The target does not use client credentials.
    NotApplicable,
    Issued {
        token: Secret,
        /// Exchanges of the grant (one, or two when basic auth was refused).
        evidence: Vec<String>,
        /// `client_secret_basic` or `client_secret_post`.
        method: &'static str,
        expires_in: Option<u64>,
        /// The server sent a refresh token anyway (unusual for this grant).
        refresh_token_returned: bool,
        scope: Option<String>,
    },
    Failed {
        evidence: Vec<String>,
        message: String,
        /// OAuth `error` code from the token endpoint, if any (`invalid_client`, `invalid_scope` …).
        oauth_error: Option<String>,
    },
}

fn form_encode(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

pub(super) async fn fetch(probe: &Probe) -> TokenOutcome {
    let Credential::ClientCredentials {
        token_url,
        client_id,
        client_secret,
        scope,
    } = &probe.target.credential
    else {
        return TokenOutcome::NotApplicable;
    };
    let mut form = String::from("grant_type=client_credentials");
    if let Some(scope) = scope.as_deref().filter(|s| !s.trim().is_empty()) {
        form.push_str(&format!("&scope={}", form_encode(scope.trim())));
    }
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        form_encode(client_id),
        form_encode(client_secret.expose())
    ));
    let headers = |auth: Option<String>| {
        let mut h = vec![
            (
                "content-type".to_string(),
                "application/x-www-form-urlencoded".to_string(),
            ),
            ("accept".to_string(), "application/json".to_string()),
        ];
        if let Some(a) = auth {
            h.push(("authorization".into(), a));
        }
        h
    };
    let basic_request = Outgoing {
        method: "POST".into(),
        url: token_url.to_string(),
        headers: headers(Some(format!("Basic {basic}"))),
        body: Some(form.clone().into_bytes()),
    };
    let mut evidence = Vec::new();
    let (first, mut raw) = probe
        .transmit_keeping_body(
            &basic_request,
            Some("OAuth client-credentials token request (client_secret_basic)".into()),
        )
        .await;
    evidence.push(first.id.clone());
    let mut exchange = first;
    let mut method = "client_secret_basic";
    if matches!(exchange.status(), Some(400) | Some(401)) {
        let post_body = format!(
            "{form}&client_id={}&client_secret={}",
            form_encode(client_id),
            form_encode(client_secret.expose())
        );
        let post_request = Outgoing {
            method: "POST".into(),
            url: token_url.to_string(),
            headers: headers(None),
            body: Some(post_body.into_bytes()),
        };
        (exchange, raw) = probe
            .transmit_keeping_body(
                &post_request,
                Some("OAuth client-credentials token request (client_secret_post)".into()),
            )
            .await;
        evidence.push(exchange.id.clone());
        method = "client_secret_post";
    }
    let token = raw
        .as_deref()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
        .and_then(|j| {
            j.get("access_token")
                .and_then(|t| t.as_str())
                .map(Secret::new)
        });
    if let Some(t) = &token {
        probe.redactor.add(t);
    }
    interpret(exchange, evidence, method, token)
}

fn interpret(
    exchange: crate::exchange::Exchange,
    evidence: Vec<String>,
    method: &'static str,
    token: Option<Secret>,
) -> TokenOutcome {
    let Some(response) = exchange.response.as_ref() else {
        let failure = exchange
            .failure
            .as_ref()
            .map(|f| format!("{} ({})", f.message, f.code))
            .unwrap_or_default();
        return TokenOutcome::Failed {
            evidence,
            message: format!("the token endpoint could not be reached: {failure}"),
            oauth_error: None,
        };
    };
    let json = response.json();
    let oauth_error = json
        .as_ref()
        .and_then(|j| j.get("error"))
        .and_then(|e| e.as_str())
        .map(str::to_string);
    if !response.is_success() {
        let description = json
            .as_ref()
            .and_then(|j| j.get("error_description"))
            .and_then(|e| e.as_str())
            .unwrap_or("");
        return TokenOutcome::Failed {
            evidence,
            message: format!(
                "the token endpoint answered {} {}{}",
                response.status,
                oauth_error.as_deref().unwrap_or(""),
                if description.is_empty() {
                    String::new()
                } else {
                    format!(": {description}")
                }
            ),
            oauth_error,
        };
    }
    match token.filter(|t| !t.expose().trim().is_empty()) {
        Some(token) => TokenOutcome::Issued {
            token,
            evidence,
            method,
            expires_in: json
                .as_ref()
                .and_then(|j| j.get("expires_in"))
                .and_then(|v| v.as_u64()),
            refresh_token_returned: json
                .as_ref()
                .is_some_and(|j| j.get("refresh_token").is_some()),
            scope: json
                .as_ref()
                .and_then(|j| j.get("scope"))
                .and_then(|v| v.as_str())
                .map(str::to_string),
        },
        None => TokenOutcome::Failed {
            evidence,
            message: "the token endpoint answered without an access_token".into(),
            oauth_error,
        },
    }
}
