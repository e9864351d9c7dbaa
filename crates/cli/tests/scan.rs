//! `preflight scan` against the testbed: totals over several pages, duplicate userNames
//! (case-insensitive) found with only hashes kept, same report shape and exit codes as
//! `check`, and the token never in the output.

use std::process::Command;

use preflight_testbed::{Quirks, StaticToken, Testbed, TestbedConfig};

fn scan(url: &str, token: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "scan",
            "--url",
            url,
            "--format",
            "json",
            "--page-size",
            "100",
        ])
        .env("PREFLIGHT_TOKEN", token)
        .output()
        .expect("preflight runs")
}

fn check<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_counts_pages_and_finds_duplicates() {
    let canary = "scan-canary-7d1e";
    let config = TestbedConfig {
        seed_users: 250,
        tokens: vec![StaticToken::read_write(canary)],
        ..TestbedConfig::default()
    };
    let tb = Testbed::start(config).await.expect("testbed starts");
    let url = tb.base_url();

    let (u, c) = (url.clone(), canary.to_string());
    let clean = tokio::task::spawn_blocking(move || scan(&u, &c))
        .await
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&clean.stdout).expect("JSON report");
    assert_eq!(check(&r, "scan/tenant-inventory")["status"], "pass");
    assert!(
        check(&r, "scan/tenant-inventory")["note"]
            .as_str()
            .unwrap()
            .starts_with("250 users, 1 groups"),
        "{}",
        check(&r, "scan/tenant-inventory")
    );
    assert_eq!(check(&r, "scan/users-duplicate-username")["status"], "pass");
    assert_eq!(check(&r, "scan/groups-member-references")["status"], "pass");
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
    assert_eq!(r["schema_version"], 1);

    // A second account whose userName differs only in case.
    tb.set_quirks(Quirks::parse("uniqueness-not-enforced").unwrap());
    let first = curl(&format!("{url}/Users?startIndex=1&count=1"), canary, None);
    let name = first["Resources"][0]["userName"]
        .as_str()
        .unwrap()
        .to_uppercase();
    let body = serde_json::json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name, "active": false});
    curl(&format!("{url}/Users"), canary, Some(&body.to_string()));
    tb.set_quirks(Quirks::none());

    let (u, c) = (url.clone(), canary.to_string());
    let dup = tokio::task::spawn_blocking(move || scan(&u, &c))
        .await
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&dup.stdout).expect("JSON report");
    let d = check(&r, "scan/users-duplicate-username");
    assert_eq!(d["status"], "fail");
    assert_eq!(d["diagnosis"]["code"], "scim/uniqueness-not-enforced");
    assert!(
        d["finding"]["actual"].as_str().unwrap().contains(&name),
        "{d}"
    );
    assert_eq!(check(&r, "scan/users-primary-email")["status"], "warn");
    assert!(
        check(&r, "scan/users-inactive")["note"]
            .as_str()
            .unwrap()
            .starts_with("1 of 251")
    );
    assert_eq!(dup.status.code(), Some(1));
    for out in [&clean, &dup] {
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains(canary)
                && !String::from_utf8_lossy(&out.stderr).contains(canary),
            "token leaked"
        );
    }
}

fn curl(url: &str, token: &str, body: Option<&str>) -> serde_json::Value {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-H", &format!("Authorization: Bearer {token}"), url]);
    if let Some(b) = body {
        cmd.args([
            "-X",
            "POST",
            "-H",
            "Content-Type: application/scim+json",
            "--data",
            b,
        ]);
    }
    let out = cmd.output().expect("curl runs");
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}
