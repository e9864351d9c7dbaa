//! The testbed without quirks, over real HTTP: it must behave as a conforming SCIM 2.0
//! service provider (RFC 7643/7644) and OAuth client-credentials server (RFC 6749 §4.4).

mod common;

use common::*;
use preflight_testbed::{
    OAuthClient, StaticToken, Testbed, TestbedConfig, seed_group_id, seed_user_id,
};
use reqwest::Method;
use serde_json::{Value, json};

// ---------- authentication ----------

#[tokio::test]
async fn missing_token_is_401_with_plain_bearer_challenge() {
    let tb = start().await;
    let r = get_anon(&users_url(&tb)).await;
    r.assert_scim_error(401, None);
    assert_eq!(
        r.header("www-authenticate"),
        Some("Bearer realm=\"preflight-testbed\"")
    );
}

#[tokio::test]
async fn wrong_token_is_401_invalid_token() {
    let tb = start().await;
    let r = send(Method::GET, &users_url(&tb), Some("nope"), None).await;
    r.assert_scim_error(401, None);
    let h = r.header("www-authenticate").unwrap();
    assert!(h.starts_with("Bearer realm=\"preflight-testbed\""), "{h}");
    assert!(h.contains("error=\"invalid_token\""), "{h}");
    assert!(h.contains("error_description=\""), "{h}");
}

#[tokio::test]
async fn other_auth_scheme_is_401_without_error_code() {
    let tb = start().await;
    let req = client()
        .get(users_url(&tb))
        .header("authorization", "Basic ZGVtbzpkZW1v");
    let r = finish(req).await;
    r.assert_scim_error(401, None);
    assert_eq!(
        r.header("www-authenticate"),
        Some("Bearer realm=\"preflight-testbed\"")
    );
}

#[tokio::test]
async fn jwt_valid_and_expired() {
    let tb = start().await;
    let good = tb.mint_jwt(&["scim.read", "scim.write"], 300);
    let r = send(Method::GET, &users_url(&tb), Some(&good), None).await;
    assert_eq!(r.status, 200);

    let expired = tb.mint_jwt(&["scim.read"], -10);
    let r = send(Method::GET, &users_url(&tb), Some(&expired), None).await;
    r.assert_scim_error(401, None);
    let h = r.header("www-authenticate").unwrap();
    assert!(h.contains("error=\"invalid_token\""), "{h}");
    assert!(
        h.contains("error_description=\"The access token expired\""),
        "{h}"
    );

    // signed by someone else
    let other = Testbed::start(TestbedConfig {
        jwt_secret: b"another-key".to_vec(),
        ..TestbedConfig::default()
    })
    .await
    .unwrap();
    let foreign = other.mint_jwt(&["scim.read"], 300);
    let r = send(Method::GET, &users_url(&tb), Some(&foreign), None).await;
    assert_eq!(r.status, 401);
    other.shutdown().await;
    tb.shutdown().await;
}

#[tokio::test]
async fn insufficient_scope_is_403() {
    let tb = start_with(TestbedConfig {
        tokens: vec![StaticToken {
            value: "reader".into(),
            scopes: vec!["scim.read".into()],
        }],
        ..TestbedConfig::default()
    })
    .await;
    let r = send(Method::GET, &users_url(&tb), Some("reader"), None).await;
    assert_eq!(r.status, 200);
    let r = send(
        Method::POST,
        &users_url(&tb),
        Some("reader"),
        Some(&new_user("x@example.com")),
    )
    .await;
    r.assert_scim_error(403, None);
    let h = r.header("www-authenticate").unwrap();
    assert!(h.contains("error=\"insufficient_scope\""), "{h}");
    assert!(h.contains("scope=\"scim.write\""), "{h}");
    for method in [Method::DELETE, Method::PUT, Method::PATCH] {
        let url = format!("{}/{}", users_url(&tb), seed_user_id(0));
        let r = send(method, &url, Some("reader"), Some(&json!({}))).await;
        assert_eq!(r.status, 403);
    }

    let writer_only = tb.mint_jwt(&["scim.write"], 300);
    let r = send(Method::GET, &users_url(&tb), Some(&writer_only), None).await;
    r.assert_scim_error(403, None);
    assert!(
        r.header("www-authenticate")
            .unwrap()
            .contains("scope=\"scim.read\"")
    );
}

