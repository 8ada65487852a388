"""Online GSI creation: UpdateTable answers at once and the new index is
backfilled in the background in bounded chunks while the table keeps serving
reads and writes; writes made during the backfill (ahead of or behind its
cursor, changing the index key or removing it) end up in the index exactly
once; Query/Scan of the index are refused until it is ACTIVE; a kill -9
mid-backfill resumes at the next start; deleting the index or the table stops
the backfill. The daemon is throttled (dynamodb.backfill_batch /
backfill_interval_ms) so the backfill lasts long enough to act during it."""
import time
import unittest

import botocore.exceptions
from harness import Nimbus

N_ITEMS = 20000
SLOW = ["--set", "dynamodb.backfill_batch=200", "--set", "dynamodb.backfill_interval_ms=20"]
GSI = {"IndexName": "ByG",
       "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
       "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["tag"]}}


def item(i, g=True):
    it = {"id": {"S": "k%05d" % i}, "n": {"N": str(i)}, "tag": {"S": "t%d" % (i % 7)}, "extra": {"S": "x"}}
    if g and i % 10:                   # every tenth item has no g: absent from the sparse index
        it["g"] = {"S": "g%d" % (i % 37)}
    return it


def load(ddb, table, n):
    for start in range(0, n, 25):
        reqs = [{"PutRequest": {"Item": item(i)}} for i in range(start, min(n, start + 25))]
        out = ddb.batch_write_item(RequestItems={table: reqs})
        assert not out.get("UnprocessedItems"), out


def make_table(ddb, table):
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])


def create_gsi(ddb, table):
    return ddb.update_table(TableName=table,
                            AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"},
                                                  {"AttributeName": "n", "AttributeType": "N"}],
                            GlobalSecondaryIndexUpdates=[{"Create": GSI}])["TableDescription"]


def index_desc(ddb, table, index="ByG"):
    t = ddb.describe_table(TableName=table)["Table"]
    g = [x for x in t.get("GlobalSecondaryIndexes", []) if x["IndexName"] == index]
    return t, (g[0] if g else None)


def wait_index_active(ddb, table, index="ByG", delay=0.1, attempts=1200):
    """Poll DescribeTable the way an SDK waiter does until the index is ACTIVE."""
    for _ in range(attempts):
        t, g = index_desc(ddb, table, index)
        if g and g["IndexStatus"] == "ACTIVE":
            return t, g
        time.sleep(delay)
    raise AssertionError("index %s never became ACTIVE" % index)


def scan_all(ddb, **kw):
    items, lek = [], None
    while True:
        args = dict(kw)
        if lek:
            args["ExclusiveStartKey"] = lek
        out = ddb.scan(**args)
        items += out["Items"]
        lek = out.get("LastEvaluatedKey")
        if not lek:
            return items


def canon(items):
    return sorted(repr(sorted((k, sorted(v.items())) for k, v in it.items())) for it in items)


def expected_index(table_items):
    keep = ("id", "g", "n", "tag")
    return [{k: v for k, v in it.items() if k in keep} for it in table_items if "g" in it and "n" in it]


def write_during(ddb, table):
    """Writes across the whole key range: behind and ahead of the cursor alike."""
    for i in list(range(0, N_ITEMS, 997)) + list(range(N_ITEMS - 1, 0, -1999)):
        k = {"id": {"S": "k%05d" % i}}
        r = i % 5
        if r == 0:                     # change the index key
            ddb.update_item(TableName=table, Key=k, UpdateExpression="SET g = :g, tag = :t",
                            ExpressionAttributeValues={":g": {"S": "moved"}, ":t": {"S": "m"}})
        elif r == 1:                   # leave the index
            ddb.update_item(TableName=table, Key=k, UpdateExpression="REMOVE g")
        elif r == 2:
            ddb.delete_item(TableName=table, Key=k)
        elif r == 3:                   # replace (possibly entering the index)
            ddb.put_item(TableName=table, Item=dict(item(i + 1), id={"S": "k%05d" % i}))
        else:                          # a non-key, non-projected change
            ddb.update_item(TableName=table, Key=k, UpdateExpression="SET extra = :o",
                            ExpressionAttributeValues={":o": {"S": "y"}})
    for i in range(N_ITEMS, N_ITEMS + 50):   # new items at the end of the key range
        ddb.put_item(TableName=table, Item=item(i))


