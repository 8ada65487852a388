# common.sh — helpers for bench/run.sh: start servers, sample their CPU and
# memory from /proc, run wrk, and record one result row per workload.
export BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS=${RESULTS:-$BENCH_DIR/results}
RAW=$RESULTS/raw
mkdir -p "$RAW"
ROWS=$RAW/rows.tsv      # workload  server  conns  rps  p50_us  p99_us  p999_us  errors  cpu_s  peak_rss_kb  requests

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {  # PORT [TIMEOUT_S]
  local port=$1 t=${2:-20} i=0
  while ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do
    i=$((i+1)); [ $i -gt $((t*100)) ] && return 1; sleep 0.01
  done
}

# CPU seconds (user+sys) of a pid and all its descendants
cpu_seconds() {
  local pid=$1 total=0 p
  for p in $pid $(pgrep -P "$pid" 2>/dev/null) $(for c in $(pgrep -P "$pid" 2>/dev/null); do pgrep -P "$c"; done); do
    [ -r /proc/$p/stat ] || continue
    total=$(awk -v t="$total" '{ print t + $14 + $15 }' /proc/$p/stat)
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}

rss_kb() {  # current RSS of pid + children, kB
  local pid=$1 total=0 p v
  for p in $pid $(pgrep -P "$pid" 2>/dev/null); do
    v=$(awk '/^VmRSS:/ {print $2}' /proc/$p/status 2>/dev/null); total=$((total + ${v:-0}))
  done
  echo $total
}

peak_rss_kb() {  # VmHWM of pid + children, kB
  local pid=$1 total=0 p v
  for p in $pid $(pgrep -P "$pid" 2>/dev/null); do
    v=$(awk '/^VmHWM:/ {print $2}' /proc/$p/status 2>/dev/null); total=$((total + ${v:-0}))
  done
  echo $total
}

# run_wrk NAME SERVER PID URL CONNS DURATION [env assignments for report.lua...]
run_wrk() {
  local name=$1 server=$2 pid=$3 url=$4 conns=$5 dur=$6; shift 6
  local threads=2; [ "$conns" -lt 2 ] && threads=1
  local c0 c1 out line
  c0=$(cpu_seconds "$pid")
  out=$(env "$@" wrk -t$threads -c"$conns" -d"${dur}s" --timeout 10s -s "$BENCH_DIR/wrk/report.lua" "$url" 2>&1)
  c1=$(cpu_seconds "$pid")
  line=$(echo "$out" | grep '^RESULT ' | sed 's/^RESULT //')
  if [ -z "$line" ]; then echo "wrk failed for $name/$server: $out" >&2; return 1; fi
  python3 - "$name" "$server" "$conns" "$c0" "$c1" "$(peak_rss_kb "$pid")" "$line" >> "$ROWS" <<'PY'
import json, sys
name, server, conns, c0, c1, rss, line = sys.argv[1:8]
r = json.loads(line)
print("\t".join(str(x) for x in [name, server, conns, "%.0f" % r["rps"], r["p50_us"], r["p99_us"], r["p999_us"],
      r["errors"], "%.2f" % (float(c1) - float(c0)), rss, r["requests"]]))
PY
  tail -1 "$ROWS" | awk -F'\t' '{printf "  %-28s %-18s c=%-4s %9s req/s  p50 %6s us  p99 %7s us  errors %s  cpu %ss  rss %s kB\n", $1, $2, $3, $4, $5, $6, $8, $9, $10}'
}

# nimbus_settle URL: after a warm-up, wait (at most 60 s) until nimbus has no
# busy Lambda environment: a warm-up that ends while 32 heavy cold starts are
# still initialising would otherwise leave the measured run to start 32 more.
nimbus_settle() {
  python3 - "$1" <<'PY'
import json, sys, time, urllib.request
for _ in range(600):
    try:
        h = json.load(urllib.request.urlopen(sys.argv[1] + "/_nimbus/health", timeout=5))
        if all(s.get("busy", 0) == 0 for s in h.get("services", [])):
            break
    except OSError:
        pass
    time.sleep(0.1)
PY
}

# record a single measured value: record_metric NAME SERVER VALUE UNIT
METRICS=$RAW/metrics.tsv
record_metric() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$METRICS"; printf '  %-28s %-18s %s %s\n' "$1" "$2" "$3" "$4"; }

now_ms() { date +%s%3N; }
