//! Rules specific to Groups: `displayName` required and unique, and members that name
//! existing Users or Groups. Members are stored as `{value, type}`; `$ref` and `display`
//! are derived on output.

use serde_json::{Map, Value, json};

use crate::error::ScimError;
use crate::quirks::Quirk;
use crate::respond::Ctx;
use crate::schema::Kind;
use crate::store::Store;

pub fn check(
    store: &Store,
    ctx: &Ctx,
    attrs: &mut Map<String, Value>,
    id: Option<&str>,
) -> Result<(), ScimError> {
    let name = match attrs.get("displayName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => return Err(ScimError::invalid_value("displayName is required")),
    };
    if !ctx.on(&Quirk::UniquenessNotEnforced)
        && store.value_taken(Kind::Group, "displayName", &name, id)
    {
        return Err(ScimError::uniqueness(format!(
            "a group named {name} already exists"
        )));
    }
    let Some(members) = attrs.remove("members") else {
        return Ok(());
    };
    let mut clean: Vec<Value> = Vec::new();
    for m in members.as_array().map(Vec::as_slice).unwrap_or_default() {
        let Some(member_id) = m.get("value").and_then(Value::as_str) else {
            return Err(ScimError::invalid_value(
                "every member needs a value (the member's id)",
            ));
        };
        if Some(member_id) == id {
            return Err(ScimError::invalid_value(
                "a group cannot be a member of itself",
            ));
        }
        let Some(kind) = store.kind_of(member_id) else {
            return Err(ScimError::invalid_value(format!(
                "member {member_id} is not a known User or Group"
            )));
        };
        if !clean.iter().any(|c| c["value"] == member_id) {
            clean.push(json!({"value": member_id, "type": kind.name()}));
        }
    }
    if !clean.is_empty() {
        attrs.insert("members".into(), Value::Array(clean));
    }
    Ok(())
}
