//! The admin's mapping overrides (`--mapping FILE`, TOML or JSON): attributes to stop sending
//! and attributes to add, applied to every whole-User payload Preflight sends in write mode —
//! so a Provision-on-demand run can be repeated with the mapping the admin is about to set in
//! the IdP console.
//!
//! ```toml
//! remove = ["roles", "name.formatted"]
//! [add]
//! title = "Engineer"
//! "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager" = { value = "${externalId}" }
//! ```
//!
//! Values may use the dialect placeholders (`${userName}`, `${email}`, …) inside strings.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::path::AttrPath;
use crate::dialect::Vars;
use crate::dialect::render::{KNOWN_VARS, expand_json};

/// What is wrong with an overrides file; each message names the entry and the fix.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MappingError {
    #[error("the mapping file is not valid {format}: {message}")]
    Syntax {
        format: &'static str,
        message: String,
    },
    #[error("`{path}`: {problem}")]
    BadPath { path: String, problem: String },
    #[error("`{path}` cannot be {action}: {why}")]
    Forbidden {
        path: String,
        action: &'static str,
        why: &'static str,
    },
    #[error("`{path}` is both removed and added; keep one")]
    Conflict { path: String },
    #[error("`{path}`: unknown placeholder ${{{name}}} (known: {known})")]
    Placeholder {
        path: String,
        name: String,
        known: String,
    },
    #[error("the mapping file removes and adds nothing")]
    Empty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    add: BTreeMap<String, Value>,
}

/// Validated overrides. Serialised for the app and the JSON of `preflight mapping`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MappingOverrides {
    pub remove: Vec<AttrPath>,
    pub add: Vec<(AttrPath, Value)>,
}

const NEVER_REMOVE: &[(&str, &str)] = &[
    (
        "userName",
        "every IdP matches users on it and a SCIM User requires it",
    ),
    ("schemas", "it is not an attribute; the payload needs it"),
    ("id", "the server assigns it; the IdP never sends it"),
    ("meta", "it is read-only metadata"),
];

const NEVER_ADD: &[(&str, &str)] = &[
    ("password", "Preflight never sends a password"),
    (
        "userName",
        "test users keep the `preflight-test-` name cleanup relies on; use --user-file for the other attributes",
    ),
    (
        "schemas",
        "it is not an attribute; extensions are added to it automatically",
    ),
    ("id", "the server assigns it"),
    ("meta", "it is read-only metadata"),
];

impl MappingOverrides {
    /// Parse a file's text: JSON when it starts with `{`, TOML otherwise.
    pub fn parse(text: &str) -> Result<MappingOverrides, MappingError> {
        let file: File = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| MappingError::Syntax {
                format: "JSON",
                message: e.to_string(),
            })?
        } else {
            toml::from_str(text).map_err(|e| MappingError::Syntax {
                format: "TOML",
                message: e.to_string().trim().to_string(),
            })?
        };
        let path = |p: &str| {
            AttrPath::parse(p).map_err(|problem| MappingError::BadPath {
                path: p.to_string(),
                problem,
            })
        };
        let mut out = MappingOverrides::default();
        for raw in &file.remove {
            let p = path(raw)?;
            if let Some((_, why)) = NEVER_REMOVE
                .iter()
                .find(|(n, _)| p.urn.is_none() && p.name.eq_ignore_ascii_case(n))
            {
                return Err(MappingError::Forbidden {
                    path: raw.clone(),
                    action: "removed",
                    why,
                });
            }
            out.remove.push(p);
        }
        for (raw, value) in &file.add {
            let p = path(raw)?;
            if let Some((_, why)) = NEVER_ADD
                .iter()
                .find(|(n, _)| p.urn.is_none() && p.name.eq_ignore_ascii_case(n))
            {
                return Err(MappingError::Forbidden {
                    path: raw.clone(),
                    action: "added",
                    why,
                });
            }
            if out.remove.iter().any(|r| p.within(r) || r.within(&p)) {
                return Err(MappingError::Conflict { path: raw.clone() });
            }
            if let Some(name) = unknown_placeholder(value) {
                return Err(MappingError::Placeholder {
                    path: raw.clone(),
                    name,
                    known: KNOWN_VARS.join(", "),
                });
            }
            out.add.push((p, value.clone()));
        }
        if out.remove.is_empty() && out.add.is_empty() {
            return Err(MappingError::Empty);
        }
        Ok(out)
    }

    /// Whether this attribute path is still sent after the overrides (`name.givenName` is
    /// gone when `name` is removed).
    pub fn removes(&self, path: &AttrPath) -> bool {
        self.remove.iter().any(|r| path.within(r))
    }

    /// Apply to one whole-User payload: removals first, then additions (placeholders filled).
    pub fn apply(&self, body: &Value, vars: &Vars) -> Value {
        let mut body = body.clone();
        let Some(obj) = body.as_object_mut() else {
            return body;
        };
        for p in &self.remove {
            remove_from(obj, p);
        }
        for (p, v) in &self.add {
            set_in(obj, p, expand_json(v, vars));
        }
        body
    }
}

