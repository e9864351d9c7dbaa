//! `preflight profile set` records a profile's SSO sign-in facts and `preflight profile lint`
//! runs the tenant-routing lint over every saved profile, without a HAR: the real binary, a
//! throwaway config directory, no keyring and no network.

mod common;

use common::{TempDir, preflight};
use serde_json::Value;

/// Two bearer profiles on different SCIM tenants, in the format written before sign-in facts.
fn write_profiles(dir: &TempDir) {
    let profile = |id: &str, name: &str, url: &str| {
        serde_json::json!({
            "id": id, "name": name, "base_url": url, "idp": "entra",
            "auth": {"kind": "bearer"}, "created_at": "2026-01-01T00:00:00Z"
        })
    };
    let file = serde_json::json!({"version": 1, "profiles": [
        profile("acme-eu", "Acme EU", "https://scim.acme.example/eu"),
        profile("acme-us", "Acme US", "https://scim.acme.example/us"),
    ]});
    std::fs::write(dir.path().join("profiles.json"), file.to_string()).unwrap();
}

fn run(dir: &TempDir, args: &[&str]) -> (i32, String, String) {
    let config = dir.text();
    let out = preflight(args, &[("PREFLIGHT_CONFIG_DIR", config.as_str())], None);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `profile lint --format json`: exit code, the lint's check, and the report is schema-valid.
fn lint_json(dir: &TempDir) -> (i32, Value) {
    let (code, stdout, stderr) = run(dir, &["profile", "lint", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    let schema: Value =
        serde_json::from_str(include_str!("../../../schemas/report-v1.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "schema: {errors:?}");
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0]["id"], "sso/tenant-routing-unique");
    (code, checks[0].clone())
}

#[test]
fn clean_profiles_pass_and_exit_0() {
    let dir = TempDir::new("profile-lint-clean");
    write_profiles(&dir);
    for (id, uri) in [
        ("acme-eu", "https://app.acme.example/eu/callback"),
        ("acme-us", "https://app.acme.example/us/callback"),
    ] {
        let (code, stdout, stderr) = run(&dir, &["profile", "set", id, "--redirect-uri", uri]);
        assert_eq!(code, 0, "{stdout}{stderr}");
    }
    let (code, check) = lint_json(&dir);
    assert_eq!(code, 0);
    assert_eq!(check["status"], "pass");
    // The text report names the check too.
    let (code, stdout, _) = run(&dir, &["profile", "lint"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("sso/tenant-routing-unique"), "{stdout}");
}

#[test]
fn a_redirect_uri_shared_up_to_host_case_is_flagged_a_trailing_slash_is_not() {
    let dir = TempDir::new("profile-lint-shared");
    write_profiles(&dir);
    let set = |id: &str, uri: &str| {
        let (code, stdout, stderr) = run(&dir, &["profile", "set", id, "--redirect-uri", uri]);
        assert_eq!(code, 0, "{stdout}{stderr}");
    };
    // Path differs only by a trailing slash: two registrations (IdPs match paths exactly).
    set("acme-eu", "https://app.acme.example/auth/callback");
    set("acme-us", "https://app.acme.example/auth/callback/");
    let (code, check) = lint_json(&dir);
    assert_eq!((code, check["status"].as_str()), (0, Some("pass")));

    // Host differs only in case: the same URI, so a sign-in can land on either tenant.
    set("acme-us", "https://APP.Acme.example/auth/callback");
    let (code, check) = lint_json(&dir);
    assert_eq!(
        code, 0,
        "shared routing values are a warning, not a failed check"
    );
    assert_eq!(check["status"], "warn");
    assert_eq!(check["diagnosis"]["code"], "sso/tenant-routing");
    let actual = check["finding"]["actual"].as_str().unwrap();
    assert!(
        actual.contains(
            "redirect URI `https://app.acme.example/auth/callback` is shared by acme-eu, acme-us"
        ),
        "{actual}"
    );
    let (_, stdout, _) = run(&dir, &["profile", "lint"]);
    assert!(stdout.contains("redirect URI"), "{stdout}");
}

#[test]
fn recorded_sso_client_ids_and_app_names_are_compared() {
    let dir = TempDir::new("profile-lint-client");
    write_profiles(&dir);
    for id in ["acme-eu", "acme-us"] {
        let (code, _, stderr) = run(
            &dir,
            &[
                "profile",
                "set",
                id,
                "--sso-client-id",
                "0f1e2d3c-aaaa",
                "--sso-app-name",
                &format!("Acme {id}"),
            ],
        );
        assert_eq!(code, 0, "{stderr}");
    }
    let (_, check) = lint_json(&dir);
    let actual = check["finding"]["actual"].as_str().unwrap();
    assert!(actual.starts_with("client id `0f1e2d3c-aaaa`"), "{actual}");
    assert!(!actual.contains("display name"), "{actual}");
    // `profile show` prints the recorded facts (the keyring line may fail here; the facts come first).
    let (_, stdout, _) = run(&dir, &["profile", "show", "acme-eu"]);
    assert!(stdout.contains("sso client id: 0f1e2d3c-aaaa"), "{stdout}");
}

#[test]
fn bad_sign_in_values_are_usage_errors_that_change_nothing() {
    let dir = TempDir::new("profile-lint-bad");
    write_profiles(&dir);
    let before = std::fs::read(dir.path().join("profiles.json")).unwrap();
    for (args, flag, words) in [
        (
            vec![
                "profile",
                "set",
                "acme-eu",
                "--redirect-uri",
                "http://app.acme.example/cb",
            ],
            "--redirect-uri",
            "localhost",
        ),
        (
            vec![
                "profile",
                "set",
                "acme-eu",
                "--redirect-uri",
                "app.acme.example/cb",
            ],
            "--redirect-uri",
            "absolute URL",
        ),
        (
            vec![
                "profile",
                "set",
                "acme-eu",
                "--sso-issuer",
                "ftp://idp.example/",
            ],
            "--sso-issuer",
            "https://",
        ),
        (vec!["profile", "set", "acme-eu"], "nothing to set", ""),
        (
            vec!["profile", "set", "nobody", "--sso-tenant", "contoso"],
            "no profile 'nobody'",
            "",
        ),
        (
            // Validated before any secret is read or the keyring is opened.
            vec![
                "profile",
                "add",
                "--name",
                "Acme APAC",
                "--url",
                "https://scim.acme.example/apac",
                "--redirect-uri",
                "https://app.acme.example/cb#frag",
            ],
            "--redirect-uri",
            "fragment",
        ),
        (vec!["profile", "lint", "--format", "yaml"], "yaml", ""),
    ] {
        let (code, stdout, stderr) = run(&dir, &args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains(flag) && stderr.contains(words),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("profiles.json")).unwrap(),
        before
    );
}

#[test]
fn an_unreadable_profile_file_is_a_usage_error_and_no_profiles_is_clean() {
    let dir = TempDir::new("profile-lint-newer");
    let (code, check) = lint_json(&dir);
    assert_eq!((code, check["status"].as_str()), (0, Some("pass")));
    std::fs::write(
        dir.path().join("profiles.json"),
        r#"{"version": 99, "profiles": []}"#,
    )
    .unwrap();
    let (code, _, stderr) = run(&dir, &["profile", "lint", "--format", "json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("newer Preflight"), "{stderr}");
}

/// `profile add` with sign-in flags, and again without them (a new token): the recorded facts
/// stay. Needs a keyring for the token, so it runs only inside `scripts/with-keyring.sh`'s
/// throwaway session (never against the developer's own keyring).
#[test]
fn re_adding_a_profile_keeps_its_sign_in_facts() {
    let required = std::env::var("PREFLIGHT_REQUIRE_KEYRING").is_ok_and(|v| v == "1");
    if std::env::var("PREFLIGHT_IN_KEYRING_SESSION").is_err() {
        assert!(
            !required,
            "PREFLIGHT_REQUIRE_KEYRING=1 needs scripts/with-keyring.sh around the test run"
        );
        eprintln!(
            "skipped: re_adding_a_profile_keeps_its_sign_in_facts needs scripts/with-keyring.sh"
        );
        return;
    }
    let dir = TempDir::new("profile-lint-add");
    let config = dir.text();
    let add = |token: &str, extra: &[&str]| {
        let mut args = vec![
            "profile",
            "add",
            "--name",
            "E2E Lint Add",
            "--url",
            "https://scim.acme.example/add",
        ];
        args.extend_from_slice(extra);
        let out = preflight(
            &args,
            &[
                ("PREFLIGHT_CONFIG_DIR", config.as_str()),
                ("PREFLIGHT_TOKEN", token),
            ],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    add(
        "tok-one",
        &[
            "--redirect-uri",
            "https://app.acme.example/cb",
            "--sso-client-id",
            "c-add",
        ],
    );
    add("tok-two", &[]);
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("profiles.json")).unwrap())
            .unwrap();
    assert_eq!(
        saved["profiles"][0]["sign_in"],
        serde_json::json!({"client_id": "c-add", "redirect_uris": ["https://app.acme.example/cb"]})
    );
    let (code, _, stderr) = run(&dir, &["profile", "remove", "e2e-lint-add"]);
    assert_eq!(code, 0, "{stderr}");
}
