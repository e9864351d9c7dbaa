#!/usr/bin/env bash
# Run the scim2-tester conformance suite (PyPI) against a SCIM server, as a
# peer to compare Preflight with (timing, coverage). It creates, modifies and
# deletes Users and Groups on the server, so point it at a throwaway server.
#
#   usage: run-scim2-tester.sh URL TOKEN
#     URL    SCIM base URL, e.g. http://127.0.0.1:18080/v2
#     TOKEN  bearer token sent as "Authorization: Bearer TOKEN"
#
#   VENV                virtualenv from tests/real-servers/install.sh
#                       (default <repo>/.venv-real)
#   SCIM2_TESTER_MODE   api (default): call scim2_tester.check_server() from a
#                       small Python runner;
#                       cli: run `scim2 --url URL test` from scim2-cli
#   SCIM2_TESTER_TIMEOUT  whole-run limit in seconds (default 300)
#
# Prints one line per check ("STATUS [ResourceType] title: reason"), then a
# summary as the last line:
#   scim2-tester summary: N checks, P passed, F failed, S skipped (...) in T s
# passed = SUCCESS/COMPLIANT/ACCEPTABLE, failed = DEVIATION/ERROR/CRITICAL.
# (The scim2 CLI itself counts anything but SUCCESS as a failure.)
#
# Exit status: 0 whenever the suite ran, whatever it found about the server;
# 2 on bad usage or missing venv; 3 when the suite could not run or finish
# (crash, unreachable server in cli mode, timeout).
set -uo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 URL TOKEN" >&2
  exit 2
fi
url="$1"
token="$2"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
VENV="${VENV:-$repo/.venv-real}"
mode="${SCIM2_TESTER_MODE:-api}"
limit="${SCIM2_TESTER_TIMEOUT:-300}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "run-scim2-tester.sh: no virtualenv at $VENV; run tests/real-servers/install.sh first" >&2
  exit 2
fi

# The token travels in the environment, not on a command line.
export SCIM2_TESTER_URL="$url" SCIM2_TESTER_TOKEN="$token" SCIM2_TESTER_MODE="$mode"

timeout --kill-after=5 "$limit" "$VENV/bin/python" - <<'EOF'
import os
import subprocess
import sys
import time
from collections import Counter

PASS = {"SUCCESS", "COMPLIANT", "ACCEPTABLE"}
FAIL = {"DEVIATION", "ERROR", "CRITICAL"}
STATUSES = ["SUCCESS", "COMPLIANT", "ACCEPTABLE", "DEVIATION", "ERROR", "CRITICAL", "SKIPPED"]

url = os.environ["SCIM2_TESTER_URL"]
token = os.environ["SCIM2_TESTER_TOKEN"]
mode = os.environ["SCIM2_TESTER_MODE"]
start = time.monotonic()


def one_line(text):
    return " ".join(str(text).split())[:300]


statuses = []
if mode == "api":
    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import check_server

    http = Client(
        base_url=url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10.0,
    )
    with http:
        # An unreachable server is a setup problem, not a conformance finding.
        try:
            http.get("ServiceProviderConfig")
        except Exception as exc:
            print(f"run-scim2-tester.sh: cannot reach {url}: {exc}", file=sys.stderr)
            sys.exit(3)
        results = check_server(SyncSCIMClient(http))
    for r in results:
        statuses.append(r.status.name)
        where = f" [{r.resource_type}]" if r.resource_type else ""
        reason = f": {one_line(r.reason)}" if r.reason else ""
        print(f"{r.status.name}{where} {r.title}{reason}")
elif mode == "cli":
    scim2 = os.path.join(os.path.dirname(sys.executable), "scim2")
    env = dict(os.environ, SCIM_CLI_HEADERS=f"Authorization: Bearer {token}")
    proc = subprocess.run(
        [scim2, "--url", url, "test"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in proc.stdout.splitlines():
        print(line)
        word = line.split(" ", 1)[0]
        if word in STATUSES:
            statuses.append(word)
    if proc.returncode not in (0, 1) or not statuses:
        print(f"run-scim2-tester.sh: `scim2 test` exited {proc.returncode} without results", file=sys.stderr)
        sys.exit(3)
else:
    print(f"run-scim2-tester.sh: unknown SCIM2_TESTER_MODE={mode!r} (api or cli)", file=sys.stderr)
    sys.exit(2)

counts = Counter(statuses)
passed = sum(counts[s] for s in PASS)
failed = sum(counts[s] for s in FAIL)
skipped = counts["SKIPPED"]
detail = " ".join(f"{s}={counts[s]}" for s in STATUSES if counts[s])
elapsed = time.monotonic() - start
print(
    f"scim2-tester summary: {len(statuses)} checks, {passed} passed, {failed} failed, "
    f"{skipped} skipped ({detail or 'no results'}) in {elapsed:.1f} s"
)
EOF
rc=$?
case "$rc" in
  0) exit 0 ;;
  2) exit 2 ;;
  124 | 137) echo "run-scim2-tester.sh: scim2-tester did not finish within ${limit} s" >&2; exit 3 ;;
  3) exit 3 ;;
  *) echo "run-scim2-tester.sh: scim2-tester runner failed (exit $rc)" >&2; exit 3 ;;
esac