fn key_of(obj: &Map<String, Value>, name: &str) -> Option<String> {
    obj.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// The object an attribute of `p` lives in: the payload itself or its extension object.
fn container<'a>(
    obj: &'a mut Map<String, Value>,
    p: &AttrPath,
    create: bool,
) -> Option<&'a mut Map<String, Value>> {
    let Some(urn) = &p.urn else {
        return Some(obj);
    };
    let key = match key_of(obj, urn) {
        Some(k) => k,
        None if create => {
            let schemas = obj
                .entry("schemas")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = schemas.as_array_mut() {
                list.push(Value::String(urn.clone()));
            }
            obj.insert(urn.clone(), Value::Object(Map::new()));
            urn.clone()
        }
        None => return None,
    };
    obj.get_mut(&key).and_then(Value::as_object_mut)
}

pub(super) fn remove_from(obj: &mut Map<String, Value>, p: &AttrPath) {
    if let Some(c) = container(obj, p, false)
        && let Some(key) = key_of(c, &p.name)
    {
        match &p.sub {
            None => {
                c.remove(&key);
            }
            Some(sub) => {
                let items: Vec<&mut Value> = match c.get_mut(&key) {
                    Some(Value::Array(a)) => a.iter_mut().collect(),
                    Some(v) => vec![v],
                    None => Vec::new(),
                };
                for item in items {
                    if let Some(o) = item.as_object_mut()
                        && let Some(k) = key_of(o, sub)
                    {
                        o.remove(&k);
                    }
                }
            }
        }
    }
    // An extension left empty goes, with its URN in `schemas`.
    if let Some(urn) = &p.urn
        && let Some(key) = key_of(obj, urn)
        && obj
            .get(&key)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
    {
        obj.remove(&key);
        if let Some(list) = obj.get_mut("schemas").and_then(Value::as_array_mut) {
            list.retain(|s| !s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)));
        }
    }
}

/// Set a value. For a sub-attribute of a multi-valued attribute (`emails.value`) the first
/// element is set; an absent parent is created as an object.
pub(super) fn set_in(obj: &mut Map<String, Value>, p: &AttrPath, value: Value) {
    let Some(c) = container(obj, p, true) else {
        return;
    };
    let key = key_of(c, &p.name).unwrap_or_else(|| p.name.clone());
    match &p.sub {
        None => {
            c.insert(key, value);
        }
        Some(sub) => {
            let parent = c.entry(key).or_insert_with(|| Value::Object(Map::new()));
            let target = match parent {
                Value::Array(a) => {
                    if a.is_empty() {
                        a.push(Value::Object(Map::new()));
                    }
                    &mut a[0]
                }
                other => other,
            };
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Some(o) = target.as_object_mut() {
                let k = key_of(o, sub).unwrap_or_else(|| sub.clone());
                o.insert(k, value);
            }
        }
    }
}

fn unknown_placeholder(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => s.match_indices("${").find_map(|(i, _)| {
            let rest = &s[i + 2..];
            let name = &rest[..rest.find('}').unwrap_or(rest.len())];
            (!KNOWN_VARS.contains(&name)).then(|| name.to_string())
        }),
        Value::Array(a) => a.iter().find_map(unknown_placeholder),
        Value::Object(o) => o.values().find_map(unknown_placeholder),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    #[test]
    fn toml_and_json_give_the_same_overrides() {
        let t =
            MappingOverrides::parse("remove = [\"roles\"]\n[add]\ntitle = \"Engineer\"\n").unwrap();
        let j =
            MappingOverrides::parse(r#"{"remove":["roles"],"add":{"title":"Engineer"}}"#).unwrap();
        assert_eq!(t, j);
    }

    #[test]
    fn apply_removes_and_adds() {
        let o = MappingOverrides::parse(&format!(
            "remove = [\"roles\", \"name.formatted\", \"emails.primary\"]\n[add]\n\"{ENTERPRISE}:manager\" = {{ value = \"${{externalId}}\" }}\n"
        ))
        .unwrap();
        let mut vars = Vars::new();
        vars.set("externalId", "ext-1");
        let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "u", "roles": [],
            "name": {"formatted": "A B", "givenName": "A"}, "emails": [{"value": "e", "primary": true}]});
        let out = o.apply(&body, &vars);
        assert!(out.get("roles").is_none());
        assert_eq!(out["name"], json!({"givenName": "A"}));
        assert_eq!(out["emails"], json!([{"value": "e"}]));
        assert_eq!(out[ENTERPRISE]["manager"]["value"], "ext-1");
        assert!(
            out["schemas"]
                .as_array()
                .unwrap()
                .contains(&json!(ENTERPRISE))
        );
        let back =
            MappingOverrides::parse(&format!("remove = [\"{ENTERPRISE}:manager\"]")).unwrap();
        let out = back.apply(&out, &vars);
        assert!(out.get(ENTERPRISE).is_none());
        assert!(
            !out["schemas"]
                .as_array()
                .unwrap()
                .contains(&json!(ENTERPRISE))
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let e = |t: &str| MappingOverrides::parse(t).unwrap_err().to_string();
        assert!(e("remove = [\"userName\"]").contains("every IdP matches users on it"));
        assert!(e("[add]\npassword = \"x\"").contains("never sends a password"));
        assert!(e("remove = [\"title\"]\n[add]\ntitle = \"x\"").contains("both removed and added"));
        assert!(e("[add]\ntitle = \"${nope}\"").contains("unknown placeholder ${nope}"));
        assert!(e("remov = [\"x\"]").contains("unknown field"));
        assert!(e("{\"remove\": 3}").contains("JSON"));
        assert!(e("remove = [\"emails[type eq \\\"work\\\"].value\"]").contains("value filters"));
        assert!(e("").contains("removes and adds nothing"));
    }
}
