"""Crash and restart: items, GSI/LSI entries, table metadata and TTL
settings survive kill -9; the TTL sweeper deletes expired items (and their
index entries) in the background."""
import time
import unittest

from harness import Nimbus


class Restart(unittest.TestCase):
    def test_kill9_and_restart(self):
        n = Nimbus().start()
        try:
            ddb = n.client("dynamodb")
            ddb.create_table(TableName="Durable",
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                                   {"AttributeName": "g", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             GlobalSecondaryIndexes=[{"IndexName": "GIndex",
                                                      "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                      "Projection": {"ProjectionType": "ALL"}}],
                             BillingMode="PAY_PER_REQUEST")
            ddb.update_time_to_live(TableName="Durable",
                                    TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
            for i in range(50):
                ddb.put_item(TableName="Durable", Item={"id": {"S": "k%d" % i}, "g": {"S": "grp%d" % (i % 5)},
                                                        "n": {"N": str(i)}})
            ddb.update_item(TableName="Durable", Key={"id": {"S": "k1"}}, UpdateExpression="SET n = :x",
                            ExpressionAttributeValues={":x": {"N": "1000"}})
            ddb.delete_item(TableName="Durable", Key={"id": {"S": "k2"}})
            n.kill9()
            n.start()
            ddb = n.client("dynamodb")
            t = ddb.describe_table(TableName="Durable")["Table"]
            self.assertEqual(t["ItemCount"], 49)
            self.assertEqual(t["GlobalSecondaryIndexes"][0]["IndexName"], "GIndex")
            self.assertEqual(ddb.get_item(TableName="Durable", Key={"id": {"S": "k1"}})["Item"]["n"], {"N": "1000"})
            self.assertNotIn("Item", ddb.get_item(TableName="Durable", Key={"id": {"S": "k2"}}))
            r = ddb.query(TableName="Durable", IndexName="GIndex", KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": {"S": "grp2"}})
            self.assertEqual(r["Count"], 9)
            self.assertEqual(ddb.describe_time_to_live(TableName="Durable")["TimeToLiveDescription"],
                             {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        finally:
            n.cleanup()

    def test_ttl_sweeper_removes_expired_items(self):
        n = Nimbus(extra_args=["--set", "dynamodb.ttl_interval_ms=200"]).start()
        try:
            ddb = n.client("dynamodb")
            ddb.create_table(TableName="Sessions",
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                                   {"AttributeName": "user", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             GlobalSecondaryIndexes=[{"IndexName": "ByUser",
                                                      "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
                                                      "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                             BillingMode="PAY_PER_REQUEST")
            now = int(time.time())
            ddb.put_item(TableName="Sessions", Item={"id": {"S": "old"}, "user": {"S": "u"}, "exp": {"N": str(now - 60)}})
            ddb.put_item(TableName="Sessions", Item={"id": {"S": "new"}, "user": {"S": "u"}, "exp": {"N": str(now + 3600)}})
            ddb.put_item(TableName="Sessions", Item={"id": {"S": "none"}, "user": {"S": "u"}})
            ddb.update_time_to_live(TableName="Sessions",
                                    TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
            ddb.put_item(TableName="Sessions", Item={"id": {"S": "old2"}, "user": {"S": "u"}, "exp": {"N": str(now - 5)}})
            deadline = time.time() + 10
            while time.time() < deadline:
                ids = sorted(i["id"]["S"] for i in ddb.scan(TableName="Sessions")["Items"])
                if ids == ["new", "none"]:
                    break
                time.sleep(0.1)
            self.assertEqual(ids, ["new", "none"])
            r = ddb.query(TableName="Sessions", IndexName="ByUser", KeyConditionExpression="#u = :u",
                          ExpressionAttributeNames={"#u": "user"}, ExpressionAttributeValues={":u": {"S": "u"}})
            self.assertEqual(r["Count"], 2)
            self.assertEqual(ddb.describe_table(TableName="Sessions")["Table"]["ItemCount"], 2)
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
