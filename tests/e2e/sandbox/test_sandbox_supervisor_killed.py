"""In plain mode a function that SIGKILLs its own supervisor still leaves nothing behind.

Regression test for issue 5's last plain-mode gap. A plain instance (no root
and no user namespaces, or lambda.isolate=0) runs under a supervisor, a child
subreaper that kills every descendant when the instance ends
(src/sandbox/sbx_supervise.c). But the function runs as the supervisor's uid:
it may SIGKILL it, and what it had started outside its process group (setsid,
double fork) was then re-parented to init and lived on. Now nimbus is a child
subreaper itself: those processes come back to it, and it kills every child
it did not start (src/sandbox/sbx_children.c).

The function below starts, on every invocation that asks, a setsid'd,
double-forked loop writing a heartbeat file (its pid in the log: SLEEPER=pid),
and then, by the event's "op":
  - now:   kills its supervisor (kill -9 $PPID) during the invocation, which
           answers as Lambda answers a runtime that exited ("Runtime exited
           with error: signal: killed", Runtime.ExitError);
  - later: answers, leaving behind a process outside its group that kills the
           supervisor once the test creates a file: the instance is idle
           (frozen) then, and nimbus must notice without another invocation;
  - answer: only answers.
The test checks each heartbeat loop is gone (by pid and start time in /proc,
polled with a deadline: no timing assertion) and that its file is not written
again, that nimbus logged what it killed, and that it keeps serving the same
function (a new instance) and another one, whose environment — one of
nimbus's own children, like the watchdog — was never taken for an orphan.

Modes: plain processes as root (lambda.isolate=0) and plain processes without
root (nimbus as nobody, NIMBUS_SANDBOX=no-userns)."""
import base64
import json
import os
import re
import sys
import tempfile
import unittest

import botocore.config

from harness import ECHO_BOOTSTRAP as ECHO, SHELL_BOOTSTRAP_LOOP, wait_for, zip_bytes

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_sandbox_escape import PlainModes, alive, stat_fields, tear_down  # noqa: E402
from test_sandbox_orphans import watchdogs  # noqa: E402
from test_sandbox_pool import children  # noqa: E402  (a pid's child processes)

BOOTSTRAP = SHELL_BOOTSTRAP_LOOP + r'''  OP=$(sed -n 's/.*"op" *: *"\([a-z]*\)".*/\1/p' "$B")
  HB=$(sed -n 's/.*"heartbeat" *: *"\([^"]*\)".*/\1/p' "$B")
  GO=$(sed -n 's/.*"go" *: *"\([^"]*\)".*/\1/p' "$B")
  if [ "$OP" = answer ]; then
    curl -sS -X POST "$API/invocation/$ID/response" -d "{\"pid\":$$}" >/dev/null
    continue
  fi
  # the heartbeat loop: a new session, its parent gone at once (orphaned)
  P=$(setsid sh -c '"$0" "$1" </dev/null >/dev/null 2>&1 & echo $!' "$LAMBDA_TASK_ROOT/heartbeat" "$HB")
  while [ ! -s "$HB" ]; do sleep 0.01; done
  echo "SLEEPER=$P"
  SUP=$PPID
  case "$OP" in
    now)
      kill -9 "$SUP"
      sleep 300 ;;
    later)
      setsid sh -c 'while [ ! -e "$0" ]; do sleep 0.02; done; kill -9 "$1"' "$GO" "$SUP" </dev/null >/dev/null 2>&1 &
      curl -sS -X POST "$API/invocation/$ID/response" -d "{\"sleeper\":$P,\"supervisor\":$SUP,\"pid\":$$}" >/dev/null ;;
  esac
done
'''

HEARTBEAT = '''#!/bin/sh
while :; do date +%s%N > "$1"; sleep 0.05; done
'''


def supervisors(nimbus_pid, function):
    """nimbus's children that lead the function's plain instances ("sbx-supervisor …/FUNCTION/…/bootstrap")."""
    found = []
    for c in children(nimbus_pid):
        try:
            with open("/proc/%d/cmdline" % c, "rb") as f:
                cmd = f.read()
            if cmd.startswith(b"sbx-supervisor\0") and ("/%s/" % function).encode() in cmd:
                found.append(c)
        except OSError:
            pass
    return found


