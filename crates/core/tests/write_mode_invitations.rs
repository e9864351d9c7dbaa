//! Write mode must never make a target e-mail an invitation to its test users. STACKIT (and
//! others) advertise a User extension with a boolean such as `sendInvitation`; when `/Schemas`
//! declares one, every create Preflight sends sets it to `false`. Proven here on a recorded
//! discovery: the switch is found, the create body gets it as `false` and names the extension
//! in `schemas`, and an ordinary boolean of the same extension is left alone.

use std::sync::Arc;

use preflight_core::Secret;
use preflight_core::probe::{Interaction, Probe, ReplayTransport};
use preflight_core::provision::schema::TargetSchema;
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};
use serde_json::{Value, json};

const BASE: &str = "https://accounts.example.test/scim/v2";
const NOTIFY: &str = "urn:schwarz:params:scim:schemas:extension:notifications:2.0:User";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

fn list(resources: Value) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": resources.as_array().map_or(0, Vec::len),
        "Resources": resources,
    })
}

fn discovery() -> Vec<Interaction> {
    let resource_types = list(json!([{
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User", "name": "User", "endpoint": "/Users", "schema": USER,
        "schemaExtensions": [{"schema": NOTIFY, "required": false}],
    }]));
    let schemas = list(json!([
        {"id": USER, "attributes": [
            {"name": "userName", "type": "string", "required": true, "mutability": "readWrite"},
            {"name": "active", "type": "boolean", "required": false, "mutability": "readWrite"},
        ]},
        {"id": NOTIFY, "attributes": [
            {"name": "sendInvitation", "type": "boolean", "required": false, "mutability": "writeOnly"},
            {"name": "archived", "type": "boolean", "required": false, "mutability": "readWrite"},
        ]},
    ]));
    let reply = |body: Value| {
        json!({"method": "GET", "response": {"status": 200,
            "headers": {"content-type": "application/scim+json"}, "body": body}})
    };
    let mut rt = reply(resource_types);
    rt["url"] = json!("/ResourceTypes");
    let mut sc = reply(schemas);
    sc["url"] = json!("/Schemas");
    serde_json::from_value(json!([rt, sc])).expect("interactions")
}

#[tokio::test]
async fn an_advertised_invitation_switch_is_sent_as_false() {
    let target = Target::new(BASE, Credential::Bearer(Secret::new("t")), Idp::Entra).unwrap();
    let transport = ReplayTransport::new(BASE, Some("Bearer t".into()), discovery(), None);
    let probe = Probe::new(Arc::new(transport), target, Redactor::new());

    let schema = TargetSchema::load(&probe).await;
    assert!(schema.readable, "the recorded /Schemas is readable");
    assert_eq!(
        schema.notifications,
        [(NOTIFY.to_string(), "sendInvitation".to_string())],
        "only the mail switch is a notification"
    );

    let create =
        json!({"schemas": [USER], "userName": "preflight-test-1@example.invalid", "active": true});
    let sent = schema.quiet(&create);
    assert_eq!(sent[NOTIFY]["sendInvitation"], Value::Bool(false), "{sent}");
    assert!(sent[NOTIFY].get("archived").is_none(), "{sent}");
    let listed: Vec<&str> = sent["schemas"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(listed, [USER, NOTIFY]);
    assert!(sent.get("password").is_none(), "no password is ever sent");
}

#[tokio::test]
async fn without_the_extension_the_create_is_unchanged() {
    let target = Target::new(BASE, Credential::Bearer(Secret::new("t")), Idp::Entra).unwrap();
    let transport = ReplayTransport::new(BASE, Some("Bearer t".into()), Vec::new(), None);
    let probe = Probe::new(Arc::new(transport), target, Redactor::new());
    let schema = TargetSchema::load(&probe).await;
    assert!(schema.notifications.is_empty());
    let create = json!({"schemas": [USER], "userName": "u"});
    assert_eq!(schema.quiet(&create), create);
}
