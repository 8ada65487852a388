# https.sh — DynamoDB GetItem over HTTPS (TLS 1.3, keep-alive) against the same
# daemon's plain HTTP listener: one nimbus with --tls-listen, same table, same
# data, same load generator; records the HTTPS/HTTP throughput ratio (issue 7
# target: >= 70%, from the medians of ROUNDS rounds; HTTP and HTTPS runs
# alternated). Both listeners run with --auth open so that the comparison
# measures the transport only.
https_run() {  # KEY(http|https) CONNS DUR
  local name="GetItem over HTTP"; [ "$1" = https ] && name="GetItem over HTTPS"
  srv_wrk "$1" "$name" "$2" "$3" WRK_METHOD=POST WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.GetItem" \
    WRK_BODY_TEMPLATE='{"TableName":"Users","Key":{"id":{"S":"user-{n}"}}}' WRK_KEYS=10000
}

bench_https() {
  local dur=$1 conns="32" port tport c
  [ "$MODE" = full ] && conns="1 32 128"
  echo "== HTTPS vs HTTP: DynamoDB GetItem (~1 KB items), keep-alive, one nimbus, $ROUNDS round(s) of ${dur}s"
  port=$(free_port); tport=$(free_port)
  nimbus_start "$port" "$RAW/nimbus-https" --tls-listen 127.0.0.1:$tport
  wait_port "$tport"
  srv_add http "$NIM_PID" "http://127.0.0.1:$port/" nimbus
  srv_add https "$NIM_PID" "https://127.0.0.1:$tport/" nimbus
  python3 "$BENCH_DIR/lib/ddb_load.py" "http://127.0.0.1:$port" 10000 100 >/dev/null
  for ROUND in $(seq "$ROUNDS"); do
    round_banner
    for c in $conns; do in_turn https_run "$c" "$dur" -- http https; done
  done
  for c in $conns; do
    record_metric "HTTPS/HTTP GetItem c=$c (from the medians of $ROUNDS round(s))" nimbus \
      "$(percent "$(rows_median "GetItem over HTTPS" nimbus "$c")" "$(rows_median "GetItem over HTTP" nimbus "$c")")" "%"
  done
  srv_stop http https
}