#[tokio::test]
async fn request_log_shows_what_was_sent() {
    let tb = start().await;
    get(&format!("{}?count=1", users_url(&tb))).await;
    get_anon(&users_url(&tb)).await;
    let log = tb.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/scim/v2/Users?count=1");
    assert_eq!(log[0].header("Authorization"), Some("Bearer demo-token"));
    assert_eq!(log[1].header("authorization"), None);
    tb.clear_request_log();
    assert!(tb.request_log().is_empty());
}

// ---------- discovery ----------

#[tokio::test]
async fn discovery_readable_without_and_with_auth() {
    let tb = start().await;
    for path in ["ServiceProviderConfig", "ResourceTypes", "Schemas"] {
        let url = format!("{}/{path}", tb.base_url());
        let anon = get_anon(&url).await;
        assert_eq!(anon.status, 200, "{path}");
        assert_eq!(anon.content_type(), "application/scim+json");
        let authed = get(&url).await;
        assert_eq!(authed.status, 200, "{path}");
    }
}

#[tokio::test]
async fn service_provider_config_is_complete() {
    let tb = start().await;
    let spc = get_anon(&format!("{}/ServiceProviderConfig", tb.base_url()))
        .await
        .json();
    assert_eq!(
        spc["schemas"][0],
        "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
    );
    assert_eq!(spc["patch"]["supported"], true);
    assert_eq!(
        spc["bulk"],
        json!({"supported": false, "maxOperations": 0, "maxPayloadSize": 0})
    );
    assert_eq!(spc["filter"], json!({"supported": true, "maxResults": 200}));
    for f in ["changePassword", "sort", "etag"] {
        assert_eq!(spc[f]["supported"], false, "{f}");
    }
    let scheme = &spc["authenticationSchemes"][0];
    assert_eq!(scheme["type"], "oauthbearertoken");
    assert!(scheme["name"].is_string() && scheme["description"].is_string());
    assert_eq!(spc["meta"]["resourceType"], "ServiceProviderConfig");
    assert_eq!(
        spc["meta"]["location"],
        format!("{}/ServiceProviderConfig", tb.base_url())
    );
}

