#!/bin/bash
# api_native_ab.sh BIN_A BIN_B [ROUNDS] [CONNS] [WORKLOADS] [nimbus args…] — A/B of two binaries on the
# native runtime's three hot paths, one daemon per binary (both up at once, --set lambda.isolate=0 as
# bench/workloads/apigw.sh runs it, account throttle raised), runs alternated A, B per workload:
#   invoke  POST Invoke of echo-native (bench/workloads/lambda.sh's request)
#   hello   GET /hello/{id} through an HTTP API (payload 2.0) → api_hello_native.c (fixed answer):
#           the gateway and the invoke without any handler work
#   users   GET /users/{id} → users_get_native.c → DynamoDB GetItem (bench/workloads/apigw.sh's route)
# WORKLOADS: a space-separated subset (default "invoke hello users"). Each run: 2 s warm-up, then DUR
# (default 5) s measured by cpu_per_req.py (CPU per request of the daemon, its function processes, wrk).
A=$1; B=$2; ROUNDS=${3:-3}; C=${4:-32}; WL=${5:-invoke hello users}; shift 5 2>/dev/null || shift $#
H=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_DIR=$H
out=$(mktemp -d /tmp/apiab-XXXX)
python3 "$H/lib/lambda_fn.py" build "$out/code" >/dev/null
cc -O2 -shared -fPIC -o "$out/hello.so" "$H/lib/api_hello_native.c" -I"$H/../include"
HDR="Content-Type: application/json|X-Amz-Date: 20260101T000000Z|Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
start() {  # BIN TAG → echo "PID PORT USERS_API HELLO_API"
  local p; p=$(port)
  "$1" up --listen 127.0.0.1:$p --data "$out/$2" --auth open --log-level warn --set lambda.proactive_init=0 \
    --set lambda.isolate=0 --set apigw.account_rate_limit=1000000 --set apigw.account_burst_limit=1000000 "${@:3}" \
    >"$out/$2.log" 2>&1 &
  local pid=$!
  for i in $(seq 100); do curl -s 127.0.0.1:$p/_nimbus/health >/dev/null && break; sleep 0.05; done
  python3 "$H/lib/ddb_bulk.py" http://127.0.0.1:$p Users 10000 8 >/dev/null
  local users; users=$(python3 "$H/lib/apigw_setup.py" http://127.0.0.1:$p "$out/$2-setup" "$H/peers/node_modules" native | awk '{print $3}')
  python3 - "http://127.0.0.1:$p" "$out/code" "$out/hello.so" <<'PY'
import io, sys, zipfile; sys.path.insert(0, __import__("os").environ["BENCH_DIR"] + "/lib")
import boto3, lambda_fn
ep, code, so = sys.argv[1:4]
lam = lambda_fn.client(ep)
lambda_fn.create(lam, "echo-native", "native", code)
lambda_fn.invoke_ms(ep, "echo-native")
z = io.BytesIO()
with zipfile.ZipFile(z, "w") as f:
    f.write(so, "handler.so")
arn = lam.create_function(FunctionName="hello-native", Runtime="nimbus.native", Handler="handler.so",
                          Code={"ZipFile": z.getvalue()}, Role="arn:aws:iam::000000000000:role/lambda",
                          Timeout=30, MemorySize=256)["FunctionArn"]
lam.get_waiter("function_active_v2").wait(FunctionName="hello-native", WaiterConfig={"Delay": 0.05, "MaxAttempts": 400})
gw = boto3.client("apigatewayv2", endpoint_url=ep, region_name="us-east-1", aws_access_key_id="test",
                  aws_secret_access_key="test")
api = gw.create_api(Name="hello", ProtocolType="HTTP")["ApiId"]
iid = gw.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=arn,
                            PayloadFormatVersion="2.0")["IntegrationId"]
gw.create_route(ApiId=api, RouteKey="GET /hello/{id}", Target="integrations/" + iid)
gw.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
print(api, file=open(code + "/../hello.id", "w"))
PY
  echo "$pid $p $users $(cat "$out/hello.id")"
}
read pa qa ua ha < <(start "$A" a "$@")
read pb qb ub hb < <(start "$B" b "$@")
run() {  # TAG PID PORT WORKLOAD USERS_API HELLO_API
  local base=http://127.0.0.1:$3 url t=2
  [ "$C" -lt 2 ] && t=1
  unset WRK_METHOD WRK_HEADERS WRK_BODY_TEMPLATE WRK_PATH_TEMPLATE
  case $4 in
    invoke) url=$base/2015-03-31/functions/echo-native/invocations
            export WRK_METHOD=POST WRK_HEADERS="$HDR" WRK_BODY_TEMPLATE='{"key":"k-{n}","value":"hello"}' ;;
    hello)  url=$base; export WRK_PATH_TEMPLATE="/_aws/execute-api/$6/hello/h-{n}" ;;
    users)  url=$base; export WRK_PATH_TEMPLATE="/_aws/execute-api/$5/users/user-{n}" WRK_KEYS=10000 ;;
  esac
  wrk -t$t -c$C -d2s --timeout 10s -s "$H/wrk/report.lua" "$url" >/dev/null 2>&1
  echo "== $4 $1 ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
  python3 "$H/lib/cpu_per_req.py" "$2" -- -t$t -c$C -d${DUR:-5}s --timeout 10s -s "$H/wrk/report.lua" "$url"
  echo "   environments: $(pgrep -P "$2" | wc -l)"
}
for r in $(seq "$ROUNDS"); do
  for w in $WL; do
    run "A $A" "$pa" "$qa" "$w" "$ua" "$ha"
    run "B $B" "$pb" "$qb" "$w" "$ub" "$hb"
  done
done
[ -n "$KEEP" ] && { echo "kept: A pid $pa port $qa users $ua hello $ha; B pid $pb port $qb users $ub hello $hb"; exit 0; }
kill "$pa" "$pb"; wait "$pa" "$pb" 2>/dev/null
rm -rf "$out"
