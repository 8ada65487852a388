"""Query and Scan end to end: key conditions on tables, GSIs and LSIs,
ScanIndexForward, Limit + LastEvaluatedKey pagination, the 1 MB page limit,
FilterExpression applied after the limit, Select, projections, parallel scan
and legacy KeyConditions / QueryFilter / ScanFilter / AttributesToGet."""
import unittest

import botocore.exceptions
from harness import NimbusTestCase


class QueryScan(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        ddb.create_table(
            TableName="Posts",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"},
                                  {"AttributeName": "category", "AttributeType": "S"},
                                  {"AttributeName": "ts", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[{"IndexName": "CategoryIndex",
                                     "KeySchema": [{"AttributeName": "category", "KeyType": "HASH"},
                                                   {"AttributeName": "ts", "KeyType": "RANGE"}],
                                     "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            LocalSecondaryIndexes=[{"IndexName": "TsIndex",
                                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                  {"AttributeName": "ts", "KeyType": "RANGE"}],
                                    "Projection": {"ProjectionType": "ALL"}}])
        req = []
        for i in range(20):
            req.append({"PutRequest": {"Item": {
                "pk": {"S": "p1"}, "sk": {"N": str(i)}, "category": {"S": "Tech" if i % 2 else "Food"},
                "ts": {"S": "2024-01-%02d" % (30 - i)}, "views": {"N": str(i * 10)}, "body": {"S": "b%d" % i}}}})
            if len(req) == 20:
                ddb.batch_write_item(RequestItems={"Posts": req})
                req = []
        ddb.put_item(TableName="Posts", Item={"pk": {"S": "p2"}, "sk": {"N": "-1.5"}, "body": {"S": "no index keys"}})

    def setUp(self):
        self.ddb = self.nimbus.client("dynamodb")

    def q(self, **kw):
        return self.ddb.query(TableName="Posts", **kw)

    def test_sort_key_conditions(self):
        v = lambda **kw: {":p": {"S": "p1"}, **{k: {"N": x} for k, x in kw.items()}}
        cases = [("sk < :a", v(**{":a": "3"}), [0, 1, 2]), ("sk <= :a", v(**{":a": "2"}), [0, 1, 2]),
                 ("sk > :a", v(**{":a": "17"}), [18, 19]), ("sk >= :a", v(**{":a": "18"}), [18, 19]),
                 ("sk = :a", v(**{":a": "7"}), [7]),
                 ("sk BETWEEN :a AND :b", v(**{":a": "4", ":b": "6"}), [4, 5, 6])]
        for cond, vals, want in cases:
            r = self.q(KeyConditionExpression="pk = :p AND " + cond, ExpressionAttributeValues=vals)
            self.assertEqual([int(i["sk"]["N"]) for i in r["Items"]], want, cond)
        r = self.q(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p2"}})
        self.assertEqual(r["Items"][0]["sk"], {"N": "-1.5"})

    def test_begins_with_on_lsi_and_reverse(self):
        r = self.q(IndexName="TsIndex", KeyConditionExpression="pk = :p AND begins_with(ts, :t)",
                   ExpressionAttributeValues={":p": {"S": "p1"}, ":t": {"S": "2024-01-1"}}, ScanIndexForward=False)
        self.assertEqual([i["ts"]["S"] for i in r["Items"]], ["2024-01-%02d" % d for d in range(19, 10, -1)])
        self.assertIn("body", r["Items"][0])

    def test_gsi_keys_only_and_pagination(self):
        seen, start, pages = [], None, 0
        while True:
            kw = dict(IndexName="CategoryIndex", KeyConditionExpression="category = :c",
                      ExpressionAttributeValues={":c": {"S": "Tech"}}, Limit=4)
            if start:
                kw["ExclusiveStartKey"] = start
            r = self.q(**kw)
            pages += 1
            for it in r["Items"]:
                self.assertEqual(set(it), {"pk", "sk", "category", "ts"})
            seen += [int(i["sk"]["N"]) for i in r["Items"]]
            start = r.get("LastEvaluatedKey")
            if not start:
                break
            self.assertEqual(set(start), {"pk", "sk", "category", "ts"})
        self.assertEqual(sorted(seen), list(range(1, 20, 2)))
        self.assertEqual(len(seen), 10)
        self.assertGreaterEqual(pages, 3)

    def test_filter_after_limit_and_count(self):
        r = self.q(KeyConditionExpression="pk = :p", FilterExpression="#w >= :v", ExpressionAttributeNames={"#w": "views"},
                   ExpressionAttributeValues={":p": {"S": "p1"}, ":v": {"N": "150"}}, Limit=10)
        self.assertEqual(r["Count"], 0)
        self.assertEqual(r["ScannedCount"], 10)
        self.assertIn("LastEvaluatedKey", r)
        r = self.q(KeyConditionExpression="pk = :p", Select="COUNT", ExpressionAttributeValues={":p": {"S": "p1"}})
        self.assertEqual(r["Count"], 20)
        self.assertNotIn("Items", r)

    def test_projection(self):
        r = self.q(KeyConditionExpression="pk = :p AND sk = :s", ProjectionExpression="body, #v",
                   ExpressionAttributeNames={"#v": "views"}, ExpressionAttributeValues={":p": {"S": "p1"}, ":s": {"N": "3"}})
        self.assertEqual(r["Items"], [{"body": {"S": "b3"}, "views": {"N": "30"}}])

    def test_query_errors(self):
        def e(**kw):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                self.q(**kw)
            return cm.exception.response["Error"]["Message"]
        self.assertEqual(e(KeyConditionExpression="sk = :s", ExpressionAttributeValues={":s": {"N": "1"}}),
                         "Query condition missed key schema element: pk")
        self.assertEqual(e(KeyConditionExpression="pk = :p", FilterExpression="sk > :p",
                           ExpressionAttributeValues={":p": {"S": "x"}}),
                         "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")
        self.assertEqual(e(IndexName="CategoryIndex", KeyConditionExpression="category = :c", ConsistentRead=True,
                           ExpressionAttributeValues={":c": {"S": "x"}}),
                         "Consistent reads are not supported on global secondary indexes")
        self.assertEqual(e(IndexName="CategoryIndex", KeyConditionExpression="category = :c", Select="ALL_ATTRIBUTES",
                           ExpressionAttributeValues={":c": {"S": "x"}}),
                         "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
                         "for global secondary index CategoryIndex because its projection type is not ALL")

    def test_scan_pages_and_segments(self):
        total, start = 0, None
        while True:
            kw = {"Limit": 6}
            if start:
                kw["ExclusiveStartKey"] = start
            r = self.ddb.scan(TableName="Posts", **kw)
            total += r["Count"]
            start = r.get("LastEvaluatedKey")
            if not start:
                break
        self.assertEqual(total, 21)
        seg = [self.ddb.scan(TableName="Posts", Segment=s, TotalSegments=4)["Count"] for s in range(4)]
        self.assertEqual(sum(seg), 21)
        r = self.ddb.scan(TableName="Posts", IndexName="CategoryIndex")
        self.assertEqual(r["Count"], 20)
        r = self.ddb.scan(TableName="Posts", FilterExpression="contains(body, :x)",
                          ExpressionAttributeValues={":x": {"S": "index"}})
        self.assertEqual(r["Count"], 1)

    def test_one_megabyte_page(self):
        ddb = self.ddb
        ddb.create_table(TableName="Big", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        blob = "x" * (300 * 1024)
        for i in range(8):
            ddb.put_item(TableName="Big", Item={"id": {"N": str(i)}, "blob": {"S": blob}})
        r = ddb.scan(TableName="Big", Select="COUNT")
        self.assertLess(r["ScannedCount"], 8)
        self.assertIn("LastEvaluatedKey", r)
        n, start = 0, None
        while True:
            r = ddb.scan(TableName="Big", Select="COUNT", **({"ExclusiveStartKey": start} if start else {}))
            n += r["Count"]
            start = r.get("LastEvaluatedKey")
            if not start:
                break
        self.assertEqual(n, 8)

    def test_legacy_parameters(self):
        r = self.q(KeyConditions={"pk": {"AttributeValueList": [{"S": "p1"}], "ComparisonOperator": "EQ"},
                                  "sk": {"AttributeValueList": [{"N": "5"}], "ComparisonOperator": "LE"}},
                   QueryFilter={"category": {"AttributeValueList": [{"S": "Tech"}], "ComparisonOperator": "EQ"}},
                   AttributesToGet=["sk"])
        self.assertEqual(r["Items"], [{"sk": {"N": "1"}}, {"sk": {"N": "3"}}, {"sk": {"N": "5"}}])
        r = self.ddb.scan(TableName="Posts", ScanFilter={
            "views": {"AttributeValueList": [{"N": "10"}, {"N": "30"}], "ComparisonOperator": "BETWEEN"},
            "body": {"ComparisonOperator": "NOT_NULL"}}, ConditionalOperator="AND")
        self.assertEqual(r["Count"], 3)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.q(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p1"}},
                   AttributesToGet=["sk"])
        self.assertIn("Can not use both expression and non-expression parameters in the same request",
                      cm.exception.response["Error"]["Message"])


if __name__ == "__main__":
    unittest.main()
