#!/bin/bash
# ddb_cpu.sh — server CPU per DynamoDB request, for A/B runs of two builds on
# a shared machine (docs/PERFORMANCE.md, "DynamoDB GetItem and PutItem").
#
#   OP=GetItem|PutItem NIMBUS=path/to/nimbus [PORT=46711] [DUR=5] bench/ddb_cpu.sh
#
# Starts the daemon (durable store, --auth open), loads bench/lib/ddb_load.py's
# 10,000 users of ~1 KB, runs bench/workloads/dynamodb.sh's request under
# `wrk -t2 -c32` (CONNS=…), and prints requests/s, p50/p99 and the daemon's user and
# system CPU per request (utime+stime of /proc/PID/stat, all threads) plus
# each thread's ticks. PERF=1 records `perf record $PERFOPT` of the daemon
# (default -g) into /tmp/ddb_cpu-PORT.perf. STRACE=1 counts the daemon's
# system calls over the run instead (`strace -c -f`: slows it down, so only
# the counts per request mean anything) and prints them per request.
# SYSCOUNT=1 counts a few system calls per request with `perf stat`
# tracepoints instead (fdatasync, pwrite64, writev, futex, epoll_wait, read,
# write): cheap enough not to change the timing that sets the group
# commit's batch size, which strace does. CONNS=1 runs wrk with one thread.
# CALLGRIND=1 runs the daemon under valgrind's callgrind, instrumented only
# during the wrk run, and prints the user-space instructions per request —
# a measure the other tenants do not move, for changes too small to show in
# CPU time; the profile is kept in /tmp/ddb_cpu-PORT.callgrind
# (callgrind_annotate --inclusive=yes FILE).
# Alternate the two builds, several rounds: req/s swings with the other
# tenants, CPU per request much less.
set -e
cd "$(dirname "$0")/.."
NIMBUS=${NIMBUS:-build/nimbus}
port=${PORT:-46711}
OP=${OP:-PutItem}
data=$(mktemp -d /tmp/ddb_cpu.XXXXXX)
VG=""
if [ -n "$CALLGRIND" ]; then
  export NIMBUS_STORE_MAP_SIZE=$((1 << 30))   # valgrind refuses a 64 GiB mapping
  export NIMBUS_LAMBDA_SANDBOX_POOL=0          # nor the pool's raw clone() of blanks
  VG="valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$data/cg.out"
fi
$VG "$NIMBUS" up --listen 127.0.0.1:$port --data "$data/d" --auth open --log-level warn >"$data/log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1200); do curl -s 127.0.0.1:$port/_nimbus/health >/dev/null && break; sleep 0.05; done
python3 bench/lib/ddb_load.py http://127.0.0.1:$port 10000 10000 >/dev/null
sync
H="Content-Type: application/x-amz-json-1.0|X-Amz-Date: 20260101T000000Z|Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
if [ "$OP" = PutItem ]; then
  BODY="{\"TableName\":\"Users\",\"Item\":{\"id\":{\"S\":\"user-{n}\"},\"name\":{\"S\":\"bench\"},\"bio\":{\"S\":\"$(printf 'y%.0s' $(seq 1 900))\"}}}"
else
  BODY='{"TableName":"Users","Key":{"id":{"S":"user-{n}"}}}'
fi
ticks() { for t in /proc/$pid/task/*; do echo "$(basename "$t") $(awk '{print $14+$15}' "$t/stat")"; done; }
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat)
ticks >"$data/t0"
sw() { awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {print v, n}' /proc/$pid/status; }
read -r v0 n0 < <(sw)
[ -n "$PERF" ] && (perf record ${PERFOPT:--g} -p $pid -o /tmp/ddb_cpu-$port.perf -- sleep $(( ${DUR:-5} - 1 )) >/dev/null 2>&1 &)
[ -n "$CALLGRIND" ] && callgrind_control -i on $pid >/dev/null
if [ -n "$STRACE" ]; then
  strace -c -f -p $pid -o "$data/strace" & spid=$!
  sleep 0.5
fi
if [ -n "$SYSCOUNT" ]; then
  ev=""
  for c in fdatasync pwrite64 writev futex epoll_wait read write; do ev="$ev,syscalls:sys_enter_$c"; done
  perf stat -x, -e "${ev#,}" -p $pid -o "$data/pstat" & ppid=$!
  sleep 0.2
fi
out=$(WRK_METHOD=POST WRK_HEADERS="$H|X-Amz-Target: DynamoDB_20120810.$OP" WRK_BODY_TEMPLATE="$BODY" WRK_KEYS=10000 \
      wrk -t$(( ${CONNS:-32} < 2 ? 1 : 2 )) -c${CONNS:-32} -d${DUR:-5}s -s bench/wrk/report.lua http://127.0.0.1:$port/)
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat)
ticks >"$data/t1"
read -r v1 n1 < <(sw)
if [ -n "$CALLGRIND" ]; then
  callgrind_control -i off $pid >/dev/null
  callgrind_control -d $pid >/dev/null
  f=$(grep -l "Trigger: dump" "$data"/cg.out* | head -1)
  cp "$f" /tmp/ddb_cpu-$port.callgrind
  n=$(echo "$out" | grep RESULT | sed -E 's/.*"requests":([0-9]+).*/\1/')
  awk -v n="$n" '/^totals:/ { printf "user-space instructions per request (callgrind, %d requests): %d\n", n, $2 / n }' "$f"
fi
if [ -n "$STRACE" ]; then
  kill -INT $spid; wait $spid 2>/dev/null || true
  n=$(echo "$out" | grep RESULT | sed -E 's/.*"requests":([0-9]+).*/\1/')
  echo "system calls per request ($n requests):"
  awk -v n="$n" '$1 ~ /^[0-9.]+$/ && NF >= 5 { c = $4; name = $NF; printf "  %-20s %8.3f\n", name, c / n }' "$data/strace" | sort -k2 -nr
fi
if [ -n "$SYSCOUNT" ]; then
  kill -INT $ppid; wait $ppid 2>/dev/null || true
  n=$(echo "$out" | grep RESULT | sed -E 's/.*"requests":([0-9]+).*/\1/')
  awk -F, -v n="$n" '$3 ~ /sys_enter_/ { sub(/.*sys_enter_/, "", $3); printf "  %-12s %7.3f per request\n", $3, $1 / n }' "$data/pstat"
fi
hz=$(getconf CLK_TCK)
echo "$out" | grep RESULT | sed -E 's/.*"requests":([0-9]+).*"rps":([0-9.]+),"p50_us":([0-9]+),"p99_us":([0-9]+).*/\1 \2 \3 \4/' |
  while read -r n rps p50 p99; do
    awk -v n="$n" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v u=$((u1-u0)) -v s=$((s1-s0)) -v hz="$hz" -v op="$OP" -v bin="$NIMBUS" \
      'BEGIN { printf "%s %s: %d requests, %.0f/s, p50 %.2f ms, p99 %.2f ms, CPU per request: user %.1f us + system %.1f us = %.1f us\n",
               op, bin, n, rps, p50/1000, p99/1000, u*1e6/hz/n, s*1e6/hz/n, (u+s)*1e6/hz/n }'
  done
echo "$out" | grep RESULT | sed -E 's/.*"requests":([0-9]+).*/\1/' |
  awk -v v=$((v1-v0)) -v n=$((n1-n0)) '{ printf "  daemon switches per request (all threads): voluntary %.3f, involuntary %.3f\n", v/$1, n/$1 }'
join "$data/t0" "$data/t1" | awk '{ printf "  thread %s: %d ticks\n", $1, $3-$2 }'
