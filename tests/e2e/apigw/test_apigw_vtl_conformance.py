"""REST API non-proxy integrations as API Gateway runs them: mapping templates
(the Velocity subset real templates use) and integration responses, as tables of
(template, input, what API Gateway produces), each row naming where that
behaviour is written down. Everything goes through the real HTTP interface of a
deployed stage: MOCK integrations render response templates, AWS integrations
call a function that hands back the payload it got (MODE raw) or fails with a
chosen message (MODE failmsg), HTTP integrations call a small backend served by
this test.

Sources (the key in each row's last column names one):
  REF        https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
             ($input.body/json/path/params, $context, $stageVariables, $util.*: escapeJavaScript "using
             JavaScript string rules" and its note that single quotes come out as \\' with the
             .replaceAll("\\\\'","'") remedy; urlEncode/urlDecode "application/x-www-form-urlencoded" —
             Java's URLEncoder: space '+', letters digits . - * _ kept; parseJson; base64Encode/Decode;
             $context.responseOverride)
  EXAMPLES   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-variable-examples.html
             ({"name" : "$input.params('name')", "body" : $input.json('$')})
  VUG        Apache Velocity 1.7 user guide, https://velocity.apache.org/engine/1.7/user-guide.html
             (#set, #if/#elseif/#else, #foreach with $velocityCount and $foreach, ranges, lists and maps
             with index notation, quiet references $!x / $!{x}, ## and #* *# comments, escaping \\$x
             of defined and undefined references, integer arithmetic)
  JAVA       java.lang.String (https://docs.oracle.com/javase/8/docs/api/java/lang/String.html):
             the methods Velocity calls (length, substring, toLowerCase, indexOf, replaceAll with a
             regex, split dropping trailing empty strings, matches)
  KV         What AWS renders for a Java map: https://github.com/serverless/serverless/issues/1014
             ("$input.params().path" → {arg=value}, the header map {Accept=application/json, …});
             https://qiita.com/yoshida874/items/d860aa1f39f5e623ebe6 (a #set map literal →
             {hoge=huga, hoge2={"hello":"world"}}; a doubled quote "" inside a string literal is one quote)
  JSONPATH   https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings.html (templates
             are "applied to a payload using JSONPath", linking https://goessner.net/articles/JsonPath/:
             [*] every member, .. the deep scan, the matches as a list)
  SETREF     https://qiita.com/makisyu/items/649f2c1945bde57c129f (#set on a member of
             $input.path('$') changes what $input.json('$') then writes)
  LIMITS     https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (1,000
             iterations of a #foreach loop; what happens past it is not written there: the loop
             stops, as Velocity's directive.foreach.maxloops does)
  LAMBDA-ERR https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html
             ("Lambda errors are returned as 200 OK responses by default"; selectionPattern matched
             against errorMessage) and https://dev.to/riteru/api-gateway-integration-response-setup-for-aws-lambda-25km
             (captured: a thrown error → HTTP 200 with the error as the body)
  SELECT     https://docs.aws.amazon.com/apigateway/latest/api/API_IntegrationResponse.html
             (selectionPattern: a regex on the Lambda error message or the backend's status code; the
             response without one is the default) and https://uucode.com/blog/2017/07/29/aws-response-status-is-always-200/
             (the whole message must match, and '.' does not match a newline: use (\\n|.)*)
  ACCEPT     The response template is "selected by the value of the Accept header sent in the client
             request ... Only the MIME type is used" (AWS's guide as quoted in
             https://github.com/serverless/serverless/issues/2046); no Accept counts as application/json
             and an Accept no template has falls back to application/json's, else the first template
             (LocalStack's reading, localstack/localstack#10381 and its integration_response.py)
  PARAMS     https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
             (integration.response.header.X, integration.response.body.JSONPath, 'static',
             stageVariables.x, context.x as method.response.header.X; integration.request.header|
             querystring|path.x from method.request.*, 'static', context.x) and REF's
             $context.requestOverride.header/querystring/path
  PASS       https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html
             (WHEN_NO_MATCH / WHEN_NO_TEMPLATES / NEVER; no Content-Type counts as application/json;
             refused → 415 Unsupported Media Type)
  ENC        https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html
             (binary request + CONVERT_TO_TEXT → base64 string; text + CONVERT_TO_BINARY → the
             base64-decoded bytes)
  GWHEADERS  The headers API Gateway adds are among the method request's: AWS's execution log
             "Method request headers: {…, X-Forwarded-Proto=https, …, X-Forwarded-Port=443,
             X-Amzn-Trace-Id=…}" (captured in https://github.com/sahilnarain/aws-api-gateway-log-parser,
             README) and a captured "$input.params().header" ({Accept=…, CloudFront-…, Host=…, Via=…,
             X-Amz-Cf-Id=…}, https://github.com/serverless/serverless/issues/1014); X-Forwarded-For
             with the client's address appended to what it sent, as in captured proxy events
             (test_apigw_conformance.py, CAPTURED)
  TOQOZ5     https://github.com/toqoz/api-gateway-mapping-template/issues/5 (third party, said of
             API Gateway: a member that does not exist, $input.path("$").item2, is written as "")
  UNSOURCED  No capture of API Gateway's own output found: nimbus keeps Velocity's behaviour (VUG)
"""
import base64
import http.client as httpc
import http.server as httpsrv
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http, invoke_url, lambda_uri, send_json, start_backend  # noqa: E402

