#!/bin/bash
# run.sh quick|full — every benchmark workload, nimbus and its peer side by
# side in one run on this machine, results in bench/results/ (latest.md,
# charts) and the README's performance section. See bench/README.md.
set -euo pipefail
MODE=${1:-quick}
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/peers.sh"
NIMBUS=${NIMBUS:-$ROOT/build/nimbus}
command -v wrk >/dev/null && command -v nginx >/dev/null && command -v gnuplot >/dev/null || {
  apt-get install -y -qq wrk nginx-light gnuplot-nox >/dev/null; }
systemctl stop nginx 2>/dev/null || true
rm -f "$ROWS" "$METRICS"; echo "$MODE" > "$RAW/mode"
if [ "$MODE" = quick ]; then DUR=3; else DUR=15; fi
for wl in "$BENCH_DIR"/workloads/*.sh; do source "$wl"; done
WORKLOADS=${WORKLOADS:-$(declare -F | awk '{print $3}' | grep '^bench_' | sed 's/^bench_//')}
for w in $WORKLOADS; do "bench_$w" "$DUR"; done
python3 "$BENCH_DIR/lib/report.py" "$RESULTS" > /dev/null
echo "results: $RESULTS/latest.md"
