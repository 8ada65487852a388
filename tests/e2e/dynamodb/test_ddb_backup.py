"""On-demand backups and point-in-time recovery through boto3 and the AWS CLI:
a backup outlives its table and restores the same items, with working GSI and
LSI queries; backups are listed, filtered and paginated; restores take
overrides (billing, throughput, indexes, SSE); the errors of unknown backups,
taken target names, PITR off and restore times nimbus cannot serve; PITR
enabled and described; IAM on backup ARNs; and kill -9 during a backup's
copy and during a restore: the backup comes back AVAILABLE holding exactly
the table as it was when it began (writes made during the copy excluded),
and the restore completes."""
import time
import unittest

import botocore.exceptions
from harness import Nimbus, NimbusTestCase
from dynamodb.test_ddb_gsi_backfill import canon, scan_all


def make_table(ddb, name, gsi=True, lsi=False):
    ad = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}]
    kw = {}
    if gsi:
        ad.append({"AttributeName": "g", "AttributeType": "S"})
        kw["GlobalSecondaryIndexes"] = [{"IndexName": "ByG",
                                         "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                       {"AttributeName": "sk", "KeyType": "RANGE"}],
                                         "Projection": {"ProjectionType": "ALL"}}]
    if lsi:
        ad.append({"AttributeName": "l", "AttributeType": "S"})
        kw["LocalSecondaryIndexes"] = [{"IndexName": "ByL",
                                        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                      {"AttributeName": "l", "KeyType": "RANGE"}],
                                        "Projection": {"ProjectionType": "KEYS_ONLY"}}]
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=ad,
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                     **kw)


def item(i, tag="v0"):
    it = {"pk": {"S": "p%d" % (i % 40)}, "sk": {"N": str(i)}, "tag": {"S": tag}, "l": {"S": "l%05d" % (i * 7 % 1000)}}
    if i % 4:
        it["g"] = {"S": "g%d" % (i % 9)}   # every fourth item has no g: absent from the sparse GSI
    return it


def load(ddb, table, n, start=0):
    for s in range(start, start + n, 25):
        reqs = [{"PutRequest": {"Item": item(i)}} for i in range(s, min(start + n, s + 25))]
        ddb.batch_write_item(RequestItems={table: reqs})


def query_all(ddb, **kw):
    items, lek = [], None
    while True:
        out = ddb.query(**kw, **({"ExclusiveStartKey": lek} if lek else {}))
        items += out["Items"]
        lek = out.get("LastEvaluatedKey")
        if not lek:
            return items


def wait_backup(ddb, arn, attempts=1200):
    for _ in range(attempts):
        d = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
        if d["BackupDetails"]["BackupStatus"] == "AVAILABLE":
            return d
        time.sleep(0.05)
    raise AssertionError("backup %s never became AVAILABLE" % arn)


def wait_active(ddb, table, attempts=1200):
    for _ in range(attempts):
        try:
            t = ddb.describe_table(TableName=table)["Table"]
            if t["TableStatus"] == "ACTIVE":
                return t
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
        time.sleep(0.05)
    raise AssertionError("table %s never became ACTIVE" % table)


