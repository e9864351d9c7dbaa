#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked, throwaway gnome-keyring,
# so keyring tests use a real Secret Service without touching the user's own keyring.
# usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
if [ -z "${PREFLIGHT_IN_KEYRING_SESSION:-}" ]; then
  exec env PREFLIGHT_IN_KEYRING_SESSION=1 dbus-run-session -- "$0" "$@"
fi
scratch="$(mktemp -d "${TMPDIR:-/tmp}/preflight-keyring.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# A locked keyring would wait for an unlock prompt forever: unlock it before anything asks.
echo -n "preflight-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
