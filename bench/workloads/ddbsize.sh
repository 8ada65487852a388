# ddbsize.sh — DynamoDB GetItem (32 connections, random keys) as the table grows:
# 10 k, 100 k and 1 M items of ~1 KB (full mode; quick: 10 k), each loaded into a
# fresh server by bench/lib/ddb_bulk.py (BatchWriteItem from 8 threads), with the
# load time, peak RSS and (nimbus) private memory. dynalite side by side up to DDB_PEER_MAX_ITEMS
# (default 100 k: it loads 1 M items too slowly for one run): at each size both
# servers are loaded, kept up, and their runs alternated for ROUNDS rounds.
# NIMBUS_AB=PATH adds a second nimbus binary (server "nimbus-ab"), loaded and
# measured beside the first the same way: an A/B of two builds in one run.
# nimbus's RSS counts the pages of its mapped store file that reads touched,
# bounded by --store-resident-mb (docs/STORE.md, "Resident pages of the map");
# its private memory is RssAnon. Both are recorded after the GetItem rounds.
ddbsize_run() {  # KEY ITEMS DUR
  srv_wrk "$1" "DynamoDB GetItem, $(($2 / 1000))k items" 32 "$3" WRK_METHOD=POST \
    WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.GetItem" \
    WRK_BODY_TEMPLATE='{"TableName":"Users","Key":{"id":{"S":"user-{n}"}}}' WRK_KEYS=$2
}

bench_ddbsize() {
  local dur=$1 sizes="10000" n port r server up
  [ "$MODE" = full ] && sizes=${DDB_SIZES:-"10000 100000 1000000"}
  install_peers
  echo "== DynamoDB GetItem by table size: ${sizes// /, } items, $ROUNDS round(s) of ${dur}s"
  for n in $sizes; do
    up=""
    for server in dynalite nimbus ${NIMBUS_AB:+nimbus-ab}; do
      port=$(free_port)
      if [ $server = dynalite ]; then
        [ "$n" -le "${DDB_PEER_MAX_ITEMS:-100000}" ] || continue
        dynalite_start "$port"; srv_add dynalite "$DYN_PID" "http://127.0.0.1:$port/"
      elif [ $server = nimbus-ab ]; then
        NIMBUS=$NIMBUS_AB nimbus_start "$port" "$RAW/nimbus-ab-ddbsize"; srv_add nimbus-ab "$NIM_PID" "http://127.0.0.1:$port/"
      else
        nimbus_start "$port" "$RAW/nimbus-ddbsize"; srv_add nimbus "$NIM_PID" "http://127.0.0.1:$port/"
      fi
      if r=$(python3 "$BENCH_DIR/lib/ddb_bulk.py" "http://127.0.0.1:$port" Users "$n" 8); then
        record_metric "load $((n / 1000))k items of 1 KB (BatchWriteItem, 8 threads)" $server "$(awk '{print $1 " s (" $2 " items/s)"}' <<<"${r#RESULT }")" ""
        up="$up $server"
      else
        echo "load of $n items into $server failed" >&2; srv_stop $server
      fi
    done
    [ -n "$up" ] || continue
    sync   # the loads' dirty pages written back now, not during the measurements
    for ROUND in $(seq "$ROUNDS"); do
      round_banner
      in_turn ddbsize_run "$n" "$dur" -- $up
    done
    for server in nimbus nimbus-ab; do
      [ -n "${SRV_PID[$server]:-}" ] || continue
      record_metric "data directory, $((n / 1000))k items" $server "$(du -sm "$RAW/$server-ddbsize" | cut -f1)" MB
      # RSS counts the mapped store file's resident pages (shared with the page
      # cache, reclaimable; bounded by --store-resident-mb); the process's own
      # memory is its anonymous part.
      record_metric "RSS after GetItem, $((n / 1000))k items" $server "$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' /proc/${SRV_PID[$server]}/status)" MB
      record_metric "private memory (RssAnon) after GetItem, $((n / 1000))k items" $server "$(awk '/^RssAnon:/ {printf "%.1f", $2 / 1024}' /proc/${SRV_PID[$server]}/status)" MB
    done
    srv_stop $up
  done
}
