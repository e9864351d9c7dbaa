//! `save_report`: write the last run's JSON report (the same document as `preflight check
//! --format json`) into the user's Downloads folder. A webview download of a blob: URL goes
//! nowhere in WebKitGTK, and a save dialog would need the dialog and fs plugins.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, State};

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Returns the path written.
#[tauri::command]
pub async fn save_report(app: AppHandle, state: State<'_, AppState>) -> IpcResult<String> {
    let report = state
        .last_report
        .lock()
        .expect("report lock")
        .clone()
        .ok_or_else(|| IpcError::new("report/none", "run the checks first"))?;
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| {
            IpcError::new(
                "report/no-dir",
                format!("cannot find a Downloads folder: {e}"),
            )
        })?;
    let stem = format!(
        "preflight-report-{}",
        report.started_at.replace([':', '+'], "-")
    );
    let json = report.to_json();
    tauri::async_runtime::spawn_blocking(move || write_new(&dir, &stem, &json))
        .await
        .map_err(|e| IpcError::new("report/write", e.to_string()))?
}

/// Write `<stem>.json` in `dir`, or `<stem>-2.json` … when it exists; never overwrite.
fn write_new(dir: &Path, stem: &str, json: &str) -> IpcResult<String> {
    std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    for n in 1..=100 {
        let path: PathBuf = if n == 1 {
            dir.join(format!("{stem}.json"))
        } else {
            dir.join(format!("{stem}-{n}.json"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, json.as_bytes())
                    .map_err(|e| write_error(&path, e))?;
                return Ok(path.display().to_string());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_error(&path, e)),
        }
    }
    Err(IpcError::new(
        "report/write",
        format!("too many reports named {stem}*.json in {}", dir.display()),
    ))
}

fn write_error(path: &Path, e: std::io::Error) -> IpcError {
    IpcError::new(
        "report/write",
        format!("cannot write {}: {e}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites() {
        let dir =
            std::env::temp_dir().join(format!("preflight-report-test-{}", std::process::id()));
        let a = write_new(&dir, "r", "{}").unwrap();
        let b = write_new(&dir, "r", "{}").unwrap();
        assert!(a.ends_with("r.json") && b.ends_with("r-2.json"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
