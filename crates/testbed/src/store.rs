//! The in-memory directory: Users and Groups in creation order.
//!
//! Records hold only client-writable attributes (canonical names, extension data under its
//! URN); `id`, `meta`, `schemas`, a User's `groups` and each member's `$ref`/`display` are
//! derived when rendering, so they can never go stale.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::filter::get_ci;
use crate::schema::Kind;

/// Most resources of one kind the store keeps; creation beyond it fails, so a runaway
/// client cannot exhaust memory.
pub const MAX_RESOURCES: usize = 10_000;

#[derive(Clone, Debug)]
pub struct Record {
    pub id: String,
    pub created: String,
    pub last_modified: String,
    pub attrs: Map<String, Value>,
}

#[derive(Clone, Debug, Default)]
pub struct Store {
    pub users: Vec<Record>,
    pub groups: Vec<Record>,
}

/// Current time as an xsd:dateTime with millisecond precision.
pub fn now_string() -> String {
    let now = OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .unwrap_or(now);
    now.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// Given names used for seeded users, in order; beyond these, `user<N>`.
const SEED_NAMES: &[(&str, &str)] = &[
    ("alice", "Liddell"),
    ("bob", "Builder"),
    ("carol", "Danvers"),
    ("dave", "Bowman"),
    ("erin", "Brockovich"),
    ("frank", "Poole"),
    ("grace", "Hopper"),
    ("heidi", "Klum"),
];

/// Deterministic ids for seeded resources, so a reset gives the same ids back and e2e tests
/// can name them. Shaped like UUIDv4s.
pub fn seed_user_id(n: usize) -> String {
    format!("5eed0000-0000-4000-8000-{:012x}", n + 1)
}

pub fn seed_group_id(n: usize) -> String {
    format!("5eed0000-0000-4000-9000-{:012x}", n + 1)
}

/// Name of the seeded group.
pub const SEED_GROUP_NAME: &str = "Engineering";

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Store {
    /// `n` users (`alice@example.com`, `bob@example.com`, …) and one group holding the
    /// first two of them.
    pub fn seeded(n: usize) -> Store {
        let now = now_string();
        let n = n.min(MAX_RESOURCES);
        let mut store = Store::default();
        for i in 0..n {
            let (given, family) = match SEED_NAMES.get(i) {
                Some((g, f)) => (g.to_string(), f.to_string()),
                None => (format!("user{}", i + 1), "Example".to_string()),
            };
            let given_cap = capitalize(&given);
            let user_name = format!("{given}@example.com");
            let attrs = json!({
                "userName": user_name,
                "externalId": format!("ext-{given}"),
                "name": {
                    "givenName": given_cap,
                    "familyName": family,
                    "formatted": format!("{given_cap} {family}"),
                },
                "displayName": format!("{given_cap} {family}"),
                "active": true,
                "emails": [{"value": user_name, "type": "work", "primary": true}],
            });
            store.users.push(Record {
                id: seed_user_id(i),
                created: now.clone(),
                last_modified: now.clone(),
                attrs: attrs.as_object().cloned().unwrap_or_default(),
            });
        }
        let members: Vec<Value> = store
            .users
            .iter()
            .take(2)
            .map(|u| json!({"value": u.id, "type": "User"}))
            .collect();
        let mut group = Map::new();
        group.insert("displayName".into(), json!(SEED_GROUP_NAME));
        if !members.is_empty() {
            group.insert("members".into(), Value::Array(members));
        }
        store.groups.push(Record {
            id: seed_group_id(0),
            created: now.clone(),
            last_modified: now,
            attrs: group,
        });
        store
    }

    pub fn records(&self, kind: Kind) -> &Vec<Record> {
        match kind {
            Kind::User => &self.users,
            Kind::Group => &self.groups,
        }
    }

    pub fn records_mut(&mut self, kind: Kind) -> &mut Vec<Record> {
        match kind {
            Kind::User => &mut self.users,
            Kind::Group => &mut self.groups,
        }
    }

    pub fn find(&self, kind: Kind, id: &str) -> Option<&Record> {
        self.records(kind).iter().find(|r| r.id == id)
    }

    pub fn position(&self, kind: Kind, id: &str) -> Option<usize> {
        self.records(kind).iter().position(|r| r.id == id)
    }

    /// Which kind of resource `id` names, for group members.
    pub fn kind_of(&self, id: &str) -> Option<Kind> {
        if self.find(Kind::User, id).is_some() {
            Some(Kind::User)
        } else if self.find(Kind::Group, id).is_some() {
            Some(Kind::Group)
        } else {
            None
        }
    }

    /// Whether another resource of `kind` already has `attr` equal to `value`,
    /// compared case-insensitively (userName and displayName are not caseExact).
    pub fn value_taken(
        &self,
        kind: Kind,
        attr: &str,
        value: &str,
        except_id: Option<&str>,
    ) -> bool {
        let wanted = value.to_lowercase();
        self.records(kind).iter().any(|r| {
            Some(r.id.as_str()) != except_id
                && get_ci(&r.attrs, attr)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.to_lowercase() == wanted)
        })
    }

    /// Delete a resource and every membership that points at it.
    pub fn remove(&mut self, kind: Kind, id: &str) -> bool {
        let Some(pos) = self.position(kind, id) else {
            return false;
        };
        self.records_mut(kind).remove(pos);
        for g in &mut self.groups {
            if let Some(Value::Array(members)) = g.attrs.get_mut("members") {
                let before = members.len();
                members.retain(|m| m.get("value").and_then(Value::as_str) != Some(id));
                if members.len() != before {
                    g.last_modified = now_string();
                }
                if members.is_empty() {
                    g.attrs.remove("members");
                }
            }
        }
        true
    }

    /// Groups that directly list `id` as a member.
    pub fn groups_of(&self, id: &str) -> Vec<&Record> {
        self.groups
            .iter()
            .filter(|g| match g.attrs.get("members") {
                Some(Value::Array(ms)) => ms
                    .iter()
                    .any(|m| m.get("value").and_then(Value::as_str) == Some(id)),
                _ => false,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_shape() {
        let s = Store::seeded(3);
        assert_eq!(s.users.len(), 3);
        assert_eq!(s.users[0].attrs["userName"], "alice@example.com");
        assert_eq!(s.users[2].attrs["userName"], "carol@example.com");
        assert_eq!(s.groups.len(), 1);
        assert_eq!(s.groups[0].attrs["members"].as_array().unwrap().len(), 2);
        let many = Store::seeded(12);
        assert_eq!(many.users[11].attrs["userName"], "user12@example.com");
        assert!(Store::seeded(0).groups[0].attrs.get("members").is_none());
    }

    #[test]
    fn remove_drops_memberships() {
        let mut s = Store::seeded(3);
        let id = s.users[0].id.clone();
        assert_eq!(s.groups_of(&id).len(), 1);
        assert!(s.remove(Kind::User, &id));
        assert!(s.find(Kind::User, &id).is_none());
        assert_eq!(s.groups[0].attrs["members"].as_array().unwrap().len(), 1);
        assert!(!s.remove(Kind::User, &id));
    }

    #[test]
    fn uniqueness_is_case_insensitive() {
        let s = Store::seeded(3);
        assert!(s.value_taken(Kind::User, "userName", "ALICE@example.com", None));
        let alice = s.users[0].id.clone();
        assert!(!s.value_taken(Kind::User, "userName", "alice@example.com", Some(&alice)));
    }
}
