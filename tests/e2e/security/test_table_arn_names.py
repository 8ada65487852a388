"""DynamoDB takes a table's ARN wherever it takes a table name (TableName,
RequestItems keys, ResourceArn). Authorization must see the table the
request acts on however it is named: an explicit deny on table/Secrets holds
for TableName="arn:…:table/Secrets", dynamodb:LeadingKeys is computed for it,
and an ARN of another region or account names none of this daemon's tables
(else a policy granting that region's tables would reach ours)."""


from harness import NimbusTestCase

ACCOUNT = "000000000000"
TABLE_ARN = "arn:aws:dynamodb:us-east-1:%s:table/%%s" % ACCOUNT
FOREIGN_ARN = "arn:aws:dynamodb:eu-west-1:999999999999:table/%s"


class TableArnNames(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.iam = n.client("iam")
        cls.root = n.client("dynamodb")
        for name in ("Secrets", "Scores"):
            cls.root.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        cls.root.put_item(TableName="Secrets", Item={"pk": {"S": "k"}, "v": {"S": "top-secret"}})
        for who in ("alice", "bob"):
            cls.root.put_item(TableName="Scores", Item={"pk": {"S": who}, "v": {"S": "s-" + who}})

    def user(self, name, *statements):
        key, secret = self.nimbus.new_user(name, *statements)
        return self.nimbus.client("dynamodb", access_key=key, secret_key=secret)

    def test_explicit_deny_holds_for_table_arn(self):
        ddb = self.user("denied", {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "dynamodb:*", "Resource": TABLE_ARN % "Secrets"})
        arn = TABLE_ARN % "Secrets"
        want = ("User: arn:aws:iam::%s:user/denied is not authorized to perform: dynamodb:GetItem on resource: %s"
                " with an explicit deny in an identity-based policy" % (ACCOUNT, arn))
        r = self.client_error(lambda: ddb.get_item(TableName=arn, Key={"pk": {"S": "k"}}))
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        self.assertEqual(r["Error"]["Message"], want)
        r = self.client_error(lambda: ddb.scan(TableName=arn))
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        r = self.client_error(lambda: ddb.batch_get_item(RequestItems={arn: {"Keys": [{"pk": {"S": "k"}}]}}))
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        r = self.client_error(lambda: ddb.transact_get_items(TransactItems=[{"Get": {"TableName": arn, "Key": {"pk": {"S": "k"}}}}]))
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        r = self.client_error(lambda: ddb.delete_table(TableName=arn))
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        # the other tables, by name or ARN, stay reachable
        self.assertEqual(ddb.get_item(TableName=TABLE_ARN % "Scores", Key={"pk": {"S": "bob"}})["Item"]["v"]["S"], "s-bob")
        self.assertEqual(self.root.get_item(TableName="Secrets", Key={"pk": {"S": "k"}})["Item"]["v"]["S"], "top-secret")

    def test_leading_keys_for_table_arn(self):
        arn = TABLE_ARN % "Scores"
        ddb = self.user("alice", {
            "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem"],
            "Resource": arn,
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}})
        self.assertEqual(ddb.get_item(TableName=arn, Key={"pk": {"S": "alice"}})["Item"]["v"]["S"], "s-alice")
        for fn in (lambda: ddb.get_item(TableName=arn, Key={"pk": {"S": "bob"}}),
                   lambda: ddb.batch_get_item(RequestItems={arn: {"Keys": [{"pk": {"S": "bob"}}]}}),
                   lambda: ddb.put_item(TableName=arn, Item={"pk": {"S": "bob"}, "v": {"S": "owned"}})):
            r = self.client_error(fn)
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        self.assertEqual(self.root.get_item(TableName="Scores", Key={"pk": {"S": "bob"}})["Item"]["v"]["S"], "s-bob")

    def test_foreign_arn_names_no_table_here(self):
        # granted every table of another region and account, nothing of this one's
        ddb = self.user("foreign", {"Effect": "Allow", "Action": "dynamodb:*",
                                    "Resource": "arn:aws:dynamodb:eu-west-1:*:table/*"})
        for fn in (lambda: ddb.get_item(TableName=FOREIGN_ARN % "Secrets", Key={"pk": {"S": "k"}}),
                   lambda: ddb.scan(TableName=FOREIGN_ARN % "Secrets"),
                   lambda: ddb.batch_get_item(RequestItems={FOREIGN_ARN % "Secrets": {"Keys": [{"pk": {"S": "k"}}]}}),
                   lambda: ddb.delete_table(TableName=FOREIGN_ARN % "Secrets")):
            r = self.client_error(fn)
            self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException", r)
        # the tag operations refuse another account's ARN outright, as DynamoDB does
        # (nubo-db/dynamodb-conformance tier2/tags, tests/e2e/dynamodb/test_ddb_ncf_reads.py)
        for fn in (lambda: ddb.tag_resource(ResourceArn=FOREIGN_ARN % "Secrets", Tags=[{"Key": "x", "Value": "y"}]),
                   lambda: ddb.list_tags_of_resource(ResourceArn=FOREIGN_ARN % "Secrets")):
            r = self.client_error(fn)
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        # a table ARN with a trailing path names no table either
        root_err = self.client_error(lambda: self.root.get_item(TableName=TABLE_ARN % "Secrets/index/x",
                                                         Key={"pk": {"S": "k"}}))
        self.assertEqual(root_err["Error"]["Code"], "ResourceNotFoundException", root_err)
        self.assertEqual(self.root.describe_table(TableName="Secrets")["Table"]["TableStatus"], "ACTIVE")
        self.assertEqual(self.root.list_tags_of_resource(ResourceArn=TABLE_ARN % "Secrets")["Tags"], [])
