"""lambdatest.py — shared pieces of the Lambda end-to-end tests.

The test function is a provided.al2 custom runtime: a POSIX shell `bootstrap`
that speaks the Runtime API with curl, so these tests need neither the Node.js
nor the Python runtime. What it does is chosen by the event's "op":
  echo (default)  → {"echo": EVENT, "n": invocations served by this instance}
  env             → selected environment variables
  fail            → posts {"errorMessage":"boom","errorType":"MyError"} to /error
  crash           → exits with status 3
  sleep           → sleeps 30 s (timeouts)
  slow            → sleeps 1 s then answers (concurrency)
  layer           → the content of lib/hello.txt from its layers (/opt)
  huge            → answers with a 6.3 MB string (over the 6 MB response limit)
  linger          → answers, then works on for 10 s before asking for the next event
  mark            → touches $MARKER_DIR/<id> then answers (async delivery)
  failmark        → touches $MARKER_DIR/<id>.<n> then fails (async retries)
INIT_FAIL=1 in the environment makes init post to /runtime/init/error and exit.
"""
import os

from harness import wait_for, zip_bytes  # noqa: F401 — helpers these tests import from here

BOOTSTRAP = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
if [ -n "${INIT_FAIL:-}" ]; then
  curl -sS -X POST "$API/init/error" -H 'Lambda-Runtime-Function-Error-Type: Runtime.InitError' \
       -d '{"errorMessage":"init failed on purpose","errorType":"InitFailed","stackTrace":[]}' >/dev/null
  exit 1
fi
echo "init done"
N=0
H=$(mktemp)
while true; do
  EV=$(curl -sS -D "$H" "$API/invocation/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  ARN=$(grep -i '^Lambda-Runtime-Invoked-Function-Arn:' "$H" | tr -d '\r' | awk '{print $2}')
  DL=$(grep -i '^Lambda-Runtime-Deadline-Ms:' "$H" | tr -d '\r' | awk '{print $2}')
  N=$((N+1))
  echo "handling $ID"
  case "$EV" in
    *'"op": "crash"'*|*'"op":"crash"'*) echo "crashing"; exit 3 ;;
    *'"op": "sleep"'*|*'"op":"sleep"'*) sleep 30 ;;
    *'"op": "fail"'*|*'"op":"fail"'*)
      curl -sS -X POST "$API/invocation/$ID/error" -H 'Lambda-Runtime-Function-Error-Type: MyError' \
           -d '{"errorMessage":"boom","errorType":"MyError","stackTrace":[]}' >/dev/null
      continue ;;
    *'"op": "failmark"'*|*'"op":"failmark"'*)
      touch "$MARKER_DIR/fail.$ID.$N"
      curl -sS -X POST "$API/invocation/$ID/error" -d '{"errorMessage":"again","errorType":"Retry"}' >/dev/null
      continue ;;
    *'"op": "env"'*|*'"op":"env"'*)
      R="{\"fn\":\"$AWS_LAMBDA_FUNCTION_NAME\",\"ver\":\"$AWS_LAMBDA_FUNCTION_VERSION\",\"mem\":\"$AWS_LAMBDA_FUNCTION_MEMORY_SIZE\",\"init\":\"$AWS_LAMBDA_INITIALIZATION_TYPE\",\"handler\":\"$_HANDLER\",\"greeting\":\"${GREETING:-}\",\"group\":\"$AWS_LAMBDA_LOG_GROUP_NAME\",\"stream\":\"$AWS_LAMBDA_LOG_STREAM_NAME\",\"region\":\"$AWS_REGION\",\"tz\":\"$TZ\",\"arn\":\"$ARN\",\"deadline\":\"$DL\",\"endpoint\":\"${AWS_ENDPOINT_URL:-}\"}" ;;
    *'"op": "layer"'*|*'"op":"layer"'*)
      R='{"layer":null}'
      for d in /opt $(echo "$PATH" | tr ':' '\n' | sed -n 's|/bin$||p'); do
        if [ -f "$d/lib/hello.txt" ]; then R="{\"layer\":\"$(cat "$d/lib/hello.txt")\"}"; break; fi
      done ;;
    *'"op": "huge"'*|*'"op":"huge"'*)
      { printf '"'; head -c 6300000 /dev/zero | tr '\000' a; printf '"'; } > /tmp/huge.json
      CODE=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/invocation/$ID/response" --data-binary @/tmp/huge.json)
      echo "huge response answered $CODE"
      continue ;;
    *'"op": "linger"'*|*'"op":"linger"'*)
      curl -sS -X POST "$API/invocation/$ID/response" -d "{\"lingered\":true,\"n\":$N}" >/dev/null
      sleep 10
      continue ;;
    *'"op": "slow"'*|*'"op":"slow"'*) sleep 1; R='{"slow":true}' ;;
    *'"op": "mark"'*|*'"op":"mark"'*) echo "$EV" > "$MARKER_DIR/.tmp.$ID"; mv "$MARKER_DIR/.tmp.$ID" "$MARKER_DIR/ok.$ID"; R='{"marked":true}' ;;
    *) R="{\"echo\":$EV,\"n\":$N}" ;;
  esac
  curl -sS -X POST "$API/invocation/$ID/response" -d "$R" >/dev/null
done
'''

ROLE = "arn:aws:iam::000000000000:role/lambda-role"




def bootstrap_zip(extra=None):
    files = {"bootstrap": (BOOTSTRAP, 0o755)}
    files.update(extra or {})
    return zip_bytes(files)


def create(client, name, env=None, timeout=30, memory=128, **kw):
    args = dict(FunctionName=name, Runtime="provided.al2", Handler="function.handler", Role=ROLE,
                Code={"ZipFile": bootstrap_zip()}, Timeout=timeout, MemorySize=memory)
    if env:
        args["Environment"] = {"Variables": env}
    args.update(kw)
    return client.create_function(**args)


def parse_report(log):
    """The REPORT line's fields as a dict {"Duration": "1.23 ms", ...}."""
    for line in log.splitlines():
        if line.startswith("REPORT RequestId: "):
            fields = line.split("\t")
            out = {"RequestId": fields[0].split(": ", 1)[1]}
            for f in fields[1:]:
                if f:
                    k, v = f.split(": ", 1)
                    out[k] = v
            return out
    return None


