//! `run_checks` / `cancel_run`: run the read-only plan (or the checks named in `only`) against
//! a target, streaming every `RunEvent` over a channel and returning the final report. The
//! report of a full run of a profile or the demo server is kept as its last results.

use std::sync::Arc;

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tokio_util::sync::CancellationToken;

use super::results::{self, ResultsOf};
use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_core::check::RunOptions;
use preflight_core::event::{EventSink, ExchangeSummary, RunEvent};
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::profile::{ProfileError, ProfileStore};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};
use preflight_core::{Exchange, Report, Secret, checks, engine, vendor};

/// Where the credential for a run comes from. The UI never holds a saved secret: it names
/// the profile whose keyring item to use.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenSource {
    /// No credential (to see what an unauthenticated client gets).
    None,
    /// The demo server's well-known token.
    Demo,
    /// The token saved with `save_secret` for this profile.
    Profile { profile_id: String },
}

/// Check ids for `RunOptions::only`: each must be a known check of the read-only plan.
fn validate_only(only: Vec<String>) -> IpcResult<Vec<String>> {
    let plan = checks::read_only();
    for id in &only {
        if !checks::all().iter().any(|c| c.doc().id == id) {
            return Err(IpcError::new(
                "input/check-id",
                format!("unknown check id '{id}'"),
            ));
        }
        if !plan.iter().any(|c| c.doc().id == id) {
            return Err(IpcError::new(
                "input/check-id",
                format!("check '{id}' is not part of the read-only plan"),
            ));
        }
    }
    Ok(only)
}

// Each argument is one named field of the IPC call; a wrapper struct would only rename them.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn run_checks(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
    token_source: TokenSource,
    idp: String,
    only: Option<Vec<String>>,
    vendor: Option<String>,
    on_event: Channel<RunEvent>,
) -> IpcResult<Report> {
    crate::limits::url("base URL", &url)?;
    crate::limits::word("IdP", &idp)?;
    if let Some(v) = &vendor {
        crate::limits::word("vendor", v)?;
    }
    crate::limits::words("check id", only.as_deref().unwrap_or_default())?;
    let idp: Idp = idp
        .parse()
        .map_err(|e: String| IpcError::new("input/idp", e))?;
    let only = validate_only(only.unwrap_or_default())?;
    // Only a full run becomes the target's last results (and the report to save).
    let keep_as = match (&token_source, only.is_empty()) {
        (TokenSource::Demo, true) => Some(ResultsOf::Demo),
        (TokenSource::Profile { profile_id }, true) => Some(ResultsOf::Profile {
            profile_id: profile_id.clone(),
        }),
        _ => None,
    };
    let saved_vendor = match &token_source {
        TokenSource::Profile { profile_id } => {
            saved_vendor(&super::profiles::store()?, profile_id)?
        }
        _ => None,
    };
    let credential = match token_source {
        TokenSource::None => Credential::None,
        TokenSource::Demo => {
            // The demo token is only ever sent to the demo server, never to a URL typed later.
            let demo_base = state.demo.lock().await.as_ref().map(|t| t.base_url());
            if demo_base.as_deref() != Some(url.trim().trim_end_matches('/')) {
                return Err(IpcError::new(
                    "input/demo-token",
                    "the demo token only works with the demo server; save your own token on the Target step",
                ));
            }
            Credential::Bearer(Secret::new(preflight_testbed::config::DEMO_TOKEN))
        }
        // A saved profile brings its own auth style (bearer or client credentials).
        TokenSource::Profile { profile_id } => {
            match super::profiles::run_credential(&profile_id).await? {
                Some(credential) => credential,
                None => Credential::Bearer(super::secrets::load_token(&profile_id).await?),
            }
        }
    };
    let target = run_target(&url, credential, idp, vendor.as_deref(), saved_vendor)?;
    let transport = LiveTransport::new(&NetConfig::default())
        .map_err(|e| IpcError::new("net/config", e.to_string()))?;

    let cancel = CancellationToken::new();
    if let Some(previous) = state.run.lock().expect("run lock").replace(cancel.clone()) {
        previous.cancel();
    }

    let exchanges = on_event.clone();
    let probe = Probe::new(Arc::new(transport), target, Redactor::new())
        .with_cancel(cancel.clone())
        .with_observer(Arc::new(move |x: &Exchange| {
            let _ = exchanges.send(RunEvent::Exchange {
                exchange: ExchangeSummary::from(x),
            });
        }));
    let events = on_event.clone();
    let sink: EventSink = Arc::new(move |event| {
        // A closed window drops the channel; the run still finishes and is returned.
        let _ = events.send(event);
    });
    let options = RunOptions {
        only: only.clone(),
        ..RunOptions::default()
    };
    let report = engine::run(&checks::read_only(), &probe, &options, &sink).await;

    // The token stays in the state after the run: cancelling a finished run is a no-op.
    if only.is_empty() {
        *state.last_report.lock().expect("report lock") = Some(report.clone());
    }
    if let Some(of) = keep_as {
        // Losing the last results is not worth failing a finished run over.
        if let Err(e) = results::store(&app, &of, &report).await {
            eprintln!("preflight: cannot keep the last results: {e}");
        }
    }
    Ok(report)
}

