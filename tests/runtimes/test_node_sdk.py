"""test_node_sdk.py — the seed's users-get handler with a real aws-sdk v2 from
npm (installed by run.sh into NIMBUS_TEST_NODE_MODULES): its DocumentClient
request must reach AWS_ENDPOINT_URL without code changes.

The endpoint here is a recording HTTP server that answers GetItem with a fixed
item: the test is about where the bundled SDK sends its request (the hook),
not about DynamoDB, which nimbus's own end-to-end tests cover."""

import http.server
import json
import os
import shutil
import threading

from harness import Instance, REPO, test, eq, ok

SDK_MODULES = os.environ.get("NIMBUS_TEST_NODE_MODULES", "")


class Recorder:
    def __init__(self):
        self.requests = []
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                rec.requests.append((self.path, dict(self.headers), json.loads(body or b"{}")))
                out = json.dumps({"Item": {"id": {"S": "42"}, "name": {"S": "Ada"}}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def users_get_root(tmp):
    src = os.path.join(REPO, "examples", "functions", "users-get")
    root = os.path.join(tmp, "task")
    shutil.copytree(src, root)
    os.symlink(SDK_MODULES, os.path.join(root, "node_modules"))  # "bundled" by the function
    return root


API_EVENT = {"resource": "/users/{id}", "path": "/users/42", "httpMethod": "GET",
             "pathParameters": {"id": "42"}, "headers": {}, "body": None, "isBase64Encoded": False}


@test
def node_sdk_v2_users_get_reaches_endpoint():
    ok(SDK_MODULES and os.path.isdir(os.path.join(SDK_MODULES, "aws-sdk")), "aws-sdk v2 installed by run.sh")
    import tempfile
    tmp = tempfile.mkdtemp(prefix="nimbus-sdk-")
    rec = Recorder()
    try:
        with Instance("node", task_root=users_get_root(tmp), env={"AWS_ENDPOINT_URL": rec.url}) as i:
            r = i.invoke(API_EVENT, timeout=20)
            eq(r.kind, "response", "kind %r / %r" % (r, i.err))
            eq(r.json(), {"statusCode": 200, "body": json.dumps({"id": "42", "name": "Ada"}, separators=(",", ":"))}, "item")
            eq(len(rec.requests), 1, "one request")
            path, headers, body = rec.requests[0]
            eq(headers.get("X-Amz-Target"), "DynamoDB_20120810.GetItem", "operation")
            eq(body, {"TableName": "Users", "Key": {"id": {"S": "42"}}}, "request")
            ok("us-east-1/dynamodb/aws4_request" in headers.get("Authorization", ""), "signed for the region")
    finally:
        rec.close()
        shutil.rmtree(tmp)


@test
def node_sdk_v2_service_specific_and_explicit_endpoints():
    import tempfile
    tmp = tempfile.mkdtemp(prefix="nimbus-sdk-")
    rec = Recorder()
    try:
        root = os.path.join(tmp, "task")
        os.makedirs(root)
        os.symlink(SDK_MODULES, os.path.join(root, "node_modules"))
        with open(os.path.join(root, "index.mjs"), "w") as f:
            f.write("""
import AWS from 'aws-sdk';
import DynamoDB from 'aws-sdk/clients/dynamodb.js';
export const handler = async () => ({
  global: new AWS.S3().endpoint.href,
  ddb: new DynamoDB().endpoint.href,
  explicit: new AWS.SQS({ endpoint: 'http://127.0.0.1:1' }).endpoint.href,
  pathStyle: new AWS.S3().config.s3ForcePathStyle,
});
""")
        env = {"AWS_ENDPOINT_URL": rec.url, "AWS_ENDPOINT_URL_DYNAMODB": rec.url + "/ddb"}
        with Instance("node", task_root=root, handler="index.handler", env=env) as i:
            r = i.invoke({}, timeout=20)
            eq(r.kind, "response", "kind %r / %r" % (r, i.err))
            eq(r.json(), {"global": rec.url + "/", "ddb": rec.url + "/ddb", "explicit": "http://127.0.0.1:1/",
                          "pathStyle": True}, "endpoints")
    finally:
        rec.close()
        shutil.rmtree(tmp)


SDK_V3_MODULES = os.environ.get("NIMBUS_TEST_NODE_MODULES_V3", "")

V3_CJS = """
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, GetCommand } = require('@aws-sdk/lib-dynamodb');
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
exports.handler = async (event) => {
  const out = await doc.send(new GetCommand({ TableName: 'Users', Key: { id: event.pathParameters.id } }));
  return { statusCode: 200, body: JSON.stringify(out.Item) };
};
"""

V3_ESM = V3_CJS.replace("const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');",
                        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';").replace(
    "const { DynamoDBDocumentClient, GetCommand } = require('@aws-sdk/lib-dynamodb');",
    "import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';").replace(
    "exports.handler =", "export const handler =")


@test
def node_sdk_v3_unbundled_reaches_endpoint():
    # SDK v3 not bundled by the function: found in the shared directory
    # (NIMBUS_NODE_MODULES, /usr/local/lib/nimbus/node_modules by default), by
    # CommonJS and ES-module handlers; v3 reads AWS_ENDPOINT_URL by itself.
    ok(SDK_V3_MODULES and os.path.isdir(os.path.join(SDK_V3_MODULES, "@aws-sdk", "client-dynamodb")),
       "@aws-sdk v3 installed by run.sh")
    for name, files in (("cjs", {"index.js": V3_CJS}), ("esm", {"index.mjs": V3_ESM})):
        rec = Recorder()
        try:
            env = {"AWS_ENDPOINT_URL": rec.url, "NIMBUS_NODE_MODULES": SDK_V3_MODULES}
            with Instance("node", files, env=env) as i:
                r = i.invoke(API_EVENT, timeout=30)
                eq(r.kind, "response", "%s: %r / %r" % (name, r, i.err))
                eq(json.loads(r.json()["body"]), {"id": "42", "name": "Ada"}, name)
                eq([{k.lower(): v for k, v in h.items()}.get("x-amz-target") for _, h, _ in rec.requests],
                   ["DynamoDB_20120810.GetItem"], name)
        finally:
            rec.close()
