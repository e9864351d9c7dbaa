#!/usr/bin/env bash
# Rebuild .deb files with an xz-compressed data.tar (in place), keeping their contents,
# control fields and root ownership. Used by scripts/app-build.sh --deb after `tauri build`.
#   scripts/deb-recompress.sh path/to/package.deb …
# Needs: dpkg-deb (dpkg >= 1.19 for --root-owner-group).
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: $0 package.deb …" >&2; exit 2; }
files_of() { # regular files of a .deb as "mode size path", sorted
  dpkg-deb --contents "$1" | awk '$1 !~ /^d/ {p = $6; sub(/^\.\//, "", p); print $1, $3, p}' | sort
}
for deb in "$@"; do
  [ -f "$deb" ] || { echo "error: no .deb at $deb" >&2; exit 2; }
  work="$(mktemp -d "${TMPDIR:-/tmp}/deb-recompress.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  dpkg-deb --raw-extract "$deb" "$work/root"
  before=$(stat -c %s "$deb")
  dpkg-deb --root-owner-group -Zxz -z9 --build "$work/root" "$work/out.deb" >/dev/null
  # The rebuilt package must hold exactly the same files (mode, size, path) as the original.
  if ! diff <(files_of "$deb") <(files_of "$work/out.deb") >/dev/null; then
    echo "error: the recompressed $deb holds different files; keeping the original" >&2
    exit 1
  fi
  mv "$work/out.deb" "$deb"
  rm -rf "$work"; trap - EXIT
  echo "recompressed $(basename "$deb"): $before -> $(stat -c %s "$deb") bytes (data.tar.xz)" >&2
done
