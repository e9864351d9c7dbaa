//! Login ↔ provisioning coherence, login-domain lint and the break-glass question, run through
//! the engine exactly as `preflight saml` / `preflight oidc` run them (no network: these
//! checks judge configuration, and a SAML response when one is given).

use std::sync::Arc;

use preflight_core::check::RunOptions;
use preflight_core::federation::{FederationConfig, MetadataSource, SamlConfig, SsoConfig};
use preflight_core::probe::{Probe, ReplayTransport};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};
use preflight_core::{checks, engine};

const LOGIN: &str = "sso/login-identifier-matches-username";
const DOMAINS: &str = "sso/domain-allowlist-valid";
const BREAK_GLASS: &str = "sso/break-glass-admin";

const METADATA: &str = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.test/e"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#;

fn response_with_format(format: &str) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r"><saml:Assertion ID="_a"><saml:Subject><saml:NameID Format="{format}">x</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>"#
    )
}

/// (status, diagnosis code) of one check.
async fn verdict(
    idp: Idp,
    sso: SsoConfig,
    response: Option<String>,
    id: &str,
) -> (String, Option<String>) {
    let mut target = Target::new("https://idp.example.test/", Credential::None, idp).unwrap();
    target.federation = Some(Arc::new(FederationConfig {
        oidc: None,
        saml: Some(SamlConfig {
            metadata: MetadataSource::Document {
                name: "m.xml".into(),
                text: METADATA.into(),
            },
            sp_entity_id: None,
            acs_url: None,
            sp_cert_thumbprint: None,
            response,
            metadata_pin: None,
        }),
        sso: Some(sso),
    }));
    let transport = ReplayTransport::new("https://idp.example.test/", None, Vec::new(), None);
    let probe = Probe::new(Arc::new(transport), target, Redactor::new());
    let options = RunOptions {
        only: vec![id.to_string()],
        ..RunOptions::default()
    };
    let events: preflight_core::event::EventSink = Arc::new(|_| {});
    let mut plan = checks::saml_plan();
    plan.extend(checks::sso_plan());
    let report = engine::run(&plan, &probe, &options, &events).await;
    let r = report.result(id).expect("ran");
    (
        r.status.as_str().to_string(),
        r.diagnosis.as_ref().map(|d| d.code.clone()),
    )
}

fn login(login: &str, scim: Option<&str>) -> SsoConfig {
    SsoConfig {
        login_identifier: Some(login.into()),
        scim_username_source: scim.map(str::to_string),
        ..SsoConfig::default()
    }
}

#[tokio::test]
async fn sign_in_identifier_against_the_username_mapping() {
    let nameid = Some("saml/nameid-format".to_string());
    let cases: Vec<(Idp, &str, Option<&str>, &str)> = vec![
        // Entra's defaults on both sides: UPN.
        (Idp::Entra, "user.userprincipalname", None, "pass"),
        (Idp::Entra, "preferred_username", None, "pass"),
        // Mail vs UPN: fine only while equal for everyone.
        (Idp::Entra, "user.mail", None, "warn"),
        (Idp::Entra, "email", Some("userPrincipalName"), "warn"),
        (Idp::Entra, "email", Some("mail"), "pass"),
        // Ids no userName can equal.
        (Idp::Entra, "sub", None, "fail"),
        (Idp::Entra, "oid", None, "fail"),
        (Idp::Entra, "oid", Some("user.objectid"), "pass"),
        // Okta: the Okta username on both sides by default; email differs.
        (Idp::Okta, "preferred_username", None, "pass"),
        (Idp::Okta, "user.email", None, "warn"),
        // An unknown attribute on one side is compared literally.
        (Idp::Entra, "user.employeeid", None, "warn"),
        (
            Idp::Generic,
            "user.employeeid",
            Some("user.employeeId"),
            "pass",
        ),
    ];
    for (idp, l, scim, want) in cases {
        let (status, code) = verdict(idp, login(l, scim), None, LOGIN).await;
        assert_eq!(status, want, "{idp:?} login {l} vs {scim:?}");
        if want == "pass" {
            assert_eq!(code, None);
        } else {
            assert_eq!(code, nameid, "{idp:?} {l}");
        }
    }
    // OneLogin's default userName source is unconfirmed: the check asks instead of guessing.
    let (status, _) = verdict(Idp::Onelogin, login("email", None), None, LOGIN).await;
    assert_eq!(status, "skip");
    let (status, _) = verdict(
        Idp::Onelogin,
        login("email", Some("user.email")),
        None,
        LOGIN,
    )
    .await;
    assert_eq!(status, "pass");
}

