"""Access logs per stage, end to end: settings through the AWS CLI and boto3
(REST: update-stage /accessLogSettings/*, HTTP: apigatewayv2 AccessLogSettings),
requests to the stage, then the lines read back from the destination's log
group with `nimbus logs --group NAME` and their rendered $context fields
checked; stream names as API Gateway gives them; a destination that is no log
group (a Firehose stream) writes to the daemon's log instead; AWS's
BadRequestException for malformed settings. (WebSocket stages:
websocket_limits.test.mjs.)"""
import json
import os
import subprocess
import sys
import time
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, group_lines, http, invoke_url  # noqa: E402
from harness import BINARY  # noqa: E402
from test_apigw_usage import mock_api  # noqa: E402

ARN = "arn:aws:logs:us-east-1:000000000000:log-group:"


def daemon_access_lines(nimbus):
    """The "apigw.access" records of the daemon's own log, parsed."""
    with open(nimbus.log_path, "rb") as f:
        text = f.read().decode(errors="replace")
    return [json.loads(line)["msg"] for line in text.splitlines() if '"apigw.access"' in line]


class AccessLogs(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")
        cls.v2 = cls.nimbus.client("apigatewayv2")
        cls.echo = create_function(cls.nimbus.client("lambda"), "al-echo", "echo")

    def test_rest_stage_lines_in_their_log_group(self):
        api_id, _, key = mock_api(self.gw, "rest-logs")
        fmt = ('{"rid":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",'
               '"path":"$context.resourcePath","status":"$context.status","len":"$context.responseLength",'
               '"stage":"$context.stage","api":"$context.apiId","keyId":"$context.identity.apiKeyId",'
               '"proto":"$context.protocol","missing":"$context.authorizer.principalId","err":"$context.error.message"}')
        # the AWS CLI, as the brief of issue 6 has it: update-stage with patch operations
        self.nimbus.aws("apigateway", "update-stage", "--rest-api-id", api_id, "--stage-name", "p",
                        "--patch-operations", json.dumps([
                            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": ARN + "rest-access"},
                            {"op": "replace", "path": "/accessLogSettings/format", "value": fmt}]))
        st = self.gw.get_stage(restApiId=api_id, stageName="p")
        self.assertEqual(st["accessLogSettings"], {"destinationArn": ARN + "rest-access", "format": fmt})
        ok = http("GET", invoke_url(self.nimbus.endpoint, api_id, "p", "/m"), headers={"x-api-key": key["value"]})
        self.assertEqual(ok.status, 200)
        denied = http("GET", invoke_url(self.nimbus.endpoint, api_id, "p", "/m"))
        self.assertEqual(denied.status, 403)
        lines = group_lines(self.nimbus, "rest-access", want=2)
        self.assertEqual(len(lines), 2, lines)
        (s1, m1), (s2, m2) = lines
        # a REST stage's stream: 32 hex digits, the same for both lines
        self.assertRegex(s1, r"^[0-9a-f]{32}$")
        self.assertEqual(s1, s2)
        first, second = json.loads(m1), json.loads(m2)
        self.assertEqual(first["ip"], "127.0.0.1")
        self.assertEqual((first["method"], first["path"], first["status"], first["stage"], first["api"]),
                         ("GET", "/m", "200", "p", api_id))
        self.assertEqual((first["len"], first["keyId"], first["proto"], first["missing"]),
                         (str(len(ok.body)), key["id"], "HTTP/1.1", "-"))
        self.assertEqual((second["status"], second["keyId"], second["err"]), ("403", "-", "Forbidden"))
        self.assertEqual(first["err"], "-")
        self.assertNotEqual(first["rid"], second["rid"])
        # only there: not in the daemon's own log
        self.assertEqual([m for m in daemon_access_lines(self.nimbus) if api_id in m], [])
        # removing the settings stops the lines
        self.gw.update_stage(restApiId=api_id, stageName="p",
                             patchOperations=[{"op": "remove", "path": "/accessLogSettings"}])
        http("GET", invoke_url(self.nimbus.endpoint, api_id, "p", "/m"))
        time.sleep(0.5)   # several flush ticks: a line, had there been one, would be stored
        self.assertEqual(len(group_lines(self.nimbus, "rest-access")), 2)

    def test_http_stage_common_log_format(self):
        api = self.v2.create_api(Name="clf", ProtocolType="HTTP", Target=self.echo)
        fmt = ('$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey '
               '$context.protocol" $context.status $context.responseLength $context.requestId')
        self.nimbus.aws("apigatewayv2", "update-stage", "--api-id", api["ApiId"], "--stage-name", "$default",
                        "--access-log-settings", json.dumps({"DestinationArn": ARN + "http-access:*", "Format": fmt}))
        rids = []
        for path in ("/x", "/y"):
            r = http("GET", invoke_url(self.nimbus.endpoint, api["ApiId"], "$default", path))
            self.assertEqual(r.status, 200)
            rids.append(r.header("apigw-requestid"))
        lines = group_lines(self.nimbus, "http-access", want=2)
        self.assertEqual([m.rsplit(" ", 1)[1] for _, m in lines], rids)   # in the order served
        for stream, msg in lines:
            # {apiId}_{stage}-{minute}, "$default" written ".default"
            self.assertRegex(stream, r"^" + api["ApiId"] + r"_\.default-\d{4}-\d\d-\d\d-\d\d-\d\d$")
            self.assertRegex(msg, r'^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                                  r'"GET \$default HTTP/1\.1" 200 \d+ \S+$')
        # `nimbus logs FUNCTION` still reads the function's own group beside it
        deadline = time.time() + 10
        while True:
            p = subprocess.run([BINARY, "logs", "al-echo", "--data", self.nimbus.data_dir], capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            if p.stdout.count("REPORT RequestId: ") >= 2 or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertGreaterEqual(p.stdout.count("REPORT RequestId: "), 2, p.stdout)
        self.assertNotIn("HTTP/1.1", p.stdout)

    def test_destination_that_is_no_log_group_writes_the_daemon_log(self):
        api = self.v2.create_api(Name="firehose", ProtocolType="HTTP", Target=self.echo)
        firehose = "arn:aws:firehose:us-east-1:000000000000:deliverystream/amazon-apigateway-x"
        self.v2.update_stage(ApiId=api["ApiId"], StageName="$default", AccessLogSettings={
            "DestinationArn": firehose, "Format": "$context.requestId $context.apiId $context.status"})
        r = http("GET", invoke_url(self.nimbus.endpoint, api["ApiId"], "$default", "/f"))
        self.assertEqual(r.status, 200)
        deadline = time.time() + 5
        while time.time() < deadline and not [m for m in daemon_access_lines(self.nimbus) if api["ApiId"] in m]:
            time.sleep(0.05)
        self.assertEqual([m for m in daemon_access_lines(self.nimbus) if api["ApiId"] in m],
                         ["%s %s 200" % (r.header("apigw-requestid"), api["ApiId"])])

    def test_malformed_access_log_settings(self):
        api = self.v2.create_api(Name="bad-logs", ProtocolType="HTTP", Target=self.echo)
        log_arn = ARN + "api-access"
        bad = [
            {"DestinationArn": log_arn, "Format": '{"status":"$context.status"}'},        # no request id
            {"DestinationArn": log_arn, "Format": '$context.requestId\n$context.status'},  # two lines
            {"DestinationArn": log_arn, "Format": "$context.requestId " + "x" * 3100},     # over 3 KB
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
            "DestinationArn": log_arn + ":*", "Format": "$context.extendedRequestId $context.status\n"})
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


if __name__ == "__main__":
    unittest.main()