/// The vendor a profile was saved with (`None` when the profile is gone or names none).
fn saved_vendor(profiles: &ProfileStore, profile_id: &str) -> IpcResult<Option<String>> {
    match profiles.get(profile_id) {
        Ok(loaded) => Ok(loaded.value.vendor),
        Err(ProfileError::NotFound { .. }) => Ok(None),
        Err(e) => Err(super::profiles::profile_error(e)),
    }
}

/// The run's target, with its vendor chosen like the CLI's: the Target step's choice, else the
/// profile's saved vendor, else the one the URL's host names (`generic` turns the vendor
/// checks off). An unknown choice from the UI is an input error; an unknown saved vendor is
/// kept, and the vendor checks say it has no profile (as `preflight check --profile` does).
fn run_target(
    url: &str,
    credential: Credential,
    idp: Idp,
    chosen: Option<&str>,
    saved: Option<String>,
) -> IpcResult<Target> {
    let mut target = Target::new(url.trim(), credential, idp)
        .map_err(|e| IpcError::new("input/url", e.to_string()))?;
    target.dialects = Vec::new();
    let named = match super::vendors::chosen(chosen)? {
        Some(v) => Some(v.id.clone()),
        None => saved.filter(|v| !v.trim().is_empty()),
    };
    match named {
        Some(name) => {
            if let Some(v) = vendor::find(&name) {
                v.fill_default_scope(&mut target.credential);
            }
            target.vendor = Some(name);
        }
        None => {
            vendor::detect::adopt(&mut target);
        }
    }
    Ok(target)
}

