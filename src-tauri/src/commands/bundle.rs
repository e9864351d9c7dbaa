//! The escalation package of the last run (core `bundle::files`): a preview of every file, the
//! ticket-ready summary, and the export to a path the admin chooses. The admin's answer to
//! "does the token show recent use?" (only they can see it) is added to SUMMARY.md, passed
//! through the same redactor first. The zip is written to a temp file in the target folder,
//! synced, then linked into place: an unwritable folder, a full disk or an existing file fails
//! with a message and never leaves a partial zip where the package should be.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;
use preflight_core::Report;
use preflight_core::bundle::{self, BundleOptions};
use preflight_core::redact::Redactor;

/// Longest answer kept (it is one table cell's worth of text).
const MAX_ANSWER: usize = 2000;

#[derive(Debug, Default, Deserialize)]
pub struct BundleInput {
    #[serde(default)]
    pub pseudonymise: bool,
    /// The admin's answer: does the token show a last-used time near the run?
    #[serde(default)]
    pub token_use_answer: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BundleFile {
    pub name: String,
    pub size: usize,
    pub content: String,
}

#[derive(Debug, Serialize)]
pub struct BundlePreview {
    pub files: Vec<BundleFile>,
    /// SUMMARY.md, for "Copy summary".
    pub summary: String,
    /// Where the package goes unless the admin picks another path.
    pub suggested_path: String,
}

fn last_report(state: &AppState) -> IpcResult<Report> {
    state
        .last_report
        .lock()
        .expect("report lock")
        .clone()
        .ok_or_else(|| IpcError::new("report/none", "run the checks first"))
}

/// The package's files in order, with the admin's answer in SUMMARY.md.
fn package_files(report: &Report, input: &BundleInput) -> Vec<(String, String)> {
    let options = BundleOptions {
        pseudonymise: input.pseudonymise,
        ..BundleOptions::default()
    };
    let answer = input
        .token_use_answer
        .as_deref()
        .map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|a| !a.is_empty())
        .map(|a| a.chars().take(MAX_ANSWER).collect::<String>())
        .map(|a| Redactor::new().text(&a));
    bundle::files(report, &options)
        .into_iter()
        .map(|(name, content)| {
            let content = match (&answer, name) {
                (Some(a), "SUMMARY.md") => with_answer(&content, a),
                _ => content,
            };
            (name.to_string(), content)
        })
        .collect()
}

/// Put the answer right after the support table, where support reads the question.
fn with_answer(summary: &str, answer: &str) -> String {
    let section = format!(
        "\n## Answered by the admin\n\n**Does the token show recent use?** {}\n",
        answer.replace('|', "\\|")
    );
    match summary.find("\nResult: ") {
        Some(i) => format!("{}{}{}", &summary[..i], section, &summary[i..]),
        None => format!("{summary}{section}"),
    }
}

fn zip(files: &[(String, String)]) -> IpcResult<Vec<u8>> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let err = |e: &dyn std::fmt::Display| IpcError::new("bundle/zip", e.to_string());
    for (name, content) in files {
        writer.start_file(name, options).map_err(|e| err(&e))?;
        writer.write_all(content.as_bytes()).map_err(|e| err(&e))?;
    }
    Ok(writer.finish().map_err(|e| err(&e))?.into_inner())
}

fn suggested_path(app: &AppHandle, report: &Report) -> String {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| PathBuf::from("."));
    dir.join(format!(
        "preflight-escalation-{}.zip",
        report.started_at.replace([':', '+'], "-")
    ))
    .display()
    .to_string()
}

#[tauri::command]
pub async fn bundle_preview(
    app: AppHandle,
    state: State<'_, AppState>,
    input: BundleInput,
) -> IpcResult<BundlePreview> {
    let report = last_report(&state)?;
    let suggested_path = suggested_path(&app, &report);
    let files = tauri::async_runtime::spawn_blocking(move || package_files(&report, &input))
        .await
        .map_err(|e| IpcError::new("bundle/build", e.to_string()))?;
    let summary = files
        .iter()
        .find(|(n, _)| n == "SUMMARY.md")
        .map(|(_, c)| c.clone())
        .unwrap_or_default();
    Ok(BundlePreview {
        files: files
            .into_iter()
            .map(|(name, content)| BundleFile {
                name,
                size: content.len(),
                content,
            })
            .collect(),
        summary,
        suggested_path,
    })
}

