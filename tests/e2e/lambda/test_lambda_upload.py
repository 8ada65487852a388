"""Deployment packages at AWS's direct-upload limits, through boto3 and the AWS CLI.

- a ~45 MB zip (45 MB of random, incompressible data + a handler, and 150 MB of zeros
  that make unpacking long) is accepted by CreateFunction and UpdateFunctionCode
  (the request body is ~63 MB: over the edge's default 16 MiB, under Lambda's 69905067
  bytes); the function sees every byte;
- while it is unpacked (its temporary directory exists in nimbus's data directory),
  DynamoDB ListTables is answered: unpacking does not run on the event loop;
- over 50 MB zipped → RequestEntityTooLargeException (413) "Request must be smaller
  than 69905067 bytes for the OP operation"; other Lambda operations keep the edge's
  16 MiB; over 250 MB unzipped → InvalidParameterValueException "Unzipped size must be
  smaller than 262144000 bytes" (a zip whose entry inflates past its declared size is
  refused as "Could not unzip uploaded file...");
- after all of that nimbus still serves, and nothing half-written is left.
"""
import glob
import hashlib
import io
import json
import os
import struct
import sys
import tempfile
import threading
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import NimbusTestCase  # noqa: E402
from lambdatest import ROLE, zip_bytes  # noqa: E402

HANDLER = r'''
import hashlib, os
def handler(event, context):
    h = hashlib.sha256()
    with open("data.bin", "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"size": os.path.getsize("data.bin"), "sha256": h.hexdigest(),
            "zeros": os.path.getsize("zeros.bin"), "version": VERSION, "requestId": context.aws_request_id}
'''

MB = 1024 * 1024


