#!/usr/bin/env bash
# Startup time and memory of the desktop app under Xvfb.
#   scripts/bench-app.sh [path/to/preflight-app]   (default: target/release/preflight-app)
# Prints: median of 5 starts from process start to the window being viewable (xwininfo
# IsViewable), median PSS summed over the app and its WebKit child processes 3 s after start
# (/proc/*/smaps_rollup), and the binary size. Needs xvfb, dbus, x11-utils (xwininfo).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(realpath "${1:-$ROOT/target/release/preflight-app}")"
RUNS="${RUNS:-5}"
[ -x "$BIN" ] || { echo "error: no binary at $BIN (build with scripts/app-build.sh --release)" >&2; exit 2; }

if [ "${BENCH_INNER:-0}" != 1 ]; then
  BENCH_INNER=1 exec timeout --kill-after=10 300 \
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- env BENCH_INNER=1 RUNS="$RUNS" bash "$0" "$BIN"
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
export WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1 NO_AT_BRIDGE=1
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

starts=(); pss=()
for i in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N)
  "$BIN" >"$TMP/app-$i.log" 2>&1 &
  APP_PID=$!
  ms=""
  for _ in $(seq 1 1500); do # at most ~30 s
    if xwininfo -name Preflight 2>/dev/null | grep -q 'Map State: IsViewable'; then
      ms=$(( ($(date +%s%N) - t0) / 1000000 )); break
    fi
    sleep 0.02
  done
  [ -n "$ms" ] || { echo "run $i: window never became viewable" >&2; cat "$TMP/app-$i.log" >&2; exit 1; }
  now=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$now" -lt 3000 ] && sleep "$(awk "BEGIN {print (3000 - $now) / 1000}")"
  kb=$(pss_kb "$APP_PID")
  echo "run $i: viewable after ${ms} ms, PSS ${kb} kB"
  starts+=("$ms"); pss+=("$kb")
  kill "$APP_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  sleep 0.5
done
echo "binary:            $BIN ($(stat -c %s "$BIN") bytes, $(du -h "$BIN" | cut -f1))"
echo "startup (median):  $(printf '%s\n' "${starts[@]}" | median) ms to a viewable window"
echo "memory (median):   $(( $(printf '%s\n' "${pss[@]}" | median) / 1024 )) MiB PSS (app + WebKit processes, 3 s after start)"
