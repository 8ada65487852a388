"""IAM's account-level and debugging operations: GetAccessKeyLastUsed (recorded at
authentication, kept across a restart), GetAccountSummary, GetAccountAuthorizationDetails,
SimulateCustomPolicy and the GetContextKeysFor*Policy pair — exact shapes and AWS's errors,
through boto3 and the AWS CLI against an enforcing nimbus."""
import datetime
import json
import unittest

from harness import Nimbus, NimbusTestCase, policy

ACCOUNT = "000000000000"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
    "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class AccessKeyLastUsed(unittest.TestCase):
    def test_recorded_at_authentication_and_kept_across_restart(self):
        n = Nimbus()
        try:
            n.start()
            iam = n.client("iam")
            key, secret = n.new_user("kai", {"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"})
            never = iam.get_access_key_last_used(AccessKeyId=key)
            self.assertEqual(never["UserName"], "kai")
            self.assertEqual(never["AccessKeyLastUsed"], {"ServiceName": "N/A", "Region": "N/A"})
            before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
            n.client("dynamodb", access_key=key, secret_key=secret).list_tables()
            used = iam.get_access_key_last_used(AccessKeyId=key)["AccessKeyLastUsed"]
            self.assertEqual((used["ServiceName"], used["Region"]), ("dynamodb", "us-east-1"))
            self.assertGreaterEqual(used["LastUsedDate"], before)
            # a denied request still used the key (AWS records authentication, not success)
            kai_iam = n.client("iam", access_key=key, secret_key=secret)
            with self.assertRaises(Exception):
                kai_iam.list_users()
            self.assertEqual(iam.get_access_key_last_used(AccessKeyId=key)["AccessKeyLastUsed"]["ServiceName"], "iam")
            # the CLI
            _, out, _ = n.aws("iam", "get-access-key-last-used", "--access-key-id", key)
            self.assertEqual(out["AccessKeyLastUsed"]["ServiceName"], "iam")
            # the root key's own use
            root_used = iam.get_access_key_last_used(AccessKeyId=n.creds["AWS_ACCESS_KEY_ID"])["AccessKeyLastUsed"]
            self.assertEqual(root_used["ServiceName"], "iam")
            # written to the store at shutdown: still known after a restart
            n.stop()
            n.start()
            iam = n.client("iam")
            again = iam.get_access_key_last_used(AccessKeyId=key)
            self.assertEqual(again["UserName"], "kai")
            self.assertEqual(again["AccessKeyLastUsed"]["ServiceName"], "iam")
            self.assertGreaterEqual(again["AccessKeyLastUsed"]["LastUsedDate"], before)
            # errors
            import botocore.exceptions
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                iam.get_access_key_last_used(AccessKeyId="AKIAAAAAAAAAAAAAAAAA")
            self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchEntity")
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
            # authorized on the key's user
            other_key, other_secret = n.new_user("lee", {
                "Effect": "Allow", "Action": "iam:GetAccessKeyLastUsed",
                "Resource": "arn:aws:iam::%s:user/lee" % ACCOUNT})
            lee = n.client("iam", access_key=other_key, secret_key=other_secret)
            self.assertEqual(lee.get_access_key_last_used(AccessKeyId=other_key)["UserName"], "lee")
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                lee.get_access_key_last_used(AccessKeyId=key)
            self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
            self.assertIn("arn:aws:iam::%s:user/kai" % ACCOUNT, cm.exception.response["Error"]["Message"])
            # a deleted key is gone
            iam.delete_access_key(UserName="kai", AccessKeyId=key)
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                iam.get_access_key_last_used(AccessKeyId=key)
            self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchEntity")
        finally:
            n.cleanup()


