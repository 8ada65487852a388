"""STS GetFederationToken (a federated-user session whose permissions are the calling
user's intersected with the passed session policies; none passed: no permissions; no IAM
and no STS but GetCallerIdentity) and GetAccessKeyInfo (nimbus's account for its own
keys, the account AWS encodes in the id for any other) — through boto3 and the AWS CLI
against an enforcing nimbus."""
import datetime

import botocore.config

from harness import NimbusTestCase, policy

ACCOUNT = "000000000000"


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


class Federation(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.nimbus.client("iam")
        ddb = cls.nimbus.client("dynamodb")
        for t in ("FedA", "FedB"):
            ddb.create_table(TableName=t, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")
        cls.key, cls.secret = cls.nimbus.new_user(
            "broker", allow(["dynamodb:ListTables", "dynamodb:DescribeTable", "sts:GetFederationToken",
                             "sts:GetSessionToken"]))

    def error(self, fn, code, status, message=None):
        r = self.client_error(fn)
        self.assertEqual(r["Error"]["Code"], code, r)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], status, r)
        if message is not None:
            self.assertEqual(r["Error"]["Message"], message, r)
        return r

    def sts(self, key=None, secret=None, token=None):
        return self.nimbus.client("sts", access_key=key or self.key, secret_key=secret or self.secret,
                                  session_token=token)

    def as_creds(self, service, c):
        return self.nimbus.client(service, access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"],
                                  session_token=c["SessionToken"])

    def test_session_is_the_users_permissions_intersected_with_the_session_policy(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        out = self.sts().get_federation_token(Name="bob", Policy=policy(
            allow("dynamodb:ListTables"), allow("dynamodb:DescribeTable", "arn:aws:dynamodb:us-east-1:%s:table/FedA"
                                                % ACCOUNT), allow("lambda:ListFunctions")))
        fu = out["FederatedUser"]
        self.assertEqual(fu, {"FederatedUserId": "%s:bob" % ACCOUNT,
                              "Arn": "arn:aws:sts::%s:federated-user/bob" % ACCOUNT})
        c = out["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        # the default duration for an IAM user: 12 hours
        left = (c["Expiration"] - before).total_seconds()
        self.assertTrue(43100 < left <= 43300, left)
        self.assertIn("PackedPolicySize", out)
        ident = self.as_creds("sts", c).get_caller_identity()
        self.assertEqual((ident["Arn"], ident["UserId"], ident["Account"]),
                         (fu["Arn"], fu["FederatedUserId"], ACCOUNT))
        ddb = self.as_creds("dynamodb", c)
        self.assertIn("FedA", ddb.list_tables()["TableNames"])
        self.assertEqual(ddb.describe_table(TableName="FedA")["Table"]["TableName"], "FedA")
        # the user may, the session policy does not allow it
        r = self.error(lambda: ddb.describe_table(TableName="FedB"), "AccessDeniedException", 400)
        self.assertIn("arn:aws:sts::%s:federated-user/bob" % ACCOUNT, r["Error"]["Message"])
        # the session policy allows it, the user may not
        lam = self.as_creds("lambda", c)
        self.error(lambda: lam.list_functions(), "AccessDeniedException", 403)

    def test_no_session_policy_means_no_permissions_and_managed_session_policies(self):
        c = self.sts().get_federation_token(Name="nobody")["Credentials"]
        self.error(lambda: self.as_creds("dynamodb", c).list_tables(), "AccessDeniedException", 400)
        # GetCallerIdentity needs no permission
        self.assertEqual(self.as_creds("sts", c).get_caller_identity()["Arn"],
                         "arn:aws:sts::%s:federated-user/nobody" % ACCOUNT)
        arn = self.iam.create_policy(PolicyName="fed-list", PolicyDocument=policy(
            allow("dynamodb:ListTables")))["Policy"]["Arn"]
        c = self.sts().get_federation_token(Name="managed", PolicyArns=[{"arn": arn}])["Credentials"]
        self.assertIn("FedA", self.as_creds("dynamodb", c).list_tables()["TableNames"])
        self.error(lambda: self.as_creds("dynamodb", c).describe_table(TableName="FedA"), "AccessDeniedException", 400)

    def test_what_a_federated_session_may_not_call(self):
        c = self.sts().get_federation_token(Name="limited", Policy=policy(allow("*")))["Credentials"]
        self.error(lambda: self.as_creds("iam", c).list_users(), "InvalidClientTokenId", 403,
                   "The security token included in the request is invalid.")
        fed_sts = self.as_creds("sts", c)
        self.error(lambda: fed_sts.get_session_token(), "AccessDenied", 403,
                   "Cannot call GetSessionToken with session credentials")
        self.error(lambda: fed_sts.get_federation_token(Name="again"), "AccessDenied", 403,
                   "Cannot call GetFederationToken with session credentials")
        # nor may other session credentials federate
        s = self.sts().get_session_token()["Credentials"]
        self.error(lambda: self.as_creds("sts", s).get_federation_token(Name="xy"), "AccessDenied", 403,
                   "Cannot call GetFederationToken with session credentials")

    def test_root_and_validation_and_authorization(self):
        root = self.nimbus.client("sts")
        before = datetime.datetime.now(datetime.timezone.utc)
        out = root.get_federation_token(Name="rootfed", Policy=policy(allow("dynamodb:ListTables")))
        left = (out["Credentials"]["Expiration"] - before).total_seconds()
        self.assertTrue(3500 < left <= 3700, left)   # root: one hour at most
        c = out["Credentials"]
        self.assertIn("FedA", self.as_creds("dynamodb", c).list_tables()["TableNames"])
        self.error(lambda: self.as_creds("dynamodb", c).describe_table(TableName="FedA"), "AccessDeniedException", 400)
        # a longer duration asked by root: an hour, as AWS answers
        out = root.get_federation_token(Name="rootfed", DurationSeconds=7200)
        left = (out["Credentials"]["Expiration"] - before).total_seconds()
        self.assertTrue(3500 < left <= 3700, left)
        self.error(lambda: root.get_federation_token(Name="rootfed", DurationSeconds=200000), "ValidationError", 400)
        raw = self.nimbus.client("sts", config=botocore.config.Config(parameter_validation=False,
                                                                      retries={"max_attempts": 1}))
        self.error(lambda: raw.get_federation_token(Name="a"), "ValidationError", 400,
                   "1 validation error detected: Value 'a' at 'name' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 2")
        self.error(lambda: root.get_federation_token(Name="bad!name"), "ValidationError", 400)
        self.error(lambda: root.get_federation_token(Name="pol", Policy="{nope"), "MalformedPolicyDocument", 400)
        # needs sts:GetFederationToken on arn:aws:sts::ACCT:federated-user/NAME
        k, s = self.nimbus.new_user("narrowfed", allow("sts:GetFederationToken",
                                                       "arn:aws:sts::%s:federated-user/ok-*" % ACCOUNT))
        narrow = self.sts(k, s)
        self.assertIn("Credentials", narrow.get_federation_token(Name="ok-1"))
        r = self.error(lambda: narrow.get_federation_token(Name="other"), "AccessDenied", 403)
        self.assertIn("sts:GetFederationToken on resource: arn:aws:sts::%s:federated-user/other" % ACCOUNT,
                      r["Error"]["Message"])

    def test_cli(self):
        creds = {"AWS_ACCESS_KEY_ID": self.key, "AWS_SECRET_ACCESS_KEY": self.secret}
        _, out, _ = self.nimbus.aws("sts", "get-federation-token", "--name", "clifed", "--policy",
                                    policy(allow("dynamodb:ListTables")), "--duration-seconds", "900", creds=creds)
        self.assertEqual(out["FederatedUser"]["Arn"], "arn:aws:sts::%s:federated-user/clifed" % ACCOUNT)
        c = out["Credentials"]
        _, tables, _ = self.nimbus.aws("dynamodb", "list-tables", creds={
            "AWS_ACCESS_KEY_ID": c["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
            "AWS_SESSION_TOKEN": c["SessionToken"]})
        self.assertIn("FedA", tables["TableNames"])


class AccessKeyInfo(NimbusTestCase):
    def test_account_of_a_key(self):
        sts = self.nimbus.client("sts")
        iam = self.nimbus.client("iam")
        self.assertEqual(sts.get_access_key_info(AccessKeyId=self.nimbus.creds["AWS_ACCESS_KEY_ID"])["Account"],
                         ACCOUNT)
        key, secret = self.nimbus.new_user("info", {"Effect": "Allow", "Action": "sts:GetAccessKeyInfo",
                                                    "Resource": "*"})
        self.assertEqual(sts.get_access_key_info(AccessKeyId=key)["Account"], ACCOUNT)
        iam.update_access_key(UserName="info", AccessKeyId=key, Status="Inactive")
        self.assertEqual(sts.get_access_key_info(AccessKeyId=key)["Account"], ACCOUNT)
        iam.update_access_key(UserName="info", AccessKeyId=key, Status="Active")
        session = sts.get_session_token()["Credentials"]["AccessKeyId"]
        self.assertEqual(sts.get_access_key_info(AccessKeyId=session)["Account"], ACCOUNT)
        # keys nimbus never issued: the account AWS encodes in them
        self.assertEqual(sts.get_access_key_info(AccessKeyId="ASIAY34FZKBOKMUTVV7A")["Account"], "609629065308")
        self.assertEqual(sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"], "581039954779")
        # as a user (with the permission), and with the CLI
        user_sts = self.nimbus.client("sts", access_key=key, secret_key=secret)
        self.assertEqual(user_sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"], "581039954779")
        _, out, _ = self.nimbus.aws("sts", "get-access-key-info", "--access-key-id", "ASIAY34FZKBOKMUTVV7A")
        self.assertEqual(out["Account"], "609629065308")
        raw = self.nimbus.client("sts", config=botocore.config.Config(parameter_validation=False,
                                                                      retries={"max_attempts": 1}))
        r = self.client_error(lambda: raw.get_access_key_info(AccessKeyId="AKIASHORT"))
        self.assertEqual((r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]), ("ValidationError", 400))
        self.assertEqual(r["Error"]["Message"], "1 validation error detected: Value 'AKIASHORT' at 'accessKeyId' "
                         "failed to satisfy constraint: Member must have length greater than or equal to 16")
        # a user without the permission
        k2, s2 = self.nimbus.new_user("noinfo")
        r = self.client_error(lambda: self.nimbus.client("sts", access_key=k2, secret_key=s2).get_access_key_info(
            AccessKeyId=key))
        self.assertEqual(r["Error"]["Code"], "AccessDenied")
