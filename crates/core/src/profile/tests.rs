use std::fs;
use std::path::Path;

use super::*;
use crate::secret::Secret;
use crate::secrets::{MemoryStore, SecretStoreError};

fn bearer(id: &str) -> Profile {
    Profile::new(
        ProfileId::parse(id).unwrap(),
        "Acme prod",
        "https://scim.example.com/scim/v2",
        Idp::Entra,
        ProfileAuth::Bearer,
    )
    .unwrap()
}

fn client_credentials(id: &str) -> Profile {
    let auth = ProfileAuth::ClientCredentials {
        token_url: "https://login.example.com/oauth2/token".into(),
        client_id: "client-123".into(),
        scope: Some("scim.read".into()),
    };
    Profile::new(
        ProfileId::parse(id).unwrap(),
        "Okta test",
        "https://scim.example.com/v2",
        Idp::Okta,
        auth,
    )
    .unwrap()
}

/// The value of a call that must not have produced a warning.
fn quiet<T>(result: Result<Loaded<T>, ProfileError>) -> T {
    let loaded = result.unwrap();
    assert!(
        loaded.warnings.is_empty(),
        "unexpected warnings: {:?}",
        loaded.warnings
    );
    loaded.value
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn round_trip_through_file_and_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    let secrets = MemoryStore::new();
    let mut profile = bearer("acme-prod");
    profile.vendor = Some("acme".into());
    profile.token_expires_at = Some("2030-01-31".into());
    assert_eq!(
        store
            .save(profile.clone(), &Secret::new("tok-1"), &secrets)
            .unwrap()
            .value,
        Upsert::Added
    );
    let cc = client_credentials("okta-test");
    quiet(store.save(cc.clone(), &Secret::new("cs-1"), &secrets));

    let listed = store.list().unwrap();
    assert!(listed.warnings.is_empty());
    assert_eq!(listed.value, vec![profile.clone(), cc.clone()]);
    assert_eq!(store.get("acme-prod").unwrap().value, profile);
    assert_eq!(
        store.get("Acme Prod").unwrap().value,
        profile,
        "a display name resolves to its id"
    );
    assert_eq!(
        secrets.accounts(),
        vec!["acme-prod/token", "okta-test/client-secret"]
    );

    let target = profile.to_target(&secrets).unwrap();
    assert!(matches!(&target.credential, crate::Credential::Bearer(t) if t.expose() == "tok-1"));
    assert_eq!(target.idp, Idp::Entra);
    assert_eq!(target.vendor.as_deref(), Some("acme"));
    assert_eq!(
        target.token_expires_at,
        Some(time::macros::datetime!(2030-01-31 00:00 UTC))
    );
    assert_eq!(target.base_url.as_str(), "https://scim.example.com/scim/v2");

    let target = cc.to_target(&secrets).unwrap();
    match &target.credential {
        crate::Credential::ClientCredentials {
            token_url,
            client_id,
            client_secret,
            scope,
        } => {
            assert_eq!(token_url.as_str(), "https://login.example.com/oauth2/token");
            assert_eq!(client_id, "client-123");
            assert_eq!(client_secret.expose(), "cs-1");
            assert_eq!(scope.as_deref(), Some("scim.read"));
        }
        other => panic!("expected client credentials, got {other:?}"),
    }
}

#[test]
fn replacing_keeps_created_at_and_drops_the_stale_secret() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    let secrets = MemoryStore::new();
    let mut first = bearer("p");
    first.created_at = "2020-01-01T00:00:00Z".into();
    quiet(store.save(first, &Secret::new("tok"), &secrets));
    let second = client_credentials("p");
    assert_eq!(
        store
            .save(second, &Secret::new("cs"), &secrets)
            .unwrap()
            .value,
        Upsert::Replaced
    );
    let saved = store.get("p").unwrap().value;
    assert_eq!(saved.created_at, "2020-01-01T00:00:00Z");
    assert_eq!(saved.secret_kind(), SecretKind::ClientSecret);
    assert_eq!(secrets.accounts(), vec!["p/client-secret"]);
}

#[test]
fn atomic_writes_leave_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("nested/config"));
    let secrets = MemoryStore::new();
    for i in 0..5 {
        quiet(store.save(bearer(&format!("p{i}")), &Secret::new("t"), &secrets));
    }
    quiet(store.remove("p3", &secrets));
    assert_eq!(file_names(store.dir()), vec!["profiles.json"]);
    assert_eq!(store.list().unwrap().value.len(), 4);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn a_missing_file_is_an_empty_list_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    let listed = store.list().unwrap();
    assert!(listed.value.is_empty() && listed.warnings.is_empty());
    assert!(file_names(dir.path()).is_empty());
    assert!(matches!(
        store.get("nope"),
        Err(ProfileError::NotFound { .. })
    ));
}