STAGE = "test"

# MOCK rows: the template is the integration response's; the request is GET /m{i}/7 with the
# query string and headers given. (template, query, headers, body wanted, source)
MOCK_ROWS = [
    ("$input.params('name')", {"name": "ann"}, {}, "ann", "REF"),
    ("$input.params('X-Custom')", {}, {"X-Custom": "hv"}, "hv", "REF"),
    ("$input.params('id')", {}, {}, "7", "REF"),
    ("[$input.params('absent')]", {}, {}, "[]", "REF"),
    ("$input.params().path", {}, {}, "{id=7}", "KV"),
    ("$input.params().querystring", {"a": "1"}, {}, "{a=1}", "KV"),
    ("$input.params().querystring.get('a')/$input.params().querystring.a", {"a": "1"}, {}, "1/1", "REF"),
    ("$input.params().header.get('X-Custom')", {}, {"X-Custom": "hv"}, "hv", "REF"),
    ("#foreach($k in $input.params().querystring.keySet())$k=$input.params().querystring.get($k)#end",
     {"only": "x"}, {}, "only=x", "REF"),
    ("$context.httpMethod $context.stage $context.resourcePath", {}, {}, "GET test /m9/{id}", "REF"),
    ("$context.path", {}, {}, "/test/m10/7", "REF"),
    ("$context.protocol $context.identity.sourceIp", {}, {}, "HTTP/1.1 127.0.0.1", "REF"),
    ("$stageVariables.color", {}, {}, "blue", "REF"),
    ("$util.escapeJavaScript($input.params('s'))", {"s": 'say "hi"\n\\'}, {}, 'say \\"hi\\"\\n\\\\', "REF"),
    ("$util.escapeJavaScript($input.params('s'))", {"s": "it's"}, {}, "it\\'s", "REF"),
    ("$util.escapeJavaScript($input.params('s')).replaceAll(\"\\\\'\",\"'\")", {"s": "it's"}, {}, "it's", "REF"),
    ("$util.urlEncode($input.params('s'))", {"s": "a b&c=d/\u00e9~*"}, {}, "a+b%26c%3Dd%2F%C3%A9%7E*", "REF"),
    ("$util.urlDecode('a+b%26c%3D')", {}, {}, "a b&c=", "REF"),
    ("$util.base64Encode('hello')|$util.base64Decode('aGVsbG8=')", {}, {}, "aGVsbG8=|hello", "REF"),
    ("#set($o = $util.parseJson('{\"a\":{\"b\":[1,2]}}'))$o.a.b[1] $o.a.b.size()", {}, {}, "2 2", "REF"),
    ("#set($a = 2)#if($a > 3)big#elseif($a > 1)mid#{else}small#end", {}, {}, "mid", "VUG"),
    ("#if($input.params('flag') == 'on')yes#{else}no#end", {"flag": "on"}, {}, "yes", "VUG"),
    ("#if(!$nothing && $input.params('id') != '8')both#end", {}, {}, "both", "VUG"),
    ("#foreach($x in [\"a\", \"b\", \"c\"])$x#if($foreach.hasNext),#end#end", {}, {}, "a,b,c", "VUG"),
    ("#foreach($x in [7, 8])$velocityCount:$foreach.count:$foreach.index #end", {}, {}, "1:1:0 2:2:1 ", "VUG"),
    ("#foreach($i in [3..1])$i#end", {}, {}, "321", "VUG"),
    ("a## a line comment\nb#* a block\ncomment *#c", {}, {}, "abc", "VUG"),
    ("[$!nothing][$!{nothing}]", {}, {}, "[][]", "VUG"),
    # a plain undefined reference: Velocity writes it as is (VUG). toqoz#5's "written as empty" is
    # about a missing member of $input (TOQOZ5 below), and no capture of API Gateway writing a
    # plain $nothing was found (searched issues, pages, code): Velocity's behaviour is kept
    ("[$nothing][${nothing}]", {}, {}, "[$nothing][${nothing}]", "UNSOURCED"),
    # the headers the gateway adds (the client's address appended to an X-Forwarded-For it sent)
    ("$input.params('x-forwarded-for')|$input.params().header.get('X-Forwarded-Proto')", {}, {},
     "127.0.0.1|http", "GWHEADERS"),
    ("$input.params('X-Forwarded-For')", {}, {"X-Forwarded-For": "10.0.0.9"}, "10.0.0.9, 127.0.0.1", "GWHEADERS"),
    ("#if($input.params('x-amzn-trace-id').matches('Root=1-[0-9a-f]{8}-[0-9a-f]{24}'))traced#end", {}, {},
     "traced", "GWHEADERS"),
    ("$input.params('X-Amzn-Trace-Id')", {}, {"X-Amzn-Trace-Id": "Root=1-5e6b67ad-2d4a5560cf6fb7a02780c3a0"},
     "Root=1-5e6b67ad-2d4a5560cf6fb7a02780c3a0", "GWHEADERS"),
    ("#set($e = \"x\")\\$e \\\\$e \\$undefinedRef", {}, {}, "$e \\x \\$undefinedRef", "VUG"),
    ("#set($m = {\"k\": \"v\"})$m.k $m.get(\"k\") $m[\"k\"]", {}, {}, "v v v", "VUG"),
    ("#set($l = [1, 2, 3])$l[0] $l.get(2) $l.size()", {}, {}, "1 3 3", "VUG"),
    ("#set($n = 7)#set($h = $n / 2)#set($r = $n % 3)$h $r", {}, {}, "3 1", "VUG"),
    ("#set($s = \"Hello World\")$s.length() $s.substring(6) $s.substring(0, 5) $s.toLowerCase() $s.indexOf(\"o\")",
     {}, {}, "11 World Hello hello world 4", "JAVA"),
    ("#set($s = \"Hello\")$s.toUpperCase() $s.contains(\"ell\") $s.startsWith(\"He\") $s.endsWith(\"x\")",
     {}, {}, "HELLO true true false", "JAVA"),
    ("#set($s = \"a1b22\")$s.replaceAll(\"[0-9]\", \"\") $s.replaceAll(\"(\\d+)\", \"<$1>\")", {}, {},
     "ab a<1>b<22>", "JAVA"),
    ("#set($p = \"a,b,,c,,\")#set($l = $p.split(\",\"))$l.size() $l[3]", {}, {}, "4 c", "JAVA"),
    ("#set($s = \"abc\")$s.matches(\"[a-c]+\") $s.matches(\"b\")", {}, {}, "true false", "JAVA"),
    ("#set($s = \"a1b22\")$s.replaceAll(\"\\d+?\", \"#\") $s.matches(\"(?i)A.*\")", {}, {}, "a#b## true", "JAVA"),
    ("#set($m = {\"a\": 1, \"b\": \"two\"})$m", {}, {}, "{a=1, b=two}", "KV"),
    ("#set($d = \"{\"\"k\"\": \"\"v\"\"}\")$d", {}, {}, '{"k": "v"}', "KV"),
    ("#set($c = 0)#foreach($i in [1..1500])#set($c = $c + 1)#end$c", {}, {}, "1000", "LIMITS"),
]