/// Write the package to `path`; never replaces an existing file unless `overwrite`.
#[tauri::command]
pub async fn export_bundle(
    state: State<'_, AppState>,
    path: String,
    input: BundleInput,
    overwrite: bool,
) -> IpcResult<String> {
    let report = last_report(&state)?;
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() || path.is_dir() {
        return Err(IpcError::new(
            "bundle/path",
            "give a file name for the package, e.g. …/preflight-escalation.zip",
        ));
    }
    tauri::async_runtime::spawn_blocking(move || {
        let bytes = zip(&package_files(&report, &input))?;
        write_atomic(&path, &bytes, overwrite)?;
        Ok(path.display().to_string())
    })
    .await
    .map_err(|e| IpcError::new("bundle/write", e.to_string()))?
}

fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> IpcResult<()> {
    write_atomic_with(path, overwrite, "bundle/write", |file| {
        file.write_all(bytes)
    })
}

/// Write `path` through `fill` into a temp file beside it, sync, then link it into place (or
/// rename over it with `overwrite`). Errors name the path and what to do; no temp file stays.
pub(crate) fn write_atomic_with(
    path: &Path,
    overwrite: bool,
    code: &'static str,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> IpcResult<()> {
    let fail = |e: std::io::Error| {
        let why = match e.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                "the folder is not writable; pick another folder".to_string()
            }
            std::io::ErrorKind::NotFound => "the folder does not exist".to_string(),
            std::io::ErrorKind::AlreadyExists => {
                "a file with that name exists; pick another name or allow replacing it".to_string()
            }
            std::io::ErrorKind::StorageFull => "the disk is full".to_string(),
            _ => e.to_string(),
        };
        IpcError::new(code, format!("cannot write {}: {why}", path.display()))
    };
    if !overwrite && path.exists() {
        return Err(fail(std::io::ErrorKind::AlreadyExists.into()));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "package.zip".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        fill(&mut file)?;
        file.sync_all()?;
        if overwrite {
            std::fs::rename(&tmp, path)
        } else {
            // A hard link fails if the name was taken meanwhile: never replaces a file.
            std::fs::hard_link(&tmp, path)?;
            std::fs::remove_file(&tmp)
        }
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        serde_json::from_value(serde_json::json!({
                    "schema_version": 1,
                    "tool": {"name": "preflight", "version": "0"},
                    "target": {"base_url": "https://scim.example.com/scim/v2", "idp": "entra", "dialects": [], "write": false, "auth": "bearer"},
                    "started_at": "2026-01-01T00:00:00Z", "duration_ms": 1,
                    "summary": {"passed": 0, "failed": 0, "warned": 0, "skipped": 0, "blocked": 0},
                    "checks": [], "diagnoses": [], "exchanges": []
                }))
                .unwrap()
    }

    #[test]
    fn the_answer_lands_in_the_summary_redacted() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ";
        let files = package_files(
            &report(),
            &BundleInput {
                pseudonymise: false,
                token_use_answer: Some(format!("Yes, last used 10:02 UTC | token {jwt}")),
            },
        );
        assert_eq!(
            files.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            bundle::FILES
        );
        let summary = &files[0].1;
        assert!(summary.contains("Answered by the admin"), "{summary}");
        assert!(summary.contains("last used 10:02 UTC \\|"), "{summary}");
        assert!(!summary.contains("c2lnbmF0dXJlLWNhbmFyeQ"), "{summary}");
    }

    #[test]
    fn export_is_atomic_and_never_replaces() {
        let dir = std::env::temp_dir().join(format!("preflight-bundle-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.zip");
        write_atomic(&path, b"one", false).unwrap();
        let e = write_atomic(&path, b"two", false).unwrap_err();
        assert!(e.message.contains("exists"), "{}", e.message);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let missing = write_atomic(&dir.join("no/such/p.zip"), b"x", false).unwrap_err();
        assert!(
            missing.message.contains("does not exist"),
            "{}",
            missing.message
        );
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temp file left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
