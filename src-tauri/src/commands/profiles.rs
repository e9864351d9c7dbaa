//! Saved targets: the non-secret settings in `profiles.json` (core's `ProfileStore`), the
//! secret in the keyring (sent once through `save_secret`, never returned).
//!
//! Each command is a thin wrapper over a function that takes the stores and the clock, so the
//! logic is tested with the in-memory secret store and a temporary config directory.

use serde::{Deserialize, Serialize};

use super::secrets::keyring_error;
use crate::error::{IpcError, IpcResult};
use preflight_core::lifecycle::{Clock, RotationStore, TokenExpiry, assess};
use preflight_core::profile::{
    Profile, ProfileAuth, ProfileError, ProfileId, ProfileStore, SignIn, parse_expiry,
};
use preflight_core::secrets::{KeyringStore, SecretStore, SecretStoreError, with_timeout};
use preflight_core::target::{Credential, Idp};

/// Longest we wait for the keyring (an unanswered unlock prompt would wait forever).
const KEYRING_TIMEOUT_SECS: u64 = 20;

/// How the profile authenticates, as the UI sends it. No field can carry a secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AuthInput {
    Bearer,
    ClientCredentials {
        token_url: String,
        client_id: String,
        #[serde(default)]
        scope: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
pub struct ProfileInput {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub idp: String,
    /// Absent: keep the saved auth style (bearer for a new profile).
    #[serde(default)]
    pub auth: Option<AuthInput>,
    /// Absent: keep the saved vendor; empty: none.
    #[serde(default)]
    pub vendor: Option<String>,
    /// Absent: keep the saved expiry; empty: none; else `YYYY-MM-DD` or RFC 3339.
    #[serde(default)]
    pub token_expires_at: Option<String>,
    /// Absent: keep the saved sign-in facts; present: replace them (blank fields clear).
    #[serde(default)]
    pub sign_in: Option<SignIn>,
}

/// A saved profile as the UI shows it: settings, where its secret lives, days left.
#[derive(Debug, Serialize)]
pub struct ProfileView {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub idp: Idp,
    pub auth: ProfileAuth,
    /// `token` or `client-secret`: the keyring item `save_secret` should write.
    pub secret_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    pub expiry: TokenExpiry,
    /// The app's SSO sign-in as recorded (absent when nothing is).
    #[serde(skip_serializing_if = "SignIn::is_empty")]
    pub sign_in: SignIn,
}

impl ProfileView {
    pub fn of(p: &Profile, clock: Clock) -> ProfileView {
        ProfileView {
            id: p.id.to_string(),
            name: p.name.clone(),
            base_url: p.base_url.clone(),
            idp: p.idp,
            auth: p.auth.clone(),
            secret_kind: p.secret_kind().as_str(),
            vendor: p.vendor.clone(),
            // An unreadable expiry cannot be in a validated profile; treat it as unknown.
            expiry: assess(p.token_expiry().ok().flatten(), clock.now()),
            sign_in: p.sign_in.clone(),
        }
    }
}

pub(crate) fn profile_error(e: ProfileError) -> IpcError {
    let code = match &e {
        ProfileError::InvalidId { .. } => "input/profile-id",
        ProfileError::EmptyName => "input/profile-name",
        ProfileError::InvalidUrl(_) => "input/url",
        ProfileError::InvalidTokenUrl(_) => "input/token-url",
        ProfileError::EmptyClientId => "input/client-id",
        ProfileError::InvalidExpiry { .. } => "input/expiry",
        ProfileError::InvalidSignIn { .. } => "input/sign-in",
        ProfileError::NotFound { .. } => "profile/not-found",
        ProfileError::MissingSecret { .. } => "secrets/missing",
        ProfileError::Keyring(k) => return keyring_error(k.clone()),
        _ => "profile/error",
    };
    IpcError::new(code, e.to_string())
}

pub(crate) fn clock() -> IpcResult<Clock> {
    Clock::from_env().map_err(|e| IpcError::new("clock/fake-now", e.to_string()))
}

pub(crate) fn store() -> IpcResult<ProfileStore> {
    ProfileStore::open_default().map_err(profile_error)
}

/// Run `f` with the OS keyring off the async runtime, bounded in time. Errors of `f` that are
/// not keyring errors come back as they are.
pub(crate) async fn with_keyring<T: Send + 'static>(
    f: impl FnOnce(&dyn SecretStore) -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    with_timeout(
        move || {
            let keyring = KeyringStore::open()?;
            Ok::<_, SecretStoreError>(f(&keyring))
        },
        KEYRING_TIMEOUT_SECS,
    )
    .await
    .map_err(keyring_error)?
}

/// Settings only, off the async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| IpcError::new("profile/error", e.to_string()))?
}

