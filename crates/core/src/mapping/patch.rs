//! The admin's overrides on a dialect's PATCH update: an IdP whose mapping no longer has an
//! attribute never sends it in an update either, and an attribute the admin added is sent
//! whenever the update changes its value. The dialect's own PATCH style is kept — path or
//! pathless operations, the op word as the dialect spells it (`Replace` / `replace`), dotted
//! or nested keys in a pathless value — so the only difference on the wire is the mapping.

use serde_json::{Map, Value};

use super::overrides::{MappingOverrides, remove_from, set_in};
use super::path::AttrPath;
use crate::dialect::Vars;
use crate::dialect::render::expand_json;
use crate::scim::member;

/// The variables of an update: the attributes the dialect's update step changes
/// (`givenName` → `newGivenName`, `displayName` → `newDisplayName`) take their new values,
/// so an added attribute built from them (`"${givenName} ${familyName}"`) changes as well.
pub fn update_vars(vars: &Vars) -> Vars {
    let mut out = vars.clone();
    for (old, new) in [
        ("givenName", "newGivenName"),
        ("displayName", "newDisplayName"),
    ] {
        if let Some(v) = vars.get(new) {
            out.set(old, v);
        }
    }
    out
}

/// Apply the overrides to one PATCH body (`Operations`). `vars` are the create-time values;
/// an added attribute is only sent when its value under [`update_vars`] differs from them
/// (an IdP sends only changed attributes). Operations left with nothing to set are dropped.
pub fn apply_to_patch(o: &MappingOverrides, body: &Value, vars: &Vars) -> Value {
    let mut body = body.clone();
    let Some(ops) = body
        .as_object_mut()
        .and_then(|b| {
            let key = b
                .keys()
                .find(|k| k.eq_ignore_ascii_case("Operations"))?
                .clone();
            b.get_mut(&key)
        })
        .and_then(Value::as_array_mut)
    else {
        return body;
    };
    ops.retain_mut(|op| keep_op(o, op));
    let after = update_vars(vars);
    let changed: Vec<(&AttrPath, Value)> = o
        .add
        .iter()
        .filter_map(|(p, v)| {
            let new = expand_json(v, &after);
            (new != expand_json(v, vars)).then_some((p, new))
        })
        .collect();
    if !changed.is_empty() {
        add_ops(ops, &changed);
    }
    body
}

/// Whether the PATCH still has an operation to send.
pub fn has_operations(body: &Value) -> bool {
    member(body, "Operations")
        .and_then(Value::as_array)
        .is_none_or(|ops| !ops.is_empty())
}

