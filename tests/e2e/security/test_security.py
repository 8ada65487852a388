"""Security end to end: nimbus enforces SigV4 and IAM by default. Driven as root
(DATA/credentials.json), as an IAM user with a narrow policy and as assumed-role
sessions, through boto3 and Debian's AWS CLI v2."""
import json
import os
import stat
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import botocore.config
import botocore.exceptions

from harness import BINARY, Nimbus, NimbusTestCase, policy

ACCOUNT = "000000000000"
USERS_ARN = "arn:aws:dynamodb:us-east-1:%s:table/Users" % ACCOUNT
POSTS_ARN = "arn:aws:dynamodb:us-east-1:%s:table/Posts" % ACCOUNT


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def deny(action, resource="*"):
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def trust(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


class Security(NimbusTestCase):
    nimbus_args = ("--set", "sts.min_duration=1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.iam = n.client("iam")
        ddb = n.client("dynamodb")
        for t in ("Users", "Posts"):
            ddb.create_table(TableName=t, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
            ddb.put_item(TableName=t, Item={"id": {"S": "1"}, "v": {"S": t}})

    def make_user(self, name, *statements):
        self.iam.create_user(UserName=name)
        if statements:
            self.iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(*statements))
        k = self.iam.create_access_key(UserName=name)["AccessKey"]
        return k["AccessKeyId"], k["SecretAccessKey"]

    def user_client(self, service, key):
        return self.nimbus.client(service, access_key=key[0], secret_key=key[1])

    def assert_error(self, fn, code, status, message=None):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn()
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, cm.exception.response)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(err["Message"], message)
        return err

    # --- root credentials -------------------------------------------------------------

    def test_root_credentials_file_is_private_and_nimbus_env_prints_it(self):
        path = os.path.join(self.nimbus.data_dir, "credentials.json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        c = json.load(open(path))
        self.assertRegex(c["AccessKeyId"], r"^AKIA[A-Z2-7]{16}$")
        self.assertEqual(len(c["SecretAccessKey"]), 40)
        self.assertEqual(c["AccountId"], ACCOUNT)
        out = subprocess.run([BINARY, "env", "--data", self.nimbus.data_dir], capture_output=True, text=True).stdout
        self.assertIn("export AWS_ACCESS_KEY_ID=%s\n" % c["AccessKeyId"], out)
        self.assertIn("export AWS_SECRET_ACCESS_KEY=%s\n" % c["SecretAccessKey"], out)
        self.assertNotIn(c["SecretAccessKey"], self.nimbus.read_log())

    def test_get_caller_identity_root_user_role(self):
        me = self.nimbus.client("sts").get_caller_identity()
        self.assertEqual(me["Arn"], "arn:aws:iam::%s:root" % ACCOUNT)
        self.assertEqual(me["Account"], ACCOUNT)
        key = self.make_user("carol")
        me = self.user_client("sts", key).get_caller_identity()
        self.assertEqual(me["Arn"], "arn:aws:iam::%s:user/carol" % ACCOUNT)
        self.assertTrue(me["UserId"].startswith("AIDA"))
        role = self.iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust({"AWS": ACCOUNT}))["Role"]
        c = self.nimbus.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="s1")["Credentials"]
        me = self.nimbus.client("sts", access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                                session_token=c["SessionToken"]).get_caller_identity()
        self.assertEqual(me["Arn"], "arn:aws:sts::%s:assumed-role/reader/s1" % ACCOUNT)
        self.assertEqual(me["UserId"], role["RoleId"] + ":s1")
        rc, out, _ = self.nimbus.aws("sts", "get-caller-identity", creds={
            "AWS_ACCESS_KEY_ID": c["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
            "AWS_SESSION_TOKEN": c["SessionToken"]})
        self.assertEqual(out["Arn"], me["Arn"])

    # --- a user with a narrow policy ------------------------------------------------------

    def test_narrow_user_allowed_and_denied_boto3(self):
        key = self.make_user("alice", allow("dynamodb:GetItem", USERS_ARN))
        ddb = self.user_client("dynamodb", key)
        self.assertEqual(ddb.get_item(TableName="Users", Key={"id": {"S": "1"}})["Item"]["v"]["S"], "Users")
        self.assert_error(lambda: ddb.get_item(TableName="Posts", Key={"id": {"S": "1"}}), "AccessDeniedException", 400,
                          "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: dynamodb:GetItem "
                          "on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Posts because no "
                          "identity-based policy allows the dynamodb:GetItem action")
        self.assert_error(lambda: ddb.put_item(TableName="Users", Item={"id": {"S": "2"}}), "AccessDeniedException", 400)
        self.assert_error(lambda: self.user_client("iam", key).list_users(), "AccessDenied", 403)
        self.assert_error(lambda: self.user_client("sts", key).assume_role(
            RoleArn="arn:aws:iam::%s:role/nope" % ACCOUNT, RoleSessionName="xx"), "AccessDenied", 403)

    def test_narrow_user_with_the_cli(self):
        key = self.make_user("dave", allow(["dynamodb:GetItem", "dynamodb:ListTables"], "*"),
                             deny("dynamodb:GetItem", POSTS_ARN))
        creds = {"AWS_ACCESS_KEY_ID": key[0], "AWS_SECRET_ACCESS_KEY": key[1]}
        rc, out, _ = self.nimbus.aws("dynamodb", "list-tables", creds=creds)
        self.assertIn("Users", out["TableNames"])
        rc, out, _ = self.nimbus.aws("dynamodb", "get-item", "--table-name", "Users", "--key", '{"id":{"S":"1"}}',
                                     creds=creds)
        self.assertEqual(out["Item"]["v"]["S"], "Users")
        rc, out, err = self.nimbus.aws("dynamodb", "get-item", "--table-name", "Posts", "--key", '{"id":{"S":"1"}}',
                                       creds=creds, check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("(AccessDeniedException) when calling the GetItem operation: User: arn:aws:iam::000000000000:"
                      "user/dave is not authorized to perform: dynamodb:GetItem on resource: " + POSTS_ARN +
                      " with an explicit deny in an identity-based policy", err)

    def test_explicit_deny_wins_over_allow(self):
        key = self.make_user("erin", allow("dynamodb:*"), deny("dynamodb:DeleteTable"))
        ddb = self.user_client("dynamodb", key)
        ddb.describe_table(TableName="Posts")
        self.assert_error(lambda: ddb.delete_table(TableName="Posts"), "AccessDeniedException", 400,
                          "User: arn:aws:iam::000000000000:user/erin is not authorized to perform: dynamodb:DeleteTable "
                          "on resource: " + POSTS_ARN + " with an explicit deny in an identity-based policy")

    def test_group_and_managed_policies_grant(self):
        key = self.make_user("frank")
        ddb = self.user_client("dynamodb", key)
        self.assert_error(lambda: ddb.scan(TableName="Users"), "AccessDeniedException", 400)
        arn = self.iam.create_policy(PolicyName="ScanUsers", PolicyDocument=policy(allow("dynamodb:Scan", USERS_ARN)))[
            "Policy"]["Arn"]
        self.iam.create_group(GroupName="readers")
        self.iam.attach_group_policy(GroupName="readers", PolicyArn=arn)
        self.iam.add_user_to_group(GroupName="readers", UserName="frank")
        self.assertEqual(ddb.scan(TableName="Users")["Count"], 1)
        self.iam.remove_user_from_group(GroupName="readers", UserName="frank")
        self.assert_error(lambda: ddb.scan(TableName="Users"), "AccessDeniedException", 400)
        self.iam.attach_user_policy(UserName="frank", PolicyArn=arn)
        self.assertEqual(ddb.scan(TableName="Users")["Count"], 1)
        # a new default version replaces what the policy grants
        self.iam.create_policy_version(PolicyArn=arn, SetAsDefault=True,
                                       PolicyDocument=policy(allow("dynamodb:Scan", POSTS_ARN)))
        self.assert_error(lambda: ddb.scan(TableName="Users"), "AccessDeniedException", 400)
        self.assertEqual(ddb.scan(TableName="Posts")["Count"], 1)
        versions = self.iam.list_policy_versions(PolicyArn=arn)["Versions"]
        self.assertEqual(sorted((v["VersionId"], v["IsDefaultVersion"]) for v in versions),
                         [("v1", False), ("v2", True)])
        self.iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
        self.assertEqual(ddb.scan(TableName="Users")["Count"], 1)

    # --- authentication failures --------------------------------------------------------------

    def test_unknown_access_key(self):
        bad = ("AKIAAAAAAAAAAAAAAAAA", "x" * 40)
        self.assert_error(lambda: self.user_client("dynamodb", bad).list_tables(), "UnrecognizedClientException", 400,
                          "The security token included in the request is invalid.")
        self.assert_error(lambda: self.user_client("sts", bad).get_caller_identity(), "InvalidClientTokenId", 403,
                          "The security token included in the request is invalid.")
        self.assert_error(lambda: self.user_client("iam", bad).list_users(), "InvalidClientTokenId", 403)

    def test_bad_signature(self):
        bad = (self.nimbus.creds["AWS_ACCESS_KEY_ID"], "y" * 40)
        err = self.assert_error(lambda: self.user_client("dynamodb", bad).list_tables(), "InvalidSignatureException", 400)
        self.assertIn("The request signature we calculated does not match the signature you provided", err["Message"])
        self.assert_error(lambda: self.user_client("sts", bad).get_caller_identity(), "SignatureDoesNotMatch", 403)

    def test_wrong_region_or_service_in_scope(self):
        ddb = self.nimbus.client("dynamodb", region_name="eu-west-1")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb.list_tables()
        self.assertIn(cm.exception.response["Error"]["Code"], ("InvalidSignatureException",))
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        url = self.nimbus.endpoint + "/"
        body = b"{}"
        headers = self.nimbus.sign("POST", url, body, {"Content-Type": "application/x-amz-json-1.0",
                                                       "X-Amz-Target": "DynamoDB_20120810.ListTables"}, service="lambda")
        with self.assertRaises(urllib.error.HTTPError) as he:
            urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST", headers=headers), timeout=10)
        self.assertEqual(he.exception.code, 400)
        self.assertIn("InvalidSignatureException", json.loads(he.exception.read())["__type"])

    def test_request_signed_too_long_ago_is_refused(self):
        import datetime
        from unittest import mock
        old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        url = self.nimbus.endpoint + "/"
        with mock.patch("botocore.auth.datetime") as dt:
            dt.datetime.utcnow.return_value = old
            headers = self.nimbus.sign("POST", url, b"{}", {"Content-Type": "application/x-amz-json-1.0",
                                                            "X-Amz-Target": "DynamoDB_20120810.ListTables"})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST", headers=headers), timeout=10)
        self.assertEqual(cm.exception.code, 400)
        out = json.loads(cm.exception.read())
        self.assertEqual(out["__type"], "com.amazon.coral.service#InvalidSignatureException")
        self.assertIn("Signature expired", out["message"])

    def test_unsigned_request_is_refused(self):
        req = urllib.request.Request(self.nimbus.endpoint + "/", data=b"{}", method="POST", headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(cm.exception.code, 400)
        self.assertEqual(json.loads(cm.exception.read())["__type"],
                         "com.amazon.coral.service#MissingAuthenticationTokenException")

    def test_deleted_access_key_stops_working(self):
        key = self.make_user("gina", allow("dynamodb:ListTables"))
        self.user_client("dynamodb", key).list_tables()
        self.iam.update_access_key(UserName="gina", AccessKeyId=key[0], Status="Inactive")
        self.assert_error(lambda: self.user_client("dynamodb", key).list_tables(), "UnrecognizedClientException", 400)
        self.iam.delete_access_key(UserName="gina", AccessKeyId=key[0])
        self.assert_error(lambda: self.user_client("dynamodb", key).list_tables(), "UnrecognizedClientException", 400)

    # --- roles and sessions ---------------------------------------------------------------------

    def test_assume_role_session_and_expiry(self):
        key = self.make_user("hank", allow("sts:AssumeRole"))
        role = self.iam.create_role(RoleName="users-reader",
                                    AssumeRolePolicyDocument=trust({"AWS": "arn:aws:iam::%s:user/hank" % ACCOUNT}))
        self.iam.put_role_policy(RoleName="users-reader", PolicyName="read",
                                 PolicyDocument=policy(allow(["dynamodb:GetItem", "dynamodb:Scan"], USERS_ARN)))
        # a 2-second session (the daemon runs with sts.min_duration=1; botocore checks >= 900)
        sts = self.nimbus.client("sts", access_key=key[0], secret_key=key[1],
                                 config=botocore.config.Config(parameter_validation=False))
        out = sts.assume_role(RoleArn=role["Role"]["Arn"], RoleSessionName="short", DurationSeconds=2)
        c = out["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(out["AssumedRoleUser"]["Arn"], "arn:aws:sts::%s:assumed-role/users-reader/short" % ACCOUNT)
        ddb = self.nimbus.client("dynamodb", access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                                 session_token=c["SessionToken"])
        self.assertEqual(ddb.get_item(TableName="Users", Key={"id": {"S": "1"}})["Item"]["v"]["S"], "Users")
        self.assert_error(lambda: ddb.get_item(TableName="Posts", Key={"id": {"S": "1"}}), "AccessDeniedException", 400,
                          "User: arn:aws:sts::000000000000:assumed-role/users-reader/short is not authorized to "
                          "perform: dynamodb:GetItem on resource: " + POSTS_ARN + " because no identity-based policy "
                          "allows the dynamodb:GetItem action")
        # the token is part of the credentials: without it the key is unknown
        no_token = self.nimbus.client("dynamodb", access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"])
        self.assert_error(lambda: no_token.list_tables(), "UnrecognizedClientException", 400)
        time.sleep(2.5)
        self.assert_error(lambda: ddb.get_item(TableName="Users", Key={"id": {"S": "1"}}), "ExpiredTokenException", 400)
        sts = self.nimbus.client("sts", access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                                 session_token=c["SessionToken"])
        self.assert_error(lambda: sts.get_caller_identity(), "ExpiredToken", 403)

    def test_session_policy_narrows_the_role(self):
        role = self.iam.create_role(RoleName="wide", AssumeRolePolicyDocument=trust({"AWS": ACCOUNT}))["Role"]
        self.iam.put_role_policy(RoleName="wide", PolicyName="all", PolicyDocument=policy(allow("dynamodb:*")))
        c = self.nimbus.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="narrow",
                                                  Policy=policy(allow("dynamodb:GetItem", USERS_ARN)))["Credentials"]
        ddb = self.nimbus.client("dynamodb", access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                                 session_token=c["SessionToken"])
        ddb.get_item(TableName="Users", Key={"id": {"S": "1"}})
        err = self.assert_error(lambda: ddb.get_item(TableName="Posts", Key={"id": {"S": "1"}}),
                                "AccessDeniedException", 400)
        self.assertIn("session policy", err["Message"])

    def test_trust_policy_that_does_not_allow_refuses_assume_role(self):
        key = self.make_user("ivan", allow("sts:AssumeRole"))
        arn = self.iam.create_role(RoleName="lambda-only",
                                   AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}))["Role"]["Arn"]
        self.assert_error(lambda: self.user_client("sts", key).assume_role(RoleArn=arn, RoleSessionName="xx"),
                          "AccessDenied", 403,
                          "User: arn:aws:iam::000000000000:user/ivan is not authorized to perform: sts:AssumeRole on "
                          "resource: " + arn)
        rc, _, err = self.nimbus.aws("sts", "assume-role", "--role-arn", arn, "--role-session-name", "xx", check=False)
        self.assertIn("(AccessDenied) when calling the AssumeRole operation", err)

    def test_trust_policy_condition_on_external_id(self):
        doc = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "partner-42"}}}]})
        arn = self.iam.create_role(RoleName="partner", AssumeRolePolicyDocument=doc)["Role"]["Arn"]
        sts = self.nimbus.client("sts")
        self.assert_error(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="p1"), "AccessDenied", 403)
        self.assert_error(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="p1", ExternalId="wrong"),
                          "AccessDenied", 403)
        self.assertIn("Credentials", sts.assume_role(RoleArn=arn, RoleSessionName="p1", ExternalId="partner-42"))

    def test_get_session_token_keeps_the_users_permissions(self):
        key = self.make_user("judy", allow("dynamodb:GetItem", USERS_ARN))
        c = self.user_client("sts", key).get_session_token(DurationSeconds=900)["Credentials"]
        ddb = self.nimbus.client("dynamodb", access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                                 session_token=c["SessionToken"])
        ddb.get_item(TableName="Users", Key={"id": {"S": "1"}})
        self.assert_error(lambda: ddb.get_item(TableName="Posts", Key={"id": {"S": "1"}}), "AccessDeniedException", 400)

    def test_presigned_url_expires(self):
        sts = self.nimbus.client("sts")
        # botocore presigns Query operations for their HTTP method, POST (empty body)
        url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=1)
        with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=10) as r:
            self.assertIn(b"arn:aws:iam::000000000000:root", r.read())
        time.sleep(2)
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=10)
        self.assertEqual(cm.exception.code, 403)
        body = cm.exception.read().decode()
        self.assertIn("<Code>AccessDenied</Code>", body)

    def test_permissions_boundary_limits_a_user(self):
        key = self.make_user("nina", allow("dynamodb:*"))
        ddb = self.user_client("dynamodb", key)
        self.assertEqual(ddb.scan(TableName="Users")["Count"], 1)
        arn = self.iam.create_policy(PolicyName="only-getitem",
                                     PolicyDocument=policy(allow("dynamodb:GetItem", USERS_ARN)))["Policy"]["Arn"]
        self.iam.put_user_permissions_boundary(UserName="nina", PermissionsBoundary=arn)
        self.assertEqual(self.iam.get_user(UserName="nina")["User"]["PermissionsBoundary"],
                         {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn})
        ddb.get_item(TableName="Users", Key={"id": {"S": "1"}})
        err = self.assert_error(lambda: ddb.scan(TableName="Users"), "AccessDeniedException", 400)
        self.assertIn("permissions boundary", err["Message"])
        self.iam.delete_user_permissions_boundary(UserName="nina")
        self.assertEqual(ddb.scan(TableName="Users")["Count"], 1)
        self.assert_error(lambda: self.iam.put_user_permissions_boundary(
            UserName="nina", PermissionsBoundary="arn:aws:iam::%s:policy/none" % ACCOUNT), "NoSuchEntity", 404)

    def test_role_tags_and_trust_policy_update(self):
        arn = self.iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}),
                                   Tags=[{"Key": "team", "Value": "a"}])["Role"]["Arn"]
        self.iam.tag_role(RoleName="tagged", Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}])
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in self.iam.list_role_tags(RoleName="tagged")["Tags"]),
                         [("env", "dev"), ("team", "b")])
        self.iam.untag_role(RoleName="tagged", TagKeys=["env"])
        self.assertEqual(self.iam.get_role(RoleName="tagged")["Role"]["Tags"], [{"Key": "team", "Value": "b"}])
        sts = self.nimbus.client("sts")
        self.assert_error(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="root"), "AccessDenied", 403)
        self.iam.update_assume_role_policy(RoleName="tagged", PolicyDocument=trust({"AWS": ACCOUNT}))
        self.assertIn("Credentials", sts.assume_role(RoleArn=arn, RoleSessionName="root"))

    # --- IAM -----------------------------------------------------------------------------------

    def test_simulate_principal_policy(self):
        self.make_user("kim", allow("dynamodb:GetItem", USERS_ARN), deny("dynamodb:DeleteItem"))
        out = self.iam.simulate_principal_policy(
            PolicySourceArn="arn:aws:iam::%s:user/kim" % ACCOUNT,
            ActionNames=["dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem"], ResourceArns=[USERS_ARN])
        got = {r["EvalActionName"]: r["EvalDecision"] for r in out["EvaluationResults"]}
        self.assertEqual(got, {"dynamodb:GetItem": "allowed", "dynamodb:DeleteItem": "explicitDeny",
                               "dynamodb:PutItem": "implicitDeny"})
        # the statements that decided, where they are in kim's one-line policy "p": the first starts
        # just after the '[', each ends just after its '}', the second starts where the first ends
        text = policy(allow("dynamodb:GetItem", USERS_ARN), deny("dynamodb:DeleteItem"))
        self.assertEqual(self.iam.get_user_policy(UserName="kim", PolicyName="p")["PolicyDocument"], json.loads(text))
        first_end = text.index("}") + 2

        def at(start, end):
            return {"SourcePolicyId": "user_kim_p", "SourcePolicyType": "IAM Policy",
                    "StartPosition": {"Line": 1, "Column": start}, "EndPosition": {"Line": 1, "Column": end}}
        matched = {r["EvalActionName"]: r["MatchedStatements"] for r in out["EvaluationResults"]}
        self.assertEqual(matched, {"dynamodb:GetItem": [at(text.index("[") + 2, first_end)],
                                   "dynamodb:DeleteItem": [at(first_end, text.index("}]") + 2)],
                                   "dynamodb:PutItem": []})

    def test_malformed_policy_document(self):
        self.iam.create_user(UserName="lou")
        self.assert_error(lambda: self.iam.put_user_policy(UserName="lou", PolicyName="p", PolicyDocument="{not json"),
                          "MalformedPolicyDocument", 400, "Syntax errors in policy.")
        err = self.assert_error(lambda: self.iam.put_user_policy(
            UserName="lou", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject"}]})), "MalformedPolicyDocument", 400)
        self.assertTrue(err["Message"])
        self.assert_error(lambda: self.iam.create_role(RoleName="r", AssumeRolePolicyDocument=policy(allow("*"))),
                          "MalformedPolicyDocument", 400)
        self.assert_error(lambda: self.iam.create_policy(PolicyName="bad", PolicyDocument="[]"),
                          "MalformedPolicyDocument", 400)

    def test_policy_size_quota_and_huge_documents(self):
        self.iam.create_user(UserName="olga")
        big = policy(*[allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:%s:table/T%04d" % (ACCOUNT, i))
                       for i in range(40)])
        self.assert_error(lambda: self.iam.put_user_policy(UserName="olga", PolicyName="big", PolicyDocument=big),
                          "LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user olga")
        huge = policy(*[allow("s3:GetObject", "arn:aws:s3:::b/%d" % i) for i in range(2000)])
        self.assert_error(lambda: self.iam.create_policy(PolicyName="huge", PolicyDocument=huge), "LimitExceeded", 409,
                          "Cannot exceed quota for PolicySize: 6144")

    def test_iam_entities_and_errors(self):
        iam = self.iam
        iam.create_user(UserName="mia", Path="/team/")
        self.assert_error(lambda: iam.create_user(UserName="mia"), "EntityAlreadyExists", 409,
                          "User with name mia already exists.")
        self.assert_error(lambda: iam.get_user(UserName="nobody"), "NoSuchEntity", 404,
                          "The user with name nobody cannot be found.")
        u = iam.get_user(UserName="mia")["User"]
        self.assertEqual(u["Arn"], "arn:aws:iam::%s:user/team/mia" % ACCOUNT)
        self.assertIn("mia", [x["UserName"] for x in iam.list_users(PathPrefix="/team/")["Users"]])
        iam.put_user_policy(UserName="mia", PolicyName="p1", PolicyDocument=policy(allow("s3:*")))
        self.assertEqual(iam.list_user_policies(UserName="mia")["PolicyNames"], ["p1"])
        got = iam.get_user_policy(UserName="mia", PolicyName="p1")["PolicyDocument"]
        self.assertEqual(got["Statement"][0]["Action"], "s3:*")
        iam.create_access_key(UserName="mia")
        iam.create_access_key(UserName="mia")
        self.assert_error(lambda: iam.create_access_key(UserName="mia"), "LimitExceeded", 409,
                          "Cannot exceed quota for AccessKeysPerUser: 2")
        self.assertEqual(len(iam.list_access_keys(UserName="mia")["AccessKeyMetadata"]), 2)
        self.assert_error(lambda: iam.delete_user(UserName="mia"), "DeleteConflict", 409)
        iam.delete_user_policy(UserName="mia", PolicyName="p1")
        for k in iam.list_access_keys(UserName="mia")["AccessKeyMetadata"]:
            iam.delete_access_key(UserName="mia", AccessKeyId=k["AccessKeyId"])
        iam.delete_user(UserName="mia")
        self.assert_error(lambda: iam.get_user(UserName="mia"), "NoSuchEntity", 404)
        iam.create_role(RoleName="svc", AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}),
                        Description="d", MaxSessionDuration=7200)
        r = iam.get_role(RoleName="svc")["Role"]
        self.assertEqual(r["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "lambda.amazonaws.com")
        self.assertEqual(r["MaxSessionDuration"], 7200)
        self.assertIn("svc", [x["RoleName"] for x in iam.list_roles()["Roles"]])
        arn = iam.create_policy(PolicyName="pp", PolicyDocument=policy(allow("s3:*")))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="svc", PolicyArn=arn)
        self.assertEqual(iam.list_attached_role_policies(RoleName="svc")["AttachedPolicies"],
                         [{"PolicyName": "pp", "PolicyArn": arn}])
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 1)
        self.assert_error(lambda: iam.delete_policy(PolicyArn=arn), "DeleteConflict", 409)
        self.assert_error(lambda: iam.delete_role(RoleName="svc"), "DeleteConflict", 409)
        iam.detach_role_policy(RoleName="svc", PolicyArn=arn)
        iam.delete_role(RoleName="svc")
        iam.delete_policy(PolicyArn=arn)
        self.assert_error(lambda: iam.get_policy(PolicyArn=arn), "NoSuchEntity", 404)
        rc, out, _ = self.nimbus.aws("iam", "get-user")
        self.assertEqual(out["User"]["Arn"], "arn:aws:iam::%s:root" % ACCOUNT)