/// Validate `input` and write it, keeping what the input leaves out from the saved profile.
pub fn save(profiles: &ProfileStore, input: ProfileInput, clock: Clock) -> IpcResult<ProfileView> {
    let id = ProfileId::parse(input.id.trim()).map_err(profile_error)?;
    let idp: Idp = input
        .idp
        .parse()
        .map_err(|e: String| IpcError::new("input/idp", e))?;
    let existing = match profiles.get(id.as_str()) {
        Ok(loaded) => Some(loaded.value),
        Err(ProfileError::NotFound { .. }) => None,
        Err(e) => return Err(profile_error(e)),
    };
    let auth = match input.auth {
        Some(AuthInput::Bearer) => ProfileAuth::Bearer,
        Some(AuthInput::ClientCredentials {
            token_url,
            client_id,
            scope,
        }) => ProfileAuth::ClientCredentials {
            token_url: token_url.trim().to_string(),
            client_id: client_id.trim().to_string(),
            scope: scope
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        },
        None => existing
            .as_ref()
            .map_or(ProfileAuth::Bearer, |p| p.auth.clone()),
    };
    let mut profile =
        Profile::new(id, &input.name, &input.base_url, idp, auth).map_err(profile_error)?;
    let optional = |given: Option<String>, kept: Option<String>| match given {
        Some(v) if v.trim().is_empty() => None,
        Some(v) => Some(v.trim().to_string()),
        None => kept,
    };
    profile.vendor = optional(
        input.vendor,
        existing.as_ref().and_then(|p| p.vendor.clone()),
    );
    profile.token_expires_at = optional(
        input.token_expires_at,
        existing.as_ref().and_then(|p| p.token_expires_at.clone()),
    );
    if let Some(raw) = &profile.token_expires_at {
        parse_expiry(raw).map_err(profile_error)?;
    }
    profile.sign_in = match input.sign_in {
        Some(given) => given.normalised(),
        None => existing.map(|p| p.sign_in).unwrap_or_default(),
    };
    profile.validate().map_err(profile_error)?;
    // Warnings (a corrupt file moved aside) surface on the next list.
    let _ = profiles.upsert(profile.clone()).map_err(profile_error)?;
    Ok(ProfileView::of(&profile, clock))
}

/// Every saved profile with its days left.
pub fn list(profiles: &ProfileStore, clock: Clock) -> IpcResult<Vec<ProfileView>> {
    let loaded = profiles.list().map_err(profile_error)?;
    Ok(loaded
        .value
        .iter()
        .map(|p| ProfileView::of(p, clock))
        .collect())
}

/// Delete a profile, its keyring secrets (current and pending) and its rotation state. The
/// keyring goes first: if it cannot be reached nothing is removed, so no secret is orphaned.
/// Other profiles and their secrets are untouched.
pub fn delete(profiles: &ProfileStore, secrets: &dyn SecretStore, id: &str) -> IpcResult<()> {
    let id = ProfileId::parse(id.trim()).map_err(profile_error)?;
    RotationStore::beside(profiles)
        .discard(&id, secrets)
        .map_err(super::rotation::rotation_error)?;
    let _removed = profiles
        .remove(id.as_str(), secrets)
        .map_err(profile_error)?;
    Ok(())
}

