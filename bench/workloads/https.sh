# https.sh — DynamoDB GetItem over HTTPS (TLS 1.3, keep-alive) against the same
# daemon's plain HTTP listener: one nimbus with --tls-listen, same table, same
# data, same load generator; records the HTTPS/HTTP throughput ratio (issue 7
# target: >= 70%). Both listeners run with --auth open so that the comparison
# measures the transport only.
bench_https() {
  local dur=$1 conns="32"
  [ "$MODE" = full ] && conns="1 32 128"
  echo "== HTTPS vs HTTP: DynamoDB GetItem (~1 KB items), keep-alive, one nimbus"
  local data=$RAW/nimbus-https port tport pid c
  rm -rf "$data"; port=$(free_port); tport=$(free_port)
  "$NIMBUS" up --listen 127.0.0.1:$port --tls-listen 127.0.0.1:$tport --auth open --data "$data" \
    --log-level warn >/dev/null 2>&1 & pid=$!
  wait_port "$port"; wait_port "$tport"
  python3 "$BENCH_DIR/lib/ddb_load.py" "http://127.0.0.1:$port" 10000 100 >/dev/null
  for c in $conns; do
    local args=(WRK_METHOD=POST
      WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.GetItem"
      WRK_BODY_TEMPLATE='{"TableName":"Users","Key":{"id":{"S":"user-{n}"}}}' WRK_KEYS=10000)
    run_wrk "GetItem over HTTP" nimbus "$pid" "http://127.0.0.1:$port/" "$c" "$dur" "${args[@]}"
    local http_rps; http_rps=$(tail -1 "$ROWS" | cut -f4)
    run_wrk "GetItem over HTTPS" nimbus "$pid" "https://127.0.0.1:$tport/" "$c" "$dur" "${args[@]}"
    local https_rps; https_rps=$(tail -1 "$ROWS" | cut -f4)
    record_metric "HTTPS/HTTP GetItem c=$c" nimbus \
      "$(awk -v a="$https_rps" -v b="$http_rps" 'BEGIN { printf "%.0f", b ? 100 * a / b : 0 }')" "%"
  done
  kill "$pid"; wait "$pid" 2>/dev/null
}
