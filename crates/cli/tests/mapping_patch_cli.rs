//! The `--mapping` overrides on PATCH updates, live against the testbed configured like
//! STACKIT (strict attributes), through the real `preflight` binary: Entra's update PATCH
//! drops the attributes the admin removed and carries the ones they added (when the update
//! changes them) in Entra's own style — `Replace` ops with a path for the default client, one
//! pathless `replace` with dotted keys for the `aadOptscim062020` client.

mod common;

use common::{scratch_file, write_check};
use preflight_testbed::{LoggedRequest, Testbed, TestbedConfig, vendor_presets};
use serde_json::Value;

async fn stackit() -> Testbed {
    let mut config = TestbedConfig::default();
    vendor_presets::apply("stackit", &mut config).expect("preset");
    Testbed::start(config).await.expect("testbed starts")
}

fn scratch(name: &str, text: &str) -> String {
    scratch_file("preflight-mapping-patch", name, text)
}

/// The cleanup journal's folder for these runs.
fn journal() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("preflight-mapping-patch-j-{}", std::process::id()))
}

/// Run one dialect's Provision-on-demand flow in write mode; (exit code, check status, code).
fn run(url: &str, dialect: &str, check_id: &str, mapping: &str) -> (i32, String, String) {
    let extra = ["--dialect", dialect, "--mapping", mapping];
    let (out, c) = write_check(url, check_id, &extra, &journal());
    (
        out.status.code().unwrap_or(-1),
        c["status"].as_str().unwrap_or_default().to_string(),
        format!("{} {}", c["diagnosis"]["code"], c["finding"]),
    )
}

/// The update PATCH: the one PATCH on a user whose operations are not only `active`.
fn update_patch(log: &[LoggedRequest]) -> Value {
    log.iter()
        .filter(|r| r.method == "PATCH" && r.path.contains("/Users/"))
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap())
        .find(|b| !b.to_string().to_ascii_lowercase().contains("\"active\""))
        .expect("an update PATCH was sent")
}

const MAPPING: &str = "remove = [\"roles\", \"displayName\"]\n[add]\n\"name.formatted\" = \"${givenName} ${familyName}\"\n";

#[tokio::test(flavor = "multi_thread")]
async fn entra_update_patch_follows_the_overrides_on_a_strict_target() {
    let tb = stackit().await;
    let url = tb.base_url();

    // Only `roles` removed: the update PATCH is Entra's unchanged two Replace ops.
    let roles_only = scratch("roles.toml", "remove = [\"roles\"]\n");
    let (code, status, why) = run(
        &url,
        "entra-default",
        "entra/provision-on-demand",
        &roles_only,
    );
    assert_eq!((code, status.as_str()), (0, "pass"), "{why}");
    let patch = update_patch(&tb.request_log());
    let paths: Vec<&str> = patch["Operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["name.givenName", "displayName"]);
    tb.clear_request_log();

    // displayName removed, name.formatted added: the PATCH follows the mapping.
    let mapping = scratch("trimmed.toml", MAPPING);
    let (code, status, why) = run(&url, "entra-default", "entra/provision-on-demand", &mapping);
    assert_eq!((code, status.as_str()), (0, "pass"), "{why}");
    let log = tb.request_log();
    let patch = update_patch(&log);
    let ops = patch["Operations"].as_array().unwrap();
    assert_eq!(ops.len(), 2, "{patch}");
    assert_eq!(ops[0]["path"], "name.givenName");
    assert_eq!(ops[1]["op"], "Replace", "Entra's capitalised op word");
    assert_eq!(ops[1]["path"], "name.formatted");
    assert!(
        ops[1]["value"]
            .as_str()
            .unwrap()
            .starts_with("Preflight Updated "),
        "the added attribute carries the updated given name: {patch}"
    );
    assert!(
        log.iter()
            .filter(|r| r.path.contains("/Users"))
            .all(|r| !r.body.contains("displayName") && !r.body.contains("\"roles\"")),
        "no request carries a removed attribute"
    );
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn entra_flagged_pathless_update_follows_the_overrides() {
    let tb = stackit().await;
    let url = tb.base_url();
    let mapping = scratch("pathless.toml", MAPPING);
    let (code, status, why) = run(
        &url,
        "entra-aadoptscim062020",
        "entra/aadoptscim062020-user-cycle",
        &mapping,
    );
    assert_eq!((code, status.as_str()), (0, "pass"), "{why}");
    let patch = update_patch(&tb.request_log());
    let ops = patch["Operations"].as_array().unwrap();
    assert_eq!(ops.len(), 1, "{patch}");
    assert!(ops[0].get("path").is_none(), "still pathless: {patch}");
    assert_eq!(ops[0]["op"], "replace");
    let value = ops[0]["value"].as_object().unwrap();
    let mut keys: Vec<&str> = value.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["name.formatted", "name.givenName"], "{patch}");
    tb.shutdown().await;
}

/// A mapping without any attribute the update changes: the IdP sends no update at all, the
/// read-back of the removed attribute is not judged, and the report says the step was not sent.
#[tokio::test(flavor = "multi_thread")]
async fn an_update_with_nothing_left_to_change_is_not_sent() {
    let tb = stackit().await;
    let url = tb.base_url();
    let mapping = scratch(
        "nothing.toml",
        "remove = [\"roles\", \"displayName\", \"name.givenName\"]\n",
    );
    let extra = ["--dialect", "entra-default", "--mapping", &mapping];
    let (out, _) = write_check(&url, "entra/provision-on-demand", &extra, &journal());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("not sent because the mapping leaves it nothing to change"),
        "{text}"
    );
    let log = tb.request_log();
    let patches: Vec<&LoggedRequest> = log
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.contains("/Users/"))
        .collect();
    assert_eq!(patches.len(), 2, "only deactivate and reactivate");
    assert!(patches.iter().all(|r| r.body.contains("\"active\"")));
    tb.shutdown().await;
}
