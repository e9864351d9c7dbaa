//! Vendor target profiles (core's `vendor` data) for the Target step and the profile form:
//! the list, the base-URL pattern check with the vendor's own explanation, and the vendor's
//! default token lifetime as an expiry.

use serde::Serialize;
use time::Duration;

use super::profiles::{ProfileView, clock, profile_error, store};
use crate::error::{IpcError, IpcResult};
use preflight_core::lifecycle::{Clock, format_expiry};
use preflight_core::profile::ProfileStore;
use preflight_core::vendor::{self, AuthStyle, UrlProblem, Vendor};

/// A vendor as the dropdown needs it: what to preset and what to tell the admin.
#[derive(Debug, Serialize)]
pub struct VendorOption {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub auth_style: AuthStyle,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    pub scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_lifetime_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_example: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_delay_minutes: Option<u32>,
    pub notes: Vec<String>,
}

impl VendorOption {
    pub fn of(v: &Vendor) -> VendorOption {
        VendorOption {
            id: v.id.clone(),
            name: v.name.clone(),
            summary: v.summary.clone(),
            auth_style: v.auth.style,
            token_label: v.auth.token_label.clone(),
            // A templated endpoint (`https://{host}/…`) is no default to type into a form.
            token_endpoint: v.auth.token_endpoint.clone().filter(|e| !e.contains('{')),
            scopes: v.auth.scopes.clone(),
            token_lifetime_days: v.auth.token_lifetime_days,
            url_example: v.url.as_ref().map(|u| u.example.clone()),
            sync_delay_minutes: v.sync_delay_minutes,
            notes: v.notes.clone(),
        }
    }
}

fn known(id: &str) -> IpcResult<&'static Vendor> {
    vendor::lookup(id).map_err(|e| IpcError::new("input/vendor", e))
}

/// The vendor a screen names: none for an absent or empty id (the Target step's "not
/// listed"), else a known vendor or an `input/vendor` error.
pub fn chosen(id: Option<&str>) -> IpcResult<Option<&'static Vendor>> {
    id.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(known)
        .transpose()
}

/// `url` against the vendor's documented pattern: `None` when it fits.
pub fn check_url(vendor_id: &str, url: &str) -> IpcResult<Option<UrlProblem>> {
    Ok(known(vendor_id)?.validate_url(url).err())
}

/// The expiry a fresh token of the profile's vendor gets: now + the vendor's token lifetime.
pub fn vendor_default_expiry(
    vendor_id: Option<&str>,
    clock: Clock,
) -> Option<time::OffsetDateTime> {
    let days = vendor::find(vendor_id?)?.auth.token_lifetime_days?;
    Some(clock.now() + Duration::days(i64::from(days)))
}

/// Set the profile's expiry to its vendor's default token lifetime from now.
pub fn expiry_from_vendor(
    profiles: &ProfileStore,
    id: &str,
    clock: Clock,
) -> IpcResult<ProfileView> {
    let mut profile = profiles.get(id).map_err(profile_error)?.value;
    let expires = vendor_default_expiry(profile.vendor.as_deref(), clock).ok_or_else(|| {
        IpcError::new(
            "lifecycle/no-vendor-default",
            "this profile's vendor publishes no token lifetime; enter the expiry date shown where the token was created",
        )
    })?;
    profile.token_expires_at = Some(format_expiry(expires));
    // Warnings (a corrupt file moved aside) surface on the next list.
    let _ = profiles.upsert(profile.clone()).map_err(profile_error)?;
    Ok(ProfileView::of(&profile, clock))
}

// Off the GTK main thread: the first screen asks for this while WebKit is still drawing.
#[tauri::command(async)]
pub fn list_vendors() -> Vec<VendorOption> {
    vendor::all().iter().map(VendorOption::of).collect()
}

/// Whether `url` fits the vendor's base-URL pattern, and if not, which part is wrong.
// Off the GTK main thread: the first screen asks for this while WebKit is still drawing.
#[tauri::command(async)]
pub fn check_vendor_url(vendor: String, url: String) -> IpcResult<Option<UrlProblem>> {
    crate::limits::url("base URL", &url)?;
    check_url(&vendor, &url)
}

#[tauri::command]
pub async fn vendor_expiry(profile_id: String) -> IpcResult<ProfileView> {
    let (profiles, clock) = (store()?, clock()?);
    tauri::async_runtime::spawn_blocking(move || expiry_from_vendor(&profiles, &profile_id, clock))
        .await
        .map_err(|e| IpcError::new("profile/error", e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::profiles::test_support::{fixed_now, temp_profiles};
    use crate::commands::profiles::{ProfileInput, save};

    #[test]
    fn every_shipped_vendor_is_listed() {
        let listed = list_vendors();
        assert_eq!(listed.len(), vendor::all().len());
        assert!(listed.iter().any(|v| v.id == "generic"));
        assert!(listed.iter().all(|v| !v.name.is_empty()));
    }

    #[test]
    fn urls_are_checked_against_the_vendor_pattern_with_an_explanation() {
        for v in vendor::all() {
            if let Some(spec) = &v.url {
                assert_eq!(check_url(&v.id, &spec.example).unwrap(), None, "{}", v.id);
                let problem = check_url(&v.id, "https://example.com/nope").unwrap();
                let problem = problem.unwrap_or_else(|| panic!("{} accepted a wrong URL", v.id));
                assert!(problem.message.contains(&v.name), "{}", problem.message);
            }
        }
        assert_eq!(
            check_url("no-such", "https://x").unwrap_err().code,
            "input/vendor"
        );
    }

    #[test]
    fn the_vendor_token_lifetime_becomes_the_expiry() {
        let Some(v) = vendor::all()
            .iter()
            .find(|v| v.auth.token_lifetime_days.is_some())
        else {
            return; // no shipped vendor publishes a lifetime
        };
        let days = i64::from(v.auth.token_lifetime_days.unwrap());
        let (_dir, profiles) = temp_profiles("vendor-expiry");
        let input: ProfileInput = serde_json::from_value(serde_json::json!({
            "id": "acme", "name": "Acme", "base_url": "https://scim.example.com/scim/v2",
            "idp": "entra", "vendor": v.id
        }))
        .unwrap();
        save(&profiles, input, fixed_now()).unwrap();
        let view = expiry_from_vendor(&profiles, "acme", fixed_now()).unwrap();
        assert_eq!(view.expiry.days_left, Some(days));
        let none: ProfileInput = serde_json::from_value(serde_json::json!({
            "id": "plain", "name": "Plain", "base_url": "https://scim.example.com/scim/v2", "idp": "entra"
        }))
        .unwrap();
        save(&profiles, none, fixed_now()).unwrap();
        assert_eq!(
            expiry_from_vendor(&profiles, "plain", fixed_now())
                .unwrap_err()
                .code,
            "lifecycle/no-vendor-default"
        );
    }
}
