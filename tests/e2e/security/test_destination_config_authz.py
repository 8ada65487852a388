"""Destinations and dead-letter targets are checked when they are configured,
as AWS checks them: the function's execution role must be allowed the
delivery action on the target (sqs:SendMessage, sns:Publish,
lambda:InvokeFunction, events:PutEvents), else
PutFunctionEventInvokeConfig / UpdateFunctionEventInvokeConfig answer
InvalidParameterValueException "The function execution role does not have
permissions to call VERB on ARN" and CreateFunction / UpdateFunctionConfiguration
(DeadLetterConfig) "The provided execution role does not have permissions to
call SendMessage on SQS" (Publish on SNS). A destination of another kind is
refused as invalid.

In IAM's same-account evaluation a resource policy may allow on its own: a
Lambda destination whose resource policy (AddPermission) names the role lets
the role invoke it — at configuration and at delivery — though the role's
identity policy does not; one naming only the account delegates to the
account's identity policies and allows nothing by itself."""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lambda"))
from harness import NimbusTestCase, policy, wait_for  # noqa: E402
from lambdatest import create  # noqa: E402

ACCOUNT = "000000000000"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
QUEUE = "arn:aws:sqs:us-east-1:%s:dest-q" % ACCOUNT
TOPIC = "arn:aws:sns:us-east-1:%s:dest-t" % ACCOUNT
BUS = "arn:aws:events:us-east-1:%s:event-bus/default" % ACCOUNT


def fn_arn(name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, name)


def marked(d, tag):
    out = []
    for f in os.listdir(d):
        if f.startswith("ok."):
            with open(os.path.join(d, f)) as fh:
                if '"tag":"%s"' % tag in fh.read().replace(" ", ""):
                    out.append(f)
    return out


