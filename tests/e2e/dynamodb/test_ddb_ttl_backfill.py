"""Enabling TTL on a table that already holds many items: UpdateTimeToLive
answers at once and the existing items are queued for expiry in the
background, in bounded chunks, while the table keeps serving; writes made
meanwhile (ahead of or behind the queueing, making items expire or not) are
honoured; every expired item and only those are removed; a kill -9 while the
items are being queued resumes at the next start; disabling TTL mid-way stops
it. The daemon is throttled (dynamodb.backfill_batch / backfill_interval_ms,
the same driver as GSI backfill) so that the queueing lasts long enough to
act during it, and sweeps often (dynamodb.ttl_interval_ms)."""
import time
import unittest

from harness import Nimbus

N_ITEMS = 6000
ARGS = ["--set", "dynamodb.backfill_batch=100", "--set", "dynamodb.backfill_interval_ms=20",
        "--set", "dynamodb.ttl_interval_ms=200",
        # TTL switched off and on again at once: no one-change-an-hour wait (test_ddb_aws_notes.py has it)
        "--set", "dynamodb.ttl_change_interval_ms=0"]


def expired_at_start(i):
    return i % 3 == 0                 # a third expired a minute ago


def item(i, now):
    it = {"id": {"S": "k%05d" % i}, "v": {"S": "x" * 40}}
    if i % 7 == 6:
        return it                    # no TTL attribute: never expires
    it["exp"] = {"N": str(now - 60 if expired_at_start(i) else now + 3600)}
    return it


def load(ddb, now):
    for start in range(0, N_ITEMS, 25):
        reqs = [{"PutRequest": {"Item": item(i, now)}} for i in range(start, min(N_ITEMS, start + 25))]
        out = ddb.batch_write_item(RequestItems={"Sessions": reqs})
        assert not out.get("UnprocessedItems"), out


def loaded_with_ttl(n):
    """The Sessions table of N_ITEMS items, then TTL enabled on it: (client, now)."""
    ddb = n.client("dynamodb")
    ddb.create_table(TableName="Sessions", BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    now = int(time.time())
    load(ddb, now)
    set_ttl(ddb, True)
    return ddb, now


def set_ttl(ddb, enabled):
    ddb.update_time_to_live(TableName="Sessions",
                            TimeToLiveSpecification={"Enabled": enabled, "AttributeName": "exp"})


def ids(ddb):
    out, lek = set(), None
    while True:
        kw = {"TableName": "Sessions", "ProjectionExpression": "id"}
        if lek:
            kw["ExclusiveStartKey"] = lek
        r = ddb.scan(**kw)
        out |= {x["id"]["S"] for x in r["Items"]}
        lek = r.get("LastEvaluatedKey")
        if not lek:
            return out


def wait_for(ddb, want, seconds=60):
    deadline = time.time() + seconds
    got = None
    while time.time() < deadline:
        got = ids(ddb)
        if got == want:
            return got
        time.sleep(0.2)
    return got


class TtlBackfill(unittest.TestCase):
    def test_enable_on_a_large_table_queues_items_in_the_background(self):
        n = Nimbus(extra_args=ARGS).start()
        try:
            ddb, now = loaded_with_ttl(n)
            # meanwhile, across the key range: rescue expired items, expire live ones
            rescued, doomed = set(), set()
            for i in list(range(0, N_ITEMS, 301)) + list(range(N_ITEMS - 2, 0, -607)):
                k = "k%05d" % i
                if i % 7 == 6:
                    continue
                if expired_at_start(i):
                    ddb.update_item(TableName="Sessions", Key={"id": {"S": k}}, UpdateExpression="SET #e = :e",
                                    ExpressionAttributeNames={"#e": "exp"},
                                    ExpressionAttributeValues={":e": {"N": str(now + 7200)}})
                    rescued.add(k)
                else:
                    ddb.update_item(TableName="Sessions", Key={"id": {"S": k}}, UpdateExpression="SET #e = :e",
                                    ExpressionAttributeNames={"#e": "exp"},
                                    ExpressionAttributeValues={":e": {"N": str(now - 30)}})
                    doomed.add(k)
            want = {"k%05d" % i for i in range(N_ITEMS)
                    if i % 7 == 6 or not expired_at_start(i)} | rescued
            want -= doomed
            self.assertEqual(wait_for(ddb, want), want)
            self.assertEqual(ddb.describe_table(TableName="Sessions")["Table"]["ItemCount"], len(want))
        finally:
            n.cleanup()

    def test_kill9_while_queueing_resumes_and_disable_stops(self):
        n = Nimbus(extra_args=ARGS).start()
        data = n.data_dir
        try:
            ddb, now = loaded_with_ttl(n)
            time.sleep(0.3)                # some chunks queued, most not (100 items / 20 ms)
            n.kill9()
            n = Nimbus(data_dir=data, extra_args=ARGS).start()
            ddb = n.client("dynamodb")
            want = {"k%05d" % i for i in range(N_ITEMS) if i % 7 == 6 or not expired_at_start(i)}
            self.assertEqual(wait_for(ddb, want), want)
            # disable: queue cleared; re-enable on the survivors after expiring some of them
            set_ttl(ddb, False)
            gone = sorted(want)[:50]
            for k in gone:
                ddb.update_item(TableName="Sessions", Key={"id": {"S": k}}, UpdateExpression="SET #e = :e",
                                ExpressionAttributeNames={"#e": "exp"},
                                ExpressionAttributeValues={":e": {"N": str(now - 10)}})
            time.sleep(0.6)                # sweeps run: TTL is off, nothing may go
            self.assertEqual(ids(ddb), want)
            set_ttl(ddb, True)
            self.assertEqual(wait_for(ddb, want - set(gone)), want - set(gone))
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
