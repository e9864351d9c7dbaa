//! The in-repo testbed, quirk by quirk: each quirk must produce exactly the diagnosis it
//! reproduces, and a clean testbed must produce no failure at all (no false alarms).

mod common;

use std::time::Duration;

use common::{bearer, problems, run, run_with};
use preflight_core::target::{Credential, Idp};
use preflight_testbed::{Quirks, Testbed, TestbedConfig};

const TOKEN: &str = "demo-token";

async fn testbed(quirks: &str) -> Testbed {
    let config = TestbedConfig {
        quirks: Quirks::parse(quirks).expect("quirk names"),
        ..TestbedConfig::default()
    };
    Testbed::start(config).await.expect("testbed starts")
}

#[tokio::test]
async fn clean_testbed_has_no_failures_for_any_idp() {
    let tb = testbed("").await;
    for idp in Idp::ALL {
        let report = run(&tb.base_url(), bearer(TOKEN), idp).await;
        assert_eq!(report.summary.failed, 0, "{idp}: {}", problems(&report));
        assert_eq!(report.summary.blocked, 0, "{idp}: {}", problems(&report));
        // Expected warnings on a clean local server: plain HTTP on loopback, and for OneLogin
        // the scim+json media type its guide does not ask for.
        let expected_warning =
            |d: &str| d == "tls/plain-http" || (idp == Idp::Onelogin && d == "scim/content-type");
        let warned: Vec<_> = report
            .diagnoses
            .iter()
            .filter(|d| !expected_warning(d))
            .collect();
        assert!(
            warned.is_empty(),
            "{idp}: unexpected diagnoses {warned:?}\n{}",
            problems(&report)
        );
    }
    tb.shutdown().await;
}

/// quirk → the diagnosis code it must produce.
const QUIRK_DIAGNOSES: &[(&str, &str)] = &[
    ("discovery-requires-auth", "auth/discovery-requires-auth"),
    ("no-www-authenticate", "auth/challenge-missing"),
    ("auth-off", "auth/not-enforced"),
    ("filter-ignored", "scim/filter-ignored"),
    ("filter-unsupported", "scim/filter-unsupported"),
    ("filter-case-sensitive", "scim/filter-case-sensitive"),
    ("invalid-filter-accepted", "scim/invalid-filter-accepted"),
    ("json-content-type", "scim/content-type"),
    ("html-login-page", "url/not-scim"),
    ("other-json", "url/not-scim"),
    ("redirect", "url/redirects"),
    ("status-500-on-count", "scim/server-error"),
    ("rate-limit-no-retry-after=2", "scim/rate-limited"),
    ("not-found-200", "scim/not-found-status"),
    ("not-found-plain", "scim/error-shape"),
    ("error-status-int", "scim/error-shape"),
    ("list-shape-broken", "scim/list-response-shape"),
    ("paging-ignored", "scim/pagination"),
    ("wrong-host-location", "url/wrong-tenant"),
    ("always-403", "auth/insufficient-scope"),
    ("token-expired-message", "auth/token-expired"),
];

