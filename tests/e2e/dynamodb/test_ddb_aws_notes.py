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
from dynamodb.ddb_rows import RowsMixin, S, ad, create_tables, err, ks, ok, table

V = "ValidationException"
TOO_LARGE = "1 validation error detected: Attribute name is too large, must be less than 65536 bytes"
NAME64K = "n" * 65536
NO_PROJ = "One or more parameter values were invalid: Unknown ProjectionType: null"
TTL_AGAIN = "Time to live has been modified multiple times within a fixed interval"
T_NAME = ("[ALT] test_limits.py test_limit_attribute_length_nonkey_bad (AttributesToGet, AttributeUpdates: "
          "the other legacy members take the same name check); the wording: [X365]")


def index(name, keys, projection):
    return {"IndexName": name, "KeySchema": keys, "Projection": projection}


TABLES = [
    table("NotesHash", ks("p"), ad(("p", "S"))),
    table("NotesComp", ks("a", "b"), ad(("a", "S"), ("b", "S"))),
    table("NotesGsi", ks("p"), ad(("p", "S"), ("g", "S")),
          GlobalSecondaryIndexes=[index("gsi1", ks("g"), {"ProjectionType": "ALL"})]),
]
TABLES += [
    table("NotesProv", ks("p"), ad(("p", "S"), ("g", "S")), BillingMode="PROVISIONED",
          ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
          GlobalSecondaryIndexes=[dict(index("gsi1", ks("g"), {"ProjectionType": "ALL"}),
                                       ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})]),
    table("NotesStream", ks("p"), ad(("p", "S")), StreamSpecification={"StreamEnabled": True,
                                                                        "StreamViewType": "KEYS_ONLY"}),
    table("NotesLsi", ks("p", "c"), ad(("p", "S"), ("c", "S"), ("x", "S")),
          LocalSecondaryIndexes=[index("lsi", ks("p", "x"), {"ProjectionType": "ALL"})]),
]
A456 = "[ACK] DDB-TABLE-456 (live rows gsi_update_*)"
A433 = "[ACK] DDB-TABLE-433 and -382 (pairs of members in one UpdateTable)"
A174 = "[ACK] DDB-TABLE-174 (a GSI Create beside another change)"
A442 = "[ACK] DDB-TABLE-442 (the catalogue of measured messages)"
P = "One or more parameter values were invalid: "
WARM_BASE = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
STREAM_ON = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
PT3 = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 3}


def upd(name="NotesHash", **members):
    return dict({"TableName": name}, **members)


def gsi_update_list(updates, name="NotesGsi"):
    return {"TableName": name, "GlobalSecondaryIndexUpdates": updates}


