"""REST API gateway responses end to end: PutGatewayResponse / Get / GetAll /
Update / Delete through boto3 and the AWS CLI, AWS's defaults for untouched
types, and their effect on the gateway's own answers once deployed (status,
headers from literals and request values, templates with $context.error.*),
with DEFAULT_4XX / DEFAULT_5XX as fallbacks; x-amazon-apigateway-gateway-
responses in ImportRestApi / PutRestApi. Also UpdateMethodResponse and
UpdateIntegrationResponse (patch operations) and their effect on MOCK
integrations."""
import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, http, invoke_url  # noqa: E402
from harness import Nimbus  # noqa: E402

TYPES = ["DEFAULT_4XX", "DEFAULT_5XX", "RESOURCE_NOT_FOUND", "UNAUTHORIZED", "INVALID_API_KEY", "ACCESS_DENIED",
         "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR", "INVALID_SIGNATURE", "EXPIRED_TOKEN",
         "MISSING_AUTHENTICATION_TOKEN", "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "API_CONFIGURATION_ERROR",
         "UNSUPPORTED_MEDIA_TYPE", "BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "REQUEST_TOO_LARGE", "THROTTLED",
         "QUOTA_EXCEEDED", "WAF_FILTERED"]
DEFAULT_TEMPLATE = {"application/json": '{"message":$context.error.messageString}'}


