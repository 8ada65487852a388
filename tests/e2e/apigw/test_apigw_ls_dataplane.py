"""API Gateway's data plane as AWS answered LocalStack's tests: each check names
the test of localstack/localstack (folder tests/aws/services/apigateway/) whose
snapshot, recorded against AWS (marked aws.validated), shows the answer, and the
snapshot key. Our own requests, functions and assertions; only the recorded
behaviour is theirs. test_apigw_conformance.py holds the checks from other
sources; nothing here repeats them.

Sources (file::test name → snapshot keys):
  LAMBDA-PROXY  test_apigateway_lambda.py::test_lambda_aws_proxy_integration
                (invocation-payload-with-trailing-slash[-and-query-params],
                invocation-payload-with-path-encoded-email, invocation-payload-with-params-encoding,
                invocation-payload-with-params-encoding-multi: "authorization" and "aUThorization"
                arrive as "Authorization", "tEsT-HEADeR" as sent, no Content-Length, no Connection)
  LAMBDA-MAP    test_apigateway_lambda.py::test_lambda_aws_proxy_integration_request_data_mapping
                (http-proxy-invocation-data-mapping: an AWS_PROXY integration's requestParameters
                change nothing; "user-Agent" arrives as "User-Agent")
  LAMBDA-FORMAT test_apigateway_lambda.py::test_lambda_aws_proxy_response_format (validated; its
                assertions: {"statusCode": 200} and {} → 200 with an empty body, headers only → the
                header, an unknown member → 502 {"message": "Internal server error"})
  LAMBDA-AWS    test_apigateway_lambda.py::test_lambda_aws_integration_with_request_template
                (lambda-aws-integration-1/-2: $input.params('param1'), a Signature parameter beside it)
  TRACE         test_apigateway_common.py::TestApiGatewayCommon::test_invocation_trace_id
                (normal-req-headers-MOCK: no X-Amzn-Trace-Id; *-AWS_PROXY: one, the client's whole
                trace kept, a Parent generated when the client sent only the Root)
  VALIDATOR     test_apigateway_common.py::TestApiGatewayCommon::test_api_gateway_request_validator
                (missing-all-required-request-params-post: headers, then path, then query string;
                missing-required-headers-request-params-get, missing-required-qs-request-params-get)
  REF-MODELS    test_apigateway_common.py::TestApiGatewayCommon::test_api_gateway_request_validator_with_ref_models
                (a model's "$ref": "https://apigateway.amazonaws.com/restapis/{api}/models/{name}")
  REMAP-HTTP    test_apigateway_integrations.py::TestApiGatewayHeaderRemapping::test_apigateway_header_remapping_http
                (HTTP_PROXY no-param-integration: the backend's Connection, Content-Length, Date, Server
                come back as x-amzn-Remapped-*)
  REMAP-AWS     test_apigateway_integrations.py::TestApiGatewayHeaderRemapping::test_apigateway_header_remapping_aws
                (AWS full-integration: responseParameters naming Authorization, Connection, Content-Length,
                Content-MD5, Date, Expect, Host, Max-Forwards, Proxy-Authenticate, Server, Trailer, Upgrade,
                User-Agent, WWW-Authenticate answer x-amzn-Remapped-{name}; Accept, Age, Pragma, Range,
                Referer, TE, Warn… as named; AWS_PROXY no-param-integration: the event's headers lack
                Connection, Content-MD5, Expect, Max-Forwards, Proxy-Authenticate, Server, TE, Trailer,
                Upgrade, WWW-Authenticate)
  CAPTURED-HDR  a REST event captured from AWS behind CloudFront (silvaren/spray-example,
                src/test/scala/com/example/InputEventStrings.scala): a browser's lower-case
                accept, accept-encoding, accept-language, host, user-agent arrive capitalised,
                "cache-control" and "upgrade-insecure-requests" as sent
"""
import http.server as httpsrv
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import (NimbusTestCase, create_function, hget, http, invoke_url, lambda_uri,  # noqa: E402
                       raw_request, start_backend)

LS = "localstack/localstack tests/aws/services/apigateway/"

# (name, proxy answer) for LAMBDA-FORMAT and the remapped answer headers
ANSWERS = {
    "no-body": '{"statusCode":200}',
    "only-headers": '{"statusCode":200,"headers":{"test-header":"value"}}',
    "wrong-format": '{"statusCode":200,"wrongValue":"value"}',
    "empty-response": '{}',
}


def new_rest_api(cls, name, **kw):
    """A new REST API for the test class: (client, api id, root resource id)."""
    cls.gw = cls.nimbus.client("apigateway")
    cls.api = cls.gw.create_rest_api(name=name, **kw)["id"]
    root = next(r["id"] for r in cls.gw.get_resources(restApiId=cls.api)["items"] if r["path"] == "/")
    return cls.gw, cls.api, root