#[tokio::test]
async fn resource_types_and_schemas_agree() {
    let tb = start().await;
    let rts = get_anon(&format!("{}/ResourceTypes", tb.base_url()))
        .await
        .json();
    assert_eq!(rts["schemas"][0], LIST);
    assert_eq!(rts["totalResults"], 2);
    let user_rt = get_anon(&format!("{}/ResourceTypes/User", tb.base_url()))
        .await
        .json();
    assert_eq!(user_rt["endpoint"], "/Users");
    assert_eq!(
        user_rt["schema"],
        "urn:ietf:params:scim:schemas:core:2.0:User"
    );
    assert_eq!(
        user_rt["schemaExtensions"],
        json!([{"schema": ENT, "required": false}])
    );
    assert_eq!(user_rt["meta"]["resourceType"], "ResourceType");

    let schemas = get_anon(&format!("{}/Schemas", tb.base_url())).await.json();
    assert_eq!(schemas["totalResults"], 3);
    let ids: Vec<&str> = schemas["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    for rt in rts["Resources"].as_array().unwrap() {
        assert!(ids.contains(&rt["schema"].as_str().unwrap()));
        for ext in rt["schemaExtensions"].as_array().unwrap() {
            assert!(ids.contains(&ext["schema"].as_str().unwrap()));
        }
    }

    let user = get_anon(&format!(
        "{}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
        tb.base_url()
    ))
    .await;
    assert_eq!(user.status, 200);
    let user = user.json();
    let attr = |name: &str| {
        user["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    let un = attr("userName");
    assert_eq!(
        (
            un["required"].clone(),
            un["uniqueness"].clone(),
            un["caseExact"].clone()
        ),
        (json!(true), json!("server"), json!(false))
    );
    let pw = attr("password");
    assert_eq!(
        (pw["mutability"].clone(), pw["returned"].clone()),
        (json!("writeOnly"), json!("never"))
    );
    assert_eq!(attr("groups")["mutability"], "readOnly");
    for name in [
        "name",
        "displayName",
        "active",
        "emails",
        "phoneNumbers",
        "addresses",
        "title",
        "externalId",
        "roles",
        "preferredLanguage",
        "locale",
    ] {
        attr(name);
    }
    assert_eq!(attr("emails")["multiValued"], true);
    assert!(
        attr("name")["subAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "givenName")
    );

    let ent = get_anon(&format!("{}/Schemas/{}", tb.base_url(), enc(ENT))).await;
    assert_eq!(ent.status, 200);
    assert_eq!(ent.json()["id"], ENT);
    let missing = get_anon(&format!("{}/Schemas/urn:nope", tb.base_url())).await;
    missing.assert_scim_error(404, None);
}

#[tokio::test]
async fn discovery_filter_is_403_and_writes_are_405() {
    let tb = start().await;
    let r = get(&format!(
        "{}/Schemas?filter={}",
        tb.base_url(),
        enc("id eq \"x\"")
    ))
    .await;
    r.assert_scim_error(403, None);
    let r = send(
        Method::POST,
        &format!("{}/ServiceProviderConfig", tb.base_url()),
        Some(TOKEN),
        Some(&json!({})),
    )
    .await;
    r.assert_scim_error(405, None);
    assert!(r.header("allow").is_some());
}

// ---------- media types and routing ----------

#[tokio::test]
async fn accept_json_and_json_bodies_are_honoured() {
    let tb = start().await;
    let req = client()
        .get(users_url(&tb))
        .header("authorization", "Bearer demo-token")
        .header("accept", "application/json");
    let r = finish(req).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), "application/scim+json");

    let req = client()
        .post(users_url(&tb))
        .header("authorization", "Bearer demo-token")
        .header("content-type", "application/json; charset=utf-8")
        .body(new_user("json@example.com").to_string());
    assert_eq!(finish(req).await.status, 201);

    let req = client()
        .post(users_url(&tb))
        .header("authorization", "Bearer demo-token")
        .header("content-type", "text/plain")
        .body(new_user("text@example.com").to_string());
    finish(req).await.assert_scim_error(415, None);
}

#[tokio::test]
async fn unknown_paths_are_404_json() {
    let tb = start().await;
    get(&format!("{}/Nope", tb.base_url()))
        .await
        .assert_scim_error(404, None);
    get(&format!("{}/Users/a/b", tb.base_url()))
        .await
        .assert_scim_error(404, None);
    let outside = get_anon(&format!("{}/scim/ServiceProviderConfig", tb.origin())).await;
    assert_eq!(outside.status, 404);
    assert_eq!(outside.json()["status"], "404");
    get(&format!("{}/Bulk", tb.base_url()))
        .await
        .assert_scim_error(405, None);
    let bulk = post(&format!("{}/Bulk", tb.base_url()), &json!({})).await;
    bulk.assert_scim_error(501, None);
}

#[tokio::test]
async fn oversized_body_is_413() {
    let tb = start().await;
    let big = json!({"userName": "big@example.com", "displayName": "x".repeat(1024 * 1024 + 10)});
    let r = post(&users_url(&tb), &big).await;
    assert_eq!(r.status, 413);
}

// ---------- list, filter, paging ----------

fn total(v: &Value) -> u64 {
    v["totalResults"].as_u64().unwrap()
}

fn resources(v: &Value) -> Vec<Value> {
    v["Resources"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn list_response_shape_and_stable_order() {
    let tb = start().await;
    let r = get(&format!("{}?startIndex=1&count=2", users_url(&tb))).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["schemas"], json!([LIST]));
    assert_eq!(total(&v), 3);
    assert_eq!(v["itemsPerPage"], 2);
    assert_eq!(v["startIndex"], 1);
    let names: Vec<Value> = resources(&v)
        .iter()
        .map(|u| u["userName"].clone())
        .collect();
    assert_eq!(
        names,
        vec![json!("alice@example.com"), json!("bob@example.com")]
    );
    for u in resources(&v) {
        assert!(u.get("password").is_none());
        assert_eq!(u["meta"]["resourceType"], "User");
    }
}

#[tokio::test]
async fn paging_edge_cases() {
    let tb = start_with(TestbedConfig {
        seed_users: 205,
        ..TestbedConfig::default()
    })
    .await;
    let page = |q: &'static str| {
        let url = format!("{}?{q}", users_url(&tb));
        async move { get(&url).await }
    };
    let v = page("startIndex=0&count=1").await.json();
    assert_eq!(v["startIndex"], 1);
    assert_eq!(resources(&v)[0]["userName"], "alice@example.com");
    let v = page("startIndex=-5&count=1").await.json();
    assert_eq!(v["startIndex"], 1);
    let v = page("count=0").await.json();
    assert_eq!(total(&v), 205);
    assert!(resources(&v).is_empty());
    let v = page("count=-3").await.json();
    assert_eq!(total(&v), 205);
    assert!(resources(&v).is_empty());
    let v = page("count=201").await.json();
    assert_eq!(resources(&v).len(), 200);
    assert_eq!(v["itemsPerPage"], 200);
    let v = page("").await.json();
    assert_eq!(resources(&v).len(), 200, "default page is maxResults");
    let v = page("startIndex=204&count=10").await.json();
    assert_eq!(resources(&v).len(), 2);
    assert_eq!(v["startIndex"], 204);
    let v = page("startIndex=999").await.json();
    assert!(resources(&v).is_empty());
    assert_eq!(total(&v), 205);
    page("count=abc")
        .await
        .assert_scim_error(400, Some("invalidValue"));
}

#[tokio::test]
async fn filters() {
    let tb = start().await;
    let find = |f: &str| {
        let url = format!("{}?filter={}", users_url(&tb), enc(f));
        async move { get(&url).await }
    };
    let v = find("userName eq \"alice@example.com\"").await.json();
    assert_eq!(total(&v), 1);
    let v = find("USERNAME EQ \"ALICE@EXAMPLE.COM\"").await.json();
    assert_eq!(
        total(&v),
        1,
        "attribute, operator and value are case-insensitive"
    );
    let v = find("externalId eq \"ext-bob\"").await.json();
    assert_eq!(resources(&v)[0]["userName"], "bob@example.com");
    let v = find("externalId eq \"EXT-BOB\"").await.json();
    assert_eq!(total(&v), 0, "externalId is caseExact");
    let v = find("userName eq \"7d420df3-unknown\"").await.json();
    assert_eq!(total(&v), 0);
    assert_eq!(v["schemas"], json!([LIST]));
    let v = find("emails[type eq \"work\" and value co \"bob\"]")
        .await
        .json();
    assert_eq!(total(&v), 1);
    let v = find("name.givenName sw \"a\" or name.givenName sw \"c\"")
        .await
        .json();
    assert_eq!(total(&v), 2);
    let v = find("not (userName eq \"alice@example.com\") and active eq true")
        .await
        .json();
    assert_eq!(total(&v), 2);
    let v = find("meta.created pr and groups.display eq \"Engineering\"")
        .await
        .json();
    assert_eq!(total(&v), 2);
    let v = find("title pr").await.json();
    assert_eq!(total(&v), 0);
    // Entra sends `+` for spaces
    let r = get(&format!(
        "{}?filter=userName+eq+%22bob%40example.com%22",
        users_url(&tb)
    ))
    .await;
    assert_eq!(total(&r.json()), 1);

    for bad in [
        "userName zz \"x\"",
        "userName eq",
        "userName eq alice@example.com",
        "(userName eq \"a\"",
        "nosuchattr eq \"x\"",
        "active gt true",
        "name eq \"x\"",
        "password eq \"x\"",
    ] {
        find(bad)
            .await
            .assert_scim_error(400, Some("invalidFilter"));
    }
}

#[tokio::test]
async fn attributes_and_excluded_attributes() {
    let tb = start().await;
    let url = format!(
        "{}/{}?attributes=userName,name.givenName",
        users_url(&tb),
        seed_user_id(0)
    );
    let v = get(&url).await.json();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{v}");
    assert_eq!(v["id"], seed_user_id(0));
    assert_eq!(v["name"], json!({"givenName": "Alice"}));
    let url = format!("{}?excludedAttributes=emails,name,id", users_url(&tb));
    let v = get(&url).await.json();
    for u in resources(&v) {
        assert!(u.get("emails").is_none() && u.get("name").is_none());
        assert!(u["id"].is_string(), "id is returned always");
        assert!(u["userName"].is_string());
    }
}

#[tokio::test]
async fn search_endpoint() {
    let tb = start().await;
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": "userName sw \"b\"", "attributes": ["userName"], "startIndex": 1, "count": 10
    });
    let r = post(&format!("{}/.search", users_url(&tb)), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(total(&v), 1);
    assert!(resources(&v)[0].get("emails").is_none());
}

