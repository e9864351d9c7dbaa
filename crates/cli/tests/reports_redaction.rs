//! No secret in any report format or in any byte of an escalation package.
//!
//! Canaries play every role a secret has in a run: the OAuth client secret, the access token
//! (a JWT that also carries a canary in a claim), a bearer token, a password in a recorded
//! request body, a cookie, a query parameter and echoes of all of them in server responses.
//! Every format is rendered and `preflight bundle` is run on the JSON report; then every file
//! in the zip — and the zip itself — is scanned.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;

use base64::Engine;
use preflight_core::check::RunOptions;
use preflight_core::event::EventSink;
use preflight_core::probe::{Interaction, Probe, RecordedReply, ReplayTransport, Req};
use preflight_core::redact::Redactor;
use preflight_core::report::{
    render_har, render_html, render_human, render_junit, render_markdown,
};
use preflight_core::target::{Credential, Idp, Target};
use preflight_core::{Report, Secret, checks, engine};

const CLIENT_SECRET: &str = "canary-ClientSecret-5521";
const PASSWORD: &str = "canary-Password-7710";
const IN_JWT: &str = "canary-InJwt-3306";
const BEARER: &str = "canary-Bearer-8842";
const BASE: &str = "https://scim.canary.example/scim/v2";
const TOKEN_URL: &str = "https://login.canary.example/oauth2/token";

fn jwt() -> String {
    let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.c2lnbmF0dXJlLWNhbmFyeQ",
        e(r#"{"alg":"RS256","typ":"JWT"}"#),
        e(&format!(
            r#"{{"iss":"https://login.canary.example","sub":"{IN_JWT}","exp":4102444800}}"#
        ))
    )
}

fn needles() -> Vec<String> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    vec![
        CLIENT_SECRET.into(),
        PASSWORD.into(),
        IN_JWT.into(),
        BEARER.into(),
        jwt(),
        jwt().split('.').nth(1).unwrap().to_string(),
        b64(&format!("demo-client:{CLIENT_SECRET}")),
    ]
}

fn reply(status: u16, headers: &[(&str, &str)], body: serde_json::Value) -> Option<RecordedReply> {
    Some(RecordedReply {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        body,
    })
}

fn interaction(method: &str, url: &str, response: Option<RecordedReply>) -> Interaction {
    serde_json::from_value::<Interaction>(serde_json::json!({"method": method, "url": url}))
        .map(|mut i| {
            i.response = response;
            i
        })
        .unwrap()
}

/// A run whose server echoes every secret back, through the real probe and engine.
async fn canary_run(credential: Credential) -> Report {
    let token = jwt();
    let echo = format!(
        "debug: client_secret={CLIENT_SECRET}&x=1 password={PASSWORD} auth=Bearer {token} bearer {BEARER}"
    );
    let interactions = vec![
        interaction(
            "POST",
            TOKEN_URL,
            reply(
                200,
                &[("content-type", "application/json")],
                serde_json::json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
            ),
        ),
        interaction(
            "POST",
            "/Users",
            reply(
                201,
                &[
                    ("content-type", "application/scim+json"),
                    ("set-cookie", &format!("sid={BEARER}")),
                    ("x-echo-authorization", &format!("Bearer {token}")),
                ],
                serde_json::json!({"id": "1", "userName": "alice@example.com", "password": PASSWORD, "note": echo}),
            ),
        ),
        interaction(
            "GET",
            "/Users*",
            reply(
                401,
                &[
                    ("content-type", "text/plain"),
                    ("www-authenticate", "Bearer error=\"invalid_token\""),
                ],
                serde_json::Value::String(echo.clone()),
            ),
        ),
        interaction(
            "*",
            "*",
            reply(
                200,
                &[("content-type", "application/scim+json")],
                serde_json::json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0, "Resources": [], "detail": format!("<script>alert(1)</script>{echo}")}),
            ),
        ),
    ];
    let target = Target::new(BASE, credential, Idp::Entra).unwrap();
    let probe = Probe::new(
        Arc::new(ReplayTransport::new(BASE, None, interactions, None)),
        target,
        Redactor::new(),
    )
    .without_rate_limit_wait();
    // A create with a password (only a field name tells the redactor it is secret) and a
    // token in a query string, before the read-only plan.
    let body = serde_json::json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "alice@example.com", "password": PASSWORD});
    probe
        .send(
            Req::new("POST", "/Users")
                .json_body(&body)
                .purpose("create with password"),
        )
        .await;
    probe
        .send(Req::get(format!(
            "/Users?access_token={PASSWORD}&filter=userName%20eq%20%22alice%40example.com%22"
        )))
        .await;
    let events: EventSink = Arc::new(|_| {});
    engine::run(
        &checks::read_only(),
        &probe,
        &RunOptions::default(),
        &events,
    )
    .await
}

