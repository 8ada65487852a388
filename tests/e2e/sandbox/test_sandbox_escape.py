"""In plain mode a function that calls setsid() and double-forks a sleeper does not outlive its instance.

Regression test for issue 5: plain mode (no root and no user namespaces, or
lambda.isolate=0) had no PID namespace and no cgroup, so an instance was its
process group — and a process that left the group (setsid) and was orphaned
(double fork, as daemon(3) does) escaped every kill and outlived the instance.
Now each plain instance is led by a supervisor, a child subreaper that kills
every descendant when the instance ends (src/sandbox/sbx_supervise.c).

Each invocation of the function below starts such a sleeper (`setsid sh -c
'sleep 300 & echo $!'`: the sleeper's parent exits at once), prints its pid
to the log (SLEEPER=pid, read from the invoke's LogResult) and then, by the
event's "op": answers (default), exits (crash), outlives its timeout (hang),
or answers from a process that itself left the group and was orphaned
(escaped: the Runtime API's peer check must still count it as the
instance's). The test checks each sleeper really escaped (another session
than the bootstrap's), and after the instance ended — timeout, crash,
DeleteFunction, nimbus's shutdown — that it is gone (by its pid and start
time in /proc, polled with a deadline: no timing assertion), while nimbus
keeps serving another function.

Modes: plain processes as root (lambda.isolate=0) and plain processes without
root (nimbus as nobody, NIMBUS_SANDBOX=no-userns)."""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import botocore.config

import harness
from harness import ECHO_BOOTSTRAP as ECHO, SHELL_BOOTSTRAP_LOOP, Nimbus, wait_for, zip_bytes

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_sandbox_orphans import Unprivileged, doctor, setpriv_nobody  # noqa: E402  (the unprivileged daemon, its doctor line)

BOOTSTRAP = SHELL_BOOTSTRAP_LOOP + r'''  OP=$(sed -n 's/.*"op" *: *"\([a-z]*\)".*/\1/p' "$B")
  P=$(setsid sh -c 'sleep 300 </dev/null >/dev/null 2>&1 & echo $!')
  echo "SLEEPER=$P"
  case "$OP" in
    crash) exit 1 ;;
    hang) sleep 300 ;;
    escaped)
      ( setsid sh -c "curl -sS -X POST '$API/invocation/$ID/response' -d '{\"sleeper\":$P,\"shell\":$$,\"escaped\":1}' >/dev/null; touch '$B.done'" </dev/null >/dev/null 2>&1 & )
      while [ ! -e "$B.done" ]; do sleep 0.05; done
      rm -f "$B.done" ;;
    *) curl -sS -X POST "$API/invocation/$ID/response" -d "{\"sleeper\":$P,\"shell\":$$}" >/dev/null ;;
  esac
done
'''



def doctor_all(env):
    """All of `nimbus doctor`'s report, run as nobody (as the unprivileged daemon)."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(setpriv_nobody() + [harness.BINARY, "doctor"], env=e, capture_output=True, text=True,
                          timeout=60, cwd="/").stdout


def stat_fields(pid):
    """/proc/pid/stat's fields after the command name (field 3 first), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def alive(pid, start):
    """Is the process with this pid and start time still there (a zombie counts as gone)?"""
    f = stat_fields(pid)
    return bool(f) and f[19] == start and f[0] != "Z"


def tear_down(n, seen, *dirs):
    """Stop the daemon, kill what the test saw alive ({pid: start time}) — never leave a
    test's processes behind, whatever failed — and remove its directories."""
    n.kill9()
    n.stop()
    for pid, start in seen.items():
        if start and alive(pid, start):
            os.kill(pid, 9)
    unpacked = n.unpack_dir()
    if unpacked:
        shutil.rmtree(unpacked, ignore_errors=True)
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)


class PlainModes:
    """A test class's run_mode in both plain modes: as root with lambda.isolate=0, and as
    nobody where user namespaces are refused (NIMBUS_SANDBOX=no-userns)."""

    @staticmethod
    def daemon(data, args, env, unprivileged):
        """The mode's nimbus on data (as nobody when unprivileged), not started yet."""
        return (Unprivileged if unprivileged else Nimbus)(data_dir=data, extra_args=args, env=env)

    def start_in_mode(self, n, env, unprivileged, want_mode):
        n.start()
        if want_mode:
            self.assertIn("sandbox mode: " + want_mode, doctor(env, unprivileged))

    def test_plain_processes_as_root(self):
        self.run_mode(args=("--set", "lambda.isolate=0"))

    def test_plain_processes_unprivileged(self):
        self.run_mode(env={"NIMBUS_SANDBOX": "no-userns"}, unprivileged=True, want_mode="plain")


