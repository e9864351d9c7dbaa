//! The rotation wizard's commands over core's `lifecycle::rotation`: the core decides what
//! may be marked (and refuses "revoke old" before the new token passed); these commands move
//! secrets between the UI, the keyring and the connection test.

use std::sync::Arc;

use serde::Serialize;

use super::profiles::{clock, profile_error, store, with_keyring};
use super::secrets::keyring_error;
use crate::error::{IpcError, IpcResult};
use preflight_core::check::RunOptions;
use preflight_core::event::EventSink;
use preflight_core::lifecycle::rotation::provisioning_log_hint;
use preflight_core::lifecycle::{
    Clock, ConnectionTest, Rotation, RotationError, RotationStep, RotationStore,
    RotationStoreError, StepView, connection_test_checks,
};
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::profile::{Profile, ProfileAuth, ProfileId, ProfileStore};
use preflight_core::redact::Redactor;
use preflight_core::secrets::SecretStore;
use preflight_core::target::{Credential, parse_base_url};
use preflight_core::{Secret, checks, engine};

/// The wizard as the UI shows it.
#[derive(Debug, Serialize)]
pub struct RotationView {
    pub profile_id: String,
    pub started_at: String,
    pub steps: Vec<StepView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<RotationStep>,
    /// `token` or `client-secret`: what is being rotated.
    pub secret_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_test: Option<ConnectionTest>,
    /// The new secret passed and now is the profile's secret; the old one is gone from the
    /// keyring (it stays valid at the target until revoked there).
    pub promoted: bool,
    /// Whether "revoke old" may be marked now (the core enforces it again).
    pub can_revoke: bool,
    pub finished: bool,
    /// The connection test's check ids, so the UI can say what runs.
    pub test_checks: Vec<&'static str>,
    /// Where to look for the provisioning event of step 4.
    pub provisioning_log_hint: &'static str,
}

impl RotationView {
    fn of(r: &Rotation, profile: &Profile) -> RotationView {
        let cc = matches!(profile.auth, ProfileAuth::ClientCredentials { .. });
        RotationView {
            profile_id: r.profile_id.to_string(),
            started_at: r.started_at.clone(),
            steps: r.steps(),
            next_step: r.next_step(),
            secret_kind: profile.secret_kind().as_str(),
            new_expires_at: r.new_expires_at.clone(),
            connection_test: r.connection_test.clone(),
            promoted: r.promoted_at.is_some(),
            can_revoke: r.next_step() == Some(RotationStep::RevokeOld) && r.new_secret_passed(),
            finished: r.is_finished(),
            test_checks: connection_test_checks(profile.idp, cc),
            provisioning_log_hint: provisioning_log_hint(profile.idp),
        }
    }
}

pub(crate) fn rotation_error(e: RotationStoreError) -> IpcError {
    let code = match &e {
        RotationStoreError::Step(RotationError::NewTokenNotTested) => {
            "rotation/new-token-not-tested"
        }
        RotationStoreError::Step(RotationError::StepNotReady { .. }) => "rotation/step-not-ready",
        RotationStoreError::Step(_) => "rotation/finished",
        RotationStoreError::Profile(_) | RotationStoreError::Keyring(_) => {
            return match e {
                RotationStoreError::Profile(p) => profile_error(p),
                RotationStoreError::Keyring(k) => keyring_error(k),
                _ => unreachable!("matched above"),
            };
        }
        RotationStoreError::NotStarted { .. } => "rotation/not-started",
        RotationStoreError::PendingSecretMissing { .. } => "secrets/missing",
        RotationStoreError::EmptySecret { .. } => "input/empty-secret",
        _ => "rotation/error",
    };
    IpcError::new(code, e.to_string())
}

fn profile(profiles: &ProfileStore, id: &str) -> IpcResult<Profile> {
    let id = ProfileId::parse(id.trim()).map_err(profile_error)?;
    Ok(profiles.get(id.as_str()).map_err(profile_error)?.value)
}

