//! `preflight saml` with metadata signed IN THIS TEST RUN by `xmlsec1` (keys from `openssl`):
//! `--metadata-cert` and `--metadata-thumbprint` pin the signer; without a pin the report says
//! the signature is valid with the embedded certificate but not pinned; tampered or wrapped
//! metadata fails with `saml/signature-invalid` and exit 1; a bad pin file is a usage error.
//! The login ↔ provisioning flags reach the `sso/…` checks.
//!
//! Skipped when openssl or xmlsec1 is missing, unless PREFLIGHT_REQUIRE_REAL_SERVERS is set.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::preflight;
use serde_json::Value;

fn tools() -> bool {
    let ok = |p: &str| {
        Command::new(p)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
            || Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
    };
    if ok("openssl") && ok("xmlsec1") {
        return true;
    }
    assert!(
        std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
        "openssl and xmlsec1 are required (apt-get install openssl xmlsec1)"
    );
    eprintln!("skipping: openssl or xmlsec1 missing");
    false
}

fn sh(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Signer and IdP keys, and the signed metadata `signed.xml`.
fn setup() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "preflight-saml-sig-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["signer", "idp"] {
        sh(
            &dir,
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.pem"),
                "-days",
                "365",
                "-subj",
                &format!("/CN={name}"),
            ],
        );
    }
    sh(
        &dir,
        "openssl",
        &[
            "x509",
            "-in",
            "signer.pem",
            "-outform",
            "DER",
            "-out",
            "signer.der",
        ],
    );
    let idp: String = std::fs::read_to_string(dir.join("idp.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let template = format!(
        r##"<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_meta" entityID="https://idp.example.test/entity"><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_meta"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>
 <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{idp}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>
 </md:IDPSSODescriptor>
</md:EntityDescriptor>
"##
    );
    std::fs::write(dir.join("template.xml"), template).unwrap();
    sh(
        &dir,
        "xmlsec1",
        &[
            "--sign",
            "--privkey-pem",
            "signer.key,signer.pem",
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
            "--output",
            "signed.xml",
            "template.xml",
        ],
    );
    dir
}

fn saml(dir: &Path, file: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let metadata = dir.join(file).display().to_string();
    let mut args = vec!["saml", "--metadata", &metadata, "--format", "json"];
    args.extend_from_slice(extra);
    let out = preflight(&args, &[], None);
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), report)
}

fn result<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {r}"))
}

const SIG: &str = "saml/metadata-signature-valid";

#[test]
fn pinned_signer_verifies_and_tampering_fails() {
    if !tools() {
        return;
    }
    let dir = setup();
    let pem = dir.join("signer.pem").display().to_string();
    let der = dir.join("signer.der").display().to_string();
    for pin in [
        ["--metadata-cert", pem.as_str()],
        ["--metadata-cert", der.as_str()],
    ] {
        let (code, r) = saml(&dir, "signed.xml", &pin);
        assert_eq!(result(&r, SIG)["status"], "pass", "{pin:?}: {r}");
        assert!(
            result(&r, SIG)["note"]
                .as_str()
                .unwrap()
                .contains("pinned signer")
        );
        assert_ne!(code, Some(2));
    }
    // The SHA-1 thumbprint as openssl prints it (colons).
    let fp = Command::new("openssl")
        .args(["x509", "-in", &pem, "-noout", "-fingerprint", "-sha1"])
        .output()
        .unwrap();
    let fp = String::from_utf8(fp.stdout).unwrap();
    let thumb = fp.trim().split('=').nth(1).unwrap().to_string();
    let (_, r) = saml(&dir, "signed.xml", &["--metadata-thumbprint", &thumb]);
    assert_eq!(result(&r, SIG)["status"], "pass", "{r}");

    // No pin: valid with the embedded certificate, and said to be unpinned.
    let (_, r) = saml(&dir, "signed.xml", &[]);
    let note = result(&r, SIG)["note"].as_str().unwrap().to_string();
    assert!(
        note.contains("signed, signature valid with the embedded cert, but not pinned"),
        "{note}"
    );

    // Tampered (a changed attribute) and wrapped (the signed original nested inside an
    // aggregate led by an unsigned impostor): signature-invalid, exit 1.
    let signed = std::fs::read_to_string(dir.join("signed.xml")).unwrap();
    std::fs::write(
        dir.join("tampered.xml"),
        signed.replace(
            "https://idp.example.test/sso",
            "https://evil.example.test/sso",
        ),
    )
    .unwrap();
    let body = signed.trim_start_matches("<?xml version=\"1.0\"?>").trim();
    let impostor = r#"<md:EntityDescriptor entityID="https://evil.example.test/entity"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://evil.example.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#;
    std::fs::write(
        dir.join("wrapped.xml"),
        format!(r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">{impostor}{body}</md:EntitiesDescriptor>"#),
    )
    .unwrap();
    for file in ["tampered.xml", "wrapped.xml"] {
        for pin in [vec!["--metadata-cert", pem.as_str()], vec![]] {
            let (code, r) = saml(&dir, file, &pin);
            let s = result(&r, SIG);
            assert_eq!(s["status"], "fail", "{file} {pin:?}: {s}");
            assert_eq!(s["diagnosis"]["code"], "saml/signature-invalid");
            assert_eq!(code, Some(1));
        }
    }
    // Pinned to the wrong certificate.
    let idp_pem = dir.join("idp.pem").display().to_string();
    let (code, r) = saml(&dir, "signed.xml", &["--metadata-cert", &idp_pem]);
    assert_eq!(result(&r, SIG)["status"], "fail");
    assert_eq!(code, Some(1));

    // A pin file that is no certificate, and a malformed thumbprint: exit 2.
    let key = dir.join("signer.key").display().to_string();
    for bad in [
        vec!["--metadata-cert", key.as_str()],
        vec!["--metadata-thumbprint", "abc"],
    ] {
        let (code, _) = saml(&dir, "signed.xml", &bad);
        assert_eq!(code, Some(2), "{bad:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn login_and_provisioning_flags_reach_the_sso_checks() {
    if !tools() {
        return;
    }
    let dir = setup();
    let (code, r) = saml(
        &dir,
        "signed.xml",
        &[
            "--idp",
            "entra",
            "--login-identifier",
            "user.mail",
            "--allowed-domain",
            "@contoso.com",
            "--break-glass-admin",
            "admin@contoso.com",
        ],
    );
    assert_eq!(
        result(&r, "sso/login-identifier-matches-username")["status"],
        "warn",
        "{r}"
    );
    assert_eq!(result(&r, "sso/domain-allowlist-valid")["status"], "fail");
    assert_eq!(result(&r, "sso/break-glass-admin")["status"], "fail");
    assert_eq!(code, Some(1));
    let (code, r) = saml(
        &dir,
        "signed.xml",
        &[
            "--idp",
            "entra",
            "--login-identifier",
            "user.userprincipalname",
            "--allowed-domain",
            "contoso.com",
            "--break-glass-admin",
            "breakglass@contoso.onmicrosoft.com",
        ],
    );
    for id in [
        "sso/login-identifier-matches-username",
        "sso/domain-allowlist-valid",
        "sso/break-glass-admin",
    ] {
        assert_eq!(result(&r, id)["status"], "pass", "{id}: {r}");
    }
    assert_eq!(code, Some(0), "{r}");
    let _ = std::fs::remove_dir_all(&dir);
}
