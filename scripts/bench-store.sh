#!/usr/bin/env bash
# Scale check of `analyze --source` (not CI): a throwaway ClickHouse gets ROWS generated rows
# (default 20 million, ~260 bytes each: >= 5 GB raw) spread over one day, 12 services, with an
# incident planted in one 30-minute window (a service's DB pool runs dry, its caller answers 503).
# The release CLI analyzes that window; the script prints the root cause, the time end to end,
# the CLI's peak memory, the bytes it received, and the rows the store read (system.query_log).
# With --page, the release page (dist/, built if missing) then analyzes the same window in headless
# Chromium through its "Log store" panel (tests/e2e/bench/store-page.mjs): time to the report, its
# root cause next to the CLI's, peak JS heap, the tab's peak RSS and the bytes it received.
# Usage: scripts/bench-store.sh [--page] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup_clickhouse
PAGE=0
if [ "${1:-}" = --page ]; then PAGE=1; shift; fi
ROWS="${1:-20000000}"
if [ "$PAGE" = 1 ]; then
    setup_browser
    if [ ! -f dist/index.html ]; then setup_wasm; say "building the page (trunk build --release --offline)"; trunk build --release --offline; fi
    if [ ! -d tests/e2e/node_modules/playwright-core ]; then (cd tests/e2e && npm ci --no-audit --no-fund); fi
fi
DIR="$(mktemp -d)"
PORT=28301
trap 'scripts/clickhouse.sh stop "$DIR"; rm -rf "$DIR"' EXIT
scripts/clickhouse.sh start "$DIR" "$PORT"
q() { curl -sSf --data-binary "$1" "http://127.0.0.1:$PORT/"; }

DAY=1717200000   # 2024-06-01T00:00:00Z
FROM=$((DAY + 14 * 3600)); TO=$((FROM + 1800))
PAD="$(printf 'k%.0s' $(seq 1 150))"
q "CREATE DATABASE bench"
q "CREATE TABLE bench.logs (ts DateTime, ts_ns UInt32, service String, level String, host String, trace_id String, body String) ENGINE = MergeTree ORDER BY (ts, service)"
say "generating $ROWS rows in ClickHouse"
start=$(date +%s)
q "INSERT INTO bench.logs SELECT toDateTime($DAY + intDiv(number * 86400, $ROWS)) AS ts, toUInt32((number * 7919) % 1000000000) AS ts_ns,
   concat('svc-', toString(number % 12)) AS service,
   multiIf(number % 5000 = 1, 'ERROR', number % 1000 = 0, 'WARN', 'INFO') AS level,
   concat('node-', toString(number % 40)) AS host, hex(sipHash64(number)) AS trace_id,
   concat('GET /api/v1/items/', toString(number % 9973), ' 200 ', toString(number % 97), 'ms user=u', toString(number % 100003), ' request_id=', hex(sipHash64(number * 3)), ' ', '$PAD') AS body
   FROM system.numbers LIMIT $ROWS"
q "INSERT INTO bench.logs SELECT toDateTime($FROM + 600 + intDiv(number, 5)) AS ts, toUInt32(number % 5 * 100000000) AS ts_ns, 'svc-3', 'ERROR', 'node-3', hex(sipHash64(number)),
   concat('db pool exhausted: 50/50 connections in use, waited 5000ms order=o', toString(number)) FROM system.numbers LIMIT 3000"
q "INSERT INTO bench.logs SELECT toDateTime($FROM + 630 + intDiv(number, 5)) AS ts, toUInt32(number % 5 * 100000000 + 50000000) AS ts_ns, 'svc-7', 'ERROR', 'node-7', hex(sipHash64(number + 1)),
   concat('upstream svc-3 returned 503 for POST /checkout order=o', toString(number)) FROM system.numbers LIMIT 3000"
say "loaded in $(( $(date +%s) - start )) s: $(q "SELECT count(), formatReadableSize(sum(length(body) + 60)) FROM bench.logs" | tr '\t' ' ') raw"

cargo build --release --quiet --bin faultline
say "analyzing the window $(date -u -d @$FROM +%FT%TZ) .. $(date -u -d @$TO +%FT%TZ)"
/usr/bin/time -f "%e s wall, %M KB peak RSS" target/release/faultline analyze --json \
    --source "clickhouse://127.0.0.1:$PORT/bench?table=logs" --from "$FROM" --to "$TO" \
    >"$DIR/report.json" 2>"$DIR/stderr" || { cat "$DIR/stderr"; exit 1; }
cat "$DIR/stderr"
python3 - "$DIR/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("root cause:", r["root_cause"]["service"], r["root_cause"]["failure_class"], r["severity"])
print("patient zero:", r["forensic"]["patient_zero"]["evidence"]["file"])
print("store:", json.dumps(r["input"]["store"]))
PY
sleep 2
say "what the store read for these queries (system.query_log)"
q "SELECT count() AS queries, sum(read_rows) AS rows_read, formatReadableSize(sum(read_bytes)) AS bytes_read, sum(result_rows) AS rows_returned, max(query_duration_ms) AS slowest_ms FROM system.query_log WHERE type = 2 AND query LIKE '%FORMAT JSONEachRow%' AND query LIKE '%bench%' AND query NOT LIKE '%query_log%' FORMAT Vertical"

[ "$PAGE" = 1 ] || exit 0
utc() { date -u -d "@$1" '+%F %T'; }
say "the page: the same window through its Log store panel (headless Chromium)"
PAGE_START="$(q "SELECT now()")"
BENCH_CH="127.0.0.1:$PORT" BENCH_DB=bench BENCH_TABLE=logs BENCH_FROM="$(utc "$FROM")" BENCH_TO="$(utc "$TO")" \
    BENCH_CLI_REPORT="$DIR/report.json" node tests/e2e/bench/store-page.mjs
sleep 2
say "what the store read for the page's queries (system.query_log)"
q "SELECT count() AS queries, sum(read_rows) AS rows_read, formatReadableSize(sum(read_bytes)) AS bytes_read, sum(result_rows) AS rows_returned, max(query_duration_ms) AS slowest_ms FROM system.query_log WHERE type = 2 AND event_time >= toDateTime('$PAGE_START') AND query LIKE '%FORMAT JSONEachRow%' AND query LIKE '%bench%' AND query NOT LIKE '%query_log%' FORMAT Vertical"