class SupervisorKilled(PlainModes, unittest.TestCase):
    def run_mode(self, args=(), env=None, unprivileged=False, want_mode=None):
        data = tempfile.mkdtemp(prefix="nimbus-e2e-")
        beats = tempfile.mkdtemp(prefix="nimbus-e2e-heartbeat-")
        os.chmod(beats, 0o777)                    # the function may run as nobody
        n = self.daemon(data, args, env, unprivileged)
        seen = {}
        try:
            self.start_in_mode(n, env, unprivileged, want_mode)
            c = n.client("lambda", config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60))
            pkg = zip_bytes({"bootstrap": (BOOTSTRAP, 0o755), "heartbeat": (HEARTBEAT, 0o755)})
            for name, code, timeout in (("hostile-fn", pkg, 30),
                                        ("echo-fn", zip_bytes({"bootstrap": (ECHO, 0o755)}), 30)):
                c.create_function(FunctionName=name, Runtime="provided.al2", Handler="x", Timeout=timeout,
                                  Role="arn:aws:iam::%s:role/lambda-role" % n.account, Code={"ZipFile": code})

            def serving():
                r = c.invoke(FunctionName="echo-fn", Payload=b"{}")
                self.assertNotIn("FunctionError", r)
                self.assertEqual(json.loads(r["Payload"].read()), {"echo": True})

            def invoke(event):
                r = c.invoke(FunctionName="hostile-fn", Payload=json.dumps(event).encode(), LogType="Tail")
                log = base64.b64decode(r.get("LogResult", "")).decode(errors="replace")
                m = re.search(r"SLEEPER=(\d+)", log)
                pid = int(m.group(1)) if m else None
                if pid:
                    f = stat_fields(pid)
                    seen[pid] = f[19] if f else None
                return r, pid, r["Payload"].read(), log

            def gone(pid, why):
                self.assertTrue(wait_for(lambda: not alive(pid, seen[pid]), timeout=10),
                                "the heartbeat loop %d outlived its killed supervisor (%s)" % (pid, why))

            def silent(hb):
                """Nothing writes the heartbeat file any more: removed, it stays away while nimbus
                serves another invocation."""
                os.unlink(hb)
                serving()
                self.assertFalse(os.path.exists(hb), "the heartbeat file was written again")

            serving()
            # nimbus's own children: the watchdog and echo-fn's environment (its supervisor)
            self.assertEqual(len(watchdogs(n.proc.pid)), 1)
            self.assertTrue(supervisors(n.proc.pid, "echo-fn"))
            mine = {p: stat_fields(p)[19] for p in watchdogs(n.proc.pid) + supervisors(n.proc.pid, "echo-fn")}

            # 1. the supervisor killed during an invocation
            hb1 = os.path.join(beats, "hb1")
            r, p1, body, log = invoke({"op": "now", "heartbeat": hb1})
            self.assertTrue(p1, log)
            self.assertEqual(r.get("FunctionError"), "Unhandled", body)
            err = json.loads(body)
            self.assertEqual(err["errorType"], "Runtime.ExitError", body)
            self.assertIn("Runtime exited with error: signal: killed", err["errorMessage"], body)
            gone(p1, "killed during an invocation")
            self.assertTrue(wait_for(lambda: "a function left outside its supervisor" in n.read_log(), timeout=10),
                            n.read_log(tail=2000))
            silent(hb1)

            # 2. the supervisor killed while the instance is idle (frozen), by a process that left
            #    its group: nimbus notices at once, with no invocation to come
            hb2, go = os.path.join(beats, "hb2"), os.path.join(beats, "go")
            r, p2, body, log = invoke({"op": "later", "heartbeat": hb2, "go": go})
            self.assertNotIn("FunctionError", r, body)
            out = json.loads(body)
            self.assertEqual(out["sleeper"], p2)
            sup = out["supervisor"]
            sup_start = stat_fields(sup)[19]
            self.assertTrue(alive(p2, seen[p2]), "the heartbeat loop did not outlive the invocation")
            self.assertNotEqual(stat_fields(p2)[3], stat_fields(out["pid"])[3], "it did not leave the session")
            with open(go, "w"):
                pass
            self.assertTrue(wait_for(lambda: not alive(sup, sup_start), timeout=10), "the supervisor was not killed")
            gone(p2, "killed while idle")
            silent(hb2)

            # 3. the same function serves again (a new environment), and so does another
            r, _, body, _ = invoke({"op": "answer"})
            self.assertNotIn("FunctionError", r, body)
            self.assertNotEqual(json.loads(body)["pid"], out["pid"])
            serving()

            # nimbus's own children were never taken for orphans
            for p, start in mine.items():
                self.assertTrue(alive(p, start), "nimbus's own child %d was killed" % p)
        finally:
            tear_down(n, seen, data, beats)


if __name__ == "__main__":
    unittest.main()
