//! Hostile HARs never panic the trace or the redaction: random bytes, random JSON shapes
//! under `log.entries`, random bodies that claim to be base64, random SAML parameters, and
//! real recordings cut at every kind of position. Each case either traces, or ends with a
//! `HarError`/`TraceError` — in bounded time (proptest's case count bounds the loop).

use preflight_core::trace::redact::{RedactOptions, redact_har};
use preflight_core::trace::{HarLimits, TraceOptions, analyse};
use proptest::prelude::*;

fn run_both(bytes: &[u8]) {
    let _ = analyse(bytes, &TraceOptions::default());
    let mut out = Vec::new();
    if redact_har(
        bytes,
        &mut out,
        &RedactOptions { mask_names: true },
        &HarLimits::default(),
    )
    .is_ok()
    {
        // A redacted copy is always JSON again.
        serde_json::from_slice::<serde_json::Value>(&out).expect("redacted output is JSON");
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|n| serde_json::json!(n)),
        "[ -~]{0,40}".prop_map(serde_json::Value::String),
        prop_oneof![
            Just("SAMLResponse"),
            Just("https://a.example/cb?code=x&state=y#id_token=eyJhbGciOiJub25lIn0.eyJhIjoxfQ."),
            Just("base64"),
            Just("PHNhbWxwOlJlc3BvbnNlLz4="),
            Just("sid=1; SameSite=None"),
        ]
        .prop_map(|s| serde_json::Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("request".to_string()),
                    Just("response".to_string()),
                    Just("url".to_string()),
                    Just("method".to_string()),
                    Just("status".to_string()),
                    Just("headers".to_string()),
                    Just("postData".to_string()),
                    Just("params".to_string()),
                    Just("text".to_string()),
                    Just("content".to_string()),
                    Just("encoding".to_string()),
                    Just("name".to_string()),
                    Just("value".to_string()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        run_both(&bytes);
    }

    #[test]
    fn random_entries_never_panic(entries in prop::collection::vec(json_value(), 0..6)) {
        let doc = serde_json::json!({"log": {"version": "1.2", "entries": entries}});
        run_both(doc.to_string().as_bytes());
    }

    #[test]
    fn hostile_protocol_values_never_panic(
        saml in "[A-Za-z0-9+/=%<>!-]{0,200}",
        url in "https://[a-z]{1,5}\\.example/[ -~]{0,60}",
        b64 in "[ -~]{0,80}",
    ) {
        let doc = serde_json::json!({"log": {"entries": [
            {"request": {"method": "GET", "url": format!("{url}?client_id=c&response_type=code&redirect_uri=https://a/cb&SAMLRequest={saml}")},
             "response": {"status": 302, "redirectURL": format!("{url}#id_token={saml}"), "content": {"text": b64, "encoding": "base64", "mimeType": "text/html"}}},
            {"request": {"method": "POST", "url": "https://a/cb", "postData": {"mimeType": "application/x-www-form-urlencoded", "text": format!("SAMLResponse={saml}&RelayState=x")}},
             "response": {"status": 500, "content": {"text": b64, "mimeType": "text/html"}}}
        ]}});
        run_both(doc.to_string().as_bytes());
    }

    #[test]
    fn cut_recordings_never_panic(cut in 0usize..100_000) {
        let bytes = include_bytes!("fixtures/trace/handmade/saml-success-safari.har");
        run_both(&bytes[..cut.min(bytes.len())]);
    }
}
