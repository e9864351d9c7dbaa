#!/usr/bin/env bash
# The one command that sets up and runs every test (README, and CI via .ci/run):
# formatting, lints, unit + fixture-replay + testbed + real-server tests, and the keyring
# round trip against a real gnome-keyring in a throwaway D-Bus session.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check

echo "== cargo clippy" >&2
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test (workspace; real servers and keyring required)" >&2
export PREFLIGHT_REQUIRE_REAL_SERVERS=1
export PREFLIGHT_REAL_VENV="$PWD/.venv-real"
bash scripts/with-keyring.sh env PREFLIGHT_REQUIRE_KEYRING=1 cargo test --workspace --locked
