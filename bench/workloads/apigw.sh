# apigw.sh — the seed's API: GET /users/{id} through an HTTP API → the seed's
# Node.js handler (AWS SDK v2 DocumentClient.get) → DynamoDB GetItem, on nimbus
# vs serverless-offline + dynalite (npm) running the same handler
# (bench/peers/sls-app); the same route on nimbus's native C runtime. Reports
# req/s, p50/p99, peak RSS and the first (cold) request after deployment.
# nimbus runs this one with lambda.isolate=0: the Node.js function's
# node_modules is a symlink to bench/peers/node_modules (aws-sdk v2, 100 MB,
# is not zipped per run).
#
# Each server is warmed at the measured concurrency first (apigw_warm, not
# recorded; for nimbus, until no environment is busy any more, then once
# again): the cold starts are their own metric (first request), and a
# 3-second quick run that also starts 32 Node.js environments (~0.4 s of CPU
# each, loading the AWS SDK v2) measured mostly their start-up. The Node.js and native runs use one nimbus each: the peak
# RSS of a run counts the daemon and its function processes, and 32 warm
# Node.js environments (~60 MB each, ~2 GB in all) must not be charged to the
# native run, as they were when both ran in one daemon.
apigw_warm() {  # URL CONNS [env assignments for report.lua...]
  local url=$1 c=$2 t=2; shift 2
  [ "$c" -lt 2 ] && t=1
  env "$@" wrk -t$t -c"$c" -d2s --timeout 10s -s "$BENCH_DIR/wrk/report.lua" "$url" >/dev/null 2>&1 || true
}

bench_apigw() {
  local dur=$1 conns="32" port pid ep users=10000 t
  [ "$MODE" = quick ] && dur=3
  [ "$MODE" = full ] && conns="8 32 128"
  install_peers
  echo "== API Gateway → Lambda → DynamoDB: nimbus vs serverless-offline + dynalite"
  local kind label api c
  for kind in node native; do
    [ $kind = node ] && label="Node.js" || label="native C"
    port=$(free_port); ep=http://127.0.0.1:$port
    # the account-level throttle (AWS's default 10,000 req/s, burst 5,000) raised, as a quota
    # increase would on AWS: the native route's target (20,000 req/s) is above it
    nimbus_start "$port" "$RAW/nimbus-apigw-$kind" --set lambda.isolate=0 \
      --set apigw.account_rate_limit=1000000 --set apigw.account_burst_limit=1000000; pid=$NIM_PID
    python3 "$BENCH_DIR/lib/ddb_bulk.py" "$ep" Users "$users" 8 >/dev/null
    python3 "$BENCH_DIR/lib/apigw_setup.py" "$ep" "$RAW/apigw" "$BENCH_DIR/peers/node_modules" $kind > "$RAW/apigw.ids"
    api=$(awk -v k=$kind '$2==k{print $3}' "$RAW/apigw.ids")
    t=$(first_request_ms "$ep/_aws/execute-api/$api/users/user-1") && record_metric "API→$label→DynamoDB first request after deployment (proactive initialization)" nimbus "$t" ms
    for c in $conns; do
      apigw_warm "$ep" "$c" WRK_PATH_TEMPLATE="/_aws/execute-api/$api/users/user-{n}" WRK_KEYS=$users
      nimbus_settle "$ep"
      apigw_warm "$ep" "$c" WRK_PATH_TEMPLATE="/_aws/execute-api/$api/users/user-{n}" WRK_KEYS=$users
      run_wrk "API GET /users/{id} → $label → DynamoDB" nimbus "$pid" "$ep" "$c" "$dur" \
        WRK_PATH_TEMPLATE="/_aws/execute-api/$api/users/user-{n}" WRK_KEYS=$users
    done
    kill_tree "$pid"
    # a restart keeps the deployed app: the first request is sent as soon as nimbus listens, while the
    # environment it pre-initializes at start-up (src/lambda/warm_start.c) is still starting
    "$NIMBUS" up --listen 127.0.0.1:$port --data "$RAW/nimbus-apigw-$kind" --auth open --log-level warn \
      --set lambda.isolate=0 --set apigw.account_rate_limit=1000000 --set apigw.account_burst_limit=1000000 \
      >>"$RAW/nimbus-apigw-$kind.log" 2>&1 & pid=$!
    wait_port "$port"
    t=$(first_request_ms "$ep/_aws/execute-api/$api/users/user-1") && record_metric "API→$label→DynamoDB first request after a restart, sent at once" nimbus "$t" ms
    kill_tree "$pid"
  done

  local dport hp lp
  dport=$(free_port); dynalite_start "$dport"
  python3 "$BENCH_DIR/lib/ddb_bulk.py" "http://127.0.0.1:$dport" Users "$users" 8 >/dev/null
  hp=$(free_port); lp=$(free_port)
  if sls_start "$hp" "$lp" "http://127.0.0.1:$dport"; then
    t=$(first_request_ms "http://127.0.0.1:$hp/users/user-1") && record_metric "API→Node.js→DynamoDB first request (cold)" serverless-offline "$t" ms
    for c in $conns; do
      apigw_warm "http://127.0.0.1:$hp" "$c" WRK_PATH_TEMPLATE="/users/user-{n}" WRK_KEYS=$users
      apigw_warm "http://127.0.0.1:$hp" "$c" WRK_PATH_TEMPLATE="/users/user-{n}" WRK_KEYS=$users
      run_wrk "API GET /users/{id} → Node.js → DynamoDB" "serverless-offline+dynalite" "$SLS_PID" "http://127.0.0.1:$hp" "$c" "$dur" \
        WRK_PATH_TEMPLATE="/users/user-{n}" WRK_KEYS=$users
    done
    record_metric "peak RSS dynalite (behind serverless-offline)" dynalite "$(awk '{printf "%.1f", $1/1024}' <<<"$(peak_rss_kb "$DYN_PID")")" MB
  else
    echo "serverless-offline did not start: $(tail -5 "$RAW/sls.log")" >&2
  fi
  sls_stop; kill_tree "$DYN_PID"
}
