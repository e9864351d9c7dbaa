//! Shared settings and input generators for the property tests (`tests/prop_*.rs`).
//!
//! CI runs every property with [`DEFAULT_CASES`] inputs; `PROPTEST_CASES` overrides that
//! (`scripts/fuzz-long.sh` sets it high). Inputs lean towards what a hostile server or a
//! careless copy-paste produces: quotes, backslashes, brackets, control and bidi characters,
//! markup, and long runs — not only uniformly random Unicode.

#![allow(dead_code)] // each test binary uses a different subset

use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property in CI: enough to find shallow bugs in seconds, bounded in time.
pub const DEFAULT_CASES: u32 = 256;

/// The run configuration: `PROPTEST_CASES` when set to a number, else [`DEFAULT_CASES`].
pub fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        // Shrinking is bounded too, so a failure is reported in seconds, not minutes.
        max_shrink_iters: 4096,
        // Failures print their minimal input; no regression files are written into the tree.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Characters that break naive parsers and renderers.
const NASTY: &[&str] = &[
    "\"",
    "\\",
    "'",
    "`",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "<",
    ">",
    "&",
    ":",
    ".",
    "/",
    "=",
    "%",
    "+",
    "#",
    "?",
    " ",
    "\t",
    "\n",
    "\r",
    "\0",
    "\u{1b}",
    "\u{7}",
    "\u{9b}",
    "\u{202e}",
    "\u{2066}",
    "\u{feff}",
    "\u{fffd}",
    "é",
    "ß",
    "𝒳",
    "\u{d7ff}",
    "\u{10ffff}",
    " or ",
    " and ",
    " eq ",
    " pr",
    "not",
    "true",
    "null",
    "\\u0022",
    "\\\"",
    "<!DOCTYPE",
    "]]>",
    "<![CDATA[",
    "&lt;",
    "%22",
    "%00",
    "urn:",
    "$ref",
];

/// A string mixing hostile fragments, ASCII and arbitrary Unicode (at most `max` pieces).
pub fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(NASTY).prop_map(str::to_string),
        2 => "[a-zA-Z0-9_.@-]{1,8}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

/// Arbitrary JSON values, nested a few levels, with hostile strings and keys.
pub fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        hostile_text(6).prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((json_key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Object keys: SCIM's own member names in odd cases, or hostile text.
pub fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "schemas",
                "status",
                "STATUS",
                "scimType",
                "detail",
                "Resources",
                "resources",
                "totalResults",
                "itemsPerPage",
                "startIndex",
                "id",
                "meta",
                "userName",
            ][..]
        )
        .prop_map(str::to_string),
        hostile_text(4),
    ]
}
