//! ListResponse validation (RFC 7644 §3.4.2): what a list must carry for an IdP to page
//! through it and match users.

use serde_json::Value;

use super::{LIST_RESPONSE, has_schema, member};

#[derive(Debug, Default)]
pub struct ListShape {
    pub total_results: Option<u64>,
    pub items_per_page: Option<u64>,
    pub start_index: Option<u64>,
    pub resources: Vec<Value>,
    /// Rules broken, in words; empty = a valid ListResponse.
    pub problems: Vec<String>,
}

pub fn list_shape(json: &Value) -> ListShape {
    let mut shape = ListShape::default();
    if !json.is_object() {
        shape.problems.push("the body is not a JSON object".into());
        return shape;
    }
    if !has_schema(json, LIST_RESPONSE) {
        shape
            .problems
            .push(format!("`schemas` does not contain {LIST_RESPONSE}"));
    }
    match member(json, "totalResults") {
        Some(v) if v.is_u64() => shape.total_results = v.as_u64(),
        Some(v) => shape
            .problems
            .push(format!("`totalResults` is {v}, not a non-negative integer")),
        None => shape.problems.push("`totalResults` is missing".into()),
    }
    for (name, slot) in [
        ("itemsPerPage", &mut shape.items_per_page),
        ("startIndex", &mut shape.start_index),
    ] {
        match member(json, name) {
            Some(v) if v.is_u64() => *slot = v.as_u64(),
            Some(v) => shape
                .problems
                .push(format!("`{name}` is {v}, not an integer")),
            None => {}
        }
    }
    match json.get("Resources") {
        Some(Value::Array(items)) => shape.resources = items.clone(),
        Some(other) => shape.problems.push(format!(
            "`Resources` is not an array ({})",
            type_name(other)
        )),
        None => {
            if let Some((k, Value::Array(items))) = json
                .as_object()
                .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("resources")))
            {
                shape.problems.push(format!(
                    "the list is under `{k}`; IdPs read `Resources` (capital R)"
                ));
                shape.resources = items.clone();
            } else if shape.total_results.unwrap_or(0) > 0 {
                shape
                    .problems
                    .push("`Resources` is missing although `totalResults` > 0".into());
            }
        }
    }
    shape
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn valid_and_broken_lists() {
        let ok = json!({"schemas":[LIST_RESPONSE],"totalResults":1,"Resources":[{"id":"1"}],"startIndex":1,"itemsPerPage":1});
        assert!(list_shape(&ok).problems.is_empty());
        let bad = json!({"totalResults":"1","resources":[{"id":"1"}]});
        let shape = list_shape(&bad);
        assert_eq!(shape.problems.len(), 3, "{:?}", shape.problems);
        assert_eq!(shape.resources.len(), 1);
    }
}
