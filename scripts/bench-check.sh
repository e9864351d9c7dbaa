#!/usr/bin/env bash
# Benchmark: the full read-only check run of `preflight check` against the real scim2-server
# (PyPI) on 127.0.0.1, RUNS times (default 20): median wall time and max RSS. In the same run,
# the peer scim2-tester against the same server, for a ratio. Targets (issue 3): median
# <= 300 ms, max RSS <= 30 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-20}"
PEER_RUNS="${PEER_RUNS:-5}"
bash tests/real-servers/install.sh >/dev/null
cargo build --release --locked -p preflight-cli >&2
bin="$PWD/target/release/preflight"

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
token="bench-$RANDOM$RANDOM"
pid=$(bash tests/real-servers/start-scim2-server.sh "$port" "$token")
trap 'kill "$pid" 2>/dev/null || true' EXIT
url="http://127.0.0.1:$port/v2"
scratch=$(mktemp -d); trap 'kill "$pid" 2>/dev/null || true; rm -rf "$scratch"' EXIT

measure() { # name runs command...: prints "median_ms max_rss_kib"
  local name="$1" runs="$2"; shift 2
  : > "$scratch/$name.times"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$scratch/$name.one" "$@" >/dev/null 2>"$scratch/$name.err" || true
    tail -n1 "$scratch/$name.one" >> "$scratch/$name.times"
  done
  python3 - "$scratch/$name.times" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
wall = [float(r[0]) * 1000 for r in rows]; rss = [int(r[1]) for r in rows]
print(f"{statistics.median(wall):.0f} {max(rss)}")
PY
}

export PREFLIGHT_TOKEN="$token"
read -r ours_ms ours_kib < <(measure preflight "$RUNS" "$bin" check --url "$url" --format json)
checks=$("$bin" check --url "$url" --format json 2>/dev/null | python3 -c 'import json,sys;r=json.load(sys.stdin);print(len(r["checks"]), len(r["exchanges"]))')
read -r peer_ms peer_kib < <(measure scim2-tester "$PEER_RUNS" bash tests/real-servers/run-scim2-tester.sh "$url" "$token")

printf '\npreflight check (%s runs; %s checks, %s requests):  median %s ms, max RSS %.1f MiB\n' "$RUNS" ${checks% *} ${checks#* } "$ours_ms" "$(echo "$ours_kib/1024" | bc -l)"
printf 'scim2-tester (%s runs, its default suite):          median %s ms, max RSS %.1f MiB\n' "$PEER_RUNS" "$peer_ms" "$(echo "$peer_kib/1024" | bc -l)"
python3 -c "print(f'ratio preflight/scim2-tester: time {$ours_ms/$peer_ms:.2f}x, memory {$ours_kib/$peer_kib:.2f}x')"
echo "targets: median <= 300 ms, max RSS <= 30 MiB"
