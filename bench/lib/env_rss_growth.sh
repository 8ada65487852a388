#!/bin/bash
# env_rss_growth.sh [BIN] [ROUNDS] [KIND] — does a function environment's memory grow with the
# number of invocations? Starts BIN (default build/nimbus, --auth open), creates the echo of KIND
# (node or python; bench/lib/lambda_fn.py) and runs ROUNDS 20 s rounds of warm invokes
# (`wrk -t1 -c2` on the Invoke API), printing after each the requests and the VmRSS of every
# process of the environments (the daemon's descendants running the runtime).
# docs/PERFORMANCE.md, "The trace id without setenv".
set -e
cd "$(dirname "$0")/../.."
BIN=${1:-build/nimbus}; ROUNDS=${2:-3}; KIND=${3:-node}
export BENCH_DIR=$PWD/bench
source bench/lib/common.sh
tmp=$(mktemp -d /tmp/env_rss.XXXXXX)
p=$(free_port); ep=http://127.0.0.1:$p
"$BIN" up --listen 127.0.0.1:$p --data "$tmp/d" --auth open --log-level warn >"$tmp/log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do curl -s $ep/_nimbus/health >/dev/null && break; sleep 0.05; done
python3 bench/lib/lambda_fn.py build "$tmp/code" >/dev/null
python3 bench/lib/lambda_fn.py create $ep "$tmp/code" "$KIND" >/dev/null
fn=echo-$KIND
pat=$([ "$KIND" = node ] && echo 'bootstrap.js' || echo 'bootstrap.py')
H="Content-Type: application/json|X-Amz-Date: 20260101T000000Z|Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
for r in $(seq "$ROUNDS"); do
  n=$(WRK_METHOD=POST WRK_HEADERS="$H" WRK_BODY_TEMPLATE='{"key":"k-{n}","value":"hello"}' \
      wrk -t1 -c2 -d20s -s bench/wrk/report.lua "$ep/2015-03-31/functions/$fn/invocations" |
      grep RESULT | sed -E 's/.*"requests":([0-9]+).*"errors":([0-9]+).*/\1 requests, \2 errors/')
  rss=""
  for q in $(descendants $pid); do
    grep -q "$pat" /proc/$q/cmdline 2>/dev/null && rss="$rss $q:$(awk '/VmRSS/ {print $2}' /proc/$q/status)kB"
  done
  echo "round $r: $n; environments' VmRSS:$rss"
done