class Simulator(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.nimbus.client("iam")

    def error(self, fn, code, status, message=None):
        r = self.client_error(fn)
        self.assertEqual(r["Error"]["Code"], code, r)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], status, r)
        if message is not None:
            self.assertEqual(r["Error"]["Message"], message, r)
        return r

    IP_POLICY = policy({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*",
                        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
                       {"Effect": "Allow", "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::bucket/${aws:username}/*"},
                       {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": "*"})

    def test_simulate_custom_policy(self):
        out = self.iam.simulate_custom_policy(
            PolicyInputList=[self.IP_POLICY], ActionNames=["dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"],
                             "ContextKeyType": "ip"}])
        got = {r["EvalActionName"]: (r["EvalDecision"], r["EvalResourceName"]) for r in out["EvaluationResults"]}
        self.assertEqual(got, {"dynamodb:GetItem": ("allowed", "*"), "dynamodb:DeleteItem": ("explicitDeny", "*"),
                               "dynamodb:PutItem": ("implicitDeny", "*")})
        self.assertFalse(out["IsTruncated"])
        # without the context value: denied, and the simulator says which key it missed
        out = self.iam.simulate_custom_policy(PolicyInputList=[self.IP_POLICY], ActionNames=["dynamodb:GetItem"])
        r = out["EvaluationResults"][0]
        self.assertEqual(r["EvalDecision"], "implicitDeny")
        self.assertEqual(r["MissingContextValues"], ["aws:SourceIp"])
        # a policy variable from CallerArn
        out = self.iam.simulate_custom_policy(
            PolicyInputList=[self.IP_POLICY], ActionNames=["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::bucket/zoe/a.txt", "arn:aws:s3:::bucket/max/a.txt"],
            CallerArn="arn:aws:iam::%s:user/zoe" % ACCOUNT)
        self.assertEqual([(r["EvalResourceName"], r["EvalDecision"]) for r in out["EvaluationResults"]],
                         [("arn:aws:s3:::bucket/zoe/a.txt", "allowed"), ("arn:aws:s3:::bucket/max/a.txt", "implicitDeny")])
        # a permissions boundary narrows it
        out = self.iam.simulate_custom_policy(
            PolicyInputList=[policy({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})],
            PermissionsBoundaryPolicyInputList=[policy({"Effect": "Allow", "Action": "dynamodb:GetItem",
                                                        "Resource": "*"})],
            ActionNames=["dynamodb:GetItem", "dynamodb:PutItem"])
        got = {r["EvalActionName"]: (r["EvalDecision"], r["PermissionsBoundaryDecisionDetail"]
                                     ["AllowedByPermissionsBoundary"]) for r in out["EvaluationResults"]}
        self.assertEqual(got, {"dynamodb:GetItem": ("allowed", True), "dynamodb:PutItem": ("implicitDeny", False)})
        # paging
        pages = list(self.iam.get_paginator("simulate_custom_policy").paginate(
            PolicyInputList=[self.IP_POLICY], ActionNames=["a:b", "c:d", "e:f"], PaginationConfig={"PageSize": 2}))
        self.assertEqual([[r["EvalActionName"] for r in p["EvaluationResults"]] for p in pages], [["a:b", "c:d"], ["e:f"]])
        # errors
        self.error(lambda: self.iam.simulate_custom_policy(PolicyInputList=["{nope"], ActionNames=["s3:GetObject"]),
                   "InvalidInput", 400)
        # the CLI
        _, out, _ = self.nimbus.aws("iam", "simulate-custom-policy", "--policy-input-list", self.IP_POLICY,
                                    "--action-names", "dynamodb:DeleteItem")
        self.assertEqual(out["EvaluationResults"][0]["EvalDecision"], "explicitDeny")

    def test_simulate_principal_policy_with_boundary_group_and_inputs(self):
        iam = self.iam
        iam.create_group(GroupName="readers")
        iam.put_group_policy(GroupName="readers", PolicyName="r", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}))
        iam.create_user(UserName="sim")
        iam.add_user_to_group(GroupName="readers", UserName="sim")
        out = iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::%s:user/sim" % ACCOUNT,
                                            ActionNames=["dynamodb:GetItem", "dynamodb:PutItem"])
        self.assertEqual([r["EvalDecision"] for r in out["EvaluationResults"]], ["allowed", "implicitDeny"])
        out = iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::%s:group/readers" % ACCOUNT,
                                            ActionNames=["dynamodb:GetItem"])
        self.assertEqual(out["EvaluationResults"][0]["EvalDecision"], "allowed")
        # PolicyInputList adds to the entity's policies
        out = iam.simulate_principal_policy(
            PolicySourceArn="arn:aws:iam::%s:user/sim" % ACCOUNT, ActionNames=["dynamodb:PutItem"],
            PolicyInputList=[policy({"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"})])
        self.assertEqual(out["EvaluationResults"][0]["EvalDecision"], "allowed")
        # the user's permissions boundary applies
        b = iam.create_policy(PolicyName="sim-boundary", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))["Policy"]["Arn"]
        iam.put_user_permissions_boundary(UserName="sim", PermissionsBoundary=b)
        out = iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::%s:user/sim" % ACCOUNT,
                                            ActionNames=["dynamodb:GetItem"])
        self.assertEqual(out["EvaluationResults"][0]["EvalDecision"], "implicitDeny")
        self.error(lambda: iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::%s:user/ghost" % ACCOUNT,
                                                         ActionNames=["s3:GetObject"]),
                   "NoSuchEntity", 404, "The user with name ghost cannot be found.")

    # the AWS CLI's documented example of simulate-custom-policy, and AWS's answer to it
    AWS_EXAMPLE = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*",'
                   '"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}')

    def test_matched_statements_where_aws_puts_them(self):
        iam = self.iam

        def sim(time):
            return ("iam", "simulate-custom-policy", "--policy-input-list", self.AWS_EXAMPLE,
                    "--action-names", "dynamodb:CreateBackup", "--context-entries",
                    "ContextKeyName='aws:CurrentTime',ContextKeyValues='%s',ContextKeyType=date" % time)
        _, out, _ = self.nimbus.aws(*sim("2019-04-25T11:00:00Z"))
        r = out["EvaluationResults"][0]
        self.assertEqual(r["EvalDecision"], "allowed")
        self.assertEqual(r["MatchedStatements"], [{
            "SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy",
            "StartPosition": {"Line": 1, "Column": 38}, "EndPosition": {"Line": 1, "Column": 167}}])
        _, out, _ = self.nimbus.aws(*sim("2014-04-25T11:00:00Z"))
        self.assertEqual((out["EvaluationResults"][0]["EvalDecision"], out["EvaluationResults"][0]["MatchedStatements"]),
                         ("implicitDeny", []))

        # simulate-principal-policy's documented example: a pretty-printed inline policy of the user
        pretty = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "ListRepos", "Effect": "Allow", "Action": "codecommit:ListRepositories", "Resource": "*"}]}, indent=4)
        iam.create_user(UserName="alejandro")
        iam.put_user_policy(UserName="alejandro", PolicyName="Grant-Access-To-CodeCommit-ListRepo",
                            PolicyDocument=pretty)
        user = "arn:aws:iam::%s:user/alejandro" % ACCOUNT
        want = [{"SourcePolicyId": "user_alejandro_Grant-Access-To-CodeCommit-ListRepo", "SourcePolicyType": "IAM Policy",
                 "StartPosition": {"Line": 3, "Column": 19}, "EndPosition": {"Line": 9, "Column": 10}}]
        _, out, _ = self.nimbus.aws("iam", "simulate-principal-policy", "--policy-source-arn", user,
                                    "--action-names", "codecommit:ListRepositories")
        self.assertEqual(out["EvaluationResults"][0]["MatchedStatements"], want)
        got = iam.simulate_principal_policy(PolicySourceArn=user, ActionNames=["codecommit:ListRepositories"])
        self.assertEqual(got["EvaluationResults"][0]["MatchedStatements"], want)

        # every source: the user's groups' inline policies, managed policies by name, the inputs
        iam.create_group(GroupName="coders")
        iam.put_group_policy(GroupName="coders", PolicyName="g", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "codecommit:*", "Resource": "*"}))
        iam.add_user_to_group(GroupName="coders", UserName="alejandro")
        arn = iam.create_policy(PolicyName="cc-managed", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "codecommit:GitPull", "Resource": "*"},
            {"Effect": "Deny", "Action": "codecommit:DeleteRepository", "Resource": "*"}))["Policy"]["Arn"]
        iam.attach_user_policy(UserName="alejandro", PolicyArn=arn)
        extra = policy({"Effect": "Allow", "Action": "codecommit:GitPull", "Resource": "*"})
        out = iam.simulate_principal_policy(PolicySourceArn=user, PolicyInputList=[extra],
                                            ActionNames=["codecommit:GitPull", "codecommit:DeleteRepository",
                                                         "s3:GetObject"])
        res = {r["EvalActionName"]: r for r in out["EvaluationResults"]}
        self.assertEqual([(m["SourcePolicyId"], m["SourcePolicyType"]) for m in
                          res["codecommit:GitPull"]["MatchedStatements"]],
                         [("PolicyInputList.1", "IAM Policy"), ("cc-managed", "IAM Policy"),
                          ("group_coders_g", "IAM Policy")])
        # an explicit deny reports the deny alone: the second statement of cc-managed, which starts
        # where the first ends (just after its '}') and ends just after its own '}'
        doc = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]
        text = policy({"Effect": "Allow", "Action": "codecommit:GitPull", "Resource": "*"},
                      {"Effect": "Deny", "Action": "codecommit:DeleteRepository", "Resource": "*"})
        self.assertEqual(json.loads(text), doc)
        deny = res["codecommit:DeleteRepository"]
        self.assertEqual(deny["EvalDecision"], "explicitDeny")
        self.assertEqual(deny["MatchedStatements"], [{
            "SourcePolicyId": "cc-managed", "SourcePolicyType": "IAM Policy",
            "StartPosition": {"Line": 1, "Column": text.index("}") + 2},
            "EndPosition": {"Line": 1, "Column": text.index("}]") + 2}}])
        self.assertEqual(res["s3:GetObject"]["MatchedStatements"], [])
        # AdministratorAccess, whose text is AWS's: its statement where AWS's answers put it
        iam.attach_user_policy(UserName="alejandro", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        out = iam.simulate_principal_policy(PolicySourceArn=user, ActionNames=["s3:GetObject"])
        self.assertEqual(out["EvaluationResults"][0]["MatchedStatements"], [{
            "SourcePolicyId": "AdministratorAccess", "SourcePolicyType": "IAM Policy",
            "StartPosition": {"Line": 3, "Column": 17}, "EndPosition": {"Line": 8, "Column": 6}}])
        iam.detach_user_policy(UserName="alejandro", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

        # a resource policy's statement: its own source (nimbus's names, no answer of AWS's being known)
        rp = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": user}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})
        out = iam.simulate_custom_policy(PolicyInputList=[policy({"Effect": "Allow", "Action": "s3:ListBucket",
                                                                  "Resource": "*"})],
                                         ResourcePolicy=rp, CallerArn=user, ActionNames=["s3:GetObject"],
                                         ResourceArns=["arn:aws:s3:::b/k"])
        r = out["EvaluationResults"][0]
        self.assertEqual(r["EvalDecision"], "allowed")
        self.assertEqual(r["MatchedStatements"], [{
            "SourcePolicyId": "ResourcePolicy", "SourcePolicyType": "Resource Policy",
            "StartPosition": {"Line": 1, "Column": rp.index("[") + 2},
            "EndPosition": {"Line": 1, "Column": rp.index("}]") + 2}}])

        # a role's inline policy, and a deny of the given permissions boundary
        iam.create_role(RoleName="sim-role", AssumeRolePolicyDocument=TRUST)
        iam.put_role_policy(RoleName="sim-role", PolicyName="rp", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}))
        role = "arn:aws:iam::%s:role/sim-role" % ACCOUNT
        out = iam.simulate_principal_policy(PolicySourceArn=role, ActionNames=["logs:PutLogEvents"])
        self.assertEqual([m["SourcePolicyId"] for m in out["EvaluationResults"][0]["MatchedStatements"]],
                         ["role_sim-role_rp"])
        out = iam.simulate_principal_policy(PolicySourceArn=role, ActionNames=["logs:PutLogEvents"],
                                            PermissionsBoundaryPolicyInputList=[policy(
                                                {"Effect": "Deny", "Action": "logs:*", "Resource": "*"})])
        self.assertEqual([m["SourcePolicyId"] for m in out["EvaluationResults"][0]["MatchedStatements"]],
                         ["PermissionsBoundaryPolicyInputList.1"])

    def test_context_keys(self):
        out = self.iam.get_context_keys_for_custom_policy(PolicyInputList=[self.IP_POLICY, policy(
            {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": "*", "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:userid}"]},
                "StringEquals": {"aws:SourceIp": "1.2.3.4"}}})])
        self.assertEqual(sorted(out["ContextKeyNames"]),
                         sorted(["aws:SourceIp", "aws:username", "dynamodb:LeadingKeys", "aws:userid"]))
        self.iam.create_role(RoleName="ctx-role", AssumeRolePolicyDocument=TRUST)
        self.iam.put_role_policy(RoleName="ctx-role", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/team": "a"}}}))
        out = self.iam.get_context_keys_for_principal_policy(
            PolicySourceArn="arn:aws:iam::%s:role/ctx-role" % ACCOUNT,
            PolicyInputList=[policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                     "Condition": {"Bool": {"aws:SecureTransport": "true"}}})])
        self.assertEqual(sorted(out["ContextKeyNames"]), ["aws:RequestTag/team", "aws:SecureTransport"])
        self.error(lambda: self.iam.get_context_keys_for_principal_policy(
            PolicySourceArn="arn:aws:iam::%s:role/none" % ACCOUNT), "NoSuchEntity", 404,
            "The role with name none cannot be found.")
        self.error(lambda: self.iam.get_context_keys_for_custom_policy(PolicyInputList=["[]"]), "InvalidInput", 400)
        _, out, _ = self.nimbus.aws("iam", "get-context-keys-for-custom-policy", "--policy-input-list", self.IP_POLICY)
        self.assertEqual(sorted(out["ContextKeyNames"]), ["aws:SourceIp", "aws:username"])


