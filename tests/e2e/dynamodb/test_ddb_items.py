"""DynamoDB item operations end to end: PutItem / GetItem / UpdateItem /
DeleteItem with conditions, ReturnValues, ConsumedCapacity, exact numbers,
size limits and DynamoDB's validation messages (boto3 client and resource)."""
import decimal
import unittest

import botocore.exceptions
from boto3.dynamodb.conditions import Attr, Key
from harness import NimbusTestCase


class Items(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        ddb.create_table(TableName="Users", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        ddb.create_table(TableName="Scores",
                         AttributeDefinitions=[{"AttributeName": "user", "AttributeType": "S"},
                                               {"AttributeName": "game", "AttributeType": "N"},
                                               {"AttributeName": "level", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "user", "KeyType": "HASH"},
                                    {"AttributeName": "game", "KeyType": "RANGE"}],
                         GlobalSecondaryIndexes=[{"IndexName": "LevelIndex",
                                                  "KeySchema": [{"AttributeName": "level", "KeyType": "HASH"}],
                                                  "Projection": {"ProjectionType": "ALL"}}],
                         BillingMode="PAY_PER_REQUEST")

    def setUp(self):
        self.ddb = self.nimbus.client("dynamodb")

    def err(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        r = cm.exception.response
        return r["Error"]["Code"], r["Error"]["Message"]

    def test_put_get_roundtrip_all_types(self):
        item = {"id": {"S": "all"}, "n": {"N": "1.50"}, "big": {"N": "12345678901234567890123456789012345678"},
                "b": {"B": b"\x00\x01"}, "t": {"BOOL": True}, "z": {"NULL": True},
                "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "l": {"L": [{"S": "x"}, {"N": "2"}]},
                "m": {"M": {"k": {"S": "v"}}}, "empty": {"S": ""}}
        self.ddb.put_item(TableName="Users", Item=item)
        got = self.ddb.get_item(TableName="Users", Key={"id": {"S": "all"}})["Item"]
        self.assertEqual(got["n"], {"N": "1.5"})
        self.assertEqual(got["big"], {"N": "12345678901234567890123456789012345678"})
        self.assertEqual(got["b"], {"B": b"\x00\x01"})
        self.assertEqual(set(got["ns"]["NS"]), {"1", "2.5"})
        self.assertEqual(got["m"], {"M": {"k": {"S": "v"}}})
        self.assertEqual(got["empty"], {"S": ""})
        self.assertNotIn("Item", self.ddb.get_item(TableName="Users", Key={"id": {"S": "missing"}}))

    def test_get_projection_and_capacity(self):
        self.ddb.put_item(TableName="Users", Item={"id": {"S": "p"}, "name": {"S": "Ann"}, "a": {"M": {"b": {"N": "1"}, "c": {"N": "2"}}}})
        out = self.ddb.get_item(TableName="Users", Key={"id": {"S": "p"}}, ProjectionExpression="#n, a.c",
                                ExpressionAttributeNames={"#n": "name"}, ReturnConsumedCapacity="TOTAL",
                                ConsistentRead=True)
        self.assertEqual(out["Item"], {"name": {"S": "Ann"}, "a": {"M": {"c": {"N": "2"}}}})
        self.assertEqual(out["ConsumedCapacity"]["TableName"], "Users")
        self.assertEqual(out["ConsumedCapacity"]["CapacityUnits"], 1.0)

    def test_conditional_put(self):
        self.ddb.put_item(TableName="Users", Item={"id": {"S": "c"}, "v": {"N": "1"}},
                          ConditionExpression="attribute_not_exists(id)")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.ddb.put_item(TableName="Users", Item={"id": {"S": "c"}, "v": {"N": "2"}},
                              ConditionExpression="attribute_not_exists(id)")
        r = cm.exception.response
        self.assertEqual(r["Error"]["Code"], "ConditionalCheckFailedException")
        self.assertEqual(r["Error"]["Message"], "The conditional request failed")
        out = self.ddb.put_item(TableName="Users", Item={"id": {"S": "c"}, "v": {"N": "3"}},
                                ConditionExpression="v = :one", ExpressionAttributeValues={":one": {"N": "1"}},
                                ReturnValues="ALL_OLD")
        self.assertEqual(out["Attributes"]["v"], {"N": "1"})

    def test_update_expression_and_return_values(self):
        self.ddb.put_item(TableName="Users", Item={"id": {"S": "u"}, "n": {"N": "10"}, "tags": {"SS": ["a"]},
                                                   "l": {"L": [{"N": "1"}]}})
        out = self.ddb.update_item(
            TableName="Users", Key={"id": {"S": "u"}},
            UpdateExpression="SET n = n + :d, l = list_append(l, :l), created = if_not_exists(created, :c) "
                             "REMOVE gone ADD tags :t",
            ExpressionAttributeValues={":d": {"N": "0.5"}, ":l": {"L": [{"N": "2"}]}, ":c": {"S": "now"},
                                       ":t": {"SS": ["b"]}},
            ReturnValues="UPDATED_NEW")
        a = out["Attributes"]
        self.assertEqual(a["n"], {"N": "10.5"})
        self.assertEqual(a["l"], {"L": [{"N": "1"}, {"N": "2"}]})
        self.assertEqual(a["created"], {"S": "now"})
        self.assertEqual(set(a["tags"]["SS"]), {"a", "b"})
        out = self.ddb.update_item(TableName="Users", Key={"id": {"S": "u"}}, UpdateExpression="SET n = :z",
                                   ExpressionAttributeValues={":z": {"N": "0"}}, ReturnValues="UPDATED_OLD")
        self.assertEqual(out["Attributes"], {"n": {"N": "10.5"}})
        out = self.ddb.update_item(TableName="Users", Key={"id": {"S": "newone"}}, UpdateExpression="SET x = :x",
                                   ExpressionAttributeValues={":x": {"S": "y"}}, ReturnValues="ALL_NEW")
        self.assertEqual(out["Attributes"], {"id": {"S": "newone"}, "x": {"S": "y"}})

    def test_update_errors(self):
        code, msg = self.err(self.ddb.update_item, TableName="Users", Key={"id": {"S": "u2"}},
                             UpdateExpression="SET id = :x", ExpressionAttributeValues={":x": {"S": "y"}})
        self.assertEqual(msg, "One or more parameter values were invalid: Cannot update attribute id. "
                              "This attribute is part of the key")
        code, msg = self.err(self.ddb.update_item, TableName="Users", Key={"id": {"S": "u2"}},
                             UpdateExpression="SET a = :x", ExpressionAttributeValues={":x": {"S": "y"}, ":unused": {"S": "z"}})
        self.assertEqual(msg, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")

    def test_delete(self):
        self.ddb.put_item(TableName="Users", Item={"id": {"S": "d"}, "v": {"N": "1"}})
        self.assertEqual(self.err(self.ddb.delete_item, TableName="Users", Key={"id": {"S": "d"}},
                                  ConditionExpression="v = :two", ExpressionAttributeValues={":two": {"N": "2"}})[0],
                         "ConditionalCheckFailedException")
        out = self.ddb.delete_item(TableName="Users", Key={"id": {"S": "d"}}, ReturnValues="ALL_OLD")
        self.assertEqual(out["Attributes"], {"id": {"S": "d"}, "v": {"N": "1"}})
        self.assertNotIn("Attributes", self.ddb.delete_item(TableName="Users", Key={"id": {"S": "d"}},
                                                            ReturnValues="ALL_OLD"))

    def test_validation_messages(self):
        cases = [
            (dict(Item={"name": {"S": "x"}}), "One or more parameter values were invalid: Missing the key id in the item"),
            (dict(Item={"id": {"N": "1"}}), "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N"),
            (dict(Item={"id": {"S": ""}}), "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id"),
            (dict(Item={"id": {"S": "big"}, "blob": {"S": "x" * (400 * 1024)}}), "Item size has exceeded the maximum allowed size"),
            (dict(Item={"id": {"S": "r"}}, ReturnValues="ALL_NEW"), "Return values set to invalid value"),
        ]
        for kw, msg in cases:
            self.assertEqual(self.err(self.ddb.put_item, TableName="Users", **kw), ("ValidationException", msg))
        self.assertEqual(self.err(self.ddb.get_item, TableName="Users", Key={"other": {"S": "1"}}),
                         ("ValidationException", "The provided key element does not match the schema"))
        self.assertEqual(self.err(self.ddb.get_item, TableName="NoTable", Key={"id": {"S": "1"}}),
                         ("ResourceNotFoundException", "Requested resource not found"))
        self.assertEqual(self.err(self.ddb.put_item, TableName="Scores",
                                  Item={"user": {"S": "u"}, "game": {"N": "1"}, "level": {"N": "3"}}),
                         ("ValidationException", "One or more parameter values were invalid: Type mismatch for "
                                                 "Index Key level Expected: S Actual: N IndexName: LevelIndex"))
        self.assertEqual(self.ddb.get_item(TableName="Scores", Key={"user": {"S": "u"}, "game": {"N": "1"}}).get("Item"), None)

    def test_item_count_and_size(self):
        self.ddb.put_item(TableName="Scores", Item={"user": {"S": "c1"}, "game": {"N": "1"}, "level": {"S": "a"}})
        self.ddb.put_item(TableName="Scores", Item={"user": {"S": "c1"}, "game": {"N": "2"}})
        t = self.ddb.describe_table(TableName="Scores")["Table"]
        self.assertGreaterEqual(t["ItemCount"], 2)
        self.assertGreater(t["TableSizeBytes"], 0)
        self.assertGreaterEqual(t["GlobalSecondaryIndexes"][0]["ItemCount"], 1)

    def test_resource_layer(self):
        t = self.nimbus.resource("dynamodb").Table("Users")
        t.put_item(Item={"id": "res", "price": decimal.Decimal("19.99"), "tags": {"x", "y"}, "nested": {"a": [1, 2]}})
        got = t.get_item(Key={"id": "res"})["Item"]
        self.assertEqual(got["price"], decimal.Decimal("19.99"))
        self.assertEqual(got["tags"], {"x", "y"})
        self.assertEqual(got["nested"], {"a": [1, 2]})
        t.update_item(Key={"id": "res"}, UpdateExpression="SET price = price - :d",
                      ExpressionAttributeValues={":d": decimal.Decimal("0.99")})
        self.assertEqual(t.get_item(Key={"id": "res"})["Item"]["price"], decimal.Decimal("19"))
        with self.assertRaises(botocore.exceptions.ClientError):
            t.put_item(Item={"id": "res"}, ConditionExpression=Attr("id").not_exists())
        scores = self.nimbus.resource("dynamodb").Table("Scores")
        for g in range(3):
            scores.put_item(Item={"user": "rl", "game": g, "level": "gold"})
        r = scores.query(KeyConditionExpression=Key("user").eq("rl") & Key("game").gte(1))
        self.assertEqual([i["game"] for i in r["Items"]], [1, 2])
        t.delete_item(Key={"id": "res"})


if __name__ == "__main__":
    unittest.main()
