//! What the target says it accepts (`/Schemas`, `/ResourceTypes`), compared with what a
//! dialect will send — read before anything is written, so an attribute the target does not
//! declare is named with the IdP console change that stops sending it.

use serde_json::{Map, Value};

use crate::probe::{Probe, Req};
use crate::scim::{ENTERPRISE_USER, USER, endpoint_names, list_shape, member};

/// Attributes every resource has without being declared in a schema (RFC 7643 §3.1).
const COMMON: &[&str] = &["id", "externalId", "meta", "schemas"];

#[derive(Debug, Default)]
pub struct TargetSchema {
    /// `/Schemas` could be read; otherwise nothing is judged.
    pub readable: bool,
    /// `/ResourceTypes` could be read and lists the types below.
    pub types_known: bool,
    pub has_users: bool,
    pub has_groups: bool,
    /// Lower-cased attribute paths the User schemas declare (`name`, `name.givenname`,
    /// `urn:…:enterprise:2.0:user:department`).
    declared: Vec<String>,
    /// Required, writable User attributes (as declared, for messages).
    pub required: Vec<String>,
    /// `(extension URN, attribute)` booleans that ask the target to send mail.
    pub notifications: Vec<(String, String)>,
    pub evidence: Vec<String>,
}

impl TargetSchema {
    /// A readable schema declaring exactly these User paths (unit tests of the planner).
    #[cfg(test)]
    pub(crate) fn declaring(paths: &[&str]) -> TargetSchema {
        TargetSchema {
            readable: true,
            types_known: true,
            has_users: true,
            declared: paths.iter().map(|p| p.to_ascii_lowercase()).collect(),
            ..TargetSchema::default()
        }
    }

    /// Read `/ResourceTypes` and `/Schemas` (cached GETs: the read-only checks already asked).
    pub async fn load(probe: &Probe) -> TargetSchema {
        let mut s = TargetSchema {
            has_users: true,
            has_groups: true,
            ..TargetSchema::default()
        };
        let types = probe
            .fetch(Req::get("/ResourceTypes").purpose("discovery with the token"))
            .await;
        s.evidence.push(types.id.clone());
        let mut user_schemas = vec![USER.to_string()];
        let mut required_ext: Vec<String> = Vec::new();
        if let Some(json) = types
            .response
            .as_ref()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json())
        {
            let rts = list_shape(&json).resources;
            if !rts.is_empty() {
                s.types_known = true;
                let base_path = probe.target().base_url.path();
                let names = |rt: &Value, collection: &str| {
                    member(rt, "endpoint")
                        .and_then(Value::as_str)
                        .is_some_and(|e| endpoint_names(e, collection, base_path))
                };
                s.has_users = rts.iter().any(|rt| names(rt, "Users"));
                s.has_groups = rts.iter().any(|rt| names(rt, "Groups"));
                if let Some(user) = rts.iter().find(|rt| names(rt, "Users")) {
                    if let Some(main) = member(user, "schema").and_then(Value::as_str) {
                        user_schemas[0] = main.to_string();
                    }
                    for ext in member(user, "schemaExtensions")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(urn) = member(ext, "schema").and_then(Value::as_str) {
                            user_schemas.push(urn.to_string());
                            if member(ext, "required").and_then(Value::as_bool) == Some(true) {
                                required_ext.push(urn.to_ascii_lowercase());
                            }
                        }
                    }
                }
            }
        }
        let schemas = probe
            .fetch(Req::get("/Schemas").purpose("discovery with the token"))
            .await;
        s.evidence.push(schemas.id.clone());
        let Some(json) = schemas
            .response
            .as_ref()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json())
        else {
            return s;
        };
        let docs = list_shape(&json).resources;
        if docs.is_empty() {
            return s;
        }
        s.readable = true;
        for doc in &docs {
            let Some(id) = member(doc, "id").and_then(Value::as_str) else {
                continue;
            };
            let Some(main_pos) = user_schemas.iter().position(|u| u.eq_ignore_ascii_case(id))
            else {
                continue;
            };
            let is_core = main_pos == 0;
            let prefix = if is_core {
                String::new()
            } else {
                format!("{}:", id.to_ascii_lowercase())
            };
            for attr in member(doc, "attributes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(name) = member(attr, "name").and_then(Value::as_str) else {
                    continue;
                };
                let path = format!("{prefix}{}", name.to_ascii_lowercase());
                s.declared.push(path.clone());
                for sub in member(attr, "subAttributes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(sn) = member(sub, "name").and_then(Value::as_str) {
                        s.declared
                            .push(format!("{path}.{}", sn.to_ascii_lowercase()));
                    }
                }
                let read_only = member(attr, "mutability")
                    .and_then(Value::as_str)
                    .is_some_and(|m| m.eq_ignore_ascii_case("readOnly"));
                let required = member(attr, "required").and_then(Value::as_bool) == Some(true);
                let ext_applies = is_core || required_ext.contains(&id.to_ascii_lowercase());
                if required
                    && !read_only
                    && ext_applies
                    && !COMMON.iter().any(|c| c.eq_ignore_ascii_case(name))
                {
                    s.required.push(if is_core {
                        name.to_string()
                    } else {
                        format!("{id}:{name}")
                    });
                }
                let boolean = member(attr, "type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("boolean"));
                if !is_core && boolean && asks_for_mail(name) {
                    s.notifications.push((id.to_string(), name.to_string()));
                }
            }
        }
        s
    }

    /// Paths of `sent` the target does not declare (only when the schema was readable).
    pub fn undeclared(&self, sent: &[String]) -> Vec<String> {
        if !self.readable {
            return Vec::new();
        }
        sent.iter()
            .filter(|p| {
                let lower = p.to_ascii_lowercase();
                let top = lower.split('.').next().unwrap_or_default().to_string();
                // Common attributes, declared paths, and sub-attributes of a complex attribute
                // whose sub-attributes the schema does not spell out all count as declared.
                let opaque_complex = lower.contains('.')
                    && self.declared.contains(&top)
                    && !self
                        .declared
                        .iter()
                        .any(|d| d.starts_with(&format!("{top}.")));
                let declared = COMMON.iter().any(|c| c.eq_ignore_ascii_case(&top))
                    || self.declared.contains(&lower)
                    || opaque_complex;
                !declared
            })
            .cloned()
            .collect()
    }

    /// Required attributes the payload leaves out.
    pub fn missing_required(&self, sent: &[String]) -> Vec<String> {
        let sent: Vec<String> = sent.iter().map(|p| p.to_ascii_lowercase()).collect();
        self.required
            .iter()
            .filter(|r| {
                let r = r.to_ascii_lowercase();
                !sent
                    .iter()
                    .any(|p| p == &r || p.starts_with(&format!("{r}.")))
            })
            .cloned()
            .collect()
    }

    /// The create payload with every advertised notification switch set to "do not send".
    pub fn quiet(&self, body: &Value) -> Value {
        let mut body = body.clone();
        let Some(obj) = body.as_object_mut() else {
            return body;
        };
        for (urn, attr) in &self.notifications {
            let ext = obj
                .entry(urn.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(ext) = ext.as_object_mut() {
                ext.insert(attr.clone(), Value::Bool(false));
            }
            if let Some(schemas) = obj.get_mut("schemas").and_then(Value::as_array_mut)
                && !schemas
                    .iter()
                    .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
            {
                schemas.push(Value::String(urn.clone()));
            }
        }
        body
    }
}

