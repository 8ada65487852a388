"""Descriptors and execution environments (src/lambda/instance.c, src/lambda/pool.c,
src/sandbox/sandbox.c).

- ManyDescriptors: a nimbus holding more descriptors than a function may have
  (Lambda's 1024) still starts environments. The sandboxed child holds a copy
  of every descriptor of nimbus until its execve; it used to lower its limit
  before its last dups and fail with EMFILE ("setup, step 3").
- ClosedOutput: an environment that closes its stdout and stderr early, then
  exits, leaves every other environment and connection working. nimbus closed
  the pipes at EOF but their poll handles only at exit, and libuv's close
  removes the descriptor *number* from epoll: by then that number belonged to
  another environment's listener, pipe or pidfd (whose exit was then never
  seen: "Task timed out" instead of Runtime.ExitError), or to a client.
- DescriptorShortage: nimbus started with `ulimit -n 256`. It starts
  environments only while descriptors are to spare and keeps a reserve for
  everything else: invocations beyond wait for a working environment of their
  function or are throttled as Lambda throttles when concurrency is exhausted
  (429 TooManyRequestsException, Reason ConcurrentInvocationLimitExceeded);
  DynamoDB and the Lambda control plane keep answering; nothing crashes; once
  the functions are gone, every descriptor and process is back."""
import json
import os
import resource
import socket
import stat
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import NimbusTestCase  # noqa: E402
from lambdatest import ROLE, create, wait_for, zip_bytes  # noqa: E402


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def fd_kinds(pid):
    """{"pidfd": n, "pipe": n, "socket": n, "other": n} of pid's descriptors."""
    out = {"pidfd": 0, "pipe": 0, "socket": 0, "other": 0}
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        k = "pidfd" if "pidfd" in t else "pipe" if t.startswith("pipe:") else "socket" if t.startswith("socket:") else "other"
        out[k] += 1
    return out


def children(pid):
    """nimbus's child processes (of any of its threads: the sandbox pool's filler thread
    clones blanks) that are environments: not the sandbox's waiting blanks
    (lambda.sandbox_pool), which still run nimbus's own image or, exec'd, the native
    runner from a memfd as root (an environment served by one runs as its function's uid)."""
    kids = []
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                kids += f.read().split()
        except OSError:
            pass
    exe = os.readlink("/proc/%d/exe" % pid)

    def blank(c):
        try:
            e = os.readlink("/proc/%s/exe" % c)
            with open("/proc/%s/status" % c) as f:
                root = [ln.split()[1] for ln in f if ln.startswith("Uid:")] == ["0"]
            return e == exe or (e.startswith("/memfd:nimbus-blank") and root)
        except OSError:
            return False
    return [c for c in kids if not blank(c)]


