"""A table of expression cases through boto3 — condition, filter, update,
projection and key-condition expressions, valid and invalid — each with
the result or the exact error DynamoDB gives."""
import json
import unittest

import botocore.exceptions
from harness import NimbusTestCase

V = "ValidationException: "
KEY = {"id": {"S": "a"}, "sk": {"N": "1"}}
ITEM = {"id": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "5"}, "s": {"S": "hello"},
        "l": {"L": [{"N": "1"}, {"S": "x"}]}, "m": {"M": {"k": {"S": "v"}}}, "ss": {"SS": ["a", "b"]}}

CASES = [
    # (kind, expression, names, values, expected)
    ("filter", "n > :v", None, {":v": {"N": "4"}}, "count=1"),
    ("filter", "n > :v", None, {":v": {"N": "5.0"}}, "count=0"),
    ("filter", "n BETWEEN :a AND :b", None, {":a": {"N": "1"}, ":b": {"N": "9"}}, "count=1"),
    ("filter", "s IN (:a, :b)", None, {":a": {"S": "hello"}, ":b": {"S": "x"}}, "count=1"),
    ("filter", "begins_with(s, :p) AND contains(ss, :e)", None, {":p": {"S": "he"}, ":e": {"S": "a"}}, "count=1"),
    ("filter", "size(l) = :two AND attribute_type(m, :t)", None, {":two": {"N": "2"}, ":t": {"S": "M"}}, "count=1"),
    ("filter", "NOT (n < :v) OR attribute_not_exists(q)", None, {":v": {"N": "1"}}, "count=1"),
    ("filter", "m.k = :v AND l[1] = :x", None, {":v": {"S": "v"}, ":x": {"S": "x"}}, "count=1"),
    ("filter", "n = :s", None, {":s": {"S": "5"}}, "count=0"),
    ("filter", "n >", None, None, V + 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: ">"'),
    ("filter", "status = :v", None, {":v": {"S": "x"}},
     V + "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: status"),
    ("filter", "#nope = :v", None, {":v": {"S": "x"}},
     V + "Invalid FilterExpression: An expression attribute name used in the document path is not defined; "
         "attribute name: #nope"),
    ("filter", "n = :undefined", None, {":v": {"S": "x"}},
     V + "Invalid FilterExpression: An expression attribute value used in expression is not defined; "
         "attribute value: :undefined"),
    ("filter", "n = :v", {"#unused": "x"}, {":v": {"S": "x"}},
     V + "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"),
    ("cond", "attribute_exists(id)", None, None, "ConditionalCheckFailedException: The conditional request failed"),
    ("cond", "attribute_not_exists(id)", None, None, "ok"),
    ("update", "SET n = n + :one, l = list_append(l, :l) REMOVE s ADD ss :e", None,
     {":one": {"N": "1"}, ":l": {"L": [{"N": "3"}]}, ":e": {"SS": ["c"]}},
     {"n": {"N": "6"}, "l": {"L": [{"N": "1"}, {"S": "x"}, {"N": "3"}]}, "ss": {"SS": ["a", "b", "c"]}}),
    ("update", "DELETE ss :d", None, {":d": {"SS": ["a"]}}, {"ss": {"SS": ["b", "c"]}}),
    ("update", "SET q = if_not_exists(q, :z), m.k2 = :z", None, {":z": {"N": "0"}},
     {"q": {"N": "0"}, "m": {"M": {"k2": {"N": "0"}}}}),
    ("update", "SET n = :s + :one", None, {":s": {"S": "x"}, ":one": {"N": "1"}},
     V + "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, "
         "operand type: S"),
    ("update", "SET a = :v, a = :v", None, {":v": {"N": "1"}},
     V + "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
         "these paths; path one: [a], path two: [a]"),
    ("update", "SET a = :v SET b = :v", None, {":v": {"N": "1"}},
     V + 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'),
    ("update", "ADD l :one", None, {":one": {"N": "1"}},
     V + "An operand in the update expression has an incorrect data type"),
    ("update", "SET nope.deep = :v", None, {":v": {"N": "1"}},
     V + "The document path provided in the update expression is invalid for update"),
    ("update", "SET id = :v", None, {":v": {"S": "b"}},
     V + "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key"),
    ("proj", "n, m.k, l[0]", None, None,
     {"n": {"N": "6"}, "m": {"M": {"k": {"S": "v"}}}, "l": {"L": [{"N": "1"}]}}),
    ("proj", "#n, #n", {"#n": "n"}, None,
     V + "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one "
         "of these paths; path one: [n], path two: [n]"),
    ("proj", "n,", None, None, V + 'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","'),
    ("key", "id = :a AND sk > :z", None, {":a": {"S": "a"}, ":z": {"N": "0"}}, "count=1"),
    ("key", "id = :a AND sk BETWEEN :z AND :b", None, {":a": {"S": "a"}, ":z": {"N": "0"}, ":b": {"N": "5"}}, "count=1"),
    ("key", "id = :a AND begins_with(sk, :z)", None, {":a": {"S": "a"}, ":z": {"N": "0"}},
     V + "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or "
         "function: begins_with, operand type: N"),
    ("key", "id = :a OR sk > :z", None, {":a": {"S": "a"}, ":z": {"N": "0"}},
     V + "Invalid operator used in KeyConditionExpression: OR"),
    ("key", "sk > :z", None, {":z": {"N": "0"}}, V + "Query condition missed key schema element: id"),
    ("key", "id = :z", None, {":z": {"N": "0"}},
     V + "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    ("key", "id = :a AND sk BETWEEN :b AND :z", None, {":a": {"S": "a"}, ":z": {"N": "0"}, ":b": {"N": "5"}},
     V + "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal "
         "to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:0}"),
]


class Expressions(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        ddb.create_table(TableName="Expr",
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                               {"AttributeName": "sk", "AttributeType": "N"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}],
                         BillingMode="PAY_PER_REQUEST")
        ddb.put_item(TableName="Expr", Item=ITEM)

    def run_case(self, ddb, kind, expr, names, values):
        kw = {}
        if names:
            kw["ExpressionAttributeNames"] = names
        if values:
            kw["ExpressionAttributeValues"] = values
        try:
            if kind == "cond":
                ddb.put_item(TableName="Expr", Item={"id": {"S": "cond"}, "sk": {"N": "0"}}, ConditionExpression=expr, **kw)
                ddb.delete_item(TableName="Expr", Key={"id": {"S": "cond"}, "sk": {"N": "0"}})
                return "ok"
            if kind == "filter":
                kw["ExpressionAttributeValues"] = dict(values or {}, **{":pk": {"S": "a"}})
                r = ddb.query(TableName="Expr", KeyConditionExpression="id = :pk", FilterExpression=expr, **kw)
                return "count=%d" % r["Count"]
            if kind == "update":
                return ddb.update_item(TableName="Expr", Key=KEY, UpdateExpression=expr, ReturnValues="UPDATED_NEW",
                                       **kw).get("Attributes")
            if kind == "proj":
                return ddb.get_item(TableName="Expr", Key=KEY, ProjectionExpression=expr, **kw).get("Item")
            return "count=%d" % ddb.query(TableName="Expr", KeyConditionExpression=expr, **kw)["Count"]
        except botocore.exceptions.ClientError as e:
            return "%s: %s" % (e.response["Error"]["Code"], e.response["Error"]["Message"])

    def test_table(self):
        ddb = self.nimbus.client("dynamodb")
        for kind, expr, names, values, want in CASES:
            got = self.run_case(ddb, kind, expr, names, values)
            if isinstance(want, dict) and isinstance(got, dict):
                for v in list(got.values()) + list(want.values()):
                    if "SS" in v:
                        v["SS"] = sorted(v["SS"])
            with self.subTest(kind=kind, expr=expr):
                self.assertEqual(got, want, json.dumps([kind, expr]))


if __name__ == "__main__":
    unittest.main()
