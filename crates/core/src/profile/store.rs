//! [`ProfileStore`]: the profiles in one directory's `profiles.json`, and the flows that keep
//! the file and the keyring in step.

use std::path::{Path, PathBuf};

use super::{Profile, ProfileError, ProfileId, ProfileWarning, file};
use crate::secret::Secret;
use crate::secrets::{self, SecretKind, SecretStore};

/// Overrides the config directory (tests, portable installs, CI).
pub const CONFIG_DIR_ENV: &str = "PREFLIGHT_CONFIG_DIR";

/// A result plus what the admin should be told about it (e.g. a corrupt file moved aside).
#[derive(Debug)]
#[must_use]
pub struct Loaded<T> {
    pub value: T,
    pub warnings: Vec<ProfileWarning>,
}

/// What [`ProfileStore::upsert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upsert {
    Added,
    Replaced,
}

/// The profiles file of one directory. Not locked: two processes saving at the same moment
/// can lose one of the two changes (never the file).
#[derive(Clone, Debug)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    pub const FILE_NAME: &'static str = "profiles.json";

    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ProfileStore { dir: dir.into() }
    }

    /// The store in the platform config directory (see [`ProfileStore::default_dir`]).
    pub fn open_default() -> Result<Self, ProfileError> {
        Ok(ProfileStore::new(Self::default_dir()?))
    }

    /// `$PREFLIGHT_CONFIG_DIR` if set, else the platform config directory + `preflight`:
    /// `$XDG_CONFIG_HOME/preflight` or `~/.config/preflight` on Linux,
    /// `~/Library/Application Support/preflight` on macOS, `%APPDATA%\preflight` on Windows.
    pub fn default_dir() -> Result<PathBuf, ProfileError> {
        if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
        dirs::config_dir()
            .map(|d| d.join("preflight"))
            .ok_or(ProfileError::NoConfigDir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(Self::FILE_NAME)
    }

    /// Every profile, sorted by id.
    pub fn list(&self) -> Result<Loaded<Vec<Profile>>, ProfileError> {
        let mut warnings = Vec::new();
        let mut profiles = file::read(&self.path(), &mut warnings)?;
        profiles.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Loaded {
            value: profiles,
            warnings,
        })
    }

    /// The profile `id_or_name`: an id (`acme-prod`), or a name that slugs to one (`"Acme Prod"`).
    pub fn get(&self, id_or_name: &str) -> Result<Loaded<Profile>, ProfileError> {
        let id = resolve_id(id_or_name)?;
        let Loaded { value, warnings } = self.list()?;
        match value.into_iter().find(|p| p.id == id) {
            Some(profile) => Ok(Loaded {
                value: profile,
                warnings,
            }),
            None => Err(ProfileError::NotFound { id: id.to_string() }),
        }
    }

    /// Add `profile`, or replace the one with its id (keeping the original `created_at`).
    /// Settings only: [`ProfileStore::save`] also stores the secret.
    pub fn upsert(&self, mut profile: Profile) -> Result<Loaded<Upsert>, ProfileError> {
        profile.validate()?;
        let Loaded {
            value: mut profiles,
            warnings,
        } = self.list()?;
        let outcome = match profiles.iter_mut().find(|p| p.id == profile.id) {
            Some(existing) => {
                profile.created_at = existing.created_at.clone();
                *existing = profile;
                Upsert::Replaced
            }
            None => {
                profiles.push(profile);
                Upsert::Added
            }
        };
        file::write(&self.path(), &profiles)?;
        Ok(Loaded {
            value: outcome,
            warnings,
        })
    }

    /// The `profile add` flow: the secret into the keyring first, then the settings into the
    /// file. A secret of the other kind left from an earlier version of the profile is deleted.
    /// When the file cannot be written for a new profile, the secret just stored is removed again.
    pub fn save(
        &self,
        profile: Profile,
        secret: &Secret,
        secrets: &dyn SecretStore,
    ) -> Result<Loaded<Upsert>, ProfileError> {
        profile.validate()?;
        if secret.is_empty() {
            return Err(ProfileError::MissingSecret {
                id: profile.id.to_string(),
                kind: profile.secret_kind(),
                backend: secrets.backend_name(),
            });
        }
        let account = profile.secret_account();
        let existed = self.list()?.value.iter().any(|p| p.id == profile.id);
        secrets.set(&account, secret)?;
        let kind = profile.secret_kind();
        for stale in SecretKind::ALL.into_iter().filter(|k| *k != kind) {
            secrets.delete(&secrets::account(profile.id.as_str(), stale))?;
        }
        self.upsert(profile).inspect_err(|_| {
            if !existed {
                let _ = secrets.delete(&account);
            }
        })
    }

    /// Delete the profile and its keyring secrets. The secrets go first: if the keyring cannot
    /// be reached nothing is removed, so no secret is left behind without a profile to find it.
    pub fn remove(
        &self,
        id_or_name: &str,
        secrets: &dyn SecretStore,
    ) -> Result<Loaded<Profile>, ProfileError> {
        let Loaded {
            value: removed,
            mut warnings,
        } = self.get(id_or_name)?;
        for kind in SecretKind::ALL {
            secrets.delete(&secrets::account(removed.id.as_str(), kind))?;
        }
        let Loaded {
            value: mut profiles,
            warnings: more,
        } = self.list()?;
        warnings.extend(more);
        profiles.retain(|p| p.id != removed.id);
        file::write(&self.path(), &profiles)?;
        Ok(Loaded {
            value: removed,
            warnings,
        })
    }
}

/// An id as given, or the id a display name slugs to.
fn resolve_id(id_or_name: &str) -> Result<ProfileId, ProfileError> {
    ProfileId::parse(id_or_name.trim()).or_else(|e| ProfileId::from_name(id_or_name).map_err(|_| e))
}
