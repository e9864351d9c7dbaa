//! One test (at least) per quirk, asserting the behaviour it changes.

mod common;

use std::time::{Duration, Instant};

use common::*;
use preflight_testbed::{Quirk, Quirks, seed_group_id, seed_user_id};
use reqwest::Method;
use serde_json::{Value, json};

fn total(v: &Value) -> u64 {
    v["totalResults"].as_u64().unwrap()
}

// ---------- read side ----------

#[tokio::test]
async fn discovery_requires_auth() {
    let tb = start_quirks("discovery-requires-auth").await;
    let url = format!("{}/ServiceProviderConfig", tb.base_url());
    let r = get_anon(&url).await;
    r.assert_scim_error(401, None);
    assert!(r.header("www-authenticate").is_some());
    assert_eq!(get(&url).await.status, 200);
    assert_eq!(
        get_anon(&format!("{}/Schemas", tb.base_url())).await.status,
        401
    );
}

#[tokio::test]
async fn no_www_authenticate() {
    let tb = start_quirks("no-www-authenticate").await;
    let r = get_anon(&users_url(&tb)).await;
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").is_none());
    let r = send(Method::GET, &users_url(&tb), Some("wrong"), None).await;
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").is_none());
}

#[tokio::test]
async fn auth_off() {
    let tb = start_quirks("auth-off").await;
    assert_eq!(get_anon(&users_url(&tb)).await.status, 200);
    assert_eq!(
        send(Method::GET, &users_url(&tb), Some("garbage"), None)
            .await
            .status,
        200
    );
    let r = send(
        Method::POST,
        &users_url(&tb),
        None,
        Some(&new_user("anon@example.com")),
    )
    .await;
    assert_eq!(r.status, 201);
}

#[tokio::test]
async fn filter_ignored() {
    let tb = start_quirks("filter-ignored").await;
    let url = format!(
        "{}?filter={}",
        users_url(&tb),
        enc("userName eq \"nobody@example.com\"")
    );
    let v = get(&url).await.json();
    assert_eq!(total(&v), 3);
}

#[tokio::test]
async fn filter_unsupported() {
    let tb = start_quirks("filter-unsupported").await;
    let url = format!(
        "{}?filter={}",
        users_url(&tb),
        enc("userName eq \"alice@example.com\"")
    );
    get(&url)
        .await
        .assert_scim_error(400, Some("invalidFilter"));
    assert_eq!(get(&users_url(&tb)).await.status, 200);
    let spc = get(&format!("{}/ServiceProviderConfig", tb.base_url()))
        .await
        .json();
    assert_eq!(spc["filter"]["supported"], false);
}

#[tokio::test]
async fn invalid_filter_accepted() {
    let tb = start_quirks("invalid-filter-accepted").await;
    let bad = format!("{}?filter={}", users_url(&tb), enc("userName zz \"x\""));
    let r = get(&bad).await;
    assert_eq!(r.status, 200);
    assert_eq!(total(&r.json()), 3);
    let good = format!(
        "{}?filter={}",
        users_url(&tb),
        enc("userName eq \"bob@example.com\"")
    );
    assert_eq!(
        total(&get(&good).await.json()),
        1,
        "valid filters still work"
    );
    let schemas = get(&format!(
        "{}/Schemas?filter={}",
        tb.base_url(),
        enc("id pr")
    ))
    .await;
    assert_eq!(schemas.status, 200);
}

#[tokio::test]
async fn json_content_type() {
    let tb = start_quirks("json-content-type").await;
    assert_eq!(
        get(&users_url(&tb)).await.content_type(),
        "application/json"
    );
    assert_eq!(
        get_anon(&users_url(&tb)).await.content_type(),
        "application/json"
    );
    let spc = get_anon(&format!("{}/ServiceProviderConfig", tb.base_url())).await;
    assert_eq!(spc.content_type(), "application/json");
}

