"""sigv4_presign.py HOST:PORT CREDENTIALS_JSON N OUT — write N DynamoDB GetItem
requests (random keys user-0..9999 of the Users table) signed with SigV4 by
botocore's SigV4Auth using the credentials in CREDENTIALS_JSON (nimbus's
DATA/credentials.json: AccessKeyId, SecretAccessKey), as raw HTTP/1.1 requests
separated by NUL bytes, for wrk (report.lua's WRK_REQUESTS_FILE). Signatures
stay valid for AWS's 15-minute clock-skew window, so a run replays them."""
import json, random, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def signed_getitems(hostport, creds, n):
    """n raw HTTP/1.1 GetItem requests, the i-th signed with creds[i % len(creds)]."""
    reqs = []
    for i in range(n):
        body = json.dumps({"TableName": "Users", "Key": {"id": {"S": "user-%d" % random.randrange(10000)}}})
        r = AWSRequest(method="POST", url="http://%s/" % hostport, data=body,
                       headers={"Content-Type": "application/x-amz-json-1.0",
                                "X-Amz-Target": "DynamoDB_20120810.GetItem"})
        SigV4Auth(creds[i % len(creds)], "dynamodb", "us-east-1").add_auth(r)
        lines = ["POST / HTTP/1.1", "Host: %s" % hostport]
        lines += ["%s: %s" % (k, v) for k, v in r.headers.items() if k.lower() != "host"]
        lines.append("Content-Length: %d" % len(body))
        reqs.append("\r\n".join(lines) + "\r\n\r\n" + body)
    return reqs


if __name__ == "__main__":
    hostport, cred_file, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    c = json.load(open(cred_file))
    with open(out, "w") as f:
        f.write("\0".join(signed_getitems(hostport, [Credentials(c["AccessKeyId"], c["SecretAccessKey"])], n)))
