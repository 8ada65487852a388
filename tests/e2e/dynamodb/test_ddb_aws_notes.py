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
    table("NotesGsi", ks("p"), ad(("p", "S"), ("g", "S")),
          GlobalSecondaryIndexes=[index("gsi1", ks("g"), {"ProjectionType": "ALL"})]),
]
A456 = "[ACK] DDB-TABLE-456 (live rows gsi_update_*)"


def gsi_update(update, name="NotesGsi"):
    return {"TableName": name, "GlobalSecondaryIndexUpdates": [{"Update": update}]}


def only_updates(index):
    return ("One or more parameter values were invalid: The only Updates for index: %s when TableThroughputMode is "
            "PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput" % index)


def warm_units(index):
    return ("One or more parameter values were invalid: WarmThroughput must have at least one of ReadUnitsPerSecond "
            "or WriteUnitsPerSecond specified for index: %s" % index)

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

    # ---- UpdateTable's GSI Update and Delete (NotesGsi: on demand, gsi1 on g) ---------------------------------
    ("UpdateTable", "Delete of an index the table lacks", "[ACK] DDB-TABLE-161",
     {"TableName": "NotesGsi", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "ghost"}}]},
     err("ResourceNotFoundException", "Requested resource not found: Index ghost for table NotesGsi")),
    ("UpdateTable", "Update of an index the table lacks", A456 + " gsi_update_odt_empty_ghost",
     gsi_update({"IndexName": "ghost", "OnDemandThroughput": {}}),
     err("ResourceNotFoundException", "Requested resource not found: Index ghost for table NotesGsi")),
    ("UpdateTable", "Update naming the index alone, on demand", A456 + " gsi_update_name_only_real",
     gsi_update({"IndexName": "gsi1"}), err(V, only_updates("gsi1"))),
    ("UpdateTable", "Update of an empty OnDemandThroughput, on demand", A456 + " gsi_update_odt_empty_real",
     gsi_update({"IndexName": "gsi1", "OnDemandThroughput": {}}), err(V, only_updates("gsi1"))),
    ("UpdateTable", "Update of an empty WarmThroughput", A456 + " gsi_update_warm_empty_real",
     gsi_update({"IndexName": "gsi1", "WarmThroughput": {}}), err(V, warm_units("gsi1"))),
    ("UpdateTable", "an empty WarmThroughput of an index the table lacks", A456 + " gsi_update_warm_empty_ghost",
     gsi_update({"IndexName": "ghost", "WarmThroughput": {}}), err(V, warm_units("ghost"))),
    ("UpdateTable", "an empty index WarmThroughput on a missing table", A456 +
     " gsi_update_warm_empty_ghost_missing_table",
     gsi_update({"IndexName": "ghost", "WarmThroughput": {}}, "NoSuchNotes"), err(V, warm_units("ghost"))),
    ("UpdateTable", "an index WarmThroughput below the current one", A456 + " gsi_update_warm_neg_real",
     gsi_update({"IndexName": "gsi1", "WarmThroughput": {"ReadUnitsPerSecond": -1}}),
     err(V, "One or more parameter values were invalid: Requested ReadUnitsPerSecond for WarmThroughput for index "
            "gsi1 is lower than current WarmThroughput, decreasing WarmThroughput is not supported")),
    ("UpdateTable", "Update of an empty ProvisionedThroughput", A456 + " gsi_update_pt_empty_real (the answer cut "
     "after 'provisionedThro'; the rest as the first error words it)",
     gsi_update({"IndexName": "gsi1", "ProvisionedThroughput": {}}),
     err(V, "2 validation errors detected: Value null at 'globalSecondaryIndexUpdates.1.member.update."
            "provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; Value "
            "null at 'globalSecondaryIndexUpdates.1.member.update.provisionedThroughput.readCapacityUnits' failed to "
            "satisfy constraint: Member must not be null")),

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
     {"TableName": "NotesHash", "ScanFilter": {NAME64K[1:]: {"ComparisonOperator": "NULL"}}}, ok()),
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
        self.run_rows(CHECKS, "CreateTable")
        self.run_rows([c for c in CHECKS if c[3].get("TableName") == "NotesComp"], "UpdateTable")
        self.assertNotIn("notes_bad", self.ok("ListTables", {})["TableNames"])
        self.assertNotIn("GlobalSecondaryIndexes", self.ok("DescribeTable", {"TableName": "NotesComp"})["Table"])

    def test_gsi_update_rows(self):
        """The refused GSI updates change nothing."""
        before = self.ok("DescribeTable", {"TableName": "NotesGsi"})["Table"]
        self.run_rows([c for c in CHECKS if c[3].get("TableName") != "NotesComp"], "UpdateTable")
        after = self.ok("DescribeTable", {"TableName": "NotesGsi"})["Table"]
        self.assertEqual(before["GlobalSecondaryIndexes"], after["GlobalSecondaryIndexes"])
        self.assertNotIn("WarmThroughput", after["GlobalSecondaryIndexes"][0])

    def test_gsi_update_accepted(self):
        """[ACK] DDB-TABLE-456: an empty table WarmThroughput next to another change is no change (200; the
        table keeps no WarmThroughput); a GSI's OnDemandThroughput and a raised WarmThroughput are taken (the
        warm one UPDATING in the answer, as the table's is), and lowering it again is refused."""
        self.ok("CreateTable", table("notes_gsi2", ks("p"), ad(("p", "S"), ("g", "S")),
                                     GlobalSecondaryIndexes=[index("gsi1", ks("g"), {"ProjectionType": "ALL"})]))
        out = self.ok("UpdateTable", {"TableName": "notes_gsi2", "WarmThroughput": {},
                                      "DeletionProtectionEnabled": False})["TableDescription"]
        self.assertNotIn("WarmThroughput", out)
        odt = {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50}
        g = self.ok("UpdateTable", gsi_update({"IndexName": "gsi1", "OnDemandThroughput": odt},
                                              "notes_gsi2"))["TableDescription"]["GlobalSecondaryIndexes"][0]
        self.assertEqual(g["OnDemandThroughput"], odt)
        g = self.ok("UpdateTable", gsi_update({"IndexName": "gsi1", "WarmThroughput": {"ReadUnitsPerSecond": 13000}},
                                              "notes_gsi2"))["TableDescription"]["GlobalSecondaryIndexes"][0]
        self.assertEqual(g["WarmThroughput"], {"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 4000,
                                               "Status": "UPDATING"})
        g = self.ok("DescribeTable", {"TableName": "notes_gsi2"})["Table"]["GlobalSecondaryIndexes"][0]
        self.assertEqual(g["WarmThroughput"]["ReadUnitsPerSecond"], 13000)
        status, out = self.raw("UpdateTable", gsi_update({"IndexName": "gsi1", "WarmThroughput":
                                                          {"ReadUnitsPerSecond": 12500}}, "notes_gsi2"))
        self.assert_error(status, out, V, re.compile("^One or more parameter values were invalid: Requested "
                                                     "ReadUnitsPerSecond for WarmThroughput for index gsi1 is lower"))
        self.ok("DeleteTable", {"TableName": "notes_gsi2"})

    def test_described_in_name_order(self):
        """[ACK] DDB-TABLE-125: AttributeDefinitions and an INCLUDE projection's NonKeyAttributes are described
        sorted by name (already in CreateTable's answer), the index lists and key schemas in the order given;
        UpdateTable's new definitions join them in that order."""
        body = table("notes_sorted", ks("pk", "sk"), ad(("z", "S"), ("a", "S"), ("m", "S"), ("sk", "S"), ("pk", "S")),
                     GlobalSecondaryIndexes=[
                         index("g-z", ks("z"), {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["zz", "aa", "mm", "sk"]}),
                         index("g-a", ks("a", "m"), {"ProjectionType": "KEYS_ONLY"})])
        for t in (self.ok("CreateTable", body)["TableDescription"],
                  self.ok("DescribeTable", {"TableName": "notes_sorted"})["Table"]):
            self.assertEqual([d["AttributeName"] for d in t["AttributeDefinitions"]], ["a", "m", "pk", "sk", "z"])
            self.assertEqual([g["IndexName"] for g in t["GlobalSecondaryIndexes"]], ["g-z", "g-a"])
            self.assertEqual(t["GlobalSecondaryIndexes"][0]["Projection"]["NonKeyAttributes"], ["aa", "mm", "sk", "zz"])
            self.assertEqual(t["GlobalSecondaryIndexes"][1]["KeySchema"], ks("a", "m"))
        t = self.ok("UpdateTable", {"TableName": "notes_sorted", "AttributeDefinitions": ad(("b", "S")),
                                    "GlobalSecondaryIndexUpdates": [{"Create": index("g-b", ks("b"),
                                                                                     {"ProjectionType": "ALL"})}]})
        self.assertEqual([d["AttributeName"] for d in t["TableDescription"]["AttributeDefinitions"]],
                         ["a", "b", "m", "pk", "sk", "z"])
        for _ in range(100):   # the new index's backfill (an empty table: one chunk)
            if all(g["IndexStatus"] == "ACTIVE" for g in
                   self.ok("DescribeTable", {"TableName": "notes_sorted"})["Table"]["GlobalSecondaryIndexes"]):
                break
        self.ok("DeleteTable", {"TableName": "notes_sorted"})

    def test_legacy_name_rows(self):
        self.run_rows(CHECKS, "Scan", "Query", "PutItem", "DeleteItem", "UpdateItem")
        self.assertNotIn("Item", self.ok("GetItem", {"TableName": "NotesHash", "Key": {"p": S("long")}}))

    def test_boto3_type_serializer_round_trip(self):
        """boto3's TypeSerializer / resource layer: Decimals of 38 digits and at the magnitude limits ([DOC]
        Developer Guide "Supported data types": 1E-130 .. 9.9999999999999999999999999999999999999E+125, 38
        digits), binary sets, nested empty maps and lists come back equal; the serializer makes an empty set
        an empty NS, which DynamoDB refuses with [DYN] test/putItem.js's message; DynamoDB answers numbers
        normalized (no exponent, no trailing zeros)."""
        from decimal import Decimal
        from boto3.dynamodb.types import Binary, TypeSerializer
        tab = self.nimbus.resource("dynamodb").Table("NotesHash")
        item = {"p": "ser", "n38": Decimal("1" * 38), "neg": Decimal("-0." + "9" * 38),
                "tiny": Decimal("1E-130"),
                "bs": {Binary(b"\x00"), Binary(b"\xff\x01"), Binary(b"")}, "ns": {Decimal("1"), Decimal("2.5")},
                "m": {}, "l": [], "nested": {"a": {"b": [], "c": {}}, "d": [[], {}, [{}]]}}
        tab.put_item(Item=item)
        self.assertEqual(tab.get_item(Key={"p": "ser"}, ConsistentRead=True)["Item"], item)
        raw = self.ok("GetItem", {"TableName": "NotesHash", "Key": {"p": S("ser")}})["Item"]
        self.assertEqual(raw["tiny"], {"N": "0." + "0" * 129 + "1"})
        # the largest number is answered in its 126 digits, which boto3's reader refuses (decimal.Rounded) as it
        # does DynamoDB's answer for 1E+100 (boto/boto3#2500, run against DynamoDB)
        import decimal
        tab.put_item(Item={"p": "huge", "n": Decimal("9.9999999999999999999999999999999999999E+125")})
        raw = self.ok("GetItem", {"TableName": "NotesHash", "Key": {"p": S("huge")}})["Item"]
        self.assertEqual(raw["n"], {"N": "99999999999999999999999999999999999999" + "0" * 88})
        with self.assertRaises(decimal.Rounded):
            tab.get_item(Key={"p": "huge"})
        self.ok("DeleteItem", {"TableName": "NotesHash", "Key": {"p": S("huge")}})
        empty = TypeSerializer().serialize(set())
        self.assertEqual(empty, {"NS": []})
        status, out = self.raw("PutItem", {"TableName": "NotesHash", "Item": {"p": S("ser2"), "s": empty}})
        self.assert_error(status, out, V, "One or more parameter values were invalid: An number set  may not be empty")
        for n, want in (("100.000", "100"), ("1.0E+2", "100"), ("-0", "0"), ("0E-10", "0"), ("+1", "1"), (".5", "0.5")):
            with self.subTest(n=n):
                self.ok("PutItem", {"TableName": "NotesHash", "Item": {"p": S("num"), "n": {"N": n}}})
                self.assertEqual(self.ok("GetItem", {"TableName": "NotesHash", "Key": {"p": S("num")}})["Item"]["n"],
                                 {"N": want})
        self.ok("DeleteItem", {"TableName": "NotesHash", "Key": {"p": S("num")}})
        self.ok("DeleteItem", {"TableName": "NotesHash", "Key": {"p": S("ser")}})

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
