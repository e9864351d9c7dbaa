//! The hostile-server battery: `preflight check` against endpoints that misbehave at the byte
//! level (the testbed's raw-TCP hostile front). Each run must end on its own, well inside a
//! hard wall-clock guard, with the diagnosis that names the misbehaviour — never a hang, an
//! out-of-memory crash or a misleading code.
//!
//! Memory across the battery is measured by `scripts/bench-hostile.sh`, not asserted here.

mod hostile_support;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use hostile_support::{Run, check};
use preflight_testbed::{HostileMode, HostileRequest, HostileServer, Testbed, TestbedConfig};

/// Hang guard for one CLI run. Runs take seconds; this only turns a hang into a failure.
const GUARD: Duration = Duration::from_secs(90);

/// Exit code 1: a check failed. Exit code 3: the target could not be reached.
const EXIT_FAILED: i32 = 1;
const EXIT_UNREACHABLE: i32 = 3;

async fn start(mode: HostileMode) -> HostileServer {
    HostileServer::start(mode, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("hostile front starts")
}

/// Run the CLI off the runtime's worker threads (the servers live on them).
async fn run(url: String, extra: &'static [&'static str]) -> Run {
    tokio::task::spawn_blocking(move || check(&url, extra, GUARD))
        .await
        .expect("runner thread")
}

/// The mode's own diagnosis is reported, the run ended by itself with `exit`.
fn assert_diagnosed(mode: HostileMode, run: &Run, exit: i32) {
    assert!(
        run.code.is_some(),
        "{}: killed after {:?} — the run did not end by itself",
        mode.name(),
        run.elapsed
    );
    let expected = mode.expected_diagnosis();
    assert!(
        run.diagnoses().iter().any(|d| d == expected),
        "{}: expected {expected}, got {:?}\n{}",
        mode.name(),
        run.diagnoses(),
        run.problems()
    );
    assert_eq!(
        run.code,
        Some(exit),
        "{}: exit code\n{}",
        mode.name(),
        run.problems()
    );
}

/// At most one retry per request: never three identical requests in a row.
fn assert_at_most_one_retry(requests: &[HostileRequest]) {
    for w in requests.windows(3) {
        let same =
            |a: &HostileRequest, b: &HostileRequest| a.method == b.method && a.path == b.path;
        assert!(
            !(same(&w[0], &w[1]) && same(&w[1], &w[2])),
            "{} {} was sent three times in a row",
            w[0].method,
            w[0].path
        );
    }
}

