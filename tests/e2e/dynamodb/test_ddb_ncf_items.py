"""DynamoDB conformance rows from nubo-db/dynamodb-conformance, item and table operations (issue 3).

Every row is one behaviour that suite records against real DynamoDB (eu-west-2; several of the
tier3 messages were captured in four regions): an operation, the request (sent raw, so requests
the SDKs would refuse still reach the server) and what the real service answers — an error code
and message, or members of the reply. Each row names its file in that suite:

  [T1] tests/tier1/<op>/<file>.test.ts        [T3] tests/tier3/error-messages/<file>.test.ts

Where the suite only checks that an error happens (the error code), the row asserts what the
suite asserts unless another AWS source states the wording; that source is then named too:
  [DYN] dynalite's test suite, whose messages were recorded from the live service (github.com/architect/dynalite)
  [ALT] ScyllaDB Alternator's tests, run against DynamoDB (github.com/scylladb/scylladb test/alternator)
  [AV]  AWS's DynamoDB API reference, docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_*.html

Rows already in test_dynamodb_conformance_table.py are not repeated here.

The tables mirror the suite's shared ones: Hash (pk S), HashB (pk B), HashN (pk N), Comp (pk S,
sk S; local indexes lsi1 on lsi1sk and lsi2 on lsi2sk, global gsi1 on lsi1sk and gsi2 on
lsi1sk+lsi2sk), CompB (pk S, sk B), GsiB (pk S; global gsib on bidx B), Prov (pk S, provisioned 5/5).

CHECKS are independent rows (each op's group, then the items it must have left alone: AFTER);
STEPS run in order, each write followed by what reads see; the test_* methods without rows
cover what a row cannot say (table configuration round trips, DescribeTable's shape, paging).
"""
import os
import re
import sys
import unittest
from decimal import Decimal

from harness import NimbusTestCase

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_dynamodb_conformance_table import N, S, ok, upd as conf_upd  # noqa: E402  (the table's row helpers)
from ddb_rows import RowsMixin, put_setup  # noqa: E402

V = "ValidationException"
RNF = "ResourceNotFoundException"
CCF = "ConditionalCheckFailedException"
SCHEMA = "The provided key element does not match the schema"
MIXED = "Can not use both expression and non-expression parameters in the same request: "
EMPTY_B = ("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
           "empty binary value. Key: pk")
MISSING = "_conformance_does_not_exist"


def err(code, msg=None):
    """An error of this code; msg a string (exact), a compiled pattern, or None (the suite checks the code only)."""
    return ("E", code, msg)


def pk(v):
    return {"pk": S(v)}


