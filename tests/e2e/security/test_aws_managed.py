"""AWS managed policies with Debian's AWS CLI v2: GetPolicy / GetPolicyVersion /
ListPolicies (--scope AWS|Local|All) show them, Attach{User,Role,Group}Policy
attach them, and enforcement honours their documents."""
import io
import json
import zipfile

from harness import NimbusTestCase

ACCOUNT = "000000000000"
AWS = "arn:aws:iam::aws:policy/"


def code_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


class AwsManagedPolicies(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        n.aws("dynamodb", "create-table", "--table-name", "Users", "--billing-mode", "PAY_PER_REQUEST",
              "--attribute-definitions", "AttributeName=id,AttributeType=S", "--key-schema",
              "AttributeName=id,KeyType=HASH")
        n.aws("dynamodb", "put-item", "--table-name", "Users", "--item", '{"id":{"S":"1"}}')

    def user(self, name):
        n = self.nimbus
        n.aws("iam", "create-user", "--user-name", name)
        _, out, _ = n.aws("iam", "create-access-key", "--user-name", name)
        k = out["AccessKey"]
        return {"AWS_ACCESS_KEY_ID": k["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": k["SecretAccessKey"]}

    def test_get_policy_and_version(self):
        _, out, _ = self.nimbus.aws("iam", "get-policy", "--policy-arn", AWS + "AdministratorAccess")
        p = out["Policy"]
        self.assertEqual(p["PolicyName"], "AdministratorAccess")
        self.assertEqual(p["Arn"], AWS + "AdministratorAccess")
        self.assertEqual(p["Path"], "/")
        self.assertEqual(p["DefaultVersionId"], "v1")
        self.assertTrue(p["IsAttachable"])
        _, out, _ = self.nimbus.aws("iam", "get-policy-version", "--policy-arn", AWS + "AdministratorAccess",
                                    "--version-id", "v1")
        v = out["PolicyVersion"]
        self.assertTrue(v["IsDefaultVersion"])
        self.assertEqual(v["Document"], {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        _, out, _ = self.nimbus.aws("iam", "get-policy", "--policy-arn",
                                    AWS + "service-role/AWSLambdaBasicExecutionRole")
        self.assertEqual(out["Policy"]["Path"], "/service-role/")
        _, out, _ = self.nimbus.aws("iam", "get-policy-version", "--policy-arn",
                                    AWS + "service-role/AWSLambdaBasicExecutionRole", "--version-id", "v1")
        self.assertEqual(out["PolicyVersion"]["Document"]["Statement"][0]["Action"],
                         ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])
        rc, _, err = self.nimbus.aws("iam", "get-policy", "--policy-arn", AWS + "NoSuchPolicy", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("NoSuchEntity", err)
        # AWS's policies are not the account's to change
        rc, _, err = self.nimbus.aws("iam", "delete-policy", "--policy-arn", AWS + "ReadOnlyAccess", check=False)
        self.assertIn("AccessDenied", err)
        rc, _, err = self.nimbus.aws("iam", "create-policy-version", "--policy-arn", AWS + "ReadOnlyAccess",
                                     "--policy-document", '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
                                     check=False)
        self.assertIn("AccessDenied", err)

    def test_list_policies_scopes(self):
        self.nimbus.aws("iam", "create-policy", "--policy-name", "mine", "--policy-document", json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
        names = lambda scope: {p["PolicyName"] for p in self.nimbus.aws(
            "iam", "list-policies", *(["--scope", scope] if scope else []))[1]["Policies"]}
        aws = names("AWS")
        for want in ("AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess",
                     "AmazonDynamoDBFullAccess", "AmazonDynamoDBReadOnlyAccess", "AWSLambda_FullAccess",
                     "AWSLambda_ReadOnlyAccess", "AWSLambdaBasicExecutionRole", "AWSLambdaDynamoDBExecutionRole",
                     "AWSLambdaRole", "AmazonAPIGatewayInvokeFullAccess", "AmazonAPIGatewayAdministrator",
                     "AWSKeyManagementServicePowerUser", "CloudWatchLogsFullAccess"):
            self.assertIn(want, aws)
        self.assertNotIn("mine", aws)
        self.assertEqual(names("Local"), {"mine"})
        self.assertEqual(names("All"), aws | {"mine"})
        self.assertEqual(names(None), aws | {"mine"})

    def test_attach_user_policy_is_enforced(self):
        creds = self.user("reader")
        n = self.nimbus
        n.aws("iam", "attach-user-policy", "--user-name", "reader", "--policy-arn", AWS + "AmazonDynamoDBReadOnlyAccess")
        _, out, _ = n.aws("iam", "list-attached-user-policies", "--user-name", "reader")
        self.assertEqual(out["AttachedPolicies"], [{"PolicyName": "AmazonDynamoDBReadOnlyAccess",
                                                    "PolicyArn": AWS + "AmazonDynamoDBReadOnlyAccess"}])
        _, out, _ = n.aws("iam", "get-policy", "--policy-arn", AWS + "AmazonDynamoDBReadOnlyAccess")
        self.assertEqual(out["Policy"]["AttachmentCount"], 1)
        _, out, _ = n.aws("iam", "list-policies", "--scope", "AWS", "--only-attached")
        self.assertIn("AmazonDynamoDBReadOnlyAccess", [p["PolicyName"] for p in out["Policies"]])
        _, out, _ = n.aws("dynamodb", "get-item", "--table-name", "Users", "--key", '{"id":{"S":"1"}}', creds=creds)
        self.assertEqual(out["Item"]["id"]["S"], "1")
        n.aws("dynamodb", "scan", "--table-name", "Users", creds=creds)
        rc, _, err = n.aws("dynamodb", "put-item", "--table-name", "Users", "--item", '{"id":{"S":"2"}}',
                           creds=creds, check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("User: arn:aws:iam::%s:user/reader is not authorized to perform: dynamodb:PutItem on resource: "
                      "arn:aws:dynamodb:us-east-1:%s:table/Users because no identity-based policy allows the "
                      "dynamodb:PutItem action" % (ACCOUNT, ACCOUNT), err)
        # detaching takes the permission away at once
        n.aws("iam", "detach-user-policy", "--user-name", "reader", "--policy-arn", AWS + "AmazonDynamoDBReadOnlyAccess")
        rc, _, err = n.aws("dynamodb", "get-item", "--table-name", "Users", "--key", '{"id":{"S":"1"}}',
                           creds=creds, check=False)
        self.assertIn("AccessDeniedException", err)
        _, out, _ = n.aws("iam", "get-policy", "--policy-arn", AWS + "AmazonDynamoDBReadOnlyAccess")
        self.assertEqual(out["Policy"]["AttachmentCount"], 0)

    def test_power_user_through_a_group(self):
        creds = self.user("power")
        n = self.nimbus
        n.aws("iam", "create-group", "--group-name", "powers")
        n.aws("iam", "add-user-to-group", "--group-name", "powers", "--user-name", "power")
        n.aws("iam", "attach-group-policy", "--group-name", "powers", "--policy-arn", AWS + "PowerUserAccess")
        n.aws("dynamodb", "list-tables", creds=creds)
        n.aws("iam", "list-roles", creds=creds)
        rc, _, err = n.aws("iam", "list-users", creds=creds, check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDenied", err)
        self.assertIn("iam:ListUsers", err)

    def test_role_with_lambda_full_access_passes_roles_to_lambda(self):
        n = self.nimbus
        n.aws("iam", "create-role", "--role-name", "deployer", "--assume-role-policy-document", json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
                                                    "Action": "sts:AssumeRole"}]}))
        n.aws("iam", "attach-role-policy", "--role-name", "deployer", "--policy-arn", AWS + "AWSLambda_FullAccess")
        _, out, _ = n.aws("iam", "list-attached-role-policies", "--role-name", "deployer")
        self.assertEqual(out["AttachedPolicies"][0]["PolicyArn"], AWS + "AWSLambda_FullAccess")
        _, out, _ = n.aws("sts", "assume-role", "--role-arn", "arn:aws:iam::%s:role/deployer" % ACCOUNT,
                          "--role-session-name", "ci")
        c = out["Credentials"]
        creds = {"AWS_ACCESS_KEY_ID": c["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
                 "AWS_SESSION_TOKEN": c["SessionToken"]}
        import os
        import tempfile
        with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as f:
            f.write(code_zip())
        try:
            # iam:PassRole is allowed only with iam:PassedToService = lambda.amazonaws.com: true here
            n.aws("lambda", "create-function", "--function-name", "deployed", "--runtime", "python3.11",
                  "--handler", "app.handler", "--role", "arn:aws:iam::%s:role/%s" % (ACCOUNT, n.EXECUTION_ROLE),
                  "--zip-file", "fileb://" + f.name, creds=creds)
        finally:
            os.unlink(f.name)
        n.aws("lambda", "get-function", "--function-name", "deployed", creds=creds)
        rc, _, err = n.aws("dynamodb", "list-tables", creds=creds, check=False)
        self.assertIn("AccessDeniedException", err)
