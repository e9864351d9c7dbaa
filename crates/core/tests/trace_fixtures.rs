//! Every trace diagnosis against hand-made HARs (`fixtures/trace/handmade/`, written by
//! `make_fixtures.py` in Chrome, Firefox and Safari shapes): each failing fixture must give
//! exactly its diagnosis on exactly its broken hop, and each passing twin must give none.

use std::path::PathBuf;

use preflight_core::check::Verdict;
use preflight_core::checks::trace::verdict;
use preflight_core::trace::{Outcome, TraceOptions, analyse};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trace/handmade")
}

fn options(v: &Value) -> TraceOptions {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    TraceOptions {
        redirect_uris: s("redirect_uri").into_iter().collect(),
        client_id: s("client_id"),
        issuer: s("issuer"),
        tenant: s("tenant"),
        sp_entity_id: s("sp_entity_id"),
        acs_url: s("acs_url"),
        ..TraceOptions::default()
    }
}

#[test]
fn every_fixture_gives_its_diagnosis_on_its_hop() {
    let expectations: Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join("expectations.json")).expect("expectations.json"),
    )
    .expect("expectations are JSON");
    let table = expectations.as_object().expect("an object");
    assert!(table.len() >= 20, "the fixture set is complete");
    let mut covered = Vec::new();
    let mut failures = Vec::new();
    for (name, expect) in table {
        let file = std::fs::File::open(dir().join(format!("{name}.har"))).expect("fixture");
        let result = analyse(file, &options(&expect["options"])).expect("traceable");
        assert_eq!(result.flows.len(), 1, "{name}: one flow");
        let flow = &result.flows[0];
        let v = verdict(flow);
        match expect["diagnosis"].as_str() {
            None => {
                if !matches!(v, Verdict::Pass { .. } | Verdict::Warn(_)) {
                    failures.push(format!("{name}: expected a sign-in, got {v:?}"));
                }
                if flow.outcome != Outcome::SignedIn {
                    failures.push(format!("{name}: outcome {:?}", flow.outcome));
                }
            }
            Some(code) => {
                covered.push(code.to_string());
                let broken = expect["broken_entry"].as_u64().expect("broken entry") as usize;
                match &v {
                    Verdict::Fail(f) => {
                        if f.diagnosis.code != code {
                            failures.push(format!(
                                "{name}: expected {code}, got {} ({})",
                                f.diagnosis.code, f.actual
                            ));
                        }
                        if f.evidence.first() != Some(&format!("x{broken}")) {
                            failures.push(format!(
                                "{name}: broken hop {:?}, expected x{broken}",
                                f.evidence.first()
                            ));
                        }
                        let hop = flow.hop(broken).expect("the broken hop is in the flow");
                        if !f.actual.starts_with(&format!("{} {}", hop.method, hop.url)) {
                            failures.push(format!(
                                "{name}: actual does not name the hop: {}",
                                f.actual
                            ));
                        }
                    }
                    other => failures.push(format!("{name}: expected {code}, got {other:?}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for code in [
        "sso/redirect-uri-mismatch",
        "sso/callback-error",
        "sso/idp-error",
        "sso/user-not-assigned",
        "sso/state-mismatch",
        "sso/cookie-rejected",
        "sso/tenant-routing",
        "saml/entity-id-mismatch",
        "saml/destination-mismatch",
        "saml/conditions-window",
        "saml/signature-invalid",
        "saml/attribute-missing",
        "oidc/token-claims",
    ] {
        assert!(
            covered.iter().any(|c| c == code),
            "no failing fixture for {code}"
        );
    }
}

#[test]
fn consequences_are_not_extra_causes() {
    // The audience is wrong AND the ACS answers 403: one cause, the 403 is its consequence.
    let file = std::fs::File::open(dir().join("saml-audience-mismatch.har")).unwrap();
    let opts = TraceOptions {
        sp_entity_id: Some("https://app.example.com/saml/metadata".into()),
        ..TraceOptions::default()
    };
    let flow = &analyse(file, &opts).unwrap().flows[0];
    assert_eq!(flow.cause.as_ref().unwrap().code, "saml/entity-id-mismatch");
    assert!(
        flow.consequences
            .iter()
            .any(|c| c.code == "sso/callback-error" && c.entry == 3),
        "{:?}",
        flow.consequences
    );
}

#[test]
fn hops_carry_decoded_contents_and_no_secrets() {
    let file = std::fs::File::open(dir().join("oidc-success-firefox.har")).unwrap();
    let result = analyse(file, &TraceOptions::default()).unwrap();
    let text = serde_json::to_string(&result).unwrap();
    for secret in [
        "c0de-secret-1",
        "Canary-Passw0rd",
        "s3ss10n-value",
        "abc123",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the trace result"
        );
    }
    let flow = &result.flows[0];
    let authorize = flow.hops[1].contents.authorize.as_ref().unwrap();
    assert_eq!(authorize.client_id, "app-client");
    assert_eq!(authorize.tenant.as_deref(), Some("contoso.onmicrosoft.com"));
    let callback = flow.hops[3].contents.callback.as_ref().unwrap();
    assert!(callback.has_code && callback.state.as_deref() == Some("st-1"));
    assert_eq!(flow.hops[0].cookies_set[0].name, "app_state");

    let file = std::fs::File::open(dir().join("saml-success-safari.har")).unwrap();
    let flow = &analyse(file, &TraceOptions::default()).unwrap().flows[0];
    let request = flow.hops[1].contents.saml_request.as_ref().unwrap();
    assert_eq!(request.id.as_deref(), Some("_req1"));
    let response = flow.hops[3].contents.saml_response.as_ref().unwrap();
    assert_eq!(response.in_response_to.as_deref(), Some("_req1"));
    assert_eq!(response.attributes.len(), 3);
}
