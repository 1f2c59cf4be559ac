#!/usr/bin/env bash
# Runs every test: native unit/golden/property tests, the wasm build, wasm-bindgen tests in
# headless Chromium, and the Playwright end-to-end suite against the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup_wasm
setup_browser
setup_node

say "native tests (cargo test)"
cargo test --locked --all-targets

say "release build of the page (trunk build --release)"
trunk build --release --offline

say "browser end-to-end tests (Playwright, headless Chromium)"
(cd tests/e2e && node run.mjs)

say "all tests passed"
