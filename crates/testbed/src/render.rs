//! Building the JSON a client sees for a stored record: `schemas`, `id`, `meta`, and the
//! derived attributes (a User's `groups`, each Group member's `$ref`/`type`/`display`).

use serde_json::{Map, Value, json};

use crate::filter::{AttrPath, LeafInfo};
use crate::respond::Ctx;
use crate::schema::{AttrType, Kind, resolve};
use crate::store::{Record, Store};

/// Absolute URL of a resource, as used in `meta.location`, `Location` and `$ref`.
pub fn location(ctx: &Ctx, kind: Kind, id: &str) -> String {
    format!("{}/{}/{}", ctx.location_base, kind.endpoint(), id)
}

fn display_of(store: &Store, kind: Kind, id: &str) -> Option<Value> {
    let rec = store.find(kind, id)?;
    let attrs = &rec.attrs;
    attrs
        .get("displayName")
        .or_else(|| attrs.get("userName"))
        .cloned()
}

pub fn render(kind: Kind, rec: &Record, store: &Store, ctx: &Ctx) -> Value {
    let mut out: Map<String, Value> = rec.attrs.clone();
    let mut schemas = vec![json!(kind.core_schema())];
    for (urn, _) in kind.extensions() {
        if out.contains_key(*urn) {
            schemas.push(json!(urn));
        }
    }
    out.insert("schemas".into(), Value::Array(schemas));
    out.insert("id".into(), json!(rec.id));
    match kind {
        Kind::User => {
            let groups: Vec<Value> = store
                .groups_of(&rec.id)
                .into_iter()
                .map(|g| {
                    json!({
                        "value": g.id,
                        "$ref": location(ctx, Kind::Group, &g.id),
                        "display": g.attrs.get("displayName").cloned().unwrap_or(Value::Null),
                        "type": "direct",
                    })
                })
                .collect();
            if !groups.is_empty() {
                out.insert("groups".into(), Value::Array(groups));
            }
        }
        Kind::Group => {
            if let Some(Value::Array(members)) = out.get_mut("members") {
                for m in members.iter_mut() {
                    let Some(obj) = m.as_object_mut() else {
                        continue;
                    };
                    let Some(id) = obj.get("value").and_then(Value::as_str).map(str::to_string)
                    else {
                        continue;
                    };
                    let member_kind = store.kind_of(&id).unwrap_or(Kind::User);
                    obj.insert("type".into(), json!(member_kind.name()));
                    obj.insert("$ref".into(), json!(location(ctx, member_kind, &id)));
                    if let Some(d) = display_of(store, member_kind, &id) {
                        obj.insert("display".into(), d);
                    }
                }
            }
        }
    }
    out.insert(
        "meta".into(),
        json!({
            "resourceType": kind.name(),
            "created": rec.created,
            "lastModified": rec.last_modified,
            "location": location(ctx, kind, &rec.id),
        }),
    );
    Value::Object(out)
}

/// How filters compare a leaf attribute of `kind`, taken from the schema.
pub fn leaf_info(kind: Kind) -> impl Fn(&AttrPath) -> LeafInfo {
    move |path: &AttrPath| {
        let Some((_, def)) = resolve(kind, path.urn.as_deref(), &path.name) else {
            return LeafInfo::default();
        };
        let leaf = match &path.sub {
            Some(sub) => def.find_sub(sub),
            None if def.ty == AttrType::Complex => def.find_sub("value"),
            None => Some(def),
        };
        match leaf {
            Some(d) => LeafInfo {
                case_exact: d.case_exact,
                date_time: d.ty == AttrType::DateTime,
            },
            None => LeafInfo::default(),
        }
    }
}
