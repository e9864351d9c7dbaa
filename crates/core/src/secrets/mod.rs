//! Where credentials live between runs: the OS keyring, never a file.
//!
//! [`SecretStore`] is the seam. [`KeyringStore`] is the real one (the freedesktop Secret
//! Service on Linux: gnome-keyring or KWallet, over D-Bus); [`MemoryStore`] is for tests.
//! There is no plaintext fallback: when the keyring is missing or locked the caller gets a
//! [`SecretStoreError`] that tells the admin how to fix it.
//!
//! Every call is blocking (D-Bus round trips, possibly an unlock prompt that nobody answers).
//! From async code use [`with_timeout`]; from sync code [`blocking_with_timeout`] or wrap the
//! store in a [`TimeLimited`].
//!
//! Items are addressed by service [`SERVICE`] (`preflight`) and an account
//! `<profile id>/<kind>`, see [`account`].

mod error;
mod keyring;
mod memory;
mod timeout;

pub use error::SecretStoreError;
pub use keyring::KeyringStore;
pub use memory::MemoryStore;
pub use timeout::{TimeLimited, blocking_with_timeout, with_timeout};

use std::fmt;

use crate::secret::Secret;

/// The keyring service name of every Preflight item.
pub const SERVICE: &str = "preflight";

/// A credential store. Blocking: callers run it off the async runtime.
pub trait SecretStore: Send + Sync {
    /// The secret stored under `account`, or `None` when there is none.
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretStoreError>;
    /// Store (or replace) the secret under `account`.
    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretStoreError>;
    /// Delete the secret under `account`; deleting one that does not exist is not an error.
    fn delete(&self, account: &str) -> Result<(), SecretStoreError>;
    /// Where secrets go, in words an admin recognises (shown by `preflight profile show`).
    fn backend_name(&self) -> String;

    /// Whether a secret is stored under `account` (the value is read and dropped, never shown).
    fn contains(&self, account: &str) -> Result<bool, SecretStoreError> {
        Ok(self.get(account)?.is_some())
    }
}

/// Which secret of a profile an item holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// The bearer token of a `Bearer` profile.
    Token,
    /// The OAuth client secret of a `ClientCredentials` profile.
    ClientSecret,
}

impl SecretKind {
    pub const ALL: [SecretKind; 2] = [SecretKind::Token, SecretKind::ClientSecret];

    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::Token => "token",
            SecretKind::ClientSecret => "client-secret",
        }
    }

    /// The words used in messages: "token", "client secret".
    pub fn noun(self) -> &'static str {
        match self {
            SecretKind::Token => "token",
            SecretKind::ClientSecret => "client secret",
        }
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The keyring account of one secret of a profile: `<profile id>/<kind>`, e.g.
/// `acme-prod/token`. Profile ids never contain `/`, so accounts never collide.
pub fn account(profile_id: &str, kind: SecretKind) -> String {
    format!("{profile_id}/{}", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_id_slash_kind() {
        assert_eq!(account("acme-prod", SecretKind::Token), "acme-prod/token");
        assert_eq!(
            account("acme-prod", SecretKind::ClientSecret),
            "acme-prod/client-secret"
        );
    }
}
