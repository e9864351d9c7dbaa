//! A real round trip through the OS keyring (the freedesktop Secret Service over D-Bus).
//!
//! * Skipped (with a note on stderr) when there is no D-Bus session (`DBUS_SESSION_BUS_ADDRESS`
//!   unset) or no keyring answers on it.
//! * With `PREFLIGHT_REQUIRE_KEYRING=1` a missing or broken keyring FAILS the test (CI).
//!
//! Headless, without touching your real keyring:
//!
//! ```sh
//! export HOME=$(mktemp -d) XDG_DATA_HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d)
//! dbus-run-session -- bash -c 'echo -n pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//!   PREFLIGHT_REQUIRE_KEYRING=1 cargo test -p preflight-core --test keyring_secret_service'
//! ```
//!
//! When `secret-tool` (libsecret-tools) is installed it also checks that libsecret sees the
//! item under the attributes `service=preflight`, `username=<account>`.

use std::process::Command;

use preflight_core::Secret;
use preflight_core::secrets::{
    KeyringStore, SERVICE, SecretStore, SecretStoreError, TimeLimited, blocking_with_timeout,
};

const TIMEOUT_SECS: u64 = 20;

fn required() -> bool {
    std::env::var("PREFLIGHT_REQUIRE_KEYRING").is_ok_and(|v| v == "1")
}

/// Skip (return `None`) or fail, as the environment asks.
fn unavailable(why: &str) -> Option<TimeLimited> {
    if required() {
        panic!("PREFLIGHT_REQUIRE_KEYRING=1 but the keyring is unavailable: {why}");
    }
    eprintln!(
        "skipped: keyring_secret_service: {why} (set PREFLIGHT_REQUIRE_KEYRING=1 to make this a failure)"
    );
    None
}

fn keyring() -> Option<TimeLimited> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty()) {
        return unavailable("DBUS_SESSION_BUS_ADDRESS is not set (no D-Bus session)");
    }
    match blocking_with_timeout(KeyringStore::open, TIMEOUT_SECS) {
        Ok(store) => Some(TimeLimited::new(std::sync::Arc::new(store), TIMEOUT_SECS)),
        Err(e) => unavailable(&e.to_string()),
    }
}

/// What libsecret's `secret-tool lookup` returns for the item, if the tool is installed.
fn secret_tool_lookup(account: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", account])
        .output();
    match output {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(e) => {
            eprintln!(
                "note: secret-tool not run ({e}); install libsecret-tools to cross-check with libsecret"
            );
            None
        }
    }
}

#[test]
fn secret_service_round_trip() {
    let Some(store) = keyring() else { return };
    let unique = uuid::Uuid::new_v4();
    let account = format!("preflight-test-{unique}/token");
    let canary = Secret::new(format!("canary-{unique}"));

    let first = store.get(&account);
    let first = match first {
        Ok(value) => value,
        // A keyring that is there but locked is "unavailable" for a developer, a failure for CI.
        Err(e @ (SecretStoreError::Locked { .. } | SecretStoreError::Timeout { .. })) => {
            unavailable(&e.to_string());
            return;
        }
        Err(e) => panic!("get before set: {e}"),
    };
    assert!(first.is_none(), "a fresh account has no secret");

    store.set(&account, &canary).expect("set");
    assert_eq!(
        store.get(&account).expect("get").expect("stored").expose(),
        canary.expose()
    );
    if let Some(seen) = secret_tool_lookup(&account) {
        assert_eq!(
            seen,
            canary.expose(),
            "libsecret sees the item under service/username"
        );
    }

    // Setting again replaces the item instead of adding a second one (which would be ambiguous).
    let replacement = Secret::new(format!("canary-2-{unique}"));
    store.set(&account, &replacement).expect("replace");
    assert_eq!(
        store
            .get(&account)
            .expect("get after replace")
            .expect("stored")
            .expose(),
        replacement.expose()
    );

    store.delete(&account).expect("delete");
    assert!(
        store.get(&account).expect("get after delete").is_none(),
        "deleted"
    );
    store
        .delete(&account)
        .expect("deleting a missing item is not an error");
    if let Some(seen) = secret_tool_lookup(&account) {
        assert_eq!(seen, "", "libsecret no longer finds the item");
    }
}
