"""ImportApiKeys: API keys from a CSV file in API Gateway's key file format, through the AWS
CLI (`aws apigateway import-api-keys --body fileb://… --format csv`) and boto3: columns in any
case and order, quoted UsagePlanIds adding the keys to plans, an existing value overwritten,
rows that cannot be imported skipped with a warning (or failing the whole import with
failonwarnings), the imported keys admitted by the gateway, and all of it written at once
(present after kill -9)."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase  # noqa: E402
from harness import Nimbus  # noqa: E402
from test_apigw_usage import mock_api  # noqa: E402

KEY1 = "importedkey0000000000000000000001"
KEY2 = "importedkey0000000000000000000002"


class KeyImport(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")
        cls.tmp = tempfile.mkdtemp()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def cli_import(self, csv, *flags, check=True):
        path = os.path.join(self.tmp, "keys.csv")
        with open(path, "w") as f:
            f.write(csv)
        rc, out, err = self.nimbus.aws("apigateway", "import-api-keys", "--body", "fileb://" + path, "--format",
                                       "csv", *flags, check=check)
        return out

    def keys_by_value(self):
        return {k["value"]: k for k in self.gw.get_api_keys(includeValues=True)["items"]}

    def test_import_with_plans_overwrite_and_gateway_use(self):
        api_id, plan_a, _ = mock_api(self.gw, "imp-a")
        plan_b = self.gw.create_usage_plan(name="imp-b")
        out = self.cli_import('Enabled,Name,key,Description,UsageplanIds,Team\r\n'
                              'true,first,%s,"An imported key, with a comma",\'%s, %s\',ops\r\n'
                              'FALSE,second,%s,,,\r\n\r\n' % (KEY1, plan_a["id"], plan_b["id"], KEY2))
        self.assertEqual((len(out["ids"]), out.get("warnings", [])), (2, []))
        keys = self.keys_by_value()
        k1, k2 = keys[KEY1], keys[KEY2]
        self.assertEqual(sorted(out["ids"]), sorted([k1["id"], k2["id"]]))
        self.assertEqual((k1["name"], k1["description"], k1["enabled"]), ("first", "An imported key, with a comma", True))
        self.assertEqual((k2["name"], k2["enabled"]), ("second", False))
        for plan in (plan_a, plan_b):
            in_plan = {k["id"]: k for k in self.gw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]}
            self.assertIn(k1["id"], in_plan)
            self.assertEqual(in_plan[k1["id"]]["value"], KEY1)
            self.assertNotIn(k2["id"], in_plan)

        # the gateway admits the imported key on the plan's API
        from apigwtest import http, invoke_url
        r = http("GET", invoke_url(self.nimbus.endpoint, api_id, "p", "/m"), headers={"x-api-key": KEY1})
        self.assertEqual(r.status, 200, r.body)

        # the same value again (boto3 this time): the same key, overwritten; Enabled defaults to true
        out = self.gw.import_api_keys(body=b"name,key\nrenamed,%s\n" % KEY2.encode(), format="csv")
        self.assertEqual(out["ids"], [k2["id"]])
        k2b = self.gw.get_api_key(apiKey=k2["id"], includeValue=True)
        self.assertEqual((k2b["name"], k2b["enabled"], k2b["value"], k2b["description"]), ("renamed", True, KEY2, ""))
        self.assertEqual(len([k for k in self.keys_by_value() if k == KEY2]), 1)

    def test_rows_with_problems_warn_or_fail_the_import(self):
        before = len(self.gw.get_api_keys()["items"])
        csv = ("name,key,enabled,usagePlanIds\n"
               "ok,importedkey000000000000000000000ok,true,\n"
               "short,tooshort,true,\n"
               "bad-enabled,importedkey00000000000000000000bad,maybe,\n"
               "no-plan,importedkey0000000000000000000nopl,true,nosuchplan\n")
        # with failonwarnings: nothing imported
        err = self.client_error(self.gw.import_api_keys, body=csv.encode(), format="csv", failOnWarnings=True)
        self.assertEqual(err["Error"]["Code"], "BadRequestException")
        self.assertIn("Line 3", err["Error"]["Message"])
        self.assertEqual(len(self.gw.get_api_keys()["items"]), before)
        # without: the good row imported, each other one warned about, by its line
        out = self.cli_import(csv)
        self.assertEqual(len(out["ids"]), 1)
        self.assertEqual([w.split(":")[0] for w in out["warnings"]], ["Line 3", "Line 4", "Line 5"])
        self.assertIn("nosuchplan", out["warnings"][2])
        self.assertEqual(len(self.gw.get_api_keys()["items"]), before + 1)

    def test_malformed_files_and_formats(self):
        for body, fmt, word in ((b"name,description\nx,y\n", "csv", "Key"),
                                (b"name,key\n\"unterminated,importedkey0000000000000000000003\n", "csv", "quoted"),
                                (b"name,key\nx,\xff\xfe" + b"k" * 30 + b"\n", "csv", "UTF-8")):
            err = self.client_error(self.gw.import_api_keys, body=body, format=fmt)
            self.assertEqual(err["Error"]["Code"], "BadRequestException", body)
            self.assertIn(word, err["Error"]["Message"])
        rc, _, err = self.nimbus.aws("apigateway", "import-api-keys", "--body", "fileb:///dev/null", "--format",
                                     "json", check=False)
        self.assertEqual(rc, 254)
        self.assertIn("BadRequestException", err)
        self.assertIn("Only csv is supported", err)


class KeyImportDurable(NimbusTestCase):
    def test_import_survives_kill9(self):
        n = Nimbus().start()
        data = n.data_dir
        try:
            gw = n.client("apigateway")
            plan = gw.create_usage_plan(name="durable-import")
            out = gw.import_api_keys(body=("name,key,usageplanids\nd1,%s,%s\nd2,%s,%s\n" % (
                KEY1, plan["id"], KEY2, plan["id"])).encode(), format="csv")
            n.kill9()
            n.stop()
            n = Nimbus(data_dir=data).start()
            gw = n.client("apigateway")
            got = {k["id"]: k["value"] for k in gw.get_api_keys(includeValues=True)["items"]}
            self.assertEqual(got, dict(zip(out["ids"], [KEY1, KEY2])))
            self.assertEqual(sorted(k["id"] for k in gw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]),
                             sorted(out["ids"]))
        finally:
            n.stop()
            shutil.rmtree(data, ignore_errors=True)