class OpenMode(NimbusTestCase):
    nimbus_args = ("--auth", "open")

    def test_any_well_formed_credentials_act_as_root(self):
        c = self.nimbus.client("sts", access_key="AKIAANYTHING", secret_key="whatever")
        self.assertEqual(c.get_caller_identity()["Arn"], "arn:aws:iam::000000000000:root")
        ddb = self.nimbus.client("dynamodb", access_key="test", secret_key="test")
        self.assertIn("TableNames", ddb.list_tables())
        rc, out, _ = self.nimbus.aws("dynamodb", "list-tables", creds={"AWS_ACCESS_KEY_ID": "x",
                                                                        "AWS_SECRET_ACCESS_KEY": "y"})
        self.assertEqual(rc, 0)

    def test_open_mode_refuses_non_loopback(self):
        d = Nimbus()
        try:
            p = subprocess.run([BINARY, "up", "--auth", "open", "--listen", "0.0.0.0:0", "--data", d.data_dir],
                               capture_output=True, text=True, timeout=10)
            self.assertEqual(p.returncode, 2)
            self.assertIn("only listens on loopback", p.stderr)
        finally:
            d.cleanup()


class FirstStart(unittest.TestCase):
    def test_credentials_printed_once_and_kept_across_restarts(self):
        n = Nimbus()
        try:
            env = dict(os.environ)
            p = subprocess.Popen([BINARY, "up", "--listen", "127.0.0.1:0", "--data", n.data_dir],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            first = p.stdout.readline().decode()
            p.stdout.readline()
            p.terminate()
            p.wait(10)
            p.stdout.close()
            c = json.load(open(os.path.join(n.data_dir, "credentials.json")))
            self.assertEqual(first, "root credentials: %s (stored in %s/credentials.json)\n"
                             % (c["AccessKeyId"], n.data_dir))
            self.assertNotIn(c["SecretAccessKey"], first)
            n.start()
            self.assertEqual(n.creds["AWS_ACCESS_KEY_ID"], c["AccessKeyId"])
            self.assertIn("TableNames", n.client("dynamodb").list_tables())
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
