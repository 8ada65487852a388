"""API Gateway account settings and stage caches end to end (boto3, the AWS
CLI): GetAccount / UpdateAccount (cloudwatchRoleArn, kept across a
restart; the account throttle in force), FlushStageAuthorizersCache (REST)
and ResetAuthorizersCache (HTTP API) making the next request call the Lambda
authorizer again, FlushStageCache, and v2 DeleteRouteRequestParameter."""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http, invoke_url, lambda_uri  # noqa: E402
from harness import Nimbus  # noqa: E402

ROLE = "arn:aws:iam::000000000000:role/apigw-logs"


class AccountAndCaches(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.nimbus.client("lambda")
        cls.fn = {m: create_function(cls.lam, "acfn-" + m, m) for m in ("echo", "auth")}

    def test_flush_stage_authorizers_cache(self):
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="cached-auth")["id"]
        root = gw.get_resources(restApiId=api)["items"][0]["id"]
        az = gw.create_authorizer(restApiId=api, name="tok", type="TOKEN", authorizerUri=lambda_uri(self.fn["auth"]),
                                  identitySource="method.request.header.Authorization",
                                  authorizerResultTtlInSeconds=300)
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="CUSTOM",
                      authorizerId=az["id"])
        gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="AWS_PROXY",
                           integrationHttpMethod="POST", uri=lambda_uri(self.fn["echo"]))
        gw.create_deployment(restApiId=api, stageName="p")
        u = invoke_url(self.nimbus.endpoint, api, "p", "/")

        def stamp():
            r = http("GET", u, headers={"Authorization": "allow"})
            # a 500 here is the authorizer failing (AuthorizerConfigurationException: its
            # function erred or outlived the 10 s authorizer deadline), not the cache
            self.assertEqual(r.status, 200, (r.body, r.header("x-amzn-ErrorType")))
            return r.json()["requestContext"]["authorizer"]["n"]
        first = stamp()
        self.assertEqual(stamp(), first)   # cached
        gw.flush_stage_authorizers_cache(restApiId=api, stageName="p")
        second = stamp()
        self.assertNotEqual(second, first)  # the function ran again
        self.assertEqual(stamp(), second)
        rc, _, _ = self.nimbus.aws("apigateway", "flush-stage-authorizers-cache", "--rest-api-id", api,
                                   "--stage-name", "p")
        self.assertEqual(rc, 0)
        self.assertNotEqual(stamp(), second)
        gw.flush_stage_cache(restApiId=api, stageName="p")
        for fn in (gw.flush_stage_authorizers_cache, gw.flush_stage_cache):
            e = self.client_error(fn, restApiId=api, stageName="nope")
            self.assertEqual(e["Error"]["Code"], "NotFoundException")
            e = self.client_error(fn, restApiId="nope000000", stageName="p")
            self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def _rest_api_with_authorizer(self, fn_arn, name):
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name=name)["id"]
        root = gw.get_resources(restApiId=api)["items"][0]["id"]
        az = gw.create_authorizer(restApiId=api, name="tok", type="TOKEN", authorizerUri=lambda_uri(fn_arn),
                                  identitySource="method.request.header.Authorization",
                                  authorizerResultTtlInSeconds=300)
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="CUSTOM",
                      authorizerId=az["id"])
        gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="AWS_PROXY",
                           integrationHttpMethod="POST", uri=lambda_uri(self.fn["echo"]))
        gw.create_deployment(restApiId=api, stageName="p")
        return invoke_url(self.nimbus.endpoint, api, "p", "/")

    def test_failed_authorizer_is_configuration_error(self):
        """An authorizer whose function fails, times out (its own Timeout) or outlives the
        gateway's 10 s authorizer deadline: 500 {"message": null} with x-amzn-ErrorType
        AuthorizerConfigurationException, as AWS answers; nothing cached, the integration
        never called. (The deadline used to answer 504 "Endpoint request timed out", and
        a function error 500 "Internal server error" without the type.)"""
        cases = (("fail", create_function(self.lam, "acfn-fail", "fail")),
                 ("fn-timeout", create_function(self.lam, "acfn-sleep3", "sleep", timeout=3)),
                 ("deadline", create_function(self.lam, "acfn-sleep12", "sleep", timeout=20,
                                              env={"SLEEP_S": "12"})))
        for label, fn in cases:
            u = self._rest_api_with_authorizer(fn, "failing-auth-" + label)
            for _ in range(2 if label == "fail" else 1):   # a failure is not cached
                r = http("GET", u, headers={"Authorization": "allow"})
                self.assertEqual((r.status, r.json()), (500, {"message": None}), label)
                self.assertEqual(r.header("x-amzn-ErrorType"), "AuthorizerConfigurationException", label)

    def test_cached_policy_judged_for_each_method(self):
        """A cached authorizer answer is its policy, judged again for the method asking: the
        function allows only the methodArn it was called for, so with one token a second method
        is denied implicitly (403 "User is not authorized to access this resource"), as AWS does."""
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="cached-policy")["id"]
        root = gw.get_resources(restApiId=api)["items"][0]["id"]
        az = gw.create_authorizer(restApiId=api, name="tok", type="TOKEN", authorizerUri=lambda_uri(self.fn["auth"]),
                                  identitySource="method.request.header.Authorization",
                                  authorizerResultTtlInSeconds=300)["id"]
        for part in ("a", "b"):
            rid = gw.create_resource(restApiId=api, parentId=root, pathPart=part)["id"]
            gw.put_method(restApiId=api, resourceId=rid, httpMethod="GET", authorizationType="CUSTOM",
                          authorizerId=az)
            gw.put_integration(restApiId=api, resourceId=rid, httpMethod="GET", type="AWS_PROXY",
                               integrationHttpMethod="POST", uri=lambda_uri(self.fn["echo"]))
        gw.create_deployment(restApiId=api, stageName="p")
        r = http("GET", invoke_url(self.nimbus.endpoint, api, "p", "/a"), headers={"Authorization": "allow"})
        self.assertEqual(r.status, 200, r.body)
        r = http("GET", invoke_url(self.nimbus.endpoint, api, "p", "/b"), headers={"Authorization": "allow"})
        self.assertEqual((r.status, r.json()), (403, {"message": "User is not authorized to access this resource"}))
        self.assertEqual(r.header("x-amzn-ErrorType"), "AccessDeniedException")
        gw.flush_stage_authorizers_cache(restApiId=api, stageName="p")
        r = http("GET", invoke_url(self.nimbus.endpoint, api, "p", "/b"), headers={"Authorization": "allow"})
        self.assertEqual(r.status, 200, r.body)

    def test_reset_authorizers_cache_v2(self):
        gw2 = self.nimbus.client("apigatewayv2")
        api = gw2.create_api(Name="cached-v2", ProtocolType="HTTP")["ApiId"]
        az = gw2.create_authorizer(ApiId=api, AuthorizerType="REQUEST", Name="a", AuthorizerUri=self.fn["auth"],
                                   IdentitySource=["$request.header.Authorization"],
                                   AuthorizerPayloadFormatVersion="2.0", AuthorizerResultTtlInSeconds=300)
        integ = gw2.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=self.fn["echo"],
                                       PayloadFormatVersion="2.0")["IntegrationId"]
        gw2.create_route(ApiId=api, RouteKey="GET /s", Target="integrations/" + integ, AuthorizationType="CUSTOM",
                         AuthorizerId=az["AuthorizerId"])
        gw2.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
        u = invoke_url(self.nimbus.endpoint, api, "$default", "/s")

        def stamp():
            r = http("GET", u, headers={"Authorization": "allow"})
            self.assertEqual(r.status, 200, r.body)
            return r.json()["requestContext"]["authorizer"]["lambda"]["n"]
        first = stamp()
        self.assertEqual(stamp(), first)
        gw2.reset_authorizers_cache(ApiId=api, StageName="$default")
        self.assertNotEqual(stamp(), first)
        e = self.client_error(gw2.reset_authorizers_cache, ApiId=api, StageName="nope")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_delete_route_request_parameter(self):
        gw2 = self.nimbus.client("apigatewayv2")
        api = gw2.create_api(Name="ws-params", ProtocolType="WEBSOCKET",
                             RouteSelectionExpression="$request.body.action")["ApiId"]
        route = gw2.create_route(ApiId=api, RouteKey="$connect", RequestParameters={
            "route.request.header.x-a": {"Required": True}, "route.request.querystring.q": {"Required": False}})
        rid = route["RouteId"]
        gw2.delete_route_request_parameter(ApiId=api, RouteId=rid, RequestParameterKey="route.request.header.x-a")
        self.assertEqual(gw2.get_route(ApiId=api, RouteId=rid)["RequestParameters"],
                         {"route.request.querystring.q": {"Required": False}})
        e = self.client_error(gw2.delete_route_request_parameter, ApiId=api, RouteId=rid,
                              RequestParameterKey="route.request.header.x-a")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(gw2.delete_route_request_parameter, ApiId=api, RouteId="nope",
                              RequestParameterKey="route.request.querystring.q")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_zz_account_settings_survive_restart(self):
        gw = self.nimbus.client("apigateway")
        acct = gw.get_account()
        self.assertEqual(acct["throttleSettings"], {"burstLimit": 5000, "rateLimit": 10000.0})
        self.assertNotIn("cloudwatchRoleArn", acct)
        self.assertEqual(acct["features"], ["UsagePlans"])
        out = gw.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": ROLE}])
        self.assertEqual(out["cloudwatchRoleArn"], ROLE)
        self.assertEqual(gw.get_account()["cloudwatchRoleArn"], ROLE)
        for ops in ([{"op": "replace", "path": "/throttleSettings/burstLimit", "value": "1"}],
                    [{"op": "replace", "path": "/cloudwatchRoleArn", "value": "not-an-arn"}]):
            e = self.client_error(gw.update_account, patchOperations=ops)
            self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(gw.get_account()["cloudwatchRoleArn"], ROLE)   # nothing half-applied
        _, cli, _ = self.nimbus.aws("apigateway", "get-account")
        self.assertEqual(cli["cloudwatchRoleArn"], ROLE)

        data = self.nimbus.data_dir
        self.nimbus.stop()
        n2 = Nimbus(data_dir=data).start()
        try:
            gw2 = n2.client("apigateway")
            self.assertEqual(gw2.get_account()["cloudwatchRoleArn"], ROLE)
            gw2.update_account(patchOperations=[{"op": "remove", "path": "/cloudwatchRoleArn"}])
            self.assertNotIn("cloudwatchRoleArn", gw2.get_account())
        finally:
            n2.stop()
            shutil.rmtree(data, ignore_errors=True)
            type(self).nimbus = Nimbus().start()   # the class's nimbus for any later test


if __name__ == "__main__":
    unittest.main()