#[test]
fn a_corrupt_file_is_kept_aside_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    let garbage = b"{\"version\": 1, \"profiles\": [ {\"id\": \"half-writ";
    fs::write(store.path(), garbage).unwrap();

    let listed = store.list().unwrap();
    assert!(listed.value.is_empty());
    let [ProfileWarning::CorruptFileMovedAside { moved_to, .. }] = listed.warnings.as_slice()
    else {
        panic!("expected one warning, got {:?}", listed.warnings);
    };
    let kept = moved_to.file_name().unwrap().to_string_lossy().into_owned();
    assert!(kept.starts_with("profiles.json.corrupt-"), "{kept}");
    assert_eq!(
        fs::read(moved_to).unwrap(),
        garbage,
        "the corrupt bytes are kept as they were"
    );
    let message = listed.warnings[0].to_string();
    assert!(
        message.contains(&kept) && message.contains("move it back"),
        "{message}"
    );

    // Carrying on works and never touches the kept copy; a second corrupt file gets its own name.
    quiet(store.save(bearer("fresh"), &Secret::new("t"), &MemoryStore::new()));
    assert_eq!(store.list().unwrap().value.len(), 1);
    fs::write(store.path(), b"not json").unwrap();
    assert_eq!(store.list().unwrap().warnings.len(), 1);
    let names = file_names(dir.path());
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("profiles.json.corrupt-"))
            .count(),
        2,
        "{names:?}"
    );
    assert_eq!(fs::read(moved_to).unwrap(), garbage);
}

#[test]
fn an_invalid_profile_in_the_file_counts_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    fs::write(
        store.path(),
        br#"{"version":1,"profiles":[{"id":"Bad Id","name":"x","base_url":"https://h","idp":"okta","auth":{"kind":"bearer"},"created_at":"2024-01-01T00:00:00Z"}]}"#,
    )
    .unwrap();
    let listed = store.list().unwrap();
    assert!(listed.value.is_empty());
    assert!(
        listed.warnings[0]
            .to_string()
            .contains("not a valid profile id"),
        "{}",
        listed.warnings[0]
    );
}

#[test]
fn a_newer_format_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    fs::write(
        store.path(),
        br#"{"version": 2, "profiles": {"new": "shape"}}"#,
    )
    .unwrap();
    let err = store.list().unwrap_err();
    assert!(
        matches!(err, ProfileError::NewerFormat { found: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("Upgrade Preflight"));
    assert!(
        store
            .save(bearer("p"), &Secret::new("t"), &MemoryStore::new())
            .is_err()
    );
    assert_eq!(file_names(dir.path()), vec!["profiles.json"]);
}

#[test]
fn the_profile_file_never_contains_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    let secrets = MemoryStore::new();
    let canary = "canary-7d1e0b9c-never-in-a-file";
    let client_canary = "client-canary-5a3f-never-in-a-file";
    quiet(store.save(bearer("acme"), &Secret::new(canary), &secrets));
    quiet(store.save(
        client_credentials("okta"),
        &Secret::new(client_canary),
        &secrets,
    ));

    let mut all_bytes = Vec::new();
    for name in file_names(dir.path()) {
        all_bytes.extend(fs::read(dir.path().join(name)).unwrap());
    }
    let text = String::from_utf8(all_bytes).unwrap();
    assert!(
        !text.contains(canary) && !text.contains(client_canary),
        "secret leaked into {text}"
    );
    assert!(
        !text.contains("secret\"") && !text.contains("password"),
        "{text}"
    );
    // …while the keyring has it, and the target gets it.
    assert_eq!(secrets.get("acme/token").unwrap().unwrap().expose(), canary);
    let target = store
        .get("acme")
        .unwrap()
        .value
        .to_target(&secrets)
        .unwrap();
    assert!(
        !format!("{target:?}").contains(canary),
        "Debug of a Target must not show the token"
    );
}

#[test]
fn a_profile_without_its_secret_names_the_fix() {
    let secrets = MemoryStore::new();
    let err = bearer("acme").to_target(&secrets).unwrap_err().to_string();
    assert!(
        err.contains("profile 'acme' has no token stored") && err.contains("--token-stdin"),
        "{err}"
    );
    let err = client_credentials("okta")
        .to_target(&secrets)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no client secret") && err.contains("PREFLIGHT_CLIENT_SECRET"),
        "{err}"
    );
}

#[test]
fn remove_deletes_the_keyring_secrets_too() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    let secrets = MemoryStore::new();
    quiet(store.save(bearer("acme"), &Secret::new("t"), &secrets));
    quiet(store.save(bearer("other"), &Secret::new("t2"), &secrets));
    let removed = store.remove("acme", &secrets).unwrap().value;
    assert_eq!(removed.id.as_str(), "acme");
    assert_eq!(secrets.accounts(), vec!["other/token"]);
    assert_eq!(store.list().unwrap().value.len(), 1);
    assert!(matches!(
        store.remove("acme", &secrets),
        Err(ProfileError::NotFound { .. })
    ));
}

#[test]
fn without_a_keyring_nothing_is_saved_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    quiet(store.save(bearer("acme"), &Secret::new("t"), &MemoryStore::new()));
    let down = MemoryStore::failing(SecretStoreError::Unavailable {
        detail: "no D-Bus".into(),
    });

    let err = store.remove("acme", &down).unwrap_err();
    assert!(err.to_string().contains("gnome-keyring"), "{err}");
    assert_eq!(
        store.list().unwrap().value.len(),
        1,
        "the profile stays until its secret is gone"
    );

    let err = store
        .save(bearer("new"), &Secret::new("t"), &down)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("never falls back to a plaintext file"),
        "{err}"
    );
    assert!(store.get("new").is_err(), "no profile without its secret");
}

