//! Last results per target: the final report of the last full run of a saved profile (or of
//! the demo server), kept in the app data dir as `results/<profile-id>.json` (the demo's as
//! `results/_demo.json`; `_` is never part of a profile id). Reports are redacted by the core
//! and never hold a token. Written atomically (temp file, fsync, rename); a file that cannot be
//! read back is reported as a note, never as an error.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};

use crate::error::{IpcError, IpcResult};
use preflight_core::Report;
use preflight_core::profile::ProfileId;

/// Whose last results: the demo server's or a saved profile's.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResultsOf {
    Demo,
    Profile { profile_id: String },
}

/// What `last_results` found: nothing (both `None`), a report, or a note on an unreadable file.
#[derive(Debug, Serialize)]
pub struct LastResults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn file_name(of: &ResultsOf) -> IpcResult<String> {
    match of {
        ResultsOf::Demo => Ok("_demo.json".into()),
        ResultsOf::Profile { profile_id } => {
            let id = ProfileId::parse(profile_id)
                .map_err(|e| IpcError::new("input/profile-id", e.to_string()))?;
            Ok(format!("{}.json", id.as_str()))
        }
    }
}

fn results_dir(app: &AppHandle) -> IpcResult<PathBuf> {
    app.path()
        .app_data_dir()
        .map(|d| d.join("results"))
        .map_err(|e| IpcError::new("results/no-dir", format!("no app data folder: {e}")))
}

/// Keep `report` as the last results of `of`. Failures are returned for logging only.
pub async fn store(app: &AppHandle, of: &ResultsOf, report: &Report) -> IpcResult<()> {
    let path = results_dir(app)?.join(file_name(of)?);
    let json = report.to_json();
    tauri::async_runtime::spawn_blocking(move || write_atomic(&path, json.as_bytes()))
        .await
        .map_err(|e| IpcError::new("results/write", e.to_string()))?
}

fn write_atomic(path: &Path, bytes: &[u8]) -> IpcResult<()> {
    let err = |e: std::io::Error| {
        IpcError::new(
            "results/write",
            format!("cannot write {}: {e}", path.display()),
        )
    };
    let dir = path.parent().expect("results file has a folder");
    std::fs::create_dir_all(dir).map_err(err)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("results"),
        uuid::Uuid::new_v4().simple()
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(err)
}

fn read(path: &Path) -> LastResults {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return LastResults {
                report: None,
                note: None,
            };
        }
        Err(e) => {
            return LastResults {
                report: None,
                note: Some(format!(
                    "The last results could not be read ({e}); run the checks again."
                )),
            };
        }
    };
    match serde_json::from_str::<Report>(&text) {
        Ok(report) => LastResults {
            report: Some(report),
            note: None,
        },
        Err(e) => LastResults {
            report: None,
            note: Some(format!(
                "The saved last results are damaged and were ignored ({e}); run the checks again."
            )),
        },
    }
}

/// The last results kept for a profile or the demo server, if any.
#[tauri::command]
pub async fn last_results(app: AppHandle, of: ResultsOf) -> IpcResult<LastResults> {
    let path = results_dir(&app)?.join(file_name(&of)?);
    tauri::async_runtime::spawn_blocking(move || read(&path))
        .await
        .map_err(|e| IpcError::new("results/read", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated_and_never_collide() {
        assert_eq!(file_name(&ResultsOf::Demo).unwrap(), "_demo.json");
        let p = ResultsOf::Profile {
            profile_id: "acme".into(),
        };
        assert_eq!(file_name(&p).unwrap(), "acme.json");
        let bad = ResultsOf::Profile {
            profile_id: "../x".into(),
        };
        assert_eq!(file_name(&bad).unwrap_err().code, "input/profile-id");
    }

    #[test]
    fn atomic_write_then_corrupt_file_is_a_note() {
        let dir =
            std::env::temp_dir().join(format!("preflight-results-test-{}", std::process::id()));
        let path = dir.join("acme.json");
        assert!(read(&path).report.is_none() && read(&path).note.is_none());
        write_atomic(&path, b"{not json").unwrap();
        let got = read(&path);
        assert!(got.report.is_none());
        assert!(got.note.unwrap().contains("damaged"));
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temp file left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
