"""Usage-plan counters (GetUsage, UpdateUsage, quotas that survive a restart
and a kill -9) and access logs per stage for REST and HTTP APIs (line content,
AWS's BadRequestException for malformed settings). The APIs use MOCK
integrations (REST) or an echo function (HTTP): no function is needed to count
requests."""
import datetime
import json
import os
import shutil
import sys
import time
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http, invoke_url  # noqa: E402
from harness import Nimbus  # noqa: E402

LOG_ARN = "arn:aws:logs:us-east-1:000000000000:log-group:api-access"


def mock_api(gw, name, quota=None, throttle=None):
    """A REST API whose GET /m (API key required) answers 200 from a MOCK
    integration, deployed to stage "p", with a usage plan and one enabled key.
    Returns (api id, plan, key)."""
    api = gw.create_rest_api(name=name)
    root = [r for r in gw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"][0]["id"]
    rid = gw.create_resource(restApiId=api["id"], parentId=root, pathPart="m")["id"]
    gw.put_method(restApiId=api["id"], resourceId=rid, httpMethod="GET", authorizationType="NONE",
                  apiKeyRequired=True)
    gw.put_integration(restApiId=api["id"], resourceId=rid, httpMethod="GET", type="MOCK",
                       requestTemplates={"application/json": '{"statusCode": 200}'})
    gw.put_method_response(restApiId=api["id"], resourceId=rid, httpMethod="GET", statusCode="200")
    gw.put_integration_response(restApiId=api["id"], resourceId=rid, httpMethod="GET", statusCode="200",
                                selectionPattern="", responseTemplates={"application/json": '{"ok": true}'})
    gw.create_deployment(restApiId=api["id"], stageName="p")
    kw = {}
    if quota:
        kw["quota"] = quota
    if throttle:
        kw["throttle"] = throttle
    plan = gw.create_usage_plan(name=name + "-plan", apiStages=[{"apiId": api["id"], "stage": "p"}], **kw)
    key = gw.create_api_key(name=name + "-key", enabled=True)
    gw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    return api["id"], plan, key


def today():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def access_lines(nimbus):
    """The "apigw.access" records of the daemon's log, parsed."""
    with open(nimbus.log_path, "rb") as f:
        text = f.read().decode(errors="replace")
    return [json.loads(line)["msg"] for line in text.splitlines() if '"apigw.access"' in line]


class Usage(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")

    def call(self, nimbus, api_id, key):
        return http("GET", invoke_url(nimbus.endpoint, api_id, "p", "/m"), headers={"x-api-key": key["value"]})

    def test_get_usage_and_update_usage(self):
        api_id, plan, key = mock_api(self.gw, "usage", quota={"limit": 3, "period": "DAY"})
        self.assertEqual([self.call(self.nimbus, api_id, key).status for _ in range(2)], [200, 200])
        u = self.gw.get_usage(usagePlanId=plan["id"], startDate=today(), endDate=today())
        self.assertEqual(u["usagePlanId"], plan["id"])
        self.assertEqual((u["startDate"], u["endDate"]), (today(), today()))
        self.assertEqual(u["items"], {key["id"]: [[2, 1]]})
        # the same through the AWS CLI, for one key and a range ending today
        start = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)).strftime("%Y-%m-%d")
        _, out, _ = self.nimbus.aws("apigateway", "get-usage", "--usage-plan-id", plan["id"], "--key-id", key["id"],
                                    "--start-date", start, "--end-date", today())
        self.assertEqual(out["items"][key["id"]], [[0, 3], [0, 3], [2, 1]])
        self.assertEqual(self.call(self.nimbus, api_id, key).status, 200)
        r = self.call(self.nimbus, api_id, key)
        self.assertEqual((r.status, r.json()), (429, {"message": "Limit Exceeded"}))
        # UpdateUsage: a new remaining quota for the current period
        u = self.gw.update_usage(usagePlanId=plan["id"], keyId=key["id"],
                                 patchOperations=[{"op": "replace", "path": "/remaining", "value": "2"}])
        self.assertEqual(u["items"][key["id"]][0][1], 2)
        self.assertEqual([self.call(self.nimbus, api_id, key).status for _ in range(3)], [200, 200, 429])
        u = self.gw.get_usage(usagePlanId=plan["id"], keyId=key["id"], startDate=today(), endDate=today())
        self.assertEqual(u["items"][key["id"]], [[5, 0]])
        # a key leaving the plan takes its counters with it
        self.gw.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])
        self.gw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
        u = self.gw.get_usage(usagePlanId=plan["id"], startDate=today(), endDate=today())
        self.assertEqual(u["items"], {key["id"]: [[0, 3]]})
        self.assertEqual(self.call(self.nimbus, api_id, key).status, 200)

    def test_usage_bad_input(self):
        _, plan, key = mock_api(self.gw, "usage-bad", quota={"limit": 10, "period": "WEEK"})
        for start, end in (("2026-13-01", today()), ("yesterday", today()), (today(), "2020-01-01")):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.gw.get_usage(usagePlanId=plan["id"], startDate=start, endDate=end)
            self.assertEqual(e.exception.response["Error"]["Code"], "BadRequestException", (start, end))
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.gw.get_usage(usagePlanId="nosuch", startDate=today(), endDate=today())
        self.assertEqual(e.exception.response["Error"]["Code"], "NotFoundException")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.gw.get_usage(usagePlanId=plan["id"], keyId="notakey", startDate=today(), endDate=today())
        self.assertEqual(e.exception.response["Error"]["Code"], "NotFoundException")
        for op in ({"op": "replace", "path": "/used", "value": "1"}, {"op": "add", "path": "/remaining", "value": "1"},
                   {"op": "replace", "path": "/remaining", "value": "-4"},
                   {"op": "replace", "path": "/remaining", "value": "many"}):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.gw.update_usage(usagePlanId=plan["id"], keyId=key["id"], patchOperations=[op])
            self.assertEqual(e.exception.response["Error"]["Code"], "BadRequestException", op)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.gw.update_usage(usagePlanId=plan["id"], keyId="notakey",
                                 patchOperations=[{"op": "replace", "path": "/remaining", "value": "1"}])
        self.assertEqual(e.exception.response["Error"]["Code"], "NotFoundException")

    def test_quota_survives_restart_and_kill9(self):
        n = Nimbus().start()
        data = n.data_dir
        try:
            gw = n.client("apigateway")
            api_id, plan, key = mock_api(gw, "durable-quota", quota={"limit": 4, "period": "MONTH"})
            self.assertEqual([self.call(n, api_id, key).status for _ in range(2)], [200, 200])
            n.stop()                      # clean stop: the counters are written on the way out
            n = Nimbus(data_dir=data).start()
            gw = n.client("apigateway")
            u = gw.get_usage(usagePlanId=plan["id"], startDate=today(), endDate=today())
            self.assertEqual(u["items"], {key["id"]: [[2, 2]]})
            self.assertEqual(self.call(n, api_id, key).status, 200)
            time.sleep(2.5)               # past the 1 s flush of the counters (the documented loss window)
            n.kill9()
            n.stop()
            n = Nimbus(data_dir=data).start()
            r = self.call(n, api_id, key)
            self.assertEqual(r.status, 200, r.body)
            r = self.call(n, api_id, key)
            self.assertEqual((r.status, r.json()), (429, {"message": "Limit Exceeded"}))
            gw = n.client("apigateway")
            self.assertEqual(gw.get_usage(usagePlanId=plan["id"], startDate=today(), endDate=today())["items"],
                             {key["id"]: [[4, 0]]})
        finally:
            n.stop()
            shutil.rmtree(data, ignore_errors=True)


