#!/bin/bash
# invoke_ab.sh BIN_A BIN_B [ROUNDS] [CONNS] [nimbus args…] — warm invokes of the native echo function
# (bench/workloads/lambda.sh's request), A/B: one daemon per binary, both up at once, runs alternated
# (A, B, A, B…) so both see the same load from the rest of the machine. Each run: 2 s of warm-up,
# then 5 s measured by cpu_per_req.py (CPU per request split into daemon, function processes, wrk;
# context switches per request). DUR=seconds overrides the measured 5 s.
A=$1; B=$2; ROUNDS=${3:-3}; C=${4:-32}; shift 4 2>/dev/null || shift $#
H=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_DIR=$H
out=$(mktemp -d /tmp/invab-XXXX)
python3 "$H/lib/lambda_fn.py" build "$out/code" >/dev/null
HDR="Content-Type: application/json|X-Amz-Date: 20260101T000000Z|Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
start() {  # BIN TAG → echo "PID PORT"
  local p; p=$(port)
  "$1" up --listen 127.0.0.1:$p --data "$out/$2" --auth open --log-level warn --set lambda.proactive_init=0 "${@:3}" \
    >"$out/$2.log" 2>&1 &
  local pid=$!
  for i in $(seq 100); do curl -s 127.0.0.1:$p/_nimbus/health >/dev/null && break; sleep 0.05; done
  python3 - "http://127.0.0.1:$p" "$out/code" <<'PY'
import sys; sys.path.insert(0, __import__("os").environ["BENCH_DIR"] + "/lib")
import lambda_fn
lambda_fn.create(lambda_fn.client(sys.argv[1]), "echo-native", "native", sys.argv[2])
lambda_fn.invoke_ms(sys.argv[1], "echo-native")
PY
  echo "$pid $p"
}
read pa qa < <(start "$A" a "$@")
read pb qb < <(start "$B" b "$@")
run() {  # TAG PID PORT
  local url=http://127.0.0.1:$3/2015-03-31/functions/echo-native/invocations t=2
  [ "$C" -lt 2 ] && t=1
  export WRK_METHOD=POST WRK_HEADERS="$HDR" WRK_BODY_TEMPLATE='{"key":"k-{n}","value":"hello"}'
  wrk -t$t -c$C -d2s --timeout 10s -s "$H/wrk/report.lua" "$url" >/dev/null 2>&1
  echo "== $1 ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
  python3 "$H/lib/cpu_per_req.py" "$2" -- -t$t -c$C -d${DUR:-5}s --timeout 10s -s "$H/wrk/report.lua" "$url"
  echo "   environments: $(pgrep -P "$2" | wc -l)"
}
for r in $(seq "$ROUNDS"); do
  run "A $A" "$pa" "$qa"
  run "B $B" "$pb" "$qb"
done
kill "$pa" "$pb"; wait "$pa" "$pb" 2>/dev/null
rm -rf "$out"
