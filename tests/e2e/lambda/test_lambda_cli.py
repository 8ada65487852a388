"""`nimbus logs`, `nimbus dead-letters` and the nimbus.native runtime, end to end.

main.c routes `logs` to logs_main() (src/logs), `dead-letters` to
lambda_dead_letters_main() and `native-runner` to lambda_native_runner_main()."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BINARY, ROOT, NimbusTestCase  # noqa: E402
from lambdatest import ROLE, create, zip_bytes  # noqa: E402


def run(*args, timeout=30):
    return subprocess.run([BINARY] + list(args), capture_output=True, text=True, timeout=timeout)


class LambdaCli(NimbusTestCase):
    nimbus_args = ("--set", "lambda.async_retry_delay_ms=50")

    def setUp(self):
        self.c = self.nimbus.client("lambda")

    def test_logs(self):
        create(self.c, "logged-fn")
        r = self.c.invoke(FunctionName="logged-fn", Payload=b'{"hello":"logs"}')
        self.assertEqual(r["StatusCode"], 200)
        deadline = time.time() + 10
        out = ""
        while time.time() < deadline:
            p = run("logs", "logged-fn", "--since", "5m", "--data", self.nimbus.data_dir)
            self.assertEqual(p.returncode, 0, "nimbus logs failed (is it routed to logs_main?): " + p.stderr)
            out = p.stdout
            if "REPORT RequestId:" in out:
                break
            time.sleep(0.2)
        lines = out.splitlines()
        starts = [l for l in lines if " START RequestId: " in l]
        self.assertEqual(len(starts), 1, out)
        self.assertIn("init done", out)                  # the function's own output
        self.assertIn('handling ', out)
        i_start = next(i for i, l in enumerate(lines) if " START RequestId: " in l)
        i_end = next(i for i, l in enumerate(lines) if " END RequestId: " in l)
        i_rep = next(i for i, l in enumerate(lines) if " REPORT RequestId: " in l)
        self.assertLess(i_start, i_end)
        self.assertLess(i_end, i_rep)
        self.assertRegex(lines[i_rep], r"\[\$LATEST\][0-9a-f]{32} REPORT RequestId: \S+\tDuration: [\d.]+ ms\t"
                                       r"Billed Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t"
                                       r"Init Duration: [\d.]+ ms$")
        p = run("logs", "no-such-fn", "--data", self.nimbus.data_dir)
        self.assertEqual((p.returncode, p.stdout), (0, ""))
        p = run("logs", "--data", self.nimbus.data_dir)
        self.assertEqual(p.returncode, 2)

    def test_dead_letters(self):
        # the execution role must be allowed to send to the queue (checked when it is configured)
        iam = self.nimbus.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        role = iam.create_role(RoleName="dlq-fn-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.put_role_policy(RoleName="dlq-fn-role", PolicyName="dlq", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                                                    "Resource": "arn:aws:sqs:us-east-1:000000000000:dlq"}]}))
        create(self.c, "dlq-fn", Role=role, DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"})
        self.c.put_function_event_invoke_config(FunctionName="dlq-fn", MaximumRetryAttempts=0)
        self.c.invoke(FunctionName="dlq-fn", InvocationType="Event", Payload=b'{"op":"fail","n":7}')
        recs = []
        deadline = time.time() + 15
        while time.time() < deadline and len(recs) < 2:
            p = run("dead-letters", "dlq-fn", "--data", self.nimbus.data_dir)
            self.assertEqual(p.returncode, 0, "nimbus dead-letters failed (routed to lambda_dead_letters_main?): "
                             + p.stderr)
            recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
            time.sleep(0.2)
        # the DeadLetterConfig queue gets the event; the failure record (no OnFailure destination) is kept too
        dlq = [r for r in recs if r.get("deadLetterQueue")]
        failure = [r for r in recs if not r.get("deadLetterQueue")]
        self.assertEqual(len(dlq), 1, recs)
        self.assertEqual(dlq[0]["destination"], "arn:aws:sqs:us-east-1:000000000000:dlq")
        self.assertEqual(dlq[0]["requestPayload"], {"op": "fail", "n": 7})
        self.assertEqual(len(failure), 1, recs)
        self.assertEqual(failure[0]["requestContext"]["condition"], "RetriesExhausted")
        self.assertEqual(failure[0]["requestContext"]["approximateInvokeCount"], 1)
        self.assertEqual(failure[0]["responsePayload"]["errorType"], "MyError")
        self.assertIsNone(failure[0]["destination"])

    def test_native_runtime(self):
        src = os.path.join(ROOT, "examples", "functions", "echo-native", "handler.c")
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        so = os.path.join(d, "handler.so")
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", so, src, "-I", os.path.join(ROOT, "include")],
                       check=True)
        with open(so, "rb") as f:
            lib = f.read()
        self.c.create_function(FunctionName="native-echo", Runtime="nimbus.native", Handler="handler.so", Role=ROLE,
                               Code={"ZipFile": zip_bytes({"handler.so": (lib, 0o755)})})
        for i in range(3):
            r = self.c.invoke(FunctionName="native-echo", Payload=json.dumps({"i": i}).encode())
            self.assertNotIn("FunctionError", r)
            self.assertEqual(json.loads(r["Payload"].read()), {"i": i})


if __name__ == "__main__":
    unittest.main()