def big_zip(version, random_mb=45, zeros_mb=150):
    """(zip bytes, sha256 of data.bin). data.bin is stored (random data does not deflate)."""
    data = os.urandom(random_mb * MB)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("app.py")
        info.external_attr = 0o100644 << 16
        z.writestr(info, "VERSION = %d\n%s" % (version, HANDLER), compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("data.bin")
        info.external_attr = 0o100644 << 16
        z.writestr(info, data, compress_type=zipfile.ZIP_STORED)
        info = zipfile.ZipInfo("zeros.bin")
        info.external_attr = 0o100644 << 16
        z.writestr(info, bytes(zeros_mb * MB), compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue(), hashlib.sha256(data).hexdigest()


class LambdaUpload(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import botocore.config
        cfg = botocore.config.Config(read_timeout=600, connect_timeout=10, retries={"max_attempts": 1})
        cls.c = cls.nimbus.client("lambda", config=cfg)
        cls.ddb = cls.nimbus.client("dynamodb")
        cls.ddb.create_table(TableName="probe", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")

    def data_dir(self):
        d = self.nimbus.data_dir
        if os.path.exists(os.path.join(d, "credentials.json")):
            return d
        return "/proc/%d/root%s" % (self.nimbus.proc.pid, os.path.abspath(d))   # the daemon's mount namespace

    def unpacking(self, name):
        """Temporary directories of packages of function name being unpacked right now."""
        return glob.glob(os.path.join(self.data_dir(), "lambda", "code", name, "*.tmp-*"))

    def upload_while_serving(self, name, call):
        """Run call() (an upload of function name's package) in a thread; meanwhile ask
        DynamoDB ListTables whenever the package is being unpacked. Returns (call's
        result, number of ListTables answered while the unpacking was still going on)."""
        out = {}

        def run():
            try:
                out["r"] = call()
            except Exception as e:   # noqa: BLE001 - re-raised below
                out["e"] = e

        t = threading.Thread(target=run)
        t.start()
        during = 0
        while t.is_alive():
            if self.unpacking(name):
                self.assertEqual(self.ddb.list_tables()["TableNames"], ["probe"])
                if self.unpacking(name):      # answered before the unpacking finished
                    during += 1
        t.join()
        if "e" in out:
            raise out["e"]
        return out["r"], during

    def check_function(self, name, sha, version):
        r = self.c.invoke(FunctionName=name, Payload=b"{}")
        self.assertNotIn("FunctionError", r)
        body = json.loads(r["Payload"].read())
        self.assertEqual(body["size"], 45 * MB)
        self.assertEqual(body["sha256"], sha)          # every byte arrived and was unpacked
        self.assertEqual(body["zeros"], 150 * MB)
        self.assertEqual(body["version"], version)
        self.assertEqual(body["requestId"], r["ResponseMetadata"]["RequestId"])

    def test_1_large_package_create_and_update(self):
        zip1, sha1 = big_zip(1)
        self.assertGreater(len(zip1), 45 * MB)
        self.assertLess(len(zip1), 50 * MB)
        r, during = self.upload_while_serving("big-fn", lambda: self.c.create_function(
            FunctionName="big-fn", Runtime="python3.12", Handler="app.handler", Role=ROLE,
            Code={"ZipFile": zip1}, Timeout=60, MemorySize=512))
        self.assertEqual(r["CodeSize"], len(zip1))
        self.assertEqual(r["State"], "Active")
        self.assertGreater(during, 0, "no ListTables answered while the package was unpacked")
        self.assertEqual(self.unpacking("big-fn"), [])
        self.check_function("big-fn", sha1, 1)

        zip2, sha2 = big_zip(2)
        r, during = self.upload_while_serving("big-fn", lambda: self.c.update_function_code(
            FunctionName="big-fn", ZipFile=zip2))
        self.assertEqual(r["CodeSize"], len(zip2))
        self.assertGreater(during, 0, "no ListTables answered while the package was unpacked")
        self.check_function("big-fn", sha2, 2)

    def test_2_large_package_with_the_aws_cli(self):
        zip3, sha3 = big_zip(3)
        with tempfile.NamedTemporaryFile(suffix=".zip") as f:
            f.write(zip3)
            f.flush()
            _, out, _ = self.nimbus.aws(
                "lambda", "create-function", "--function-name", "cli-big-fn", "--runtime", "python3.12",
                "--handler", "app.handler", "--role", ROLE, "--timeout", "60", "--memory-size", "512",
                "--zip-file", "fileb://" + f.name, "--cli-read-timeout", "600")
        self.assertEqual(out["CodeSize"], len(zip3))
        self.check_function("cli-big-fn", sha3, 3)

    def assert_too_large(self, call, op, limit=69905067):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call()
        err = cm.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 413)
        self.assertEqual(err["Error"]["Code"], "RequestEntityTooLargeException")
        self.assertEqual(err["Error"]["Message"], "Request must be smaller than %d bytes for the %s operation" % (limit, op))

    def test_3_over_50_mb_zipped(self):
        self.c.create_function(FunctionName="small-fn", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                               Code={"ZipFile": zip_bytes({"app.py": ("def handler(e, c):\n    return 1\n", 0o644)})})
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("data.bin", os.urandom(51 * MB))          # base64: ~71 MB of JSON body
        over = buf.getvalue()
        self.assert_too_large(lambda: self.c.create_function(
            FunctionName="over-fn", Runtime="python3.12", Handler="app.handler", Role=ROLE, Code={"ZipFile": over}),
            "CreateFunction")
        self.assert_too_large(lambda: self.c.update_function_code(FunctionName="small-fn", ZipFile=over),
                              "UpdateFunctionCode")
        self.assert_too_large(lambda: self.c.publish_layer_version(LayerName="over-layer", Content={"ZipFile": over}),
                              "PublishLayerVersion")
        # the other operations keep the edge's 16 MiB
        self.assert_too_large(lambda: self.c.update_function_configuration(
            FunctionName="small-fn", Description="x" * (17 * MB)), "UpdateFunctionConfiguration", 16 * MB)
        # nothing was created or changed, and nimbus serves on
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.get_function(FunctionName="over-fn")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(self.c.list_layers()["Layers"], [])
        self.assertEqual(json.loads(self.c.invoke(FunctionName="small-fn")["Payload"].read()), 1)
        self.assertEqual(self.ddb.list_tables()["TableNames"], ["probe"])

    def test_4_over_250_mb_unzipped(self):
        import botocore.exceptions
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("app.py", "def handler(e, c):\n    return 1\n")
            z.writestr("a.bin", bytes(130 * MB))
            z.writestr("b.bin", bytes(130 * MB))               # 260 MB unzipped, ~260 KB zipped
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.create_function(FunctionName="bomb-fn", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                                   Code={"ZipFile": buf.getvalue()})
        err = cm.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes"))
        # a zip that lies: one 260 MB entry declared as 1 MB (local header and central directory)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("app.py", "def handler(e, c):\n    return 1\n")
            z.writestr("liar.bin", bytes(260 * MB))
        liar = bytearray(buf.getvalue())
        with zipfile.ZipFile(io.BytesIO(bytes(liar))) as z:
            info = z.getinfo("liar.bin")
        struct.pack_into("<I", liar, info.header_offset + 22, MB)
        cd = liar.rfind(b"PK\x01\x02")                          # the last entry's central header
        struct.pack_into("<I", liar, cd + 24, MB)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.create_function(FunctionName="bomb-fn", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                                   Code={"ZipFile": bytes(liar)})
        err = cm.exception.response
        # libarchive stops inflating at the declared size and reports the mismatch
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("InvalidParameterValueException",
                          "Could not unzip uploaded file. Please check your file, then try to upload again."))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.get_function(FunctionName="bomb-fn")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(self.unpacking("bomb-fn"), [])            # the partial unpacking is gone
        self.assertEqual(self.ddb.list_tables()["TableNames"], ["probe"])

    def test_5_checks_around_the_unpacking(self):
        """Validation happens before the unpacking and again before the commit."""
        import base64
        import botocore.exceptions
        small = zip_bytes({"app.py": ("def handler(e, c):\n    return 'v1'\n", 0o644)})
        other = zip_bytes({"app.py": ("def handler(e, c):\n    return 'v2'\n", 0o644)})
        # two creates of one name at once (both unpack, the commit decides): one wins, one conflicts
        outcomes = []

        def create():
            try:
                self.c.create_function(FunctionName="race-fn", Runtime="python3.12", Handler="app.handler",
                                       Role=ROLE, Code={"ZipFile": small})
                outcomes.append("created")
            except botocore.exceptions.ClientError as e:
                outcomes.append(e.response["Error"]["Code"])

        threads = [threading.Thread(target=create) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(outcomes), ["ResourceConflictException", "created"])
        # DryRun: the new package is checked and described, the function keeps its code
        before = self.c.get_function_configuration(FunctionName="race-fn")
        r = self.c.update_function_code(FunctionName="race-fn", ZipFile=other, DryRun=True)
        self.assertEqual(r["CodeSha256"], base64.b64encode(hashlib.sha256(other).digest()).decode())
        self.assertEqual(self.c.get_function_configuration(FunctionName="race-fn")["CodeSha256"], before["CodeSha256"])
        self.assertEqual(json.loads(self.c.invoke(FunctionName="race-fn")["Payload"].read()), "v1")
        # a stale RevisionId is refused before anything is unpacked
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.update_function_code(FunctionName="race-fn", ZipFile=other, RevisionId="stale")
        self.assertEqual(cm.exception.response["Error"]["Code"], "PreconditionFailedException")
        # an invalid configuration is refused before the package is unpacked
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.create_function(FunctionName="bad-fn", Runtime="cobol85", Handler="app.handler", Role=ROLE,
                                   Code={"ZipFile": small})
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")   # Runtime's enum
        self.assertEqual(glob.glob(os.path.join(self.data_dir(), "lambda", "code", "bad-fn")), [])
        r = self.c.update_function_code(FunctionName="race-fn", ZipFile=other, RevisionId=before["RevisionId"])
        self.assertEqual(json.loads(self.c.invoke(FunctionName="race-fn")["Payload"].read()), "v2")


if __name__ == "__main__":
    unittest.main()
