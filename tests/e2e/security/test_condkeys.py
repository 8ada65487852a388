"""Service condition keys end to end, with boto3 as IAM users: dynamodb:LeadingKeys
(AWS's fine-grained access example: a user reads and writes only items whose
partition key is their user name), dynamodb:Attributes / dynamodb:Select,
aws:ResourceTag (invoke only functions tagged team=blue; DynamoDB tables too),
aws:RequestTag and aws:TagKeys on TagResource and CreateTable."""
import io
import json
import zipfile

import botocore.exceptions

from harness import NimbusTestCase, policy

ACCOUNT = "000000000000"
TABLE_ARN = "arn:aws:dynamodb:us-east-1:%s:table/%%s" % ACCOUNT


def denial(user, action, resource):
    return ("User: arn:aws:iam::%s:user/%s is not authorized to perform: %s on resource: %s because no "
            "identity-based policy allows the %s action" % (ACCOUNT, user, action, resource, action))


def code_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buf.getvalue()


class ConditionKeys(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.iam = n.client("iam")
        ddb = n.client("dynamodb")
        ddb.create_table(TableName="Scores", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "sk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}],
                         Tags=[{"Key": "team", "Value": "blue"}])
        ddb.create_table(TableName="Other", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         Tags=[{"Key": "team", "Value": "red"}])
        for who in ("alice", "bob"):
            ddb.put_item(TableName="Scores", Item={"pk": {"S": who}, "sk": {"S": "1"}, "score": {"N": "10"},
                                                   "secret": {"S": "s-" + who}})

    def user(self, name, *statements):
        return self.nimbus.new_user(name, *statements)

    def client(self, svc, key):
        return self.nimbus.client(svc, access_key=key[0], secret_key=key[1])

    def denied(self, fn, message=None, status=400):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn()
        r = cm.exception.response
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(r["Error"]["Message"], message)

    # --- dynamodb:LeadingKeys ------------------------------------------------------------

    def test_leading_keys_own_items_only(self):
        # AWS's documented fine-grained access policy, ${aws:username} as the partition key
        key = self.user("alice", {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                       "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
            "Resource": TABLE_ARN % "Scores",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}})
        ddb = self.client("dynamodb", key)
        arn = TABLE_ARN % "Scores"
        own = {"pk": {"S": "alice"}, "sk": {"S": "1"}}
        other = {"pk": {"S": "bob"}, "sk": {"S": "1"}}
        self.assertEqual(ddb.get_item(TableName="Scores", Key=own)["Item"]["secret"]["S"], "s-alice")
        self.denied(lambda: ddb.get_item(TableName="Scores", Key=other), denial("alice", "dynamodb:GetItem", arn))
        ddb.put_item(TableName="Scores", Item={"pk": {"S": "alice"}, "sk": {"S": "2"}, "score": {"N": "5"}})
        self.denied(lambda: ddb.put_item(TableName="Scores", Item={"pk": {"S": "bob"}, "sk": {"S": "2"}}),
                    denial("alice", "dynamodb:PutItem", arn))
        ddb.update_item(TableName="Scores", Key=own, UpdateExpression="SET score = score + :one",
                        ExpressionAttributeValues={":one": {"N": "1"}})
        self.denied(lambda: ddb.update_item(TableName="Scores", Key=other, UpdateExpression="SET score = :z",
                                            ExpressionAttributeValues={":z": {"N": "0"}}),
                    denial("alice", "dynamodb:UpdateItem", arn))
        self.denied(lambda: ddb.delete_item(TableName="Scores", Key=other), denial("alice", "dynamodb:DeleteItem", arn))
        # Query: the key condition's partition key value
        items = ddb.query(TableName="Scores", KeyConditionExpression="pk = :p",
                          ExpressionAttributeValues={":p": {"S": "alice"}})["Items"]
        self.assertEqual(sorted(i["sk"]["S"] for i in items), ["1", "2"])
        self.denied(lambda: ddb.query(TableName="Scores", KeyConditionExpression="pk = :p",
                                      ExpressionAttributeValues={":p": {"S": "bob"}}),
                    denial("alice", "dynamodb:Query", arn))
        # batches: every item's partition key
        got = ddb.batch_get_item(RequestItems={"Scores": {"Keys": [own]}})["Responses"]["Scores"]
        self.assertEqual(len(got), 1)
        self.denied(lambda: ddb.batch_get_item(RequestItems={"Scores": {"Keys": [own, other]}}),
                    denial("alice", "dynamodb:BatchGetItem", arn))
        ddb.batch_write_item(RequestItems={"Scores": [{"PutRequest": {"Item": {"pk": {"S": "alice"}, "sk": {"S": "3"}}}}]})
        self.denied(lambda: ddb.batch_write_item(RequestItems={"Scores": [
            {"PutRequest": {"Item": {"pk": {"S": "alice"}, "sk": {"S": "4"}}}},
            {"DeleteRequest": {"Key": other}}]}), denial("alice", "dynamodb:BatchWriteItem", arn))
        # nothing of the denied requests happened
        root = self.nimbus.client("dynamodb")
        self.assertEqual(root.get_item(TableName="Scores", Key=other)["Item"]["score"]["N"], "10")
        self.assertNotIn("Item", root.get_item(TableName="Scores", Key={"pk": {"S": "alice"}, "sk": {"S": "4"}}))
        # a batch over a second table is authorized per table: Other is not granted
        self.denied(lambda: ddb.batch_get_item(RequestItems={"Scores": {"Keys": [own]},
                                                             "Other": {"Keys": [{"pk": {"S": "alice"}}]}}),
                    denial("alice", "dynamodb:BatchGetItem", TABLE_ARN % "Other"))

    def test_transactions_need_each_items_action_and_keys(self):
        key = self.user("txuser", {
            "Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:ConditionCheckItem"],
            "Resource": TABLE_ARN % "Scores",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}})
        ddb = self.client("dynamodb", key)
        mine = {"pk": {"S": "txuser"}, "sk": {"S": "t1"}}
        ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "Scores", "Item": mine}}])
        got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": "Scores", "Key": mine}}])
        self.assertEqual(got["Responses"][0]["Item"]["sk"]["S"], "t1")
        # another user's partition key, another table, an action not granted: each item is checked
        self.denied(lambda: ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "Scores", "Item": {"pk": {"S": "txuser"}, "sk": {"S": "t2"}}}},
            {"Put": {"TableName": "Scores", "Item": {"pk": {"S": "bob"}, "sk": {"S": "t2"}}}}]),
            denial("txuser", "dynamodb:PutItem", TABLE_ARN % "Scores"))
        self.denied(lambda: ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "Other", "Item": {"pk": {"S": "txuser"}}}}]),
            denial("txuser", "dynamodb:PutItem", TABLE_ARN % "Other"))
        self.denied(lambda: ddb.transact_write_items(TransactItems=[
            {"Delete": {"TableName": "Scores", "Key": mine}}]),
            denial("txuser", "dynamodb:DeleteItem", TABLE_ARN % "Scores"))
        self.denied(lambda: ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": "Scores", "Key": {"pk": {"S": "bob"}, "sk": {"S": "1"}}}}]),
            denial("txuser", "dynamodb:GetItem", TABLE_ARN % "Scores"))
        root = self.nimbus.client("dynamodb")
        self.assertNotIn("Item", root.get_item(TableName="Scores", Key={"pk": {"S": "txuser"}, "sk": {"S": "t2"}}))

    # --- dynamodb:Attributes and dynamodb:Select -------------------------------------------

    def test_attributes_and_select(self):
        key = self.user("analyst", {
            "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": TABLE_ARN % "Scores",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk", "score"]},
                          "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}})
        ddb = self.client("dynamodb", key)
        k = {"pk": {"S": "bob"}, "sk": {"S": "1"}}
        item = ddb.get_item(TableName="Scores", Key=k, ProjectionExpression="pk, score")["Item"]
        self.assertEqual(item, {"pk": {"S": "bob"}, "score": {"N": "10"}})
        arn = TABLE_ARN % "Scores"
        self.denied(lambda: ddb.get_item(TableName="Scores", Key=k, ProjectionExpression="pk, secret"),
                    denial("analyst", "dynamodb:GetItem", arn))
        self.denied(lambda: ddb.get_item(TableName="Scores", Key=k), denial("analyst", "dynamodb:GetItem", arn))
        self.denied(lambda: ddb.query(TableName="Scores", KeyConditionExpression="pk = :p",
                                      ExpressionAttributeValues={":p": {"S": "bob"}}, Select="ALL_ATTRIBUTES"))
        out = ddb.query(TableName="Scores", KeyConditionExpression="pk = :p", ProjectionExpression="score",
                        ExpressionAttributeValues={":p": {"S": "bob"}})
        self.assertEqual(out["Items"], [{"score": {"N": "10"}}])

    # --- aws:ResourceTag ------------------------------------------------------------------

    def test_resource_tag_invoke_only_blue_functions(self):
        lam = self.nimbus.client("lambda")
        role = "arn:aws:iam::%s:role/%s" % (ACCOUNT, self.nimbus.EXECUTION_ROLE)
        for name, team in (("blue-fn", "blue"), ("red-fn", "red"), ("plain-fn", None)):
            kw = {"Tags": {"team": team}} if team else {}
            lam.create_function(FunctionName=name, Runtime="python3.11", Handler="app.handler", Role=role,
                                Code={"ZipFile": code_zip()}, Timeout=10, **kw)
            lam.get_waiter("function_active_v2").wait(FunctionName=name)
        key = self.user("blueteam", {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*",
                                     "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}})
        ul = self.client("lambda", key)
        self.assertEqual(json.loads(ul.invoke(FunctionName="blue-fn", Payload=b"{}")["Payload"].read()), {"ok": True})
        fn = "arn:aws:lambda:us-east-1:%s:function:%%s" % ACCOUNT
        msg = ("User: arn:aws:iam::%s:user/blueteam is not authorized to perform: lambda:InvokeFunction on "
               "resource: %s because no identity-based policy allows the lambda:InvokeFunction action")
        self.denied(lambda: ul.invoke(FunctionName="red-fn", Payload=b"{}"), msg % (ACCOUNT, fn % "red-fn"), 403)
        self.denied(lambda: ul.invoke(FunctionName="plain-fn", Payload=b"{}"), msg % (ACCOUNT, fn % "plain-fn"), 403)
        # retagging the function changes the decision at once
        lam.tag_resource(Resource=fn % "red-fn", Tags={"team": "blue"})
        self.assertEqual(ul.invoke(FunctionName="red-fn", Payload=b"{}")["StatusCode"], 200)

    def test_resource_tag_on_tables(self):
        key = self.user("bluereader", {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*",
                                       "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}})
        ddb = self.client("dynamodb", key)
        ddb.get_item(TableName="Scores", Key={"pk": {"S": "bob"}, "sk": {"S": "1"}})
        self.denied(lambda: ddb.get_item(TableName="Other", Key={"pk": {"S": "x"}}),
                    denial("bluereader", "dynamodb:GetItem", TABLE_ARN % "Other"))

    def test_role_tags_for_pass_role_and_request_tags_for_iam(self):
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        self.iam.create_role(RoleName="blue-role", AssumeRolePolicyDocument=trust, Tags=[{"Key": "team", "Value": "blue"}])
        self.iam.create_role(RoleName="plain-role", AssumeRolePolicyDocument=trust)
        key = self.user("deployer", {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"},
                        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                         "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}},
                        {"Effect": "Allow", "Action": ["iam:CreateUser", "iam:TagUser"], "Resource": "*",
                         "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"}}})
        lam = self.client("lambda", key)
        role = "arn:aws:iam::%s:role/%%s" % ACCOUNT
        lam.create_function(FunctionName="by-deployer", Runtime="python3.11", Handler="app.handler",
                            Role=role % "blue-role", Code={"ZipFile": code_zip()})
        self.denied(lambda: lam.create_function(FunctionName="by-deployer-2", Runtime="python3.11",
                                                Handler="app.handler", Role=role % "plain-role",
                                                Code={"ZipFile": code_zip()}),
                    "User: arn:aws:iam::%s:user/deployer is not authorized to perform: iam:PassRole on resource: "
                    "%s because no identity-based policy allows the iam:PassRole action"
                    % (ACCOUNT, role % "plain-role"), 403)
        iam = self.client("iam", key)
        iam.create_user(UserName="tagged-by-deployer", Tags=[{"Key": "team", "Value": "blue"}])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.create_user(UserName="untagged-by-deployer")
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")

    # --- aws:RequestTag / aws:TagKeys -----------------------------------------------------

    def test_request_tags_and_tag_keys(self):
        key = self.user("tagger", {
            "Effect": "Allow", "Action": ["dynamodb:TagResource", "dynamodb:CreateTable"], "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"},
                          "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}})
        ddb = self.client("dynamodb", key)
        arn = TABLE_ARN % "Scores"   # stays team=blue for the other tests
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": "dev"}])
        self.denied(lambda: ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "red"}]),
                    denial("tagger", "dynamodb:TagResource", arn))
        self.denied(lambda: ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "blue"},
                                                                    {"Key": "owner", "Value": "me"}]))
        spec = dict(BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
        self.denied(lambda: ddb.create_table(TableName="Untagged", **spec),
                    denial("tagger", "dynamodb:CreateTable", TABLE_ARN % "Untagged"))
        ddb.create_table(TableName="Tagged", Tags=[{"Key": "team", "Value": "blue"}], **spec)
        tags = self.nimbus.client("dynamodb").list_tags_of_resource(ResourceArn=arn)["Tags"]
        self.assertIn({"Key": "team", "Value": "blue"}, tags)

    # --- PartiQL: one check per statement, with its verb's action, on its table ------------

    def test_partiql_statements_need_their_verbs_action_on_their_table(self):
        key = self.user("pq", {
            "Effect": "Allow", "Action": ["dynamodb:PartiQLSelect"], "Resource": TABLE_ARN % "Scores"})
        admin = self.nimbus.client("dynamodb")
        admin.put_item(TableName="Scores", Item={"pk": {"S": "carol"}, "sk": {"S": "1"}, "score": {"N": "10"}})
        ddb = self.client("dynamodb", key)
        got = ddb.execute_statement(Statement="SELECT score FROM \"Scores\" WHERE pk = ? AND sk = ?",
                                    Parameters=[{"S": "carol"}, {"S": "1"}])
        self.assertEqual(got["Items"], [{"score": {"N": "10"}}])
        # another table: denied, naming the PartiQL action and that table
        self.denied(lambda: ddb.execute_statement(Statement="SELECT * FROM \"Other\""),
                    denial("pq", "dynamodb:PartiQLSelect", TABLE_ARN % "Other"))
        # another verb on the allowed table: denied with that verb's action, nothing written
        self.denied(lambda: ddb.execute_statement(
            Statement="INSERT INTO \"Scores\" VALUE {'pk': 'mallory', 'sk': '1'}"),
            denial("pq", "dynamodb:PartiQLInsert", TABLE_ARN % "Scores"))
        self.denied(lambda: ddb.execute_statement(
            Statement="DELETE FROM \"Scores\" WHERE pk = 'carol' AND sk = '1'"),
            denial("pq", "dynamodb:PartiQLDelete", TABLE_ARN % "Scores"))
        # a batch or a transaction is refused as a whole when one statement is not allowed
        self.denied(lambda: ddb.batch_execute_statement(Statements=[
            {"Statement": "SELECT * FROM \"Scores\" WHERE pk = 'carol' AND sk = '1'"},
            {"Statement": "UPDATE \"Scores\" SET score = 0 WHERE pk = 'carol' AND sk = '1'"}]),
            denial("pq", "dynamodb:PartiQLUpdate", TABLE_ARN % "Scores"))
        self.denied(lambda: ddb.execute_transaction(TransactStatements=[
            {"Statement": "SELECT * FROM \"Other\" WHERE pk = 'x'"}]))
        # EXISTS reads its item: dynamodb:PartiQLSelect on its table (AWS's ql-iam page: reads)
        self.denied(lambda: ddb.execute_transaction(TransactStatements=[
            {"Statement": "EXISTS(SELECT * FROM \"Other\" WHERE pk = 'carol' AND score = 10)"}]),
            denial("pq", "dynamodb:PartiQLSelect", TABLE_ARN % "Other"))
        item = admin.get_item(TableName="Scores", Key={"pk": {"S": "carol"}, "sk": {"S": "1"}})["Item"]
        self.assertEqual(item["score"], {"N": "10"})
        self.assertNotIn("Item", admin.get_item(TableName="Scores",
                                                Key={"pk": {"S": "mallory"}, "sk": {"S": "1"}}))
        # a batch of allowed statements runs
        out = ddb.batch_execute_statement(Statements=[
            {"Statement": "SELECT score FROM \"Scores\" WHERE pk = 'carol' AND sk = '1'"}])
        self.assertEqual(out["Responses"][0]["Item"], {"score": {"N": "10"}})
        # item-level actions do not grant PartiQL (AWS: PartiQL has its own actions)
        key2 = self.user("pq-getonly", {
            "Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": TABLE_ARN % "Scores"})
        self.denied(lambda: self.client("dynamodb", key2).execute_statement(
            Statement="SELECT * FROM \"Scores\" WHERE pk = 'carol' AND sk = '1'"),
            denial("pq-getonly", "dynamodb:PartiQLSelect", TABLE_ARN % "Scores"))

    # --- session tags (sts:TagSession) and aws:PrincipalTag -------------------------------

    TAG_READER = {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE_ARN % "*",
                  "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}

    def tag_role(self, name, tag_session=True, extra_trust=()):
        statements = [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}]
        if tag_session:
            statements.append({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:TagSession",
                               "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "project"]}}})
        statements.extend(extra_trust)
        arn = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy(*statements))["Role"]["Arn"]
        self.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy(self.TAG_READER))
        return arn

    def session_client(self, svc, creds):
        return self.nimbus.client(svc, access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                                  session_token=creds["SessionToken"])

    def reads(self, ddb, table):
        try:
            ddb.get_item(TableName=table, Key={"pk": {"S": "x"}, "sk": {"S": "1"}} if table == "Scores"
                         else {"pk": {"S": "x"}})
            return True
        except botocore.exceptions.ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "AccessDeniedException")
            return False

    def test_session_tags_become_principal_tags(self):
        arn = self.tag_role("tagged-sessions")
        sts = self.nimbus.client("sts")
        blue = sts.assume_role(RoleArn=arn, RoleSessionName="s-b", Tags=[{"Key": "team", "Value": "blue"}])
        self.assertIn("PackedPolicySize", blue)
        ddb = self.session_client("dynamodb", blue["Credentials"])
        self.assertTrue(self.reads(ddb, "Scores"))          # team=blue table
        self.assertFalse(self.reads(ddb, "Other"))          # team=red table
        red = sts.assume_role(RoleArn=arn, RoleSessionName="s-r", Tags=[{"Key": "team", "Value": "red"}])
        ddb = self.session_client("dynamodb", red["Credentials"])
        self.assertFalse(self.reads(ddb, "Scores"))
        self.assertTrue(self.reads(ddb, "Other"))
        # no tag: ${aws:PrincipalTag/team} matches nothing
        plain = sts.assume_role(RoleArn=arn, RoleSessionName="s-p")
        ddb = self.session_client("dynamodb", plain["Credentials"])
        self.assertFalse(self.reads(ddb, "Scores"))

    def test_tag_session_must_be_allowed_by_the_trust_policy(self):
        sts = self.nimbus.client("sts")
        arn = self.tag_role("tags-limited")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.assume_role(RoleArn=arn, RoleSessionName="s-o", Tags=[{"Key": "owner", "Value": "me"}])
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "User: arn:aws:iam::%s:root is not authorized to perform: sts:TagSession on resource: %s"
                         % (ACCOUNT, arn))
        untrusting = self.tag_role("no-tag-session", tag_session=False)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.assume_role(RoleArn=untrusting, RoleSessionName="s-t", Tags=[{"Key": "team", "Value": "blue"}])
        self.assertIn("sts:TagSession", cm.exception.response["Error"]["Message"])
        self.assertIn("Credentials", sts.assume_role(RoleArn=untrusting, RoleSessionName="s-t"))

    def test_session_tag_validation(self):
        sts = self.nimbus.client("sts")
        arn = self.tag_role("tags-validated")

        def error(**kw):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                sts.assume_role(RoleArn=arn, RoleSessionName="s-v", **kw)
            return cm.exception.response["Error"]
        e = error(Tags=[{"Key": "team", "Value": "a"}, {"Key": "TEAM", "Value": "b"}])
        self.assertEqual((e["Code"], e["Message"]), ("InvalidParameterValue",
                         "Duplicate tag keys found. Please note that Tag keys are case insensitive."))
        e = error(Tags=[{"Key": "team", "Value": "a"}], TransitiveTagKeys=["project"])
        self.assertEqual(e["Code"], "InvalidParameterValue")
        e = error(Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(51)])
        self.assertEqual(e["Code"], "ValidationError")
        self.assertIn("Member must have length less than or equal to 50", e["Message"])
        e = error(Tags=[{"Key": "team", "Value": "bad*value"}])
        self.assertEqual(e["Code"], "ValidationError")

    def test_role_and_user_tags_are_principal_tags(self):
        sts = self.nimbus.client("sts")
        arn = self.tag_role("red-role")
        self.iam.tag_role(RoleName="red-role", Tags=[{"Key": "team", "Value": "red"}])
        ddb = self.session_client("dynamodb", sts.assume_role(RoleArn=arn, RoleSessionName="s-r")["Credentials"])
        self.assertTrue(self.reads(ddb, "Other"))            # the role's own tag
        self.assertFalse(self.reads(ddb, "Scores"))
        over = sts.assume_role(RoleArn=arn, RoleSessionName="s-o", Tags=[{"Key": "team", "Value": "blue"}])
        ddb = self.session_client("dynamodb", over["Credentials"])
        self.assertTrue(self.reads(ddb, "Scores"))           # a session tag overrides the role's
        self.assertFalse(self.reads(ddb, "Other"))
        key = self.user("tagged-user", self.TAG_READER)
        self.iam.tag_user(UserName="tagged-user", Tags=[{"Key": "team", "Value": "blue"}])
        ddb = self.client("dynamodb", key)
        self.assertTrue(self.reads(ddb, "Scores"))
        self.assertFalse(self.reads(ddb, "Other"))

    def test_transitive_tags_follow_role_chaining(self):
        sts = self.nimbus.client("sts")
        first = self.tag_role("chain-first")
        self.iam.put_role_policy(RoleName="chain-first", PolicyName="assume", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
        second = self.tag_role("chain-second")
        a = sts.assume_role(RoleArn=first, RoleSessionName="s-a", Tags=[{"Key": "team", "Value": "blue"},
                                                                      {"Key": "project", "Value": "x"}],
                            TransitiveTagKeys=["team"])
        sts_a = self.session_client("sts", a["Credentials"])
        b = sts_a.assume_role(RoleArn=second, RoleSessionName="s-b")
        ddb = self.session_client("dynamodb", b["Credentials"])
        self.assertTrue(self.reads(ddb, "Scores"))           # team=blue came along
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts_a.assume_role(RoleArn=second, RoleSessionName="s-c", Tags=[{"Key": "team", "Value": "red"}])
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterValue")
