//! A `TraceView` with every optional field set, for the IPC drift guard (see `ipc_fixtures.rs`).

use std::collections::BTreeMap;

use crate::commands::trace::{DiagnosisText, TraceView};
use preflight_core::trace::{
    AuthorizeView, CallbackView, CookieSet, Explanation, Flow, FlowKind, Hop, HopContents, HopRole,
    Outcome, Problem, SamlRequestView, SamlResponseView, TraceResult,
};

fn problem(entry: usize, code: &str) -> Problem {
    Problem {
        entry,
        code: code.into(),
        expected: "200".into(),
        actual: "503".into(),
        explained: Some(Explanation {
            matched: "AADSTS50011".into(),
            idp: "entra".into(),
            meaning: "m".into(),
            location: "w".into(),
            fix: "f".into(),
        }),
    }
}

fn hop(role: HopRole, contents: HopContents) -> Hop {
    Hop {
        entry: 1,
        role,
        method: "GET".into(),
        url: "https://app.example/callback?code=***".into(),
        status: 302,
        redirect_to: Some("https://app.example/".into()),
        cookies_set: vec![CookieSet {
            name: "session".into(),
            secure: true,
            http_only: true,
            same_site: Some("None".into()),
            domain: Some("app.example".into()),
            path: Some("/".into()),
            rejected: Some("SameSite=None without Secure".into()),
        }],
        cookies_sent: vec!["state".into()],
        started: Some("2026-01-01T00:00:00.000Z".into()),
        time_ms: 12.5,
        contents,
    }
}

pub fn view() -> TraceView {
    let oidc = HopContents {
        authorize: Some(AuthorizeView {
            client_id: "c".into(),
            redirect_uri: Some("https://app.example/callback".into()),
            response_type: "code".into(),
            response_mode: Some("query".into()),
            scope: Some("openid".into()),
            state: Some("***".into()),
            nonce: Some("***".into()),
            tenant: Some("contoso.onmicrosoft.com".into()),
        }),
        callback: Some(CallbackView {
            mode: "query".into(),
            has_code: true,
            state: Some("***".into()),
            error: Some("access_denied".into()),
            error_description: Some("AADSTS50105".into()),
            id_token_claims: Some(serde_json::json!({"iss": "https://idp"})),
        }),
        saml_request: None,
        saml_response: None,
        error_text: Some("Service Unavailable".into()),
    };
    let saml = HopContents {
        authorize: None,
        callback: None,
        saml_request: Some(SamlRequestView {
            id: Some("_r1".into()),
            issuer: Some("urn:sp".into()),
            destination: Some("https://idp/sso".into()),
            acs_url: Some("https://app/acs".into()),
            relay_state: Some("/".into()),
            unreadable: Some("not deflated".into()),
        }),
        saml_response: Some(SamlResponseView {
            issuer: Some("https://idp".into()),
            status: Some("Success".into()),
            status_message: Some("ok".into()),
            destination: Some("https://app/acs".into()),
            in_response_to: Some("_r1".into()),
            recipient: Some("https://app/acs".into()),
            audiences: vec!["urn:sp".into()],
            name_id: Some("user@example.com".into()),
            attributes: vec!["email".into()],
            not_before: Some("2026-01-01T00:00:00Z".into()),
            not_on_or_after: Some("2026-01-01T00:05:00Z".into()),
            response_signed: true,
            assertion_signed: false,
            signature_verified: Some(true),
            relay_state: Some("/".into()),
            unreadable: Some("x".into()),
        }),
        error_text: None,
    };
    let kinds = [
        FlowKind::OidcCode,
        FlowKind::OidcImplicit,
        FlowKind::OidcHybrid,
        FlowKind::SamlRedirect,
        FlowKind::SamlPost,
        FlowKind::SamlIdpInitiated,
    ];
    let outcomes = [Outcome::SignedIn, Outcome::Broken, Outcome::Incomplete];
    let roles = [
        HopRole::AppStart,
        HopRole::IdpRequest,
        HopRole::IdpPage,
        HopRole::Callback,
        HopRole::AppSession,
    ];
    let flows = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| Flow {
            kind: *kind,
            idp: Some("https://idp.example".into()),
            app: Some("https://app.example".into()),
            // One hop per flow; across the flows every role appears.
            hops: vec![hop(
                roles[i % roles.len()],
                if kind.is_saml() {
                    saml.clone()
                } else {
                    oidc.clone()
                },
            )],
            outcome: outcomes[i % outcomes.len()],
            cause: Some(problem(1, "sso/callback-error")),
            consequences: vec![problem(2, "sso/redirect-loop")],
            warnings: vec![problem(3, "saml/attribute-missing")],
        })
        .collect();
    TraceView {
        name: "signin.har".into(),
        bytes: 1234,
        result: TraceResult {
            entries: 5,
            creator: Some("WebInspector 537.36".into()),
            browser: Some("Chrome 120".into()),
            flows,
            notes: vec!["a note".into()],
        },
        diagnoses: BTreeMap::from([(
            "sso/callback-error".into(),
            DiagnosisText {
                title: "t".into(),
                summary: "s".into(),
                fix: "f".into(),
            },
        )]),
        redacted_path: "/home/u/Downloads/signin-redacted.har".into(),
    }
}