# AWS rows: the function hands back the client's JSON body; the template is the integration
# response's. (template, request body, body wanted, source)
ECHO_ROWS = [
    ("$input.body", '{"a": 1}', '{"a": 1}', "REF"),
    ("$input.json('$.a')", '{"a": {"b": [1, 2]}}', '{"b":[1,2]}', "REF"),
    ("$input.json('$.a.b[0]')", '{"a": {"b": [1, 2]}}', "1", "REF"),
    ("$input.json('$.s')", '{"s": "x"}', '"x"', "REF"),
    ("$input.path('$.s')", '{"s": "x"}', "x", "REF"),
    ("[$input.path('$').item2]", '{"item1": 1}', "[]", "TOQOZ5"),
    ("$input.path('$.a.b').size() $input.path('$.a.b')[1]", '{"a": {"b": [1, 2]}}', "2 2", "REF"),
    ("#foreach($e in $input.path('$.items'))$e.id#if($foreach.hasNext),#end#end", '{"items": [{"id": 1}, {"id": 2}]}',
     "1,2", "REF"),
    ("$input.json('$.items[*].id') $input.json('$..id')", '{"items": [{"id": 1}, {"id": 2}]}', "[1,2] [1,2]",
     "JSONPATH"),
    ("#set($b = $input.path('$'))#set($b.added = \"yes\")$input.json('$')", '{"a": 1}', '{"a":1,"added":"yes"}',
     "SETREF"),
]

