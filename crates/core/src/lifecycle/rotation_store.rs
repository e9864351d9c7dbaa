//! The rotation wizard's persistence and keyring flows: one `rotation-<profile id>.json`
//! beside `profiles.json` per profile (written atomically), and the new secret kept in the
//! keyring as a *pending* item (`<id>/next-token`) until it passes the connection test. Only
//! then does it replace the old secret, so a failed rotation never loses the working token.

use std::io;
use std::path::PathBuf;

use time::OffsetDateTime;

use super::rotation::{ConnectionTest, Rotation, RotationError, RotationStep};
use super::{Clock, expiry_from_jwt, format_expiry};
use crate::profile::{Profile, ProfileError, ProfileId, ProfileStore, parse_expiry};
use crate::secret::Secret;
use crate::secrets::{self, SecretKind, SecretStore, SecretStoreError};

/// The keyring account of a profile's pending (not yet tested) secret: `<id>/next-token` or
/// `<id>/next-client-secret`. Never one of the accounts a run reads.
pub fn pending_account(profile_id: &str, kind: SecretKind) -> String {
    secrets::account(profile_id, kind).replacen('/', "/next-", 1)
}

#[derive(Debug, thiserror::Error)]
pub enum RotationStoreError {
    #[error(transparent)]
    Step(#[from] RotationError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Keyring(#[from] SecretStoreError),
    #[error("no rotation is in progress for profile '{id}'; start one first")]
    NotStarted { id: String },
    #[error(
        "the new {kind} of profile '{id}' is no longer in the keyring; paste it again in step 1"
    )]
    PendingSecretMissing { id: String, kind: &'static str },
    #[error("the new {kind} is empty; paste the token created in the target's admin portal")]
    EmptySecret { kind: &'static str },
    #[error("cannot read {}: {source}. Check the file's permissions", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "cannot save {}: {source}. Check the disk and the folder's permissions (or set PREFLIGHT_CONFIG_DIR)",
        .path.display()
    )]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "{} is damaged ({reason}); rename or delete it and start the rotation again. The current token is \
         unchanged in the keyring",
        .path.display()
    )]
    Corrupt { path: PathBuf, reason: String },
}

type Result<T> = std::result::Result<T, RotationStoreError>;

/// Rotations of the profiles in one config directory.
#[derive(Clone, Debug)]
pub struct RotationStore {
    profiles: ProfileStore,
}

impl RotationStore {
    /// Rotations kept beside `profiles`' `profiles.json`.
    pub fn beside(profiles: &ProfileStore) -> RotationStore {
        RotationStore {
            profiles: profiles.clone(),
        }
    }

    pub fn path(&self, id: &ProfileId) -> PathBuf {
        self.profiles.dir().join(format!("rotation-{id}.json"))
    }

    /// The rotation of `id`, in progress or finished, if any.
    pub fn load(&self, id: &ProfileId) -> Result<Option<Rotation>> {
        let path = self.path(id);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(RotationStoreError::Read { path, source }),
        };
        let rotation: Rotation =
            serde_json::from_slice(&bytes).map_err(|e| RotationStoreError::Corrupt {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        if rotation.profile_id != *id {
            return Err(RotationStoreError::Corrupt {
                path,
                reason: format!("it belongs to profile '{}'", rotation.profile_id),
            });
        }
        Ok(Some(rotation))
    }

    fn save(&self, rotation: &Rotation) -> Result<()> {
        let path = self.path(&rotation.profile_id);
        let mut bytes =
            serde_json::to_vec_pretty(rotation).map_err(|e| RotationStoreError::Write {
                path: path.clone(),
                source: io::Error::other(e),
            })?;
        bytes.push(b'\n');
        crate::profile::write_atomically(&path, &bytes)
            .map_err(|source| RotationStoreError::Write { path, source })
    }

    fn in_progress(&self, id: &ProfileId) -> Result<Rotation> {
        self.load(id)?
            .ok_or_else(|| RotationStoreError::NotStarted { id: id.to_string() })
    }

    /// The unfinished rotation of `profile`, or a new one (a finished one is replaced).
    pub fn start(&self, profile: &Profile, clock: Clock) -> Result<Rotation> {
        if let Some(r) = self.load(&profile.id)?
            && !r.is_finished()
        {
            return Ok(r);
        }
        let rotation = Rotation::start(profile.id.clone(), clock);
        self.save(&rotation)?;
        Ok(rotation)
    }

    /// Step 1: keep `secret` as the pending secret. Its expiry is the one entered, else the
    /// JWT's `exp`, else `vendor_default` (e.g. 180 days from now for a vendor with fixed
    /// token lifetimes). The old secret is not touched.
    pub fn store_new_secret(
        &self,
        profile: &Profile,
        secret: &Secret,
        entered_expiry: Option<&str>,
        vendor_default: Option<OffsetDateTime>,
        secrets: &dyn SecretStore,
        clock: Clock,
    ) -> Result<Rotation> {
        let kind = profile.secret_kind();
        if secret.is_empty() {
            return Err(RotationStoreError::EmptySecret { kind: kind.noun() });
        }
        let entered = entered_expiry.map(str::trim).filter(|s| !s.is_empty());
        let expires = match entered {
            Some(raw) => Some(parse_expiry(raw)?),
            None => expiry_from_jwt(secret).or(vendor_default),
        };
        let mut rotation = self.in_progress(&profile.id)?;
        rotation.record_new_secret(expires.map(format_expiry), clock)?;
        secrets.set(&pending_account(profile.id.as_str(), kind), secret)?;
        self.save(&rotation)?;
        Ok(rotation)
    }

    /// The pending secret, for the connection test of step 3.
    pub fn pending_secret(&self, profile: &Profile, secrets: &dyn SecretStore) -> Result<Secret> {
        let kind = profile.secret_kind();
        secrets
            .get(&pending_account(profile.id.as_str(), kind))?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| RotationStoreError::PendingSecretMissing {
                id: profile.id.to_string(),
                kind: kind.noun(),
            })
    }

