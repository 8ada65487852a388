#!/bin/bash
# api_route_tree.sh BIN KIND(node|native) CONNS [nimbus args] — the seed's API route (bench/workloads/apigw.sh set-up) on one
# nimbus: warm 3 s, then wrk DUR (default 10) s; prints req/s, p99, CPU per request summed over nimbus and its
# function processes (not wrk), their summed RSS, the number of environments, and nimbus's own CPU per request.
# PERF=1 records a perf profile of nimbus to /tmp/apinode.perf.
BIN=$1; KIND=${2:-node}; C=${3:-32}; shift 3
B=$(cd "$(dirname "$0")/.." && pwd)
d=$(mktemp -d /tmp/apin-XXXX); port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
$BIN up --listen 127.0.0.1:$port --data $d --auth open --log-level warn --set lambda.isolate=0 "$@" >$d.log 2>&1 & pid=$!
for i in $(seq 100); do curl -s 127.0.0.1:$port/_nimbus/health >/dev/null && break; sleep 0.05; done
python3 $B/lib/ddb_bulk.py http://127.0.0.1:$port Users 10000 8 >/dev/null
api=$(python3 $B/lib/apigw_setup.py http://127.0.0.1:$port $d/apigw $B/peers/node_modules $KIND | awk '{print $3}')
url=http://127.0.0.1:$port
t0=$(date +%s%N); curl -s -o /dev/null $url/_aws/execute-api/$api/users/user-1; t1=$(date +%s%N); echo "first request $(( (t1-t0)/1000000 )) ms"
export WRK_PATH_TEMPLATE="/_aws/execute-api/$api/users/user-{n}" WRK_KEYS=10000
wrk -t2 -c$C -d3s -s $B/wrk/report.lua $url >/dev/null 2>&1
tree() { echo $pid $(pgrep -P $pid) $(for c in $(pgrep -P $pid); do pgrep -P $c; done); }
cpu() { local s=0; for p in $(tree); do s=$((s + $(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $s; }
[ -n "$PERF" ] && (perf record -g -p $pid -o /tmp/apinode.perf -- sleep 6 >/dev/null 2>&1 &)
c0=$(cpu); n0=$(awk '{print $14+$15}' /proc/$pid/stat)
out=$(wrk -t2 -c$C -d${DUR:-10}s -s $B/wrk/report.lua $url 2>&1)
c1=$(cpu); n1=$(awk '{print $14+$15}' /proc/$pid/stat)
n=$(echo "$out" | awk '/requests in/{print $1}')
rss=0; for p in $(tree); do rss=$((rss + $(awk '/VmRSS/{print $2}' /proc/$p/status 2>/dev/null || echo 0))); done
echo "$out" | grep -E "Requests/sec|RESULT" | head -3
echo "instances $(( $(tree | wc -w) - 1 ))  cpu_ms_per_req $(echo "($c1-$c0)*10/$n" | bc -l | cut -c1-6)  rss_tree_MB $((rss/1024)) nimbus_ms_per_req $(echo "($n1-$n0)*10/$n" | bc -l | cut -c1-6)"
kill $pid; wait $pid 2>/dev/null; rm -rf $d $d.log
