"""Malformed requests to every DynamoDB operation: wrong JSON types, missing
members, unknown tables, garbage AttributeValues. Each gets a 4xx with a
DynamoDB error type (never a 5xx, a hang or a crash), and nothing is written."""
import unittest

from harness import NimbusTestCase

OPS = ["CreateTable", "DescribeTable", "ListTables", "UpdateTable", "TagResource",
       "UntagResource", "ListTagsOfResource", "UpdateTimeToLive", "DescribeTimeToLive", "PutItem", "GetItem",
       "DeleteItem", "UpdateItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "TransactWriteItems",
       "TransactGetItems", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction", "DeleteTable"]

BODIES = [
    {},
    {"TableName": 5},
    {"TableName": "Bad"},
    {"TableName": "Bad", "Key": "x", "Item": [], "Limit": "1"},
    {"TableName": "Bad", "Key": {"id": {"S": 1}}, "Item": {"id": {"Q": "x"}}},
    {"TableName": "Bad", "Key": {"id": {}}, "Item": {"id": {"S": "a", "N": "1"}}, "ConsistentRead": "yes"},
    {"TableName": "Bad", "Key": {"id": {"N": "1e400"}}, "Item": {"id": {"N": "abc"}}},
    {"TableName": "Bad", "Item": {"id": {"S": "a"}}, "Key": {"id": {"S": "a"}},
     "ConditionExpression": "((((", "UpdateExpression": "SET", "KeyConditionExpression": "id =",
     "ExpressionAttributeValues": {":v": {"S": "x"}}},
    {"RequestItems": {"Bad": [{"PutRequest": {"Item": {"x": {"S": "a"}}}}]}},
    {"RequestItems": {"Bad": {"Keys": "x"}}},
    {"RequestItems": {"Bad": [None, 1, "x"]}},
    {"TransactItems": [{"Put": None}, {"Get": 1}, {}]},
    {"TransactItems": "x"},
    {"Statement": "SELECT * FROM", "Statements": [{"Statement": 1}], "TransactStatements": [{}]},
    {"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Bad", "Tags": [{"Key": 1}], "TagKeys": [1]},
    {"TableName": "Bad", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "X"}],
     "KeySchema": [{"AttributeName": "id", "KeyType": "SIDEWAYS"}, {}, {}], "BillingMode": "FREE",
     "GlobalSecondaryIndexes": [{}], "TimeToLiveSpecification": {"Enabled": "maybe"}},
]


class BadInput(NimbusTestCase):
    def call(self, op, body):
        return self.nimbus.ddb_call(op, body, timeout=10)

    def test_wrong_member_types_are_serialization_errors(self):
        status, out = self.call("DescribeTable", {"TableName": 5})
        self.assertEqual(status, 400)
        self.assertEqual(out["__type"], "com.amazon.coral.service#SerializationException")
        self.assertEqual(out.get("message", out.get("Message")), "NUMBER_VALUE cannot be converted to String")
        status, out = self.call("Scan", {"TableName": "x", "Limit": "5"})
        self.assertEqual(out.get("message", out.get("Message")), "STRING_VALUE cannot be converted to Integer")
        status, out = self.call("GetItem", {"TableName": "x", "Key": []})
        self.assertEqual(out.get("message", out.get("Message")), "Start of list found where not expected")

    def test_every_operation_rejects_malformed_input(self):
        ddb = self.nimbus.client("dynamodb")
        ddb.create_table(TableName="Bad", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        for op in OPS:
            if op == "DeleteTable":
                self.assertEqual(ddb.scan(TableName="Bad")["Count"], 0)
            for body in BODIES + [b"[]", b"\"str\"", b"{\"TableName\":"]:
                status, out = self.call(op, body)
                if status == 200:
                    continue   # e.g. ListTables {} or DescribeTable of the real table
                self.assertTrue(400 <= status < 500, (op, body, status, out))
                self.assertIn("__type", out, (op, body))
        self.assertEqual(self.call("ListTables", {})[0], 200)


if __name__ == "__main__":
    unittest.main()
