//! Secrets: the UI sends a token once to `save_secret`; it goes to the OS keyring and never
//! comes back over IPC. `secret_status` only says whether one is stored.

use preflight_core::Secret;
use preflight_core::profile::ProfileId;
use preflight_core::secrets::{
    self, KeyringStore, SecretKind, SecretStore, SecretStoreError, with_timeout,
};

use crate::error::{IpcError, IpcResult};

/// Longest we wait for the keyring (an unanswered unlock prompt would wait forever).
const KEYRING_TIMEOUT_SECS: u64 = 20;

pub(crate) fn keyring_error(e: SecretStoreError) -> IpcError {
    let code = match e {
        SecretStoreError::Unavailable { .. } => "secrets/unavailable",
        SecretStoreError::Locked { .. } => "secrets/locked",
        SecretStoreError::Timeout { .. } => "secrets/timeout",
        SecretStoreError::Ambiguous { .. } => "secrets/ambiguous",
        SecretStoreError::Other { .. } => "secrets/error",
    };
    IpcError::new(code, e.to_string())
}

fn parse_kind(kind: &str) -> IpcResult<SecretKind> {
    SecretKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(|| {
            IpcError::new(
                "input/secret-kind",
                format!("unknown secret kind '{kind}': use token or client-secret"),
            )
        })
}

fn account(profile_id: &str, kind: &str) -> IpcResult<String> {
    let id = ProfileId::parse(profile_id)
        .map_err(|e| IpcError::new("input/profile-id", e.to_string()))?;
    Ok(secrets::account(id.as_str(), parse_kind(kind)?))
}

/// Run one blocking keyring call off the async runtime, bounded in time.
async fn keyring<T: Send + 'static>(
    f: impl FnOnce(&KeyringStore) -> Result<T, SecretStoreError> + Send + 'static,
) -> IpcResult<T> {
    with_timeout(move || f(&KeyringStore::open()?), KEYRING_TIMEOUT_SECS)
        .await
        .map_err(keyring_error)
}

#[tauri::command]
pub async fn save_secret(profile_id: String, kind: String, value: String) -> IpcResult<()> {
    crate::limits::secret(&value)?;
    let account = account(&profile_id, &kind)?;
    let secret = Secret::new(value);
    if secret.is_empty() {
        return Err(IpcError::new(
            "input/empty-secret",
            "the value is empty; paste the token first",
        ));
    }
    keyring(move |store| store.set(&account, &secret)).await
}

#[tauri::command]
pub async fn delete_secret(profile_id: String, kind: String) -> IpcResult<()> {
    let account = account(&profile_id, &kind)?;
    keyring(move |store| store.delete(&account)).await
}

/// Whether a secret is stored; never the secret itself.
#[tauri::command]
pub async fn secret_status(profile_id: String, kind: String) -> IpcResult<bool> {
    let account = account(&profile_id, &kind)?;
    keyring(move |store| store.contains(&account)).await
}

/// The bearer token of a profile, for a run.
pub async fn load_token(profile_id: &str) -> IpcResult<Secret> {
    let account = account(profile_id, SecretKind::Token.as_str())?;
    let found = keyring(move |store| store.get(&account)).await?;
    found.ok_or_else(|| {
        IpcError::new("secrets/missing", format!("no token is saved for profile '{profile_id}'; paste it on the Target step and save it"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_validated() {
        assert_eq!(account("acme-prod", "token").unwrap(), "acme-prod/token");
        assert_eq!(
            account("acme-prod", "client-secret").unwrap(),
            "acme-prod/client-secret"
        );
        assert_eq!(
            account("../etc", "token").unwrap_err().code,
            "input/profile-id"
        );
        assert_eq!(
            account("acme", "password").unwrap_err().code,
            "input/secret-kind"
        );
    }

    #[test]
    fn keyring_errors_have_stable_codes_and_no_secret() {
        let e = keyring_error(SecretStoreError::Locked {
            detail: "dismissed".into(),
        });
        assert_eq!(e.code, "secrets/locked");
        assert!(e.message.contains("Unlock"));
        assert_eq!(
            keyring_error(SecretStoreError::Timeout { secs: 20 }).code,
            "secrets/timeout"
        );
    }
}
