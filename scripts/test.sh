#!/usr/bin/env bash
# Runs every test: native unit/golden/property tests, the log-store tests against a throwaway
# ClickHouse, the wasm build, wasm-bindgen tests in
# headless Chromium, and the Playwright end-to-end suite against the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup_wasm
setup_browser
setup_clickhouse
setup_node

say "native tests (cargo test)"
cargo test --locked --all-targets
cargo test --locked --doc

say "log-store tests against a real ClickHouse (analyze --source)"
CH_DIR="$(mktemp -d)"
trap 'scripts/clickhouse.sh stop "$CH_DIR"; rm -rf "$CH_DIR"' EXIT
# A loopback port pair (HTTP, native) that nothing listens on.
CH_PORT=""
for p in $(seq 28123 2 28199); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null; then
    CH_PORT=$p
    break
  fi
done
[ -n "$CH_PORT" ] || { say "no free port for ClickHouse in 28123-28199"; exit 1; }
scripts/clickhouse.sh start "$CH_DIR" "$CH_PORT"
FAULTLINE_TEST_CLICKHOUSE="127.0.0.1:$CH_PORT" cargo test --locked --test source_clickhouse -- --ignored

say "release build of the page (trunk build --release)"
trunk build --release --offline

say "engine tests in the browser (wasm-bindgen-test, headless Chromium)"
# .cargo/config.toml: runner wasm-bindgen-test-runner, browser flags from tests/webdriver.json.
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked --target wasm32-unknown-unknown --test web

say "browser end-to-end tests (Playwright, headless Chromium)"
# The e2e suite compares the page with the CLI on the same inputs; its log-store spec uses the
# ClickHouse started above (stopped on exit).
cargo build --locked --quiet --bin faultline
(cd tests/e2e && FAULTLINE_TEST_CLICKHOUSE="127.0.0.1:$CH_PORT" node run.mjs)

say "all tests passed"
