//! `sweep_journal`: on start the app removes test objects that an earlier write run left
//! behind (crash, kill, lost network), like `preflight cleanup`. Each open journal entry's base
//! URL needs a credential: the running demo server's, or a saved profile with the same base URL
//! and a token in the keyring. Entries nobody has a credential for are kept and named, with the
//! command that removes them.

use std::sync::Arc;

use serde::Serialize;
use tauri::State;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_core::probe::{LiveTransport, NetConfig, Probe};
use preflight_core::profile::ProfileStore;
use preflight_core::provision::{cleanup, journal};
use preflight_core::redact::Redactor;
use preflight_core::target::{Credential, Idp, Target};

#[derive(Debug, Serialize)]
pub struct SweptTarget {
    pub base_url: String,
    /// Where the credential came from: `demo` or `profile <id>`.
    pub using: String,
    pub deleted: usize,
    pub absent: usize,
    pub left: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct KeptTarget {
    pub base_url: String,
    pub open: usize,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct JournalSweep {
    pub journal: String,
    pub swept: Vec<SweptTarget>,
    pub kept: Vec<KeptTarget>,
}

/// Sweep every base URL with open entries that the app has a credential for.
#[tauri::command]
pub async fn sweep_journal(state: State<'_, AppState>) -> IpcResult<JournalSweep> {
    let dir = super::write::journal_dir()?;
    let scan_dir = dir.clone();
    let open = tauri::async_runtime::spawn_blocking(move || journal::pending(&scan_dir))
        .await
        .map_err(|e| IpcError::new("cleanup/journal", e.to_string()))?;
    let mut bases: Vec<(String, usize)> = Vec::new();
    for p in &open {
        match bases
            .iter_mut()
            .find(|(b, _)| cleanup::same_base(b, &p.base_url))
        {
            Some((_, n)) => *n += 1,
            None => bases.push((p.base_url.clone(), 1)),
        }
    }
    let mut out = JournalSweep {
        journal: dir.display().to_string(),
        swept: Vec::new(),
        kept: Vec::new(),
    };
    if bases.is_empty() {
        return Ok(out);
    }
    let demo = state.demo.lock().await.as_ref().map(|t| t.base_url());
    let profiles = ProfileStore::open_default()
        .and_then(|s| s.list())
        .map(|l| l.value)
        .unwrap_or_default();
    let transport = Arc::new(
        LiveTransport::new(&NetConfig::default())
            .map_err(|e| IpcError::new("net/config", e.to_string()))?,
    );
    for (base, count) in bases {
        let (credential, using) = if demo
            .as_deref()
            .is_some_and(|d| cleanup::same_base(d, &base))
        {
            (
                Credential::Bearer(preflight_core::Secret::new(
                    preflight_testbed::config::DEMO_TOKEN,
                )),
                "demo".to_string(),
            )
        } else {
            let profile = profiles
                .iter()
                .find(|p| cleanup::same_base(p.base_url.as_str(), &base));
            let Some(profile) = profile else {
                out.kept.push(KeptTarget {
                    base_url: base.clone(),
                    open: count,
                    reason: format!(
                        "no saved profile has this base URL; run `preflight cleanup --url {base}` with its token"
                    ),
                });
                continue;
            };
            match super::secrets::load_token(profile.id.as_str()).await {
                Ok(token) => (
                    Credential::Bearer(token),
                    format!("profile {}", profile.id.as_str()),
                ),
                Err(e) => {
                    out.kept.push(KeptTarget {
                        base_url: base.clone(),
                        open: count,
                        reason: format!("profile {}: {}", profile.id.as_str(), e.message),
                    });
                    continue;
                }
            }
        };
        let target = match Target::new(&base, credential, Idp::Generic) {
            Ok(t) => t,
            Err(e) => {
                out.kept.push(KeptTarget {
                    base_url: base.clone(),
                    open: count,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let probe = Probe::new(transport.clone(), target, Redactor::new());
        let outcome = cleanup::sweep(&probe, &dir, None).await;
        out.swept.push(SweptTarget {
            base_url: base,
            using,
            deleted: outcome.deleted,
            absent: outcome.absent,
            left: outcome.failed,
        });
    }
    Ok(out)
}