/// `sendInvitation`, `sendMail`, `notifyUser`, `sendWelcomeEmail`: switches that make the
/// target email the (non-existent) test user.
fn asks_for_mail(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.starts_with("send")
        && (n.contains("invit")
            || n.contains("mail")
            || n.contains("notif")
            || n.contains("welcome")))
        || n.starts_with("notify")
}

/// Attribute paths a payload sets: `userName`, `name.givenName`, `emails.value`,
/// `urn:…:enterprise:2.0:User:department`. Empty arrays and nulls set nothing.
pub fn payload_paths(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(obj) = body.as_object() else {
        return out;
    };
    for (key, value) in obj {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        if key.to_ascii_lowercase().starts_with("urn:") {
            for (sub, v) in value.as_object().into_iter().flatten() {
                if !is_empty(v) {
                    out.push(format!("{key}:{sub}"));
                }
            }
            continue;
        }
        if value.is_null() {
            continue;
        }
        // An empty array is still sent (Entra's `roles: []`) and a strict server rejects the key.
        out.push(key.clone());
        let items: Vec<&Value> = match value {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        let mut subs: Vec<String> = Vec::new();
        for item in items {
            for (sub, v) in item.as_object().into_iter().flatten() {
                let p = format!("{key}.{sub}");
                if !is_empty(v) && !subs.contains(&p) {
                    subs.push(p);
                }
            }
        }
        out.extend(subs);
    }
    out
}

fn is_empty(v: &Value) -> bool {
    v.is_null() || v.as_array().is_some_and(Vec::is_empty)
}

/// The enterprise extension URN, re-exported for messages.
pub const ENTERPRISE: &str = ENTERPRISE_USER;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_of_a_payload() {
        let body = json!({"schemas": ["x"], "userName": "u", "name": {"givenName": "a"}, "emails": [{"value": "e", "type": "work"}], "roles": [],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "d"}});
        let mut p = payload_paths(&body);
        p.sort();
        assert_eq!(
            p,
            vec![
                "emails",
                "emails.type",
                "emails.value",
                "name",
                "name.givenName",
                "roles",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                "userName"
            ]
        );
        assert!(asks_for_mail("sendInvitation") && !asks_for_mail("sender"));
    }
}
