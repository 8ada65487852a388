# common.sh — helpers for bench/run.sh: start servers, sample their CPU and
# memory from /proc, run wrk, record one result row per run, and run the
# servers of a side-by-side workload in turn, round after round (in_turn).
export BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS=${RESULTS:-$BENCH_DIR/results}
RAW=$RESULTS/raw
mkdir -p "$RAW"
ROWS=$RAW/rows.tsv      # workload  server  conns  rps  p50_us  p99_us  p999_us  errors  cpu_s  peak_rss_kb  requests  round
ROUND=1                 # the round run_wrk records (of ROUNDS, set by run.sh: full 3, quick 1)

# Debian's python3 (with Debian's botocore and boto3, as the e2e tests use): a
# version manager's shim first on PATH (pyenv's) costs ~2 s per start on a
# loaded machine, and the benchmarks start python once or more per run
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)
python3() { "$PYTHON" "$@"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {  # PORT [TIMEOUT_S]
  local port=$1 t=${2:-20} i=0
  while ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do
    i=$((i+1)); [ $i -gt $((t*100)) ] && return 1; sleep 0.01
  done
}

CLK_TCK=$(getconf CLK_TCK)
# tree_pids PID: the pid, its children and grandchildren (every thread's)
tree_pids() {
  local kids p
  kids=$(cat /proc/$1/task/*/children 2>/dev/null) || true
  echo "$1 $kids"
  for p in $kids; do cat /proc/$p/task/*/children 2>/dev/null || true; done
}

# CPU seconds (user+sys) of a pid, its children and grandchildren — twice per
# run, so no process is started but cat and awk (pgrep took ~0.2 s each on a loaded machine)
cpu_seconds() {
  local files=() p
  for p in $(tree_pids "$1"); do files+=("/proc/$p/stat"); done
  # fields 14 and 15 (utime, stime), counted after "(comm)": a name may hold spaces
  awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); t += $12 + $13 } END { printf "%.3f", t / hz }' "${files[@]}" 2>/dev/null || true
}

