# peers.sh — start/stop the npm peers used by several workloads.
# sls_start HTTP_PORT LAMBDA_PORT [DDB_ENDPOINT] → sets SLS_PID; serverless-offline
# (serverless@3 + serverless-offline@13) in bench/peers/sls-app.
# Node 20.19+ loads ES modules through require(); serverless@3 then mistakes
# serverless-offline's module namespace for its plugin class, hence
# --no-experimental-require-module.
sls_start() {
  local http=$1 lport=$2 ddb=${3:-http://127.0.0.1:1}
  cp "$ROOT/examples/functions/users-get/index.js" "$BENCH_DIR/peers/sls-app/users-get.js"
  (cd "$BENCH_DIR/peers/sls-app" && SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off SLS_DEPRECATION_DISABLE='*' \
    DDB_ENDPOINT=$ddb exec node --no-experimental-require-module ../node_modules/serverless/bin/serverless.js \
    offline start --httpPort "$http" --lambdaPort "$lport" --host 127.0.0.1 >"$RAW/sls.log" 2>&1) & SLS_PID=$!
  wait_port "$lport" 120 && wait_port "$http" 30
}
sls_stop() { kill_tree "$SLS_PID"; }

# dynalite_start PORT → sets DYN_PID (in-memory, its default)
dynalite_start() {
  node "$BENCH_DIR/peers/node_modules/dynalite/cli.js" --port "$1" >/dev/null 2>&1 & DYN_PID=$!
  wait_port "$1"
}

# nimbus_start PORT DATA [args...] → sets NIM_PID: a fresh DATA, --auth open
nimbus_start() {
  local port=$1 data=$2; shift 2
  rm -rf "$data"; : >"$data.log"
  nimbus_up "$port" "$data" --auth open "$@"
}
# nimbus_up PORT DATA [args...] → sets NIM_PID: on DATA as it is (enforcing unless args say otherwise)
nimbus_up() {
  local port=$1 data=$2; shift 2
  "$NIMBUS" up --listen 127.0.0.1:$port --data "$data" --log-level warn "$@" >>"$data.log" 2>&1 & NIM_PID=$!
  wait_port "$port"
}

kill_tree() {  # PID: the process and its descendants
  local p=$1 c
  for c in $(pgrep -P "$p" 2>/dev/null); do kill_tree "$c"; done
  kill "$p" 2>/dev/null || true   # it may have exited already (set -e)
  wait "$p" 2>/dev/null || true
}

# envs_ready_ms URL [T0]: wait (up to 20 s) until nimbus's Lambda reports at least one environment and
# none still initializing (GET /_nimbus/health: "instances", "initializing"); prints the ms since T0
# (seconds since the epoch, default: now). Fails when it does not happen.
envs_ready_ms() {
  python3 - "$1" "${2:-}" <<'PY'
import json, sys, time, urllib.request
t0 = float(sys.argv[2]) if sys.argv[2] else time.time()
end = time.time() + 20
while time.time() < end:
    try:
        h = json.load(urllib.request.urlopen(sys.argv[1] + "/_nimbus/health", timeout=5))
        lam = next(s for s in h["services"] if s["name"] == "lambda")
        if lam["instances"] >= 1 and lam["initializing"] == 0:
            print("%.2f" % ((time.time() - t0) * 1000)); sys.exit(0)
    except OSError:
        pass
    time.sleep(0.005)
sys.exit(1)
PY
}

# first_request_ms URL: latency of one GET on a fresh connection
first_request_ms() {
  python3 - "$1" <<'PY'
import http.client, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=120); c.connect()
t0 = time.perf_counter(); c.request("GET", u.path); r = c.getresponse(); r.read()
print("%.2f" % ((time.perf_counter() - t0) * 1000)); sys.exit(0 if r.status == 200 else 1)
PY
}
