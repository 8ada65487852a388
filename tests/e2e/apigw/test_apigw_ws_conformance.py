"""WebSocket APIs as AWS runs them: a table of checks, each with where AWS's
behaviour is written down or captured. Clients are npm's `ws` and the AWS SDK
for JavaScript v3's ApiGatewayManagementApi (driven by ws_driver.mjs, one
JSON command a line), boto3's apigatewaymanagementapi, and Debian's AWS CLI's
apigatewayv2 through boto3. MESSAGE events come back to the client through a
two-way route whose function answers with the event it got (MODE echo);
$connect and $disconnect events are read from their function's log (MODE wslog).

Sources (the key in each table row names one):
  ROUTES     https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html
             (route selection expression $request.body.{path}, JSON path into the message, "the result
             will be stringified"; non-JSON messages and unmatched keys go to $default; "If there is no
             matching route and no $default route, the service returns an error")
  SELECT     https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html
             (curly braces delimit variables: "${request.body.version}-beta"; several variables, evaluated
             once; "\$" a literal dollar)
  FORBIDDEN  captured frames of that error: {"message": "Forbidden", "connectionId":"XDmENcnwIE0CFEQ=",
             "requestId":"XDmGEE2RoE0FRdQ="} (wscat sessions in the aws-samples/simple-websockets-chat-app#24
             thread and other public READMEs); the same form for a failing function,
             {"message": "Internal server error", "connectionId":"Qyi07eCbtjMCJKw=", "requestId":"Qyi3UG41tjMFlUg="}
  STATUS     a public capture probing $connect with ?status=N (wscat against API Gateway): 2xx connects,
             301 / 401 / 501 refuse the upgrade with that status, a function exception 502; on a two-way
             $default a function exception answers the Internal server error frame and the connection stays
  CONNECT    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html
             ("Until execution of the integration associated with the $connect route is completed, the
             upgrade request is pending"; $disconnect is best-effort) and the $connect event captured in
             https://gist.github.com/noid11/4aa8933d0b5cdbcc09d377c5d65d28c1 (headers as the client spelled
             them, "Host", "Sec-WebSocket-Key", plus X-Forwarded-For/Port/Proto and X-Amzn-Trace-Id;
             multiValueHeaders; requestContext routeKey $connect, eventType CONNECT, messageDirection IN,
             connectedAt, requestTimeEpoch, extendedRequestId, and messageId, disconnectStatusCode and
             disconnectReason null)
  NOSTAGE    a public capture of wscat against a WebSocket API whose stage was not deployed yet:
             "error: Unexpected server response: 403"
  SUBPROTO   https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-connect-route-subprotocol.html
             (the $connect answer's Sec-WebSocket-Protocol header is the subprotocol; its example function
             lower-cases event.headers itself, as API Gateway does not)
  EVENTS     events captured from AWS in aws/aws-lambda-go events/testdata/apigw-websocket-request-send-message.json
             and apigw-websocket-request-disconnect.json: MESSAGE carries requestContext {routeKey, messageId,
             eventType, extendedRequestId = requestId (16 characters ending '='), requestTime, messageDirection,
             stage, connectedAt, requestTimeEpoch, identity {userAgent, sourceIp}, domainName, connectionId,
             apiId}, body, isBase64Encoded and no headers; DISCONNECT carries headers {Host, x-api-key "",
             X-Forwarded-For "", x-restapi ""}, disconnectStatusCode and disconnectReason
  BINARY     https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-binary-media-types.html
             ("API Gateway WebSocket APIs don't currently support binary frames in incoming message payloads.
             If a client app sends a binary frame, API Gateway rejects it and disconnects the client with
             code 1003.")
  RESPONSE   https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-response.html
             ("API Gateway will not pass the backend response through to the route response, unless you
             set up a route response"; "You can only define the $default route response")
  DELETE     https://github.com/boto/boto3/issues/3789 (API Gateway's execution log after DeleteConnection:
             $disconnect with disconnectStatusCode 1000, disconnectReason "Connection Closed Normally")
  MGMT       botocore apigatewaymanagementapi 2018-11-29 service-2.json (POST/GET/DELETE
             /@connections/{connectionId}; GoneException 410, PayloadTooLargeException 413, Data at most
             131072 bytes, GetConnection's connectedAt / identity {sourceIp, userAgent} / lastActiveAt,
             DeleteConnection 204) and
             https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
             (the endpoint https://{api-id}.execute-api.{region}.amazonaws.com/{stage})
  UNSOURCED  nimbus's reading where nothing public says: a two-way route's function answering a plain
             string sends that string; a proxy answer with isBase64Encoded sends its body decoded, as a
             binary frame
  TRANSFORM  https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-data-transformations.html
             (Integration.TemplateSelectionExpression takes ${request.body.jsonPath} and static values;
             IntegrationResponse.TemplateSelectionExpression ${request.body.jsonPath},
             ${integration.response.statuscode}, ${integration.response.header.X}, static values; the
             integration response selection expression is $integration.response.body.errorMessage for
             Lambda, $integration.response.statuscode for HTTP and MOCK; "\$default" selects $default)
  INTRESP    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-integration-responses.html
             (non-proxy integrations need an integration response; its key is $default, the catch-all, or
             a /regex/ of the backend's status; no match → $default; one-way routes return nothing whatever
             the integration responses say)
  NOMATCH    the execution log of a two-way route whose integration has no integration response for the
             answer (re:Post "Execution failed due to configuration error: No match for output mapping and
             no default output mapping configured. Endpoint Response Status Code: 200"): the execution fails
  CONTEXT    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html
             ($context.connectionId, connectedAt, domainName, eventType, messageId (MESSAGE only), routeKey,
             requestId = extendedRequestId, apiId, stage, requestTimeEpoch, identity.sourceIp …)
  MOCKCONN   AWS CDK's WebSocketMockIntegration (aws-cdk-lib aws_apigatewayv2_integrations): a MOCK
             integration's request template {"statusCode": 200}, templateSelectionExpression "\$default";
             a $connect integration's 2xx opens the connection, another status refuses it (CONNECT, STATUS)
  PROXY      the same integration responses guide: "For proxy integrations, API Gateway automatically passes
             the backend output to the caller as the complete payload" (no integration response, whatever the
             status); AWS's HTTP_PROXY integration type (apigatewayv2 IntegrationType: the request passed to
             the HTTP endpoint, the endpoint's response passed back); a $connect integration's 2xx opens, as
             for the other types (CONNECT, STATUS)
  VPCHDR     AWS re:Post knowledge center "pass a connectionId or custom token to VPC Link integration as a
             header for API Gateway WebSocket APIs" (an HTTP_PROXY integration: WebSocket APIs pass no
             connectionId by default; requestParameters integration.request.header.X from
             context.connectionId, route.request.body.x, and integration.request.querystring.X); aws/aws-cdk#29562
             (HTTP_PROXY $connect / $disconnect integrations mapping context.connectionId to a header)
  CONTENT    botocore apigatewayv2 IntegrationResponse.ContentHandlingStrategy ("Supported only for WebSocket
             APIs": CONVERT_TO_BINARY converts a response payload from a Base64-encoded string to the
             corresponding binary blob, CONVERT_TO_TEXT a binary blob to a Base64-encoded string; undefined:
             passed through); which answers are binary is CHOICE (not UTF-8, what a text frame cannot carry)
  CHOICE     nimbus's reading where AWS publishes nothing: see src/apigw/README.md ("WebSocket APIs")
  LIMITS     https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (WebSocket frame size
             32 KB, message payload 128 KB, idle connection timeout 10 minutes, connection duration 2 hours);
             RFC 6455 7.4.1 (1009 "message too big", 1007 invalid data, 1002 protocol error, 1001 going
             away) and 5.5.2/5.5.3 (a ping is answered by a pong with its application data)
"""
import base64
import http.server as httpsrv
import json
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, group_lines, lambda_uri, send_json, start_backend  # noqa: E402
from harness import ROOT  # noqa: E402

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ws_driver.mjs")
AWS_ID = r"^[A-Za-z0-9_=+/-]{15}=$"   # connection, message and request ids as captured (EVENTS)


