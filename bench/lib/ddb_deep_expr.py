"""ddb_deep_expr.py ENDPOINT PID N — time and peak-RSS growth of one PutItem whose ConditionExpression nests N
parentheses, ((((a)))) = :v, against a nimbus at ENDPOINT (pid PID, started with --auth open)."""
import json, sys, time, urllib.request
ep, pid, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def call(op, body):
    req = urllib.request.Request(ep, data=json.dumps(body).encode(), headers={
        "X-Amz-Target": "DynamoDB_20120810." + op, "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20261129/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req) as r: return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e: return e.code, json.loads(e.read())
def rss():
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmHWM"): return int(l.split()[1]) // 1024
call("CreateTable", {"TableName": "deep", "BillingMode": "PAY_PER_REQUEST",
     "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
     "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]})
expr = "(" * n + "a" + ")" * n + " = :v"
before = rss(); t = time.time()
st, out = call("PutItem", {"TableName": "deep", "Item": {"k": {"S": "x"}}, "ConditionExpression": expr,
                           "ExpressionAttributeValues": {":v": {"S": "1"}}})
dt = time.time() - t
print("n=%d len=%d status=%d %.1f ms peak RSS %d -> %d MB : %s" % (n, len(expr), st, dt * 1000, before, rss(),
      out.get("message", "")[:90]))
