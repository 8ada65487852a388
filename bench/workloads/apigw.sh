# apigw.sh — the seed's API: GET /users/{id} through an HTTP API → the seed's
# Node.js handler (AWS SDK v2 DocumentClient.get) → DynamoDB GetItem, on nimbus
# vs serverless-offline + dynalite (npm) running the same handler
# (bench/peers/sls-app); the same route on nimbus's native C runtime. Reports
# req/s, p50/p99, peak RSS and the first (cold) request after deployment.
# nimbus runs this one with lambda.isolate=0: the Node.js function's
# node_modules is a symlink to bench/peers/node_modules (aws-sdk v2, 100 MB,
# is not zipped per run).
bench_apigw() {
  local dur=$1 conns="32" port pid ep users=10000 t
  [ "$MODE" = quick ] && dur=3
  [ "$MODE" = full ] && conns="8 32 128"
  install_peers
  echo "== API Gateway → Lambda → DynamoDB: nimbus vs serverless-offline + dynalite"
  port=$(free_port); ep=http://127.0.0.1:$port
  nimbus_start "$port" "$RAW/nimbus-apigw" --set lambda.isolate=0; pid=$NIM_PID
  python3 "$BENCH_DIR/lib/ddb_bulk.py" "$ep" Users "$users" 8 >/dev/null
  python3 "$BENCH_DIR/lib/apigw_setup.py" "$ep" "$RAW/apigw" "$BENCH_DIR/peers/node_modules" > "$RAW/apigw.ids"
  local api_node api_native
  api_node=$(awk '$2=="node"{print $3}' "$RAW/apigw.ids"); api_native=$(awk '$2=="native"{print $3}' "$RAW/apigw.ids")
  t=$(first_request_ms "$ep/_aws/execute-api/$api_node/users/user-1") && record_metric "API→Node.js→DynamoDB first request (cold)" nimbus "$t" ms
  t=$(first_request_ms "$ep/_aws/execute-api/$api_native/users/user-1") && record_metric "API→native C→DynamoDB first request (cold)" nimbus "$t" ms
  local c
  for c in $conns; do
    run_wrk "API GET /users/{id} → Node.js → DynamoDB" nimbus "$pid" "$ep" "$c" "$dur" \
      WRK_PATH_TEMPLATE="/_aws/execute-api/$api_node/users/user-{n}" WRK_KEYS=$users
    run_wrk "API GET /users/{id} → native C → DynamoDB" nimbus "$pid" "$ep" "$c" "$dur" \
      WRK_PATH_TEMPLATE="/_aws/execute-api/$api_native/users/user-{n}" WRK_KEYS=$users
  done
  kill_tree "$pid"

  local dport hp lp
  dport=$(free_port); dynalite_start "$dport"
  python3 "$BENCH_DIR/lib/ddb_bulk.py" "http://127.0.0.1:$dport" Users "$users" 8 >/dev/null
  hp=$(free_port); lp=$(free_port)
  if sls_start "$hp" "$lp" "http://127.0.0.1:$dport"; then
    t=$(first_request_ms "http://127.0.0.1:$hp/users/user-1") && record_metric "API→Node.js→DynamoDB first request (cold)" serverless-offline "$t" ms
    for c in $conns; do
      run_wrk "API GET /users/{id} → Node.js → DynamoDB" "serverless-offline+dynalite" "$SLS_PID" "http://127.0.0.1:$hp" "$c" "$dur" \
        WRK_PATH_TEMPLATE="/users/user-{n}" WRK_KEYS=$users
    done
    record_metric "peak RSS dynalite (behind serverless-offline)" dynalite "$(awk '{printf "%.1f", $1/1024}' <<<"$(peak_rss_kb "$DYN_PID")")" MB
  else
    echo "serverless-offline did not start: $(tail -5 "$RAW/sls.log")" >&2
  fi
  sls_stop; kill_tree "$DYN_PID"
}