#[tokio::test]
async fn html_login_page() {
    let tb = start_quirks("html-login-page").await;
    for url in [
        users_url(&tb),
        format!("{}/ServiceProviderConfig", tb.base_url()),
    ] {
        let r = get_anon(&url).await;
        assert_eq!(r.status, 200);
        assert!(r.content_type().starts_with("text/html"));
        assert!(r.text.contains("<form"));
    }
}

#[tokio::test]
async fn other_json() {
    let tb = start_quirks("other-json").await;
    let r = get(&users_url(&tb)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), "application/json");
    assert_eq!(
        r.json(),
        json!({"status": "ok", "service": "some-other-api"})
    );
}

#[tokio::test]
async fn redirect() {
    let tb = start_quirks("redirect").await;
    let r = get(&format!("{}?count=1", users_url(&tb))).await;
    assert_eq!(r.status, 302);
    let port = tb.local_addr().port();
    assert_eq!(
        r.header("location"),
        Some(format!("http://127.0.0.2:{port}/scim/v2/Users?count=1").as_str())
    );
}

#[tokio::test]
async fn slow() {
    let tb = start_quirks("slow=150").await;
    let t = Instant::now();
    assert_eq!(get(&users_url(&tb)).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    assert_eq!(Quirks::parse("slow").unwrap().slow_ms(), Some(1500));
}

#[tokio::test]
async fn status_500_on_count() {
    let tb = start_quirks("status-500-on-count").await;
    get(&format!("{}?startIndex=1&count=2", users_url(&tb)))
        .await
        .assert_scim_error(500, None);
    assert_eq!(
        get(&format!("{}?startIndex=1", users_url(&tb)))
            .await
            .status,
        200
    );
    assert_eq!(
        get(&format!("{}?count=1", groups_url(&tb))).await.status,
        500
    );
}

#[tokio::test]
async fn rate_limit_every_other_request() {
    let tb = start_quirks("rate-limit").await;
    let first = get(&users_url(&tb)).await;
    first.assert_scim_error(429, None);
    assert_eq!(first.header("retry-after"), Some("1"));
    assert_eq!(get(&users_url(&tb)).await.status, 200);
    assert_eq!(get(&users_url(&tb)).await.status, 429);
    assert_eq!(get(&users_url(&tb)).await.status, 200);
}

#[tokio::test]
async fn rate_limit_first_n_and_without_retry_after() {
    let tb = start_quirks("rate-limit-no-retry-after=2").await;
    for _ in 0..2 {
        let r = get(&users_url(&tb)).await;
        assert_eq!(r.status, 429);
        assert!(r.header("retry-after").is_none());
    }
    assert_eq!(get(&users_url(&tb)).await.status, 200);
    assert_eq!(get(&users_url(&tb)).await.status, 200);
    // setting quirks restarts the count
    tb.set_quirks(Quirks::parse("rate-limit=1").unwrap());
    assert_eq!(get(&users_url(&tb)).await.status, 429);
    assert_eq!(get(&users_url(&tb)).await.status, 200);
}

#[tokio::test]
async fn not_found_200() {
    let tb = start_quirks("not-found-200").await;
    let r = get(&format!(
        "{}/00000000-0000-4000-8000-000000000000",
        users_url(&tb)
    ))
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({}));
    assert_eq!(
        get(&format!("{}/Nope", tb.base_url())).await.status,
        404,
        "unknown endpoints still 404"
    );
}

#[tokio::test]
async fn not_found_plain() {
    let tb = start_quirks("not-found-plain").await;
    let r = get(&format!(
        "{}/00000000-0000-4000-8000-000000000000",
        users_url(&tb)
    ))
    .await;
    assert_eq!(r.status, 404);
    assert!(r.content_type().starts_with("text/plain"));
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
}

#[tokio::test]
async fn error_status_int() {
    let tb = start_quirks("error-status-int").await;
    let r = get(&format!(
        "{}/00000000-0000-4000-8000-000000000000",
        users_url(&tb)
    ))
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["status"], json!(404));
    assert_eq!(get_anon(&users_url(&tb)).await.json()["status"], json!(401));
}

