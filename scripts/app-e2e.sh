#!/usr/bin/env bash
# End-to-end test of the desktop app: build UI + app, then drive the real binary through
# tauri-driver (WebDriver, port 4444) inside Xvfb + a private D-Bus session with an unlocked,
# throwaway gnome-keyring. Prints node:test's `# pass N` / `# fail N`.
#
# Needs: libwebkit2gtk-4.1, webkit2gtk-driver, xvfb, dbus, gnome-keyring, libsecret-tools,
# node >= 20, and `cargo install tauri-driver --locked`.
# Env: SKIP_BUILD=1 to reuse the existing build; APP_BINARY to test another binary.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  scripts/app-build.sh
fi
export APP_BINARY="${APP_BINARY:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/preflight-app}"
export SCREENSHOT="${SCREENSHOT:-$ROOT/docs/screenshot-checks.png}"
[ -x "$APP_BINARY" ] || { echo "error: no app binary at $APP_BINARY" >&2; exit 2; }
command -v tauri-driver >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
# Each spec file gets its own Xvfb, D-Bus session, keyring and throwaway HOME: screens share
# profiles and keyring entries, so one file's leftovers must not decide another's result.
# Bounded per file: a hung WebKit or keyring must not hang CI.
if [ -n "${E2E_SPEC:-}" ]; then SPECS=("$E2E_SPEC"); else SPECS=("$ROOT"/tests/e2e/*.test.mjs); fi
failed=()
for spec in "${SPECS[@]}"; do
  echo "== e2e: $(basename "$spec")" >&2
  if ! E2E_SPEC="$spec" timeout --kill-after=10 "${E2E_TIMEOUT:-600}" \
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash "$ROOT/scripts/app-e2e-inner.sh"; then
    failed+=("$(basename "$spec")")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "e2e: failing spec files: ${failed[*]}" >&2
  exit 1
fi
echo "e2e: all ${#SPECS[@]} spec files passed" >&2
