//! SCIM Error values (RFC 7644 §3.12), produced by handlers and rendered by `respond`.
//!
//! Kept separate from rendering so handlers stay free of HTTP details; the renderer applies
//! quirks such as `error-status-int` in one place.

/// An error answer: status, optional `scimType`, human-readable `detail`, plus any extra
/// headers (a `WWW-Authenticate` challenge, `Retry-After`, `Allow`).
#[derive(Clone, Debug)]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<&'static str>,
    pub detail: String,
    pub headers: Vec<(&'static str, String)>,
    /// Set for "no User/Group with this id", the answer that `not-found-200` and
    /// `not-found-plain` replace.
    pub unknown_id: bool,
}

impl ScimError {
    pub fn new(status: u16, detail: impl Into<String>) -> ScimError {
        ScimError {
            status,
            scim_type: None,
            detail: detail.into(),
            headers: Vec::new(),
            unknown_id: false,
        }
    }

    pub fn typed(status: u16, scim_type: &'static str, detail: impl Into<String>) -> ScimError {
        ScimError {
            scim_type: Some(scim_type),
            ..ScimError::new(status, detail)
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> ScimError {
        self.headers.push((name, value.into()));
        self
    }

    pub fn not_found(detail: impl Into<String>) -> ScimError {
        ScimError::new(404, detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> ScimError {
        ScimError::typed(400, "invalidValue", detail)
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> ScimError {
        ScimError::typed(400, "invalidSyntax", detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> ScimError {
        ScimError::typed(400, "invalidFilter", detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> ScimError {
        ScimError::typed(400, "invalidPath", detail)
    }

    pub fn no_target(detail: impl Into<String>) -> ScimError {
        ScimError::typed(400, "noTarget", detail)
    }

    pub fn mutability(detail: impl Into<String>) -> ScimError {
        ScimError::typed(400, "mutability", detail)
    }

    pub fn uniqueness(detail: impl Into<String>) -> ScimError {
        ScimError::typed(409, "uniqueness", detail)
    }

    pub fn method_not_allowed(allow: &str) -> ScimError {
        ScimError::new(405, format!("Method not allowed here; allowed: {allow}"))
            .with_header("allow", allow)
    }

    /// 404 for an unknown id of a User or Group.
    pub fn unknown_id(kind: &str, id: &str) -> ScimError {
        ScimError {
            unknown_id: true,
            ..ScimError::not_found(format!("{kind} {id} not found"))
        }
    }
}
