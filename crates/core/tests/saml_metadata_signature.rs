//! Metadata signatures made IN THIS TEST RUN by real tools: `openssl` makes RSA and ECDSA
//! keys, `xmlsec1` signs the metadata (enveloped, exclusive c14n). Preflight must verify what
//! xmlsec1 signs — with the pinned certificate or thumbprint, or the embedded one (reported
//! as not pinned) — and refuse every tampered or wrapped variant.
//!
//! Skipped when openssl or xmlsec1 is missing, unless PREFLIGHT_REQUIRE_REAL_SERVERS is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use preflight_core::federation::saml::cert;
use preflight_core::federation::saml::metadata;
use preflight_core::federation::saml::metadata_signature::{
    MetadataPin, MetadataSignature, verify,
};

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
    let present = ok("openssl") && ok("xmlsec1");
    if !present {
        assert!(
            std::env::var("PREFLIGHT_REQUIRE_REAL_SERVERS").is_err(),
            "openssl and xmlsec1 are required (apt-get install openssl xmlsec1)"
        );
        eprintln!("skipping: openssl or xmlsec1 missing");
    }
    present
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "preflight-mdsig-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sh(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A key and certificate: `rsa` or `ec` (P-256).
fn keypair(dir: &Path, name: &str, kind: &str) {
    let mut args = vec!["req", "-x509", "-newkey"];
    if kind == "ec" {
        args.extend(["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    } else {
        args.push("rsa:2048");
    }
    let (key, crt, subj) = (
        format!("{name}.key"),
        format!("{name}.pem"),
        format!("/CN={name}"),
    );
    args.extend([
        "-nodes", "-keyout", &key, "-out", &crt, "-days", "365", "-subj", &subj,
    ]);
    sh(dir, "openssl", &args);
}

fn cert_b64(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{name}.pem")))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

const ENTITY: &str = "https://idp.example.test/entity";

/// An unsigned EntityDescriptor with a signature template for xmlsec1.
fn template(id: &str, sig_method: &str, digest: &str, idp_cert: &str) -> String {
    format!(
        r##"<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="{id}" entityID="{ENTITY}"><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="{sig_method}"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="{digest}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="false">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{idp_cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"##
    )
}

const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

/// Sign `xml` with key `name` as xmlsec1 does for IdPs; answers the signed text.
fn sign(dir: &Path, name: &str, xml: &str, root: &str) -> String {
    std::fs::write(dir.join("t.xml"), xml).unwrap();
    let key = format!("{name}.key,{name}.pem");
    let id_attr = format!("urn:oasis:names:tc:SAML:2.0:metadata:{root}");
    sh(
        dir,
        "xmlsec1",
        &[
            "--sign",
            "--privkey-pem",
            &key,
            "--id-attr:ID",
            &id_attr,
            "--output",
            "s.xml",
            "t.xml",
        ],
    );
    std::fs::read_to_string(dir.join("s.xml")).unwrap()
}

fn pin_cert(dir: &Path, name: &str) -> MetadataPin {
    MetadataPin::from_cert_file(std::fs::read(dir.join(format!("{name}.pem"))).unwrap()).unwrap()
}

fn pin_thumbprint(t: &str) -> MetadataPin {
    MetadataPin {
        cert: None,
        thumbprint: Some(t.to_string()),
    }
}

#[test]
fn signed_metadata_verifies_pinned_or_embedded() {
    if !tools() {
        return;
    }
    let dir = workdir("good");
    keypair(&dir, "signer", "rsa");
    keypair(&dir, "ecsigner", "ec");
    keypair(&dir, "other", "rsa");
    keypair(&dir, "idp", "rsa");
    let idp = cert_b64(&dir, "idp");

    let rsa = sign(
        &dir,
        "signer",
        &template("_md1", RSA_SHA256, SHA256, &idp),
        "EntityDescriptor",
    );
    let signer = cert::parse_any(&std::fs::read(dir.join("signer.pem")).unwrap()).unwrap();
    match verify(&rsa, &pin_cert(&dir, "signer")).unwrap() {
        MetadataSignature::Verified {
            pinned,
            signer: s,
            element,
        } => {
            assert!(pinned);
            assert_eq!(s.sha256, signer.sha256);
            assert_eq!(element, "EntityDescriptor");
        }
        other => panic!("{other:?}"),
    }
    // A thumbprint as Entra shows it (SHA-1) or as colon-separated lower-case SHA-256.
    let colon_sha256: String = signer
        .sha256
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap().to_lowercase())
        .collect::<Vec<_>>()
        .join(":");
    for t in [signer.sha1.clone(), colon_sha256] {
        assert!(matches!(
            verify(&rsa, &pin_thumbprint(&t)).unwrap(),
            MetadataSignature::Verified { pinned: true, .. }
        ));
    }
    // No pin: verified with the embedded certificate, and said to be unpinned.
    assert!(matches!(
        verify(&rsa, &MetadataPin::default()).unwrap(),
        MetadataSignature::Verified { pinned: false, .. }
    ));
    // The signed file is still read as metadata, from the element that was verified.
    assert_eq!(metadata::parse(&rsa).unwrap().entity_id, ENTITY);

    // ECDSA P-256 and a legacy SHA-1 digest.
    let ec = sign(
        &dir,
        "ecsigner",
        &template("_md2", ECDSA_SHA256, SHA256, &idp),
        "EntityDescriptor",
    );
    assert!(matches!(
        verify(&ec, &pin_cert(&dir, "ecsigner")).unwrap(),
        MetadataSignature::Verified { pinned: true, .. }
    ));
    let sha1 = sign(
        &dir,
        "signer",
        &template("_md3", RSA_SHA256, SHA1, &idp),
        "EntityDescriptor",
    );
    assert!(verify(&sha1, &pin_cert(&dir, "signer")).is_ok());

    // The wrong pinned signer fails, by certificate and by thumbprint.
    let err = verify(&rsa, &pin_cert(&dir, "other")).unwrap_err();
    assert!(err.contains("does not verify"), "{err}");
    let other = cert::parse_any(&std::fs::read(dir.join("other.pem")).unwrap()).unwrap();
    let err = verify(&rsa, &pin_thumbprint(&other.sha256)).unwrap_err();
    assert!(err.contains("pinned thumbprint"), "{err}");
    // ECDSA signature, RSA pin.
    assert!(
        verify(&ec, &pin_cert(&dir, "signer"))
            .unwrap_err()
            .contains("ECDSA")
    );

    // Unsigned: fine without a pin, refused with one.
    let unsigned = template("_md4", RSA_SHA256, SHA256, &idp).replace(
        &rsa_signature_block(&template("_md4", RSA_SHA256, SHA256, &idp)),
        "",
    );
    assert!(matches!(
        verify(&unsigned, &MetadataPin::default()).unwrap(),
        MetadataSignature::Unsigned
    ));
    assert!(
        verify(&unsigned, &pin_cert(&dir, "signer"))
            .unwrap_err()
            .contains("not signed")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `<ds:Signature>…</ds:Signature>` block of a document.
fn rsa_signature_block(xml: &str) -> String {
    let start = xml.find("<ds:Signature").unwrap();
    let end = xml.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    xml[start..end].to_string()
}

#[test]
fn tampered_and_wrapped_metadata_is_refused() {
    if !tools() {
        return;
    }
    let dir = workdir("tamper");
    keypair(&dir, "signer", "rsa");
    keypair(&dir, "idp", "rsa");
    keypair(&dir, "attacker", "rsa");
    let idp = cert_b64(&dir, "idp");
    let signed = sign(
        &dir,
        "signer",
        &template("_md1", RSA_SHA256, SHA256, &idp),
        "EntityDescriptor",
    );
    let pin = pin_cert(&dir, "signer");
    assert!(verify(&signed, &pin).is_ok());

    // 1. A changed attribute (the SSO URL) and a changed certificate.
    let changed = signed.replace("https://idp.example.test/sso", "https://attacker.test/sso");
    assert!(
        verify(&changed, &pin)
            .unwrap_err()
            .contains("digest does not match")
    );
    let attacker = cert_b64(&dir, "attacker");
    let swapped = signed.replace(&idp, &attacker);
    assert!(
        verify(&swapped, &pin)
            .unwrap_err()
            .contains("digest does not match")
    );
    // Without a pin the change is caught just the same.
    assert!(verify(&changed, &MetadataPin::default()).is_err());

    // 2. Wrapping: the signed original moved inside an aggregate whose first IdP entity is
    // the attacker's. The element read would not be the one signed.
    let body = signed.trim_start_matches(r#"<?xml version="1.0"?>"#).trim();
    let evil = template("_evil", RSA_SHA256, SHA256, &attacker).replace(
        &rsa_signature_block(&template("_evil", RSA_SHA256, SHA256, &attacker)),
        "",
    );
    let evil_body = evil.trim_start_matches(r#"<?xml version="1.0"?>"#).trim();
    let wrapped = format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">{evil_body}{body}</md:EntitiesDescriptor>"#
    );
    let err = verify(&wrapped, &pin).unwrap_err();
    assert!(err.contains("signature wrapping"), "{err}");
    assert!(verify(&wrapped, &MetadataPin::default()).is_err());

    // 3. The signature moved off the root into a child element.
    let block = rsa_signature_block(&signed);
    let moved = signed
        .replace(&block, "")
        .replace("<md:NameIDFormat>", &format!("{block}<md:NameIDFormat>"));
    assert!(
        verify(&moved, &pin)
            .unwrap_err()
            .contains("signature wrapping")
    );

    // 4. A second element with the signed ID (the reference could resolve to either).
    let duplicate = signed.replace(
        "<md:NameIDFormat>",
        r#"<md:Extensions ID="_md1"/><md:NameIDFormat>"#,
    );
    assert!(
        verify(&duplicate, &pin)
            .unwrap_err()
            .contains("2 elements carry ID")
    );

    // 5. The root's ID changed so the Reference no longer points at it.
    let renamed = signed.replacen(r#"ID="_md1""#, r#"ID="_other""#, 1);
    assert!(
        verify(&renamed, &pin)
            .unwrap_err()
            .contains("possible signature wrapping")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_signed_aggregate_verifies_at_its_root() {
    if !tools() {
        return;
    }
    let dir = workdir("aggregate");
    keypair(&dir, "signer", "rsa");
    keypair(&dir, "idp", "rsa");
    let idp = cert_b64(&dir, "idp");
    let one = template("_e1", RSA_SHA256, SHA256, &idp);
    let entity = one
        .replace(&rsa_signature_block(&one), "")
        .replace(r#" ID="_e1""#, "")
        .trim_start_matches(r#"<?xml version="1.0"?>"#)
        .trim()
        .to_string();
    let sig = rsa_signature_block(&one).replace("#_e1", "#_agg");
    let aggregate = format!(
        r#"<?xml version="1.0"?><md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_agg" Name="test-federation">{sig}{entity}</md:EntitiesDescriptor>"#
    );
    let signed = sign(&dir, "signer", &aggregate, "EntitiesDescriptor");
    match verify(&signed, &pin_cert(&dir, "signer")).unwrap() {
        MetadataSignature::Verified { element, .. } => assert_eq!(element, "EntitiesDescriptor"),
        other => panic!("{other:?}"),
    }
    let tampered = signed.replace("test-federation", "other-federation");
    assert!(verify(&tampered, &pin_cert(&dir, "signer")).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
