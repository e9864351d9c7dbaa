//! Every vendor file loads (unknown keys fail), marks missing facts as unknown, names only
//! vendor checks that exist, and validates base URLs part by part. The list of vendors comes
//! from the directory at build time: this test names no vendor it does not look up by id.

use preflight_core::{checks, vendor};

#[test]
fn every_file_in_the_directory_is_a_vendor() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/vendors");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    on_disk.sort();
    let loaded = vendor::load_all().expect("every vendor file parses and validates");
    let ids: Vec<String> = loaded.iter().map(|v| v.id.clone()).collect();
    assert_eq!(ids, on_disk, "the build-time list is the directory");
    for v in &loaded {
        for id in &v.checks {
            assert!(checks::find(id).is_some(), "{}: unknown check {id}", v.id);
        }
        for key in vendor::UNKNOWABLE {
            assert!(
                v.has_fact(key) != v.unknown.contains_key(*key),
                "{}: {key} is either set or unknown",
                v.id
            );
        }
    }
    for id in ["generic", "stackit", "axonflow", "airia"] {
        assert!(vendor::find(id).is_some(), "{id} ships");
    }
}

#[test]
fn the_sources_facts_are_in_the_files() {
    let stackit = vendor::find("stackit").unwrap();
    assert_eq!(stackit.auth.style, vendor::AuthStyle::ClientCredentials);
    assert_eq!(stackit.auth.scopes, ["scim.read", "scim.write"]);
    assert_eq!(
        stackit.auth.token_endpoint.as_deref(),
        Some("https://accounts.stackit.cloud/oauth/v2/token")
    );
    let axonflow = vendor::find("axonflow").unwrap();
    assert_eq!(axonflow.auth.token_prefix.as_deref(), Some("scim_"));
    assert!(
        axonflow
            .checks
            .iter()
            .any(|c| c == "vendor/discovery-unauthenticated")
    );
    let airia = vendor::find("airia").unwrap();
    assert_eq!(airia.auth.token_lifetime_days, Some(180));
    assert_eq!(airia.sync_delay_minutes, Some(10));
    let required: Vec<&str> = airia
        .required_attributes
        .iter()
        .map(|a| a.label.as_str())
        .collect();
    assert!(required.contains(&"Manager") && required.contains(&"External ID"));
    assert!(stackit.unknown.contains_key("auth.token_lifetime_days"));
}

#[test]
fn unknown_keys_and_unmarked_gaps_fail() {
    let text = vendor::files()
        .iter()
        .find(|(f, _)| *f == "airia")
        .unwrap()
        .1;
    let typo = text.replacen("token_label", "token_lable", 1);
    assert!(matches!(
        vendor::parse("airia", &typo),
        Err(vendor::VendorError::Parse { .. })
    ));
    let gap = text.replacen("token_lifetime_days = 180\n", "", 1);
    let err = vendor::parse("airia", &gap).unwrap_err().to_string();
    assert!(err.contains("auth.token_lifetime_days is missing"), "{err}");
    let bad_check = text.replacen(
        "\"vendor/required-attributes-declared\"",
        "\"vendor/nope\"",
        1,
    );
    assert!(vendor::parse("airia", &bad_check).is_err());
    assert!(vendor::parse("other-name", text).is_err());
}

#[test]
fn urls_are_validated_part_by_part() {
    let airia = vendor::find("airia").unwrap();
    let good = "https://acme.airia.example/auth/realms/airia/org/3f2504e0-4f89-11d3-9a0c-0305e82c3301/scim/v2";
    assert_eq!(airia.validate_url(good), Ok(()));
    let e = airia
        .validate_url("https://acme.airia.example/auth/realms/airia/org/acme/scim/v2")
        .unwrap_err();
    assert!(
        e.message.contains("the segment after /org/ must be a GUID")
            && e.message.contains("`acme`"),
        "{e}"
    );
    let e = airia
        .validate_url(good.trim_end_matches("/v2"))
        .unwrap_err();
    assert!(e.message.contains("continue with `/v2`"), "{e}");
    let stackit = vendor::find("stackit").unwrap();
    let e = stackit
        .validate_url("https://accounts.stackit.de/scim/v2")
        .unwrap_err();
    assert_eq!(e.part, "host");
    assert_eq!(
        vendor::find("generic")
            .unwrap()
            .validate_url("https://x.example/any"),
        Ok(())
    );
}
