#!/usr/bin/env bash
# Startup time and memory of the desktop app under Xvfb, optionally against a bare Tauri 2 +
# Svelte 5 app (the floor) measured in the same run.
#   scripts/bench-app.sh [--floor] [path/to/preflight-app]   (default: target/release/preflight-app)
# Per app, after one uncounted warm-up start, the median of RUNS (5) starts (with --floor the
# two apps take turns) of:
#   * window: process start → the main window is viewable (xwininfo IsViewable; GTK's hidden
#     10×10 helper window with the same title is never "viewable", so it is not counted);
#   * interactive: process start → the page's first IPC call answered (the app prints
#     `preflight-bench: first-ipc-answered-unix-ns=N` when PREFLIGHT_BENCH_LOG is set);
#   * PSS summed over the app and its WebKit child processes 3 s after start
#     (/proc/*/smaps_rollup; RSS would count WebKit's shared pages several times over);
# plus the release binary size (and the .deb's, when one was built).
# --floor generates the minimal app (one page, two commands: ping and a keyring round trip) in
# target/bench-floor from the workspace's Cargo.lock and ui/node_modules, builds it offline
# with the same release profile (cached after the first build, ~5 min), and prints the ratios.
# Needs: xvfb, dbus, gnome-keyring, x11-utils (xwininfo); for --floor, a warm cargo cache.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
FLOOR=0
if [ "${1:-}" = "--floor" ]; then FLOOR=1; shift; fi
BIN="$(realpath "${1:-$TARGET/release/preflight-app}")"
RUNS="${RUNS:-5}"
FLOOR_DIR="$ROOT/target/bench-floor"
[ -x "$BIN" ] || { echo "error: no binary at $BIN (build with scripts/app-build.sh --release)" >&2; exit 2; }

# The floor app: generated, then built offline (outside Xvfb: no display needed to compile).
build_floor() {
  local src="$FLOOR_DIR/src-app"
  mkdir -p "$src/src" "$src/ui/src" "$src/capabilities" "$src/icons"
  cat >"$src/Cargo.toml" <<'TOML'
[package]
name = "floor-app"
version = "0.1.0"
edition = "2024"
publish = false

[build-dependencies]
tauri-build = { version = "2", features = [] }

[dependencies]
tauri = { version = "2", features = ["custom-protocol"] }
serde = { version = "1", features = ["derive"] }
keyring-core = "1"
zbus-secret-service-keyring-store = { version = "1", features = ["crypto-rust"] }

[profile.release]
lto = true
codegen-units = 1
opt-level = "s"
strip = true
panic = "abort"

[workspace]
TOML
  cat >"$src/build.rs" <<'RS'
fn main() {
    tauri_build::build()
}
RS
  cat >"$src/src/main.rs" <<'RS'
// The floor: the least a Tauri 2 + Svelte 5 app with one page, two commands and a keyring
// round trip costs. Same bench hook as Preflight: the first answered call is logged.
use std::sync::atomic::{AtomicBool, Ordering};

#[tauri::command]
fn ping() -> String {
    static LOGGED: AtomicBool = AtomicBool::new(false);
    if std::env::var_os("PREFLIGHT_BENCH_LOG").is_some() && !LOGGED.swap(true, Ordering::Relaxed) {
        let ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        eprintln!("preflight-bench: first-ipc-answered-unix-ns={ns}");
    }
    "pong".into()
}

#[tauri::command]
async fn keyring_roundtrip() -> Result<bool, String> {
    tauri::async_runtime::spawn_blocking(|| {
        let store: std::sync::Arc<keyring_core::CredentialStore> =
            zbus_secret_service_keyring_store::Store::new().map_err(|e| e.to_string())?;
        let entry = keyring_core::Entry::new_in_store(&store, "floor-app", "bench").map_err(|e| e.to_string())?;
        entry.set_password("value").map_err(|e| e.to_string())?;
        let same = entry.get_password().map_err(|e| e.to_string())? == "value";
        entry.delete_credential().map_err(|e| e.to_string())?;
        Ok(same)
    })
    .await
    .map_err(|e| e.to_string())?
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ping, keyring_roundtrip])
        .run(tauri::generate_context!())
        .expect("floor app");
}
RS
  cat >"$src/tauri.conf.json" <<'JSON'
{
  "productName": "FloorApp",
  "mainBinaryName": "floor-app",
  "version": "0.1.0",
  "identifier": "dev.preflight.bench-floor",
  "build": { "frontendDist": "ui/dist" },
  "app": {
    "withGlobalTauri": false,
    "windows": [{ "label": "main", "title": "FloorApp", "width": 1024, "height": 700 }],
    "security": { "csp": "default-src 'self'; connect-src ipc: http://ipc.localhost" }
  },
  "bundle": { "active": false, "icon": ["icons/32x32.png", "icons/128x128.png", "icons/icon.png"] }
}
JSON
  cat >"$src/capabilities/main.json" <<'JSON'
{ "identifier": "main", "windows": ["main"], "permissions": ["core:default"] }
JSON
  cp "$ROOT/icons/32x32.png" "$ROOT/icons/128x128.png" "$ROOT/icons/icon.png" "$src/icons/"
  cat >"$src/ui/index.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>FloorApp</title></head>