class GsiBackfill(unittest.TestCase):
    def check_index(self, ddb, table, moved=True):
        t, g = wait_index_active(ddb, table)
        self.assertEqual(t["TableStatus"], "ACTIVE")
        self.assertNotIn("Backfilling", g)
        want = canon(expected_index(scan_all(ddb, TableName=table)))
        got = scan_all(ddb, TableName=table, IndexName="ByG")
        self.assertEqual(len(got), len(want))
        self.assertEqual(canon(got), want)
        self.assertEqual(g["ItemCount"], len(want))
        q = ddb.query(TableName=table, IndexName="ByG", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "moved"}})
        self.assertEqual(q["Count"], len([1 for x in got if x["g"]["S"] == "moved"]))
        self.assertEqual(q["Count"] > 0, moved)

    def assert_backfilling_refused(self, ddb, table):
        for fn, kw in ((ddb.query, dict(KeyConditionExpression="g = :g",
                                        ExpressionAttributeValues={":g": {"S": "g1"}})), (ddb.scan, {})):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                fn(TableName=table, IndexName="ByG", **kw)
            self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")
            self.assertEqual(cm.exception.response["Error"]["Message"],
                             "Cannot read from backfilling global secondary index: ByG")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb.execute_statement(Statement='SELECT * FROM "%s"."ByG"' % table)
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")

    def test_backfill_online_with_concurrent_writes(self):
        n = Nimbus(extra_args=SLOW).start()
        try:
            ddb = n.client("dynamodb")
            make_table(ddb, "Big")
            load(ddb, "Big", N_ITEMS)
            td = create_gsi(ddb, "Big")
            self.assertEqual(td["TableStatus"], "UPDATING")
            g = [x for x in td["GlobalSecondaryIndexes"] if x["IndexName"] == "ByG"][0]
            self.assertEqual((g["IndexStatus"], g["Backfilling"]), ("CREATING", False))
            t, g = index_desc(ddb, "Big")
            self.assertEqual(t["TableStatus"], "ACTIVE")
            self.assertEqual((g["IndexStatus"], g["Backfilling"]), ("CREATING", True))
            self.assert_backfilling_refused(ddb, "Big")
            # a second online index operation waits for this one
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ddb.update_table(TableName="Big", GlobalSecondaryIndexUpdates=[
                    {"Create": dict(GSI, IndexName="Other")}])
            self.assertEqual(cm.exception.response["Error"]["Code"], "LimitExceededException")
            write_during(ddb, "Big")
            self.assertEqual(ddb.get_item(TableName="Big", Key={"id": {"S": "k00000"}})["Item"]["g"],
                             {"S": "moved"})
            self.check_index(ddb, "Big")
            # once ACTIVE it is maintained as any index
            write_during(ddb, "Big")
            self.check_index(ddb, "Big")
        finally:
            n.cleanup()

    def test_kill9_mid_backfill_resumes(self):
        n = Nimbus(extra_args=["--set", "dynamodb.backfill_batch=100",
                               "--set", "dynamodb.backfill_interval_ms=20"]).start()
        try:
            ddb = n.client("dynamodb")
            make_table(ddb, "Crash")
            load(ddb, "Crash", N_ITEMS)
            create_gsi(ddb, "Crash")
            time.sleep(0.3)            # let some chunks commit before the crash
            write_during(ddb, "Crash")
            _, g = index_desc(ddb, "Crash")
            self.assertEqual(g["IndexStatus"], "CREATING")
            n.kill9()
            n.extra_args = []          # resume at full speed
            n.start()
            ddb = n.client("dynamodb")
            _, g = index_desc(ddb, "Crash")
            self.assertIn(g["IndexStatus"], ("CREATING", "ACTIVE"))
            self.check_index(ddb, "Crash")
            log = n.read_log()
            self.assertIn("resuming backfill of index ByG of table Crash from its stored cursor", log)
            self.assertIn("index ByG of table Crash backfilled: ACTIVE", log)
        finally:
            n.cleanup()

    def test_delete_index_or_table_during_backfill(self):
        n = Nimbus(extra_args=SLOW).start()
        try:
            ddb = n.client("dynamodb")
            make_table(ddb, "Stop")
            load(ddb, "Stop", 5000)
            create_gsi(ddb, "Stop")
            self.assertEqual(index_desc(ddb, "Stop")[1]["IndexStatus"], "CREATING")
            ddb.update_table(TableName="Stop", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "ByG"}}])
            t, g = index_desc(ddb, "Stop")
            self.assertIsNone(g)
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ddb.query(TableName="Stop", IndexName="ByG", KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": {"S": "g1"}})
            self.assertEqual(cm.exception.response["Error"]["Message"],
                             "The table does not have the specified index: ByG")
            # created again, it is built from scratch and complete
            create_gsi(ddb, "Stop")
            self.check_index(ddb, "Stop", moved=False)
            # a table is not deleted mid-backfill (ack-api-quirks DDB-TABLE-150, measured on DynamoDB: refused
            # throughout it); once the index is ACTIVE it goes away, and a new table of that name is unaffected
            make_table(ddb, "Gone")
            load(ddb, "Gone", 5000)
            create_gsi(ddb, "Gone")
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ddb.delete_table(TableName="Gone")
            self.assertEqual((cm.exception.response["Error"]["Code"], cm.exception.response["Error"]["Message"]),
                             ("ResourceInUseException", "Attempt to change a resource which is still in use: Cannot "
                              "delete table while indexes are being created, updated, or deleted."))
            self.check_index(ddb, "Gone", moved=False)
            ddb.delete_table(TableName="Gone")
            ddb.get_waiter("table_not_exists").wait(TableName="Gone", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
            make_table(ddb, "Gone")
            ddb.put_item(TableName="Gone", Item=item(3))
            self.assertEqual(ddb.scan(TableName="Gone")["Count"], 1)
            n.wait_healthy()
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
