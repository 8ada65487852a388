# lambda.sh — functions: cold start (new function → first Invoke response) of
# the native C runtime, Node.js and Python, with and without the sandbox,
# against `node -e 0` measured in the same run; warm invoke overhead (echo
# handler, 1 connection, p50) and sync invokes/s; serverless-offline (npm) on
# the same Node.js echo handler.
LAMBDA_HEADERS="Content-Type: application/json|X-Amz-Date: 20260101T000000Z|Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"

# Each concurrency is warmed for 2 s first (not recorded): the environments it
# needs start there, and cold starts are measured on their own.
lambda_warm() {  # NAME SERVER PID URL DUR CONNS...
  local name=$1 server=$2 pid=$3 url=$4 dur=$5 c t; shift 5
  for c in "$@"; do
    t=2; [ "$c" -lt 2 ] && t=1
    WRK_METHOD=POST WRK_HEADERS="$LAMBDA_HEADERS" WRK_BODY_TEMPLATE='{"key":"k-{n}","value":"hello"}' \
      wrk -t$t -c"$c" -d2s --timeout 10s -s "$BENCH_DIR/wrk/report.lua" "$url" >/dev/null 2>&1 || true
    [ "$server" = nimbus ] && nimbus_settle "${url%%/2015-03-31/*}"
    run_wrk "$name" "$server" "$pid" "$url" "$c" "$dur" WRK_METHOD=POST WRK_HEADERS="$LAMBDA_HEADERS" \
      WRK_BODY_TEMPLATE='{"key":"k-{n}","value":"hello"}'
  done
}

lambda_cold() {  # SERVER_LABEL ENDPOINT N KINDS [DATA: also the cold start after a reboot]
  local label=$1 ep=$2 n=$3 kinds=$4 data=${5:-} k v
  python3 "$BENCH_DIR/lib/lambda_fn.py" cold "$ep" "$RAW/lambda-code" "$n" "$kinds" $data | grep '^RESULT ' |
    while IFS=$'\t' read -r k v; do
      k=${k#RESULT }
      if [ "$k" = "node -e 0" ]; then record_metric "node -e 0 start-up (median)" "node" "$v" ms
      else record_metric "cold start $k (median of $n)" "$label" "$v" ms; fi
    done
}

bench_lambda() {
  local dur=$1 n=3 conns="1 32" port pid ep
  [ "$MODE" = quick ] && dur=3
  [ "$MODE" = full ] && { n=10; conns="1 8 32 128 512"; }
  install_peers
  python3 "$BENCH_DIR/lib/lambda_fn.py" build "$RAW/lambda-code"
  echo "== Lambda: cold start, warm invoke (nimbus, sandboxed by default)"
  port=$(free_port); ep=http://127.0.0.1:$port
  nimbus_start "$port" "$RAW/nimbus-lambda" --set lambda.proactive_init=0; pid=$NIM_PID   # cold rows: true cold starts
  lambda_cold nimbus "$ep" "$n" native,node,python "$RAW/nimbus-lambda"
  python3 "$BENCH_DIR/lib/lambda_fn.py" create "$ep" "$RAW/lambda-code"
  lambda_warm "Lambda warm invoke, native echo" nimbus "$pid" "$ep/2015-03-31/functions/echo-native/invocations" "$dur" $conns
  lambda_warm "Lambda warm invoke, Node.js echo" nimbus "$pid" "$ep/2015-03-31/functions/echo-node/invocations" "$dur" $conns
  local kb
  # one measurement that fails must not cost the rows after it (set -e): said, and skipped
  kb=$(python3 "$BENCH_DIR/lib/lambda_fn.py" instmem "$ep" "$RAW/lambda-code" "$pid" 32 | awk -F'\t' '$1=="RESULT per-instance-kb"{print $2}') ||
    echo "per-instance memory not measured (instmem failed; see $RAW/nimbus-lambda.log)" >&2
  [ -n "$kb" ] && record_metric "nimbus memory per warm instance (32 provisioned, native)" nimbus "$kb" KB
  kill_tree "$pid"

  echo "== Lambda: without the sandbox (--set lambda.isolate=0)"
  port=$(free_port); ep=http://127.0.0.1:$port
  nimbus_start "$port" "$RAW/nimbus-lambda-noiso" --set lambda.isolate=0 --set lambda.proactive_init=0; pid=$NIM_PID
  lambda_cold "nimbus (no sandbox)" "$ep" "$n" native,node
  kill_tree "$pid"

  echo "== Lambda: serverless-offline (npm), same Node.js echo handler"
  local hp lp t
  hp=$(free_port); lp=$(free_port)
  if sls_start "$hp" "$lp"; then
    t=$(python3 - "http://127.0.0.1:$lp" <<'PY'
import sys; sys.path.insert(0, __import__("os").environ["BENCH_DIR"] + "/lib")
import lambda_fn; print("%.2f" % lambda_fn.invoke_ms(sys.argv[1], "nimbus-bench-dev-echo"))
PY
)
    record_metric "cold start node (first invoke after start)" serverless-offline "$t" ms
    lambda_warm "Lambda warm invoke, Node.js echo" serverless-offline "$SLS_PID" \
      "http://127.0.0.1:$lp/2015-03-31/functions/nimbus-bench-dev-echo/invocations" "$dur" $conns
  else
    echo "serverless-offline did not start: $(tail -5 "$RAW/sls.log")" >&2
  fi
  sls_stop
}
