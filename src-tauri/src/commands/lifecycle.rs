//! Token lifecycle at the app's edge: the start-of-app warning about expiring tokens, and
//! reading a saved token's expiry from its JWT `exp` (in Rust: the token never comes back to
//! the UI to be decoded there).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::profiles::{ProfileView, clock, profile_error, store, with_keyring};
use crate::error::{IpcError, IpcResult};
use preflight_core::lifecycle::{Clock, expiry_from_jwt, format_expiry};
use preflight_core::profile::ProfileStore;
use preflight_core::secrets::SecretStore;

/// Benchmark hook: when set, the app prints `preflight-bench: first-ipc-answered-unix-ns=N`
/// to stderr the first time the page's start-up call (`token_warnings`) is answered, so
/// `scripts/bench-app.sh` can measure time to interactive.
pub const BENCH_LOG_ENV: &str = "PREFLIGHT_BENCH_LOG";

/// What the start-of-app banner shows.
#[derive(Debug, Serialize)]
pub struct TokenWarnings {
    /// "Now" for the figures below (RFC 3339).
    pub now: String,
    /// True when `PREFLIGHT_FAKE_NOW` pins the clock (the app says so: a test hook).
    pub fake_clock: bool,
    /// Profiles whose token expires within 30 days or has expired, soonest first.
    pub expiring: Vec<ProfileView>,
}

pub fn warnings(profiles: &ProfileStore, clock: Clock) -> IpcResult<TokenWarnings> {
    let mut expiring: Vec<ProfileView> = super::profiles::list(profiles, clock)?
        .into_iter()
        .filter(|p| p.expiry.band.needs_attention())
        .collect();
    expiring.sort_by_key(|p| p.expiry.days_left.unwrap_or(i64::MAX));
    Ok(TokenWarnings {
        now: clock.now_rfc3339(),
        fake_clock: clock.is_fixed(),
        expiring,
    })
}

/// Set the profile's expiry from the `exp` claim of the secret saved for it.
pub fn expiry_from_saved(
    profiles: &ProfileStore,
    secrets: &dyn SecretStore,
    id: &str,
    clock: Clock,
) -> IpcResult<ProfileView> {
    let mut profile = profiles.get(id).map_err(profile_error)?.value;
    let secret = secrets
        .get(&profile.secret_account())
        .map_err(super::secrets::keyring_error)?
        .ok_or_else(|| {
            IpcError::new(
                "secrets/missing",
                format!(
                    "no {} is saved for profile '{}'; save it first",
                    profile.secret_kind().noun(),
                    profile.id
                ),
            )
        })?;
    let exp = expiry_from_jwt(&secret).ok_or_else(|| {
        IpcError::new(
            "lifecycle/no-exp",
            "the saved token is not a JWT with an `exp` claim; enter its expiry date instead \
             (the target's admin portal shows it where the token was created)",
        )
    })?;
    profile.token_expires_at = Some(format_expiry(exp));
    // Warnings (a corrupt file moved aside) surface on the next list.
    let _ = profiles.upsert(profile.clone()).map_err(profile_error)?;
    Ok(ProfileView::of(&profile, clock))
}

/// Expiring and expired tokens, for the banner shown when the app starts.
#[tauri::command]
pub async fn token_warnings() -> IpcResult<TokenWarnings> {
    let (profiles, clock) = (store()?, clock()?);
    let answer = tauri::async_runtime::spawn_blocking(move || warnings(&profiles, clock))
        .await
        .map_err(|e| IpcError::new("profile/error", e.to_string()))?;
    log_first_answer();
    answer
}

/// Read the saved token's JWT `exp` into the profile's expiry.
#[tauri::command]
pub async fn expiry_from_token(profile_id: String) -> IpcResult<ProfileView> {
    let (profiles, clock) = (store()?, clock()?);
    with_keyring(move |secrets| expiry_from_saved(&profiles, secrets, &profile_id, clock)).await
}

fn log_first_answer() {
    static LOGGED: AtomicBool = AtomicBool::new(false);
    if std::env::var_os(BENCH_LOG_ENV).is_none() || LOGGED.swap(true, Ordering::Relaxed) {
        return;
    }
    let ns = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    eprintln!("preflight-bench: first-ipc-answered-unix-ns={ns}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::profiles::test_support::{fixed_now, temp_profiles};
    use crate::commands::profiles::{ProfileInput, save};
    use preflight_core::Secret;
    use preflight_core::lifecycle::ExpiryBand;
    use preflight_core::secrets::MemoryStore;

    fn input(id: &str, expires: &str) -> ProfileInput {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "base_url": "https://scim.example.com/scim/v2", "idp": "entra",
            "token_expires_at": expires
        }))
        .unwrap()
    }

    #[test]
    fn the_banner_lists_expiring_tokens_soonest_first() {
        let (_d, profiles) = temp_profiles("banner");
        for (id, expires) in [
            ("fine", "2026-09-01"),
            ("soon", "2026-05-20"),
            ("urgent", "2026-05-04"),
            ("gone", "2026-04-01"),
            ("unknown", ""),
        ] {
            save(&profiles, input(id, expires), fixed_now()).unwrap();
        }
        let w = warnings(&profiles, fixed_now()).unwrap();
        assert!(w.fake_clock);
        assert_eq!(w.now, "2026-05-01T12:00:00Z");
        let seen: Vec<(&str, ExpiryBand)> = w
            .expiring
            .iter()
            .map(|p| (p.id.as_str(), p.expiry.band))
            .collect();
        assert_eq!(
            seen,
            [
                ("gone", ExpiryBand::Expired),
                ("urgent", ExpiryBand::Critical),
                ("soon", ExpiryBand::Warn)
            ]
        );
    }

    #[test]
    fn expiry_is_read_from_the_saved_jwt() {
        let (_d, profiles) = temp_profiles("jwt");
        let keyring = MemoryStore::new();
        save(&profiles, input("acme", ""), fixed_now()).unwrap();
        assert_eq!(
            expiry_from_saved(&profiles, &keyring, "acme", fixed_now())
                .unwrap_err()
                .code,
            "secrets/missing"
        );
        keyring
            .set("acme/token", &Secret::new("opaque-token"))
            .unwrap();
        assert_eq!(
            expiry_from_saved(&profiles, &keyring, "acme", fixed_now())
                .unwrap_err()
                .code,
            "lifecycle/no-exp"
        );
        // {"alg":"HS256"} . {"exp":1778068800} (2026-05-06T12:00:00Z, five days after fixed_now)
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3NzgwNjg4MDB9.sig";
        keyring.set("acme/token", &Secret::new(jwt)).unwrap();
        let view = expiry_from_saved(&profiles, &keyring, "acme", fixed_now()).unwrap();
        assert_eq!(view.expiry.days_left, Some(5));
        assert_eq!(view.expiry.band, ExpiryBand::Critical);
        assert_eq!(
            profiles
                .get("acme")
                .unwrap()
                .value
                .token_expires_at
                .as_deref(),
            Some("2026-05-06T12:00:00Z")
        );
    }
}
