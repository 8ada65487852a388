"""DynamoDB behaviours settled by records of the real service that the other row tables do not use
(issue 3: zero known divergence).

Sources, named in every row and test:
  [DYN] mhart/dynalite test/<file>.js, assertions recorded against DynamoDB (its validations/*.js
        repeat the messages);
  [ACK] ack-api-quirks' DynamoDB findings (services/dynamodb, DDB-TABLE-<n>), probes run against the
        service in 2026-10 with the answers quoted;
  [DOC] AWS's DynamoDB API reference and Developer Guide (the page named in the row);
  [ALT] scylladb/scylladb test/alternator/<file>::<test>, run against DynamoDB;
  [X365] ExtendDB/extenddb#365, DynamoDB's answers measured 2026-09-16.

CHECKS are independent rows (operation, what, source, raw request, expected answer) on the tables of
TABLES, which they leave as they found them; the test_* methods cover what takes several calls.
"""
import re
import time
import unittest

from harness import Nimbus, NimbusTestCase
from dynamodb.ddb_rows import RowsMixin, create_tables

V = "ValidationException"
TOO_LARGE = "1 validation error detected: Attribute name is too large, must be less than 65536 bytes"
NAME64K = "n" * 65536
NO_PROJ = "One or more parameter values were invalid: Unknown ProjectionType: null"
TTL_AGAIN = "Time to live has been modified multiple times within a fixed interval"
T_NAME = ("[ALT] test_limits.py test_limit_attribute_length_nonkey_bad (AttributesToGet, AttributeUpdates: "
          "the other legacy members take the same name check); the wording: [X365]")


def S(v):
    return {"S": v}


def err(code, msg=None):
    return ("E", code, msg)


def ok(**members):
    return ("R", members)


def ks(h, r=None):
    return [{"AttributeName": h, "KeyType": "HASH"}] + ([{"AttributeName": r, "KeyType": "RANGE"}] if r else [])


def ad(*pairs):
    return [{"AttributeName": n, "AttributeType": t} for n, t in pairs]


def table(name, keys, defs, **extra):
    body = {"TableName": name, "KeySchema": keys, "AttributeDefinitions": defs, "BillingMode": "PAY_PER_REQUEST"}
    body.update(extra)
    return body


def index(name, keys, projection):
    return {"IndexName": name, "KeySchema": keys, "Projection": projection}


TABLES = [
    table("NotesHash", ks("p"), ad(("p", "S"))),
    table("NotesComp", ks("a", "b"), ad(("a", "S"), ("b", "S"))),
]

