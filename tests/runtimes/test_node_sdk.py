"""test_node_sdk.py — the seed's users-get handler with a real aws-sdk v2 from
npm (installed by run.sh into NIMBUS_TEST_NODE_MODULES): its DocumentClient
request must reach AWS_ENDPOINT_URL without code changes.

The endpoint here is a recording HTTP server that answers GetItem with a fixed
item: the test is about where the bundled SDK sends its request (the hook),
not about DynamoDB, which nimbus's own end-to-end tests cover."""

import http.server
import socket
import time
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


def sdk_task_root(tmp, filename, source):
    """A task root in tmp with the SDK "bundled" (node_modules linked) and one source file."""
    root = os.path.join(tmp, "task")
    os.makedirs(root)
    os.symlink(SDK_MODULES, os.path.join(root, "node_modules"))
    with open(os.path.join(root, filename), "w") as f:
        f.write(source)
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
        root = sdk_task_root(tmp, "index.mjs", """
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


class RawServer:
    """An HTTP/1.1 endpoint written on raw sockets, to answer the SDK v2's calls
    (runtimes/nodejs/sdk_v2_http.js) the ways a server may: the table name in
    each request says how. "chunked": a chunked body with a trailer; "repeat":
    repeated header fields; "drop": the first time on a reused connection, the
    request is read and the connection closed without an answer; "hang": no
    answer at all. A HEAD gets a Content-Length and no body. Records
    (connection number, table or "HEAD") per request."""

    def __init__(self):
        self.requests = []
        self.dropped = False
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.conns = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns += 1
            threading.Thread(target=self.serve, args=(c, self.conns), daemon=True).start()

    def serve(self, c, n):
        f = c.makefile("rb")
        served = 0
        try:
            while True:
                line = f.readline()
                if not line:
                    return
                length = 0
                while True:
                    h = f.readline()
                    if h in (b"\r\n", b""):
                        break
                    if h.lower().startswith(b"content-length:"):
                        length = int(h.split(b":")[1])
                if line.startswith(b"HEAD "):   # S3 HeadObject: a length, no body
                    self.requests.append((n, "HEAD"))
                    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 12345\r\nETag: \"e\"\r\n\r\n")
                    continue
                table = json.loads(f.read(length) or b"{}").get("TableName")
                self.requests.append((n, table))
                if table == "hang":
                    time.sleep(5)
                    return
                if table == "drop" and served > 0 and not self.dropped:
                    self.dropped = True
                    return
                served += 1
                item = json.dumps({"Item": {"id": {"S": table}}}).encode()
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
                if table == "chunked":
                    body = b"".join(b"%x\r\n%s\r\n" % (len(item[i:i + 7]), item[i:i + 7]) for i in range(0, len(item), 7))
                    c.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n" + body + b"0\r\nX-Trailer: t\r\n\r\n")
                else:
                    extra = b"X-Rep: a\r\nX-Rep: b\r\nSet-Cookie: c=1\r\nSet-Cookie: d=2\r\n" if table == "repeat" else b""
                    c.sendall(head + extra + b"Content-Length: %d\r\n\r\n" % len(item) + item)
        finally:
            c.close()

    def close(self):
        self.sock.close()


RAW_PROBE = """
const AWS = require('aws-sdk');
const ddb = new AWS.DynamoDB({ maxRetries: 0 });
const get = (TableName, extra) => ddb.getItem({ TableName, Key: { id: { S: 'x' } } }).promise()
  .then((r) => r.Item.id.S, (e) => e.code + ': ' + e.message);
exports.handler = async () => {
  const out = {};
  out.chunked = await get('chunked');
  const req = ddb.getItem({ TableName: 'repeat', Key: { id: { S: 'x' } } });
  req.on('httpHeaders', (s, h) => { out.headers = [h['x-rep'], h['set-cookie']]; });
  await req.promise();
  out.plain = await get('plain');
  out.head = (await new AWS.S3({ maxRetries: 0 }).headObject({ Bucket: 'b', Key: 'k' }).promise()).ContentLength;
  out.drop = await get('drop');          // the reused connection closes unanswered: sent again once
  out.after = await get('plain');
  const slow = new AWS.DynamoDB({ maxRetries: 0, httpOptions: { timeout: 300 } });
  out.hang = await slow.getItem({ TableName: 'hang', Key: { id: { S: 'x' } } }).promise()
    .then(() => 'answered', (e) => e.code + ': ' + e.message);
  return out;
};
"""


@test
def node_sdk_v2_runtime_http_client_framing_reuse_and_timeouts():
    # The v2 SDK's calls to the endpoint of AWS_ENDPOINT_URL go through the
    # runtime's own HTTP client: chunked bodies, repeated header fields as
    # Node's http gives them, one kept-alive connection, a reused connection
    # closed unanswered sent again once, httpOptions.timeout as a TimeoutError.
    import tempfile
    tmp = tempfile.mkdtemp(prefix="nimbus-sdk-")
    srv = RawServer()
    try:
        root = sdk_task_root(tmp, "index.js", RAW_PROBE)
        with Instance("node", task_root=root, env={"AWS_ENDPOINT_URL": srv.url}) as i:
            r = i.invoke({}, timeout=30)
            eq(r.kind, "response", "kind %r / %r" % (r, i.err))
            eq(r.json(), {"chunked": "chunked", "headers": ["a, b", ["c=1", "d=2"]], "plain": "plain",
                          "head": 12345, "drop": "drop", "after": "plain",
                          "hang": "TimeoutError: Connection timed out after 300ms"}, "answers")
            eq([t for _, t in srv.requests], ["chunked", "repeat", "plain", "HEAD", "drop", "drop", "plain",
                                                "hang"], "requests")
            conns = [n for n, _ in srv.requests]
            eq(conns[:5], [1, 1, 1, 1, 1], "one connection until the drop (HEAD's answer has no body)")
            eq(conns[5], 2, "the dropped request sent again on a new connection")
            eq(conns[6], 2, "which is kept")
    finally:
        srv.close()
        shutil.rmtree(tmp)
