"""No process of a function outlives a kill -9 of nimbus, frozen or not, in every sandbox mode.

Regression test for issue 5 ("function code can never harm nimbus or other
functions"): in plain-process mode only the instance's leader had
PR_SET_PDEATHSIG, the instance runs in its own session (so the kernel's
orphaned-process-group SIGHUP never reaches it), and between invocations the
whole group is SIGSTOPped — so a background child of a shell bootstrap stayed
stopped, forever, after nimbus died. The function here starts two background
processes on every invocation (a `sleep` and a shell that waits on one); every
process of the function carries ORPHAN_MARK=<token> in its environment, which
is how the test finds them in /proc. The instance is frozen between
invocations when nimbus is killed; the test then polls /proc (with a deadline:
no timing assertion) until no marked process is left, and checks again after
nimbus started anew on the same data directory.

Modes: plain processes as root (lambda.isolate=0), plain processes without
root (nimbus as nobody, NIMBUS_SANDBOX=no-userns), the user-namespace mode
(nimbus as nobody), root with the v2 cgroup freezer (default) and root with
only v1 cgroups (NIMBUS_SANDBOX=cgroup-v1: a v1-frozen task does not act on
SIGKILL until thawed)."""
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest
import uuid

import boto3
import botocore.config

import harness
from harness import Nimbus, wait_for, zip_bytes

