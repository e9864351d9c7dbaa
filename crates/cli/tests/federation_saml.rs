//! `preflight saml` against SAML documents made IN THIS TEST RUN by real tools: `openssl`
//! creates the IdP certificates (one of them expired), `xmlsec1` signs the responses with an
//! enveloped RSA-SHA256 signature and exclusive c14n — the way IdPs sign. Preflight must verify
//! what xmlsec1 signs, reject what was changed after signing, and refuse unsafe XML quickly.
//!
//! Skipped when openssl or xmlsec1 is missing, unless PREFLIGHT_REQUIRE_REAL_SERVERS is set.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

const IDP: &str = "https://idp.example.test/entity";
const SP: &str = "https://sp.example.test/entity";
const ACS: &str = "https://sp.example.test/saml/acs";

fn tool_present(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new(name)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
}

fn workdir() -> Option<PathBuf> {
    if !tool_present("openssl") || !tool_present("xmlsec1") {
        assert!(
            std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
            "openssl and xmlsec1 are required (apt-get install openssl xmlsec1)"
        );
        eprintln!("skipping: openssl or xmlsec1 missing");
        return None;
    }
    let dir = std::env::temp_dir().join(format!(
        "preflight-saml-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn sh(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A key and a self-signed certificate valid now (`valid`) or expired in 2021.
fn make_cert(dir: &Path, name: &str, expired: bool) {
    let key = format!("{name}.key");
    let cert = format!("{name}.pem");
    if !expired {
        sh(
            dir,
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &cert,
                "-days",
                "365",
                "-subj",
                &format!("/CN={name}"),
            ],
        );
        return;
    }
    let ca = dir.join(format!("{name}-ca"));
    std::fs::create_dir_all(&ca).unwrap();
    std::fs::write(ca.join("index.txt"), "").unwrap();
    std::fs::write(ca.join("serial"), "01\n").unwrap();
    let cnf = format!(
        "[ca]\ndefault_ca = d\n[d]\ndatabase = {0}/index.txt\nnew_certs_dir = {0}\nserial = {0}/serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n",
        ca.display()
    );
    std::fs::write(ca.join("ca.cnf"), cnf).unwrap();
    sh(dir, "openssl", &["genrsa", "-out", &key, "2048"]);
    let csr = format!("{name}.csr");
    sh(
        dir,
        "openssl",
        &[
            "req",
            "-new",
            "-key",
            &key,
            "-subj",
            &format!("/CN={name}"),
            "-out",
            &csr,
        ],
    );
    let cnf_path = ca.join("ca.cnf").display().to_string();
    sh(
        dir,
        "openssl",
        &[
            "ca",
            "-batch",
            "-config",
            &cnf_path,
            "-selfsign",
            "-keyfile",
            &key,
            "-in",
            &csr,
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20210101000000Z",
            "-out",
            &cert,
        ],
    );
}

fn cert_base64(dir: &Path, name: &str) -> String {
    let pem = std::fs::read_to_string(dir.join(format!("{name}.pem"))).unwrap();
    let start = pem.find("-----BEGIN CERTIFICATE-----").unwrap();
    pem[start..]
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

fn metadata(certs: &[String], entity: &str) -> String {
    let keys: String = certs
        .iter()
        .map(|c| format!(r#"<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    {keys}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"#
    )
}

const SIGNATURE_TEMPLATE: &str = r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#REF"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>"##;

fn utc(offset_secs: i64) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + offset_secs;
    let out = Command::new("date")
        .args(["-u", "-d", &format!("@{t}"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

struct Resp<'a> {
    audience: &'a str,
    attributes: &'a [(&'a str, &'a str)],
    not_on_or_after: String,
}

fn response(r: &Resp<'_>) -> String {
    let now = utc(0);
    let attrs: String = r
        .attributes
        .iter()
        .map(|(n, v)| format!(r#"<saml:Attribute Name="{n}"><saml:AttributeValue>{v}</saml:AttributeValue></saml:Attribute>"#))
        .collect();
    let sig = SIGNATURE_TEMPLATE.replace("REF", "_assertion-1");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_response-1" Version="2.0" IssueInstant="{now}" Destination="{ACS}">
  <saml:Issuer>{IDP}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ID="_assertion-1" Version="2.0" IssueInstant="{now}">
    <saml:Issuer>{IDP}</saml:Issuer>
    {sig}
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.test</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{noa}" Recipient="{ACS}"/></saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{now}" NotOnOrAfter="{noa}"><saml:AudienceRestriction><saml:Audience>{aud}</saml:Audience></saml:AudienceRestriction></saml:Conditions>
    <saml:AuthnStatement AuthnInstant="{now}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>
    <saml:AttributeStatement>{attrs}</saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>
"#,
        noa = r.not_on_or_after,
        aud = r.audience,
    )
}

/// Sign the assertion with xmlsec1 and return the base64 the browser would POST.
fn sign(dir: &Path, name: &str, xml: &str, key: &str) -> PathBuf {
    let template = dir.join(format!("{name}.tmpl.xml"));
    std::fs::write(&template, xml).unwrap();
    let signed = dir.join(format!("{name}.xml"));
    let keys = format!("{key}.key,{key}.pem");
    sh(
        dir,
        "xmlsec1",
        &[
            "--sign",
            "--privkey-pem",
            &keys,
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--output",
            signed.to_str().unwrap(),
            template.to_str().unwrap(),
        ],
    );
    signed
}

fn base64_file(dir: &Path, signed: &Path, name: &str) -> PathBuf {
    let out = dir.join(format!("{name}.b64"));
    let b64 = Command::new("openssl")
        .args(["base64", "-A", "-in", signed.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::write(&out, b64.stdout).unwrap();
    out
}

fn saml(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .arg("saml")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("preflight runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}): {text} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

fn result<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing: {report:#}"))
}

fn code_of(report: &Value, id: &str) -> Option<String> {
    result(report, id)["diagnosis"]["code"]
        .as_str()
        .map(str::to_string)
}

const GIVEN: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname";
const SURNAME: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname";
const EMAIL: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";

#[test]
fn saml_checks_on_documents_signed_by_xmlsec1() {
    let Some(dir) = workdir() else { return };
    make_cert(&dir, "idp", false);
    make_cert(&dir, "old-idp", true);
    make_cert(&dir, "attacker", false);
    let md = dir.join("metadata.xml");
    std::fs::write(&md, metadata(&[cert_base64(&dir, "idp")], IDP)).unwrap();
    let md = md.to_str().unwrap().to_string();
    let full = [
        (GIVEN, "Alice &amp; Bob"),
        (SURNAME, "Example"),
        (EMAIL, "alice@example.test"),
    ];
    let good = Resp {
        audience: SP,
        attributes: &full,
        not_on_or_after: utc(3600),
    };
    let signed = sign(&dir, "good", &response(&good), "idp");
    let good_b64 = base64_file(&dir, &signed, "good");
    let sha1 = {
        let out = Command::new("openssl")
            .args(["x509", "-in", "idp.pem", "-noout", "-fingerprint", "-sha1"])
            .current_dir(&dir)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .rsplit('=')
            .next()
            .unwrap()
            .to_string()
    };
    let base = |resp: &Path| {
        vec![
            "--metadata".to_string(),
            md.clone(),
            "--sp-entity-id".into(),
            SP.into(),
            "--acs-url".into(),
            ACS.into(),
            "--response-file".into(),
            resp.display().to_string(),
        ]
    };
    let run = |args: Vec<String>| saml(&args.iter().map(String::as_str).collect::<Vec<_>>());

    // Valid: every check passes, the xmlsec1 signature verifies, the pinned SHA-1 matches.
    let mut args = base(&good_b64);
    args.extend(["--sp-cert-thumbprint".into(), sha1.to_lowercase()]);
    let (code, report) = run(args);
    assert_eq!(code, 0, "{report:#}");
    for c in report["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "pass", "{c:#}");
    }
    assert!(
        result(&report, "saml/response-signature-valid")["note"]
            .as_str()
            .unwrap()
            .contains("Assertion signature verified")
    );
    // The decoded XML as a file works as well as the base64.
    let (code, _) = run(base(&signed));
    assert_eq!(code, 0);

    // Tampered after signing: the digest no longer matches.
    let tampered = dir.join("tampered.xml");
    std::fs::write(
        &tampered,
        std::fs::read_to_string(&signed)
            .unwrap()
            .replace("Alice &amp; Bob", "Mallory"),
    )
    .unwrap();
    let (code, report) = run(base(&tampered));
    assert_eq!(code, 1);
    assert_eq!(
        code_of(&report, "saml/response-signature-valid").as_deref(),
        Some("saml/signature-invalid")
    );
    assert!(
        result(&report, "saml/response-signature-valid")["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("digest")
    );

    // Signature value altered: the digest matches, the RSA signature does not.
    let text = std::fs::read_to_string(&signed).unwrap();
    let at = text.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    let mut bytes = text.into_bytes();
    bytes[at + 4] = if bytes[at + 4] == b'A' { b'B' } else { b'A' };
    let bad_sig = dir.join("bad-sig.xml");
    std::fs::write(&bad_sig, bytes).unwrap();
    let (_, report) = run(base(&bad_sig));
    assert!(
        result(&report, "saml/response-signature-valid")["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("does not verify"),
        "{report:#}"
    );

    // Signed by a key that is not in the metadata (KeyInfo carries the attacker's own cert).
    let forged = sign(&dir, "forged", &response(&good), "attacker");
    let (_, report) = run(base(&forged));
    assert_eq!(
        code_of(&report, "saml/response-signature-valid").as_deref(),
        Some("saml/signature-invalid")
    );

    // Wrong SP entity ID.
    let mut args = base(&good_b64);
    args[3] = "https://sp.example.test/other".into();
    let (code, report) = run(args);
    assert_eq!(code, 1);
    assert_eq!(
        code_of(&report, "saml/response-entity-ids-match").as_deref(),
        Some("saml/entity-id-mismatch")
    );

    // Wrong ACS URL (trailing slash).
    let mut args = base(&good_b64);
    args[5] = format!("{ACS}/");
    let (_, report) = run(args);
    assert_eq!(
        code_of(&report, "saml/response-destination-match").as_deref(),
        Some("saml/destination-mismatch")
    );

    // Missing JIT attributes.
    let partial = Resp {
        audience: SP,
        attributes: &[(GIVEN, "Alice")],
        not_on_or_after: utc(3600),
    };
    let signed_partial = sign(&dir, "partial", &response(&partial), "idp");
    let (code, report) = run(base(&signed_partial));
    assert_eq!(code, 1);
    assert_eq!(
        code_of(&report, "saml/response-attributes-present").as_deref(),
        Some("saml/attribute-missing")
    );
    assert!(
        result(&report, "saml/response-attributes-present")["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("last name, email")
    );

    // Expired assertion (a replayed response).
    let old = Resp {
        audience: SP,
        attributes: &full,
        not_on_or_after: utc(-3600),
    };
    let signed_old = sign(&dir, "old", &response(&old), "idp");
    let (_, report) = run(base(&signed_old));
    assert_eq!(
        code_of(&report, "saml/response-conditions-current").as_deref(),
        Some("saml/conditions-window")
    );

    // Metadata whose only signing certificate expired in 2021.
    let expired_md = dir.join("expired-metadata.xml");
    std::fs::write(&expired_md, metadata(&[cert_base64(&dir, "old-idp")], IDP)).unwrap();
    let (code, report) = saml(&["--metadata", expired_md.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        code_of(&report, "saml/signing-cert-valid").as_deref(),
        Some("saml/signing-cert-expired")
    );
    // During a rollover (expired + current), it warns.
    let both = dir.join("rollover-metadata.xml");
    std::fs::write(
        &both,
        metadata(
            &[cert_base64(&dir, "old-idp"), cert_base64(&dir, "idp")],
            IDP,
        ),
    )
    .unwrap();
    let (code, report) = saml(&["--metadata", both.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(result(&report, "saml/signing-cert-valid")["status"], "warn");
    // A pinned thumbprint of another certificate.
    let (_, report) = saml(&["--metadata", &md, "--sp-cert-thumbprint", &"ab".repeat(32)]);
    assert_eq!(
        code_of(&report, "saml/pinned-thumbprint-current").as_deref(),
        Some("saml/signature-invalid")
    );

    // Two assertions in one response: refused.
    let doubled = std::fs::read_to_string(&signed).unwrap();
    let a_start = doubled.find("<saml:Assertion").unwrap();
    let a_end = doubled.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let wrapped = format!(
        "{}{}{}",
        &doubled[..a_end],
        doubled[a_start..a_end].replace("_assertion-1", "_evil"),
        &doubled[a_end..]
    );
    let wrapped_path = dir.join("wrapped.xml");
    std::fs::write(&wrapped_path, wrapped).unwrap();
    let (_, report) = run(base(&wrapped_path));
    assert!(
        result(&report, "saml/response-signature-valid")["finding"]["actual"]
            .as_str()
            .unwrap()
            .contains("2 assertions")
    );
    assert_eq!(
        result(&report, "saml/response-attributes-present")["status"],
        "blocked"
    );

    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unsafe_xml_is_refused_quickly() {
    let dir = std::env::temp_dir().join(format!(
        "preflight-xxe-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let xxe = dir.join("xxe.xml");
    std::fs::write(&xxe, r#"<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&x;"/>"#).unwrap();
    let mut laughs = String::from(r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#);
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        laughs.push_str(&format!(
            r#"<!ENTITY lol{i} "{}">"#,
            format!("&{prev};").repeat(10)
        ));
    }
    laughs.push_str("]><lolz>&lol9;</lolz>");
    let bomb = dir.join("laughs.xml");
    std::fs::write(&bomb, laughs).unwrap();
    for file in [&xxe, &bomb] {
        let started = Instant::now();
        let (code, report) = saml(&[
            "--metadata",
            file.to_str().unwrap(),
            "--response-file",
            file.to_str().unwrap(),
        ]);
        assert!(started.elapsed().as_secs() < 5);
        assert_eq!(code, 1);
        assert_eq!(
            code_of(&report, "saml/metadata-valid").as_deref(),
            Some("saml/metadata-invalid")
        );
        assert!(
            result(&report, "saml/metadata-valid")["finding"]["actual"]
                .as_str()
                .unwrap()
                .contains("DOCTYPE")
        );
        assert!(
            result(&report, "saml/response-signature-valid")["finding"]["actual"]
                .as_str()
                .unwrap()
                .contains("DOCTYPE")
        );
    }
    // Larger than the cap: a usage error, nothing parsed.
    let huge = dir.join("huge.xml");
    std::fs::write(&huge, vec![b' '; 7 * 1024 * 1024]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["saml", "--metadata", huge.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A 5 MiB metadata file (a big federation-style document) parses within the cap; with
/// GNU time present, peak memory is printed for the record.
#[test]
fn five_mib_metadata_is_read_with_bounded_memory() {
    let Some(dir) = workdir() else { return };
    make_cert(&dir, "idp", false);
    let cert = cert_base64(&dir, "idp");
    let mut md = metadata(&[cert], IDP);
    let filler: String = (0..40_000)
        .map(|i| format!("<md:NameIDFormat>urn:example:format:{i:0>100}</md:NameIDFormat>\n"))
        .collect();
    md = md.replace(
        "<md:SingleSignOnService",
        &format!("{filler}<md:SingleSignOnService"),
    );
    assert!(md.len() > 5 * 1024 * 1024, "{}", md.len());
    let path = dir.join("big.xml");
    std::fs::write(&path, &md).unwrap();
    let started = Instant::now();
    let (code, report) = saml(&["--metadata", path.to_str().unwrap()]);
    eprintln!(
        "benchmark: {} byte metadata checked in {:?}",
        md.len(),
        started.elapsed()
    );
    assert_eq!(code, 0, "{report:#}");
    if Path::new("/usr/bin/time").exists() {
        let out = Command::new("/usr/bin/time")
            .args([
                "-f",
                "%M",
                env!("CARGO_BIN_EXE_preflight"),
                "saml",
                "--metadata",
                path.to_str().unwrap(),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let kib = String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_string();
        eprintln!("benchmark: peak RSS for the 5 MiB metadata file: {kib} KiB");
        if let Ok(k) = kib.parse::<u64>() {
            assert!(k < 400 * 1024, "peak RSS {k} KiB");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
