"""The seed article's handler, unchanged: API Gateway-shaped event → Node.js
function with the AWS SDK v2 it bundles → nimbus's DynamoDB. The SDK is the one
tests/e2e/package.json installs (npm ci), linked into the package as
node_modules, so these instances run without the sandbox's private file system."""
import base64
import io
import json
import os
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, NimbusTestCase  # noqa: E402
from lambdatest import ROLE  # noqa: E402

SEED = open(os.path.join(ROOT, "examples", "functions", "users-get", "index.js")).read()
NODE_MODULES = os.path.join(ROOT, "tests", "e2e", "node_modules")


# Two DocumentClient calls in one invoke; the local port of each call's
# connection tells whether the second reused the first's.
PORTS_PROBE = """
const AWS = require('aws-sdk');
const doc = new AWS.DynamoDB.DocumentClient();
async function port() {
  const req = doc.get({ TableName: 'Users', Key: { id: '42' } });
  let p;
  req.on('httpHeaders', (status, headers, resp) => { p = resp.httpResponse.stream.socket.localPort; });
  const out = await req.promise();
  return { port: p, name: out.Item.name };
}
exports.handler = async () => ({ first: await port(), second: await port() });
"""


# The bundled v2 SDK's calls to nimbus go through the runtime's own HTTP client
# (runtimes/nodejs/sdk_v2_http.js): what the SDK and its users see of them.
SDK_HTTP_PROBE = """
const AWS = require('aws-sdk');
const doc = new AWS.DynamoDB.DocumentClient();
const lambda = new AWS.Lambda();
const code = (p) => p.then(() => 'ok', (e) => e.code + ':' + e.statusCode);
exports.handler = async () => {
  const out = {};
  await doc.put({ TableName: 'Users', Item: { id: 'p1', name: 'Grace' } }).promise();
  out.cond = await code(doc.put({ TableName: 'Users', Item: { id: 'p1' },
                                  ConditionExpression: 'attribute_not_exists(id)' }).promise());
  out.noTable = await code(doc.get({ TableName: 'Nope', Key: { id: 'p1' } }).promise());
  const many = await Promise.all(Array.from({ length: 20 }, () => doc.get({ TableName: 'Users', Key: { id: 'p1' } }).promise()));
  out.many = many.filter((r) => r.Item && r.Item.name === 'Grace').length;
  let progress = 0;
  await doc.put({ TableName: 'Users', Item: { id: 'big', bio: 'b'.repeat(300000) } })
    .on('httpUploadProgress', (p) => { progress = p.loaded; }).promise();
  out.progress = progress > 300000;
  out.get = (await doc.get({ TableName: 'Users', Key: { id: 'big' } }).promise()).Item.bio.length;
  out.stream = await new Promise((resolve, reject) => {
    const parts = [];
    doc.get({ TableName: 'Users', Key: { id: 'big' } }).createReadStream()
      .on('data', (d) => parts.push(d)).on('end', () => resolve(JSON.parse(Buffer.concat(parts)).Item.bio.S.length))
      .on('error', reject);
  });
  out.denied = await code(lambda.listFunctions().promise());   // the role allows no Lambda action
  out.after = (await doc.get({ TableName: 'Users', Key: { id: 'p1' } }).promise()).Item.name;
  return out;
};
"""


def seed_zip(source=SEED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("index.js")
        info.external_attr = 0o100644 << 16
        z.writestr(info, source)
        link = zipfile.ZipInfo("node_modules")
        link.external_attr = 0o120777 << 16
        z.writestr(link, NODE_MODULES)
    return buf.getvalue()


def api_gateway_event(user_id):
    return {
        "resource": "/users/{id}", "path": "/users/%s" % user_id, "httpMethod": "GET",
        "headers": {"Accept": "application/json"}, "multiValueHeaders": {"Accept": ["application/json"]},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": {"id": user_id}, "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"accountId": "000000000000", "apiId": "abc123", "httpMethod": "GET",
                           "path": "/prod/users/%s" % user_id, "protocol": "HTTP/1.1", "requestId": "r-1",
                           "resourceId": "res", "resourcePath": "/users/{id}", "stage": "prod",
                           "identity": {"sourceIp": "127.0.0.1", "userAgent": "test"}},
    }


