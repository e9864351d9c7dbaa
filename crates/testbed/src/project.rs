//! `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): trimming rendered
//! resources to what the client asked for. `schemas` and `id` (returned "always") stay.

use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::filter::AttrPath;
use crate::schema::Kind;

/// One entry of an attribute list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// Extension URN the attribute lives under; `None` for core attributes.
    pub ext: Option<&'static str>,
    /// Attribute name; `None` selects a whole extension.
    pub attr: Option<String>,
    pub sub: Option<String>,
}

/// Parse a comma-separated attribute list. Attributes of an unknown schema URN select
/// nothing; a malformed entry is a 400.
pub fn parse_list(kind: Kind, text: &str) -> Result<Vec<Selector>, ScimError> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if let Some((urn, _)) = kind.extension(item) {
            out.push(Selector {
                ext: Some(urn),
                attr: None,
                sub: None,
            });
            continue;
        }
        let path = AttrPath::parse(item).ok_or_else(|| {
            ScimError::invalid_value(format!("'{item}' is not a valid attribute name"))
        })?;
        let ext = match &path.urn {
            None => None,
            Some(u) if u.eq_ignore_ascii_case(kind.core_schema()) => None,
            Some(u) => match kind.extension(u) {
                Some((urn, _)) => Some(urn),
                None => continue,
            },
        };
        out.push(Selector {
            ext,
            attr: Some(path.name),
            sub: path.sub,
        });
    }
    Ok(out)
}

fn key_ci(obj: &Map<String, Value>, name: &str) -> Option<String> {
    obj.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// Keep only the selected attributes (plus `schemas` and `id`).
pub fn keep_only(resource: &Value, selectors: &[Selector]) -> Value {
    let Some(src) = resource.as_object() else {
        return resource.clone();
    };
    let mut out = Map::new();
    for always in ["schemas", "id"] {
        if let Some(v) = src.get(always) {
            out.insert(always.into(), v.clone());
        }
    }
    for sel in selectors {
        let (src_container, ext_key) = match sel.ext {
            None => (Some(src), None),
            Some(urn) => match key_ci(src, urn) {
                Some(k) => (src.get(&k).and_then(Value::as_object), Some(k)),
                None => (None, None),
            },
        };
        let Some(src_container) = src_container else {
            continue;
        };
        let Some(attr) = &sel.attr else {
            if let Some(k) = ext_key {
                out.insert(k, Value::Object(src_container.clone()));
            }
            continue;
        };
        let Some(key) = key_ci(src_container, attr) else {
            continue;
        };
        let value = &src_container[&key];
        let target = match &ext_key {
            None => &mut out,
            Some(k) => match out
                .entry(k.clone())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                Value::Object(o) => o,
                _ => continue,
            },
        };
        match &sel.sub {
            None => {
                target.insert(key, value.clone());
            }
            Some(sub) => copy_sub(target, &key, value, sub),
        }
    }
    prune(&mut out);
    Value::Object(out)
}

/// Copy one sub-attribute of `value` (an object, or an array of objects) into `target[key]`,
/// merging with sub-attributes copied before.
fn copy_sub(target: &mut Map<String, Value>, key: &str, value: &Value, sub: &str) {
    match value {
        Value::Object(o) => {
            let Some(sk) = key_ci(o, sub) else { return };
            if let Value::Object(t) = target
                .entry(key.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                t.insert(sk.clone(), o[&sk].clone());
            }
        }
        Value::Array(items) => {
            let slot = target
                .entry(key.to_string())
                .or_insert_with(|| Value::Array(vec![Value::Object(Map::new()); items.len()]));
            let Value::Array(slots) = slot else { return };
            for (item, slot) in items.iter().zip(slots.iter_mut()) {
                let (Some(o), Some(t)) = (item.as_object(), slot.as_object_mut()) else {
                    continue;
                };
                if let Some(sk) = key_ci(o, sub) {
                    t.insert(sk.clone(), o[&sk].clone());
                }
            }
        }
        _ => {}
    }
}

