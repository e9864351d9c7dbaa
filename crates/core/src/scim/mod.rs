//! SCIM 2.0 knowledge shared by the checks: message URNs, ListResponse and Error parsing,
//! filter building, and the mapping from SCIM errors to diagnoses.

mod bearer_challenge;
mod error_body;
mod filter;
mod list;
mod resource_type;

pub use bearer_challenge::BearerChallenge;
pub use error_body::{ScimError, diagnosis_for_error};
pub use filter::{encode_query_value, eq_filter};
pub use list::{ListShape, list_shape};
pub use resource_type::endpoint_names;

pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const SERVICE_PROVIDER_CONFIG: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const SCIM_MEDIA_TYPE: &str = "application/scim+json";

/// Does a JSON document name this schema URN in its `schemas` array (case-insensitively)?
pub fn has_schema(doc: &serde_json::Value, urn: &str) -> bool {
    doc.get("schemas")
        .and_then(|s| s.as_array())
        .is_some_and(|a| {
            a.iter()
                .any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
        })
}

/// Case-insensitive member lookup: SCIM attribute names are case-insensitive (RFC 7643 §2.1).
pub fn member<'a>(doc: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    doc.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}
