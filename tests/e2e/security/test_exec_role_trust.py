"""A function runs with credentials of its execution role only when that role's
trust policy lets Lambda (lambda.amazonaws.com) assume it, as on AWS: a role
trusting another service or principal is not Lambda's to use, even for a
caller allowed iam:PassRole on it. CreateFunction and UpdateFunctionConfiguration
refuse such a role up front (InvalidParameterValueException "The role defined
for the function cannot be assumed by Lambda.", also for a role that does not
exist or belongs to another account); a role whose trust policy is changed
after the function was given it gets the function no credentials (the
invocation fails with Runtime.InvalidRole)."""
import json

from harness import NimbusTestCase, zip_bytes

ACCOUNT = "000000000000"
CODE = "import os\ndef handler(e, c):\n    return {'key': bool(os.environ.get('AWS_SESSION_TOKEN'))}\n"
CANNOT = "The role defined for the function cannot be assumed by Lambda."


def code_zip():
    return zip_bytes({"app.py": (CODE, 0o644)})


def trust(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def role_arn(name, account=ACCOUNT):
    return "arn:aws:iam::%s:role/%s" % (account, name)


class ExecutionRoleTrust(NimbusTestCase):
    # no environment started ahead of the first invocation: it would hold credentials issued
    # before a trust policy is changed (valid until they expire, as on AWS)
    nimbus_args = ("--set", "lambda.proactive_init=0")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.nimbus.client("iam")
        cls.lam = cls.nimbus.client("lambda")
        admin = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        for name, service in (("ec2-admin", "ec2.amazonaws.com"), ("fn-ok", "lambda.amazonaws.com"),
                              ("fn-later-ec2", "lambda.amazonaws.com")):
            cls.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(service))
            cls.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=admin)

    def create(self, name, role):
        return self.lam.create_function(FunctionName=name, Runtime="python3.11", Handler="app.handler", Role=role,
                                        Code={"ZipFile": code_zip()}, Timeout=10)

    def test_create_and_update_refuse_a_role_lambda_cannot_assume(self):
        for role in (role_arn("ec2-admin"), role_arn("no-such-role"), role_arn("fn-ok", "123456789012")):
            r = self.client_error(lambda: self.create("refused", role))
            self.assertEqual((r["Error"]["Code"], r["Error"]["Message"]), ("InvalidParameterValueException", CANNOT),
                             role)
            self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 400)
        r = self.client_error(lambda: self.lam.get_function(FunctionName="refused"))
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        self.create("reassigned", role_arn("fn-ok"))
        r = self.client_error(lambda: self.lam.update_function_configuration(
            FunctionName="reassigned", Role=role_arn("ec2-admin"), Description="changed"))
        self.assertEqual((r["Error"]["Code"], r["Error"]["Message"]), ("InvalidParameterValueException", CANNOT))
        cfg = self.lam.get_function_configuration(FunctionName="reassigned")
        self.assertEqual((cfg["Role"], cfg["Description"]), (role_arn("fn-ok"), ""))
        # a configuration update that leaves the role alone is not refused
        self.lam.update_function_configuration(FunctionName="reassigned", Description="kept")

    def test_role_must_still_trust_lambda_when_invoked(self):
        self.create("owner", role_arn("fn-ok"))
        self.create("borrower", role_arn("fn-later-ec2"))
        self.lam.get_waiter("function_active_v2").wait(FunctionName="borrower")
        ok = self.lam.invoke(FunctionName="owner", Payload=b"{}")
        self.assertNotIn("FunctionError", ok)
        self.assertEqual(json.loads(ok["Payload"].read()), {"key": True})
        # the role stops trusting Lambda after the function was given it
        self.iam.update_assume_role_policy(RoleName="fn-later-ec2", PolicyDocument=trust("ec2.amazonaws.com"))
        out = self.lam.invoke(FunctionName="borrower", Payload=b"{}")
        self.assertEqual(out.get("FunctionError"), "Unhandled", out)
        self.assertEqual(json.loads(out["Payload"].read())["errorType"], "Runtime.InvalidRole")
