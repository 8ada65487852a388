"""Function faults are reported as Lambda reports them, and a well-behaved function
keeps answering meanwhile.

Faulty provided.al2 functions (POSIX shell + curl against the Runtime API):
  crash     exits with status 1 mid-invocation → Runtime.ExitError "exit status 1"
  hang      sleeps past its 1 s timeout        → "Task timed out after 1.00 seconds"
  oom       (python3.12) fills 400 MB in 128 MB → Runtime.ExitError "signal: killed"
            (REPORT: Max Memory Used 128 MB, Error Type: Runtime.OutOfMemory)
  chatty    prints 100 MB of logs, then answers → a normal result
  huge      answers with 10 MB (> 6 MB)        → Function.ResponseSizeTooLarge
  initexit  exits before asking for an event   → Runtime.ExitError "exit status 1"
Each answers with status 200 and X-Amz-Function-Error: Unhandled (except chatty).
The echo function keeps answering while the faults run in a loop: 100 invokes, each
checked, timed from a process of its own with a light client (echo_timer.py), while
every fault is served at least once. The timings are printed; the latency target
(within 2x of normal) is a benchmark, bench/workloads/faults.sh, as speed targets
are never timed tests here."""
import base64
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e", "lambda"))
from harness import NimbusTestCase  # noqa: E402
from lambdatest import ROLE, parse_report, zip_bytes  # noqa: E402

SCALE = int(os.environ.get("RELIABILITY_SCALE", "1"))

