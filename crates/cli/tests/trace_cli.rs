//! `preflight trace` through the binary: the JSON report contract (one failing check per
//! broken flow, `xN` evidence (N = HAR entry index) with the broken hop first, exit 1 / 0), bad input as
//! usage errors (exit 2, quickly), `--redact-out`, `bundle --trace-har`, the tenant-routing
//! lint over saved profiles, and the logout URL check against a local HTTP server.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{TempDir, preflight};
use serde_json::Value;

/// A directory under the system temp dir, removed when dropped.
fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/trace/handmade")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn trace(args: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let mut all = vec!["trace"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = preflight(&all, env, None);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), report, stderr)
}

fn failing(report: &Value) -> Vec<&Value> {
    report["checks"]
        .as_array()
        .map(|c| c.iter().filter(|c| c["status"] == "fail").collect())
        .unwrap_or_default()
}

#[test]
fn broken_sign_in_is_one_failure_naming_the_hop() {
    let har = fixture("oidc-redirect-uri-trailing-slash.har");
    let (code, report, stderr) = trace(
        &[
            "--har",
            &har,
            "--redirect-uri",
            "https://app.example.com/callback",
        ],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["schema_version"], 1);
    let fails = failing(&report);
    assert_eq!(fails.len(), 1, "{report:#}");
    let f = fails[0];
    assert_eq!(f["id"], "sso/sign-in-completes");
    assert_eq!(f["diagnosis"]["code"], "sso/redirect-uri-mismatch");
    assert_eq!(f["finding"]["evidence"][0], "x1");
    let actual = f["finding"]["actual"].as_str().unwrap();
    assert!(
        actual.starts_with(
            "GET https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?"
        ),
        "{actual}"
    );
    assert!(!actual.contains("c0de-secret-1"));
    assert_eq!(
        report["diagnoses"],
        serde_json::json!(["sso/redirect-uri-mismatch"])
    );
    // The hops are in the report as exchanges, so every format can show the evidence.
    let ids: Vec<&str> = report["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["id"].as_str())
        .collect();
    assert!(ids.contains(&"x1") && ids.contains(&"x3"), "{ids:?}");
    let text = report.to_string();
    for secret in ["c0de-secret-1", "Canary-Passw0rd", "s3ss10n-value"] {
        assert!(!text.contains(secret), "{secret} in the report");
    }
}

#[test]
fn successful_sign_in_exits_zero_in_every_format() {
    let har = fixture("saml-success-safari.har");
    let (code, report, stderr) = trace(&["--har", &har], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["checks"][0]["status"], "pass");
    for format in ["human", "junit", "markdown", "html"] {
        let out = preflight(&["trace", "--har", &har, "--format", format], &[], None);
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(!out.stdout.is_empty(), "{format}");
    }
}

#[test]
fn bad_input_is_a_usage_error_quickly() {
    let dir = TempDir::new("trace");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let cases = [
        (write("text.har", "this is not json"), "not JSON"),
        (
            write(
                "cut.har",
                r#"{"log":{"entries":[{"request":{"url":"https://a/"#,
            ),
            "ends early",
        ),
        (
            write("empty.har", r#"{"log":{"version":"1.2","entries":[]}}"#),
            "no entries",
        ),
        (
            write(
                "noflow.har",
                r#"{"log":{"entries":[{"request":{"method":"GET","url":"https://a.example/"},"response":{"status":200}}]}}"#,
            ),
            "no sign-in flow",
        ),
        (write("array.har", "[1,2,3]"), "not a HAR"),
        (
            dir.path()
                .join("missing.har")
                .to_string_lossy()
                .into_owned(),
            "cannot read",
        ),
    ];
    // A 1 GB HAR (sparse: no disk used) is refused before reading, not read.
    let big = dir.path().join("huge.har");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let cases: Vec<(String, &str)> = cases
        .into_iter()
        .chain([(big.to_string_lossy().into_owned(), "up to")])
        .collect();
    for (path, words) in &cases {
        let started = Instant::now();
        let (code, report, stderr) = trace(&["--har", path], &[]);
        assert_eq!(code, 2, "{path}: {stderr}");
        assert!(stderr.contains(words), "{path}: {stderr}");
        assert!(report.is_null(), "nothing on stdout for a usage error");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}

#[test]
fn redact_out_and_bundle_carry_no_secret() {
    let dir = TempDir::new("trace");
    let har = fixture("oidc-success-firefox.har");
    let redacted = dir.path().join("redacted.har");
    let report_path = dir.path().join("report.json");
    let out = preflight(
        &[
            "trace",
            "--har",
            &har,
            "--redact-out",
            &redacted.to_string_lossy(),
            "--mask-names",
            "--format",
            "json",
            "--out",
            &report_path.to_string_lossy(),
        ],
        &[],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&redacted).unwrap();
    let doc: Value = serde_json::from_str(&text).expect("redacted HAR is JSON");
    assert_eq!(doc["log"]["entries"].as_array().unwrap().len(), 5);
    for secret in [
        "c0de-secret-1",
        "Canary-Passw0rd",
        "s3ss10n-value",
        "abc123",
        "alice@contoso.example",
    ] {
        assert!(!text.contains(secret), "{secret} in the redacted HAR");
    }
    assert!(text.contains("REDACTED-code-1"));
    // The redacted copy still traces to the same result.
    let (code, _, _) = trace(&["--har", &redacted.to_string_lossy()], &[]);
    assert_eq!(code, 0);

    let zip = dir.path().join("ticket.zip");
    let out = preflight(
        &[
            "bundle",
            "--from",
            &report_path.to_string_lossy(),
            "--trace-har",
            &har,
            "--out",
            &zip.to_string_lossy(),
        ],
        &[],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut inner = String::new();
    archive
        .by_name("sign-in.redacted.har")
        .expect("the package holds the redacted HAR")
        .read_to_string(&mut inner)
        .unwrap();
    serde_json::from_str::<Value>(&inner).expect("still JSON");
    for secret in ["c0de-secret-1", "Canary-Passw0rd", "s3ss10n-value"] {
        assert!(!inner.contains(secret), "{secret} in the package");
    }
}

#[test]
fn profiles_sharing_routing_values_are_flagged() {
    let dir = TempDir::new("trace");
    let profile = |id: &str, name: &str, url: &str, client: &str| {
        serde_json::json!({
            "id": id, "name": name, "base_url": url, "idp": "entra",
            "auth": {"kind": "client-credentials",
                     "token_url": "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
                     "client_id": client},
            "created_at": "2026-01-01T00:00:00Z"
        })
    };
    let file = serde_json::json!({"version": 1, "profiles": [
        profile("acme-prod", "Acme", "https://scim.acme.example/v2", "app-client"),
        profile("acme-test", "acme", "https://scim-test.acme.example/v2", "test-client"),
    ]});
    std::fs::write(dir.path().join("profiles.json"), file.to_string()).unwrap();
    let config = dir.path().to_string_lossy().into_owned();
    let env = [("PREFLIGHT_CONFIG_DIR", config.as_str())];
    let har = fixture("oidc-success-firefox.har");
    let (code, report, stderr) = trace(&["--har", &har, "--profile", "acme-prod"], &env);
    assert_eq!(
        code, 0,
        "a routing warning is not a broken sign-in: {stderr}"
    );
    let lint = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "sso/tenant-routing-unique")
        .expect("the lint ran");
    assert_eq!(lint["status"], "warn");
    assert_eq!(lint["diagnosis"]["code"], "sso/tenant-routing");
    assert!(
        lint["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("display name")
    );
    // The other profile's client ID is not the one in the HAR: the flow goes to the wrong app.
    let (code, report, _) = trace(&["--har", &har, "--profile", "acme-test"], &env);
    assert_eq!(code, 1);
    assert_eq!(
        failing(&report)[0]["diagnosis"]["code"],
        "sso/tenant-routing"
    );
    assert_eq!(failing(&report)[0]["finding"]["evidence"][0], "x1");
}

/// A tiny HTTP server on 127.0.0.1: `/logout` → `/bye` (200); `/loop-a` ↔ `/loop-b`.
fn logout_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let reply = match path.as_str() {
                "/logout" => "HTTP/1.1 302 Found\r\nLocation: /bye\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
                "/loop-a" => "HTTP/1.1 302 Found\r\nLocation: /loop-b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
                "/loop-b" => "HTTP/1.1 302 Found\r\nLocation: /loop-a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
                _ => "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye".to_string(),
            };
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    base
}

fn logout_check(report: &Value) -> &Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "sso/logout-url-valid")
        .expect("the logout check ran")
}

#[test]
fn logout_url_answers_loops_or_differs() {
    let base = logout_server();
    let har = fixture("saml-success-safari.har");
    let (code, report, stderr) = trace(
        &["--har", &har, "--logout-url", &format!("{base}/logout")],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(logout_check(&report)["status"], "pass");

    let (code, report, _) = trace(
        &["--har", &har, "--logout-url", &format!("{base}/loop-a")],
        &[],
    );
    assert_eq!(code, 1);
    let check = logout_check(&report);
    assert_eq!(check["diagnosis"]["code"], "sso/logout-url");
    assert!(
        check["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("loops")
    );

    // The IdP's metadata names another SingleLogoutService: the logout URL never reaches it.
    let dir = TempDir::new("trace");
    let metadata = write_metadata(dir.path(), "https://idp.example.org/slo");
    let (code, report, stderr) = trace(
        &[
            "--har",
            &har,
            "--logout-url",
            &format!("{base}/logout"),
            "--metadata",
            &metadata,
        ],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    let check = logout_check(&report);
    assert!(
        check["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("never reaches")
    );
}

/// Minimal IdP metadata with one signing certificate (a self-signed one made by openssl when
/// present; otherwise the test that needs it is skipped by the caller) and a SingleLogoutService.
fn write_metadata(dir: &Path, slo: &str) -> String {
    let (cert, _) = test_certificate(dir);
    let xml = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.org/metadata"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{slo}"/><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.org/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#
    );
    let path = dir.join("metadata.xml");
    std::fs::write(&path, xml).unwrap();
    path.to_string_lossy().into_owned()
}

/// A self-signed RSA certificate (base64 DER) and its private key file, made by openssl.
fn test_certificate(dir: &Path) -> (String, PathBuf) {
    let key = dir.join("k.pem");
    let cert = dir.join("c.pem");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=trace-test",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl (installed by scripts/setup.sh) makes the test certificate");
    assert!(status.success());
    let b64 = std::fs::read_to_string(&cert)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    (b64, key)
}

/// An IdP-initiated SAML sign-in (ACS POST, then the app's landing page), its response signed
/// by xmlsec1 with `key`; `tamper` changes the NameID after signing.
fn signed_saml_har(dir: &Path, key: &Path, tamper: bool) -> String {
    let acs = "https://app.example.com/saml/acs";
    let template = format!(
        r##"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z" Destination="{acs}"><saml:Issuer>https://idp.example.org/metadata</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_resp1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_as1" Version="2.0" IssueInstant="2026-03-01T10:00:00Z"><saml:Issuer>https://idp.example.org/metadata</saml:Issuer><saml:Subject><saml:NameID>alice@contoso.example</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2026-03-01T10:05:00Z" Recipient="{acs}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="2026-03-01T09:59:00Z" NotOnOrAfter="2026-03-01T10:05:00Z"><saml:AudienceRestriction><saml:Audience>https://app.example.com/saml/metadata</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="2026-03-01T10:00:00Z"/><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>alice@contoso.example</saml:AttributeValue></saml:Attribute><saml:Attribute Name="firstName"><saml:AttributeValue>Alice</saml:AttributeValue></saml:Attribute><saml:Attribute Name="lastName"><saml:AttributeValue>Liddell</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"##
    );
    let unsigned = dir.join("unsigned.xml");
    let signed = dir.join("signed.xml");
    std::fs::write(&unsigned, template).unwrap();
    let status = std::process::Command::new("xmlsec1")
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(key)
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:protocol:Response",
            "--output",
        ])
        .arg(&signed)
        .arg(&unsigned)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("xmlsec1 (installed by scripts/setup.sh) signs the test response");
    assert!(status.success());
    let mut xml = std::fs::read_to_string(&signed).unwrap();
    if tamper {
        xml = xml.replace(
            "alice@contoso.example</saml:NameID>",
            "mallory@contoso.example</saml:NameID>",
        );
    }
    use base64::Engine;
    let value = base64::engine::general_purpose::STANDARD.encode(xml.trim());
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [
        {"startedDateTime": "2026-03-01T10:00:02.000Z", "time": 10,
         "request": {"method": "POST", "url": acs, "headers": [],
                     "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "SAMLResponse", "value": value}]}},
         "response": {"status": 302, "headers": [{"name": "Location", "value": "https://app.example.com/home"}], "content": {}}},
        {"startedDateTime": "2026-03-01T10:00:03.000Z", "time": 10,
         "request": {"method": "GET", "url": "https://app.example.com/home", "headers": []},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": "<html>Welcome</html>"}}}
    ]}});
    let path = dir.join(if tamper { "tampered.har" } else { "signed.har" });
    std::fs::write(&path, har.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn saml_signature_is_verified_against_the_metadata() {
    let dir = TempDir::new("trace");
    let (_, key) = test_certificate(dir.path());
    // Metadata with the same certificate: write_metadata makes its own, so build it here.
    let cert_b64: String = std::fs::read_to_string(dir.path().join("c.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let metadata = dir.path().join("idp.xml");
    std::fs::write(
        &metadata,
        format!(
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.org/metadata"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.org/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#
        ),
    )
    .unwrap();
    let metadata = metadata.to_string_lossy().into_owned();
    let good = signed_saml_har(dir.path(), &key, false);
    let (code, report, stderr) = trace(
        &[
            "--har",
            &good,
            "--metadata",
            &metadata,
            "--sp-entity-id",
            "https://app.example.com/saml/metadata",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr} {report:#}");
    let bad = signed_saml_har(dir.path(), &key, true);
    let (code, report, _) = trace(&["--har", &bad, "--metadata", &metadata], &[]);
    assert_eq!(code, 1);
    let f = failing(&report);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["diagnosis"]["code"], "saml/signature-invalid");
    assert_eq!(f[0]["finding"]["evidence"][0], "x0");
    assert!(
        f[0]["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("digest"),
        "{}",
        f[0]["finding"]["actual"]
    );
}

/// `--profile` brings the profile's recorded redirect URIs: the app's URI with a trailing
/// slash matches none of them; a `--redirect-uri` flag replaces them.
#[test]
fn a_profiles_recorded_redirect_uris_are_compared() {
    let dir = TempDir::new("trace");
    let file = serde_json::json!({"version": 1, "profiles": [{
        "id": "acme", "name": "Acme", "base_url": "https://scim.acme.example/v2", "idp": "entra",
        "auth": {"kind": "bearer"}, "created_at": "2026-01-01T00:00:00Z",
        "sign_in": {"redirect_uris": [
            "https://staging.example.com/callback",
            "https://app.example.com/callback"
        ]}
    }]});
    std::fs::write(dir.path().join("profiles.json"), file.to_string()).unwrap();
    let config = dir.path().to_string_lossy().into_owned();
    let env = [("PREFLIGHT_CONFIG_DIR", config.as_str())];
    let har = fixture("oidc-redirect-uri-trailing-slash.har");
    let (code, report, stderr) = trace(&["--har", &har, "--profile", "acme"], &env);
    assert_eq!(code, 1, "{stderr}");
    let broken = &failing(&report)[0];
    assert_eq!(broken["diagnosis"]["code"], "sso/redirect-uri-mismatch");
    assert!(
        broken["finding"]["expected"]
            .as_str()
            .unwrap()
            .contains("https://app.example.com/callback"),
        "{broken}"
    );
    let (code, _, stderr) = trace(
        &[
            "--har",
            &har,
            "--profile",
            "acme",
            "--redirect-uri",
            "https://app.example.com/callback/",
        ],
        &env,
    );
    assert_eq!(code, 0, "the flag wins over the recorded URIs: {stderr}");
}