class Backups(NimbusTestCase):
    def setUp(self):
        self.ddb = self.nimbus.client("dynamodb")

    def err(self, fn, code, **kw):
        r = self.client_error(fn, **kw)
        self.assertEqual(r["Error"]["Code"], code, r)
        return r["Error"]["Message"]

    def test_backup_outlives_its_table_and_restores_items_and_indexes(self):
        ddb = self.ddb
        make_table(ddb, "Orders", lsi=True)
        load(ddb, "Orders", 600)
        before = scan_all(ddb, TableName="Orders")
        gq = canon(query_all(ddb, TableName="Orders", IndexName="ByG", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": {"S": "g3"}}))
        lq = canon(query_all(ddb, TableName="Orders", IndexName="ByL",
                             KeyConditionExpression="pk = :p AND l BETWEEN :a AND :b",
                             ExpressionAttributeValues={":p": {"S": "p7"}, ":a": {"S": "l00100"}, ":b": {"S": "l00600"}}))
        det = ddb.create_backup(TableName="Orders", BackupName="orders-1")["BackupDetails"]
        self.assertEqual(det["BackupStatus"], "CREATING")
        self.assertEqual(det["BackupType"], "USER")
        self.assertEqual(det["BackupName"], "orders-1")
        self.assertRegex(det["BackupArn"], r"^arn:aws:dynamodb:us-east-1:\d{12}:table/Orders/backup/\d{14}-[0-9a-f]{8}$")
        d = wait_backup(ddb, det["BackupArn"])
        # writes after the backup are not in it
        ddb.put_item(TableName="Orders", Item=item(5000, "late"))
        ddb.delete_item(TableName="Orders", Key={"pk": {"S": "p1"}, "sk": {"N": "1"}})
        src = d["SourceTableDetails"]
        self.assertEqual(src["TableName"], "Orders")
        self.assertEqual(src["ItemCount"], 600)
        self.assertEqual(src["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(src["KeySchema"][0], {"AttributeName": "pk", "KeyType": "HASH"})
        self.assertGreater(d["BackupDetails"]["BackupSizeBytes"], 0)
        feat = d["SourceTableFeatureDetails"]
        self.assertEqual([g["IndexName"] for g in feat["GlobalSecondaryIndexes"]], ["ByG"])
        self.assertEqual([x["IndexName"] for x in feat["LocalSecondaryIndexes"]], ["ByL"])

        ddb.delete_table(TableName="Orders")
        ddb.get_waiter("table_not_exists").wait(TableName="Orders", WaiterConfig={"Delay": 1})
        # the backup survives its table
        self.assertEqual(ddb.describe_backup(BackupArn=det["BackupArn"])["BackupDescription"]["BackupDetails"]
                         ["BackupStatus"], "AVAILABLE")
        t = ddb.restore_table_from_backup(TargetTableName="Orders", BackupArn=det["BackupArn"])["TableDescription"]
        self.assertEqual(t["TableStatus"], "CREATING")
        self.assertEqual(t["RestoreSummary"]["SourceBackupArn"], det["BackupArn"])
        self.assertTrue(t["RestoreSummary"]["RestoreInProgress"])
        ddb.get_waiter("table_exists").wait(TableName="Orders", WaiterConfig={"Delay": 1})
        t = wait_active(ddb, "Orders")
        self.assertFalse(t["RestoreSummary"]["RestoreInProgress"])
        self.assertTrue(t["RestoreSummary"]["SourceTableArn"].endswith(":table/Orders"))
        self.assertEqual(t["ItemCount"], 600)
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(t["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE")
        self.assertEqual(t["GlobalSecondaryIndexes"][0]["ItemCount"], 450)
        self.assertEqual(canon(scan_all(ddb, TableName="Orders")), canon(before))
        self.assertEqual(canon(query_all(ddb, TableName="Orders", IndexName="ByG", KeyConditionExpression="g = :g",
                                         ExpressionAttributeValues={":g": {"S": "g3"}})), gq)
        self.assertEqual(canon(query_all(ddb, TableName="Orders", IndexName="ByL",
                                         KeyConditionExpression="pk = :p AND l BETWEEN :a AND :b",
                                         ExpressionAttributeValues={":p": {"S": "p7"}, ":a": {"S": "l00100"},
                                                                    ":b": {"S": "l00600"}})), lq)
        # the restored table is an ordinary table
        ddb.put_item(TableName="Orders", Item=item(7000))
        self.assertEqual(ddb.get_item(TableName="Orders", Key={"pk": {"S": "p0"}, "sk": {"N": "7000"}})["Item"]["tag"],
                         {"S": "v0"})
        out = ddb.delete_backup(BackupArn=det["BackupArn"])["BackupDescription"]
        self.assertEqual(out["BackupDetails"]["BackupStatus"], "DELETED")
        self.err(ddb.describe_backup, "BackupNotFoundException", BackupArn=det["BackupArn"])
        self.err(ddb.delete_backup, "BackupNotFoundException", BackupArn=det["BackupArn"])

    def test_list_filter_and_paginate(self):
        ddb = self.ddb
        for name in ("ListA", "ListB"):
            make_table(ddb, name, gsi=False)
            ddb.put_item(TableName=name, Item=item(1))
        arns = {"ListA": [], "ListB": []}
        for i in range(5):
            name = "ListA" if i < 3 else "ListB"
            if i == 3:
                time.sleep(1.1)        # whole seconds apart: botocore sends time bounds as whole seconds
            arns[name].append(ddb.create_backup(TableName=name, BackupName="%s-%d" % (name, i))["BackupDetails"]["BackupArn"])
        for a in arns["ListA"] + arns["ListB"]:
            wait_backup(ddb, a)
        mine = set(arns["ListA"] + arns["ListB"])
        listed = [s for s in ddb.list_backups()["BackupSummaries"] if s["BackupArn"] in mine]
        self.assertEqual([s["BackupArn"] for s in listed], arns["ListA"] + arns["ListB"])   # creation order
        s = listed[0]
        self.assertEqual((s["TableName"], s["BackupName"], s["BackupStatus"], s["BackupType"]),
                         ("ListA", "ListA-0", "AVAILABLE", "USER"))
        self.assertTrue(s["TableArn"].endswith(":table/ListA"))
        self.assertIn("BackupSizeBytes", s)
        self.assertIn("TableId", s)
        a = ddb.list_backups(TableName="ListA")["BackupSummaries"]
        self.assertEqual([x["BackupArn"] for x in a], arns["ListA"])
        # pages of two
        got, start = [], None
        while True:
            kw = {"TableName": "ListA", "Limit": 2}
            if start:
                kw["ExclusiveStartBackupArn"] = start
            out = ddb.list_backups(**kw)
            self.assertLessEqual(len(out["BackupSummaries"]), 2)
            got += [x["BackupArn"] for x in out["BackupSummaries"]]
            start = out.get("LastEvaluatedBackupArn")
            if not start:
                break
        self.assertEqual(got, arns["ListA"])
        # time range: lower bound inclusive, upper exclusive (the second of ListB's first backup)
        tb = int(listed[3]["BackupCreationDateTime"].timestamp())
        r = ddb.list_backups(TimeRangeLowerBound=tb)["BackupSummaries"]
        self.assertEqual([x["BackupArn"] for x in r if x["BackupArn"] in mine], arns["ListB"])
        r = ddb.list_backups(TimeRangeUpperBound=tb)["BackupSummaries"]
        self.assertEqual([x["BackupArn"] for x in r if x["BackupArn"] in mine], arns["ListA"])
        st, b = self.nimbus.ddb_call("ListBackups", {"TimeRangeLowerBound": listed[1]["BackupCreationDateTime"].timestamp() - 0.0005,
                                                     "TimeRangeUpperBound": listed[2]["BackupCreationDateTime"].timestamp() - 0.0005})
        self.assertEqual([x["BackupArn"] for x in b["BackupSummaries"] if x["BackupArn"] in mine], [arns["ListA"][1]])
        self.assertEqual(ddb.list_backups(TableName="ListB", BackupType="SYSTEM")["BackupSummaries"], [])
        self.assertEqual(len(ddb.list_backups(TableName="ListB", BackupType="ALL")["BackupSummaries"]), 2)
        self.assertEqual(ddb.list_backups(TableName="NoSuchTable")["BackupSummaries"], [])
        st, body = self.nimbus.ddb_call("ListBackups", {"Limit": 0})
        self.assertEqual((st, body["__type"].split("#")[-1]), (400, "ValidationException"))

    def test_restore_with_overrides(self):
        ddb = self.ddb
        make_table(ddb, "Over")
        load(ddb, "Over", 100)
        arn = ddb.create_backup(TableName="Over", BackupName="over")["BackupDetails"]["BackupArn"]
        wait_backup(ddb, arn)
        ddb.restore_table_from_backup(
            TargetTableName="OverProv", BackupArn=arn, BillingModeOverride="PROVISIONED",
            ProvisionedThroughputOverride={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
            GlobalSecondaryIndexOverride=[{"IndexName": "ByTagless",
                                           "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                           "Projection": {"ProjectionType": "KEYS_ONLY"},
                                           "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}],
            SSESpecificationOverride={"Enabled": True, "SSEType": "KMS"})
        t = wait_active(ddb, "OverProv")
        self.assertEqual((t["ProvisionedThroughput"]["ReadCapacityUnits"], t["ProvisionedThroughput"]["WriteCapacityUnits"]),
                         (7, 3))
        self.assertNotEqual(t.get("BillingModeSummary", {}).get("BillingMode"), "PAY_PER_REQUEST")
        self.assertEqual([g["IndexName"] for g in t["GlobalSecondaryIndexes"]], ["ByTagless"])
        self.assertEqual(t["SSEDescription"]["Status"], "ENABLED")
        self.assertIn(":key/", t["SSEDescription"]["KMSMasterKeyArn"])
        r = query_all(ddb, TableName="OverProv", IndexName="ByTagless", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "g2"}})
        self.assertEqual(len(r), len([i for i in range(100) if i % 4 and i % 9 == 2]))
        self.assertEqual(set(r[0]), {"pk", "sk", "g"})          # KEYS_ONLY
        self.err(ddb.query, "ValidationException", TableName="OverProv", IndexName="ByG",
                 KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "g2"}})
        # no indexes at all, billing kept
        ddb.restore_table_from_backup(TargetTableName="OverBare", BackupArn=arn, GlobalSecondaryIndexOverride=[])
        t = wait_active(ddb, "OverBare")
        self.assertNotIn("GlobalSecondaryIndexes", t)
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(t["ItemCount"], 100)
        self.assertEqual(sorted(a["AttributeName"] for a in t["AttributeDefinitions"]), ["pk", "sk"])
        msg = self.err(ddb.restore_table_from_backup, "ValidationException", TargetTableName="OverBad",
                       BackupArn=arn, ProvisionedThroughputOverride={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        self.assertIn("PAY_PER_REQUEST", msg)
        self.err(ddb.describe_table, "ResourceNotFoundException", TableName="OverBad")

    def test_restored_table_has_its_own_change_limits(self):
        """A restored table is a new table: the source's decreases today and its last TTL change do not
        limit it (its UpdateTimeToLive and its own first decreases are accepted)."""
        ddb = self.ddb
        ddb.create_table(TableName="Limits", BillingMode="PROVISIONED",
                         ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 10},
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        ddb.put_item(TableName="Limits", Item={"pk": {"S": "a"}})
        ddb.update_time_to_live(TableName="Limits", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        for r in (9, 8, 7, 6):   # the source's four decreases of the day
            ddb.update_table(TableName="Limits", ProvisionedThroughput={"ReadCapacityUnits": r, "WriteCapacityUnits": 10})
        self.err(ddb.update_table, "LimitExceededException", TableName="Limits",
                 ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 10})
        arn = ddb.create_backup(TableName="Limits", BackupName="limits")["BackupDetails"]["BackupArn"]
        wait_backup(ddb, arn)
        ddb.restore_table_from_backup(TargetTableName="LimitsCopy", BackupArn=arn)
        pt = wait_active(ddb, "LimitsCopy")["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["NumberOfDecreasesToday"]), (6, 0))
        self.assertNotIn("LastDecreaseDateTime", pt)
        self.assertEqual(ddb.describe_time_to_live(TableName="LimitsCopy")["TimeToLiveDescription"]["TimeToLiveStatus"],
                         "DISABLED")
        ddb.update_time_to_live(TableName="LimitsCopy", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        t = ddb.update_table(TableName="LimitsCopy",
                             ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 10})["TableDescription"]
        self.assertEqual(t["ProvisionedThroughput"]["NumberOfDecreasesToday"], 1)

    def test_errors(self):
        ddb = self.ddb
        make_table(ddb, "Errs", gsi=False)
        ddb.put_item(TableName="Errs", Item=item(1))
        acct = self.nimbus.account
        missing = "arn:aws:dynamodb:us-east-1:%s:table/Errs/backup/01700000000000-deadbeef" % acct
        self.err(ddb.describe_backup, "BackupNotFoundException", BackupArn=missing)
        self.err(ddb.delete_backup, "BackupNotFoundException", BackupArn=missing)
        self.err(ddb.restore_table_from_backup, "BackupNotFoundException", TargetTableName="ErrsNew", BackupArn=missing)
        self.err(ddb.create_backup, "TableNotFoundException", TableName="NoSuchTable", BackupName="x-1")
        arn = ddb.create_backup(TableName="Errs", BackupName="errs")["BackupDetails"]["BackupArn"]
        wait_backup(ddb, arn)
        self.assertIn("Errs", self.err(ddb.restore_table_from_backup, "TableAlreadyExistsException",
                                       TargetTableName="Errs", BackupArn=arn))
        # PITR off: no point-in-time restore
        self.err(ddb.restore_table_to_point_in_time, "PointInTimeRecoveryUnavailableException",
                 SourceTableName="Errs", TargetTableName="ErrsPitr", UseLatestRestorableTime=True)
        self.err(ddb.restore_table_to_point_in_time, "TableNotFoundException",
                 SourceTableName="NoSuchTable", TargetTableName="ErrsPitr", UseLatestRestorableTime=True)
        ddb.update_continuous_backups(TableName="Errs",
                                      PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        # nimbus keeps no history: an earlier moment cannot be restored
        self.err(ddb.restore_table_to_point_in_time, "InvalidRestoreTimeException",
                 SourceTableName="Errs", TargetTableName="ErrsPitr", RestoreDateTime=time.time() - 60)
        self.err(ddb.restore_table_to_point_in_time, "TableAlreadyExistsException",
                 SourceTableName="Errs", TargetTableName="Errs", UseLatestRestorableTime=True)
        self.err(ddb.update_continuous_backups, "TableNotFoundException", TableName="NoSuchTable",
                 PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        self.err(ddb.describe_continuous_backups, "TableNotFoundException", TableName="NoSuchTable")
        # shapes boto3 would refuse before sending
        for op, body, frag in [
                ("CreateBackup", {"TableName": "Errs", "BackupName": "bad name!"}, "regular expression pattern"),
                ("CreateBackup", {"TableName": "Errs"}, "'backupName' failed to satisfy constraint: Member must not be null"),
                ("DescribeBackup", {"BackupArn": "short"}, "length greater than or equal to 37"),
                ("UpdateContinuousBackups", {"TableName": "Errs"}, "'pointInTimeRecoverySpecification'"),
                ("UpdateContinuousBackups", {"TableName": "Errs", "PointInTimeRecoverySpecification":
                                             {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 36}},
                 "less than or equal to 35"),
                ("ListBackups", {"BackupType": "MINE"}, "backupType")]:
            st, b = self.nimbus.ddb_call(op, body)
            self.assertEqual((st, b["__type"].split("#")[-1]), (400, "ValidationException"), (op, b))
            self.assertIn(frag, b.get("message", b.get("Message", "")), (op, b))
        for op, body in [("DescribeBackup", {"BackupArn": {"a": 1}}),
                         ("RestoreTableFromBackup", {"TargetTableName": "ErrsNew", "BackupArn": 5}),
                         ("RestoreTableToPointInTime", {"SourceTableName": "Errs", "TargetTableName": "ErrsPitr",
                                                        "UseLatestRestorableTime": "yes"}),
                         ("UpdateContinuousBackups", {"TableName": "Errs", "PointInTimeRecoverySpecification": []})]:
            st, b = self.nimbus.ddb_call(op, body)
            self.assertEqual((st, b["__type"].split("#")[-1]), (400, "SerializationException"), (op, b))
        # nothing was left half-made by the refusals
        names = ddb.list_tables()["TableNames"]
        self.assertNotIn("ErrsPitr", names)
        self.assertNotIn("ErrsNew", names)

    def test_pitr_enable_describe_and_restore_latest(self):
        ddb = self.ddb
        make_table(ddb, "Pitr")
        load(ddb, "Pitr", 120)
        desc = ddb.describe_continuous_backups(TableName="Pitr")["ContinuousBackupsDescription"]
        self.assertEqual(desc, {"ContinuousBackupsStatus": "ENABLED",
                                "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}})
        table_before = ddb.describe_table(TableName="Pitr")["Table"]
        out = ddb.update_continuous_backups(TableName="Pitr", PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})["ContinuousBackupsDescription"]
        p = out["PointInTimeRecoveryDescription"]
        self.assertEqual(p["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertLessEqual(p["EarliestRestorableDateTime"], p["LatestRestorableDateTime"])
        st, b = self.nimbus.ddb_call("DescribeContinuousBackups", {"TableName": "Pitr"})
        self.assertEqual(b["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"], 35)
        st, b = self.nimbus.ddb_call("UpdateContinuousBackups", {"TableName": "Pitr", "PointInTimeRecoverySpecification": {
            "PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 7}})
        self.assertEqual(st, 200, b)
        st, b = self.nimbus.ddb_call("DescribeContinuousBackups", {"TableName": "Pitr"})
        self.assertEqual(b["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"], 7)
        # UpdateTable / DescribeTable do not see it
        table_after = ddb.describe_table(TableName="Pitr")["Table"]
        self.assertEqual(sorted(table_after), sorted(table_before))
        ddb.update_table(TableName="Pitr", BillingMode="PROVISIONED",
                         ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                         GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "ByG", "ProvisionedThroughput":
                                                                  {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}}])
        self.assertEqual(ddb.describe_continuous_backups(TableName="Pitr")["ContinuousBackupsDescription"]
                         ["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"], "ENABLED")
        before = scan_all(ddb, TableName="Pitr")
        t = ddb.restore_table_to_point_in_time(SourceTableName="Pitr", TargetTableName="PitrCopy",
                                               UseLatestRestorableTime=True)["TableDescription"]
        self.assertEqual(t["TableStatus"], "CREATING")
        self.assertTrue(t["RestoreSummary"]["SourceTableArn"].endswith(":table/Pitr"))
        t = wait_active(ddb, "PitrCopy")
        self.assertEqual(canon(scan_all(ddb, TableName="PitrCopy")), canon(before))
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        # the restored table starts with PITR off, and its hidden snapshot is not listed
        self.assertEqual(ddb.describe_continuous_backups(TableName="PitrCopy")["ContinuousBackupsDescription"]
                         ["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"], "DISABLED")
        self.assertEqual(ddb.list_backups(TableName="Pitr", BackupType="ALL")["BackupSummaries"], [])
        ddb.update_continuous_backups(TableName="Pitr", PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": False})
        self.assertEqual(ddb.describe_continuous_backups(TableName="Pitr")["ContinuousBackupsDescription"]
                         ["PointInTimeRecoveryDescription"], {"PointInTimeRecoveryStatus": "DISABLED"})

    def test_deleting_a_pitr_table_keeps_a_system_backup(self):
        ddb = self.ddb
        make_table(ddb, "Gone")
        load(ddb, "Gone", 250)
        before = scan_all(ddb, TableName="Gone")
        ddb.update_continuous_backups(TableName="Gone", PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})
        self.assertEqual(ddb.delete_table(TableName="Gone")["TableDescription"]["TableStatus"], "DELETING")
        self.assertEqual(ddb.list_backups(TableName="Gone")["BackupSummaries"], [])     # USER by default
        sys_ = ddb.list_backups(TableName="Gone", BackupType="SYSTEM")["BackupSummaries"]
        self.assertEqual([(b["BackupName"], b["BackupType"]) for b in sys_], [("Gone$DeletedTableBackup", "SYSTEM")])
        self.assertGreater(sys_[0]["BackupExpiryDateTime"], sys_[0]["BackupCreationDateTime"])
        d = wait_backup(ddb, sys_[0]["BackupArn"])
        self.assertEqual(d["SourceTableDetails"]["ItemCount"], 250)
        # a table of the same name starts empty, with PITR off
        make_table(ddb, "Gone")
        self.assertEqual(ddb.scan(TableName="Gone")["Count"], 0)
        self.assertEqual(ddb.describe_continuous_backups(TableName="Gone")["ContinuousBackupsDescription"]
                         ["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"], "DISABLED")
        ddb.restore_table_from_backup(TargetTableName="GoneBack", BackupArn=sys_[0]["BackupArn"])
        wait_active(ddb, "GoneBack")
        self.assertEqual(canon(scan_all(ddb, TableName="GoneBack")), canon(before))
        # without PITR, no backup
        ddb.delete_table(TableName="Gone")
        self.assertEqual(len(ddb.list_backups(TableName="Gone", BackupType="ALL")["BackupSummaries"]), 1)

    def test_cli(self):
        def aws(*a):
            return self.nimbus.aws("dynamodb", *a)[1]
        make_table(self.ddb, "CliBk", gsi=False)
        load(self.ddb, "CliBk", 30)
        arn = aws("create-backup", "--table-name", "CliBk", "--backup-name", "cli-bk")["BackupDetails"]["BackupArn"]
        wait_backup(self.ddb, arn)
        self.assertEqual(aws("describe-backup", "--backup-arn", arn)["BackupDescription"]["BackupDetails"]["BackupStatus"],
                         "AVAILABLE")
        self.assertEqual([b["BackupArn"] for b in aws("list-backups", "--table-name", "CliBk")["BackupSummaries"]], [arn])
        aws("restore-table-from-backup", "--target-table-name", "CliBkCopy", "--backup-arn", arn)
        aws("wait", "table-exists", "--table-name", "CliBkCopy")
        t = wait_active(self.ddb, "CliBkCopy")
        self.assertEqual(t["ItemCount"], 30)
        out = aws("update-continuous-backups", "--table-name", "CliBk", "--point-in-time-recovery-specification",
                  "PointInTimeRecoveryEnabled=true")
        self.assertEqual(out["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
                         "ENABLED")
        aws("restore-table-to-point-in-time", "--source-table-name", "CliBk", "--target-table-name", "CliBkPitr",
            "--use-latest-restorable-time")
        self.assertEqual(wait_active(self.ddb, "CliBkPitr")["ItemCount"], 30)
        self.assertEqual(aws("delete-backup", "--backup-arn", arn)["BackupDescription"]["BackupDetails"]["BackupStatus"],
                         "DELETED")

    def test_iam_on_backup_arns(self):
        ddb = self.ddb
        make_table(ddb, "Iam", gsi=False)
        arn = ddb.create_backup(TableName="Iam", BackupName="iam")["BackupDetails"]["BackupArn"]
        wait_backup(ddb, arn)
        key = self.nimbus.new_user("backup-reader", {"Effect": "Allow", "Action": ["dynamodb:DescribeBackup"],
                                                     "Resource": arn})
        c = self.nimbus.client("dynamodb", access_key=key[0], secret_key=key[1])
        self.assertEqual(c.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupArn"], arn)
        for fn, kw in [(c.delete_backup, {"BackupArn": arn}),
                       (c.create_backup, {"TableName": "Iam", "BackupName": "nope"}),
                       (c.restore_table_from_backup, {"TargetTableName": "IamCopy", "BackupArn": arn}),
                       (c.list_backups, {})]:
            self.assertEqual(self.client_error(fn, **kw)["Error"]["Code"], "AccessDeniedException", fn)
        self.assertEqual(ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"],
                         "AVAILABLE")
        # a restore needs RestoreTableFromBackup on the backup and read and write on the target table
        # (AWS's developer guide, "Using IAM with DynamoDB backup and restore")
        target = "arn:aws:dynamodb:%s:%s:table/IamCopy" % tuple(arn.split(":")[3:5])
        rw = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
              "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchWriteItem"]
        key = self.nimbus.new_user("restorer-backup-only", {"Effect": "Allow",
                                   "Action": ["dynamodb:RestoreTableFromBackup"], "Resource": arn})
        c = self.nimbus.client("dynamodb", access_key=key[0], secret_key=key[1])
        e = self.client_error(c.restore_table_from_backup, TargetTableName="IamCopy", BackupArn=arn)["Error"]
        self.assertEqual(e["Code"], "AccessDeniedException")
        self.assertIn("dynamodb:PutItem on resource: %s" % target, e["Message"])
        key = self.nimbus.new_user("restorer", {"Effect": "Allow", "Action": ["dynamodb:RestoreTableFromBackup"],
                                                "Resource": arn},
                                   {"Effect": "Allow", "Action": rw, "Resource": target})
        c = self.nimbus.client("dynamodb", access_key=key[0], secret_key=key[1])
        c.restore_table_from_backup(TargetTableName="IamCopy", BackupArn=arn)
        self.assertEqual(ddb.describe_table(TableName="IamCopy")["Table"]["TableName"], "IamCopy")


class RestoreInProgress(unittest.TestCase):
    """A restore slowed down (one item a slice, 100 ms apart) so requests land while it runs."""

    def test_a_table_being_restored_is_not_deleted_or_updated(self):
        n = Nimbus(extra_args=["--set", "dynamodb.backup_batch=1", "--set", "dynamodb.backup_interval_ms=100"]).start()
        try:
            ddb = n.client("dynamodb")
            make_table(ddb, "Whole", gsi=False)
            load(ddb, "Whole", 30)
            arn = ddb.create_backup(TableName="Whole", BackupName="whole")["BackupDetails"]["BackupArn"]
            wait_backup(ddb, arn)
            ddb.restore_table_from_backup(TargetTableName="WholeCopy", BackupArn=arn)
            copy_arn = ddb.describe_table(TableName="WholeCopy")["Table"]["TableArn"]
            in_use = ("ResourceInUseException", "Attempt to change a resource which is still in use: Table is being "
                      "created: WholeCopy")
            # CREATING: TTL and tags are not changed (ResourceInUseException, as their references document) ...
            for fn, kw in [(ddb.update_time_to_live, {"TableName": "WholeCopy", "TimeToLiveSpecification": {
                               "Enabled": True, "AttributeName": "exp"}}),
                           (ddb.tag_resource, {"ResourceArn": copy_arn, "Tags": [{"Key": "k", "Value": "v"}]}),
                           (ddb.untag_resource, {"ResourceArn": copy_arn, "TagKeys": ["k"]})]:
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    fn(**kw)
                e = cm.exception.response["Error"]
                self.assertEqual((e["Code"], e["Message"]), in_use, fn)
            # ... nor PITR (UpdateContinuousBackups documents no ResourceInUseException: AWS's answer while a
            # new table's backups are set up)
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ddb.update_continuous_backups(TableName="WholeCopy",
                                              PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
            self.assertEqual(cm.exception.response["Error"]["Code"], "ContinuousBackupsUnavailableException")
            # CREATING: DeleteTable is ResourceInUseException (no SYSTEM backup of a half-restored table)
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ddb.delete_table(TableName="WholeCopy")
            e = cm.exception.response["Error"]
            self.assertEqual((e["Code"], e["Message"]), ("ResourceInUseException", "Attempt to change a resource "
                             "which is still in use: Table is being created: WholeCopy"))
            # nor updated: a stream enabled now would carry every restored item as an INSERT
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ddb.update_table(TableName="WholeCopy",
                                 StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
            e = cm.exception.response["Error"]
            self.assertEqual((e["Code"], e["Message"]), ("ResourceInUseException", "Attempt to change a resource "
                             "which is still in use: Table is being created: WholeCopy"))
            t = wait_active(ddb, "WholeCopy")
            self.assertEqual(t["ItemCount"], 30)
            self.assertNotIn("StreamSpecification", t)
            self.assertEqual(ddb.list_tags_of_resource(ResourceArn=copy_arn)["Tags"], [])
            self.assertEqual(ddb.describe_time_to_live(TableName="WholeCopy")["TimeToLiveDescription"]
                             ["TimeToLiveStatus"], "DISABLED")
            ddb.tag_resource(ResourceArn=copy_arn, Tags=[{"Key": "k", "Value": "v"}])
            ddb.update_continuous_backups(TableName="WholeCopy",
                                          PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
            ddb.update_table(TableName="WholeCopy", BillingMode="PROVISIONED",
                             ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
            ddb.delete_table(TableName="WholeCopy")
            sb = [b for b in ddb.list_backups(BackupType="SYSTEM")["BackupSummaries"] if b["TableName"] == "WholeCopy"]
            self.assertEqual(len(sb), 1)
            d = wait_backup(ddb, sb[0]["BackupArn"])
            self.assertEqual(d["SourceTableDetails"]["ItemCount"], 30)
        finally:
            n.cleanup()


class BusyLimit(unittest.TestCase):
    """At most 50 backups and restores in progress: restores held up (one item a slice, a minute apart)."""

    def test_restores_count_against_the_limit_of_50(self):
        n = Nimbus().start()
        try:
            ddb = n.client("dynamodb")
            make_table(ddb, "Busy", gsi=False)
            load(ddb, "Busy", 3)
            arn = ddb.create_backup(TableName="Busy", BackupName="busy")["BackupDetails"]["BackupArn"]
            wait_backup(ddb, arn)
            ddb.update_continuous_backups(TableName="Busy",
                                          PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
            n.stop()
            n.extra_args = ["--set", "dynamodb.backup_batch=1", "--set", "dynamodb.backup_interval_ms=600000"]
            n.start()
            ddb = n.client("dynamodb")
            for i in range(49):
                ddb.restore_table_from_backup(TargetTableName="Busy%d" % i, BackupArn=arn)
            ddb.restore_table_to_point_in_time(SourceTableName="Busy", TargetTableName="BusyPitr",
                                               UseLatestRestorableTime=True)

            def refused():
                for fn, kw in [(ddb.restore_table_from_backup, {"TargetTableName": "Busy50", "BackupArn": arn}),
                               (ddb.restore_table_to_point_in_time, {"SourceTableName": "Busy",
                                "TargetTableName": "BusyPitr2", "UseLatestRestorableTime": True}),
                               (ddb.create_backup, {"TableName": "Busy", "BackupName": "one-more"})]:
                    with self.assertRaises(botocore.exceptions.ClientError) as cm:
                        fn(**kw)
                    self.assertEqual(cm.exception.response["Error"]["Code"], "LimitExceededException", fn)
            refused()
            self.assertEqual(ddb.describe_table(TableName="Busy0")["Table"]["TableStatus"], "CREATING")
            n.stop()                   # the restores in progress are counted again after a restart
            n.start()
            ddb = n.client("dynamodb")
            refused()
            self.assertNotIn("BusyPitr2", ddb.list_tables()["TableNames"])
        finally:
            n.cleanup()


class SystemBackupExpiry(unittest.TestCase):
    """A SYSTEM backup's BackupExpiryDateTime is enforced (retention shortened for the test)."""

    def test_system_backup_is_deleted_once_expired(self):
        n = Nimbus(extra_args=["--set", "dynamodb.system_backup_retention_ms=1500"]).start()
        try:
            ddb = n.client("dynamodb")
            make_table(ddb, "Brief", gsi=False)
            load(ddb, "Brief", 20)
            ddb.update_continuous_backups(TableName="Brief",
                                          PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
            ddb.delete_table(TableName="Brief")
            sb = ddb.list_backups(TableName="Brief", BackupType="SYSTEM")["BackupSummaries"]
            self.assertEqual(len(sb), 1)
            self.assertAlmostEqual(sb[0]["BackupExpiryDateTime"].timestamp(),
                                   sb[0]["BackupCreationDateTime"].timestamp() + 1.5, delta=0.01)
            arn = sb[0]["BackupArn"]
            for _ in range(600):
                if not ddb.list_backups(TableName="Brief", BackupType="SYSTEM")["BackupSummaries"]:
                    break
                time.sleep(0.05)
            self.assertEqual(ddb.list_backups(BackupType="ALL")["BackupSummaries"], [])
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ddb.describe_backup(BackupArn=arn)
            self.assertEqual(cm.exception.response["Error"]["Code"], "BackupNotFoundException")
            self.assertIn("backup %s expired: deleted" % arn.rsplit("/", 1)[1], n.read_log())
        finally:
            n.cleanup()


class BackupCrash(unittest.TestCase):
    """A throttled copy (dynamodb.backup_batch / backup_interval_ms) so the crash lands mid-way."""

    def test_kill9_during_backup_and_restore(self):
        slow = ["--set", "dynamodb.backup_batch=50", "--set", "dynamodb.backup_interval_ms=30"]
        n = Nimbus(extra_args=slow).start()
        try:
            ddb = n.client("dynamodb")
            make_table(ddb, "Crash")
            load(ddb, "Crash", 4000)
            snapshot = canon(scan_all(ddb, TableName="Crash"))
            arn = ddb.create_backup(TableName="Crash", BackupName="crash")["BackupDetails"]["BackupArn"]
            time.sleep(0.3)
            # writes while the copy runs, ahead of and behind its cursor: none reach the backup
            for i in range(0, 4000, 97):
                ddb.put_item(TableName="Crash", Item=item(i, "changed"))
            for i in range(5, 4000, 131):
                ddb.delete_item(TableName="Crash", Key={"pk": item(i)["pk"], "sk": item(i)["sk"]})
            load(ddb, "Crash", 50, start=10000)
            self.assertEqual(ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"],
                             "CREATING")
            r = self.client_error_code(lambda: ddb.delete_table(TableName="Crash"))
            self.assertEqual(r, "ResourceInUseException")
            self.assertEqual(ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"],
                             "CREATING")
            n.kill9()
            n.start()
            ddb = n.client("dynamodb")
            st = ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"]
            self.assertIn(st, ("CREATING", "AVAILABLE"))
            d = wait_backup(ddb, arn)
            self.assertEqual(d["SourceTableDetails"]["ItemCount"], 4000)
            self.assertIn("resuming backup", n.read_log())
            n.kill9()                  # and after: still AVAILABLE
            n.extra_args = []
            n.start()
            ddb = n.client("dynamodb")
            self.assertEqual(ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"],
                             "AVAILABLE")
            ddb.delete_table(TableName="Crash")
            n.stop()
            n.extra_args = slow
            n.start()
            ddb = n.client("dynamodb")
            ddb.restore_table_from_backup(TargetTableName="Crash", BackupArn=arn)
            time.sleep(0.3)
            self.assertEqual(ddb.describe_table(TableName="Crash")["Table"]["TableStatus"], "CREATING")
            self.assertEqual(self.client_error_code(lambda: ddb.get_item(TableName="Crash", Key={
                "pk": {"S": "p0"}, "sk": {"N": "0"}})), "ResourceNotFoundException")
            self.assertEqual(self.client_error_code(lambda: ddb.execute_statement(
                Statement='SELECT * FROM "Crash" WHERE pk = \'p0\'')), "ResourceNotFoundException")
            r = self.client_error_code(lambda: ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": "Crash", "Item": item(99999)}}]))
            self.assertEqual(r, "ResourceNotFoundException")
            self.assertEqual(self.client_error_code(lambda: ddb.delete_backup(BackupArn=arn)), "BackupInUseException")
            n.kill9()                  # mid-restore
            n.extra_args = []
            n.start()
            ddb = n.client("dynamodb")
            t = wait_active(ddb, "Crash")
            self.assertEqual(t["ItemCount"], 4000)
            self.assertEqual(canon(scan_all(ddb, TableName="Crash")), snapshot)
            g = query_all(ddb, TableName="Crash", IndexName="ByG", KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": {"S": "g4"}})
            self.assertEqual(len(g), len([i for i in range(4000) if i % 4 and i % 9 == 4]))
        finally:
            n.cleanup()

    def client_error_code(self, fn):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn()
        return cm.exception.response["Error"]["Code"]


if __name__ == "__main__":
    unittest.main()
