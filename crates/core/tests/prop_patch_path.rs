//! Property tests: PATCH attribute paths (RFC 7644 §3.5.2 / §3.10) from hostile text.
//!
//! * The core's attribute-path parser (used for dialect and mapping paths) never panics, and
//!   every path it accepts prints back to text that parses to the same path.
//! * The testbed's PATCH `path` parser is driven over real HTTP on 127.0.0.1 with the same
//!   inputs: every request gets a 2xx or a 4xx SCIM error — never a 5xx, never a dropped
//!   connection — and the server keeps answering.

mod prop_support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use preflight_core::mapping::AttrPath;
use preflight_testbed::{Testbed, TestbedConfig, seed_user_id};
use prop_support::{config, hostile_text};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Path-shaped text: names, dots, URNs, value filters, and hostile pieces between them.
fn path_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        proptest::sample::select(
            &[
                "emails",
                "name",
                "givenName",
                "active",
                "members",
                "value",
                "type",
                "displayName",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:",
                "urn:ietf:params:scim:schemas:core:2.0:User:",
                ".",
                "[",
                "]",
                "[type eq \"work\"]",
                "[value eq \"a]b\"]",
                " eq ",
                " pr",
                " or ",
                "\"",
                "\\",
                "$ref",
                "manager",
                "(",
                ")",
                "not ",
            ][..]
        )
        .prop_map(str::to_string),
        hostile_text(3),
    ];
    proptest::collection::vec(piece, 0..7).prop_map(|v| v.concat())
}

/// One blocking HTTP/1.1 exchange with a 5 s bound; the status and body.
fn send(addr: SocketAddr, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer demo-token\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.take(1 << 20).read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn core_attribute_paths_round_trip(text in prop_oneof![path_like(), hostile_text(20)]) {
        if let Ok(p) = AttrPath::parse(&text) {
            let again = AttrPath::parse(&p.payload_path());
            prop_assert_eq!(again.as_ref(), Ok(&p), "{:?} printed as {:?}", text, p.payload_path());
            prop_assert!(p.within(&p) && p.same(&p));
        }
    }
}

#[test]
fn testbed_patch_paths_answer_2xx_or_4xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let testbed = runtime
        .block_on(Testbed::start(TestbedConfig::default()))
        .unwrap();
    let addr = testbed.local_addr();
    let user = format!("/scim/v2/Users/{}", seed_user_id(0));
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let strategy = (
        prop_oneof![path_like(), hostile_text(20)],
        proptest::sample::select(&["add", "replace", "remove", "Replace"][..]),
        prop_oneof![
            Just(json!("x")),
            Just(json!(true)),
            Just(json!([{"value": "v"}])),
            Just(json!({"givenName": "g"}))
        ],
    );
    // Both outcomes must occur, or the inputs never reached the path parser's two sides.
    let (accepted, refused) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let result = runner.run(&strategy, |(path, op, value)| {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": op, "path": path, "value": value}],
        })
        .to_string();
        let (status, reply) = send(addr, "PATCH", &user, &body).map_err(|e| {
            TestCaseError::fail(format!("connection failed for path {path:?}: {e}"))
        })?;
        prop_assert!(
            (200..500).contains(&status),
            "path {:?}: HTTP {} {}",
            path,
            status,
            reply
        );
        if status < 300 {
            accepted.fetch_add(1, Ordering::Relaxed);
        }
        if status >= 400 {
            refused.fetch_add(1, Ordering::Relaxed);
            let error: Value = serde_json::from_str(&reply).map_err(|_| {
                TestCaseError::fail(format!("path {path:?}: non-JSON error {reply}"))
            })?;
            let expected = status.to_string();
            prop_assert_eq!(error["status"].as_str(), Some(expected.as_str()));
        }
        testbed.reset();
        Ok(())
    });
    // After every hostile path the server still answers a plain read.
    let (status, _) = send(addr, "GET", &user, "").expect("testbed still answers");
    assert_eq!(status, 200);
    result.unwrap();
    let (accepted, refused) = (accepted.into_inner(), refused.into_inner());
    eprintln!("PATCH paths: {accepted} accepted, {refused} refused");
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
    runtime.block_on(testbed.shutdown());
}