#[tokio::test]
async fn list_shape_broken() {
    let tb = start_quirks("list-shape-broken").await;
    let v = get(&users_url(&tb)).await.json();
    assert!(v.get("schemas").is_none());
    assert!(v.get("Resources").is_none());
    assert_eq!(v["resources"].as_array().unwrap().len(), 3);
    assert_eq!(v["totalResults"], json!("3"));
}

#[tokio::test]
async fn paging_ignored() {
    let tb = start_quirks("paging-ignored").await;
    let v = get(&format!("{}?startIndex=2&count=1", users_url(&tb)))
        .await
        .json();
    assert_eq!(v["Resources"].as_array().unwrap().len(), 3);
    assert_eq!(v["itemsPerPage"], 3);
    assert_eq!(v["startIndex"], 1);
}

#[tokio::test]
async fn wrong_host_location() {
    let tb = start_quirks("wrong-host-location").await;
    let r = post(&users_url(&tb), &new_user("wrong@example.com")).await;
    assert_eq!(r.status, 201);
    let loc = r.header("location").unwrap().to_string();
    assert!(
        loc.starts_with("https://other-tenant.example.invalid/scim/v2/Users/"),
        "{loc}"
    );
    assert_eq!(r.json()["meta"]["location"], loc.as_str());
    let v = get(&format!("{}/{}", users_url(&tb), seed_user_id(0)))
        .await
        .json();
    assert!(
        v["meta"]["location"]
            .as_str()
            .unwrap()
            .starts_with("https://other-tenant.example.invalid/")
    );
}

#[tokio::test]
async fn scope_read_only() {
    let tb = start_quirks("scope-read-only").await;
    assert_eq!(get(&users_url(&tb)).await.status, 200);
    let r = post(&users_url(&tb), &new_user("ro@example.com")).await;
    r.assert_scim_error(403, None);
    let h = r.header("www-authenticate").unwrap();
    assert!(
        h.contains("error=\"insufficient_scope\"") && h.contains("scope=\"scim.write\""),
        "{h}"
    );
}