/// The credential a run of profile `id` uses: its bearer token, or its client credentials
/// (a fresh access token is fetched at the start of the run). `None` when no profile `id` is
/// saved (the Target step can keep a token without a URL).
pub fn credential(
    profiles: &ProfileStore,
    secrets: &dyn SecretStore,
    id: &str,
) -> IpcResult<Option<Credential>> {
    let profile = match profiles.get(id) {
        Ok(loaded) => loaded.value,
        Err(ProfileError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(profile_error(e)),
    };
    let target = profile.to_target(secrets).map_err(profile_error)?;
    Ok(Some(target.credential))
}

/// Add or replace a profile's settings (the secret goes through `save_secret`).
#[tauri::command]
pub async fn save_profile(profile: ProfileInput) -> IpcResult<ProfileView> {
    crate::limits::profile_name(&profile.name)?;
    crate::limits::url("base URL", &profile.base_url)?;
    if let Some(sign_in) = &profile.sign_in {
        for uri in sign_in.redirect_uris.iter().chain(&sign_in.issuer) {
            crate::limits::url("redirect URI or issuer", uri)?;
        }
    }
    let (profiles, clock) = (store()?, clock()?);
    blocking(move || save(&profiles, profile, clock)).await
}

#[tauri::command]
pub async fn list_profiles() -> IpcResult<Vec<ProfileView>> {
    let (profiles, clock) = (store()?, clock()?);
    blocking(move || list(&profiles, clock)).await
}

/// Delete a profile and every keyring item of it (the UI asks for confirmation first).
#[tauri::command]
pub async fn delete_profile(profile_id: String) -> IpcResult<()> {
    let profiles = store()?;
    with_keyring(move |secrets| delete(&profiles, secrets, &profile_id)).await
}

/// For `run_checks`: the saved profile's credential, read from the keyring.
pub async fn run_credential(profile_id: &str) -> IpcResult<Option<Credential>> {
    let profiles = store()?;
    let id = profile_id.to_string();
    with_keyring(move |secrets| credential(&profiles, secrets, &id)).await
}

/// Shared by the command tests: a throwaway config dir and a fixed clock.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Removes the directory when dropped.
    pub struct TempDir(pub std::path::PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    pub fn temp_profiles(name: &str) -> (TempDir, ProfileStore) {
        let dir = std::env::temp_dir().join(format!(
            "preflight-app-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        (TempDir(dir.clone()), ProfileStore::new(dir))
    }

    /// 2026-05-01T12:00:00Z.
    pub fn fixed_now() -> Clock {
        Clock::parse_fixed("2026-05-01T12:00:00Z").expect("valid instant")
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{fixed_now, temp_profiles};
    use super::*;
    use preflight_core::Secret;
    use preflight_core::lifecycle::ExpiryBand;
    use preflight_core::secrets::MemoryStore;
    use serde_json::Value;

    fn cc_input(id: &str) -> ProfileInput {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": "Stackit prod", "base_url": "https://scim.example.com/scim/v2",
            "idp": "entra", "vendor": "stackit", "token_expires_at": "2026-05-20",
            "auth": {"kind": "client-credentials", "token_url": "https://idp.example.com/oauth2/token",
                     "client_id": "scim-client", "scope": " scim.read scim.write "}
        }))
        .unwrap()
    }

    #[test]
    fn a_client_credentials_profile_is_saved_with_days_left() {
        let (_dir, profiles) = temp_profiles("cc");
        let view = save(&profiles, cc_input("stackit"), fixed_now()).unwrap();
        assert_eq!(view.secret_kind, "client-secret");
        assert_eq!(view.vendor.as_deref(), Some("stackit"));
        assert_eq!(view.expiry.band, ExpiryBand::Warn);
        assert_eq!(view.expiry.days_left, Some(18));
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["auth"]["kind"], "client-credentials");
        assert_eq!(json["auth"]["scope"], "scim.read scim.write");
        // The old wizard call (no auth, no expiry) keeps what was saved.
        let kept: ProfileInput = serde_json::from_value(serde_json::json!({
            "id": "stackit", "name": "Stackit prod", "base_url": "https://scim.example.com/scim/v2", "idp": "okta"
        }))
        .unwrap();
        let view = save(&profiles, kept, fixed_now()).unwrap();
        assert_eq!(view.secret_kind, "client-secret");
        assert_eq!(view.idp, Idp::Okta);
        assert_eq!(view.expiry.days_left, Some(18));
        assert_eq!(list(&profiles, fixed_now()).unwrap().len(), 1);
    }

    #[test]
    fn sign_in_facts_are_saved_kept_and_cleared() {
        let (_dir, profiles) = temp_profiles("sign-in");
        let with = |sign_in: Value| -> ProfileInput {
            let mut v = serde_json::json!({
                "id": "acme", "name": "Acme", "base_url": "https://scim.example.com/scim/v2", "idp": "entra"
            });
            if !sign_in.is_null() {
                v["sign_in"] = sign_in;
            }
            serde_json::from_value(v).unwrap()
        };
        let view = save(
            &profiles,
            with(serde_json::json!({
                "app_name": " Acme SSO ", "client_id": "",
                "redirect_uris": ["https://app.example.com/cb", " ", "http://localhost:3000/cb"]
            })),
            fixed_now(),
        )
        .unwrap();
        assert_eq!(view.sign_in.app_name.as_deref(), Some("Acme SSO"));
        assert_eq!(view.sign_in.client_id, None);
        assert_eq!(
            view.sign_in.redirect_uris,
            ["https://app.example.com/cb", "http://localhost:3000/cb"]
        );
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(
            json["sign_in"]["redirect_uris"][1],
            "http://localhost:3000/cb"
        );
        // Absent: kept (an older UI call); an empty object: cleared, and not serialised.
        let kept = save(&profiles, with(Value::Null), fixed_now()).unwrap();
        assert_eq!(kept.sign_in, view.sign_in);
        let cleared = save(&profiles, with(serde_json::json!({})), fixed_now()).unwrap();
        assert!(
            serde_json::to_value(&cleared)
                .unwrap()
                .get("sign_in")
                .is_none()
        );
        // A plain-http redirect URI is refused with a stable code and nothing changes.
        let e = save(
            &profiles,
            with(serde_json::json!({"redirect_uris": ["http://app.example.com/cb"]})),
            fixed_now(),
        )
        .unwrap_err();
        assert_eq!(e.code, "input/sign-in", "{}", e.message);
        assert!(list(&profiles, fixed_now()).unwrap()[0].sign_in.is_empty());
    }

    #[test]
    fn bad_input_has_stable_codes_and_writes_nothing() {
        let (_dir, profiles) = temp_profiles("bad");
        for (patch, code) in [
            (serde_json::json!({"id": "Bad Id"}), "input/profile-id"),
            (
                serde_json::json!({"token_expires_at": "soon"}),
                "input/expiry",
            ),
            (serde_json::json!({"idp": "ping"}), "input/idp"),
            (serde_json::json!({"base_url": "not a url"}), "input/url"),
            (
                serde_json::json!({"auth": {"kind": "client-credentials", "token_url": "x", "client_id": "c"}}),
                "input/token-url",
            ),
            (
                serde_json::json!({"auth": {"kind": "client-credentials", "token_url": "https://idp.example.com/t", "client_id": " "}}),
                "input/client-id",
            ),
        ] {
            let mut v = serde_json::json!({
                "id": "acme", "name": "Acme", "base_url": "https://scim.example.com/scim/v2", "idp": "entra"
            });
            for (k, val) in patch.as_object().unwrap() {
                v[k] = val.clone();
            }
            let e = save(&profiles, serde_json::from_value(v).unwrap(), fixed_now()).unwrap_err();
            assert_eq!(e.code, code, "{}", e.message);
        }
        assert!(list(&profiles, fixed_now()).unwrap().is_empty());
        // A secret can never be smuggled in through the settings: unknown fields are dropped.
        let auth: AuthInput =
            serde_json::from_value(serde_json::json!({"kind": "bearer", "token": "x"})).unwrap();
        assert!(matches!(auth, AuthInput::Bearer));
    }

    #[test]
    fn delete_removes_the_profile_and_only_its_secrets() {
        let (_dir, profiles) = temp_profiles("delete");
        let keyring = MemoryStore::new();
        save(&profiles, cc_input("stackit"), fixed_now()).unwrap();
        save(
            &profiles,
            serde_json::from_value(serde_json::json!({
                "id": "other", "name": "Other", "base_url": "https://scim.example.com/scim/v2", "idp": "okta"
            }))
            .unwrap(),
            fixed_now(),
        )
        .unwrap();
        keyring
            .set("stackit/client-secret", &Secret::new("s1"))
            .unwrap();
        keyring
            .set("stackit/next-client-secret", &Secret::new("s2"))
            .unwrap();
        keyring.set("other/token", &Secret::new("t")).unwrap();

        delete(&profiles, &keyring, "stackit").unwrap();
        assert_eq!(keyring.accounts(), ["other/token"]);
        let left: Vec<String> = list(&profiles, fixed_now())
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(left, ["other"]);
        assert_eq!(
            delete(&profiles, &keyring, "stackit").unwrap_err().code,
            "profile/not-found"
        );
    }

    #[test]
    fn a_locked_keyring_deletes_nothing() {
        let (_dir, profiles) = temp_profiles("locked");
        save(&profiles, cc_input("stackit"), fixed_now()).unwrap();
        let locked = MemoryStore::failing(SecretStoreError::Locked {
            detail: "test".into(),
        });
        assert_eq!(
            delete(&profiles, &locked, "stackit").unwrap_err().code,
            "secrets/locked"
        );
        assert_eq!(list(&profiles, fixed_now()).unwrap().len(), 1);
    }

    #[test]
    fn runs_use_client_credentials_from_the_keyring() {
        let (_dir, profiles) = temp_profiles("cred");
        let keyring = MemoryStore::new();
        save(&profiles, cc_input("stackit"), fixed_now()).unwrap();
        assert_eq!(
            credential(&profiles, &keyring, "stackit").unwrap_err().code,
            "secrets/missing"
        );
        keyring
            .set("stackit/client-secret", &Secret::new("s1"))
            .unwrap();
        match credential(&profiles, &keyring, "stackit").unwrap() {
            Some(Credential::ClientCredentials {
                client_id,
                client_secret,
                scope,
                ..
            }) => {
                assert_eq!(client_id, "scim-client");
                assert_eq!(client_secret.expose(), "s1");
                assert_eq!(scope.as_deref(), Some("scim.read scim.write"));
            }
            other => panic!("{other:?}"),
        }
        assert!(credential(&profiles, &keyring, "nobody").unwrap().is_none());
    }
}
