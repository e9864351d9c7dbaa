//! Property tests: a filter built from an attacker-chosen userName keeps its structure.
//!
//! `eq_filter` quotes the value as a JSON string (RFC 7644 §3.4.2.2). The testbed's filter
//! parser — written independently, strict about escapes — reads each filter back: it must
//! be exactly one `attr eq "value"` comparison with the value unchanged, whatever quotes,
//! backslashes, `or`/`and` words, brackets or control characters the value holds. The
//! query-string encoding on top must decode back to the same filter.

mod prop_support;

use percent_encoding::percent_decode_str;
use preflight_core::scim::{encode_query_value, eq_filter};
use preflight_testbed::filter::{self, AttrPath, CompareOp, Filter};
use prop_support::{config, hostile_text};
use proptest::prelude::*;
use serde_json::Value;

fn attribute() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(&["userName", "externalId", "displayName", "emails.value"][..])
}

/// Injection attempts: close the string, then add a clause.
fn injection() -> impl Strategy<Value = String> {
    (
        hostile_text(6),
        proptest::sample::select(
            &[
                "\" or userName pr or \"",
                "\") or (userName pr",
                "\\\" or true or \\\"",
                "\"] or [\"",
                "\" and not (id pr) and \"",
            ][..],
        ),
        hostile_text(6),
    )
        .prop_map(|(a, inj, b)| format!("{a}{inj}{b}"))
}

fn decode_query(encoded: &str, plus_for_space: bool) -> String {
    let text = if plus_for_space {
        encoded.replace('+', " ")
    } else {
        encoded.to_string()
    };
    percent_decode_str(&text)
        .decode_utf8()
        .expect("UTF-8 survives encoding")
        .into_owned()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn value_cannot_change_the_filter(attr in attribute(), value in prop_oneof![hostile_text(40), injection()]) {
        let built = eq_filter(attr, &value);
        let parsed = filter::parse(&built);
        let expected = Filter::Compare(
            AttrPath::parse(attr).expect("valid attribute"),
            CompareOp::Eq,
            Value::String(value.clone()),
        );
        prop_assert_eq!(parsed, Ok(expected), "filter: {}", built);
    }

    #[test]
    fn query_encoding_round_trips(attr in attribute(), value in prop_oneof![hostile_text(40), injection()], plus in any::<bool>()) {
        let built = eq_filter(attr, &value);
        let encoded = encode_query_value(&built, plus);
        // Only unreserved characters (and `+` for spaces) may remain unencoded in the query.
        prop_assert!(
            encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b) || (plus && b == b'+')),
            "unsafe byte left in {}", encoded
        );
        prop_assert_eq!(decode_query(&encoded, plus), built);
    }
}
