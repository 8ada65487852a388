#!/bin/bash
# soak.sh — `make soak`: a mixed workload for SOAK_MINUTES (default 30) in
# one-minute slices of 12 s per workload: DynamoDB GetItem, PutItem and Query
# on a GSI, synchronous Lambda invokes of the native echo function, and the
# seed's API route (HTTP API GET /users/{id} → native C function → DynamoDB
# GetItem). After each
# slice it samples the private memory of nimbus (RssAnon: its RSS less the
# mapped store file, whose resident pages are page cache and grow with the
# data) plus the RSS of its function processes, nimbus's open descriptors, the
# slice's worst p99 and the data directory's size (reported: function logs are
# kept, as CloudWatch keeps them by default, so it grows with the invokes).
# The first third of the minutes is the warm-up: Lambda adds environments
# (each with its pipes, sockets and pidfd) until they meet the 32 connections
# of both functions, so the largest values seen by then are the baseline.
# Descriptors are judged twice: at the end of the workload, against the
# baseline's count plus what the environments added since then hold (each
# holds INST_FDS_HELD of nimbus's: Runtime API listener and connection, two
# output pipes, a pidfd; their number moves by a few as Lambda scales), and
# after both functions are deleted and their environments gone, against the
# count before the first invoke — exact, whatever environments came and went.
# Fails if at the end that memory is more than 20% (+8 MB slack) above the
# baseline, descriptors grew beyond those allowances (+4), or p99 drifted
# beyond 2× the baseline's.
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
INST_FDS_HELD=6; SLICE_S=${SOAK_SLICE_SECONDS:-12}
count_envs() { cat /proc/$pid/task/*/children | wc -w; }
idle_fd=$(ls /proc/$pid/fd | wc -l); idle_envs=$(count_envs)
ROWS=$RAW/soak.tsv; : > "$ROWS"; ROUND=1
LAMBDA_AUTH="Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=$(printf '0%.0s' $(seq 64))"
source bench/workloads/dynamodb.sh
first_rss=""; first_fd=""; first_envs=0; first_p99=""; first_du=""
for m in $(seq 1 "$MIN"); do
  for body in '{"TableName":"Users","Key":{"id":{"S":"user-{n}"}}}|GetItem' \
              '{"TableName":"Users","Item":{"id":{"S":"user-{n}"},"v":{"S":"soak"}}}|PutItem' \
              '{"TableName":"Posts","IndexName":"CategoryIndex","KeyConditionExpression":"category = :c","ExpressionAttributeValues":{":c":{"S":"cat-{n}"}}}|Query'; do
    run_wrk "soak ${body##*|}" nimbus "$pid" "http://127.0.0.1:$port/" 32 "$SLICE_S" WRK_METHOD=POST \
      WRK_HEADERS="$DDB_HEADERS_BASE|X-Amz-Target: DynamoDB_20120810.${body##*|}" \
      WRK_BODY_TEMPLATE="${body%|*}" WRK_KEYS=2000 >/dev/null
  done
  run_wrk "soak Invoke" nimbus "$pid" "http://127.0.0.1:$port/2015-03-31/functions/echo-native/invocations" 32 "$SLICE_S" \
    WRK_METHOD=POST WRK_HEADERS="Content-Type: application/json|X-Amz-Date: 20260101T000000Z|$LAMBDA_AUTH" \
    WRK_BODY_TEMPLATE='{"key":"k-{n}"}' WRK_KEYS=2000 >/dev/null
  run_wrk "soak API route" nimbus "$pid" "http://127.0.0.1:$port/" 32 "$SLICE_S" \
    WRK_PATH_TEMPLATE="/_aws/execute-api/$api/users/user-{n}" WRK_KEYS=2000 >/dev/null
  rss=$(( $(awk '/^RssAnon:/ {print $2}' /proc/$pid/status) + $(rss_kb $pid) - $(awk '/^VmRSS:/ {print $2}' /proc/$pid/status) ))
  fds=$(ls /proc/$pid/fd | wc -l); p99=$(tail -5 "$ROWS" | awk -F'\t' '{ if ($6 > m) m = $6 } END { print m }')
  du=$(du -sm "$data" | cut -f1)
  envs=$(count_envs)
  echo "minute $m: private memory ${rss} kB, fds $fds, p99 ${p99} us, data ${du} MB, environments $envs"
  [ -z "$first_du" ] && first_du=$du
  if [ "$m" -le $(( MIN / 3 > 1 ? MIN / 3 : 1 )) ]; then   # warm-up: the baseline is its peak
    [ "$rss" -gt "${first_rss:-0}" ] && first_rss=$rss
    [ "$fds" -gt "${first_fd:-0}" ] && { first_fd=$fds; first_envs=$envs; }
    [ "$p99" -gt "${first_p99:-0}" ] && first_p99=$p99
  fi
done
ok=1
[ "$rss" -le $(( first_rss * 12 / 10 + 8192 )) ] || { echo "private memory grew: $first_rss → $rss kB"; ok=0; }
more_envs=$(( envs > first_envs ? envs - first_envs : 0 ))
[ "$fds" -le $(( first_fd + 4 + more_envs * INST_FDS_HELD )) ] ||
  { echo "descriptors grew: $first_fd ($first_envs environments) → $fds ($envs environments)"; ok=0; }
# Drain: delete both functions; once their environments are gone nimbus must
# hold what it held before the first invoke.
for fn in echo-native users-get-native; do
  curl -sf -X DELETE -H "X-Amz-Date: 20260101T000000Z" -H "$LAMBDA_AUTH" \
    "http://127.0.0.1:$port/2015-03-31/functions/$fn" >/dev/null ||
    { echo "soak: DeleteFunction $fn failed"; ok=0; }
done
for _ in $(seq 1 100); do [ "$(count_envs)" -le "$idle_envs" ] && break; sleep 0.1; done
drained_envs=$(count_envs); drained_fd=$(ls /proc/$pid/fd | wc -l)
echo "drained: fds $idle_fd before the first invoke → $drained_fd, environments $drained_envs"
[ "$drained_envs" -le "$idle_envs" ] || { echo "environments left after DeleteFunction: $drained_envs"; ok=0; }
[ "$drained_fd" -le $(( idle_fd + 4 )) ] || { echo "descriptors leaked: $idle_fd → $drained_fd with no environment"; ok=0; }
[ "$p99" -le $(( first_p99 * 2 + 1000 )) ] || { echo "p99 drifted: $first_p99 → $p99 us"; ok=0; }
echo "soak: ${MIN} min, private memory $first_rss → $rss kB, fds $first_fd → $fds (drained $idle_fd → $drained_fd), p99 $first_p99 → $p99 us, data $first_du → $du MB"
[ $ok = 1 ] && echo "soak: 1 passed, 0 failed" || { echo "soak: 0 passed, 1 failed"; exit 1; }