CHECKS = [
    # ---- an index's Projection without ProjectionType -------------------------------------------------------
    ("CreateTable", "an LSI of Projection {}", "[DYN] test/createTable.js (LocalSecondaryIndex Projection {})",
     table("notes_bad", ks("a", "b"), ad(("a", "S"), ("b", "S")),
           LocalSecondaryIndexes=[index("lsi1", ks("a", "b"), {})]), err(V, NO_PROJ)),
    ("CreateTable", "a GSI of Projection {}", "[DYN] test/createTable.js; validations/createTable.js gives GSIs "
     "the same check", table("notes_bad", ks("a", "b"), ad(("a", "S"), ("b", "S")),
                             GlobalSecondaryIndexes=[index("gsi1", ks("b"), {})]), err(V, NO_PROJ)),
    ("CreateTable", "a GSI of Projection {NonKeyAttributes} only", "[DYN] validations/createTable.js (the type "
     "is checked before NonKeyAttributes)", table("notes_bad", ks("a", "b"), ad(("a", "S"), ("b", "S")),
                                                  GlobalSecondaryIndexes=[index("gsi1", ks("b"),
                                                                                {"NonKeyAttributes": ["x"]})]),
     err(V, NO_PROJ)),
    ("UpdateTable", "a GSI Create of Projection {}", "[DYN] test/createTable.js: UpdateTable's Create takes "
     "CreateTable's index checks (its other index messages are CreateTable's too)",
     {"TableName": "NotesComp", "AttributeDefinitions": ad(("b", "S")),
      "GlobalSecondaryIndexUpdates": [{"Create": index("gsi1", ks("b"), {})}]}, err(V, NO_PROJ)),

    # ---- legacy parameters naming an attribute of 64 KiB ----------------------------------------------------
    ("Scan", "a ScanFilter on a name of 65536 bytes", T_NAME,
     {"TableName": "NotesHash", "ScanFilter": {NAME64K: {"ComparisonOperator": "NULL"}}}, err(V, TOO_LARGE)),
    ("Query", "a QueryFilter on a name of 65536 bytes", T_NAME,
     {"TableName": "NotesHash", "KeyConditions": {"p": {"ComparisonOperator": "EQ", "AttributeValueList": [S("x")]}},
      "QueryFilter": {NAME64K: {"ComparisonOperator": "NULL"}}}, err(V, TOO_LARGE)),
    ("Query", "KeyConditions on a name of 65536 bytes", T_NAME,
     {"TableName": "NotesHash", "KeyConditions": {NAME64K: {"ComparisonOperator": "EQ",
                                                            "AttributeValueList": [S("x")]}}}, err(V, TOO_LARGE)),
    ("PutItem", "Expected of a name of 65536 bytes", T_NAME,
     {"TableName": "NotesHash", "Item": {"p": S("long")}, "Expected": {NAME64K: {"Exists": False}}},
     err(V, TOO_LARGE)),
    ("DeleteItem", "Expected of a name of 65536 bytes", T_NAME,
     {"TableName": "NotesHash", "Key": {"p": S("long")},
      "Expected": {NAME64K: {"ComparisonOperator": "NULL"}}}, err(V, TOO_LARGE)),
    ("UpdateItem", "Expected of a name of 65536 bytes", T_NAME,
     {"TableName": "NotesHash", "Key": {"p": S("long")}, "AttributeUpdates": {"x": {"Value": {"N": "1"}}},
      "Expected": {NAME64K: {"Value": {"N": "1"}}}}, err(V, TOO_LARGE)),
    ("Scan", "a ScanFilter on a name of 65535 bytes", "[ALT] test_limits.py test_limit_attribute_length_nonkey_good",
     {"TableName": "NotesHash", "ScanFilter": {NAME64K[1:]: {"ComparisonOperator": "NULL"}}}, ok(Count=0)),
]


