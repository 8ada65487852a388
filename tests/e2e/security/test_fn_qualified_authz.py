"""A Lambda request that names a version or alias — in Qualifier, or in the
function name ("fn:prod", "ARN:prod") — is authorized on that version's or
alias's ARN (arn:aws:lambda:R:A:function:NAME:QUALIFIER), as AWS authorizes
it: a grant on function:NAME:prod lets its holder invoke the prod alias and
nothing else ($LATEST, the version behind the alias), and a grant on the
unqualified function:NAME does not reach NAME:prod. Operations on the function
as a whole (its configuration, versions, concurrency) are authorized on the
unqualified ARN whatever qualifier the name carries, so a grant on an alias
does not let its holder reconfigure the function. AddPermission with a
Qualifier grants on that alias only, and GetPolicy / RemovePermission act on
the policy of the qualifier they name."""
import json

from harness import NimbusTestCase, zip_bytes

ACCOUNT = "000000000000"
CODE = "def handler(e, c):\n    return {'version': c.function_version}\n"


def fn_arn(name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, name)


def denial(user, action, resource):
    return ("User: arn:aws:iam::%s:user/%s is not authorized to perform: %s on resource: %s because no "
            "identity-based policy allows the %s action" % (ACCOUNT, user, action, resource, action))


class QualifiedFunctionAuthz(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.lam = n.client("lambda")
        role = "arn:aws:iam::%s:role/%s" % (ACCOUNT, n.EXECUTION_ROLE)
        cls.lam.create_function(FunctionName="qf", Runtime="python3.11", Handler="app.handler", Role=role,
                                Code={"ZipFile": zip_bytes({"app.py": (CODE, 0o644)})}, Timeout=10)
        cls.lam.get_waiter("function_active_v2").wait(FunctionName="qf")
        cls.lam.publish_version(FunctionName="qf")
        cls.lam.create_alias(FunctionName="qf", Name="prod", FunctionVersion="1")

    def user(self, name, *statements):
        key, secret = self.nimbus.new_user(name, *statements)
        return self.nimbus.client("lambda", access_key=key, secret_key=secret)

    def denied(self, fn, message=None):
        r = self.client_error(fn)
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 403)
        if message:
            self.assertEqual(r["Error"]["Message"], message)

    def invoked(self, out):
        self.assertEqual(out["StatusCode"], 200, out)
        self.assertNotIn("FunctionError", out)
        return json.loads(out["Payload"].read())

    def test_grant_on_alias_reaches_the_alias_only(self):
        lam = self.user("prod-only", {"Effect": "Allow", "Resource": fn_arn("qf:prod"), "Action": [
            "lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]})
        # the alias, however the request names it
        self.assertEqual(self.invoked(lam.invoke(FunctionName="qf", Qualifier="prod", Payload=b"{}")),
                         {"version": "1"})
        self.invoked(lam.invoke(FunctionName="qf:prod", Payload=b"{}"))
        self.invoked(lam.invoke(FunctionName=fn_arn("qf:prod"), Payload=b"{}"))
        self.invoked(lam.invoke(FunctionName="%s:function:qf" % ACCOUNT, Qualifier="prod", Payload=b"{}"))
        out = lam.invoke(FunctionName="qf", Qualifier="prod", InvocationType="DryRun", Payload=b"{}")
        self.assertEqual(out["StatusCode"], 204)
        self.assertEqual(lam.get_function_configuration(FunctionName="qf", Qualifier="prod")["Version"], "1")
        # nothing else: $LATEST (named or not), the version behind the alias
        self.denied(lambda: lam.invoke(FunctionName="qf", Payload=b"{}"),
                    denial("prod-only", "lambda:InvokeFunction", fn_arn("qf")))
        self.denied(lambda: lam.invoke(FunctionName="qf", Qualifier="$LATEST", Payload=b"{}"),
                    denial("prod-only", "lambda:InvokeFunction", fn_arn("qf:$LATEST")))
        self.denied(lambda: lam.invoke(FunctionName="qf", Qualifier="1", Payload=b"{}"),
                    denial("prod-only", "lambda:InvokeFunction", fn_arn("qf:1")))
        self.denied(lambda: lam.get_function_configuration(FunctionName="qf"))

    def test_grant_on_function_does_not_reach_its_aliases(self):
        lam = self.user("unqualified", {"Effect": "Allow", "Action": "lambda:InvokeFunction",
                                        "Resource": fn_arn("qf")})
        self.assertEqual(self.invoked(lam.invoke(FunctionName="qf", Payload=b"{}")), {"version": "$LATEST"})
        self.denied(lambda: lam.invoke(FunctionName="qf", Qualifier="prod", Payload=b"{}"),
                    denial("unqualified", "lambda:InvokeFunction", fn_arn("qf:prod")))
        self.denied(lambda: lam.invoke(FunctionName="qf", Qualifier="prod", InvocationType="Event", Payload=b"{}"),
                    denial("unqualified", "lambda:InvokeFunction", fn_arn("qf:prod")))
        self.denied(lambda: lam.invoke(FunctionName="qf:prod", Payload=b"{}"))
        self.denied(lambda: lam.invoke(FunctionName="qf", Qualifier="$LATEST", Payload=b"{}"))
        # versions and aliases together: function:qf:*
        wild = self.user("any-alias", {"Effect": "Allow", "Action": "lambda:InvokeFunction",
                                       "Resource": fn_arn("qf:*")})
        self.invoked(wild.invoke(FunctionName="qf", Qualifier="prod", Payload=b"{}"))
        self.invoked(wild.invoke(FunctionName="qf", Qualifier="1", Payload=b"{}"))
        self.denied(lambda: wild.invoke(FunctionName="qf", Payload=b"{}"))

    def test_qualifier_ops_and_whole_function_ops(self):
        lam = self.user("alias-admin", {"Effect": "Allow", "Action": "lambda:*", "Resource": fn_arn("qf:prod")})
        # operations that take a Qualifier act on the alias
        lam.put_function_event_invoke_config(FunctionName="qf", Qualifier="prod", MaximumRetryAttempts=1)
        self.assertEqual(lam.get_function_event_invoke_config(FunctionName="qf", Qualifier="prod")
                         ["MaximumRetryAttempts"], 1)
        self.assertEqual(lam.get_function(FunctionName="qf", Qualifier="prod")["Configuration"]["Version"], "1")
        self.denied(lambda: lam.put_function_event_invoke_config(FunctionName="qf", MaximumRetryAttempts=0),
                    denial("alias-admin", "lambda:PutFunctionEventInvokeConfig", fn_arn("qf")))
        self.denied(lambda: lam.get_function(FunctionName="qf"))
        # the function as a whole: its unqualified ARN, even when the name carries the alias
        self.denied(lambda: lam.update_function_configuration(FunctionName="qf:prod", Description="taken"),
                    denial("alias-admin", "lambda:UpdateFunctionConfiguration", fn_arn("qf")))
        self.denied(lambda: lam.put_function_concurrency(FunctionName="qf:prod", ReservedConcurrentExecutions=1),
                    denial("alias-admin", "lambda:PutFunctionConcurrency", fn_arn("qf")))
        self.denied(lambda: lam.publish_version(FunctionName=fn_arn("qf:prod")))
        self.denied(lambda: lam.update_alias(FunctionName="qf:prod", Name="prod", FunctionVersion="$LATEST"))
        self.denied(lambda: lam.tag_resource(Resource=fn_arn("qf:prod"), Tags={"owner": "alias-admin"}))
        cfg = self.lam.get_function_configuration(FunctionName="qf")
        self.assertEqual(cfg["Description"], "")
        self.assertEqual(self.lam.get_alias(FunctionName="qf", Name="prod")["FunctionVersion"], "1")
        self.assertEqual(self.lam.list_tags(Resource=fn_arn("qf"))["Tags"], {})
        # a qualifier in the name and a different one in Qualifier: authorized on both ARNs it names
        # (test_fn_qualifier_mismatch.py), so the alias's grant alone is denied on qf:1
        r = self.client_error(lambda: self.lam.invoke(FunctionName="qf:prod", Qualifier="1", Payload=b"{}"))
        self.assertEqual(r["Error"]["Code"], "InvalidParameterValueException", r)
        self.denied(lambda: lam.invoke(FunctionName="qf:prod", Qualifier="1", Payload=b"{}"),
                    denial("alias-admin", "lambda:InvokeFunction", fn_arn("qf:1")))

    def test_resource_policy_per_qualifier(self):
        lam = self.user("rp-user")
        principal = "arn:aws:iam::%s:user/rp-user" % ACCOUNT
        self.lam.add_permission(FunctionName="qf", Qualifier="prod", StatementId="prod-user",
                                Action="lambda:InvokeFunction", Principal=principal)
        self.invoked(lam.invoke(FunctionName="qf", Qualifier="prod", Payload=b"{}"))
        self.invoked(lam.invoke(FunctionName="qf:prod", Payload=b"{}"))
        self.denied(lambda: lam.invoke(FunctionName="qf", Payload=b"{}"))
        self.denied(lambda: lam.invoke(FunctionName="qf", Qualifier="1", Payload=b"{}"))
        # each qualifier has its own policy: the same statement id again on the function itself
        self.lam.add_permission(FunctionName="qf", StatementId="prod-user", Action="lambda:GetFunction",
                                Principal=principal)
        prod = json.loads(self.lam.get_policy(FunctionName="qf", Qualifier="prod")["Policy"])["Statement"]
        self.assertEqual([(s["Sid"], s["Resource"]) for s in prod], [("prod-user", fn_arn("qf:prod"))])
        whole = json.loads(self.lam.get_policy(FunctionName="qf")["Policy"])["Statement"]
        self.assertEqual([(s["Sid"], s["Resource"]) for s in whole], [("prod-user", fn_arn("qf"))])
        r = self.client_error(lambda: self.lam.get_policy(FunctionName="qf", Qualifier="1"))
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        r = self.client_error(lambda: self.lam.add_permission(
            FunctionName="qf", Qualifier="$LATEST", StatementId="latest", Action="lambda:InvokeFunction",
            Principal=principal))
        self.assertEqual((r["Error"]["Code"], r["Error"]["Message"]),
                         ("InvalidParameterValueException", "We currently do not support adding policies for $LATEST."))
        r = self.client_error(lambda: self.lam.add_permission(
            FunctionName="qf", Qualifier="beta", StatementId="beta", Action="lambda:InvokeFunction",
            Principal=principal))
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        # removing the function's statement leaves the alias's
        self.lam.remove_permission(FunctionName="qf", StatementId="prod-user")
        self.invoked(lam.invoke(FunctionName="qf", Qualifier="prod", Payload=b"{}"))
        self.lam.remove_permission(FunctionName="qf", Qualifier="prod", StatementId="prod-user")
        self.denied(lambda: lam.invoke(FunctionName="qf", Qualifier="prod", Payload=b"{}"))
        # an alias's policy goes with it: an alias made again under its name grants nothing
        self.lam.create_alias(FunctionName="qf", Name="temp", FunctionVersion="1")
        self.lam.add_permission(FunctionName="qf", Qualifier="temp", StatementId="temp-user",
                                Action="lambda:InvokeFunction", Principal=principal)
        self.invoked(lam.invoke(FunctionName="qf", Qualifier="temp", Payload=b"{}"))
        self.lam.delete_alias(FunctionName="qf", Name="temp")
        self.lam.create_alias(FunctionName="qf", Name="temp", FunctionVersion="1")
        self.denied(lambda: lam.invoke(FunctionName="qf", Qualifier="temp", Payload=b"{}"))
        r = self.client_error(lambda: self.lam.get_policy(FunctionName="qf", Qualifier="temp"))
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
