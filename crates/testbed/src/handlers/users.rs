//! Rules specific to Users: `userName` required and unique (case-insensitively), and the
//! attributes demanded by `require-attribute` quirks.

use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::filter::{AttrPath, Filter};
use crate::handlers::resources::WriteKind;
use crate::quirks::Quirk;
use crate::render::leaf_info;
use crate::respond::Ctx;
use crate::schema::Kind;
use crate::store::Store;

pub fn check(
    store: &Store,
    ctx: &Ctx,
    attrs: &mut Map<String, Value>,
    id: Option<&str>,
    write: WriteKind,
) -> Result<(), ScimError> {
    let user_name = match attrs.get("userName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => return Err(ScimError::invalid_value("userName is required")),
    };
    if !ctx.on(&Quirk::UniquenessNotEnforced)
        && store.value_taken(Kind::User, "userName", &user_name, id)
    {
        return Err(ScimError::uniqueness(format!(
            "userName {user_name} is already in use"
        )));
    }
    if write == WriteKind::Full {
        let as_value = Value::Object(attrs.clone());
        let info = leaf_info(Kind::User);
        for required in ctx.quirks.required_attributes() {
            let present = AttrPath::parse(required)
                .map(|p| Filter::Present(p).matches(&as_value, &info))
                .unwrap_or(false);
            if !present {
                return Err(ScimError::invalid_value(format!(
                    "attribute {required} is required"
                )));
            }
        }
    }
    Ok(())
}