class RestLambdaProxy(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lam = cls.nimbus.client("lambda")
        cls.echo = create_function(lam, "lsdp-echo", "echo")
        cls.answer = {k: create_function(lam, "lsdp-" + k, "answer", env={"ANSWER": v}) for k, v in ANSWERS.items()}
        gw, _, cls.root = new_rest_api(cls, "ls-dataplane")

        def proxy(rid, fn, verb="ANY", **integ):
            gw.put_method(restApiId=cls.api, resourceId=rid, httpMethod=verb, authorizationType="NONE",
                          requestParameters={k.split("=")[0]: True for k in integ.pop("method_params", [])})
            gw.put_integration(restApiId=cls.api, resourceId=rid, httpMethod=verb, type="AWS_PROXY",
                               integrationHttpMethod="POST", uri=lambda_uri(fn), **integ)

        proxy(cls.res("{proxy+}"), cls.echo)
        mapped = {
            "integration.request.header.headerVar": "method.request.header.foobar",
            "integration.request.path.pathVar": "method.request.path.pathVariable",
            "integration.request.querystring.queryString": "method.request.querystring.testQueryString",
        }
        proxy(cls.res("map", "{pathVariable}"), cls.echo, requestParameters=mapped,
              method_params=sorted(set(mapped.values())))
        for name, fn in cls.answer.items():
            proxy(cls.res("fmt", name), fn, verb="GET")
        rid = cls.res("get-proxy")   # GET is no way to invoke a function
        gw.put_method(restApiId=cls.api, resourceId=rid, httpMethod="ANY", authorizationType="NONE")
        gw.put_integration(restApiId=cls.api, resourceId=rid, httpMethod="ANY", type="AWS_PROXY",
                           integrationHttpMethod="GET", uri=lambda_uri(cls.echo))
        gw.put_gateway_response(restApiId=cls.api, responseType="INTEGRATION_FAILURE", responseParameters={})
        mock = cls.res("mock")
        gw.put_method(restApiId=cls.api, resourceId=mock, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=cls.api, resourceId=mock, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        gw.put_method_response(restApiId=cls.api, resourceId=mock, httpMethod="GET", statusCode="200")
        gw.put_integration_response(restApiId=cls.api, resourceId=mock, httpMethod="GET", statusCode="200",
                                    responseTemplates={"application/json": '{"mock": true}'})
        gw.create_deployment(restApiId=cls.api, stageName="test")
        cls.host = "%s.execute-api.localhost:%d" % (cls.api, urllib.parse.urlsplit(cls.nimbus.endpoint).port)

    @classmethod
    def res(cls, *parts):
        parent = cls.root
        for p in parts:
            found = [r for r in cls.gw.get_resources(restApiId=cls.api, limit=500)["items"]
                     if r.get("parentId") == parent and r["pathPart"] == p]
            parent = found[0]["id"] if found else \
                cls.gw.create_resource(restApiId=cls.api, parentId=parent, pathPart=p)["id"]
        return parent

    def url(self, p):
        return invoke_url(self.nimbus.endpoint, self.api, "test", p)

    def event(self, path, headers=(), method="GET", body=b""):
        st, hs, b = raw_request(self.nimbus.endpoint, method, "/test" + path, [("Host", self.host)] + list(headers), body)
        self.assertEqual(st, 200, b)
        return json.loads(b)

    def test_paths_and_query_strings(self):
        table = [
            # (path asked, path, requestContext.path, pathParameters, queryStringParameters, snapshot key)
            ("/test-path/", "/test-path/", "/test/test-path/", {"proxy": "test-path"}, None,
             "invocation-payload-with-trailing-slash"),
            ("/test-path/?urlparam=test", "/test-path/", "/test/test-path/", {"proxy": "test-path"},
             {"urlparam": "test"}, "invocation-payload-with-trailing-slash-and-query-params"),
            ("/test-path?urlparam=test", "/test-path", "/test/test-path", {"proxy": "test-path"},
             {"urlparam": "test"}, "invocation-payload-without-trailing-slash-and-query-params"),
            ("/test-path/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
             "/test-path/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
             "/test/test-path/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
             {"proxy": "test-path/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com"}, None,
             "invocation-payload-with-path-encoded-email"),
            ("/test-path/api?dateTimeOffset=2023-06-12T18:05:10.123456+00:00&email=test%2Balias@gmail.com"
             "&plus=test+alias@gmail.com&url=https://www.google.com/&whitespace=foo%20bar&zhash=abort/",
             "/test-path/api", "/test/test-path/api", {"proxy": "test-path/api"},
             {"dateTimeOffset": "2023-06-12T18:05:10.123456 00:00", "email": "test+alias@gmail.com",
              "plus": "test alias@gmail.com", "url": "https://www.google.com/", "whitespace": "foo bar",
              "zhash": "abort/"},
             "invocation-payload-with-params-encoding"),
        ]
        for asked, path, rc_path, params, qs, key in table:
            with self.subTest(path=asked, source=LS + "test_apigateway_lambda.py::test_lambda_aws_proxy_integration",
                              snapshot=key):
                ev = self.event(asked)
                self.assertEqual((ev["path"], ev["requestContext"]["path"], ev["pathParameters"],
                                  ev["queryStringParameters"], ev["resource"]),
                                 (path, rc_path, params, qs, "/{proxy+}"))
                self.assertEqual(ev["multiValueQueryStringParameters"],
                                 None if qs is None else {k: [v] for k, v in qs.items()})

    def test_request_context(self):
        # LAMBDA-PROXY (invocation-payload-without-trailing-slash): requestContext's members and identity's
        ev = self.event("/test-path", [("User-Agent", "python-requests/testing")])
        rc = ev["requestContext"]
        src = LS + "test_apigateway_lambda.py::test_lambda_aws_proxy_integration"
        deployment = self.gw.get_stage(restApiId=self.api, stageName="test")["deploymentId"]
        table = [
            ("requestContext members", sorted(rc),
             ["accountId", "apiId", "deploymentId", "domainName", "domainPrefix", "extendedRequestId", "httpMethod",
              "identity", "path", "protocol", "requestId", "requestTime", "requestTimeEpoch", "resourceId",
              "resourcePath", "stage"]),
            ("identity members", sorted(rc["identity"]),
             ["accessKey", "accountId", "caller", "cognitoAuthenticationProvider", "cognitoAuthenticationType",
              "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId", "sourceIp", "user", "userAgent",
              "userArn"]),
            ("deploymentId: the stage's", rc["deploymentId"], deployment),
            ("domainPrefix: the API id", rc["domainPrefix"], self.api),
            ("domainName: the Host", rc["domainName"], self.host),
            ("event members", sorted(ev),
             ["body", "headers", "httpMethod", "isBase64Encoded", "multiValueHeaders",
              "multiValueQueryStringParameters", "path", "pathParameters", "queryStringParameters", "requestContext",
              "resource", "stageVariables"]),
        ]
        for what, got, want in table:
            with self.subTest(what=what, source=src, snapshot="invocation-payload-without-trailing-slash"):
                self.assertEqual(got, want)

    def test_header_names(self):
        # LAMBDA-PROXY, LAMBDA-MAP, CAPTURED-HDR: a few well-known names capitalised, others as sent
        sent = [("authorization", "random-value"), ("user-Agent", "test/integration"), ("tEsT-HEADeR", "aValUE"),
                ("foobar", "mapped-value"), ("accept", "*/*"), ("accept-encoding", "gzip, deflate"),
                ("accept-language", "en"), ("cache-control", "max-age=0"), ("upgrade-insecure-requests", "1")]
        want = {"Authorization": "random-value", "User-Agent": "test/integration", "tEsT-HEADeR": "aValUE",
                "foobar": "mapped-value", "Accept": "*/*", "Accept-Encoding": "gzip, deflate",
                "Accept-Language": "en", "cache-control": "max-age=0", "upgrade-insecure-requests": "1"}
        ev = self.event("/test-path", sent)
        for name, value in want.items():
            with self.subTest(header=name, source=LS + "test_apigateway_lambda.py::test_lambda_aws_proxy_integration",
                              snapshot="invocation-payload-without-trailing-slash"):
                self.assertEqual(ev["headers"].get(name), value, sorted(ev["headers"]))
                self.assertEqual(ev["multiValueHeaders"].get(name), [value])
        with self.subTest(what="Host capitalised", source="CAPTURED-HDR"):
            self.assertEqual(ev["headers"].get("Host"), self.host, sorted(ev["headers"]))
        with self.subTest(what="identity.userAgent", source="LAMBDA-MAP"):
            self.assertEqual(ev["requestContext"]["identity"]["userAgent"], "test/integration")
        ev = self.event("/test-path", [("aUThorization", "Bearer token123;API key456")])
        with self.subTest(what="aUThorization", snapshot="invocation-payload-with-params-encoding-multi"):
            self.assertEqual(ev["headers"].get("Authorization"), "Bearer token123;API key456", sorted(ev["headers"]))

    def test_headers_the_gateway_drops(self):
        # REMAP-AWS (AWS_PROXY no-param-integration) and LAMBDA-PROXY (no Content-Length, no Connection)
        sent = [("Accept-Charset", "UTF-8"), ("Age", "request_Age"), ("Connection", "keep-alive"),
                ("Content-MD5", "request_Content-MD5"), ("Content-Type", "application/json"), ("Date", "request_Date"),
                ("Max-Forwards", "2"), ("Pragma", "cache"), ("Proxy-Authenticate", "Basic"), ("Range", "bytes=500-999"),
                ("Referer", "https://example.com/"), ("Server", "https://example.com/"), ("TE", "deflate"),
                ("Trailer", "Expires"), ("Upgrade", "HTTP/2.0"), ("Warn", "299 localStack/0.0"),
                ("WWW-Authenticate", "Basic YWxhZGRpbjpvcGVuc2VzYW1l")]
        ev = self.event("/test-path", sent, method="POST", body=b'{"message": "hello world"}')
        kept = {"Accept-Charset", "Age", "Content-Type", "Date", "Pragma", "Range", "Referer", "Warn"}
        for name, value in sent:
            with self.subTest(header=name, source=LS + "test_apigateway_integrations.py::TestApiGatewayHeaderRemapping"
                              "::test_apigateway_header_remapping_aws[AWS_PROXY]", snapshot="no-param-integration"):
                self.assertEqual(ev["headers"].get(name), value if name in kept else None, sorted(ev["headers"]))
                self.assertEqual(ev["multiValueHeaders"].get(name), [value] if name in kept else None)
        with self.subTest(what="no Content-Length", snapshot="invocation-payload-with-params-encoding-multi"):
            self.assertNotIn("content-length", {k.lower() for k in ev["headers"]})
        with self.subTest(what="body as sent"):
            self.assertEqual(ev["body"], '{"message": "hello world"}')

    def test_request_parameters_ignored(self):
        # LAMBDA-MAP: the event is the request as sent; integration requestParameters do nothing
        ev = self.event("/map/foobar?testQueryString=foo&testVar=bar",
                        [("foobar", "mapped-value"), ("headerVar", "request-value")])
        src = LS + "test_apigateway_lambda.py::test_lambda_aws_proxy_integration_request_data_mapping"
        table = [
            ("pathParameters", ev["pathParameters"], {"pathVariable": "foobar"}),
            ("queryStringParameters", ev["queryStringParameters"], {"testQueryString": "foo", "testVar": "bar"}),
            ("headerVar as sent", ev["headers"].get("headerVar"), "request-value"),
            ("foobar", ev["headers"].get("foobar"), "mapped-value"),
            ("resource", ev["resource"], "/map/{pathVariable}"),
        ]
        for what, got, want in table:
            with self.subTest(what=what, source=src, snapshot="http-proxy-invocation-data-mapping"):
                self.assertEqual(got, want)

    def test_answer_formats(self):
        src = LS + "test_apigateway_lambda.py::test_lambda_aws_proxy_response_format"
        table = [
            ("no-body", 200, b"", None),
            ("only-headers", 200, b"", "value"),
            ("empty-response", 200, b"", None),
            ("wrong-format", 502, b'{"message": "Internal server error"}', None),
        ]
        for name, status, body, test_header in table:
            with self.subTest(answer=name, source=src):
                r = http("GET", self.url("/fmt/" + name))
                self.assertEqual(r.status, status, r.body)
                if status == 502:
                    self.assertEqual(r.json(), json.loads(body))
                else:
                    self.assertEqual(r.body, body)
                self.assertEqual(r.header("test-header"), test_header)

    def test_proxy_integration_by_get(self):
        src = LS + "test_apigateway_lambda.py::test_lambda_aws_proxy_integration_non_post_method"
        with self.subTest(source=src, snapshot="invocation-payload-with-get-proxy-method"):
            r = http("GET", self.url("/get-proxy"), headers={"User-Agent": "python-requests/testing"})
            self.assertEqual((r.status, r.json()), (500, {"message": "Internal server error"}))

    def test_trace_id_answer_header(self):
        src = LS + "test_apigateway_common.py::TestApiGatewayCommon::test_invocation_trace_id"
        full = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"
        root = "Root=1-3152b799-8954dae64eda91bc9a23a7e8"
        with self.subTest(what="MOCK: none", source=src, snapshot="normal-req-headers-MOCK"):
            r = http("GET", self.url("/mock"))
            self.assertEqual((r.status, r.header("x-amzn-trace-id")), (200, None))
        with self.subTest(what="MOCK with the client's trace: none", source=src, snapshot="trace-id-req-headers-MOCK"):
            r = http("GET", self.url("/mock"), headers={"X-Amzn-Trace-Id": full})
            self.assertEqual((r.status, r.header("x-amzn-trace-id")), (200, None))
        with self.subTest(what="AWS_PROXY: one", source=src, snapshot="normal-req-headers-AWS_PROXY"):
            r = http("GET", self.url("/proxy-value"))
            self.assertEqual(r.status, 200)
            self.assertRegex(r.header("x-amzn-trace-id") or "", r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24}")
            # the function saw the same trace
            self.assertEqual(r.json()["headers"]["X-Amzn-Trace-Id"].split(";")[0],
                             r.header("x-amzn-trace-id").split(";")[0])
        with self.subTest(what="AWS_PROXY: the client's whole trace", source=src,
                          snapshot="trace-id-req-headers-AWS_PROXY"):
            r = http("GET", self.url("/proxy-value"), headers={"X-Amzn-Trace-Id": full})
            got = r.header("x-amzn-trace-id") or ""
            self.assertIn(full, got)
            self.assertEqual(got.split(";")[1], "Parent=7fa8c0f79203be72")
        with self.subTest(what="AWS_PROXY: a Parent added to a bare Root", source=src,
                          snapshot="trace-id-small-req-headers-AWS_PROXY"):
            r = http("GET", self.url("/proxy-value"), headers={"X-Amzn-Trace-Id": root})
            got = r.header("x-amzn-trace-id") or ""
            self.assertIn(root, got)
            parts = got.split(";")
            self.assertGreater(len(parts), 1, got)
            self.assertRegex(parts[1], r"^Parent=[0-9a-f]{16}$")
            self.assertNotEqual(parts[1], "Parent=7fa8c0f79203be72")


class RestValidators(NimbusTestCase):
    """VALIDATOR and REF-MODELS: a MOCK integration behind each validated method."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        gw, api, root = new_rest_api(cls, name="ls-validators")
        vid = gw.create_request_validator(restApiId=api, name="test-validator", validateRequestParameters=True,
                                          validateRequestBody=True)["id"]
        test = gw.create_resource(restApiId=api, parentId=root, pathPart="test")["id"]
        var = gw.create_resource(restApiId=api, parentId=test, pathPart="{test}")["id"]
        gw.create_model(restApiId=api, name="testSchema", contentType="application/json", schema=json.dumps(
            {"title": "testSchema", "type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
             "required": ["a", "b"]}))
        base = "https://apigateway.amazonaws.com/restapis/%s/models/" % api
        gw.create_model(restApiId=api, name="testSchemaList", contentType="application/json", schema=json.dumps(
            {"type": "array", "items": {"$ref": base + "testSchema"}}))
        gw.create_model(restApiId=api, name="StatusModel", contentType="application/json", schema=json.dumps(
            {"type": "object", "properties": {"Status": {"type": "string"}, "Order": {"type": "integer"}},
             "required": ["Status", "Order"]}))
        gw.create_model(restApiId=api, name="TestModel", contentType="application/json", schema=json.dumps(
            {"type": "object", "properties": {"status": {"oneOf": [{"type": "null"}, {"$ref": base + "StatusModel"}]}},
             "required": ["status"]}))

        def mock(rid, verb, params=None, models=None):
            gw.put_method(restApiId=api, resourceId=rid, httpMethod=verb, authorizationType="NONE",
                          requestValidatorId=vid, requestParameters=params or {}, requestModels=models or {})
            gw.put_integration(restApiId=api, resourceId=rid, httpMethod=verb, type="MOCK",
                               requestTemplates={"application/json": '{"statusCode": 200}'})
            gw.put_method_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200")
            gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200",
                                        responseTemplates={"application/json": '{"data": "ok"}'})
        # the query string first, the path parameter the resource lacks, the header last: the
        # message still lists headers, then path, then query strings
        mock(var, "POST", {"method.request.querystring.qs1": True, "method.request.path.issuer": True,
                           "method.request.header.x-header-param": True})
        mock(var, "GET", {"method.request.querystring.qs1": True, "method.request.path.test": True,
                          "method.request.header.x-header-param": True})
        mock(gw.create_resource(restApiId=api, parentId=root, pathPart="list")["id"], "POST",
             models={"application/json": "testSchemaList"})
        mock(gw.create_resource(restApiId=api, parentId=root, pathPart="one-of")["id"], "POST",
             models={"application/json": "TestModel"})
        gw.create_deployment(restApiId=api, stageName="local")

    def url(self, p):
        return invoke_url(self.nimbus.endpoint, self.api, "local", p)

    def test_missing_parameters_message(self):
        src = LS + "test_apigateway_common.py::TestApiGatewayCommon::test_api_gateway_request_validator"
        table = [
            ("POST", "/test/value", {}, "[x-header-param, issuer, qs1]", "missing-all-required-request-params-post"),
            ("GET", "/test/value?qs1=1", {}, "[x-header-param]", "missing-required-headers-request-params-get"),
            ("GET", "/test/value", {"x-header-param": "h"}, "[qs1]", "missing-required-qs-request-params-get"),
        ]
        for method, p, headers, names, key in table:
            with self.subTest(method=method, path=p, source=src, snapshot=key):
                r = http(method, self.url(p), body=b"{}" if method == "POST" else None,
                         headers=dict(headers, **{"Content-Type": "application/json"}))
                self.assertEqual((r.status, r.json()), (400, {"message": "Missing required request parameters: " + names}))
                self.assertEqual(r.header("x-amzn-ErrorType"), "BadRequestException")
        with self.subTest(what="all present", source=src):
            r = http("GET", self.url("/test/value?qs1=1"), headers={"x-header-param": "h"})
            self.assertEqual((r.status, r.json()), (200, {"data": "ok"}))

    def test_models_referring_to_models(self):
        src = LS + "test_apigateway_common.py::TestApiGatewayCommon::test_api_gateway_request_validator_with_ref_models"
        table = [
            ("/list", [{"a": 1, "b": 2}, {"a": 3.5, "b": 0}], 200, "successful", src),
            ("/list", [], 200, "successful", src),
            ("/list", [{"a": 1}], 400, "failed-validation", src),
            ("/list", [{"a": "1", "b": 2}], 400, "failed-validation", src),
            ("/one-of", {"status": None}, 200, "successful", src + "_one_ofmodels"),
            ("/one-of", {"status": {"Status": "done", "Order": 2}}, 200, "successful-with-data", src + "_one_ofmodels"),
            ("/one-of", {}, 400, "failed-validation-no-data", src + "_one_ofmodels"),
            ("/one-of", {"status": {"Status": "done"}}, 400, "failed-validation-bad-data", src + "_one_ofmodels"),
        ]
        for p, body, status, key, source in table:
            with self.subTest(path=p, body=body, source=source, snapshot=key):
                r = http("POST", self.url(p), body=json.dumps(body), headers={"Content-Type": "application/json"})
                want = {"data": "ok"} if status == 200 else {"message": "Invalid request body"}
                self.assertEqual((r.status, r.json()), (status, want))


def backend_base(cls, handler):
    """Start the class's backend; its base URL."""
    cls.backend = start_backend(cls, handler)
    return "http://127.0.0.1:%d" % cls.backend.server_address[1]


class QuietHandler(httpsrv.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass


# What the client sends in REMAP-*'s requests (Expect and Transfer-Encoding left out: this
# client's request must stay well-framed)
CLIENT_HEADERS = [("Accept", "application/json"), ("Accept-Charset", "UTF-8"), ("Age", "request_Age"),
                  ("Authorization", "Unauthorized"), ("Connection", "keep-alive"), ("Content-MD5", "request_Content-MD5"),
                  ("Content-Type", "application/json"), ("Date", "request_Date"), ("Max-Forwards", "2"),
                  ("Pragma", "cache"), ("Proxy-Authenticate", "Basic"), ("Range", "bytes=500-999"),
                  ("Referer", "https://example.com/"), ("Server", "https://example.com/"), ("TE", "deflate"),
                  ("Trailer", "Expires"), ("Upgrade", "HTTP/2.0"), ("User-Agent", "localStack/0.0"),
                  ("Warn", "299 localStack/0.0"), ("WWW-Authenticate", "Basic YWxhZGRpbjpvcGVuc2VzYW1l")]
# Reserved in answers: renamed x-amzn-Remapped-{name} (REMAP-AWS full-integration)
REMAPPED = ["Authorization", "Connection", "Content-Length", "Content-MD5", "Date", "Expect", "Host", "Max-Forwards",
            "Proxy-Authenticate", "Server", "Trailer", "Upgrade", "User-Agent", "WWW-Authenticate"]
# As named
PASSED = ["Accept", "Accept-Charset", "Accept-Encoding", "Age", "Pragma", "Range", "Referer", "TE", "Warn"]


class Backend(QuietHandler):
    """The HTTP integrations' backend: records what it got; answers 200 with a
    JSON body, and Connection: keep-alive beside the Date and Server every
    answer of this server has."""
    got = []

    def do_GET(self):
        Backend.got.append(list(self.headers.items()))
        out = b'{"backend": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        self.wfile.write(out)

    do_POST = do_GET


class RestHeaderRemapping(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        backend_uri = backend_base(cls, Backend) + "/echo"
        lam = cls.nimbus.client("lambda")
        cls.raw_fn = create_function(lam, "lsdp-raw", "raw")
        cls.echo = create_function(lam, "lsdp-echo2", "echo")
        gw, api, root = new_rest_api(cls, name="ls-remap", endpointConfiguration={"types": ["REGIONAL"]})
        names = REMAPPED + PASSED + ["Transfer-Encoding"]

        def method(part, integ, tpl=None, resp_params=None, req_params=None):
            rid = gw.create_resource(restApiId=api, parentId=root, pathPart=part)["id"]
            gw.put_method(restApiId=api, resourceId=rid, httpMethod="GET", authorizationType="NONE")
            gw.put_method_response(restApiId=api, resourceId=rid, httpMethod="GET", statusCode="200",
                                   responseParameters={"method.response.header." + h: True for h in names})
            extra = {"requestTemplates": {"application/json": tpl}} if tpl else {}
            if req_params:
                extra["requestParameters"] = req_params
            gw.put_integration(restApiId=api, resourceId=rid, httpMethod="GET", integrationHttpMethod="POST", **integ,
                               **extra)
            if integ["type"] in ("AWS", "HTTP"):
                gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod="GET", statusCode="200",
                                            responseParameters=resp_params or {})

        # the AWS integration's template: every client header by $input.params
        tpl = "{" + ",".join('"%s": "$input.params(\'%s\')"' % (h, h) for h, _ in CLIENT_HEADERS) + "}"
        method("full", {"type": "AWS", "uri": lambda_uri(cls.raw_fn)}, tpl,
               {"method.response.header." + h: "'response_param_%s'" % h for h in names})
        method("no-param", {"type": "AWS", "uri": lambda_uri(cls.raw_fn)})
        method("http-proxy", {"type": "HTTP_PROXY", "uri": backend_uri})
        method("http", {"type": "HTTP", "uri": backend_uri})
        for kind, integ in (("aws", {"type": "AWS", "uri": lambda_uri(cls.raw_fn)}),
                            ("proxy", {"type": "AWS_PROXY", "uri": lambda_uri(cls.echo)}),
                            ("http", {"type": "HTTP", "uri": backend_uri}),
                            ("hproxy", {"type": "HTTP_PROXY", "uri": backend_uri})):
            for header in ("Content-Length", "Transfer-Encoding"):
                method("%s-%s" % (kind, header.lower()), integ,
                       req_params={"integration.request.header." + header: "'1'"})
        for header in ("Authorization", "Connection", "Expect", "Proxy-Authenticate", "TE"):
            method("proxy-" + header.lower(), {"type": "AWS_PROXY", "uri": lambda_uri(cls.echo)},
                   req_params={"integration.request.header." + header: "'x'"})
        gw.create_deployment(restApiId=api, stageName="test")

    def get(self, part, headers=None):
        u = urllib.parse.urlsplit(invoke_url(self.nimbus.endpoint, self.api, "test", "/" + part))
        st, hs, b = raw_request(self.nimbus.endpoint, "GET", u.path, [("Host", u.netloc)] + list(headers or []))
        return st, hs, b

    def test_answer_headers_renamed(self):
        src = LS + "test_apigateway_integrations.py::TestApiGatewayHeaderRemapping::test_apigateway_header_remapping_aws[AWS]"
        st, hs, b = self.get("full", CLIENT_HEADERS)
        self.assertEqual(st, 200, b)
        for h in REMAPPED:
            with self.subTest(header=h, source=src, snapshot="full-integration"):
                self.assertEqual(hget(hs, "x-amzn-Remapped-" + h), "response_param_" + h)
        for h in PASSED:
            with self.subTest(header=h, source=src, snapshot="full-integration"):
                self.assertEqual(hget(hs, h), "response_param_" + h)
        with self.subTest(what="Transfer-Encoding dropped", source=src, snapshot="full-integration"):
            self.assertIsNone(hget(hs, "Transfer-Encoding"))
            self.assertIsNone(hget(hs, "x-amzn-Remapped-Transfer-Encoding"))
        with self.subTest(what="one Date, the gateway's", source=src):
            self.assertEqual(len([k for k, _ in hs if k.lower() == "date"]), 1)
            self.assertNotEqual(hget(hs, "Date"), "response_param_Date")
        with self.subTest(what="X-Amzn-Trace-Id", source=src, snapshot="full-integration"):
            self.assertRegex(hget(hs, "X-Amzn-Trace-Id") or "", r"^Root=1-")

    def test_template_params_of_dropped_headers(self):
        src = LS + "test_apigateway_integrations.py::TestApiGatewayHeaderRemapping::test_apigateway_header_remapping_aws[AWS]"
        st, hs, b = self.get("full", CLIENT_HEADERS)
        got = json.loads(b)
        gone = {"Connection", "Content-MD5", "Max-Forwards", "Proxy-Authenticate", "Server", "TE", "Trailer", "Upgrade",
                "WWW-Authenticate"}
        for h, v in CLIENT_HEADERS:
            with self.subTest(header=h, source=src, snapshot="full-integration (body)"):
                self.assertEqual(got[h], "" if h in gone else v)

    def test_http_proxy(self):
        src = LS + ("test_apigateway_integrations.py::TestApiGatewayHeaderRemapping::"
                    "test_apigateway_header_remapping_http[HTTP_PROXY]")
        Backend.got.clear()
        st, hs, b = self.get("http-proxy", CLIENT_HEADERS)
        self.assertEqual((st, b), (200, b'{"backend": true}'))
        with self.subTest(what="the backend's reserved answer headers", source=src, snapshot="no-param-integration"):
            self.assertEqual(hget(hs, "x-amzn-Remapped-Connection"), "keep-alive")
            self.assertEqual(hget(hs, "x-amzn-Remapped-Content-Length"), str(len(b)))
            self.assertRegex(hget(hs, "x-amzn-Remapped-Server") or "", "^BaseHTTP/")
            self.assertRegex(hget(hs, "x-amzn-Remapped-Date") or "", "GMT$")
            self.assertIsNone(hget(hs, "X-Amzn-Trace-Id"))
        sent = {k.lower(): v for k, v in Backend.got[-1]}
        kept = {"Accept", "Accept-Charset", "Age", "Authorization", "Content-Type", "Date", "Pragma", "Range", "Referer",
                "User-Agent", "Warn"}
        for h, v in CLIENT_HEADERS:
            with self.subTest(header=h, source=src, snapshot="no-param-integration (headers)"):
                if h == "Connection":   # the gateway's own connection to the backend has its own
                    self.assertNotEqual(sent.get("connection"), v)
                else:
                    self.assertEqual(sent.get(h.lower()), v if h in kept else None)
        with self.subTest(what="added by the gateway", source=src, snapshot="no-param-integration (headers)"):
            self.assertEqual(sent.get("x-amzn-apigateway-api-id"), self.api)
            self.assertRegex(sent.get("x-amzn-trace-id") or "", r"^Root=1-")

    def test_http(self):
        src = LS + "test_apigateway_integrations.py::TestApiGatewayHeaderRemapping::test_apigateway_header_remapping_http[HTTP]"
        Backend.got.clear()
        st, hs, b = self.get("http", CLIENT_HEADERS)
        self.assertEqual(st, 200, b)
        sent = {k.lower(): v for k, v in Backend.got[-1]}
        with self.subTest(what="what the backend gets", source=src, snapshot="no-param-integration (headers)"):
            self.assertEqual(sent.get("user-agent"), "AmazonAPIGateway_" + self.api)
            self.assertEqual(sent.get("x-amzn-apigateway-api-id"), self.api)
            self.assertRegex(sent.get("x-amzn-trace-id") or "", r"^Root=1-")
            for h in ("authorization", "age", "pragma", "referer", "warn", "date"):
                self.assertIsNone(sent.get(h), h)
        with self.subTest(what="the answer's trace", source=src, snapshot="no-param-integration (response-headers)"):
            self.assertRegex(hget(hs, "X-Amzn-Trace-Id") or "", r"^Root=1-")

    def test_reserved_integration_request_headers(self):
        table = [("aws-content-length", "[AWS]"), ("aws-transfer-encoding", "[AWS]"),
                 ("proxy-content-length", "[AWS_PROXY]"), ("proxy-transfer-encoding", "[AWS_PROXY]"),
                 ("http-content-length", "_http[HTTP]"), ("http-transfer-encoding", "_http[HTTP]"),
                 ("hproxy-content-length", "_http[HTTP_PROXY]"), ("hproxy-transfer-encoding", "_http[HTTP_PROXY]"),
                 ("proxy-authorization", "[AWS_PROXY]"), ("proxy-connection", "[AWS_PROXY]"),
                 ("proxy-expect", "[AWS_PROXY]"), ("proxy-proxy-authenticate", "[AWS_PROXY]"), ("proxy-te", "[AWS_PROXY]")]
        for part, variant in table:
            src = LS + "test_apigateway_integrations.py::TestApiGatewayHeaderRemapping::test_apigateway_header_remapping"
            src += variant if variant.startswith("_") else "_aws" + variant
            with self.subTest(path=part, source=src, snapshot=part.split("-", 1)[1]):
                st, hs, b = self.get(part)
                self.assertEqual((st, json.loads(b)), (500, {"message": "Internal server error"}))
                self.assertEqual(hget(hs, "x-amzn-ErrorType"), "InternalServerErrorException")


class EchoBackend(QuietHandler):
    """HTTP-HTTP's backend: records (method, path, query, headers, body); /status/{code}
    answers that status; every answer carries an x-amzn-RequestId of its own."""
    got = []

    def do_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        u = urllib.parse.urlsplit(self.path)
        EchoBackend.got.append((self.command, u.path, urllib.parse.parse_qs(u.query), list(self.headers.items()), body))
        code = int(u.path.rsplit("/", 1)[-1]) if "/status/" in u.path else 200
        out = json.dumps({"message": "", "status_code": code}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.send_header("x-amzn-RequestId", "backend-request-id")
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_any


class RestHttpIntegrations(NimbusTestCase):
    """HTTP-HTTP: test_apigateway_http.py's validated tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base = cls.base = backend_base(cls, EchoBackend)
        gw, api, root = new_rest_api(cls, name="ls-http")

        def method(parent, part, verb, itype, uri, req_params=None):
            rid = gw.create_resource(restApiId=api, parentId=parent, pathPart=part)["id"]
            gw.put_method(restApiId=api, resourceId=rid, httpMethod=verb, authorizationType="NONE",
                          requestParameters={v: False for v in (req_params or {}).values()
                                             if v.startswith("method.request.")})
            gw.put_method_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200")
            gw.put_integration(restApiId=api, resourceId=rid, httpMethod=verb, type=itype, integrationHttpMethod="POST",
                               uri=uri, requestParameters=req_params or {})
            if itype == "HTTP":
                gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200")
            return rid

        for itype in ("HTTP", "HTTP_PROXY"):
            top = gw.create_resource(restApiId=api, parentId=root, pathPart=itype.lower())["id"]
            method(top, "test", "POST", itype, base + "/echo")
            st = gw.create_resource(restApiId=api, parentId=top, pathPart="status")["id"]
            method(st, "{map+}", "POST", itype, base + "/status/{map}",
                   {"integration.request.path.map": "method.request.path.map"})
        mapped = {
            "integration.request.header.headerVar": "method.request.header.foobar",
            "integration.request.path.qsVar": "method.request.querystring.testVar",
            "integration.request.path.pathVar": "method.request.path.pathVariable",
            "integration.request.querystring.queryString": "method.request.querystring.testQueryString",
            "integration.request.querystring.testQs": "method.request.querystring.testQueryString",
            "integration.request.querystring.testEmptyQs": "method.request.header.emptyheader",
        }
        method(root, "{pathVariable}", "POST", "HTTP_PROXY", base + "/echo?testVar={pathVar}&testQs={qsVar}", mapped)
        cls.mapped_static = {"Proxy-Authenticate": "Basic", "TE": "gzip", "Via": "othersite.net", "Upgrade": "HTTP/2.0",
                             "Server": "https://example.com/page", "Max-Forwards": "2", "Warn": "110 x",
                             "User-Agent": "Override-Agent", "Authorization": "request_params_authorization"}
        for itype in ("HTTP", "HTTP_PROXY"):
            method(root, "mapped-" + itype.lower(), "POST", itype, base + "/echo",
                   {"integration.request.header." + h: "'%s'" % v for h, v in cls.mapped_static.items()})
            method(root, "host-" + itype.lower(), "POST", itype, base + "/echo",
                   {"integration.request.header.Host": "'backend.example'"})
        method(root, "xff-mapped", "POST", "HTTP_PROXY", base + "/echo",
               {"integration.request.header.X-Forwarded-For": "method.request.header.X-My-X-Forwarded-For"})
        cls.proxy_test = gw.get_resources(restApiId=api)["items"]
        gw.create_deployment(restApiId=api, stageName="test")

    def post(self, p, headers=None, body=b'{"message": "hello world"}'):
        EchoBackend.got.clear()
        r = http("POST", invoke_url(self.nimbus.endpoint, self.api, "test", p), body=body, headers=headers or {})
        return r, (EchoBackend.got[-1] if EchoBackend.got else None)

    def test_what_the_backend_gets(self):
        src = LS + "test_apigateway_http.py::test_http_integration_with_lambda"
        sent = {"Content-Type": "application/json", "accept": "application/xml", "user-Agent": "test/integration"}
        for itype, accept, agent in (("HTTP", "application/json", "AmazonAPIGateway_" + self.api),
                                     ("HTTP_PROXY", "application/xml", "test/integration")):
            with self.subTest(integration=itype, source=src + "[%s]" % itype, snapshot="http-invocation-lambda-url"):
                r, got = self.post("/%s/test" % itype.lower(), sent)
                self.assertEqual(r.status, 200, r.body)
                method, path, query, headers, body = got
                hs = {k.lower(): v for k, v in headers}
                self.assertEqual((method, body), ("POST", b'{"message": "hello world"}'))
                self.assertEqual((hs.get("accept"), hs.get("user-agent"), hs.get("content-type")),
                                 (accept, agent, "application/json"))
                self.assertEqual(hs.get("x-amzn-apigateway-api-id"), self.api)
                self.assertRegex(hs.get("x-amzn-trace-id") or "", r"^Root=1-")
                if itype == "HTTP":   # HTTP_PROXY relays the backend's (REMAP-HTTP: none of its own)
                    self.assertRegex(r.header("x-amzn-trace-id") or "", r"^Root=1-")
                if itype == "HTTP_PROXY":   # the backend's own request id comes back renamed
                    self.assertEqual(r.header("x-amzn-Remapped-x-amzn-RequestId"), "backend-request-id")
                    self.assertNotEqual(r.header("x-amzn-RequestId"), "backend-request-id")

    def test_status_code_passthrough(self):
        src = LS + "test_apigateway_http.py::test_http_integration_invoke_status_code_passthrough"
        table = [("HTTP", 200, 200, "matching-response"), ("HTTP", 400, 200, "non-matching-response"),
                 ("HTTP_PROXY", 200, 200, "matching-response"), ("HTTP_PROXY", 400, 400, "non-matching-response")]
        for itype, backend_status, status, key in table:
            with self.subTest(integration=itype, backend=backend_status, source=src + "[%s]" % itype, snapshot=key):
                r, got = self.post("/%s/status/%d" % (itype.lower(), backend_status), body=None)
                self.assertEqual((r.status, r.json()), (status, {"message": "", "status_code": backend_status}))

    def test_mapped_request_headers(self):
        src = LS + "test_apigateway_integrations.py::TestApiGatewayHeaderRemapping::test_apigateway_header_remapping_http"
        gone = {"Proxy-Authenticate", "TE", "Via"}
        for itype in ("HTTP", "HTTP_PROXY"):
            r, got = self.post("/mapped-" + itype.lower())
            self.assertEqual(r.status, 200, r.body)
            hs = {k.lower(): v for k, v in got[3]}
            for h, v in self.mapped_static.items():
                with self.subTest(integration=itype, header=h, source=src + "[%s]" % itype,
                                  snapshot="full-integration (headers)"):
                    self.assertEqual(hs.get(h.lower()), None if h in gone else v)

    def test_mapped_host(self):
        # A Host set by requestParameters is the one the backend gets: public configurations rely on it
        # ("integration.request.header.Host" = "'api.staging.ror.org'" in front of an ALB; a fireprox-like
        # gateway's HTTP_PROXY "Override Host header to target domain (required for Cloudflare and other
        # CDNs)"); without one the Host is the URI's (REMAP-HTTP's no-param-integration).
        for itype in ("HTTP", "HTTP_PROXY"):
            with self.subTest(integration=itype, source="public configurations mapping integration.request.header.Host"):
                r, got = self.post("/host-" + itype.lower())
                self.assertEqual(r.status, 200, r.body)
                hs = [(k.lower(), v) for k, v in got[3]]
                self.assertEqual([v for k, v in hs if k == "host"], ["backend.example"])
            with self.subTest(integration=itype, source=LS + "test_apigateway_http.py::test_http_integration_with_lambda",
                              snapshot="http-invocation-lambda-url (host: the backend's domain)"):
                r, got = self.post("/%s/test" % itype.lower())
                self.assertEqual([v for k, v in got[3] if k.lower() == "host"],
                                 [urllib.parse.urlsplit(self.base).netloc])

    def test_forwarded_for(self):
        src = LS + "test_apigateway_http.py::test_http_integration_with_lambda"
        # HTTP_PROXY: the backend's x-forwarded-for is not the gateway's own address (<x-forwarded-for:1>
        # against the HTTP integration's <origin:1>): the gateway sends one, the client's address
        with self.subTest(integration="HTTP_PROXY", source=src + "[HTTP_PROXY]", snapshot="http-invocation-lambda-url"):
            r, got = self.post("/http_proxy/test")
            self.assertEqual([v for k, v in got[3] if k.lower() == "x-forwarded-for"], ["127.0.0.1"])
        with self.subTest(integration="HTTP", source=src + "[HTTP]", snapshot="http-invocation-lambda-url"):
            r, got = self.post("/http/test")
            self.assertEqual([v for k, v in got[3] if k.lower() == "x-forwarded-for"], [])
        with self.subTest(what="the client's own, appended to", source="ustayready/fireprox README (X-Forwarded-For)"):
            r, got = self.post("/http_proxy/test", {"X-Forwarded-For": "10.1.2.3"})
            self.assertEqual([v for k, v in got[3] if k.lower() == "x-forwarded-for"], ["10.1.2.3, 127.0.0.1"])
        with self.subTest(what="a mapping replaces it", source="ustayready/fireprox fire.py: "
                          "integration.request.header.X-Forwarded-For from method.request.header.X-My-X-Forwarded-For"):
            r, got = self.post("/xff-mapped", {"X-My-X-Forwarded-For": "192.0.2.7"})
            self.assertEqual([v for k, v in got[3] if k.lower() == "x-forwarded-for"], ["192.0.2.7"])

    def test_test_invoke_trace(self):
        # TestInvokeMethod's request to the integration carries the trace, as a deployed call does
        # (REMAP-HTTP no-param-integration: x-amzn-trace-id "Root=1-…")
        for verb_path in ("/http_proxy/test", "/http/test"):
            rid = next(r["id"] for r in self.proxy_test if r["path"] == verb_path)
            with self.subTest(resource=verb_path, source=LS + "test_apigateway_integrations.py::"
                              "TestApiGatewayHeaderRemapping::test_apigateway_header_remapping_http"):
                EchoBackend.got.clear()
                out = self.gw.test_invoke_method(restApiId=self.api, resourceId=rid, httpMethod="POST",
                                                 pathWithQueryString=verb_path, body="{}")
                self.assertEqual(out["status"], 200, out)
                sent = {k.lower(): v for k, v in EchoBackend.got[-1][3]}
                self.assertRegex(sent.get("x-amzn-trace-id") or "", r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$")
                self.assertEqual(sent.get("x-amzn-apigateway-api-id"), self.api)

    def test_mapped_values_never_split_the_backend_request(self):
        # A query string is URL-decoded before it is mapped into the backend's URI (here testVar → the path
        # variable qsVar of the URI's query): a CR LF in it must not start a header or a second request of
        # the backend call. (nimbus's own check, not a recorded AWS answer: the call is refused, 500.)
        EchoBackend.got.clear()
        r, got = self.post("/foobar?testVar=a%0D%0AX-Evil:%201%0D%0A%0D%0AGET%20/smuggled%20HTTP/1.1")
        self.assertEqual(r.status, 500, r.body)
        self.assertIsNone(got)   # the backend heard nothing, neither the header nor a second request

    def test_http_proxy_request_parameters(self):
        src = LS + "test_apigateway_http.py::test_http_proxy_integration_request_data_mappings"
        r, got = self.post("/foobar?testQueryString=foo&testVar=bar",
                           {"Content-Type": "application/json", "Accept": "application/json", "foobar": "mapped-value",
                            "user-Agent": "test/integration", "headerVar": "request-value"})
        self.assertEqual(r.status, 200, r.body)
        method, path, query, headers, body = got
        hs = {k.lower(): v for k, v in headers}
        table = [
            ("path", path, "/echo"),
            ("query: the URI's, the client's, then the mapped ones", query,
             {"testVar": ["foobar", "bar"], "testQs": ["bar", "foo"], "testQueryString": ["foo"], "queryString": ["foo"]}),
            ("a mapped header replaces the client's", hs.get("headervar"), "mapped-value"),
            ("the client's header", hs.get("foobar"), "mapped-value"),
            ("body", body, b'{"message": "hello world"}'),
            ("the backend's Content-Length renamed", r.header("x-amzn-Remapped-Content-Length"), str(len(r.body))),
        ]
        for what, got_v, want in table:
            with self.subTest(what=what, source=src, snapshot="http-proxy-invocation"):
                self.assertEqual(got_v, want)


class RestMockPassthrough(NimbusTestCase):
    """test_apigateway_basic.py::TestIntegrations::test_mock_integration_response[{behaviour}-{url}-{method}]
    (snapshot mock-response, recorded for every combination): a MOCK integration whose
    response template reads $input.params().path.id, for each passthroughBehavior, by the
    path-based and the host-based URL, GET and POST."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        gw, api, root = new_rest_api(cls, name="ls-mock")
        for behaviour in ("WHEN_NO_MATCH", "NEVER", "WHEN_NO_TEMPLATES"):
            parent = gw.create_resource(restApiId=api, parentId=root, pathPart=behaviour.lower())["id"]
            rid = gw.create_resource(restApiId=api, parentId=parent, pathPart="{id}")["id"]
            for verb in ("GET", "POST"):
                gw.put_method(restApiId=api, resourceId=rid, httpMethod=verb, authorizationType="NONE")
                gw.put_integration(restApiId=api, resourceId=rid, httpMethod=verb, type="MOCK",
                                   integrationHttpMethod=verb, passthroughBehavior=behaviour,
                                   requestTemplates={"application/json": '{"statusCode":200}'})
                gw.put_method_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200",
                                       responseModels={"application/json": "Empty"})
                gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200",
                                            responseTemplates={"application/json":
                                                               '{"statusCode": 200, "id": $input.params().path.id}'})
        parent = gw.create_resource(restApiId=api, parentId=root, pathPart="override")["id"]
        rid = gw.create_resource(restApiId=api, parentId=parent, pathPart="{which}")["id"]
        gw.put_method(restApiId=api, resourceId=rid, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=api, resourceId=rid, httpMethod="GET", type="MOCK", requestTemplates={
            "application/json": "#set($w = $input.params('which'))"
                                "#if($w == 'one')#set($context.requestOverride.path.said = 'path one')"
                                "#elseif($w == 'two')#set($context.requestOverride.path.said = 'path two')#end"
                                '{"statusCode": 200}'})
        gw.put_method_response(restApiId=api, resourceId=rid, httpMethod="GET", statusCode="200")
        gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod="GET", statusCode="200", responseTemplates={
            "application/json": "#if($context.requestOverride.path.said)"
                                '#set($out = "path was $context.requestOverride.path.said")'
                                '#else#set($out = "this is the else clause")#end'
                                '{"response": "$out"}'})
        gw.create_deployment(restApiId=api, stageName="local")

    def test_request_override_read_in_the_response_template(self):
        # test_apigateway_integrations.py::test_integration_mock_with_request_overrides_in_response_template
        # (invoke-path1, invoke-path2, invoke-path-else): what the request template sets in
        # $context.requestOverride is there for the response template
        src = LS + "test_apigateway_integrations.py::test_integration_mock_with_request_overrides_in_response_template"
        for p, want, key in (("/override/one", "path was path one", "invoke-path1"),
                             ("/override/two", "path was path two", "invoke-path2"),
                             ("/override/three", "this is the else clause", "invoke-path-else")):
            with self.subTest(path=p, source=src, snapshot=key):
                r = http("GET", invoke_url(self.nimbus.endpoint, self.api, "local", p))
                self.assertEqual((r.status, r.json()), (200, {"response": want}))

    def test_mock_response(self):
        port = urllib.parse.urlsplit(self.nimbus.endpoint).port
        for behaviour in ("WHEN_NO_MATCH", "NEVER", "WHEN_NO_TEMPLATES"):
            for verb in ("GET", "POST"):
                for url_type in ("PATH_BASED", "HOST_BASED"):
                    p = "/%s/42" % behaviour.lower()
                    with self.subTest(key="%s-UrlType.%s-%s" % (behaviour, url_type, verb)):
                        if url_type == "PATH_BASED":
                            r = http(verb, invoke_url(self.nimbus.endpoint, self.api, "local", p),
                                     headers={"Content-Type": "application/json"})
                            st, body = r.status, r.body
                        else:
                            st, _, body = raw_request(self.nimbus.endpoint, verb, "/local" + p,
                                                      [("Host", "%s.execute-api.localhost:%d" % (self.api, port)),
                                                       ("Content-Type", "application/json")])
                        self.assertEqual((st, json.loads(body)), (200, {"id": 42, "statusCode": 200}))


class RestLambdaMappingTemplates(NimbusTestCase):
    """test_apigateway_lambda.py::test_lambda_aws_integration_response_with_mapping_templates
    (response-template-202, response-template-400): an AWS (Lambda) integration whose response
    template answers the function's JSON and sets $context.responseOverride.status by what the
    answer holds; test_lambda_aws_integration_with_request_template (lambda-aws-integration-1/-2):
    $input.params('param1') in the request template, a Signature parameter beside it changing nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lam = cls.nimbus.client("lambda")
        fns = {k: create_function(lam, "lsdp-map-" + k, "answer", env={"ANSWER": json.dumps({"statusCode": 200, "body": k})})
               for k in ("noerror", "customerror")}
        raw_fn = create_function(lam, "lsdp-map-raw", "raw")
        gw, api, root = new_rest_api(cls, "ls-mapping")
        tpl = ('#set($answer = $input.path(\'$\'))\n$input.json("$")\n'
               '#if($answer.toString().contains("customerror"))#set($context.responseOverride.status = 400)'
               '#else#set($context.responseOverride.status = 202)#end\n')
        for name, fn in fns.items():
            rid = gw.create_resource(restApiId=api, parentId=root, pathPart=name)["id"]
            gw.put_method(restApiId=api, resourceId=rid, httpMethod="POST", authorizationType="NONE")
            for code in ("200", "400"):
                gw.put_method_response(restApiId=api, resourceId=rid, httpMethod="POST", statusCode=code)
            gw.put_integration(restApiId=api, resourceId=rid, httpMethod="POST", type="AWS", integrationHttpMethod="POST",
                               uri=lambda_uri(fn))
            gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod="POST", statusCode="200",
                                        selectionPattern="", responseTemplates={"application/json": tpl})
        rid = gw.create_resource(restApiId=api, parentId=root, pathPart="test")["id"]
        gw.put_method(restApiId=api, resourceId=rid, httpMethod="GET", authorizationType="NONE",
                      requestParameters={"method.request.querystring.param1": False})
        gw.put_method_response(restApiId=api, resourceId=rid, httpMethod="GET", statusCode="200")
        gw.put_integration(restApiId=api, resourceId=rid, httpMethod="GET", type="AWS", integrationHttpMethod="POST",
                           uri=lambda_uri(raw_fn),
                           requestTemplates={"application/json": '{"param1": "$input.params(\'param1\')"}'})
        gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod="GET", statusCode="200", selectionPattern="")
        gw.create_deployment(restApiId=api, stageName="api")

    def test_response_override_status(self):
        src = LS + "test_apigateway_lambda.py::test_lambda_aws_integration_response_with_mapping_templates"
        for name, status, key in (("noerror", 202, "response-template-202"), ("customerror", 400, "response-template-400")):
            with self.subTest(answer=name, source=src, snapshot=key):
                r = http("POST", invoke_url(self.nimbus.endpoint, self.api, "api", "/" + name), body='{"httpStatus": "200"}',
                         headers={"Content-Type": "application/json"})
                self.assertEqual((r.status, r.json()), (status, {"body": name, "statusCode": 200}))

    def test_request_template_params(self):
        src = LS + "test_apigateway_lambda.py::test_lambda_aws_integration_with_request_template"
        for q, key in (("?param1=foobar", "lambda-aws-integration-1"), ("?param1=foobar&Signature=1", "lambda-aws-integration-2")):
            with self.subTest(query=q, source=src, snapshot=key):
                r = http("GET", invoke_url(self.nimbus.endpoint, self.api, "api", "/test" + q))
                self.assertEqual((r.status, r.json()), (200, {"param1": "foobar"}))
