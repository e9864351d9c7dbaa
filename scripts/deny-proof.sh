#!/usr/bin/env bash
# Proof that deny.toml's bans fire: a policy that bans nothing (a typo in a crate name, a
# missing [bans] table) would otherwise pass `scripts/deny.sh` silently forever.
#
# Runs `cargo deny check bans` with the real deny.toml against the fixture workspace in
# tests/deny-proof/, offline. The fixture's optional path dependencies are empty crates that
# only carry the names of banned crates (openssl-sys, native-tls), one per feature:
#   * no feature       → must pass (the fixture itself is clean, so a failure below is the ban);
#   * each feature     → must fail with cargo-deny's `banned` error naming that crate.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
command -v cargo-deny >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo-deny >/dev/null; then
  echo "error: cargo-deny is not installed; run scripts/setup.sh (cargo install cargo-deny --locked)" >&2
  exit 2
fi

# One bans check of the fixture; extra arguments select features. Prints cargo-deny's output.
bans() {
  cargo deny --offline --locked --color never --log-level error \
    --manifest-path tests/deny-proof/Cargo.toml --config deny.toml "$@" \
    check --hide-inclusion-graph bans 2>&1
}

failed=0
if out="$(bans)"; then
  echo "deny-proof: clean fixture passes bans"
else
  echo "deny-proof: FAIL: the clean fixture should pass the bans check:" >&2
  echo "$out" >&2
  failed=1
fi

for pair in openssl:openssl-sys native-tls:native-tls; do
  feature="${pair%%:*}"
  crate="${pair#*:}"
  if out="$(bans --features "$feature")"; then
    echo "deny-proof: FAIL: deny.toml did not ban '$crate' (cargo-deny exited 0):" >&2
    echo "$out" >&2
    failed=1
  elif grep -q "crate '$crate = 0.0.0' is explicitly banned" <<<"$out"; then
    echo "deny-proof: '$crate' in the tree fails bans, as the policy says"
  else
    echo "deny-proof: FAIL: cargo-deny failed, but not with a ban naming '$crate':" >&2
    echo "$out" >&2
    failed=1
  fi
done
exit "$failed"
