//! Why the keyring could not be used, each message naming what the admin should do.

/// A keyring failure. Messages never contain a secret and always end in a fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretStoreError {
    /// No keyring service to talk to: no D-Bus session bus, or nothing provides the Secret
    /// Service on it (or the platform has no supported keyring).
    #[error(
        "no OS keyring is available ({detail}). Start gnome-keyring or KWallet and unlock it (a desktop \
         session usually does this; on a headless machine run `gnome-keyring-daemon --unlock` inside a D-Bus \
         session); Preflight never falls back to a plaintext file"
    )]
    Unavailable { detail: String },

    /// The keyring is there but locked, or it refused access (the unlock prompt was dismissed).
    #[error(
        "the OS keyring is locked or refused access ({detail}). Unlock it (GNOME: Passwords and Keys; KDE: \
         KWallet Manager; headless: `gnome-keyring-daemon --unlock`) and try again"
    )]
    Locked { detail: String },

    /// The keyring did not answer in time — typically an unlock dialog is waiting on a screen.
    #[error(
        "the OS keyring did not answer within {secs} s; it is probably waiting for you to unlock it in a \
         dialog. Unlock the keyring (GNOME: Passwords and Keys; KDE: KWallet Manager) and try again"
    )]
    Timeout { secs: u64 },

    /// More than one keyring item matches one account, so Preflight cannot tell which is meant.
    #[error(
        "{count} keyring items match service 'preflight', account '{account}'. Remove the extra ones \
         (`secret-tool clear service preflight username {account}` removes all of them) and add the \
         profile again"
    )]
    Ambiguous { account: String, count: usize },

    /// Anything else the keyring reported.
    #[error(
        "the OS keyring reported an error: {detail}. Check that gnome-keyring or KWallet is running and \
         unlocked, then try again"
    )]
    Other { detail: String },
}
