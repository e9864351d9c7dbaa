//! The OS keyring through `keyring-core`. On Linux and the BSDs this is the freedesktop Secret
//! Service (gnome-keyring, KWallet) over D-Bus, in pure Rust (`zbus-secret-service-keyring-store`).
//!
//! Items are created in the user's default ("login") collection with the attributes
//! `service` = `preflight` and `username` = `<profile id>/<kind>`, and the label
//! `keyring:<profile id>/<kind>@preflight`, so `secret-tool search service preflight` lists them.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::{SERVICE, SecretStore, SecretStoreError};
use crate::secret::Secret;

/// The OS keyring. Cheap to clone; each call is a blocking D-Bus round trip.
#[derive(Clone)]
pub struct KeyringStore {
    store: Arc<CredentialStore>,
    service: String,
}

impl KeyringStore {
    /// Connect to the platform keyring. Blocking (it opens a D-Bus session): run it through
    /// [`super::with_timeout`] or [`super::blocking_with_timeout`].
    pub fn open() -> Result<Self, SecretStoreError> {
        Ok(KeyringStore {
            store: platform_store()?,
            service: SERVICE.to_string(),
        })
    }

    fn entry(&self, account: &str) -> Result<Entry, SecretStoreError> {
        Entry::new_in_store(&self.store, &self.service, account).map_err(|e| map_error(e, account))
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretStoreError> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| {
        let detail = match e {
            keyring_core::Error::PlatformFailure(inner) => inner.to_string(),
            other => other.to_string(),
        };
        SecretStoreError::Unavailable {
            detail: format!("cannot reach the Secret Service over D-Bus: {detail}"),
        }
    })?;
    Ok(store)
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretStoreError> {
    Err(SecretStoreError::Unavailable {
        detail: format!(
            "this build of Preflight has no keyring support for {}",
            std::env::consts::OS
        ),
    })
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretStoreError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e, account)),
        }
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretStoreError> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(|e| map_error(e, account))
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e, account)),
        }
    }

    fn backend_name(&self) -> String {
        if cfg!(all(unix, not(target_os = "macos"))) {
            "the OS keyring (Secret Service: gnome-keyring/KWallet)".to_string()
        } else {
            "the OS keyring".to_string()
        }
    }
}

/// keyring-core's error, as a [`SecretStoreError`]. Variants that carry the stored bytes
/// (`BadEncoding`, `BadDataFormat`) are never formatted with them.
fn map_error(error: keyring_core::Error, account: &str) -> SecretStoreError {
    use keyring_core::Error as K;
    match error {
        K::NoStorageAccess(e) => SecretStoreError::Locked {
            detail: e.to_string(),
        },
        K::PlatformFailure(e) if looks_unreachable(&e.to_string()) => {
            SecretStoreError::Unavailable {
                detail: e.to_string(),
            }
        }
        K::PlatformFailure(e) => SecretStoreError::Other {
            detail: e.to_string(),
        },
        K::NoDefaultStore => SecretStoreError::Unavailable {
            detail: "no keyring store is configured".into(),
        },
        K::Ambiguous(entries) => SecretStoreError::Ambiguous {
            account: account.to_string(),
            count: entries.len(),
        },
        K::BadEncoding(_) => SecretStoreError::Other {
            detail: format!(
                "the item for '{account}' does not hold UTF-8 text (it was not written by Preflight)"
            ),
        },
        K::BadDataFormat(_, _) => SecretStoreError::Other {
            detail: format!("the item for '{account}' is not in the expected format"),
        },
        other => SecretStoreError::Other {
            detail: other.to_string(),
        },
    }
}

/// D-Bus errors that mean "nobody is there" rather than "something went wrong".
fn looks_unreachable(detail: &str) -> bool {
    [
        "ServiceUnknown",
        "NameHasNoOwner",
        "NoReply",
        "Disconnected",
        "No such file or directory",
        "Connection refused",
        "Address",
    ]
    .iter()
    .any(|needle| detail.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carrying_stored_bytes_do_not_print_them() {
        let canary = b"canary-token-123".to_vec();
        let e = map_error(keyring_core::Error::BadEncoding(canary.clone()), "p/token");
        assert!(!e.to_string().contains("canary"));
        let e = map_error(
            keyring_core::Error::BadDataFormat(canary, "bad".into()),
            "p/token",
        );
        assert!(!e.to_string().contains("canary"));
    }

    #[test]
    fn locked_and_unreachable_are_told_apart() {
        let locked = map_error(
            keyring_core::Error::NoStorageAccess("Locked".into()),
            "p/token",
        );
        assert!(matches!(locked, SecretStoreError::Locked { .. }));
        let gone = map_error(
            keyring_core::Error::PlatformFailure(
                "org.freedesktop.DBus.Error.ServiceUnknown".into(),
            ),
            "p/token",
        );
        assert!(matches!(gone, SecretStoreError::Unavailable { .. }));
        assert!(
            gone.to_string()
                .contains("never falls back to a plaintext file")
        );
    }
}