#[tokio::test]
async fn the_nameid_format_of_a_captured_response_is_used_when_no_identifier_is_named() {
    let base = SsoConfig {
        allowed_domains: vec!["contoso.com".into()],
        ..SsoConfig::default()
    };
    let transient = response_with_format("urn:oasis:names:tc:SAML:2.0:nameid-format:transient");
    assert_eq!(
        verdict(Idp::Entra, base.clone(), Some(transient), LOGIN)
            .await
            .0,
        "fail"
    );
    let email = response_with_format("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    assert_eq!(
        verdict(Idp::Entra, base.clone(), Some(email), LOGIN)
            .await
            .0,
        "warn"
    );
    let unspecified = response_with_format("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
    assert_eq!(
        verdict(Idp::Entra, base, Some(unspecified), LOGIN).await.0,
        "skip"
    );
}

#[tokio::test]
async fn login_domains_are_linted() {
    let domains = |d: &[&str]| SsoConfig {
        allowed_domains: d.iter().map(|s| s.to_string()).collect(),
        ..SsoConfig::default()
    };
    let code = Some("sso/domain-allowlist".to_string());
    assert_eq!(
        verdict(
            Idp::Generic,
            domains(&["contoso.com", "fabrikam.de"]),
            None,
            DOMAINS
        )
        .await,
        ("pass".into(), None)
    );
    for bad in [
        "@contoso.com",
        "https://contoso.com",
        "contoso.com ",
        "*.contoso.com",
        "contoso.com/sso",
        "con,toso.com",
    ] {
        assert_eq!(
            verdict(Idp::Generic, domains(&[bad]), None, DOMAINS).await,
            ("fail".into(), code.clone()),
            "{bad:?}"
        );
    }
    for odd in ["CONTOSO.COM", "bücher.example", "intranet", "contoso.com."] {
        assert_eq!(
            verdict(Idp::Generic, domains(&[odd]), None, DOMAINS).await,
            ("warn".into(), code.clone()),
            "{odd:?}"
        );
    }
    assert_eq!(
        verdict(
            Idp::Generic,
            domains(&["contoso.com", "Contoso.com"]),
            None,
            DOMAINS
        )
        .await
        .0,
        "warn"
    );
}

#[tokio::test]
async fn break_glass_admin_is_asked_for_and_must_not_be_on_an_sso_domain() {
    let admin = |a: Option<&str>| SsoConfig {
        allowed_domains: vec!["contoso.com".into()],
        break_glass_admin: a.map(str::to_string),
        ..SsoConfig::default()
    };
    assert_eq!(
        verdict(Idp::Entra, admin(None), None, BREAK_GLASS).await.0,
        "warn"
    );
    assert_eq!(
        verdict(Idp::Entra, admin(Some("none")), None, BREAK_GLASS)
            .await
            .0,
        "warn"
    );
    assert_eq!(
        verdict(
            Idp::Entra,
            admin(Some("ADMIN@contoso.com")),
            None,
            BREAK_GLASS
        )
        .await
        .0,
        "fail"
    );
    assert_eq!(
        verdict(
            Idp::Entra,
            admin(Some("bg-admin@contoso.onmicrosoft.com")),
            None,
            BREAK_GLASS
        )
        .await
        .0,
        "pass"
    );
    assert_eq!(
        verdict(Idp::Generic, admin(Some("localadmin")), None, BREAK_GLASS)
            .await
            .0,
        "pass"
    );
}