    /// Mark a confirmation step (2, 4 or 5) done.
    pub fn confirm(&self, id: &ProfileId, step: RotationStep, clock: Clock) -> Result<Rotation> {
        let mut rotation = self.in_progress(id)?;
        match step {
            RotationStep::UpdateIdp => rotation.confirm_idp_updated(clock)?,
            RotationStep::VerifyProvisioning => rotation.confirm_provisioning(clock)?,
            RotationStep::RevokeOld => rotation.confirm_old_revoked(clock)?,
            RotationStep::CreateNew | RotationStep::ConnectionTest => {
                return Err(RotationError::StepNotReady { step, needed: step }.into());
            }
        }
        self.save(&rotation)?;
        Ok(rotation)
    }

    /// Step 3: record a connection test run with the pending secret. On a pass the pending
    /// secret replaces the old one in the keyring and the profile takes the new expiry; on a
    /// failure nothing in the keyring changes.
    pub fn record_test(
        &self,
        profile: &Profile,
        test: ConnectionTest,
        secrets: &dyn SecretStore,
        clock: Clock,
    ) -> Result<Rotation> {
        let mut rotation = self.in_progress(&profile.id)?;
        let promote = rotation.record_connection_test(test)?;
        if promote {
            let pending = self.pending_secret(profile, secrets)?;
            // Current account first: a crash after this still leaves a working secret there.
            secrets.set(&profile.secret_account(), &pending)?;
            rotation.mark_promoted(clock)?;
            let mut updated = self.profiles.get(profile.id.as_str())?.value;
            updated.token_expires_at = rotation.new_expires_at.clone();
            let _ = self.profiles.upsert(updated)?;
            self.save(&rotation)?;
            secrets.delete(&pending_account(profile.id.as_str(), profile.secret_kind()))?;
        } else {
            self.save(&rotation)?;
        }
        Ok(rotation)
    }