class AccountViews(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.nimbus.client("iam")

    def test_account_summary_counts_and_quotas(self):
        iam = self.iam
        before = iam.get_account_summary()["SummaryMap"]
        iam.create_user(UserName="s1")
        iam.create_user(UserName="s2")
        iam.create_group(GroupName="sg")
        iam.create_role(RoleName="sr", AssumeRolePolicyDocument=TRUST)
        iam.create_instance_profile(InstanceProfileName="sip")
        arn = iam.create_policy(PolicyName="sp", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))["Policy"]["Arn"]
        iam.attach_user_policy(UserName="s1", PolicyArn=arn)
        iam.attach_role_policy(RoleName="sr", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        m = iam.get_account_summary()["SummaryMap"]
        for k, d in (("Users", 2), ("Groups", 1), ("Roles", 1), ("InstanceProfiles", 1), ("Policies", 1),
                     ("PolicyVersionsInUse", 2)):
            self.assertEqual(m[k] - before.get(k, 0), d, k)
        # the quotas AWS reports by default, the enforced ones among them
        for k, v in (("UsersQuota", 5000), ("GroupsQuota", 300), ("PoliciesQuota", 1500), ("PolicySizeQuota", 6144),
                     ("UserPolicySizeQuota", 2048), ("GroupPolicySizeQuota", 5120), ("AccessKeysPerUserQuota", 2),
                     ("GroupsPerUserQuota", 10), ("AttachedPoliciesPerUserQuota", 10),
                     ("AttachedPoliciesPerRoleQuota", 10), ("VersionsPerPolicyQuota", 5),
                     ("AccountMFAEnabled", 0), ("AccountAccessKeysPresent", 1)):
            self.assertEqual(m[k], v, k)
        _, out, _ = self.nimbus.aws("iam", "get-account-summary")
        self.assertEqual(out["SummaryMap"]["Users"], m["Users"])
        # GroupsPerUserQuota holds
        for i in range(10):
            iam.create_group(GroupName="many-%d" % i)
            iam.add_user_to_group(GroupName="many-%d" % i, UserName="s2")
        r = self.client_error(lambda: iam.add_user_to_group(GroupName="sg", UserName="s2"))
        self.assertEqual((r["Error"]["Code"], r["Error"]["Message"]),
                         ("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10"))

    def test_account_authorization_details(self):
        iam = self.iam
        arn = iam.create_policy(PolicyName="ad-p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))["Policy"]["Arn"]
        iam.create_group(GroupName="ad-g")
        iam.put_group_policy(GroupName="ad-g", PolicyName="gi", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}))
        iam.create_user(UserName="ad-u", Tags=[{"Key": "team", "Value": "x"}])
        iam.add_user_to_group(GroupName="ad-g", UserName="ad-u")
        iam.put_user_policy(UserName="ad-u", PolicyName="ui", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "sns:*", "Resource": "*"}))
        iam.attach_user_policy(UserName="ad-u", PolicyArn=arn)
        iam.put_user_permissions_boundary(UserName="ad-u", PermissionsBoundary=arn)
        iam.create_role(RoleName="ad-r", AssumeRolePolicyDocument=TRUST)
        iam.attach_role_policy(RoleName="ad-r", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        iam.create_instance_profile(InstanceProfileName="ad-ip")
        iam.add_role_to_instance_profile(InstanceProfileName="ad-ip", RoleName="ad-r")
        d = iam.get_account_authorization_details()
        self.assertFalse(d["IsTruncated"])
        u = [x for x in d["UserDetailList"] if x["UserName"] == "ad-u"][0]
        self.assertEqual(u["GroupList"], ["ad-g"])
        self.assertEqual(u["UserPolicyList"][0]["PolicyName"], "ui")
        self.assertEqual(u["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"], "sns:*")
        self.assertEqual(u["AttachedManagedPolicies"], [{"PolicyName": "ad-p", "PolicyArn": arn}])
        self.assertEqual(u["PermissionsBoundary"]["PermissionsBoundaryArn"], arn)
        self.assertEqual(u["Tags"], [{"Key": "team", "Value": "x"}])
        g = [x for x in d["GroupDetailList"] if x["GroupName"] == "ad-g"][0]
        self.assertEqual(g["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"], "sqs:*")
        r = [x for x in d["RoleDetailList"] if x["RoleName"] == "ad-r"][0]
        self.assertEqual(r["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "lambda.amazonaws.com")
        self.assertEqual([p["InstanceProfileName"] for p in r["InstanceProfileList"]], ["ad-ip"])
        self.assertEqual(r["AttachedManagedPolicies"][0]["PolicyName"], "AdministratorAccess")
        pols = {p["PolicyName"]: p for p in d["Policies"]}
        self.assertEqual(pols["ad-p"]["AttachmentCount"], 1)
        self.assertEqual(pols["ad-p"]["PermissionsBoundaryUsageCount"], 1)
        v = pols["ad-p"]["PolicyVersionList"][0]
        self.assertEqual((v["VersionId"], v["IsDefaultVersion"]), ("v1", True))
        self.assertEqual(v["Document"]["Statement"][0]["Action"], "s3:*")
        self.assertIn("AdministratorAccess", pols)             # AWS managed and in use
        self.assertNotIn("PowerUserAccess", pols)              # AWS managed, not in use
        # filters
        only = iam.get_account_authorization_details(Filter=["Role", "AWSManagedPolicy"])
        self.assertEqual((only["UserDetailList"], only["GroupDetailList"]), ([], []))
        self.assertTrue(only["RoleDetailList"])
        self.assertEqual({p["Arn"].split(":")[4] for p in only["Policies"]}, {"aws"})
        # paging: every item exactly once
        pages = list(iam.get_paginator("get_account_authorization_details").paginate(
            PaginationConfig={"PageSize": 2}))
        self.assertGreater(len(pages), 2)
        names = [x[k] for p in pages for lst, k in (("UserDetailList", "UserName"), ("GroupDetailList", "GroupName"),
                                                     ("RoleDetailList", "RoleName"), ("Policies", "Arn"))
                 for x in p[lst]]
        whole = [x[k] for lst, k in (("UserDetailList", "UserName"), ("GroupDetailList", "GroupName"),
                                     ("RoleDetailList", "RoleName"), ("Policies", "Arn")) for x in d[lst]]
        self.assertEqual(sorted(names), sorted(whole))
        self.assertEqual(len(names), len(set(names)))
        # the CLI (it pages on its own)
        _, out, _ = self.nimbus.aws("iam", "get-account-authorization-details", "--filter", "User")
        self.assertIn("ad-u", [x["UserName"] for x in out["UserDetailList"]])
        r = self.client_error(lambda: self.nimbus.client("iam").get_account_authorization_details(Filter=["Bogus"]))
        self.assertEqual(r["Error"]["Code"], "ValidationError")