# AWS rows with a request template: what the function got. (template, query, body, JSON wanted, source)
REQUEST_ROWS = [
    ("{\"name\": \"$input.params('name')\", \"body\": $input.json('$')}", {"name": "ann"}, '{"x": 1}',
     {"name": "ann", "body": {"x": 1}}, "EXAMPLES"),
    ("{\"m\": \"$context.httpMethod\", \"q\": \"$util.escapeJavaScript($input.params('q'))\"}", {"q": 'a"b'}, "{}",
     {"m": "POST", "q": 'a"b'}, "REF"),
    ("#set($all = $input.params())#set($n = 0)#foreach($t in $all.keySet())#set($n = $n + 1)#end{\"kinds\": $n}",
     {}, "{}", {"kinds": 3}, "REF"),
]


class Backend(httpsrv.BaseHTTPRequestHandler):
    """The HTTP integrations' backend: /status/{code} answers that status with
    X-Backend: b1 and {"detail": "d-{code}"}; it records what it got."""
    got = []

    def do_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        Backend.got.append((self.command, self.path, dict(self.headers), body))
        code = int(self.path.rsplit("/", 1)[-1]) if self.path.startswith("/status/") else 200
        send_json(self, code, {"detail": "d-%d" % code, "n": 5}, [("X-Backend", "b1")])

    do_GET = do_POST = do_any

    def log_message(self, *a):
        pass