class AwsNotes(RowsMixin, NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        create_tables(cls.nimbus, TABLES)

    def check(self, op, body, want):
        status, out = self.raw(op, body)
        if want[0] == "E":
            self.assert_error(status, out, want[1], want[2])
        else:
            self.assertEqual(status, 200, out)
            self.assertEqual({m: out.get(m) for m in want[1]}, want[1])

    def ok(self, op, body):
        status, out = self.raw(op, body)
        self.assertEqual(status, 200, (op, out))
        return out

    def test_rows_are_unique(self):
        seen = [(c[0], c[1]) for c in CHECKS]
        self.assertEqual(len(seen), len(set(seen)))

    def test_projection_rows(self):
        self.run_rows(CHECKS, "CreateTable", "UpdateTable")
        self.assertNotIn("notes_bad", self.ok("ListTables", {})["TableNames"])
        self.assertNotIn("GlobalSecondaryIndexes", self.ok("DescribeTable", {"TableName": "NotesComp"})["Table"])

    def test_legacy_name_rows(self):
        self.run_rows(CHECKS, "Scan", "Query", "PutItem", "DeleteItem", "UpdateItem")
        self.assertNotIn("Item", self.ok("GetItem", {"TableName": "NotesHash", "Key": {"p": S("long")}}))

    def test_ttl_once_an_hour(self):
        """[DOC] API_UpdateTimeToLive: "Any additional UpdateTimeToLive calls for the same table during this one
        hour duration result in a ValidationException"; [ACK] DDB-TABLE-143: the message, and the checks of the
        request's content ("already enabled", "already disabled", "different AttributeName") answering first."""
        self.ok("CreateTable", table("notes_ttl", ks("p"), ad(("p", "S"))))
        on = {"AttributeName": "exp", "Enabled": True}
        off = dict(on, Enabled=False)
        self.assertEqual(self.ok("UpdateTimeToLive", {"TableName": "notes_ttl", "TimeToLiveSpecification": on}),
                         {"TimeToLiveSpecification": on})
        for spec, want in ((off, TTL_AGAIN), (on, "TimeToLive is already enabled"),
                           (dict(off, AttributeName="other"), "TimeToLive is active on a different AttributeName: "
                                                              "current AttributeName is exp"),
                           (off, TTL_AGAIN)):
            with self.subTest(spec=spec):
                status, out = self.raw("UpdateTimeToLive", {"TableName": "notes_ttl", "TimeToLiveSpecification": spec})
                self.assert_error(status, out, V, want)
        self.assertEqual(self.ok("DescribeTimeToLive", {"TableName": "notes_ttl"})["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        self.assertNotIn("TTLChanged", self.ok("DescribeTable", {"TableName": "notes_ttl"})["Table"])
        self.ok("DeleteTable", {"TableName": "notes_ttl"})


class AwsNotesTtlInterval(NimbusTestCase):
    """The interval shortened (dynamodb.ttl_change_interval_ms) to see it end: [ACK] DDB-TABLE-143 (a change
    after the interval succeeds and starts a new one; refused attempts do not extend it); the interval's
    start survives a restart (it is in the table's stored doc)."""
    nimbus_args = ["--set", "dynamodb.ttl_change_interval_ms=1500"]

    def call(self, on):
        return self.nimbus.ddb_call("UpdateTimeToLive", {"TableName": "TtlIv", "TimeToLiveSpecification":
                                                         {"AttributeName": "exp", "Enabled": on}})

    def refused(self, on):
        status, out = self.call(on)
        self.assertEqual((status, out.get("message")), (400, TTL_AGAIN), out)

    def test_interval_ends(self):
        ddb = self.nimbus.client("dynamodb")
        ddb.create_table(TableName="TtlIv", BillingMode="PAY_PER_REQUEST", KeySchema=ks("p"),
                         AttributeDefinitions=ad(("p", "S")))
        self.assertEqual(self.call(True)[0], 200)
        changed = time.time()
        self.refused(False)
        time.sleep(max(0.0, changed + 1.6 - time.time()))
        self.assertEqual(self.call(False)[0], 200)   # past the interval of the enable, refusals not counting
        self.refused(True)                           # the disable started a new one
        self.assertEqual(ddb.describe_time_to_live(TableName="TtlIv")["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "DISABLED"})


class AwsNotesTtlRestart(unittest.TestCase):
    def test_interval_survives_restart(self):
        args = ["--set", "dynamodb.ttl_change_interval_ms=600000"]
        n = Nimbus(extra_args=args).start()
        try:
            ddb = n.client("dynamodb")
            ddb.create_table(TableName="TtlRs", BillingMode="PAY_PER_REQUEST", KeySchema=ks("p"),
                             AttributeDefinitions=ad(("p", "S")))
            ddb.update_time_to_live(TableName="TtlRs", TimeToLiveSpecification={"AttributeName": "e", "Enabled": True})
            data = n.data_dir
            n.stop()
            n = Nimbus(data_dir=data, extra_args=args).start()
            status, out = n.ddb_call("UpdateTimeToLive", {"TableName": "TtlRs", "TimeToLiveSpecification":
                                                          {"AttributeName": "e", "Enabled": False}})
            self.assertEqual((status, out.get("message")), (400, TTL_AGAIN), out)
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