class DestinationConfigAuthz(NimbusTestCase):
    # marker files in a host directory: instances without the sandbox's private file system
    nimbus_args = ("--set", "lambda.isolate=0")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c = cls.nimbus.client("lambda")
        cls.iam = cls.nimbus.client("iam")
        cls.role = cls.iam.create_role(RoleName="dc-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        create(cls.c, "dc-src", Role=cls.role)
        create(cls.c, "dc-sink")

    def invalid(self, call, message):
        r = self.client_error(call)
        self.assertEqual((r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"], r["Error"]["Message"]),
                         (400, "InvalidParameterValueException", message), r)

    def grant(self, name, action, resource):
        self.iam.put_role_policy(RoleName="dc-role", PolicyName=name, PolicyDocument=policy(
            {"Effect": "Allow", "Action": action, "Resource": resource}))
        self.addCleanup(self.iam.delete_role_policy, RoleName="dc-role", PolicyName=name)

    def no_eic(self):
        r = self.client_error(lambda: self.c.get_function_event_invoke_config(FunctionName="dc-src"))
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException", r)

    def test_destination_needs_the_delivery_action(self):
        for arn, verb, action in ((QUEUE, "SendMessage", "sqs:SendMessage"), (TOPIC, "Publish", "sns:Publish"),
                                  (BUS, "PutEvents", "events:PutEvents")):
            want = "The function execution role does not have permissions to call %s on %s" % (verb, arn)
            for which in ("OnSuccess", "OnFailure"):
                dc = {which: {"Destination": arn}}
                self.invalid(lambda: self.c.put_function_event_invoke_config(
                    FunctionName="dc-src", DestinationConfig=dc), want)
                self.invalid(lambda: self.c.update_function_event_invoke_config(
                    FunctionName="dc-src", DestinationConfig=dc), want)
            self.no_eic()
            # another action on it, or the action on another target, is not enough
            self.grant("other", action, arn + "-other")
            self.invalid(lambda: self.c.put_function_event_invoke_config(
                FunctionName="dc-src", DestinationConfig={"OnFailure": {"Destination": arn}}), want)
            self.grant("deliver", action, arn)
            out = self.c.put_function_event_invoke_config(
                FunctionName="dc-src", DestinationConfig={"OnFailure": {"Destination": arn}})
            self.assertEqual(out["DestinationConfig"]["OnFailure"]["Destination"], arn)
            self.c.delete_function_event_invoke_config(FunctionName="dc-src")
            self.doCleanups()

    def test_destination_arn_must_be_a_supported_kind(self):
        for arn in ("arn:aws:s3:::bucket", "arn:aws:dynamodb:us-east-1:%s:table/t" % ACCOUNT,
                    "arn:aws:sqs", "arn:aws:iam::%s:role/dc-role" % ACCOUNT):
            self.invalid(lambda: self.c.put_function_event_invoke_config(
                FunctionName="dc-src", DestinationConfig={"OnFailure": {"Destination": arn}}),
                "The destination ARN %s is invalid." % arn)
        self.no_eic()

    def test_dead_letter_target_needs_the_delivery_action(self):
        role = self.role
        for arn, want in ((QUEUE, "The provided execution role does not have permissions to call SendMessage on SQS"),
                          (TOPIC, "The provided execution role does not have permissions to call Publish on SNS")):
            self.invalid(lambda: create(self.c, "dc-dlq", Role=role, DeadLetterConfig={"TargetArn": arn}), want)
            r = self.client_error(lambda: self.c.get_function(FunctionName="dc-dlq"))
            self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
            self.invalid(lambda: self.c.update_function_configuration(
                FunctionName="dc-src", DeadLetterConfig={"TargetArn": arn}), want)
            self.assertNotIn("DeadLetterConfig", self.c.get_function_configuration(FunctionName="dc-src"))
        self.grant("send", "sqs:SendMessage", QUEUE)
        create(self.c, "dc-dlq", Role=role, DeadLetterConfig={"TargetArn": QUEUE})
        self.addCleanup(self.c.delete_function, FunctionName="dc-dlq")
        self.assertEqual(self.c.get_function_configuration(FunctionName="dc-dlq")["DeadLetterConfig"],
                         {"TargetArn": QUEUE})
        # giving the function a role that may not send there is refused as well
        other = self.iam.create_role(RoleName="dc-other", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        self.invalid(lambda: self.c.update_function_configuration(FunctionName="dc-dlq", Role=other),
                     "The provided execution role does not have permissions to call SendMessage on SQS")
        self.assertEqual(self.c.get_function_configuration(FunctionName="dc-dlq")["Role"], role)
        # only a queue or a topic
        self.invalid(lambda: self.c.update_function_configuration(
            FunctionName="dc-dlq", DeadLetterConfig={"TargetArn": fn_arn("dc-sink")}),
            "The target ARN %s is invalid. It must be an Amazon SQS queue or an Amazon SNS topic." % fn_arn("dc-sink"))
        # "" removes it
        self.c.update_function_configuration(FunctionName="dc-dlq", DeadLetterConfig={"TargetArn": ""})
        self.assertNotIn("DeadLetterConfig", self.c.get_function_configuration(FunctionName="dc-dlq"))


class DestinationResourcePolicy(NimbusTestCase):
    nimbus_args = ("--set", "lambda.isolate=0", "--set", "lambda.async_retry_delay_ms=50")

    def setUp(self):
        self.c = self.nimbus.client("lambda")
        self.iam = self.nimbus.client("iam")
        self.dir = tempfile.mkdtemp(prefix="nimbus-destrp-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_resource_policy_naming_the_role_allows_the_destination(self):
        role = self.iam.create_role(RoleName="rp-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        sink_dir = os.path.join(self.dir, "sink")
        os.makedirs(sink_dir)
        create(self.c, "rp-sink", env={"MARKER_DIR": sink_dir})
        create(self.c, "rp-src", Role=role)
        dc = {"OnSuccess": {"Destination": fn_arn("rp-sink")}}
        want = "The function execution role does not have permissions to call InvokeFunction on %s" % fn_arn("rp-sink")
        r = self.client_error(lambda: self.c.put_function_event_invoke_config(FunctionName="rp-src",
                                                                              DestinationConfig=dc))
        self.assertEqual((r["Error"]["Code"], r["Error"]["Message"]), ("InvalidParameterValueException", want))
        # the account as principal only delegates to the account's identity policies: still refused
        self.c.add_permission(FunctionName="rp-sink", StatementId="account", Action="lambda:InvokeFunction",
                              Principal=ACCOUNT)
        r = self.client_error(lambda: self.c.put_function_event_invoke_config(FunctionName="rp-src",
                                                                              DestinationConfig=dc))
        self.assertEqual((r["Error"]["Code"], r["Error"]["Message"]), ("InvalidParameterValueException", want))
        # the role named in the sink's resource policy: allowed without any identity policy
        self.c.add_permission(FunctionName="rp-sink", StatementId="src-role", Action="lambda:InvokeFunction",
                              Principal=role)
        out = self.c.put_function_event_invoke_config(FunctionName="rp-src", DestinationConfig=dc)
        self.assertEqual(out["DestinationConfig"]["OnSuccess"]["Destination"], fn_arn("rp-sink"))
        # and delivered with it
        self.c.invoke(FunctionName="rp-src", InvocationType="Event", Payload=b'{"op":"mark","tag":"rp1"}')
        self.assertTrue(wait_for(lambda: marked(sink_dir, "rp1")), "the delivery the sink's policy allows did not arrive")
        # an explicit deny in the role's identity policy still wins
        self.iam.put_role_policy(RoleName="rp-role", PolicyName="deny", PolicyDocument=policy(
            {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*"}))
        r = self.client_error(lambda: self.c.put_function_event_invoke_config(FunctionName="rp-src",
                                                                              DestinationConfig=dc))
        self.assertEqual(r["Error"]["Code"], "InvalidParameterValueException", r)


class DestinationConfigOpenMode(NimbusTestCase):
    """--auth open checks no role (as it checks no caller): any target of a supported kind is
    accepted; a malformed one is still refused."""
    nimbus_args = ("--auth", "open", "--set", "lambda.isolate=0")

    def test_no_role_checks_in_open_mode(self):
        c = self.nimbus.client("lambda")
        role = "arn:aws:iam::%s:role/no-such-role" % ACCOUNT
        create(c, "open-src", Role=role, DeadLetterConfig={"TargetArn": QUEUE})
        self.assertEqual(c.get_function_configuration(FunctionName="open-src")["DeadLetterConfig"],
                         {"TargetArn": QUEUE})
        for arn in (QUEUE, TOPIC, BUS, fn_arn("open-src")):
            out = c.put_function_event_invoke_config(FunctionName="open-src",
                                                     DestinationConfig={"OnFailure": {"Destination": arn}})
            self.assertEqual(out["DestinationConfig"]["OnFailure"]["Destination"], arn)
        r = self.client_error(lambda: c.put_function_event_invoke_config(
            FunctionName="open-src", DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::bucket"}}))
        self.assertEqual((r["Error"]["Code"], r["Error"]["Message"]),
                         ("InvalidParameterValueException", "The destination ARN arn:aws:s3:::bucket is invalid."))