pub fn status(profiles: &ProfileStore, id: &str) -> IpcResult<Option<RotationView>> {
    let p = profile(profiles, id)?;
    let r = RotationStore::beside(profiles)
        .load(&p.id)
        .map_err(rotation_error)?;
    Ok(r.map(|r| RotationView::of(&r, &p)))
}

pub fn start(profiles: &ProfileStore, id: &str, clock: Clock) -> IpcResult<RotationView> {
    let p = profile(profiles, id)?;
    let r = RotationStore::beside(profiles)
        .start(&p, clock)
        .map_err(rotation_error)?;
    Ok(RotationView::of(&r, &p))
}

pub fn new_secret(
    profiles: &ProfileStore,
    secrets: &dyn SecretStore,
    id: &str,
    value: Secret,
    expires_at: Option<String>,
    clock: Clock,
) -> IpcResult<RotationView> {
    let p = profile(profiles, id)?;
    let r = RotationStore::beside(profiles)
        .store_new_secret(
            &p,
            &value,
            expires_at.as_deref(),
            super::vendors::vendor_default_expiry(p.vendor.as_deref(), clock),
            secrets,
            clock,
        )
        .map_err(rotation_error)?;
    Ok(RotationView::of(&r, &p))
}

pub fn confirm(
    profiles: &ProfileStore,
    id: &str,
    step: RotationStep,
    clock: Clock,
) -> IpcResult<RotationView> {
    let p = profile(profiles, id)?;
    let r = RotationStore::beside(profiles)
        .confirm(&p.id, step, clock)
        .map_err(rotation_error)?;
    Ok(RotationView::of(&r, &p))
}

pub fn record(
    profiles: &ProfileStore,
    secrets: &dyn SecretStore,
    id: &str,
    test: ConnectionTest,
    clock: Clock,
) -> IpcResult<RotationView> {
    let p = profile(profiles, id)?;
    let r = RotationStore::beside(profiles)
        .record_test(&p, test, secrets, clock)
        .map_err(rotation_error)?;
    Ok(RotationView::of(&r, &p))
}

/// The credential of `p` with `secret` in place of the saved one.
fn credential_with(p: &Profile, secret: Secret) -> IpcResult<Credential> {
    Ok(match &p.auth {
        ProfileAuth::Bearer => Credential::Bearer(secret),
        ProfileAuth::ClientCredentials {
            token_url,
            client_id,
            scope,
        } => Credential::ClientCredentials {
            token_url: parse_base_url(token_url)
                .map_err(|e| IpcError::new("input/token-url", e.to_string()))?,
            client_id: client_id.clone(),
            client_secret: secret,
            scope: scope.clone(),
        },
    })
}

/// Run the IdP's connection test against `p`'s target with `secret` (the pending one).
pub async fn run_connection_test(
    p: &Profile,
    secret: Secret,
    clock: Clock,
) -> IpcResult<ConnectionTest> {
    let cc = matches!(p.auth, ProfileAuth::ClientCredentials { .. });
    let expected = connection_test_checks(p.idp, cc);
    let mut target = p
        .to_target_with(credential_with(p, secret)?)
        .map_err(profile_error)?;
    target.dialects = Vec::new();
    let transport = LiveTransport::new(&NetConfig::default())
        .map_err(|e| IpcError::new("net/config", e.to_string()))?;
    let probe = Probe::new(Arc::new(transport), target, Redactor::new());
    let options = RunOptions {
        only: expected.iter().map(|s| s.to_string()).collect(),
        now: clock.now(),
        ..RunOptions::default()
    };
    let quiet: EventSink = Arc::new(|_| {});
    let report = engine::run(&checks::read_only(), &probe, &options, &quiet).await;
    Ok(ConnectionTest::from_report(&report, &expected, clock))
}

#[tauri::command]
pub async fn rotation_status(profile_id: String) -> IpcResult<Option<RotationView>> {
    let profiles = store()?;
    tauri::async_runtime::spawn_blocking(move || status(&profiles, &profile_id))
        .await
        .map_err(|e| IpcError::new("rotation/error", e.to_string()))?
}

