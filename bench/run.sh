#!/bin/bash
# run.sh quick|full — every benchmark workload, nimbus and its peer side by
# side in one run on this machine, results in bench/results/ (latest.md,
# charts) and the README's performance section. See bench/README.md.
# Side-by-side workloads run ROUNDS rounds (full 3, quick 1) of DUR-second runs
# (full 5 s, quick 3 s), nimbus and the peer alternated within each round.
set -euo pipefail
MODE=${1:-quick}
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/peers.sh"
NIMBUS=${NIMBUS:-$ROOT/build/nimbus}
command -v wrk >/dev/null && command -v nginx >/dev/null && command -v gnuplot >/dev/null || {
  apt-get install -y -qq wrk nginx-light gnuplot-nox >/dev/null; }
systemctl stop nginx 2>/dev/null || true
rm -f "$ROWS" "$METRICS"; echo "$MODE" > "$RAW/mode"
if [ "$MODE" = quick ]; then ROUNDS=${ROUNDS:-1}; DUR=${DUR:-3}
else ROUNDS=${ROUNDS:-3}; DUR=${DUR:-$(( 15 / ROUNDS > 2 ? 15 / ROUNDS : 2 ))}; fi   # rounds × DUR = the 15 s of one run before
echo "$ROUNDS $DUR" > "$RAW/rounds"
trap srv_stop_all EXIT   # a failed workload leaves no server running
for wl in "$BENCH_DIR"/workloads/*.sh; do source "$wl"; done
WORKLOADS=${WORKLOADS:-$(declare -F | awk '{print $3}' | grep '^bench_' | sed 's/^bench_//')}
for w in $WORKLOADS; do ROUND=1; "bench_$w" "$DUR"; done
python3 "$BENCH_DIR/lib/report.py" "$RESULTS" > /dev/null
echo "results: $RESULTS/latest.md"