<body><div id="app"></div><script type="module" src="/src/main.ts"></script></body></html>
HTML
  cat >"$src/ui/src/main.ts" <<'TS'
import { mount } from 'svelte';
import App from './App.svelte';
mount(App, { target: document.getElementById('app')! });
TS
  cat >"$src/ui/src/App.svelte" <<'SVELTE'
<script lang="ts">
  import { onMount } from 'svelte';
  import { invoke } from '@tauri-apps/api/core';
  let answer = $state('');
  let stored = $state('');
  onMount(async () => { answer = await invoke<string>('ping'); });
</script>
<h1>Floor</h1>
<p>{answer}</p>
<button onclick={async () => (stored = String(await invoke<boolean>('keyring_roundtrip')))}>Keyring</button>
<p>{stored}</p>
SVELTE
  cat >"$src/ui/vite.config.mjs" <<'JS'
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
export default defineConfig({ plugins: [svelte()], build: { outDir: 'dist', emptyOutDir: true } });
JS
  # The project's own UI toolchain (svelte, vite, @tauri-apps/api): no download.
  ln -sfn "$ROOT/ui/node_modules" "$src/ui/node_modules"
  (cd "$src/ui" && ./node_modules/.bin/vite build --logLevel error) || return 1
  # The workspace lock pins every crate to a version already in the cargo cache.
  [ -f "$src/Cargo.lock" ] || cp "$ROOT/Cargo.lock" "$src/Cargo.lock"
  (cd "$src" && CARGO_TARGET_DIR="$FLOOR_DIR/target" cargo build --release --offline --quiet) >&2 || return 1
  [ -x "$FLOOR_DIR/target/release/floor-app" ] || return 1
  echo "$FLOOR_DIR/target/release/floor-app"
}

if [ "${BENCH_INNER:-0}" != 1 ]; then
  FLOOR_BIN=""
  if [ "$FLOOR" = 1 ]; then
    echo "building the floor app (Tauri 2 + Svelte 5, one page, two commands) in $FLOOR_DIR …" >&2
    FLOOR_BIN="$(build_floor)" || { echo "error: the floor app could not be built offline (see above)" >&2; exit 1; }
  fi
  BENCH_INNER=1 FLOOR_BIN="$FLOOR_BIN" exec timeout --kill-after=10 600 \
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- env BENCH_INNER=1 RUNS="$RUNS" FLOOR_BIN="$FLOOR_BIN" bash "$0" "$BIN"
fi

