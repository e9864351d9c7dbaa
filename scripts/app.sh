#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine, builds the Preflight desktop app and launches it.
# In the app, "Use the demo server" starts the built-in demo SCIM endpoint, so a newcomer
# sees every check run with no endpoint of their own. Needs a graphical session (X11 or
# Wayland) and an unlocked keyring (gnome-keyring or KWallet) to store tokens.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/app-build.sh --release
exec "${CARGO_TARGET_DIR:-target}/release/preflight-app" "$@"
