"""A function runs with credentials of its execution role only when that role's
trust policy lets Lambda (lambda.amazonaws.com) assume it, as on AWS: a role
trusting another service or principal is not Lambda's to use, even for a
caller allowed iam:PassRole on it; its functions get no credentials (the
invocation fails with Runtime.InvalidRole)."""
import json

from harness import NimbusTestCase, zip_bytes

CODE = "import os\ndef handler(e, c):\n    return {'key': bool(os.environ.get('AWS_SESSION_TOKEN'))}\n"


def code_zip():
    return zip_bytes({"app.py": (CODE, 0o644)})


def trust(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


class ExecutionRoleTrust(NimbusTestCase):
    def test_role_must_trust_lambda(self):
        iam = self.nimbus.client("iam")
        admin = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        roles = {}
        for name, service in (("ec2-admin", "ec2.amazonaws.com"), ("fn-ok", "lambda.amazonaws.com")):
            roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(service))["Role"]["Arn"]
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=admin)
        lam = self.nimbus.client("lambda")
        for fn, role in (("borrower", "ec2-admin"), ("owner", "fn-ok")):
            lam.create_function(FunctionName=fn, Runtime="python3.11", Handler="app.handler", Role=roles[role],
                                Code={"ZipFile": code_zip()}, Timeout=10)
            lam.get_waiter("function_active_v2").wait(FunctionName=fn)
        ok = lam.invoke(FunctionName="owner", Payload=b"{}")
        self.assertNotIn("FunctionError", ok)
        self.assertEqual(json.loads(ok["Payload"].read()), {"key": True})
        out = lam.invoke(FunctionName="borrower", Payload=b"{}")
        self.assertEqual(out.get("FunctionError"), "Unhandled", out)
        self.assertEqual(json.loads(out["Payload"].read())["errorType"], "Runtime.InvalidRole")
