#!/usr/bin/env bash
# Benchmark: a full write-mode run (`preflight check --write`, all six dialects in one run)
# against the real scim2-server (PyPI) on 127.0.0.1, RUNS times (default 10), then the peer
# scim2-tester (tests/real-servers/run-scim2-tester.sh) against the same server.
# Prints median wall time and max RSS of each and the ratio.
# Targets (issue 5): preflight <= 0.2x scim2-tester's wall time, <= 40 MiB max RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-10}"
PEER_RUNS="${PEER_RUNS:-3}"
bash tests/real-servers/install.sh >/dev/null
cargo build --release -p preflight-cli >&2
bin="$PWD/target/release/preflight"

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
token="bench-write-$RANDOM$RANDOM"
pid=$(bash tests/real-servers/start-scim2-server.sh "$port" "$token")
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
url="http://127.0.0.1:$port/v2"
# The cleanup journal goes to a scratch directory, not the user's data dir.
export PREFLIGHT_DATA_DIR="$work/data" PREFLIGHT_TOKEN="$token"
dialects=(--dialect entra-default --dialect entra-aadoptscim062020 --dialect okta-patch --dialect okta-oin --dialect onelogin --dialect generic-rfc7644)

# name runs command… → "median_ms max_kib" (exit status of the command is ignored: findings exit 1)
timed() {
  local name="$1" runs="$2"; shift 2
  : > "$work/$name.samples"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/$name.sample" "$@" >/dev/null 2>"$work/$name.stderr" || true
    tail -n1 "$work/$name.sample" >> "$work/$name.samples"
  done
  python3 - "$work/$name.samples" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print(f"{statistics.median(float(r[0]) * 1000 for r in rows):.0f} {max(int(r[1]) for r in rows)}")
PY
}

read -r ours_ms ours_kib < <(timed preflight "$RUNS" "$bin" check --url "$url" --write "${dialects[@]}" --format json)
shape=$("$bin" check --url "$url" --write "${dialects[@]}" --format json 2>/dev/null | python3 -c 'import json,sys;r=json.load(sys.stdin);print(len(r["checks"]), len(r["exchanges"]))' || true)
left=$(curl -s -H "Authorization: Bearer $token" "$url/Users" | python3 -c 'import json,sys;print(json.load(sys.stdin)["totalResults"])')
read -r peer_ms peer_kib < <(timed scim2-tester "$PEER_RUNS" bash tests/real-servers/run-scim2-tester.sh "$url" "$token")

printf '\npreflight check --write, 6 dialects (%s runs; %s checks, %s requests): median %s ms, max RSS %.1f MiB\n' \
  "$RUNS" "${shape% *}" "${shape#* }" "$ours_ms" "$(python3 -c "print($ours_kib/1024)")"
printf 'scim2-tester (%s runs):                                               median %s ms, max RSS %.1f MiB\n' \
  "$PEER_RUNS" "$peer_ms" "$(python3 -c "print($peer_kib/1024)")"
python3 -c "print(f'ratio preflight/scim2-tester: time {$ours_ms/$peer_ms:.3f}x, memory {$ours_kib/$peer_kib:.2f}x')"
echo "test users left on the server after the runs: $left"
echo "targets: time <= 0.2x scim2-tester, max RSS <= 40 MiB"
