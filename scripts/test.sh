#!/usr/bin/env bash
# The one command that sets up and runs every test (README, and CI via .ci/run):
# formatting, lints, unit + fixture-replay + testbed + real-server (scim2-server, oidc-provider)
# tests, the keyring round trip against a real gnome-keyring in a throwaway D-Bus session, and
# the desktop app end to end in a real WebKit window over WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "== installing tauri-driver (WebDriver bridge for the app tests)" >&2
  cargo install tauri-driver --locked --quiet
fi
export PATH="$HOME/.cargo/bin:$PATH"

echo "== building the UI (svelte-check, IPC type drift guard, vite build)" >&2
(cd ui && npm run check && npm run build)

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check

echo "== cargo clippy" >&2
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo deny (licences, bans, sources; offline)" >&2
scripts/deny.sh

echo "== cargo test (workspace; real servers and keyring required)" >&2
export PREFLIGHT_REQUIRE_REAL_SERVERS=1
export PREFLIGHT_REAL_VENV="$PWD/.venv-real"
bash scripts/with-keyring.sh env PREFLIGHT_REQUIRE_KEYRING=1 cargo test --workspace --locked

echo "== desktop app end to end (Xvfb + WebDriver + gnome-keyring)" >&2
cargo build --locked -p preflight-app
SKIP_BUILD=1 bash scripts/app-e2e.sh
