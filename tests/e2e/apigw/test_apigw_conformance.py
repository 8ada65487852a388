"""API Gateway as AWS answers it: a table of checks, each with where AWS's
behaviour is written down. Events are captured by a function returning the
event it got (MODE echo); answers by a function returning a chosen text
(MODE answer). Everything goes through the real HTTP interface.

Sources (the key in each table row's last column names one):
  HTTP-LAMBDA  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
               (payload formats 1.0 and 2.0, "All header names are lowercase", duplicates joined with
               commas, cookies, the 2.0 answer without statusCode: 200, application/json, the whole
               answer as the body; format 1.0 of HTTP APIs carries "version": "1.0", and its `path`
               is the one the client asked for: "use format 1.0 and path to access the API mapping")
  HTTP-ROUTES  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
               (most specific route wins; greedy {proxy+}; ANY for methods not otherwise defined;
               $default for what matches nothing; no route → 404 {"message":"Not Found"})
  HTTP-ERR     https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
               (an HTTP API whose function fails or answers in the wrong format returns
               {"message":"Internal Server Error"}); its status, 500, as captured in
               https://github.com/awslabs/aws-lambda-cpp/issues/117 and
               https://github.com/DataDog/datadog-lambda-js/issues/162 (v1 payload, malformed → 500)
  HTTP-TIMEOUT issue 6 and AWS-FACTS.md: the integration timeout answers 504 (one third-party capture,
               https://github.com/cortexlabs/cortex/issues/1225, shows an HTTP API answering 503
               {"message":"Service Unavailable"}: too thin to go against them; kept at 504)
  HTTP-RAWPATH https://github.com/Worklytics/psoxy/pull/827 and
               https://github.com/middleapi/standard-server/pull/93 (HTTP APIs hand the function the
               path percent-decoded: 2.0 rawPath and 1.0 path); the query string stays raw:
               https://github.com/ministackorg/ministack/issues/1035
  HTTP-BASE64  https://github.com/ministackorg/ministack/pull/766 (checked against AWS: an HTTP API
               passes the body as text only for text/*, application/json, application/xml and
               application/javascript; any other type, or none, base64-encoded) and
               https://github.com/dherault/serverless-offline/pull/1776 (multipart/form-data, captured)
  CAPTURED     https://github.com/floci-io/floci/issues/2172 and
               https://github.com/dherault/serverless-offline/pull/1776 (2.0 events captured from
               AWS: x-amzn-trace-id "Root=1-…", x-forwarded-for, x-forwarded-port, x-forwarded-proto
               among the headers)
  LIMITS       https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (payload 10 MB);
               https://github.com/koki-develop/lgtm-generator/issues/10 (captured REST answers: past
               10 MB 413 "HTTP content length exceeded 10485760 bytes." as text; an event past Lambda's
               6 MB 413 {"message": "Request Too Long"} with x-amzn-ErrorType BadRequestException).
               The HTTP API's 413 message is nimbus's reading, not captured.
  CORS         https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
               (preflight answered with no OPTIONS route; "If you configure CORS for an API, API
               Gateway ignores CORS headers returned from your backend integration")
  REST-PROXY   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
               (the 1.0 input: null maps when absent, path without the stage, requestContext.path
               with it, X-Forwarded-For/Port/Proto among the headers; the output: headers and
               multiValueHeaders merged)
  REST-ERR     https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
               (and the x-amzn-RequestId / x-amz-apigw-id headers of REST answers, captured in
               https://github.com/koki-develop/lgtm-generator/issues/10)
               (function error or wrong format → 502 {"message": "Internal server error"})
  REST-PATH    A REST API hands path and pathParameters over as the client sent them, not decoded:
               https://github.com/serverless/serverless/issues/5037 (/posts/%40 → "%40"),
               https://github.com/dherault/serverless-offline/issues/265 ("test%7Cid" stays),
               https://github.com/middleapi/standard-server/pull/93 (REST preserves the encoding)
  REST-QUERY   https://github.com/aws/aws-cdk/issues/19827 (a REST event captured from AWS:
               ?sort=-+createdAt → "sort": "- createdAt")
  REST-STRICT  A REST API's proxy answer holds statusCode, headers, multiValueHeaders, body and
               isBase64Encoded only: any other member (a 2.0 answer's "cookies", an ALB answer's
               "statusDescription") is "Malformed Lambda proxy response", 502:
               https://github.com/anomalyco/sst/issues/2760, https://github.com/rails-lambda/lamby/issues/78,
               https://github.com/micronaut-projects/micronaut-aws/issues/12; statusCode may be a string
               ("201"), checked against AWS in https://github.com/localstack/localstack/pull/11199
  REST-MAT     https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html
               (MISSING_AUTHENTICATION_TOKEN 403 for a path or method the API does not have)
  REST-BINARY  https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html
               and lambda-proxy-binary-media.html (binaryMediaTypes: a request body of a listed
               Content-Type goes base64; a base64 answer is decoded only when the request's first
               Accept type is listed, else sent as the text it is); checked against AWS in
               https://github.com/ministackorg/ministack/pull/767
"""
import base64
import json
import os
import re
import sys
import time
import unittest
import urllib.parse

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, hget, http, invoke_url, lambda_uri, raw_request  # noqa: E402