# (operation, what, source, request, expected)
CHECKS = [
    # ---- PutItem -----------------------------------------------------------------------------------------------
    ("PutItem", "no TableName", "[T3] putItem",
     {"Item": pk("t")},
     err(V, "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
            "Member must not be null")),
    ("PutItem", "an empty TableName", "[T3] putItem",
     {"TableName": "", "Item": pk("t")},
     err(V, re.compile(r"(?i)tablename.*failed to satisfy constraint: Member must have length greater than or "
                       r"equal to 1"))),
    ("PutItem", "a TableName of 256 characters", "[T3] putItem",
     {"TableName": "a" * 256, "Item": pk("t")},
     err(V, "1 validation error detected: Value '%s' at 'tableName' failed to satisfy constraint: Member must "
            "have length less than or equal to 255" % ("a" * 256))),
    ("PutItem", "a TableName with characters outside the pattern", "[T3] putItem",
     {"TableName": "bad table!@#", "Item": pk("t")},
     err(V, "1 validation error detected: Value 'bad table!@#' at 'tableName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")),
    ("PutItem", "an empty string set", "[T3] putItem; [T1] putItem/validation",
     {"TableName": "Hash", "Item": {"pk": S("t"), "bad": {"SS": []}}},
     err(V, "One or more parameter values were invalid: An string set  may not be empty")),
    ("PutItem", "an empty number set", "[T3] putItem; [T1] putItem/validation",
     {"TableName": "Hash", "Item": {"pk": S("t"), "bad": {"NS": []}}},
     err(V, "One or more parameter values were invalid: An number set  may not be empty")),
    ("PutItem", "an empty binary set", "[T1] putItem/validation; [DYN] test/putItem.js",
     {"TableName": "Hash", "Item": {"pk": S("t"), "bad": {"BS": []}}},
     err(V, "One or more parameter values were invalid: Binary sets should not be empty")),
    ("PutItem", "a string set with a repeated member", "[T3] putItem; [T1] putItem/validation",
     {"TableName": "Hash", "Item": {"pk": S("t"), "bad": {"SS": ["a", "a"]}}},
     err(V, re.compile(r"^One or more parameter values were invalid: Input collection .* contains duplicates"))),
    ("PutItem", "a number set with a repeated member", "[T1] putItem/validation",
     {"TableName": "Hash", "Item": {"pk": S("t"), "bad": {"NS": ["1", "1", "2"]}}},
     err(V, re.compile("duplicates"))),
    ("PutItem", "a binary set with a repeated member", "[T1] putItem/validation",
     {"TableName": "Hash", "Item": {"pk": S("t"), "bad": {"BS": ["AQ==", "AQ=="]}}},
     err(V, re.compile("duplicates"))),
    ("PutItem", "ReturnValues outside its enum", "[T1] putItem/validation",
     {"TableName": "Hash", "Item": pk("t"), "ReturnValues": "INVALID"},
     err(V)),
    ("PutItem", "Expected with ConditionExpression", "[T3] putItem; [T1] putItem/validation",
     {"TableName": "Hash", "Item": pk("t"), "Expected": {"pk": {"Exists": False}},
      "ConditionExpression": "attribute_not_exists(pk)"},
     err(V, MIXED + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")),
    ("PutItem", "ExpressionAttributeValues without an expression", "[T3] putItem",
     {"TableName": "Hash", "Item": pk("t"), "ExpressionAttributeValues": {":v": S("unused")}},
     err(V, re.compile(r"^ExpressionAttributeValues can only be specified when using expressions"))),
    ("PutItem", "redundant parentheses in the condition", "[T3] putItem",
     {"TableName": "Hash", "Item": pk("em-put-redundant"), "ConditionExpression": "((attribute_not_exists(pk)))"},
     err(V, re.compile(r"^Invalid ConditionExpression: The expression has redundant parentheses;"))),
    ("PutItem", "contains with the same path twice", "[T3] putItem",
     {"TableName": "Hash", "Item": pk("em-put-contains-dup"), "ConditionExpression": "contains(#a, #a)",
      "ExpressionAttributeNames": {"#a": "data"}},
     err(V, "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for "
            "this operator or function; operator: contains, first operand: [data]")),
    ("PutItem", "an empty binary key", "[T3] putItem",
     {"TableName": "HashB", "Item": {"pk": {"B": ""}}},
     err(V, EMPTY_B)),
    ("PutItem", "an unknown table", "[T1] putItem/validation",
     {"TableName": MISSING, "Item": pk("t")},
     err(RNF, "Requested resource not found")),
    # ---- GetItem -----------------------------------------------------------------------------------------------
    ("GetItem", "an unknown table", "[T3] getItem; [T1] getItem/validation",
     {"TableName": MISSING, "Key": pk("t")},
     err(RNF, "Requested resource not found")),
    ("GetItem", "a ProjectionExpression of punctuation", "[T3] getItem",
     {"TableName": "Hash", "Key": pk("t"), "ProjectionExpression": "!!! INVALID !!!"},
     err(V, 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"')),
    ("GetItem", "an empty binary key", "[T3] getItem",
     {"TableName": "HashB", "Key": {"pk": {"B": ""}}},
     err(V, EMPTY_B)),
    ("GetItem", "overlapping projection paths through names", "[T1] getItem/projectionValidation",
     {"TableName": "Hash", "Key": pk("proj-val"), "ProjectionExpression": "#a, #a.#b",
      "ExpressionAttributeNames": {"#a": "a", "#b": "b"}},
     err(V, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
            "one of these paths; path one: [a], path two: [a, b]")),
    ("Scan", "an undefined name in a projection, though nothing matches", "[T1] getItem/projectionValidation; "
     "the wording: [T3] scan",
     {"TableName": "Hash", "FilterExpression": "pk = :never", "ExpressionAttributeValues": {":never": S("no-such-pk")},
      "ProjectionExpression": "#undef"},
     err(V, "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #undef")),
    # ---- DeleteItem --------------------------------------------------------------------------------------------
    ("DeleteItem", "an unknown table", "[T3] deleteItem; [T1] deleteItem/validation",
     {"TableName": MISSING, "Key": pk("t")},
     err(RNF, "Requested resource not found")),
    ("DeleteItem", "a key without the sort key", "[T3] deleteItem",
     {"TableName": "Comp", "Key": pk("t")},
     err(V, SCHEMA)),
    ("DeleteItem", "Expected with ConditionExpression", "[T3] deleteItem",
     {"TableName": "Hash", "Key": pk("em-del-mix"), "Expected": {"pk": {"Exists": False}},
      "ConditionExpression": "attribute_not_exists(pk)"},
     err(V, MIXED + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")),
    ("DeleteItem", "an empty binary key", "[T3] deleteItem",
     {"TableName": "HashB", "Key": {"pk": {"B": ""}}},
     err(V, EMPTY_B)),
    ("DeleteItem", "a missing item deletes nothing and returns nothing", "[T1] deleteItem/basic",
     {"TableName": "Hash", "Key": pk("never-existed"), "ReturnValues": "ALL_OLD"},
     ok(Attributes=None)),
    ("DeleteItem", "ALL_OLD returns the deleted item", "[T1] deleteItem/basic",
     {"TableName": "Hash", "Key": pk("del-ret-1"), "ReturnValues": "ALL_OLD"},
     ok(Attributes={"pk": S("del-ret-1"), "data": S("old-data")})),
    ("DeleteItem", "per-condition parentheses are accepted", "[T1] deleteItem/conditionExpressionParens",
     {"TableName": "Hash", "Key": pk("del-cep-percond"), "ConditionExpression": "(attribute_exists(pk)) AND (#s = :v)",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":v": S("active")},
      "ReturnValues": "ALL_OLD"},
     ok(Attributes={"pk": S("del-cep-percond"), "status": S("active")})),
    ("DeleteItem", "a wrapped whole condition is accepted", "[T1] deleteItem/conditionExpressionParens",
     {"TableName": "Hash", "Key": pk("del-cep-fullwrap"), "ConditionExpression": "(attribute_exists(pk) AND #s = :v)",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":v": S("active")},
      "ReturnValues": "ALL_OLD"},
     ok(Attributes={"pk": S("del-cep-fullwrap"), "status": S("active")})),
    ("DeleteItem", "nested non-redundant parentheses are accepted", "[T1] deleteItem/conditionExpressionParens",
     {"TableName": "Hash", "Key": pk("del-cep-nested"), "ConditionExpression": "(attribute_exists(pk) AND (#s = :v))",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":v": S("active")},
      "ReturnValues": "ALL_OLD"},
     ok(Attributes={"pk": S("del-cep-nested"), "status": S("active")})),
    ("DeleteItem", "a parenthesised condition that fails", "[T1] deleteItem/conditionExpressionParens",
     {"TableName": "Hash", "Key": pk("del-cep-fail"), "ConditionExpression": "(attribute_exists(pk)) AND (#s = :wrong)",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":wrong": S("inactive")}},
     err(CCF, "The conditional request failed")),
    ("DeleteItem", "a condition on a value that differs", "[T3] conditionalCheck; [T1] deleteItem/basic",
     {"TableName": "Hash", "Key": pk("em-ccf-del"), "ConditionExpression": "attr1 = :v",
      "ExpressionAttributeValues": {":v": S("wrong-value")}},
     err(CCF, "The conditional request failed")),

    # ---- UpdateItem --------------------------------------------------------------------------------------------
    ("UpdateItem", "an unknown table", "[T1] updateItem/validation",
     {"TableName": MISSING, "Key": pk("t"), "UpdateExpression": "SET x = :v", "ExpressionAttributeValues": {":v": S("t")}},
     err(RNF, "Requested resource not found")),
    ("UpdateItem", "SET of the partition key", "[T1] updateItem/validation; [ALT] test_update_expression.py",
     {"TableName": "Hash", "Key": pk("upd-val"), "UpdateExpression": "SET pk = :v",
      "ExpressionAttributeValues": {":v": S("new-pk")}},
     err(V, "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of "
            "the key")),
    ("UpdateItem", "an ExpressionAttributeNames key without '#'", "[T1] updateItem/expressionHygiene",
     {"TableName": "Hash", "Key": pk("expr-hygiene"), "UpdateExpression": "SET #s = :v",
      "ExpressionAttributeNames": {"s": "status"}, "ExpressionAttributeValues": {":v": S("x")}},
     err(V, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "s"')),
    ("UpdateItem", "an ExpressionAttributeValues key without ':'", "[T1] updateItem/expressionHygiene",
     {"TableName": "Hash", "Key": pk("expr-hygiene"), "UpdateExpression": "SET #s = :v",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {"v": S("x")}},
     err(V, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"')),
    ("UpdateItem", "ExpressionAttributeNames without an expression", "[T1] updateItem/expressionHygiene",
     {"TableName": "Hash", "Key": pk("expr-hygiene"), "ExpressionAttributeNames": {"#s": "status"}},
     err(V, "ExpressionAttributeNames can only be specified when using expressions")),
    ("UpdateItem", "an unused ExpressionAttributeNames entry", "[T1] updateItem/expressionHygiene",
     {"TableName": "Hash", "Key": pk("expr-hygiene"), "UpdateExpression": "SET #s = :v",
      "ExpressionAttributeNames": {"#s": "status", "#unused": "other"}, "ExpressionAttributeValues": {":v": S("x")}},
     err(V, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}")),
    ("UpdateItem", "a condition on a value that differs", "[T3] conditionalCheck",
     {"TableName": "Hash", "Key": pk("em-ccf-upd"), "UpdateExpression": "SET attr1 = :newval",
      "ConditionExpression": "attr1 = :expected",
      "ExpressionAttributeValues": {":newval": S("updated"), ":expected": S("wrong")}},
     err(CCF, "The conditional request failed")),

    # ---- BatchGetItem ------------------------------------------------------------------------------------------
    ("BatchGetItem", "an empty RequestItems", "[T3] batchGetItem; [T1] batchGetItem/validation",
     {"RequestItems": {}},
     err(V, "The requestItems parameter is required for BatchGetItem")),
    ("BatchGetItem", "101 keys", "[T3] batchGetItem; [T1] batchGetItem/validation",
     {"RequestItems": {"Hash": {"Keys": [pk("bg-%d" % i) for i in range(101)]}}},
     err(V, "1 validation error detected: Value at 'RequestItems.Hash.member.Keys' failed to satisfy "
            "constraint: Member must have length less than or equal to 100")),
    ("BatchGetItem", "the same key twice", "[T3] batchGetItem; [T1] batchGetItem/validation",
     {"RequestItems": {"Hash": {"Keys": [pk("em-bg-dup"), pk("em-bg-dup")]}}},
     err(V, "Provided list of item keys contains duplicates")),
    ("BatchGetItem", "AttributesToGet with ProjectionExpression", "[T3] batchGetItem",
     {"RequestItems": {"Hash": {"Keys": [pk("em-bg-mix")], "AttributesToGet": ["pk"], "ProjectionExpression": "pk"}}},
     err(V, MIXED + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")),
    ("BatchGetItem", "an empty binary key", "[T3] batchGetItem",
     {"RequestItems": {"HashB": {"Keys": [{"pk": {"B": ""}}]}}},
     err(V, EMPTY_B)),
    ("BatchGetItem", "ProjectionExpression on one table, AttributesToGet on another", "[T3] batchGetItem",
     {"RequestItems": {"Hash": {"Keys": [pk("bg-mix-a")], "ProjectionExpression": "pk"},
                       "Comp": {"Keys": [{"pk": S("bg-mix-b"), "sk": S("z")}], "AttributesToGet": ["pk"]}}},
     err(V)),
    ("BatchGetItem", "the same projection path twice", "[T3] batchGetItem",
     {"RequestItems": {"Hash": {"Keys": [pk("em-bg-proj")], "ProjectionExpression": "a, a"}}},
     err(V, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
            "one of these paths; path one: [a], path two: [a]")),
    ("BatchGetItem", "two names for one attribute in a projection", "[T3] batchGetItem",
     {"RequestItems": {"Hash": {"Keys": [pk("em-bg-proj")], "ProjectionExpression": "#a, #b",
                                "ExpressionAttributeNames": {"#a": "a", "#b": "a"}}}},
     err(V, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
            "one of these paths; path one: [a], path two: [a]")),
    ("BatchGetItem", "a projection of a path and its child", "[T3] batchGetItem",
     {"RequestItems": {"Hash": {"Keys": [pk("em-bg-proj")], "ProjectionExpression": "a, a.b"}}},
     err(V, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
            "one of these paths; path one: [a], path two: [a, b]")),
    ("BatchGetItem", "a bad projection on one table fails the batch", "[T3] batchGetItem",
     {"RequestItems": {"Hash": {"Keys": [pk("em-bg-proj-bad")], "ProjectionExpression": "a, a"},
                       "Comp": {"Keys": [{"pk": S("em-bg-proj-clean"), "sk": S("z")}], "ProjectionExpression": "a"}}},
     err(V, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
            "one of these paths; path one: [a], path two: [a]")),

    # ---- BatchWriteItem ----------------------------------------------------------------------------------------
    ("BatchWriteItem", "an empty RequestItems", "[T3] batchWriteItem; [T1] batchWriteItem/validation",
     {"RequestItems": {}},
     err(V, "The requestItems parameter is required for BatchWriteItem")),
    ("BatchWriteItem", "26 requests", "[T3] batchWriteItem; [T1] batchWriteItem/validation",
     {"RequestItems": {"Hash": [{"PutRequest": {"Item": pk("bw-%d" % i)}} for i in range(26)]}},
     err(V, re.compile(r"^1 validation error detected: Value '\{Hash=\[.+\]\}' at 'requestItems' failed to "
                       r"satisfy constraint: Map value must satisfy constraint: \[Member must have length less "
                       r"than or equal to 25, Member must have length greater than or equal to 1\]$", re.S))),
    ("BatchWriteItem", "a put and a delete of one key", "[T3] batchWriteItem",
     {"RequestItems": {"Hash": [{"PutRequest": {"Item": pk("em-bw-dup")}}, {"DeleteRequest": {"Key": pk("em-bw-dup")}}]}},
     err(V, "Provided list of item keys contains duplicates")),
    ("BatchWriteItem", "two puts of one key", "[T1] batchWriteItem/validation",
     {"RequestItems": {"Hash": [{"PutRequest": {"Item": {"pk": S("dup-key"), "val": S("first")}}},
                                {"PutRequest": {"Item": {"pk": S("dup-key"), "val": S("second")}}}]}},
     err(V, "Provided list of item keys contains duplicates")),
    ("BatchWriteItem", "a key of the wrong type", "[T3] batchWriteItem",
     {"RequestItems": {"Hash": [{"PutRequest": {"Item": {"pk": N(5)}}}]}},
     err(V, SCHEMA)),
    ("BatchWriteItem", "a list as the key", "[T3] batchWriteItem",
     {"RequestItems": {"Hash": [{"PutRequest": {"Item": {"pk": {"L": [S("x")]}}}}]}},
     err(V, SCHEMA)),
    ("BatchWriteItem", "an empty string key", "[T3] batchWriteItem",
     {"RequestItems": {"Hash": [{"PutRequest": {"Item": {"pk": S("")}}}]}},
     err(V, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
            "an empty string value. Key: pk")),
    ("BatchWriteItem", "an empty binary key in a put", "[T3] batchWriteItem",
     {"RequestItems": {"HashB": [{"PutRequest": {"Item": {"pk": {"B": ""}}}}]}},
     err(V, EMPTY_B)),
    ("BatchWriteItem", "an empty binary key in a delete", "[T3] batchWriteItem",
     {"RequestItems": {"HashB": [{"DeleteRequest": {"Key": {"pk": {"B": ""}}}}]}},
     err(V, EMPTY_B)),
    ("BatchWriteItem", "an index key of the wrong type names the first index by name", "[T3] batchWriteItem",
     {"RequestItems": {"Comp": [{"PutRequest": {"Item": {"pk": S("em-bw-idx-type"), "sk": S("a"), "lsi1sk": N(5)}}}]}},
     err(V, "One or more parameter values were invalid: Type mismatch for Index Key lsi1sk Expected: S Actual: N "
            "IndexName: gsi1")),
    ("BatchWriteItem", "a list as an index key", "[T3] batchWriteItem",
     {"RequestItems": {"Comp": [{"PutRequest": {"Item": {"pk": S("em-bw-idx-nonscalar"), "sk": S("b"),
                                                          "lsi1sk": {"L": [S("x")]}}}}]}},
     err(V, "One or more parameter values were invalid: Type mismatch for Index Key lsi1sk Expected: S Actual: L "
            "IndexName: gsi1")),
    ("BatchWriteItem", "an empty string index key", "[T3] batchWriteItem",
     {"RequestItems": {"Comp": [{"PutRequest": {"Item": {"pk": S("em-bw-idx-empty"), "sk": S("c"), "lsi1sk": S("")}}}]}},
     err(V, "One or more parameter values are not valid. A value specified for a secondary index key is not "
            "supported. The AttributeValue for a key attribute cannot contain an empty string value. "
            "IndexName: gsi1, IndexKey: lsi1sk")),
    ("BatchWriteItem", "an empty binary index key", "[T3] batchWriteItem",
     {"RequestItems": {"GsiB": [{"PutRequest": {"Item": {"pk": S("eb-bw-idx"), "bidx": {"B": ""}}}}]}},
     err(V, "One or more parameter values are not valid. A value specified for a secondary index key is not "
            "supported. The AttributeValue for a key attribute cannot contain an empty binary value. "
            "IndexName: gsib, IndexKey: bidx")),

    # ---- CreateTable -------------------------------------------------------------------------------------------
    ("CreateTable", "no TableName", "[T3] createTable",
     {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "The parameter 'TableName' is required but was not present in the request")),
    ("CreateTable", "a TableName of two characters", "[T3] createTable",
     {"TableName": "ab", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must "
            "have length greater than or equal to 3")),
    ("CreateTable", "one attribute as both keys, with one definition", "[T3] createTable",
     {"TableName": "ct_dup_key", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}],
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "Invalid KeySchema: Some index key attribute have no definition")),
    ("CreateTable", "three KeySchema elements", "[T3] createTable",
     {"TableName": "ct_3keys", "AttributeDefinitions": [
         {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"},
         {"AttributeName": "extra", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"},
                    {"AttributeName": "extra", "KeyType": "RANGE"}],
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, keyType=HASH), "
            "KeySchemaElement(attributeName=sk, keyType=RANGE), KeySchemaElement(attributeName=extra, "
            "keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or "
            "equal to 2")),
    ("CreateTable", "a KeyType outside its enum", "[T3] createTable",
     {"TableName": "ct_bad_keytype", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "INVALID"}],
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "1 validation error detected: Value 'INVALID' at 'keySchema.1.member.keyType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [HASH, RANGE]")),
    ("CreateTable", "an AttributeType outside its enum", "[T3] createTable",
     {"TableName": "ct_bad_attrtype", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "INVALID"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "1 validation error detected: Value 'INVALID' at 'attributeDefinitions.1.member.attributeType' failed "
            "to satisfy constraint: Member must satisfy enum value set: [B, N, S]")),
    ("CreateTable", "a local index on a table without a sort key", "[T3] createTable",
     {"TableName": "ct_lsi_no_range", "AttributeDefinitions": [
         {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "lsiSk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
      "LocalSecondaryIndexes": [{"IndexName": "lsi1", "KeySchema": [
          {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "lsiSk", "KeyType": "RANGE"}],
          "Projection": {"ProjectionType": "ALL"}}],
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "One or more parameter values were invalid: Table KeySchema does not have a range key, which is "
            "required when specifying a LocalSecondaryIndex")),
    ("CreateTable", "two global indexes of one name", "[T3] createTable",
     {"TableName": "ct_dup_idx", "AttributeDefinitions": [
         {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"},
         {"AttributeName": "gsiPk1", "AttributeType": "S"}, {"AttributeName": "gsiPk2", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
      "GlobalSecondaryIndexes": [
          {"IndexName": "sameIndex", "KeySchema": [{"AttributeName": "gsiPk1", "KeyType": "HASH"}],
           "Projection": {"ProjectionType": "ALL"},
           "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
          {"IndexName": "sameIndex", "KeySchema": [{"AttributeName": "gsiPk2", "KeyType": "HASH"}],
           "Projection": {"ProjectionType": "ALL"},
           "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}],
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "One or more parameter values were invalid: Duplicate index name: sameIndex")),
    ("CreateTable", "a TableName of 256 characters", "[T1] createTable/basic; [T3] putItem (the same constraint)",
     {"TableName": "a" * 256, "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"},
     err(V, "1 validation error detected: Value '%s' at 'tableName' failed to satisfy constraint: Member must "
            "have length less than or equal to 255" % ("a" * 256))),
    ("CreateTable", "a TableName with a ';'", "[T1] createTable/basic; [T3] putItem (the same constraint)",
     {"TableName": "invalid;name", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"},
     err(V, "1 validation error detected: Value 'invalid;name' at 'tableName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")),
    ("CreateTable", "a table that exists", "[T1] createTable/basic",
     {"TableName": "Hash", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"},
     err("ResourceInUseException")),
    ("CreateTable", "an empty KeySchema", "[T1] createTable/basic",
     {"TableName": "ct_nokey", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [], "BillingMode": "PAY_PER_REQUEST"},
     err(V)),
    ("CreateTable", "an attribute definition no key uses", "[T1] createTable/basic",
     {"TableName": "ct_unused_attr", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                              {"AttributeName": "extra", "AttributeType": "N"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"},
     err(V)),
    ("CreateTable", "a local index on a hash-only table, on demand", "[T1] createTable/lsi",
     {"TableName": "ct_lsi_nork", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                           {"AttributeName": "lsiSk", "AttributeType": "N"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST",
      "LocalSecondaryIndexes": [{"IndexName": "lsi1", "KeySchema": [
          {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "lsiSk", "KeyType": "RANGE"}],
          "Projection": {"ProjectionType": "ALL"}}]},
     err(V, "One or more parameter values were invalid: Table KeySchema does not have a range key, which is "
            "required when specifying a LocalSecondaryIndex")),
    ("CreateTable", "a local index with another partition key", "[T1] createTable/lsi",
     {"TableName": "ct_lsi_wronghash", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [
         {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"},
         {"AttributeName": "other", "AttributeType": "S"}, {"AttributeName": "lsiSk", "AttributeType": "N"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
      "LocalSecondaryIndexes": [{"IndexName": "lsi1", "KeySchema": [
          {"AttributeName": "other", "KeyType": "HASH"}, {"AttributeName": "lsiSk", "KeyType": "RANGE"}],
          "Projection": {"ProjectionType": "ALL"}}]},
     err(V)),
    ("CreateTable", "an INCLUDE projection without NonKeyAttributes", "[T1] createTable/specValidation",
     {"TableName": "ct_inc_no_nka", "AttributeDefinitions": [
         {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
      "GlobalSecondaryIndexes": [{"IndexName": "gsi1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                  "Projection": {"ProjectionType": "INCLUDE"}}],
      "BillingMode": "PAY_PER_REQUEST"},
     err(V)),
    ("CreateTable", "a KEYS_ONLY projection with NonKeyAttributes", "[T1] createTable/specValidation",
     {"TableName": "ct_ko_nka", "AttributeDefinitions": [
         {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
      "GlobalSecondaryIndexes": [{"IndexName": "gsi1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                  "Projection": {"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["x"]}}],
      "BillingMode": "PAY_PER_REQUEST"},
     err(V)),
    ("CreateTable", "a disabled stream with a StreamViewType", "[T1] createTable/specValidation",
     {"TableName": "ct_stream_off_vt", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
      "StreamSpecification": {"StreamEnabled": False, "StreamViewType": "NEW_IMAGE"},
      "BillingMode": "PAY_PER_REQUEST"},
     err(V)),

    # ---- UpdateTable / DescribeTable / DeleteTable (Prov: provisioned 5/5, pk S) -------------------------------
    ("UpdateTable", "an unknown table", "[T1] updateTable/basic; the wording: [DYN] test/updateTable.js",
     {"TableName": MISSING, "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 10}},
     err(RNF, "Requested resource not found: Table: %s not found" % MISSING)),
    ("UpdateTable", "no TableName", "[T3] createTable (the table operations' form); [DYN] test/updateTable.js",
     {"ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 10}},
     err(V, "The parameter 'TableName' is required but was not present in the request")),
    ("DescribeTable", "no TableName", "[T3] createTable (the table operations' form); [DYN] test/describeTable.js",
     {},
     err(V, "The parameter 'TableName' is required but was not present in the request")),
    ("DeleteTable", "no TableName", "[T3] createTable (the table operations' form); [DYN] test/deleteTable.js",
     {},
     err(V, "The parameter 'TableName' is required but was not present in the request")),
    ("UpdateTable", "BillingMode PROVISIONED with the throughput the table has", "[T1] updateTable/basic; [DYN] "
     "test/updateTable.js (the wording, for the same throughput alone)",
     {"TableName": "Prov", "BillingMode": "PROVISIONED",
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V, "The provisioned throughput for the table will not change. The requested value equals the current "
            "value. Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. Current "
            "WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. Refer to the Amazon "
            "DynamoDB Developer Guide for current limits and how to request higher limits.")),
    ("UpdateTable", "a ReadCapacityUnits of 0", "[T1] updateTable/basic",
     {"TableName": "Prov", "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 5}},
     err(V)),
    ("UpdateTable", "PAY_PER_REQUEST with a ProvisionedThroughput", "[T1] updateTable/basic",
     {"TableName": "Prov", "BillingMode": "PAY_PER_REQUEST",
      "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
     err(V)),
    ("DescribeTable", "an unknown table", "[T1] describeTable/basic; the wording: [DYN] test/describeTable.js",
     {"TableName": MISSING},
     err(RNF, "Requested resource not found: Table: %s not found" % MISSING)),
    ("DeleteTable", "an unknown table", "[T1] deleteTable/basic; the wording: [DYN] test/deleteTable.js",
     {"TableName": MISSING},
     err(RNF, "Requested resource not found: Table: %s not found" % MISSING)),
]

def get(table, key, item):
    """A consistent GetItem of key answers item (None: no Item)."""
    return ("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}, ok(Item=item))


def put(table, item, **kw):
    return ("PutItem", dict({"TableName": table, "Item": item}, **kw), ok(Attributes=None))


def upd(k, expr, values=None, names=None, **kw):
    return ("UpdateItem", dict(conf_upd(k, expr, values, names, **kw), TableName="Hash", Key=pk(k)), ok())


def ccf(step):
    """The step's write fails its condition."""
    return (step[0], step[1], err(CCF, "The conditional request failed"))


def check(fn, status=200):
    """The reply (of this HTTP status) passes fn(reply): for members the suite checks loosely (set order)."""
    return ("P", fn, status)


def fails(step, msg=None):
    return (step[0], step[1], err(V, msg))


ALL_TYPES = {"pk": S("put-types-1"), "stringAttr": S("hello"), "numberAttr": N("123.456"), "binaryAttr": {"B": "AQID"},
             "boolTrue": {"BOOL": True}, "boolFalse": {"BOOL": False}, "nullAttr": {"NULL": True},
             "listAttr": {"L": [S("item1"), N(99), {"BOOL": True}]}, "mapAttr": {"M": {"nested": S("value"), "num": N(7)}}}
EXPR_ITEM = {"pk": S("put-expr"), "name": S("alice"), "count": N(5), "status": S("active"),
             "mapAttr": {"M": {"nested": S("deep-value")}}}

# Ordered steps, run in one test: (what, source, (op, request, expected)).
STEPS = [
    # PutItem basics, types, return values
    ("put and get a simple item", "[T1] putItem/basic",
     put("Hash", {"pk": S("put-basic-1"), "data": S("hello"), "num": N(42)})),
    ("the item reads back", "[T1] putItem/basic",
     get("Hash", pk("put-basic-1"), {"pk": S("put-basic-1"), "data": S("hello"), "num": N(42)})),
    ("a put replaces the item", "[T1] putItem/basic",
     put("Hash", {"pk": S("put-basic-1"), "data": S("second")})),
    ("only the second item's attributes remain", "[T1] putItem/basic",
     get("Hash", pk("put-basic-1"), {"pk": S("put-basic-1"), "data": S("second")})),
    ("a composite key item", "[T1] putItem/basic; [T1] getItem/basic",
     put("Comp", {"pk": S("put-comp-1"), "sk": S("sort-1"), "value": S("test")})),
    ("the composite item reads back", "[T1] getItem/basic",
     get("Comp", {"pk": S("put-comp-1"), "sk": S("sort-1")}, {"pk": S("put-comp-1"), "sk": S("sort-1"), "value": S("test")})),
    ("the right hash with another sort key finds nothing", "[T1] getItem/basic",
     get("Comp", {"pk": S("put-comp-1"), "sk": S("wrong-sort")}, None)),
    ("every scalar and document type", "[T1] putItem/basic", put("Hash", ALL_TYPES)),
    ("every type reads back unchanged", "[T1] putItem/basic", get("Hash", pk("put-types-1"), ALL_TYPES)),
    ("sets read back with their members", "[T1] putItem/basic",
     put("Hash", {"pk": S("put-sets"), "ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "2", "3"]},
                  "bs": {"BS": ["AQ==", "Ag=="]}})),
    ("sets read back with their members", "[T1] putItem/basic",
     ("GetItem", {"TableName": "Hash", "Key": pk("put-sets"), "ConsistentRead": True},
      check(lambda o: (sorted(o["Item"]["ss"]["SS"]), sorted(o["Item"]["ns"]["NS"]), sorted(o["Item"]["bs"]["BS"])) ==
            (["a", "b", "c"], ["1", "2", "3"], ["AQ==", "Ag=="])))),
    ("ALL_OLD of a replaced item", "[T1] putItem/basic",
     put("Hash", {"pk": S("put-return-1"), "old": S("data")})),
    ("ALL_OLD of a replaced item", "[T1] putItem/basic",
     ("PutItem", {"TableName": "Hash", "Item": {"pk": S("put-return-1"), "new": S("data")}, "ReturnValues": "ALL_OLD"},
      ok(Attributes={"pk": S("put-return-1"), "old": S("data")}))),
    ("nested maps three deep, mixed lists, maps of lists of maps", "[T1] putItem/dataTypes",
     put("Hash", {"pk": S("dt-doc"), "nested": {"M": {"a": {"M": {"b": {"M": {"c": S("deep")}}}}}},
                  "mixed": {"L": [S("str"), N(1), {"BOOL": True}, {"NULL": True}, {"M": {"x": S("y")}}]},
                  "outer": {"M": {"items": {"L": [{"M": {"name": S("first"), "value": N(100)}},
                                                 {"M": {"name": S("second"), "value": N(200)}}]}}},
                  "emptyStr": S("")})),
    ("documents and an empty string read back", "[T1] putItem/dataTypes",
     get("Hash", pk("dt-doc"), {"pk": S("dt-doc"), "nested": {"M": {"a": {"M": {"b": {"M": {"c": S("deep")}}}}}},
                                "mixed": {"L": [S("str"), N(1), {"BOOL": True}, {"NULL": True}, {"M": {"x": S("y")}}]},
                                "outer": {"M": {"items": {"L": [{"M": {"name": S("first"), "value": N(100)}},
                                                               {"M": {"name": S("second"), "value": N(200)}}]}}},
                                "emptyStr": S("")})),
    ("a 100 KB string", "[T1] putItem/dataTypes", put("Hash", {"pk": S("dt-large"), "big": S("x" * 102400)})),
    ("the 100 KB string reads back", "[T1] putItem/dataTypes",
     get("Hash", pk("dt-large"), {"pk": S("dt-large"), "big": S("x" * 102400)})),
    ("38 significant digits and the largest magnitudes", "[T1] putItem/dataTypes",
     put("Hash", {"pk": S("dt-num"), "precise": N("12345678901234567890123456789012345678"),
                  "maxNum": N("9.9999999999999999999999999999999999999E+125"),
                  "minNum": N("-9.9999999999999999999999999999999999999E+125")})),
    ("the numbers read back with their value", "[T1] putItem/dataTypes",
     ("GetItem", {"TableName": "Hash", "Key": pk("dt-num"), "ConsistentRead": True},
      check(lambda o: o["Item"]["precise"] == N("12345678901234567890123456789012345678") and
            [Decimal(o["Item"][k]["N"]) for k in ("maxNum", "minNum")] ==
            [Decimal("9.9999999999999999999999999999999999999E+125"),
             Decimal("-9.9999999999999999999999999999999999999E+125")]))),
    ("number keys: integer, decimal, negative", "[T1] putItem/numericKeys",
     ("BatchWriteItem", {"RequestItems": {"HashN": [{"PutRequest": {"Item": {"pk": N(v), "data": S(v)}}}
                                                    for v in ("42", "3.14", "-100")]}}, ok(UnprocessedItems={}))),
    ("a decimal number key reads back", "[T1] putItem/numericKeys",
     get("HashN", {"pk": N("3.14")}, {"pk": N("3.14"), "data": S("3.14")})),
    ("a negative number key reads back", "[T1] putItem/numericKeys",
     get("HashN", {"pk": N("-100")}, {"pk": N("-100"), "data": S("-100")})),
    ("binary sort keys keep their bytes", "[T1] putItem/binaryKeys",
     put("CompB", {"pk": S("binput-1"), "sk": {"B": "AQID"}, "payload": {"B": "AAF/gP7/"}})),
    ("binary sort keys keep their bytes", "[T1] putItem/binaryKeys",
     get("CompB", {"pk": S("binput-1"), "sk": {"B": "AQID"}},
         {"pk": S("binput-1"), "sk": {"B": "AQID"}, "payload": {"B": "AAF/gP7/"}})),
    ("another binary sort key of the same partition", "[T1] putItem/binaryKeys",
     put("CompB", {"pk": S("binput-1"), "sk": {"B": "/wB/gA=="}, "label": S("ff007f80")})),
    ("each binary sort key finds its own item", "[T1] putItem/binaryKeys",
     get("CompB", {"pk": S("binput-1"), "sk": {"B": "/wB/gA=="}},
         {"pk": S("binput-1"), "sk": {"B": "/wB/gA=="}, "label": S("ff007f80")})),

    # PutItem conditions
    ("seed for conditions", "[T1] putItem/conditions",
     put("Hash", {"pk": S("put-cond"), "status": S("active"), "count": N(5)})),
    ("attribute_not_exists on a new key writes", "[T1] putItem/conditions",
     put("Hash", {"pk": S("put-cond-new"), "data": S("fresh")}, ConditionExpression="attribute_not_exists(pk)")),
    ("attribute_not_exists on an existing key fails", "[T1] putItem/conditions",
     ccf(put("Hash", {"pk": S("put-cond"), "data": S("x")}, ConditionExpression="attribute_not_exists(pk)"))),
    ("attribute_exists of a name writes", "[T1] putItem/conditions",
     put("Hash", {"pk": S("put-cond"), "status": S("updated"), "count": N(5)},
         ConditionExpression="attribute_exists(#s)", ExpressionAttributeNames={"#s": "status"})),
    ("a comparison that holds writes", "[T1] putItem/conditions",
     put("Hash", {"pk": S("put-cond"), "status": S("compared"), "count": N(5)}, ConditionExpression="#c > :min",
         ExpressionAttributeNames={"#c": "count"}, ExpressionAttributeValues={":min": N(3)})),
    ("a comparison that does not hold fails", "[T1] putItem/conditions",
     ccf(put("Hash", {"pk": S("put-cond"), "status": S("nope"), "count": N(5)}, ConditionExpression="#c > :min",
             ExpressionAttributeNames={"#c": "count"}, ExpressionAttributeValues={":min": N(100)}))),
    ("the failed puts left the last good write", "[T1] putItem/conditions",
     get("Hash", pk("put-cond"), {"pk": S("put-cond"), "status": S("compared"), "count": N(5)})),
    ("<> of a missing attribute is true", "[T1] putItem/conditions",
     put("Hash", {"pk": S("put-cond-ne-missing"), "status": S("idle")}, ConditionExpression="#s <> :v",
         ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":v": S("working")})),
    ("<> OR < of missing attributes is true", "[T1] putItem/conditions",
     put("Hash", {"pk": S("put-cond-ne-or-missing"), "status": S("new")}, ConditionExpression="#s <> :v OR #u < :t",
         ExpressionAttributeNames={"#s": "status", "#u": "updatedAt"},
         ExpressionAttributeValues={":v": S("working"), ":t": S("2099-01-01T00:00:00Z")})),
    ("= of a missing attribute is false", "[T1] putItem/conditions",
     ccf(put("Hash", {"pk": S("put-cond-eq-missing"), "status": S("idle")}, ConditionExpression="#s = :v",
             ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":v": S("working")}))),
    ("the failed condition wrote nothing", "[T1] putItem/conditions", get("Hash", pk("put-cond-eq-missing"), None)),
    ("parenthesised conditions: one pair a comparison", "[T1] putItem/conditionExpressionParens",
     put("Hash", {"pk": S("put-cep-1"), "data": S("a")},
         ConditionExpression="(attribute_not_exists(pk)) AND (attribute_not_exists(#s))",
         ExpressionAttributeNames={"#s": "status"})),
    ("parenthesised conditions: the whole wrapped", "[T1] putItem/conditionExpressionParens",
     put("Hash", {"pk": S("put-cep-2"), "data": S("b")},
         ConditionExpression="(attribute_not_exists(pk) AND attribute_not_exists(#s))",
         ExpressionAttributeNames={"#s": "status"})),
    ("parenthesised conditions: nested, not redundant", "[T1] putItem/conditionExpressionParens",
     put("Hash", {"pk": S("put-cep-3"), "data": S("c")},
         ConditionExpression="(attribute_not_exists(pk) AND (attribute_not_exists(#s)))",
         ExpressionAttributeNames={"#s": "status"})),
    ("a parenthesised condition that fails", "[T1] putItem/conditionExpressionParens",
     ccf(put("Hash", {"pk": S("put-cond"), "data": S("no")}, ConditionExpression="(attribute_exists(pk)) AND (#s = :wrong)",
             ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":wrong": S("inactive")}))),
    ("seed for condition functions", "[T1] putItem/expressions", put("Hash", EXPR_ITEM)),
    ("size() < a value", "[T1] putItem/expressions",
     put("Hash", dict(EXPR_ITEM, name=S("alice-updated")), ConditionExpression="size(#n) < :maxLen",
         ExpressionAttributeNames={"#n": "name"}, ExpressionAttributeValues={":maxLen": N(10)})),
    ("attribute_type S", "[T1] putItem/expressions",
     put("Hash", dict(EXPR_ITEM, name=S("alice-v3")), ConditionExpression="attribute_type(#s, :t)",
         ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":t": S("S")})),
    ("NOT attribute_exists on a new key", "[T1] putItem/expressions",
     put("Hash", {"pk": S("put-expr-missing"), "data": S("created")}, ConditionExpression="NOT attribute_exists(pk)")),
    ("AND of two comparisons", "[T1] putItem/expressions",
     put("Hash", dict(EXPR_ITEM, name=S("alice-v4")), ConditionExpression="#n = :name AND #c = :count",
         ExpressionAttributeNames={"#n": "name", "#c": "count"},
         ExpressionAttributeValues={":name": S("alice-v3"), ":count": N(5)})),
    ("OR with one side true", "[T1] putItem/expressions",
     put("Hash", dict(EXPR_ITEM, name=S("alice-v5")), ConditionExpression="#n = :wrongName OR #c = :count",
         ExpressionAttributeNames={"#n": "name", "#c": "count"},
         ExpressionAttributeValues={":wrongName": S("nobody"), ":count": N(5)})),
    ("a nested map path compared", "[T1] putItem/expressions",
     put("Hash", dict(EXPR_ITEM, name=S("alice-v6")), ConditionExpression="mapAttr.nested = :val",
         ExpressionAttributeValues={":val": S("deep-value")})),
    ("attribute_exists of a nested path", "[T1] putItem/expressions",
     put("Hash", dict(EXPR_ITEM, name=S("alice-v7")), ConditionExpression="attribute_exists(#m.#n)",
         ExpressionAttributeNames={"#m": "mapAttr", "#n": "nested"})),
    ("attribute_not_exists of a nested path", "[T1] putItem/expressions",
     put("Hash", dict(EXPR_ITEM, name=S("alice-v8")), ConditionExpression="attribute_not_exists(#m.#missing)",
         ExpressionAttributeNames={"#m": "mapAttr", "#missing": "nonexistent"})),
    ("a reserved word through a name", "[T1] putItem/expressions",
     put("Hash", dict(EXPR_ITEM, name=S("alice-v9")), ConditionExpression="#status = :val",
         ExpressionAttributeNames={"#status": "status"}, ExpressionAttributeValues={":val": S("active")})),
    ("every condition held", "[T1] putItem/expressions", get("Hash", pk("put-expr"), dict(EXPR_ITEM, name=S("alice-v9")))),

    # ReturnItemCollectionMetrics and ReturnConsumedCapacity
    ("PutItem SIZE on a table with local indexes", "[T1] putItem/itemCollectionMetrics",
     ("PutItem", {"TableName": "Comp", "Item": {"pk": S("icm-put-1"), "sk": S("a"), "lsi1sk": S("lval"), "data": S("hello")},
                  "ReturnItemCollectionMetrics": "SIZE"},
      check(lambda o: o["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": S("icm-put-1")} and
            len(o["ItemCollectionMetrics"]["SizeEstimateRangeGB"]) == 2))),
    ("UpdateItem SIZE", "[T1] putItem/itemCollectionMetrics",
     ("UpdateItem", {"TableName": "Comp", "Key": {"pk": S("icm-put-1"), "sk": S("a")}, "UpdateExpression": "SET #d = :v",
                     "ExpressionAttributeNames": {"#d": "data"}, "ExpressionAttributeValues": {":v": S("updated")},
                     "ReturnItemCollectionMetrics": "SIZE"},
      check(lambda o: o["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": S("icm-put-1")} and
            len(o["ItemCollectionMetrics"]["SizeEstimateRangeGB"]) == 2))),
    ("DeleteItem SIZE", "[T1] putItem/itemCollectionMetrics",
     ("DeleteItem", {"TableName": "Comp", "Key": {"pk": S("icm-put-1"), "sk": S("a")}, "ReturnItemCollectionMetrics": "SIZE"},
      check(lambda o: o["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": S("icm-put-1")} and
            len(o["ItemCollectionMetrics"]["SizeEstimateRangeGB"]) == 2))),
    ("PutItem NONE gives no metrics", "[T1] putItem/itemCollectionMetrics",
     ("PutItem", {"TableName": "Comp", "Item": {"pk": S("icm-none-1"), "sk": S("a"), "lsi1sk": S("lval")},
                  "ReturnItemCollectionMetrics": "NONE", "ReturnConsumedCapacity": "NONE"},
      ok(ItemCollectionMetrics=None, ConsumedCapacity=None))),
    ("a consistent GetItem TOTAL: one unit, no split", "[T1] getItem/consumedCapacity",
     ("GetItem", {"TableName": "Hash", "Key": pk("put-basic-1"), "ConsistentRead": True, "ReturnConsumedCapacity": "TOTAL"},
      ok(ConsumedCapacity={"TableName": "Hash", "CapacityUnits": 1.0}))),
    ("Scan TOTAL names the table", "[T1] getItem/consumedCapacity; [T1] putItem/consumedCapacity",
     ("Scan", {"TableName": "HashN", "ReturnConsumedCapacity": "TOTAL"},
      check(lambda o: o["ConsumedCapacity"]["TableName"] == "HashN" and
            isinstance(o["ConsumedCapacity"]["CapacityUnits"], float)))),
    # GetItem projections
    ("seed for projections", "[T1] getItem/basic; [T1] getItem/projection",
     put("Hash", {"pk": S("get-proj"), "a": S("alpha"), "b": S("beta"), "c": N(99),
                  "mymap": {"M": {"nested": S("deep"), "other": N(42)}}, "mylist": {"L": [S("zero"), S("one"), S("two")]},
                  "m": {"M": {"a": S("A"), "b": S("B"), "c": S("C")}}})),
    ("only the projected attributes, keys not added", "[T1] getItem/basic",
     ("GetItem", {"TableName": "Hash", "Key": pk("get-proj"), "ProjectionExpression": "a, c"},
      ok(Item={"a": S("alpha"), "c": N(99)}))),
    ("a nested map path keeps only that member", "[T1] getItem/projection",
     ("GetItem", {"TableName": "Hash", "Key": pk("get-proj"), "ProjectionExpression": "#m.#n",
                  "ExpressionAttributeNames": {"#m": "mymap", "#n": "nested"}},
      ok(Item={"mymap": {"M": {"nested": S("deep")}}}))),
    ("a list index keeps only that element", "[T1] getItem/projection",
     ("GetItem", {"TableName": "Hash", "Key": pk("get-proj"), "ProjectionExpression": "#l[0]",
                  "ExpressionAttributeNames": {"#l": "mylist"}},
      ok(Item={"mylist": {"L": [S("zero")]}}))),
    ("two siblings of one map are both kept", "[T1] getItem/projection",
     ("GetItem", {"TableName": "Hash", "Key": pk("get-proj"), "ProjectionExpression": "#m.#a, #m.#b",
                  "ExpressionAttributeNames": {"#m": "m", "#a": "a", "#b": "b"}},
      ok(Item={"m": {"M": {"a": S("A"), "b": S("B")}}}))),
    ("BatchGetItem with a nested projection", "[T1] getItem/projection",
     ("BatchGetItem", {"RequestItems": {"Hash": {"Keys": [pk("get-proj")], "ProjectionExpression": "#m.#n",
                                                 "ExpressionAttributeNames": {"#m": "mymap", "#n": "nested"}}}},
      ok(Responses={"Hash": [{"mymap": {"M": {"nested": S("deep")}}}]}, UnprocessedKeys={}))),
    ("a missing key gives no Item", "[T1] getItem/basic",
     ("GetItem", {"TableName": "Hash", "Key": pk("does-not-exist"), "ConsistentRead": False}, ok(Item=None))),

    # BatchGetItem / BatchWriteItem
    ("five puts in one batch", "[T1] batchWriteItem/basic",
     ("BatchWriteItem", {"RequestItems": {"Hash": [{"PutRequest": {"Item": {"pk": S("bg-%d" % i), "val": N(i * 10)}}}
                                                   for i in range(5)]}}, ok(UnprocessedItems={}))),
    ("get five in one batch", "[T1] batchGetItem/basic",
     ("BatchGetItem", {"RequestItems": {"Hash": {"Keys": [pk("bg-%d" % i) for i in range(5)], "ConsistentRead": True}}},
      check(lambda o: sorted(i["pk"]["S"] for i in o["Responses"]["Hash"]) == ["bg-%d" % i for i in range(5)] and
            o["UnprocessedKeys"] == {}))),
    ("found and missing keys across two tables", "[T1] batchGetItem/basic",
     ("BatchGetItem", {"RequestItems": {"Hash": {"Keys": [pk("bg-0"), pk("does-not-exist-123")]},
                                        "Comp": {"Keys": [{"pk": S("bg-multi-missing"), "sk": S("nope")}]}}},
      ok(Responses={"Hash": [{"pk": S("bg-0"), "val": N(0)}], "Comp": []}, UnprocessedKeys={}))),
    ("a batch projection without the key", "[T1] batchGetItem/basic",
     ("BatchGetItem", {"RequestItems": {"Hash": {"Keys": [pk("get-proj")], "ProjectionExpression": "a, c"}}},
      ok(Responses={"Hash": [{"a": S("alpha"), "c": N(99)}]}))),
    ("deletes and puts across two tables", "[T1] batchWriteItem/basic",
     ("BatchWriteItem", {"RequestItems": {
         "Hash": [{"DeleteRequest": {"Key": pk("bg-%d" % i)}} for i in range(3)] +
                 [{"PutRequest": {"Item": {"pk": S("bw-mix-put"), "val": S("new")}}}],
         "Comp": [{"PutRequest": {"Item": {"pk": S("bw-multi-c1"), "sk": S("a"), "val": S("c1")}}}]}},
      ok(UnprocessedItems={}))),
    ("a batch-deleted item is gone", "[T1] batchWriteItem/basic", get("Hash", pk("bg-0"), None)),
    ("the untouched item stays", "[T1] batchWriteItem/basic", get("Hash", pk("bg-3"), {"pk": S("bg-3"), "val": N(30)})),
    ("the other table's put landed", "[T1] batchWriteItem/basic",
     get("Comp", {"pk": S("bw-multi-c1"), "sk": S("a")}, {"pk": S("bw-multi-c1"), "sk": S("a"), "val": S("c1")})),

    # DeleteItem
    ("a delete of a met condition", "[T1] deleteItem/basic",
     put("Hash", {"pk": S("del-cond-1"), "status": S("pending")})),
    ("a delete of a met condition", "[T1] deleteItem/basic",
     ("DeleteItem", {"TableName": "Hash", "Key": pk("del-cond-1"), "ConditionExpression": "#s = :v",
                     "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":v": S("pending")}},
      ok(Attributes=None))),
    ("the deleted item is gone", "[T1] deleteItem/basic", get("Hash", pk("del-cond-1"), None)),
    ("a composite item deleted", "[T1] deleteItem/basic",
     ("DeleteItem", {"TableName": "Comp", "Key": {"pk": S("put-comp-1"), "sk": S("sort-1")}}, ok())),
    ("the composite item is gone", "[T1] deleteItem/basic", get("Comp", {"pk": S("put-comp-1"), "sk": S("sort-1")}, None)),

    # UpdateItem
    ("SET on a missing item creates it", "[T1] updateItem/basic",
     upd("upd-set", "SET #d = :v", {":v": S("created-via-update")}, {"#d": "data"})),
    ("the upserted item", "[T1] updateItem/basic",
     get("Hash", pk("upd-set"), {"pk": S("upd-set"), "data": S("created-via-update")})),
    ("seed for updates", "[T1] updateItem/basic",
     put("Hash", {"pk": S("upd-set"), "data": S("original"), "existing": S("keep-me"), "counter": N(10),
                  "myval": S("original"), "vals": {"L": [S("a"), S("b")]}})),
    ("SET, arithmetic, if_not_exists, list_append in one update", "[T1] updateItem/basic",
     upd("upd-set", "SET #d = :v, newAttr = :n, #c = #c + :inc, existing = if_not_exists(existing, :def), "
                    "newone = if_not_exists(newone, :def2), #bk = if_not_exists(#bk, #mv), vals = list_append(vals, :more)",
         {":v": S("modified"), ":n": N(100), ":inc": N(5), ":def": S("default"), ":def2": S("created"),
          ":more": {"L": [S("c"), S("d")]}},
         {"#d": "data", "#c": "counter", "#bk": "backup", "#mv": "myval"}, ReturnValues="ALL_NEW")[:2] +
     (ok(Attributes={"pk": S("upd-set"), "data": S("modified"), "existing": S("keep-me"), "counter": N(15),
                     "myval": S("original"), "vals": {"L": [S("a"), S("b"), S("c"), S("d")]}, "newAttr": N(100),
                     "newone": S("created"), "backup": S("original")}),)),
    ("REMOVE an attribute, a missing one and a missing nested path", "[T1] updateItem/basic",
     put("Hash", {"pk": S("upd-rem"), "keep": S("yes"), "drop": S("no"), "mapAttr": {"M": {"realKey": S("value")}}})),
    ("REMOVE an attribute, a missing one and a missing nested path", "[T1] updateItem/basic",
     upd("upd-rem", "REMOVE #d, #g, #m.#n", names={"#d": "drop", "#g": "ghostAttr", "#m": "mapAttr", "#n": "nonexistent"})),
    ("only the existing attribute went", "[T1] updateItem/basic",
     get("Hash", pk("upd-rem"), {"pk": S("upd-rem"), "keep": S("yes"), "mapAttr": {"M": {"realKey": S("value")}}})),
    ("ADD to a number, a new number and a string set", "[T1] updateItem/basic",
     put("Hash", {"pk": S("upd-add"), "count": N(10), "tags": {"SS": ["a", "b"]}})),
    ("ADD to a number, a new number and a string set", "[T1] updateItem/basic",
     upd("upd-add", "ADD #c :v, #n :ten, tags :more", {":v": N(3), ":ten": N(10), ":more": {"SS": ["c", "d"]}},
         {"#c": "count", "#n": "counter"})),
    ("the ADDs applied", "[T1] updateItem/basic",
     ("GetItem", {"TableName": "Hash", "Key": pk("upd-add")},
      check(lambda o: (o["Item"]["count"], o["Item"]["counter"], sorted(o["Item"]["tags"]["SS"])) ==
            (N(13), N(10), ["a", "b", "c", "d"])))),
    ("DELETE some set members keeps the rest", "[T1] updateItem/basic",
     upd("upd-add", "DELETE #t :v", {":v": {"SS": ["b"]}}, {"#t": "tags"})),
    ("DELETE some set members keeps the rest", "[T1] updateItem/basic",
     ("GetItem", {"TableName": "Hash", "Key": pk("upd-add")},
      check(lambda o: sorted(o["Item"]["tags"]["SS"]) == ["a", "c", "d"]))),
    ("UPDATED_OLD gives only the changed attribute", "[T1] updateItem/basic",
     put("Hash", {"pk": S("upd-ret"), "x": N(1), "y": S("keep")})),
    ("UPDATED_OLD gives only the changed attribute", "[T1] updateItem/basic",
     upd("upd-ret", "SET x = :v", {":v": N(2)}, ReturnValues="UPDATED_OLD")[:2] + (ok(Attributes={"x": N(1)}),)),
    ("UPDATED_NEW gives only the changed attribute", "[T1] updateItem/basic",
     upd("upd-ret", "SET x = :v", {":v": N(3)}, ReturnValues="UPDATED_NEW")[:2] + (ok(Attributes={"x": N(3)}),)),
    ("a second SET reads the value before the update", "[T1] updateItem/basic",
     upd("upd-ret", "SET y = :v, b = y", {":v": S("NEW")}, ReturnValues="ALL_NEW")[:2] +
     (ok(Attributes={"pk": S("upd-ret"), "x": N(3), "y": S("NEW"), "b": S("keep")}),)),
    ("parenthesised arithmetic and arithmetic on if_not_exists", "[T1] updateItem/basic",
     upd("upd-ret", "SET x = (x - :v), z = if_not_exists(z, :d) - :amt", {":v": N(1), ":d": N(0), ":amt": N(3)},
         ReturnValues="UPDATED_NEW")[:2] + (ok(Attributes={"x": N(2), "z": N(-3)}),)),
    ("list_append of if_not_exists on a missing list, and a prepend", "[T1] updateItem/basic",
     upd("upd-ret", "SET mylist = list_append(if_not_exists(mylist, :empty), :more), pre = list_append(:a, :bc)",
         {":empty": {"L": []}, ":more": {"L": [S("x")]}, ":a": {"L": [S("a")]}, ":bc": {"L": [S("b"), S("c")]}},
         ReturnValues="UPDATED_NEW")[:2] +
     (ok(Attributes={"mylist": {"L": [S("x")]}, "pre": {"L": [S("a"), S("b"), S("c")]}}),)),

    # UpdateItem conditions
    ("seed for update conditions", "[T1] updateItem/conditions",
     put("Hash", {"pk": S("upd-cond"), "status": S("active"), "score": N(50)})),
    ("a condition that holds updates", "[T1] updateItem/conditions",
     upd("upd-cond", "SET #d = :v, score = :s", {":v": S("updated"), ":expected": S("active"), ":s": N(100), ":min": N(10)},
         {"#d": "data", "#s": "status"}, ConditionExpression="#s = :expected AND score > :min")),
    ("a condition that fails", "[T1] updateItem/conditions",
     ccf(upd("upd-cond", "SET extra = :v", {":v": {"BOOL": True}, ":status": S("active"), ":min": N(200)},
             {"#s": "status"}, ConditionExpression="#s = :status AND score > :min"))),
    ("attribute_not_exists of a missing attribute holds", "[T1] updateItem/conditions",
     upd("upd-cond", "SET locked = :v", {":v": {"BOOL": True}}, ConditionExpression="attribute_not_exists(locked)")),
    ("attribute_not_exists of it then fails", "[T1] updateItem/conditions",
     ccf(upd("upd-cond", "SET locked = :v", {":v": {"BOOL": True}}, ConditionExpression="attribute_not_exists(locked)"))),
    ("only the passing updates applied", "[T1] updateItem/conditions",
     get("Hash", pk("upd-cond"), {"pk": S("upd-cond"), "status": S("active"), "score": N(100), "data": S("updated"),
                                  "locked": {"BOOL": True}})),
    ("attribute_exists on a missing item fails and creates nothing", "[T1] updateItem/conditions",
     ccf(upd("upd-cond-noexist", "ADD hit_count :inc", {":inc": N(1)}, ConditionExpression="attribute_exists(pk)"))),
    ("attribute_exists on a missing item fails and creates nothing", "[T1] updateItem/conditions",
     get("Hash", pk("upd-cond-noexist"), None)),

    # UpdateItem paths
    ("seed for paths", "[T1] updateItem/paths",
     put("Hash", {"pk": S("path"), "mymap": {"M": {"nested": S("old"), "counter": N(10), "gone": S("x"), "keep": S("k")}},
                  "a": {"M": {"b": {"M": {"c": S("old")}}}}, "mylist": {"L": [S("a"), S("b"), S("c"), S("d")]},
                  "short": {"L": [S("x"), S("y")]}, "empty": {"L": []}})),
    ("SET through a missing map fails", "[T1] updateItem/paths; the wording: [AV] API_TransactWriteItems "
     "(TransactionCanceledException reasons)",
     fails(upd("path", "SET #a.#b.#c = :v", {":v": S("test")}, {"#a": "missing", "#b": "nested", "#c": "deep"}),
           "The document path provided in the update expression is invalid for update")),
    ("SET of the same path twice fails", "[T1] updateItem/paths; the wording: [ALT] test_update_expression.py",
     fails(upd("path", "SET #v = :a, #v = :b", {":a": S("first"), ":b": S("second")}, {"#v": "val"}),
           "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: [val], path two: [val]")),
    ("nested SETs, arithmetic, SET into an empty list, REMOVEs of a member and of elements", "[T1] updateItem/paths",
     upd("path", "SET #m.#n = :v, #a.#b.#cc = :new, #m.#c = #m.#c + :inc, #e[0] = :first, "
                 "mymap.child = :child REMOVE #m.#gone, #l[1], #s[1]",
         {":v": S("updated"), ":new": S("new"), ":inc": N(5), ":first": S("first"), ":child": S("nested")},
         {"#m": "mymap", "#n": "nested", "#a": "a", "#b": "b", "#cc": "c", "#c": "counter", "#e": "empty", "#gone": "gone", "#l": "mylist", "#s": "short"})),
    ("every path landed where DynamoDB puts it", "[T1] updateItem/paths",
     get("Hash", pk("path"), {"pk": S("path"),
                              "mymap": {"M": {"nested": S("updated"), "counter": N(15), "keep": S("k"), "child": S("nested")}},
                              "a": {"M": {"b": {"M": {"c": S("new")}}}}, "mylist": {"L": [S("a"), S("c"), S("d")]},
                              "short": {"L": [S("x")]}, "empty": {"L": [S("first")]}})),
]

# Items the rows read or guard: (table, item).
SETUP = [
    ("Hash", {"pk": S("proj-val"), "a": {"M": {"b": S("bb")}}, "l": {"L": [S("l0"), S("l1"), S("l2")]}}),
    ("Hash", {"pk": S("del-ret-1"), "data": S("old-data")}),
    ("Hash", {"pk": S("em-ccf-del"), "attr1": S("keep")}),
    ("Hash", {"pk": S("em-ccf-upd"), "attr1": S("original")}),
] + [("Hash", {"pk": S(k), "status": S("active")})
     for k in ("del-cep-percond", "del-cep-fullwrap", "del-cep-nested", "del-cep-fail")]

# After an operation's rows, these items are as SETUP wrote them (or absent, None): (op, table, key, item).
AFTER = [
    ("DeleteItem", "Hash", pk("em-ccf-del"), {"pk": S("em-ccf-del"), "attr1": S("keep")}),
    ("DeleteItem", "Hash", pk("del-cep-fail"), {"pk": S("del-cep-fail"), "status": S("active")}),
    ("DeleteItem", "Hash", pk("del-cep-percond"), None),
    ("DeleteItem", "Hash", pk("del-ret-1"), None),
    ("UpdateItem", "Hash", pk("em-ccf-upd"), {"pk": S("em-ccf-upd"), "attr1": S("original")}),
    ("UpdateItem", "Hash", pk("upd-val"), None),
    ("BatchWriteItem", "Hash", pk("em-bw-dup"), None),
    ("BatchWriteItem", "Hash", pk("dup-key"), None),
    ("BatchWriteItem", "Hash", pk("bw-0"), None),
    ("BatchWriteItem", "Comp", {"pk": S("em-bw-idx-type"), "sk": S("a")}, None),
    ("BatchWriteItem", "GsiB", pk("eb-bw-idx"), None),
    ("PutItem", "Hash", pk("t"), None),
]


def attr(name, typ):
    return {"AttributeName": name, "AttributeType": typ}


def keyschema(h, r=None):
    return [{"AttributeName": h, "KeyType": "HASH"}] + ([{"AttributeName": r, "KeyType": "RANGE"}] if r else [])


TABLES = [
    {"TableName": "Hash", "AttributeDefinitions": [attr("pk", "S")], "KeySchema": keyschema("pk")},
    {"TableName": "Prov", "AttributeDefinitions": [attr("pk", "S")], "KeySchema": keyschema("pk"),
     "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
    {"TableName": "HashB", "AttributeDefinitions": [attr("pk", "B")], "KeySchema": keyschema("pk")},
    {"TableName": "Comp", "AttributeDefinitions": [attr("pk", "S"), attr("sk", "S"), attr("lsi1sk", "S"),
                                                   attr("lsi2sk", "S")],
     "KeySchema": keyschema("pk", "sk"),
     "LocalSecondaryIndexes": [
         {"IndexName": "lsi1", "KeySchema": keyschema("pk", "lsi1sk"), "Projection": {"ProjectionType": "ALL"}},
         {"IndexName": "lsi2", "KeySchema": keyschema("pk", "lsi2sk"),
          "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["lsi1sk"]}}],
     "GlobalSecondaryIndexes": [
         {"IndexName": "gsi1", "KeySchema": keyschema("lsi1sk"), "Projection": {"ProjectionType": "ALL"}},
         {"IndexName": "gsi2", "KeySchema": keyschema("lsi1sk", "lsi2sk"),
          "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["data"]}}]},
    {"TableName": "HashN", "AttributeDefinitions": [attr("pk", "N")], "KeySchema": keyschema("pk")},
    {"TableName": "CompB", "AttributeDefinitions": [attr("pk", "S"), attr("sk", "B")], "KeySchema": keyschema("pk", "sk")},
    {"TableName": "GsiB", "AttributeDefinitions": [attr("pk", "S"), attr("bidx", "B")], "KeySchema": keyschema("pk"),
     "GlobalSecondaryIndexes": [
         {"IndexName": "gsib", "KeySchema": keyschema("bidx"), "Projection": {"ProjectionType": "ALL"}}]},
]


class NcfItems(RowsMixin, NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for t in TABLES:
            if "ProvisionedThroughput" not in t:
                t = dict(t, BillingMode="PAY_PER_REQUEST")
            status, out = cls.nimbus.ddb_call("CreateTable", t)
            assert status == 200, out
        put_setup(cls.nimbus, SETUP)

    def check(self, op, body, want):
        status, out = self.raw(op, body)
        if want[0] == "P":
            self.assertEqual(status, want[2], out)
            self.assertTrue(want[1](out), out)
        elif want[0] == "E":
            self.assert_error(status, out, want[1], want[2])
        else:   # the named members as given; None: absent
            self.assertEqual(status, 200, out)
            self.assertEqual({m: out.get(m) for m in want[1]}, want[1])

    def run_group(self, *ops):
        self.run_rows(CHECKS, *ops)
        for op, table, key, want in AFTER:
            if op in ops:
                with self.subTest(op=op, after=key):
                    status, out = self.raw("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
                    self.assertEqual(status, 200, out)
                    self.assertEqual(out.get("Item"), want)

    def test_item_behaviour(self):
        """STEPS in order: each write, then what reads see."""
        for i, (what, _src, (op, body, want)) in enumerate(STEPS):
            with self.subTest(step=i, op=op, check=what):
                self.check(op, body, want)

    def test_rows_are_unique(self):
        """No two rows of one operation share a description."""
        seen = [(c[0], c[1]) for c in CHECKS]
        self.assertEqual(len(seen), len(set(seen)))

    def test_put_item(self):
        self.run_group("PutItem")

    def test_get_item(self):
        self.run_group("GetItem", "Scan")

    def test_delete_item(self):
        self.run_group("DeleteItem")

    def test_update_item(self):
        self.run_group("UpdateItem")

    def test_batch_get_item(self):
        self.run_group("BatchGetItem")

    def test_batch_write_item(self):
        self.run_group("BatchWriteItem")

    def test_create_table(self):
        self.run_group("CreateTable")
        status, out = self.raw("ListTables", {})
        rejected = {c[3].get("TableName") for c in CHECKS if c[0] == "CreateTable"} - {"Hash"}
        self.assertFalse(rejected & set(out["TableNames"]))

    def test_update_describe_delete_table_errors(self):
        self.run_group("UpdateTable", "DescribeTable", "DeleteTable")
        pt = self.describe("Prov")["ProvisionedThroughput"]   # the refused updates changed nothing
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (5, 5))

    def create(self, name, **extra):
        body = {"TableName": name, "AttributeDefinitions": [attr("pk", "S")], "KeySchema": keyschema("pk")}
        body.update(extra)
        if "ProvisionedThroughput" not in body and "BillingMode" not in body:
            body["BillingMode"] = "PAY_PER_REQUEST"
        status, out = self.raw("CreateTable", body)
        self.assertEqual(status, 200, out)
        return out["TableDescription"]

    def describe(self, name):
        status, out = self.raw("DescribeTable", {"TableName": name})
        self.assertEqual(status, 200, out)
        return out["Table"]

    def delete(self, name):
        status, out = self.raw("DeleteTable", {"TableName": name})
        self.assertEqual(status, 200, out)
        self.assertEqual(out["TableDescription"]["TableName"], name)
        self.assertEqual(self.raw("DescribeTable", {"TableName": name})[0], 400)
        self.assertNotIn(name, self.raw("ListTables", {})[1]["TableNames"])

    def test_create_table_configuration_round_trips(self):
        """[T1] createTable/config: DescribeTable reports what CreateTable set, and the defaults."""
        self.create("ct_config_set", DeletionProtectionEnabled=True, TableClass="STANDARD_INFREQUENT_ACCESS",
                    OnDemandThroughput={"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5})
        t = self.describe("ct_config_set")
        self.assertIs(t["DeletionProtectionEnabled"], True)
        self.assertEqual(t["TableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS")
        self.assertEqual(t["OnDemandThroughput"], {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5})
        self.create("ct_config_default")
        t = self.describe("ct_config_default")
        self.assertIs(t.get("DeletionProtectionEnabled", False), False)
        self.assertEqual(t.get("TableClassSummary", {}).get("TableClass", "STANDARD"), "STANDARD")
        self.assertNotIn("SSEDescription", t)
        self.create("ct_config_sse", SSESpecification={"Enabled": True})
        sse = self.describe("ct_config_sse")["SSEDescription"]
        self.assertEqual((sse["Status"], sse["SSEType"]), ("ENABLED", "KMS"))
        self.assertRegex(sse["KMSMasterKeyArn"], r"^arn:aws:kms:us-east-1:\d{12}:key/[0-9a-f-]{36}$")
        # the key is the account's AWS managed key for DynamoDB, made on first use and then shared
        # (its description as AWS gives it: a terraform state of the real key in the search corpus)
        kms = self.nimbus.client("kms")
        meta = kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
        self.assertEqual((meta["Arn"], meta["KeyManager"], meta["Description"]),
                         (sse["KMSMasterKeyArn"], "AWS",
                          "Default key that protects my DynamoDB data when no other key is defined"))
        self.create("ct_config_sse2", SSESpecification={"Enabled": True, "SSEType": "KMS"})
        self.assertEqual(self.describe("ct_config_sse2")["SSEDescription"]["KMSMasterKeyArn"], sse["KMSMasterKeyArn"])
        self.delete("ct_config_sse2")
        # [T1] createTable/basic: a TableId, the same from CreateTable and every DescribeTable
        created = self.create("ct_tableid")
        self.assertTrue(created["TableId"])
        self.assertEqual(self.describe("ct_tableid")["TableId"], created["TableId"])
        self.assertEqual(self.describe("ct_tableid")["TableId"], created["TableId"])
        for name in ("ct_config_default", "ct_config_sse", "ct_tableid"):
            self.delete(name)
        # [T1] updateTable/config: deletion protection blocks DeleteTable until it is turned off
        status, out = self.raw("DeleteTable", {"TableName": "ct_config_set"})
        self.assertEqual((status, out["__type"].split("#")[-1]), (400, V))
        self.assertIn("protected against deletion", out["message"])
        status, out = self.raw("UpdateTable", {"TableName": "ct_config_set", "DeletionProtectionEnabled": False})
        self.assertEqual(status, 200, out)
        self.delete("ct_config_set")

    def test_update_table_configuration(self):
        """[T1] updateTable/config and updateTable/basic: what UpdateTable changes, DescribeTable reports."""
        self.create("ut_config", OnDemandThroughput={"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 5})
        for change in ({"DeletionProtectionEnabled": True}, {"DeletionProtectionEnabled": False},
                       {"TableClass": "STANDARD_INFREQUENT_ACCESS"},
                       {"OnDemandThroughput": {"MaxReadRequestUnits": 20, "MaxWriteRequestUnits": 15}},
                       {"BillingMode": "PAY_PER_REQUEST"}):
            with self.subTest(change=change):
                status, out = self.raw("UpdateTable", dict(change, TableName="ut_config"))
                self.assertEqual(status, 200, out)
        t = self.describe("ut_config")
        self.assertEqual((t["TableStatus"], t["DeletionProtectionEnabled"]), ("ACTIVE", False))
        self.assertEqual(t["TableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS")
        self.assertEqual(t["OnDemandThroughput"], {"MaxReadRequestUnits": 20, "MaxWriteRequestUnits": 15})
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        # provisioned throughput changes, and billing mode both ways
        self.create("ut_prov", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        status, out = self.raw("UpdateTable", {"TableName": "ut_prov", "ProvisionedThroughput": {
            "ReadCapacityUnits": 20, "WriteCapacityUnits": 15}})
        self.assertEqual(status, 200, out)
        pt = self.describe("ut_prov")["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (20, 15))
        status, out = self.raw("UpdateTable", {"TableName": "ut_prov", "BillingMode": "PAY_PER_REQUEST"})
        self.assertEqual(status, 200, out)
        t = self.describe("ut_prov")
        self.assertEqual((t["TableStatus"], t["BillingModeSummary"]["BillingMode"]), ("ACTIVE", "PAY_PER_REQUEST"))
        status, out = self.raw("UpdateTable", {"TableName": "ut_prov", "BillingMode": "PROVISIONED",
                                               "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}})
        self.assertEqual(status, 200, out)
        pt = self.describe("ut_prov")["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (5, 5))
        self.delete("ut_config")
        self.delete("ut_prov")

    def test_describe_table_shapes(self):
        """[T1] describeTable/basic and createTable/{basic,gsi,lsi}: the description's members."""
        t = self.describe("Hash")
        self.assertEqual((t["TableName"], t["TableStatus"]), ("Hash", "ACTIVE"))
        self.assertEqual(t["KeySchema"], keyschema("pk"))
        self.assertEqual(t["AttributeDefinitions"], [attr("pk", "S")])
        for member in ("TableArn", "CreationDateTime", "ItemCount", "TableSizeBytes", "TableId"):
            self.assertIn(member, t)
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        c = self.describe("Comp")
        self.assertEqual(len(c["KeySchema"]), 2)
        self.assertEqual([i["IndexName"] for i in c["LocalSecondaryIndexes"]], ["lsi1", "lsi2"])
        self.assertEqual(c["LocalSecondaryIndexes"][0]["KeySchema"], keyschema("pk", "lsi1sk"))
        self.assertEqual(len(c["GlobalSecondaryIndexes"]), 2)
        for g in c["GlobalSecondaryIndexes"]:
            self.assertEqual(g["IndexStatus"], "ACTIVE")
            self.assertIn("KeySchema", g)
            self.assertIn("Projection", g)
        g2 = [g for g in c["GlobalSecondaryIndexes"] if g["IndexName"] == "gsi2"][0]
        self.assertEqual(g2["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["data"]})

    def test_list_tables(self):
        """[T1] listTables/basic: names in order, Limit and ExclusiveStartTableName page through them."""
        status, out = self.raw("ListTables", {})
        names = out["TableNames"]
        self.assertEqual(names, sorted(names))
        self.assertIn("Hash", names)
        status, first = self.raw("ListTables", {"Limit": 1})
        self.assertEqual((len(first["TableNames"]), first["LastEvaluatedTableName"]), (1, first["TableNames"][0]))
        status, second = self.raw("ListTables", {"Limit": 1, "ExclusiveStartTableName": first["LastEvaluatedTableName"]})
        self.assertEqual(len(second["TableNames"]), 1)
        self.assertNotEqual(second["TableNames"], first["TableNames"])


if __name__ == "__main__":
    unittest.main()