#[tokio::test]
async fn always_403() {
    let tb = start_quirks("always-403").await;
    let r = get(&users_url(&tb)).await;
    r.assert_scim_error(403, None);
    let h = r.header("www-authenticate").unwrap();
    assert!(
        h.contains("error=\"insufficient_scope\"") && h.contains("scope=\"scim.read\""),
        "{h}"
    );
    assert_eq!(get(&groups_url(&tb)).await.status, 403);
    assert_eq!(
        get_anon(&users_url(&tb)).await.status,
        401,
        "no token is still 401"
    );
    assert_eq!(
        get(&format!("{}/ServiceProviderConfig", tb.base_url()))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn token_expired_message() {
    let tb = start_quirks("token-expired-message").await;
    let r = get(&users_url(&tb)).await;
    r.assert_scim_error(401, None);
    let h = r.header("www-authenticate").unwrap();
    assert!(
        h.contains("error=\"invalid_token\"") && h.contains("error_description=\"token expired\""),
        "{h}"
    );
    let fresh = tb.mint_jwt(&["scim.read"], 3600);
    assert_eq!(
        send(Method::GET, &users_url(&tb), Some(&fresh), None)
            .await
            .status,
        401
    );
}

// ---------- write side ----------

#[tokio::test]
async fn patch_op_case_sensitive() {
    let tb = start_quirks("patch-op-case-sensitive").await;
    let url = format!("{}/{}", users_url(&tb), seed_user_id(0));
    patch(
        &url,
        json!([{"op": "Replace", "path": "active", "value": false}]),
    )
    .await
    .assert_scim_error(400, Some("invalidSyntax"));
    let r = patch(
        &url,
        json!([{"op": "replace", "path": "active", "value": false}]),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn patch_bool_strict() {
    let tb = start_quirks("patch-bool-strict").await;
    let url = format!("{}/{}", users_url(&tb), seed_user_id(0));
    patch(
        &url,
        json!([{"op": "replace", "path": "active", "value": "False"}]),
    )
    .await
    .assert_scim_error(400, Some("invalidValue"));
    assert_eq!(
        patch(
            &url,
            json!([{"op": "replace", "path": "active", "value": false}])
        )
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn patch_pathless_rejected() {
    let tb = start_quirks("patch-pathless-rejected").await;
    let url = format!("{}/{}", users_url(&tb), seed_user_id(0));
    patch(&url, json!([{"op": "replace", "value": {"active": false}}]))
        .await
        .assert_scim_error(400, Some("invalidPath"));
    assert_eq!(
        patch(
            &url,
            json!([{"op": "replace", "path": "active", "value": false}])
        )
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn uniqueness_not_enforced() {
    let tb = start_quirks("uniqueness-not-enforced").await;
    let r = post(&users_url(&tb), &new_user("alice@example.com")).await;
    assert_eq!(r.status, 201);
    let v = get(&format!(
        "{}?filter={}",
        users_url(&tb),
        enc("userName eq \"alice@example.com\"")
    ))
    .await
    .json();
    assert_eq!(total(&v), 2);
}

#[tokio::test]
async fn strict_attributes() {
    let tb = start_quirks("strict-attributes").await;
    let mut body = new_user("strict@example.com");
    assert_eq!(post(&users_url(&tb), &body).await.status, 201);
    for (attr, value) in [
        ("roles", json!([])),
        ("preferredLanguage", json!("en")),
        (ENT, json!({"employeeNumber": "1"})),
    ] {
        body = new_user(&format!("strict-{}@example.com", attr.len()));
        body[attr] = value;
        let r = post(&users_url(&tb), &body).await;
        r.assert_scim_error(400, Some("invalidValue"));
        assert!(
            r.json()["detail"]
                .as_str()
                .unwrap()
                .contains("not supported"),
            "{}",
            r.text
        );
    }
    let url = format!("{}/{}", users_url(&tb), seed_user_id(0));
    patch(
        &url,
        json!([{"op": "add", "path": "locale", "value": "en-US"}]),
    )
    .await
    .assert_scim_error(400, Some("invalidValue"));
    // /Schemas and /ResourceTypes agree with what is accepted
    let rt = get_anon(&format!("{}/ResourceTypes/User", tb.base_url()))
        .await
        .json();
    assert_eq!(rt["schemaExtensions"], json!([]));
    let schemas = get_anon(&format!("{}/Schemas", tb.base_url())).await.json();
    assert_eq!(schemas["totalResults"], 2);
    let user = &schemas["Resources"][0]["attributes"];
    assert!(
        !user
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "roles")
    );
}

#[tokio::test]
async fn require_attribute() {
    let tb = start_quirks("require-attribute=name.givenName,require-attribute=externalId").await;
    let r = post(
        &users_url(&tb),
        &json!({"userName": "req@example.com", "externalId": "x"}),
    )
    .await;
    r.assert_scim_error(400, Some("invalidValue"));
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("name.givenName")
    );
    let r = post(
        &users_url(&tb),
        &json!({"userName": "req@example.com", "name": {"givenName": "R"}}),
    )
    .await;
    r.assert_scim_error(400, Some("invalidValue"));
    assert_eq!(
        post(&users_url(&tb), &new_user("req@example.com"))
            .await
            .status,
        201
    );
    let schemas = get_anon(&format!(
        "{}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
        tb.base_url()
    ))
    .await
    .json();
    let ext = schemas["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "externalId")
        .unwrap()
        .clone();
    assert_eq!(ext["required"], true);
}

#[tokio::test]
async fn created_200() {
    let tb = start_quirks("created-200").await;
    let r = post(&users_url(&tb), &new_user("c200@example.com")).await;
    assert_eq!(r.status, 200);
    assert!(r.header("location").is_none());
    assert!(r.json()["id"].is_string());
}

#[tokio::test]
async fn put_unsupported() {
    let tb = start_quirks("put-unsupported").await;
    let url = format!("{}/{}", users_url(&tb), seed_user_id(0));
    put(&url, &new_user("alice@example.com"))
        .await
        .assert_scim_error(501, None);
}

#[tokio::test]
async fn delete_soft() {
    let tb = start_quirks("delete-soft").await;
    let id = create_user(&tb, "soft@example.com").await;
    let url = format!("{}/{id}", users_url(&tb));
    assert_eq!(delete(&url).await.status, 204);
    assert_eq!(get(&url).await.status, 200);
    post(&users_url(&tb), &new_user("soft@example.com"))
        .await
        .assert_scim_error(409, Some("uniqueness"));
}

#[tokio::test]
async fn members_patch_ignored() {
    let tb = start_quirks("members-patch-ignored").await;
    let gurl = format!("{}/{}", groups_url(&tb), seed_group_id(0));
    let r = patch(
        &gurl,
        json!([{"op": "add", "path": "members", "value": [{"value": seed_user_id(2)}]}]),
    )
    .await;
    assert_eq!(r.status, 204);
    let r = patch(
        &gurl,
        json!([{"op": "Remove", "path": "members", "value": [{"value": seed_user_id(0)}]}]),
    )
    .await;
    assert_eq!(r.status, 204);
    let g = get(&gurl).await.json();
    let ids: Vec<&str> = g["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![seed_user_id(0), seed_user_id(1)]);
    // other attributes still change
    patch(
        &gurl,
        json!([{"op": "replace", "path": "displayName", "value": "Eng"}]),
    )
    .await;
    assert_eq!(get(&gurl).await.json()["displayName"], "Eng");
}

#[tokio::test]
async fn deactivate_ignored() {
    let tb = start_quirks("deactivate-ignored").await;
    let url = format!("{}/{}", users_url(&tb), seed_user_id(0));
    let r = patch(
        &url,
        json!([{"op": "replace", "path": "active", "value": false}]),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["active"], false, "the response claims success");
    assert_eq!(
        get(&url).await.json()["active"],
        true,
        "but read-back still shows true"
    );
    let mut body = new_user("alice@example.com");
    body["active"] = json!(false);
    assert_eq!(put(&url, &body).await.status, 200);
    assert_eq!(get(&url).await.json()["active"], true);
}

// ---------- switching ----------

#[tokio::test]
async fn set_quirks_takes_effect_on_next_request() {
    let tb = start().await;
    assert_eq!(get_anon(&users_url(&tb)).await.status, 401);
    tb.set_quirks(Quirks::none().with(Quirk::AuthOff));
    assert_eq!(tb.quirks().to_string(), "auth-off");
    assert_eq!(get_anon(&users_url(&tb)).await.status, 200);
    tb.set_quirks(Quirks::none());
    assert_eq!(get_anon(&users_url(&tb)).await.status, 401);
}

#[tokio::test]
async fn members_remove_by_filter_only() {
    let tb = start_quirks("members-remove-by-filter-only").await;
    let gurl = format!("{}/{}", groups_url(&tb), seed_group_id(0));
    // Entra's default remove shape is refused with 400 invalidValue…
    let r = patch(
        &gurl,
        json!([{"op": "Remove", "path": "members", "value": [{"value": seed_user_id(0)}]}]),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["scimType"], "invalidValue");
    // …while the value-filter path removes the member.
    let filter_path = format!("members[value eq \"{}\"]", seed_user_id(0));
    let r = patch(&gurl, json!([{"op": "remove", "path": filter_path}])).await;
    assert_eq!(r.status, 204);
    let g = get(&gurl).await.json();
    let ids: Vec<&str> = g["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![seed_user_id(1)]);
}
