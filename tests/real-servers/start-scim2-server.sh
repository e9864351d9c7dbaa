#!/usr/bin/env bash
# Start the third-party scim2-server (PyPI) on 127.0.0.1:PORT with a static
# bearer token, wait until it answers, and print its PID on stdout.
#
#   usage: start-scim2-server.sh PORT TOKEN
#
#   VENV     virtualenv holding scim2-server (default <repo>/.venv-real;
#            create it with tests/real-servers/install.sh)
#   TMPDIR   where the log goes: ${TMPDIR:-/tmp}/scim2-server-PORT.log
#
# The SCIM base URL is then http://127.0.0.1:PORT/v2 (plain HTTP only; the
# server keeps everything in memory and needs no storage directory).
# Stop it with: kill PID
# Note: the token is passed on the server's command line, so other local
# users can read it in ps; use throwaway tokens only.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 PORT TOKEN" >&2
  exit 2
fi
port="$1"
token="$2"
case "$port" in
  '' | *[!0-9]*) echo "start-scim2-server.sh: PORT must be a number, got '$port'" >&2; exit 2 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "start-scim2-server.sh: PORT out of range: $port" >&2
  exit 2
fi
if [ -z "$token" ]; then
  echo "start-scim2-server.sh: TOKEN must not be empty (an empty token would leave the server open)" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
VENV="${VENV:-$repo/.venv-real}"
server="$VENV/bin/scim2-server"
if [ ! -x "$server" ]; then
  echo "start-scim2-server.sh: $server not found; run tests/real-servers/install.sh first" >&2
  exit 1
fi

logdir="${TMPDIR:-/tmp}"
log="$logdir/scim2-server-$port.log"
url="http://127.0.0.1:$port/v2/ServiceProviderConfig"

# Answers 0 when $url gives HTTP 200.
probe() {
  if command -v curl >/dev/null 2>&1; then
    [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "$url" 2>/dev/null)" = 200 ]
  else
    "$VENV/bin/python" -c '
import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)
except Exception:
    sys.exit(1)' "$url"
  fi
}

# Something already answering on the port would make the readiness check lie.
if probe; then
  echo "start-scim2-server.sh: something already answers on 127.0.0.1:$port; pick another port" >&2
  exit 1
fi

nohup "$server" --hostname 127.0.0.1 --port "$port" --bearer-token "$token" \
  </dev/null >"$log" 2>&1 &
pid=$!

# Bounded wait: at most 150 polls, 0.2 s apart, and never past 30 s.
deadline=$((SECONDS + 30))
for _ in $(seq 1 150); do
  [ "$SECONDS" -lt "$deadline" ] || break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-scim2-server.sh: scim2-server exited before answering (port $port busy?). Log $log:" >&2
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  if probe; then
    echo "$pid"
    exit 0
  fi
  sleep 0.2
done

echo "start-scim2-server.sh: scim2-server did not answer $url within 30 s; stopping PID $pid. Log $log:" >&2
tail -n 20 "$log" >&2 || true
kill "$pid" 2>/dev/null || true
exit 1
