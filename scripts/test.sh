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
cargo test --locked --doc

say "release build of the page (trunk build --release)"
trunk build --release --offline

say "engine tests in the browser (wasm-bindgen-test, headless Chromium)"
# .cargo/config.toml: runner wasm-bindgen-test-runner, browser flags from tests/webdriver.json.
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked --target wasm32-unknown-unknown --test web

say "browser end-to-end tests (Playwright, headless Chromium)"
# The e2e suite compares the page with the CLI on the same inputs.
cargo build --locked --quiet --bin faultline
(cd tests/e2e && node run.mjs)

say "all tests passed"