fn scan(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for needle in needles() {
        if let Some(at) = text.find(&needle) {
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(80)
                .map_or(0, |(i, _)| i);
            panic!(
                "{what} contains the secret {needle}: …{}…",
                &text[from..(at + needle.len()).min(text.len())]
            );
        }
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bundle(args: &[&str], stdin: Option<&str>) -> Output {
    let all: Vec<&str> = std::iter::once("bundle")
        .chain(args.iter().copied())
        .collect();
    common::preflight(&all, &[], stdin)
}

fn zip_entries(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().to_string(), bytes)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_canary_in_any_format_or_any_byte_of_the_package() {
    let client_credentials = Credential::ClientCredentials {
        token_url: url::Url::parse(TOKEN_URL).unwrap(),
        client_id: "demo-client".into(),
        client_secret: Secret::new(CLIENT_SECRET),
        scope: None,
    };
    let dir = temp_dir("canary-bundle");
    for (label, credential) in [
        ("client-credentials", client_credentials),
        ("bearer", common::bearer(BEARER)),
    ] {
        let report = canary_run(credential).await;
        assert!(
            report.exchanges.len() >= 4,
            "{label}: the run recorded its requests: {:#?}",
            report
                .exchanges
                .iter()
                .map(|x| x.summary())
                .collect::<Vec<_>>()
        );
        assert!(
            report.exchanges.iter().any(|x| x
                .request
                .body
                .as_deref()
                .is_some_and(|b| b.contains("\"password\""))),
            "{label}: the password request was recorded"
        );
        for (format, text) in [
            ("json", report.to_json()),
            ("human", render_human(&report, false)),
            ("junit", render_junit(&report)),
            ("markdown", render_markdown(&report)),
            ("html", render_html(&report)),
            ("har", render_har(&report)),
        ] {
            scan(&format!("{label} {format}"), text.as_bytes());
        }
        let from = dir.join(format!("{label}.json"));
        std::fs::write(&from, report.to_json()).unwrap();
        for extra in [&[][..], &["--pseudonymise"][..]] {
            let out_zip = dir.join(format!("{label}{}.zip", extra.len()));
            let mut args = vec![
                "--from",
                from.to_str().unwrap(),
                "--out",
                out_zip.to_str().unwrap(),
            ];
            args.extend_from_slice(extra);
            let out = bundle(&args, None);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            scan(&format!("{label} stderr"), &out.stderr);
            scan(
                &format!("{label} zip file"),
                &std::fs::read(&out_zip).unwrap(),
            );
            let entries = zip_entries(&out_zip);
            let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, preflight_core::bundle::FILES, "{label}");
            for (name, bytes) in &entries {
                scan(&format!("{label}{extra:?} {name}"), bytes);
            }
            if !extra.is_empty() {
                for (name, bytes) in &entries {
                    assert!(
                        !String::from_utf8_lossy(bytes).contains("alice@example.com"),
                        "{name} was not pseudonymised"
                    );
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn bundle_contents_validate_against_their_schemas() {
    let report = canary_run(common::bearer(BEARER)).await;
    let dir = temp_dir("bundle-schemas");
    let out_zip = dir.join("package.zip");
    // From standard input this time.
    let out = bundle(
        &["--out", out_zip.to_str().unwrap()],
        Some(&report.to_json()),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries: BTreeMap<String, Vec<u8>> = zip_entries(&out_zip).into_iter().collect();
    let validate = |schema: &str, name: &str| {
        let schema: serde_json::Value = serde_json::from_str(schema).unwrap();
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let doc: serde_json::Value = serde_json::from_slice(&entries[name]).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        doc
    };
    validate(
        include_str!("../../../schemas/report-v1.schema.json"),
        "report.json",
    );
    let har = validate(
        include_str!("../../../tests/fixtures/reports/har-1.2.schema.json"),
        "exchanges.har",
    );
    assert_eq!(
        har["log"]["entries"].as_array().unwrap().len(),
        report.exchanges.len()
    );
    let summary = String::from_utf8_lossy(&entries["SUMMARY.md"]).into_owned();
    for question in [
        "Tenant / organisation ID",
        "SCIM base URL",
        "Identity provider",
        "Failing operation",
        "Timestamp (UTC)",
        "HTTP status",
        "discovery",
        "recent use",
    ] {
        assert!(
            summary.contains(question),
            "SUMMARY.md lacks {question}:\n{summary}"
        );
    }
    assert!(summary.contains("Microsoft Entra ID"));
    let environment = String::from_utf8_lossy(&entries["environment.txt"]).into_owned();
    assert!(
        environment.contains(std::env::consts::ARCH) && environment.contains("preflight"),
        "{environment}"
    );
    let html = String::from_utf8_lossy(&entries["report.html"]).into_owned();
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let _ = std::fs::remove_dir_all(&dir);
}
