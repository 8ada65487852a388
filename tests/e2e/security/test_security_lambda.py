"""Lambda under enforcement: an IAM user allowed to invoke one function and
denied another, a function's resource policy (AddPermission) granting a user,
explicit deny over a resource allow, and iam:PassRole when creating a function.
Runs when the daemon serves Lambda (the lambda service registered)."""
import io
import json
import unittest
import zipfile

import botocore.exceptions

from harness import Nimbus, NimbusTestCase, policy

ACCOUNT = "000000000000"


def fn_arn(name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, name)


def code_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return {'ok': True, 'event': event}\n")
    return buf.getvalue()


def serves_lambda():
    n = Nimbus().start()
    try:
        return any(s["name"] == "lambda" for s in n.wait_healthy()["services"])
    finally:
        n.cleanup()


@unittest.skipUnless(serves_lambda(), "this build does not register the lambda service yet")
class LambdaSecurity(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.iam = n.client("iam")
        cls.role = cls.iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        lam = n.client("lambda")
        for name in ("hello", "other", "guarded"):
            lam.create_function(FunctionName=name, Runtime="python3.11", Handler="app.handler", Role=cls.role,
                                Code={"ZipFile": code_zip()}, Timeout=10)
            lam.get_waiter("function_active_v2").wait(FunctionName=name)

    def user(self, name, *statements):
        key, secret = self.nimbus.new_user(name, *statements)
        return self.nimbus.client("lambda", access_key=key, secret_key=secret)

    def denied(self, fn, message=None):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn()
        r = cm.exception.response
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 403)
        if message:
            self.assertEqual(r["Error"]["Message"], message)
        return r["Error"]["Message"]

    def test_invoke_allowed_on_one_function_denied_on_another(self):
        lam = self.user("inv", {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn("hello")})
        out = lam.invoke(FunctionName="hello", Payload=b'{"a":1}')
        self.assertEqual(json.loads(out["Payload"].read())["event"], {"a": 1})
        # by full and partial ARN: the same resource
        self.assertEqual(lam.invoke(FunctionName=fn_arn("hello"), Payload=b"{}")["StatusCode"], 200)
        self.assertEqual(lam.invoke(FunctionName="%s:function:hello" % ACCOUNT, Payload=b"{}")["StatusCode"], 200)
        self.denied(lambda: lam.invoke(FunctionName=fn_arn("other"), Payload=b"{}"))
        self.denied(lambda: lam.invoke(FunctionName="other", Payload=b"{}"),
                    "User: arn:aws:iam::000000000000:user/inv is not authorized to perform: lambda:InvokeFunction on "
                    "resource: " + fn_arn("other") + " because no identity-based policy allows the "
                    "lambda:InvokeFunction action")
        self.denied(lambda: lam.delete_function(FunctionName="hello"))

    def test_resource_policy_grants_and_explicit_deny_wins(self):
        lam = self.user("granted")
        self.denied(lambda: lam.invoke(FunctionName="guarded", Payload=b"{}"))
        self.nimbus.client("lambda").add_permission(
            FunctionName="guarded", StatementId="u", Action="lambda:InvokeFunction",
            Principal="arn:aws:iam::%s:user/granted" % ACCOUNT)
        self.assertEqual(lam.invoke(FunctionName="guarded", Payload=b"{}")["StatusCode"], 200)
        self.iam.put_user_policy(UserName="granted", PolicyName="no", PolicyDocument=policy(
            {"Effect": "Deny", "Action": "lambda:*", "Resource": "*"}))
        msg = self.denied(lambda: lam.invoke(FunctionName="guarded", Payload=b"{}"))
        self.assertIn("with an explicit deny in an identity-based policy", msg)

    def test_creating_a_function_needs_pass_role(self):
        lam = self.user("deployer", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"})
        msg = self.denied(lambda: lam.create_function(FunctionName="mine", Runtime="python3.11", Handler="app.handler",
                                                      Role=self.role, Code={"ZipFile": code_zip()}))
        self.assertIn("iam:PassRole", msg)
        self.iam.put_user_policy(UserName="deployer", PolicyName="pass", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": self.role}))
        lam.create_function(FunctionName="mine", Runtime="python3.11", Handler="app.handler", Role=self.role,
                            Code={"ZipFile": code_zip()})


if __name__ == "__main__":
    unittest.main()
