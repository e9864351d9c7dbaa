//! An in-memory [`SecretStore`] for tests: nothing leaves the process, nothing persists.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::{SecretStore, SecretStoreError};
use crate::secret::Secret;

/// Secrets in a map. Can be told to fail every call, to test the error paths.
#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<HashMap<String, Secret>>,
    failure: Option<SecretStoreError>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A store whose every call fails with `error` (e.g. a keyring that is not running).
    pub fn failing(error: SecretStoreError) -> Self {
        MemoryStore {
            items: Mutex::default(),
            failure: Some(error),
        }
    }

    /// The accounts that hold a secret, sorted.
    pub fn accounts(&self) -> Vec<String> {
        let mut accounts: Vec<String> = self.items().keys().cloned().collect();
        accounts.sort();
        accounts
    }

    fn check(&self) -> Result<(), SecretStoreError> {
        self.failure.clone().map_or(Ok(()), Err)
    }

    fn items(&self) -> MutexGuard<'_, HashMap<String, Secret>> {
        // A panic while holding the lock cannot leave the map half-updated: recover it.
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretStoreError> {
        self.check()?;
        Ok(self.items().get(account).cloned())
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretStoreError> {
        self.check()?;
        self.items().insert(account.to_string(), secret.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        self.check()?;
        self.items().remove(account);
        Ok(())
    }

    fn backend_name(&self) -> String {
        "memory (tests only)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_delete() {
        let store = MemoryStore::new();
        assert_eq!(store.get("a/token").unwrap(), None);
        store.set("a/token", &Secret::new("s1")).unwrap();
        store.set("a/token", &Secret::new("s2")).unwrap();
        assert_eq!(store.get("a/token").unwrap().unwrap().expose(), "s2");
        assert!(store.contains("a/token").unwrap());
        store.delete("a/token").unwrap();
        store.delete("a/token").unwrap();
        assert!(!store.contains("a/token").unwrap());
    }

    #[test]
    fn a_failing_store_fails_every_call() {
        let store = MemoryStore::failing(SecretStoreError::Unavailable {
            detail: "test".into(),
        });
        assert!(matches!(
            store.get("a/token"),
            Err(SecretStoreError::Unavailable { .. })
        ));
        assert!(store.set("a/token", &Secret::new("x")).is_err());
        assert!(store.delete("a/token").is_err());
    }
}
