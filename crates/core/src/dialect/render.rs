//! Turning a dialect step into a concrete request. Placeholders (`${userName}`) are only
//! expanded inside JSON strings of an already-parsed template, so a value with quotes or
//! braces can never change the shape of the body.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{Dialect, SpaceEncoding, Step};
use crate::probe::Req;
use crate::scim::encode_query_value;

/// Every placeholder a template may use.
pub const KNOWN_VARS: &[&str] = &[
    "runId",
    "userName",
    "givenName",
    "familyName",
    "displayName",
    "email",
    "externalId",
    "newGivenName",
    "newDisplayName",
    "groupName",
    "newGroupName",
    "userId",
    "groupId",
    "randomGuid",
];

#[derive(Clone, Debug, Default)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    pub fn new() -> Vars {
        Vars::default()
    }
    pub fn set(&mut self, name: &str, value: &str) {
        self.0.insert(name.into(), value.into());
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// A step ready to send, plus its parsed body for inspection.
pub struct Rendered {
    pub req: Req,
    pub body: Option<Value>,
}

/// Replace `${name}` in text; unknown or unset names are left as they are (the load test
/// rejects unknown ones; unset ones show up in the evidence instead of vanishing).
pub fn expand(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match vars.get(name) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 3 + end]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Expand placeholders in every string (keys too: Entra's pathless keys are fixed, but a
/// URN-prefixed key might carry none — expanding keys costs nothing and keeps one rule).
pub fn expand_json(value: &Value, vars: &Vars) -> Value {
    match value {
        Value::String(s) => Value::String(expand(s, vars)),
        Value::Array(items) => Value::Array(items.iter().map(|v| expand_json(v, vars)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (expand(k, vars), expand_json(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn names_in(text: &str) -> Vec<&str> {
    text.match_indices("${")
        .filter_map(|(i, _)| text[i + 2..].find('}').map(|end| &text[i + 2..i + 2 + end]))
        .collect()
}

pub(super) fn text_placeholders_known(text: &str) -> Result<(), String> {
    match names_in(text).into_iter().find(|n| !KNOWN_VARS.contains(n)) {
        Some(n) => Err(n.to_string()),
        None => Ok(()),
    }
}

pub(super) fn placeholders_known(value: &Value) -> Result<(), String> {
    match value {
        Value::String(s) => text_placeholders_known(s),
        Value::Array(items) => items.iter().try_for_each(placeholders_known),
        Value::Object(map) => map
            .iter()
            .try_for_each(|(k, v)| text_placeholders_known(k).and_then(|_| placeholders_known(v))),
        _ => Ok(()),
    }
}

/// The create payload of a dialect, filled in.
pub fn create_body(dialect: &Dialect, vars: &Vars) -> Option<Value> {
    create_body_for(dialect.steps.get("create_user")?, vars)
}

/// A step's body template, filled in.
pub fn create_body_for(step: &Step, vars: &Vars) -> Option<Value> {
    let template: Value = serde_json::from_str(step.body.as_deref()?).ok()?;
    Some(expand_json(&template, vars))
}

/// Build the request for one step. `body_override` replaces the rendered body (used to add
/// a notification-suppressing extension the target advertises).
pub fn render_step(
    dialect: &Dialect,
    step: &Step,
    vars: &Vars,
    body_override: Option<Value>,
) -> Rendered {
    let plus = dialect.http.space_encoding == SpaceEncoding::Plus;
    let mut path = expand(&step.path, vars);
    if !step.query.is_empty() {
        let query: Vec<String> = step
            .query
            .iter()
            .map(|[k, v]| format!("{k}={}", encode_query_value(&expand(v, vars), plus)))
            .collect();
        path.push('?');
        path.push_str(&query.join("&"));
    }
    let mut req = Req::new(&step.method, path).purpose(format!("{}: {}", dialect.id, step.label));
    let accept = (!dialect.http.accept.is_empty()).then_some(dialect.http.accept.as_str());
    req = req.header("accept", accept);
    for (k, v) in &dialect.http.headers {
        req = req.header(k, Some(v));
    }
    let body = body_override.or_else(|| {
        let template: Value = serde_json::from_str(step.body.as_deref()?).ok()?;
        Some(expand_json(&template, vars))
    });
    if let Some(b) = &body {
        req.body = Some(b.to_string().into_bytes());
        req = req.header("content-type", Some(&dialect.http.content_type));
    }
    Rendered { req, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_stay_inside_strings() {
        let mut v = Vars::new();
        v.set("userName", "a\"},{\"x");
        let out = expand_json(&serde_json::json!({"userName": "${userName}", "n": 1}), &v);
        assert_eq!(out["userName"], "a\"},{\"x");
        assert_eq!(expand("/Users/${userId}", &v), "/Users/${userId}");
    }
}
