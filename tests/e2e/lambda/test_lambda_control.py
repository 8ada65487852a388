"""Lambda control plane end to end: boto3 and the AWS CLI against a started nimbus."""
import base64
import json
import os
import shutil
import tempfile
import time
import unittest

import sys

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import NimbusTestCase
from lambdatest import ROLE, bootstrap_zip, create, zip_bytes


class LambdaControlPlane(NimbusTestCase):
    def setUp(self):
        self.c = self.nimbus.client("lambda")
        # a client that lets bad values through, to see nimbus's own answers
        import boto3
        import botocore.config
        self.raw = boto3.client("lambda", endpoint_url=self.nimbus.endpoint, region_name="us-east-1",
                                aws_access_key_id=self.nimbus.creds["AWS_ACCESS_KEY_ID"],
                                aws_secret_access_key=self.nimbus.creds["AWS_SECRET_ACCESS_KEY"],
                                config=botocore.config.Config(parameter_validation=False,
                                                              retries={"max_attempts": 1}))

    def err(self, fn, *a, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*a, **kw)
        return cm.exception.response

    def test_create_get_shape(self):
        out = create(self.c, "shape-fn", env={"GREETING": "hi"}, Description="d", Tags={"team": "x"})
        for k in ("FunctionName", "FunctionArn", "Runtime", "Role", "Handler", "CodeSize", "Description", "Timeout",
                  "MemorySize", "LastModified", "CodeSha256", "Version", "RevisionId", "State", "LastUpdateStatus",
                  "PackageType", "Architectures", "EphemeralStorage", "TracingConfig"):
            self.assertIn(k, out)
        self.assertEqual(out["FunctionArn"], "arn:aws:lambda:us-east-1:000000000000:function:shape-fn")
        self.assertEqual(out["Version"], "$LATEST")
        self.assertEqual(out["Environment"], {"Variables": {"GREETING": "hi"}})
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 201)
        g = self.c.get_function(FunctionName="shape-fn")
        self.assertEqual(g["Configuration"]["CodeSha256"], out["CodeSha256"])
        self.assertEqual(g["Tags"], {"team": "x"})
        import urllib.request
        with urllib.request.urlopen(g["Code"]["Location"]) as resp:   # downloadable, like the presigned URL
            self.assertEqual(resp.read(), bootstrap_zip())
        # ... and only with its signature: the package's SHA-256 is public (CodeSha256 in ListFunctions)
        import urllib.error
        import urllib.parse
        loc = urllib.parse.urlsplit(g["Code"]["Location"])
        q = dict(urllib.parse.parse_qsl(loc.query))
        self.assertEqual(loc.path, "/2015-03-31/functions/shape-fn/package/%s.zip"
                         % base64.b64decode(out["CodeSha256"]).hex())
        self.assertLessEqual(int(q["Expires"]) - time.time(), 600)
        bare = loc._replace(query="").geturl()
        forged = loc._replace(query=urllib.parse.urlencode(dict(q, Expires=int(q["Expires"]) + 3600))).geturl()
        stale = loc._replace(query=urllib.parse.urlencode(dict(q, Signature="0" * 64))).geturl()
        other = g["Code"]["Location"].replace("/shape-fn/", "/dup-fn/")
        for url in (bare, forged, stale, other):
            with self.assertRaises(urllib.error.HTTPError) as ctx:
                urllib.request.urlopen(url)
            self.assertIn(ctx.exception.code, (403, 404), url)
            if "dup-fn" not in url:
                self.assertEqual(ctx.exception.code, 403, url)
                self.assertEqual(ctx.exception.headers["x-amzn-errortype"].split(":")[0], "AccessDeniedException")
        cfg = self.c.get_function_configuration(FunctionName="arn:aws:lambda:us-east-1:000000000000:function:shape-fn")
        self.assertEqual(cfg["Description"], "d")
        self.c.get_waiter("function_active_v2").wait(FunctionName="shape-fn")

    def test_errors(self):
        create(self.c, "dup-fn")
        r = self.err(create, self.c, "dup-fn")
        self.assertEqual(r["Error"]["Code"], "ResourceConflictException")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 409)
        r = self.err(self.c.get_function, FunctionName="nope")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertIn("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope", r["Error"]["Message"])
        r = self.err(create, self.c, "bad-rt", Runtime="cobol85")
        self.assertEqual(r["Error"]["Code"], "ValidationException")
        r = self.err(create, self.raw, "bad-mem", memory=64)
        self.assertEqual(r["Error"]["Code"], "ValidationException")
        self.assertIn("memorySize", r["Error"]["Message"])
        r = self.err(create, self.raw, "bad-timeout", timeout=901)
        self.assertEqual(r["Error"]["Code"], "ValidationException")
        r = self.err(create, self.c, "bad-zip", Code={"ZipFile": b"this is not a zip"})
        self.assertEqual(r["Error"]["Code"], "InvalidParameterValueException")
        r = self.err(create, self.c, "bad-env", env={"AWS_REGION": "x"})
        self.assertEqual(r["Error"]["Code"], "InvalidParameterValueException")
        self.assertIn("AWS_REGION", r["Error"]["Message"])
        r = self.err(self.raw.get_function, FunctionName="bad name!")
        self.assertEqual(r["Error"]["Code"], "ValidationException")

    def test_zip_slip_refused(self):
        z = zip_bytes({"../../escape": ("x", 0o644), "bootstrap": ("#!/bin/sh\n", 0o755)})
        r = self.err(create, self.c, "slip-fn", Code={"ZipFile": z})
        self.assertEqual(r["Error"]["Code"], "InvalidParameterValueException")

    def test_list_paginated(self):
        for i in range(5):
            create(self.c, "page-%d" % i)
        names = []
        marker = None
        pages = 0
        while True:
            kw = {"MaxItems": 2}
            if marker:
                kw["Marker"] = marker
            out = self.c.list_functions(**kw)
            pages += 1
            self.assertLessEqual(len(out["Functions"]), 2)
            names += [f["FunctionName"] for f in out["Functions"]]
            marker = out.get("NextMarker")
            if not marker:
                break
        for i in range(5):
            self.assertIn("page-%d" % i, names)
        self.assertEqual(len(names), len(set(names)))
        self.assertGreaterEqual(pages, 3)
        allp = [f["FunctionName"] for p in self.c.get_paginator("list_functions").paginate() for f in p["Functions"]]
        self.assertEqual(sorted(allp), sorted(names))

    def test_update_code_and_config(self):
        first = create(self.c, "upd-fn")
        out = self.c.update_function_configuration(FunctionName="upd-fn", MemorySize=256, Timeout=10,
                                                   Environment={"Variables": {"A": "1"}}, Description="new")
        self.assertEqual(out["MemorySize"], 256)
        self.assertEqual(out["Timeout"], 10)
        self.assertNotEqual(out["RevisionId"], first["RevisionId"])
        self.c.get_waiter("function_updated_v2").wait(FunctionName="upd-fn")
        code = self.c.update_function_code(FunctionName="upd-fn", ZipFile=bootstrap_zip({"extra.txt": ("x", 0o644)}))
        self.assertNotEqual(code["CodeSha256"], first["CodeSha256"])
        self.assertEqual(code["LastUpdateStatus"], "Successful")
        r = self.err(self.c.update_function_configuration, FunctionName="upd-fn", RevisionId="stale", Timeout=5)
        self.assertEqual(r["Error"]["Code"], "PreconditionFailedException")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 412)
        r = self.err(self.raw.update_function_configuration, FunctionName="upd-fn", MemorySize=20000)
        self.assertEqual(r["Error"]["Code"], "ValidationException")

    def test_delete(self):
        create(self.c, "del-fn")
        out = self.c.delete_function(FunctionName="del-fn")
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 204)
        r = self.err(self.c.get_function, FunctionName="del-fn")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        r = self.err(self.c.delete_function, FunctionName="del-fn")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")

    def test_versions_and_aliases(self):
        create(self.c, "ver-fn")
        v1 = self.c.publish_version(FunctionName="ver-fn", Description="one")
        self.assertEqual(v1["Version"], "1")
        self.assertTrue(v1["FunctionArn"].endswith(":ver-fn:1"))
        again = self.c.publish_version(FunctionName="ver-fn")
        self.assertEqual(again["Version"], "1")   # nothing changed since version 1
        self.c.update_function_configuration(FunctionName="ver-fn", Timeout=7)
        v2 = self.c.publish_version(FunctionName="ver-fn")
        self.assertEqual(v2["Version"], "2")
        self.assertEqual(v2["Timeout"], 7)
        vs = [v["Version"] for v in self.c.list_versions_by_function(FunctionName="ver-fn")["Versions"]]
        self.assertEqual(vs, ["$LATEST", "1", "2"])
        a = self.c.create_alias(FunctionName="ver-fn", Name="live", FunctionVersion="1")
        self.assertEqual(a["AliasArn"], "arn:aws:lambda:us-east-1:000000000000:function:ver-fn:live")
        self.assertEqual(self.c.get_alias(FunctionName="ver-fn", Name="live")["FunctionVersion"], "1")
        self.c.update_alias(FunctionName="ver-fn", Name="live", FunctionVersion="2")
        self.assertEqual(self.c.get_function_configuration(FunctionName="ver-fn", Qualifier="live")["Version"], "2")
        self.assertEqual([x["Name"] for x in self.c.list_aliases(FunctionName="ver-fn")["Aliases"]], ["live"])
        r = self.err(self.c.create_alias, FunctionName="ver-fn", Name="live", FunctionVersion="1")
        self.assertEqual(r["Error"]["Code"], "ResourceConflictException")
        r = self.err(self.c.create_alias, FunctionName="ver-fn", Name="bad", FunctionVersion="9")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        self.c.delete_alias(FunctionName="ver-fn", Name="live")
        r = self.err(self.c.get_alias, FunctionName="ver-fn", Name="live")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        self.c.delete_function(FunctionName="ver-fn", Qualifier="1")
        vs = [v["Version"] for v in self.c.list_versions_by_function(FunctionName="ver-fn")["Versions"]]
        self.assertEqual(vs, ["$LATEST", "2"])

    def test_settings(self):
        create(self.c, "set-fn")
        self.assertEqual(self.c.put_function_concurrency(FunctionName="set-fn", ReservedConcurrentExecutions=5)
                         ["ReservedConcurrentExecutions"], 5)
        self.assertEqual(self.c.get_function_concurrency(FunctionName="set-fn")["ReservedConcurrentExecutions"], 5)
        self.assertEqual(self.c.get_function(FunctionName="set-fn")["Concurrency"]["ReservedConcurrentExecutions"], 5)
        acct = self.c.get_account_settings()
        self.assertEqual(acct["AccountLimit"]["ConcurrentExecutions"], 1000)
        self.assertEqual(acct["AccountLimit"]["UnreservedConcurrentExecutions"], 995)
        self.c.delete_function_concurrency(FunctionName="set-fn")
        self.assertNotIn("ReservedConcurrentExecutions", self.c.get_function_concurrency(FunctionName="set-fn"))
        e = self.c.put_function_event_invoke_config(FunctionName="set-fn", MaximumRetryAttempts=1,
                                                    MaximumEventAgeInSeconds=120)
        self.assertEqual(e["MaximumRetryAttempts"], 1)
        g = self.c.get_function_event_invoke_config(FunctionName="set-fn")
        self.assertEqual(g["MaximumEventAgeInSeconds"], 120)
        r = self.err(self.raw.put_function_event_invoke_config, FunctionName="set-fn", MaximumRetryAttempts=3)
        self.assertEqual(r["Error"]["Code"], "ValidationException")
        p = self.c.add_permission(FunctionName="set-fn", StatementId="s1", Action="lambda:InvokeFunction",
                                  Principal="apigateway.amazonaws.com")
        self.assertEqual(json.loads(p["Statement"])["Sid"], "s1")
        pol = json.loads(self.c.get_policy(FunctionName="set-fn")["Policy"])
        self.assertEqual(pol["Statement"][0]["Principal"], {"Service": "apigateway.amazonaws.com"})
        r = self.err(self.c.add_permission, FunctionName="set-fn", StatementId="s1", Action="lambda:InvokeFunction",
                     Principal="sns.amazonaws.com")
        self.assertEqual(r["Error"]["Code"], "ResourceConflictException")
        self.c.remove_permission(FunctionName="set-fn", StatementId="s1")
        r = self.err(self.c.get_policy, FunctionName="set-fn")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        arn = "arn:aws:lambda:us-east-1:000000000000:function:set-fn"
        self.c.tag_resource(Resource=arn, Tags={"a": "1", "b": "2"})
        self.c.untag_resource(Resource=arn, TagKeys=["a"])
        self.assertEqual(self.c.list_tags(Resource=arn)["Tags"], {"b": "2"})

    def test_layers(self):
        z = zip_bytes({"lib/hello.txt": ("from the layer\n", 0o644)})
        l1 = self.c.publish_layer_version(LayerName="mylayer", Content={"ZipFile": z}, CompatibleRuntimes=["provided.al2"])
        self.assertEqual(l1["Version"], 1)
        self.assertTrue(l1["LayerVersionArn"].endswith(":layer:mylayer:1"))
        l2 = self.c.publish_layer_version(LayerName="mylayer", Content={"ZipFile": z})
        self.assertEqual(l2["Version"], 2)
        g = self.c.get_layer_version(LayerName="mylayer", VersionNumber=1)
        self.assertEqual(g["Content"]["CodeSize"], len(z))
        # Content.Location downloads the zip, signed and expiring like Lambda's presigned URL
        import urllib.error
        import urllib.request
        by_arn = self.c.get_layer_version_by_arn(Arn=l2["LayerVersionArn"])
        for loc in (l1["Content"]["Location"], g["Content"]["Location"], by_arn["Content"]["Location"]):
            self.assertIn("?Expires=", loc)
            with urllib.request.urlopen(loc) as resp:
                self.assertEqual(resp.read(), z)
        for url in (g["Content"]["Location"].split("?")[0],
                    g["Content"]["Location"].replace("/versions/1/", "/versions/2/")):
            with self.assertRaises(urllib.error.HTTPError) as ctx:
                urllib.request.urlopen(url)
            self.assertEqual(ctx.exception.code, 403, url)
        layers = self.c.list_layers()["Layers"]
        self.assertEqual(layers[0]["LatestMatchingVersion"]["Version"], 2)
        out = create(self.c, "layer-fn", Layers=[l1["LayerVersionArn"]])
        self.assertEqual(out["Layers"][0]["Arn"], l1["LayerVersionArn"])
        r = self.err(create, self.c, "layer-bad", Layers=[l1["LayerVersionArn"][:-1] + "9"])
        self.assertEqual(r["Error"]["Code"], "InvalidParameterValueException")

    def test_tooling_reads(self):
        """What deployment tools (Terraform, CDK) read around a function."""
        create(self.c, "tool-fn")
        cs = self.c.get_function_code_signing_config(FunctionName="tool-fn")
        self.assertEqual(cs["FunctionName"], "tool-fn")
        self.assertEqual(self.c.list_function_event_invoke_configs(FunctionName="tool-fn")
                         ["FunctionEventInvokeConfigs"], [])
        self.c.put_function_event_invoke_config(FunctionName="tool-fn", MaximumRetryAttempts=1)
        eics = self.c.list_function_event_invoke_configs(FunctionName="tool-fn")["FunctionEventInvokeConfigs"]
        self.assertEqual([e["MaximumRetryAttempts"] for e in eics], [1])
        self.assertEqual(self.c.list_provisioned_concurrency_configs(FunctionName="tool-fn")
                         ["ProvisionedConcurrencyConfigs"], [])
        self.assertEqual(self.c.list_event_source_mappings()["EventSourceMappings"], [])
        r = self.err(self.c.get_function_url_config, FunctionName="tool-fn")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        lv = self.c.publish_layer_version(LayerName="tool-layer", Content={"ZipFile": zip_bytes({"a": ("b", 0o644)})})
        got = self.c.get_layer_version_by_arn(Arn=lv["LayerVersionArn"])
        self.assertEqual(got["Version"], lv["Version"])
        r = self.err(self.c.get_layer_version_by_arn, Arn=lv["LayerVersionArn"][:-1] + "99")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")

    def test_cli(self):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "f.zip")
        with open(path, "wb") as f:
            f.write(bootstrap_zip())
        rc, out, err = self.nimbus.aws("lambda", "create-function", "--function-name", "cli-fn", "--runtime",
                                       "provided.al2023", "--handler", "h", "--role", ROLE, "--zip-file",
                                       "fileb://" + path)
        self.assertEqual(out["FunctionName"], "cli-fn")
        rc, out, err = self.nimbus.aws("lambda", "list-functions")
        self.assertIn("cli-fn", [f["FunctionName"] for f in out["Functions"]])
        rc, out, err = self.nimbus.aws("lambda", "wait", "function-active-v2", "--function-name", "cli-fn")
        self.assertEqual(rc, 0)
        outfile = os.path.join(d, "out.json")
        rc, out, err = self.nimbus.aws("lambda", "invoke", "--function-name", "cli-fn", "--cli-binary-format",
                                       "raw-in-base64-out", "--payload", '{"via":"cli"}', "--log-type", "Tail",
                                       outfile)
        self.assertEqual(out["StatusCode"], 200)
        self.assertEqual(out["ExecutedVersion"], "$LATEST")
        self.assertIn("REPORT RequestId:", base64.b64decode(out["LogResult"]).decode())
        with open(outfile) as f:
            self.assertEqual(json.loads(f.read()), {"echo": {"via": "cli"}, "n": 1})
        rc, out, err = self.nimbus.aws("lambda", "publish-version", "--function-name", "cli-fn")
        self.assertEqual(out["Version"], "1")
        rc, out, err = self.nimbus.aws("lambda", "invoke", "--function-name", "cli-fn", "--qualifier", "1",
                                       "--invocation-type", "Event", "--cli-binary-format", "raw-in-base64-out",
                                       "--payload", "{}", outfile)
        self.assertEqual(out["StatusCode"], 202)
        rc, out, err = self.nimbus.aws("lambda", "get-function", "--function-name", "nope", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("ResourceNotFoundException", err)


if __name__ == "__main__":
    unittest.main()