#[test]
fn invalid_settings_are_refused_with_the_fix() {
    let id = || ProfileId::parse("p").unwrap();
    let err = Profile::new(
        id(),
        "x",
        "scim.example.com",
        Idp::Generic,
        ProfileAuth::Bearer,
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("base URL:"), "{err}");
    let err = Profile::new(id(), " ", "https://h", Idp::Generic, ProfileAuth::Bearer).unwrap_err();
    assert!(matches!(err, ProfileError::EmptyName));
    let mut p = bearer("p");
    p.token_expires_at = Some("31/01/2030".into());
    assert!(p.validate().unwrap_err().to_string().contains("YYYY-MM-DD"));
    p.token_expires_at = Some("2030-01-31T12:00:00+02:00".into());
    assert_eq!(
        p.token_expiry().unwrap(),
        Some(time::macros::datetime!(2030-01-31 10:00 UTC))
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_gives_a_clear_error_and_keeps_no_secret() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    if fs::write(dir.path().join("probe"), b"").is_ok() {
        eprintln!("skipped: running as root, a read-only directory is still writable");
        return;
    }
    let secrets = MemoryStore::new();
    let err = store
        .save(bearer("acme"), &Secret::new("t"), &secrets)
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("is not writable") && message.contains("PREFLIGHT_CONFIG_DIR"),
        "{message}"
    );
    assert!(
        secrets.accounts().is_empty(),
        "the secret of a profile that was not saved is removed again"
    );
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn profiles_serialize_without_secret_fields() {
    let json = serde_json::to_value(client_credentials("okta")).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["auth", "base_url", "created_at", "id", "idp", "name"]
    );
    assert_eq!(json["auth"]["kind"], "client-credentials");
    let auth_keys: Vec<&String> = json["auth"].as_object().unwrap().keys().collect();
    assert_eq!(auth_keys, ["client_id", "kind", "scope", "token_url"]);
}

#[test]
fn a_credential_from_elsewhere_takes_the_profile_settings() {
    let mut profile = bearer("acme");
    profile.vendor = Some("acme".into());
    profile.token_expires_at = Some("2030-01-31".into());
    let target = profile
        .to_target_with(crate::Credential::Bearer(Secret::new("from-stdin")))
        .unwrap();
    assert!(
        matches!(&target.credential, crate::Credential::Bearer(t) if t.expose() == "from-stdin")
    );
    assert_eq!(
        (target.idp, target.vendor.as_deref()),
        (Idp::Entra, Some("acme"))
    );
    assert!(target.token_expires_at.is_some());
}

/// A `profiles.json` written before sign-in facts existed loads unchanged and is written
/// back byte-for-byte the same (no `sign_in` member appears).
#[test]
fn an_old_format_file_loads_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    let old = r#"{
  "version": 1,
  "profiles": [
    {
      "id": "acme-prod",
      "name": "Acme prod",
      "base_url": "https://scim.example.com/scim/v2",
      "idp": "entra",
      "auth": {
        "kind": "bearer"
      },
      "created_at": "2026-01-01T00:00:00Z"
    }
  ]
}
"#;
    fs::write(store.path(), old).unwrap();
    let profiles = quiet(store.list());
    assert_eq!(profiles.len(), 1);
    assert!(profiles[0].sign_in.is_empty());
    quiet(store.upsert(profiles[0].clone()));
    assert_eq!(fs::read_to_string(store.path()).unwrap(), old);
}

#[test]
fn sign_in_facts_are_saved_and_validated_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    let mut p = bearer("acme-prod");
    p.sign_in = SignIn {
        app_name: Some("Acme SSO".into()),
        client_id: Some("0f1e2d3c".into()),
        issuer: Some("https://login.example.com/tenant-a/v2.0".into()),
        tenant_id: Some("tenant-a".into()),
        redirect_uris: vec![
            "https://app.example.com/auth/callback".into(),
            "http://localhost:3000/cb".into(),
        ],
    };
    quiet(store.upsert(p.clone()));
    let text = fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("\"redirect_uris\""), "{text}");
    assert_eq!(quiet(store.get("acme-prod")), p);

    // A bad redirect URI is refused before anything is written …
    let mut bad = p.clone();
    bad.sign_in.redirect_uris = vec!["http://app.example.com/cb".into()];
    assert!(matches!(
        store.upsert(bad),
        Err(ProfileError::InvalidSignIn {
            field: "redirect URI",
            ..
        })
    ));
    assert_eq!(fs::read_to_string(store.path()).unwrap(), text);
    // … and one edited into the file by hand makes the file count as corrupt.
    fs::write(
        store.path(),
        text.replace("https://app.example.com", "http://app.example.com"),
    )
    .unwrap();
    let loaded = store.list().unwrap();
    assert!(loaded.value.is_empty());
    assert_eq!(loaded.warnings.len(), 1);
}
