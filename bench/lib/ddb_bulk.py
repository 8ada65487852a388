"""ddb_bulk.py ENDPOINT TABLE N [THREADS] — create TABLE (hash key id) and load N
items of ~1 KB (id "user-<i>") with BatchWriteItem (25 items) from THREADS
threads over kept-alive raw HTTP connections (no SDK overhead; works against
nimbus --auth open and dynalite). Prints: RESULT <seconds> <items/s>."""
import http.client, json, sys, threading, time, urllib.parse

ep, table, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 8
u = urllib.parse.urlparse(ep)
HDR = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20260101T000000Z",
       "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64}
PAD = "x" * 900


def call(c, op, body):
    c.request("POST", "/", body=json.dumps(body), headers=dict(HDR, **{"X-Amz-Target": "DynamoDB_20120810." + op}))
    r = c.getresponse()
    data = r.read()
    if r.status != 200:
        raise RuntimeError("%s: %d %s" % (op, r.status, data[:300]))
    return json.loads(data)


c0 = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
call(c0, "CreateTable", {"TableName": table, "BillingMode": "PAY_PER_REQUEST",
                         "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                         "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]})
while call(c0, "DescribeTable", {"TableName": table})["Table"]["TableStatus"] != "ACTIVE":
    time.sleep(0.05)
errors = []


def worker(k):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    try:
        for start in range(k * 25, n, threads * 25):
            items = [{"PutRequest": {"Item": {"id": {"S": "user-%d" % i}, "name": {"S": "User %d" % i},
                                              "email": {"S": "u%d@example.com" % i}, "bio": {"S": PAD}}}}
                     for i in range(start, min(start + 25, n))]
            req = {table: items}
            while req:
                req = call(c, "BatchWriteItem", {"RequestItems": req}).get("UnprocessedItems") or None
    except Exception as e:  # reported by the main thread
        errors.append(e)


t0 = time.perf_counter()
ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
dt = time.perf_counter() - t0
if errors:
    raise SystemExit("load failed: %s" % errors[0])
print("RESULT %.2f %.0f" % (dt, n / dt))
