"""Usage-plan counters (GetUsage, UpdateUsage, quotas that survive a restart
and a kill -9) and API key values. The APIs use MOCK integrations: no function
is needed to count requests. (Access logs: test_apigw_access_logs.py.)"""
import datetime
import os
import shutil
import sys
import time
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, http, invoke_url  # noqa: E402
from harness import Nimbus  # noqa: E402

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


class ApiKeys(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")
        cls.v2 = cls.nimbus.client("apigatewayv2")

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
