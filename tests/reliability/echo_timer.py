"""echo_timer.py — times Invokes of an echo function from a process of its own, with a light client.

test_function_faults.py measures another function's latency while faults run. Timed from
the test's own process with boto3, the figure was mostly the client: boto3 spends about
1 ms of CPU per Invoke, which grows when the faults load the CPU, and the timer shared
one interpreter lock with the fault threads (which decode 10 MB answers). This process
sends the Lambda Invoke API request itself (POST /2015-03-31/functions/NAME/invocations,
SigV4-signed by botocore's signer) over one keep-alive connection, so what it times is
nimbus and the function. Each line on stdin ("TAG N") makes it invoke FUNCTION N times
with {"tag": TAG, "i": i}, check every answer is {"echo": event} with status 200 and no
X-Amz-Function-Error, and print one JSON line: {"tag", "latencies"} (seconds) or
{"tag", "error"}. Endpoint and credentials come from the environment (AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)."""
import http.client
import json
import os
import sys
import time
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main(function):
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
    signer = SigV4Auth(creds, "lambda", "us-east-1")
    url = "%s/2015-03-31/functions/%s/invocations" % (endpoint, function)
    u = urllib.parse.urlsplit(endpoint)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    for line in sys.stdin:
        tag, n = line.split()
        out = {"tag": tag, "latencies": []}
        for i in range(int(n)):
            ev = {"tag": tag, "i": i}
            body = json.dumps(ev).encode()
            t0 = time.monotonic()
            req = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
            signer.add_auth(req)
            conn.request("POST", urllib.parse.urlsplit(url).path, body=body, headers=dict(req.headers.items()))
            r = conn.getresponse()
            answer = r.read()
            out["latencies"].append(time.monotonic() - t0)
            if r.status != 200 or r.getheader("X-Amz-Function-Error") or json.loads(answer) != {"echo": ev}:
                out = {"tag": tag, "error": "answer %d: %d %r %r" % (i, r.status, r.getheader("X-Amz-Function-Error"),
                                                                     answer[:200])}
                break
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