/// Stop the run in progress; checks not yet started are reported as skipped.
#[tauri::command]
pub fn cancel_run(state: State<'_, AppState>) -> bool {
    match state.run.lock().expect("run lock").take() {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_sources_from_the_ui() {
        let demo: TokenSource = serde_json::from_str(r#"{"kind":"demo"}"#).unwrap();
        assert!(matches!(demo, TokenSource::Demo));
        let none: TokenSource = serde_json::from_str(r#"{"kind":"none"}"#).unwrap();
        assert!(matches!(none, TokenSource::None));
        let profile: TokenSource =
            serde_json::from_str(r#"{"kind":"profile","profile_id":"acme"}"#).unwrap();
        assert!(matches!(profile, TokenSource::Profile { profile_id } if profile_id == "acme"));
        // A raw token is not a token source: secrets never travel with a run request.
        assert!(serde_json::from_str::<TokenSource>(r#"{"kind":"bearer","token":"x"}"#).is_err());
    }

    #[test]
    fn only_takes_known_read_only_checks() {
        let ok = vec![
            "entra/test-connection".to_string(),
            "scim/endpoint-reachable".to_string(),
        ];
        assert_eq!(validate_only(ok.clone()).unwrap(), ok);
        assert_eq!(
            validate_only(vec!["nope/x".into()]).unwrap_err().code,
            "input/check-id"
        );
        assert!(validate_only(Vec::new()).unwrap().is_empty());
    }

    fn plain(url: &str, chosen: Option<&str>, saved: Option<&str>) -> IpcResult<Target> {
        run_target(
            url,
            Credential::None,
            Idp::Entra,
            chosen,
            saved.map(str::to_string),
        )
    }

    #[test]
    fn the_run_vendor_is_the_choice_then_the_saved_one_then_the_urls_host() {
        let stackit = "https://accounts.stackit.cloud/scim/v2";
        let t = plain(stackit, None, None).unwrap();
        assert_eq!(
            (t.vendor.as_deref(), t.vendor_detected),
            (Some("stackit"), true)
        );
        let t = plain(stackit, Some("generic"), Some("stackit")).unwrap();
        assert_eq!(
            (t.vendor.as_deref(), t.vendor_detected),
            (Some("generic"), false)
        );
        let t = plain(stackit, Some(" "), Some("generic")).unwrap();
        assert_eq!(t.vendor.as_deref(), Some("generic"));
        let t = plain("https://scim.example.com/scim/v2", None, Some("axonflow")).unwrap();
        assert_eq!(
            (t.vendor.as_deref(), t.vendor_detected),
            (Some("axonflow"), false)
        );
        let t = plain("https://scim.example.com/scim/v2", None, None).unwrap();
        assert_eq!(t.vendor, None);
        let e = plain(stackit, Some("acme"), None).unwrap_err();
        assert_eq!(e.code, "input/vendor");
        assert!(e.message.contains("known:"), "{}", e.message);
    }

    /// A saved STACKIT profile (client credentials, secret in the in-memory keyring) run the
    /// way `run_checks` builds it, against the testbed configured like STACKIT: the vendor
    /// checks are judged, not skipped.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_stackit_profile_runs_the_vendor_checks_against_the_stackit_preset() {
        use preflight_core::profile::{Profile, ProfileAuth, ProfileId};
        use preflight_core::secrets::{MemoryStore, SecretStore};
        use preflight_testbed::{Testbed, TestbedConfig, vendor_presets};

        let mut config = TestbedConfig::default();
        vendor_presets::apply("stackit", &mut config).unwrap();
        let tb = Testbed::start(config).await.unwrap();
        let (_dir, profiles) = super::super::profiles::test_support::temp_profiles("run-vendor");
        let keyring = MemoryStore::new();
        let mut profile = Profile::new(
            ProfileId::parse("stackit-lab").unwrap(),
            "STACKIT lab",
            &tb.base_url(),
            Idp::Entra,
            ProfileAuth::ClientCredentials {
                token_url: tb.token_url(),
                client_id: "demo-client".into(),
                scope: None,
            },
        )
        .unwrap();
        profile.vendor = Some("stackit".into());
        keyring
            .set(&profile.secret_account(), &Secret::new("demo-secret"))
            .unwrap();
        assert!(profiles.upsert(profile).unwrap().warnings.is_empty());

        let credential = super::super::profiles::credential(&profiles, &keyring, "stackit-lab")
            .unwrap()
            .expect("the profile is saved");
        let saved = saved_vendor(&profiles, "stackit-lab").unwrap();
        assert_eq!(saved.as_deref(), Some("stackit"));
        assert_eq!(saved_vendor(&profiles, "gone").unwrap(), None);
        let target = run_target(&tb.base_url(), credential, Idp::Entra, None, saved).unwrap();
        assert!(!target.vendor_detected);

        let probe = Probe::new(
            Arc::new(LiveTransport::new(&NetConfig::default()).unwrap()),
            target,
            Redactor::new(),
        );
        let sink: EventSink = Arc::new(|_| {});
        let report = engine::run(&checks::read_only(), &probe, &RunOptions::default(), &sink).await;
        tb.shutdown().await;
        let status = |id: &str| {
            report
                .checks
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.status.as_str().to_string())
                .unwrap_or_else(|| panic!("{id} is in the report"))
        };
        assert_eq!(report.target.vendor.as_deref(), Some("stackit"));
        // The vendor's scopes filled the profile's unset scope, so the token was granted.
        assert_eq!(status("auth/client-credentials-grant"), "pass");
        assert_eq!(status("vendor/discovery-unauthenticated"), "pass");
        // STACKIT's strict attributes reject what Entra's default mapping sends.
        assert_eq!(status("vendor/mapping-attributes-declared"), "fail");
        assert_eq!(status("vendor/token-prefix"), "skip");
    }

    #[test]
    fn events_carry_the_event_tag() {
        let v = serde_json::to_value(RunEvent::CheckStarted {
            id: "scim/x".into(),
            index: 0,
            total: 3,
        })
        .unwrap();
        assert_eq!(v["event"], "check_started");
    }
}
