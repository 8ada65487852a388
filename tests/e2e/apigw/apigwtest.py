"""apigwtest.py — shared pieces of the API Gateway end-to-end tests.

The functions behind the APIs are provided.al2 custom runtimes: a POSIX shell
`bootstrap` speaking the Runtime API with curl (and jq to build JSON), so no
language runtime is needed. Its behaviour is chosen by the MODE variable:
  echo     → proxy answer {statusCode:200, headers, multiValueHeaders, body: EVENT}
  plain    → {"hello":"world"} (a 2.0 handler's plain JSON)
  garbage  → "not a proxy answer" (malformed for payload 1.0)
  fail     → an unhandled function error
  sleep    → sleeps 5 s (integration timeouts)
  status   → {statusCode: 201, cookies, isBase64Encoded body "aGk=" ("hi")}
  auth     → Lambda authorizer: allow when the token/header is "allow", with context
  raw      → the event itself (non-proxy AWS integrations)
  failmsg  → a function error whose errorMessage is the event's "msg" (selectionPattern checks)
  answer   → the text of $ANSWER, as it is (a chosen proxy answer)
  wslog    → writes "EVENT {event}" to its log (WebSocket $connect / $disconnect events, read
             back with group_lines) and answers {statusCode: ?status= of a $connect, else 200}; ?exc= fails, ?sleep=S first sleeps
  users    → the seed's handler: GET /users/{id} → DynamoDB GetItem on $TABLE (curl --aws-sigv4
             against $ENDPOINT) → the item as JSON
"""
import http.client as httpc
import http.server as httpsrv
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import BINARY, NimbusTestCase, zip_bytes  # noqa: E402,F401

BOOTSTRAP = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
H=$(mktemp)
while true; do
  EV=$(curl -sS -D "$H" "$API/invocation/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  case "$MODE" in
    echo) R=$(printf '%s' "$EV" | jq -c '{statusCode:200, headers:{"content-type":"application/json","x-fn":"echo"}, multiValueHeaders:{"x-multi":["a","b"]}, body:(.|tojson)}') ;;
    plain) R='{"hello":"world"}' ;;
    garbage) R='"not a proxy answer"' ;;
    status) R='{"statusCode":201,"headers":{"x-num":7},"cookies":["c1=v1","c2=v2"],"body":"aGk=","isBase64Encoded":true}' ;;
    raw) R="$EV" ;;
    answer) R="$ANSWER" ;;
    wslog)
      printf 'EVENT %s\n' "$EV" >&2
      SL=$(printf '%s' "$EV" | jq -r '.queryStringParameters.sleep // empty')
      [ -n "$SL" ] && sleep "$SL"
      if printf '%s' "$EV" | jq -e '.queryStringParameters.exc' >/dev/null; then
        curl -sS -X POST "$API/invocation/$ID/error" -d '{"errorMessage":"boom","errorType":"Error"}' >/dev/null
        continue
      fi
      ST=$(printf '%s' "$EV" | jq -r '.queryStringParameters.status // 200')
      R="{\"statusCode\":$ST}" ;;
    users)
      USER_ID=$(printf '%s' "$EV" | jq -r '.pathParameters.id')
      KEY=$(jq -cn --arg id "$USER_ID" '{id:{S:$id}}')
      ITEM=$(curl -sS --aws-sigv4 "aws:amz:${AWS_REGION:-us-east-1}:dynamodb" \
             --user "${AWS_ACCESS_KEY_ID:-test}:${AWS_SECRET_ACCESS_KEY:-test}" \
             ${AWS_SESSION_TOKEN:+-H "X-Amz-Security-Token: $AWS_SESSION_TOKEN"} \
             -H 'X-Amz-Target: DynamoDB_20120810.GetItem' -H 'Content-Type: application/x-amz-json-1.0' \
             -d "{\"TableName\":\"$TABLE\",\"Key\":$KEY}" "$ENDPOINT/")
      if [ -n "$ITEM" ] && printf '%s' "$ITEM" | jq -e '.Item' >/dev/null; then
        R=$(printf '%s' "$ITEM" | jq -c '{statusCode:200, headers:{"content-type":"application/json"}, body:(.Item | map_values(.S // .N) | tojson)}')
      else
        R='{"statusCode":404,"body":"{\"message\":\"user not found\"}"}'
      fi ;;
    sleep) sleep "${SLEEP_S:-5}"; R='{}' ;;
    failmsg)
      printf '%s' "$EV" | jq -c '{errorMessage: .msg, errorType: "MyError", stackTrace: []}' |
        curl -sS -X POST "$API/invocation/$ID/error" -H 'Lambda-Runtime-Function-Error-Type: MyError' -d @- >/dev/null
      continue ;;
    fail)
      curl -sS -X POST "$API/invocation/$ID/error" -H 'Lambda-Runtime-Function-Error-Type: MyError' \
           -d '{"errorMessage":"boom","errorType":"MyError","stackTrace":[]}' >/dev/null
      continue ;;
    auth)
      TOK=$(printf '%s' "$EV" | jq -r '.authorizationToken // .headers.authorization // .headers.Authorization // .identitySource[0] // ""')
      ARN=$(printf '%s' "$EV" | jq -r '.methodArn // .routeArn // "*"')
      if [ "$TOK" = "allow" ]; then EFF=Allow; OK=true; else EFF=Deny; OK=false; fi
      if [ "$TOK" = "unauthorized" ]; then
        curl -sS -X POST "$API/invocation/$ID/error" -d '{"errorMessage":"Unauthorized","errorType":"Error"}' >/dev/null
        continue
      fi
      if [ -n "$SIMPLE" ]; then
        R="{\"isAuthorized\":$OK,\"context\":{\"user\":\"u1\",\"n\":$(date +%s%N)}}"
      else
        R="{\"principalId\":\"user-1\",\"policyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"$EFF\",\"Resource\":\"$ARN\"}]},\"context\":{\"user\":\"u1\",\"n\":\"$(date +%s%N)\"}}"
      fi ;;
    *) R='{}' ;;
  esac
  curl -sS -X POST "$API/invocation/$ID/response" -d "$R" >/dev/null
