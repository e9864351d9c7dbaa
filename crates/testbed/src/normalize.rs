//! Validating client-sent attribute values against the schema and bringing them into the
//! stored form: canonical attribute names, checked types, read-only values dropped.
//!
//! Shared by POST, PUT and PATCH so that all three accept exactly the same values.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::ScimError;
use crate::schema::{
    AttrDef, AttrType, Container, Kind, Mutability, STRICT_NAME_SUBS, STRICT_USER_ATTRS, find_attr,
};

/// Most values one multi-valued attribute may hold; a bound on request-driven growth.
pub const MAX_MULTI_VALUES: usize = 1000;

#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOpts {
    /// Accept `"True"`/`"False"` strings for booleans (Entra sends them); off under
    /// `patch-bool-strict`.
    pub bool_strings: bool,
    /// `strict-attributes` is on and the resource is a User.
    pub strict: bool,
    /// Accept a single value where an array is expected (PATCH values may be either).
    pub wrap_single: bool,
}

fn unsupported(name: &str) -> ScimError {
    ScimError::invalid_value(format!("attribute {name} is not supported"))
}

/// Under `strict-attributes`, reject User attributes outside the small accepted set.
pub fn check_strict(
    container: Container,
    def: &AttrDef,
    opts: &WriteOpts,
) -> Result<(), ScimError> {
    if !opts.strict || def.mutability == Mutability::ReadOnly {
        return Ok(());
    }
    match container {
        Container::Extension(urn) => Err(unsupported(&format!("{urn}:{}", def.name))),
        Container::Core if !STRICT_USER_ATTRS.contains(&def.name) => Err(unsupported(def.name)),
        Container::Core => Ok(()),
    }
}

/// Under `strict-attributes`, reject sub-attributes of `name` outside the accepted set.
pub fn check_strict_sub(def: &AttrDef, sub: &str, opts: &WriteOpts) -> Result<(), ScimError> {
    if opts.strict
        && def.name == "name"
        && !STRICT_NAME_SUBS.iter().any(|s| s.eq_ignore_ascii_case(sub))
    {
        return Err(unsupported(&format!("name.{sub}")));
    }
    Ok(())
}

/// Normalize a whole resource body (POST, PUT). Unknown attributes are dropped (or
/// rejected under `strict`); read-only ones (`id`, `meta`, `groups`) are ignored as RFC 7644
/// §3.3 asks; `password` is accepted but never stored, since it is never returned.
pub fn normalize_body(
    kind: Kind,
    body: &Map<String, Value>,
    opts: &WriteOpts,
) -> Result<Map<String, Value>, ScimError> {
    let mut out = Map::new();
    for (key, value) in body {
        if ["schemas", "id", "meta"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
        {
            continue;
        }
        if let Some((urn, defs)) = kind.extension(key) {
            if opts.strict {
                return Err(unsupported(urn));
            }
            let ext = match value {
                Value::Null => continue,
                Value::Object(o) => o,
                _ => return Err(ScimError::invalid_value(format!("{urn} must be an object"))),
            };
            let mut stored = Map::new();
            for (k, v) in ext {
                let Some(def) = find_attr(defs, k) else {
                    continue;
                };
                if def.mutability == Mutability::ReadOnly {
                    continue;
                }
                if let Some(nv) = normalize_value(def, v, opts, def.name)? {
                    stored.insert(def.name.to_string(), nv);
                }
            }
            if !stored.is_empty() {
                out.insert(urn.to_string(), Value::Object(stored));
            }
            continue;
        }
        let Some(def) = find_attr(kind.core_attrs(), key) else {
            if opts.strict {
                return Err(unsupported(key));
            }
            continue;
        };
        if def.mutability == Mutability::ReadOnly {
            continue;
        }
        check_strict(Container::Core, def, opts)?;
        if let Some(nv) = normalize_value(def, value, opts, def.name)?
            && def.mutability != Mutability::WriteOnly
        {
            out.insert(def.name.to_string(), nv);
        }
    }
    Ok(out)
}

/// Normalize one attribute value. `None` means "no value" (null, empty array or object).
pub fn normalize_value(
    def: &AttrDef,
    value: &Value,
    opts: &WriteOpts,
    label: &str,
) -> Result<Option<Value>, ScimError> {
    if value.is_null() {
        return Ok(None);
    }
    if !def.multi {
        return normalize_single(def, value, opts, label);
    }
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other if opts.wrap_single => vec![other],
        _ => {
            return Err(ScimError::invalid_value(format!(
                "attribute {label} is multi-valued and must be an array"
            )));
        }
    };
    if items.len() > MAX_MULTI_VALUES {
        return Err(ScimError::invalid_value(format!(
            "attribute {label} has more than {MAX_MULTI_VALUES} values"
        )));
    }
    let mut out = Vec::new();
    for item in items {
        if let Some(v) = normalize_single(def, item, opts, label)?
            && !out.contains(&v)
        {
            out.push(v);
        }
    }
    let primaries = out
        .iter()
        .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
        .count();
    if primaries > 1 {
        return Err(ScimError::invalid_value(format!(
            "attribute {label} has more than one primary value"
        )));
    }
    Ok(if out.is_empty() {
        None
    } else {
        Some(Value::Array(out))
    })
}

