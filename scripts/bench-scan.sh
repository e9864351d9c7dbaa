#!/usr/bin/env bash
# Benchmark: `preflight scan` of 10,000 and of 100,000 users (page size 100): wall time and
# max RSS of the scan process, and the same pages fetched by `curl` (one keep-alive
# connection, no parsing: the floor any client can reach against the same server) in the
# same run. The scan streams pages and keeps only 64-bit hashes, so memory should grow by a
# few MiB between the two sizes, not tenfold (targets: 100k users ≤ 10 s, ≤ 64 MiB).
# 10,000 users: the testbed (`--seed-users`). The testbed caps its store at 10,000 resources
# (MAX_RESOURCES in crates/testbed/src/store.rs), so 100,000 users come from a minimal
# synthetic SCIM list server below (users generated per page, nothing stored).
# The synthetic server sends each response (headers and body) in ONE write: written in two,
# Nagle's algorithm holds the body until the client's delayed ACK (~40 ms), which made every
# page cost ~44 ms whatever the client did (44 s for 100k users) — a property of that Python
# server, not of the scan.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p preflight-cli -p preflight-testbed >&2
bin="$PWD/target/release/preflight"
tb="$PWD/target/release/preflight-testbed"
token="bench-scan-$RANDOM$RANDOM"
work=$(mktemp -d)
srv_pid=""
trap '[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$work"' EXIT

cat > "$work/synthetic.py" <<'PYEOF'
# GET /scim/v2/Users and /Groups as ListResponses of TOTAL generated users (and one group).
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs
port, total, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
LR = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        u = urlparse(self.path); q = parse_qs(u.query)
        if u.path.endswith("ServiceProviderConfig"):
            return self.reply(200, {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]})
        if self.headers.get("Authorization") != f"Bearer {token}":
            return self.reply(401, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "401"})
        start = max(1, int(q.get("startIndex", ["1"])[0])); count = int(q.get("count", ["100"])[0])
        if u.path.endswith("/Users"):
            n = total
            items = [{"id": f"u{i}", "userName": f"user{i}@example.invalid", "active": i % 50 != 0,
                      "emails": [{"value": f"user{i}@example.invalid", "primary": True}]}
                     for i in range(start, min(total, start + count - 1) + 1)]
        else:
            n = 1
            items = [{"id": "g1", "displayName": "all", "members": [{"value": "u1"}, {"value": "u2"}]}] if start == 1 else []
        self.reply(200, {"schemas": [LR], "totalResults": n, "startIndex": start, "itemsPerPage": len(items), "Resources": items})
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/scim+json")
        self.send_header("Content-Length", str(len(data)))
        # Headers and body in one write (see the note at the top of the script).
        self._headers_buffer.append(b"\r\n")
        self._headers_buffer.append(data)
        self.flush_headers()
ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PYEOF

run_scan() { # users source
  local users="$1" source="$2" port
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  if [ "$source" = testbed ]; then
    "$tb" --port "$port" --token "$token" --seed-users "$users" >"$work/srv.log" 2>&1 &
  else
    python3 "$work/synthetic.py" "$port" "$users" "$token" >"$work/srv.log" 2>&1 &
  fi
  srv_pid=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/scim/v2/ServiceProviderConfig" >/dev/null && break
    sleep 0.1
  done
  PREFLIGHT_TOKEN="$token" /usr/bin/time -f "%e %M" -o "$work/time" \
    "$bin" scan --url "http://127.0.0.1:$port/scim/v2" --format json >"$work/report.json" 2>/dev/null || true
  read -r secs kib < "$work/time"
  note=$(python3 -c 'import json,sys;r=json.load(open(sys.argv[1]));print([c for c in r["checks"] if c["id"]=="scan/tenant-inventory"][0].get("note"))' "$work/report.json")
  # The peer: curl fetching the same pages, one after the other on one connection.
  /usr/bin/time -f "%e %M" -o "$work/time-curl" curl -sf -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/scim/v2/Users?startIndex=[1-$users:100]&count=100" \
    "http://127.0.0.1:$port/scim/v2/Groups?startIndex=1&count=100" -o /dev/null >/dev/null
  read -r csecs ckib < "$work/time-curl"
  printf 'scan of %6s users (%-9s): %6.2f s wall, max RSS %5.1f MiB (%s); curl same pages %6.2f s → scan/curl %.2fx\n' \
    "$users" "$source" "$secs" "$(python3 -c "print($kib/1024)")" "$note" "$csecs" "$(python3 -c "print($secs/max($csecs,0.01))")"
  echo "$secs $kib" > "$work/result-$users-$source"
  kill "$srv_pid" 2>/dev/null || true
  wait "$srv_pid" 2>/dev/null || true
  srv_pid=""
}

run_scan 10000 testbed
run_scan 10000 synthetic
run_scan 100000 synthetic
read -r s10 k10 < "$work/result-10000-synthetic"
read -r s100 k100 < "$work/result-100000-synthetic"
python3 - "$s10" "$k10" "$s100" "$k100" <<'PYEOF'
import sys
s10, k10, s100, k100 = map(float, sys.argv[1:])
print(f"RSS 10k → 100k users (synthetic): {k10/1024:.1f} → {k100/1024:.1f} MiB (+{(k100-k10)/1024:.1f} MiB)")
print(f"100k users: {s100:.2f} s (target ≤ 10 s: {'met' if s100 <= 10 else 'NOT met'}), {k100/1024:.1f} MiB (target ≤ 64 MiB: {'met' if k100/1024 <= 64 else 'NOT met'})")
PYEOF
