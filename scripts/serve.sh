#!/usr/bin/env bash
# Builds the page in release mode and serves it on http://127.0.0.1:8080 with a demo incident loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup_wasm
say "building and serving the page on http://127.0.0.1:8080 (Ctrl-C to stop)"
exec trunk serve --release --offline --no-autoreload --address 127.0.0.1 --port 8080
