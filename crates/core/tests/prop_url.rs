//! Property tests: base-URL normalisation is idempotent and joining paths never doubles or
//! drops a `/`; the comparisons used for issuers, redirect URIs and cleanup are reflexive.

mod prop_support;

use preflight_core::federation::{discovery, redirect};
use preflight_core::provision::cleanup;
use preflight_core::target::{join, parse_base_url};
use prop_support::{config, hostile_text};
use proptest::prelude::*;

/// URL-ish text: a scheme, a host, an optional port, path segments with hostile pieces.
fn url_like() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(
            &[
                "https://",
                "http://",
                "HTTPS://",
                "ftp://",
                "",
                " https://",
                "https:/",
            ][..],
        ),
        prop_oneof![
            "[a-z0-9.-]{0,20}",
            Just("[::1]".to_string()),
            Just("127.0.0.1".to_string()),
            Just("EXAMPLE.com".to_string()),
            hostile_text(4)
        ],
        proptest::option::of(0u32..70000),
        proptest::collection::vec(prop_oneof!["[A-Za-z0-9._~-]{0,10}", hostile_text(3)], 0..5),
        proptest::option::of(hostile_text(4)),
    )
        .prop_map(|(scheme, host, port, segs, query)| {
            let mut s = format!("{scheme}{host}");
            if let Some(p) = port {
                s.push_str(&format!(":{p}"));
            }
            for seg in segs {
                s.push('/');
                s.push_str(&seg);
            }
            if let Some(q) = query {
                s.push('?');
                s.push_str(&q);
            }
            s
        })
}

proptest! {
    #![proptest_config(config())]

    /// Parsing a normalised URL again changes nothing.
    #[test]
    fn base_url_normalisation_is_idempotent(raw in prop_oneof![url_like(), hostile_text(30)]) {
        if let Ok(url) = parse_base_url(&raw) {
            let again = parse_base_url(url.as_str()).expect("a normalised URL parses again");
            prop_assert_eq!(again.as_str(), url.as_str());
            prop_assert!(matches!(url.scheme(), "http" | "https"));
            prop_assert!(url.fragment().is_none());
        }
    }

    /// `join` puts exactly one `/` between the base path and the resource.
    #[test]
    fn join_has_one_slash(raw in url_like(), resource in "/[A-Za-z]{1,12}(\\?[a-z=]{0,8})?") {
        if let Ok(url) = parse_base_url(&raw) {
            let joined = join(&url, &resource);
            prop_assert!(joined.ends_with(&resource));
            let head = &joined[..joined.len() - resource.len()];
            prop_assert!(!head.ends_with('/'), "{} + {} = {}", url, resource, joined);
            prop_assert!(!head.contains('?'));
        }
    }

    /// Identical strings are never reported as different; a trailing slash is.
    #[test]
    fn comparisons_are_reflexive(a in prop_oneof![url_like(), hostile_text(20)]) {
        prop_assert!(redirect::compare(&a, &a).is_none());
        prop_assert!(discovery::issuer_difference(&a, &a).is_none());
        prop_assert!(cleanup::same_base(&a, &a));
        let slashed = format!("{a}/");
        if !a.ends_with('/') {
            prop_assert!(discovery::issuer_difference(&a, &slashed).is_some());
            prop_assert!(redirect::compare(&a, &slashed).is_some());
        }
    }
}