/// Bodies past the 8 MiB cap: the list check fails with a finding that says the body was cut.
async fn body_over_the_cap(mode: HostileMode) {
    let server = start(mode).await;
    let run = run(server.base_url(), &["--timeout", "20"]).await;
    assert_diagnosed(mode, &run, EXIT_FAILED);
    let named = run
        .actuals_for("scim/list-response-shape")
        .iter()
        .any(|a| a.contains("size cap"));
    assert!(
        named,
        "{}: no finding names the size cap\n{}",
        mode.name(),
        run.problems()
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_body_is_cut_at_the_cap() {
    body_over_the_cap(HostileMode::EndlessBody).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gib_body_is_cut_at_the_cap() {
    body_over_the_cap(HostileMode::HugeBody).await;
}

/// The client asks for no compression and decodes none, so the bomb stays a capped run of
/// binary bytes; were decompression ever switched on, the same cap applies to decoded bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_bomb_is_not_inflated_and_is_capped() {
    let server = start(HostileMode::GzipBomb).await;
    let run = run(server.base_url(), &["--timeout", "20"]).await;
    assert_diagnosed(HostileMode::GzipBomb, &run, EXIT_FAILED);
    for request in server.requests() {
        assert!(
            request
                .header("accept-encoding")
                .is_none_or(|v| !v.contains("gzip")),
            "the probe offered gzip: {:?}",
            request.header("accept-encoding")
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn byte_at_a_time_times_out() {
    let server = start(HostileMode::ByteAtATime).await;
    let run = run(server.base_url(), &["--timeout", "2"]).await;
    assert_diagnosed(HostileMode::ByteAtATime, &run, EXIT_UNREACHABLE);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_without_body_time_out() {
    let server = start(HostileMode::HeadersNoBody).await;
    let run = run(server.base_url(), &["--timeout", "2"]).await;
    assert_diagnosed(HostileMode::HeadersNoBody, &run, EXIT_UNREACHABLE);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_closed_mid_body_is_named() {
    let server = start(HostileMode::CutMidBody).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::CutMidBody, &run, EXIT_UNREACHABLE);
    let fix = run.fix_for("net/connection-closed").unwrap_or_default();
    assert!(!fix.is_empty(), "no fix text for net/connection-closed");
    server.shutdown().await;
}

/// Latin-1 bytes are not JSON (RFC 8259 §8.1) even if a lossy decoder could read them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_list_is_not_accepted_as_json() {
    let server = start(HostileMode::InvalidUtf8).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::InvalidUtf8, &run, EXIT_FAILED);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_json_list_is_a_list_shape_failure() {
    let server = start(HostileMode::InvalidJson).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::InvalidJson, &run, EXIT_FAILED);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_error_page_is_not_scim() {
    let server = start(HostileMode::HtmlErrorPage).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::HtmlErrorPage, &run, EXIT_FAILED);
    server.shutdown().await;
}

/// `Retry-After: 1` is honoured with exactly one retry per request, then reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_with_retry_after_retries_once() {
    let server = start(HostileMode::RateLimitRetryAfter).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::RateLimitRetryAfter, &run, EXIT_FAILED);
    let requests = server.requests();
    assert_at_most_one_retry(&requests);
    assert!(
        requests
            .windows(2)
            .any(|w| w[0].path == w[1].path && w[0].method == w[1].method),
        "a 1 s Retry-After was never retried: {:?}",
        requests.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    server.shutdown().await;
}

/// A day-long `Retry-After` is beyond the probe's cap (60 s): no wait, no retry, reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_retry_after_is_not_obeyed() {
    let server = start(HostileMode::RateLimitHugeRetryAfter).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::RateLimitHugeRetryAfter, &run, EXIT_FAILED);
    let requests = server.requests();
    assert!(
        !requests
            .windows(2)
            .any(|w| w[0].path == w[1].path && w[0].method == w[1].method),
        "a request was retried after a day-long Retry-After"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_without_retry_after_is_not_retried() {
    let server = start(HostileMode::RateLimitNoRetryAfter).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::RateLimitNoRetryAfter, &run, EXIT_FAILED);
    assert_at_most_one_retry(&server.requests());
    server.shutdown().await;
}

/// 5xx answers are not retried into a storm of our own: one request per need.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_storm_is_reported_without_retries() {
    let server = start(HostileMode::ServerErrorStorm).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::ServerErrorStorm, &run, EXIT_FAILED);
    assert_at_most_one_retry(&server.requests());
    server.shutdown().await;
}

/// The redirect target is a second listener: it must never see the credential. The probe
/// follows no redirect, so it must see nothing at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_to_another_origin_never_carries_the_token() {
    let server = start(HostileMode::RedirectOtherOrigin).await;
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::RedirectOtherOrigin, &run, EXIT_FAILED);
    let front = server.requests();
    assert!(
        front.iter().any(|r| r.header("authorization").is_some()),
        "the front never saw the token, so the test proves nothing"
    );
    let other = server.other_origin_requests();
    assert!(
        other.iter().all(|r| r.header("authorization").is_none()),
        "the other origin received an Authorization header"
    );
    assert!(
        other.is_empty(),
        "the redirect was followed: {:?}",
        other.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    server.shutdown().await;
}

/// Every listed mode has a test above (keeps the list and the battery in step).
#[test]
fn every_mode_is_in_the_battery() {
    let source = include_str!("hostile_battery.rs");
    for mode in HostileMode::ALL {
        let variant = format!("{mode:?}");
        assert!(
            source.contains(&format!("HostileMode::{variant})")),
            "hostile mode {} has no test",
            mode.name()
        );
    }
}

/// IPv6 loopback: a clean testbed on `[::1]` passes, and a hostile front there is diagnosed
/// the same way as on IPv4. Skipped only when this machine has no `::1`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_loopback() {
    let bind = SocketAddr::from((Ipv6Addr::LOCALHOST, 0));
    let testbed = match Testbed::start(TestbedConfig {
        bind,
        ..TestbedConfig::default()
    })
    .await
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("skipping ipv6_loopback: cannot bind [::1] on this machine ({e})");
            return;
        }
    };
    let url = testbed.base_url();
    assert!(url.starts_with("http://[::1]:"), "{url}");
    let clean = run(url, &["--timeout", "10"]).await;
    assert_eq!(clean.code, Some(0), "{}", clean.problems());
    testbed.shutdown().await;

    let server = HostileServer::start(HostileMode::CutMidBody, bind)
        .await
        .expect("hostile front on [::1]");
    assert!(server.base_url().starts_with("http://[::1]:"));
    let run = run(server.base_url(), &["--timeout", "5"]).await;
    assert_diagnosed(HostileMode::CutMidBody, &run, EXIT_UNREACHABLE);
    server.shutdown().await;
}
