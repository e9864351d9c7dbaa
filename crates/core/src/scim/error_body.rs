//! SCIM Error bodies (RFC 7644 §3.12) and what each `scimType` means for the admin.

use serde_json::Value;

use super::{ERROR, has_schema, member};

#[derive(Debug, Default, PartialEq)]
pub struct ScimError {
    pub has_error_schema: bool,
    /// `status` was present as a JSON string, as the RFC requires.
    pub status_is_string: bool,
    pub status: Option<String>,
    pub scim_type: Option<String>,
    pub detail: Option<String>,
}

impl ScimError {
    /// `None` when the body is not JSON at all.
    pub fn parse(body: &str) -> Option<ScimError> {
        let json: Value = serde_json::from_str(body).ok()?;
        let status = member(&json, "status");
        Some(ScimError {
            has_error_schema: has_schema(&json, ERROR),
            status_is_string: status.is_some_and(Value::is_string),
            status: status.map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| s.to_string())
            }),
            scim_type: member(&json, "scimType")
                .and_then(Value::as_str)
                .map(str::to_string),
            detail: member(&json, "detail")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    /// Every rule of §3.12 this body breaks, in words.
    pub fn problems(&self, http_status: u16) -> Vec<String> {
        let mut out = Vec::new();
        if !self.has_error_schema {
            out.push(format!("`schemas` does not contain {ERROR}"));
        }
        match (&self.status, self.status_is_string) {
            (None, _) => out.push("`status` is missing".into()),
            (Some(s), false) => out.push(format!(
                "`status` is a number ({s}), not the string \"{s}\""
            )),
            (Some(s), true) if s != &http_status.to_string() => out.push(format!(
                "`status` \"{s}\" differs from the HTTP status {http_status}"
            )),
            _ => {}
        }
        out
    }
}

/// The diagnosis a SCIM error most likely means, from its HTTP status and `scimType`.
pub fn diagnosis_for_error(http_status: u16, scim_type: Option<&str>) -> &'static str {
    match (http_status, scim_type.map(|s| s.to_ascii_lowercase())) {
        (_, Some(t)) if t == "invalidfilter" => "scim/filter-unsupported",
        (_, Some(t)) if t == "uniqueness" => "scim/uniqueness-not-enforced",
        (_, Some(t)) if t == "notarget" || t == "invalidpath" => "scim/patch-no-target",
        (_, Some(t)) if t == "invalidvalue" || t == "invalidsyntax" => {
            "scim/unknown-attribute-rejected"
        }
        (_, Some(t)) if t == "mutability" => "scim/schema-mismatch",
        (_, Some(t)) if t == "toomany" => "scim/pagination",
        (_, Some(t)) if t == "invalidvers" => "scim/content-type",
        (401, _) => "auth/token-rejected",
        (403, _) => "auth/insufficient-scope",
        (404, _) => "scim/not-found-status",
        (429, _) => "scim/rate-limited",
        (s, _) if s >= 500 => "scim/server-error",
        _ => "scim/error-shape",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scim_type_maps_to_a_catalogued_diagnosis() {
        let cases = [
            (400, Some("invalidFilter"), "scim/filter-unsupported"),
            (409, Some("uniqueness"), "scim/uniqueness-not-enforced"),
            (400, Some("noTarget"), "scim/patch-no-target"),
            (400, Some("invalidPath"), "scim/patch-no-target"),
            (400, Some("invalidValue"), "scim/unknown-attribute-rejected"),
            (
                400,
                Some("invalidSyntax"),
                "scim/unknown-attribute-rejected",
            ),
            (400, Some("mutability"), "scim/schema-mismatch"),
            (400, Some("tooMany"), "scim/pagination"),
            (400, Some("invalidVers"), "scim/content-type"),
            (401, None, "auth/token-rejected"),
            (403, Some("sensitive"), "auth/insufficient-scope"),
            (404, None, "scim/not-found-status"),
            (429, None, "scim/rate-limited"),
            (503, None, "scim/server-error"),
            (418, None, "scim/error-shape"),
        ];
        for (status, scim_type, code) in cases {
            assert_eq!(
                diagnosis_for_error(status, scim_type),
                code,
                "{status} {scim_type:?}"
            );
            assert!(
                crate::diagnosis::find(code).is_some(),
                "{code} not catalogued"
            );
        }
    }

    #[test]
    fn error_problems_name_each_rule() {
        let e = ScimError::parse(r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"x"}"#).unwrap();
        assert!(e.problems(404).is_empty());
        let e = ScimError::parse(r#"{"status":404}"#).unwrap();
        assert_eq!(e.problems(404).len(), 2);
        assert!(ScimError::parse("<html>").is_none());
    }
}