class GatewayResponses(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")

    def url(self, api_id, stage, path):
        return invoke_url(self.nimbus.endpoint, api_id, stage, path)

    def api_with(self, name):
        api = self.gw.create_rest_api(name=name)
        root = [r for r in self.gw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"]
        return api["id"], root[0]["id"]

    def mock(self, api_id, parent, part, responses=True, **method_kw):
        """GET /part: a MOCK answering 200 {"ok": true} (no integration responses: a 500)."""
        rid = self.gw.create_resource(restApiId=api_id, parentId=parent, pathPart=part)["id"]
        self.gw.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET",
                           authorizationType=method_kw.pop("authorizationType", "NONE"), **method_kw)
        self.gw.put_integration(restApiId=api_id, resourceId=rid, httpMethod="GET", type="MOCK",
                                requestTemplates={"application/json": '{"statusCode": 200}'})
        if responses:
            self.gw.put_method_response(restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200")
            self.gw.put_integration_response(restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200",
                                             responseTemplates={"application/json": '{"ok": true}'})
        return rid

    def test_defaults_listed_and_crud(self):
        api_id, _ = self.api_with("gr-crud")
        items = self.gw.get_gateway_responses(restApiId=api_id)["items"]
        self.assertEqual(sorted(i["responseType"] for i in items), sorted(TYPES))
        by = {i["responseType"]: i for i in items}
        for t in TYPES:
            self.assertTrue(by[t]["defaultResponse"], t)
            self.assertEqual(by[t]["responseTemplates"], DEFAULT_TEMPLATE)
            self.assertEqual(by[t]["responseParameters"], {})
        self.assertNotIn("statusCode", by["DEFAULT_4XX"])
        self.assertNotIn("statusCode", by["DEFAULT_5XX"])
        self.assertEqual(by["MISSING_AUTHENTICATION_TOKEN"]["statusCode"], "403")
        self.assertEqual(by["INTEGRATION_TIMEOUT"]["statusCode"], "504")
        self.assertEqual(by["THROTTLED"]["statusCode"], "429")
        self.assertEqual(by["UNAUTHORIZED"]["statusCode"], "401")
        one = self.gw.get_gateway_response(restApiId=api_id, responseType="ACCESS_DENIED")
        self.assertEqual((one["statusCode"], one["defaultResponse"]), ("403", True))

        put = self.gw.put_gateway_response(
            restApiId=api_id, responseType="DEFAULT_4XX",
            responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"})
        self.assertEqual(put["responseType"], "DEFAULT_4XX")
        self.assertFalse(put["defaultResponse"])
        self.assertEqual(put["responseParameters"], {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"})
        got = self.gw.get_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")
        self.assertFalse(got["defaultResponse"])
        up = self.gw.update_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX", patchOperations=[
            {"op": "add", "path": "/responseParameters/gatewayresponse.header.X-Extra", "value": "'1'"},
            {"op": "replace", "path": "/statusCode", "value": "418"},
            {"op": "add", "path": "/responseTemplates/application~1json", "value": '{"m":$context.error.messageString}'}])
        self.assertEqual(up["statusCode"], "418")
        self.assertEqual(up["responseParameters"]["gatewayresponse.header.X-Extra"], "'1'")
        self.assertEqual(up["responseTemplates"], {"application/json": '{"m":$context.error.messageString}'})
        # updating an untouched type customizes it from its default
        up2 = self.gw.update_gateway_response(restApiId=api_id, responseType="THROTTLED", patchOperations=[
            {"op": "replace", "path": "/statusCode", "value": "503"}])
        self.assertEqual((up2["statusCode"], up2["defaultResponse"]), ("503", False))
        self.assertEqual(up2["responseTemplates"], DEFAULT_TEMPLATE)
        listed = {i["responseType"]: i for i in self.gw.get_gateway_responses(restApiId=api_id)["items"]}
        self.assertFalse(listed["DEFAULT_4XX"]["defaultResponse"])
        self.assertFalse(listed["THROTTLED"]["defaultResponse"])
        self.assertTrue(listed["ACCESS_DENIED"]["defaultResponse"])
        # paging with limit/position covers every type once
        seen, pos = [], None
        while True:
            kw = {"limit": 5}
            if pos:
                kw["position"] = pos
            page = self.gw.get_gateway_responses(restApiId=api_id, **kw)
            seen += [i["responseType"] for i in page["items"]]
            pos = page.get("position")
            if not pos:
                break
        self.assertEqual(sorted(seen), sorted(TYPES))

        self.gw.delete_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")
        back = self.gw.get_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")
        self.assertTrue(back["defaultResponse"])
        self.assertEqual(back["responseParameters"], {})
        e = self.client_error(self.gw.delete_gateway_response, restApiId=api_id, responseType="DEFAULT_4XX")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        self.assertEqual(e["ResponseMetadata"]["HTTPStatusCode"], 404)
        # errors
        # an unknown type fails AWS's enum validation (ValidationException, test_apigw_ls_control.py)
        e = self.client_error(self.gw.put_gateway_response, restApiId=api_id, responseType="NOPE_4XX")
        self.assertEqual(e["Error"]["Code"], "ValidationException")
        self.assertIn("responseType", e["Error"]["Message"])
        e = self.client_error(self.gw.get_gateway_response, restApiId=api_id, responseType="NOPE")
        self.assertEqual(e["Error"]["Code"], "ValidationException")
        e = self.client_error(self.gw.put_gateway_response, restApiId=api_id, responseType="DEFAULT_5XX",
                              responseParameters={"gatewayresponse.body.x": "'1'"})
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(self.gw.put_gateway_response, restApiId=api_id, responseType="DEFAULT_5XX",
                              responseParameters={"gatewayresponse.header.x": "integration.response.body"})
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(self.gw.put_gateway_response, restApiId=api_id, responseType="DEFAULT_5XX",
                              responseParameters={"gatewayresponse.header.x": "'a\r\nSet-Cookie: b'"})
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(self.gw.put_gateway_response, restApiId=api_id, responseType="DEFAULT_5XX",
                              statusCode="99x")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(self.gw.get_gateway_responses, restApiId="nope000000")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(self.gw.put_gateway_response, restApiId="nope000000", responseType="DEFAULT_4XX")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_cli(self):
        _, api, _ = self.nimbus.aws("apigateway", "create-rest-api", "--name", "gr-cli")
        _, out, _ = self.nimbus.aws("apigateway", "put-gateway-response", "--rest-api-id", api["id"],
                                    "--response-type", "UNAUTHORIZED", "--status-code", "401",
                                    "--response-parameters",
                                    '{"gatewayresponse.header.WWW-Authenticate": "\'Bearer\'"}')
        self.assertEqual(out["responseType"], "UNAUTHORIZED")
        _, out, _ = self.nimbus.aws("apigateway", "put-gateway-response", "--rest-api-id", api["id"],
                                    "--response-type", "THROTTLED")
        self.assertEqual((out["statusCode"], out["defaultResponse"]), ("429", False))   # its own status
        _, out, _ = self.nimbus.aws("apigateway", "get-gateway-responses", "--rest-api-id", api["id"])
        by = {i["responseType"]: i for i in out["items"]}
        self.assertEqual(len(by), len(TYPES))
        self.assertEqual(by["UNAUTHORIZED"]["responseParameters"],
                         {"gatewayresponse.header.WWW-Authenticate": "'Bearer'"})
        rc, _, _ = self.nimbus.aws("apigateway", "delete-gateway-response", "--rest-api-id", api["id"],
                                   "--response-type", "UNAUTHORIZED")
        self.assertEqual(rc, 0)
        rc, _, err = self.nimbus.aws("apigateway", "delete-gateway-response", "--rest-api-id", api["id"],
                                     "--response-type", "UNAUTHORIZED", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("NotFoundException", err)

    def test_effect_on_the_data_plane(self):
        api_id, root = self.api_with("gr-dp")
        self.mock(api_id, root, "ok")
        self.mock(api_id, root, "broken", responses=False)            # no integration response: 500
        v = self.gw.create_request_validator(restApiId=api_id, name="params", validateRequestParameters=True)
        self.mock(api_id, root, "needq", requestValidatorId=v["id"],
                  requestParameters={"method.request.querystring.q": True})
        self.mock(api_id, root, "keyed", apiKeyRequired=True)
        nofn = self.gw.create_resource(restApiId=api_id, parentId=root, pathPart="nofn")["id"]
        self.gw.put_method(restApiId=api_id, resourceId=nofn, httpMethod="GET", authorizationType="NONE")
        self.gw.put_integration(restApiId=api_id, resourceId=nofn, httpMethod="GET", type="AWS_PROXY",
                                integrationHttpMethod="POST",
                                uri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                                    "arn:aws:lambda:us-east-1:000000000000:function:absent/invocations")
        self.gw.create_deployment(restApiId=api_id, stageName="s")
        r = http("GET", self.url(api_id, "s", "/nofn"))
        self.assertEqual((r.status, r.json()), (500, {"message": "Internal server error"}))
        missing = self.url(api_id, "s", "/nothing-here")
        r = http("GET", missing)
        self.assertEqual((r.status, r.json()), (403, {"message": "Missing Authentication Token"}))
        self.assertIsNone(r.header("access-control-allow-origin"))

        self.gw.put_gateway_response(
            restApiId=api_id, responseType="DEFAULT_4XX",
            responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                                "gatewayresponse.header.X-Echo-Origin": "method.request.header.Origin",
                                "gatewayresponse.header.X-Q": "method.request.querystring.who"})
        self.gw.put_gateway_response(
            restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404",
            responseTemplates={"application/json":
                               '{"error":$context.error.messageString,"type":"$context.error.responseType",'
                               '"id":"$context.requestId","stage":"$context.stage"}'})
        self.gw.put_gateway_response(
            restApiId=api_id, responseType="DEFAULT_5XX", statusCode="503",
            responseParameters={"gatewayresponse.header.Retry-After": "'7'"},
            responseTemplates={"application/json": '{"oops":"$context.error.message"}'})
        self.gw.put_gateway_response(
            restApiId=api_id, responseType="API_CONFIGURATION_ERROR",
            responseTemplates={"application/json": '{"cfg":"$context.error.responseType"}'})
        self.gw.put_gateway_response(
            restApiId=api_id, responseType="BAD_REQUEST_PARAMETERS",
            responseTemplates={"application/json": '{"bad":"$context.error.validationErrorString"}'})
        # not deployed yet: the stage still answers as before
        r = http("GET", missing)
        self.assertEqual((r.status, r.json()), (403, {"message": "Missing Authentication Token"}))

        self.gw.create_deployment(restApiId=api_id, stageName="s")
        r = http("GET", missing + "?who=me", headers={"Origin": "https://app.example"})
        self.assertEqual(r.status, 404, r.body)
        body = r.json()
        self.assertEqual(body["error"], "Missing Authentication Token")
        self.assertEqual(body["type"], "MISSING_AUTHENTICATION_TOKEN")
        self.assertEqual(body["stage"], "s")
        self.assertTrue(body["id"])
        self.assertEqual(r.header("content-type"), "application/json")
        # its own customization has no parameters: DEFAULT_4XX's are not merged in
        self.assertIsNone(r.header("access-control-allow-origin"))

        # INVALID_API_KEY is not customized: DEFAULT_4XX's headers, its own 403 and message
        r = http("GET", self.url(api_id, "s", "/keyed?who=q1"), headers={"Origin": "https://o"})
        self.assertEqual((r.status, r.json()), (403, {"message": "Forbidden"}))
        self.assertEqual(r.header("access-control-allow-origin"), "*")
        self.assertEqual(r.header("x-echo-origin"), "https://o")
        self.assertEqual(r.header("x-q"), "q1")
        # BAD_REQUEST_PARAMETERS: its template
        r = http("GET", self.url(api_id, "s", "/needq"))
        self.assertEqual((r.status, r.json()), (400, {"bad": "Missing required request parameters: [q]"}))
        self.assertEqual(http("GET", self.url(api_id, "s", "/needq?q=1")).status, 200)
        # API_CONFIGURATION_ERROR (a function that cannot be invoked, a MOCK without integration
        # responses): its own customization (no statusCode: its 500), not DEFAULT_5XX's
        for path in ("/nofn", "/broken"):
            r = http("GET", self.url(api_id, "s", path))
            self.assertEqual((r.status, r.json()), (500, {"cfg": "API_CONFIGURATION_ERROR"}), path)
            self.assertIsNone(r.header("retry-after"))
        self.gw.delete_gateway_response(restApiId=api_id, responseType="API_CONFIGURATION_ERROR")
        self.gw.create_deployment(restApiId=api_id, stageName="s")
        # then DEFAULT_5XX's
        r = http("GET", self.url(api_id, "s", "/broken"))
        self.assertEqual((r.status, r.json()), (503, {"oops": "Internal server error"}))
        self.assertEqual(r.header("retry-after"), "7")
        # successes are untouched
        r = http("GET", self.url(api_id, "s", "/ok"))
        self.assertEqual((r.status, r.json()), (200, {"ok": True}))
        self.assertIsNone(r.header("access-control-allow-origin"))

        # deleting a customization takes effect at the next deployment
        self.gw.delete_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN")
        self.assertEqual(http("GET", missing).status, 404)
        self.gw.create_deployment(restApiId=api_id, stageName="s")
        r = http("GET", missing)
        self.assertEqual((r.status, r.json()), (403, {"message": "Missing Authentication Token"}))
        self.assertEqual(r.header("access-control-allow-origin"), "*")   # now DEFAULT_4XX's
        # DEFAULT_4XX's status code changes every uncustomized 4XX answer
        self.gw.update_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX", patchOperations=[
            {"op": "replace", "path": "/statusCode", "value": "400"}])
        self.gw.create_deployment(restApiId=api_id, stageName="s")
        self.assertEqual(http("GET", missing).status, 400)
        self.assertEqual(http("GET", self.url(api_id, "s", "/keyed")).status, 400)

    def test_quota_and_throttle_answers(self):
        api_id, root = self.api_with("gr-quota")
        self.mock(api_id, root, "k", apiKeyRequired=True)
        self.gw.create_deployment(restApiId=api_id, stageName="p")
        key = self.gw.create_api_key(name="gr-k", enabled=True)
        plan = self.gw.create_usage_plan(name="gr-q", apiStages=[{"apiId": api_id, "stage": "p"}],
                                         quota={"limit": 1, "period": "DAY"})
        self.gw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
        key2 = self.gw.create_api_key(name="gr-k2", enabled=True)
        plan2 = self.gw.create_usage_plan(name="gr-t", apiStages=[{"apiId": api_id, "stage": "p"}],
                                          throttle={"burstLimit": 1, "rateLimit": 0.01})
        self.gw.create_usage_plan_key(usagePlanId=plan2["id"], keyId=key2["id"], keyType="API_KEY")
        self.gw.put_gateway_response(restApiId=api_id, responseType="QUOTA_EXCEEDED",
                                     responseParameters={"gatewayresponse.header.X-Reason": "'quota'"},
                                     responseTemplates={"application/json": '{"q":"$context.error.responseType"}'})
        self.gw.put_gateway_response(restApiId=api_id, responseType="THROTTLED", statusCode="503",
                                     responseTemplates={"text/plain": "slow down: $context.error.message"})
        self.gw.create_deployment(restApiId=api_id, stageName="p")
        u = self.url(api_id, "p", "/k")
        self.assertEqual(http("GET", u, headers={"x-api-key": key["value"]}).status, 200)
        r = http("GET", u, headers={"x-api-key": key["value"]})
        self.assertEqual((r.status, r.json()), (429, {"q": "QUOTA_EXCEEDED"}))
        self.assertEqual(r.header("x-reason"), "quota")
        self.assertEqual(http("GET", u, headers={"x-api-key": key2["value"]}).status, 200)
        r = http("GET", u, headers={"x-api-key": key2["value"]})
        self.assertEqual((r.status, r.body), (503, b"slow down: Too Many Requests"))
        self.assertEqual(r.header("content-type"), "text/plain")

    def test_unauthorized_from_authorizer(self):
        api_id, root = self.api_with("gr-auth")
        az = self.gw.create_authorizer(restApiId=api_id, name="tok", type="TOKEN",
                                       authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                                                     "arn:aws:lambda:us-east-1:000000000000:function:none/invocations",
                                       identitySource="method.request.header.Authorization")
        self.mock(api_id, root, "s", authorizationType="CUSTOM", authorizerId=az["id"])
        self.gw.put_gateway_response(restApiId=api_id, responseType="UNAUTHORIZED",
                                     responseParameters={"gatewayresponse.header.WWW-Authenticate": "'Bearer'"})
        self.gw.create_deployment(restApiId=api_id, stageName="p")
        r = http("GET", self.url(api_id, "p", "/s"))   # no token: 401 without calling the function
        self.assertEqual((r.status, r.json()), (401, {"message": "Unauthorized"}))
        self.assertEqual(r.header("www-authenticate"), "Bearer")

    def test_import_and_put_rest_api(self):
        doc = {"openapi": "3.0.1", "info": {"title": "gr-import", "version": "1"},
               "x-amazon-apigateway-gateway-responses": {
                   "DEFAULT_4XX": {"responseParameters": {
                       "gatewayresponse.header.Access-Control-Allow-Origin": "'https://site.example'"},
                       "responseTemplates": {"application/json": '{"msg":$context.error.messageString}'}},
                   "MISSING_AUTHENTICATION_TOKEN": {"statusCode": 404}},
               "paths": {"/ok": {"get": {"x-amazon-apigateway-integration": {
                   "type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                   "responses": {"default": {"statusCode": "200"}}}}}}}
        api = self.gw.import_rest_api(body=json.dumps(doc).encode())
        by = {i["responseType"]: i for i in self.gw.get_gateway_responses(restApiId=api["id"])["items"]}
        self.assertFalse(by["DEFAULT_4XX"]["defaultResponse"])
        self.assertEqual(by["DEFAULT_4XX"]["responseParameters"],
                         {"gatewayresponse.header.Access-Control-Allow-Origin": "'https://site.example'"})
        self.assertEqual(by["MISSING_AUTHENTICATION_TOKEN"]["statusCode"], "404")
        self.assertTrue(by["THROTTLED"]["defaultResponse"])
        self.gw.create_deployment(restApiId=api["id"], stageName="v")
        r = http("GET", self.url(api["id"], "v", "/missing"))
        self.assertEqual((r.status, r.json()), (404, {"message": "Missing Authentication Token"}))
        # PutRestApi overwrite: the definition's gateway responses replace the old ones
        doc["x-amazon-apigateway-gateway-responses"] = {"DEFAULT_5XX": {"statusCode": "502"}}
        self.gw.put_rest_api(restApiId=api["id"], mode="overwrite", body=json.dumps(doc).encode())
        by = {i["responseType"]: i for i in self.gw.get_gateway_responses(restApiId=api["id"])["items"]}
        self.assertTrue(by["DEFAULT_4XX"]["defaultResponse"])
        self.assertTrue(by["MISSING_AUTHENTICATION_TOKEN"]["defaultResponse"])
        self.assertEqual((by["DEFAULT_5XX"]["statusCode"], by["DEFAULT_5XX"]["defaultResponse"]), ("502", False))
        # merge: the definition's are added to the API's
        doc["x-amazon-apigateway-gateway-responses"] = {"THROTTLED": {"statusCode": "503"}}
        self.gw.put_rest_api(restApiId=api["id"], mode="merge", body=json.dumps(doc).encode())
        by = {i["responseType"]: i for i in self.gw.get_gateway_responses(restApiId=api["id"])["items"]}
        self.assertEqual((by["DEFAULT_5XX"]["statusCode"], by["THROTTLED"]["statusCode"]), ("502", "503"))
        self.assertFalse(by["THROTTLED"]["defaultResponse"])
        bad = dict(doc)
        bad["x-amazon-apigateway-gateway-responses"] = {"NOT_A_TYPE": {"statusCode": "400"}}
        e = self.client_error(self.gw.import_rest_api, body=json.dumps(bad).encode())
        self.assertEqual(e["Error"]["Code"], "BadRequestException")


    def test_zz_customizations_survive_restart(self):
        api_id, root = self.api_with("gr-durable")
        self.mock(api_id, root, "ok")
        self.gw.put_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX", statusCode="404",
                                     responseParameters={"gatewayresponse.header.X-Durable": "'yes'"})
        self.gw.create_deployment(restApiId=api_id, stageName="s")
        data = self.nimbus.data_dir
        self.nimbus.stop()
        n2 = Nimbus(data_dir=data).start()
        try:
            gw = n2.client("apigateway")
            self.assertFalse(gw.get_gateway_response(restApiId=api_id, responseType="DEFAULT_4XX")["defaultResponse"])
            r = http("GET", invoke_url(n2.endpoint, api_id, "s", "/missing"))
            self.assertEqual((r.status, r.header("x-durable")), (404, "yes"))
        finally:
            n2.stop()
            shutil.rmtree(data, ignore_errors=True)
            type(self).nimbus = Nimbus().start()   # the class's nimbus for any later test


class MethodAndIntegrationResponseUpdates(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")

    def test_patch_operations(self):
        api = self.gw.create_rest_api(name="patches")
        root = [r for r in self.gw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"][0]["id"]
        rid = self.gw.create_resource(restApiId=api["id"], parentId=root, pathPart="m")["id"]
        ids = {"restApiId": api["id"], "resourceId": rid, "httpMethod": "GET"}
        self.gw.put_method(authorizationType="NONE", **ids)
        self.gw.put_integration(type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'}, **ids)
        self.gw.put_method_response(statusCode="200", **ids)
        self.gw.put_integration_response(statusCode="200", responseTemplates={"application/json": '{"v": 1}'}, **ids)
        self.gw.create_deployment(restApiId=api["id"], stageName="s")
        u = invoke_url(self.nimbus.endpoint, api["id"], "s", "/m")
        self.assertEqual(http("GET", u).json(), {"v": 1})

        mr = self.gw.update_method_response(statusCode="200", patchOperations=[
            {"op": "add", "path": "/responseParameters/method.response.header.X-Ver", "value": "false"},
            {"op": "add", "path": "/responseModels/application~1json", "value": "Empty"}], **ids)
        self.assertEqual(mr["responseParameters"], {"method.response.header.X-Ver": False})
        self.assertEqual(mr["responseModels"], {"application/json": "Empty"})
        self.assertEqual(mr["statusCode"], "200")
        got = self.gw.get_method_response(statusCode="200", **ids)
        self.assertEqual(got["responseParameters"], {"method.response.header.X-Ver": False})
        mr = self.gw.update_method_response(statusCode="200", patchOperations=[
            {"op": "remove", "path": "/responseParameters/method.response.header.X-Ver"}], **ids)
        self.assertEqual(mr.get("responseParameters", {}), {})

        ir = self.gw.update_integration_response(statusCode="200", patchOperations=[
            {"op": "replace", "path": "/responseTemplates/application~1json", "value": '{"v": 2}'},
            {"op": "add", "path": "/responseParameters/method.response.header.X-Ver", "value": "'two'"}], **ids)
        self.assertEqual(ir["responseTemplates"], {"application/json": '{"v": 2}'})
        self.assertEqual(ir["responseParameters"], {"method.response.header.X-Ver": "'two'"})
        self.assertEqual(self.gw.get_integration_response(statusCode="200", **ids)["responseTemplates"],
                         {"application/json": '{"v": 2}'})
        self.assertEqual(http("GET", u).json(), {"v": 1})   # not deployed yet
        self.gw.create_deployment(restApiId=api["id"], stageName="s")
        r = http("GET", u)
        self.assertEqual((r.json(), r.header("x-ver")), ({"v": 2}, "two"))

        for fn in (self.gw.update_method_response, self.gw.update_integration_response):
            e = self.client_error(fn, statusCode="404", patchOperations=[], **ids)
            self.assertEqual(e["Error"]["Code"], "NotFoundException")
            e = self.client_error(fn, statusCode="200", patchOperations=[], restApiId=api["id"], resourceId="nope00",
                                  httpMethod="GET")
            self.assertEqual(e["Error"]["Code"], "NotFoundException")
        rc, out, _ = self.nimbus.aws("apigateway", "update-integration-response", "--rest-api-id", api["id"],
                                     "--resource-id", rid, "--http-method", "GET", "--status-code", "200",
                                     "--patch-operations",
                                     json.dumps([{"op": "replace", "path": "/selectionPattern", "value": "2\\d{2}"}]))
        self.assertEqual(out["selectionPattern"], "2\\d{2}")


if __name__ == "__main__":
    unittest.main()
