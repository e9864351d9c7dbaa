//! Property tests: SCIM response parsing never panics on hostile JSON and always yields a
//! usable judgement (RFC 7644 §3.4.2 ListResponse, §3.12 Error, RFC 6750 challenges).

mod prop_support;

use preflight_core::diagnosis;
use preflight_core::scim::{BearerChallenge, ERROR, ScimError, diagnosis_for_error, list_shape};
use prop_support::{config, hostile_text, json_value};
use proptest::prelude::*;
use serde_json::{Value, json};

proptest! {
    #![proptest_config(config())]

    /// Any text at all: parsing an error body returns `None` (not JSON) or a value whose
    /// problem list can be computed for any status.
    #[test]
    fn error_body_from_arbitrary_text(body in hostile_text(40), status in any::<u16>()) {
        if let Some(e) = ScimError::parse(&body) {
            let _ = e.problems(status);
        }
    }

    /// Any JSON document: parsing succeeds (it is JSON) and the problems are consistent with
    /// the fields read.
    #[test]
    fn error_body_from_arbitrary_json(doc in json_value(), status in 100u16..600) {
        let text = doc.to_string();
        let e = ScimError::parse(&text).expect("valid JSON always parses");
        let problems = e.problems(status);
        prop_assert_eq!(e.status.is_none(), problems.iter().any(|p| p.contains("missing")));
    }

    /// A well-formed error whose fields hold hostile text keeps that text verbatim.
    #[test]
    fn error_fields_survive_verbatim(detail in hostile_text(30), scim_type in hostile_text(6)) {
        let body = json!({"schemas":[ERROR],"status":"400","scimType":scim_type,"detail":detail});
        let e = ScimError::parse(&body.to_string()).expect("parses");
        prop_assert_eq!(e.detail.as_deref(), Some(detail.as_str()));
        prop_assert_eq!(e.scim_type.as_deref(), Some(scim_type.as_str()));
        prop_assert!(e.problems(400).is_empty());
    }

    /// Every (status, scimType) pair maps to a diagnosis that is in the catalogue.
    #[test]
    fn every_error_maps_to_a_catalogued_diagnosis(status in any::<u16>(), scim_type in proptest::option::of(hostile_text(6))) {
        let code = diagnosis_for_error(status, scim_type.as_deref());
        prop_assert!(diagnosis::find(code).is_some(), "{} is not catalogued", code);
    }

    /// Any JSON value can be judged as a ListResponse; a non-object is always a problem, and
    /// the resources reported are exactly the array found.
    #[test]
    fn list_shape_of_arbitrary_json(doc in json_value()) {
        let shape = list_shape(&doc);
        if !doc.is_object() {
            prop_assert!(!shape.problems.is_empty());
            prop_assert!(shape.resources.is_empty());
        }
        if let Some(Value::Array(items)) = doc.get("Resources") {
            prop_assert_eq!(&shape.resources, items);
        }
    }

    /// Any `WWW-Authenticate` header value parses; a value we quoted comes back intact.
    #[test]
    fn bearer_challenge_of_arbitrary_header(header in hostile_text(30)) {
        let _ = BearerChallenge::parse(&header);
    }

    #[test]
    fn bearer_challenge_quoted_values_round_trip(desc in "[ -!#-\\[\\]-~]{0,40}") {
        // RFC 6750 quoted-string without `"` or `\`: every printable ASCII byte else.
        let header = format!("Bearer realm=\"x\", error=\"invalid_token\", error_description=\"{desc}\"");
        let c = BearerChallenge::parse(&header);
        prop_assert_eq!(c.error.as_deref(), Some("invalid_token"));
        prop_assert_eq!(c.error_description.as_deref(), Some(desc.as_str()));
    }
}
