# auth.sh — the cost of security: DynamoDB GetItem (32 connections) with every
# request SigV4-signed (pre-signed by botocore, replayed by wrk) against nimbus
# with enforcement on (the default: signature check + IAM evaluation) and with
# --auth open, same data directory, same requests. Needs the security service
# (DATA/credentials.json, written at first start); skipped when absent.
bench_auth() {
  local dur=$1 port data=$RAW/nimbus-auth pid
  [ "$MODE" = quick ] && dur=3
  echo "== IAM enforcement on vs off (DynamoDB GetItem, SigV4-signed)"
  port=$(free_port); rm -rf "$data"
  "$NIMBUS" up --listen 127.0.0.1:$port --data "$data" --log-level warn >"$data.log" 2>&1 & pid=$!
  wait_port "$port"; kill_tree "$pid"
  if [ ! -s "$data/credentials.json" ]; then
    echo "  skipped: $data/credentials.json was not created (this nimbus has no security service yet)"
    record_metric "GetItem with enforcement on vs off" nimbus "skipped: no DATA/credentials.json" ""
    return 0
  fi
  "$NIMBUS" up --listen 127.0.0.1:$port --data "$data" --auth open --log-level warn >"$data.log" 2>&1 & pid=$!
  wait_port "$port"
  python3 "$BENCH_DIR/lib/ddb_bulk.py" "http://127.0.0.1:$port" Users 10000 8 >/dev/null
  python3 "$BENCH_DIR/lib/sigv4_presign.py" "127.0.0.1:$port" "$data/credentials.json" 2000 "$RAW/auth.reqs"
  run_wrk "DynamoDB GetItem, SigV4-signed" "nimbus (auth open)" "$pid" "http://127.0.0.1:$port/" 32 "$dur" \
    WRK_REQUESTS_FILE="$RAW/auth.reqs"
  kill_tree "$pid"
  "$NIMBUS" up --listen 127.0.0.1:$port --data "$data" --log-level warn >"$data.log" 2>&1 & pid=$!
  wait_port "$port"
  run_wrk "DynamoDB GetItem, SigV4-signed" "nimbus (enforced)" "$pid" "http://127.0.0.1:$port/" 32 "$dur" \
    WRK_REQUESTS_FILE="$RAW/auth.reqs"
  kill_tree "$pid"
  local on off
  on=$(awk -F'\t' '$1=="DynamoDB GetItem, SigV4-signed" && $2=="nimbus (enforced)" {v=$4} END {print v}' "$ROWS")
  off=$(awk -F'\t' '$1=="DynamoDB GetItem, SigV4-signed" && $2=="nimbus (auth open)" {v=$4} END {print v}' "$ROWS")
  record_metric "GetItem req/s, enforced / open" nimbus "$(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.0f", 100 * a / (b > 0 ? b : 1)}')" "% (target ≥ 90 %)"
}
