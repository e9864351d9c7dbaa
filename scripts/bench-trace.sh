#!/usr/bin/env bash
# Benchmark: `preflight trace` of a 200 MB HAR with 20,000 entries (release build): wall time
# and peak RSS, and `jq -c '.log.entries | length'` on the same file in the same run as the
# reference (jq parses the whole document into memory; the trace streams one entry at a
# time). Targets: ≤ 2 s and ≤ 64 MiB for the trace. Then the same trace with `--redact-out`
# (the redacted copy is streamed entry by entry into a temporary file): ≤ 64 MiB; its time
# is printed next to jq's, and the copy is checked (same entry count, no secret left).
# The HAR is generated below: a broken OIDC sign-in (authorize → IdP login page → callback
# answering 503) in the middle of 19,996 other entries of the same page — scripts, style
# sheets, XHR JSON and base64 images of about 10 KB each, with Chrome's `_` extensions.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p preflight-cli >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/preflight"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
har="$work/bench.har"

python3 - "$har" <<'PYEOF'
import base64, json, random, sys
path = sys.argv[1]
random.seed(7)
TOTAL, TARGET_BYTES = 20_000, 200_000_000
app, op = "https://app.bench.example", "https://login.bench.example"
def entry(i, method, url, status, mime, text, headers=(), req_headers=(), encoding=None, rtype="script", post=None):
    content = {"size": len(text), "mimeType": mime, "text": text}
    if encoding:
        content["encoding"] = encoding
    e = {
        "_initiator": {"type": "parser", "url": f"{app}/app", "lineNumber": i % 400},
        "_priority": "High", "_resourceType": rtype, "cache": {}, "connection": str(1000 + i % 50),
        "pageref": "page_1",
        "request": {"method": method, "url": url, "httpVersion": "http/2.0",
                    "headers": [{"name": k, "value": v} for k, v in req_headers] + [{"name": "accept", "value": "*/*"}],
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "http/2.0",
                     "headers": [{"name": k, "value": v} for k, v in headers] + [{"name": "content-type", "value": mime}],
                     "cookies": [], "content": content, "redirectURL": dict(headers).get("location", ""),
                     "headersSize": -1, "bodySize": len(text), "_transferSize": len(text)},
        "serverIPAddress": "192.0.2.10", "startedDateTime": f"2026-01-01T10:{(i // 600) % 60:02d}:{(i // 10) % 60:02d}.{i % 1000:03d}Z",
        "time": 12.5, "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 10, "receive": 1.4},
    }
    if post:
        e["request"]["postData"] = post
    return e
