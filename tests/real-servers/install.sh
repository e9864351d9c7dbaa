#!/usr/bin/env bash
# Install the third-party SCIM peers used by the real-server tests into a
# Python virtualenv (default: <repo>/.venv-real, override with VENV=...).
#
#   scim2-server  - an in-memory SCIM 2.0 server (command `scim2-server`)
#   scim2-tester  - a SCIM conformance checker (library; check_server())
#   scim2-cli     - the command-line front end of scim2-tester (`scim2 test`);
#                   it also brings httpx2, the HTTP engine scim2-tester needs
#                   to reach a server over the network.
#   django-scim2  - a Django SCIM 2.0 service provider (with Django); run by
#                   tests/real-servers/django-scim2/serve.py
#   junitparser   - a JUnit XML reader, to prove preflight's JUnit report is
#                   read with the right counts by a real consumer.
#
# Versions are pinned, transitive dependencies included. Idempotent: when the
# venv already holds every pinned version, nothing is downloaded.
#
# Needs: python3 >= 3.11 with the venv module (Debian: python3-venv), and
# access to PyPI through pip.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
VENV="${VENV:-$repo/.venv-real}"
PYTHON="${PYTHON:-python3}"

# The real OpenID Provider for crates/cli/tests/federation_oidc.rs: oidc-provider from npm,
# pinned by tests/real-servers/oidc-provider/package-lock.json. Skipped when already there.
oidc_dir="$here/oidc-provider"
if [ -f "$oidc_dir/node_modules/oidc-provider/package.json" ] \
   && grep -q '"version": "9.13.3"' "$oidc_dir/node_modules/oidc-provider/package.json"; then
  echo "install.sh: oidc-provider already installed" >&2
elif command -v npm >/dev/null 2>&1; then
  (cd "$oidc_dir" && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "install.sh: npm not found; install Node.js 20+ to run the OIDC provider tests" >&2
fi

# The second real SCIM server for crates/cli/tests/real_scimmy.rs: SCIMMY + scimmy-routers on
# Express, pinned by tests/real-servers/scimmy/package-lock.json. Skipped when node_modules was
# installed from the same lock file.
scimmy_dir="$here/scimmy"
if cmp -s "$scimmy_dir/package-lock.json" "$scimmy_dir/node_modules/.installed-from-lock" 2>/dev/null; then
  echo "install.sh: SCIMMY already installed" >&2
elif command -v npm >/dev/null 2>&1; then
  (cd "$scimmy_dir" && npm ci --no-audit --no-fund --loglevel=error \
    && cp package-lock.json node_modules/.installed-from-lock)
else
  echo "install.sh: npm not found; install Node.js 20+ to run the SCIMMY tests" >&2
fi

# The real-browser HAR recorder for crates/cli/tests/trace_real_browser.rs (playwright-core
# driving the system chromium, oidc-provider, samlify), pinned by tests/real-browser/package-lock.json.
# Skipped when node_modules was installed from the same lock file.
browser_dir="$repo/tests/real-browser"
if cmp -s "$browser_dir/package-lock.json" "$browser_dir/node_modules/.installed-from-lock" 2>/dev/null; then
  echo "install.sh: real-browser recorder already installed" >&2
elif command -v npm >/dev/null 2>&1; then
  (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error \
    && cp package-lock.json node_modules/.installed-from-lock)
else
  echo "install.sh: npm not found; install Node.js 20+ to record the real-browser traces" >&2
fi

# Top-level packages first, then their dependencies, as observed to install
# together on Python 3.11.
PINS=(
  scim2-server==0.8.3
  scim2-tester==0.5.2
  scim2-cli==0.6.0
  junitparser==3.2.0
  scim2-client==0.13.2
  scim2-models==0.12.3
  pydantic==2.14.4
  pydantic-core==2.50.5
  annotated-types==0.8.0
  typing-extensions==4.16.0
  typing-inspection==0.4.5
  email-validator==2.4.0
  dnspython==2.9.2
  idna==3.20
  lark==1.3.1
  httpx2==2.16.2
  httpcore2==2.16.2
  h11==0.16.0
  anyio==4.16.0
  truststore==0.10.5
  click==8.5.1
  pydanclick==0.5.1
  pygments==2.21.0
  docutils==0.23
  colorama==0.4.6
  sphinx-click-rst-to-ansi-formatter==0.2.0
  # The third real SCIM server, for crates/cli/tests/real_django_scim2.rs: django-scim2 in the
  # minimal Django project tests/real-servers/django-scim2 (Django's threaded dev server).
  django-scim2==0.23.0
  Django==5.2.19
  asgiref==3.13.0
  sqlparse==0.6.1
  scim2-filter-parser==0.7.0
  sly==0.5
)

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "install.sh: $PYTHON must be Python >= 3.11 (scim2-server requires it)" >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "install.sh: creating virtualenv $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi

# Exit 0 when every pin is installed at exactly its version.
all_pinned() {
  "$VENV/bin/python" - "${PINS[@]}" <<'EOF'
import sys
from importlib.metadata import PackageNotFoundError, version
missing = []
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    try:
        have = version(name)
    except PackageNotFoundError:
        have = None
    if have != want:
        missing.append(f"{name} (want {want}, have {have})")
if missing:
    print("install.sh: not yet pinned: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
EOF
}

if all_pinned 2>/dev/null; then
  echo "install.sh: $VENV already has the pinned versions, nothing to do" >&2
  exit 0
fi

"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet "${PINS[@]}"

all_pinned
for cmd in scim2-server scim2; do
  if [ ! -x "$VENV/bin/$cmd" ]; then
    echo "install.sh: $VENV/bin/$cmd missing after install" >&2
    exit 1
  fi
done
echo "install.sh: installed into $VENV" >&2
