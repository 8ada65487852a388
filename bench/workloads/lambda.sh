# lambda.sh — functions: cold start (new function → first Invoke response) of
# the native C runtime, Node.js and Python, with and without the sandbox,
# against `node -e 0` measured in the same run; warm invoke overhead (echo
# handler, 1 connection, p50) and sync invokes/s; serverless-offline (npm) on
# the same Node.js echo handler. The warm-invoke servers (a nimbus for the
# native echo, one for the Node.js echo, serverless-offline) are up together
# and their runs alternated for ROUNDS rounds.
LAMBDA_HEADERS="Content-Type: application/json|X-Amz-Date: 20260101T000000Z|Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"

# lambda_run KEY CONNS DUR: a warm invoke run of the echo behind a registered
# server (native, node: a nimbus daemon each; sls: serverless-offline), after
# an unrecorded warm-up at that concurrency (warm_up): the environments it
# needs start there, and cold starts are measured on their own.
lambda_run() {
  local k=$1 c=$2 dur=$3 name="Lambda warm invoke, Node.js echo"
  local env=(WRK_METHOD=POST WRK_HEADERS="$LAMBDA_HEADERS" WRK_BODY_TEMPLATE='{"key":"k-{n}","value":"hello"}')
  [ "$k" = native ] && name="Lambda warm invoke, native echo"
  warm_up "${SRV_URL[$k]}" "$c" "${env[@]}"
  [ "$k" = sls ] || nimbus_settle "${SRV_URL[$k]%%/2015-03-31/*}"
  srv_wrk "$k" "$name" "$c" "$dur" "${env[@]}"
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
  local dur=$1 n=3 conns="1 32" port ep c
  [ "$MODE" = full ] && { n=10; conns="1 8 32 128 512"; }
  install_peers
  python3 "$BENCH_DIR/lib/lambda_fn.py" build "$RAW/lambda-code"
  echo "== Lambda: cold start (nimbus, sandboxed by default)"
  port=$(free_port); ep=http://127.0.0.1:$port
  nimbus_start "$port" "$RAW/nimbus-lambda" --set lambda.proactive_init=0   # cold rows: true cold starts
  srv_add native "$NIM_PID" "$ep/2015-03-31/functions/echo-native/invocations" nimbus
  lambda_cold nimbus "$ep" "$n" native,node,python "$RAW/nimbus-lambda"
  python3 "$BENCH_DIR/lib/lambda_fn.py" create "$ep" "$RAW/lambda-code" native

  echo "== Lambda: without the sandbox (--set lambda.isolate=0)"
  port=$(free_port); ep=http://127.0.0.1:$port
  # the baseline is a bare process: plain mode's per-instance supervisor (which
  # keeps escaped descendants contained, docs/SANDBOX.md) is sandbox work too
  NIMBUS_SANDBOX=no-supervisor nimbus_start "$port" "$RAW/nimbus-lambda-noiso" --set lambda.isolate=0 --set lambda.proactive_init=0
  lambda_cold "nimbus (no sandbox)" "$ep" "$n" native,node
  kill_tree "$NIM_PID"

  # the Node.js echo on a daemon of its own: a run's peak RSS counts the
  # daemon's function processes, and the native rows must not carry Node.js's
  port=$(free_port); ep=http://127.0.0.1:$port
  nimbus_start "$port" "$RAW/nimbus-lambda-node" --set lambda.proactive_init=0
  srv_add node "$NIM_PID" "$ep/2015-03-31/functions/echo-node/invocations" nimbus
  python3 "$BENCH_DIR/lib/lambda_fn.py" create "$ep" "$RAW/lambda-code" node

  echo "== Lambda: serverless-offline (npm), same Node.js echo handler"
  local hp lp t keys="native node"
  hp=$(free_port); lp=$(free_port)
  if sls_start "$hp" "$lp"; then
    srv_add sls "$SLS_PID" "http://127.0.0.1:$lp/2015-03-31/functions/nimbus-bench-dev-echo/invocations" serverless-offline
    keys="native node sls"
    t=$(python3 - "http://127.0.0.1:$lp" <<'PY'
import sys; sys.path.insert(0, __import__("os").environ["BENCH_DIR"] + "/lib")
import lambda_fn; print("%.2f" % lambda_fn.invoke_ms(sys.argv[1], "nimbus-bench-dev-echo"))
PY
)
    record_metric "cold start node (first invoke after start)" serverless-offline "$t" ms
  else
    echo "serverless-offline did not start: $(tail -5 "$RAW/sls.log")" >&2; sls_stop
  fi

  echo "== Lambda: warm invoke, echo (native, Node.js; serverless-offline: Node.js), $ROUNDS round(s) of ${dur}s"
  for ROUND in $(seq "$ROUNDS"); do
    round_banner
    for c in $conns; do in_turn lambda_run "$c" "$dur" -- $keys; done
  done
  srv_stop node sls
  local kb
  # one measurement that fails must not cost the rows after it (set -e): said, and skipped
  ep=${SRV_URL[native]%%/2015-03-31/*}
  kb=$(python3 "$BENCH_DIR/lib/lambda_fn.py" instmem "$ep" "$RAW/lambda-code" "${SRV_PID[native]}" 32 | awk -F'\t' '$1=="RESULT per-instance-kb"{print $2}') ||
    echo "per-instance memory not measured (instmem failed; see $RAW/nimbus-lambda.log)" >&2
  [ -n "$kb" ] && record_metric "nimbus memory per warm instance (32 provisioned, native)" nimbus "$kb" KB
  srv_stop native
}
