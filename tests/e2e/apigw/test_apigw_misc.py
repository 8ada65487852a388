"""API Gateway state across restarts, access logs per stage, binary and
broken-UTF-8 bodies, and the plain-HTTP answers of the data plane."""
import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, group_lines, http, invoke_url, lambda_uri  # noqa: E402
from harness import Nimbus  # noqa: E402


class Misc(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.nimbus.client("lambda")
        cls.echo = create_function(cls.lam, "m-echo", "echo")

    def test_access_log_per_stage(self):
        gw = self.nimbus.client("apigatewayv2")
        api = gw.create_api(Name="logs", ProtocolType="HTTP", Target=self.echo)
        gw.update_stage(ApiId=api["ApiId"], StageName="$default", AccessLogSettings={
            "DestinationArn": "arn:aws:logs:us-east-1:000000000000:log-group:access",
            "Format": '{"rid":"$context.requestId","route":"$context.routeKey","status":"$context.status",'
                      '"ip":"$context.identity.sourceIp","method":"$context.httpMethod"}'})
        r = http("GET", invoke_url(self.nimbus.endpoint, api["ApiId"], "$default", "/logged"))
        self.assertEqual(r.status, 200)
        rid = r.header("apigw-requestid")
        # the line is in the log group the destination names (nimbus logs --group)
        entries = [json.loads(m) for _, m in group_lines(self.nimbus, "access", want=1)]
        mine = [e for e in entries if e["rid"] == rid]
        self.assertEqual(mine, [{"rid": rid, "route": "$default", "status": "200", "ip": "127.0.0.1", "method": "GET"}])

    def test_binary_and_broken_utf8_bodies(self):
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="bin", binaryMediaTypes=["image/png"])
        root = [r for r in gw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"][0]["id"]
        gw.put_method(restApiId=api["id"], resourceId=root, httpMethod="POST", authorizationType="NONE")
        gw.put_integration(restApiId=api["id"], resourceId=root, httpMethod="POST", type="AWS_PROXY",
                           integrationHttpMethod="POST", uri=lambda_uri(self.echo))
        gw.create_deployment(restApiId=api["id"], stageName="b")
        url = invoke_url(self.nimbus.endpoint, api["id"], "b", "/")
        ev = http("POST", url, body=b"\x89PNG\x00\x01", headers={"Content-Type": "image/png"}).json()
        self.assertTrue(ev["isBase64Encoded"])
        self.assertEqual(ev["body"], "iVBORwAB")
        ev = http("POST", url, body='{"a":1}', headers={"Content-Type": "application/json"}).json()
        self.assertFalse(ev["isBase64Encoded"])
        self.assertEqual(ev["body"], '{"a":1}')
        ev = http("POST", url, body=b"\xff\xfe bad utf8", headers={"Content-Type": "text/plain"}).json()
        self.assertTrue(ev["isBase64Encoded"])

    def test_state_survives_restart(self):
        data = self.nimbus.data_dir
        gw = self.nimbus.client("apigatewayv2")
        api = gw.create_api(Name="durable", ProtocolType="HTTP", Target=self.echo)
        rest = self.nimbus.client("apigateway").create_rest_api(name="durable-rest")
        self.nimbus.stop()
        n2 = Nimbus(data_dir=data).start()
        try:
            gw2 = n2.client("apigatewayv2")
            self.assertEqual(gw2.get_api(ApiId=api["ApiId"])["Name"], "durable")
            self.assertEqual(n2.client("apigateway").get_rest_api(restApiId=rest["id"])["name"], "durable-rest")
            r = http("GET", invoke_url(n2.endpoint, api["ApiId"], "$default", "/again"))
            self.assertEqual(r.status, 200, r.body)
        finally:
            n2.stop()
            shutil.rmtree(data, ignore_errors=True)
            type(self).nimbus = Nimbus().start()   # the class's nimbus for any later test

    def test_unknown_api_and_aws_prefix_edge_cases(self):
        self.assertEqual(http("GET", self.nimbus.endpoint + "/_aws/execute-api/").status, 404)
        r = http("GET", self.nimbus.endpoint + "/_aws/execute-api/nosuchapi0/prod/x")
        self.assertEqual((r.status, r.json()), (404, {"message": "Not Found"}))
        r = http("GET", self.nimbus.endpoint + "/x", headers={"Host": "nosuchapi0.execute-api.localhost"})
        self.assertEqual(r.status, 404)


if __name__ == "__main__":
    unittest.main()
