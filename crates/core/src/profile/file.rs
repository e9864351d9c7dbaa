//! `profiles.json` on disk: read it (moving a corrupt one aside), write it atomically.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Profile, ProfileError, ProfileWarning};

pub(crate) const FORMAT_VERSION: u64 = 1;

#[derive(Serialize, Deserialize)]
struct ProfilesFile {
    version: u64,
    #[serde(default)]
    profiles: Vec<Profile>,
}

/// Only the version, read first so a newer file is refused rather than called corrupt.
#[derive(Deserialize)]
struct VersionOnly {
    version: Option<u64>,
}

/// The profiles in `path` (none when it does not exist). A file that cannot be parsed is
/// renamed to `<name>.corrupt-<timestamp>` and reported in `warnings`; it is never deleted
/// or overwritten.
pub(crate) fn read(
    path: &Path,
    warnings: &mut Vec<ProfileWarning>,
) -> Result<Vec<Profile>, ProfileError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ProfileError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    match parse(&bytes) {
        Ok(profiles) => Ok(profiles),
        Err(Invalid::Newer(found)) => Err(ProfileError::NewerFormat {
            path: path.to_path_buf(),
            found,
            supported: FORMAT_VERSION,
        }),
        Err(Invalid::Corrupt(reason)) => match move_aside(path) {
            Ok(moved_to) => {
                warnings.push(ProfileWarning::CorruptFileMovedAside {
                    path: path.to_path_buf(),
                    moved_to,
                    reason,
                });
                Ok(Vec::new())
            }
            Err(e) => Err(ProfileError::Corrupt {
                path: path.to_path_buf(),
                reason,
                rename_error: e.to_string(),
            }),
        },
    }
}

enum Invalid {
    Newer(u64),
    Corrupt(String),
}

fn parse(bytes: &[u8]) -> Result<Vec<Profile>, Invalid> {
    let version: VersionOnly =
        serde_json::from_slice(bytes).map_err(|e| Invalid::Corrupt(e.to_string()))?;
    match version.version {
        None => return Err(Invalid::Corrupt("no \"version\" field".into())),
        Some(v) if v > FORMAT_VERSION => return Err(Invalid::Newer(v)),
        Some(_) => {}
    }
    let file: ProfilesFile =
        serde_json::from_slice(bytes).map_err(|e| Invalid::Corrupt(e.to_string()))?;
    let mut seen = std::collections::HashSet::new();
    for profile in &file.profiles {
        profile
            .validate()
            .map_err(|e| Invalid::Corrupt(format!("profile '{}': {e}", profile.id)))?;
        if !seen.insert(profile.id.clone()) {
            return Err(Invalid::Corrupt(format!(
                "profile '{}' appears twice",
                profile.id
            )));
        }
    }
    Ok(file.profiles)
}

/// Serialise `profiles` (sorted by id) and replace `path` atomically.
pub(crate) fn write(path: &Path, profiles: &[Profile]) -> Result<(), ProfileError> {
    let mut sorted = profiles.to_vec();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let file = ProfilesFile {
        version: FORMAT_VERSION,
        profiles: sorted,
    };
    let mut bytes = serde_json::to_vec_pretty(&file).map_err(|e| ProfileError::Write {
        path: path.to_path_buf(),
        source: io::Error::other(e),
    })?;
    bytes.push(b'\n');
    write_atomically(path, &bytes).map_err(|source| ProfileError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Temp file in the same directory, fsync, rename over `path`, fsync the directory. A crash
/// at any point leaves either the old file or the new one, never a torn one.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let tmp = temp_path(path);
    let result = (|| {
        let mut file = create_private_file(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        sync_dir(dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `.profiles.json.tmp-<pid>-<n>`: unique per process and call, hidden, same directory.
fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// `profiles.json` → `profiles.json.corrupt-20250102T030405Z` (with `-2`, `-3` … if taken).
fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let stamp = OffsetDateTime::now_utc()
        .format(&format)
        .map_err(io::Error::other)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 1..1000 {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let aside = path.with_file_name(format!("{name}.corrupt-{stamp}{suffix}"));
        if fs::symlink_metadata(&aside).is_err() {
            fs::rename(path, &aside)?;
            return Ok(aside);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "too many corrupt copies already kept",
    ))
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// Make the rename itself durable. Best effort: some filesystems refuse to sync a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
