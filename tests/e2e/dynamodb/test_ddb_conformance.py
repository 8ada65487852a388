"""DynamoDB conformance audit through boto3: the places emulators usually
diverge from the real service, each stated as what DynamoDB answers (AWS's
documentation and error strings captured from the real service).

The first class holds divergences nimbus had and no longer has; the second
the checks that already held when audited (kept so they keep holding)."""
import re
import unittest

import botocore.exceptions
from harness import NimbusTestCase

V = "ValidationException"
SCHEMA = "The provided key element does not match the schema"


def S(s):
    return {"S": s}


def nest(levels):
    """An attribute value nested `levels` deep (the attribute itself is level 1)."""
    v = S("leaf")
    for _ in range(levels - 1):
        v = {"M": {"a": v}}
    return v


class DdbCase(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ddb = cls.nimbus.client("dynamodb")
        ddb.create_table(TableName="Conf", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        ddb.create_table(TableName="ConfB", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "B"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        # The LSI is declared first: the index DynamoDB names is the alphabetically first one.
        ddb.create_table(TableName="ConfIdx",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "sk", "AttributeType": "N"},
                                               {"AttributeName": "ik", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}],
                         LocalSecondaryIndexes=[{"IndexName": "lsi1", "KeySchema": [
                             {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "ik", "KeyType": "RANGE"}],
                             "Projection": {"ProjectionType": "ALL"}}],
                         GlobalSecondaryIndexes=[{"IndexName": "gsi1", "KeySchema": [
                             {"AttributeName": "ik", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                         BillingMode="PAY_PER_REQUEST")

    def setUp(self):
        self.ddb = self.nimbus.client("dynamodb")

    def err(self, fn, **kw):
        r = self.client_error(fn, **kw)
        return r["Error"]["Code"], r["Error"]["Message"]

    def raw(self, op, body):
        """A request boto3 would refuse to send (or that needs a member its model lacks)."""
        return self.nimbus.ddb_call(op, body, timeout=10)


class FixedDivergences(DdbCase):
    def test_delete_missing_table_names_it(self):
        self.assertEqual(self.err(self.ddb.delete_table, TableName="NoSuchTable"),
                         ("ResourceNotFoundException", "Requested resource not found: Table: NoSuchTable not found"))

    def test_empty_request_items(self):
        for op in ("BatchGetItem", "BatchWriteItem"):
            status, out = self.raw(op, {"RequestItems": {}})
            self.assertEqual(status, 400)
            self.assertEqual(out["message"], "The requestItems parameter is required for " + op)

    def test_batch_get_over_100_keys(self):
        keys = [{"id": S(str(i))} for i in range(101)]
        self.assertEqual(self.err(self.ddb.batch_get_item, RequestItems={"Conf": {"Keys": keys}}),
                         (V, "1 validation error detected: Value at 'RequestItems.Conf.member.Keys' failed to "
                             "satisfy constraint: Member must have length less than or equal to 100"))
        # 100 keys per table at most, 100 in all
        self.assertEqual(self.err(self.ddb.batch_get_item, RequestItems={
            "Conf": {"Keys": keys[:60]}, "ConfIdx": {"Keys": [{"pk": S(str(i)), "sk": {"N": "1"}} for i in range(60)]}}),
            (V, "Too many items requested for the BatchGetItem call"))

    def test_batch_write_over_25_requests(self):
        code, msg = self.err(self.ddb.batch_write_item, RequestItems={
            "Conf": [{"PutRequest": {"Item": {"id": S("bw-%d" % i)}}} for i in range(26)]})
        self.assertEqual(code, V)
        self.assertRegex(msg, re.compile(
            r"^1 validation error detected: Value '\{Conf=\[WriteRequest\(putRequest=PutRequest\(item=\{id=.+\]\}' "
            r"at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \[Member must have "
            r"length less than or equal to 25, Member must have length greater than or equal to 1\]$", re.S))

    def test_batch_write_put_with_mistyped_key(self):
        for key in ({"N": "5"}, {"L": [S("x")]}):
            self.assertEqual(self.err(self.ddb.batch_write_item, RequestItems={
                "Conf": [{"PutRequest": {"Item": {"id": key}}}]}), (V, SCHEMA))
        # PutItem words the same mistake as a type mismatch
        self.assertEqual(self.err(self.ddb.put_item, TableName="Conf", Item={"id": {"L": [S("x")]}}),
                         (V, "One or more parameter values were invalid: Type mismatch for key id expected: S actual: L"))

    def test_index_key_errors_name_the_alphabetically_first_index(self):
        base = {"pk": S("p"), "sk": {"N": "1"}}
        self.assertEqual(self.err(self.ddb.put_item, TableName="ConfIdx", Item=dict(base, ik={"N": "5"})),
                         (V, "One or more parameter values were invalid: Type mismatch for Index Key ik Expected: S "
                             "Actual: N IndexName: gsi1"))
        self.assertEqual(self.err(self.ddb.batch_write_item, RequestItems={
            "ConfIdx": [{"PutRequest": {"Item": dict(base, ik={"L": [S("x")]})}}]}),
            (V, "One or more parameter values were invalid: Type mismatch for Index Key ik Expected: S "
                "Actual: L IndexName: gsi1"))
        self.assertEqual(self.err(self.ddb.put_item, TableName="ConfIdx", Item=dict(base, ik=S(""))),
                         (V, "One or more parameter values are not valid. A value specified for a secondary index key "
                             "is not supported. The AttributeValue for a key attribute cannot contain an empty string "
                             "value. IndexName: gsi1, IndexKey: ik"))
        self.assertNotIn("Item", self.ddb.get_item(TableName="ConfIdx", Key=base))

    def test_batch_get_mixing_projection_styles_across_tables(self):
        mix = ("Can not use both expression and non-expression parameters in the same request: "
               "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
        self.assertEqual(self.err(self.ddb.batch_get_item, RequestItems={
            "Conf": {"Keys": [{"id": S("a")}], "ProjectionExpression": "id"},
            "ConfIdx": {"Keys": [{"pk": S("a"), "sk": {"N": "1"}}], "AttributesToGet": ["pk"]}}), (V, mix))
        self.assertEqual(self.err(self.ddb.batch_get_item, RequestItems={
            "Conf": {"Keys": [{"id": S("a")}], "ProjectionExpression": "id", "AttributesToGet": ["id"]}}), (V, mix))

    def test_duplicate_binary_set_members(self):
        self.assertEqual(self.err(self.ddb.put_item, TableName="Conf", Item={"id": S("bs"), "v": {"BS": [b"", b""]}}),
                         (V, "One or more parameter values were invalid: Input collection [, ]of type BS contains "
                             "duplicates."))
        self.assertEqual(self.err(self.ddb.put_item, TableName="Conf", Item={"id": S("ss"), "v": {"SS": ["", ""]}}),
                         (V, "One or more parameter values were invalid: Input collection [, ] contains duplicates."))

    def test_return_values_enum_order(self):
        self.assertEqual(self.err(self.ddb.update_item, TableName="Conf", Key={"id": S("rv")},
                                  UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": S("x")},
                                  ReturnValues="BAD"),
                         (V, "1 validation error detected: Value 'BAD' at 'returnValues' failed to satisfy constraint: "
                             "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"))


    def test_expression_operator_limits(self):
        v = {":a": S("x")}
        self.assertEqual(self.err(self.ddb.scan, TableName="Conf", ExpressionAttributeValues=v,
                                  FilterExpression="a IN (" + ", ".join([":a"] * 101) + ")"),
                         (V, "Invalid FilterExpression: The IN operator is provided with too many operands; "
                             "number of operands: 101"))
        self.ddb.scan(TableName="Conf", ExpressionAttributeValues=v,
                      FilterExpression="a IN (" + ", ".join([":a"] * 100) + ")")
        # 300 operators or functions at most: 150 comparisons joined by 149 ORs pass, one more fails
        self.ddb.scan(TableName="Conf", ExpressionAttributeValues=v, FilterExpression=" OR ".join(["a = :a"] * 150))
        self.assertEqual(self.err(self.ddb.scan, TableName="Conf", ExpressionAttributeValues=v,
                                  FilterExpression=" OR ".join(["a = :a"] * 150) + " OR attribute_exists(b)"),
                         (V, "Invalid FilterExpression: The expression contains too many operators; operator count: 301"))
        self.assertEqual(self.err(self.ddb.delete_item, TableName="Conf", Key={"id": S("x")}, ExpressionAttributeValues=v,
                                  ConditionExpression=" AND ".join(["a < :a"] * 151)),
                         (V, "Invalid ConditionExpression: The expression contains too many operators; operator "
                             "count: 301"))

    def test_request_shape_errors_in_dynamodb_order(self):
        rv = ("Value 'INVALID' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: "
              "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
        rcc = ("Value 'INVALID' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum "
               "value set: [INDEXES, TOTAL, NONE]")
        ricm = ("Value 'INVALID' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy "
                "enum value set: [SIZE, NONE]")
        empty = "Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to "
        bad = "INVALID"
        cases = [
            ("PutItem", {"TableName": "Conf", "Item": {"id": S("x")}, "ReturnValues": bad, "ReturnConsumedCapacity": bad,
                         "ReturnItemCollectionMetrics": bad}, "3 validation errors detected: %s; %s; %s" % (rv, rcc, ricm)),
            ("PutItem", {"TableName": "", "Item": {}, "ReturnValues": bad},
             "2 validation errors detected: %s; %s1" % (rv, empty)),
            ("DeleteItem", {"TableName": "Conf", "Key": {"id": S("x")}, "ReturnValues": bad, "ReturnConsumedCapacity": bad},
             "2 validation errors detected: %s; %s" % (rv, rcc)),
            ("UpdateItem", {"TableName": "Conf", "Key": {"id": S("x")}, "ReturnValues": bad, "ReturnConsumedCapacity": bad},
             "2 validation errors detected: %s; %s" % (rcc, rv)),
            # the table operations take a name or an ARN (minimum length 1); CreateTable only a name
            ("DeleteItem", {"TableName": "", "Key": {}}, "1 validation error detected: %s1" % empty),
            ("DescribeTable", {"TableName": ""}, "1 validation error detected: %s1" % empty),
            ("CreateTable", {"TableName": "", "BillingMode": "PAY_PER_REQUEST",
                             "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}],
                             "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]},
             "1 validation error detected: %s3" % empty),
            ("Query", {"TableName": "Conf", "KeyConditionExpression": "id = :v", "ExpressionAttributeValues": {":v": S("x")},
                       "Select": "INVALID_VALUE"},
             "1 validation error detected: Value 'INVALID_VALUE' at 'select' failed to satisfy constraint: Member must "
             "satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"),
        ]
        for op, body, msg in cases:
            status, out = self.raw(op, body)
            self.assertEqual((status, out["__type"].split("#")[-1], out["message"]), (400, V, msg), op)


class HeldChecks(DdbCase):
    def test_empty_values_in_keys_and_attributes(self):
        msg = ("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
               "an empty %s value. Key: id")
        self.assertEqual(self.err(self.ddb.put_item, TableName="Conf", Item={"id": S("")}), (V, msg % "string"))
        self.assertEqual(self.err(self.ddb.get_item, TableName="Conf", Key={"id": S("")}), (V, msg % "string"))
        self.assertEqual(self.err(self.ddb.put_item, TableName="ConfB", Item={"id": {"B": b""}}), (V, msg % "binary"))
        self.assertEqual(self.err(self.ddb.batch_write_item, RequestItems={
            "ConfB": [{"DeleteRequest": {"Key": {"id": {"B": b""}}}}]}), (V, msg % "binary"))
        item = {"id": S("empties"), "s": S(""), "b": {"B": b""}, "l": {"L": [S("")]}, "m": {"M": {"k": S("")}},
                "ss": {"SS": ["", "a"]}, "z": {"NULL": False}}
        self.ddb.put_item(TableName="Conf", Item=item)
        got = self.ddb.get_item(TableName="Conf", Key={"id": S("empties")})["Item"]
        self.assertEqual(got["s"], S(""))
        self.assertEqual(got["b"], {"B": b""})
        self.assertEqual(got["m"], {"M": {"k": S("")}})
        self.assertEqual(got["z"], {"NULL": True})

    def test_numbers(self):
        canon = {"1.0": "1", "-0": "0", "007": "7", "0.10": "0.1", "1e2": "100", "-1.50e3": "-1500", "0.000": "0",
                 "12345678901234567890123456789012345678": "12345678901234567890123456789012345678",
                 "9.9999E+125": "99999" + "0" * 121}
        for given, stored in canon.items():
            self.ddb.put_item(TableName="Conf", Item={"id": S("n"), "v": {"N": given}})
            self.assertEqual(self.ddb.get_item(TableName="Conf", Key={"id": S("n")})["Item"]["v"], {"N": stored}, given)
        bad = {"1E+126": "Number overflow. Attempting to store a number with magnitude larger than supported range",
               "1E-131": "Number underflow. Attempting to store a number with magnitude smaller than supported range",
               "123456789012345678901234567890123456789": "Attempting to store more than 38 significant digits in a "
                                                          "Number",
               "abc": "The parameter cannot be converted to a numeric value: abc",
               "": "The parameter cannot be converted to a numeric value"}
        for given, msg in bad.items():
            self.assertEqual(self.err(self.ddb.put_item, TableName="Conf", Item={"id": S("n"), "v": {"N": given}}),
                             (V, msg), given)

    def test_sets_and_nesting(self):
        cases = [({"SS": ["a", "a"]}, "One or more parameter values were invalid: Input collection [a, a] contains "
                                      "duplicates."),
                 ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
                 ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
                 ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
                 ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, must contain "
                                        "exactly one of the supported datatypes"),
                 ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
                 (nest(33), "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
                            "levels beyond supported limit")]
        for v, msg in cases:
            self.assertEqual(self.err(self.ddb.put_item, TableName="Conf", Item={"id": S("set"), "v": v}), (V, msg))
        self.ddb.put_item(TableName="Conf", Item={"id": S("deep"), "v": nest(32)})

    def test_item_size_counts_attribute_names(self):
        name = "n" * 1000
        # 400 KB = 409600 bytes: "id" + "k" + name + value
        self.ddb.put_item(TableName="Conf", Item={"id": S("k"), name: S("x" * (409600 - 3 - 1000))})
        self.assertEqual(self.err(self.ddb.put_item, TableName="Conf",
                                  Item={"id": S("k"), name: S("x" * (409600 - 3 - 1000 + 1))}),
                         (V, "Item size has exceeded the maximum allowed size"))

    def test_expression_rules(self):
        key = {"id": S("x")}
        cases = [
            (self.ddb.get_item, dict(ProjectionExpression="status"),
             "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status"),
            (self.ddb.get_item, dict(ProjectionExpression="a, a.b"),
             "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one "
             "of these paths; path one: [a], path two: [a, b]"),
            (self.ddb.update_item, dict(UpdateExpression="SET a = :v REMOVE a.b", ExpressionAttributeValues={":v": S("1")}),
             "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
             "these paths; path one: [a], path two: [a, b]"),
            (self.ddb.update_item, dict(UpdateExpression="SET a[1] = :v, a.b = :v", ExpressionAttributeValues={":v": S("1")}),
             "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of "
             "these paths; path one: [a, [1]], path two: [a, b]"),
            (self.ddb.update_item, dict(UpdateExpression=""), "Invalid UpdateExpression: The expression can not be empty;"),
            (self.ddb.update_item, dict(UpdateExpression="INVALID SYNTAX"),
             'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
            (self.ddb.delete_item, dict(ConditionExpression="((attribute_exists(id)))"),
             "Invalid ConditionExpression: The expression has redundant parentheses;"),
            (self.ddb.delete_item, dict(ConditionExpression="contains(#a, #a)", ExpressionAttributeNames={"#a": "data"}),
             "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this "
             "operator or function; operator: contains, first operand: [data]"),
            (self.ddb.delete_item, dict(ExpressionAttributeValues={":v": S("x")}),
             "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"),
            (self.ddb.delete_item, dict(ConditionExpression="attribute_exists(id)", Expected={"id": {"Exists": True}}),
             "Can not use both expression and non-expression parameters in the same request: Non-expression "
             "parameters: {Expected} Expression parameters: {ConditionExpression}"),
        ]
        for fn, kw, msg in cases:
            self.assertEqual(self.err(fn, TableName="Conf", Key=key, **kw), (V, msg), kw)
        long_filter = "a = :a OR " * 500 + "a = :a"
        self.assertEqual(self.err(self.ddb.scan, TableName="Conf", FilterExpression=long_filter,
                                  ExpressionAttributeValues={":a": S("x")}),
                         (V, "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; "
                             "expression size: 5006"))

    def test_update_creates_items(self):
        out = self.ddb.update_item(TableName="Conf", Key={"id": S("add")}, UpdateExpression="ADD c :n, s :s",
                                   ExpressionAttributeValues={":n": {"N": "5"}, ":s": {"SS": ["x"]}},
                                   ReturnValues="ALL_NEW")
        self.assertEqual(out["Attributes"], {"id": S("add"), "c": {"N": "5"}, "s": {"SS": ["x"]}})
        # an update that only removes does not create the item (ScyllaDB Alternator's
        # test_item.py, test_update_item_non_existent, as DynamoDB answers); an empty one does
        self.ddb.update_item(TableName="Conf", Key={"id": S("rem")}, UpdateExpression="REMOVE q")
        self.assertNotIn("Item", self.ddb.get_item(TableName="Conf", Key={"id": S("rem")}))
        self.ddb.update_item(TableName="Conf", Key={"id": S("rem")}, AttributeUpdates={})
        self.assertEqual(self.ddb.get_item(TableName="Conf", Key={"id": S("rem")})["Item"], {"id": S("rem")})

    def test_return_values_per_operation(self):
        for rv in ("UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"):
            self.assertEqual(self.err(self.ddb.put_item, TableName="Conf", Item={"id": S("rv")}, ReturnValues=rv),
                             (V, "Return values set to invalid value"))
        for rv in ("ALL_NEW", "UPDATED_OLD"):
            self.assertEqual(self.err(self.ddb.delete_item, TableName="Conf", Key={"id": S("rv")}, ReturnValues=rv),
                             (V, "Return values set to invalid value"))
        self.ddb.put_item(TableName="Conf", Item={"id": S("cc"), "v": {"N": "1"}})
        status, out = self.raw("PutItem", {"TableName": "Conf", "Item": {"id": S("cc")}, "ConditionExpression": "v = :t",
                                           "ExpressionAttributeValues": {":t": {"N": "2"}},
                                           "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
        # with the Item the message is keyed "Message" (moto's aws_verified TestReturnValuesOnConditionCheckFailure)
        self.assertNotIn("message", out)
        self.assertEqual((status, out["Message"], out["Item"]),
                         (400, "The conditional request failed", {"id": S("cc"), "v": {"N": "1"}}))

    def test_reads(self):
        for i in range(5):
            self.ddb.put_item(TableName="ConfIdx", Item={"pk": S("q"), "sk": {"N": str(i)}, "v": {"N": str(i)}})
        q = dict(TableName="ConfIdx", KeyConditionExpression="pk = :p", FilterExpression="v = :three", Limit=2,
                 ExpressionAttributeValues={":p": S("q"), ":three": {"N": "3"}})
        out = self.ddb.query(**q)
        self.assertEqual((out["Count"], out["ScannedCount"], out["LastEvaluatedKey"]),
                         (0, 2, {"pk": S("q"), "sk": {"N": "1"}}))
        out = self.ddb.query(ExclusiveStartKey=out["LastEvaluatedKey"], **q)
        self.assertEqual((out["Count"], out["ScannedCount"], out["LastEvaluatedKey"]),
                         (1, 2, {"pk": S("q"), "sk": {"N": "3"}}))
        cases = [
            (self.ddb.query, dict(IndexName="gsi1", KeyConditionExpression="ik = :i", ConsistentRead=True,
                                  ExpressionAttributeValues={":i": S("x")}),
             "Consistent reads are not supported on global secondary indexes"),
            (self.ddb.scan, dict(Select="COUNT", ProjectionExpression="pk"),   # see test_ddb_ncf_reads.py
             "Cannot specify the ProjectionExpression when choosing to get only the Count"),
            (self.ddb.scan, dict(Select="SPECIFIC_ATTRIBUTES"),
             "One or more parameter values were invalid: Must specify the AttributesToGet or ProjectionExpression "
             "when choosing to get SPECIFIC_ATTRIBUTES"),
            (self.ddb.scan, dict(IndexName="gsi1", Select="ALL_ATTRIBUTES"),
             "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
             "secondary index gsi1 because its projection type is not ALL"),
            (self.ddb.scan, dict(Segment=0),
             "The TotalSegments parameter is required but was not present in the request when Segment parameter "
             "is present"),
            (self.ddb.scan, dict(Segment=2, TotalSegments=2),
             "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not "
             "less than TotalSegments: 2"),
            (self.ddb.scan, dict(ExclusiveStartKey={"pk": S("q")}),
             "The provided starting key is invalid: The provided key element does not match the schema"),
        ]
        for fn, kw, msg in cases:
            self.assertEqual(self.err(fn, TableName="ConfIdx", **kw), (V, msg), kw)

    def test_batches_and_transactions(self):
        dup = "Provided list of item keys contains duplicates"
        self.assertEqual(self.err(self.ddb.batch_get_item, RequestItems={"Conf": {"Keys": [{"id": S("a")}] * 2}}),
                         (V, dup))
        self.assertEqual(self.err(self.ddb.batch_write_item, RequestItems={"Conf": [
            {"PutRequest": {"Item": {"id": S("a")}}}, {"DeleteRequest": {"Key": {"id": S("a")}}}]}), (V, dup))
        put = lambda k: {"Put": {"TableName": "Conf", "Item": {"id": S(k)}}}
        self.assertEqual(self.err(self.ddb.transact_write_items, TransactItems=[
            put("t"), {"Delete": {"TableName": "Conf", "Key": {"id": S("t")}}}]),
            (V, "Transaction request cannot include multiple operations on one item"))
        code, msg = self.err(self.ddb.transact_write_items, TransactItems=[put("t%d" % i) for i in range(101)])
        self.assertEqual(code, V)
        self.assertIn("at 'transactItems' failed to satisfy constraint: Member must have length less than or equal "
                      "to 100", msg)
        self.ddb.put_item(TableName="Conf", Item={"id": S("tc"), "v": {"N": "1"}})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.ddb.transact_write_items(TransactItems=[
                put("ok1"),
                {"ConditionCheck": {"TableName": "Conf", "Key": {"id": S("tc")}, "ConditionExpression": "v = :x",
                                    "ExpressionAttributeValues": {":x": {"N": "2"}},
                                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
                {"Delete": {"TableName": "Conf", "Key": {"id": S("gone")}, "ConditionExpression": "attribute_exists(id)"}}])
        r = cm.exception.response
        self.assertEqual(r["Error"]["Message"], "Transaction cancelled, please refer cancellation reasons for specific "
                                                "reasons [None, ConditionalCheckFailed, ConditionalCheckFailed]")
        self.assertEqual(r["CancellationReasons"], [
            {"Code": "None"},
            {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
             "Item": {"id": S("tc"), "v": {"N": "1"}}},
            {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}])
        self.assertNotIn("Item", self.ddb.get_item(TableName="Conf", Key={"id": S("ok1")}))

    def test_tables(self):
        self.assertEqual(self.err(self.ddb.create_table, TableName="Conf", BillingMode="PAY_PER_REQUEST",
                                  AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}]),
                         ("ResourceInUseException", "Table already exists: Conf"))
        self.assertEqual(self.err(self.ddb.describe_table, TableName="NoSuchTable"),
                         ("ResourceNotFoundException", "Requested resource not found: Table: NoSuchTable not found"))
        self.assertEqual(self.err(self.ddb.get_item, TableName="NoSuchTable", Key={"id": S("a")}),
                         ("ResourceNotFoundException", "Requested resource not found"))
        for name, msg in (("ab", "Member must have length greater than or equal to 3"),
                          ("a" * 256, "Member must have length less than or equal to 255"),
                          ("bad table!@#", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")):
            status, out = self.raw("DescribeTable", {"TableName": name})
            self.assertEqual((status, out["message"]),
                             (400, "1 validation error detected: Value '%s' at 'tableName' failed to satisfy "
                                   "constraint: %s" % (name, msg)))
        t = self.ddb.describe_table(TableName="Conf")["Table"]
        self.assertEqual(t["ProvisionedThroughput"],
                         {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0})
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertIsInstance(t["TableSizeBytes"], int)
        self.assertIsInstance(t["ItemCount"], int)


if __name__ == "__main__":
    unittest.main()
