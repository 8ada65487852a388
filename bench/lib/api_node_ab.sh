#!/bin/bash
# api_node_ab.sh BIN_A BIN_B [ROUNDS] [CONNS] — A/B of two binaries on the seed's API route with the
# Node.js handler (HTTP API GET /users/{id} → examples/functions/users-get with the SDK v2 → GetItem),
# set up as bench/workloads/apigw.sh does (lambda.isolate=0, account throttle raised). Both daemons
# stay up; after a 6 s warm-up each, every round runs 8 s on each, the order swapped each round,
# measured by cpu_per_req.py (CPU per request of the daemon, its function processes and wrk).
A=$1; B=$2; ROUNDS=${3:-4}; C=${4:-32}
H=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_DIR=$H
out=$(mktemp -d /tmp/apinodeab-XXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$out"' EXIT
for tag in a b; do
  bin=$A; [ $tag = b ] && bin=$B
  p=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  "$bin" up --listen 127.0.0.1:$p --data "$out/$tag" --auth open --log-level warn --set lambda.isolate=0 \
    --set apigw.account_rate_limit=1000000 --set apigw.account_burst_limit=1000000 >"$out/$tag.log" 2>&1 &
  pids+=($!); eval "pid_$tag=$! port_$tag=$p"
  for i in $(seq 100); do curl -s 127.0.0.1:$p/_nimbus/health >/dev/null && break; sleep 0.05; done
  python3 "$H/lib/ddb_load.py" http://127.0.0.1:$p 2000 2000 >/dev/null
  api=$(python3 "$H/lib/apigw_setup.py" http://127.0.0.1:$p "$out/api-$tag" "$H/peers/node_modules" node | awk '/^RESULT node/ {print $3}')
  eval "url_$tag=http://127.0.0.1:$p/_aws/execute-api/$api/users/user-1"
  eval wrk -t2 -c$C -d6s "\$url_$tag" >/dev/null
done
for r in $(seq 1 "$ROUNDS"); do
  order="a b"; [ $((r % 2)) = 0 ] && order="b a"
  for tag in $order; do
    eval "pid=\$pid_$tag url=\$url_$tag"
    echo "== round $r $([ $tag = a ] && echo "A $A" || echo "B $B")"
    python3 "$H/lib/cpu_per_req.py" "$pid" -- -t2 -c$C -d8s -s "$H/wrk/report.lua" "$url" 2>&1 | tail -6
  done
done