// ---------- create, read, replace, patch, delete ----------

#[tokio::test]
async fn create_user_conforms() {
    let tb = start().await;
    let mut body = new_user("new@example.com");
    body["id"] = json!("client-chosen");
    body["meta"] = json!({"resourceType": "User", "created": "2001-01-01T00:00:00Z"});
    body["password"] = json!("hunter2");
    body[ENT] = json!({"employeeNumber": "42"});
    let r = post(&users_url(&tb), &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.content_type(), "application/scim+json");
    let v = r.json();
    let id = v["id"].as_str().unwrap();
    assert_ne!(id, "client-chosen");
    assert_eq!(id.len(), 36);
    assert_eq!(v["meta"]["resourceType"], "User");
    assert_eq!(v["meta"]["created"], v["meta"]["lastModified"]);
    assert_ne!(v["meta"]["created"], "2001-01-01T00:00:00Z");
    let location = format!("{}/Users/{id}", tb.base_url());
    assert_eq!(v["meta"]["location"], location);
    assert_eq!(r.header("location"), Some(location.as_str()));
    assert!(v.get("password").is_none());
    assert_eq!(v[ENT]["employeeNumber"], "42");
    assert!(v["schemas"].as_array().unwrap().contains(&json!(ENT)));

    let read = get(&location).await;
    assert_eq!(read.status, 200);
    let rv = read.json();
    assert_eq!(rv["userName"], "new@example.com");
    assert!(rv.get("password").is_none());
}

