//! Recognising the vendor from the base URL when the admin named none, so a run against
//! `https://accounts.stackit.cloud/scim/v2` gets STACKIT's checks without `--vendor`.
//!
//! Only a vendor whose documented pattern names a literal host can be recognised, and only
//! when the URL's host is exactly that host and no other vendor claims it. A pattern with a
//! `{host}` placeholder (any deployment, any domain) says nothing about the product, however
//! distinctive its path looks, so such a vendor is never guessed: a wrong guess would run
//! another product's checks and report their failures as the admin's problem.

use url::Url;

use super::{UrlPattern, Vendor};
use crate::target::Target;

/// The single vendor among `vendors` whose pattern's host is the URL's host, if exactly one.
pub fn detect_among<'a>(vendors: &'a [Vendor], base_url: &Url) -> Option<&'a Vendor> {
    let host = base_url.host_str()?.trim_end_matches('.');
    let mut matches = vendors.iter().filter(|v| {
        v.url
            .as_ref()
            .and_then(|spec| UrlPattern::parse(&spec.pattern).ok())
            .and_then(|p| p.literal_host().map(|h| h.eq_ignore_ascii_case(host)))
            .unwrap_or(false)
    });
    let first = matches.next()?;
    // Two vendors documenting the same host would make any guess arbitrary.
    matches.next().is_none().then_some(first)
}

/// [`detect_among`] the shipped vendors.
pub fn detect(base_url: &Url) -> Option<&'static Vendor> {
    detect_among(super::all(), base_url)
}

/// What the report and the terminal say about a recognised vendor, with the way out. When
/// the path does not fit the vendor's documented shape that is said too, because the host
/// alone made the match.
pub fn note(vendor: &Vendor, base_url: &Url) -> String {
    let mut text = format!(
        "vendor detected from the URL: {} (pass --vendor generic to turn this off)",
        vendor.name
    );
    if let Err(problem) = vendor.validate_url(base_url.as_str()) {
        text.push_str(&format!(
            "; the URL does not fit its documented pattern: {problem}"
        ));
    }
    text
}

