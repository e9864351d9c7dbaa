#!/usr/bin/env bash
# Runs inside xvfb-run + dbus-run-session (see app-e2e.sh). Throwaway HOME/XDG dirs, an
# unlocked gnome-keyring, tauri-driver on :${E2E_PORT:-4444}, then the node:test spec.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TMP="$(mktemp -d /tmp/preflight-e2e.XXXXXX)"
DRIVER_PID=""
cleanup() {
  if [ -n "$DRIVER_PID" ]; then kill "$DRIVER_PID" 2>/dev/null || true; wait "$DRIVER_PID" 2>/dev/null || true; fi
  if [ -n "${KEYRING_PID:-}" ]; then kill "$KEYRING_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" XDG_CACHE_HOME="$TMP/cache"
export XDG_RUNTIME_DIR="$TMP/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# No GPU in CI: software rendering, no sandbox helper that needs user namespaces.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1

# A locked keyring with a display waits forever for a prompt: create and unlock it first.
eval "$(echo -n pass | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
KEYRING_PID="${GNOME_KEYRING_PID:-}"

# E2E_PORT lets two e2e runs share a machine (tauri-driver and its native WebKitWebDriver port).
PORT="${E2E_PORT:-4444}"
tauri-driver --port "$PORT" --native-port "$((PORT + 1))" >"$TMP/tauri-driver.log" 2>&1 &
DRIVER_PID=$!
for _ in $(seq 1 50); do
  if curl -fsS -m 1 http://127.0.0.1:$PORT/status >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fsS -m 2 "http://127.0.0.1:$PORT/status" >/dev/null || { echo "tauri-driver did not start" >&2; cat "$TMP/tauri-driver.log" >&2; exit 2; }

status=0
# Every tests/e2e/*.test.mjs runs (one file per screen); E2E_SPEC narrows it to one file.
if [ -n "${E2E_SPEC:-}" ]; then SPECS=("$E2E_SPEC"); else SPECS=("$ROOT"/tests/e2e/*.test.mjs); fi
WEBDRIVER_URL="http://127.0.0.1:$PORT" node --test --test-concurrency=1 --test-reporter=tap --test-timeout=240000 "${SPECS[@]}" || status=$?
if [ "$status" != 0 ]; then echo "--- tauri-driver log ---" >&2; tail -n 50 "$TMP/tauri-driver.log" >&2; fi
exit "$status"