    /// Drop the rotation of `id` and its pending secrets (cancel, or the profile is deleted).
    /// The current secret is not touched.
    pub fn discard(&self, id: &ProfileId, secrets: &dyn SecretStore) -> Result<()> {
        for kind in SecretKind::ALL {
            secrets.delete(&pending_account(id.as_str(), kind))?;
        }
        let path = self.path(id);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(RotationStoreError::Write { path, source }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileAuth;
    use crate::secrets::MemoryStore;
    use crate::target::Idp;
    use time::macros::datetime;

    fn clock() -> Clock {
        Clock::Fixed(datetime!(2026-05-01 12:00 UTC))
    }

    struct Fixture {
        dir: PathBuf,
        profiles: ProfileStore,
        rotations: RotationStore,
        keyring: MemoryStore,
        profile: Profile,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn fixture(name: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!(
            "preflight-rotation-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        let profiles = ProfileStore::new(&dir);
        let keyring = MemoryStore::new();
        let mut profile = Profile::new(
            ProfileId::parse("acme").unwrap(),
            "Acme",
            "https://scim.example.com/scim/v2",
            Idp::Entra,
            ProfileAuth::Bearer,
        )
        .unwrap();
        profile.token_expires_at = Some("2026-05-10".into());
        let _ = profiles
            .save(profile.clone(), &Secret::new("old-token"), &keyring)
            .unwrap();
        Fixture {
            rotations: RotationStore::beside(&profiles),
            dir,
            profiles,
            keyring,
            profile,
        }
    }

    fn test_result(passed: bool) -> ConnectionTest {
        ConnectionTest {
            at: "2026-05-01T12:00:00Z".into(),
            passed,
            problems: if passed {
                vec![]
            } else {
                vec!["auth/users-accepts-token: fail".into()]
            },
        }
    }

    fn current(f: &Fixture) -> String {
        f.keyring
            .get("acme/token")
            .unwrap()
            .unwrap()
            .expose()
            .to_string()
    }

    #[test]
    fn the_old_token_stays_until_the_new_one_passed_then_is_replaced() {
        let f = fixture("promote");
        let r = &f.rotations;
        r.start(&f.profile, clock()).unwrap();
        r.store_new_secret(
            &f.profile,
            &Secret::new("new-token"),
            Some("2026-11-01"),
            None,
            &f.keyring,
            clock(),
        )
        .unwrap();
        assert_eq!(current(&f), "old-token");
        assert_eq!(
            f.keyring.get("acme/next-token").unwrap().unwrap().expose(),
            "new-token"
        );
        r.confirm(&f.profile.id, RotationStep::UpdateIdp, clock())
            .unwrap();

        let after_fail = r
            .record_test(&f.profile, test_result(false), &f.keyring, clock())
            .unwrap();
        assert!(!after_fail.new_secret_passed());
        assert_eq!(current(&f), "old-token", "a failed test changes nothing");
        let e = r
            .confirm(&f.profile.id, RotationStep::RevokeOld, clock())
            .unwrap_err();
        assert!(matches!(
            e,
            RotationStoreError::Step(RotationError::NewTokenNotTested)
        ));

        let after_pass = r
            .record_test(&f.profile, test_result(true), &f.keyring, clock())
            .unwrap();
        assert!(after_pass.promoted_at.is_some());
        assert_eq!(current(&f), "new-token");
        assert_eq!(f.keyring.accounts(), ["acme/token"], "pending item removed");
        let saved = f.profiles.get("acme").unwrap().value;
        assert_eq!(
            saved.token_expires_at.as_deref(),
            Some("2026-11-01T00:00:00Z")
        );

        r.confirm(&f.profile.id, RotationStep::VerifyProvisioning, clock())
            .unwrap();
        let done = r
            .confirm(&f.profile.id, RotationStep::RevokeOld, clock())
            .unwrap();
        assert!(done.is_finished());
        // Persisted: a fresh store reads the same state back.
        let reread = RotationStore::beside(&f.profiles)
            .load(&f.profile.id)
            .unwrap()
            .unwrap();
        assert_eq!(reread, done);
    }

    #[test]
    fn a_restart_keeps_progress_and_discard_leaves_the_current_token() {
        let f = fixture("discard");
        let r = &f.rotations;
        r.start(&f.profile, clock()).unwrap();
        r.store_new_secret(
            &f.profile,
            &Secret::new("new-token"),
            None,
            Some(datetime!(2026-10-28 12:00 UTC)),
            &f.keyring,
            clock(),
        )
        .unwrap();
        let again = r.start(&f.profile, clock()).unwrap();
        assert!(again.new_secret_at.is_some(), "unfinished rotation resumed");
        assert_eq!(
            again.new_expires_at.as_deref(),
            Some("2026-10-28T12:00:00Z"),
            "vendor default"
        );
        r.discard(&f.profile.id, &f.keyring).unwrap();
        assert!(r.load(&f.profile.id).unwrap().is_none());
        assert_eq!(f.keyring.accounts(), ["acme/token"]);
        assert_eq!(current(&f), "old-token");
    }

    #[test]
    fn a_damaged_file_is_reported_with_what_to_do() {
        let f = fixture("corrupt");
        std::fs::write(f.rotations.path(&f.profile.id), b"{nope").unwrap();
        let e = f.rotations.load(&f.profile.id).unwrap_err().to_string();
        assert!(e.contains("rename or delete"), "{e}");
        assert!(
            f.rotations
                .confirm(&f.profile.id, RotationStep::UpdateIdp, clock())
                .is_err()
        );
    }

    #[test]
    fn steps_need_a_started_rotation_and_a_real_secret() {
        let f = fixture("nostart");
        let e = f
            .rotations
            .confirm(&f.profile.id, RotationStep::UpdateIdp, clock())
            .unwrap_err();
        assert!(matches!(e, RotationStoreError::NotStarted { .. }));
        f.rotations.start(&f.profile, clock()).unwrap();
        let e = f
            .rotations
            .store_new_secret(
                &f.profile,
                &Secret::new(""),
                None,
                None,
                &f.keyring,
                clock(),
            )
            .unwrap_err();
        assert!(matches!(e, RotationStoreError::EmptySecret { .. }));
        let e = f
            .rotations
            .store_new_secret(
                &f.profile,
                &Secret::new("x"),
                Some("next week"),
                None,
                &f.keyring,
                clock(),
            )
            .unwrap_err();
        assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
        assert_eq!(
            pending_account("acme", SecretKind::ClientSecret),
            "acme/next-client-secret"
        );
    }
}