#[tauri::command]
pub async fn rotation_start(profile_id: String) -> IpcResult<RotationView> {
    let (profiles, clock) = (store()?, clock()?);
    tauri::async_runtime::spawn_blocking(move || start(&profiles, &profile_id, clock))
        .await
        .map_err(|e| IpcError::new("rotation/error", e.to_string()))?
}

/// Step 1: the new secret, sent once, kept in the keyring as pending.
#[tauri::command]
pub async fn rotation_new_secret(
    profile_id: String,
    value: String,
    expires_at: Option<String>,
) -> IpcResult<RotationView> {
    crate::limits::secret(&value)?;
    let (profiles, clock) = (store()?, clock()?);
    let value = Secret::new(value);
    with_keyring(move |secrets| {
        new_secret(&profiles, secrets, &profile_id, value, expires_at, clock)
    })
    .await
}

/// Steps 2, 4 and 5: the admin confirms.
#[tauri::command]
pub async fn rotation_confirm(profile_id: String, step: RotationStep) -> IpcResult<RotationView> {
    let (profiles, clock) = (store()?, clock()?);
    tauri::async_runtime::spawn_blocking(move || confirm(&profiles, &profile_id, step, clock))
        .await
        .map_err(|e| IpcError::new("rotation/error", e.to_string()))?
}

/// Step 3: the connection test with the new (pending) secret; a pass promotes it.
#[tauri::command]
pub async fn rotation_test(profile_id: String) -> IpcResult<RotationView> {
    let (profiles, clock) = (store()?, clock()?);
    let p = {
        let profiles = profiles.clone();
        let id = profile_id.clone();
        tauri::async_runtime::spawn_blocking(move || profile(&profiles, &id))
            .await
            .map_err(|e| IpcError::new("rotation/error", e.to_string()))??
    };
    let pending = {
        let (profiles, p) = (profiles.clone(), p.clone());
        with_keyring(move |secrets| {
            RotationStore::beside(&profiles)
                .pending_secret(&p, secrets)
                .map_err(rotation_error)
        })
        .await?
    };
    let test = run_connection_test(&p, pending, clock).await?;
    with_keyring(move |secrets| record(&profiles, secrets, &profile_id, test, clock)).await
}

