"""REST APIs end to end: resources and methods, deployments and stages,
Lambda proxy events (payload 1.0) field by field, Missing Authentication
Token, MOCK and AWS integrations with mapping templates, request
validation, API keys with usage plans (throttle, quota), TOKEN authorizers
with caching, and import from Swagger/OpenAPI."""
import json
import os
import sys
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http, invoke_url, lambda_uri  # noqa: E402


class RestApis(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.nimbus.client("lambda")
        cls.gw = cls.nimbus.client("apigateway")
        cls.fn = {m: create_function(cls.lam, "rfn-" + m, m) for m in ("echo", "raw", "auth", "fail")}

    def url(self, api_id, stage, path):
        return invoke_url(self.nimbus.endpoint, api_id, stage, path)

    def api_with(self, name):
        api = self.gw.create_rest_api(name=name)
        root = [r for r in self.gw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"]
        return api["id"], root[0]["id"]

    def method(self, api_id, rid, verb, integ, **kw):
        self.gw.put_method(restApiId=api_id, resourceId=rid, httpMethod=verb,
                           authorizationType=kw.pop("authorizationType", "NONE"), **kw)
        self.gw.put_integration(restApiId=api_id, resourceId=rid, httpMethod=verb, **integ)

    def proxy(self, fn):
        return {"type": "AWS_PROXY", "integrationHttpMethod": "POST", "uri": lambda_uri(self.fn[fn])}

    def test_proxy_event_stages_and_missing_token(self):
        api_id, root = self.api_with("users")
        users = self.gw.create_resource(restApiId=api_id, parentId=root, pathPart="users")["id"]
        user = self.gw.create_resource(restApiId=api_id, parentId=users, pathPart="{id}")
        self.assertEqual(user["path"], "/users/{id}")
        self.method(api_id, user["id"], "GET", self.proxy("echo"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.gw.create_resource(restApiId=api_id, parentId=users, pathPart="{id}")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ConflictException")
        self.gw.create_deployment(restApiId=api_id, stageName="prod", variables={"tbl": "users"})
        r = http("GET", self.url(api_id, "prod", "/users/42?a=1&a=2"), headers={"X-H": "v"})
        self.assertEqual(r.status, 200, r.body)
        ev = r.json()
        self.assertEqual(ev["resource"], "/users/{id}")
        self.assertEqual(ev["path"], "/users/42")
        self.assertEqual(ev["httpMethod"], "GET")
        self.assertEqual(ev["pathParameters"], {"id": "42"})
        self.assertEqual(ev["queryStringParameters"], {"a": "2"})
        self.assertEqual(ev["multiValueQueryStringParameters"], {"a": ["1", "2"]})
        # REST APIs hand header names over as the client spelled them (HTTP APIs lower-case them)
        self.assertEqual(ev["headers"]["X-H"], "v")
        self.assertEqual(ev["multiValueHeaders"]["X-H"], ["v"])
        self.assertNotIn("x-h", ev["headers"])
        self.assertEqual(ev["headers"]["X-Forwarded-Proto"], "http")
        self.assertEqual(ev["stageVariables"], {"tbl": "users"})
        self.assertIsNone(ev["body"])
        self.assertFalse(ev["isBase64Encoded"])
        rc = ev["requestContext"]
        self.assertEqual(rc["resourcePath"], "/users/{id}")
        self.assertEqual(rc["resourceId"], user["id"])
        self.assertEqual(rc["path"], "/prod/users/42")
        self.assertEqual(rc["stage"], "prod")
        self.assertEqual(rc["apiId"], api_id)
        self.assertEqual(rc["httpMethod"], "GET")
        self.assertEqual(rc["accountId"], "000000000000")
        self.assertEqual(rc["identity"]["sourceIp"], "127.0.0.1")
        for k in ("requestId", "extendedRequestId", "requestTime", "requestTimeEpoch", "domainName", "domainPrefix",
                  "protocol"):
            self.assertIn(k, rc)
        r = http("GET", self.url(api_id, "prod", "/users"))
        self.assertEqual((r.status, r.json()), (403, {"message": "Missing Authentication Token"}))
        self.assertEqual(http("POST", self.url(api_id, "prod", "/users/1")).status, 403)
        r = http("GET", self.url(api_id, "nostage", "/users/1"))
        self.assertEqual(r.status, 403)
        # a new method is served only after a new deployment
        self.method(api_id, users, "GET", self.proxy("echo"))
        self.assertEqual(http("GET", self.url(api_id, "prod", "/users")).status, 403)
        dep = self.gw.create_deployment(restApiId=api_id, stageName="prod")
        self.assertEqual(http("GET", self.url(api_id, "prod", "/users")).status, 200)
        self.assertEqual(self.gw.get_stage(restApiId=api_id, stageName="prod")["deploymentId"], dep["id"])
        self.gw.update_stage(restApiId=api_id, stageName="prod",
                             patchOperations=[{"op": "replace", "path": "/variables/tbl", "value": "other"}])
        ev = http("GET", self.url(api_id, "prod", "/users")).json()
        self.assertEqual(ev["stageVariables"], {"tbl": "other"})

    def test_mock_with_templates(self):
        api_id, root = self.api_with("mock")
        rid = self.gw.create_resource(restApiId=api_id, parentId=root, pathPart="mock")["id"]
        self.method(api_id, rid, "GET", {"type": "MOCK",
                                         "requestTemplates": {"application/json": '{"statusCode": $input.params(\'code\')}'}})
        self.gw.put_method_response(restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200")
        self.gw.put_integration_response(
            restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200", selectionPattern="",
            responseParameters={"method.response.header.X-Mock": "'yes'"},
            responseTemplates={"application/json": '{"q": "$input.params(\'q\')", "stage": "$context.stage"'
                                                   '#foreach($i in [1..3]), "n$i": $i#end}'})
        self.gw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="404",
                                         selectionPattern="404",
                                         responseTemplates={"application/json": '{"error": "nope"}'})
        self.gw.create_deployment(restApiId=api_id, stageName="dev")
        r = http("GET", self.url(api_id, "dev", "/mock?code=200&q=hello"))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("x-mock"), "yes")
        self.assertEqual(r.json(), {"q": "hello", "stage": "dev", "n1": 1, "n2": 2, "n3": 3})
        r = http("GET", self.url(api_id, "dev", "/mock?code=404"))
        self.assertEqual((r.status, r.json()), (404, {"error": "nope"}))

    def test_aws_integration_with_mapping(self):
        api_id, root = self.api_with("aws")
        rid = self.gw.create_resource(restApiId=api_id, parentId=root, pathPart="items")["id"]
        self.method(api_id, rid, "POST", {
            "type": "AWS", "integrationHttpMethod": "POST", "uri": lambda_uri(self.fn["raw"]),
            "requestTemplates": {"application/json": '{"name": "$util.escapeJavaScript($input.path(\'$.name\'))", '
                                                     '"id": "$input.params(\'id\')"}'}})
        self.gw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="POST", statusCode="200",
                                         responseTemplates={"application/json": '{"got": $input.json(\'$.name\')}'})
        self.gw.create_deployment(restApiId=api_id, stageName="v1")
        r = http("POST", self.url(api_id, "v1", "/items?id=9"), body='{"name": "A \\"quoted\\" name"}',
                 headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"got": 'A "quoted" name'})

    def test_request_validation(self):
        api_id, root = self.api_with("valid")
        rid = self.gw.create_resource(restApiId=api_id, parentId=root, pathPart="users")["id"]
        self.gw.create_model(restApiId=api_id, name="User", contentType="application/json",
                             schema=json.dumps({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
                                                "required": ["name"],
                                                "properties": {"name": {"type": "string", "minLength": 1},
                                                               "age": {"type": "integer"}}}))
        v = self.gw.create_request_validator(restApiId=api_id, name="all", validateRequestBody=True,
                                             validateRequestParameters=True)
        self.method(api_id, rid, "POST", self.proxy("echo"), requestValidatorId=v["id"],
                    requestModels={"application/json": "User"},
                    requestParameters={"method.request.querystring.mode": True, "method.request.header.x-req": True})
        self.gw.create_deployment(restApiId=api_id, stageName="s")
        u = self.url(api_id, "s", "/users")
        hdr = {"Content-Type": "application/json", "X-Req": "1"}
        r = http("POST", u, body='{"name":"a"}', headers=hdr)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json(), {"message": "Missing required request parameters: [mode]"})
        r = http("POST", u + "?mode=x", body='{"age": "old"}', headers=hdr)
        self.assertEqual((r.status, r.json()), (400, {"message": "Invalid request body"}))
        r = http("POST", u + "?mode=x", body='{not json', headers=hdr)
        self.assertEqual((r.status, r.json()), (400, {"message": "Invalid request body"}))
        r = http("POST", u + "?mode=x", body='{"name":"ok","age":3}', headers=hdr)
        self.assertEqual(r.status, 200, r.body)

    def test_api_keys_usage_plans(self):
        api_id, root = self.api_with("keys")
        rid = self.gw.create_resource(restApiId=api_id, parentId=root, pathPart="k")["id"]
        self.method(api_id, rid, "GET", self.proxy("echo"), apiKeyRequired=True)
        self.gw.create_deployment(restApiId=api_id, stageName="p")
        k1 = self.gw.create_api_key(name="k1", enabled=True)
        k2 = self.gw.create_api_key(name="k2", enabled=True)
        k3 = self.gw.create_api_key(name="k3", enabled=False)
        self.assertNotIn("value", self.gw.get_api_key(apiKey=k1["id"]))
        self.assertEqual(self.gw.get_api_key(apiKey=k1["id"], includeValue=True)["value"], k1["value"])
        p1 = self.gw.create_usage_plan(name="burst", apiStages=[{"apiId": api_id, "stage": "p"}],
                                       throttle={"burstLimit": 2, "rateLimit": 0.01})
        p2 = self.gw.create_usage_plan(name="quota", apiStages=[{"apiId": api_id, "stage": "p"}],
                                       quota={"limit": 2, "period": "DAY"})
        self.gw.create_usage_plan_key(usagePlanId=p1["id"], keyId=k1["id"], keyType="API_KEY")
        self.gw.create_usage_plan_key(usagePlanId=p2["id"], keyId=k2["id"], keyType="API_KEY")
        self.gw.create_usage_plan_key(usagePlanId=p2["id"], keyId=k3["id"], keyType="API_KEY")
        self.assertEqual(len(self.gw.get_usage_plan_keys(usagePlanId=p2["id"])["items"]), 2)
        u = self.url(api_id, "p", "/k")
        r = http("GET", u)
        self.assertEqual((r.status, r.json()), (403, {"message": "Forbidden"}))
        self.assertEqual(http("GET", u, headers={"x-api-key": "wrong-key-value-000000"}).status, 403)
        self.assertEqual(http("GET", u, headers={"x-api-key": k3["value"]}).status, 403)   # disabled
        codes = [http("GET", u, headers={"x-api-key": k1["value"]}).status for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])
        r = http("GET", u, headers={"x-api-key": k1["value"]})
        self.assertEqual(r.json(), {"message": "Too Many Requests"})
        r1 = http("GET", u, headers={"x-api-key": k2["value"]})
        self.assertEqual(r1.status, 200)
        ident = r1.json()["requestContext"]["identity"]
        self.assertEqual((ident["apiKey"], ident["apiKeyId"]), (k2["value"], k2["id"]))
        self.assertEqual(http("GET", u, headers={"x-api-key": k2["value"]}).status, 200)
        r = http("GET", u, headers={"x-api-key": k2["value"]})
        self.assertEqual((r.status, r.json()), (429, {"message": "Limit Exceeded"}))

    def test_token_authorizer(self):
        api_id, root = self.api_with("tokauth")
        rid = self.gw.create_resource(restApiId=api_id, parentId=root, pathPart="s")["id"]
        az = self.gw.create_authorizer(restApiId=api_id, name="tok", type="TOKEN",
                                       authorizerUri=lambda_uri(self.fn["auth"]),
                                       identitySource="method.request.header.Authorization",
                                       authorizerResultTtlInSeconds=300)
        self.method(api_id, rid, "GET", self.proxy("echo"), authorizationType="CUSTOM", authorizerId=az["id"])
        self.gw.create_deployment(restApiId=api_id, stageName="p")
        u = self.url(api_id, "p", "/s")
        r = http("GET", u)
        self.assertEqual((r.status, r.json()), (401, {"message": "Unauthorized"}))
        r = http("GET", u, headers={"Authorization": "unauthorized"})
        self.assertEqual((r.status, r.json()), (401, {"message": "Unauthorized"}))
        r = http("GET", u, headers={"Authorization": "deny"})
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json(), {"message": "User is not authorized to access this resource with an explicit deny"})
        r = http("GET", u, headers={"Authorization": "allow"})
        self.assertEqual(r.status, 200, r.body)
        authz = r.json()["requestContext"]["authorizer"]
        self.assertEqual(authz["principalId"], "user-1")
        self.assertEqual(authz["user"], "u1")
        r2 = http("GET", u, headers={"Authorization": "allow"})
        self.assertEqual(r2.json()["requestContext"]["authorizer"]["n"], authz["n"])   # cached

    def test_request_authorizer(self):
        api_id, root = self.api_with("reqauth")
        rid = self.gw.create_resource(restApiId=api_id, parentId=root, pathPart="r")["id"]
        az = self.gw.create_authorizer(restApiId=api_id, name="req", type="REQUEST",
                                       authorizerUri=lambda_uri(self.fn["auth"]),
                                       identitySource="method.request.header.Authorization,method.request.querystring.k",
                                       authorizerResultTtlInSeconds=0)
        self.method(api_id, rid, "GET", self.proxy("echo"), authorizationType="CUSTOM", authorizerId=az["id"])
        self.gw.create_deployment(restApiId=api_id, stageName="p")
        u = self.url(api_id, "p", "/r")
        # every identity source must be present, else 401 without calling the function
        self.assertEqual(http("GET", u, headers={"Authorization": "allow"}).status, 401)
        r = http("GET", u + "?k=1", headers={"Authorization": "allow"})
        self.assertEqual(r.status, 200, r.body)
        a1 = r.json()["requestContext"]["authorizer"]
        self.assertEqual((a1["principalId"], a1["user"]), ("user-1", "u1"))
        r2 = http("GET", u + "?k=1", headers={"Authorization": "allow"})
        self.assertNotEqual(r2.json()["requestContext"]["authorizer"]["n"], a1["n"])   # TTL 0: not cached
        self.assertEqual(http("GET", u + "?k=1", headers={"Authorization": "deny"}).status, 403)

    def test_import_swagger(self):
        doc = {"swagger": "2.0", "info": {"title": "petstore", "version": "1"},
               "x-amazon-apigateway-request-validators": {"body": {"validateRequestBody": True,
                                                                   "validateRequestParameters": False}},
               "definitions": {"Pet": {"type": "object", "required": ["name"]}},
               "paths": {"/pets/{id}": {"get": {
                   "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                   "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                                                       "uri": lambda_uri(self.fn["echo"])}}},
                   "/pets": {"post": {
                       "x-amazon-apigateway-request-validator": "body",
                       "parameters": [{"name": "pet", "in": "body", "schema": {"$ref": "#/definitions/Pet"}}],
                       "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                                                           "uri": lambda_uri(self.fn["echo"])}}}}}
        api = self.gw.import_rest_api(body=json.dumps(doc).encode())
        self.assertEqual(api["name"], "petstore")
        paths = sorted(r["path"] for r in self.gw.get_resources(restApiId=api["id"])["items"])
        self.assertEqual(paths, ["/", "/pets", "/pets/{id}"])
        self.gw.create_deployment(restApiId=api["id"], stageName="live")
        r = http("GET", self.url(api["id"], "live", "/pets/5"))
        self.assertEqual(r.json()["pathParameters"], {"id": "5"})
        r = http("POST", self.url(api["id"], "live", "/pets"), body="{}", headers={"Content-Type": "application/json"})
        self.assertEqual((r.status, r.json()), (400, {"message": "Invalid request body"}))
        r = http("POST", self.url(api["id"], "live", "/pets"), body='{"name":"rex"}',
                 headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 200)
        # put-rest-api overwrite replaces the resources
        doc["paths"] = {"/dogs": doc["paths"]["/pets"]}
        self.gw.put_rest_api(restApiId=api["id"], mode="overwrite", body=json.dumps(doc).encode())
        paths = sorted(r["path"] for r in self.gw.get_resources(restApiId=api["id"])["items"])
        self.assertEqual(paths, ["/", "/dogs"])

    def test_control_plane_errors_via_cli(self):
        rc, out, err = self.nimbus.aws("apigateway", "get-rest-api", "--rest-api-id", "nope", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("NotFoundException", err)
        rc, out, err = self.nimbus.aws("apigateway", "create-rest-api", "--name", "cli-api")
        self.assertEqual(out["name"], "cli-api")
        rc, out2, err = self.nimbus.aws("apigateway", "get-rest-apis")
        self.assertIn(out["id"], [a["id"] for a in out2["items"]])
        rc, out3, err = self.nimbus.aws("apigateway", "delete-rest-api", "--rest-api-id", out["id"])
        self.assertEqual(rc, 0)
        rc, out4, err = self.nimbus.aws("apigatewayv2", "create-api", "--name", "cli2", "--protocol-type", "HTTP")
        self.assertEqual(out4["ProtocolType"], "HTTP")
        rc, _, err = self.nimbus.aws("apigatewayv2", "create-api", "--name", "bad", "--protocol-type", "WEBSOCKET",
                                     check=False)
        self.assertIn("BadRequestException", err)


if __name__ == "__main__":
    unittest.main()
