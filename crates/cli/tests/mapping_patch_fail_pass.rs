//! The mapping overrides decide whether Entra's update gets through, live: a target that
//! refuses `displayName` in every User write (testbed quirk `reject-attribute=displayName`)
//! fails Entra's Provision-on-demand flow; with `remove = ["displayName"]` the create *and*
//! the update PATCH leave it out and the same flow passes. Before overrides reached PATCH
//! bodies, the create passed and the update failed — the case this file pins.

mod common;

use common::{scratch_file, write_check};
use preflight_testbed::quirks::Quirks;
use preflight_testbed::{Testbed, TestbedConfig};
use serde_json::Value;

async fn refusing_display_name() -> Testbed {
    let config = TestbedConfig {
        quirks: Quirks::parse("reject-attribute=displayName").expect("quirk"),
        ..TestbedConfig::default()
    };
    Testbed::start(config).await.expect("testbed starts")
}

/// Entra's flow alone, in write mode; (exit code, the flow's result).
fn flow(url: &str, dialect: &str, check: &str, mapping: Option<&str>) -> (i32, Value) {
    let journal = std::env::temp_dir().join(format!(
        "preflight-mapping-failpass-j-{}",
        std::process::id()
    ));
    let mut extra = vec!["--dialect", dialect];
    if let Some(m) = mapping {
        extra.extend(["--mapping", m]);
    }
    let (out, result) = write_check(url, check, &extra, &journal);
    (out.status.code().unwrap_or(-1), result)
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_a_refused_attribute_makes_create_and_update_pass() {
    let tb = refusing_display_name().await;
    let url = tb.base_url();
    for (dialect, check) in [
        ("entra-default", "entra/provision-on-demand"),
        (
            "entra-aadoptscim062020",
            "entra/aadoptscim062020-user-cycle",
        ),
    ] {
        let (code, r) = flow(&url, dialect, check, None);
        assert_eq!(code, 1, "{dialect}: {r}");
        assert_eq!(r["status"], "fail", "{dialect}: {r}");
        assert_eq!(
            r["diagnosis"]["code"], "scim/unknown-attribute-rejected",
            "{dialect}: {r}"
        );
        tb.clear_request_log();

        let mapping = scratch_file(
            "preflight-mapping-failpass",
            "no-display-name.toml",
            "remove = [\"displayName\"]\n",
        );
        let (code, r) = flow(&url, dialect, check, Some(&mapping));
        assert_eq!(
            (code, r["status"].as_str()),
            (0, Some("pass")),
            "{dialect}: {r}"
        );
        let log = tb.request_log();
        let user_patches = log
            .iter()
            .filter(|x| x.method == "PATCH" && x.path.contains("/Users/"))
            .count();
        assert!(
            user_patches >= 2,
            "{dialect}: update and deactivate were sent"
        );
        assert!(
            log.iter()
                .filter(|x| x.path.contains("/Users"))
                .all(|x| !x.body.to_ascii_lowercase().contains("displayname")),
            "{dialect}: no request carries the removed attribute"
        );
        tb.clear_request_log();
    }
    tb.shutdown().await;
}
