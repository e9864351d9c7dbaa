//! The profile store and the cleanup journal when storage fails: a read-only config
//! directory, a full disk, a journal that cannot be written, an absent keyring. Each must
//! give an error that says what to do, and lose nothing that was saved before.
//!
//! Tests run as root in CI, where `chmod` stops nothing. The mechanisms used here stop root:
//! * read-only: the ext4/xfs immutable attribute (`chattr +i`), which needs
//!   CAP_LINUX_IMMUTABLE; where `chattr` is missing or the filesystem refuses it the test
//!   prints why and returns early (it still fails when the mechanism works and the code is wrong);
//! * full disk: a child process (this test binary, re-run for one test) under
//!   `RLIMIT_FSIZE` via `prlimit`, with SIGXFSZ ignored (`trap '' XFSZ` survives `exec`), so a
//!   write past the limit fails with EFBIG instead of killing the process;
//! * journal: a journal directory whose parent is a regular file (ENOTDIR, any user), and an
//!   immutable journal file;
//! * keyring: a child process whose `DBUS_SESSION_BUS_ADDRESS` names a socket that does not
//!   exist (absent), and one inside a private D-Bus session whose gnome-keyring login
//!   collection was locked over D-Bus, with no display for the unlock prompt (locked).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use preflight_core::dialect::ObjectKind;
use preflight_core::probe::{LiveTransport, NetConfig, Probe, Req};
use preflight_core::profile::{Profile, ProfileAuth, ProfileError, ProfileId, ProfileStore};
use preflight_core::provision::{JournalError, Writer, journal};
use preflight_core::redact::Redactor;
use preflight_core::secrets::{KeyringStore, SecretStore, SecretStoreError, TimeLimited};
use preflight_core::{Credential, Exchange, Idp, Secret, Target};
use preflight_testbed::{Testbed, TestbedConfig};

/// Set in a child process: the directory the child test works on.
const CHILD_DIR_ENV: &str = "PREFLIGHT_STORAGE_CHILD_DIR";
/// A child prints its error message after this marker.
const ERROR_LINE: &str = "CHILD-ERROR: ";

fn profile(id: &str, name: &str) -> Profile {
    Profile::new(
        ProfileId::parse(id).unwrap(),
        name,
        "https://scim.example.com/scim/v2",
        Idp::Entra,
        ProfileAuth::Bearer,
    )
    .unwrap()
}

/// A config directory holding one saved profile; returns the temp dir and the file's bytes.
fn saved_store() -> (tempfile::TempDir, ProfileStore, Vec<u8>) {
    let tmp = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(tmp.path().join("config"));
    let _ = store
        .upsert(profile("acme-prod", "Acme production"))
        .unwrap();
    let bytes = std::fs::read(store.path()).unwrap();
    (tmp, store, bytes)
}

/// The names in `dir`, sorted: a leftover temp file shows up here.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The old file, byte for byte, and nothing else in the directory.
fn assert_untouched(store: &ProfileStore, before: &[u8]) {
    assert_eq!(
        std::fs::read(store.path()).unwrap(),
        before,
        "profiles.json changed after a failed save"
    );
    assert_eq!(
        names(store.dir()),
        vec![ProfileStore::FILE_NAME.to_string()],
        "a temp file was left behind"
    );
    let listed = store.list().unwrap().value;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id.as_str(), "acme-prod");
}

/// `chattr +i` on a path for the guard's lifetime (removed on drop, also after a panic, so
/// the temp dir can be deleted).
struct Immutable(PathBuf);

