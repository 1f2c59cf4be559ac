#!/usr/bin/env bash
# The page's benchmarks in headless Chromium, with the native CLI for comparison. Figures printed,
# nothing asserted. Usage: scripts/bench-page.sh   (env: see tests/e2e/bench.mjs)
#   - builds what is missing: the release page (trunk build --release --offline) and the release CLI
#   - runs tests/e2e/bench.mjs: bundle size vs the 1.5 MB gzip budget, demo report time, page
#     throughput and peak memory on ~20/~100 MB corpora with one worker and with the worker pool
#     (one vs pool in the summary) vs the CLI, and a ~1.1 GB file (> 5 GB free)
#   - prints a summary table; details go to target/bench-page.json
# Set BENCH_REBUILD=1 to rebuild the page and the CLI even when they exist.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ "${BENCH_REBUILD:-0}" = 1 ] || [ ! -f dist/index.html ]; then
  echo "bench-page: building the page (trunk build --release --offline)"
  trunk build --release --offline
fi
if [ "${BENCH_REBUILD:-0}" = 1 ] || [ ! -x target/release/faultline ]; then
  echo "bench-page: building the CLI (cargo build --release --bin faultline)"
  cargo build --release --bin faultline
fi
if [ ! -d tests/e2e/node_modules/playwright-core ]; then
  echo "bench-page: installing the browser tests' node packages (npm ci)"
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "bench-page: no Chromium at $CHROMIUM (apt-get install chromium, or set CHROMIUM)" >&2
  exit 1
fi
echo "bench-page: free space: $(df -h --output=avail target | tail -1 | tr -d ' ') in target/"
cd tests/e2e && CHROMIUM="$CHROMIUM" node bench.mjs
