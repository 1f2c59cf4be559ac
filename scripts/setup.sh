#!/usr/bin/env bash
# Installs what a fresh machine with only rustup lacks, and says what it does. Sourced by
# scripts/serve.sh and scripts/test.sh; safe to run again (it skips what is already there).
set -euo pipefail

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock
}

setup_wasm() {
  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    say "adding the wasm32-unknown-unknown target (rustup)"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (cargo install; about 8 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  local wbv
  wbv=$(wasm_bindgen_version)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbv"; then
    say "installing wasm-bindgen-cli $wbv (matches Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$wbv" --force
  fi
}

setup_browser() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return
  fi
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian chromium and chromium-driver (apt) for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    say "Chromium is missing. Run as root, or: sudo apt-get install -y chromium chromium-driver"
    return 1
  fi
}

# Debian's ClickHouse (18.16) for the log-store tests: run as a plain process by
# scripts/clickhouse.sh, never as a service. curl is its readiness probe.
setup_clickhouse() {
  if command -v clickhouse-server >/dev/null && command -v curl >/dev/null; then
    return
  fi
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian clickhouse-server and curl (apt) for the log-store tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server curl >/dev/null
  else
    say "clickhouse-server is missing. Run as root, or: sudo apt-get install -y clickhouse-server curl"
    return 1
  fi
}

setup_node() {
  if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      say "installing Node.js and npm (apt) for the browser tests"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
      say "npm is missing: install Node.js 18+ (e.g. sudo apt-get install -y nodejs npm)"
      return 1
    fi
  fi
  # npm ci when node_modules is missing or older than the lock file.
  local stamp=tests/e2e/node_modules/.package-lock.json
  if [ ! -d tests/e2e/node_modules/playwright-core ] || [ tests/e2e/package-lock.json -nt "$stamp" ]; then
    say "installing node packages for the browser tests (npm ci in tests/e2e)"
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
