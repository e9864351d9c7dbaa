//! Which collection a `/ResourceTypes` entry points at.
//!
//! RFC 7643 §6 defines `endpoint` as relative to the base URL ("Users"), and its own examples
//! write "/Users". Some servers (django-scim2) write the path from the host root instead,
//! "/scim/v2/Users" under a base URL ending in /scim/v2 — the same collection an IdP reaches
//! at `<base>/Users`. All three forms name it; a path that leads anywhere else does not.

/// Does `endpoint` name the collection `collection` ("Users", "Groups") of a target whose base
/// URL has the path `base_path` ("/scim/v2")? Compared case-insensitively, slashes trimmed.
pub fn endpoint_names(endpoint: &str, collection: &str, base_path: &str) -> bool {
    let endpoint = endpoint.trim_matches('/');
    if endpoint.eq_ignore_ascii_case(collection) {
        return true;
    }
    let base = base_path.trim_matches('/');
    if base.is_empty() {
        return false;
    }
    // `get` by byte offset: None (no match) when the cut falls inside a multi-byte character.
    let cut = endpoint.len().saturating_sub(collection.len());
    let (Some(head), Some(tail)) = (endpoint.get(..cut), endpoint.get(cut..)) else {
        return false;
    };
    tail.eq_ignore_ascii_case(collection)
        && head
            .strip_suffix('/')
            .is_some_and(|head| head.eq_ignore_ascii_case(base))
}

#[cfg(test)]
mod tests {
    use super::endpoint_names;

    #[test]
    fn relative_and_slash_forms_name_the_collection() {
        for e in ["Users", "/Users", "users", "/Users/"] {
            assert!(endpoint_names(e, "Users", "/scim/v2"), "{e}");
        }
        assert!(
            endpoint_names("/Users", "Users", ""),
            "base URL at the host root"
        );
    }

    #[test]
    fn a_path_from_the_host_root_names_it_only_under_the_base_path() {
        assert!(endpoint_names("/scim/v2/Users", "Users", "/scim/v2"));
        assert!(endpoint_names("/SCIM/V2/users", "Users", "/scim/v2/"));
        assert!(endpoint_names("/scim/v2/Groups", "Groups", "/scim/v2"));
        // Somewhere else on the host, or another collection: not this one.
        assert!(!endpoint_names("/other/Users", "Users", "/scim/v2"));
        assert!(!endpoint_names("/scim/v2/Users", "Users", "/scim"));
        assert!(!endpoint_names("/scim/v2/Users", "Groups", "/scim/v2"));
        assert!(!endpoint_names("/scim/v2/Users", "Users", ""));
        assert!(!endpoint_names("/scim/v2XUsers", "Users", "/scim/v2"));
        assert!(!endpoint_names("Usersé", "Users", "/scim/v2"));
    }
}
