# faults.sh — issue 8's "function faults" figure: a Node.js echo function's
# latency (p50, p99) before, during and after a storm of faulty functions
# (crash, hang, out of memory, 100 MB of logs, 10 MB answer, exit during init;
# the reliability suite's own functions, invoked in a loop, one process per
# fault), timed by a light client of its own (bench/lib/fault_storm.py).
# Target: the echo's p50 during the faults within 2x of its p50 before them.
bench_faults() {
  local dur=$1 secs=10 port k v
  [ "$MODE" = full ] && secs=30
  echo "== Function faults: echo latency before, during ${secs}s of faults, after"
  port=$(free_port)
  nimbus_start "$port" "$RAW/nimbus-faults"
  python3 "$BENCH_DIR/lib/fault_storm.py" "http://127.0.0.1:$port" "$secs" | grep '^RESULT' |
    while IFS=$'\t' read -r _ k v; do
      case "$k" in
        "faults served") record_metric "faults served during the storm" nimbus "$v" "" ;;
        *during/before*) record_metric "$k (target ≤ 2)" nimbus "$v" "×" ;;
        *) record_metric "$k" nimbus "$v" ms ;;
      esac
    done
  kill_tree "$NIM_PID"
}
