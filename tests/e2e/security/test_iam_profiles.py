"""IAM operations Terraform, CDK and the CLI call routinely beside the basic entity ones:
instance profiles (and DeleteRole's conflict with them), renames (UpdateUser, UpdateGroup),
UpdateRoleDescription, ListEntitiesForPolicy and policy tags — exact shapes and AWS's errors,
through boto3 and the AWS CLI against an enforcing nimbus."""
import json

import botocore.config

from harness import NimbusTestCase, policy

ACCOUNT = "000000000000"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
    "Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class IamProfilesAndUpdates(NimbusTestCase):
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

    def test_instance_profile_lifecycle_and_role_delete_conflict(self):
        iam = self.iam
        iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST, Path="/app/")
        p = iam.create_instance_profile(InstanceProfileName="web-ip", Path="/app/")["InstanceProfile"]
        self.assertEqual(p["Arn"], "arn:aws:iam::%s:instance-profile/app/web-ip" % ACCOUNT)
        self.assertEqual(p["Path"], "/app/")
        self.assertTrue(p["InstanceProfileId"].startswith("AIPA"))
        self.assertEqual(p["Roles"], [])
        self.error(lambda: iam.create_instance_profile(InstanceProfileName="web-ip"), "EntityAlreadyExists", 409,
                   "Instance Profile web-ip already exists.")
        self.error(lambda: iam.get_instance_profile(InstanceProfileName="nope"), "NoSuchEntity", 404,
                   "Instance Profile nope cannot be found.")
        iam.add_role_to_instance_profile(InstanceProfileName="web-ip", RoleName="web")
        got = iam.get_instance_profile(InstanceProfileName="web-ip")["InstanceProfile"]
        self.assertEqual([r["RoleName"] for r in got["Roles"]], ["web"])
        self.assertEqual(got["Roles"][0]["Arn"], "arn:aws:iam::%s:role/app/web" % ACCOUNT)
        self.assertEqual(got["Roles"][0]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
                         "ec2.amazonaws.com")
        # one role per profile
        iam.create_role(RoleName="other", AssumeRolePolicyDocument=TRUST)
        self.error(lambda: iam.add_role_to_instance_profile(InstanceProfileName="web-ip", RoleName="other"),
                   "LimitExceeded", 409, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
        self.error(lambda: iam.add_role_to_instance_profile(InstanceProfileName="web-ip", RoleName="ghost"),
                   "NoSuchEntity", 404, "The role with name ghost cannot be found.")
        # Terraform's aws_iam_role delete: ListInstanceProfilesForRole, then remove, then delete
        fr = iam.list_instance_profiles_for_role(RoleName="web")
        self.assertEqual([x["InstanceProfileName"] for x in fr["InstanceProfiles"]], ["web-ip"])
        self.assertFalse(fr["IsTruncated"])
        self.assertEqual(iam.list_instance_profiles_for_role(RoleName="other")["InstanceProfiles"], [])
        self.error(lambda: iam.list_instance_profiles_for_role(RoleName="ghost"), "NoSuchEntity", 404,
                   "The role with name ghost cannot be found.")
        self.error(lambda: iam.delete_role(RoleName="web"), "DeleteConflict", 409,
                   "Cannot delete entity, must remove roles from instance profile first.")
        self.error(lambda: iam.delete_instance_profile(InstanceProfileName="web-ip"), "DeleteConflict", 409,
                   "Cannot delete entity, must remove roles from instance profile first.")
        self.error(lambda: iam.remove_role_from_instance_profile(InstanceProfileName="web-ip", RoleName="other"),
                   "NoSuchEntity", 404, "The role with name other cannot be found.")
        iam.remove_role_from_instance_profile(InstanceProfileName="web-ip", RoleName="web")
        self.assertEqual(iam.get_instance_profile(InstanceProfileName="web-ip")["InstanceProfile"]["Roles"], [])
        iam.delete_role(RoleName="web")
        iam.delete_instance_profile(InstanceProfileName="web-ip")
        self.error(lambda: iam.delete_instance_profile(InstanceProfileName="web-ip"), "NoSuchEntity", 404)
        iam.delete_role(RoleName="other")

    def test_list_instance_profiles_paginates_and_filters_by_path(self):
        iam = self.iam
        for i in range(5):
            iam.create_instance_profile(InstanceProfileName="pg-%d" % i, Path="/pg/")
        iam.create_instance_profile(InstanceProfileName="pg-other", Path="/elsewhere/")
        first = iam.list_instance_profiles(PathPrefix="/pg/", MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual([p["InstanceProfileName"] for p in first["InstanceProfiles"]], ["pg-0", "pg-1"])
        names = [p["InstanceProfileName"] for page in
                 iam.get_paginator("list_instance_profiles").paginate(PathPrefix="/pg/", PaginationConfig={
                     "PageSize": 2}) for p in page["InstanceProfiles"]]
        self.assertEqual(names, ["pg-%d" % i for i in range(5)])
        every = [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]]
        self.assertIn("pg-other", every)
        raw = self.nimbus.client("iam", config=botocore.config.Config(parameter_validation=False,
                                                                     retries={"max_attempts": 1}))
        self.error(lambda: raw.list_instance_profiles(MaxItems=0), "ValidationError", 400,
                   "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
                   "Member must have value greater than or equal to 1")
        # the CLI paginates on its own
        _, out, _ = self.nimbus.aws("iam", "list-instance-profiles", "--path-prefix", "/pg/", "--page-size", "2")
        self.assertEqual([p["InstanceProfileName"] for p in out["InstanceProfiles"]], ["pg-%d" % i for i in range(5)])

    def test_list_users_groups_roles_page(self):
        iam = self.iam
        for i in range(3):
            iam.create_user(UserName="lu-%d" % i, Path="/lu/")
        first = iam.list_users(PathPrefix="/lu/", MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual([u["UserName"] for u in first["Users"]], ["lu-0", "lu-1"])
        rest = iam.list_users(PathPrefix="/lu/", MaxItems=2, Marker=first["Marker"])
        self.assertFalse(rest["IsTruncated"])
        self.assertEqual([u["UserName"] for u in rest["Users"]], ["lu-2"])
        names = [u["UserName"] for p in iam.get_paginator("list_users").paginate(
            PathPrefix="/lu/", PaginationConfig={"PageSize": 1}) for u in p["Users"]]
        self.assertEqual(names, ["lu-0", "lu-1", "lu-2"])
        _, out, _ = self.nimbus.aws("iam", "list-roles", "--page-size", "1")
        self.assertIn(self.nimbus.EXECUTION_ROLE, [r["RoleName"] for r in out["Roles"]])

    def test_update_user_renames_with_keys_groups_and_policies(self):
        iam = self.iam
        iam.create_group(GroupName="devs")
        key, secret = self.nimbus.new_user("ann", {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"})
        iam.add_user_to_group(GroupName="devs", UserName="ann")
        arn = iam.create_policy(PolicyName="ann-list", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:ListGroupsForUser", "Resource": "*"}))["Policy"]["Arn"]
        iam.attach_user_policy(UserName="ann", PolicyArn=arn)
        iam.update_user(UserName="ann", NewUserName="anne", NewPath="/staff/")
        self.error(lambda: iam.get_user(UserName="ann"), "NoSuchEntity", 404, "The user with name ann cannot be found.")
        u = iam.get_user(UserName="anne")["User"]
        self.assertEqual(u["Arn"], "arn:aws:iam::%s:user/staff/anne" % ACCOUNT)
        self.assertEqual(u["Path"], "/staff/")
        self.assertEqual([k["AccessKeyId"] for k in iam.list_access_keys(UserName="anne")["AccessKeyMetadata"]], [key])
        self.assertEqual([g["GroupName"] for g in iam.list_groups_for_user(UserName="anne")["Groups"]], ["devs"])
        self.assertEqual([x["UserName"] for x in iam.get_group(GroupName="devs")["Users"]], ["anne"])
        self.assertEqual(iam.list_user_policies(UserName="anne")["PolicyNames"], ["p"])
        self.assertEqual([p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="anne")["AttachedPolicies"]],
                         [arn])
        # the key now signs as anne, with her policies
        anne = self.nimbus.client("iam", access_key=key, secret_key=secret)
        self.assertEqual(anne.get_user()["User"]["Arn"], "arn:aws:iam::%s:user/staff/anne" % ACCOUNT)
        self.assertEqual(anne.list_groups_for_user(UserName="anne")["Groups"][0]["GroupName"], "devs")
        self.assertEqual(self.nimbus.client("sts", access_key=key, secret_key=secret).get_caller_identity()["Arn"],
                         "arn:aws:iam::%s:user/staff/anne" % ACCOUNT)
        iam.create_user(UserName="bob")
        self.error(lambda: iam.update_user(UserName="anne", NewUserName="bob"), "EntityAlreadyExists", 409,
                   "User with name bob already exists.")
        self.error(lambda: iam.update_user(UserName="ghost", NewUserName="x"), "NoSuchEntity", 404,
                   "The user with name ghost cannot be found.")
        self.error(lambda: iam.update_user(UserName="anne", NewPath="nope"), "ValidationError", 400)
        # the CLI
        self.nimbus.aws("iam", "update-user", "--user-name", "bob", "--new-user-name", "robert")
        _, out, _ = self.nimbus.aws("iam", "get-user", "--user-name", "robert")
        self.assertEqual(out["User"]["Arn"], "arn:aws:iam::%s:user/robert" % ACCOUNT)

    def test_update_group_renames_and_members_follow(self):
        iam = self.iam
        iam.create_group(GroupName="ops")
        iam.create_user(UserName="oli")
        iam.add_user_to_group(GroupName="ops", UserName="oli")
        iam.put_group_policy(GroupName="ops", PolicyName="gp", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
        iam.update_group(GroupName="ops", NewGroupName="operators", NewPath="/x/")
        g = iam.get_group(GroupName="operators")
        self.assertEqual(g["Group"]["Arn"], "arn:aws:iam::%s:group/x/operators" % ACCOUNT)
        self.assertEqual([u["UserName"] for u in g["Users"]], ["oli"])
        self.assertEqual([x["GroupName"] for x in iam.list_groups_for_user(UserName="oli")["Groups"]], ["operators"])
        self.assertEqual(iam.list_group_policies(GroupName="operators")["PolicyNames"], ["gp"])
        self.error(lambda: iam.get_group(GroupName="ops"), "NoSuchEntity", 404, "The group with name ops cannot be found.")
        iam.create_group(GroupName="taken")
        self.error(lambda: iam.update_group(GroupName="operators", NewGroupName="taken"), "EntityAlreadyExists", 409,
                   "Group with name taken already exists.")

    def test_update_role_description_and_update_role(self):
        iam = self.iam
        iam.create_role(RoleName="described", AssumeRolePolicyDocument=TRUST, Description="old")
        r = iam.update_role_description(RoleName="described", Description="new words")["Role"]
        self.assertEqual(r["Description"], "new words")
        self.assertEqual(r["RoleName"], "described")
        iam.update_role(RoleName="described", Description="third", MaxSessionDuration=7200)
        r = iam.get_role(RoleName="described")["Role"]
        self.assertEqual((r["Description"], r["MaxSessionDuration"]), ("third", 7200))
        self.error(lambda: iam.update_role_description(RoleName="ghost", Description="x"), "NoSuchEntity", 404,
                   "The role with name ghost cannot be found.")
        _, out, _ = self.nimbus.aws("iam", "update-role-description", "--role-name", "described",
                                    "--description", "from the cli")
        self.assertEqual(out["Role"]["Description"], "from the cli")

    def test_list_entities_for_policy(self):
        iam = self.iam
        arn = iam.create_policy(PolicyName="shared", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))["Policy"]["Arn"]
        iam.create_user(UserName="eu1", Path="/e/")
        iam.create_user(UserName="eu2")
        iam.create_group(GroupName="eg")
        iam.create_role(RoleName="er", AssumeRolePolicyDocument=TRUST)
        iam.attach_user_policy(UserName="eu1", PolicyArn=arn)
        iam.attach_group_policy(GroupName="eg", PolicyArn=arn)
        iam.attach_role_policy(RoleName="er", PolicyArn=arn)
        iam.put_user_permissions_boundary(UserName="eu2", PermissionsBoundary=arn)
        out = iam.list_entities_for_policy(PolicyArn=arn)
        self.assertEqual(sorted(u["UserName"] for u in out["PolicyUsers"]), ["eu1", "eu2"])
        self.assertTrue(all(u["UserId"].startswith("AIDA") for u in out["PolicyUsers"]))
        self.assertEqual([g["GroupName"] for g in out["PolicyGroups"]], ["eg"])
        self.assertEqual([r["RoleName"] for r in out["PolicyRoles"]], ["er"])
        self.assertFalse(out["IsTruncated"])
        only = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User", PolicyUsageFilter="PermissionsPolicy")
        self.assertEqual(([u["UserName"] for u in only["PolicyUsers"]], only["PolicyGroups"], only["PolicyRoles"]),
                         (["eu1"], [], []))
        b = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary")
        self.assertEqual([u["UserName"] for u in b["PolicyUsers"]], ["eu2"])
        self.assertEqual([u["UserName"] for u in
                          iam.list_entities_for_policy(PolicyArn=arn, PathPrefix="/e/")["PolicyUsers"]], ["eu1"])
        pages = list(iam.get_paginator("list_entities_for_policy").paginate(
            PolicyArn=arn, PaginationConfig={"PageSize": 1}))
        self.assertEqual(len(pages), 4)
        got = sorted(x.get("UserName") or x.get("GroupName") or x.get("RoleName") for p in pages
                     for k in ("PolicyUsers", "PolicyGroups", "PolicyRoles") for x in p[k])
        self.assertEqual(got, ["eg", "er", "eu1", "eu2"])
        self.error(lambda: iam.list_entities_for_policy(PolicyArn="arn:aws:iam::%s:policy/none" % ACCOUNT),
                   "NoSuchEntity", 404, "Policy arn:aws:iam::%s:policy/none does not exist or is not attachable."
                   % ACCOUNT)
        self.error(lambda: iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Bogus"), "ValidationError", 400)
        # AWS managed policies: the account's attachments
        iam.attach_role_policy(RoleName="er", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        out = iam.list_entities_for_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        self.assertEqual([r["RoleName"] for r in out["PolicyRoles"]], ["er"])

    def test_policy_tags(self):
        iam = self.iam
        arn = iam.create_policy(PolicyName="tagged", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), Tags=[{"Key": "team", "Value": "a"}])["Policy"]["Arn"]
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["Tags"], [{"Key": "team", "Value": "a"}])
        iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "b"}])
        tags = iam.list_policy_tags(PolicyArn=arn)
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags["Tags"]), [("env", "prod"), ("team", "b")])
        self.assertFalse(tags["IsTruncated"])
        iam.untag_policy(PolicyArn=arn, TagKeys=["team"])
        self.assertEqual(iam.list_policy_tags(PolicyArn=arn)["Tags"], [{"Key": "env", "Value": "prod"}])
        missing = "arn:aws:iam::%s:policy/none" % ACCOUNT
        for fn in (lambda: iam.tag_policy(PolicyArn=missing, Tags=[{"Key": "a", "Value": "b"}]),
                   lambda: iam.untag_policy(PolicyArn=missing, TagKeys=["a"]),
                   lambda: iam.list_policy_tags(PolicyArn=missing)):
            self.error(fn, "NoSuchEntity", 404)
        self.error(lambda: iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)]),
                   "LimitExceeded", 409)
        _, out, _ = self.nimbus.aws("iam", "list-policy-tags", "--policy-arn", arn)
        self.assertEqual(out["Tags"], [{"Key": "env", "Value": "prod"}])

    def test_new_operations_are_authorized_on_their_resources(self):
        key, secret = self.nimbus.new_user("narrow", {"Effect": "Allow", "Action": [
            "iam:CreateInstanceProfile", "iam:GetInstanceProfile"],
            "Resource": "arn:aws:iam::%s:instance-profile/mine-*" % ACCOUNT})
        narrow = self.nimbus.client("iam", access_key=key, secret_key=secret)
        narrow.create_instance_profile(InstanceProfileName="mine-1")
        self.assertEqual(narrow.get_instance_profile(InstanceProfileName="mine-1")["InstanceProfile"]
                         ["InstanceProfileName"], "mine-1")
        r = self.error(lambda: narrow.create_instance_profile(InstanceProfileName="theirs"), "AccessDenied", 403)
        self.assertIn("iam:CreateInstanceProfile on resource: arn:aws:iam::%s:instance-profile/theirs" % ACCOUNT,
                      r["Error"]["Message"])
        self.error(lambda: narrow.delete_instance_profile(InstanceProfileName="mine-1"), "AccessDenied", 403)
        self.error(lambda: narrow.update_user(UserName="narrow", NewUserName="wide"), "AccessDenied", 403)
        self.error(lambda: narrow.list_instance_profiles(), "AccessDenied", 403)

    def test_policy_tags_as_resource_tags(self):
        iam = self.iam
        mine = iam.create_policy(PolicyName="team-a-pol", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), Tags=[{"Key": "team", "Value": "a"}])["Policy"]["Arn"]
        theirs = iam.create_policy(PolicyName="team-b-pol", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), Tags=[{"Key": "team", "Value": "b"}])["Policy"]["Arn"]
        key, secret = self.nimbus.new_user("tagger", {"Effect": "Allow", "Action": "iam:GetPolicy", "Resource": "*",
                                                      "Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}})
        tagger = self.nimbus.client("iam", access_key=key, secret_key=secret)
        self.assertEqual(tagger.get_policy(PolicyArn=mine)["Policy"]["PolicyName"], "team-a-pol")
        self.error(lambda: tagger.get_policy(PolicyArn=theirs), "AccessDenied", 403)

    def test_add_role_to_instance_profile_needs_pass_role(self):
        iam = self.iam
        iam.create_role(RoleName="passme", AssumeRolePolicyDocument=TRUST, Path="/svc/")
        iam.create_instance_profile(InstanceProfileName="pass-ip")
        iam.create_instance_profile(InstanceProfileName="pass-ip2")
        key, secret = self.nimbus.new_user("adder", {"Effect": "Allow", "Action": "iam:AddRoleToInstanceProfile",
                                                     "Resource": "*"})
        adder = self.nimbus.client("iam", access_key=key, secret_key=secret)
        r = self.error(lambda: adder.add_role_to_instance_profile(InstanceProfileName="pass-ip", RoleName="passme"),
                       "AccessDenied", 403)
        self.assertIn("iam:PassRole on resource: arn:aws:iam::%s:role/svc/passme" % ACCOUNT, r["Error"]["Message"])
        self.assertEqual(iam.get_instance_profile(InstanceProfileName="pass-ip")["InstanceProfile"]["Roles"], [])
        # PassRole for EC2 only (AWS's documented condition)
        iam.put_user_policy(UserName="adder", PolicyName="pass", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::%s:role/svc/*" % ACCOUNT,
             "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}))
        adder.add_role_to_instance_profile(InstanceProfileName="pass-ip", RoleName="passme")
        self.assertEqual([x["RoleName"] for x in iam.get_instance_profile(InstanceProfileName="pass-ip")
                          ["InstanceProfile"]["Roles"]], ["passme"])
        iam.put_user_policy(UserName="adder", PolicyName="pass", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
             "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}))
        self.error(lambda: adder.add_role_to_instance_profile(InstanceProfileName="pass-ip2", RoleName="passme"),
                   "AccessDenied", 403)

    def test_authorized_on_the_entity_arn_with_its_path(self):
        iam = self.iam
        iam.create_role(RoleName="pathed", AssumeRolePolicyDocument=TRUST, Path="/svc/")
        iam.create_role(RoleName="plain", AssumeRolePolicyDocument=TRUST)
        key, secret = self.nimbus.new_user(
            "pathuser", {"Effect": "Allow", "Action": ["iam:GetRole", "iam:UpdateRoleDescription"],
                         "Resource": "arn:aws:iam::%s:role/svc/*" % ACCOUNT},
            {"Effect": "Allow", "Action": ["iam:CreateUser", "iam:DeleteUser"],
             "Resource": "arn:aws:iam::%s:user/team/*" % ACCOUNT})
        pu = self.nimbus.client("iam", access_key=key, secret_key=secret)
        self.assertEqual(pu.get_role(RoleName="pathed")["Role"]["Arn"], "arn:aws:iam::%s:role/svc/pathed" % ACCOUNT)
        pu.update_role_description(RoleName="pathed", Description="ok")
        r = self.error(lambda: pu.get_role(RoleName="plain"), "AccessDenied", 403)
        self.assertIn("on resource: arn:aws:iam::%s:role/plain" % ACCOUNT, r["Error"]["Message"])
        # a new entity: the ARN its Path gives it
        pu.create_user(UserName="newbie", Path="/team/")
        r = self.error(lambda: pu.create_user(UserName="outsider"), "AccessDenied", 403)
        self.assertIn("on resource: arn:aws:iam::%s:user/outsider" % ACCOUNT, r["Error"]["Message"])
        pu.delete_user(UserName="newbie")

    def test_rename_needs_permission_on_source_and_target(self):
        """AWS: renaming or moving a user or group needs the permission on both the source and the
        target object."""
        iam = self.iam
        iam.create_user(UserName="dev-ann", Path="/dev/")
        iam.create_group(GroupName="dev-team")
        key, secret = self.nimbus.new_user("renamer", {"Effect": "Allow", "Action": ["iam:UpdateUser",
                                                                                  "iam:UpdateGroup"],
                                                      "Resource": ["arn:aws:iam::%s:user/dev/*" % ACCOUNT,
                                                                   "arn:aws:iam::%s:group/dev-*" % ACCOUNT]})
        rn = self.nimbus.client("iam", access_key=key, secret_key=secret)
        r = self.error(lambda: rn.update_user(UserName="dev-ann", NewPath="/ops/"), "AccessDenied", 403)
        self.assertIn("iam:UpdateUser on resource: arn:aws:iam::%s:user/ops/dev-ann" % ACCOUNT, r["Error"]["Message"])
        r = self.error(lambda: rn.update_group(GroupName="dev-team", NewGroupName="ops-team"), "AccessDenied", 403)
        self.assertIn("iam:UpdateGroup on resource: arn:aws:iam::%s:group/ops-team" % ACCOUNT, r["Error"]["Message"])
        self.assertEqual(iam.get_user(UserName="dev-ann")["User"]["Arn"], "arn:aws:iam::%s:user/dev/dev-ann" % ACCOUNT)
        iam.get_group(GroupName="dev-team")
        # both ends allowed: done
        rn.update_user(UserName="dev-ann", NewUserName="dev-anne")
        self.assertEqual(iam.get_user(UserName="dev-anne")["User"]["Arn"],
                         "arn:aws:iam::%s:user/dev/dev-anne" % ACCOUNT)
        rn.update_group(GroupName="dev-team", NewGroupName="dev-crew")
        iam.get_group(GroupName="dev-crew")

    def test_list_policies_pages_and_filters_by_path(self):
        iam = self.iam
        for i in range(3):
            iam.create_policy(PolicyName="lp-%d" % i, Path="/lp/", PolicyDocument=policy(
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
        first = iam.list_policies(Scope="Local", PathPrefix="/lp/", MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual([p["PolicyName"] for p in first["Policies"]], ["lp-0", "lp-1"])
        rest = iam.list_policies(Scope="Local", PathPrefix="/lp/", MaxItems=2, Marker=first["Marker"])
        self.assertEqual(([p["PolicyName"] for p in rest["Policies"]], rest["IsTruncated"]), (["lp-2"], False))
        every = [p["Arn"] for page in iam.get_paginator("list_policies").paginate(PaginationConfig={"PageSize": 3})
                 for p in page["Policies"]]
        self.assertEqual(len(every), len(set(every)))
        self.assertEqual(sorted(every), sorted(p["Arn"] for p in iam.list_policies(MaxItems=1000)["Policies"]))
        self.assertIn("arn:aws:iam::aws:policy/AdministratorAccess", every)
        self.assertIn("arn:aws:iam::%s:policy/lp/lp-1" % ACCOUNT, every)
        _, out, _ = self.nimbus.aws("iam", "list-policies", "--scope", "Local", "--path-prefix", "/lp/",
                                    "--page-size", "1")
        self.assertEqual([p["PolicyName"] for p in out["Policies"]], ["lp-0", "lp-1", "lp-2"])

    def test_instance_profile_tags(self):
        iam = self.iam
        p = iam.create_instance_profile(InstanceProfileName="tagged-ip", Tags=[{"Key": "team", "Value": "a"}])
        self.assertEqual(p["InstanceProfile"]["Tags"], [{"Key": "team", "Value": "a"}])
        iam.tag_instance_profile(InstanceProfileName="tagged-ip", Tags=[{"Key": "env", "Value": "dev"}])
        got = iam.list_instance_profile_tags(InstanceProfileName="tagged-ip")
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in got["Tags"]), [("env", "dev"), ("team", "a")])
        self.assertFalse(got["IsTruncated"])
        iam.untag_instance_profile(InstanceProfileName="tagged-ip", TagKeys=["team"])
        self.assertEqual(iam.get_instance_profile(InstanceProfileName="tagged-ip")["InstanceProfile"]["Tags"],
                         [{"Key": "env", "Value": "dev"}])
        self.error(lambda: iam.list_instance_profile_tags(InstanceProfileName="none"), "NoSuchEntity", 404,
                   "Instance Profile none cannot be found.")
        self.error(lambda: iam.tag_instance_profile(InstanceProfileName="tagged-ip", Tags=[
            {"Key": "k%d" % i, "Value": "v"} for i in range(50)]), "LimitExceeded", 409)