#[tokio::test]
async fn create_errors() {
    let tb = start().await;
    post(&users_url(&tb), &new_user("ALICE@example.com"))
        .await
        .assert_scim_error(409, Some("uniqueness"));
    post(&users_url(&tb), &json!({"displayName": "no username"}))
        .await
        .assert_scim_error(400, Some("invalidValue"));
    post(&users_url(&tb), &json!({"userName": 5}))
        .await
        .assert_scim_error(400, Some("invalidValue"));
    let req = client()
        .post(users_url(&tb))
        .header("authorization", "Bearer demo-token")
        .header("content-type", "application/scim+json")
        .body("{not json");
    finish(req)
        .await
        .assert_scim_error(400, Some("invalidSyntax"));
}

#[tokio::test]
async fn unknown_id_is_404_scim_error() {
    let tb = start().await;
    let url = format!("{}/2819c223-7f76-453a-919d-413861904646", users_url(&tb));
    get(&url).await.assert_scim_error(404, None);
    put(&url, &new_user("x@example.com"))
        .await
        .assert_scim_error(404, None);
    patch(
        &url,
        json!([{"op": "replace", "path": "active", "value": false}]),
    )
    .await
    .assert_scim_error(404, None);
    delete(&url).await.assert_scim_error(404, None);
}

