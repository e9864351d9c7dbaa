#!/usr/bin/env bash
# The hostile-server battery against a release build: every mode of `preflight-testbed
# --list-hostile` plus the clean testbed on IPv6 loopback. For each: `preflight check` (with
# --timeout 3), the exit code, whether the report names the mode's expected diagnosis, wall time
# and max RSS. Prints the number of modes tried, the number handled with the right diagnosis,
# and the peak RSS across the battery (target ≤ 64 MiB), with the ratio to the same CLI
# checking the clean testbed (the peer: the same work without hostility).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p preflight-cli -p preflight-testbed >&2
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
bin="$target_dir/release/preflight"
tb="$target_dir/release/preflight-testbed"
work=$(mktemp -d)
srv_pid=""
trap '[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$work"' EXIT

tried=0
handled=0
peak_kib=0
open_cases=()

# start_server ARGS… → sets $url (from the READY line) and $srv_pid
start_server() {
  : >"$work/srv.out"
  "$tb" "$@" >"$work/srv.out" 2>"$work/srv.err" &
  srv_pid=$!
  url=""
  for _ in $(seq 100); do
    url=$(awk '/^READY /{print $2}' "$work/srv.out")
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  return 1
}

stop_server() {
  kill "$srv_pid" 2>/dev/null || true
  wait "$srv_pid" 2>/dev/null || true
  srv_pid=""
}

# run_case NAME EXPECTED_CODE EXPECTED_EXIT — against $url; EXPECTED_CODE "-" means none.
run_case() {
  local name="$1" expected="$2" want_exit="$3" rc secs kib verdict
  rm -f "$work/report.json"
  set +e
  PREFLIGHT_TOKEN=demo-token timeout 300 /usr/bin/time -f "%e %M" -o "$work/time" \
    "$bin" check --url "$url" --format json --out "$work/report.json" --timeout 3 \
    >/dev/null 2>"$work/check.err"
  rc=$?
  set -e
  # GNU time puts "Command exited with non-zero status N" first when the exit is not 0.
  read -r secs kib < <(tail -n 1 "$work/time") || { secs=0; kib=0; }
  local codes
  codes=$(python3 -c 'import json,sys
try: print(" ".join(json.load(open(sys.argv[1]))["diagnoses"]))
except Exception: print("(no report)")' "$work/report.json")
  tried=$((tried + 1))
  [ "$kib" -gt "$peak_kib" ] && peak_kib=$kib
  local ok=1
  if [ "$expected" != "-" ] && ! grep -qw -- "$expected" <<<"$codes"; then ok=0; fi
  [ "$rc" != "$want_exit" ] && ok=0
  if [ "$ok" = 1 ]; then
    handled=$((handled + 1))
    verdict="ok"
  else
    verdict="WRONG"
    open_cases+=("$name: exit $rc, diagnoses [$codes], expected $expected / exit $want_exit")
  fi
  printf '%-28s %-26s exit %s  %6.2f s  %6.1f MiB  %s\n' "$name" "$expected" "$rc" "$secs" \
    "$(python3 -c "print($kib/1024)")" "$verdict"
}

# Peer: the same CLI against the clean testbed on IPv4.
start_server
run_case "clean testbed (peer)" - 0
peer_kib=$peak_kib
tried=0; handled=0; peak_kib=0
stop_server

while IFS=$'\t' read -r mode expected _; do
  start_server --hostile "$mode"
  case "$expected" in
    net/*) want=3 ;;
    *) want=1 ;;
  esac
  run_case "$mode" "$expected" "$want"
  stop_server
done < <("$tb" --list-hostile)

if start_server --bind ::1; then
  run_case "ipv6-loopback (clean)" - 0
  stop_server
else
  echo "ipv6-loopback: skipped, this machine cannot bind [::1]"
  stop_server
fi

echo
echo "modes tried:                        $tried"
echo "handled with the right diagnosis:   $handled"
printf 'peak RSS across the battery:        %.1f MiB (target <= 64 MiB)\n' "$(python3 -c "print($peak_kib/1024)")"
printf 'peer (clean testbed) RSS:           %.1f MiB; battery peak / peer = %.2f\n' \
  "$(python3 -c "print($peer_kib/1024)")" "$(python3 -c "print($peak_kib/max($peer_kib,1))")"
for c in "${open_cases[@]}"; do echo "open: $c"; done
