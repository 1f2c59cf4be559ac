#!/usr/bin/env bash
# Accuracy on the shared, labelled datasets (not the product's own fixtures):
#   - template grouping accuracy on 8 Loghub systems (ours, and Drain3 in the same run);
#   - root cause on the paste incidents, OpenStack fault injection (with and without baseline),
#     Nezha (TrainTicket) and Cloud-OpsBench, each beside the two trivial rules, per half;
#   - a reliability table: does the reported confidence match how often the root cause is right?
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
# Every root-cause figure is printed beside the trivial rules it must beat: "the service with the
# most ERROR lines" and "the service of the earliest ERROR line" (`analyze --method`, same parser,
# same service names), on both halves of each dev set (even/odd case ids).
WRAP=$(mktemp)
trap 'rm -f "$WRAP"' EXIT
printf '#!/bin/sh\nexec "%s" "$@" --method "$FAULTLINE_METHOD"\n' "$PWD/$BIN" >"$WRAP"
chmod +x "$WRAP"
score() { # score NAME CMD...: the last line of each scorer, per method and half
  local name=$1
  shift
  for method in engine most-errors earliest-error; do
    for half in even odd; do
      printf '%-28s %-15s %-5s ' "$name" "$method" "$half"
      FAULTLINE_METHOD=$method "$@" --bin "$WRAP" --half "$half" 2>&1 | tail -n 1
    done
  done
}
echo "== root cause, paste incidents (all must be right: root, class, patient zero, trigger)"
score incidents python3 "$SHARED/eval/incidents.py" --data "$SHARED/data/incidents"
echo "== root cause, paste incidents written blind to the code (tests/fixtures/stranger-incidents; a holdout)"
score stranger-incidents python3 "$SHARED/eval/incidents.py" --data tests/fixtures/stranger-incidents
echo "== root cause, a second set of paste incidents written blind to the code (tests/fixtures/stranger-incidents-2; a holdout)"
score stranger-incidents-2 python3 "$SHARED/eval/incidents.py" --data tests/fixtures/stranger-incidents-2
echo "== root cause, a third set of paste incidents written blind to the code (tests/fixtures/stranger-incidents-3; a holdout)"
score stranger-incidents-3 python3 "$SHARED/eval/incidents.py" --data tests/fixtures/stranger-incidents-3
echo "== root cause, a fourth set of paste incidents written blind to the code (tests/fixtures/stranger-incidents-4; a holdout)"
score stranger-incidents-4 python3 "$SHARED/eval/incidents.py" --data tests/fixtures/stranger-incidents-4
echo "== root cause, a fifth set of paste incidents written blind to the code (tests/fixtures/stranger-incidents-5; a holdout)"
score stranger-incidents-5 python3 "$SHARED/eval/incidents.py" --data tests/fixtures/stranger-incidents-5
echo "== root cause, a sixth set of paste incidents written blind to the code (tests/fixtures/stranger-incidents-6; a holdout)"
score stranger-incidents-6 python3 "$SHARED/eval/incidents.py" --data tests/fixtures/stranger-incidents-6
echo "== root cause, a seventh set of paste incidents written blind to the code (tests/fixtures/stranger-incidents-7; a holdout)"
score stranger-incidents-7 python3 "$SHARED/eval/incidents.py" --data tests/fixtures/stranger-incidents-7
echo "== root cause, OpenStack fault injection (no baseline: what a person pasting logs has)"
score openstack-fi python3 "$SHARED/eval/openstack_fi.py" --data "$SHARED/data/rca/openstack-fi"
echo "== root cause, OpenStack fault injection, with the fault-free round as --baseline"
score openstack-fi+baseline python3 "$SHARED/eval/openstack_fi.py" --data "$SHARED/data/rca/openstack-fi" --with-baseline
echo "== root cause, Nezha (TrainTicket)"
score nezha python3 "$SHARED/eval/rca.py" --dataset nezha --data "$SHARED/data/rca/nezha-trainticket"
echo "== root cause, Cloud-OpsBench (service cases)"
score opsbench python3 "$SHARED/eval/rca.py" --dataset opsbench --data "$SHARED/data/rca/cloud-opsbench"
echo "== confidence against outcomes (reliability table, every dev set)"
python3 scripts/calibration.py --bin "$BIN" --shared "$SHARED"
