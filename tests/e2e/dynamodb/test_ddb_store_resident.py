"""The bound on the store's mapped pages (--store-resident-mb, docs/STORE.md
"Resident pages of the map") end to end: with a 1 MiB budget and ~14 MB of
items, every item still reads back (GetItem one by one across the drops, and
a paginated Scan); afterwards the daemon's mapping of data.mdb holds far less
than the file. Bad values of the flag are usage errors."""
import os
import subprocess
import unittest

from harness import BINARY, NimbusTestCase

N_ITEMS = 2000
BODY = 6000                   # bytes of attribute text per item


def body_of(i):
    return ("%05d" % i) * (BODY // 5)


def store_map_kb(pid):
    """kB of DATA/store/data.mdb mapped into process pid (its smaps Rss), and the file's size."""
    kb, in_map, path = 0, False, None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            head = line.split()
            if len(head) >= 5 and "-" in head[0] and ":" in head[3]:
                in_map = len(head) >= 6 and head[-1].endswith("/store/data.mdb")
                if in_map:
                    path = head[-1]
            elif in_map and line.startswith("Rss:"):
                kb += int(line.split()[1])
    return kb, os.path.getsize(path) if path else 0


class StoreResident(NimbusTestCase):
    nimbus_args = ("--store-resident-mb", "1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        ddb.create_table(TableName="Big", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        for start in range(0, N_ITEMS, 25):
            reqs = [{"PutRequest": {"Item": {"id": {"S": "item-%05d" % i}, "body": {"S": body_of(i)},
                                             "n": {"N": str(i)}}}} for i in range(start, start + 25)]
            r = ddb.batch_write_item(RequestItems={"Big": reqs})
            while r.get("UnprocessedItems"):
                r = ddb.batch_write_item(RequestItems=r["UnprocessedItems"])

    def test_items_read_back_across_drops_and_the_map_stays_small(self):
        ddb = self.nimbus.client("dynamodb")
        for i in range(N_ITEMS):
            item = ddb.get_item(TableName="Big", Key={"id": {"S": "item-%05d" % i}})["Item"]
            self.assertEqual(item, {"id": {"S": "item-%05d" % i}, "body": {"S": body_of(i)}, "n": {"N": str(i)}})
        seen, kw = set(), {}
        while True:
            page = ddb.scan(TableName="Big", **kw)
            for item in page["Items"]:
                i = int(item["n"]["N"])
                self.assertEqual(item["body"]["S"], body_of(i))
                seen.add(i)
            if "LastEvaluatedKey" not in page:
                break
            kw = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        self.assertEqual(seen, set(range(N_ITEMS)))
        # the same item again and again: the store checks its budget every 64
        # transactions, and what these touch after the last drop is a few pages
        for _ in range(100):
            self.assertEqual(ddb.get_item(TableName="Big", Key={"id": {"S": "item-00007"}})["Item"]["n"], {"N": "7"})
        kb, size = store_map_kb(self.nimbus.proc.pid)
        self.assertGreater(size, 12 << 20)
        self.assertLess(kb, 2048, "%d kB of the %d-byte data.mdb mapped, over a 1 MiB budget" % (kb, size))


class StoreResidentFlag(unittest.TestCase):
    def test_bad_values_are_usage_errors(self):
        for bad in ("abc", "-1", "", "12x", "99999999999"):
            p = subprocess.run([BINARY, "up", "--listen", "127.0.0.1:0", "--data", "/nonexistent/x",
                                "--store-resident-mb", bad], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn("--store-resident-mb wants a whole number of MiB", p.stderr)


if __name__ == "__main__":
    unittest.main()
