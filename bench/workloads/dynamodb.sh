# dynamodb.sh — DynamoDB GetItem, PutItem (durable), Query on a GSI, BatchWriteItem
# and TransactWriteItems: nimbus against dynalite (npm), same tables, same data,
# same load generator, both up at once and their runs alternated (in_turn),
# ROUNDS rounds. DDB_CONNS overrides the full mode's connection counts. The
# workloads that add items (batch, transact) write to the Scratch tables, so
# every round's GetItem/PutItem/Query runs on the same 10,000 users and posts.
DDB_HEADERS_BASE="Content-Type: application/x-amz-json-1.0|X-Amz-Date: 20260101T000000Z|Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"

# ddb_run KEY OP CONNS DUR: one measured run of OP (get put query batch transact) on a registered server
ddb_run() {
  local k=$1 op=$2 c=$3 dur=$4 name target body keys=10000 items="" i
  case $op in
    get) name="DynamoDB GetItem" target=GetItem
         body='{"TableName":"Users","Key":{"id":{"S":"user-{n}"}}}' ;;
    put) name="DynamoDB PutItem" target=PutItem
         body="{\"TableName\":\"Users\",\"Item\":{\"id\":{\"S\":\"user-{n}\"},\"name\":{\"S\":\"bench\"},\"bio\":{\"S\":\"$(printf 'y%.0s' $(seq 1 900))\"}}}" ;;
    query) name="DynamoDB Query GSI (20 items)" target=Query keys=500
         body='{"TableName":"Posts","IndexName":"CategoryIndex","KeyConditionExpression":"category = :c","ExpressionAttributeValues":{":c":{"S":"cat-{n}"}}}' ;;
    batch) name="DynamoDB BatchWriteItem (25)" target=BatchWriteItem keys=1000000
         for i in $(seq 0 24); do items="$items{\"PutRequest\":{\"Item\":{\"id\":{\"S\":\"b-{n}-$i\"},\"v\":{\"S\":\"x\"}}}},"; done
         body="{\"RequestItems\":{\"Scratch\":[${items%,}]}}" ;;
    transact) name="DynamoDB TransactWriteItems (2)" target=TransactWriteItems keys=1000000
         body='{"TransactItems":[{"Put":{"TableName":"Scratch","Item":{"id":{"S":"t-{n}-a"},"v":{"S":"x"}}}},{"Put":{"TableName":"ScratchPosts","Item":{"id":{"S":"t-{n}-b"},"category":{"S":"tx"},"created":{"N":"1"}}}}]}' ;;
  esac
  srv_wrk "$k" "$name" "$c" "$dur" WRK_METHOD=POST WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.$target" \
    WRK_BODY_TEMPLATE="$body" WRK_KEYS=$keys
}

bench_dynamodb() {
  local dur=$1 conns="32" port c op
  [ "$MODE" = full ] && conns=${DDB_CONNS:-"1 8 32 128 512"}
  install_peers
  echo "== DynamoDB: dynalite (npm) vs nimbus, 10,000 users of ~1 KB, 10,000 posts, $ROUNDS round(s) of ${dur}s runs"
  # dynalite (in-memory LevelDB; its default)
  port=$(free_port); dynalite_start "$port"; srv_add dynalite "$DYN_PID" "http://127.0.0.1:$port/"
  python3 "$BENCH_DIR/lib/ddb_load.py" "http://127.0.0.1:$port" 10000 10000 >/dev/null
  # nimbus (durable: every acknowledged write fdatasync'd, group commit)
  port=$(free_port); nimbus_start "$port" "$RAW/nimbus-ddb"; srv_add nimbus "$NIM_PID" "http://127.0.0.1:$port/"
  python3 "$BENCH_DIR/lib/ddb_load.py" "http://127.0.0.1:$port" 10000 10000 >/dev/null
  sync   # the loads' dirty pages written back now, not during the measurements
  for ROUND in $(seq "$ROUNDS"); do
    round_banner
    for c in $conns; do
      for op in get put query; do in_turn ddb_run "$op" "$c" "$dur" -- dynalite nimbus; done
    done
    for op in batch transact; do in_turn ddb_run "$op" 32 "$dur" -- dynalite nimbus; done
  done
  srv_stop dynalite nimbus
}

install_peers() {
  if [ ! -f "$BENCH_DIR/peers/node_modules/.installed" ] || [ "$BENCH_DIR/peers/package.json" -nt "$BENCH_DIR/peers/node_modules/.installed" ]; then
    (cd "$BENCH_DIR/peers" && npm install --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules/.installed)
  fi
}
