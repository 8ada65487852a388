#!/bin/bash
# sdk_v2_client_ab.sh [BIN] [CONC] [PHASES] — starts BIN (default build/nimbus) with the Users table
# of ddb_load.py and runs sdk_v2_client_ab.js: DocumentClient.get through the Node.js runtime's own
# HTTP client against Node's http module, alternated in one process (docs/PERFORMANCE.md, "Issue 6's
# Node.js route").
H=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$H/../build/nimbus}; C=${2:-1}; P=${3:-23}
out=$(mktemp -d /tmp/sdkclientab-XXXX)
p=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$BIN" up --listen 127.0.0.1:$p --data "$out/d" --auth open --log-level warn >"$out/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$out"' EXIT
for i in $(seq 100); do curl -s 127.0.0.1:$p/_nimbus/health >/dev/null && break; sleep 0.05; done
python3 "$H/lib/ddb_load.py" http://127.0.0.1:$p 100 0 >/dev/null
AWS_ENDPOINT_URL=http://127.0.0.1:$p NODE_PATH="$H/peers/node_modules" AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1 \
  node "$H/lib/sdk_v2_client_ab.js" "$P" 1000 "$C"
