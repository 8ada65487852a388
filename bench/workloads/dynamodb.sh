# dynamodb.sh — DynamoDB GetItem, PutItem (durable), Query on a GSI, BatchWriteItem
# and TransactWriteItems: nimbus against dynalite (npm), same tables, same data,
# same load generator, in one run.
DDB_HEADERS_BASE="Content-Type: application/x-amz-json-1.0|X-Amz-Date: 20260101T000000Z|Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"

ddb_workloads() {  # SERVER PID URL DUR CONNS...
  local server=$1 pid=$2 url=$3 dur=$4; shift 4
  local c
  for c in "$@"; do
    run_wrk "DynamoDB GetItem" "$server" "$pid" "$url" "$c" "$dur" WRK_METHOD=POST \
      WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.GetItem" \
      WRK_BODY_TEMPLATE='{"TableName":"Users","Key":{"id":{"S":"user-{n}"}}}' WRK_KEYS=10000
    run_wrk "DynamoDB PutItem" "$server" "$pid" "$url" "$c" "$dur" WRK_METHOD=POST \
      WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.PutItem" \
      WRK_BODY_TEMPLATE="{\"TableName\":\"Users\",\"Item\":{\"id\":{\"S\":\"user-{n}\"},\"name\":{\"S\":\"bench\"},\"bio\":{\"S\":\"$(printf 'y%.0s' $(seq 1 900))\"}}}" WRK_KEYS=10000
    run_wrk "DynamoDB Query GSI (20 items)" "$server" "$pid" "$url" "$c" "$dur" WRK_METHOD=POST \
      WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.Query" \
      WRK_BODY_TEMPLATE='{"TableName":"Posts","IndexName":"CategoryIndex","KeyConditionExpression":"category = :c","ExpressionAttributeValues":{":c":{"S":"cat-{n}"}}}' WRK_KEYS=500
  done
  local items="" i
  for i in $(seq 0 24); do items="$items{\"PutRequest\":{\"Item\":{\"id\":{\"S\":\"b-{n}-$i\"},\"v\":{\"S\":\"x\"}}}},"; done
  run_wrk "DynamoDB BatchWriteItem (25)" "$server" "$pid" "$url" 32 "$dur" WRK_METHOD=POST \
    WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.BatchWriteItem" \
    WRK_BODY_TEMPLATE="{\"RequestItems\":{\"Users\":[${items%,}]}}" WRK_KEYS=1000000
  run_wrk "DynamoDB TransactWriteItems (2)" "$server" "$pid" "$url" 32 "$dur" WRK_METHOD=POST \
    WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.TransactWriteItems" \
    WRK_BODY_TEMPLATE='{"TransactItems":[{"Put":{"TableName":"Users","Item":{"id":{"S":"t-{n}-a"},"v":{"S":"x"}}}},{"Put":{"TableName":"Posts","Item":{"id":{"S":"t-{n}-b"},"category":{"S":"tx"},"created":{"N":"1"}}}}]}' WRK_KEYS=1000000
}

bench_dynamodb() {
  local dur=$1 conns="32"
  [ "$MODE" = full ] && conns="1 8 32 128 512"
  install_peers
  echo "== DynamoDB: dynalite (npm) vs nimbus, 10,000 users of ~1 KB, 10,000 posts"
  local port pid data
  # dynalite (in-memory LevelDB; its default)
  port=$(free_port)
  node "$BENCH_DIR/peers/node_modules/dynalite/cli.js" --port "$port" >/dev/null 2>&1 & pid=$!
  wait_port "$port"
  python3 "$BENCH_DIR/lib/ddb_load.py" "http://127.0.0.1:$port" 10000 10000 >/dev/null
  ddb_workloads dynalite "$pid" "http://127.0.0.1:$port/" "$dur" $conns
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # nimbus (durable: every acknowledged write fdatasync'd, group commit)
  data=$RAW/nimbus-ddb; rm -rf "$data"; port=$(free_port)
  "$NIMBUS" up --listen 127.0.0.1:$port --data "$data" --auth open --log-level warn >/dev/null 2>&1 & pid=$!
  wait_port "$port"
  python3 "$BENCH_DIR/lib/ddb_load.py" "http://127.0.0.1:$port" 10000 10000 >/dev/null
  sync   # the load's dirty pages written back now, not during the measurements
  ddb_workloads nimbus "$pid" "http://127.0.0.1:$port/" "$dur" $conns
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

install_peers() {
  if [ ! -f "$BENCH_DIR/peers/node_modules/.installed" ] || [ "$BENCH_DIR/peers/package.json" -nt "$BENCH_DIR/peers/node_modules/.installed" ]; then
    (cd "$BENCH_DIR/peers" && npm install --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules/.installed)
  fi
}
