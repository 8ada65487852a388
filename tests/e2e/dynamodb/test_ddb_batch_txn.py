"""BatchGetItem / BatchWriteItem and TransactWriteItems / TransactGetItems end
to end: limits, duplicates, all-or-nothing, CancellationReasons in order,
ClientRequestToken idempotency, and legacy Expected / AttributeUpdates."""
import unittest

import botocore.exceptions
from harness import NimbusTestCase


class BatchTxn(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        for name in ("Accounts", "Ledger"):
            ddb.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")

    def setUp(self):
        self.ddb = self.nimbus.client("dynamodb")

    def err(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        return cm.exception.response

    def test_batch_write_and_get(self):
        puts = [{"PutRequest": {"Item": {"id": {"S": "b%d" % i}, "n": {"N": str(i)}}}} for i in range(25)]
        out = self.ddb.batch_write_item(RequestItems={"Accounts": puts})
        self.assertEqual(out["UnprocessedItems"], {})
        keys = [{"id": {"S": "b%d" % i}} for i in range(0, 25, 5)] + [{"id": {"S": "absent"}}]
        out = self.ddb.batch_get_item(RequestItems={"Accounts": {"Keys": keys, "ProjectionExpression": "n"}})
        self.assertEqual(sorted(int(i["n"]["N"]) for i in out["Responses"]["Accounts"]), [0, 5, 10, 15, 20])
        self.assertEqual(out["UnprocessedKeys"], {})
        self.ddb.batch_write_item(RequestItems={"Accounts": [{"DeleteRequest": {"Key": {"id": {"S": "b0"}}}}]})
        self.assertNotIn("Item", self.ddb.get_item(TableName="Accounts", Key={"id": {"S": "b0"}}))

    def test_batch_errors(self):
        r = self.err(self.ddb.batch_write_item, RequestItems={"Accounts": [
            {"PutRequest": {"Item": {"id": {"S": "x%d" % i}}}} for i in range(26)]})
        self.assertEqual(r["Error"]["Code"], "ValidationException")
        r = self.err(self.ddb.batch_write_item, RequestItems={"Accounts": [
            {"PutRequest": {"Item": {"id": {"S": "dup"}}}}, {"DeleteRequest": {"Key": {"id": {"S": "dup"}}}}]})
        self.assertEqual(r["Error"]["Message"], "Provided list of item keys contains duplicates")
        r = self.err(self.ddb.batch_get_item, RequestItems={"Accounts": {"Keys": [{"id": {"S": str(i)}} for i in range(101)]}})
        self.assertEqual(r["Error"]["Message"], "1 validation error detected: Value at 'RequestItems.Accounts.member.Keys' "
                                                "failed to satisfy constraint: Member must have length less than or equal to 100")
        r = self.err(self.ddb.batch_write_item, RequestItems={"Accounts": [
            {"PutRequest": {"Item": {"id": {"S": "good"}}}}, {"PutRequest": {"Item": {"nokey": {"S": "bad"}}}}]})
        self.assertEqual(r["Error"]["Code"], "ValidationException")
        self.assertNotIn("Item", self.ddb.get_item(TableName="Accounts", Key={"id": {"S": "good"}}))
        r = self.err(self.ddb.batch_get_item, RequestItems={"Missing": {"Keys": [{"id": {"S": "1"}}]}})
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")

    def test_transaction_commit_and_cancel(self):
        self.ddb.put_item(TableName="Accounts", Item={"id": {"S": "alice"}, "bal": {"N": "100"}})
        self.ddb.put_item(TableName="Accounts", Item={"id": {"S": "bob"}, "bal": {"N": "0"}})
        transfer = lambda amt: [
            {"Update": {"TableName": "Accounts", "Key": {"id": {"S": "alice"}},
                        "UpdateExpression": "SET bal = bal - :a", "ConditionExpression": "bal >= :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amt)}}}},
            {"Update": {"TableName": "Accounts", "Key": {"id": {"S": "bob"}},
                        "UpdateExpression": "SET bal = bal + :a", "ExpressionAttributeValues": {":a": {"N": str(amt)}}}},
            {"Put": {"TableName": "Ledger", "Item": {"id": {"S": "t-%d" % amt}, "amt": {"N": str(amt)}}}}]
        self.ddb.transact_write_items(TransactItems=transfer(30))
        r = self.err(self.ddb.transact_write_items, TransactItems=transfer(500))
        self.assertEqual(r["Error"]["Code"], "TransactionCanceledException")
        self.assertEqual(r["Error"]["Message"], "Transaction cancelled, please refer cancellation reasons for "
                                                "specific reasons [ConditionalCheckFailed, None, None]")
        self.assertEqual([x["Code"] for x in r["CancellationReasons"]], ["ConditionalCheckFailed", "None", "None"])
        got = self.ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": "Accounts", "Key": {"id": {"S": "alice"}}}},
            {"Get": {"TableName": "Accounts", "Key": {"id": {"S": "bob"}}}},
            {"Get": {"TableName": "Ledger", "Key": {"id": {"S": "t-500"}}}}])["Responses"]
        self.assertEqual(got[0]["Item"]["bal"], {"N": "70"})
        self.assertEqual(got[1]["Item"]["bal"], {"N": "30"})
        self.assertEqual(got[2], {})

    def test_transaction_validation(self):
        r = self.err(self.ddb.transact_write_items, TransactItems=[
            {"Put": {"TableName": "Accounts", "Item": {"id": {"S": "same"}}}},
            {"Delete": {"TableName": "Accounts", "Key": {"id": {"S": "same"}}}}])
        self.assertEqual(r["Error"]["Message"], "Transaction request cannot include multiple operations on one item")
        r = self.err(self.ddb.transact_write_items, TransactItems=[
            {"Put": {"TableName": "NoTable", "Item": {"id": {"S": "x"}}}}])
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        get = {"Get": {"TableName": "Accounts", "Key": {"id": {"S": "same"}}}}
        r = self.err(self.ddb.transact_get_items, TransactItems=[get, get])
        self.assertEqual(r["Error"]["Code"], "ValidationException")
        self.assertEqual(r["Error"]["Message"], "Transaction request cannot include multiple operations on one item")
        other = {"Get": {"TableName": "Ledger", "Key": {"id": {"S": "same"}}}}
        self.assertEqual(self.ddb.transact_get_items(TransactItems=[get, other])["Responses"], [{}, {}])

    def test_client_request_token(self):
        items = [{"Update": {"TableName": "Accounts", "Key": {"id": {"S": "ctr"}},
                             "UpdateExpression": "ADD hits :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
        for _ in range(3):
            self.ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
        self.assertEqual(self.ddb.get_item(TableName="Accounts", Key={"id": {"S": "ctr"}})["Item"]["hits"], {"N": "1"})
        items[0]["Update"]["ExpressionAttributeValues"][":one"] = {"N": "2"}
        r = self.err(self.ddb.transact_write_items, TransactItems=items, ClientRequestToken="token-1")
        self.assertEqual(r["Error"]["Code"], "IdempotentParameterMismatchException")

    def test_legacy_expected_and_attribute_updates(self):
        self.ddb.put_item(TableName="Accounts", Item={"id": {"S": "leg"}, "v": {"N": "1"}},
                          Expected={"id": {"Exists": False}})
        r = self.err(self.ddb.put_item, TableName="Accounts", Item={"id": {"S": "leg"}},
                     Expected={"id": {"Exists": False}})
        self.assertEqual(r["Error"]["Code"], "ConditionalCheckFailedException")
        out = self.ddb.update_item(TableName="Accounts", Key={"id": {"S": "leg"}},
                                   AttributeUpdates={"v": {"Action": "ADD", "Value": {"N": "2"}},
                                                     "s": {"Action": "PUT", "Value": {"S": "x"}}},
                                   Expected={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}},
                                   ReturnValues="ALL_NEW")
        self.assertEqual(out["Attributes"], {"id": {"S": "leg"}, "v": {"N": "3"}, "s": {"S": "x"}})
        out = self.ddb.get_item(TableName="Accounts", Key={"id": {"S": "leg"}}, AttributesToGet=["s"])
        self.assertEqual(out["Item"], {"s": {"S": "x"}})


if __name__ == "__main__":
    unittest.main()