/// Abandon the rotation: the pending secret is deleted, the current one is kept.
#[tauri::command]
pub async fn rotation_cancel(profile_id: String) -> IpcResult<()> {
    let profiles = store()?;
    with_keyring(move |secrets| {
        let id = ProfileId::parse(profile_id.trim()).map_err(profile_error)?;
        RotationStore::beside(&profiles)
            .discard(&id, secrets)
            .map_err(rotation_error)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::profiles::test_support::{fixed_now, temp_profiles};
    use crate::commands::profiles::{ProfileInput, save};
    use preflight_core::secrets::MemoryStore;
    use preflight_testbed::{StaticToken, Testbed, TestbedConfig};

    fn input(base_url: &str) -> ProfileInput {
        serde_json::from_value(serde_json::json!({
            "id": "acme", "name": "Acme", "base_url": base_url, "idp": "entra"
        }))
        .unwrap()
    }

    fn current(keyring: &MemoryStore) -> String {
        keyring
            .get("acme/token")
            .unwrap()
            .unwrap()
            .expose()
            .to_string()
    }

    /// The whole wizard against a real testbed that accepts the old and the new token.
    #[tokio::test]
    async fn rotate_against_the_testbed_old_token_kept_until_the_new_one_passed() {
        let testbed = Testbed::start(TestbedConfig {
            tokens: vec![
                StaticToken::read_write("old-token"),
                StaticToken::read_write("new-token"),
            ],
            ..TestbedConfig::default()
        })
        .await
        .unwrap();
        let (_dir, profiles) = temp_profiles("rotate");
        let keyring = MemoryStore::new();
        save(&profiles, input(&testbed.base_url()), fixed_now()).unwrap();
        keyring
            .set("acme/token", &Secret::new("old-token"))
            .unwrap();
        let p = profile(&profiles, "acme").unwrap();

        let view = start(&profiles, "acme", fixed_now()).unwrap();
        assert_eq!(view.next_step, Some(RotationStep::CreateNew));
        assert!(!view.can_revoke);
        // A token the target does not know: the test fails, nothing is promoted.
        new_secret(
            &profiles,
            &keyring,
            "acme",
            Secret::new("typo-token"),
            None,
            fixed_now(),
        )
        .unwrap();
        confirm(&profiles, "acme", RotationStep::UpdateIdp, fixed_now()).unwrap();
        let pending = RotationStore::beside(&profiles)
            .pending_secret(&p, &keyring)
            .unwrap();
        let test = run_connection_test(&p, pending, fixed_now()).await.unwrap();
        assert!(!test.passed, "{test:?}");
        assert!(
            test.problems
                .iter()
                .any(|p| p.starts_with("auth/users-accepts-token")),
            "{test:?}"
        );
        let view = record(&profiles, &keyring, "acme", test, fixed_now()).unwrap();
        assert!(!view.can_revoke && !view.promoted);
        assert_eq!(current(&keyring), "old-token");
        assert_eq!(
            confirm(&profiles, "acme", RotationStep::RevokeOld, fixed_now())
                .unwrap_err()
                .code,
            "rotation/new-token-not-tested"
        );

        // The right new token: it passes, replaces the old one, and revoke becomes possible.
        new_secret(
            &profiles,
            &keyring,
            "acme",
            Secret::new("new-token"),
            Some("2026-10-28".into()),
            fixed_now(),
        )
        .unwrap();
        assert_eq!(current(&keyring), "old-token");
        confirm(&profiles, "acme", RotationStep::UpdateIdp, fixed_now()).unwrap();
        let pending = RotationStore::beside(&profiles)
            .pending_secret(&p, &keyring)
            .unwrap();
        let test = run_connection_test(&p, pending, fixed_now()).await.unwrap();
        assert!(test.passed, "{test:?}");
        let view = record(&profiles, &keyring, "acme", test, fixed_now()).unwrap();
        assert!(view.promoted);
        assert_eq!(current(&keyring), "new-token");
        assert_eq!(keyring.accounts(), ["acme/token"]);
        assert!(!view.can_revoke, "provisioning event not confirmed yet");
        let view = confirm(
            &profiles,
            "acme",
            RotationStep::VerifyProvisioning,
            fixed_now(),
        )
        .unwrap();
        assert!(view.can_revoke);
        let view = confirm(&profiles, "acme", RotationStep::RevokeOld, fixed_now()).unwrap();
        assert!(view.finished);
        let listed = crate::commands::profiles::list(&profiles, fixed_now()).unwrap();
        assert_eq!(
            listed[0].expiry.expires_at.as_deref(),
            Some("2026-10-28T00:00:00Z")
        );
        testbed.shutdown().await;
    }

    #[test]
    fn views_serialise_for_the_ui_and_errors_have_codes() {
        let (_dir, profiles) = temp_profiles("view");
        save(
            &profiles,
            input("https://scim.example.com/scim/v2"),
            fixed_now(),
        )
        .unwrap();
        assert!(status(&profiles, "acme").unwrap().is_none());
        assert_eq!(
            confirm(&profiles, "acme", RotationStep::UpdateIdp, fixed_now())
                .unwrap_err()
                .code,
            "rotation/not-started"
        );
        let view = start(&profiles, "acme", fixed_now()).unwrap();
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["steps"][0]["step"], "create_new");
        assert_eq!(json["steps"][0]["state"], "current");
        assert_eq!(json["test_checks"][2], "entra/test-connection");
        assert_eq!(
            confirm(&profiles, "acme", RotationStep::UpdateIdp, fixed_now())
                .unwrap_err()
                .code,
            "rotation/step-not-ready"
        );
        let step: RotationStep = serde_json::from_str("\"revoke_old\"").unwrap();
        assert_eq!(step, RotationStep::RevokeOld);
        assert_eq!(
            status(&profiles, "nobody").unwrap_err().code,
            "profile/not-found"
        );
    }
}
