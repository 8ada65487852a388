"""An asynchronous invocation's record is delivered with the function's
execution role as it is at delivery time, as on AWS: a role whose policy no
longer allows lambda:InvokeFunction on the destination function (changed after
PutFunctionEventInvokeConfig accepted it) gets nothing invoked — the record is
kept in nimbus's dead-letter store with a deliveryFailure and logged instead —
and a DeadLetterConfig queue the role may no longer send to is marked likewise
(a role not allowed when the target is configured is refused then:
test_destination_config_authz.py)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lambda"))
from harness import BINARY, NimbusTestCase, policy, wait_for  # noqa: E402
from lambdatest import create  # noqa: E402

ACCOUNT = "000000000000"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def fn_arn(name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, name)


def marked(d, tag):
    """The marker files in d whose content (an event) carries tag."""
    out = []
    for f in os.listdir(d):
        if f.startswith("ok."):
            with open(os.path.join(d, f)) as fh:
                if '"tag":"%s"' % tag in fh.read().replace(" ", ""):
                    out.append(f)
    return out


class DestinationDeliveryAuthz(NimbusTestCase):
    # marker files in a host directory: instances without the sandbox's private file system
    nimbus_args = ("--set", "lambda.isolate=0", "--set", "lambda.async_retry_delay_ms=50")

    def setUp(self):
        self.c = self.nimbus.client("lambda")
        self.iam = self.nimbus.client("iam")
        self.dir = tempfile.mkdtemp(prefix="nimbus-dest-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def dead_letters(self, fn):
        p = subprocess.run([BINARY, "dead-letters", fn, "--data", self.nimbus.data_dir], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]

    def test_function_destination_rechecked_at_delivery(self):
        role = self.iam.create_role(RoleName="src-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        self.iam.put_role_policy(RoleName="src-role", PolicyName="deliver", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn("sink")}))
        src_dir, sink_dir = os.path.join(self.dir, "src"), os.path.join(self.dir, "sink")
        os.makedirs(src_dir)
        os.makedirs(sink_dir)
        create(self.c, "sink", env={"MARKER_DIR": sink_dir})
        create(self.c, "source", env={"MARKER_DIR": src_dir}, Role=role)
        self.c.put_function_event_invoke_config(
            FunctionName="source", DestinationConfig={"OnSuccess": {"Destination": fn_arn("sink")}})
        # allowed: the record reaches the sink
        self.c.invoke(FunctionName="source", InvocationType="Event", Payload=b'{"op":"mark","tag":"d1"}')
        self.assertTrue(wait_for(lambda: marked(sink_dir, "d1")), "the allowed delivery did not arrive")
        # the role loses the permission: the next record is not delivered
        self.iam.delete_role_policy(RoleName="src-role", PolicyName="deliver")
        self.c.invoke(FunctionName="source", InvocationType="Event", Payload=b'{"op":"mark","tag":"d2"}')
        self.assertTrue(wait_for(lambda: marked(src_dir, "d2")), "the source did not run")

        def kept():
            return [r for r in self.dead_letters("source") if r.get("requestPayload", {}).get("tag") == "d2"]
        recs = wait_for(lambda: kept() or marked(sink_dir, "d2"))
        self.assertEqual(marked(sink_dir, "d2"), [], "delivered although the role may no longer invoke the sink")
        self.assertEqual(len(recs), 1, recs)
        self.assertEqual(recs[0]["destination"], fn_arn("sink"))
        self.assertEqual(recs[0]["requestContext"]["condition"], "Success")
        self.assertEqual(recs[0]["deliveryFailure"],
                         "AccessDenied: the function execution role %s does not have permissions to call "
                         "InvokeFunction on %s" % (role, fn_arn("sink")))
        self.assertIn("not delivered", self.nimbus.read_log())
        # allowed again (an explicit deny elsewhere aside): delivered again
        self.iam.put_role_policy(RoleName="src-role", PolicyName="deliver", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn("sink")}))
        self.c.invoke(FunctionName="source", InvocationType="Event", Payload=b'{"op":"mark","tag":"d3"}')
        self.assertTrue(wait_for(lambda: marked(sink_dir, "d3")), "the delivery allowed again did not arrive")
        self.assertEqual(marked(sink_dir, "d2"), [])

    def test_dead_letter_target_rechecked_at_delivery(self):
        queue = "arn:aws:sqs:us-east-1:%s:dlq" % ACCOUNT
        role = self.iam.create_role(RoleName="dlq-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        # allowed when configured (CreateFunction checks it), then no longer
        self.iam.put_role_policy(RoleName="dlq-role", PolicyName="send", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue}))
        create(self.c, "dlq-src", Role=role, DeadLetterConfig={"TargetArn": queue})
        self.iam.delete_role_policy(RoleName="dlq-role", PolicyName="send")
        self.c.put_function_event_invoke_config(FunctionName="dlq-src", MaximumRetryAttempts=0)

        def dlq_rec(n):
            recs = [r for r in self.dead_letters("dlq-src")
                    if r.get("deadLetterQueue") and r["requestPayload"].get("n") == n]
            return recs[0] if recs else None
        self.c.invoke(FunctionName="dlq-src", InvocationType="Event", Payload=b'{"op":"fail","n":1}')
        rec = wait_for(lambda: dlq_rec(1))
        self.assertIsNotNone(rec)
        self.assertEqual(rec["deliveryFailure"],
                         "AccessDenied: the function execution role %s does not have permissions to call "
                         "SendMessage on %s" % (role, queue))
        self.iam.put_role_policy(RoleName="dlq-role", PolicyName="send", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue}))
        self.c.invoke(FunctionName="dlq-src", InvocationType="Event", Payload=b'{"op":"fail","n":2}')
        rec = wait_for(lambda: dlq_rec(2))
        self.assertIsNotNone(rec)
        self.assertNotIn("deliveryFailure", rec)
        self.assertEqual(rec["destination"], queue)
