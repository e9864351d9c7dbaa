//! The `reject-attribute=PATH` quirk: a target that refuses one attribute in every User write
//! — a create, a replace, and a PATCH whether the attribute is the operation's `path` or a key
//! of a pathless operation's value — with 400 `invalidValue`. Real targets do this for an
//! attribute they do not support or let no client write; an IdP whose mapping sends it fails
//! the create, or (when only its update sends it) every later change.

use serde_json::{Map, Value};

use crate::error::ScimError;

fn refused(path: &str) -> ScimError {
    ScimError::invalid_value(format!("attribute {path} is not supported"))
}

/// `name` as `(urn, attribute, sub-attribute)`, all lower case; `urn:…:User:manager` splits at
/// the last colon.
fn split(path: &str) -> (Option<String>, String, Option<String>) {
    let lower = path.to_ascii_lowercase();
    let (urn, rest) = match lower.rsplit_once(':') {
        Some((urn, rest)) if lower.starts_with("urn:") => (Some(urn.to_string()), rest.to_string()),
        _ => (None, lower),
    };
    match rest.split_once('.') {
        Some((attr, sub)) => (urn, attr.to_string(), Some(sub.to_string())),
        None => (urn, rest, None),
    }
}

fn get_ci<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// Whether a whole-resource object (a create or replace body, or a pathless PATCH value)
/// carries `path`. Dotted keys (`"name.givenName"`, as some PATCH clients write them) count.
fn object_carries(obj: &Map<String, Value>, path: &str) -> bool {
    if get_ci(obj, path).is_some() {
        return true;
    }
    let (urn, attr, sub) = split(path);
    let container = match &urn {
        Some(urn) => match get_ci(obj, urn) {
            Some(Value::Object(ext)) => ext,
            _ => return false,
        },
        None => obj,
    };
    let Some(value) = get_ci(container, &attr) else {
        return false;
    };
    match sub {
        None => true,
        Some(sub) => match value {
            Value::Object(o) => get_ci(o, &sub).is_some(),
            Value::Array(items) => items
                .iter()
                .any(|i| i.as_object().is_some_and(|o| get_ci(o, &sub).is_some())),
            _ => false,
        },
    }
}

/// A PATCH operation's path touches `rejected`: the same attribute, a sub-attribute of it, or
/// its parent with a value that carries it. Value filters (`emails[type eq "work"]`) are
/// dropped before comparing.
fn op_touches(op_path: &str, value: Option<&Value>, rejected: &str) -> bool {
    let bare: String = {
        let mut out = String::new();
        let mut depth = 0usize;
        for c in op_path.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out.to_ascii_lowercase()
    };
    let rejected = rejected.to_ascii_lowercase();
    if bare == rejected || bare.starts_with(&format!("{rejected}.")) {
        return true;
    }
    // The op names the parent (`name`) and its value carries the rejected sub-attribute.
    if let Some(sub) = rejected.strip_prefix(&format!("{bare}.")) {
        return match value {
            Some(Value::Object(o)) => get_ci(o, sub).is_some(),
            _ => false,
        };
    }
    false
}

/// Check a create or replace body.
pub fn check_body(body: &Map<String, Value>, rejected: &[&str]) -> Result<(), ScimError> {
    match rejected.iter().find(|p| object_carries(body, p)) {
        Some(p) => Err(refused(p)),
        None => Ok(()),
    }
}

/// Check a PATCH request body (`Operations`, any op casing).
pub fn check_patch(body: &Value, rejected: &[&str]) -> Result<(), ScimError> {
    if rejected.is_empty() {
        return Ok(());
    }
    let ops = body
        .as_object()
        .and_then(|o| get_ci(o, "Operations"))
        .and_then(Value::as_array);
    for op in ops.into_iter().flatten() {
        let Some(op) = op.as_object() else { continue };
        let value = get_ci(op, "value");
        let path = get_ci(op, "path").and_then(Value::as_str);
        for p in rejected {
            let hit = match path {
                Some(path) => op_touches(path, value, p),
                None => value
                    .and_then(Value::as_object)
                    .is_some_and(|v| object_carries(v, p)),
            };
            if hit {
                return Err(refused(p));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn bodies_carrying_the_attribute_are_refused_in_any_case() {
        let body = obj(json!({"userName": "a", "DisplayName": "A"}));
        assert!(check_body(&body, &["displayName"]).is_err());
        assert!(check_body(&obj(json!({"userName": "a"})), &["displayName"]).is_ok());
        let named = obj(json!({"name": {"givenName": "A", "familyName": "B"}}));
        assert!(check_body(&named, &["name.givenName"]).is_err());
        assert!(check_body(&named, &["name.formatted"]).is_ok());
        let ext = obj(json!({
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "X"}
        }));
        assert!(
            check_body(
                &ext,
                &["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"]
            )
            .is_err()
        );
    }

    #[test]
    fn patch_ops_with_a_path_pathless_values_and_dotted_keys_are_refused() {
        let with_path =
            json!({"Operations": [{"op": "Replace", "path": "displayName", "value": "A"}]});
        assert!(check_patch(&with_path, &["displayName"]).is_err());
        let parent =
            json!({"Operations": [{"op": "replace", "path": "name", "value": {"givenName": "A"}}]});
        assert!(check_patch(&parent, &["name.givenName"]).is_err());
        assert!(check_patch(&parent, &["name.formatted"]).is_ok());
        let pathless = json!({"Operations": [{"op": "replace", "value": {"displayName": "A", "active": false}}]});
        assert!(check_patch(&pathless, &["displayName"]).is_err());
        let dotted = json!({"Operations": [{"op": "replace", "value": {"name.givenName": "A"}}]});
        assert!(check_patch(&dotted, &["name.givenName"]).is_err());
        let filtered = json!({"Operations": [{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "x"}]});
        assert!(check_patch(&filtered, &["emails"]).is_err());
        assert!(check_patch(&filtered, &["displayName"]).is_ok());
        let other = json!({"Operations": [{"op": "replace", "path": "active", "value": false}]});
        assert!(check_patch(&other, &["displayName"]).is_ok());
    }
}