# Each entry carries about 1.1 KB of HAR structure besides its body.
per_entry = TARGET_BYTES // TOTAL - 1100
filler_js = "function f(){return 1}\n" * (per_entry // 24)
filler_b64 = base64.b64encode(random.randbytes(per_entry * 3 // 4)).decode()[: per_entry - 600]
filler_json = json.dumps({"items": [{"id": i, "name": f"item {i}"} for i in range(per_entry // 28)]})
flow_at = TOTAL // 2
with open(path, "w") as out:
    out.write('{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"id":"page_1","title":"bench"}],"entries":[\n')
    for i in range(TOTAL):
        if i == flow_at:
            e = entry(i, "GET", f"{app}/login", 302, "text/html", "",
                      headers=[("location", f"{op}/tenant1/oauth2/v2.0/authorize?client_id=c1&response_type=code&redirect_uri={app}/callback&state=s1&nonce=n1&scope=openid")],
                      rtype="document")
        elif i == flow_at + 1:
            e = entry(i, "GET", f"{op}/tenant1/oauth2/v2.0/authorize?client_id=c1&response_type=code&redirect_uri={app}/callback&state=s1&nonce=n1&scope=openid",
                      200, "text/html", "<html><form method=post action=/login><input name=password type=password></form></html>", rtype="document")
        elif i == flow_at + 2:
            e = entry(i, "POST", f"{op}/login", 302, "text/html", "",
                      headers=[("location", f"{app}/callback?code=abc123&state=s1")], rtype="document",
                      post={"mimeType": "application/x-www-form-urlencoded", "text": "login=alice&password=bench-secret",
                            "params": [{"name": "login", "value": "alice"}, {"name": "password", "value": "bench-secret"}]})
        elif i == flow_at + 3:
            e = entry(i, "GET", f"{app}/callback?code=abc123&state=s1", 503, "text/html",
                      "<html><body><h1>503 Service Unavailable</h1></body></html>", rtype="document")
        elif i % 3 == 0:
            e = entry(i, "GET", f"{app}/static/chunk-{i}.js", 200, "application/javascript", filler_js)
        elif i % 3 == 1:
            e = entry(i, "GET", f"{app}/img/{i}.png", 200, "image/png", filler_b64, encoding="base64", rtype="image")
        else:
            e = entry(i, "GET", f"{app}/api/items?page={i}", 200, "application/json", filler_json, rtype="xhr")
        out.write(json.dumps(e))
        out.write(",\n" if i + 1 < TOTAL else "\n")
    out.write("]}}\n")
PYEOF

size=$(stat -c %s "$har")
entries=$(jq -c '.log.entries | length' "$har")
echo "HAR: $((size / 1000000)) MB, $entries entries" >&2

# Peak RSS and wall time from GNU time; the page cache is warm for both tools (the file was
# just written and read by the jq count above).
measure() {
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" > "$work/out" 2> "$work/err" || true
    # The last line: GNU time writes "Command exited with non-zero status N" first when the
    # command fails (the trace exits 1 for the broken sign-in in this HAR, as it should).
    read -r secs kib < <(tail -n 1 "$work/time.txt")
    echo "$secs $kib"
}
read -r t_secs t_kib < <(measure "$bin" trace --har "$har" --format json)
code=$(python3 -c "import json,sys; r=json.load(open('$work/out')); c=[x for x in r['checks'] if x['status']=='fail']; print(len(c), c[0]['diagnosis']['code'], c[0]['finding']['evidence'][0])")
read -r j_secs j_kib < <(measure jq -c '.log.entries | length' "$har")
redacted="$work/redacted.har"
read -r r_secs r_kib < <(measure "$bin" trace --har "$har" --redact-out "$redacted" --format json)
r_entries=$(jq -c '.log.entries | length' "$redacted" 2>/dev/null || echo "not JSON")
r_left=$(grep -c -e 'bench-secret' -e 'code=abc123' "$redacted" || true)

printf 'preflight trace : %6.2f s  peak RSS %7.1f MiB  (%s)\n' "$t_secs" "$(echo "$t_kib / 1024" | bc -l)" "$code"
printf 'trace --redact-out: %6.2f s  peak RSS %7.1f MiB  (copy: %s entries, %s line(s) with a secret)\n' \
    "$r_secs" "$(echo "$r_kib / 1024" | bc -l)" "$r_entries" "$r_left"
printf 'jq entries|length: %6.2f s  peak RSS %7.1f MiB\n' "$j_secs" "$(echo "$j_kib / 1024" | bc -l)"
printf 'ratio (trace / jq): time %.2fx, memory %.2fx\n' "$(echo "$t_secs / $j_secs" | bc -l)" "$(echo "$t_kib / $j_kib" | bc -l)"
printf 'ratio (trace --redact-out / jq): time %.2fx, memory %.2fx\n' "$(echo "$r_secs / $j_secs" | bc -l)" "$(echo "$r_kib / $j_kib" | bc -l)"
printf 'targets: <= 2 s and <= 64 MiB: %s\n' "$(awk -v s="$t_secs" -v k="$t_kib" 'BEGIN { print (s <= 2 && k <= 65536) ? "met" : "NOT met" }')"
printf 'target --redact-out: <= 64 MiB, every entry copied, no secret left: %s\n' \
    "$(awk -v k="$r_kib" -v n="$r_entries" -v e="$entries" -v l="$r_left" 'BEGIN { print (k <= 65536 && n == e && l == 0) ? "met" : "NOT met" }')"