TMP="$(mktemp -d /tmp/preflight-bench.XXXXXX)"
APP_PID=""
cleanup() {
  if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" XDG_CACHE_HOME="$TMP/cache" XDG_RUNTIME_DIR="$TMP/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
export WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1 PREFLIGHT_BENCH_LOG=1
eval "$(echo -n pass | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null

descendants() { # pid and all its descendants
  local p; echo "$1"
  for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$p"; done
}
pss_kb() {
  local total=0 p v
  for p in $(descendants "$1"); do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

# start_once NAME BIN TITLE → one start; appends "window tti pss" to $TMP/NAME.runs
start_once() {
  local name="$1" bin="$2" title="$3" i t0 ms tti now kb ns
  i=$(( $(wc -l <"$TMP/$name.runs" 2>/dev/null || echo 0) + 1 ))
  local log="$TMP/$name-$i.log"
  t0=$(date +%s%N)
  "$bin" >"$log" 2>&1 &
  APP_PID=$!
  ms=""
  for _ in $(seq 1 1500); do # at most ~30 s
    if xwininfo -name "$title" 2>/dev/null | grep -q 'Map State: IsViewable'; then
      ms=$(( ($(date +%s%N) - t0) / 1000000 )); break
    fi
    sleep 0.02
  done
  [ -n "$ms" ] || { echo "$name run $i: window never became viewable" >&2; cat "$log" >&2; exit 1; }
  tti=""
  for _ in $(seq 1 500); do # at most ~10 s more
    ns=$(sed -n 's/^preflight-bench: first-ipc-answered-unix-ns=\([0-9]*\)$/\1/p' "$log" | head -n1)
    if [ -n "$ns" ]; then tti=$(( (ns - t0) / 1000000 )); break; fi
    sleep 0.02
  done
  [ -n "$tti" ] || { echo "$name run $i: the page's first IPC call was never answered" >&2; cat "$log" >&2; exit 1; }
  now=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$now" -lt 3000 ] && sleep "$(awk "BEGIN {print (3000 - $now) / 1000}")"
  kb=$(pss_kb "$APP_PID")
  echo "$name run $i: viewable after ${ms} ms, interactive after ${tti} ms, PSS ${kb} kB"
  echo "$ms $tti $kb" >>"$TMP/$name.runs"
  kill "$APP_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  sleep 0.5
}

# medians NAME → sets WINDOW_MS, TTI_MS, PSS_KB from $TMP/NAME.runs
medians() {
  WINDOW_MS=$(awk '{print $1}' "$TMP/$1.runs" | median)
  TTI_MS=$(awk '{print $2}' "$TMP/$1.runs" | median)
  PSS_KB=$(awk '{print $3}' "$TMP/$1.runs" | median)
  TTI_MIN=$(awk '{print $2}' "$TMP/$1.runs" | sort -n | head -n1)
}

report() { # NAME BIN
  echo "$1 binary:        $2 ($(stat -c %s "$2") bytes, $(awk "BEGIN {printf \"%.1f\", $(stat -c %s "$2") / 1048576}") MiB)"
  echo "$1 window:        $WINDOW_MS ms to a viewable window (median of $RUNS)"
  # The fastest start too: WebKit starts sometimes stall ~0.5 s for both apps alike (seen on an
  # idle machine as well), which a median of 5 may or may not include.
  echo "$1 interactive:   $TTI_MS ms to the first IPC call answered (median of $RUNS; fastest $TTI_MIN ms)"
  echo "$1 memory:        $((PSS_KB / 1024)) MiB PSS (app + WebKit processes, 3 s after start, median)"
}

# One uncounted start of each app first: the first start in a fresh HOME pays one-off costs
# (D-Bus activation of the desktop portal, WebKit's and fontconfig's caches) that would
# otherwise land on whichever app happens to be measured first.
start_once preflight-warmup "$BIN" Preflight >/dev/null
if [ -n "${FLOOR_BIN:-}" ]; then start_once floor-warmup "$FLOOR_BIN" FloorApp >/dev/null; fi

# With --floor the two apps start in turn (preflight, floor, preflight, …): on a shared machine
# a burst of load then hits both alike instead of skewing one app's five starts.
for _ in $(seq 1 "$RUNS"); do
  start_once preflight "$BIN" Preflight
  if [ -n "${FLOOR_BIN:-}" ]; then start_once floor "$FLOOR_BIN" FloorApp; fi
done
medians preflight
P_WINDOW=$WINDOW_MS P_TTI=$TTI_MS P_PSS=$PSS_KB
report preflight "$BIN"
DEB="$(ls -1t "$(dirname "$BIN")"/bundle/deb/*.deb 2>/dev/null | head -n1 || true)"
[ -n "$DEB" ] && echo "preflight .deb:          $DEB ($(stat -c %s "$DEB") bytes, $(awk "BEGIN {printf \"%.2f\", $(stat -c %s "$DEB") / 1048576}") MiB, data.tar.$(ar t "$DEB" | sed -n 's/^data\.tar\.\{0,1\}//p'))"

if [ -n "${FLOOR_BIN:-}" ]; then
  medians floor
  report floor "$FLOOR_BIN"
  ratio() { awk "BEGIN {printf \"%.2f\", $1 / ($2 > 0 ? $2 : 1)}"; }
  echo "ratio preflight/floor: window $(ratio "$P_WINDOW" "$WINDOW_MS")×, interactive $(ratio "$P_TTI" "$TTI_MS")×, PSS $(ratio "$P_PSS" "$PSS_KB")×, binary $(ratio "$(stat -c %s "$BIN")" "$(stat -c %s "$FLOOR_BIN")")×"
fi