ANSWERS = {
    "string": '"Hello from Lambda!"',
    "object": '{"message":"Hello from Lambda!"}',
    "cookies": '{"statusCode":201,"cookies":["a=1; Path=/","b=2"],"body":"made"}',
    "b64": '{"statusCode":200,"headers":{"content-type":"image/png"},"body":"iVBORw0=","isBase64Encoded":true}',
    "numhdr": '{"statusCode":200,"headers":{"x-n":7,"x-b":true},"body":"x"}',
    "arrhdr": '{"statusCode":200,"headers":{"x-a":["1","2"]},"body":"x"}',
    "badhdr": '{"statusCode":200,"headers":"not an object","body":"x"}',
    "cors": '{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"*","x-own":"y"},"body":"c"}',
    "created": '{"statusCode":"201","body":"made"}',
    "statusdesc": '{"statusCode":201,"statusDescription":"Created","body":"x"}',
    "merge": '{"statusCode":200,"headers":{"x-one":"h","x-both":"single"},'
             '"multiValueHeaders":{"x-both":["m1","m2"]},"body":"m"}',
}


def functions(cls, prefix):
    """The test class's functions: echo, fail_fn and one per ANSWERS entry."""
    cls.lam = cls.nimbus.client("lambda")
    cls.echo = create_function(cls.lam, prefix + "echo", "echo")
    cls.fail_fn = create_function(cls.lam, prefix + "fail", "fail")
    cls.answer = {k: create_function(cls.lam, prefix + "ans-" + k, "answer", env={"ANSWER": v})
                  for k, v in ANSWERS.items()}


