//! Time limits for keyring calls.
//!
//! A Secret Service call can block forever: a locked collection under a desktop session
//! pops up an unlock dialog and waits for it. Preflight gives up after a time limit and says
//! so. A call that timed out cannot be cancelled — its thread is left to finish (or to wait)
//! in the background; the caller gets [`SecretStoreError::Timeout`] and moves on.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use super::{SecretStore, SecretStoreError};
use crate::secret::Secret;

/// Run a blocking keyring call on tokio's blocking pool, giving up after `secs` seconds.
pub async fn with_timeout<T>(
    f: impl FnOnce() -> Result<T, SecretStoreError> + Send + 'static,
    secs: u64,
) -> Result<T, SecretStoreError>
where
    T: Send + 'static,
{
    let task = tokio::task::spawn_blocking(f);
    match tokio::time::timeout(Duration::from_secs(secs), task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join_error)) => Err(SecretStoreError::Other {
            detail: format!("the keyring call failed: {join_error}"),
        }),
        Err(_elapsed) => Err(SecretStoreError::Timeout { secs }),
    }
}

/// The same for sync code (e.g. the CLI's `profile` commands): run `f` on its own thread and
/// wait at most `secs` seconds. Works with or without a tokio runtime on the calling thread.
pub fn blocking_with_timeout<T, E>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
    secs: u64,
) -> Result<T, E>
where
    T: Send + 'static,
    E: From<SecretStoreError> + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("preflight-keyring".into())
        .spawn(move || {
            // The receiver may be gone after a timeout; nothing to do then.
            let _ = tx.send(f());
        });
    if let Err(e) = spawned {
        return Err(SecretStoreError::Other {
            detail: format!("cannot start a thread for the keyring call: {e}"),
        }
        .into());
    }
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(SecretStoreError::Timeout { secs }.into()),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(SecretStoreError::Other {
            detail: "the keyring call panicked".into(),
        }
        .into()),
    }
}

/// A [`SecretStore`] whose every call is bounded by a time limit (see [`blocking_with_timeout`]).
pub struct TimeLimited {
    inner: Arc<dyn SecretStore>,
    secs: u64,
}

impl TimeLimited {
    pub fn new(inner: Arc<dyn SecretStore>, secs: u64) -> Self {
        TimeLimited { inner, secs }
    }
}

impl SecretStore for TimeLimited {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretStoreError> {
        let (inner, account) = (self.inner.clone(), account.to_string());
        blocking_with_timeout(move || inner.get(&account), self.secs)
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretStoreError> {
        let (inner, account, secret) = (self.inner.clone(), account.to_string(), secret.clone());
        blocking_with_timeout(move || inner.set(&account, &secret), self.secs)
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        let (inner, account) = (self.inner.clone(), account.to_string());
        blocking_with_timeout(move || inner.delete(&account), self.secs)
    }

    fn backend_name(&self) -> String {
        self.inner.backend_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    fn hang() -> Result<(), SecretStoreError> {
        std::thread::sleep(Duration::from_secs(3));
        Ok(())
    }

    #[tokio::test]
    async fn async_helper_returns_the_result() {
        assert_eq!(with_timeout(|| Ok(7), 5).await, Ok(7));
    }

    #[tokio::test]
    async fn async_helper_gives_up_on_a_hung_call() {
        let started = std::time::Instant::now();
        assert_eq!(
            with_timeout(hang, 1).await,
            Err(SecretStoreError::Timeout { secs: 1 })
        );
        assert!(started.elapsed() < Duration::from_millis(2500));
    }

    #[test]
    fn sync_helper_gives_up_on_a_hung_call() {
        let started = std::time::Instant::now();
        let result: Result<(), SecretStoreError> = blocking_with_timeout(hang, 1);
        assert_eq!(result, Err(SecretStoreError::Timeout { secs: 1 }));
        assert!(started.elapsed() < Duration::from_millis(2500));
        assert!(result.unwrap_err().to_string().contains("unlock"));
    }

    #[test]
    fn time_limited_store_delegates() {
        let store = TimeLimited::new(Arc::new(MemoryStore::new()), 5);
        store.set("p/token", &Secret::new("v")).unwrap();
        assert_eq!(store.get("p/token").unwrap().unwrap().expose(), "v");
        store.delete("p/token").unwrap();
        assert_eq!(store.get("p/token").unwrap(), None);
        assert_eq!(store.backend_name(), "memory (tests only)");
    }
}
