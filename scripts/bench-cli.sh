#!/usr/bin/env bash
# Whole-CLI throughput and memory on a ~100 MB mixed corpus of real formats, with Drain3 on the
# same lines for comparison. Usage: scripts/bench-cli.sh [TARGET_MB]
#   - builds target/bench-corpus/ from ../shared/data (formats + loghub; skips if absent)
#   - times `faultline analyze --json` (on one thread, RAYON_NUM_THREADS=1, and on every core),
#     `faultline templates --jsonl` and `faultline redact --out -` (/usr/bin/time -v)
#   - reports MB/s and peak RSS / input size; runs Drain3 (pip install drain3) on the same lines
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
TARGET_MB=${1:-100}
OUT=target/bench-corpus
SHARED_DATA=${FAULTLINE_SHARED:+$FAULTLINE_SHARED/data}
SHARED_DATA=${SHARED_DATA:-../shared/data}

if [ ! -d "$SHARED_DATA/formats" ] && [ ! -d "$SHARED_DATA/loghub" ]; then
  echo "bench-cli: no shared data at $SHARED_DATA (formats/, loghub/); skipped"
  exit 0
fi
python3 scripts/build-bench-corpus.py "$SHARED_DATA" "$OUT" "$TARGET_MB"
BYTES=$(cat "$OUT"/* | wc -c)
MB=$(python3 -c "print($BYTES/1e6)")

cargo build --release --bin faultline >/dev/null 2>&1 || cargo build --release --bin faultline
BIN=target/release/faultline

# run NAME CMD...: runs under /usr/bin/time -v, prints wall time, MB/s, peak RSS and RSS/input.
run() {
  local name=$1; shift
  local log
  log=$(mktemp)
  if ! /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
    echo "$name: FAILED"; tail -5 "$log"; rm -f "$log"; return 1
  fi
  python3 - "$name" "$MB" "$log" <<'PY'
import re, sys
name, mb, log = sys.argv[1], float(sys.argv[2]), open(sys.argv[3]).read()
m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", log)
secs = (int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))) if m else float("nan")
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1))
rss_mb = rss_kb * 1024 / 1e6
print(f"{name:<28} {mb:7.1f} MB  {secs:7.2f} s  {mb / secs:7.1f} MB/s  peak RSS {rss_mb:7.1f} MB  ({rss_mb / mb:4.2f}x input)")
PY
  rm -f "$log"
}

echo "corpus: $OUT ($MB MB, $(cat "$OUT"/* | wc -l) lines, $(ls "$OUT" | wc -l) files)"
# One thread, then every core (RAYON_NUM_THREADS unset: one thread per core); same output.
run "faultline analyze --json (1 thread)" env RAYON_NUM_THREADS=1 "$BIN" analyze --json "$OUT"
run "faultline analyze --json" "$BIN" analyze --json "$OUT"
# templates takes one PATH: a folder
run "faultline templates --jsonl" "$BIN" templates --jsonl "$OUT"
# redact writes every copy to stdout with `--out -` (one thread; the issue's bar is 50 MB/s)
run "faultline redact --out -" "$BIN" redact --out - "$OUT"

# Drain3 with its default configuration on the same lines (whole raw lines, as its users run it).
if ! python3 -c "import drain3" 2>/dev/null; then
  pip install -q drain3 >/dev/null 2>&1 || true
fi
if python3 -c "import drain3" 2>/dev/null; then
  cat > target/drain3_bench.py <<'PY'
import glob, logging, os, sys
logging.disable(logging.CRITICAL)
from drain3 import TemplateMiner
miner = TemplateMiner()
n = 0
for p in sorted(glob.glob(os.path.join(sys.argv[1], "*"))):
    with open(p, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            miner.add_log_message(line.rstrip("\r\n"))
            n += 1
print(n, len(miner.drain.clusters), file=sys.stderr)
PY
  run "drain3 (default config)" python3 target/drain3_bench.py "$OUT"
else
  echo "drain3: not installed (pip install drain3); skipped"
fi