#[tokio::test]
async fn put_replaces() {
    let tb = start().await;
    let id = create_user(&tb, "put@example.com").await;
    let url = format!("{}/{id}", users_url(&tb));
    let before = get(&url).await.json();
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "bogus-id", "userName": "put@example.com", "displayName": "Replaced", "active": false
    });
    let r = put(&url, &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["displayName"], "Replaced");
    assert_eq!(v["active"], false);
    assert!(v.get("emails").is_none(), "omitted attributes are cleared");
    assert_eq!(v["meta"]["created"], before["meta"]["created"]);
    let again = get(&url).await.json();
    assert_eq!(again["displayName"], "Replaced");
    put(&url, &json!({"userName": "bob@example.com"}))
        .await
        .assert_scim_error(409, Some("uniqueness"));
    put(&url, &json!({"displayName": "x"}))
        .await
        .assert_scim_error(400, Some("invalidValue"));
}

#[tokio::test]
async fn patch_entra_and_rfc_shapes() {
    let tb = start().await;
    let id = create_user(&tb, "patch@example.com").await;
    let url = format!("{}/{id}", users_url(&tb));

    let r = patch(
        &url,
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["active"], false);
    assert_eq!(get(&url).await.json()["active"], false);

    let r = patch(
        &url,
        json!([
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "moved@example.com"},
            {"op": "replace", "value": {
                "displayName": "Bjfe", "name.givenName": "Kkom", "name.familyName": "Unua",
                format!("{ENT}:employeeNumber"): "Aklq", "active": true
            }},
            {"op": "Add", "path": "title", "value": "Engineer"}
        ]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = get(&url).await.json();
    assert_eq!(v["emails"][0]["value"], "moved@example.com");
    assert_eq!(v["displayName"], "Bjfe");
    assert_eq!(v["name"]["givenName"], "Kkom");
    assert_eq!(v["name"]["familyName"], "Unua");
    assert_eq!(v[ENT]["employeeNumber"], "Aklq");
    assert_eq!(v["active"], true);
    assert_eq!(v["title"], "Engineer");

    patch(&url, json!([{"op": "remove", "path": "title"}])).await;
    assert!(get(&url).await.json().get("title").is_none());
}

#[tokio::test]
async fn patch_errors_are_atomic() {
    let tb = start().await;
    let id = create_user(&tb, "atomic@example.com").await;
    let url = format!("{}/{id}", users_url(&tb));
    patch(&url, json!([{"op": "remove"}]))
        .await
        .assert_scim_error(400, Some("noTarget"));
    patch(
        &url,
        json!([{"op": "replace", "path": "emails[type eq \"zz\"].value", "value": "x"}]),
    )
    .await
    .assert_scim_error(400, Some("noTarget"));
    patch(
        &url,
        json!([{"op": "replace", "path": "emails[[", "value": "x"}]),
    )
    .await
    .assert_scim_error(400, Some("invalidPath"));
    patch(
        &url,
        json!([{"op": "add", "path": "groups", "value": [{"value": seed_group_id(0)}]}]),
    )
    .await
    .assert_scim_error(400, Some("mutability"));
    patch(
        &url,
        json!([{"op": "replace", "path": "userName", "value": "bob@example.com"}]),
    )
    .await
    .assert_scim_error(409, Some("uniqueness"));
    // the first op would succeed but the second fails: nothing may change
    let r = patch(
        &url,
        json!([
            {"op": "replace", "path": "displayName", "value": "Changed"},
            {"op": "remove", "path": "emails[type eq \"nope\"]"}
        ]),
    )
    .await;
    r.assert_scim_error(400, Some("noTarget"));
    assert!(get(&url).await.json().get("displayName").is_none());
    let bad_schema = json!({"Operations": [{"op": "add", "path": "title", "value": "x"}]});
    send(Method::PATCH, &url, Some(TOKEN), Some(&bad_schema))
        .await
        .assert_scim_error(400, Some("invalidSyntax"));
}

#[tokio::test]
async fn delete_frees_everything() {
    let tb = start().await;
    let id = create_user(&tb, "gone@example.com").await;
    let url = format!("{}/{id}", users_url(&tb));
    let r = delete(&url).await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    get(&url).await.assert_scim_error(404, None);
    let v = get(&format!(
        "{}?filter={}",
        users_url(&tb),
        enc("userName eq \"gone@example.com\"")
    ))
    .await
    .json();
    assert_eq!(total(&v), 0);
    assert_eq!(
        post(&users_url(&tb), &new_user("gone@example.com"))
            .await
            .status,
        201
    );
    delete(&url).await.assert_scim_error(404, None);
}

// ---------- groups ----------

#[tokio::test]
async fn group_crud_and_members() {
    let tb = start().await;
    let u1 = create_user(&tb, "m1@example.com").await;
    let u2 = create_user(&tb, "m2@example.com").await;

    let r = post(
        &groups_url(&tb),
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
                        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
            "displayName": "Sales", "members": []
        }),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let gid = r.json()["id"].as_str().unwrap().to_string();
    let gurl = format!("{}/{gid}", groups_url(&tb));
    assert_eq!(r.header("location"), Some(gurl.as_str()));

    // Entra default add shape
    let r = patch(&gurl, json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": u1}, {"value": u2}]}])).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let g = get(&gurl).await.json();
    let members = g["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["type"], "User");
    assert_eq!(members[0]["$ref"], format!("{}/Users/{u1}", tb.base_url()));
    assert_eq!(members[0]["display"], "m1@example.com");

    // user's groups attribute is derived
    let u = get(&format!("{}/{u1}", users_url(&tb))).await.json();
    assert_eq!(u["groups"][0]["value"], gid.as_str());
    assert_eq!(u["groups"][0]["display"], "Sales");

    // Entra default remove shape
    let r = patch(
        &gurl,
        json!([{"op": "Remove", "path": "members", "value": [{"value": u1}]}]),
    )
    .await;
    assert_eq!(r.status, 204);
    // RFC filter remove shape
    let r = patch(
        &gurl,
        json!([{"op": "remove", "path": format!("members[value eq \"{u2}\"]")}]),
    )
    .await;
    assert_eq!(r.status, 204);
    assert!(get(&gurl).await.json().get("members").is_none());
    // replace
    patch(
        &gurl,
        json!([{"op": "replace", "path": "members", "value": [{"value": u2}]}]),
    )
    .await;
    assert_eq!(get(&gurl).await.json()["members"][0]["value"], u2.as_str());
    // rename via pathless replace with id (Okta)
    patch(
        &gurl,
        json!([{"op": "replace", "value": {"id": gid, "displayName": "Sales EU"}}]),
    )
    .await;
    assert_eq!(get(&gurl).await.json()["displayName"], "Sales EU");
    // 200 with the resource when attributes were asked for
    let body = json!({"schemas": [PATCH_OP], "Operations": [{"op": "add", "path": "members", "value": [{"value": u1}]}]});
    let r = send(
        Method::PATCH,
        &format!("{gurl}?attributes=members"),
        Some(TOKEN),
        Some(&body),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["members"].as_array().unwrap().len(), 2);

    // excludedAttributes=members (Entra) on list and read
    let list = get(&format!(
        "{}?excludedAttributes=members&filter={}",
        groups_url(&tb),
        enc("displayName eq \"sales eu\"")
    ))
    .await
    .json();
    assert_eq!(total(&list), 1);
    assert!(resources(&list)[0].get("members").is_none());
    assert!(
        get(&format!("{gurl}?excludedAttributes=members"))
            .await
            .json()
            .get("members")
            .is_none()
    );

    // deleting a user drops it from the group
    delete(&format!("{}/{u1}", users_url(&tb))).await;
    assert_eq!(
        get(&gurl).await.json()["members"].as_array().unwrap().len(),
        1
    );

    // errors
    post(&groups_url(&tb), &json!({"displayName": "SALES EU"}))
        .await
        .assert_scim_error(409, Some("uniqueness"));
    post(&groups_url(&tb), &json!({"members": []}))
        .await
        .assert_scim_error(400, Some("invalidValue"));
    patch(
        &gurl,
        json!([{"op": "add", "path": "members", "value": [{"value": "no-such-id"}]}]),
    )
    .await
    .assert_scim_error(400, Some("invalidValue"));
    patch(
        &gurl,
        json!([{"op": "remove", "path": "members[value eq \"no-such-id\"]"}]),
    )
    .await
    .assert_scim_error(400, Some("noTarget"));

    let r = delete(&gurl).await;
    assert_eq!(r.status, 204);
    get(&gurl).await.assert_scim_error(404, None);
    assert!(
        get(&format!("{}/{u2}", users_url(&tb)))
            .await
            .json()
            .get("groups")
            .is_none()
    );
}

#[tokio::test]
async fn seeded_group_has_members() {
    let tb = start().await;
    let g = get(&format!("{}/{}", groups_url(&tb), seed_group_id(0)))
        .await
        .json();
    assert_eq!(g["displayName"], "Engineering");
    assert_eq!(g["members"].as_array().unwrap().len(), 2);
    let put_body = json!({"displayName": "Engineering", "members": [{"value": seed_user_id(2)}]});
    let r = put(
        &format!("{}/{}", groups_url(&tb), seed_group_id(0)),
        &put_body,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["members"][0]["value"], seed_user_id(2));
}

// ---------- OAuth token endpoint ----------

async fn token_request(tb: &Testbed, form: &str, basic: Option<&str>) -> Resp {
    let mut req = client()
        .post(tb.token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string());
    if let Some(b) = basic {
        req = req.header("authorization", format!("Basic {b}"));
    }
    finish(req).await
}

#[tokio::test]
async fn client_credentials_grant() {
    let tb = start().await;
    let r = token_request(
        &tb,
        "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret",
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.content_type().starts_with("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let v = r.json();
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    assert_eq!(v["scope"], "scim.read scim.write");
    assert!(
        v.get("refresh_token").is_none(),
        "client credentials never return a refresh token"
    );
    let token = v["access_token"].as_str().unwrap();
    assert_eq!(
        send(Method::GET, &users_url(&tb), Some(token), None)
            .await
            .status,
        200
    );
    assert_eq!(
        send(
            Method::POST,
            &users_url(&tb),
            Some(token),
            Some(&new_user("tok@example.com"))
        )
        .await
        .status,
        201
    );

    // HTTP Basic client authentication ("demo-client:demo-secret")
    let r = token_request(
        &tb,
        "grant_type=client_credentials&scope=scim.read",
        Some("ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ="),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let read_only = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(r.json()["scope"], "scim.read");
    assert_eq!(
        send(Method::GET, &users_url(&tb), Some(&read_only), None)
            .await
            .status,
        200
    );
    assert_eq!(
        send(
            Method::POST,
            &users_url(&tb),
            Some(&read_only),
            Some(&new_user("ro@example.com"))
        )
        .await
        .status,
        403
    );
}

#[tokio::test]
async fn token_endpoint_errors() {
    let tb = start_with(TestbedConfig {
        oauth_clients: vec![OAuthClient {
            id: "c".into(),
            secret: "s".into(),
            scopes: vec!["scim.read".into()],
        }],
        ..TestbedConfig::default()
    })
    .await;
    let r = token_request(
        &tb,
        "grant_type=client_credentials&client_id=c&client_secret=wrong",
        None,
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    let r = token_request(&tb, "grant_type=client_credentials", Some("YzpiYWQ=")).await;
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").unwrap().starts_with("Basic"));
    let r = token_request(&tb, "grant_type=password&client_id=c&client_secret=s", None).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "unsupported_grant_type");
    let r = token_request(
        &tb,
        "grant_type=client_credentials&client_id=c&client_secret=s&scope=scim.write",
        None,
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_scope");
    let r = token_request(&tb, "client_id=c&client_secret=s", None).await;
    assert_eq!(r.json()["error"], "invalid_request");
    let r = finish(client().get(tb.token_url())).await;
    assert_eq!(r.status, 405);
}