class AccessLogs(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")
        cls.v2 = cls.nimbus.client("apigatewayv2")
        cls.echo = create_function(cls.nimbus.client("lambda"), "al-echo", "echo")

    def test_rest_access_log_line(self):
        api_id, _, key = mock_api(self.gw, "rest-logs")
        fmt = ('{"rid":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",'
               '"path":"$context.resourcePath","status":"$context.status","len":"$context.responseLength",'
               '"stage":"$context.stage","api":"$context.apiId","keyId":"$context.identity.apiKeyId",'
               '"proto":"$context.protocol","missing":"$context.authorizer.principalId","err":"$context.error.message"}')
        st = self.gw.update_stage(restApiId=api_id, stageName="p", patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": LOG_ARN},
            {"op": "replace", "path": "/accessLogSettings/format", "value": fmt}])
        self.assertEqual(st["accessLogSettings"], {"destinationArn": LOG_ARN, "format": fmt})
        self.assertEqual(self.gw.get_stage(restApiId=api_id, stageName="p")["accessLogSettings"]["format"], fmt)
        ok = http("GET", invoke_url(self.nimbus.endpoint, api_id, "p", "/m"), headers={"x-api-key": key["value"]})
        self.assertEqual(ok.status, 200)
        denied = http("GET", invoke_url(self.nimbus.endpoint, api_id, "p", "/m"))
        self.assertEqual(denied.status, 403)
        mine = [json.loads(m) for m in access_lines(self.nimbus) if api_id in m]
        self.assertEqual(len(mine), 2, mine)
        first, second = mine
        self.assertEqual(first["ip"], "127.0.0.1")
        self.assertEqual((first["method"], first["path"], first["status"], first["stage"], first["api"]),
                         ("GET", "/m", "200", "p", api_id))
        self.assertEqual((first["len"], first["keyId"], first["proto"], first["missing"]),
                         (str(len(ok.body)), key["id"], "HTTP/1.1", "-"))
        self.assertEqual((second["status"], second["keyId"], second["err"]), ("403", "-", "Forbidden"))
        self.assertEqual(first["err"], "-")
        self.assertNotEqual(first["rid"], second["rid"])
        # removing the settings stops the lines
        self.gw.update_stage(restApiId=api_id, stageName="p",
                             patchOperations=[{"op": "remove", "path": "/accessLogSettings"}])
        http("GET", invoke_url(self.nimbus.endpoint, api_id, "p", "/m"))
        self.assertEqual(len([m for m in access_lines(self.nimbus) if api_id in m]), 2)

    def test_http_access_log_common_log_format(self):
        api = self.v2.create_api(Name="clf", ProtocolType="HTTP", Target=self.echo)
        fmt = ('$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey '
               '$context.protocol" $context.status $context.responseLength $context.requestId')
        self.nimbus.aws("apigatewayv2", "update-stage", "--api-id", api["ApiId"], "--stage-name", "$default",
                        "--access-log-settings", json.dumps({"DestinationArn": LOG_ARN, "Format": fmt}))
        r = http("GET", invoke_url(self.nimbus.endpoint, api["ApiId"], "$default", "/x"))
        self.assertEqual(r.status, 200)
        rid = r.header("apigw-requestid")
        mine = [m for m in access_lines(self.nimbus) if m.endswith(" " + rid)]
        self.assertEqual(len(mine), 1)
        self.assertRegex(mine[0], r'^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                                  r'"GET \$default HTTP/1\.1" 200 \d+ ' + rid + '$')

    def test_malformed_access_log_settings(self):
        api = self.v2.create_api(Name="bad-logs", ProtocolType="HTTP", Target=self.echo)
        bad = [
            {"DestinationArn": LOG_ARN, "Format": '{"status":"$context.status"}'},        # no request id
            {"DestinationArn": LOG_ARN, "Format": '$context.requestId\n$context.status'},  # two lines
            {"DestinationArn": LOG_ARN, "Format": "$context.requestId " + "x" * 3100},     # over 3 KB
            {"DestinationArn": "arn:aws:s3:::bucket", "Format": "$context.requestId"},     # not a log group
            {"DestinationArn": "not an arn", "Format": "$context.requestId"},
        ]
        for settings in bad:
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.v2.update_stage(ApiId=api["ApiId"], StageName="$default", AccessLogSettings=settings)
            self.assertEqual(e.exception.response["Error"]["Code"], "BadRequestException", settings)
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.v2.create_stage(ApiId=api["ApiId"], StageName="s" + str(bad.index(settings)),
                                     AccessLogSettings=settings)
            self.assertEqual(e.exception.response["Error"]["Code"], "BadRequestException", settings)
        self.assertNotIn("AccessLogSettings", self.v2.get_stage(ApiId=api["ApiId"], StageName="$default"))
        # the extended request id alone is enough, and a trailing newline is allowed
        ok = self.v2.update_stage(ApiId=api["ApiId"], StageName="$default", AccessLogSettings={
            "DestinationArn": LOG_ARN + ":*", "Format": "$context.extendedRequestId $context.status\n"})
        self.assertEqual(ok["AccessLogSettings"]["Format"], "$context.extendedRequestId $context.status\n")
        # REST: the same rules through PATCH, with the CLI's exit code and message
        api_id, _, _ = mock_api(self.gw, "rest-bad-logs")
        rc, _, err = self.nimbus.aws("apigateway", "update-stage", "--rest-api-id", api_id, "--stage-name", "p",
                                     "--patch-operations", "op=replace,path=/accessLogSettings/format,"
                                     "value=$context.status", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("BadRequestException", err)
        self.assertIn("$context.requestId", err)
        self.assertNotIn("accessLogSettings", self.gw.get_stage(restApiId=api_id, stageName="p"))

    def test_malformed_api_key_values(self):
        for value in ("short", ""):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.gw.create_api_key(name="k", enabled=True, value=value)
            self.assertEqual(e.exception.response["Error"]["Code"], "BadRequestException", value)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.v2.create_api(Name="ws-badkey", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.a",
                               ApiKeySelectionExpression="$request.querystring.key")
        self.assertEqual(e.exception.response["Error"]["Code"], "BadRequestException")


if __name__ == "__main__":
    unittest.main()