class Driver:
    """ws_driver.mjs: one command, one answer."""

    def __init__(self, nimbus):
        env = nimbus.env()
        env["NODE_PATH"] = os.path.join(ROOT, "tests", "e2e", "node_modules")
        self.p = subprocess.Popen(["node", DRIVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  env=env)

    def __call__(self, op, **kw):
        kw["op"] = op
        self.p.stdin.write(json.dumps(kw) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise AssertionError("ws_driver.mjs ended")
        return json.loads(line)

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.p.stdout.close()


def frame(msg):
    """A received text frame as JSON."""
    assert "text" in msg, msg
    return json.loads(msg["text"])


class WsBase(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.nimbus.client("lambda")
        cls.gw = cls.nimbus.client("apigatewayv2")
        cls.port = int(cls.nimbus.endpoint.rsplit(":", 1)[1])
        cls.d = Driver(cls.nimbus)
        cls.addClassCleanup(cls.d.close)
        cls.n = 0

    @classmethod
    def make_api(cls, name, expr, routes, stage="prod"):
        """A WEBSOCKET API; routes: {routeKey: (function ARN, two_way, timeout_ms or None)}."""
        api = cls.gw.create_api(Name=name, ProtocolType="WEBSOCKET", RouteSelectionExpression=expr)["ApiId"]
        for key, (fn, two_way, timeout) in routes.items():
            kw = {"TimeoutInMillis": timeout} if timeout else {}
            iid = cls.gw.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=fn,
                                            **kw)["IntegrationId"]
            rid = cls.gw.create_route(ApiId=api, RouteKey=key, Target="integrations/" + iid)["RouteId"]
            if two_way:
                cls.gw.create_route_response(ApiId=api, RouteId=rid, RouteResponseKey="$default")
        cls.gw.create_stage(ApiId=api, StageName=stage, AutoDeploy=True)
        return api

    def url(self, api, stage="prod", query=""):
        return "ws://127.0.0.1:%d/_aws/execute-api/%s/%s%s" % (self.port, api, stage, query)

    def connect(self, api, query="", **kw):
        type(self).n += 1
        name = "c%d" % type(self).n
        r = self.d("connect", name=name, url=self.url(api, query=query), **kw)
        self.assertTrue(r.get("open"), r)
        return name

    def try_connect(self, api, query=""):
        """True when a connection opens (it is closed again), else the driver's answer
        ({"status", "body"} of a refusal)."""
        r = self.d("connect", name="try", url=self.url(api, query=query))
        if r.get("open"):
            self.d("close", name="try", code=1000)
            return True
        return r

    def events(self, fn_name, want, pred=lambda e: True):
        """The events fn_name logged (wslog) that satisfy pred, waiting (bounded) for `want` of them."""
        deadline = time.time() + 20
        while True:
            out = []
            for _, msg in group_lines(self.nimbus, "/aws/lambda/" + fn_name, timeout=0):
                i = msg.find("EVENT ")
                if i >= 0:
                    ev = json.loads(msg[i + 6:])
                    if pred(ev):
                        out.append(ev)
            if len(out) >= want or time.time() > deadline:
                return out
            time.sleep(0.2)

    def disconnect_event(self, fn_name, conn_id):
        evs = self.events(fn_name, 1, lambda e: e["requestContext"].get("eventType") == "DISCONNECT" and
                          e["requestContext"]["connectionId"] == conn_id)
        self.assertEqual(len(evs), 1, "no $disconnect for %s" % conn_id)
        return evs[0]


class WsConformance(WsBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lam = cls.lam
        cls.echo = create_function(lam, "wsc-echo", "echo")
        cls.log = create_function(lam, "wsc-log", "wslog")
        cls.fail = create_function(lam, "wsc-fail", "fail")
        cls.sleep = create_function(lam, "wsc-sleep", "sleep", env={"SLEEP_S": "3"})
        cls.plain = create_function(lam, "wsc-plain", "answer", env={"ANSWER": '"just text"'})
        cls.b64 = create_function(lam, "wsc-b64", "answer",
                                  env={"ANSWER": '{"statusCode":200,"body":"AAEC/w==","isBase64Encoded":true}'})
        cls.api = cls.make_api("wsc", "$request.body.action", {
            "$connect": (cls.log, False, None),
            "$disconnect": (cls.log, False, None),
            "$default": (cls.echo, True, None),
            "echo": (cls.echo, True, None),
            "7": (cls.echo, True, None),
            "oneway": (cls.echo, False, None),
            "fail": (cls.fail, True, None),
            "slow": (cls.sleep, True, 1000),
            "plain": (cls.plain, True, None),
            "b64": (cls.b64, True, None),
        })
        cls.nested = cls.make_api("wsc-nested", "${request.body.meta.kind}", {"deep": (cls.echo, True, None)})
        cls.multi = cls.make_api("wsc-multi", "${request.body.service}-${request.body.action}", {
            "chat-join": (cls.echo, True, None), "$default": (cls.echo, True, None)})

    # --- routing --------------------------------------------------------------

    def test_route_selection(self):
        c = self.connect(self.api)
        table = [
            # (what, message sent, route key the function sees, source)
            ("a custom route", '{"action":"echo","x":1}', "echo", "ROUTES"),
            ("an unknown key goes to $default", '{"action":"nothing"}', "$default", "ROUTES"),
            ("no such member goes to $default", '{"other":"echo"}', "$default", "ROUTES"),
            ("not JSON goes to $default", "hello there", "$default", "ROUTES"),
            ("a JSON array goes to $default", '["echo"]', "$default", "ROUTES"),
            ("a number is stringified", '{"action":7}', "7", "ROUTES"),
        ]
        for what, msg, key, src in table:
            with self.subTest(what=what, source=src):
                self.d("send", name=c, text=msg)
                ev = frame(self.d("recv", name=c))
                self.assertEqual(ev["requestContext"]["routeKey"], key)
                self.assertEqual(ev["body"], msg)

    def test_selection_with_two_variables(self):
        c = self.connect(self.multi)
        table = [
            ('{"service":"chat","action":"join"}', "chat-join"),
            ('{"service":"chat","action":"leave"}', "$default"),
            ('{"service":"chat"}', "$default"),
        ]
        for msg, key in table:
            with self.subTest(message=msg, source="SELECT ROUTES"):
                self.d("send", name=c, text=msg)
                self.assertEqual(frame(self.d("recv", name=c))["requestContext"]["routeKey"], key)

    def test_nested_selection_and_no_default(self):
        c = self.connect(self.nested)
        with self.subTest(what="${request.body.meta.kind} selects a nested member", source="ROUTES SELECT"):
            self.d("send", name=c, text='{"meta":{"kind":"deep"}}')
            self.assertEqual(frame(self.d("recv", name=c))["requestContext"]["routeKey"], "deep")
        conn_id = None
        for what, msg in (("no match and no $default", '{"meta":{"kind":"shallow"}}'),
                          ("not JSON and no $default", "plain words")):
            with self.subTest(what=what, source="ROUTES FORBIDDEN"):
                self.d("send", name=c, text=msg)
                m = self.d("recv", name=c)
                self.assertRegex(m["text"], r'^\{"message": "Forbidden", "connectionId":"[^"]+", "requestId":"[^"]+"\}$')
                f = json.loads(m["text"])
                self.assertRegex(f["connectionId"], AWS_ID)
                self.assertRegex(f["requestId"], AWS_ID)
                conn_id = conn_id or f["connectionId"]
                self.assertEqual(f["connectionId"], conn_id)
        with self.subTest(what="the connection stays open", source="FORBIDDEN"):
            self.assertEqual(self.d("ping", name=c, text="still")["pong"], "still")

    # --- events -----------------------------------------------------------------

    def test_message_event(self):
        c = self.connect(self.api)
        before = int(time.time() * 1000)
        self.d("send", name=c, text='{"action":"echo","n":1}')
        ev = frame(self.d("recv", name=c))
        rc = ev["requestContext"]
        table = [
            ("routeKey", rc["routeKey"], "echo"),
            ("eventType", rc["eventType"], "MESSAGE"),
            ("messageDirection", rc["messageDirection"], "IN"),
            ("stage", rc["stage"], "prod"),
            ("apiId", rc["apiId"], self.api),
            ("domainName is the Host", rc["domainName"], "127.0.0.1:%d" % self.port),
            ("identity.sourceIp", rc["identity"]["sourceIp"], "127.0.0.1"),
            ("identity has userAgent", "userAgent" in rc["identity"], True),
            ("requestId is extendedRequestId", rc["requestId"], rc["extendedRequestId"]),
            ("requestId as AWS's", bool(re.match(AWS_ID, rc["requestId"])), True),
            ("messageId as AWS's", bool(re.match(AWS_ID, rc["messageId"])), True),
            ("connectionId as AWS's", bool(re.match(AWS_ID, rc["connectionId"])), True),
            ("connectedAt before the message", isinstance(rc["connectedAt"], int) and rc["connectedAt"] <= before, True),
            ("requestTimeEpoch in ms", isinstance(rc["requestTimeEpoch"], int) and rc["requestTimeEpoch"] >= before,
             True),
            ("requestTime format", bool(re.match(r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$",
                                                 rc["requestTime"])), True),
            ("body as sent", ev["body"], '{"action":"echo","n":1}'),
            ("isBase64Encoded", ev["isBase64Encoded"], False),
            ("no headers on MESSAGE", "headers" in ev, False),
            ("no queryStringParameters on MESSAGE", "queryStringParameters" in ev, False),
            ("no disconnectStatusCode on MESSAGE", "disconnectStatusCode" in rc, False),
        ]
        for what, got, want in table:
            with self.subTest(what=what, source="EVENTS"):
                self.assertEqual(got, want)
        with self.subTest(what="the {api}.execute-api host form: domainName is that Host", source="EVENTS MGMT"):
            host = "%s.execute-api.localhost:%d" % (self.api, self.port)
            r = self.d("connect", name="hostform", url="ws://%s/prod" % host, loopback=True)
            self.assertTrue(r.get("open"), r)
            self.d("send", name="hostform", text='{"action":"echo"}')
            rc3 = frame(self.d("recv", name="hostform"))["requestContext"]
            self.assertEqual((rc3["domainName"], rc3["stage"], rc3["apiId"]), (host, "prod", self.api))
            self.d("close", name="hostform", code=1000)
        with self.subTest(what="each message its own ids", source="EVENTS"):
            self.d("send", name=c, text='{"action":"echo","n":2}')
            rc2 = frame(self.d("recv", name=c))["requestContext"]
            self.assertNotEqual(rc2["messageId"], rc["messageId"])
            self.assertNotEqual(rc2["requestId"], rc["requestId"])
            self.assertEqual((rc2["connectionId"], rc2["connectedAt"]), (rc["connectionId"], rc["connectedAt"]))

    def test_binary_frame_refused(self):
        c = self.connect(self.api)
        cid = self.conn_id(c)
        raw = bytes([0, 1, 2, 0xff, 0xfe])
        self.d("send", name=c, b64=base64.b64encode(raw).decode(), binary=True)
        with self.subTest(what="a binary frame closes 1003", source="BINARY"):
            self.assertEqual(self.d("recv", name=c)["close"], 1003)
        with self.subTest(what="and reaches $disconnect", source="BINARY EVENTS"):
            self.assertEqual(self.disconnect_event("wsc-log", cid)["requestContext"]["disconnectStatusCode"], 1003)

    def test_connect_event(self):
        c = self.connect(self.api, query="?who=me&who=you&x=1",
                         headers={"X-Custom-Header": "v1", "User-Agent": "wsc-agent/1"})
        self.d("send", name=c, text='{"action":"echo"}')
        conn_id = frame(self.d("recv", name=c))["requestContext"]["connectionId"]
        evs = self.events("wsc-log", 1, lambda e: e["requestContext"].get("eventType") == "CONNECT" and
                          e["requestContext"]["connectionId"] == conn_id)
        self.assertEqual(len(evs), 1)
        ev = evs[0]
        rc, h = ev["requestContext"], ev["headers"]
        table = [
            ("routeKey", rc["routeKey"], "$connect", "CONNECT"),
            ("eventType", rc["eventType"], "CONNECT", "CONNECT"),
            ("messageDirection", rc["messageDirection"], "IN", "CONNECT"),
            ("stage", rc["stage"], "prod", "CONNECT"),
            ("apiId", rc["apiId"], self.api, "CONNECT"),
            ("identity.sourceIp", rc["identity"]["sourceIp"], "127.0.0.1", "CONNECT"),
            ("identity.userAgent", rc["identity"]["userAgent"], "wsc-agent/1", "CONNECT"),
            ("requestId is extendedRequestId", rc["requestId"], rc["extendedRequestId"], "CONNECT"),
            ("requestId as AWS's", bool(re.match(AWS_ID, rc["requestId"])), True, "EVENTS"),
            ("connectedAt", isinstance(rc["connectedAt"], int), True, "CONNECT"),
            ("header names as the client spelled them", h.get("X-Custom-Header"), "v1", "CONNECT SUBPROTO"),
            ("Host", h.get("Host"), "127.0.0.1:%d" % self.port, "CONNECT"),
            ("Sec-WebSocket-Key", bool(h.get("Sec-WebSocket-Key")), True, "CONNECT"),
            ("Sec-WebSocket-Version", h.get("Sec-WebSocket-Version"), "13", "CONNECT"),
            ("X-Forwarded-For", h.get("X-Forwarded-For"), "127.0.0.1", "CONNECT"),
            ("X-Forwarded-Proto", h.get("X-Forwarded-Proto"), "http", "CONNECT"),
            ("X-Forwarded-Port", h.get("X-Forwarded-Port"), str(self.port), "CONNECT"),
            ("X-Amzn-Trace-Id", bool(re.match(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$", h.get("X-Amzn-Trace-Id", ""))),
             True, "CONNECT"),
            ("multiValueHeaders", ev["multiValueHeaders"].get("X-Custom-Header"), ["v1"], "CONNECT"),
            ("queryStringParameters: the last", ev["queryStringParameters"], {"who": "you", "x": "1"}, "CONNECT"),
            ("multiValueQueryStringParameters", ev["multiValueQueryStringParameters"],
             {"who": ["me", "you"], "x": ["1"]}, "CONNECT"),
            ("isBase64Encoded", ev["isBase64Encoded"], False, "CONNECT"),
            ("messageId null", rc.get("messageId", "absent"), None, "CONNECT"),
            ("disconnectStatusCode null", rc.get("disconnectStatusCode", "absent"), None, "CONNECT"),
            ("disconnectReason null", rc.get("disconnectReason", "absent"), None, "CONNECT"),
        ]
        for what, got, want, src in table:
            with self.subTest(what=what, source=src):
                self.assertEqual(got, want)
        c2 = self.connect(self.api)
        self.d("send", name=c2, text='{"action":"echo"}')
        id2 = frame(self.d("recv", name=c2))["requestContext"]["connectionId"]
        ev2 = self.events("wsc-log", 1, lambda e: e["requestContext"].get("eventType") == "CONNECT" and
                          e["requestContext"]["connectionId"] == id2)[0]
        with self.subTest(what="no query string: no queryStringParameters", source="CONNECT"):
            self.assertNotIn("queryStringParameters", ev2)

    def test_disconnect_event(self):
        table = [
            # (how the connection ends, disconnectStatusCode, source)
            ("client close 4000", 4000, "EVENTS"),
            ("client close 1000", 1000, "EVENTS"),
            ("client close without a code", 1005, "EVENTS"),
            ("abrupt drop", 1006, "EVENTS"),
        ]
        for how, code, src in table:
            with self.subTest(how=how, source=src):
                c = self.connect(self.api)
                self.d("send", name=c, text='{"action":"echo"}')
                conn_id = frame(self.d("recv", name=c))["requestContext"]["connectionId"]
                if how == "abrupt drop":
                    self.d("drop", name=c)
                elif how == "client close without a code":
                    self.assertEqual(self.d("close", name=c)["close"], 1005)
                else:
                    self.assertEqual(self.d("close", name=c, code=code, reason="bye")["close"], code)
                ev = self.disconnect_event("wsc-log", conn_id)
                rc = ev["requestContext"]
                self.assertEqual((rc["routeKey"], rc["eventType"], rc["disconnectStatusCode"]),
                                 ("$disconnect", "DISCONNECT", code))
                self.assertIsInstance(rc["disconnectReason"], str)
                self.assertEqual(ev["headers"], {"Host": "127.0.0.1:%d" % self.port, "x-api-key": "",
                                                 "X-Forwarded-For": "", "x-restapi": ""})
                self.assertEqual(ev["multiValueHeaders"]["Host"], ["127.0.0.1:%d" % self.port])
                self.assertNotIn("messageId", rc)
                self.assertNotIn("body", ev)

    # --- $connect answers ---------------------------------------------------------

    def test_connect_status(self):
        table = [
            # (query, expected: True = open, else the HTTP status, source)
            ("?status=200", True, "STATUS"),
            ("?status=201", True, "STATUS"),
            ("?status=301", 301, "STATUS"),
            ("?status=401", 401, "STATUS"),
            ("?status=403", 403, "STATUS"),
            ("?status=501", 501, "STATUS"),
            ("?exc=1", 502, "STATUS"),
        ]
        for q, want, src in table:
            with self.subTest(query=q, source=src):
                r = self.try_connect(self.api, q)
                self.assertEqual(r if r is True else r.get("status"), want, r)
        with self.subTest(what="unknown stage", source="NOSTAGE"):
            r = self.d("connect", name="st", url=self.url(self.api, stage="nostage"))
            self.assertEqual(r.get("status"), 403)

    # --- route responses --------------------------------------------------------

    def test_route_responses(self):
        c = self.connect(self.api)
        table = [
            # (message, the client's frame: text / b64 / error, source)
            ('{"action":"plain"}', {"text": "just text"}, "UNSOURCED"),
            ('{"action":"b64"}', {"b64": base64.b64encode(bytes([0, 1, 2, 0xff])).decode()}, "UNSOURCED"),
        ]
        for msg, want, src in table:
            with self.subTest(message=msg, source=src):
                self.d("send", name=c, text=msg)
                self.assertEqual(self.d("recv", name=c), want)
        # the timeout's frame: the form of FORBIDDEN with the text of API Gateway's 504 (no capture of it)
        for msg, err, src in (('{"action":"fail"}', "Internal server error", "FORBIDDEN STATUS"),
                              ('{"action":"slow"}', "Endpoint request timed out", "FORBIDDEN (form)")):
            with self.subTest(message=msg, source=src):
                self.d("send", name=c, text=msg)
                m = self.d("recv", name=c, ms=10000)
                self.assertRegex(m.get("text", ""), r'^\{"message": "%s", "connectionId":"[^"]+", "requestId":"[^"]+"\}$'
                                 % err)
        with self.subTest(what="one-way route: nothing back", source="RESPONSE"):
            self.d("send", name=c, text='{"action":"oneway"}')
            self.d("send", name=c, text='{"action":"echo","after":1}')
            ev = frame(self.d("recv", name=c, ms=10000))
            self.assertEqual(json.loads(ev.get("body", "null")), {"action": "echo", "after": 1}, ev)
            self.assertEqual(self.d("ping", name=c, text="p")["pong"], "p")
            self.assertEqual(self.d("recv", name=c, ms=1500), {"timeout": True})

    def test_route_response_key(self):
        rid = self.gw.get_routes(ApiId=self.api)["Items"][0]["RouteId"]
        with self.subTest(what="only $default route responses", source="RESPONSE"):
            err = self.client_error(self.gw.create_route_response, ApiId=self.api, RouteId=rid,
                                    RouteResponseKey="$other")
            self.assertEqual(err["Error"]["Code"], "BadRequestException")
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)

    # --- @connections -------------------------------------------------------------

    def conn_id(self, c):
        self.d("send", name=c, text='{"action":"echo"}')
        return frame(self.d("recv", name=c))["requestContext"]["connectionId"]

    def test_connections_api(self):
        # AWS's https://{api-id}.execute-api.{region}.amazonaws.com/{stage} and nimbus's forms of it
        endpoints = [
            ("{api}.execute-api.localhost/{stage}", "http://%s.execute-api.localhost:%d/prod" % (self.api, self.port)),
            ("root", self.nimbus.endpoint),
            ("/_aws/execute-api/{api}/{stage}", "%s/_aws/execute-api/%s/prod" % (self.nimbus.endpoint, self.api)),
            ("/{stage}", self.nimbus.endpoint + "/prod"),
        ]
        for label, ep in endpoints:
            with self.subTest(endpoint=label, source="MGMT DELETE"):
                c = self.connect(self.api, headers={"User-Agent": "mgmt-agent/2"})
                cid = self.conn_id(c)
                r = self.d("mgmt", endpoint=ep, loopback=True, call="post", id=cid, text="hello " + label)
                self.assertEqual((r.get("ok"), r["out"]["status"]), (True, 200), r)
                self.assertEqual(self.d("recv", name=c), {"text": "hello " + label})
                raw = bytes([0xff, 0x00, 0x80])
                r = self.d("mgmt", endpoint=ep, loopback=True, call="post", id=cid, b64=base64.b64encode(raw).decode())
                self.assertTrue(r.get("ok"), r)
                self.assertEqual(self.d("recv", name=c), {"b64": base64.b64encode(raw).decode()})
                r = self.d("mgmt", endpoint=ep, loopback=True, call="get", id=cid)
                out = r["out"]
                self.assertEqual(out["Identity"], {"SourceIp": "127.0.0.1", "UserAgent": "mgmt-agent/2"})
                self.assertIsInstance(out["ConnectedAt"], int)
                self.assertGreaterEqual(out["LastActiveAt"], out["ConnectedAt"])
                r = self.d("mgmt", endpoint=ep, loopback=True, call="post", id=cid, text="x" * (128 * 1024 + 1))
                self.assertEqual((r.get("error"), r.get("status")), ("PayloadTooLargeException", 413), r)
                r = self.d("mgmt", endpoint=ep, loopback=True, call="post", id=cid, text="y" * (128 * 1024))
                self.assertTrue(r.get("ok"), r)
                self.assertEqual(len(self.d("recv", name=c)["text"]), 128 * 1024)
                r = self.d("mgmt", endpoint=ep, loopback=True, call="delete", id=cid)
                self.assertEqual((r.get("ok"), r["out"]["status"]), (True, 204), r)
                self.assertEqual(self.d("recv", name=c)["close"], 1000)
                for call in ("post", "get", "delete"):
                    r = self.d("mgmt", endpoint=ep, loopback=True, call=call, id=cid, text="late")
                    self.assertEqual((r.get("error"), r.get("status")), ("GoneException", 410), r)
                ev = self.disconnect_event("wsc-log", cid)
                # as API Gateway's execution log shows it after DeleteConnection (boto/boto3#3789)
                self.assertEqual((ev["requestContext"]["disconnectStatusCode"], ev["requestContext"]["disconnectReason"]),
                                 (1000, "Connection Closed Normally"))
        with self.subTest(what="never connected", source="MGMT"):
            r = self.d("mgmt", endpoint=self.nimbus.endpoint, call="post", id="Zm9vYmFyYmF6cXV4=", text="x")
            self.assertEqual((r.get("error"), r.get("status")), ("GoneException", 410), r)

    def test_connections_boto3(self):
        c = self.connect(self.api)
        cid = self.conn_id(c)
        import boto3
        mgmt = boto3.client("apigatewaymanagementapi", region_name="us-east-1",
                            endpoint_url="%s/_aws/execute-api/%s/prod" % (self.nimbus.endpoint, self.api),
                            aws_access_key_id=self.nimbus.creds["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=self.nimbus.creds["AWS_SECRET_ACCESS_KEY"])
        with self.subTest(what="PostToConnection", source="MGMT"):
            mgmt.post_to_connection(ConnectionId=cid, Data=b"from boto3")
            self.assertEqual(self.d("recv", name=c), {"text": "from boto3"})
        with self.subTest(what="GetConnection", source="MGMT"):
            out = mgmt.get_connection(ConnectionId=cid)
            self.assertEqual(out["Identity"]["SourceIp"], "127.0.0.1")
            self.assertLessEqual(out["ConnectedAt"], out["LastActiveAt"])
        with self.subTest(what="DeleteConnection, then Gone", source="MGMT"):
            self.assertEqual(mgmt.delete_connection(ConnectionId=cid)["ResponseMetadata"]["HTTPStatusCode"], 204)
            err = self.client_error(mgmt.get_connection, ConnectionId=cid)
            self.assertEqual((err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]), ("GoneException", 410))

    # --- frames and limits ---------------------------------------------------------

    def test_frames(self):
        table = [
            # (what, steps, the server's close code or None, source)
            ("a 32 KB frame passes", [("send", {"text": '{"action":"oneway","p":"' + "a" * (32 * 1024 - 29) + '"}'})],
             None, "LIMITS"),
            ("a frame past 32 KB", [("send", {"text": "a" * (32 * 1024 + 1)})], 1009, "LIMITS"),
            ("a 128 KB message in fragments passes",
             [("send", {"text": "b" * (32 * 1024), "fin": False})] * 3 + [("send", {"text": "b" * (32 * 1024)})],
             None, "LIMITS"),
            ("a message past 128 KB in fragments",
             [("send", {"text": "b" * (32 * 1024), "fin": False})] * 4 + [("send", {"text": "b"})], 1009, "LIMITS"),
            ("text that is not UTF-8", [("raw", {"hex": "818300000000ffc328"})], 1007, "LIMITS"),
            ("an unmasked frame", [("raw", {"hex": "810161"})], 1002, "LIMITS"),
            ("reserved bits", [("raw", {"hex": "c18000000000"})], 1002, "LIMITS"),
            ("an unknown opcode", [("raw", {"hex": "838000000000"})], 1002, "LIMITS"),
            ("a continuation outside a message", [("raw", {"hex": "808000000000"})], 1002, "LIMITS"),
            ("a fragmented ping", [("raw", {"hex": "098000000000"})], 1002, "LIMITS"),
            ("a ping past 125 bytes", [("raw", {"hex": "89fe007e00000000" + "00" * 126})], 1002, "LIMITS"),
            ("a close code that may not be sent", [("raw", {"hex": "88820000000003ed"})], 1002, "LIMITS"),
            ("garbage", [("raw", {"hex": "ffffffffffffffffffffffff"})], 1002, "LIMITS"),
        ]
        for what, steps, code, src in table:
            with self.subTest(what=what, source=src):
                c = self.connect(self.api)
                for op, kw in steps:
                    self.d(op, name=c, **kw)
                if code is None:
                    self.assertEqual(self.d("ping", name=c, text="alive")["pong"], "alive")
                    self.d("close", name=c, code=1000)
                else:
                    m = self.d("recv", name=c)
                    while "close" not in m and "timeout" not in m:   # answers of earlier messages
                        m = self.d("recv", name=c)
                    self.assertEqual(m.get("close"), code, m)
        with self.subTest(what="a client gone while its function runs", source="CONNECT"):
            c = self.connect(self.api)
            cid = self.conn_id(c)
            self.d("send", name=c, text='{"action":"slow"}')
            self.d("drop", name=c)
            self.assertEqual(self.disconnect_event("wsc-log", cid)["requestContext"]["disconnectStatusCode"], 1006)
        with self.subTest(what="a client gone while $connect runs", source="CONNECT"):
            self.assertEqual(self.d("abort", url=self.url(self.api, query="?sleep=2"), ms=500), {"aborted": True})
            c = self.connect(self.api)   # the gateway still serves
            self.assertEqual(self.d("ping", name=c, text="after")["pong"], "after")
        with self.subTest(what="a ping is answered with its data", source="LIMITS"):
            c = self.connect(self.api)
            self.assertEqual(self.d("ping", name=c, text="payload-1")["pong"], "payload-1")
        with self.subTest(what="1009 reaches $disconnect", source="LIMITS EVENTS"):
            c = self.connect(self.api)
            cid = self.conn_id(c)
            self.d("send", name=c, text="z" * (40 * 1024))
            self.assertEqual(self.d("recv", name=c)["close"], 1009)
            self.assertEqual(self.disconnect_event("wsc-log", cid)["requestContext"]["disconnectStatusCode"], 1009)


class WsBackend(httpsrv.BaseHTTPRequestHandler):
    """The HTTP integrations' backend: it records what it got and answers
    {"seen": the body as JSON, "path": the path} with X-Backend: b1 and the
    status the body's "status" (or the query string's code) names (200 without), after the
    seconds its "sleep" names; a body's "bytes" (base64) is answered as those bytes instead."""
    got = []

    def do_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        WsBackend.got.append((self.command, self.path, dict(self.headers), body))
        try:
            seen = json.loads(body or b"null")
        except ValueError:
            seen = body.decode("utf-8", "replace")
        q = re.search(r"[?&]code=(\d+)", self.path)
        code = seen.get("status", 200) if isinstance(seen, dict) else int(q.group(1)) if q else 200
        if isinstance(seen, dict) and seen.get("sleep"):
            time.sleep(seen["sleep"])
        try:
            if isinstance(seen, dict) and "bytes" in seen:
                out = base64.b64decode(seen["bytes"])
                self.send_response(code)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
                return
            send_json(self, code, {"seen": seen, "path": self.path}, [("X-Backend", "b1")])
        except (BrokenPipeError, ConnectionResetError):
            pass   # the gateway stopped waiting (the integration's timeout)

    do_GET = do_POST = do_PUT = do_any

    def log_message(self, *a):
        pass


# request templates reading the WebSocket $context (CONTEXT)
CTX_TEMPLATE = ('{"data": $input.json(\'$.data\'), "cid": "$context.connectionId", "rk": "$context.routeKey", '
                '"et": "$context.eventType", "mid": "$context.messageId", "stage": "$context.stage", '
                '"api": "$context.apiId", "rid": "$context.requestId", "xrid": "$context.extendedRequestId", '
                '"t": $context.requestTimeEpoch, "at": $context.connectedAt, "dn": "$context.domainName", '
                '"ip": "$context.identity.sourceIp", "sv": "$stageVariables.flavour"'
                '#if($input.path(\'$.data.status\')), "status": $input.path(\'$.data.status\')#end}')


class WsNonProxy(WsBase):
    """MOCK, AWS (Lambda) and HTTP integrations with request templates, integration responses
    (contentHandlingStrategy too) and route responses; HTTP_PROXY integrations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        gw = cls.gw
        cls.backend = start_backend(cls, WsBackend)
        burl = "http://127.0.0.1:%d" % cls.backend.server_address[1]
        cls.raw = create_function(cls.lam, "wsn-raw", "raw")
        cls.failmsg = create_function(cls.lam, "wsn-failmsg", "failmsg")
        for fn in (cls.raw, cls.failmsg):   # started before the first message
            cls.lam.invoke(FunctionName=fn, Payload=b'{"msg":"warm"}')

        # $connect through MOCK: ?code=N is the template's statusCode (200 without)
        cls.mock = gw.create_api(Name="wsn-mock", ProtocolType="WEBSOCKET",
                                 RouteSelectionExpression="$request.body.action")["ApiId"]
        iid = gw.create_integration(
            ApiId=cls.mock, IntegrationType="MOCK", TemplateSelectionExpression="\\$default",
            RequestTemplates={"$default": "#set($c = $input.params('code'))#if($c == \"\")#set($c = 200)#end"
                                          "{\"statusCode\": $c}"})["IntegrationId"]
        gw.create_integration_response(ApiId=cls.mock, IntegrationId=iid, IntegrationResponseKey="/4\\d\\d/",
                                       ResponseTemplates={"$default": '{"refused": "$context.routeKey", '
                                                          '"et": "$context.eventType", "code": "$input.params(\'code\')"}'})
        gw.create_integration_response(ApiId=cls.mock, IntegrationId=iid, IntegrationResponseKey="$default")
        gw.create_route(ApiId=cls.mock, RouteKey="$connect", Target="integrations/" + iid)
        # a two-way MOCK route answering its own template (the form of AWS CDK's example)
        mid = gw.create_integration(ApiId=cls.mock, IntegrationType="MOCK",
                                    TemplateSelectionExpression="\\$default",
                                    RequestTemplates={"$default": '{"statusCode": 200}'})["IntegrationId"]
        gw.create_integration_response(ApiId=cls.mock, IntegrationId=mid, IntegrationResponseKey="$default",
                                       TemplateSelectionExpression="${integration.response.statuscode}",
                                       ResponseTemplates={"200": '{"mock": "$context.routeKey", "msg": "$context.messageId"}'})
        rid = gw.create_route(ApiId=cls.mock, RouteKey="ping", Target="integrations/" + mid,
                              RouteResponseSelectionExpression="$default")["RouteId"]
        gw.create_route_response(ApiId=cls.mock, RouteId=rid, RouteResponseKey="$default")
        # the same without a route response: one-way
        gw.create_route(ApiId=cls.mock, RouteKey="quiet", Target="integrations/" + mid)
        gw.create_stage(ApiId=cls.mock, StageName="prod", AutoDeploy=True)
        gw.create_stage(ApiId=cls.mock, StageName="$default", AutoDeploy=True)

        # $connect through AWS (Lambda): the function's answer opens, its error refuses
        cls.lamconn = {}
        for name, fn in (("ok", cls.raw), ("fail", cls.failmsg)):
            api = gw.create_api(Name="wsn-lc-" + name, ProtocolType="WEBSOCKET",
                                RouteSelectionExpression="$request.body.action")["ApiId"]
            iid = gw.create_integration(ApiId=api, IntegrationType="AWS", IntegrationUri=lambda_uri(fn),
                                        TemplateSelectionExpression="\\$default",
                                        RequestTemplates={"$default": '{"msg": "m-$input.params(\'who\')", '
                                                                      '"cid": "$context.connectionId"}'})["IntegrationId"]
            gw.create_integration_response(ApiId=api, IntegrationId=iid, IntegrationResponseKey="$default",
                                           ResponseTemplates={"$default": '{"failed": "$input.path(\'$.errorMessage\')"}'})
            gw.create_route(ApiId=api, RouteKey="$connect", Target="integrations/" + iid)
            gw.create_stage(ApiId=api, StageName="prod", AutoDeploy=True)
            cls.lamconn[name] = api

        cls.api = gw.create_api(Name="wsn", ProtocolType="WEBSOCKET",
                                RouteSelectionExpression="$request.body.action")["ApiId"]

        def route(key, integ, responses=(), two_way=True):
            iid = gw.create_integration(ApiId=cls.api, **integ)["IntegrationId"]
            for r in responses:
                gw.create_integration_response(ApiId=cls.api, IntegrationId=iid, **r)
            kw = {"RouteResponseSelectionExpression": "$default"} if two_way else {}
            rid = gw.create_route(ApiId=cls.api, RouteKey=key, Target="integrations/" + iid, **kw)["RouteId"]
            if two_way:
                gw.create_route_response(ApiId=cls.api, RouteId=rid, RouteResponseKey="$default")

        http = {"IntegrationType": "HTTP", "IntegrationMethod": "POST", "IntegrationUri": burl + "/ws/${stageVariables.flavour}",
                "TemplateSelectionExpression": "\\$default", "RequestTemplates": {"$default": CTX_TEMPLATE},
                "RequestParameters": {"integration.request.header.X-Conn": "context.connectionId",
                                      "integration.request.querystring.q": "route.request.body.data.q",
                                      "integration.request.header.X-Static": "'fixed'"}}
        route("http", http, [
            {"IntegrationResponseKey": "/2\\d\\d/", "TemplateSelectionExpression": "${integration.response.header.X-Backend}",
             "ResponseTemplates": {"b1": '{"answer": $input.json(\'$.seen.data\'), "via": "b1", "cid": "$context.connectionId"}'}},
            {"IntegrationResponseKey": "$default"},   # other statuses: the backend's body as it is
        ])
        route("slowhttp", dict(http, TimeoutInMillis=1000, RequestTemplates={"$default": '{"sleep": 3}'}),
              [{"IntegrationResponseKey": "$default"}])
        route("down", {"IntegrationType": "HTTP", "IntegrationMethod": "POST", "IntegrationUri": "http://127.0.0.1:1/x",
                       "TemplateSelectionExpression": "\\$default", "RequestTemplates": {"$default": "{}"}},
              [{"IntegrationResponseKey": "$default"}])
        route("lambda", {"IntegrationType": "AWS", "IntegrationMethod": "POST", "IntegrationUri": lambda_uri(cls.raw),
                         "TemplateSelectionExpression": "${request.body.kind}",
                         "RequestTemplates": {"a": '{"which": "a", "cid": "$context.connectionId", "in": $input.body}',
                                              "$default": '{"which": "default", "rk": "$context.routeKey", '
                                                          '"n": $input.json(\'$.n\')}'}},
              [{"IntegrationResponseKey": "$default"}])
        route("lambdafail", {"IntegrationType": "AWS", "IntegrationUri": lambda_uri(cls.failmsg),
                             "TemplateSelectionExpression": "\\$default",
                             "RequestTemplates": {"$default": '{"msg": "$input.path(\'$.msg\')"}'}},
              [{"IntegrationResponseKey": "/bad.*/",
                "ResponseTemplates": {"$default": '{"failed": "$input.path(\'$.errorMessage\')"}'}},
               {"IntegrationResponseKey": "$default", "ResponseTemplates": {"$default": '{"other": true}'}}])
        route("broken", {"IntegrationType": "MOCK", "TemplateSelectionExpression": "\\$default",
                         "RequestTemplates": {"$default": "#foreach($x in"}}, [{"IntegrationResponseKey": "$default"}])
        route("noresp", {"IntegrationType": "MOCK", "TemplateSelectionExpression": "\\$default",
                         "RequestTemplates": {"$default": '{"statusCode": 200}'}})
        route("never", {"IntegrationType": "MOCK", "TemplateSelectionExpression": "${request.body.kind}",
                        "PassthroughBehavior": "NEVER", "RequestTemplates": {"known": '{"statusCode": 200}'}},
              [{"IntegrationResponseKey": "$default", "ResponseTemplates": {"$default": '{"known": true}'}}])
        # HTTP_PROXY: the message as it is, the answer as it is (PROXY)
        hp = {"IntegrationType": "HTTP_PROXY", "IntegrationMethod": "POST",
              "IntegrationUri": burl + "/proxy/${stageVariables.flavour}",
              "RequestParameters": {"integration.request.header.X-Conn": "context.connectionId",
                                    "integration.request.querystring.q": "route.request.body.data.q"}}
        route("hproxy", hp)
        route("hproxy1", hp, two_way=False)
        route("hproxydown", dict(hp, IntegrationUri="http://127.0.0.1:1/x"))
        route("hproxyslow", dict(hp, TimeoutInMillis=1000))
        # contentHandlingStrategy on HTTP integrations' integration responses (CONTENT)
        bin_tpl = {"TemplateSelectionExpression": "\\$default", "RequestTemplates": {"$default": "$input.json('$.data')"}}
        route("tobinary", dict(http, RequestParameters={}, **bin_tpl),
              [{"IntegrationResponseKey": "$default", "ContentHandlingStrategy": "CONVERT_TO_BINARY",
                "ResponseTemplates": {"$default": "$input.path('$.seen.b')"}}])
        route("totext", dict(http, RequestParameters={}, **bin_tpl),
              [{"IntegrationResponseKey": "$default", "ContentHandlingStrategy": "CONVERT_TO_TEXT"}])
        route("totexttpl", dict(http, RequestParameters={}, **bin_tpl),
              [{"IntegrationResponseKey": "$default", "ContentHandlingStrategy": "CONVERT_TO_TEXT",
                "ResponseTemplates": {"$default": '{"b64": "$input.body"}'}}])
        # $connect through HTTP_PROXY: ?code=N (mapped to the backend's query string) is its status;
        # the stage "gone" points at a port nothing listens on
        cls.hpc = gw.create_api(Name="wsn-hpc", ProtocolType="WEBSOCKET",
                                RouteSelectionExpression="$request.body.action")["ApiId"]
        iid = gw.create_integration(
            ApiId=cls.hpc, IntegrationType="HTTP_PROXY", IntegrationMethod="GET",
            IntegrationUri="${stageVariables.base}/hpconnect",
            RequestParameters={"integration.request.querystring.code": "route.request.querystring.code",
                               "integration.request.header.X-Probe-In": "route.request.header.X-Probe"})["IntegrationId"]
        gw.create_route(ApiId=cls.hpc, RouteKey="$connect", Target="integrations/" + iid)
        gw.create_stage(ApiId=cls.hpc, StageName="prod", AutoDeploy=True, StageVariables={"base": burl})
        gw.create_stage(ApiId=cls.hpc, StageName="gone", AutoDeploy=True, StageVariables={"base": "http://127.0.0.1:1"})
        # $connect through HTTP: ?code=N is the status the backend answers (200 without)
        iid = gw.create_integration(
            ApiId=cls.api, IntegrationType="HTTP", IntegrationMethod="POST", IntegrationUri=burl + "/connect",
            TemplateSelectionExpression="\\$default",
            RequestParameters={"integration.request.header.X-Probe-In": "route.request.header.X-Probe"},
            RequestTemplates={"$default": "#set($c = $input.params('code'))#if($c == \"\")#set($c = 200)#end"
                                          '{"status": $c, "et": "$context.eventType", "rk": "$context.routeKey"}'})["IntegrationId"]
        gw.create_integration_response(ApiId=cls.api, IntegrationId=iid, IntegrationResponseKey="$default")
        gw.create_route(ApiId=cls.api, RouteKey="$connect", Target="integrations/" + iid)
        # $disconnect through HTTP: the backend hears of it
        iid = gw.create_integration(ApiId=cls.api, IntegrationType="HTTP", IntegrationMethod="PUT",
                                    IntegrationUri=burl + "/disconnect", TemplateSelectionExpression="\\$default",
                                    RequestTemplates={"$default": '{"et": "$context.eventType", "cid": "$context.connectionId", '
                                                                  '"code": $context.disconnectStatusCode}'})["IntegrationId"]
        gw.create_integration_response(ApiId=cls.api, IntegrationId=iid, IntegrationResponseKey="$default")
        gw.create_route(ApiId=cls.api, RouteKey="$disconnect", Target="integrations/" + iid)
        gw.create_stage(ApiId=cls.api, StageName="prod", AutoDeploy=True, StageVariables={"flavour": "mint"})

    def gw_error(self, m, msg):
        self.assertRegex(m.get("text", ""), r'^\{"message": "%s", "connectionId":"[^"]+", "requestId":"[^"]+"\}$' % msg)

    def test_mock_connect(self):
        table = [
            # (query, True = open, else (status, body), source)
            ("", True, "MOCKCONN INTRESP"),
            ("?code=200", True, "MOCKCONN"),
            ("?code=204", True, "MOCKCONN STATUS"),
            ("?code=403", (403, {"refused": "$connect", "et": "CONNECT", "code": "403"}), "MOCKCONN INTRESP CONTEXT"),
            ("?code=401", (401, {"refused": "$connect", "et": "CONNECT", "code": "401"}), "MOCKCONN INTRESP"),
            ("?code=500", (500, ""), "MOCKCONN INTRESP (the $default response, no template: MOCK's empty body)"),
            ("?code=101", (500, ""), "CHOICE (a 1xx status is no final answer: no 101 without the handshake)"),
            ("?code=100", (500, ""), "CHOICE (a 1xx status is no final answer)"),
        ]
        for q, want, src in table:
            with self.subTest(query=q, source=src):
                r = self.try_connect(self.mock, q)
                if want is True:
                    self.assertIs(r, True)
                else:
                    self.assertEqual(r.get("status"), want[0], r)
                    self.assertEqual(json.loads(r["body"]) if want[1] else r["body"], want[1])

    def test_default_stage(self):
        # a WebSocket API's stage named $default (terraform-aws-modules/terraform-aws-apigateway-v2#7 created one
        # on AWS) is one more stage name: AWS documents serving $default at the API's root for HTTP APIs only
        with self.subTest(what="addressed by its name", source="CHOICE"):
            r = self.d("connect", name="ds", url=self.url(self.mock, stage="$default"))
            self.assertTrue(r.get("open"), r)
            self.d("send", name="ds", text='{"action":"ping"}')
            self.assertEqual(frame(self.d("recv", name="ds"))["mock"], "ping")
            self.d("close", name="ds", code=1000)
        with self.subTest(what="not at the root", source="CHOICE NOSTAGE"):
            r = self.d("connect", name="ds", url="ws://127.0.0.1:%d/_aws/execute-api/%s" % (self.port, self.mock))
            self.assertEqual(r.get("status"), 403, r)

    def test_lambda_connect(self):
        with self.subTest(what="the function answers: the connection opens", source="TRANSFORM CONNECT"):
            r = self.d("connect", name="lc", url=self.url(self.lamconn["ok"], query="?who=me"))
            self.assertTrue(r.get("open"), r)
            self.d("close", name="lc", code=1000)
        with self.subTest(what="a function error refuses it with the mapped body", source="TRANSFORM INTRESP CHOICE"):
            r = self.d("connect", name="lc", url=self.url(self.lamconn["fail"], query="?who=you"))
            self.assertEqual((r.get("status"), json.loads(r.get("body") or "null")), (500, {"failed": "m-you"}), r)

    def test_mock_route(self):
        c = self.connect(self.mock)
        with self.subTest(what="a two-way MOCK route answers its integration response's template",
                          source="TRANSFORM INTRESP RESPONSE CONTEXT"):
            self.d("send", name=c, text='{"action":"ping"}')
            got = frame(self.d("recv", name=c))
            self.assertEqual(got["mock"], "ping")
            self.assertRegex(got["msg"], AWS_ID)
        with self.subTest(what="the same integration on a one-way route: nothing back", source="INTRESP RESPONSE"):
            self.d("send", name=c, text='{"action":"quiet"}')
            self.d("send", name=c, text='{"action":"ping"}')
            self.assertEqual(frame(self.d("recv", name=c))["mock"], "ping")
            self.assertEqual(self.d("recv", name=c, ms=1000), {"timeout": True})

    def test_http_route(self):
        c = self.connect(self.api)
        before = int(time.time() * 1000)
        WsBackend.got.clear()
        self.d("send", name=c, text='{"action":"http","data":{"q":"a b","n":[1,2]}}')
        got = frame(self.d("recv", name=c))
        method, path, headers, body = WsBackend.got[-1]
        sent = json.loads(body)
        cid = got["cid"]
        table = [
            ("the route response carries the mapped answer", got, {"answer": {"q": "a b", "n": [1, 2]}, "via": "b1",
                                                                   "cid": cid}, "TRANSFORM INTRESP RESPONSE"),
            ("the connection id", bool(re.match(AWS_ID, cid)), True, "CONTEXT"),
            ("the integration's method", method, "POST", "TRANSFORM"),
            ("the URI with stage variables and the mapped query string", path, "/ws/mint?q=a%20b", "TRANSFORM CHOICE"),
            ("a header from context.connectionId", headers.get("X-Conn"), cid, "TRANSFORM"),
            ("a static header", headers.get("X-Static"), "fixed", "TRANSFORM"),
            ("the template's output is the body: $input.json", sent["data"], {"q": "a b", "n": [1, 2]}, "TRANSFORM"),
            ("$context.connectionId", sent["cid"], cid, "CONTEXT"),
            ("$context.routeKey", sent["rk"], "http", "CONTEXT"),
            ("$context.eventType", sent["et"], "MESSAGE", "CONTEXT"),
            ("$context.messageId", bool(re.match(AWS_ID, sent["mid"])), True, "CONTEXT"),
            ("$context.stage", sent["stage"], "prod", "CONTEXT"),
            ("$context.apiId", sent["api"], self.api, "CONTEXT"),
            ("$context.requestId = extendedRequestId", sent["rid"], sent["xrid"], "CONTEXT"),
            ("$context.requestTimeEpoch", sent["t"] >= before, True, "CONTEXT"),
            ("$context.connectedAt", sent["at"] <= sent["t"], True, "CONTEXT"),
            ("$context.domainName", sent["dn"], "127.0.0.1:%d" % self.port, "CONTEXT"),
            ("$context.identity.sourceIp", sent["ip"], "127.0.0.1", "CONTEXT"),
            ("$stageVariables", sent["sv"], "mint", "TRANSFORM"),
        ]
        for what, have, want, src in table:
            with self.subTest(what=what, source=src):
                self.assertEqual(have, want)
        with self.subTest(what="a 404 takes the $default integration response: the body as it is", source="INTRESP"):
            self.d("send", name=c, text='{"action":"http","data":{"status":404}}')
            got = frame(self.d("recv", name=c))
            self.assertEqual((got["path"], got["seen"]["status"], got["seen"]["rk"]), ("/ws/mint", 404, "http"))
        with self.subTest(what="$disconnect reaches the HTTP backend through its template", source="TRANSFORM CONTEXT"):
            self.d("close", name=c, code=4001)
            deadline = time.time() + 20
            while time.time() < deadline and not any(g[1] == "/disconnect" and json.loads(g[3])["cid"] == cid
                                                     for g in WsBackend.got):
                time.sleep(0.1)
            disc = [json.loads(g[3]) for g in WsBackend.got if g[1] == "/disconnect" and json.loads(g[3])["cid"] == cid]
            self.assertEqual(disc, [{"et": "DISCONNECT", "cid": cid, "code": 4001}])
            self.assertEqual([g[0] for g in WsBackend.got if g[1] == "/disconnect"][-1], "PUT")

    def test_http_connect(self):
        with self.subTest(what="the backend's 200 opens the connection", source="TRANSFORM CONNECT"):
            r = self.d("connect", name="hc", url=self.url(self.api), headers={"X-Probe": "p1"})
            self.assertTrue(r.get("open"), r)
            self.d("close", name="hc", code=1000)
            got = [g for g in WsBackend.got if g[1] == "/connect" and g[2].get("X-Probe-In") == "p1"]
            self.assertEqual(len(got), 1)
            self.assertEqual(json.loads(got[0][3]), {"status": 200, "et": "CONNECT", "rk": "$connect"})
        with self.subTest(what="its 403 refuses it with the backend's body", source="TRANSFORM CONNECT STATUS INTRESP"):
            r = self.d("connect", name="hc", url=self.url(self.api, query="?code=403"))
            self.assertEqual(r.get("status"), 403, r)
            self.assertEqual(json.loads(r["body"]), {"seen": {"status": 403, "et": "CONNECT", "rk": "$connect"},
                                                     "path": "/connect"})

    def test_http_proxy_route(self):
        c = self.connect(self.api)
        WsBackend.got.clear()
        msg = '{"action":"hproxy","data":{"q":"a b"}}'
        self.d("send", name=c, text=msg)
        got = frame(self.d("recv", name=c))
        method, path, headers, body = WsBackend.got[-1]
        table = [
            ("a two-way route gets the backend's body as it is", got, {"seen": json.loads(msg), "path": "/proxy/mint?q=a%20b"},
             "PROXY INTRESP RESPONSE"),
            ("the backend gets the message as it is", body.decode(), msg, "PROXY"),
            ("the integration's method", method, "POST", "PROXY"),
            ("the URI with stage variables and the mapped query string", path, "/proxy/mint?q=a%20b", "PROXY VPCHDR"),
            ("a header from context.connectionId", bool(re.match(AWS_ID, headers.get("X-Conn", ""))), True, "VPCHDR"),
            ("Content-Type", headers.get("Content-Type"), "application/json", "CHOICE"),
        ]
        for what, have, want, src in table:
            with self.subTest(what=what, source=src):
                self.assertEqual(have, want)
        with self.subTest(what="a backend's 404: its body as it is, no integration response", source="PROXY INTRESP"):
            self.d("send", name=c, text='{"action":"hproxy","status":404}')
            got = frame(self.d("recv", name=c))
            self.assertEqual(got, {"seen": {"action": "hproxy", "status": 404}, "path": "/proxy/mint"})
        with self.subTest(what="a one-way route: the backend gets it, the client nothing", source="PROXY INTRESP"):
            WsBackend.got.clear()
            self.d("send", name=c, text='{"action":"hproxy1","n":1}')
            self.d("send", name=c, text='{"action":"hproxy","n":2}')
            self.assertEqual(frame(self.d("recv", name=c))["seen"], {"action": "hproxy", "n": 2})
            self.assertEqual(self.d("recv", name=c, ms=1000), {"timeout": True})
            self.assertIn(b'{"action":"hproxy1","n":1}', [g[3] for g in WsBackend.got])
        for msg, err, what, src in [
            ('{"action":"hproxydown"}', "Internal server error", "a backend that is down", "CHOICE FORBIDDEN (form)"),
            ('{"action":"hproxyslow","sleep":3}', "Endpoint request timed out", "past the integration's timeout",
             "CHOICE FORBIDDEN (form)"),
        ]:
            with self.subTest(what=what, source=src):
                self.d("send", name=c, text=msg)
                self.gw_error(self.d("recv", name=c, ms=20000), err)
        with self.subTest(what="the connection stays open", source="FORBIDDEN"):
            self.assertEqual(self.d("ping", name=c, text="ok")["pong"], "ok")

    def test_http_proxy_connect(self):
        url = lambda stage, q="": "ws://127.0.0.1:%d/_aws/execute-api/%s/%s%s" % (self.port, self.hpc, stage, q)  # noqa: E731
        with self.subTest(what="the backend's 200 opens the connection", source="PROXY CONNECT VPCHDR"):
            WsBackend.got.clear()
            r = self.d("connect", name="hp", url=url("prod"), headers={"X-Probe": "p2"})
            self.assertTrue(r.get("open"), r)
            self.d("close", name="hp", code=1000)
            got = [g for g in WsBackend.got if g[1].startswith("/hpconnect")]
            self.assertEqual([(g[0], g[1], g[2].get("X-Probe-In"), g[3]) for g in got], [("GET", "/hpconnect", "p2", b"")])
        with self.subTest(what="its 204 opens it too", source="PROXY CONNECT STATUS"):
            r = self.d("connect", name="hp", url=url("prod", "?code=204"))
            self.assertTrue(r.get("open"), r)
            self.d("close", name="hp", code=1000)
        with self.subTest(what="its 403 refuses it with the backend's body", source="PROXY CONNECT STATUS"):
            r = self.d("connect", name="hp", url=url("prod", "?code=403"))
            self.assertEqual(r.get("status"), 403, r)
            self.assertEqual(json.loads(r["body"]), {"seen": None, "path": "/hpconnect?code=403"})
        with self.subTest(what="a backend that is down: 500", source="CHOICE"):
            r = self.d("connect", name="hp", url=url("gone"))
            self.assertEqual(r.get("status"), 500, r)

    def test_content_handling(self):
        c = self.connect(self.api)
        with self.subTest(what="CONVERT_TO_BINARY: the base64 text the template makes → a binary frame", source="CONTENT"):
            self.d("send", name=c, text='{"action":"tobinary","data":{"b":"AAEC/w=="}}')
            self.assertEqual(self.d("recv", name=c), {"b64": "AAEC/w=="})
        with self.subTest(what="CONVERT_TO_TEXT: a binary answer → its base64 text", source="CONTENT"):
            self.d("send", name=c, text='{"action":"totext","data":{"bytes":"AAEC/w=="}}')
            self.assertEqual(self.d("recv", name=c), {"text": "AAEC/w=="})
        with self.subTest(what="CONVERT_TO_TEXT: the template reads the base64 text", source="CONTENT"):
            self.d("send", name=c, text='{"action":"totexttpl","data":{"bytes":"AAEC/w=="}}')
            self.assertEqual(frame(self.d("recv", name=c)), {"b64": "AAEC/w=="})
        with self.subTest(what="CONVERT_TO_TEXT: a text answer stays as it is", source="CONTENT CHOICE"):
            self.d("send", name=c, text='{"action":"totext","data":{"b":"x"}}')
            self.assertEqual(frame(self.d("recv", name=c))["seen"], {"b": "x"})

    def test_lambda_route(self):
        c = self.connect(self.api)
        table = [
            # (message, the frame (the function's event: the template's output), source)
            ('{"action":"lambda","kind":"b","n":7}', {"which": "default", "rk": "lambda", "n": 7}, "TRANSFORM"),
            ('{"action":"lambda","n":{"x":1}}', {"which": "default", "rk": "lambda", "n": {"x": 1}},
             "TRANSFORM (no key: $default)"),
            ('{"action":"lambda","kind":"a"}', {"which": "a", "cid": None, "in": {"action": "lambda", "kind": "a"}},
             "TRANSFORM CONTEXT"),
            ('{"action":"lambdafail","msg":"bad input"}', {"failed": "bad input"}, "TRANSFORM INTRESP"),
            ('{"action":"lambdafail","msg":"other trouble"}', {"other": True}, "TRANSFORM INTRESP"),
        ]
        for msg, want, src in table:
            with self.subTest(message=msg, source=src):
                self.d("send", name=c, text=msg)
                got = frame(self.d("recv", name=c, ms=20000))
                if "cid" in want:
                    self.assertRegex(got.pop("cid"), AWS_ID)
                    want = {k: v for k, v in want.items() if k != "cid"}
                self.assertEqual(got, want)

    def test_bad_input(self):
        c = self.connect(self.api)
        table = [
            ('{"action":"broken"}', "Internal server error", "a request template that does not parse", "CHOICE FORBIDDEN"),
            ('{"action":"down"}', "Internal server error", "an HTTP backend that is down", "CHOICE FORBIDDEN"),
            ('{"action":"slowhttp"}', "Endpoint request timed out", "an HTTP backend past the integration's timeout",
             "CHOICE FORBIDDEN (form)"),
            ('{"action":"noresp"}', "Internal server error", "no integration response", "NOMATCH INTRESP"),
            ('{"action":"never","kind":"other"}', "Unsupported Media Type", "NEVER without a template", "CHOICE"),
        ]
        for msg, err, what, src in table:
            with self.subTest(what=what, source=src):
                self.d("send", name=c, text=msg)
                self.gw_error(self.d("recv", name=c, ms=20000), err)
        with self.subTest(what="a passthroughBehavior outside botocore's enum", source="CHOICE (the words)"):
            err = self.client_error(self.gw.create_integration, ApiId=self.api, IntegrationType="MOCK",
                                    PassthroughBehavior="SOMETIMES")
            self.assertEqual((err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]), ("BadRequestException", 400))
        with self.subTest(what="IntegrationSubtype (HTTP API AWS_PROXY integrations only, botocore)", source="CHOICE"):
            msg = "IntegrationSubtype is supported only for HTTP API AWS_PROXY integrations"
            err = self.client_error(self.gw.create_integration, ApiId=self.api, IntegrationType="HTTP",
                                    IntegrationMethod="POST", IntegrationSubtype="SQS-SendMessage")
            self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]), ("BadRequestException", msg))
            iid = self.gw.create_integration(ApiId=self.api, IntegrationType="MOCK")["IntegrationId"]
            err = self.client_error(self.gw.update_integration, ApiId=self.api, IntegrationId=iid,
                                    IntegrationSubtype="SQS-SendMessage")
            self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]), ("BadRequestException", msg))
            self.assertNotIn("IntegrationSubtype", self.gw.get_integration(ApiId=self.api, IntegrationId=iid))
            self.gw.delete_integration(ApiId=self.api, IntegrationId=iid)
        with self.subTest(what="NEVER with its template", source="TRANSFORM"):
            self.d("send", name=c, text='{"action":"never","kind":"known"}')
            self.assertEqual(frame(self.d("recv", name=c)), {"known": True})
        with self.subTest(what="the connection stays open", source="FORBIDDEN"):
            self.assertEqual(self.d("ping", name=c, text="ok")["pong"], "ok")


class WsTimeLimits(WsBase):
    """The 10 minute idle and 2 hour lifetime limits, shortened (apigw.ws_idle_timeout_ms,
    apigw.ws_max_duration_ms) so the test does not wait them out."""
    nimbus_args = ("--set", "apigw.ws_idle_timeout_ms=2000", "--set", "apigw.ws_max_duration_ms=5000")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.echo = create_function(cls.lam, "wst-echo", "echo")
        cls.log = create_function(cls.lam, "wst-log", "wslog")
        cls.api = cls.make_api("wst", "$request.body.action", {
            "$connect": (cls.log, False, None), "$disconnect": (cls.log, False, None),
            "$default": (cls.echo, True, None)})
        for fn in (cls.echo, cls.log):   # started before the clock matters
            cls.lam.invoke(FunctionName=fn, Payload=b'{"requestContext":{}}')

    def test_idle_and_lifetime(self):
        with self.subTest(what="idle connection closed 1001", source="LIMITS"):
            c = self.connect(self.api, headers={"X-Probe": "idle-1"})
            m = self.d("recv", name=c, ms=30000)   # nothing sent: the idle limit ends it
            self.assertEqual((m.get("close"), m.get("reason")), (1001, "Going away"))
            cid = self.events("wst-log", 1, lambda e: e["requestContext"].get("eventType") == "CONNECT" and
                              e["headers"].get("X-Probe") == "idle-1")[0]["requestContext"]["connectionId"]
            self.assertEqual(self.disconnect_event("wst-log", cid)["requestContext"]["disconnectStatusCode"], 1001)
        with self.subTest(what="a busy connection still ends at its lifetime", source="LIMITS"):
            c = self.connect(self.api)
            m = {}
            for _ in range(200):   # a message about every half second keeps the idle limit away
                self.d("send", name=c, text="busy")
                m = self.d("recv", name=c, ms=500)
                while "text" in m:   # answers of earlier messages
                    m = self.d("recv", name=c, ms=500)
                if "close" in m:
                    break
            self.assertEqual((m.get("close"), m.get("reason")), (1001, "Going away"))


if __name__ == "__main__":
    unittest.main()