class VtlConformance(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = start_backend(cls, Backend)
        lam = cls.nimbus.client("lambda")
        cls.raw = create_function(lam, "vtl-raw", "raw")
        cls.failmsg = create_function(lam, "vtl-failmsg", "failmsg")
        gw = cls.gw = cls.nimbus.client("apigateway")
        cls.api = gw.create_rest_api(name="vtl-conformance", binaryMediaTypes=["application/octet-stream"])["id"]
        cls.root = next(r["id"] for r in gw.get_resources(restApiId=cls.api)["items"] if r["path"] == "/")
        for i, (tpl, *_rest) in enumerate(MOCK_ROWS):
            rid = cls.resource("m%d" % i, "{id}")
            cls.method(rid, "GET", {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
                       [("200", None, {"application/json": tpl}, None)])
        for i, (tpl, *_rest) in enumerate(ECHO_ROWS):
            cls.method(cls.resource("e%d" % i), "POST", cls.aws(cls.raw), [("200", None, {"application/json": tpl}, None)])
        for i, (tpl, *_rest) in enumerate(REQUEST_ROWS):
            cls.method(cls.resource("q%d" % i), "POST", cls.aws(cls.raw, {"application/json": tpl}),
                       [("200", None, None, None)])
        cls.setup_integration_responses()
        gw.create_deployment(restApiId=cls.api, stageName=STAGE, variables={"color": "blue"})

    @classmethod
    def resource(cls, *parts):
        parent = cls.root
        for p in parts:
            parent = cls.gw.create_resource(restApiId=cls.api, parentId=parent, pathPart=p)["id"]
        return parent

    @classmethod
    def aws(cls, fn, templates=None, **extra):
        integ = {"type": "AWS", "integrationHttpMethod": "POST", "uri": lambda_uri(fn)}
        if templates is not None:
            integ["requestTemplates"] = templates
        integ.update(extra)
        return integ

    @classmethod
    def method(cls, rid, verb, integration, responses):
        """responses: (status, selectionPattern or None, templates or None, responseParameters or None)."""
        gw = cls.gw
        gw.put_method(restApiId=cls.api, resourceId=rid, httpMethod=verb, authorizationType="NONE")
        gw.put_integration(restApiId=cls.api, resourceId=rid, httpMethod=verb, **integration)
        for status, pattern, templates, params in responses:
            mr = {"restApiId": cls.api, "resourceId": rid, "httpMethod": verb, "statusCode": status}
            if params:
                mr["responseParameters"] = {k: False for k in params}
            gw.put_method_response(**mr)
            ir = {"restApiId": cls.api, "resourceId": rid, "httpMethod": verb, "statusCode": status}
            if pattern is not None:
                ir["selectionPattern"] = pattern
            if templates is not None:
                ir["responseTemplates"] = templates
            if params:
                ir["responseParameters"] = params
            gw.put_integration_response(**ir)

    @classmethod
    def setup_integration_responses(cls):
        err_tpl = {"application/json": '{"error": "$util.escapeJavaScript($input.path(\'$.errorMessage\'))"}'}
        # Lambda errors: selectionPattern on errorMessage
        lam_responses = [("200", None, None, None), ("400", "Bad.*", err_tpl, None),
                         ("404", "(\\n|.)*not found(\\n|.)*", err_tpl, None), ("409", ".*conflict", err_tpl, None)]
        cls.method(cls.resource("lerr"), "GET", cls.aws(cls.failmsg, {"application/json": '{"msg": "$util.escapeJavaScript($input.params(\'m\'))"}'}),
                   lam_responses)
        cls.method(cls.resource("lok"), "GET", cls.aws(cls.raw, {"application/json": '{"msg": "Bad input"}'}),
                   lam_responses)
        # MOCK: selectionPattern on the status code the request template names
        cls.method(cls.resource("mock"), "GET",
                   {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": $input.params(\'code\')}'}},
                   [("200", None, {"application/json": "default"}, None),
                    ("404", "4\\d{2}", {"application/json": "client $context.stage"}, None),
                    ("500", "5.*", {"application/json": "server"}, None)])
        # HTTP: selectionPattern on the backend's status; responseParameters from its answer
        params = {"method.response.header.X-Up": "integration.response.header.X-Backend",
                  "method.response.header.X-Detail": "integration.response.body.detail",
                  "method.response.header.X-Static": "'fixed'",
                  "method.response.header.X-Color": "stageVariables.color",
                  "method.response.header.X-Stage": "context.stage"}
        http_uri = "http://127.0.0.1:%d/status/{code}" % cls.backend.server_address[1]
        cls.method(cls.resource("h", "{code}"), "GET",
                   {"type": "HTTP", "integrationHttpMethod": "GET", "uri": http_uri,
                    "requestParameters": {"integration.request.path.code": "method.request.path.code"}},
                   [("200", None, None, None),
                    ("400", "4\\d{2}", {"application/json": '{"d": "$input.path(\'$.detail\')"}'}, params)])
        cls.method(cls.resource("hpost"), "POST",
                   {"type": "HTTP", "integrationHttpMethod": "POST",
                    "uri": "http://127.0.0.1:%d/echo" % cls.backend.server_address[1],
                    "requestParameters": {"integration.request.header.X-From": "method.request.header.X-Client",
                                          "integration.request.header.X-Static": "'s'",
                                          "integration.request.header.X-Stage": "context.stage",
                                          "integration.request.querystring.q": "method.request.querystring.q"},
                    "requestTemplates": {"application/json": '#set($context.requestOverride.header.X-Over = "o")'
                                                             '{"wrapped": $input.json(\'$\')}'}},
                   [("200", None, None, None)])
        # passthroughBehavior: a template for application/json only, and none at all
        for pb in ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"):
            cls.method(cls.resource("pt-" + pb.lower()), "POST",
                       cls.aws(cls.raw, {"application/json": '{"templated": true}'}, passthroughBehavior=pb),
                       [("200", None, None, None)])
            cls.method(cls.resource("pn-" + pb.lower()), "POST", cls.aws(cls.raw, passthroughBehavior=pb),
                       [("200", None, None, None)])
        # contentHandling
        cls.method(cls.resource("bin2text"), "POST",
                   cls.aws(cls.raw, {"application/octet-stream": '{"b64": "$input.body"}'}, contentHandling="CONVERT_TO_TEXT"),
                   [("200", None, None, None)])
        rid = cls.resource("text2bin")
        cls.method(rid, "GET", {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
                   [("200", None, {"application/json": "aGk="}, None)])
        cls.gw.put_integration_response(restApiId=cls.api, resourceId=rid, httpMethod="GET", statusCode="200",
                                        responseTemplates={"application/json": "aGk="},
                                        contentHandling="CONVERT_TO_BINARY")
        # response templates by the client's Accept
        for name, tpls in (("accept", {"application/json": "json", "application/xml": "<xml/>"}),
                           ("accept1", {"text/plain": "plain"})):
            cls.method(cls.resource(name), "GET",
                       {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
                       [("200", None, tpls, None)])
        # the gateway's X-Forwarded-Port: the port the client asked (GWHEADERS)
        cls.method(cls.resource("fwdport"), "GET",
                   {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
                   [("200", None, {"application/json": "$input.params('X-Forwarded-Port')"}, None)])
        # $context.responseOverride
        cls.method(cls.resource("override"), "GET",
                   {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
                   [("200", None, {"application/json": '#set($context.responseOverride.status = 201)'
                                                       '#set($context.responseOverride.header.X-Extra = "e")made'}, None)])
        # templates that cannot be run: answered, never a crash or a hang
        for name, tpl in (("runaway", "#foreach($i in [1..100000000])x#end"), ("unparsable", "#if($x"),
                          ("backtrack", "#set($s = \"%s!\")$s.replaceAll(\"(a|aa)+$\", \"x\")" % ("a" * 60)),
                          ("deep", "#if(true)" * 400), ("bigout", "#foreach($i in [1..1000])" * 3 + "xxxxxxxxxx" + "#end" * 3)):
            cls.method(cls.resource(name), "GET",
                       {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
                       [("200", None, {"application/json": tpl}, None)])

    def url(self, path, query=None):
        q = ("?" + urllib.parse.urlencode(query)) if query else ""
        return invoke_url(self.nimbus.endpoint, self.api, STAGE, path + q)

    def test_mock_response_templates(self):
        for i, (tpl, query, headers, want, src) in enumerate(MOCK_ROWS):
            with self.subTest(template=tpl, source=src):
                r = http("GET", self.url("/m%d/7" % i, query), headers=headers)
                self.assertEqual((r.status, r.body.decode()), (200, want))

    def test_forwarded_port_is_the_port_asked(self):
        with self.subTest(source="GWHEADERS"):
            r = http("GET", self.url("/fwdport"))
            self.assertEqual((r.status, r.body.decode()), (200, str(urllib.parse.urlsplit(self.nimbus.endpoint).port)))

    def test_integration_response_templates(self):
        for i, (tpl, body, want, src) in enumerate(ECHO_ROWS):
            with self.subTest(template=tpl, source=src):
                r = http("POST", self.url("/e%d" % i), body=body, headers={"Content-Type": "application/json"})
                self.assertEqual((r.status, r.body.decode()), (200, want))

    def test_request_templates(self):
        for i, (tpl, query, body, want, src) in enumerate(REQUEST_ROWS):
            with self.subTest(template=tpl, source=src):
                r = http("POST", self.url("/q%d" % i, query), body=body, headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual(r.json(), want)

    def test_lambda_error_selection(self):
        table = [
            # (errorMessage, status, body wanted, source)
            ("Bad input", 400, {"error": "Bad input"}, "SELECT"),
            ("xBad input", 200, None, "SELECT"),               # the whole message must match
            ("line one\nnot found", 404, {"error": "line one\nnot found"}, "SELECT"),
            ("a\nconflict", 200, None, "SELECT"),               # '.' stops at the newline
            ("anything else", 200, None, "LAMBDA-ERR"),         # no pattern matches: the default, 200
        ]
        for msg, status, want, src in table:
            with self.subTest(message=msg, source=src):
                r = http("GET", self.url("/lerr", {"m": msg}))
                self.assertEqual(r.status, status, r.body)
                if want is None:   # the error itself is the body
                    self.assertEqual((r.json()["errorMessage"], r.json()["errorType"]), (msg, "MyError"))
                else:
                    self.assertEqual(r.json(), want)
        with self.subTest(what="a success never takes a pattern's response", source="LAMBDA-ERR"):
            r = http("GET", self.url("/lok"))
            self.assertEqual((r.status, r.json()), (200, {"msg": "Bad input"}))

    def test_mock_status_selection(self):
        for code, status, body in (("200", 200, "default"), ("404", 404, "client test"), ("418", 404, "client test"),
                                   ("503", 500, "server")):
            with self.subTest(code=code, source="SELECT"):
                r = http("GET", self.url("/mock", {"code": code}))
                self.assertEqual((r.status, r.body.decode()), (status, body))

    def test_http_integration(self):
        with self.subTest(what="2xx: the default response, the backend's body", source="SELECT"):
            r = http("GET", self.url("/h/200"))
            self.assertEqual((r.status, r.json()), (200, {"detail": "d-200", "n": 5}))
            self.assertIsNone(r.header("x-up"))
        with self.subTest(what="4xx: the pattern's response with its parameters", source="PARAMS"):
            r = http("GET", self.url("/h/404"))
            self.assertEqual((r.status, r.json()), (400, {"d": "d-404"}))
            self.assertEqual((r.header("x-up"), r.header("x-detail"), r.header("x-static"), r.header("x-color"),
                              r.header("x-stage")), ("b1", "d-404", "fixed", "blue", "test"))
        with self.subTest(what="no pattern matches 500: the default response", source="SELECT"):
            r = http("GET", self.url("/h/500"))
            self.assertEqual((r.status, r.json()), (200, {"detail": "d-500", "n": 5}))
        with self.subTest(what="the request template is the body sent", source="REF"):
            Backend.got.clear()
            r = http("POST", self.url("/hpost", {"q": "a b", "other": "x"}), body='{"a": 1}',
                     headers={"Content-Type": "application/json", "X-Client": "c1", "X-Unmapped": "u"})
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(len(Backend.got), 1)
            verb, path, headers, body = Backend.got[0]
            self.assertEqual((verb, path, json.loads(body)), ("POST", "/echo?q=a%20b", {"wrapped": {"a": 1}}))
        with self.subTest(what="requestParameters and $context.requestOverride say what else is sent", source="PARAMS"):
            h = {k.lower(): v for k, v in headers.items()}
            self.assertEqual((h.get("x-from"), h.get("x-static"), h.get("x-stage"), h.get("x-over"), "x-unmapped" in h),
                             ("c1", "s", "test", "o", False))

    def test_passthrough_behavior(self):
        table = [
            # (route, Content-Type, status, body wanted; None: 415)
            ("/pt-when_no_match", "application/json", 200, {"templated": True}),
            ("/pt-when_no_match", None, 200, {"templated": True}),   # none is application/json
            ("/pt-when_no_match", "text/plain", 200, {"k": 1}),      # passed through as sent
            ("/pt-when_no_templates", "text/plain", 415, None),
            ("/pt-never", "text/plain", 415, None),
            ("/pt-never", "application/json", 200, {"templated": True}),
            ("/pn-when_no_match", "text/plain", 200, {"k": 1}),
            ("/pn-when_no_templates", "text/plain", 200, {"k": 1}),
            ("/pn-never", "text/plain", 415, None),
        ]
        for route, ctype, status, want in table:
            with self.subTest(route=route, content_type=ctype, source="PASS"):
                r = self.post_raw(route, b'{"k": 1}', ctype)
                self.assertEqual(r[0], status, r[1])
                self.assertEqual(json.loads(r[1]), want if want is not None else {"message": "Unsupported Media Type"})

    def post_raw(self, route, body, ctype):
        """POST with exactly the Content-Type given (or none): (status, body)."""
        u = urllib.parse.urlsplit(self.url(route))
        c = httpc.HTTPConnection(u.hostname, u.port, timeout=30)
        c.putrequest("POST", u.path)
        if ctype:
            c.putheader("Content-Type", ctype)
        c.putheader("Content-Length", str(len(body)))
        c.endheaders(body)
        r = c.getresponse()
        out = (r.status, r.read())
        c.close()
        return out

    def test_content_handling(self):
        data = bytes([0, 1, 2, 250, 251])
        with self.subTest(what="binary request, CONVERT_TO_TEXT: the template reads base64", source="ENC"):
            r = http("POST", self.url("/bin2text"), body=data, headers={"Content-Type": "application/octet-stream"})
            self.assertEqual((r.status, r.json()), (200, {"b64": base64.b64encode(data).decode()}))
        with self.subTest(what="CONVERT_TO_BINARY on the response: the bytes", source="ENC"):
            r = http("GET", self.url("/text2bin"))
            self.assertEqual((r.status, r.body), (200, b"hi"))

    def test_response_template_by_accept(self):
        table = [
            # (route, Accept, body, Content-Type)
            ("/accept", "application/xml", "<xml/>", "application/xml"),
            ("/accept", "application/xml;q=0.9, application/json", "<xml/>", "application/xml"),   # the first type
            ("/accept", None, "json", "application/json"),          # none: application/json
            ("/accept", "text/html", "json", "application/json"),   # no template for it: application/json's
            ("/accept1", None, "plain", "text/plain"),              # and without one, the first
        ]
        for route, accept, body, ctype in table:
            with self.subTest(route=route, accept=accept, source="ACCEPT"):
                u = urllib.parse.urlsplit(self.url(route))
                c = httpc.HTTPConnection(u.hostname, u.port, timeout=30)
                c.putrequest("GET", u.path, skip_accept_encoding=True)
                if accept:
                    c.putheader("Accept", accept)
                c.endheaders()
                r = c.getresponse()
                got = (r.status, r.read().decode(), r.getheader("Content-Type"))
                c.close()
                self.assertEqual(got, (200, body, ctype))

    def test_response_override(self):
        r = http("GET", self.url("/override"))
        self.assertEqual((r.status, r.body, r.header("x-extra")), (201, b"made", "e"))

    def test_bad_templates_answer(self):
        # nimbus's own promise: a template that cannot run is a 500, never a crash or a hang
        for name in ("runaway", "unparsable", "backtrack", "deep", "bigout"):
            with self.subTest(template=name):
                r = http("GET", self.url("/" + name))
                self.assertEqual((r.status, r.json()), (500, {"message": "Internal server error"}))
        r = http("GET", self.url("/m0/7", {"name": "still"}))
        self.assertEqual((r.status, r.body), (200, b"still"))
