//! IdP setup guides (core's `guide` data) filled from a saved profile and its vendor, for the
//! Guide screen. The app can run a step's proving checks itself when they belong to the
//! read-only plan; the others name the screen or command that proves them.

use serde::Serialize;

use super::profiles::{profile_error, store};
use crate::error::{IpcError, IpcResult};
use preflight_core::guide::{self, FilledGuide, GuideVars};
use preflight_core::profile::{Profile, ProfileStore};
use preflight_core::{checks, vendor};

/// A filled guide plus which of its check IDs the Guide screen can run directly.
#[derive(Debug, Serialize)]
pub struct GuideView {
    pub guide: FilledGuide,
    /// Check IDs named by the guide's steps that `run_checks` accepts (the read-only plan).
    pub runnable_checks: Vec<String>,
}

/// The values to fill: the profile's (URL, OAuth client, name), then its vendor's defaults,
/// or just the URL typed on the Target step when no profile is saved.
fn vars(profile: Option<&Profile>, url: Option<&str>) -> GuideVars {
    let mut vars = match profile {
        Some(p) => GuideVars::from_profile(p),
        None => GuideVars::new(),
    };
    if let Some(u) = url.filter(|u| vars.get("scim_base_url").is_none() && !u.trim().is_empty()) {
        vars.set("scim_base_url", u);
    }
    match profile
        .and_then(|p| p.vendor.as_deref())
        .and_then(vendor::find)
    {
        Some(v) => vars.with_vendor(v),
        None => vars,
    }
}

pub fn view(
    profiles: &ProfileStore,
    idp: &str,
    profile_id: Option<&str>,
    url: Option<&str>,
) -> IpcResult<Option<GuideView>> {
    let Some(g) = guide::find(idp) else {
        return Ok(None);
    };
    let profile = match profile_id.filter(|id| !id.trim().is_empty()) {
        Some(id) => Some(profiles.get(id).map_err(profile_error)?.value),
        None => None,
    };
    let filled = guide::fill(g, &vars(profile.as_ref(), url));
    let plan = checks::read_only();
    let mut runnable: Vec<String> = filled
        .steps
        .iter()
        .flat_map(|s| s.checks.iter())
        .filter(|id| plan.iter().any(|c| c.doc().id == id.as_str()))
        .cloned()
        .collect();
    runnable.sort();
    runnable.dedup();
    Ok(Some(GuideView {
        guide: filled,
        runnable_checks: runnable,
    }))
}

/// The setup guide of `idp` filled from a profile (or the URL on the Target step); `None` when
/// there is no guide for that IdP (the generic client).
#[tauri::command]
pub async fn idp_guide(
    idp: String,
    profile_id: Option<String>,
    url: Option<String>,
) -> IpcResult<Option<GuideView>> {
    let profiles = store()?;
    tauri::async_runtime::spawn_blocking(move || {
        view(&profiles, &idp, profile_id.as_deref(), url.as_deref())
    })
    .await
    .map_err(|e| IpcError::new("guide/error", e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::profiles::test_support::{fixed_now, temp_profiles};
    use crate::commands::profiles::{ProfileInput, save};

    #[test]
    fn guides_are_filled_from_the_profile() {
        let (_dir, profiles) = temp_profiles("guide");
        let input: ProfileInput = serde_json::from_value(serde_json::json!({
            "id": "acme", "name": "Acme SCIM", "base_url": "https://scim.acme.example/scim/v2", "idp": "entra"
        }))
        .unwrap();
        save(&profiles, input, fixed_now()).unwrap();
        for g in guide::all() {
            let v = view(&profiles, &g.idp, Some("acme"), None)
                .unwrap()
                .unwrap();
            let fields: Vec<&str> = v
                .guide
                .steps
                .iter()
                .flat_map(|s| s.fields.iter())
                .filter(|f| !f.secret)
                .map(|f| f.value.as_str())
                .collect();
            assert!(
                fields.contains(&"https://scim.acme.example/scim/v2"),
                "{}: the base URL is filled in: {fields:?}",
                g.idp
            );
            assert!(!v.runnable_checks.is_empty(), "{}", g.idp);
            for id in &v.runnable_checks {
                assert!(checks::read_only().iter().any(|c| c.doc().id == id));
            }
        }
        assert!(view(&profiles, "generic", None, None).unwrap().is_none());
        assert_eq!(
            view(&profiles, "entra", Some("nobody"), None)
                .unwrap_err()
                .code,
            "profile/not-found"
        );
        // Without a profile, the URL typed on the Target step fills the base URL.
        if guide::find("entra").is_some() {
            let v = view(
                &profiles,
                "entra",
                None,
                Some("https://typed.example/scim/v2"),
            )
            .unwrap()
            .unwrap();
            let json = serde_json::to_string(&v).unwrap();
            assert!(json.contains("https://typed.example/scim/v2"));
        }
    }
}
