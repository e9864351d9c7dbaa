#!/usr/bin/env bash
# Long property-test run: every crates/core/tests/prop_*.rs property with many more cases
# than CI's 256 (PROPTEST_CASES, default 20000 here). Prints the properties, the cases run
# and the wall time per test file and in total. Bounded: FUZZ_TIMEOUT seconds per file.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
CASES="${PROPTEST_CASES:-20000}"
LIMIT="${FUZZ_TIMEOUT:-1800}"
export PROPTEST_CASES="$CASES"
# Release build: the same code, many more cases per second.
cargo test -p preflight-core --release --no-run $(for f in crates/core/tests/prop_*.rs; do printf -- '--test %s ' "$(basename "$f" .rs)"; done) >/dev/null 2>&1 \
  || cargo test -p preflight-core --release --no-run $(for f in crates/core/tests/prop_*.rs; do printf -- '--test %s ' "$(basename "$f" .rs)"; done)
total_props=0
total_start=$(date +%s.%N)
status=0
for file in crates/core/tests/prop_*.rs; do
  name="$(basename "$file" .rs)"
  props=$(cargo test -p preflight-core --release --test "$name" -- --list 2>/dev/null | grep -c ': test$' || true)
  start=$(date +%s.%N)
  if timeout "$LIMIT" cargo test -p preflight-core --release --test "$name" -q >"/tmp/fuzz-long-$name.log" 2>&1; then
    result=ok
  else
    result=FAILED; status=1
  fi
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  printf '%-18s %2d properties × %d cases = %8d cases  %7.1f s  %s\n' "$name" "$props" "$CASES" "$((props * CASES))" "$secs" "$result"
  [ "$result" = ok ] || tail -n 40 "/tmp/fuzz-long-$name.log"
  total_props=$((total_props + props))
done
secs=$(echo "$(date +%s.%N) - $total_start" | bc)
printf 'total: %d properties, %d cases in %.1f s\n' "$total_props" "$((total_props * CASES))" "$secs"
exit "$status"
