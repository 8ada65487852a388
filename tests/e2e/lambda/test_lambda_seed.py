"""The seed article's handler, unchanged: API Gateway-shaped event → Node.js
function with the AWS SDK v2 it bundles → nimbus's DynamoDB. The SDK is the one
tests/e2e/package.json installs (npm ci), linked into the package as
node_modules, so these instances run without the sandbox's private file system."""
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


def seed_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("index.js")
        info.external_attr = 0o100644 << 16
        z.writestr(info, SEED)
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

    def test_users_get_reads_dynamodb(self):
        self.assertTrue(os.path.isdir(os.path.join(NODE_MODULES, "aws-sdk")),
                        "run `npm ci` in tests/e2e (make deps does) to install the AWS SDK v2")
        ddb = self.nimbus.client("dynamodb")
        ddb.create_table(TableName="Users", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        ddb.put_item(TableName="Users", Item={"id": {"S": "42"}, "name": {"S": "Ada"}})
        lam = self.nimbus.client("lambda")
        lam.create_function(FunctionName="users-get", Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                            Code={"ZipFile": seed_zip()}, Timeout=30)
        r = lam.invoke(FunctionName="users-get", Payload=json.dumps(api_gateway_event("42")).encode())
        out = json.loads(r["Payload"].read())
        self.assertNotIn("FunctionError", r, out)
        self.assertEqual(out["statusCode"], 200)
        self.assertEqual(json.loads(out["body"]), {"id": "42", "name": "Ada"})


if __name__ == "__main__":
    unittest.main()
