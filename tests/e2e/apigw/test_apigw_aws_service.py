"""REST AWS integrations to AWS services other than Lambda's invocation
(integration.uri arn:aws:apigateway:{region}:{service}:action/{Action} or
path/{path}), driven through boto3 and plain HTTP as a client would:

- API Gateway → DynamoDB with mapping templates (PutItem from a template,
  GetItem reshaped by a response template), run as a role API Gateway assumes
  (trust policy apigateway.amazonaws.com); the item read back with boto3.
- IAM is the edge's: a role without the permission gets DynamoDB's own
  AccessDeniedException (400) as the integration response; a role API Gateway
  may not assume → 500 {"message": "Internal server error"}; a missing table →
  DynamoDB's 400 through the integration response that selects 4\\d\\d.
- JSON 1.1 (KMS CreateKey, DescribeKey), Query protocol (STS GetCallerIdentity: the session "BackplaneAssumeRoleSession",
  the name AWS's sessions carry), REST protocol by path (Lambda ListFunctions),
  the caller's own credentials (arn:aws:iam::*:user/*) on an AWS_IAM method.
- A service nimbus lacks (SQS) → 500; PutIntegration without credentials →
  BadRequestException "Role ARN must be specified for AWS integrations"
  (hashicorp/terraform-provider-aws#7916, aws/aws-cdk#1465), a URI without
  action/ or path/ → "AWS ARN for integration must contain path or action".
- TestInvokeMethod shows the same answers, its log the endpoint request.
- ImportRestApi of an OpenAPI document with such an integration deploys and serves.
"""
import json
import os
import sys
import unittest

import botocore.auth
import botocore.awsrequest
import botocore.credentials

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, http, invoke_url  # noqa: E402

REGION = "us-east-1"
TABLE = "items"
TRUST_APIGW = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
    "Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
TRUST_LAMBDA = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
    "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

PUT_TEMPLATE = ('{"TableName": "%s", "Item": {"id": {"S": "$input.path(\'$.id\')"}, '
                '"name": {"S": "$input.path(\'$.name\')"}}}')
GET_TEMPLATE = '{"TableName": "%s", "Key": {"id": {"S": "$input.params(\'id\')"}}}'
ITEM_TEMPLATE = ('#set($item = $input.path(\'$.Item\'))\n'
                 '{"id": "$input.path(\'$.Item.id.S\')", "name": "$input.path(\'$.Item.name.S\')", '
                 '"found": #if($item)true#{else}false#end}')
QUERY_TEMPLATE = ('{"TableName": "%s", "KeyConditionExpression": "id = :v", '
                  '"ExpressionAttributeValues": {":v": {"S": "$input.params(\'id\')"}}}')
LIST_TEMPLATE = ('#set($items = $input.path(\'$.Items\'))\n'
                 '{"count": $input.path(\'$.Count\'), "names": [#foreach($i in $items)"$i.name.S"'
                 '#if($foreach.hasNext),#end#end]}')
ERROR_TEMPLATE = '{"error": $input.json(\'$.__type\'), "message": $input.json(\'$.message\')}'


def ddb_uri(action):
    return "arn:aws:apigateway:%s:dynamodb:action/%s" % (REGION, action)