FAULTY = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
if [ "$FAULT" = initexit ]; then echo "leaving during init"; exit 1; fi
H=$(mktemp)
while true; do
  EV=$(curl -sS -D "$H" "$API/invocation/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  case "$FAULT" in
    crash) echo "crashing"; exit 1 ;;
    hang) sleep 30 ;;
    chatty) head -c 100000000 /dev/zero | tr '\000' x | fold -w 1000 ;;
    huge)
      T=$(mktemp)
      { printf '"'; head -c 10485760 /dev/zero | tr '\000' a; printf '"'; } > "$T"
      curl -s -o /dev/null -X POST "$API/invocation/$ID/response" --data-binary @"$T"
      rm -f "$T"
      continue ;;
  esac
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\"ok\":true,\"fault\":\"$FAULT\"}" >/dev/null
done
'''

ECHO = "exports.handler = async (event) => ({echo: event});\n"

OOM = ("def handler(event, context):\n"
       "    x = bytearray(400 * 1024 * 1024)\n"
       "    for i in range(0, len(x), 4096):\n"
       "        x[i] = 1\n"
       "    return len(x)\n")

FAULTS = {"crash": 10, "hang": 1, "oom": 30, "chatty": 120, "huge": 30, "initexit": 10}


def create_fault_functions(lam, role):
    """echo-fn (Node.js) and f-NAME for each fault, through a boto3 Lambda client
    (also used by bench/lib/fault_storm.py)."""
    lam.create_function(FunctionName="echo-fn", Runtime="nodejs20.x", Handler="index.handler", Role=role,
                        Code={"ZipFile": zip_bytes({"index.js": (ECHO, 0o644)})}, Timeout=5, MemorySize=128)
    fz = zip_bytes({"bootstrap": (FAULTY, 0o755)})
    for name, timeout in FAULTS.items():
        if name == "oom":
            lam.create_function(FunctionName="f-oom", Runtime="python3.12", Handler="app.handler", Role=role,
                                Code={"ZipFile": zip_bytes({"app.py": (OOM, 0o644)})}, Timeout=timeout,
                                MemorySize=128)
        else:
            lam.create_function(FunctionName="f-" + name, Runtime="provided.al2", Handler="h", Role=role,
                                Code={"ZipFile": fz}, Timeout=timeout, MemorySize=128,
                                Environment={"Variables": {"FAULT": name}})


class FunctionFaults(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import boto3
        import botocore.config
        cls.c = boto3.client("lambda", endpoint_url=cls.nimbus.endpoint, region_name="us-east-1",
                             aws_access_key_id=cls.nimbus.creds["AWS_ACCESS_KEY_ID"], aws_secret_access_key=cls.nimbus.creds["AWS_SECRET_ACCESS_KEY"],
                             config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=180))
        create_fault_functions(cls.c, ROLE)

    def invoke(self, name, event=None, **kw):
        r = self.c.invoke(FunctionName=name, Payload=json.dumps(event or {}).encode(), **kw)
        return r, r["Payload"].read()

    def check_fault(self, name):
        """Invoke f-NAME once and assert Lambda's report of its fault."""
        r, body = self.invoke("f-" + name, LogType="Tail")
        self.assertEqual(r["StatusCode"], 200, name)
        if name == "chatty":
            self.assertNotIn("FunctionError", r)
            self.assertEqual(json.loads(body), {"ok": True, "fault": "chatty"})
            return
        self.assertEqual(r.get("FunctionError"), "Unhandled", name)
        doc = json.loads(body)
        self.longMessage = True
        # the invocation's id, which is also the Invoke response's x-amzn-RequestId
        rid = r["ResponseMetadata"]["RequestId"]
        self.assertRegex(rid, "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        if name in ("crash", "initexit"):
            self.assertEqual(sorted(doc), ["errorMessage", "errorType"], doc)
            self.assertEqual(doc["errorType"], "Runtime.ExitError")
            self.assertRegex(doc["errorMessage"], "^RequestId: %s Error: Runtime exited with error: exit status 1$" % rid)
        elif name == "hang":
            self.assertEqual(list(doc), ["errorMessage"])
            self.assertRegex(doc["errorMessage"], r"^\S+ %s Task timed out after 1\.00 seconds$" % rid)
        elif name == "oom":
            report = parse_report(base64.b64decode(r["LogResult"]).decode())
            self.assertEqual((report["RequestId"], report["Max Memory Used"], report["Error Type"]),
                             (rid, "128 MB", "Runtime.OutOfMemory"))
            self.assertEqual(doc, {"errorType": "Runtime.ExitError",
                                   "errorMessage": "RequestId: %s Error: Runtime exited with error: signal: killed" % rid})
        elif name == "huge":
            self.assertEqual(doc, {"errorType": "Function.ResponseSizeTooLarge",
                                   "errorMessage": "Response payload size exceeded maximum allowed payload size "
                                                   "(6291556 bytes)."})

    def echo_latencies(self, timer, n, tag):
        """n timed invokes of echo-fn by the timer process (echo_timer.py), each answer checked there."""
        timer.stdin.write("%s %d\n" % (tag, n))
        timer.stdin.flush()
        out = json.loads(timer.stdout.readline() or '{"error": "the timer exited"}')
        self.assertNotIn("error", out)
        self.assertEqual(len(out["latencies"]), n)
        return out["latencies"]

    def test_1_each_fault_reported_as_lambda_does(self):
        for name in FAULTS:
            with self.subTest(fault=name):
                t0 = time.monotonic()
                self.check_fault(name)
                sys.stderr.write("round fault %s: reported in %.1f s\n" % (name, time.monotonic() - t0))
        sys.stderr.write("round faults-reported: all %d faults reported as Lambda does\n" % len(FAULTS))

    def test_2_echo_keeps_answering_during_faults(self):
        timer = subprocess.Popen([sys.executable, os.path.join(HERE, "echo_timer.py"), "echo-fn"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                 env=self.nimbus.env())
        self.addCleanup(timer.stdout.close)
        self.addCleanup(timer.wait, 30)
        self.addCleanup(timer.stdin.close)
        self.echo_latencies(timer, 10, "warm")
        before = statistics.median(self.echo_latencies(timer, 40, "before"))
        stop = threading.Event()
        problems = []
        counts = {}

        def fault_loop(name):
            while not stop.is_set():
                try:
                    self.check_fault(name)
                    counts[name] = counts.get(name, 0) + 1
                except Exception as e:   # noqa: BLE001
                    problems.append("%s: %r" % (name, e))
                    return

        ts = [threading.Thread(target=fault_loop, args=(n,)) for n in FAULTS]
        for t in ts:
            t.start()
        try:
            time.sleep(1.0)
            during = statistics.median(self.echo_latencies(timer, 100 * SCALE, "during"))
        finally:
            stop.set()
            for t in ts:
                t.join(300)
        self.assertEqual(problems, [])
        ratio = during / before
        sys.stderr.write("round faults: echo median %.2f ms before, %.2f ms during faults (ratio %.2f); "
                         "faults served: %s\n" % (before * 1e3, during * 1e3, ratio,
                                                  ", ".join("%s=%d" % kv for kv in sorted(counts.items()))))
        self.assertEqual(sorted(n for n in FAULTS if counts.get(n, 0) >= 1), sorted(FAULTS),
                         "every fault ran while the echo was timed")


if __name__ == "__main__":
    unittest.main()
