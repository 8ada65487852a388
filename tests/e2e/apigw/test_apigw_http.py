"""HTTP APIs end to end: quick create, both invocation URL forms, payload
formats 2.0 and 1.0 field by field, routing precedence and 404, response
mapping (plain JSON, cookies, base64, malformed → 500, function error → 500,
timeout → 503, as HTTP APIs answer), stage variables, CORS preflight, throttling, HTTP_PROXY,
Lambda REQUEST authorizers and import from OpenAPI."""
import http.server as hs
import json
import os
import sys
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http, invoke_url  # noqa: E402


class HttpApis(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.nimbus.client("lambda")
        cls.gw = cls.nimbus.client("apigatewayv2")
        cls.fn = {m: create_function(cls.lam, "fn-" + m, m) for m in
                  ("echo", "plain", "garbage", "fail", "sleep", "status", "auth")}

    def url(self, api_id, path, stage="$default"):
        return invoke_url(self.nimbus.endpoint, api_id, stage, path)

    def integration(self, api_id, fn, fmt="2.0", **kw):
        return self.gw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=self.fn[fn],
                                          PayloadFormatVersion=fmt, **kw)["IntegrationId"]

    def test_quick_create_and_event_v2(self):
        api = self.gw.create_api(Name="quick", ProtocolType="HTTP", Target=self.fn["echo"])
        self.assertTrue(api["ApiEndpoint"].startswith("http://%s.execute-api.localhost:" % api["ApiId"]))
        stages = self.gw.get_stages(ApiId=api["ApiId"])["Items"]
        self.assertEqual([s["StageName"] for s in stages], ["$default"])
        self.assertTrue(stages[0]["AutoDeploy"])
        r = http("POST", self.url(api["ApiId"], "/a/b?x=1&x=2&y=z"), body='{"k":"v"}',
                 headers={"Cookie": "c1=v1; c2=v2", "X-Dup": "one", "Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("x-fn"), "echo")
        ev = r.json()
        self.assertEqual(ev["version"], "2.0")
        self.assertEqual(ev["routeKey"], "$default")
        self.assertEqual(ev["rawPath"], "/a/b")
        self.assertEqual(ev["rawQueryString"], "x=1&x=2&y=z")
        self.assertEqual(ev["cookies"], ["c1=v1", "c2=v2"])
        self.assertEqual(ev["queryStringParameters"], {"x": "1,2", "y": "z"})
        self.assertEqual(ev["headers"]["x-dup"], "one")
        self.assertNotIn("cookie", ev["headers"])
        self.assertEqual(ev["body"], '{"k":"v"}')
        self.assertFalse(ev["isBase64Encoded"])
        rc = ev["requestContext"]
        for k in ("accountId", "apiId", "domainName", "domainPrefix", "http", "requestId", "routeKey", "stage",
                  "time", "timeEpoch"):
            self.assertIn(k, rc)
        self.assertEqual(rc["apiId"], api["ApiId"])
        self.assertEqual(rc["stage"], "$default")
        self.assertEqual(rc["http"]["method"], "POST")
        self.assertEqual(rc["http"]["path"], "/a/b")
        self.assertEqual(rc["http"]["sourceIp"], "127.0.0.1")
        self.assertEqual(rc["http"]["protocol"], "HTTP/1.1")
        self.assertIn("userAgent", rc["http"])

    def test_host_header_form(self):
        api = self.gw.create_api(Name="host", ProtocolType="HTTP", Target=self.fn["plain"])
        host = "%s.execute-api.localhost" % api["ApiId"]
        r = http("GET", self.nimbus.endpoint + "/anything", headers={"Host": host})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"hello": "world"})
        self.assertEqual(r.header("content-type"), "application/json")

    def test_routes_precedence_params_and_404(self):
        api_id = self.gw.create_api(Name="routes", ProtocolType="HTTP")["ApiId"]
        iid = self.integration(api_id, "echo")
        for rk in ("GET /users/{id}", "GET /users/me", "ANY /files/{proxy+}", "POST /users"):
            self.gw.create_route(ApiId=api_id, RouteKey=rk, Target="integrations/" + iid)
        self.gw.create_stage(ApiId=api_id, StageName="prod", StageVariables={"color": "blue"})
        # a stage without auto-deploy serves nothing until deployed, then its deployment
        self.assertEqual(http("GET", self.url(api_id, "/users/me", "prod")).status, 404)
        self.gw.create_deployment(ApiId=api_id, StageName="prod")
        self.gw.create_route(ApiId=api_id, RouteKey="GET /later", Target="integrations/" + iid)
        self.assertEqual(http("GET", self.url(api_id, "/later", "prod")).status, 404)
        def rk(method, path):
            r = http(method, self.url(api_id, path, "prod"))
            return r.status, (r.json()["routeKey"] if r.status == 200 else r.json())
        self.assertEqual(rk("GET", "/users/me"), (200, "GET /users/me"))
        self.assertEqual(rk("GET", "/users/42"), (200, "GET /users/{id}"))
        self.assertEqual(rk("DELETE", "/files/a/b/c"), (200, "ANY /files/{proxy+}"))
        self.assertEqual(rk("PUT", "/users"), (404, {"message": "Not Found"}))
        self.assertEqual(rk("GET", "/nothing"), (404, {"message": "Not Found"}))
        ev = http("GET", self.url(api_id, "/users/a%20b", "prod")).json()
        self.assertEqual(ev["pathParameters"], {"id": "a b"})
        self.assertEqual(ev["stageVariables"], {"color": "blue"})
        self.assertEqual(ev["rawPath"], "/prod/users/a b")   # HTTP APIs hand the path over decoded
        self.assertEqual(ev["requestContext"]["stage"], "prod")
        ev = http("GET", self.url(api_id, "/files/x/y.txt", "prod")).json()
        self.assertEqual(ev["pathParameters"], {"proxy": "x/y.txt"})
        # unknown stage and unknown API
        self.assertEqual(http("GET", self.url(api_id, "/users/me", "nope")).status, 404)
        self.assertEqual(http("GET", self.url("zzzzzzzzzz", "/x", "prod")).json(), {"message": "Not Found"})

    def test_payload_v1(self):
        api_id = self.gw.create_api(Name="v1", ProtocolType="HTTP")["ApiId"]
        iid = self.integration(api_id, "echo", fmt="1.0")
        self.gw.create_route(ApiId=api_id, RouteKey="GET /items/{id}", Target="integrations/" + iid)
        self.gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
        r = http("GET", self.url(api_id, "/items/7?a=1&a=2"), headers={"X-M": "v"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header_all("x-multi"), ["a", "b"])   # multiValueHeaders mapped
        ev = r.json()
        for k in ("resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
                  "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext", "body",
                  "isBase64Encoded"):
            self.assertIn(k, ev)
        self.assertEqual(ev["resource"], "/items/{id}")
        self.assertEqual(ev["path"], "/items/7")
        self.assertEqual(ev["httpMethod"], "GET")
        self.assertEqual(ev["queryStringParameters"], {"a": "2"})
        self.assertEqual(ev["multiValueQueryStringParameters"], {"a": ["1", "2"]})
        self.assertEqual(ev["pathParameters"], {"id": "7"})
        self.assertIsNone(ev["body"])
        self.assertEqual(ev["requestContext"]["identity"]["sourceIp"], "127.0.0.1")

    def test_response_mapping_and_failures(self):
        api_id = self.gw.create_api(Name="resp", ProtocolType="HTTP")["ApiId"]
        for fn, rk, fmt in (("status", "GET /status", "2.0"), ("garbage", "GET /garbage", "1.0"),
                            ("fail", "GET /fail", "2.0"), ("plain", "GET /plain", "2.0")):
            iid = self.integration(api_id, fn, fmt=fmt)
            self.gw.create_route(ApiId=api_id, RouteKey=rk, Target="integrations/" + iid)
        iid = self.integration(api_id, "sleep", TimeoutInMillis=1000)
        self.gw.create_route(ApiId=api_id, RouteKey="GET /slow", Target="integrations/" + iid)
        self.gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
        r = http("GET", self.url(api_id, "/status"))
        self.assertEqual(r.status, 201)
        self.assertEqual(r.body, b"hi")
        self.assertEqual(r.header("x-num"), "7")
        self.assertEqual(sorted(r.header_all("set-cookie")), ["c1=v1", "c2=v2"])
        # HTTP APIs: 500 {"message":"Internal Server Error"} (REST APIs: 502)
        r = http("GET", self.url(api_id, "/garbage"))
        self.assertEqual((r.status, r.json()), (500, {"message": "Internal Server Error"}))
        r = http("GET", self.url(api_id, "/fail"))
        self.assertEqual((r.status, r.json()), (500, {"message": "Internal Server Error"}))
        r = http("GET", self.url(api_id, "/plain"))
        self.assertEqual((r.status, r.json()), (200, {"hello": "world"}))
        t = time.time()
        r = http("GET", self.url(api_id, "/slow"))
        self.assertEqual((r.status, r.json()), (504, {"message": "Endpoint request timed out"}))
        self.assertLess(time.time() - t, 4.5)

    def test_cors_preflight_and_headers(self):
        api = self.gw.create_api(Name="cors", ProtocolType="HTTP", Target=self.fn["plain"],
                                 CorsConfiguration={"AllowOrigins": ["https://app.example"],
                                                    "AllowMethods": ["GET", "POST"], "AllowHeaders": ["content-type"],
                                                    "MaxAge": 600, "ExposeHeaders": ["x-id"]})
        r = http("OPTIONS", self.url(api["ApiId"], "/x"), headers={"Origin": "https://app.example",
                                                                   "Access-Control-Request-Method": "POST"})
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("access-control-allow-origin"), "https://app.example")
        self.assertEqual(r.header("access-control-allow-methods"), "GET,POST")
        self.assertEqual(r.header("access-control-allow-headers"), "content-type")
        self.assertEqual(r.header("access-control-max-age"), "600")
        r = http("GET", self.url(api["ApiId"], "/x"), headers={"Origin": "https://app.example"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("access-control-allow-origin"), "https://app.example")
        self.assertEqual(r.header("access-control-expose-headers"), "x-id")
        r = http("GET", self.url(api["ApiId"], "/x"), headers={"Origin": "https://evil.example"})
        self.assertIsNone(r.header("access-control-allow-origin"))
        self.gw.delete_cors_configuration(ApiId=api["ApiId"])
        self.assertNotIn("CorsConfiguration", self.gw.get_api(ApiId=api["ApiId"]))

    def test_throttling_burst_then_429(self):
        api = self.gw.create_api(Name="thr", ProtocolType="HTTP", Target=self.fn["plain"])
        self.gw.update_stage(ApiId=api["ApiId"], StageName="$default",
                             DefaultRouteSettings={"ThrottlingBurstLimit": 2, "ThrottlingRateLimit": 0.01})
        codes = [http("GET", self.url(api["ApiId"], "/t")).status for _ in range(4)]
        self.assertEqual(codes[:2], [200, 200])
        self.assertEqual(codes[2:], [429, 429])
        r = http("GET", self.url(api["ApiId"], "/t"))
        self.assertEqual(r.json(), {"message": "Too Many Requests"})

    def test_route_level_throttling(self):
        api_id = self.gw.create_api(Name="thr-route", ProtocolType="HTTP")["ApiId"]
        iid = self.integration(api_id, "plain")
        for rk in ("GET /limited", "GET /free"):
            self.gw.create_route(ApiId=api_id, RouteKey=rk, Target="integrations/" + iid)
        self.gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True,
                             RouteSettings={"GET /limited": {"ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 0.01}})
        self.assertEqual([http("GET", self.url(api_id, "/limited")).status for _ in range(2)], [200, 429])
        self.assertEqual([http("GET", self.url(api_id, "/free")).status for _ in range(3)], [200, 200, 200])

    def test_lambda_request_authorizer_simple(self):
        api_id = self.gw.create_api(Name="authz", ProtocolType="HTTP")["ApiId"]
        fn_arn = create_function(self.lam, "auth-simple", "auth", env={"SIMPLE": "1"})
        az = self.gw.create_authorizer(ApiId=api_id, AuthorizerType="REQUEST", Name="a", AuthorizerUri=fn_arn,
                                       IdentitySource=["$request.header.Authorization"],
                                       AuthorizerPayloadFormatVersion="2.0", EnableSimpleResponses=True,
                                       AuthorizerResultTtlInSeconds=300)
        iid = self.integration(api_id, "echo")
        self.gw.create_route(ApiId=api_id, RouteKey="GET /secret", Target="integrations/" + iid,
                             AuthorizationType="CUSTOM", AuthorizerId=az["AuthorizerId"])
        self.gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
        self.assertEqual(http("GET", self.url(api_id, "/secret")).status, 401)
        r = http("GET", self.url(api_id, "/secret"), headers={"Authorization": "deny"})
        self.assertEqual((r.status, r.json()), (403, {"message": "Forbidden"}))
        r = http("GET", self.url(api_id, "/secret"), headers={"Authorization": "allow"})
        self.assertEqual(r.status, 200, r.body)
        ctx = r.json()["requestContext"]["authorizer"]["lambda"]
        self.assertEqual(ctx["user"], "u1")
        # cached: the same identity gets the same context (the function stamps a fresh n each call)
        r2 = http("GET", self.url(api_id, "/secret"), headers={"Authorization": "allow"})
        self.assertEqual(r2.json()["requestContext"]["authorizer"]["lambda"]["n"], ctx["n"])

    def test_http_proxy(self):
        class H(hs.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({"path": self.path, "xff": self.headers.get_all("X-Forwarded-For"),
                                   "forwarded": self.headers.get_all("Forwarded"),
                                   "via": self.headers.get_all("Via")}).encode()
                self.send_response(203)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Backend", "yes")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass
        srv = hs.HTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            port = srv.server_address[1]
            api_id = self.gw.create_api(Name="proxy", ProtocolType="HTTP")["ApiId"]
            iid = self.gw.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                                             IntegrationUri="http://127.0.0.1:%d/base/{proxy}" % port,
                                             PayloadFormatVersion="1.0")["IntegrationId"]
            self.gw.create_route(ApiId=api_id, RouteKey="ANY /{proxy+}", Target="integrations/" + iid)
            self.gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
            r = http("GET", self.url(api_id, "/a/b?q=1"))
            self.assertEqual(r.status, 203, r.body)
            self.assertEqual(r.header("x-backend"), "yes")
            host = urllib.parse.urlsplit(self.url(api_id, "/")).netloc
            # Forwarded and Via as an HTTP API's HTTP_PROXY echo captured them (aws/api-gateway/forwarded-header's
            # README: "forwarded": "by=…;for=…;host={api host};proto=https", "via": "HTTP/1.1 AmazonAPIGateway")
            self.assertEqual(r.json(), {"path": "/base/a/b?q=1", "xff": ["127.0.0.1"],
                                        "forwarded": ["by=127.0.0.1;for=127.0.0.1;host=%s;proto=http" % host],
                                        "via": ["HTTP/1.1 AmazonAPIGateway"]})
            # one X-Forwarded-For: the client's, the gateway's peer appended (never two headers); the
            # client's own Via and Forwarded are replaced by the gateway's
            r = http("GET", self.url(api_id, "/a"), headers={"X-Forwarded-For": "10.1.2.3", "Via": "1.1 client",
                                                             "Forwarded": "for=10.1.2.3"})
            self.assertEqual((r.json()["xff"], r.json()["via"], len(r.json()["forwarded"])),
                             (["10.1.2.3, 127.0.0.1"], ["HTTP/1.1 AmazonAPIGateway"], 1))
            # an unreachable backend
            iid2 = self.gw.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="GET",
                                              IntegrationUri="http://127.0.0.1:1/x",
                                              PayloadFormatVersion="1.0")["IntegrationId"]
            self.gw.create_route(ApiId=api_id, RouteKey="GET /down", Target="integrations/" + iid2)
            self.assertEqual(http("GET", self.url(api_id, "/down")).status, 500)
        finally:
            srv.shutdown()

    def test_import_and_reimport_openapi(self):
        doc = {"openapi": "3.0.1", "info": {"title": "imported-api", "version": "1.0"},
               "x-amazon-apigateway-cors": {"allowOrigins": ["*"], "allowMethods": ["GET"]},
               "paths": {"/pets/{id}": {"get": {"x-amazon-apigateway-integration": {
                   "type": "aws_proxy", "uri": self.fn["echo"], "payloadFormatVersion": "2.0"}}}}}
        api = self.gw.import_api(Body=json.dumps(doc))
        self.assertEqual(api["Name"], "imported-api")
        routes = self.gw.get_routes(ApiId=api["ApiId"])["Items"]
        self.assertEqual([r["RouteKey"] for r in routes], ["GET /pets/{id}"])
        self.gw.create_stage(ApiId=api["ApiId"], StageName="$default", AutoDeploy=True)
        r = http("GET", self.url(api["ApiId"], "/pets/3"))
        self.assertEqual(r.json()["pathParameters"], {"id": "3"})
        doc["paths"] = {"/cats": {"post": doc["paths"]["/pets/{id}"]["get"]}}
        self.gw.reimport_api(ApiId=api["ApiId"], Body=json.dumps(doc))
        routes = self.gw.get_routes(ApiId=api["ApiId"])["Items"]
        self.assertEqual([r["RouteKey"] for r in routes], ["POST /cats"])
        self.assertEqual(http("GET", self.url(api["ApiId"], "/pets/3")).status, 404)
        with self.assertRaises(Exception) as cm:
            self.gw.import_api(Body="{not json: [nor yaml")
        self.assertIn("BadRequestException", str(cm.exception))

    def test_import_yaml_with_cli(self):
        yaml_doc = ("openapi: 3.0.1\ninfo:\n  title: from-yaml\n  version: '1'\npaths:\n  /hello:\n    get:\n"
                    "      x-amazon-apigateway-integration:\n        type: aws_proxy\n        payloadFormatVersion: '2.0'\n"
                    "        uri: %s\n" % self.fn["plain"])
        path = os.path.join(self.nimbus.data_dir, "api.yaml")
        with open(path, "w") as f:
            f.write(yaml_doc)
        rc, api, err = self.nimbus.aws("apigatewayv2", "import-api", "--body", "file://" + path)
        self.assertEqual(api["Name"], "from-yaml")
        self.gw.create_stage(ApiId=api["ApiId"], StageName="$default", AutoDeploy=True)
        r = http("GET", self.url(api["ApiId"], "/hello"))
        self.assertEqual((r.status, r.json()), (200, {"hello": "world"}))


class AccountThrottle(NimbusTestCase):
    """The account-level limit (AWS: 10,000 rps, burst 5,000, raised by a quota request) is nimbus's
    apigw.account_rate_limit / apigw.account_burst_limit; here lowered so that it can be seen."""
    nimbus_args = ("--set", "apigw.account_rate_limit=0.01", "--set", "apigw.account_burst_limit=3")

    def test_account_limit_applies_across_apis(self):
        lam = self.nimbus.client("lambda")
        gw = self.nimbus.client("apigatewayv2")
        fn = create_function(lam, "fn-acct", "plain")
        apis = [gw.create_api(Name="acct-%d" % i, ProtocolType="HTTP", Target=fn)["ApiId"] for i in range(2)]
        codes = [http("GET", invoke_url(self.nimbus.endpoint, apis[i % 2], "$default", "/a")).status
                 for i in range(5)]
        self.assertEqual(codes[:3], [200, 200, 200])
        self.assertEqual(codes[3:], [429, 429])


if __name__ == "__main__":
    unittest.main()
