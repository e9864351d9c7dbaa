//! The cleanup journal: one JSON-lines file per run under `<data dir>/preflight/journal/`.
//! An `intent` line is written and fsynced BEFORE every create request, so a crash or
//! `kill -9` at any moment leaves a record of everything that may exist on the target;
//! `created` adds the server's id, `deleted` closes the entry. `preflight cleanup` reads the
//! open entries and removes those objects.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::dialect::ObjectKind;

/// Overrides the data directory (tests, portable installs): the journal is `$PREFLIGHT_DATA_DIR/journal`.
pub const DATA_DIR_ENV: &str = "PREFLIGHT_DATA_DIR";

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "cannot write the cleanup journal {path}: {source}. Make that directory writable and free disk space \
         (or set {DATA_DIR_ENV} to a writable directory), then run again"
    )]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("no data directory: set {DATA_DIR_ENV} (or XDG_DATA_HOME / HOME)")]
    NoDataDir,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    Intent,
    Created,
    Deleted,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub event: Event,
    /// Ties the lines of one object together (`<run>-<n>`).
    pub key: String,
    pub run: String,
    pub base_url: String,
    pub kind: ObjectKind,
    /// `userName` or `displayName`; always starts with `preflight-test-`.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// `$PREFLIGHT_DATA_DIR/journal`, else `<platform data dir>/preflight/journal`
/// (`$XDG_DATA_HOME` or `~/.local/share` on Linux).
pub fn default_dir() -> Result<PathBuf, JournalError> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("journal"));
    }
    dirs::data_dir()
        .map(|d| d.join("preflight").join("journal"))
        .ok_or(JournalError::NoDataDir)
}

/// The journal of one run against one target.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    run: String,
    base_url: String,
    next: AtomicU32,
}

impl Journal {
    pub fn new(dir: &Path, run: &str, base_url: &str) -> Journal {
        Journal {
            path: dir.join(format!("{run}.jsonl")),
            run: run.into(),
            base_url: base_url.into(),
            next: AtomicU32::new(1),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Record that an object is about to be created; returns its key. Durable on return.
    pub fn intent(&self, kind: ObjectKind, name: &str) -> Result<String, JournalError> {
        let key = format!("{}-{}", self.run, self.next.fetch_add(1, Ordering::SeqCst));
        self.append(Event::Intent, &key, kind, name, None)?;
        Ok(key)
    }

    pub fn created(
        &self,
        key: &str,
        kind: ObjectKind,
        name: &str,
        id: &str,
    ) -> Result<(), JournalError> {
        self.append(Event::Created, key, kind, name, Some(id))
    }

    pub fn deleted(&self, key: &str, kind: ObjectKind, name: &str) -> Result<(), JournalError> {
        self.append(Event::Deleted, key, kind, name, None)
    }

    fn append(
        &self,
        event: Event,
        key: &str,
        kind: ObjectKind,
        name: &str,
        id: Option<&str>,
    ) -> Result<(), JournalError> {
        let entry = Entry {
            event,
            key: key.into(),
            run: self.run.clone(),
            base_url: self.base_url.clone(),
            kind,
            name: name.into(),
            id: id.map(str::to_string),
        };
        append_entry(&self.path, &entry)
    }
}

/// Append one line and fsync it (and the directory, when the file is new, so the file
/// itself survives a crash).
pub fn append_entry(path: &Path, entry: &Entry) -> Result<(), JournalError> {
    let err = |source| JournalError::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let is_new = !path.exists();
    std::fs::create_dir_all(dir).map_err(err)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(err)?;
    let mut line = serde_json::to_string(entry).map_err(|e| err(std::io::Error::other(e)))?;
    line.push('\n');
    // A crash can leave a torn last line; start a fresh line so this entry stays readable.
    if !is_new && ends_torn(&mut file) {
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)?;
    if is_new && let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn ends_torn(file: &mut std::fs::File) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let mut last = [0u8; 1];
    file.seek(SeekFrom::End(-1)).is_ok() && file.read_exact(&mut last).is_ok() && last[0] != b'\n'
}

/// An object that may still exist: an intent without a matching `deleted`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub file: PathBuf,
    pub key: String,
    pub run: String,
    pub base_url: String,
    pub kind: ObjectKind,
    pub name: String,
    pub id: Option<String>,
}

/// Every open entry in every journal file of `dir`. Lines that do not parse (a line cut by a
/// crash) are skipped: the intent before them was complete, or nothing was sent.
pub fn pending(dir: &Path) -> Vec<Pending> {
    let mut out = Vec::new();
    let Ok(files) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = files
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut open: BTreeMap<String, Pending> = BTreeMap::new();
        for entry in text
            .lines()
            .filter_map(|l| serde_json::from_str::<Entry>(l).ok())
        {
            match entry.event {
                Event::Intent => {
                    open.insert(
                        entry.key.clone(),
                        Pending {
                            file: path.clone(),
                            key: entry.key,
                            run: entry.run,
                            base_url: entry.base_url,
                            kind: entry.kind,
                            name: entry.name,
                            id: None,
                        },
                    );
                }
                Event::Created => {
                    if let Some(p) = open.get_mut(&entry.key) {
                        p.id = entry.id;
                    }
                }
                Event::Deleted => {
                    open.remove(&entry.key);
                }
            }
        }
        out.extend(open.into_values());
    }
    out
}

/// Record an entry as gone in its own file (used by cleanup).
pub fn close(p: &Pending) -> Result<(), JournalError> {
    let entry = Entry {
        event: Event::Deleted,
        key: p.key.clone(),
        run: p.run.clone(),
        base_url: p.base_url.clone(),
        kind: p.kind,
        name: p.name.clone(),
        id: p.id.clone(),
    };
    append_entry(&p.file, &entry)
}

/// Remove journal files that have no open entry left.
pub fn prune(dir: &Path) {
    let still_open: Vec<PathBuf> = pending(dir).into_iter().map(|p| p.file).collect();
    if let Ok(files) = std::fs::read_dir(dir) {
        for path in files
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        {
            if !still_open.contains(&path) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intent_created_deleted_fold() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path(), "r1", "http://h/scim");
        let a = j.intent(ObjectKind::User, "preflight-test-r1-a").unwrap();
        j.created(&a, ObjectKind::User, "preflight-test-r1-a", "id-a")
            .unwrap();
        let b = j.intent(ObjectKind::Group, "preflight-test-r1-g").unwrap();
        let c = j.intent(ObjectKind::User, "preflight-test-r1-c").unwrap();
        j.deleted(&c, ObjectKind::User, "preflight-test-r1-c")
            .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(j.path())
            .unwrap()
            .write_all(b"{\"event\":\"cre")
            .unwrap();
        let open = pending(dir.path());
        assert_eq!(open.len(), 2);
        assert_eq!(open[0].id.as_deref(), Some("id-a"));
        assert_eq!(open[1].key, b);
        assert_eq!(open[1].id, None);
        for p in &open {
            close(p).unwrap();
        }
        prune(dir.path());
        assert!(!j.path().exists());
    }
}