class ManyDescriptors(NimbusTestCase):
    def test_cold_start_while_nimbus_holds_more_than_1024_descriptors(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        self.assertGreaterEqual(hard, 1400, "this test needs RLIMIT_NOFILE >= 1400")
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        c = self.nimbus.client("lambda")
        create(c, "many-fds")
        host, port = self.nimbus.endpoint.split("//")[1].split(":")
        held = []
        try:
            for _ in range(1100):
                held.append(socket.create_connection((host, int(port))))
            pid = self.nimbus.proc.pid
            self.assertTrue(wait_for(lambda: fd_count(pid) > 1100), fd_count(pid))
            r = c.invoke(FunctionName="many-fds", Payload=b'{"k":1}')
            self.assertNotIn("FunctionError", r)
            self.assertEqual(json.loads(r["Payload"].read())["echo"], {"k": 1})
        finally:
            for s in held:
                s.close()
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        self.assertNotIn("Too many open files", self.nimbus.read_log())


# Closes its output at once when QUIET is set; exits on {"op":"crash"}; else echoes.
QUIET_BOOTSTRAP = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
if [ -n "${QUIET:-}" ]; then exec >/dev/null 2>/dev/null; fi
H=$(mktemp)
while true; do
  EV=$(curl -sS -D "$H" "$API/invocation/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  case "$EV" in *crash*) exit 3 ;; esac
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\"echo\":$EV}" >/dev/null
done
'''


class ClosedOutput(NimbusTestCase):
    def test_environment_that_closed_its_output_then_exits_disturbs_no_other(self):
        import botocore.config
        c = self.nimbus.client("lambda", config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=30))
        code = {"ZipFile": zip_bytes({"bootstrap": (QUIET_BOOTSTRAP, 0o755)})}
        names = ["other-%d" % k for k in range(6)]
        for name, env in [("quiet", {"QUIET": "1"})] + [(n, {}) for n in names]:
            c.create_function(FunctionName=name, Runtime="provided.al2", Handler="h", Role=ROLE, Code=code, Timeout=15,
                              MemorySize=128, Environment={"Variables": env})

        def ok(name, i):
            r = c.invoke(FunctionName=name, Payload=json.dumps({"i": i}).encode())
            body = r["Payload"].read()
            self.assertNotIn("FunctionError", r, (name, body))
            self.assertEqual(json.loads(body), {"echo": {"i": i}})

        def exit_error(name):
            r = c.invoke(FunctionName=name, Payload=b'{"op":"crash"}')
            doc = json.loads(r["Payload"].read())
            self.assertEqual(r.get("FunctionError"), "Unhandled", name)
            self.assertEqual(doc["errorType"], "Runtime.ExitError", (name, doc))
            self.assertRegex(doc["errorMessage"], "Runtime exited with error: exit status 3$")

        for rnd in range(2):
            ok("quiet", rnd)           # its pipes reach EOF: nimbus closes them, their numbers are free
            time.sleep(0.3)
            for k, name in enumerate(names):
                ok(name, k)            # new environments (and connections) take the free numbers
            exit_error("quiet")        # its handles are closed now
            for k, name in enumerate(names):
                ok(name, 10 + k)       # every listener still accepts, every connection still answers
            for name in names:
                exit_error(name)       # every exit is still seen at once


LIMIT = 256
# What nimbus keeps for everything but environments: an eighth of its limit, at least 64.
BUDGET = LIMIT - max(64, LIMIT // 8)


class DescriptorShortage(NimbusTestCase):
    nimbus_args = ("--set", "lambda.proactive_init=0")

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nimbus-ulimit-")
        wrapper = os.path.join(cls.tmp, "nimbus")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nulimit -n %d\nexec %s \"$@\"\n" % (LIMIT, harness.BINARY))
        os.chmod(wrapper, stat.S_IRWXU)
        real = harness.BINARY
        harness.BINARY = wrapper
        try:
            super().setUpClass()
        finally:
            harness.BINARY = real

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        import shutil
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_environments_bounded_by_descriptors_with_lambda_errors(self):
        import botocore.config
        import botocore.exceptions
        pid = self.nimbus.proc.pid
        with open("/proc/%d/limits" % pid) as f:
            self.assertRegex(f.read(), r"Max open files\s+%d\s+%d" % (LIMIT, LIMIT))
        ctl = self.nimbus.client("lambda")
        ddb = self.nimbus.client("dynamodb")
        ddb.create_table(TableName="tbl", AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        create(ctl, "busy", timeout=60)
        ctl.put_function_concurrency(FunctionName="busy", ReservedConcurrentExecutions=200)  # no pacing
        others = ["other-%d" % k for k in range(12)]
        for name in others:
            create(ctl, name)
        base = fd_kinds(pid)
        self.assertEqual(children(pid), [])

        burst = self.nimbus.client("lambda", config=botocore.config.Config(
            retries={"max_attempts": 1}, max_pool_connections=40, read_timeout=120))
        results, errors = [], []

        def run(i):
            try:
                r = burst.invoke(FunctionName="busy", Payload=json.dumps({"op": "slow", "i": i}).encode())
                results.append((r.get("FunctionError"), json.loads(r["Payload"].read())))
            except Exception as e:  # noqa: BLE001 — reported below
                errors.append(e)
        ts = [threading.Thread(target=run, args=(i,)) for i in range(40)]
        for t in ts:
            t.start()
        # the environments of "busy" take what nimbus can spare
        self.assertTrue(wait_for(lambda: fd_count(pid) >= BUDGET - 2 * 16, timeout=30), fd_count(pid))

        # meanwhile: other functions either run or are throttled as Lambda throttles
        one = self.nimbus.client("lambda", config=botocore.config.Config(retries={"max_attempts": 1}))
        throttled = served = 0
        for name in others:
            try:
                r = one.invoke(FunctionName=name, Payload=b'{"x":1}')
                self.assertNotIn("FunctionError", r)
                self.assertEqual(json.loads(r["Payload"].read())["echo"], {"x": 1})
                served += 1
            except botocore.exceptions.ClientError as e:
                err = e.response
                self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 429, err)
                self.assertEqual(err["Error"]["Code"], "TooManyRequestsException", err)
                self.assertEqual(err.get("Reason"), "ConcurrentInvocationLimitExceeded", err)
                self.assertEqual(err["Error"]["Message"], "Rate Exceeded.", err)
                throttled += 1
            # ... and everything else keeps answering
            ddb.put_item(TableName="tbl", Item={"k": {"S": name}})
            self.assertEqual(ddb.get_item(TableName="tbl", Key={"k": {"S": name}})["Item"]["k"]["S"], name)
            self.assertIn(name, [f["FunctionName"] for f in ctl.list_functions(MaxItems=50)["Functions"]])
        self.assertGreater(throttled, 0, "no invocation was throttled (served %d)" % served)

        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 40)
        for fe, body in results:       # every one waited for an environment of its function
            self.assertIsNone(fe, body)
            self.assertEqual(body, {"slow": True})
        self.assertIsNone(self.nimbus.proc.poll(), "nimbus exited")

        # all back: no environment, no descriptor of one, no process
        for name in ["busy"] + others:
            ctl.delete_function(FunctionName=name)
        burst.close()
        one.close()
        self.assertEqual(wait_for(lambda: children(pid) == [], timeout=20), True, children(pid))
        now = wait_for(lambda: (lambda k: k if (k["pidfd"], k["pipe"]) == (base["pidfd"], base["pipe"]) else None)(
            fd_kinds(pid)), timeout=20)
        self.assertEqual((now or fd_kinds(pid))["pidfd"], base["pidfd"])
        self.assertEqual((now or fd_kinds(pid))["pipe"], base["pipe"])
        self.assertTrue(wait_for(lambda: fd_kinds(pid)["socket"] <= base["socket"], timeout=20),
                        (fd_kinds(pid), base))
        log = self.nimbus.read_log()
        self.assertNotIn("step 3", log)


if __name__ == "__main__":
    unittest.main()