class HttpApiConformance(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        functions(cls, "conf-")
        cls.gw = cls.nimbus.client("apigatewayv2")
        cls.sleep = create_function(cls.lam, "conf-sleep", "sleep", env={"SLEEP_S": "3"})
        gw = cls.gw
        api = gw.create_api(Name="conformance", ProtocolType="HTTP")
        cls.api = api["ApiId"]
        v2 = gw.create_integration(ApiId=cls.api, IntegrationType="AWS_PROXY", IntegrationUri=cls.echo,
                                   PayloadFormatVersion="2.0")["IntegrationId"]
        v1 = gw.create_integration(ApiId=cls.api, IntegrationType="AWS_PROXY", IntegrationUri=cls.echo,
                                   PayloadFormatVersion="1.0")["IntegrationId"]
        for rk in ("GET /items/{id}", "GET /items/me", "ANY /items/{id}", "GET /files/{proxy+}", "ANY /{proxy+}",
                   "POST /echo", "GET /plain"):
            gw.create_route(ApiId=cls.api, RouteKey=rk, Target="integrations/" + v2)
        gw.create_route(ApiId=cls.api, RouteKey="GET /v1/{id}", Target="integrations/" + v1)
        gw.create_route(ApiId=cls.api, RouteKey="POST /v1/form", Target="integrations/" + v1)
        gw.create_route(ApiId=cls.api, RouteKey="GET /v1plain", Target="integrations/" + v1)
        for name, fn in list(cls.answer.items()) + [("fail", cls.fail_fn)]:
            iid = gw.create_integration(ApiId=cls.api, IntegrationType="AWS_PROXY", IntegrationUri=fn,
                                        PayloadFormatVersion="2.0")["IntegrationId"]
            gw.create_route(ApiId=cls.api, RouteKey="GET /ans/" + name, Target="integrations/" + iid)
        iid = gw.create_integration(ApiId=cls.api, IntegrationType="AWS_PROXY", IntegrationUri=cls.answer["string"],
                                    PayloadFormatVersion="1.0")["IntegrationId"]
        gw.create_route(ApiId=cls.api, RouteKey="GET /ans1/garbage", Target="integrations/" + iid)
        iid = gw.create_integration(ApiId=cls.api, IntegrationType="AWS_PROXY", IntegrationUri=cls.sleep,
                                    PayloadFormatVersion="2.0", TimeoutInMillis=1000)["IntegrationId"]
        gw.create_route(ApiId=cls.api, RouteKey="GET /slow", Target="integrations/" + iid)
        gw.create_stage(ApiId=cls.api, StageName="$default", AutoDeploy=True)
        gw.create_stage(ApiId=cls.api, StageName="prod", AutoDeploy=True, StageVariables={"color": "blue"})
        cls.port = urllib.parse.urlsplit(cls.nimbus.endpoint).port

    def req(self, method, stage, p, headers=(), body=b""):
        hs = [("Host", "%s.execute-api.localhost:%d" % (self.api, self.port)), ("User-Agent", "conf-agent/1")]
        hs += list(headers)
        return raw_request(self.nimbus.endpoint, method, ("" if stage == "$default" else "/" + stage) + p, hs, body)

    def event(self, method, stage, p, headers=(), body=b""):
        st, hs, b = self.req(method, stage, p, headers, body)
        self.assertEqual(st, 200, b)
        return json.loads(b)

    def test_routing_precedence(self):
        # HTTP-ROUTES: the most specific route; explicit method over ANY; greedy last
        table = [
            ("GET", "/items/me", "GET /items/me"),
            ("GET", "/items/7", "GET /items/{id}"),
            ("DELETE", "/items/7", "ANY /items/{id}"),
            ("GET", "/files/a/b/c.txt", "GET /files/{proxy+}"),
            ("POST", "/files/a", "ANY /{proxy+}"),
            ("PUT", "/other/x/y", "ANY /{proxy+}"),
            ("POST", "/echo", "POST /echo"),
        ]
        for method, p, want in table:
            with self.subTest(method=method, path=p):
                self.assertEqual(self.event(method, "$default", p)["routeKey"], want)

    def test_event_v2_fields(self):
        ev = self.event("GET", "prod", "/items/a%20b?x=1&x=2&e=a%20b&flag",
                        headers=[("Cookie", "c1=v1; c2=v2"), ("X-Dup", "a"), ("X-Dup", "b"), ("X-Mixed-Case", "M")])
        now = time.time() * 1000
        rc = ev["requestContext"]
        table = [
            # (what, got, want, source)
            ("version", ev["version"], "2.0", "HTTP-LAMBDA"),
            ("routeKey", ev["routeKey"], "GET /items/{id}", "HTTP-LAMBDA"),
            ("rawQueryString stays encoded", ev["rawQueryString"], "x=1&x=2&e=a%20b&flag", "HTTP-RAWPATH"),
            ("queryStringParameters joined, decoded", ev["queryStringParameters"],
             {"x": "1,2", "e": "a b", "flag": ""}, "HTTP-LAMBDA"),
            ("cookies separated out", ev["cookies"], ["c1=v1", "c2=v2"], "HTTP-LAMBDA"),
            ("no cookie header", "cookie" in ev["headers"], False, "HTTP-LAMBDA"),
            ("duplicate headers joined", ev["headers"].get("x-dup"), "a,b", "HTTP-LAMBDA"),
            ("header names lower-case", ev["headers"].get("x-mixed-case"), "M", "HTTP-LAMBDA"),
            ("pathParameters decoded", ev["pathParameters"], {"id": "a b"}, "HTTP-LAMBDA"),
            ("stageVariables", ev["stageVariables"], {"color": "blue"}, "HTTP-LAMBDA"),
            ("rawPath decoded, with the stage", ev["rawPath"], "/prod/items/a b", "HTTP-RAWPATH"),
            ("http.path as rawPath", rc["http"]["path"], "/prod/items/a b", "HTTP-RAWPATH"),
            ("http.method", rc["http"]["method"], "GET", "HTTP-LAMBDA"),
            ("http.protocol", rc["http"]["protocol"], "HTTP/1.1", "HTTP-LAMBDA"),
            ("http.sourceIp", rc["http"]["sourceIp"], "127.0.0.1", "HTTP-LAMBDA"),
            ("http.userAgent", rc["http"]["userAgent"], "conf-agent/1", "HTTP-LAMBDA"),
            ("stage", rc["stage"], "prod", "HTTP-LAMBDA"),
            ("requestContext.routeKey", rc["routeKey"], "GET /items/{id}", "HTTP-LAMBDA"),
            ("domainName is the Host", rc["domainName"], "%s.execute-api.localhost:%d" % (self.api, self.port),
             "HTTP-LAMBDA"),
            ("domainPrefix is the API id", rc["domainPrefix"], self.api, "HTTP-LAMBDA"),
            ("time format", bool(re.match(r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$", rc["time"])), True,
             "HTTP-LAMBDA"),
            ("timeEpoch is ms now", isinstance(rc["timeEpoch"], int) and abs(rc["timeEpoch"] - now) < 60000, True,
             "HTTP-LAMBDA"),
            ("no authorizer without one", "authorizer" in rc, False, "HTTP-LAMBDA"),
            ("no body on a GET", "body" in ev, False, "HTTP-LAMBDA"),
            ("isBase64Encoded", ev["isBase64Encoded"], False, "HTTP-LAMBDA"),
            ("x-forwarded-for", ev["headers"].get("x-forwarded-for"), "127.0.0.1", "CAPTURED"),
            ("x-forwarded-proto", ev["headers"].get("x-forwarded-proto"), "http", "CAPTURED"),
            ("x-forwarded-port", ev["headers"].get("x-forwarded-port"), str(self.port), "CAPTURED"),
            ("x-amzn-trace-id", bool(re.match(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$",
                                              ev["headers"].get("x-amzn-trace-id", ""))), True, "CAPTURED"),
        ]
        for what, got, want, src in table:
            with self.subTest(what=what, source=src):
                self.assertEqual(got, want)

    def test_event_v2_absent_fields(self):
        ev = self.event("GET", "$default", "/plain")
        table = [
            ("rawQueryString empty", ev["rawQueryString"], ""),
            ("no queryStringParameters", "queryStringParameters" in ev, False),
            ("no cookies", "cookies" in ev, False),
            ("no pathParameters", "pathParameters" in ev, False),
            ("no stageVariables", "stageVariables" in ev, False),
            ("rawPath without a stage on $default", ev["rawPath"], "/plain"),
            ("stage", ev["requestContext"]["stage"], "$default"),
        ]
        for what, got, want in table:
            with self.subTest(what=what, source="HTTP-LAMBDA"):
                self.assertEqual(got, want)

    def test_event_v2_bodies(self):
        # HTTP-BASE64: text for text/* and application/json|xml|javascript only
        table = [
            ("application/json", b'{"k":1}', False),
            ("application/json; charset=utf-8", b'{"k":1}', False),
            ("text/plain", b"hello", False),
            ("text/html;charset=UTF-8", b"<p>x</p>", False),
            ("application/xml", b"<a/>", False),
            ("application/javascript", b"f()", False),
            ("application/x-www-form-urlencoded", b"a=1&b=2", True),
            ("multipart/form-data; boundary=xyz", b"--xyz--", True),
            ("application/octet-stream", bytes([0xff, 0xfe, 0x00, 0x01]), True),
            (None, b"no type", True),
        ]
        for ct, body, b64 in table:
            with self.subTest(content_type=ct, source="HTTP-BASE64"):
                ev = self.event("POST", "$default", "/echo", headers=[("Content-Type", ct)] if ct else [], body=body)
                self.assertEqual(ev["isBase64Encoded"], b64)
                self.assertEqual(base64.b64decode(ev["body"]) if b64 else ev["body"].encode(), body)
        with self.subTest(what="payload 1.0 alike", source="HTTP-BASE64"):
            ev = self.event("POST", "$default", "/v1/form", headers=[("Content-Type", "application/x-www-form-urlencoded")],
                            body=b"a=1")
            self.assertEqual((ev["isBase64Encoded"], ev["body"]), (True, "YT0x"))

    def test_event_v1_fields(self):
        ev = self.event("GET", "prod", "/v1/a%20b?q=1&q=2", headers=[("X-Mixed", "v")])
        rc = ev["requestContext"]
        table = [
            ("version", ev.get("version"), "1.0", "HTTP-LAMBDA"),
            ("resource", ev["resource"], "/v1/{id}", "HTTP-LAMBDA"),
            ("path as asked, stage included", ev["path"], "/prod/v1/a b", "HTTP-LAMBDA"),
            ("httpMethod", ev["httpMethod"], "GET", "HTTP-LAMBDA"),
            ("header names lower-case", ev["headers"].get("x-mixed"), "v", "HTTP-LAMBDA"),
            ("multiValueHeaders", ev["multiValueHeaders"].get("x-mixed"), ["v"], "HTTP-LAMBDA"),
            ("queryStringParameters: the last", ev["queryStringParameters"], {"q": "2"}, "HTTP-LAMBDA"),
            ("multiValueQueryStringParameters", ev["multiValueQueryStringParameters"], {"q": ["1", "2"]},
             "HTTP-LAMBDA"),
            ("pathParameters", ev["pathParameters"], {"id": "a b"}, "HTTP-LAMBDA"),
            ("body null", ev["body"], None, "HTTP-LAMBDA"),
            ("requestContext.resourcePath", rc["resourcePath"], "/v1/{id}", "HTTP-LAMBDA"),
            ("requestContext.resourceId null", rc["resourceId"], None, "HTTP-LAMBDA"),
            ("requestContext.httpMethod", rc["httpMethod"], "GET", "HTTP-LAMBDA"),
            ("identity.sourceIp", rc["identity"]["sourceIp"], "127.0.0.1", "HTTP-LAMBDA"),
            ("identity.userAgent", rc["identity"]["userAgent"], "conf-agent/1", "HTTP-LAMBDA"),
            ("requestTimeEpoch is a number", isinstance(rc["requestTimeEpoch"], int), True, "HTTP-LAMBDA"),
        ]
        for what, got, want, src in table:
            with self.subTest(what=what, source=src):
                self.assertEqual(got, want)
        ev = self.event("GET", "$default", "/v1plain")
        for what, got, want in (("queryStringParameters null", ev["queryStringParameters"], None),
                                ("multiValueQueryStringParameters null", ev["multiValueQueryStringParameters"], None),
                                ("pathParameters null", ev["pathParameters"], None),
                                ("stageVariables null", ev["stageVariables"], None),
                                ("path", ev["path"], "/v1plain")):
            with self.subTest(what=what, source="HTTP-LAMBDA"):
                self.assertEqual(got, want)

    def test_answers_mapped(self):
        # (route, status, body, header checks, source)
        table = [
            ("string", 200, b"Hello from Lambda!", {"content-type": "application/json"}, "HTTP-LAMBDA"),
            ("object", 200, b'{"message":"Hello from Lambda!"}', {"content-type": "application/json"}, "HTTP-LAMBDA"),
            ("cookies", 201, b"made", {}, "HTTP-LAMBDA"),
            ("b64", 200, bytes.fromhex("89504e470d"), {"content-type": "image/png"}, "HTTP-LAMBDA"),
            ("numhdr", 200, b"x", {"x-n": "7", "x-b": "true"}, "HTTP-LAMBDA"),
            ("badhdr", 500, b'{"message":"Internal Server Error"}', {}, "HTTP-ERR"),
            ("arrhdr", 500, b'{"message":"Internal Server Error"}', {}, "HTTP-ERR"),
            ("fail", 500, b'{"message":"Internal Server Error"}', {}, "HTTP-ERR"),
        ]
        for name, status, body, hdrs, src in table:
            with self.subTest(route=name, source=src):
                st, hs, b = self.req("GET", "$default", "/ans/" + name)
                self.assertEqual((st, b), (status, body))
                for k, v in hdrs.items():
                    self.assertEqual(hget(hs, k), v)
                self.assertTrue(hget(hs, "apigw-requestid"))
        st, hs, b = self.req("GET", "$default", "/ans/cookies")
        self.assertEqual(sorted(v for k, v in hs if k.lower() == "set-cookie"), ["a=1; Path=/", "b=2"])
        with self.subTest(route="1.0 answer without statusCode", source="HTTP-ERR"):
            st, hs, b = self.req("GET", "$default", "/ans1/garbage")
            self.assertEqual((st, json.loads(b)), (500, {"message": "Internal Server Error"}))

    def test_integration_timeout(self):
        st, hs, b = self.req("GET", "$default", "/slow")
        self.assertEqual((st, json.loads(b)), (504, {"message": "Endpoint request timed out"}))
        self.assertTrue(hget(hs, "apigw-requestid"))

    def test_no_route_and_unknown_api(self):
        api = self.gw.create_api(Name="conf-404", ProtocolType="HTTP")["ApiId"]
        iid = self.gw.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=self.echo,
                                         PayloadFormatVersion="2.0")["IntegrationId"]
        self.gw.create_route(ApiId=api, RouteKey="GET /only", Target="integrations/" + iid)
        self.gw.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
        for method, p in (("GET", "/nothing"), ("POST", "/only")):
            with self.subTest(method=method, path=p, source="HTTP-ROUTES"):
                r = http(method, invoke_url(self.nimbus.endpoint, api, "$default", p))
                self.assertEqual((r.status, r.json()), (404, {"message": "Not Found"}))
                self.assertTrue(r.header("apigw-requestid"))
        r = http("GET", invoke_url(self.nimbus.endpoint, "nosuchapi1", "$default", "/x"))
        self.assertEqual((r.status, r.json()), (404, {"message": "Not Found"}))

    def test_payload_limit(self):
        r = http("POST", invoke_url(self.nimbus.endpoint, self.api, "$default", "/echo"), body=b"x" * (10 * 2**20 + 1),
                 headers={"Content-Type": "text/plain"})
        self.assertEqual((r.status, r.json()), (413, {"message": "Request Entity Too Large"}))
        self.assertTrue(r.header("apigw-requestid"))

    def test_cors(self):
        api = self.gw.create_api(Name="conf-cors", ProtocolType="HTTP", Target=self.answer["cors"],
                                 CorsConfiguration={"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET"],
                                                    "AllowHeaders": ["x-h"], "MaxAge": 300})["ApiId"]
        url = invoke_url(self.nimbus.endpoint, api, "$default", "/anything")
        r = http("OPTIONS", url, headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"})
        with self.subTest(what="preflight without an OPTIONS route", source="CORS"):
            self.assertEqual(r.status, 204)
            self.assertEqual((r.header("access-control-allow-origin"), r.header("access-control-allow-methods"),
                              r.header("access-control-allow-headers"), r.header("access-control-max-age")),
                             ("https://app.example", "GET", "x-h", "300"))
        r = http("GET", url, headers={"Origin": "https://app.example"})
        with self.subTest(what="the integration's CORS headers ignored", source="CORS"):
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header_all("access-control-allow-origin"), ["https://app.example"])
            self.assertEqual(r.header("x-own"), "y")
        r = http("GET", url, headers={"Origin": "https://evil.example"})
        with self.subTest(what="an origin not allowed gets no CORS headers", source="CORS"):
            self.assertEqual(r.header_all("access-control-allow-origin"), [])
        # credentials with any origin: refused (https://github.com/aws/aws-cdk/issues/9076, AWS's answer)
        bad = {"AllowOrigins": ["*"], "AllowCredentials": True}
        for what, call in (("CreateApi", lambda: self.gw.create_api(Name="conf-cors-bad", ProtocolType="HTTP",
                                                                    CorsConfiguration=bad)),
                           ("UpdateApi", lambda: self.gw.update_api(ApiId=api, CorsConfiguration=bad))):
            with self.subTest(what=what, source="CORS"):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    call()
                err = cm.exception.response["Error"]
                self.assertEqual((err["Code"], err["Message"]),
                                 ("BadRequestException", "allow-credentials is not supported if 'allow-origin' is *"))


class RestApiConformance(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        functions(cls, "rconf-")
        cls.gw = cls.nimbus.client("apigateway")
        gw = cls.gw
        api = gw.create_rest_api(name="rest-conformance", binaryMediaTypes=["image/png", "application/octet-stream"])
        cls.api = api["id"]
        root = [r for r in gw.get_resources(restApiId=cls.api)["items"] if r["path"] == "/"][0]["id"]

        def res(parent, part):
            return gw.create_resource(restApiId=cls.api, parentId=parent, pathPart=part)["id"]

        def meth(rid, verb, fn):
            gw.put_method(restApiId=cls.api, resourceId=rid, httpMethod=verb, authorizationType="NONE")
            gw.put_integration(restApiId=cls.api, resourceId=rid, httpMethod=verb, type="AWS_PROXY",
                               integrationHttpMethod="POST", uri=lambda_uri(fn))
        items = res(root, "items")
        meth(res(items, "{id}"), "GET", cls.echo)
        meth(items, "POST", cls.echo)
        meth(res(res(root, "greedy"), "{proxy+}"), "ANY", cls.echo)
        both = res(root, "both")
        meth(both, "GET", cls.echo)
        meth(both, "ANY", cls.answer["created"])
        ans = res(root, "ans")
        for name, fn in list(cls.answer.items()) + [("fail", cls.fail_fn)]:
            meth(res(ans, name), "GET", fn)
        gw.create_deployment(restApiId=cls.api, stageName="prod")

    def url(self, p, stage="prod"):
        return invoke_url(self.nimbus.endpoint, self.api, stage, p)

    def test_event_v1_fields(self):
        r = http("GET", self.url("/items/7?a=1&a=2"), headers={"X-H": "v", "User-Agent": "rconf/1"})
        self.assertEqual(r.status, 200, r.body)
        ev = r.json()
        rc = ev["requestContext"]
        table = [
            ("no version field", "version" in ev, False),
            ("resource", ev["resource"], "/items/{id}"),
            ("path without the stage", ev["path"], "/items/7"),
            ("requestContext.path with the stage", rc["path"], "/prod/items/7"),
            ("requestContext.resourcePath", rc["resourcePath"], "/items/{id}"),
            ("requestContext.stage", rc["stage"], "prod"),
            ("queryStringParameters: the last", ev["queryStringParameters"], {"a": "2"}),
            ("multiValueQueryStringParameters", ev["multiValueQueryStringParameters"], {"a": ["1", "2"]}),
            ("pathParameters", ev["pathParameters"], {"id": "7"}),
            ("stageVariables null", ev["stageVariables"], None),
            ("body null", ev["body"], None),
            ("isBase64Encoded", ev["isBase64Encoded"], False),
            ("identity.userAgent", rc["identity"]["userAgent"], "rconf/1"),
            ("identity.sourceIp", rc["identity"]["sourceIp"], "127.0.0.1"),
            ("X-Forwarded-For", {k.lower(): v for k, v in ev["headers"].items()}.get("x-forwarded-for"), "127.0.0.1"),
            ("X-Forwarded-Proto", {k.lower(): v for k, v in ev["headers"].items()}.get("x-forwarded-proto"), "http"),
            ("x-amz-apigw-id is the extendedRequestId", r.header("x-amz-apigw-id"), rc["extendedRequestId"]),
        ]
        for what, got, want in table:
            with self.subTest(what=what, source="REST-PROXY"):
                self.assertEqual(got, want)
        ev = http("POST", self.url("/items")).json()
        for what, got, want in (("queryStringParameters null", ev["queryStringParameters"], None),
                                ("multiValueQueryStringParameters null", ev["multiValueQueryStringParameters"], None),
                                ("pathParameters null", ev["pathParameters"], None)):
            with self.subTest(what=what, source="REST-PROXY"):
                self.assertEqual(got, want)
        ev = http("GET", self.url("/items/7?sort=-+createdAt")).json()
        with self.subTest(what="'+' in a query value is a space", source="REST-QUERY"):
            self.assertEqual((ev["queryStringParameters"], ev["multiValueQueryStringParameters"]),
                             ({"sort": "- createdAt"}, {"sort": ["- createdAt"]}))
        ev = http("GET", self.url("/items/a%20b%40c")).json()
        for what, got, want in (("pathParameters as sent", ev["pathParameters"], {"id": "a%20b%40c"}),
                                ("path as sent", ev["path"], "/items/a%20b%40c"),
                                ("requestContext.path as sent", ev["requestContext"]["path"], "/prod/items/a%20b%40c")):
            with self.subTest(what=what, source="REST-PATH"):
                self.assertEqual(got, want)
        with self.subTest(what="greedy resource", source="REST-PROXY"):
            ev = http("DELETE", self.url("/greedy/x/y/z")).json()
            self.assertEqual((ev["resource"], ev["pathParameters"]), ("/greedy/{proxy+}", {"proxy": "x/y/z"}))

    def test_gateway_answers(self):
        table = [
            # (method, path, stage, status, body, x-amzn-ErrorType, source)
            ("GET", "/items", "prod", 403, {"message": "Missing Authentication Token"},
             "MissingAuthenticationTokenException", "REST-MAT"),
            ("PUT", "/items/7", "prod", 403, {"message": "Missing Authentication Token"},
             "MissingAuthenticationTokenException", "REST-MAT"),
            ("GET", "/", "prod", 403, {"message": "Missing Authentication Token"},
             "MissingAuthenticationTokenException", "REST-MAT"),
            ("GET", "/greedy", "prod", 403, {"message": "Missing Authentication Token"},
             "MissingAuthenticationTokenException", "REST-MAT"),
            ("GET", "/items/7", "nostage", 403, {"message": "Forbidden"}, "ForbiddenException", "REST-MAT"),
            ("GET", "/ans/fail", "prod", 502, {"message": "Internal server error"}, None, "REST-ERR"),
            ("GET", "/ans/string", "prod", 502, {"message": "Internal server error"}, None, "REST-ERR"),
            ("GET", "/ans/badhdr", "prod", 502, {"message": "Internal server error"}, None, "REST-ERR"),
            ("GET", "/ans/object", "prod", 502, {"message": "Internal server error"}, None, "REST-ERR"),
            ("GET", "/ans/cookies", "prod", 502, {"message": "Internal server error"}, None, "REST-STRICT"),
            ("GET", "/ans/statusdesc", "prod", 502, {"message": "Internal server error"}, None, "REST-STRICT"),
        ]
        for method, p, stage, status, body, etype, src in table:
            with self.subTest(method=method, path=p, stage=stage, source=src):
                r = http(method, self.url(p, stage))
                self.assertEqual((r.status, r.json()), (status, body))
                if etype:
                    self.assertEqual(r.header("x-amzn-ErrorType"), etype)
                self.assertTrue(r.header("x-amzn-RequestId"))

    def test_payload_limits(self):
        r = http("POST", self.url("/items"), body=b"x" * (10 * 2**20 + 1), headers={"Content-Type": "text/plain"})
        with self.subTest(what="past 10 MB", source="LIMITS"):
            self.assertEqual((r.status, r.body), (413, b"HTTP content length exceeded 10485760 bytes."))
        r = http("POST", self.url("/items"), body=b"x" * (7 * 2**20), headers={"Content-Type": "text/plain"})
        with self.subTest(what="an event past Lambda's 6 MB", source="LIMITS"):
            self.assertEqual((r.status, r.json()), (413, {"message": "Request Too Long"}))
            self.assertEqual(r.header("x-amzn-ErrorType"), "BadRequestException")

    def test_status_code_as_string(self):
        # REST-STRICT: {"statusCode": "201"} is accepted (checked against AWS in localstack#11199)
        r = http("GET", self.url("/ans/created"))
        self.assertEqual((r.status, r.body), (201, b"made"))

    def test_any_method_and_explicit_one(self):
        # x-amazon-apigateway-any-method: a catch-all for the methods not set up explicitly
        # (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html)
        table = [("GET", 200, "event"), ("POST", 201, b"made"), ("DELETE", 201, b"made")]
        for method, status, body in table:
            with self.subTest(method=method):
                r = http(method, self.url("/both"))
                self.assertEqual(r.status, status)
                if body == "event":
                    self.assertEqual(r.json()["resource"], "/both")
                else:
                    self.assertEqual(r.body, body)

    def test_answer_headers_merged(self):
        r = http("GET", self.url("/ans/merge"))
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("x-one"), "h")
        self.assertEqual(r.header_all("x-both"), ["m1", "m2"])

    def test_binary_media_types(self):
        # REST-BINARY: request bodies by Content-Type
        raw = bytes([0x89, 0x50, 0x4e, 0x47, 0xff])
        ev = http("POST", self.url("/items"), body=raw, headers={"Content-Type": "image/png"}).json()
        with self.subTest(what="a listed Content-Type goes base64", source="REST-BINARY"):
            self.assertEqual((ev["isBase64Encoded"], base64.b64decode(ev["body"])), (True, raw))
        ev = http("POST", self.url("/items"), body="plain text", headers={"Content-Type": "text/plain"}).json()
        with self.subTest(what="text stays text", source="REST-BINARY"):
            self.assertEqual((ev["isBase64Encoded"], ev["body"]), (False, "plain text"))
        # answers by the first Accept type
        table = [
            ("image/png", bytes.fromhex("89504e470d")),
            ("image/png, text/html", bytes.fromhex("89504e470d")),
            ("text/html, image/png", b"iVBORw0="),
            (None, b"iVBORw0="),
        ]
        for accept, body in table:
            with self.subTest(accept=accept, source="REST-BINARY"):
                r = http("GET", self.url("/ans/b64"), headers={"Accept": accept} if accept else {})
                self.assertEqual((r.status, r.body), (200, body))


if __name__ == "__main__":
    unittest.main()
