#!/usr/bin/env bash
# Accuracy on the shared, labelled datasets (not the product's own fixtures):
#   - template grouping accuracy on 8 Loghub systems (ours, and Drain3 in the same run);
#   - root-cause top-1/top-3 on Nezha (TrainTicket) and Cloud-OpsBench service cases.
# Skips with a message where ../shared is absent. Usage: scripts/accuracy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SHARED=${FAULTLINE_SHARED:-../shared}
if [ ! -d "$SHARED/eval" ] || [ ! -d "$SHARED/data" ]; then
  echo "accuracy: no shared datasets at $SHARED (eval/, data/); skipped"
  exit 0
fi
cargo build --release --bin faultline >/dev/null 2>&1 || cargo build --release --bin faultline
BIN=target/release/faultline

echo "== grouping accuracy (Loghub), faultline"
python3 "$SHARED/eval/ga.py" --bin "$BIN" --data "$SHARED/data/loghub"
if python3 -c "import drain3" 2>/dev/null || pip install -q drain3 >/dev/null 2>&1; then
  echo "== grouping accuracy (Loghub), Drain3 defaults, same lines"
  python3 "$SHARED/eval/ga.py" --peer drain3 --data "$SHARED/data/loghub"
else
  echo "== Drain3 not installable here: peer skipped"
fi
echo "== root cause, Nezha (TrainTicket)"
python3 "$SHARED/eval/rca.py" --bin "$BIN" --dataset nezha --data "$SHARED/data/rca/nezha-trainticket"
echo "== root cause, Cloud-OpsBench (service cases)"
python3 "$SHARED/eval/rca.py" --bin "$BIN" --dataset opsbench --data "$SHARED/data/rca/cloud-opsbench"