class SeedHandler(NimbusTestCase):
    nimbus_args = ("--set", "lambda.isolate=0")

    def users_table(self):
        """Users with item 42, created by whichever test of the class runs first."""
        ddb = self.nimbus.client("dynamodb")
        try:
            ddb.create_table(TableName="Users", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")
        except ddb.exceptions.ResourceInUseException:
            pass
        ddb.put_item(TableName="Users", Item={"id": {"S": "42"}, "name": {"S": "Ada"}})

    def test_users_get_reads_dynamodb(self):
        self.assertTrue(os.path.isdir(os.path.join(NODE_MODULES, "aws-sdk")),
                        "run `npm ci` in tests/e2e (make deps does) to install the AWS SDK v2")
        self.users_table()
        lam = self.nimbus.client("lambda")
        lam.create_function(FunctionName="users-get", Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                            Code={"ZipFile": seed_zip()}, Timeout=30)
        r = lam.invoke(FunctionName="users-get", Payload=json.dumps(api_gateway_event("42")).encode())
        out = json.loads(r["Payload"].read())
        self.assertNotIn("FunctionError", r, out)
        self.assertEqual(out["statusCode"], 200)
        self.assertEqual(json.loads(out["body"]), {"id": "42", "name": "Ada"})

    def test_sdk_v2_keeps_its_connection_and_logs_no_warnings(self):
        """The bundled v2 SDK reaches nimbus over one kept-alive connection (v2 alone opens one per
        call), its loading adds nothing to the function's log, and an explicit
        AWS_NODEJS_CONNECTION_REUSE_ENABLED=0 still gets a connection per call."""
        self.users_table()
        lam = self.nimbus.client("lambda")
        for name, env in (("ports", {}), ("ports-no-reuse", {"AWS_NODEJS_CONNECTION_REUSE_ENABLED": "0"})):
            lam.create_function(FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                                Code={"ZipFile": seed_zip(PORTS_PROBE)}, Timeout=30,
                                Environment={"Variables": env})
        r = lam.invoke(FunctionName="ports", LogType="Tail")
        out = json.loads(r["Payload"].read())
        self.assertNotIn("FunctionError", r, out)
        self.assertEqual((out["first"]["name"], out["second"]["name"]), ("Ada", "Ada"))
        self.assertEqual(out["first"]["port"], out["second"]["port"], out)
        log = base64.b64decode(r["LogResult"]).decode()
        self.assertNotIn("circular dependency", log)
        self.assertNotIn("Warning: Accessing non-existent property", log)
        r = lam.invoke(FunctionName="ports-no-reuse")
        out = json.loads(r["Payload"].read())
        self.assertNotIn("FunctionError", r, out)
        self.assertNotEqual(out["first"]["port"], out["second"]["port"], out)

    def test_sdk_v2_calls_through_the_runtime_client(self):
        """DynamoDB and Lambda calls of the bundled v2 SDK, as a function makes them: errors with their
        codes, concurrent calls, an upload's progress, a streamed download."""
        self.users_table()
        lam = self.nimbus.client("lambda")
        lam.create_function(FunctionName="sdk-http", Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                            Code={"ZipFile": seed_zip(SDK_HTTP_PROBE)}, Timeout=60, MemorySize=512)
        r = lam.invoke(FunctionName="sdk-http", LogType="Tail")
        out = json.loads(r["Payload"].read())
        self.assertNotIn("FunctionError", r, out)
        self.assertEqual(out, {"cond": "ConditionalCheckFailedException:400",
                               "noTable": "ResourceNotFoundException:400", "many": 20, "progress": True,
                               "get": 300000, "stream": 300000,
                               "denied": "AccessDeniedException:403",
                               "after": "Grace"})


if __name__ == "__main__":
    unittest.main()
