#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and shows Preflight working against its built-in demo
# SCIM server: builds the `preflight` CLI and runs `preflight demo`. Pass extra demo flags
# through, e.g. `scripts/demo.sh --idp entra --quirks filter-ignored`.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFLIGHT_APP=0 bash scripts/setup.sh
cargo build --release --locked -p preflight-cli
exec "${CARGO_TARGET_DIR:-target}/release/preflight" demo "$@"