/// Normalize a single (not multi-valued) value of `def`'s type.
pub fn normalize_single(
    def: &AttrDef,
    value: &Value,
    opts: &WriteOpts,
    label: &str,
) -> Result<Option<Value>, ScimError> {
    let wrong = |what: &str| ScimError::invalid_value(format!("attribute {label} must be {what}"));
    Ok(Some(match (def.ty, value) {
        (_, Value::Null) => return Ok(None),
        (AttrType::String | AttrType::Reference | AttrType::Binary, Value::String(s)) => {
            Value::String(s.clone())
        }
        (AttrType::String | AttrType::Reference | AttrType::Binary, _) => {
            return Err(wrong("a string"));
        }
        (AttrType::DateTime, Value::String(s)) if OffsetDateTime::parse(s, &Rfc3339).is_ok() => {
            Value::String(s.clone())
        }
        (AttrType::DateTime, _) => return Err(wrong("an xsd:dateTime string")),
        (AttrType::Boolean, Value::Bool(b)) => Value::Bool(*b),
        (AttrType::Boolean, Value::String(s))
            if opts.bool_strings && s.eq_ignore_ascii_case("true") =>
        {
            Value::Bool(true)
        }
        (AttrType::Boolean, Value::String(s))
            if opts.bool_strings && s.eq_ignore_ascii_case("false") =>
        {
            Value::Bool(false)
        }
        (AttrType::Boolean, _) => return Err(wrong("a JSON boolean (true or false)")),
        (AttrType::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            Value::Number(n.clone())
        }
        (AttrType::Integer, _) => return Err(wrong("an integer")),
        (AttrType::Decimal, Value::Number(n)) => Value::Number(n.clone()),
        (AttrType::Decimal, _) => return Err(wrong("a number")),
        (AttrType::Complex, Value::Object(obj)) => {
            let mut out = Map::new();
            for (k, v) in obj {
                let Some(sub) = def.find_sub(k) else {
                    check_strict_sub(def, k, opts)?;
                    continue;
                };
                check_strict_sub(def, sub.name, opts)?;
                if sub.mutability == Mutability::ReadOnly {
                    continue;
                }
                let sub_label = format!("{label}.{}", sub.name);
                if let Some(nv) = normalize_single(sub, v, opts, &sub_label)? {
                    out.insert(sub.name.to_string(), nv);
                }
            }
            if out.is_empty() {
                return Ok(None);
            }
            Value::Object(out)
        }
        (AttrType::Complex, _) => return Err(wrong("an object")),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts() -> WriteOpts {
        WriteOpts {
            bool_strings: true,
            ..Default::default()
        }
    }

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn canonical_names_and_dropped_fields() {
        let out = normalize_body(
            Kind::User,
            &body(json!({
                "schemas": ["x"], "id": "client-id", "meta": {"resourceType": "User"},
                "USERNAME": "a@b.c", "Active": "False", "groups": [{"value": "g"}],
                "password": "secret", "nonsense": 1,
                "name": {"GIVENNAME": "A", "bogus": "x"},
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"EmployeeNumber": "7"}
            })),
            &opts(),
        )
        .unwrap();
        assert_eq!(
            Value::Object(out),
            json!({
                "userName": "a@b.c", "active": false, "name": {"givenName": "A"},
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7"}
            })
        );
    }

    #[test]
    fn type_errors() {
        let o = opts();
        assert!(normalize_body(Kind::User, &body(json!({"userName": 5})), &o).is_err());
        assert!(normalize_body(Kind::User, &body(json!({"emails": {"value": "x"}})), &o).is_err());
        assert!(normalize_body(Kind::User, &body(json!({"active": "yes"})), &o).is_err());
        let strict_bool = WriteOpts::default();
        assert!(
            normalize_body(Kind::User, &body(json!({"active": "True"})), &strict_bool).is_err()
        );
        let two_primaries = json!({"emails": [
            {"value": "a", "primary": true}, {"value": "b", "primary": true}]});
        assert!(normalize_body(Kind::User, &body(two_primaries), &o).is_err());
    }

    #[test]
    fn strict_attributes() {
        let strict = WriteOpts {
            strict: true,
            ..opts()
        };
        let ok = json!({"userName": "a", "name": {"givenName": "A"}, "emails": [{"value": "a"}], "meta": {}});
        assert!(normalize_body(Kind::User, &body(ok), &strict).is_ok());
        for bad in [
            json!({"roles": []}),
            json!({"preferredLanguage": "en"}),
            json!({"name": {"middleName": "x"}}),
            json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "x"}}),
            json!({"madeUp": 1}),
        ] {
            let e = normalize_body(Kind::User, &body(bad.clone()), &strict).unwrap_err();
            assert_eq!(e.scim_type, Some("invalidValue"), "{bad}");
            assert!(e.detail.contains("not supported"));
        }
    }
}