done
'''

ROLE = "arn:aws:iam::000000000000:role/lambda-role"




def create_function(lam, name, mode, timeout=10, env=None):
    """A provided.al2 function behaving as MODE; returns its ARN."""
    variables = {"MODE": mode}
    variables.update(env or {})
    out = lam.create_function(FunctionName=name, Runtime="provided.al2", Handler="x", Role=ROLE,
                              Code={"ZipFile": zip_bytes({"bootstrap": (BOOTSTRAP, 0o755)})},
                              Timeout=timeout, Environment={"Variables": variables})
    return out["FunctionArn"]


def lambda_uri(fn_arn):
    return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/%s/invocations" % fn_arn


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]


def http(method, url, body=None, headers=None, timeout=30):
    """One HTTP request (no redirects, errors are answers too)."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Response(r.status, r.getheaders(), r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers.items(), e.read())


def invoke_url(endpoint, api_id, stage, path):
    """The /_aws/execute-api/ form of an invocation URL."""
    stage_part = "" if stage == "$default" else "/" + stage
    return "%s/_aws/execute-api/%s%s%s" % (endpoint, api_id, stage_part, path)


def group_lines(nimbus, group, want=0, timeout=10.0):
    """(stream, message) of every event of log group `group`, read with
    `nimbus logs --group`; waits (bounded) until there are at least `want`
    (lines reach the store within a flush tick)."""
    deadline = time.time() + timeout
    while True:
        p = subprocess.run([BINARY, "logs", "--group", group, "--since", "10m", "--data", nimbus.data_dir],
                           capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            raise AssertionError("nimbus logs --group failed: %s" % p.stderr)
        out = []
        for line in p.stdout.splitlines():
            ts, stream, msg = line.split(" ", 2)
            assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", ts), line
            out.append((stream, msg))
        if len(out) >= want or time.time() > deadline:
            return out
        time.sleep(0.1)


def raw_request(endpoint, method, path, headers, body=b""):
    """One request with headers as a list of (name, value), names spelled as given:
    repeats allowed, Host as given. Returns (status, headers, body)."""
    u = urllib.parse.urlsplit(endpoint)
    c = httpc.HTTPConnection(u.hostname, u.port, timeout=30)
    c.putrequest(method, path, skip_accept_encoding=True, skip_host=any(k.lower() == "host" for k, _ in headers))
    for k, v in headers:
        c.putheader(k, v)
    if body:
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body or None)
    r = c.getresponse()
    out = (r.status, r.getheaders(), r.read())
    c.close()
    return out


def hget(headers, name):
    """The first value of header name (any case) in a list of pairs, or None."""
    vals = [v for k, v in headers if k.lower() == name.lower()]
    return vals[0] if vals else None


def send_json(handler, code, obj, headers=()):
    """Answer a BaseHTTPRequestHandler's request with status code and obj as JSON,
    after the (name, value) pairs of headers."""
    out = json.dumps(obj).encode()
    handler.send_response(code)
    for k, v in headers:
        handler.send_header(k, v)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(out)))
    handler.end_headers()
    handler.wfile.write(out)


def start_backend(cls, handler):
    """An HTTP server on a free loopback port answering with handler (a
    BaseHTTPRequestHandler class), stopped when the test class is done."""
    server = httpsrv.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    cls.addClassCleanup(server.server_close)
    cls.addClassCleanup(server.shutdown)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