# pid and those of its children with an address space of their own: nimbus's
# pooled sandbox blanks (src/sandbox/sbx_pool.c) are cloned with CLONE_VM and
# wait before any exec, so their VmRSS is nimbus's own and would count it again.
# Such a child runs nimbus's executable with nimbus's VmSize; an exec'd child
# (a function's runtime, even nimbus's executable re-run) has a VmSize of its own.
own_mm_pids() {
  local pid=$1 p exe size
  exe=$(readlink /proc/$pid/exe 2>/dev/null); size=$(awk '/^VmSize:/ {print $2}' /proc/$pid/status 2>/dev/null)
  echo "$pid"
  for p in $(cat /proc/$pid/task/*/children 2>/dev/null); do
    [ "$(readlink /proc/$p/exe 2>/dev/null)" = "$exe" ] &&
      [ "$(awk '/^VmSize:/ {print $2}' /proc/$p/status 2>/dev/null)" = "$size" ] && continue
    echo "$p"
  done
}

rss_kb() {  # current RSS of pid + children (own address spaces only), kB
  local pid=$1 total=0 p v
  for p in $(own_mm_pids "$pid"); do
    v=$(awk '/^VmRSS:/ {print $2}' /proc/$p/status 2>/dev/null); total=$((total + ${v:-0}))
  done
  echo $total
}

peak_rss_kb() {  # VmHWM of pid + children (own address spaces only), kB
  local pid=$1 total=0 p v
  for p in $(own_mm_pids "$pid"); do
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
  # the row from report.lua's RESULT line (flat JSON of numbers), without a
  # process start more than awk's: this runs once per measurement
  awk -v name="$name" -v server="$server" -v conns="$conns" -v cpu="$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" \
      -v rss="$(peak_rss_kb "$pid")" -v rnd="$ROUND" '{
    gsub(/[{}" ]/, ""); n = split($0, kv, ",")
    for (i = 1; i <= n; i++) { split(kv[i], p, ":"); v[p[1]] = p[2] }
    printf "%s\t%s\t%s\t%.0f\t%d\t%d\t%d\t%d\t%s\t%s\t%d\t%s\n", name, server, conns, v["rps"], v["p50_us"], v["p99_us"],
      v["p999_us"], v["errors"], cpu, rss, v["requests"], rnd }' <<<"$line" >> "$ROWS"
  tail -1 "$ROWS" | awk -F'\t' '{printf "  r%s %-28s %-18s c=%-4s %9s req/s  p50 %6s us  p99 %7s us  errors %s  cpu %ss  rss %s kB\n", $12, $1, $2, $3, $4, $5, $6, $8, $9, $10}'
}

# Side-by-side workloads: every server is started once, registered under a
# short key (srv_add), loaded with the same data, and kept up; then, ROUNDS
# times, each measurement runs on every server back to back (in_turn), the
# order rotated each round (two servers: swapped), so the machine's drifting
# load (other tenants) falls on all of them alike. report.py gives the median
# over the rounds and the spread.
declare -A SRV_PID=() SRV_URL=() SRV_LABEL=()
srv_add() {  # KEY PID URL [LABEL (default KEY)]
  SRV_PID[$1]=$2; SRV_URL[$1]=$3; SRV_LABEL[$1]=${4:-$1}
}
srv_stop() {  # KEY...: stop and forget registered servers (and their descendants)
  local k
  for k in "$@"; do
    [ -n "${SRV_PID[$k]:-}" ] && kill_tree "${SRV_PID[$k]}"
    unset "SRV_PID[$k]" "SRV_URL[$k]" "SRV_LABEL[$k]"
  done
}
srv_stop_all() { local k; for k in "${!SRV_PID[@]}"; do srv_stop "$k"; done; }

# in_turn CMD [ARGS...] -- KEY...: CMD KEY ARGS... for every KEY, in this
# round's order: the list rotated by ROUND-1, so each goes first as often.
in_turn() {
  local args=() keys i n
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  shift; keys=("$@"); n=${#keys[@]}
  for ((i = 0; i < n; i++)); do "${args[0]}" "${keys[$(((i + ROUND - 1) % n))]}" "${args[@]:1}"; done
}

# srv_wrk KEY NAME CONNS DUR [env assignments...]: run_wrk on a registered server
srv_wrk() {
  local k=$1 name=$2 c=$3 dur=$4; shift 4
  run_wrk "$name" "${SRV_LABEL[$k]}" "${SRV_PID[$k]}" "${SRV_URL[$k]}" "$c" "$dur" "$@"
}

# warm_up URL CONNS [env assignments...]: an unrecorded wrk run just before a
# measured one — 2 s in the first round (the function environments a
# concurrency needs start there), 1 s in later rounds (they are warm by then)
warm_up() {
  local url=$1 c=$2 t=2 d=2; shift 2
  [ "$c" -lt 2 ] && t=1
  [ "$ROUND" -gt 1 ] && d=1
  env "$@" wrk -t$t -c"$c" -d${d}s --timeout 10s -s "$BENCH_DIR/wrk/report.lua" "$url" >/dev/null 2>&1 || true
}

round_banner() { echo "  -- round $ROUND/$ROUNDS ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"; }

# rows_median NAME SERVER CONNS: median req/s of that row over its rounds (0 if none)
rows_median() {
  awk -F'\t' -v w="$1" -v s="$2" -v c="$3" '$1 == w && $2 == s && $3 == c {print $4}' "$ROWS" | sort -n |
    awk '{v[NR] = $1} END {if (!NR) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }'; }

# ddb_seeded_copies USERS DATA COPY...: a fresh nimbus (--auth open) on DATA creates
# its keys and credentials and loads USERS users of ~1 KB into Users
# (ddb_bulk.py), then stops; each COPY becomes a copy of DATA (same keys,
# credentials and items), so daemons started on them serve the same data.
ddb_seeded_copies() {
  local n=$1 data=$2 port d; shift 2
  port=$(free_port)
  nimbus_start "$port" "$data"
  python3 "$BENCH_DIR/lib/ddb_bulk.py" "http://127.0.0.1:$port" Users "$n" 8 >/dev/null
  kill_tree "$NIM_PID"
  for d in "$@"; do rm -rf "$d"; cp -a "$data" "$d"; done
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