/// Attribute paths a PATCH body sets (`name.givenName`, `displayName`, `urn:…:User:manager`):
/// each operation's path, or the keys of a pathless value. Filtered paths are left out.
pub fn patch_paths(body: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |p: String| {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&p)) {
            out.push(p);
        }
    };
    for op in member(body, "Operations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match (str_of(op, "path"), member(op, "value")) {
            (Some(path), _) => {
                if let Ok(p) = AttrPath::parse(path) {
                    push(p.to_string());
                }
            }
            (None, Some(Value::Object(value))) => {
                for (k, v) in value {
                    if is_dotted(k) || is_qualified_attribute(k) {
                        push(k.clone());
                    } else {
                        let one = Value::Object(Map::from_iter([(k.clone(), v.clone())]));
                        crate::provision::payload_paths(&one)
                            .into_iter()
                            .for_each(&mut push);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn str_of<'a>(op: &'a Value, key: &str) -> Option<&'a str> {
    member(op, key).and_then(Value::as_str)
}

fn value_key(obj: &Map<String, Value>) -> Option<String> {
    obj.keys()
        .find(|k| k.eq_ignore_ascii_case("value"))
        .cloned()
}

/// Filter one operation; `false` = drop it.
fn keep_op(o: &MappingOverrides, op: &mut Value) -> bool {
    let Some(obj) = op.as_object_mut() else {
        return true;
    };
    let path = obj
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("path"))
        .and_then(|(_, v)| v.as_str())
        .map(str::to_string);
    let Some(vkey) = value_key(obj) else {
        // A remove without value: dropped when it targets a removed attribute.
        return !path
            .and_then(|p| AttrPath::parse(&p).ok())
            .is_some_and(|p| o.removes(&p));
    };
    match path {
        // Filtered or otherwise unusual paths (`members[value eq …]`) are not attributes the
        // mapping names; they stay as written.
        Some(p) => match AttrPath::parse(&p) {
            Ok(p) if o.removes(&p) => false,
            Ok(p) => {
                // `path: "name"` with an object value: removed sub-attributes leave the object.
                if p.sub.is_none()
                    && let Some(Value::Object(inner)) = obj.get_mut(&vkey)
                {
                    for r in o.remove.iter().filter(|r| r.sub.is_some()) {
                        if r.urn == p.urn && r.name.eq_ignore_ascii_case(&p.name) {
                            let sub = AttrPath {
                                urn: None,
                                name: r.sub.clone().unwrap_or_default(),
                                sub: None,
                            };
                            remove_from(inner, &sub);
                        }
                    }
                    return !inner.is_empty();
                }
                true
            }
            Err(_) => true,
        },
        None => {
            let Some(Value::Object(value)) = obj.get_mut(&vkey) else {
                return true;
            };
            prune_pathless(o, value);
            !value.is_empty()
        }
    }
}

/// A pathless value is a partial resource whose keys may also be dotted (`name.givenName`)
/// or URN-qualified (`urn:…:User:manager`), as Entra's flagged client writes them.
fn prune_pathless(o: &MappingOverrides, value: &mut Map<String, Value>) {
    value.retain(|k, _| {
        let dotted_or_qualified = is_dotted(k) || is_qualified_attribute(k);
        !(dotted_or_qualified && AttrPath::parse(k).is_ok_and(|p| o.removes(&p)))
    });
    for p in &o.remove {
        remove_from(value, p);
    }
}

/// `name.givenName` (the dots of a URN's version do not count).
fn is_dotted(key: &str) -> bool {
    !key.to_ascii_lowercase().starts_with("urn:") && key.contains('.')
}

/// `urn:…:User:manager` names an attribute; `urn:…:2.0:User` (an extension object) does not.
fn is_qualified_attribute(key: &str) -> bool {
    key.to_ascii_lowercase().starts_with("urn:")
        && key
            .rsplit_once(':')
            .is_some_and(|(_, last)| last.chars().next().is_some_and(char::is_lowercase))
}

/// Add the changed attributes in the style of the operations already there.
fn add_ops(ops: &mut Vec<Value>, changed: &[(&AttrPath, Value)]) {
    let word = ops
        .iter()
        .filter_map(|op| str_of(op, "op"))
        .find(|w| !w.eq_ignore_ascii_case("remove"))
        .unwrap_or("replace")
        .to_string();
    let pathless = ops.iter().position(|op| {
        str_of(op, "path").is_none() && member(op, "value").is_some_and(Value::is_object)
    });
    match pathless {
        Some(i) => {
            let Some(obj) = ops[i].as_object_mut() else {
                return;
            };
            let Some(vkey) = value_key(obj) else {
                return;
            };
            let Some(Value::Object(value)) = obj.get_mut(&vkey) else {
                return;
            };
            let dotted = value
                .keys()
                .any(|k| is_dotted(k) || is_qualified_attribute(k));
            for (p, v) in changed {
                if dotted || p.urn.is_some() {
                    value.insert(p.to_string(), v.clone());
                } else {
                    set_in(value, p, v.clone());
                }
            }
        }
        None => {
            for (p, v) in changed {
                let mut op = Map::new();
                op.insert("op".into(), Value::String(word.clone()));
                op.insert("path".into(), Value::String(p.to_string()));
                op.insert("value".into(), v.clone());
                ops.push(Value::Object(op));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{self, TestUser, render::create_body_for};
    use serde_json::json;

    fn update_of(id: &str, o: &MappingOverrides) -> (Value, Value) {
        let d = dialect::find(id).unwrap();
        let vars = TestUser::default().vars("r1", "t");
        let step = &d.steps["update_user"];
        let body = create_body_for(step, &vars).unwrap();
        (body.clone(), apply_to_patch(o, &body, &vars))
    }

    fn ops(body: &Value) -> &Vec<Value> {
        body["Operations"].as_array().unwrap()
    }

    #[test]
    fn entra_default_path_ops_follow_removals_and_additions() {
        let o = MappingOverrides::parse(
            "remove = [\"displayName\"]\n[add]\n\"name.formatted\" = \"${givenName} ${familyName}\"\ntitle = \"Engineer\"\n",
        )
        .unwrap();
        let (before, after) = update_of("entra-default", &o);
        assert_eq!(ops(&before).len(), 2);
        let after_ops = ops(&after);
        assert_eq!(after_ops.len(), 2, "{after}");
        assert_eq!(after_ops[0]["path"], "name.givenName");
        assert_eq!(after_ops[0]["op"], "Replace");
        // Added in Entra's own spelling, with the new given name; `title` did not change.
        assert_eq!(
            after_ops[1],
            json!({"op": "Replace", "path": "name.formatted", "value": "Preflight Updated Test t"})
        );
        assert!(after_ops.iter().all(|op| op["path"] != "title"));
        assert_eq!(after["schemas"], before["schemas"]);
    }

    #[test]
    fn generic_lower_case_ops_stay_lower_case() {
        let o =
            MappingOverrides::parse("[add]\n\"name.formatted\" = \"${givenName} x\"\n").unwrap();
        let (_, after) = update_of("generic-rfc7644", &o);
        let last = ops(&after).last().unwrap().clone();
        assert_eq!(last["op"], "replace");
        assert_eq!(last["path"], "name.formatted");
    }

    #[test]
    fn entra_flagged_pathless_keys_follow_the_overrides() {
        let o =
            MappingOverrides::parse("remove = [\"name\"]\n[add]\nnickName = \"${displayName}\"\n")
                .unwrap();
        let (before, after) = update_of("entra-aadoptscim062020", &o);
        let value = &ops(&after)[0]["value"];
        assert!(
            before["Operations"][0]["value"]
                .get("name.givenName")
                .is_some()
        );
        assert!(value.get("name.givenName").is_none(), "{after}");
        assert_eq!(value["displayName"], "Preflight Test t Updated");
        // Pathless and dotted style: the added key sits in the same value object.
        assert_eq!(value["nickName"], "Preflight Test t Updated");
        assert_eq!(ops(&after)[0]["op"], "replace");
        assert!(ops(&after)[0].get("path").is_none());
    }

    #[test]
    fn an_operation_left_empty_is_dropped() {
        let o = MappingOverrides::parse("remove = [\"displayName\", \"name.givenName\"]").unwrap();
        let (_, after) = update_of("entra-default", &o);
        assert!(!has_operations(&after));
        let (_, after) = update_of("entra-aadoptscim062020", &o);
        assert!(!has_operations(&after));
    }

    #[test]
    fn nested_pathless_and_object_values_lose_removed_sub_attributes() {
        let o = MappingOverrides::parse("remove = [\"name.formatted\", \"roles\"]").unwrap();
        let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
            {"op": "replace", "value": {"name": {"givenName": "A", "formatted": "A B"}, "roles": []}},
            {"op": "replace", "path": "name", "value": {"formatted": "A B"}},
            {"op": "add", "path": "members[value eq \"x\"]", "value": 1},
            {"op": "remove", "path": "roles"}]});
        let out = apply_to_patch(&o, &body, &Vars::new());
        assert_eq!(
            out["Operations"],
            json!([{"op": "replace", "value": {"name": {"givenName": "A"}}},
                   {"op": "add", "path": "members[value eq \"x\"]", "value": 1}])
        );
    }

    #[test]
    fn patch_paths_read_path_and_pathless_operations() {
        let o = MappingOverrides::parse("[add]\ntitle = \"x\"").unwrap();
        let (before, _) = update_of("entra-default", &o);
        assert_eq!(patch_paths(&before), ["name.givenName", "displayName"]);
        let (before, _) = update_of("entra-aadoptscim062020", &o);
        let mut p = patch_paths(&before);
        p.sort();
        assert_eq!(p, ["displayName", "name.givenName"]);
        let nested = json!({"Operations": [{"op": "replace", "value": {"name": {"givenName": "A"}, "urn:x:2.0:User": {"manager": {"value": "m"}}}},
            {"op": "add", "path": "members[value eq \"x\"]", "value": 1}]});
        assert_eq!(
            patch_paths(&nested),
            ["name", "name.givenName", "urn:x:2.0:User:manager"]
        );
    }

    #[test]
    fn unchanged_overrides_leave_the_body_as_it_was() {
        let o = MappingOverrides::parse("remove = [\"roles\"]\n[add]\ntitle = \"x\"").unwrap();
        for id in ["entra-default", "entra-aadoptscim062020", "generic-rfc7644"] {
            let (before, after) = update_of(id, &o);
            assert_eq!(before.to_string(), after.to_string(), "{id}");
        }
    }
}