class SandboxEscape(PlainModes, unittest.TestCase):
    def run_mode(self, args=(), env=None, unprivileged=False, want_mode=None):
        data = tempfile.mkdtemp(prefix="nimbus-e2e-")
        n = self.daemon(data, args, env, unprivileged)
        seen = {}
        try:
            self.start_in_mode(n, env, unprivileged, want_mode)
            # said loudly at start-up: plain processes (and, without root, that isolation is partial)
            self.assertTrue(wait_for(lambda: "functions run as plain processes" in n.read_log(), timeout=10),
                            n.read_log(tail=2000))
            if unprivileged:
                self.assertIn("functions are NOT fully isolated on this host", n.read_log())
                self.assertIn("when nimbus dies: each instance's supervisor (a child subreaper) kills every "
                              "descendant", doctor_all(env))
            c = n.client("lambda", config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60))
            for name, code, timeout in (("escape-fn", BOOTSTRAP, 3), ("echo-fn", ECHO, 30)):
                c.create_function(FunctionName=name, Runtime="provided.al2", Handler="x", Timeout=timeout,
                                  Role="arn:aws:iam::%s:role/lambda-role" % n.account,
                                  Code={"ZipFile": zip_bytes({"bootstrap": (code, 0o755)})})

            def invoke(op):
                r = c.invoke(FunctionName="escape-fn", Payload=json.dumps({"op": op}).encode(), LogType="Tail")
                log = base64.b64decode(r.get("LogResult", "")).decode(errors="replace")
                m = re.search(r"SLEEPER=(\d+)", log)
                self.assertTrue(m, log)
                pid = int(m.group(1))
                f = stat_fields(pid)
                seen[pid] = f[19] if f else None
                return r, pid, r["Payload"].read()

            def serving():
                r = c.invoke(FunctionName="echo-fn", Payload=b"{}")
                self.assertNotIn("FunctionError", r)
                self.assertEqual(json.loads(r["Payload"].read()), {"echo": True})

            def escaped(pid, shell):
                """The sleeper left the bootstrap's session and its parent is gone (not the shell)."""
                f = stat_fields(pid)
                self.assertIsNotNone(f, "the sleeper is not running")
                shell_f = stat_fields(shell)
                self.assertIsNotNone(shell_f)
                self.assertNotEqual(f[3], shell_f[3], "the sleeper did not leave the session")
                self.assertNotEqual(int(f[1]), shell)

            def gone(pid, why):
                self.assertTrue(wait_for(lambda: not alive(pid, seen[pid]), timeout=10),
                                "the setsid'd sleeper %d outlived its instance (%s)" % (pid, why))

            # 1. alive while its instance lives; gone with DeleteFunction
            r, p1, body = invoke("answer")
            self.assertNotIn("FunctionError", r, body)
            escaped(p1, json.loads(body)["shell"])
            self.assertTrue(alive(p1, seen[p1]))
            # 2. an orphaned process outside the group still counts as the instance's for its Runtime API
            r, p2, body = invoke("escaped")
            self.assertNotIn("FunctionError", r, body)
            self.assertEqual(json.loads(body)["escaped"], 1)
            self.assertTrue(alive(p1, seen[p1]) and alive(p2, seen[p2]))
            c.delete_function(FunctionName="escape-fn")
            gone(p1, "DeleteFunction")
            gone(p2, "DeleteFunction")
            serving()
            c.create_function(FunctionName="escape-fn", Runtime="provided.al2", Handler="x", Timeout=3,
                              Role="arn:aws:iam::%s:role/lambda-role" % n.account,
                              Code={"ZipFile": zip_bytes({"bootstrap": (BOOTSTRAP, 0o755)})})
            # 3. the runtime crashes
            r, p3, body = invoke("crash")
            self.assertEqual(r.get("FunctionError"), "Unhandled", body)
            self.assertEqual(json.loads(body)["errorType"], "Runtime.ExitError", body)
            gone(p3, "crash")
            serving()
            # 4. the invocation times out
            r, p4, body = invoke("hang")
            self.assertEqual(r.get("FunctionError"), "Unhandled", body)
            self.assertIn("timed out", json.loads(body)["errorMessage"], body)
            gone(p4, "timeout")
            serving()
            # 5. nimbus shuts down with an instance alive (frozen between invocations)
            r, p5, body = invoke("answer")
            self.assertNotIn("FunctionError", r, body)
            self.assertTrue(alive(p5, seen[p5]))
            n.stop()
            gone(p5, "shutdown")
        finally:
            tear_down(n, seen, data)


if __name__ == "__main__":
    unittest.main()