class AwsServiceIntegrations(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.ddb = n.client("dynamodb")
        cls.ddb.create_table(TableName=TABLE, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        cls.account = n.client("sts").get_caller_identity()["Account"]
        table_arn = "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, cls.account, TABLE)
        iam = n.client("iam")

        def role(name, trust, actions, resource):
            arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]}))
            return arn
        cls.role = role("apigw-ddb", TRUST_APIGW, ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query",
                                                   "lambda:ListFunctions"], [table_arn, "*"])
        cls.narrow = role("apigw-narrow", TRUST_APIGW, ["dynamodb:GetItem"], table_arn)
        cls.kms_role = role("apigw-kms", TRUST_APIGW, ["kms:CreateKey", "kms:DescribeKey"], "*")
        cls.gw_role = role("apigw-self", TRUST_APIGW, ["apigateway:*"], "*")
        cls.lambda_only = role("apigw-untrusted", TRUST_LAMBDA, ["dynamodb:*"], "*")
        cls.gw = n.client("apigateway")
        cls.api = cls.build_api()

    @classmethod
    def method(cls, api, parent, path_part, verb, uri, credentials, template=None, responses=(), auth="NONE",
               integration_method="POST", params=None, int_params=None):
        gw = cls.gw
        rid = gw.create_resource(restApiId=api, parentId=parent, pathPart=path_part)["id"] if path_part else parent
        gw.put_method(restApiId=api, resourceId=rid, httpMethod=verb, authorizationType=auth,
                      requestParameters=params or {})
        kw = {"credentials": credentials} if credentials else {}
        gw.put_integration(restApiId=api, resourceId=rid, httpMethod=verb, type="AWS",
                           integrationHttpMethod=integration_method, uri=uri,
                           requestTemplates={"application/json": template} if template else {},
                           requestParameters=int_params or {}, **kw)
        for status, pattern, tmpl, rp in responses:
            gw.put_method_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode=status,
                                   responseParameters={k: False for k in rp})
            extra = {"selectionPattern": pattern} if pattern is not None else {}
            gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode=status,
                                        responseTemplates={"application/json": tmpl} if tmpl else {},
                                        responseParameters=rp, **extra)
        return rid

    @classmethod
    def build_api(cls):
        gw = cls.gw
        api = gw.create_rest_api(name="aws-service")["id"]
        root = gw.get_resources(restApiId=api)["items"][0]["id"]
        err = ("400", r"4\d\d", ERROR_TEMPLATE,
               {"method.response.header.X-Error-Type": "integration.response.header.x-amzn-ErrorType"})
        items = cls.method(api, root, "items", "POST", ddb_uri("PutItem"), cls.role, PUT_TEMPLATE % TABLE,
                           [("200", None, '{"ok": true}', {}), err])
        cls.items_res = items
        cls.method(api, items, "{id}", "GET", ddb_uri("GetItem"), cls.role, GET_TEMPLATE % TABLE,
                   [("200", None, ITEM_TEMPLATE, {})], params={"method.request.path.id": True})
        cls.method(api, items, None, "GET", ddb_uri("Query"), cls.role, QUERY_TEMPLATE % TABLE,
                   [("200", None, LIST_TEMPLATE, {})], params={"method.request.querystring.id": True})
        cls.method(api, root, "denied", "POST", ddb_uri("PutItem"), cls.narrow, PUT_TEMPLATE % TABLE,
                   [("200", None, '{"ok": true}', {}), err])
        cls.method(api, root, "denied-default", "POST", ddb_uri("PutItem"), cls.narrow, PUT_TEMPLATE % TABLE,
                   [("200", None, None, {})])
        cls.untrusted_res = cls.method(api, root, "untrusted", "POST", ddb_uri("PutItem"), cls.lambda_only,
                                       PUT_TEMPLATE % TABLE, [("200", None, '{"ok": true}', {})])
        cls.method(api, root, "norole", "POST", ddb_uri("PutItem"), "arn:aws:iam::%s:role/no-such-role" % cls.account,
                   PUT_TEMPLATE % TABLE, [("200", None, '{"ok": true}', {})])
        cls.method(api, root, "missing", "POST", ddb_uri("PutItem"), cls.role, PUT_TEMPLATE % "no-such-table",
                   [("200", None, '{"ok": true}', {}), err])
        cls.method(api, root, "queue", "POST", "arn:aws:apigateway:%s:sqs:action/SendMessage" % REGION, cls.role,
                   None, [("200", None, None, {})])
        keys = cls.method(api, root, "keys", "POST", "arn:aws:apigateway:%s:kms:action/CreateKey" % REGION,
                          cls.kms_role, '{"Description": "$input.path(\'$.d\')"}',
                          [("200", None, '{"id": "$input.path(\'$.KeyMetadata.KeyId\')"}', {})])
        cls.method(api, keys, "{id}", "GET", "arn:aws:apigateway:%s:kms:action/DescribeKey" % REGION,
                   cls.kms_role, '{"KeyId": "$input.params(\'id\')"}',
                   [("200", None, '{"description": $input.json(\'$.KeyMetadata.Description\')}', {}), err])
        cls.method(api, root, "whoami", "GET", "arn:aws:apigateway:%s:sts:action/GetCallerIdentity" % REGION,
                   cls.role, None, [("200", None, None, {})])
        cls.method(api, root, "functions", "GET", "arn:aws:apigateway:%s:lambda:path/2015-03-31/functions" % REGION,
                   cls.role, None, [("200", None, '{"n": $input.path(\'$.Functions\').size()}', {})],
                   integration_method="GET")
        cls.method(api, root, "mine", "GET", "arn:aws:apigateway:%s:sts:action/GetCallerIdentity" % REGION,
                   "arn:aws:iam::*:user/*", None, [("200", None, None, {})], auth="AWS_IAM")
        # a method whose integration is API Gateway's TestInvokeMethod of itself: calls nest, and
        # nimbus bounds them (core/call.h NB_CALL_MAX_DEPTH) where AWS would run into timeouts
        loop = gw.create_resource(restApiId=api, parentId=root, pathPart="loop")["id"]
        cls.method(api, loop, None, "POST", "arn:aws:apigateway:%s:apigateway:path/restapis/%s/resources/%s/methods/POST"
                   % (REGION, api, loop), cls.gw_role, None, [("200", None, None, {})])
        # path/ values: {x} from the client's path (as sent) or its query string (decoded)
        rest = gw.create_resource(restApiId=api, parentId=root, pathPart="rest")["id"]
        gw_uri = "arn:aws:apigateway:%s:apigateway:path/restapis/{x}" % REGION
        cls.method(api, rest, "{x}", "GET", gw_uri, cls.gw_role, None, [("200", None, None, {})],
                   integration_method="GET", params={"method.request.path.x": True},
                   int_params={"integration.request.path.x": "method.request.path.x"})
        cls.method(api, rest, None, "GET", gw_uri, cls.gw_role, None, [("200", None, None, {})],
                   integration_method="GET", params={"method.request.querystring.x": True},
                   int_params={"integration.request.path.x": "method.request.querystring.x"})
        # mapped headers that would name another operation or another signer
        cls.method(api, root, "target", "POST", ddb_uri("GetItem"), cls.role, GET_TEMPLATE % TABLE,
                   [("200", None, ITEM_TEMPLATE, {}), err], params={"method.request.querystring.id": True},
                   int_params={"integration.request.header.X-Amz-Target": "'DynamoDB_20120810.DeleteItem'",
                               "integration.request.header.X-Amz-Security-Token": "'forged'",
                               "integration.request.header.X-Amz-Date": "'20150830T123600Z'"})
        # Authorization: the 500 AWS answers for an AWS integration mapping it (LocalStack's AWS-validated
        # test_apigateway_header_remapping_aws[AWS])
        cls.method(api, root, "authmap", "POST", ddb_uri("GetItem"), cls.role, GET_TEMPLATE % TABLE,
                   [("200", None, ITEM_TEMPLATE, {})],
                   int_params={"integration.request.header.Authorization": "'AWS4-HMAC-SHA256 Credential=AKID/x'"})
        cls.method(api, root, "formaction", "POST", "arn:aws:apigateway:%s:sts:action/GetCallerIdentity" % REGION,
                   cls.role, "Action=GetSessionToken&DurationSeconds=900", [("200", None, None, {})],
                   int_params={"integration.request.querystring.Action": "'GetSessionToken'"})
        gw.create_deployment(restApiId=api, stageName="prod")
        return api

    def url(self, path, api=None):
        return invoke_url(self.nimbus.endpoint, api or self.api, "prod", path)

    def post(self, path, body, api=None):
        return http("POST", self.url(path, api), json.dumps(body), {"Content-Type": "application/json"})

    def test_put_then_get_item(self):
        r = self.post("/items", {"id": "a1", "name": "widget"})
        self.assertEqual((r.status, r.json()), (200, {"ok": True}), r.body)
        got = self.ddb.get_item(TableName=TABLE, Key={"id": {"S": "a1"}})["Item"]
        self.assertEqual(got, {"id": {"S": "a1"}, "name": {"S": "widget"}})
        r = http("GET", self.url("/items/a1"))
        self.assertEqual((r.status, r.json()), (200, {"id": "a1", "name": "widget", "found": True}), r.body)
        self.assertTrue(r.header("x-amzn-trace-id"))
        r = http("GET", self.url("/items?id=a1"))
        self.assertEqual((r.status, r.json()), (200, {"count": 1, "names": ["widget"]}), r.body)
        r = http("GET", self.url("/items/none"))
        self.assertEqual((r.status, r.json()), (200, {"id": "", "name": "", "found": False}), r.body)

    def test_role_without_permission(self):
        r = self.post("/denied", {"id": "d1", "name": "x"})
        self.assertEqual(r.status, 400, r.body)
        body = r.json()
        self.assertEqual(body["error"], "com.amazon.coral.service#AccessDeniedException")   # DynamoDB's own
        self.assertIn("assumed-role/apigw-narrow/BackplaneAssumeRoleSession is not authorized to perform: "
                      "dynamodb:PutItem on resource: arn:aws:dynamodb:%s:%s:table/%s" % (REGION, self.account, TABLE),
                      body["message"])
        self.assertEqual(r.header("X-Error-Type"), "AccessDeniedException")
        # no integration response for 4xx: the default one answers 200 with the service's body, as AWS does
        r = self.post("/denied-default", {"id": "d2", "name": "x"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["__type"], "com.amazon.coral.service#AccessDeniedException")
        self.assertNotIn("Item", self.ddb.get_item(TableName=TABLE, Key={"id": {"S": "d1"}}))
        self.assertNotIn("Item", self.ddb.get_item(TableName=TABLE, Key={"id": {"S": "d2"}}))

    def test_role_call_carries_no_client_address(self):
        # API Gateway calls the service from its own address, not the client's: a role whose
        # permission holds only from the client's network (aws:SourceIp 127.0.0.0/8 here) is denied
        # although the client sent from 127.0.0.1 (core/call.h: aws:SourceIp absent)
        iam = self.nimbus.client("iam")
        table_arn = "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, self.account, TABLE)
        arn = iam.create_role(RoleName="apigw-ip", AssumeRolePolicyDocument=json.dumps(TRUST_APIGW))["Role"]["Arn"]
        iam.put_role_policy(RoleName="apigw-ip", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": table_arn,
                           "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}]}))
        api = self.gw.create_rest_api(name="aws-service-ip")["id"]
        root = self.gw.get_resources(restApiId=api)["items"][0]["id"]
        self.method(api, root, "put", "POST", ddb_uri("PutItem"), arn, PUT_TEMPLATE % TABLE,
                    [("200", None, None, {})])
        self.gw.create_deployment(restApiId=api, stageName="prod")
        r = self.post("/put", {"id": "ip1", "name": "x"}, api=api)
        self.assertEqual(r.json()["__type"], "com.amazon.coral.service#AccessDeniedException", r.body)
        self.assertNotIn("Item", self.ddb.get_item(TableName=TABLE, Key={"id": {"S": "ip1"}}))

    def test_role_api_gateway_may_not_assume(self):
        for path, key in (("/untrusted", "u1"), ("/norole", "u2")):   # trusts Lambda only; does not exist
            r = self.post(path, {"id": key, "name": "x"})
            self.assertEqual((r.status, r.json()), (500, {"message": "Internal server error"}), (path, r.body))
            self.assertNotIn("Item", self.ddb.get_item(TableName=TABLE, Key={"id": {"S": key}}))

    def test_missing_table(self):
        r = self.post("/missing", {"id": "m1", "name": "x"})
        self.assertEqual(r.status, 400, r.body)
        self.assertEqual(r.json()["error"], "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
        self.assertEqual(r.header("X-Error-Type"), "ResourceNotFoundException")

    def test_service_nimbus_lacks(self):
        r = self.post("/queue", {"m": 1})
        self.assertEqual((r.status, r.json()), (500, {"message": "Internal server error"}), r.body)

    def test_json11_service(self):
        r = self.post("/keys", {"d": "made by API Gateway"})
        self.assertEqual(r.status, 200, r.body)
        key = r.json()["id"]
        meta = self.nimbus.client("kms").describe_key(KeyId=key)["KeyMetadata"]
        self.assertEqual(meta["Description"], "made by API Gateway")
        r = http("GET", self.url("/keys/" + key))
        self.assertEqual((r.status, r.json()), (200, {"description": "made by API Gateway"}), r.body)
        r = http("GET", self.url("/keys/00000000-0000-0000-0000-000000000000"))   # KMS's own 400, mapped
        self.assertEqual((r.status, r.json()["error"]), (400, "NotFoundException"), r.body)

    def test_query_protocol_runs_as_the_role_session(self):
        r = http("GET", self.url("/whoami"))
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(b"<Arn>arn:aws:sts::%s:assumed-role/apigw-ddb/BackplaneAssumeRoleSession</Arn>"
                      % self.account.encode(), r.body)

    def test_rest_protocol_by_path(self):
        r = http("GET", self.url("/functions"))
        self.assertEqual((r.status, r.json()), (200, {"n": 0}), r.body)

    def test_caller_credentials(self):
        ak, sk = self.nimbus.new_user("caller", {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"})
        url = self.url("/mine")
        req = botocore.awsrequest.AWSRequest(method="GET", url=url)
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(ak, sk), "execute-api", REGION).add_auth(req)
        r = http("GET", url, headers=dict(req.headers.items()))
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(b"<Arn>arn:aws:iam::%s:user/caller</Arn>" % self.account.encode(), r.body)

    def test_nested_calls_are_bounded(self):
        r = self.post("/loop", {})
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(b"Internal calls nested too deep", r.body)
        self.assertEqual(http("GET", self.url("/items/a1")).status, 200)   # still serving

    def test_path_values_stay_in_their_segment(self):
        # a path/ URI's {x} holds one segment: S3 proxies send an object key's '/' as %2F (AWS's S3 proxy
        # tutorial), so a value is encoded, never a path or a query string of its own
        r = http("GET", self.url("/rest/" + self.api))
        self.assertEqual((r.status, r.json()["name"]), (200, "aws-service"), r.body)
        for path in ("/rest/%s%%2Fresources" % self.api, "/rest?x=%s%%2Fresources" % self.api,
                     "/rest/a%2Fb%3Fc", "/rest?x=a%2Fb%3Fc"):
            with self.subTest(path=path):
                r = http("GET", self.url(path))
                self.assertEqual(r.status, 200, r.body)   # the one integration response, whatever the status
                self.assertNotIn("items", r.json(), r.body)   # not GetResources
                self.assertIn("Invalid API identifier specified", r.json()["message"], r.body)
        r = http("GET", self.url("/rest/a%2Fb%3Fc"))
        self.assertIn(":a/b?c", r.json()["message"], r.body)

    def test_mapped_headers_keep_the_uri_operation(self):
        self.post("/items", {"id": "kept", "name": "still here"})
        r = http("POST", self.url("/target?id=kept"), "{}", {"Content-Type": "application/json"})
        self.assertEqual((r.status, r.json()), (200, {"id": "kept", "name": "still here", "found": True}), r.body)
        self.assertIn("Item", self.ddb.get_item(TableName=TABLE, Key={"id": {"S": "kept"}}))
        r = http("POST", self.url("/authmap?id=kept"), "{}", {"Content-Type": "application/json"})
        self.assertEqual((r.status, r.json()), (500, {"message": "Internal server error"}), r.body)
        # Query protocol: a template's own Action field (and a mapped one) still runs the URI's action
        r = http("POST", self.url("/formaction"), "{}", {"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(b"<GetCallerIdentityResult>", r.body)

    def test_put_integration_refusals(self):
        gw = self.gw
        api = gw.create_rest_api(name="refusals")["id"]
        root = gw.get_resources(restApiId=api)["items"][0]["id"]
        gw.put_method(restApiId=api, resourceId=root, httpMethod="POST", authorizationType="NONE")
        for kw, msg in (({"uri": ddb_uri("PutItem")}, "Role ARN must be specified for AWS integrations"),
                        ({"uri": "arn:aws:apigateway:%s:dynamodb:PutItem" % REGION, "credentials": self.role},
                         "AWS ARN for integration must contain path or action")):
            e = self.client_error(gw.put_integration, restApiId=api, resourceId=root, httpMethod="POST", type="AWS",
                                  integrationHttpMethod="POST", **kw)
            self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]), ("BadRequestException", msg))
        # Lambda needs no role (its resource policy may allow API Gateway)
        gw.put_integration(restApiId=api, resourceId=root, httpMethod="POST", type="AWS", integrationHttpMethod="POST",
                           uri="arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/"
                               "arn:aws:lambda:%s:%s:function:f/invocations" % (REGION, REGION, self.account))

    def test_test_invoke_method(self):
        out = self.gw.test_invoke_method(restApiId=self.api, resourceId=self.items_res, httpMethod="POST",
                                         body=json.dumps({"id": "t1", "name": "tested"}),
                                         headers={"Content-Type": "application/json"})
        self.assertEqual((out["status"], json.loads(out["body"])), (200, {"ok": True}), out)
        self.assertIn("Endpoint request URI: https://dynamodb.%s.amazonaws.com/" % REGION, out["log"])
        self.assertIn('Endpoint request body after transformations: {"TableName": "items", "Item": {"id": {"S": "t1"}',
                      out["log"])
        self.assertIn("Endpoint request headers: {Host=dynamodb.%s.amazonaws.com, "
                      "X-Amz-Target=DynamoDB_20120810.PutItem, Content-Type=application/x-amz-json-1.0}" % REGION,
                      out["log"])
        self.assertIn("Received response. Status: 200", out["log"])
        self.assertIn("Endpoint response headers: {", out["log"])
        self.assertEqual(self.ddb.get_item(TableName=TABLE, Key={"id": {"S": "t1"}})["Item"]["name"], {"S": "tested"})
        out = self.gw.test_invoke_method(restApiId=self.api, resourceId=self.untrusted_res, httpMethod="POST",
                                         body="{}", headers={"Content-Type": "application/json"})
        self.assertEqual(out["status"], 500, out)
        self.assertIn("Execution failed due to configuration error: API Gateway does not have permission to assume "
                      "the provided role %s" % self.lambda_only, out["log"])

    def test_import_openapi(self):
        doc = {
            "openapi": "3.0.1", "info": {"title": "imported-ddb", "version": "1"},
            "paths": {"/things": {"post": {
                "responses": {"200": {"description": "ok"}},
                "x-amazon-apigateway-integration": {
                    "type": "aws", "httpMethod": "POST", "uri": ddb_uri("PutItem"), "credentials": self.role,
                    "requestTemplates": {"application/json": PUT_TEMPLATE % TABLE},
                    "responses": {"default": {"statusCode": "200",
                                              "responseTemplates": {"application/json": '{"stored": true}'}}},
                    "passthroughBehavior": "when_no_templates"}}}}}
        api = self.gw.import_rest_api(body=json.dumps(doc).encode())["id"]
        self.gw.create_deployment(restApiId=api, stageName="prod")
        r = self.post("/things", {"id": "i1", "name": "imported"}, api=api)
        self.assertEqual((r.status, r.json()), (200, {"stored": True}), r.body)
        self.assertEqual(self.ddb.get_item(TableName=TABLE, Key={"id": {"S": "i1"}})["Item"],
                         {"id": {"S": "i1"}, "name": {"S": "imported"}})


if __name__ == "__main__":
    unittest.main()
