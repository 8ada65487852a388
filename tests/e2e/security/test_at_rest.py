"""Encryption at rest end to end: a DynamoDB item written through boto3 is
nowhere in plaintext in the data directory once copied without its master key;
with the key the daemon reads it back after a restart; with another key it
refuses to start. Function code and layers too: sealed in the data directory,
unpacked only in RAM outside it, unpacked again after a reboot, a master key
rotation or a migration from the plaintext layout; a tampered package is an
error on invoke, never run."""
import base64
import io
import json
import os
import stat
import urllib.request
import uuid
import zipfile
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lambda"))
from harness import BINARY, Nimbus  # noqa: E402
from lambdatest import BOOTSTRAP  # noqa: E402
import botocore.exceptions  # noqa: E402
import subprocess  # noqa: E402

CANARY = "at-rest-canary-5b1e0c9d-do-not-store-in-clear"


def files_under(root):
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                yield p


class AtRestTest(unittest.TestCase):
    def setUp(self):
        self.nimbus = Nimbus().start()
        self.copy = tempfile.mkdtemp(prefix="nimbus-at-rest-copy-")

    def tearDown(self):
        self.nimbus.cleanup()
        shutil.rmtree(self.copy, ignore_errors=True)

    def put_item(self):
        ddb = self.nimbus.client("dynamodb")
        ddb.create_table(TableName="Secrets", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        ddb.put_item(TableName="Secrets", Item={"id": {"S": "user-1"}, "note": {"S": CANARY},
                                                 "blob": {"B": CANARY.encode() * 3}})
        got = ddb.get_item(TableName="Secrets", Key={"id": {"S": "user-1"}}, ConsistentRead=True)
        self.assertEqual(got["Item"]["note"]["S"], CANARY)

    def test_copied_data_dir_without_master_key_holds_no_plaintext(self):
        self.put_item()
        self.assertEqual(self.nimbus.stop(), 0)
        data = self.nimbus.data_dir
        self.assertTrue(os.path.exists(os.path.join(data, "master.key")))
        self.assertEqual(os.stat(os.path.join(data, "master.key")).st_mode & 0o777, 0o600)
        shutil.copytree(data, self.copy, dirs_exist_ok=True,
                        ignore=lambda d, names: [n for n in names if n == "master.key"])
        self.assertFalse(os.path.exists(os.path.join(self.copy, "master.key")))
        scanned = 0
        for p in files_under(self.copy):
            with open(p, "rb") as f:
                blob = f.read()
            scanned += 1
            self.assertNotIn(CANARY.encode(), blob, p)
            self.assertNotIn(CANARY.encode("utf-16-le"), blob, p)
        self.assertGreaterEqual(scanned, 2)
        # keys are stored in clear (ordered scans need them): the table's item key is findable
        found = any(b"user-1" in open(p, "rb").read() for p in files_under(self.copy))
        self.assertTrue(found, "the sanity check (keys in clear) found nothing: is the copy empty?")

    def test_restart_reads_back_and_other_key_refuses(self):
        self.put_item()
        self.assertEqual(self.nimbus.stop(), 0)
        again = Nimbus(data_dir=self.nimbus.data_dir).start()
        try:
            got = again.client("dynamodb").get_item(TableName="Secrets", Key={"id": {"S": "user-1"}})
            self.assertEqual(got["Item"]["note"]["S"], CANARY)
        finally:
            again.stop()
        # the copy without master.key: refuses to start, and never creates a new key
        shutil.copytree(self.nimbus.data_dir, self.copy, dirs_exist_ok=True,
                        ignore=lambda d, names: [n for n in names if n in ("master.key",)])
        with self.assertRaises(RuntimeError) as cm:
            Nimbus(data_dir=self.copy).start()
        self.assertIn("master key", str(cm.exception))
        self.assertFalse(os.path.exists(os.path.join(self.copy, "master.key")))
        # another key: refuses too
        with open(os.path.join(self.copy, "master.key"), "wb") as f:
            f.write(os.urandom(32))
        os.chmod(os.path.join(self.copy, "master.key"), 0o600)
        with self.assertRaises(RuntimeError) as cm:
            Nimbus(data_dir=self.copy).start()
        self.assertIn("does not open", str(cm.exception))

    def test_master_key_from_config_file_and_environment(self):
        self.nimbus.cleanup()
        ext = os.path.join(self.copy, "external.key")
        with open(ext, "wb") as f:
            f.write(os.urandom(32))
        os.chmod(ext, 0o600)
        data = tempfile.mkdtemp(prefix="nimbus-at-rest-ext-")
        try:
            n = Nimbus(data_dir=data, extra_args=["--set", "store.master_key_file=" + ext]).start()
            n.client("dynamodb").list_tables()
            self.assertEqual(n.stop(), 0)
            self.assertFalse(os.path.exists(os.path.join(data, "master.key")))
            with self.assertRaises(RuntimeError):        # without the configured file: refused
                Nimbus(data_dir=data).start()
            n = Nimbus(data_dir=data, env={"NIMBUS_STORE_MASTER_KEY_FILE": ext}).start()
            self.assertEqual(n.stop(), 0)
        finally:
            shutil.rmtree(data, ignore_errors=True)
        data = tempfile.mkdtemp(prefix="nimbus-at-rest-env-")
        try:
            key = base64.b64encode(os.urandom(32)).decode()
            n = Nimbus(data_dir=data, env={"NIMBUS_MASTER_KEY": key}).start()
            self.assertEqual(n.stop(), 0)
            self.assertFalse(os.path.exists(os.path.join(data, "master.key")))
            n = Nimbus(data_dir=data, env={"NIMBUS_MASTER_KEY": key}).start()
            self.assertEqual(n.stop(), 0)
            with self.assertRaises(RuntimeError):
                Nimbus(data_dir=data, env={"NIMBUS_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}).start()
        finally:
            shutil.rmtree(data, ignore_errors=True)

    # --- master-key rotation ---------------------------------------------------------

    def rotate(self, data, *args, env=None):
        e = dict(os.environ)
        e.pop("NIMBUS_MASTER_KEY", None)
        e.update(env or {})
        return subprocess.run([BINARY, "rotate-master-key", "--data", data, *args], capture_output=True,
                              text=True, env=e, timeout=60)

    def read_back(self, data, env=None):
        n = Nimbus(data_dir=data, env=env).start()
        try:
            got = n.client("dynamodb").get_item(TableName="Secrets", Key={"id": {"S": "user-1"}})
            self.assertEqual(got["Item"]["note"]["S"], CANARY)
        finally:
            self.assertEqual(n.stop(), 0)

    def test_rotate_master_key(self):
        self.put_item()
        data = self.nimbus.data_dir
        # refused while the daemon holds the store
        r = self.rotate(data)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("stop it first", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(data, "master.key.new")))
        self.assertEqual(self.nimbus.stop(), 0)
        key = os.path.join(data, "master.key")
        old = open(key, "rb").read()
        r = self.rotate(data)
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("re-wrapped", r.stdout)
        new = open(key, "rb").read()
        self.assertNotEqual(old, new)
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        self.assertFalse(os.path.exists(key + ".new"))
        self.read_back(data)
        # the old key no longer opens it
        shutil.copytree(data, self.copy, dirs_exist_ok=True)
        with open(os.path.join(self.copy, "master.key"), "wb") as f:
            f.write(old)
        with self.assertRaises(RuntimeError) as cm:
            Nimbus(data_dir=self.copy).start()
        self.assertIn("does not open", str(cm.exception))
        # interrupted after the store committed, before the rename: the next start finishes it
        with open(key, "wb") as f:
            f.write(old)
        with open(key + ".new", "wb") as f:
            f.write(new)
        os.chmod(key + ".new", 0o600)
        self.read_back(data)
        self.assertEqual(open(key, "rb").read(), new)
        self.assertFalse(os.path.exists(key + ".new"))
        # interrupted before the store committed: the next start drops the new file
        with open(key + ".new", "wb") as f:
            f.write(os.urandom(32))
        self.read_back(data)
        self.assertEqual(open(key, "rb").read(), new)
        self.assertFalse(os.path.exists(key + ".new"))

    def test_rotate_an_external_master_key(self):
        self.nimbus.cleanup()
        data = tempfile.mkdtemp(prefix="nimbus-at-rest-rot-")
        try:
            k1 = base64.b64encode(os.urandom(32)).decode()
            n = Nimbus(data_dir=data, env={"NIMBUS_MASTER_KEY": k1}).start()
            self.nimbus = n
            self.put_item()
            self.assertEqual(n.stop(), 0)
            r = self.rotate(data, env={"NIMBUS_MASTER_KEY": k1})
            self.assertEqual(r.returncode, 1)
            self.assertIn("--new-key-file", r.stderr)
            newfile = os.path.join(self.copy, "new.key")
            k2 = base64.b64encode(os.urandom(32)).decode()
            with open(newfile, "w") as f:
                f.write(k2 + "\n")
            os.chmod(newfile, 0o600)
            r = self.rotate(data, "--new-key-file", newfile, env={"NIMBUS_MASTER_KEY": k1})
            self.assertEqual(r.returncode, 0, r)
            self.assertIn(newfile, r.stdout)
            self.read_back(data, env={"NIMBUS_MASTER_KEY": k2})
            with self.assertRaises(RuntimeError):
                Nimbus(data_dir=data, env={"NIMBUS_MASTER_KEY": k1}).start()
        finally:
            shutil.rmtree(data, ignore_errors=True)


def stored_zip(files):
    """files: {name: (text, mode)} → a zip that keeps every byte as it is (no
    compression), so a package kept in clear would show its text to a grep."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, (text, mode) in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            z.writestr(info, text)
    return buf.getvalue()


def tree_holding(root, needles):
    """Files under root (binary-safe) holding any of needles, as paths."""
    hits = []
    for p in files_under(root):
        try:
            with open(p, "rb") as f:
                blob = f.read()
        except OSError:
            continue
        if any(n in blob for n in needles):
            hits.append(p)
    return hits


class FunctionCodeAtRestTest(unittest.TestCase):
    """Function packages and layers: nothing of them in clear under DATA."""

    def setUp(self):
        self.code_mark = ("code-canary-" + uuid.uuid4().hex).encode()
        self.layer_mark = ("layer-canary-" + uuid.uuid4().hex).encode()
        self.nimbus = Nimbus().start()
        self.data = self.nimbus.data_dir
        self.code = stored_zip({"bootstrap": (BOOTSTRAP + "# " + self.code_mark.decode() + "\n", 0o755),
                                "secret.txt": (self.code_mark.decode() + "\n", 0o644)})
        self.layer = stored_zip({"lib/hello.txt": (self.layer_mark.decode(), 0o644)})

    def tearDown(self):
        self.nimbus.cleanup()

    def restart(self, kill=False):
        if kill:
            self.nimbus.kill9()
        else:
            self.assertEqual(self.nimbus.stop(), 0)
        self.nimbus = Nimbus(data_dir=self.data).start()
        self.nimbus.own_dir = True      # cleanup removes the data and unpack directories
        return self.nimbus

    def lam(self):
        return self.nimbus.client("lambda")

    def deploy(self):
        lam = self.lam()
        lv = lam.publish_layer_version(LayerName="canary-layer", Content={"ZipFile": self.layer})
        lam.create_function(FunctionName="canary", Runtime="provided.al2", Handler="x", Timeout=30,
                            Role="arn:aws:iam::%s:role/lambda-role" % self.nimbus.account,
                            Code={"ZipFile": self.code}, Layers=[lv["LayerVersionArn"]], Publish=True)
        return lv["LayerVersionArn"]

    def invoke_layer(self, qualifier=None):
        kw = {"Qualifier": qualifier} if qualifier else {}
        r = self.lam().invoke(FunctionName="canary", Payload=json.dumps({"op": "layer"}), **kw)
        body = r["Payload"].read()
        self.assertNotIn("FunctionError", r, body)
        self.assertEqual(json.loads(body), {"layer": self.layer_mark.decode()})

    def assert_no_plaintext(self):
        hits = tree_holding(self.data, [self.code_mark, self.layer_mark])
        self.assertEqual(hits, [], "function code or layer content in clear in the data directory")

    def unpack_dir(self):
        d = self.nimbus.unpack_dir()
        self.assertIsNotNone(d)
        return d

    def sealed_code(self):
        d = os.path.join(self.data, "lambda", "code", "canary")
        return [os.path.join(d, n) for n in os.listdir(d) if n.endswith(".sealed")]

    def test_1_code_and_layers_sealed_restart_rotate(self):
        self.deploy()
        self.invoke_layer()
        self.invoke_layer("1")
        self.assert_no_plaintext()
        # the unpacked trees: outside DATA, 0700, and they do hold the code (the grep works)
        up = self.unpack_dir()
        real_data = os.path.realpath(self.data)
        self.assertFalse(os.path.realpath(up).startswith(real_data + os.sep), up)
        self.assertEqual(stat.S_IMODE(os.stat(up).st_mode), 0o700)
        self.assertTrue(tree_holding(up, [self.code_mark]), "the unpacked code is not where nimbus says")
        self.assertTrue(tree_holding(up, [self.layer_mark]))
        # Code.Location still gives back the uploaded zip, byte for byte
        loc = self.lam().get_function(FunctionName="canary")["Code"]["Location"]
        with urllib.request.urlopen(loc, timeout=10) as r:
            self.assertEqual(r.read(), self.code)
        # a restart finds the unpacked trees; after kill -9 too
        self.restart()
        self.invoke_layer()
        self.restart(kill=True)
        self.invoke_layer("1")
        # a reboot empties the RAM directory: the first cold start unpacks again
        up = self.unpack_dir()
        self.assertEqual(self.nimbus.stop(), 0)
        shutil.rmtree(up)
        self.nimbus = Nimbus(data_dir=self.data).start()
        self.nimbus.own_dir = True
        self.invoke_layer()
        self.invoke_layer("1")
        self.assertTrue(tree_holding(self.unpack_dir(), [self.code_mark]))
        self.assert_no_plaintext()
        # a master key rotation re-wraps the data key: the sealed files open as before
        sealed_before = {p: open(p, "rb").read() for p in self.sealed_code()}
        up = self.unpack_dir()
        self.assertEqual(self.nimbus.stop(), 0)
        e = dict(os.environ)
        e.pop("NIMBUS_MASTER_KEY", None)
        r = subprocess.run([BINARY, "rotate-master-key", "--data", self.data], capture_output=True, text=True,
                           env=e, timeout=60)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual({p: open(p, "rb").read() for p in self.sealed_code()}, sealed_before)
        shutil.rmtree(up)
        self.nimbus = Nimbus(data_dir=self.data).start()
        self.nimbus.own_dir = True
        self.invoke_layer()
        loc = self.lam().get_function(FunctionName="canary")["Code"]["Location"]
        with urllib.request.urlopen(loc, timeout=10) as r:
            self.assertEqual(r.read(), self.code)
        self.assertEqual(self.nimbus.stop(), 0)
        self.assert_no_plaintext()

    def test_2_tampered_package_is_an_error_not_a_crash(self):
        self.deploy()
        self.invoke_layer()
        up = self.unpack_dir()
        self.assertEqual(self.nimbus.stop(), 0)
        shutil.rmtree(up)                  # as after a reboot: the sealed file is all there is
        for p in self.sealed_code():
            blob = bytearray(open(p, "rb").read())
            blob[len(blob) // 2] ^= 0x01
            with open(p, "wb") as f:
                f.write(blob)
        self.nimbus = Nimbus(data_dir=self.data).start()
        self.nimbus.own_dir = True
        for qual in (None, "1"):
            kw = {"Qualifier": qual} if qual else {}
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                self.lam().invoke(FunctionName="canary", Payload=b"{}", **kw)
            self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidZipFileException")
            self.assertIn("integrity check", cm.exception.response["Error"]["Message"])
        # the daemon is fine, nothing was unpacked from the damaged file, and the download refuses it too
        self.assertEqual(self.nimbus.wait_healthy()["status"], "ok")
        self.assertFalse(os.path.exists(os.path.join(self.unpack_dir(), "code", "canary")) and
                         tree_holding(os.path.join(self.unpack_dir(), "code", "canary"), [self.code_mark]))
        loc = self.lam().get_function(FunctionName="canary")["Code"]["Location"]
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(loc, timeout=10)
        self.assertEqual(cm.exception.code, 500)
        # new code heals it
        self.lam().update_function_code(FunctionName="canary", ZipFile=self.code)
        self.invoke_layer()

    def make_older_layout(self):
        """Stop nimbus and turn DATA/lambda into what an older nimbus kept: HEX.zip and its unpacked
        tree, layers/NAME/VER.zip (and a content-named hard link), opt/ — and no DATA/lambda/layout
        (this nimbus writes it once the layout is sealed). Returns the layer's directory."""
        up = self.unpack_dir()
        self.assertEqual(self.nimbus.stop(), 0)
        shutil.rmtree(up)
        os.unlink(os.path.join(self.data, "lambda", "layout"))
        for p in self.sealed_code():
            hexname = os.path.basename(p)[:-len(".sealed")]
            os.unlink(p)
            with open(os.path.join(os.path.dirname(p), hexname + ".zip"), "wb") as f:
                f.write(self.code)
            os.makedirs(os.path.join(os.path.dirname(p), hexname))
            with open(os.path.join(os.path.dirname(p), hexname, "secret.txt"), "wb") as f:
                f.write(self.code_mark)
        ld = os.path.join(self.data, "lambda", "layers", "canary-layer")
        os.unlink(os.path.join(ld, "1.sealed"))
        with open(os.path.join(ld, "1.zip"), "wb") as f:
            f.write(self.layer)
        os.link(os.path.join(ld, "1.zip"), os.path.join(ld, "a" * 64 + ".zip"))
        os.makedirs(os.path.join(self.data, "lambda", "opt", "b" * 64, "lib"))
        with open(os.path.join(self.data, "lambda", "opt", "b" * 64, "lib", "hello.txt"), "wb") as f:
            f.write(self.layer_mark)
        self.assertTrue(tree_holding(self.data, [self.code_mark]))
        return ld

    def assert_layout_mark(self):
        with open(os.path.join(self.data, "lambda", "layout")) as f:
            self.assertEqual(f.read(), "sealed 1\n")

    def test_3_plaintext_layout_of_an_older_nimbus_is_sealed_at_start(self):
        lv_arn = self.deploy()
        self.invoke_layer()
        ld = self.make_older_layout()
        self.nimbus = Nimbus(data_dir=self.data).start()
        self.nimbus.own_dir = True
        self.invoke_layer()
        self.invoke_layer("1")
        self.assert_no_plaintext()
        self.assertTrue(self.sealed_code())
        self.assertTrue(os.path.exists(os.path.join(ld, "1.sealed")))
        self.assertEqual(self.lam().get_layer_version_by_arn(Arn=lv_arn)["Version"], 1)
        self.assert_layout_mark()

    def test_3b_deletes_right_after_start_wait_for_the_migration(self):
        """The migration runs after nimbus answers (deferred start-up work): a deletion that comes
        first waits for it instead of racing it, and nothing of what it deletes comes back."""
        self.deploy()
        self.invoke_layer()
        self.make_older_layout()
        self.nimbus = Nimbus(data_dir=self.data).start()
        self.nimbus.own_dir = True
        lam = self.lam()
        lam.delete_function(FunctionName="canary")          # the first requests after health
        lam.delete_layer_version(LayerName="canary-layer", VersionNumber=1)
        self.assertFalse(os.path.exists(os.path.join(self.data, "lambda", "code", "canary")))
        self.assertEqual(os.listdir(os.path.join(self.data, "lambda", "layers", "canary-layer")), [])
        self.assertFalse(os.path.exists(os.path.join(self.data, "lambda", "opt")))
        self.assert_no_plaintext()
        self.assert_layout_mark()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            lam.get_function(FunctionName="canary")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")
        # a function of the same name starts empty and runs
        lam.create_function(FunctionName="canary", Runtime="provided.al2", Handler="x", Timeout=30,
                            Role="arn:aws:iam::%s:role/lambda-role" % self.nimbus.account,
                            Code={"ZipFile": self.code})
        r = lam.invoke(FunctionName="canary", Payload=json.dumps({"op": "layer"}))
        body = r["Payload"].read()
        self.assertNotIn("FunctionError", r, body)
        self.assertEqual(json.loads(body), {"layer": None})
        self.assertEqual(len(self.sealed_code()), 1)

    def test_4_deletes_remove_sealed_files_and_unpacked_trees(self):
        lam = self.lam()
        self.deploy()
        self.invoke_layer()
        up = self.unpack_dir()
        code_dir = os.path.join(self.data, "lambda", "code", "canary")
        self.assertEqual(len(self.sealed_code()), 1)
        # new code: the old package stays while version 1 uses it, goes with it
        other = stored_zip({"bootstrap": (BOOTSTRAP, 0o755), "v2.txt": ("two", 0o644)})
        lam.update_function_code(FunctionName="canary", ZipFile=other)
        self.assertEqual(len(self.sealed_code()), 2)
        lam.delete_function(FunctionName="canary", Qualifier="1")
        self.assertEqual(len(self.sealed_code()), 1)
        self.assertFalse(tree_holding(up, [self.code_mark]))
        # a deleted layer version a function still uses stays (as on Lambda)...
        layer_file = os.path.join(self.data, "lambda", "layers", "canary-layer", "1.sealed")
        lam.delete_layer_version(LayerName="canary-layer", VersionNumber=1)
        self.assertTrue(os.path.exists(layer_file))
        self.invoke_layer()
        # ...and goes with the last function using it, with its unpacked merge
        lam.delete_function(FunctionName="canary")
        self.assertFalse(os.path.exists(code_dir))
        self.assertFalse(os.path.exists(os.path.join(up, "code", "canary")))
        self.assertFalse(os.path.exists(layer_file))
        self.assertFalse(tree_holding(up, [self.code_mark, self.layer_mark]))
        # an unused layer version goes at once
        lv2 = lam.publish_layer_version(LayerName="canary-layer", Content={"ZipFile": self.layer})
        self.assertEqual(os.listdir(os.path.dirname(layer_file)), ["%d.sealed" % lv2["Version"]])
        lam.delete_layer_version(LayerName="canary-layer", VersionNumber=lv2["Version"])
        self.assertEqual(os.listdir(os.path.dirname(layer_file)), [])
        self.assert_no_plaintext()

    def test_5_configured_unpack_dir_and_one_inside_data_refused(self):
        self.nimbus.cleanup()
        base = tempfile.mkdtemp(prefix="nimbus-unpack-")
        data = tempfile.mkdtemp(prefix="nimbus-at-rest-unpack-")
        try:
            self.nimbus = Nimbus(data_dir=data, extra_args=["--set", "lambda.unpack_dir=" + base]).start()
            self.nimbus.own_dir = True
            self.data = data
            self.deploy()
            self.invoke_layer()
            up = self.unpack_dir()
            self.assertEqual(os.path.dirname(up), os.path.realpath(base))
            self.assertEqual(stat.S_IMODE(os.stat(up).st_mode), 0o700)
            self.assertTrue(tree_holding(up, [self.code_mark]))
            self.assert_no_plaintext()
            self.assertEqual(self.nimbus.stop(), 0)
            # inside the data directory: refused, so nothing is unpacked there
            self.nimbus = Nimbus(data_dir=data, extra_args=["--set", "lambda.unpack_dir=" + data + "/u"]).start()
            self.nimbus.own_dir = True
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                self.lam().create_function(FunctionName="inside", Runtime="provided.al2", Handler="x",
                                           Role="arn:aws:iam::%s:role/lambda-role" % self.nimbus.account,
                                           Code={"ZipFile": self.code})
            self.assertEqual(cm.exception.response["Error"]["Code"], "ServiceException")
            self.assertIn("inside the data directory", self.nimbus.read_log())
            self.assertFalse(os.path.exists(os.path.join(data, "u")))
            self.assertEqual(self.nimbus.stop(), 0)
            self.assert_no_plaintext()
        finally:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