/// When the run names no vendor, adopt the one its base URL identifies: mark it as detected
/// (the vendor checks then carry [`note`]) and fill the vendor's default OAuth scope, as an
/// explicit choice would. Returns the vendor adopted, if any; a named vendor is left alone.
pub fn adopt(target: &mut Target) -> Option<&'static Vendor> {
    if target.vendor.is_some() {
        return None;
    }
    let vendor = detect(&target.base_url)?;
    target.vendor = Some(vendor.id.clone());
    target.vendor_detected = true;
    vendor.fill_default_scope(&mut target.credential);
    Some(vendor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::{Credential, Idp};

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn detected(text: &str) -> Option<&'static str> {
        detect(&url(text)).map(|v| v.id.as_str())
    }

    fn has_literal_host(v: &Vendor) -> bool {
        v.url
            .as_ref()
            .and_then(|u| UrlPattern::parse(&u.pattern).ok())
            .is_some_and(|p| p.literal_host().is_some())
    }

    #[test]
    fn every_vendor_with_a_documented_host_is_recognised_by_its_own_example() {
        let mut recognised = 0;
        for v in super::super::all() {
            let Some(spec) = &v.url else {
                continue;
            };
            if has_literal_host(v) {
                assert_eq!(detected(&spec.example), Some(v.id.as_str()), "{}", v.id);
                recognised += 1;
            } else {
                // `{host}` patterns: the example's host is anyone's, so nothing is guessed.
                assert_eq!(detected(&spec.example), None, "{}", v.id);
            }
        }
        assert!(recognised >= 1, "no shipped vendor documents a fixed host");
    }

    #[test]
    fn stackit_urls_are_recognised_in_any_letter_case_and_with_a_trailing_dot() {
        assert_eq!(
            detected("https://accounts.stackit.cloud/scim/v2"),
            Some("stackit")
        );
        assert_eq!(
            detected("https://ACCOUNTS.stackit.cloud/scim/v2/"),
            Some("stackit")
        );
        assert_eq!(
            detected("https://accounts.stackit.cloud./scim/v2"),
            Some("stackit")
        );
    }

    #[test]
    fn look_alike_hosts_are_not_recognised() {
        for text in [
            "https://stackit.cloud.evil.example/scim/v2",
            "https://accounts.stackit.cloud.evil.example/scim/v2",
            "https://notstackit.cloud/scim/v2",
            "https://accounts-stackit.cloud/scim/v2",
            "https://evil.example/accounts.stackit.cloud/scim/v2",
            "https://accounts.stackit.cloud@evil.example/scim/v2",
            "https://stackit.cloud/scim/v2",
        ] {
            assert_eq!(detected(text), None, "{text}");
        }
    }

    #[test]
    fn generic_and_local_urls_recognise_nothing() {
        for text in [
            "https://scim.example.com/scim/v2",
            "https://portal.example.com/scim/v2",
            // Airia's path shape, on a host anyone could run: still not a guess.
            "https://airia.example.com/auth/realms/airia/org/3f2504e0-4f89-11d3-9a0c-0305e82c3301/scim/v2",
            "http://127.0.0.1:8080/scim/v2",
            "http://localhost:8080/scim/v2",
            "http://[::1]:8080/scim/v2",
        ] {
            assert_eq!(detected(text), None, "{text}");
        }
    }

    #[test]
    fn two_vendors_claiming_one_host_recognise_neither() {
        let stackit = super::super::find("stackit").unwrap().clone();
        let mut twin = stackit.clone();
        twin.id = "twin".into();
        let both = [stackit.clone(), twin];
        let u = url("https://accounts.stackit.cloud/scim/v2");
        assert!(detect_among(&both, &u).is_none());
        assert_eq!(
            detect_among(std::slice::from_ref(&stackit), &u).map(|v| v.id.as_str()),
            Some("stackit")
        );
    }

    #[test]
    fn the_note_names_the_vendor_the_way_out_and_a_path_that_does_not_fit() {
        let v = super::super::find("stackit").unwrap();
        let fits = note(v, &url("https://accounts.stackit.cloud/scim/v2"));
        assert_eq!(
            fits,
            "vendor detected from the URL: STACKIT IdP (pass --vendor generic to turn this off)"
        );
        let off = note(v, &url("https://accounts.stackit.cloud/scim"));
        assert!(
            off.starts_with(&fits) && off.contains("must continue with `/v2`"),
            "{off}"
        );
    }

    #[test]
    fn adopt_marks_the_vendor_as_detected_fills_the_scope_and_respects_a_choice() {
        let token_url = url("https://accounts.stackit.cloud/oauth/v2/token");
        let credential = Credential::ClientCredentials {
            token_url,
            client_id: "c".into(),
            client_secret: crate::Secret::new("s"),
            scope: None,
        };
        let mut t = Target::new(
            "https://accounts.stackit.cloud/scim/v2",
            credential,
            Idp::Entra,
        )
        .unwrap();
        assert_eq!(adopt(&mut t).map(|v| v.id.as_str()), Some("stackit"));
        assert_eq!(t.vendor.as_deref(), Some("stackit"));
        assert!(t.vendor_detected);
        let Credential::ClientCredentials { scope, .. } = &t.credential else {
            panic!("credential changed kind");
        };
        assert_eq!(scope.as_deref(), Some("scim.read scim.write"));

        let mut chosen = Target::new(
            "https://accounts.stackit.cloud/scim/v2",
            Credential::None,
            Idp::Entra,
        )
        .unwrap();
        chosen.vendor = Some("generic".into());
        assert!(adopt(&mut chosen).is_none());
        assert_eq!(chosen.vendor.as_deref(), Some("generic"));
        assert!(!chosen.vendor_detected);

        let mut plain = Target::new(
            "https://scim.example.com/scim/v2",
            Credential::None,
            Idp::Entra,
        )
        .unwrap();
        assert!(adopt(&mut plain).is_none());
        assert!(plain.vendor.is_none() && !plain.vendor_detected);
    }
}
