//! The HARs recorded by headless Chromium through a real OIDC provider and a real SAML IdP
//! (`fixtures/trace/recorded/`, see its README): each scenario gives exactly its expected
//! diagnosis on the expected hop, and its redacted copy keeps no canary secret, no SAML
//! signature value, still reads as HAR 1.2 — and traces to the same verdict (the
//! placeholders are stable, so the chain survives redaction).

use std::path::PathBuf;

use preflight_core::check::Verdict;
use preflight_core::checks::trace::verdict;
use preflight_core::trace::redact::{RedactOptions, redact_har};
use preflight_core::trace::{HarLimits, TraceOptions, analyse};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trace/recorded")
}

fn scenarios() -> Vec<Value> {
    let path = dir().join("scenarios.json");
    let text = std::fs::read_to_string(&path).expect("recorded/scenarios.json");
    let doc: Value = serde_json::from_str(&text).expect("scenarios.json is JSON");
    doc["scenarios"].as_array().expect("scenarios").clone()
}

fn options_from_args(args: &[Value]) -> TraceOptions {
    let mut o = TraceOptions::default();
    let args: Vec<&str> = args.iter().filter_map(Value::as_str).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(|v| v.to_string());
        match pair[0] {
            "--redirect-uri" => o.redirect_uris.extend(value),
            "--sp-entity-id" => o.sp_entity_id = value,
            "--acs-url" => o.acs_url = value,
            "--client-id" => o.client_id = value,
            "--issuer" => o.issuer = value,
            other => panic!("scenarios.json passes {other}, which this test does not map"),
        }
    }
    o
}

/// (diagnosis code, first evidence) of the failing flows.
fn failures(bytes: &[u8], opts: &TraceOptions) -> Vec<(String, String)> {
    let result = analyse(bytes, opts).expect("traceable");
    result
        .flows
        .iter()
        .filter_map(|f| match verdict(f) {
            Verdict::Fail(finding) => Some((
                finding.diagnosis.code.clone(),
                finding.evidence.first().cloned().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn each_recorded_scenario_gives_its_diagnosis_on_its_hop() {
    let all = scenarios();
    assert!(all.len() >= 9, "the recorder wrote every scenario");
    for s in &all {
        let name = s["name"].as_str().unwrap();
        let bytes = std::fs::read(dir().join(s["har"].as_str().unwrap())).unwrap();
        let opts = options_from_args(s["trace_args"].as_array().unwrap());
        let got = failures(&bytes, &opts);
        match s["expect"]["diagnosis"].as_str() {
            None => assert!(got.is_empty(), "{name}: expected a sign-in, got {got:?}"),
            Some(code) => {
                let hop = format!("x{}", s["expect"]["broken_entry"].as_u64().unwrap());
                assert_eq!(got, vec![(code.to_string(), hop)], "{name}");
            }
        }
    }
}

#[test]
fn redacted_recordings_keep_no_secret_and_the_same_verdict() {
    let canaries: Vec<String> = {
        let text = std::fs::read_to_string(dir().join("scenarios.json")).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        doc["canaries"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    assert!(!canaries.is_empty());
    let mut seen_in_originals = 0;
    let mut signatures_checked = 0;
    for s in scenarios() {
        let name = s["name"].as_str().unwrap();
        let original = std::fs::read(dir().join(s["har"].as_str().unwrap())).unwrap();
        let original_text = String::from_utf8_lossy(&original);
        seen_in_originals += canaries
            .iter()
            .filter(|c| original_text.contains(c.as_str()))
            .count();
        let mut redacted = Vec::new();
        let summary = redact_har(
            original.as_slice(),
            &mut redacted,
            &RedactOptions::default(),
            &HarLimits::default(),
        )
        .expect("redacts");
        let text = String::from_utf8(redacted.clone()).unwrap();
        for c in &canaries {
            assert!(
                !text.contains(c.as_str()),
                "{name}: canary {c} survived redaction"
            );
        }
        for sig in signature_values(&original_text) {
            signatures_checked += 1;
            assert!(
                !text.contains(&sig),
                "{name}: a SAML SignatureValue survived"
            );
        }
        let doc: Value = serde_json::from_str(&text).expect("the redacted copy is JSON");
        assert_eq!(doc["log"]["version"], "1.2");
        let entries = doc["log"]["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), summary.entries);
        assert_eq!(entries.len() as u64, s["entries"].as_u64().unwrap());
        for e in entries {
            assert!(e["request"]["url"].is_string() && e["response"]["status"].is_number());
        }
        let opts = options_from_args(s["trace_args"].as_array().unwrap());
        assert_eq!(
            failures(&redacted, &opts),
            failures(&original, &opts),
            "{name}: the redacted copy traces differently"
        );
    }
    assert!(
        seen_in_originals > 0,
        "the recordings contain canaries to redact"
    );
    assert!(
        signatures_checked > 0,
        "the SAML recordings carry signatures to redact"
    );
}

/// The SignatureValue texts of every SAMLResponse posted in a HAR (decoded from the form).
fn signature_values(har_text: &str) -> Vec<String> {
    use base64::Engine;
    let doc: Value = serde_json::from_str(har_text).unwrap();
    let mut out = Vec::new();
    for e in doc["log"]["entries"].as_array().unwrap() {
        let Some(params) = e["request"]["postData"]["params"].as_array() else {
            continue;
        };
        for p in params {
            if p["name"] != "SAMLResponse" {
                continue;
            }
            let raw = p["value"].as_str().unwrap_or("");
            let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
            let Ok(xml) = base64::engine::general_purpose::STANDARD.decode(decoded.trim()) else {
                continue;
            };
            let xml = String::from_utf8_lossy(&xml).into_owned();
            let mut rest = xml.as_str();
            while let Some(i) = rest.find("SignatureValue>") {
                let after = &rest[i + "SignatureValue>".len()..];
                if let Some(end) = after.find('<') {
                    let v = after[..end].trim();
                    if v.len() > 20 {
                        out.push(v.to_string());
                    }
                }
                rest = after;
            }
        }
    }
    out
}
