//! Saved targets: the non-secret settings in `profiles.json` (core's `ProfileStore`), the
//! token in the keyring (see `secrets`).

use serde::{Deserialize, Serialize};

use crate::error::{IpcError, IpcResult};
use preflight_core::profile::{Profile, ProfileAuth, ProfileError, ProfileId, ProfileStore};
use preflight_core::target::Idp;

#[derive(Debug, Deserialize)]
pub struct ProfileInput {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub idp: String,
}

#[derive(Debug, Serialize)]
pub struct ProfileView {
    pub id: String,
    pub name: String,
    pub base_url: String,
    pub idp: Idp,
}

fn profile_error(e: ProfileError) -> IpcError {
    let code = match &e {
        ProfileError::InvalidId { .. } => "input/profile-id",
        ProfileError::EmptyName => "input/profile-name",
        ProfileError::InvalidUrl(_) => "input/url",
        ProfileError::NotFound { .. } => "profile/not-found",
        ProfileError::Keyring(_) => "secrets/error",
        _ => "profile/error",
    };
    IpcError::new(code, e.to_string())
}

fn store() -> IpcResult<ProfileStore> {
    ProfileStore::open_default().map_err(profile_error)
}

/// Add or replace a bearer-token profile (settings only; the token goes through `save_secret`).
#[tauri::command]
pub async fn save_profile(profile: ProfileInput) -> IpcResult<ProfileView> {
    let id = ProfileId::parse(&profile.id).map_err(profile_error)?;
    let idp: Idp = profile
        .idp
        .parse()
        .map_err(|e: String| IpcError::new("input/idp", e))?;
    let p = Profile::new(
        id,
        &profile.name,
        &profile.base_url,
        idp,
        ProfileAuth::Bearer,
    )
    .map_err(profile_error)?;
    let view = ProfileView {
        id: p.id.to_string(),
        name: p.name.clone(),
        base_url: p.base_url.clone(),
        idp: p.idp,
    };
    let store = store()?;
    // Warnings (e.g. a corrupt file moved aside) are already logged to the file system by core.
    let _outcome = tauri::async_runtime::spawn_blocking(move || store.upsert(p))
        .await
        .map_err(|e| IpcError::new("profile/error", e.to_string()))?
        .map_err(profile_error)?
        .value;
    Ok(view)
}

#[tauri::command]
pub async fn list_profiles() -> IpcResult<Vec<ProfileView>> {
    let store = store()?;
    let loaded = tauri::async_runtime::spawn_blocking(move || store.list())
        .await
        .map_err(|e| IpcError::new("profile/error", e.to_string()))?
        .map_err(profile_error)?;
    Ok(loaded
        .value
        .into_iter()
        .map(|p| ProfileView {
            id: p.id.to_string(),
            name: p.name,
            base_url: p.base_url,
            idp: p.idp,
        })
        .collect())
}