impl Immutable {
    /// `None` (with the reason printed) when this machine cannot make files immutable.
    fn set(path: &Path) -> Option<Immutable> {
        match Command::new("chattr").arg("+i").arg(path).output() {
            Ok(out) if out.status.success() => Some(Immutable(path.to_path_buf())),
            Ok(out) => {
                eprintln!(
                    "SKIP: chattr +i {} failed here ({}); the read-only case needs the immutable \
                     attribute (ext4/xfs and CAP_LINUX_IMMUTABLE)",
                    path.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIP: chattr is not installed ({e}); the read-only case needs it");
                None
            }
        }
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

// --- (a) read-only config directory -----------------------------------------------------

#[test]
fn read_only_config_dir_refuses_the_save_and_keeps_the_file() {
    let (_tmp, store, before) = saved_store();
    let Some(_guard) = Immutable::set(store.dir()) else {
        return;
    };
    let err = store
        .upsert(profile("acme-test", "Acme test"))
        .expect_err("saving into a read-only directory must fail");
    assert!(matches!(err, ProfileError::Write { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("is not writable") && msg.contains("PREFLIGHT_CONFIG_DIR"),
        "the message names the fix: {msg}"
    );
    assert!(msg.contains(&store.dir().display().to_string()), "{msg}");
    assert_untouched(&store, &before);

    // Removing a profile is a save too: it must fail the same way and keep the profile.
    let err = store
        .remove("acme-prod", &preflight_core::secrets::MemoryStore::new())
        .expect_err("removing from a read-only directory must fail");
    assert!(err.to_string().contains("is not writable"), "{err}");
    assert_untouched(&store, &before);
}

#[test]
fn read_only_profiles_file_refuses_the_save_and_leaves_no_temp_file() {
    // The directory is writable (the temp file gets written), the rename over the file is not.
    let (_tmp, store, before) = saved_store();
    let Some(_guard) = Immutable::set(&store.path()) else {
        return;
    };
    let err = store
        .upsert(profile("acme-test", "Acme test"))
        .expect_err("replacing an immutable file must fail");
    assert!(err.to_string().contains("is not writable"), "{err}");
    assert_untouched(&store, &before);
}

#[test]
fn config_dir_that_cannot_be_created_gives_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(_guard) = Immutable::set(tmp.path()) else {
        return;
    };
    let store = ProfileStore::new(tmp.path().join("preflight"));
    let err = store
        .upsert(profile("acme-prod", "Acme production"))
        .expect_err("creating the config dir under a read-only parent must fail");
    let msg = err.to_string();
    assert!(
        msg.contains("is not writable") && msg.contains("PREFLIGHT_CONFIG_DIR"),
        "{msg}"
    );
    assert!(!store.dir().exists());
}

// --- (b) full disk ----------------------------------------------------------------------

/// In a child process: the directory its parent handed over; `None` in a normal run, where
/// the child half of a test does nothing.
fn child_dir() -> Option<PathBuf> {
    std::env::var_os(CHILD_DIR_ENV).map(PathBuf::from)
}

/// Re-run this test binary for the single test `name`, with `env` set, under `prefix` (a
/// command that execs its arguments, e.g. a resource limit or a private D-Bus session).
/// Bounded: the child is killed after 60 s.
fn run_child(name: &str, env: &[(&str, &OsStr)], prefix: &[&OsStr]) -> Output {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new("timeout");
    cmd.arg("60")
        .args(prefix)
        .arg(exe)
        .args(["--exact", name, "--nocapture", "--test-threads=1"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run the child test process")
}

/// The error line of a child that ran to the end (what the admin would read); `what` names
/// the child in the failure message when it did not.
fn child_error(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        // The harness may print `test name ... ` on the same line first.
        .find_map(|l| l.split_once(ERROR_LINE).map(|(_, msg)| msg))
        .map(str::to_string)
        .unwrap_or_else(|| {
            panic!(
                "child printed no error line; status {:?}\nstdout:\n{stdout}\nstderr:\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        })
}

/// Run `name` with the file size limit just above `limit` bytes and SIGXFSZ ignored.
fn run_with_file_size_limit(name: &str, dir: &Path, limit: u64) -> Option<Output> {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("SKIP: prlimit (util-linux) is not installed; the full-disk case needs it");
        return None;
    }
    let fsize = format!("--fsize={limit}");
    let out = run_child(
        name,
        &[(CHILD_DIR_ENV, dir.as_os_str())],
        &[
            "sh",
            "-c",
            "trap '' XFSZ; exec prlimit \"$0\" -- \"$@\"",
            &fsize,
        ]
        .map(OsStr::new),
    );
    Some(out)
}

#[test]
fn full_disk_keeps_the_old_profiles_file() {
    let (_tmp, store, before) = saved_store();
    // The new file (two profiles) is about twice the old one: it cannot fit under the limit.
    let limit = before.len() as u64 + 16;
    let Some(out) = run_with_file_size_limit("full_disk_child_saves", store.dir(), limit) else {
        return;
    };
    let msg = child_error(&out, "the child");
    assert!(
        msg.contains("no space left") && msg.contains("were not changed"),
        "the message says what happened and what to do: {msg}"
    );
    assert_untouched(&store, &before);
}

/// Child half of [`full_disk_keeps_the_old_profiles_file`]; does nothing in a normal run.
#[test]
fn full_disk_child_saves() {
    let Some(dir) = child_dir() else {
        return;
    };
    let store = ProfileStore::new(dir);
    let err = store
        .upsert(profile("acme-test", "Acme test with a longer name"))
        .expect_err("a save past the file size limit must fail");
    assert!(matches!(err, ProfileError::Write { .. }), "{err:?}");
    println!("{ERROR_LINE}{err}");
}

#[test]
fn full_disk_journal_append_fails_and_keeps_earlier_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("journal");
    let j = journal::Journal::new(&dir, "r1", "http://127.0.0.1:1/scim/v2");
    let key = j.intent(ObjectKind::User, "preflight-test-r1-a").unwrap();
    j.created(&key, ObjectKind::User, "preflight-test-r1-a", "id-a")
        .unwrap();
    let before = std::fs::read(j.path()).unwrap();
    let Some(out) =
        run_with_file_size_limit("full_disk_child_journals", &dir, before.len() as u64 + 20)
    else {
        return;
    };
    let msg = child_error(&out, "the child");
    assert!(
        msg.contains("cannot write the cleanup journal") && msg.contains("free disk space"),
        "{msg}"
    );
    // The earlier entry is still there and still open (a torn last line is skipped).
    let after = std::fs::read(j.path()).unwrap();
    assert!(after.starts_with(&before), "earlier journal lines changed");
    let open = journal::pending(&dir);
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].id.as_deref(), Some("id-a"));
}

/// Child half of [`full_disk_journal_append_fails_and_keeps_earlier_entries`].
#[test]
fn full_disk_child_journals() {
    let Some(dir) = child_dir() else {
        return;
    };
    let j = journal::Journal::new(&dir, "r1", "http://127.0.0.1:1/scim/v2");
    let err = j
        .intent(
            ObjectKind::Group,
            "preflight-test-r1-a-group-with-a-long-name",
        )
        .expect_err("an append past the file size limit must fail");
    println!("{ERROR_LINE}{err}");
}

// --- (c) a journal write failure stops the create before anything is sent ---------------

async fn testbed() -> Testbed {
    Testbed::start(TestbedConfig::default()).await.unwrap()
}

fn probe_for(tb: &Testbed, journal_dir: PathBuf) -> Probe {
    let mut target = Target::new(
        &tb.base_url(),
        Credential::Bearer(Secret::new(preflight_testbed::config::DEMO_TOKEN)),
        Idp::Entra,
    )
    .unwrap();
    target.write = true;
    target.journal_dir = Some(journal_dir);
    let net = NetConfig {
        total_timeout: Duration::from_secs(10),
        ..NetConfig::default()
    };
    Probe::new(
        Arc::new(LiveTransport::new(&net).unwrap()),
        target,
        Redactor::new(),
    )
}

fn create_user(name: &str) -> Req {
    Req::new("POST", "/Users").json_body(&serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": name,
    }))
}

/// Create the user `name` through the journalling writer.
async fn create_user_via(writer: &Writer<'_>, name: &str) -> Result<Exchange, JournalError> {
    writer
        .create(ObjectKind::User, name, create_user(name))
        .await
}

fn posts(tb: &Testbed) -> usize {
    tb.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/Users"))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn journal_write_failure_stops_the_create_before_it_is_sent() {
    let tb = testbed().await;
    let tmp = tempfile::tempdir().unwrap();

    // Control: with a usable journal the create is sent and journalled with its id.
    let good = tmp.path().join("journal");
    let probe = probe_for(&tb, good.clone());
    let writer = Writer::new(&probe, "r-good");
    let x = create_user_via(&writer, "preflight-test-good")
        .await
        .expect("journal writable");
    assert_eq!(x.response.as_ref().map(|r| r.status), Some(201));
    assert_eq!(posts(&tb), 1, "the request log sees the create");
    assert_eq!(journal::pending(&good).len(), 1);

    // The journal directory cannot exist: its parent is a regular file.
    let blocker = tmp.path().join("not-a-directory");
    std::fs::write(&blocker, b"x").unwrap();
    let probe = probe_for(&tb, blocker.join("journal"));
    let writer = Writer::new(&probe, "r-bad");
    let err = create_user_via(&writer, "preflight-test-bad")
        .await
        .expect_err("no journal, no create");
    assert!(matches!(err, JournalError::Write { .. }), "{err:?}");
    assert!(
        err.to_string().contains("not-a-directory") && err.to_string().contains("writable"),
        "{err}"
    );
    assert_eq!(posts(&tb), 1, "nothing was sent after the journal failed");
    tb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_journal_file_stops_the_create_and_keeps_its_entries() {
    let tb = testbed().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("journal");
    let probe = probe_for(&tb, dir.clone());
    // Same run id as the earlier run: the writer appends to the very same file.
    let writer = Writer::new(&probe, "r1");
    create_user_via(&writer, "preflight-test-one")
        .await
        .unwrap();
    let file = dir.join("r1.jsonl");
    let before = std::fs::read(&file).unwrap();
    let Some(_guard) = Immutable::set(&file) else {
        tb.shutdown().await;
        return;
    };
    let writer = Writer::new(&probe, "r1");
    let err = create_user_via(&writer, "preflight-test-two")
        .await
        .expect_err("an unwritable journal must stop the create");
    assert!(err.to_string().contains("r1.jsonl"), "{err}");
    assert_eq!(posts(&tb), 1, "the second create was never sent");
    drop(_guard);
    assert_eq!(std::fs::read(&file).unwrap(), before, "journal lines lost");
    assert_eq!(journal::pending(&dir).len(), 1);
    tb.shutdown().await;
}

// --- (d) absent keyring -----------------------------------------------------------------

#[test]
fn absent_keyring_refuses_the_save_and_keeps_the_file() {
    let (tmp, store, before) = saved_store();
    let nowhere = tmp.path().join("no-such-bus");
    let address = format!("unix:path={}", nowhere.display());
    let out = run_child(
        "absent_keyring_child_saves",
        &[
            (CHILD_DIR_ENV, store.dir().as_os_str()),
            ("DBUS_SESSION_BUS_ADDRESS", OsStr::new(&address)),
            // No fallback to the per-user bus socket either.
            ("XDG_RUNTIME_DIR", nowhere.as_os_str()),
        ],
        &[],
    );
    let msg = child_error(&out, "the child");
    assert!(
        msg.contains("no OS keyring is available")
            && msg.contains("never falls back to a plaintext file"),
        "{msg}"
    );
    assert_untouched(&store, &before);
}

/// Save a new profile with `canary` as its secret through `keyring`, each call limited to
/// 10 s as the app does.
fn save_through(
    store: &ProfileStore,
    keyring: KeyringStore,
    canary: &str,
) -> Result<(), ProfileError> {
    let secrets = TimeLimited::new(Arc::new(keyring) as Arc<dyn SecretStore>, 10);
    store
        .save(
            profile("acme-test", "Acme test"),
            &Secret::new(canary),
            &secrets,
        )
        .map(|_| ())
}

/// Child half of [`absent_keyring_refuses_the_save_and_keeps_the_file`].
#[test]
fn absent_keyring_child_saves() {
    let Some(dir) = child_dir() else {
        return;
    };
    let store = ProfileStore::new(dir);
    let err = match preflight_core::secrets::blocking_with_timeout(KeyringStore::open, 10) {
        // Connecting can fail at once …
        Err(e) => ProfileError::Keyring(e),
        // … or on the first call; either way nothing may be written.
        Ok(keyring) => save_through(&store, keyring, "canary-keyring-absent")
            .expect_err("saving without a keyring must fail"),
    };
    assert!(
        matches!(
            err,
            ProfileError::Keyring(SecretStoreError::Unavailable { .. })
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("canary"));
    println!("{ERROR_LINE}{err}");
}

// --- (d) locked keyring -----------------------------------------------------------------

/// Inside `dbus-run-session`: a throwaway HOME ($1), gnome-keyring unlocked with a password,
/// its login collection then locked through the Secret Service `Lock` call, no display (so
/// the unlock prompt cannot appear), then the child test (the remaining arguments).
const LOCKED_KEYRING_SESSION: &str = r#"
HOME="$1"; shift
export HOME XDG_DATA_HOME="$HOME/data" XDG_RUNTIME_DIR="$HOME/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY
eval "$(printf pass | gnome-keyring-daemon --unlock --components=secrets)" || exit 90
timeout 10 dbus-send --session --dest=org.freedesktop.secrets --type=method_call --print-reply \
  /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock \
  array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 91
exec "$@"
"#;

#[test]
fn locked_keyring_refuses_the_save_and_keeps_the_file() {
    for tool in ["dbus-run-session", "gnome-keyring-daemon", "dbus-send"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(true)
        {
            eprintln!("SKIP: {tool} is not installed; the locked-keyring case needs it");
            return;
        }
    }
    let (tmp, store, before) = saved_store();
    let home = tmp.path().join("home");
    let session = [
        "dbus-run-session",
        "--",
        "sh",
        "-c",
        LOCKED_KEYRING_SESSION,
        "sh",
    ]
    .map(OsStr::new);
    let mut prefix = session.to_vec();
    prefix.push(home.as_os_str());
    let out = run_child(
        "locked_keyring_child_saves",
        &[(CHILD_DIR_ENV, store.dir().as_os_str())],
        &prefix,
    );
    let msg = child_error(
        &out,
        "the locked-keyring session (90 = keyring did not start, 91 = lock refused)",
    );
    assert!(
        msg.contains("locked") && msg.contains("gnome-keyring-daemon --unlock"),
        "the message says the keyring is locked and how to unlock it: {msg}"
    );
    assert_untouched(&store, &before);
}

/// Child half of [`locked_keyring_refuses_the_save_and_keeps_the_file`].
#[test]
fn locked_keyring_child_saves() {
    let Some(dir) = child_dir() else {
        return;
    };
    let store = ProfileStore::new(dir);
    let keyring = preflight_core::secrets::blocking_with_timeout(KeyringStore::open, 10)
        .expect("the private session has a Secret Service");
    let err = save_through(&store, keyring, "canary-keyring-locked")
        .expect_err("saving into a locked keyring must fail");
    assert!(
        matches!(err, ProfileError::Keyring(SecretStoreError::Locked { .. })),
        "{err:?}"
    );
    assert!(!err.to_string().contains("canary"));
    println!("{ERROR_LINE}{err}");
}
