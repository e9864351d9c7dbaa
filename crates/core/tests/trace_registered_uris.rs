//! An app may register several redirect URIs (one per environment, a loopback one for
//! development): the trace accepts the URI the app sent when it equals any of them, and when
//! it equals none, names the difference against the registered URI on the same host.

use std::path::PathBuf;

use preflight_core::check::Verdict;
use preflight_core::checks::trace::verdict;
use preflight_core::trace::{TraceOptions, analyse};

/// The app sends `https://app.example.com/callback/` (a trailing slash).
fn trailing_slash_har() -> std::fs::File {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/trace/handmade/oidc-redirect-uri-trailing-slash.har");
    std::fs::File::open(path).expect("fixture")
}

fn run(registered: &[&str]) -> Verdict {
    let opts = TraceOptions {
        redirect_uris: registered.iter().map(|s| s.to_string()).collect(),
        ..TraceOptions::default()
    };
    let result = analyse(trailing_slash_har(), &opts).expect("traceable");
    verdict(&result.flows[0])
}

#[test]
fn a_uri_equal_to_any_registered_one_is_accepted() {
    let v = run(&[
        "https://staging.example.com/callback",
        "https://app.example.com/callback/",
    ]);
    assert!(
        matches!(v, Verdict::Pass { .. } | Verdict::Warn(_)),
        "{v:?}"
    );
}

#[test]
fn a_uri_equal_to_none_is_shown_against_the_one_on_its_host() {
    let v = run(&[
        "https://staging.example.com/other",
        "https://app.example.com/callback",
    ]);
    let Verdict::Fail(f) = v else {
        panic!("expected a failure, got {v:?}")
    };
    assert_eq!(f.diagnosis.code, "sso/redirect-uri-mismatch");
    assert!(
        f.expected.contains("https://app.example.com/callback"),
        "compared with the same host's URI: {}",
        f.expected
    );
    assert!(!f.expected.contains("staging"), "{}", f.expected);
}
