#!/usr/bin/env bash
# Installs everything Preflight needs to build and test on a fresh Debian/Ubuntu machine:
# system packages (apt), the Rust toolchain's components, and the third-party SCIM server
# used by the real-server tests (pip, into .venv-real). Idempotent: skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(build-essential pkg-config libssl-dev python3-venv curl dbus gnome-keyring libsecret-tools)
# Federation tests: openssl + xmlsec1 sign SAML fixtures; Node.js runs the real OIDC provider.
APT_PACKAGES+=(openssl xmlsec1)
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)
# Trace tests: headless Chromium records real sign-in HARs (tests/real-browser).
APT_PACKAGES+=(chromium)
if [ -n "${PREFLIGHT_APP:-1}" ] && [ "${PREFLIGHT_APP:-1}" != 0 ]; then
  # The desktop app (Tauri 2 on WebKitGTK), and for its tests: Xvfb, the WebKit WebDriver,
  # xwininfo (x11-utils) for the start-up benchmark.
  APT_PACKAGES+=(libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev xvfb webkit2gtk-driver x11-utils)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install Rust from your distribution or rustup first" >&2
  exit 2
fi
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt >/dev/null 2>&1 || true

# Dependency policy (deny.toml, scripts/deny.sh): cargo-deny builds in about 4 minutes on 2 cores.
if ! command -v cargo-deny >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo-deny" ]; then
  echo "setup: installing cargo-deny" >&2
  cargo install cargo-deny --locked --quiet
fi

bash tests/real-servers/install.sh

if [ "${PREFLIGHT_APP:-1}" != 0 ] && [ ! -d ui/node_modules ]; then
  echo "setup: installing the UI's npm packages" >&2
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
