#!/usr/bin/env bash
# Build the desktop app: the Svelte UI into ui/dist, then the Tauri binary that embeds it.
#   scripts/app-build.sh            debug binary  -> target/debug/preflight-app
#   scripts/app-build.sh --release  release binary -> target/release/preflight-app
#   scripts/app-build.sh --deb      release .deb   -> target/release/bundle/deb/
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/ui"
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
npm run check   # also the IPC drift guard (ui/src/lib/ipc-fixtures.ts)
npm run build
cd "$ROOT"
case "${1:-}" in
  --release) cargo build -p preflight-app --release ;;
  --deb)
    (cd "$ROOT" && ui/node_modules/.bin/tauri build --bundles deb --config '{"build":{"beforeBuildCommand":""}}')  # UI built above
    # Tauri's bundler always writes data.tar.gz and has no setting for it; xz (Debian's own
    # default, read by every dpkg since 1.15) makes the download about a quarter smaller.
    "$ROOT/scripts/deb-recompress.sh" "${CARGO_TARGET_DIR:-$ROOT/target}"/release/bundle/deb/*.deb
    ;;
  *) cargo build -p preflight-app ;;
esac