/// Drop the empty placeholders `copy_sub` left in arrays (values lacking every requested
/// sub-attribute), in the top level and in extension objects.
fn prune(obj: &mut Map<String, Value>) {
    obj.retain(|_, v| match v {
        Value::Array(items) => {
            items.retain(|s| s.as_object().is_none_or(|o| !o.is_empty()));
            !items.is_empty()
        }
        Value::Object(inner) => {
            prune(inner);
            true
        }
        _ => true,
    });
}

/// Remove the selected attributes; `id` and `schemas` cannot be excluded.
pub fn exclude(resource: &Value, selectors: &[Selector]) -> Value {
    let mut res = resource.clone();
    let Some(root) = res.as_object_mut() else {
        return res;
    };
    for sel in selectors {
        let container = match sel.ext {
            None => Some(&mut *root),
            Some(urn) => match key_ci(root, urn) {
                Some(k) if sel.attr.is_none() => {
                    root.remove(&k);
                    None
                }
                Some(k) => root.get_mut(&k).and_then(Value::as_object_mut),
                None => None,
            },
        };
        let (Some(container), Some(attr)) = (container, &sel.attr) else {
            continue;
        };
        let Some(key) = key_ci(container, attr) else {
            continue;
        };
        if sel.ext.is_none() && (key == "id" || key == "schemas") {
            continue;
        }
        match &sel.sub {
            None => {
                container.remove(&key);
            }
            Some(sub) => match container.get_mut(&key) {
                Some(Value::Object(o)) => {
                    if let Some(sk) = key_ci(o, sub) {
                        o.remove(&sk);
                    }
                }
                Some(Value::Array(items)) => {
                    for item in items.iter_mut().filter_map(Value::as_object_mut) {
                        if let Some(sk) = key_ci(item, sub) {
                            item.remove(&sk);
                        }
                    }
                }
                _ => {}
            },
        }
    }
    res
}

/// Apply whichever of the two lists was given (`attributes` wins if both were).
pub fn apply(resource: Value, attributes: &[Selector], excluded: &[Selector]) -> Value {
    if !attributes.is_empty() {
        keep_only(&resource, attributes)
    } else if !excluded.is_empty() {
        exclude(&resource, excluded)
    } else {
        resource
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    fn user() -> Value {
        json!({
            "schemas": ["s"], "id": "1", "userName": "a", "displayName": "A",
            "name": {"givenName": "G", "familyName": "F"},
            "emails": [{"value": "x", "type": "work"}, {"value": "y"}],
            ENT: {"employeeNumber": "7", "department": "D"},
            "meta": {"resourceType": "User"}
        })
    }

    fn sel(text: &str) -> Vec<Selector> {
        parse_list(Kind::User, text).unwrap()
    }

    #[test]
    fn attributes_keep_minimum_and_requested() {
        let out = keep_only(
            &user(),
            &sel("USERNAME,name.givenName,emails.type,emails.value"),
        );
        assert_eq!(
            out,
            json!({"schemas": ["s"], "id": "1", "userName": "a", "name": {"givenName": "G"},
                   "emails": [{"value": "x", "type": "work"}, {"value": "y"}]})
        );
        let out = keep_only(&user(), &sel(&format!("{ENT}:department,emails.type")));
        assert_eq!(
            out,
            json!({"schemas": ["s"], "id": "1", ENT: {"department": "D"}, "emails": [{"type": "work"}]})
        );
        let out = keep_only(&user(), &sel(ENT));
        assert_eq!(out[ENT]["employeeNumber"], "7");
    }

    #[test]
    fn excluded_attributes() {
        let out = exclude(&user(), &sel("emails,name.familyName,id,meta"));
        assert!(out.get("emails").is_none());
        assert!(out.get("meta").is_none());
        assert_eq!(out["id"], "1");
        assert_eq!(out["name"], json!({"givenName": "G"}));
        let out = exclude(&user(), &sel(ENT));
        assert!(out.get(ENT).is_none());
        assert_eq!(out["userName"], "a");
    }

    #[test]
    fn bad_list() {
        assert!(parse_list(Kind::User, "userName,1bad").is_err());
        assert!(
            parse_list(Kind::User, "urn:example:other:thing")
                .unwrap()
                .is_empty()
        );
    }
}
