//! What can go wrong with profiles. Every message names the fix.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::secrets::{SecretKind, SecretStoreError};
use crate::target::TargetError;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(
        "'{id}' is not a valid profile id: {reason}. Use 1–64 characters [a-z0-9-], e.g. acme-prod"
    )]
    InvalidId { id: String, reason: String },

    #[error("the profile name is empty; give a name such as \"Acme production\"")]
    EmptyName,

    #[error("base URL: {0}")]
    InvalidUrl(TargetError),

    #[error("token URL: {0}")]
    InvalidTokenUrl(TargetError),

    #[error("the client ID is empty; give the OAuth client ID issued for the SCIM app")]
    EmptyClientId,

    #[error("'{value}' is not a date: give the token's expiry as YYYY-MM-DD, e.g. 2026-05-31")]
    InvalidExpiry { value: String },

    #[error("sign-in {field}: {reason}")]
    InvalidSignIn { field: &'static str, reason: String },

    #[error("no profile '{id}'; `preflight profile list` shows the saved profiles")]
    NotFound { id: String },

    #[error("{}", missing_secret(.id, .kind, .backend))]
    MissingSecret {
        id: String,
        kind: SecretKind,
        backend: String,
    },

    #[error(transparent)]
    Keyring(#[from] SecretStoreError),

    #[error(
        "cannot find a configuration directory (HOME is not set); set PREFLIGHT_CONFIG_DIR to a directory for profiles.json"
    )]
    NoConfigDir,

    #[error("cannot read {}: {source}. Check the file's permissions", .path.display())]
    Read { path: PathBuf, source: io::Error },

    #[error("{}", write_failed(.path, .source))]
    Write { path: PathBuf, source: io::Error },

    #[error(
        "{} is not valid ({reason}) and could not be moved aside ({rename_error}); nothing was changed. \
         Repair or move the file, then try again",
        .path.display()
    )]
    Corrupt {
        path: PathBuf,
        reason: String,
        rename_error: String,
    },

    #[error(
        "{} was written by a newer Preflight (format {found}; this one reads format {supported}). Upgrade Preflight",
        .path.display()
    )]
    NewerFormat {
        path: PathBuf,
        found: u64,
        supported: u64,
    },
}

fn missing_secret(id: &str, kind: &SecretKind, backend: &str) -> String {
    match kind {
        SecretKind::Token => format!(
            "profile '{id}' has no token stored in {backend}; run `preflight profile add --name … --url … \
             --token-stdin` (or with PREFLIGHT_TOKEN set) to store it"
        ),
        SecretKind::ClientSecret => format!(
            "profile '{id}' has no client secret stored in {backend}; set PREFLIGHT_CLIENT_SECRET and run \
             `preflight profile add --name … --url … --token-url … --client-id …` to store it"
        ),
    }
}

fn write_failed(path: &std::path::Path, source: &io::Error) -> String {
    let dir = path.parent().unwrap_or(path).display();
    let read_only = matches!(
        source.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    );
    // Full disk, quota, or a file size limit (EFBIG): the old file is still there, unchanged.
    let full = matches!(
        source.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
    );
    if read_only {
        format!(
            "cannot save profiles: {dir} is not writable ({source}). Make it writable, or set PREFLIGHT_CONFIG_DIR \
             to a writable directory"
        )
    } else if full {
        format!(
            "cannot save {}: no space left for it ({source}). Free disk space (or raise the quota), then try \
             again; the saved profiles were not changed",
            path.display()
        )
    } else {
        format!(
            "cannot save {}: {source}. Check the disk and the directory's permissions",
            path.display()
        )
    }
}

/// Something the caller should tell the admin, although the operation went ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileWarning {
    /// `profiles.json` could not be parsed; it was kept under another name and Preflight
    /// carried on with an empty list.
    CorruptFileMovedAside {
        path: PathBuf,
        moved_to: PathBuf,
        reason: String,
    },
}

impl fmt::Display for ProfileWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileWarning::CorruptFileMovedAside {
                path,
                moved_to,
                reason,
            } => write!(
                f,
                "{} was not valid ({reason}); it was kept as {} and Preflight started with an empty profile \
                 list. Secrets are still in the keyring: repair the file and move it back, or add the profiles again",
                path.display(),
                moved_to.display()
            ),
        }
    }
}
