"""Encryption at rest end to end: a DynamoDB item written through boto3 is
nowhere in plaintext in the data directory once copied without its master key;
with the key the daemon reads it back after a restart; with another key it
refuses to start."""
import base64
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import BINARY, Nimbus  # noqa: E402
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


if __name__ == "__main__":
    unittest.main()
