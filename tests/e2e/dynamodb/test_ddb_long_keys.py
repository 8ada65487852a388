"""Keys at DynamoDB's real limits (partition key 2048 bytes, sort key 1024
bytes, the same for index keys), beyond the 511 bytes the embedded LMDB store
takes as one key: put/get/update/delete, batch and transact, Query order among
long sort keys sharing a 1000-byte prefix in both directions with Limit +
ExclusiveStartKey pagination, a GSI on a long attribute, and the exact
ValidationException messages for keys one byte too long."""
import unittest

import botocore.exceptions
from harness import NimbusTestCase

HASH_MSG = ("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
            "limit of2048 bytes")
RANGE_MSG = ("One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
             "the size limit of 1024 bytes")

PK = "P" * 2047 + "k"                    # 2048 bytes
SK = "S" * 1023 + "k"                    # 1024 bytes
PREFIX = "x" * 1000                      # shared by the sort keys of the order tests


def S(v):
    return {"S": v}


def utf8_order(keys):
    return sorted(keys, key=lambda s: s.encode("utf-8"))


class LongKeys(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        ddb.create_table(
            TableName="Long",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"},
                                  {"AttributeName": "tag", "AttributeType": "S"},
                                  {"AttributeName": "rank", "AttributeType": "S"},
                                  {"AttributeName": "alt", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[{"IndexName": "ByTag",
                                     "KeySchema": [{"AttributeName": "tag", "KeyType": "HASH"},
                                                   {"AttributeName": "rank", "KeyType": "RANGE"}],
                                     "Projection": {"ProjectionType": "ALL"}}],
            LocalSecondaryIndexes=[{"IndexName": "ByAlt",
                                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                  {"AttributeName": "alt", "KeyType": "RANGE"}],
                                    "Projection": {"ProjectionType": "KEYS_ONLY"}}])

    def setUp(self):
        self.ddb = self.nimbus.client("dynamodb")

    def refused(self, msg, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")
        self.assertEqual(cm.exception.response["Error"]["Message"], msg)

    def query_all(self, pk, forward, limit=None, index=None, extra_cond="", values=None):
        """Every item of partition pk, following LastEvaluatedKey."""
        out, start, pages = [], None, 0
        while True:
            kw = dict(TableName="Long", ScanIndexForward=forward,
                      KeyConditionExpression=("tag = :p" if index == "ByTag" else "pk = :p") + extra_cond,
                      ExpressionAttributeValues={":p": S(pk), **(values or {})})
            if index:
                kw["IndexName"] = index
            if limit:
                kw["Limit"] = limit
            if start:
                kw["ExclusiveStartKey"] = start
            r = self.ddb.query(**kw)
            out += r["Items"]
            pages += 1
            start = r.get("LastEvaluatedKey")
            if not start:
                return out, pages
            self.assertLess(pages, 1000)

    def test_max_size_keys_put_get_update_query_delete(self):
        item = {"pk": S(PK), "sk": S(SK), "v": {"N": "1"}}
        self.ddb.put_item(TableName="Long", Item=item)
        got = self.ddb.get_item(TableName="Long", Key={"pk": S(PK), "sk": S(SK)}, ConsistentRead=True)
        self.assertEqual(got["Item"], item)
        self.ddb.update_item(TableName="Long", Key={"pk": S(PK), "sk": S(SK)}, UpdateExpression="SET v = v + :one",
                             ExpressionAttributeValues={":one": {"N": "1"}})
        r = self.ddb.query(TableName="Long", KeyConditionExpression="pk = :p AND sk = :s",
                           ExpressionAttributeValues={":p": S(PK), ":s": S(SK)})
        self.assertEqual(r["Items"], [{"pk": S(PK), "sk": S(SK), "v": {"N": "2"}}])
        # a key one byte shorter is another item
        self.assertNotIn("Item", self.ddb.get_item(TableName="Long", Key={"pk": S(PK[:-1]), "sk": S(SK)}))
        self.ddb.delete_item(TableName="Long", Key={"pk": S(PK), "sk": S(SK)})
        self.assertNotIn("Item", self.ddb.get_item(TableName="Long", Key={"pk": S(PK), "sk": S(SK)}))

    def test_limits_count_utf8_bytes(self):
        pk = "\u00e9" * 1024                         # 2048 bytes, 1024 characters
        sk = "\u20ac" * 341 + "z"                    # 1024 bytes
        self.ddb.put_item(TableName="Long", Item={"pk": S(pk), "sk": S(sk)})
        self.assertIn("Item", self.ddb.get_item(TableName="Long", Key={"pk": S(pk), "sk": S(sk)}))
        self.refused(HASH_MSG, self.ddb.put_item, TableName="Long", Item={"pk": S(pk + "a"), "sk": S("s")})
        self.refused(RANGE_MSG, self.ddb.put_item, TableName="Long", Item={"pk": S("p"), "sk": S(sk + "a")})

    def test_batch_and_transact_with_long_keys(self):
        pk = "B" * 2048
        sks = [PREFIX + c for c in "abc"]
        self.ddb.batch_write_item(RequestItems={"Long": [
            {"PutRequest": {"Item": {"pk": S(pk), "sk": S(s)}}} for s in sks]})
        r = self.ddb.batch_get_item(RequestItems={"Long": {"Keys": [{"pk": S(pk), "sk": S(s)} for s in sks]}})
        self.assertEqual(sorted(i["sk"]["S"] for i in r["Responses"]["Long"]), sks)
        self.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "Long", "Item": {"pk": S(pk), "sk": S(PREFIX + "d")}}},
            {"Delete": {"TableName": "Long", "Key": {"pk": S(pk), "sk": S(sks[0])}}},
            {"Update": {"TableName": "Long", "Key": {"pk": S(pk), "sk": S(sks[1])},
                        "UpdateExpression": "SET n = :n", "ExpressionAttributeValues": {":n": {"N": "5"}}}}])
        r = self.ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": "Long", "Key": {"pk": S(pk), "sk": S(s)}}} for s in sks + [PREFIX + "d"]])
        self.assertEqual([("Item" in x) for x in r["Responses"]], [False, True, True, True])
        self.assertEqual(r["Responses"][1]["Item"]["n"], {"N": "5"})
        items, _ = self.query_all(pk, True)
        self.assertEqual([i["sk"]["S"] for i in items], [PREFIX + c for c in "bcd"])

    def test_query_order_among_long_sort_keys_sharing_a_prefix(self):
        pk = "Q" * 2000
        tails = ["", "a", "b", "ab", "ba", "a" * 24, "\u00ff", "\u00ff\u00ff", "~", "A", "0",
                 "\u20ac", "b" * 20 + "c", "b" * 20 + "a"]
        sks = [PREFIX + t for t in tails] + [PREFIX[:999], PREFIX[:500], PREFIX[:501], "a", "y", "x"]
        sks = [s for s in sks if len(s.encode()) <= 1024]
        req = [{"PutRequest": {"Item": {"pk": S(pk), "sk": S(s), "alt": S(s[::-1])}}} for s in sks]
        for i in range(0, len(req), 25):
            self.ddb.batch_write_item(RequestItems={"Long": req[i:i + 25]})
        want = utf8_order(sks)
        for forward in (True, False):
            exp = want if forward else want[::-1]
            for limit in (None, 1, 3, 7):
                items, pages = self.query_all(pk, forward, limit)
                self.assertEqual([i["sk"]["S"] for i in items], exp, (forward, limit))
                if limit:
                    self.assertGreaterEqual(pages, len(exp) // limit)
        # key conditions whose bounds end inside the long keys
        cond = [(" AND begins_with(sk, :b)", {":b": S(PREFIX + "a")}, lambda s: s.startswith(PREFIX + "a")),
                (" AND sk BETWEEN :a AND :b", {":a": S(PREFIX + "a"), ":b": S(PREFIX + "b")},
                 lambda s: PREFIX + "a" <= s <= PREFIX + "b"),
                (" AND sk > :a", {":a": S(PREFIX + "b")}, lambda s: s.encode() > (PREFIX + "b").encode()),
                (" AND sk < :a", {":a": S(PREFIX)}, lambda s: s.encode() < PREFIX.encode())]
        for extra, vals, keep in cond:
            for forward in (True, False):
                for limit in (None, 2):
                    items, _ = self.query_all(pk, forward, limit, extra_cond=extra, values=vals)
                    exp = [s for s in want if keep(s)]
                    self.assertTrue(exp)
                    self.assertEqual([i["sk"]["S"] for i in items], exp if forward else exp[::-1], (extra, forward))
        # the LSI over the reversed sort keys orders them too
        items, _ = self.query_all(pk, True, 4, index="ByAlt")
        self.assertEqual([i["alt"]["S"] for i in items], utf8_order([s[::-1] for s in sks]))

    def test_gsi_on_long_attribute(self):
        tag = "T" * 2048
        ranks = [PREFIX[:1000] + c for c in "cab"] + ["r" * 1024]
        for n, rank in enumerate(ranks):
            self.ddb.put_item(TableName="Long", Item={"pk": S("g%d" % n), "sk": S("s"), "tag": S(tag),
                                                      "rank": S(rank)})
        for forward in (True, False):
            items, _ = self.query_all(tag, forward, 1, index="ByTag")
            exp = utf8_order(ranks)
            self.assertEqual([i["rank"]["S"] for i in items], exp if forward else exp[::-1])
        self.refused("One or more parameter values were invalid: Size limit exceeded for Index Key tag "
                     "Actual Size: 2049 bytes Max Size: 2048 bytes IndexName: ByTag",
                     self.ddb.put_item, TableName="Long",
                     Item={"pk": S("g9"), "sk": S("s"), "tag": S(tag + "x"), "rank": S("r")})
        self.refused("One or more parameter values were invalid: Size limit exceeded for Index Key rank "
                     "Actual Size: 1025 bytes Max Size: 1024 bytes IndexName: ByTag",
                     self.ddb.update_item, TableName="Long", Key={"pk": S("g0"), "sk": S("s")},
                     UpdateExpression="SET #r = :r", ExpressionAttributeNames={"#r": "rank"},
                     ExpressionAttributeValues={":r": S("r" * 1025)})
        self.refused("One or more parameter values were invalid: Size limit exceeded for Index Key alt "
                     "Actual Size: 1025 bytes Max Size: 1024 bytes IndexName: ByAlt",
                     self.ddb.put_item, TableName="Long", Item={"pk": S("g9"), "sk": S("s"), "alt": S("a" * 1025)})
        # nothing of the refused writes is stored
        self.assertNotIn("Item", self.ddb.get_item(TableName="Long", Key={"pk": S("g9"), "sk": S("s")}))
        got = self.ddb.get_item(TableName="Long", Key={"pk": S("g0"), "sk": S("s")})["Item"]
        self.assertEqual(got["rank"], S(ranks[0]))

    def test_one_byte_too_long_is_refused_everywhere(self):
        long_pk, long_sk = "P" * 2049, "S" * 1025
        key_h = {"pk": S(long_pk), "sk": S("s")}
        key_r = {"pk": S("p"), "sk": S(long_sk)}
        for key, msg in ((key_h, HASH_MSG), (key_r, RANGE_MSG)):
            self.refused(msg, self.ddb.put_item, TableName="Long", Item=dict(key))
            self.refused(msg, self.ddb.get_item, TableName="Long", Key=key)
            self.refused(msg, self.ddb.delete_item, TableName="Long", Key=key)
            self.refused(msg, self.ddb.update_item, TableName="Long", Key=key,
                         UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"N": "1"}})
            self.refused(msg, self.ddb.batch_write_item, RequestItems={"Long": [{"PutRequest": {"Item": key}}]})
            self.refused(msg, self.ddb.batch_write_item, RequestItems={"Long": [{"DeleteRequest": {"Key": key}}]})
            self.refused(msg, self.ddb.batch_get_item, RequestItems={"Long": {"Keys": [key]}})
            self.refused(msg, self.ddb.transact_write_items, TransactItems=[{"Put": {"TableName": "Long", "Item": key}}])
            self.refused(msg, self.ddb.transact_get_items, TransactItems=[{"Get": {"TableName": "Long", "Key": key}}])
        self.refused(HASH_MSG, self.ddb.query, TableName="Long", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": S(long_pk)})
        self.assertEqual(self.ddb.scan(TableName="Long", FilterExpression="pk = :p",
                                       ExpressionAttributeValues={":p": S(long_pk)})["Items"], [])


if __name__ == "__main__":
    unittest.main()
