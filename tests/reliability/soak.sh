#!/bin/bash
# soak.sh — `make soak`: a mixed workload for SOAK_MINUTES (default 30) in
# one-minute slices: DynamoDB GetItem, PutItem and Query on a GSI, synchronous
# Lambda invokes of the native echo function, and the seed's API route
# (HTTP API GET /users/{id} → native C function → DynamoDB GetItem). After each
# slice it samples the private memory of nimbus (RssAnon: its RSS less the
# mapped store file, whose resident pages are page cache and grow with the
# data) plus the RSS of its function processes, nimbus's open descriptors, the
# slice's worst p99 and the data directory's size (reported: function logs are
# kept, as CloudWatch keeps them by default, so it grows with the invokes).
# The first third of the minutes is the warm-up: Lambda adds environments
# (each with its pipes, sockets and pidfd) until they meet the 32 connections
# of both functions, so the largest values seen by then are the baseline. Fails
# if at the end that memory is more than 20% (+8 MB slack) above it, there are
# more descriptors than it had (+4), or p99 drifted beyond 2× the baseline's.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/common.sh
MIN=${SOAK_MINUTES:-30}
NIMBUS=${NIMBUS:-build/nimbus}
data=$(mktemp -d /tmp/nimbus-soak-XXXXXX); port=$(free_port)
"$NIMBUS" up --listen 127.0.0.1:$port --data "$data" --auth open --log-level warn >/dev/null 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
wait_port "$port"
python3 bench/lib/ddb_load.py "http://127.0.0.1:$port" 2000 2000 >/dev/null
export BENCH_DIR=$PWD/bench
python3 bench/lib/lambda_fn.py build "$data/fn" >/dev/null
python3 bench/lib/lambda_fn.py create "http://127.0.0.1:$port" "$data/fn" native >/dev/null
api=$(python3 bench/lib/apigw_setup.py "http://127.0.0.1:$port" "$data/api" /nonexistent native | awk '/^RESULT native/ {print $3}')
[ -n "$api" ] || { echo "soak: could not create the API"; exit 1; }
ROWS=$RAW/soak.tsv; : > "$ROWS"; ROUND=1
LAMBDA_AUTH="Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=$(printf '0%.0s' $(seq 64))"
source bench/workloads/dynamodb.sh
first_rss=""; first_fd=""; first_p99=""; first_du=""
for m in $(seq 1 "$MIN"); do
  for body in '{"TableName":"Users","Key":{"id":{"S":"user-{n}"}}}|GetItem' \
              '{"TableName":"Users","Item":{"id":{"S":"user-{n}"},"v":{"S":"soak"}}}|PutItem' \
              '{"TableName":"Posts","IndexName":"CategoryIndex","KeyConditionExpression":"category = :c","ExpressionAttributeValues":{":c":{"S":"cat-{n}"}}}|Query'; do
    run_wrk "soak ${body##*|}" nimbus "$pid" "http://127.0.0.1:$port/" 32 20 WRK_METHOD=POST \
      WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.${body##*|}" \
      WRK_BODY_TEMPLATE="${body%|*}" WRK_KEYS=2000 >/dev/null
  done
  run_wrk "soak Invoke" nimbus "$pid" "http://127.0.0.1:$port/2015-03-31/functions/echo-native/invocations" 32 20 \
    WRK_METHOD=POST WRK_HEADERS="Content-Type: application/json|X-Amz-Date: 20260101T000000Z|$LAMBDA_AUTH" \
    WRK_BODY_TEMPLATE='{"key":"k-{n}"}' WRK_KEYS=2000 >/dev/null
  run_wrk "soak API route" nimbus "$pid" "http://127.0.0.1:$port/" 32 20 \
    WRK_PATH_TEMPLATE="/_aws/execute-api/$api/users/user-{n}" WRK_KEYS=2000 >/dev/null
  rss=$(( $(awk '/^RssAnon:/ {print $2}' /proc/$pid/status) + $(rss_kb $pid) - $(awk '/^VmRSS:/ {print $2}' /proc/$pid/status) ))
  fds=$(ls /proc/$pid/fd | wc -l); p99=$(tail -5 "$ROWS" | awk -F'\t' '{ if ($6 > m) m = $6 } END { print m }')
  du=$(du -sm "$data" | cut -f1)
  envs=$(cat /proc/$pid/task/*/children | wc -w)
  echo "minute $m: private memory ${rss} kB, fds $fds, p99 ${p99} us, data ${du} MB, environments $envs"
  [ -z "$first_du" ] && first_du=$du
  if [ "$m" -le $(( MIN / 3 > 1 ? MIN / 3 : 1 )) ]; then   # warm-up: the baseline is its peak
    [ "$rss" -gt "${first_rss:-0}" ] && first_rss=$rss
    [ "$fds" -gt "${first_fd:-0}" ] && first_fd=$fds
    [ "$p99" -gt "${first_p99:-0}" ] && first_p99=$p99
  fi
done
ok=1
[ "$rss" -le $(( first_rss * 12 / 10 + 8192 )) ] || { echo "private memory grew: $first_rss → $rss kB"; ok=0; }
[ "$fds" -le $(( first_fd + 4 )) ] || { echo "descriptors grew: $first_fd → $fds"; ok=0; }
[ "$p99" -le $(( first_p99 * 2 + 1000 )) ] || { echo "p99 drifted: $first_p99 → $p99 us"; ok=0; }
echo "soak: ${MIN} min, private memory $first_rss → $rss kB, fds $first_fd → $fds, p99 $first_p99 → $p99 us, data $first_du → $du MB"
[ $ok = 1 ] && echo "soak: 1 passed, 0 failed" || { echo "soak: 0 passed, 1 failed"; exit 1; }