def create_g2(name="NotesGsi"):
    return [{"Create": index("g2", ks("g"), {"ProjectionType": "ALL"})}]


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

    ("CreateTable", "a stream enabled without a view type", A442,
     table("notes_bad", ks("p"), ad(("p", "S")), StreamSpecification={"StreamEnabled": True}),
     err(V, P + "Table is being created with a stream enabled, UpdateViewType is required")),
    ("CreateTable", "a stream disabled with a view type", A442,
     table("notes_bad", ks("p"), ad(("p", "S")), StreamSpecification={"StreamEnabled": False,
                                                                      "StreamViewType": "KEYS_ONLY"}),
     err(V, P + "Table is being created with a stream disabled, UpdateViewType should not be specified")),

    ("CreateTable", "a NonKeyAttributes name twice", "[ACK] DDB-TABLE-366 (a synchronous ValidationException), "
     "DDB-TABLE-442's catalogue (the words)",
     table("notes_bad", ks("p"), ad(("p", "S"), ("g", "S")), GlobalSecondaryIndexes=[
         index("gsi1", ks("g"), {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b", "a"]})]),
     err(V, P + "Duplicate element in NonKeyAttributes: a")),
    ("CreateTable", "21 GSIs", "[DYN] validations/createTable.js; [ACK] DDB-TABLE-169 (a ValidationException at "
     "CreateTable, LimitExceededException only through UpdateTable)",
     table("notes_bad", ks("p"), ad(("p", "S"), ("g", "S")),
           GlobalSecondaryIndexes=[index("gsi%02d" % i, ks("g"), {"ProjectionType": "KEYS_ONLY"}) for i in range(21)]),
     err(V, P + "GlobalSecondaryIndex count exceeds the per-table limit of 20")),
    ("CreateTable", "SSE off with an SSEType", A442 + "; [ACK] the SSE shape rules (DDB-TABLE-027, -031, -036)",
     table("notes_bad", ks("p"), ad(("p", "S")), SSESpecification={"Enabled": False, "SSEType": "KMS"}),
     err(V, P + "SSEType can not be specified if Enabled is false")),
    ("CreateTable", "SSE off with a KMSMasterKeyId", A442,
     table("notes_bad", ks("p"), ad(("p", "S")), SSESpecification={"Enabled": False,
                                                                   "KMSMasterKeyId": "alias/aws/dynamodb"}),
     err(V, P + "KMSMasterKeyId can not be specified if Enabled is false")),
    ("CreateTable", "SSEType AES256", A442,
     table("notes_bad", ks("p"), ad(("p", "S")), SSESpecification={"Enabled": True, "SSEType": "AES256"}),
     err(V, P + "SSEType AES256 is not supported")),
    ("CreateTable", "a KMSMasterKeyId without SSEType", A442 + "; CloudFormation deployments quoting the same "
     "refusal (SSEEnabled and KMSMasterKeyId without SSEType)",
     table("notes_bad", ks("p"), ad(("p", "S")), SSESpecification={"Enabled": True,
                                                                   "KMSMasterKeyId": "alias/aws/dynamodb"}),
     err(V, P + "SSEType KMS is required if KMSMasterKeyId is specified")),
    ("UpdateTable", "SSE off on the AWS owned key", A442 + " (a no-op re-send)",
     upd(SSESpecification={"Enabled": False}), err(V, P + "Table is already encrypted by default")),
    ("UpdateTable", "an empty SSESpecification on the AWS owned key", A442 + " (SSESpecification {})",
     upd(SSESpecification={}), err(V, P + "Table is already encrypted by default")),

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
    ("UpdateTable", "table units of 0", "[ACK] DDB-TABLE-058 (write units listed first; also an SDK user's quote of "
     "the same answer in a CreateTable)", upd("NotesProv", ProvisionedThroughput={"ReadCapacityUnits": 0,
                                                                                  "WriteCapacityUnits": 0}),
     err(V, "2 validation errors detected: Value '0' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1; Value '0' at "
            "'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater "
            "than or equal to 1")),
    ("UpdateTable", "table units without WriteCapacityUnits", "[ACK] DDB-TABLE-058",
     upd("NotesProv", ProvisionedThroughput={"ReadCapacityUnits": 4}),
     err(V, "1 validation error detected: Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy "
            "constraint: Member must not be null")),
    ("UpdateTable", "Update of an empty ProvisionedThroughput", A456 + " gsi_update_pt_empty_real (the answer cut "
     "after 'provisionedThro'; the rest as the first error words it)",
     gsi_update({"IndexName": "gsi1", "ProvisionedThroughput": {}}),
     err(V, "2 validation errors detected: Value null at 'globalSecondaryIndexUpdates.1.member.update."
            "provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; Value "
            "null at 'globalSecondaryIndexUpdates.1.member.update.provisionedThroughput.readCapacityUnits' failed to "
            "satisfy constraint: Member must not be null")),

    # ---- UpdateTable: one concern a call, billing and streams ------------------------------------------------
    ("UpdateTable", "SSE beside DeletionProtection", A433 + " (SSE named first)",
     upd(SSESpecification={"Enabled": True}, DeletionProtectionEnabled=True),
     err(V, P + "Server-Side Encryption modification must be the only operation in the request")),
    ("UpdateTable", "TableClass beside DeletionProtection", A433 + " (TableClass before DP)",
     upd(TableClass="STANDARD_INFREQUENT_ACCESS", DeletionProtectionEnabled=True),
     err(V, P + "TableClass modification must be the only operation in the request")),
    ("UpdateTable", "DeletionProtection beside BillingMode", A433 + " (DP+BillingMode)",
     upd(DeletionProtectionEnabled=True, BillingMode="PAY_PER_REQUEST"),
     err(V, P + "DeletionProtection modification must be the only operation in the request")),
    ("UpdateTable", "WarmThroughput beside DeletionProtection", A433 + " (WARM+DP names DP)",
     upd(WarmThroughput={"ReadUnitsPerSecond": 13000}, DeletionProtectionEnabled=True),
     err(V, P + "DeletionProtection modification must be the only operation in the request")),
    ("UpdateTable", "WarmThroughput beside BillingMode", A433 + " (WARM+*)",
     upd(WarmThroughput={"ReadUnitsPerSecond": 13000}, BillingMode="PAY_PER_REQUEST"),
     err(V, P + "WarmThroughput must be the only operation in the request")),
    ("UpdateTable", "OnDemandThroughput beside a stream change", A433 + " (STREAM+ODT)",
     upd(OnDemandThroughput={"MaxReadRequestUnits": 10}, StreamSpecification=STREAM_ON),
     err(V, P + "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request")),
    ("UpdateTable", "a stream change beside ProvisionedThroughput", A433 + " (PT+STREAM)",
     upd("NotesProv", ProvisionedThroughput=PT3, StreamSpecification=STREAM_ON),
     err(V, P + "You cannot modify stream status while updating table IOPS")),
    ("UpdateTable", "a stream change beside BillingMode PROVISIONED", A433 + " (BillingMode=PROVISIONED+STREAM)",
     upd("NotesProv", BillingMode="PROVISIONED", ProvisionedThroughput=PT3, StreamSpecification=STREAM_ON),
     err(V, P + "You cannot modify stream status while updating table IOPS")),
    ("UpdateTable", "a GSI Create beside DeletionProtection", A174,
     upd("NotesGsi", AttributeDefinitions=ad(("g", "S")), GlobalSecondaryIndexUpdates=create_g2(),
         DeletionProtectionEnabled=True),
     err(V, P + "DeletionProtection modification must be the only operation in the request")),
    ("UpdateTable", "a GSI Create beside WarmThroughput", A174,
     upd("NotesGsi", AttributeDefinitions=ad(("g", "S")), GlobalSecondaryIndexUpdates=create_g2(),
         WarmThroughput={"ReadUnitsPerSecond": 13000}),
     err(V, P + "Create global secondary index cannot be specified when updating WarmThroughput")),
    ("UpdateTable", "a GSI Create beside a stream change", A174,
     upd("NotesGsi", AttributeDefinitions=ad(("g", "S")), GlobalSecondaryIndexUpdates=create_g2(),
         StreamSpecification=STREAM_ON),
     err(V, P + "You cannot create or delete index while changing stream status")),
    ("UpdateTable", "a GSI Delete beside ProvisionedThroughput", "[ACK] DDB-TABLE-382 (PT + GSI Delete)",
     upd("NotesProv", ProvisionedThroughput=PT3, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "gsi1"}}]),
     err(V, P + "You cannot create or delete index while updating table IOPS")),
    ("UpdateTable", "no member to change", A442 + " (live: val_update_only_name)", upd(),
     err(V, "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
            "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
            "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required")),
    ("UpdateTable", "disabling a stream there is not", A442,
     upd(StreamSpecification={"StreamEnabled": False}), err(V, "Table has no stream to disable: TableName: NotesHash")),
    ("UpdateTable", "enabling the stream again", A442, upd("NotesStream", StreamSpecification=STREAM_ON),
     err(V, "Table already has an enabled stream: TableName: NotesStream")),
    ("UpdateTable", "enabling a stream without a view type", "[ACK] DDB-TABLE-050 (on an enabled table: the view "
     "type is checked first)", upd("NotesStream", StreamSpecification={"StreamEnabled": True}),
     err(V, P + "If stream is being enabled then UpdateViewType is required")),
    ("UpdateTable", "disabling a stream with a view type", "[ACK] DDB-TABLE-050",
     upd("NotesStream", StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"}),
     err(V, P + "If stream is being disabled, then UpdateViewType must not be specified")),
    ("UpdateTable", "BillingMode PROVISIONED alone on a provisioned table", "[ACK] DDB-TABLE-164",
     upd("NotesProv", BillingMode="PROVISIONED"),
     err(V, P + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED")),
    ("UpdateTable", "to provisioned without the GSI's units", "[ACK] DDB-TABLE-152",
     upd("NotesGsi", BillingMode="PROVISIONED", ProvisionedThroughput=PT3),
     err(V, P + "ProvisionedThroughput must be specified for index: gsi1")),
    ("UpdateTable", "table units on an on-demand table", A442 + " (live in us-east-1: val_pt_on_ppr)",
     upd("NotesGsi", ProvisionedThroughput=PT3),
     err(V, P + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                "PAY_PER_REQUEST")),
    ("UpdateTable", "table units beside an empty WarmThroughput, on demand", A442 + " (live: ise_warm_empty_plus_pt)",
     upd("NotesGsi", ProvisionedThroughput=PT3, WarmThroughput={}),
     err(V, P + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                "PAY_PER_REQUEST")),
    ("UpdateTable", "MultiRegionConsistency alone", A442 + " (live: val_update_mrc_only, the member left out)",
     upd(MultiRegionConsistency="STRONG"),
     err(V, "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
            "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, "
            "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required")),
    ("UpdateTable", "GSI units on an on-demand table", "[ACK] DDB-TABLE-152",
     gsi_update({"IndexName": "gsi1", "ProvisionedThroughput": PT3}), err(V, only_updates("gsi1"))),
    ("UpdateTable", "the GSI's units again", "[ACK] DDB-TABLE-164 (measured up to 'Current WriteCapacityUnits'; the "
     "rest as the table's message goes on)", gsi_update({"IndexName": "gsi1", "ProvisionedThroughput":
                                                         {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}, "NotesProv"),
     err(V, "The provisioned throughput for the index gsi1 will not change. The requested value equals the current "
            "value. Current ReadCapacityUnits provisioned for index gsi1: 2. Requested ReadCapacityUnits: 2. Current "
            "WriteCapacityUnits provisioned for index gsi1: 2. Requested WriteCapacityUnits: 2. Refer to the Amazon "
            "DynamoDB Developer Guide for current limits and how to request higher limits.")),

    # ---- GlobalSecondaryIndexUpdates' own checks ([ACK] DDB-TABLE-442's catalogue of measured messages) -------
    ("UpdateTable", "an empty GlobalSecondaryIndexUpdate", A442 + "; [ALT] test_gsi_updatetable.py "
     "test_gsi_updatetable_errors (ValidationException.*GlobalSecondaryIndexUpdate)",
     gsi_update_list([{}]), err(V, P + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                                      "GlobalSecondaryIndexUpdate.Delete must not be null")),
    ("UpdateTable", "Create and Delete in one GlobalSecondaryIndexUpdate", A442 + "; [ALT] test_gsi_updatetable.py "
     "test_gsi_updatetable_errors (ValidationException.*one)",
     gsi_update_list([{"Create": index("g2", ks("g"), {"ProjectionType": "ALL"}), "Delete": {"IndexName": "gsi1"}}]),
     err(V, P + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object")),
    ("UpdateTable", "two Updates of one index", A442,
     gsi_update_list([{"Update": {"IndexName": "gsi1", "OnDemandThroughput": {"MaxReadRequestUnits": 5}}},
                      {"Update": {"IndexName": "gsi1", "OnDemandThroughput": {"MaxReadRequestUnits": 6}}}]),
     err(V, P + "Only one global secondary index update per index is allowed simultaneously. Index: gsi1")),
    ("UpdateTable", "a Create of an index that exists", A442 + "; dynoxide's measurement (eu-west-2, us-east-1, "
     "2026-08-12)", upd("NotesGsi", AttributeDefinitions=ad(("g", "S")),
                        GlobalSecondaryIndexUpdates=[{"Create": index("gsi1", ks("g"), {"ProjectionType": "ALL"})}]),
     err(V, "Attempting to create an index which already exists")),
    ("UpdateTable", "a Create without AttributeDefinitions", A442,
     upd("NotesGsi", GlobalSecondaryIndexUpdates=create_g2()),
     err(V, P + "AttributeDefinitions is not specified for index: g2")),
    ("UpdateTable", "a Delete of an LSI", A442 + "; [ALT] test_gsi_updatetable.py test_gsi_delete_with_lsi "
     "(DynamoDB: a ValidationException knowing it is no GSI)",
     upd("NotesLsi", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "lsi"}}]),
     err(V, "Cannot delete an index that is not a GlobalSecondaryIndex: lsi")),
    ("UpdateTable", "an Update of an LSI", A442 + " (\"also 'Cannot update an index ...'\")",
     upd("NotesLsi", GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "lsi", "OnDemandThroughput":
                                                                {"MaxReadRequestUnits": 5}}}]),
     err(V, "Cannot update an index that is not a GlobalSecondaryIndex: lsi")),

    # ---- tags ([ACK] DDB-TABLE-442's catalogue: TagResource, UntagResource, CreateTable) ---------------------
    ("TagResource", "a tag key with a forbidden character", A442 + "; [ALT] test_tag.py test_tag_forbidden_chars",
     {"ResourceArn": "@NotesHash", "Tags": [{"Key": "hi!", "Value": "dog"}]},
     err(V, "The Tag Key provided is invalid, Key: hi!")),
    ("TagResource", "a tag value with a forbidden character", A442 + "; [ALT] test_tag.py test_tag_forbidden_chars",
     {"ResourceArn": "@NotesHash", "Tags": [{"Key": "dog", "Value": "<><"}]},
     err(V, "The Tag Value provided is invalid, Value: <><")),
    ("TagResource", "a tag key prefixed aws:", A442,
     {"ResourceArn": "@NotesHash", "Tags": [{"Key": "aws:owner", "Value": "dog"}]},
     err(V, "Tag Key cannot be prefixed with aws:, Key: aws:owner")),
    ("TagResource", "one key twice", A442,
     {"ResourceArn": "@NotesHash", "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]},
     err(V, "Duplicate Tag Keys provided as input: Duplicate Tag Key found k")),
    ("TagResource", "an empty Tags list", A442 + "; [ALT] test_tag.py test_tag_resource_incorrect",
     {"ResourceArn": "@NotesHash", "Tags": []}, err(V, "Atleast one Tag needs to be provided as Input.")),
    ("TagResource", "51 tags", A442 + " (a ValidationException, not LimitExceeded)",
     {"ResourceArn": "@NotesHash", "Tags": [{"Key": "k%d" % i, "Value": "v"} for i in range(51)]},
     err(V, "Number of Tags exceed the current limit for the provided ResourceArn")),
    ("UntagResource", "an empty TagKeys list", A442,
     {"ResourceArn": "@NotesHash", "TagKeys": []}, err(V, "Atleast one Tag Key needs to be provided as Input.")),

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
        if str(body.get("ResourceArn", "")).startswith("@"):
            arn = self.ok("DescribeTable", {"TableName": body["ResourceArn"][1:]})["Table"]["TableArn"]
            body = dict(body, ResourceArn=arn)
        self.assert_want(*self.raw(op, body), want)

    def test_tag_rows(self):
        self.run_rows(CHECKS, "TagResource", "UntagResource")
        arn = self.ok("DescribeTable", {"TableName": "NotesHash"})["Table"]["TableArn"]
        self.assertEqual(self.ok("ListTagsOfResource", {"ResourceArn": arn})["Tags"], [])

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
        names = ("NotesHash", "NotesGsi", "NotesProv", "NotesStream", "NotesLsi")
        before = [self.ok("DescribeTable", {"TableName": n})["Table"] for n in names]
        self.run_rows([c for c in CHECKS if c[3].get("TableName") != "NotesComp"], "UpdateTable")
        after = [self.ok("DescribeTable", {"TableName": n})["Table"] for n in names]
        self.assertEqual(before, after)   # [ACK] DDB-TABLE-433: a refused call applies nothing
        self.assertEqual(after[1]["GlobalSecondaryIndexes"][0]["WarmThroughput"], WARM_BASE)

    def test_warm_throughput_always_described(self):
        """[ACK] DDB-TABLE-058 and the billing document's rules: DescribeTable always has WarmThroughput (12000 /
        4000 on demand, for the table and its GSIs; on a provisioned table the highest units it ever had, never
        falling; 12000 / 4000 once on demand, kept after switching back), CreateTable's answer only when sent."""
        def warm(name):
            return self.ok("DescribeTable", {"TableName": name})["Table"]["WarmThroughput"]

        def units(r, w):
            return {"ReadCapacityUnits": r, "WriteCapacityUnits": w}

        def want(r, w):
            return {"ReadUnitsPerSecond": r, "WriteUnitsPerSecond": w, "Status": "ACTIVE"}

        td = self.ok("CreateTable", table("notes_warm", ks("p"), ad(("p", "S")), BillingMode="PROVISIONED",
                                          ProvisionedThroughput=units(1, 1)))["TableDescription"]
        self.assertNotIn("WarmThroughput", td)
        self.assertEqual(warm("notes_warm"), want(1, 1))
        for (r, w), got in (((2, 2), want(2, 2)), ((3, 3), want(3, 3)), ((1, 1), want(3, 3)), ((1, 4), want(3, 4))):
            self.ok("UpdateTable", upd("notes_warm", ProvisionedThroughput=units(r, w)))
            self.assertEqual(warm("notes_warm"), got)
        self.ok("UpdateTable", upd("notes_warm", BillingMode="PAY_PER_REQUEST"))
        self.assertEqual(warm("notes_warm"), WARM_BASE)
        self.ok("UpdateTable", upd("notes_warm", BillingMode="PROVISIONED", ProvisionedThroughput=units(5, 5)))
        self.assertEqual(warm("notes_warm"), WARM_BASE)
        self.assertEqual(self.ok("DescribeTable", {"TableName": "NotesGsi"})["Table"]["WarmThroughput"], WARM_BASE)
        self.ok("DeleteTable", {"TableName": "notes_warm"})

    def test_decrease_budget(self):
        """[ACK] DDB-TABLE-184 and -058: a fresh provisioned table has NumberOfDecreasesToday 0 and no
        LastIncreaseDateTime / LastDecreaseDateTime; an increase sets the first, a decrease (one unit down is
        enough; both in one call count once) the second and the day's count; four decreases a UTC day are
        free, the fifth within the hour after the last is LimitExceededException naming when the next may be
        made; an increase still goes through, and nothing refused changes the units."""
        def pt():
            return self.ok("DescribeTable", {"TableName": "notes_budget"})["Table"]["ProvisionedThroughput"]

        def units(r, w):
            return {"ReadCapacityUnits": r, "WriteCapacityUnits": w}

        self.ok("CreateTable", table("notes_budget", ks("p"), ad(("p", "S")), BillingMode="PROVISIONED",
                                     ProvisionedThroughput=units(10, 10)))
        self.assertEqual(pt(), dict(units(10, 10), NumberOfDecreasesToday=0))
        self.ok("UpdateTable", upd("notes_budget", ProvisionedThroughput=units(11, 11)))
        self.assertIn("LastIncreaseDateTime", pt())
        self.assertNotIn("LastDecreaseDateTime", pt())
        for n, (r, w) in enumerate(((10, 10), (10, 9), (10, 8), (10, 7)), 1):
            self.ok("UpdateTable", upd("notes_budget", ProvisionedThroughput=units(r, w)))
            got = pt()
            self.assertEqual((got["NumberOfDecreasesToday"], got["WriteCapacityUnits"]), (n, w))
            self.assertIn("LastDecreaseDateTime", got)
        for r, w in ((10, 6), (9, 8)):   # a decrease, and one down and one up
            status, out = self.raw("UpdateTable", upd("notes_budget", ProvisionedThroughput=units(r, w)))
            self.assert_error(status, out, "LimitExceededException", re.compile(
                r"^Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day\. "
                r"After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most "
                r"once every 3600 seconds\. Number of decreases today: 4\. Last decrease at \w+day, \w+ \d{1,2}, "
                r"\d{4} at \d{1,2}:\d\d:\d\d [AP]M Coordinated Universal Time\. Next decrease can be made at "
                r"\w+day, \w+ \d{1,2}, \d{4} at \d{1,2}:\d\d:\d\d [AP]M Coordinated Universal Time\.$"))
        self.assertEqual(pt()["WriteCapacityUnits"], 7)
        self.ok("UpdateTable", upd("notes_budget", ProvisionedThroughput=units(12, 12)))
        self.assertEqual((pt()["ReadCapacityUnits"], pt()["NumberOfDecreasesToday"]), (12, 4))
        self.ok("DeleteTable", {"TableName": "notes_budget"})

    def test_stream_off_and_on_again(self):
        """[ACK] DDB-TABLE-050: a disabled stream leaves no StreamSpecification in the description, the last
        stream's LatestStreamArn and label stay; disabling again is refused; enabling again makes a new stream."""
        self.ok("CreateTable", table("notes_stream2", ks("p"), ad(("p", "S")), StreamSpecification=STREAM_ON))
        first = self.ok("DescribeTable", {"TableName": "notes_stream2"})["Table"]["LatestStreamArn"]
        self.ok("UpdateTable", upd("notes_stream2", StreamSpecification={"StreamEnabled": False}))
        t = self.ok("DescribeTable", {"TableName": "notes_stream2"})["Table"]
        self.assertNotIn("StreamSpecification", t)
        self.assertEqual(t["LatestStreamArn"], first)
        status, out = self.raw("UpdateTable", upd("notes_stream2", StreamSpecification={"StreamEnabled": False}))
        self.assert_error(status, out, V, "Table has no stream to disable: TableName: notes_stream2")
        time.sleep(0.002)   # a new label: the stream's creation time in milliseconds
        t = self.ok("UpdateTable", upd("notes_stream2", StreamSpecification=STREAM_ON))["TableDescription"]
        self.assertEqual(t["StreamSpecification"], STREAM_ON)
        self.assertNotEqual(t["LatestStreamArn"], first)
        self.ok("DeleteTable", {"TableName": "notes_stream2"})

    def test_sse_without_enabled(self):
        """[ACK] DDB-TABLE-044: CreateTable's SSESpecification {} encrypts with no SSEDescription; {SSEType: KMS}
        without Enabled (with or without KMSMasterKeyId alias/aws/dynamodb) turns KMS encryption on, with the
        AWS managed key."""
        arns = []
        for i, sse in enumerate(({}, {"SSEType": "KMS"}, {"SSEType": "KMS", "KMSMasterKeyId": "alias/aws/dynamodb"})):
            name = "notes_sse%d" % i
            self.ok("CreateTable", table(name, ks("p"), ad(("p", "S")), SSESpecification=sse))
            d = self.ok("DescribeTable", {"TableName": name})["Table"].get("SSEDescription")
            if not sse:
                self.assertIsNone(d)
            else:
                self.assertEqual((d["Status"], d["SSEType"]), ("ENABLED", "KMS"))
                arns.append(d["KMSMasterKeyArn"])
            self.ok("DeleteTable", {"TableName": name})
        self.assertEqual(len(set(arns)), 1, arns)

    def test_sse_key_resent(self):
        """[ACK] DDB-TABLE-082 and -442: the table's own key ARN named again is refused ("already encrypted with
        given KMSMasterKeyId"); the same key by its alias, or {Enabled: true}, re-encrypts (200, UPDATING)."""
        self.ok("CreateTable", table("notes_kms", ks("p"), ad(("p", "S")), SSESpecification={"Enabled": True}))
        arn = self.ok("DescribeTable", {"TableName": "notes_kms"})["Table"]["SSEDescription"]["KMSMasterKeyArn"]
        status, out = self.raw("UpdateTable", upd("notes_kms", SSESpecification={
            "Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": arn}))
        self.assert_error(status, out, V, P + "Table is already encrypted with given KMSMasterKeyId. Use "
                                          "KMSMasterKeyId parameter if you want to change Master Key")
        for sse in ({"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/aws/dynamodb"}, {"Enabled": True}):
            t = self.ok("UpdateTable", upd("notes_kms", SSESpecification=sse))["TableDescription"]
            self.assertEqual(t["SSEDescription"], {"Status": "UPDATING"})
        self.assertEqual(self.ok("DescribeTable", {"TableName": "notes_kms"})["Table"]["SSEDescription"]
                         ["KMSMasterKeyArn"], arn)
        self.ok("DeleteTable", {"TableName": "notes_kms"})

    def test_update_table_pairs_accepted(self):
        """[ACK] DDB-TABLE-433: the pairs the service takes, both applied: BillingMode PAY_PER_REQUEST with a
        stream change (from provisioned) and with OnDemandThroughput."""
        self.ok("CreateTable", table("notes_pair", ks("p"), ad(("p", "S")), BillingMode="PROVISIONED",
                                     ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}))
        t = self.ok("UpdateTable", upd("notes_pair", BillingMode="PAY_PER_REQUEST",
                                       StreamSpecification=STREAM_ON))["TableDescription"]
        self.assertEqual((t["BillingModeSummary"]["BillingMode"], t["StreamSpecification"]),
                         ("PAY_PER_REQUEST", STREAM_ON))
        odt = {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 10}
        t = self.ok("UpdateTable", upd("notes_pair", BillingMode="PAY_PER_REQUEST", OnDemandThroughput=odt))
        self.assertEqual(t["TableDescription"]["OnDemandThroughput"], odt)
        self.ok("DeleteTable", {"TableName": "notes_pair"})

    def test_gsi_update_accepted(self):
        """[ACK] DDB-TABLE-456: an empty table WarmThroughput next to another change is no change (200; the
        table keeps its default WarmThroughput); a GSI's OnDemandThroughput and a raised WarmThroughput are taken (the
        warm one UPDATING in the answer, as the table's is), and lowering it again is refused."""
        self.ok("CreateTable", table("notes_gsi2", ks("p"), ad(("p", "S"), ("g", "S")),
                                     GlobalSecondaryIndexes=[index("gsi1", ks("g"), {"ProjectionType": "ALL"})]))
        out = self.ok("UpdateTable", {"TableName": "notes_gsi2", "WarmThroughput": {},
                                      "DeletionProtectionEnabled": False})["TableDescription"]
        self.assertEqual(out["WarmThroughput"], WARM_BASE)   # the default, unchanged
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
