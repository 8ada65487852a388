"""Many cold starts at once, of functions that fail to start, while nimbus keeps serving.

Instances are started off the event loop (src/lambda/inst_spawner.c, docs/SANDBOX.md,
"Spawning off the loop"): a cold start waits for its process asynchronously and its failure
is reported when the spawn finishes. This drives that path through boto3: many concurrent
invokes of a function that exits during init (Runtime.ExitError "exit status 1") and of one
whose bootstrap cannot be executed (Runtime.InvalidEntrypoint, the spawn itself failing),
while another function's invokes and GET /_nimbus/health are answered throughout — every
answer checked; no timing is asserted. Afterwards nothing of the failed instances is left."""
import json
import os
import sys
import threading
import urllib.request

import boto3
import botocore.config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import NimbusTestCase, wait_for  # noqa: E402
from lambdatest import ROLE, create, zip_bytes  # noqa: E402

EXIT_IN_INIT = '#!/bin/sh\necho "leaving during init"\nexit 1\n'
NOT_EXECUTABLE = "\x7fELF this is not a program\n"   # mode 0755, but execve fails (ENOEXEC)
WORKERS, EACH = 8, 6


class LambdaSpawnStorm(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.c = boto3.client("lambda", endpoint_url=n.endpoint, region_name="us-east-1",
                             aws_access_key_id=n.creds["AWS_ACCESS_KEY_ID"],
                             aws_secret_access_key=n.creds["AWS_SECRET_ACCESS_KEY"],
                             config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=120,
                                                           max_pool_connections=WORKERS + 4))

    def health(self):
        with urllib.request.urlopen(self.nimbus.endpoint + "/_nimbus/health", timeout=60) as r:
            self.assertEqual(r.status, 200)
            return json.loads(r.read())

    def instances(self):
        return next(s for s in self.health()["services"] if s["name"] == "lambda")["instances"]

    def test_failing_cold_starts_are_answered_while_others_are_served(self):
        for name, body in (("storm-exit", EXIT_IN_INIT), ("storm-noexec", NOT_EXECUTABLE)):
            self.c.create_function(FunctionName=name, Runtime="provided.al2", Handler="x", Role=ROLE,
                                   Code={"ZipFile": zip_bytes({"bootstrap": (body, 0o755)})})
        create(self.c, "storm-echo")
        for name in ("storm-exit", "storm-noexec", "storm-echo"):
            self.c.get_waiter("function_active_v2").wait(FunctionName=name)
        first = json.loads(self.c.invoke(FunctionName="storm-echo", Payload=b'{"i":-1}')["Payload"].read())
        self.assertEqual(first["echo"], {"i": -1})

        failures, answers, lock = [], {"exit": 0, "noexec": 0, "echo": 0, "health": 0}, threading.Lock()
        storm_over = threading.Event()

        def record(kind, problem=None):
            with lock:
                if problem:
                    failures.append("%s: %s" % (kind, problem))
                else:
                    answers[kind] += 1

        def storm(w):
            for k in range(EACH):
                name = "storm-noexec" if (w + k) % 3 == 0 else "storm-exit"
                r = self.c.invoke(FunctionName=name, Payload=b"{}")
                doc = json.loads(r["Payload"].read())
                if r.get("FunctionError") != "Unhandled":
                    record(name, "no FunctionError: %r" % doc)
                elif name == "storm-exit":
                    ok = (doc.get("errorType") == "Runtime.ExitError" and
                          doc.get("errorMessage", "").endswith("Runtime exited with error: exit status 1"))
                    record("exit", None if ok else repr(doc))
                else:
                    ok = (doc.get("errorType") == "Runtime.InvalidEntrypoint" and
                          "fork/exec /var/task/bootstrap" in doc.get("errorMessage", ""))
                    record("noexec", None if ok else repr(doc))

        def echo():
            i = 0
            while not storm_over.is_set() or i < 10:
                r = self.c.invoke(FunctionName="storm-echo", Payload=json.dumps({"i": i}).encode())
                doc = json.loads(r["Payload"].read())
                record("echo", None if "FunctionError" not in r and doc.get("echo") == {"i": i} else repr(doc))
                i += 1

        def health():
            while not storm_over.is_set():
                try:
                    self.health()
                    record("health")
                except Exception as e:   # noqa: BLE001 — any failure is the test's
                    record("health", repr(e))

        storms = [threading.Thread(target=storm, args=(w,)) for w in range(WORKERS)]
        others = [threading.Thread(target=echo), threading.Thread(target=health)]
        for t in storms + others:
            t.start()
        for t in storms:
            t.join(300)
        storm_over.set()
        for t in others:
            t.join(300)
        self.assertEqual(failures, [])
        total = WORKERS * EACH
        noexec = sum(1 for w in range(WORKERS) for k in range(EACH) if (w + k) % 3 == 0)
        self.assertEqual(answers["exit"], total - noexec)
        self.assertEqual(answers["noexec"], noexec)
        self.assertGreaterEqual(answers["echo"], 10)
        self.assertGreater(answers["health"], 0)
        # Nothing of the failed environments stays: only the echo function's remains.
        self.assertTrue(wait_for(lambda: self.instances() == 1, timeout=30))
        # and the echo function still answers after the storm
        r = self.c.invoke(FunctionName="storm-echo", Payload=b'{"after":1}')
        self.assertEqual(json.loads(r["Payload"].read())["echo"], {"after": 1})


if __name__ == "__main__":
    import unittest
    unittest.main()