BOOTSTRAP = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
H=$(mktemp)
while true; do
  curl -sS -D "$H" -o /dev/null "$API/invocation/next"
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  sleep 300 &
  sh -c 'sleep 300; :' orphan &
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\"pid\":$$}" >/dev/null
done
'''

NOBODY = 65534


def marked(token):
    """{pid: state} of every live process whose environment holds ORPHAN_MARK=token."""
    needle = ("ORPHAN_MARK=%s\0" % token).encode()
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as f:
                if needle not in f.read():
                    continue
            with open("/proc/%s/stat" % name) as f:
                found[int(name)] = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
    return found


def starttime(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except OSError:
        return None


def survivors(before):
    """The processes of before ({pid: start time}) still alive (not a reuse of their pid)."""
    return [p for p, t in before.items() if starttime(p) == t]


def frozen(pid):
    """Is the process stopped (SIGSTOP) or in a frozen cgroup (v2 cgroup.events, v1 freezer.state)?"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "T":
                return True
        with open("/proc/%d/cgroup" % pid) as f:
            lines = f.read().splitlines()
    except OSError:
        return False
    for line in lines:
        _, ctrls, path = line.split(":", 2)
        try:
            if ctrls == "":
                for mnt in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup"):
                    p = mnt + path + "/cgroup.events"
                    if os.path.exists(p):
                        with open(p) as f:
                            if "frozen 1" in f.read():
                                return True
            elif "freezer" in ctrls.split(","):
                with open("/sys/fs/cgroup/freezer" + path + "/freezer.state") as f:
                    if f.read().strip() == "FROZEN":
                        return True
        except OSError:
            pass
    return False


def watchdogs(nimbus_pid):
    """Pids of the instance watchdog ("sbx-reaper <nimbus pid>") of that nimbus still alive."""
    found = []
    for name in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                if f.read() == b"sbx-reaper\0%d\0" % nimbus_pid:
                    found.append(int(name))
        except OSError:
            continue
    return found


def force_kill(pid):
    """SIGKILL pid, and thaw its v1 freezer group (a v1-frozen task acts on SIGKILL only once thawed)."""
    try:
        os.kill(pid, 9)
        with open("/proc/%d/cgroup" % pid) as f:
            for line in f.read().splitlines():
                _, ctrls, path = line.split(":", 2)
                if "freezer" in ctrls.split(","):
                    with open("/sys/fs/cgroup/freezer" + path + "/freezer.state", "w") as g:
                        g.write("THAWED")
    except OSError:
        pass


def setpriv_nobody():
    return ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups", "--"]


def doctor(env, unprivileged):
    """The "sandbox mode: …" line of `nimbus doctor` run as the daemon is."""
    e = dict(os.environ)
    e.update(env or {})
    cmd = (setpriv_nobody() if unprivileged else []) + [harness.BINARY, "doctor"]
    out = subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=60, cwd="/").stdout
    return next((l for l in out.splitlines() if l.startswith("sandbox mode: ")), out)


class Unprivileged(Nimbus):
    """A nimbus started as nobody (setpriv), on a data directory nobody owns."""

    def start(self, timeout=10.0):
        os.chown(self.data_dir, NOBODY, NOBODY)
        wrapper_dir = tempfile.mkdtemp(prefix="nimbus-e2e-nobody-")
        wrapper = os.path.join(wrapper_dir, "nimbus")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\nexec %s "%s" "$@"\n' % (" ".join(setpriv_nobody()), harness.BINARY))
        os.chmod(wrapper, stat.S_IRWXU)
        real, harness.BINARY = harness.BINARY, wrapper
        try:
            return super().start(timeout)
        finally:
            harness.BINARY = real
            shutil.rmtree(wrapper_dir, ignore_errors=True)


class SandboxOrphans(unittest.TestCase):
    def run_mode(self, args=(), env=None, unprivileged=False, want_mode=None, watchdog=True,
                 kill_watchdog=False):
        """watchdog: whether this mode hands instances to the watchdog (sbx_reaper.c)
        rather than relying on the PID namespace alone. kill_watchdog: kill -9 it
        together with nimbus; then the next start of nimbus must clean up."""
        token = uuid.uuid4().hex
        data = tempfile.mkdtemp(prefix="nimbus-e2e-")
        cls = Unprivileged if unprivileged else Nimbus
        n = cls(data_dir=data, extra_args=args, env=env)
        n2 = None
        try:
            n.start()
            if want_mode:
                self.assertIn("sandbox mode: " + want_mode, doctor(env, unprivileged))
            c = boto3.client("lambda", endpoint_url=n.endpoint, region_name="us-east-1",
                             aws_access_key_id=n.creds["AWS_ACCESS_KEY_ID"],
                             aws_secret_access_key=n.creds["AWS_SECRET_ACCESS_KEY"],
                             config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60))
            c.create_function(FunctionName="orphan-fn", Runtime="provided.al2", Handler="x",
                              Role="arn:aws:iam::000000000000:role/lambda-role",
                              Environment={"Variables": {"ORPHAN_MARK": token}},
                              Code={"ZipFile": zip_bytes({"bootstrap": (BOOTSTRAP, 0o755)})})
            for _ in range(2):
                r = c.invoke(FunctionName="orphan-fn", Payload=b"{}")
                body = r["Payload"].read()
                self.assertNotIn("FunctionError", r, body)
                self.assertIn("pid", json.loads(body))
            # the leader, two sleeps and two shells per invocation; frozen between invocations
            procs = wait_for(lambda: len(marked(token)) >= 5 and marked(token), timeout=10)
            self.assertGreaterEqual(len(procs), 5, procs)
            self.assertTrue(wait_for(lambda: all(frozen(p) for p in marked(token)), timeout=10),
                            "instance not frozen: %r" % marked(token))
            had_watchdog = bool(watchdogs(n.proc.pid))
            old = {p: starttime(p) for p in marked(token)}
            if kill_watchdog:
                for pid in watchdogs(n.proc.pid):
                    os.kill(pid, 9)
            n.kill9()
            if not kill_watchdog:
                left = wait_for(lambda: not marked(token), timeout=10)
                self.assertTrue(left, "processes of the function survived kill -9 of nimbus: %r" % marked(token))
            # the watchdog that cleaned up (plain mode, v1 freezer) does not outlive its work
            self.assertTrue(wait_for(lambda: not watchdogs(n.proc.pid), timeout=10), watchdogs(n.proc.pid))
            self.assertEqual(had_watchdog, watchdog)
            # a new nimbus on the same data serves (and cleans up what was left, if anything)
            n2 = cls(data_dir=data, extra_args=args, env=env)
            n2.start()
            if kill_watchdog:
                # (the new nimbus may start an instance of its own: only the old ones count)
                left = wait_for(lambda: not survivors(old), timeout=10)
                self.assertTrue(left, "processes of the function survived a restart of nimbus: %r" % survivors(old))
            r = n2.client("lambda").invoke(FunctionName="orphan-fn", Payload=b"{}")
            self.assertNotIn("FunctionError", r)
            n2.stop()
            self.assertTrue(wait_for(lambda: not marked(token), timeout=10),
                            "processes of the function survived a stop of nimbus: %r" % marked(token))
            self.assertTrue(wait_for(lambda: not watchdogs(n2.proc.pid), timeout=10), watchdogs(n2.proc.pid))
        finally:
            for d in (n, n2):
                if d:
                    d.kill9()
                    d.stop()
            # never leave a test's processes behind, whatever failed above
            for pid in marked(token):
                force_kill(pid)
            unpacked = n.unpack_dir()
            if unpacked:
                shutil.rmtree(unpacked, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)

    def test_plain_processes_as_root(self):
        self.run_mode(args=("--set", "lambda.isolate=0"))

    def test_plain_processes_older_kernel(self):
        # before Linux 6.9 the watchdog signals a group by number, only while its leader lives
        self.run_mode(env={"NIMBUS_SANDBOX": "no-userns,no-pidfd-pgrp"}, unprivileged=True, want_mode="plain")

    def test_plain_processes_older_kernel_watchdog_killed_too(self):
        # no cgroup to sweep here: the next start's run-file sweep finds what is left
        self.run_mode(env={"NIMBUS_SANDBOX": "no-userns,no-pidfd-pgrp"}, unprivileged=True, want_mode="plain",
                      kill_watchdog=True)

    def test_plain_processes_unprivileged(self):
        self.run_mode(env={"NIMBUS_SANDBOX": "no-userns"}, unprivileged=True, want_mode="plain")

    def test_user_namespace_mode(self):
        # unprivileged nimbus isolates only when asked (lambda.isolate defaults to full isolation)
        self.run_mode(args=("--set", "lambda.isolate=1"), unprivileged=True, want_mode="user namespace",
                      watchdog=False)

    def test_root_mode(self):
        self.run_mode(want_mode="root", watchdog=False)

    def test_root_mode_v1_cgroups(self):
        self.run_mode(env={"NIMBUS_SANDBOX": "cgroup-v1"}, want_mode="root")

    def test_root_mode_v1_cgroups_watchdog_killed_too(self):
        # frozen by the v1 freezer, the namespace's init cannot act on its PDEATHSIG; without
        # the watchdog the next start finds the stale cgroups populated, kills and thaws them
        self.run_mode(env={"NIMBUS_SANDBOX": "cgroup-v1"}, want_mode="root", kill_watchdog=True)


if __name__ == "__main__":
    unittest.main()
