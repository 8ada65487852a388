"""Disk full: nimbus runs with its data directory on a small tmpfs, mounted in a
private mount namespace of its own (`unshare -m`, so nothing leaks to the host).
DynamoDB PutItem fills it until writes fail; the failure must be the service's error
(InternalServerError, HTTP 500, never a 200), reads of earlier items keep working,
and after a filler file on that tmpfs is deleted (through /proc/PID/root) writes
succeed again without restart, and every acknowledged item is still there."""
import os
import shutil
import stat
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import harness  # noqa: E402

SIZE_MB = 48
FILLER_MB = 12


class DiskFull(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nimbus-full-")
        self.data = os.path.join(self.tmp, "data")
        os.mkdir(self.data)
        wrapper = os.path.join(self.tmp, "nimbus-on-tmpfs")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nexec unshare -m --propagation private /bin/sh -c "
                    "'mount -t tmpfs -o size=%dm nimbus-full \"$0\" && exec \"$@\"' '%s' '%s' \"$@\"\n"
                    % (SIZE_MB, self.data, harness.BINARY))
        os.chmod(wrapper, stat.S_IRWXU)
        harness.BINARY = wrapper
        self.n = harness.Nimbus(data_dir=self.data).start()
        # the daemon's view of its data directory: the tmpfs
        self.root = "/proc/%d/root%s" % (self.n.proc.pid, self.data)
        with open("/proc/%d/mountinfo" % self.n.proc.pid) as f:
            self.assertIn(" %s " % self.data, f.read(), "tmpfs not mounted in nimbus's namespace")
        with open("/proc/self/mountinfo") as f:
            self.assertNotIn(self.data, f.read(), "tmpfs leaked to the host")

    def tearDown(self):
        self.n.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_writes_fail_with_service_error_reads_work_and_recover(self):
        import botocore.exceptions
        ddb = self.n.client("dynamodb")
        ddb.create_table(TableName="Full", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        with open(os.path.join(self.root, "filler"), "wb") as f:
            f.write(b"\0" * (FILLER_MB << 20))
        pad = "p" * 200000
        acked = []
        failure = None
        for i in range(2000):
            key = "k%05d" % i
            try:
                r = ddb.put_item(TableName="Full", Item={"id": {"S": key}, "pad": {"S": pad}, "i": {"N": str(i)}})
                self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
                acked.append(key)
            except botocore.exceptions.ClientError as e:
                failure = e
                break
        self.assertIsNotNone(failure, "the %d MB tmpfs never filled" % SIZE_MB)
        err = failure.response
        self.assertEqual((err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]),
                         ("InternalServerError", 500))
        self.assertGreater(len(acked), 10)
        # still full: further writes keep failing the same way, never a false success
        for j in range(5):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ddb.put_item(TableName="Full", Item={"id": {"S": "again%d" % j}, "pad": {"S": pad}})
            self.assertEqual(cm.exception.response["Error"]["Code"], "InternalServerError")
        # reads keep working
        for key in acked[:5] + acked[-5:]:
            it = ddb.get_item(TableName="Full", Key={"id": {"S": key}}, ConsistentRead=True)["Item"]
            self.assertEqual(it["pad"]["S"], pad)
        self.assertNotIn("Item", ddb.get_item(TableName="Full", Key={"id": {"S": "again0"}}, ConsistentRead=True))
        self.assertEqual(ddb.describe_table(TableName="Full")["Table"]["TableStatus"], "ACTIVE")
        # free space: writes succeed again, no restart
        os.unlink(os.path.join(self.root, "filler"))
        after = []
        for j in range(10):
            key = "after%d" % j
            ddb.put_item(TableName="Full", Item={"id": {"S": key}, "pad": {"S": pad}})
            after.append(key)
        self.assertIsNone(self.n.proc.poll())
        got = {}
        for page in ddb.get_paginator("scan").paginate(TableName="Full", ConsistentRead=True):
            for it in page["Items"]:
                got[it["id"]["S"]] = it
        self.assertEqual(sorted(got), sorted(acked + after), "acknowledged set differs from stored set")
        for key in acked:
            self.assertEqual(got[key]["i"]["N"], str(int(key[1:])))
        sys.stderr.write("round disk-full: %d items acknowledged before full (%d MB tmpfs), failure %s/500, "
                         "%d reads ok while full, %d writes ok after freeing %d MB, all %d present\n"
                         % (len(acked), SIZE_MB, err["Error"]["Code"], 10, len(after), FILLER_MB, len(got)))


if __name__ == "__main__":
    unittest.main()
