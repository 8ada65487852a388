"""A request whose function name carries a qualifier ("fn:prod", "ARN:prod")
and whose Qualifier parameter names another ("3") is refused as AWS refuses it:
400 InvalidParameterValueException, "The derived qualifier from the function
name does not match the specified qualifier." — for every operation that takes
a Qualifier, and for a caller whose policy allows what the request names (it
used to get AccessDeniedException: the authorizer fell back to resource "*").
A caller allowed on only one of the two ARNs is denied on the other, by name;
nothing is changed either way."""
from harness import NimbusTestCase, zip_bytes

ACCOUNT = "000000000000"
CODE = "def handler(e, c):\n    return {'version': c.function_version}\n"
MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."


def fn_arn(name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, name)


class QualifierMismatch(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.lam = n.client("lambda")
        role = "arn:aws:iam::%s:role/%s" % (ACCOUNT, n.EXECUTION_ROLE)
        cls.lam.create_function(FunctionName="qm", Runtime="python3.11", Handler="app.handler", Role=role,
                                Code={"ZipFile": zip_bytes({"app.py": (CODE, 0o644)})}, Timeout=10)
        cls.lam.get_waiter("function_active_v2").wait(FunctionName="qm")
        cls.lam.publish_version(FunctionName="qm")
        # a second version: something must change first (else PublishVersion gives 1 again)
        cls.lam.update_function_configuration(FunctionName="qm", Description="second")
        cls.lam.get_waiter("function_updated_v2").wait(FunctionName="qm")
        cls.lam.publish_version(FunctionName="qm")
        cls.lam.create_alias(FunctionName="qm", Name="prod", FunctionVersion="1")

    def user(self, name, *statements):
        key, secret = self.nimbus.new_user(name, *statements)
        return self.nimbus.client("lambda", access_key=key, secret_key=secret)

    def calls(self, lam, name):
        """Every operation that takes a Qualifier, called with name and Qualifier="2"."""
        q = {"FunctionName": name, "Qualifier": "2"}
        return [
            ("GetFunction", lambda: lam.get_function(**q)),
            ("GetFunctionConfiguration", lambda: lam.get_function_configuration(**q)),
            ("InvokeFunction", lambda: lam.invoke(Payload=b"{}", **q)),
            ("InvokeFunction", lambda: lam.invoke(InvocationType="Event", Payload=b"{}", **q)),
            ("GetPolicy", lambda: lam.get_policy(**q)),
            ("AddPermission", lambda: lam.add_permission(StatementId="s1", Action="lambda:InvokeFunction",
                                                         Principal=ACCOUNT, **q)),
            ("RemovePermission", lambda: lam.remove_permission(StatementId="s1", **q)),
            ("DeleteFunction", lambda: lam.delete_function(**q)),
            ("PutProvisionedConcurrencyConfig",
             lambda: lam.put_provisioned_concurrency_config(ProvisionedConcurrentExecutions=1, **q)),
            ("GetProvisionedConcurrencyConfig", lambda: lam.get_provisioned_concurrency_config(**q)),
            ("DeleteProvisionedConcurrencyConfig", lambda: lam.delete_provisioned_concurrency_config(**q)),
            ("PutFunctionEventInvokeConfig",
             lambda: lam.put_function_event_invoke_config(MaximumRetryAttempts=0, **q)),
            ("UpdateFunctionEventInvokeConfig",
             lambda: lam.update_function_event_invoke_config(MaximumRetryAttempts=0, **q)),
            ("GetFunctionEventInvokeConfig", lambda: lam.get_function_event_invoke_config(**q)),
            ("DeleteFunctionEventInvokeConfig", lambda: lam.delete_function_event_invoke_config(**q)),
        ]

    def assert_mismatch(self, lam, name):
        for op, call in self.calls(lam, name):
            r = self.client_error(call)
            self.assertEqual((r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"], r["Error"]["Message"]),
                             (400, "InvalidParameterValueException", MISMATCH), (op, name, r))

    def assert_untouched(self):
        self.assertEqual(self.lam.get_function(FunctionName="qm", Qualifier="2")["Configuration"]["Version"], "2")
        self.assertEqual(self.lam.get_alias(FunctionName="qm", Name="prod")["FunctionVersion"], "1")
        for q in ("prod", "2"):
            r = self.client_error(lambda: self.lam.get_policy(FunctionName="qm", Qualifier=q))
            self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
            r = self.client_error(lambda: self.lam.get_function_event_invoke_config(FunctionName="qm", Qualifier=q))
            self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")

    def test_allowed_caller_gets_invalid_parameter_not_access_denied(self):
        # the account's root (allowed everything)
        self.assert_mismatch(self.lam, "qm:prod")
        self.assert_mismatch(self.lam, fn_arn("qm:prod"))
        # allowed on every version and alias of the function: both ARNs the request names
        lam = self.user("qm-admin", {"Effect": "Allow", "Action": "lambda:*", "Resource": fn_arn("qm:*")})
        self.assert_mismatch(lam, "qm:prod")
        self.assert_mismatch(lam, fn_arn("qm:prod"))
        self.assert_mismatch(lam, "%s:function:qm:prod" % ACCOUNT)
        # allowed on exactly the two ARNs
        both = self.user("qm-both", {"Effect": "Allow", "Action": "lambda:*",
                                     "Resource": [fn_arn("qm:prod"), fn_arn("qm:2")]})
        self.assert_mismatch(both, "qm:prod")
        # the same callers are served when the two agree
        self.assertEqual(lam.get_function_configuration(FunctionName="qm:prod", Qualifier="prod")["Version"], "1")
        self.assertEqual(both.get_function_configuration(FunctionName="qm:2", Qualifier="2")["Version"], "2")
        self.assert_untouched()

    def test_caller_allowed_on_one_is_denied_on_the_other(self):
        lam = self.user("qm-prod", {"Effect": "Allow", "Action": "lambda:*", "Resource": fn_arn("qm:prod")})
        for action, call in self.calls(lam, "qm:prod"):
            r = self.client_error(call)
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", (action, r))
            self.assertEqual(r["Error"]["Message"],
                             "User: arn:aws:iam::%s:user/qm-prod is not authorized to perform: lambda:%s on "
                             "resource: %s because no identity-based policy allows the lambda:%s action"
                             % (ACCOUNT, action, fn_arn("qm:2"), action))
        self.assert_untouched()
