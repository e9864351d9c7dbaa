#!/usr/bin/env bash
# Dependency hygiene from Cargo.lock, offline: licences (allow-list), banned crates (no
# OpenSSL/native-tls — rustls only), sources (crates.io only), duplicate versions (warn).
# Policy: deny.toml. Advisories need the network and are skipped here (see deny.toml).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
command -v cargo-deny >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo-deny >/dev/null; then
  echo "error: cargo-deny is not installed; run scripts/setup.sh (cargo install cargo-deny --locked)" >&2
  exit 2
fi
# First prove the bans fire at all (a fixture with banned crate names must fail).
bash "$ROOT/scripts/deny-proof.sh"
exec cargo deny --offline --log-level warn check --hide-inclusion-graph licenses bans sources
