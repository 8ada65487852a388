"""Layer version permissions: AddLayerVersionPermission,
RemoveLayerVersionPermission and GetLayerVersionPolicy through boto3, with
Lambda's statement shape and errors (ResourceNotFoundException for a missing
layer, version or statement; ResourceConflictException for a statement id
already there; PreconditionFailedException for a stale RevisionId), each
operation authorized on the layer version's ARN. In enforced mode the policy is
the version's resource policy for lambda:GetLayerVersion: a grant to "*" lets
a principal whose identity policy does not allow it get the version; a grant
naming the account only delegates to the account's identity policies."""
import json
import os

from harness import NimbusTestCase, zip_bytes

ACCOUNT = "000000000000"


def layer_arn(name, ver=None):
    arn = "arn:aws:lambda:us-east-1:%s:layer:%s" % (ACCOUNT, name)
    return arn if ver is None else "%s:%d" % (arn, ver)


class LayerVersionPolicy(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.nimbus.client("lambda")
        content = {"ZipFile": zip_bytes({"lib/hello.txt": ("hello\n", 0o644)})}
        for name in ("pl", "pl-auth", "pl-del", "pl-ops"):
            cls.lam.publish_layer_version(LayerName=name, Content=content)

    def error(self, call, code, status, message=None):
        r = self.client_error(call)
        self.assertEqual((r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]), (code, status), r)
        if message is not None:
            self.assertEqual(r["Error"]["Message"], message)
        return r

    def statements(self, name="pl", ver=1):
        out = self.lam.get_layer_version_policy(LayerName=name, VersionNumber=ver)
        doc = json.loads(out["Policy"])
        self.assertEqual((doc["Version"], doc["Id"]), ("2012-10-17", "default"))
        return doc["Statement"], out["RevisionId"]

    def test_add_get_remove(self):
        lam = self.lam
        self.error(lambda: lam.get_layer_version_policy(LayerName="pl", VersionNumber=1),
                   "ResourceNotFoundException", 404)
        out = lam.add_layer_version_permission(LayerName="pl", VersionNumber=1, StatementId="xaccount",
                                               Action="lambda:GetLayerVersion", Principal="210987654321")
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(json.loads(out["Statement"]), {
            "Sid": "xaccount", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
            "Action": "lambda:GetLayerVersion", "Resource": layer_arn("pl", 1)})
        rev1 = out["RevisionId"]
        # an organization's accounts, the layer named by its ARN
        out = lam.add_layer_version_permission(LayerName=layer_arn("pl"), VersionNumber=1, StatementId="org",
                                               Action="lambda:GetLayerVersion", Principal="*",
                                               OrganizationId="o-abcdefghij", RevisionId=rev1)
        self.assertEqual(json.loads(out["Statement"]), {
            "Sid": "org", "Effect": "Allow", "Principal": "*", "Action": "lambda:GetLayerVersion",
            "Resource": layer_arn("pl", 1), "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}})
        self.assertNotEqual(out["RevisionId"], rev1)
        stmts, rev = self.statements()
        self.assertEqual([s["Sid"] for s in stmts], ["xaccount", "org"])
        self.assertEqual(rev, out["RevisionId"])
        # the same statement id again
        self.error(lambda: lam.add_layer_version_permission(
            LayerName="pl", VersionNumber=1, StatementId="org", Action="lambda:GetLayerVersion", Principal="*"),
            "ResourceConflictException", 409,
            "The statement id (org) provided already exists. Please provide a new statement id, or remove the "
            "existing statement.")
        # a stale revision
        self.error(lambda: lam.add_layer_version_permission(
            LayerName="pl", VersionNumber=1, StatementId="late", Action="lambda:GetLayerVersion", Principal="*",
            RevisionId=rev1), "PreconditionFailedException", 412)
        self.error(lambda: lam.remove_layer_version_permission(LayerName="pl", VersionNumber=1, StatementId="org",
                                                               RevisionId=rev1), "PreconditionFailedException", 412)
        # malformed members, as the API model constrains them
        for kw in ({"Action": "lambda:InvokeFunction", "Principal": "*"},
                   {"Action": "lambda:GetLayerVersion", "Principal": "arn:aws:iam::210987654321:user/u"},
                   {"Action": "lambda:GetLayerVersion", "Principal": "*", "OrganizationId": "org-1"}):
            self.error(lambda: lam.add_layer_version_permission(LayerName="pl", VersionNumber=1, StatementId="bad",
                                                                **kw), "ValidationException", 400)
        # removed
        r = lam.remove_layer_version_permission(LayerName="pl", VersionNumber=1, StatementId="org", RevisionId=rev)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual([s["Sid"] for s in self.statements()[0]], ["xaccount"])
        self.error(lambda: lam.remove_layer_version_permission(LayerName="pl", VersionNumber=1, StatementId="org"),
                   "ResourceNotFoundException", 404, "Statement org is not found in resource policy.")
        lam.remove_layer_version_permission(LayerName="pl", VersionNumber=1, StatementId="xaccount")
        self.error(lambda: lam.get_layer_version_policy(LayerName="pl", VersionNumber=1),
                   "ResourceNotFoundException", 404)

    def test_missing_layer_or_version(self):
        lam = self.lam
        for name, ver in (("pl", 9), ("no-such-layer", 1)):
            self.error(lambda: lam.add_layer_version_permission(
                LayerName=name, VersionNumber=ver, StatementId="s", Action="lambda:GetLayerVersion", Principal="*"),
                "ResourceNotFoundException", 404)
            self.error(lambda: lam.get_layer_version_policy(LayerName=name, VersionNumber=ver),
                       "ResourceNotFoundException", 404)
            self.error(lambda: lam.remove_layer_version_permission(LayerName=name, VersionNumber=ver, StatementId="s"),
                       "ResourceNotFoundException", 404)

    def test_deleted_version_takes_its_policy(self):
        lam = self.lam
        lam.add_layer_version_permission(LayerName="pl-del", VersionNumber=1, StatementId="all",
                                         Action="lambda:GetLayerVersion", Principal="*")
        lam.delete_layer_version(LayerName="pl-del", VersionNumber=1)
        self.error(lambda: lam.get_layer_version_policy(LayerName="pl-del", VersionNumber=1),
                   "ResourceNotFoundException", 404)
        user = self.user("pl-del-user")
        self.error(lambda: user.get_layer_version(LayerName="pl-del", VersionNumber=1), "AccessDeniedException", 403)

    def user(self, name, *statements):
        key, secret = self.nimbus.new_user(name, *statements)
        return self.nimbus.client("lambda", access_key=key, secret_key=secret)

    def test_operations_authorized_on_the_layer_version(self):
        arn = layer_arn("pl-ops", 1)
        reader = self.user("pl-reader", {"Effect": "Allow", "Action": "lambda:GetLayerVersionPolicy", "Resource": arn})
        self.lam.add_layer_version_permission(LayerName="pl-ops", VersionNumber=1, StatementId="acct",
                                              Action="lambda:GetLayerVersion", Principal=ACCOUNT)
        self.assertEqual(len(json.loads(reader.get_layer_version_policy(LayerName="pl-ops", VersionNumber=1)
                                        ["Policy"])["Statement"]), 1)
        self.error(lambda: reader.add_layer_version_permission(
            LayerName="pl-ops", VersionNumber=1, StatementId="s", Action="lambda:GetLayerVersion", Principal="*"),
            "AccessDeniedException", 403,
            "User: arn:aws:iam::%s:user/pl-reader is not authorized to perform: lambda:AddLayerVersionPermission on "
            "resource: %s because no identity-based policy allows the lambda:AddLayerVersionPermission action"
            % (ACCOUNT, arn))
        self.error(lambda: reader.remove_layer_version_permission(LayerName="pl-ops", VersionNumber=1,
                                                                  StatementId="acct"), "AccessDeniedException", 403)
        self.error(lambda: reader.get_layer_version_policy(LayerName="pl", VersionNumber=1),
                   "AccessDeniedException", 403)

    def test_layer_policy_grants_get_layer_version(self):
        arn = layer_arn("pl-auth", 1)
        user = self.user("pl-user")
        denial = ("User: arn:aws:iam::%s:user/pl-user is not authorized to perform: lambda:GetLayerVersion on "
                  "resource: %s because no identity-based policy allows the lambda:GetLayerVersion action"
                  % (ACCOUNT, arn))
        self.error(lambda: user.get_layer_version(LayerName="pl-auth", VersionNumber=1), "AccessDeniedException", 403,
                   denial)
        # naming the account delegates to its IAM policies: still nothing for pl-user
        self.lam.add_layer_version_permission(LayerName="pl-auth", VersionNumber=1, StatementId="acct2",
                                              Action="lambda:GetLayerVersion", Principal=ACCOUNT)
        self.error(lambda: user.get_layer_version(LayerName="pl-auth", VersionNumber=1), "AccessDeniedException", 403)
        # everyone: the layer policy allows it on its own
        self.lam.add_layer_version_permission(LayerName="pl-auth", VersionNumber=1, StatementId="everyone",
                                              Action="lambda:GetLayerVersion", Principal="*")
        self.assertEqual(user.get_layer_version(LayerName="pl-auth", VersionNumber=1)["LayerVersionArn"], arn)
        self.assertEqual(user.get_layer_version_by_arn(Arn=arn)["Version"], 1)
        # that version only, and only GetLayerVersion
        self.error(lambda: user.get_layer_version(LayerName="pl", VersionNumber=1), "AccessDeniedException", 403)
        self.error(lambda: user.get_layer_version_policy(LayerName="pl-auth", VersionNumber=1),
                   "AccessDeniedException", 403)
        self.lam.remove_layer_version_permission(LayerName="pl-auth", VersionNumber=1, StatementId="everyone")
        self.error(lambda: user.get_layer_version(LayerName="pl-auth", VersionNumber=1), "AccessDeniedException", 403,
                   denial)

    def test_with_the_aws_cli(self):
        n = self.nimbus
        rc, _, err = n.aws("lambda", "add-layer-version-permission", "--layer-name", "pl-cli",
                           "--version-number", "1", "--statement-id", "cli", "--action", "lambda:GetLayerVersion",
                           "--principal", "*", check=False)
        self.assertNotEqual(rc, 0)   # no such layer yet
        self.assertIn("ResourceNotFoundException", err)
        n.aws("lambda", "publish-layer-version", "--layer-name", "pl-cli", "--zip-file",
              "fileb://" + self.zip_path())
        _, out, _ = n.aws("lambda", "add-layer-version-permission", "--layer-name", "pl-cli", "--version-number", "1",
                          "--statement-id", "cli", "--action", "lambda:GetLayerVersion", "--principal", ACCOUNT)
        self.assertEqual(json.loads(out["Statement"])["Principal"], {"AWS": "arn:aws:iam::%s:root" % ACCOUNT})
        _, pol, _ = n.aws("lambda", "get-layer-version-policy", "--layer-name", layer_arn("pl-cli"),
                          "--version-number", "1")
        self.assertEqual(pol["RevisionId"], out["RevisionId"])
        self.assertEqual([s["Sid"] for s in json.loads(pol["Policy"])["Statement"]], ["cli"])
        rc, _, err = n.aws("lambda", "remove-layer-version-permission", "--layer-name", "pl-cli", "--version-number",
                           "1", "--statement-id", "cli", "--revision-id", "stale", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("PreconditionFailedException", err)
        n.aws("lambda", "remove-layer-version-permission", "--layer-name", "pl-cli", "--version-number", "1",
              "--statement-id", "cli", "--revision-id", out["RevisionId"])
        rc, _, err = n.aws("lambda", "get-layer-version-policy", "--layer-name", "pl-cli", "--version-number", "1",
                           check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("ResourceNotFoundException", err)

    def zip_path(self):
        import tempfile
        f = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)
        f.write(zip_bytes({"lib/cli.txt": ("cli\n", 0o644)}))
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_function_named_layer_keeps_its_resource_policy(self):
        # the evaluator tells a layer version's ARN from a function's by the resource type, not by
        # a ":layer:" anywhere in it: function:layer:live is a function's alias
        role = "arn:aws:iam::%s:role/%s" % (ACCOUNT, self.nimbus.EXECUTION_ROLE)
        code = zip_bytes({"app.py": ("def handler(e, c):\n    return 'hi'\n", 0o644)})
        self.lam.create_function(FunctionName="layer", Runtime="python3.11", Handler="app.handler", Role=role,
                                 Code={"ZipFile": code}, Timeout=10)
        self.lam.get_waiter("function_active_v2").wait(FunctionName="layer")
        self.lam.publish_version(FunctionName="layer")
        self.lam.create_alias(FunctionName="layer", Name="live", FunctionVersion="1")
        user = self.user("fn-layer-user")
        self.lam.add_permission(FunctionName="layer", Qualifier="live", StatementId="u",
                                Action="lambda:InvokeFunction",
                                Principal="arn:aws:iam::%s:user/fn-layer-user" % ACCOUNT)
        out = user.invoke(FunctionName="layer", Qualifier="live", Payload=b"{}")
        self.assertEqual((out["StatusCode"], json.loads(out["Payload"].read())), (200, "hi"))
        self.error(lambda: user.invoke(FunctionName="layer", Payload=b"{}"), "AccessDeniedException", 403)