#[tokio::test]
async fn each_quirk_produces_its_diagnosis() {
    let mut wrong = Vec::new();
    for (quirk, code) in QUIRK_DIAGNOSES {
        let tb = testbed(quirk).await;
        let report = run(&tb.base_url(), bearer(TOKEN), Idp::Generic).await;
        if !report.diagnoses.iter().any(|d| d == code) {
            wrong.push(format!(
                "{quirk}: expected {code}, got {:?}\n{}",
                report.diagnoses,
                problems(&report)
            ));
        }
        tb.shutdown().await;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[tokio::test]
async fn rate_limit_with_retry_after_is_waited_out() {
    let tb = testbed("rate-limit=1").await;
    let report = run(&tb.base_url(), bearer(TOKEN), Idp::Generic).await;
    assert_eq!(report.summary.failed, 0, "{}", problems(&report));
    let limit = report.result("http/rate-limit").unwrap();
    assert_eq!(limit.status.as_str(), "pass");
    assert!(
        limit
            .note
            .as_deref()
            .unwrap()
            .contains("1 responses were 429"),
        "{limit:?}"
    );
    tb.shutdown().await;
}

#[tokio::test]
async fn slow_server_times_out_with_net_timeout() {
    let tb = testbed("slow=1500").await;
    let report = run_with(
        &tb.base_url(),
        bearer(TOKEN),
        Idp::Generic,
        Duration::from_millis(700),
    )
    .await;
    assert!(
        report.diagnoses.iter().any(|d| d == "net/timeout"),
        "{}",
        problems(&report)
    );
    assert_eq!(report.exit_code(false), 3);
    tb.shutdown().await;
}

#[tokio::test]
async fn wrong_token_is_rejected_not_blamed_on_the_url() {
    let tb = testbed("").await;
    let report = run(&tb.base_url(), bearer("not-the-token"), Idp::Entra).await;
    let accepts = report.result("auth/users-accepts-token").unwrap();
    assert_eq!(
        accepts.diagnosis.as_ref().unwrap().code,
        "auth/token-rejected",
        "{}",
        problems(&report)
    );
    assert!(
        accepts
            .diagnosis
            .as_ref()
            .unwrap()
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("Discovery answered")
    );
    assert_eq!(
        report
            .result("scim/endpoint-reachable")
            .unwrap()
            .status
            .as_str(),
        "pass"
    );
    tb.shutdown().await;
}

#[tokio::test]
async fn base_url_without_version_segment_is_named() {
    let tb = testbed("").await;
    let short = tb.base_url().trim_end_matches("/v2").to_string();
    let report = run(&short, bearer(TOKEN), Idp::Generic).await;
    let reach = report.result("scim/endpoint-reachable").unwrap();
    assert_eq!(
        reach.diagnosis.as_ref().map(|d| d.code.as_str()),
        Some("url/missing-version-segment"),
        "{}",
        problems(&report)
    );
    assert!(
        reach
            .diagnosis
            .as_ref()
            .unwrap()
            .detail
            .as_deref()
            .unwrap()
            .contains(&tb.base_url())
    );
    tb.shutdown().await;
}

#[tokio::test]
async fn base_url_with_resource_path_is_named() {
    let tb = testbed("").await;
    let report = run(
        &format!("{}/Users", tb.base_url()),
        bearer(TOKEN),
        Idp::Generic,
    )
    .await;
    assert!(
        report
            .diagnoses
            .iter()
            .any(|d| d == "url/includes-resource-path"),
        "{}",
        problems(&report)
    );
    tb.shutdown().await;
}

#[tokio::test]
async fn expired_and_read_only_jwts_are_named_before_sending() {
    let tb = testbed("").await;
    let expired = tb.mint_jwt(&["scim.read", "scim.write"], -3600);
    let report = run(&tb.base_url(), bearer(&expired), Idp::Generic).await;
    assert_eq!(
        report
            .result("auth/token-not-expired")
            .unwrap()
            .status
            .as_str(),
        "fail"
    );
    assert_eq!(
        report
            .result("auth/users-accepts-token")
            .unwrap()
            .diagnosis
            .as_ref()
            .unwrap()
            .code,
        "auth/token-expired"
    );

    let read_only = tb.mint_jwt(&["scim.read"], 3600);
    let report = run(&tb.base_url(), bearer(&read_only), Idp::Generic).await;
    assert_eq!(
        report.result("auth/token-scopes").unwrap().status.as_str(),
        "warn",
        "{}",
        problems(&report)
    );
    assert_eq!(report.summary.failed, 0, "{}", problems(&report));

    let soon = tb.mint_jwt(&["scim.read", "scim.write"], 3 * 24 * 3600);
    let report = run(&tb.base_url(), bearer(&soon), Idp::Generic).await;
    let expiry = report.result("auth/token-not-expired").unwrap();
    assert_eq!(
        expiry.diagnosis.as_ref().unwrap().code,
        "auth/token-expiring-soon"
    );
    assert!(
        expiry
            .finding
            .as_ref()
            .unwrap()
            .actual
            .starts_with("critical")
    );
    tb.shutdown().await;
}

#[tokio::test]
async fn client_credentials_grant_against_the_testbed() {
    let tb = testbed("").await;
    let good = Credential::ClientCredentials {
        token_url: tb.token_url().parse().unwrap(),
        client_id: "demo-client".into(),
        client_secret: "demo-secret".into(),
        scope: Some("scim.read scim.write".into()),
    };
    let report = run(&tb.base_url(), good, Idp::Entra).await;
    assert_eq!(report.summary.failed, 0, "{}", problems(&report));
    let grant = report.result("auth/client-credentials-grant").unwrap();
    assert!(
        grant.note.as_deref().unwrap().contains("No refresh token"),
        "{grant:?}"
    );

    let bad = Credential::ClientCredentials {
        token_url: tb.token_url().parse().unwrap(),
        client_id: "demo-client".into(),
        client_secret: "wrong-secret".into(),
        scope: None,
    };
    let report = run(&tb.base_url(), bad, Idp::Entra).await;
    assert_eq!(
        report
            .result("auth/client-credentials-grant")
            .unwrap()
            .diagnosis
            .as_ref()
            .unwrap()
            .code,
        "auth/client-credentials-failed"
    );
    tb.shutdown().await;
}

#[tokio::test]
async fn unreachable_port_is_connection_refused_and_exit_3() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let report = run(
        &format!("http://127.0.0.1:{port}/scim/v2"),
        bearer(TOKEN),
        Idp::Generic,
    )
    .await;
    assert!(
        report
            .diagnoses
            .iter()
            .any(|d| d == "net/connection-refused"),
        "{}",
        problems(&report)
    );
    assert_eq!(report.exit_code(false), 3);
}
