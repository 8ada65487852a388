"""The sandbox's pool of pre-isolated blank processes (src/sandbox/sbx_pool.c), through Lambda.

A nimbus running as root keeps lambda.sandbox_pool (default 2) blanks: processes
already in their own namespaces and cgroups, waiting for a function. A cold start
hands one the function's plan. Checked here, each through real functions:
- a cold start's instance is one of the blanks (its host pid was a waiting blank's);
- each blank serves one function once: two functions get two different blanks,
  and the pool refills to its size;
- the function's own identity and limits hold on a pooled instance: its uid (not
  root, different per function), its environment, MemorySize in the memory cgroup,
  the pids limit, the CPU weight;
- after DeleteFunction nothing of the instance is left (process, cgroups), and
  after a graceful stop neither the blanks nor any of their cgroups are;
- lambda.sandbox_pool=0 keeps no blank.
Instances are found in /proc by a marker in their environment (POOL_MARK)."""
import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

import boto3
import botocore.config

from harness import ROOT, Nimbus, wait_for, zip_bytes

BOOTSTRAP = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
H=$(mktemp)
while true; do
  curl -sS -D "$H" -o /dev/null "$API/invocation/next"
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  printf '{"uid":%s,"gid":%s,"mark":"%s","mem":"%s","hostname":"%s"}' "$(id -u)" "$(id -g)" \
    "$POOL_MARK" "$AWS_LAMBDA_FUNCTION_MEMORY_SIZE" "$(cat /proc/sys/kernel/hostname)" > /tmp/out
  curl -sS -X POST "$API/invocation/$ID/response" --data-binary @/tmp/out >/dev/null
done
'''


# A native handler that reports the sandbox it runs in (tests/sandbox/probe_handler.c).
PROBE_HANDLER = os.path.join(ROOT, "tests", "sandbox", "probe_handler.c")


def children(pid):
    """Pids of pid's child processes."""
    out = []
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def uid_of(pid):
    with open("/proc/%d/status" % pid) as f:
        return int([ln for ln in f.read().splitlines() if ln.startswith("Uid:")][0].split()[1])


def blanks(pid):
    """nimbus's waiting blanks: children still running nimbus's own image, or the native
    runner they exec once isolated (a memfd) and still root (an instance served in-process
    by one runs as the function's uid; others have exec'd their runtime). Not the watchdog
    ("sbx-reaper <pid>", also nimbus's own image and, nimbus being a child subreaper, its
    child)."""
    exe = os.readlink("/proc/%d/exe" % pid)
    found = []
    for c in children(pid):
        try:
            with open("/proc/%d/cmdline" % c, "rb") as f:
                if f.read().startswith(b"sbx-reaper\0"):
                    continue
            e = os.readlink("/proc/%d/exe" % c)
            if e == exe or (e.startswith("/memfd:nimbus-blank") and uid_of(c) == 0):
                found.append(c)
        except OSError:
            pass
    return sorted(found)


def marked(token):
    needle = ("POOL_MARK=%s\0" % token).encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as f:
                if needle in f.read():
                    found.append(int(name))
        except OSError:
            continue
    return sorted(found)


def ppid(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def leaders(token, nimbus_pid):
    """The marked processes that nimbus started (the instances' PID 1), not their children."""
    return [p for p in marked(token) if ppid(p) == nimbus_pid]


def cgroups(pid):
    """{controller: path} of a process (v2: key "")."""
    out = {}
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f.read().splitlines():
            _, ctrls, path = line.split(":", 2)
            for c in (ctrls.split(",") if ctrls else [""]):
                out[c] = path
    return out


def v1_file(ctrl, path, name):
    for base in ("/sys/fs/cgroup/" + ctrl,):
        p = base + path + "/" + name
        if os.path.exists(p):
            with open(p) as f:
                return f.read().strip()
    return None


def pool_dirs(nimbus_pid):
    pats = ["/sys/fs/cgroup/*/nimbus-sbx*/pool.%d.*" % nimbus_pid,
            "/sys/fs/cgroup/*/*/*/nimbus-sbx*/pool.%d.*" % nimbus_pid]
    return sorted(set(p for pat in pats for p in glob.glob(pat)))


def instance_dirs(nimbus_pid, name):
    pats = ["/sys/fs/cgroup/*/nimbus-sbx*/fn-%s-*.%d.*" % (name, nimbus_pid),
            "/sys/fs/cgroup/*/*/*/nimbus-sbx*/fn-%s-*.%d.*" % (name, nimbus_pid)]
    return sorted(set(p for pat in pats for p in glob.glob(pat)))


@unittest.skipUnless(os.geteuid() == 0, "the pool exists in root mode")
class SandboxPool(unittest.TestCase):
    def client(self, n):
        return boto3.client("lambda", endpoint_url=n.endpoint, region_name="us-east-1",
                            aws_access_key_id=n.creds["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=n.creds["AWS_SECRET_ACCESS_KEY"],
                            config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60))

    def create(self, c, name, token, memory):
        c.create_function(FunctionName=name, Runtime="provided.al2", Handler="x", MemorySize=memory,
                          Role="arn:aws:iam::000000000000:role/lambda-role",
                          Environment={"Variables": {"POOL_MARK": token}},
                          Code={"ZipFile": zip_bytes({"bootstrap": (BOOTSTRAP, 0o755)})})

    def invoke(self, c, name):
        r = c.invoke(FunctionName=name, Payload=b"{}")
        body = r["Payload"].read()
        self.assertNotIn("FunctionError", r, body)
        return json.loads(body)

    def test_pooled_instances_are_used_once_with_the_functions_own_limits(self):
        n = Nimbus(extra_args=["--set", "lambda.proactive_init=0"])
        try:
            n.start()
            pid = n.proc.pid
            c = self.client(n)
            ready = wait_for(lambda: len(blanks(pid)) == 2 and blanks(pid), timeout=20)
            self.assertTrue(ready, "no blanks: %s" % children(pid))
            self.assertEqual(len(pool_dirs(pid)) >= 2, True, pool_dirs(pid))

            ta, tb = uuid.uuid4().hex, uuid.uuid4().hex
            self.create(c, "pool-a", ta, 256)
            self.create(c, "pool-b", tb, 512)
            before = set(blanks(pid))
            out_a = self.invoke(c, "pool-a")
            inst_a = leaders(ta, pid)
            self.assertEqual(len(inst_a), 1, inst_a)
            self.assertIn(inst_a[0], before, "pool-a's instance was not a waiting blank")
            out_b = self.invoke(c, "pool-b")
            inst_b = leaders(tb, pid)
            self.assertEqual(len(inst_b), 1, inst_b)
            self.assertNotEqual(inst_a[0], inst_b[0])          # one blank per function, used once
            # the pool refills to its size with new blanks
            self.assertTrue(wait_for(lambda: len(blanks(pid)) == 2, timeout=20), blanks(pid))
            self.assertFalse(set(blanks(pid)) & {inst_a[0], inst_b[0]})

            # the function's identity and environment
            self.assertEqual(out_a["mark"], ta)
            self.assertEqual(out_b["mark"], tb)
            self.assertEqual(out_a["mem"], "256")
            self.assertEqual(out_a["hostname"], "nimbus")
            self.assertGreaterEqual(out_a["uid"], 10000)
            self.assertEqual(out_a["uid"], out_a["gid"])
            self.assertNotEqual(out_a["uid"], out_b["uid"])
            with open("/proc/%d/status" % inst_a[0]) as f:
                status = f.read()
            self.assertIn("CapEff:\t0000000000000000", status)
            self.assertIn("NoNewPrivs:\t1", status)
            self.assertIn("Seccomp:\t2", status)

            # the function's limits, written into the blank's groups
            for inst, mb in ((inst_a[0], 256), (inst_b[0], 512)):
                cg = cgroups(inst)
                self.assertIn("/pool.%d." % pid, cg["memory"])
                self.assertEqual(v1_file("memory", cg["memory"], "memory.limit_in_bytes"), str(mb << 20))
                self.assertEqual(v1_file("pids", cg["pids"], "pids.max"), "1024")
                self.assertEqual(v1_file("cpu", cg["cpu"], "cpu.shares"), str(mb * 1024 // 1769))
                self.assertNotEqual(cg["memory"], cgroups(pid)["memory"])

            # DeleteFunction: the instance and its groups are gone
            dirs_a = [d for d in pool_dirs(pid) if os.path.exists(d + "/cgroup.procs") and
                      str(inst_a[0]) in open(d + "/cgroup.procs").read().split()]
            self.assertTrue(dirs_a)
            c.delete_function(FunctionName="pool-a")
            self.assertTrue(wait_for(lambda: not marked(ta), timeout=20), marked(ta))
            self.assertTrue(wait_for(lambda: not any(os.path.exists(d) for d in dirs_a), timeout=20), dirs_a)

            # graceful stop: no blank, no instance, no group of this nimbus left
            waiting = blanks(pid)
            self.assertEqual(n.stop(), 0)
            self.assertFalse([p for p in waiting if os.path.exists("/proc/%d" % p)])
            self.assertEqual(marked(tb), [])
            self.assertEqual(pool_dirs(pid), [])
        finally:
            n.cleanup()

    def native(self, c, name, token, files, data_dir):
        c.create_function(FunctionName=name, Runtime="nimbus.native", Handler="handler.so", MemorySize=128,
                          Role="arn:aws:iam::000000000000:role/lambda-role",
                          Environment={"Variables": {"POOL_MARK": token, "PROBE_DATA_DIR": data_dir}},
                          Code={"ZipFile": zip_bytes(files)})

    def test_native_cold_start_runs_in_the_blank_with_every_guarantee(self):
        """A blank has exec'd the native runner; a native cold start is served by that very
        process (no execve: its image is still the blank's), with the whole sandbox in place
        before the handler is loaded, and a function that ships its own libraries is exec'd."""
        tmp = tempfile.mkdtemp(prefix="pool-native-")
        n = Nimbus(extra_args=["--set", "lambda.proactive_init=0"])
        try:
            so = os.path.join(tmp, "handler.so")
            src = PROBE_HANDLER
            inc = os.path.join(ROOT, "include")
            subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", so, src, "-I", inc], check=True)
            # the same probe, through a library of its own in lib/ (found through LD_LIBRARY_PATH)
            dep_src = os.path.join(tmp, "dep.c")
            with open(dep_src, "w") as f:
                f.write("int dep_value(void) { return 42; }\n")
            dep = os.path.join(tmp, "libpooldep.so")
            subprocess.run(["cc", "-shared", "-fPIC", "-o", dep, dep_src], check=True)
            so2 = os.path.join(tmp, "handler2.so")
            subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-DWITH_DEP", "-o", so2, src, "-I", inc,
                            "-L", tmp, "-lpooldep"], check=True)
            read = lambda p: open(p, "rb").read()

            n.start()
            pid = n.proc.pid
            c = self.client(n)
            self.assertTrue(wait_for(lambda: len(blanks(pid)) == 2, timeout=20), children(pid))
            for b in blanks(pid):      # exec'd, still root, waiting
                self.assertTrue(os.readlink("/proc/%d/exe" % b).startswith("/memfd:nimbus-blank"))
                self.assertEqual(uid_of(b), 0)
            ta, tb = uuid.uuid4().hex, uuid.uuid4().hex
            self.native(c, "pool-native", ta, {"handler.so": (read(so), 0o644)}, n.data_dir)
            self.native(c, "pool-native-lib", tb, {"handler.so": (read(so2), 0o644),
                                                  "lib/libpooldep.so": (read(dep), 0o644)}, n.data_dir)
            before = set(blanks(pid))
            out = self.invoke(c, "pool-native")
            inst = leaders(ta, pid)          # found by its environment in /proc/PID/environ
            self.assertEqual(len(inst), 1, inst)
            self.assertIn(inst[0], before, "the instance was not a waiting blank")
            self.assertTrue(os.readlink("/proc/%d/exe" % inst[0]).startswith("/memfd:nimbus-blank"),
                            "served in-process")
            self.assertEqual(out["exe"][:19], "/memfd:nimbus-blank")
            # the sandbox, as the handler sees it
            self.assertEqual(out["mark"], ta)
            self.assertGreaterEqual(out["uid"], 10000)
            self.assertEqual(out["uid"], out["gid"])
            self.assertEqual(out["pid"], 1)
            self.assertEqual(out["caps"], "0000000000000000")
            self.assertEqual(out["bnd"], "0000000000000000")
            self.assertEqual(out["nnp"], 1)
            self.assertEqual(out["seccomp"], 2)
            self.assertEqual(out["dumpable"], 1)
            self.assertEqual(out["host"], "nimbus")
            self.assertEqual(out["cwd"], "/var/task")
            self.assertEqual(out["fds"], "0,1,2,3")      # stdio and its Runtime API connection
            self.assertEqual(out["blank_env"], 0)         # nothing of the blank's own start
            self.assertEqual(out["environ_mark"], 1)      # /proc/self/environ is the function's
            self.assertEqual(out["write_task"], "EROFS")
            self.assertEqual(out["data_dir"], "ENOENT")
            self.assertEqual(out["mount"], "EPERM")
            self.assertEqual(out["tmp"], "ok")
            self.assertEqual(out["nofile"], 1024)
            with open("/proc/%d/status" % inst[0]) as f:
                status = f.read()
            self.assertIn("CapEff:\t0000000000000000", status)
            self.assertIn("Seccomp:\t2", status)
            cg = cgroups(inst[0])
            self.assertIn("/pool.%d." % pid, cg["memory"])
            self.assertEqual(v1_file("memory", cg["memory"], "memory.limit_in_bytes"), str(128 << 20))
            # warm invokes go to the same process
            self.assertEqual(self.invoke(c, "pool-native")["pid"], 1)
            self.assertEqual(leaders(ta, pid), inst)

            # a function with its own libraries: exec'd by its blank, so the loader searches lib/
            self.assertTrue(wait_for(lambda: len(blanks(pid)) == 2, timeout=20), blanks(pid))
            before = set(blanks(pid))
            out2 = self.invoke(c, "pool-native-lib")
            self.assertEqual(out2["dep"], 42)
            self.assertEqual(out2["exe"], "/var/runtime/runtimes/native/bootstrap")
            inst2 = leaders(tb, pid)
            self.assertEqual(len(inst2), 1, inst2)
            self.assertIn(inst2[0], before)
            self.assertNotEqual(out2["uid"], out["uid"])
            self.assertEqual((out2["caps"], out2["nnp"], out2["seccomp"], out2["pid"]), ("0000000000000000", 1, 2, 1))

            for name, t in (("pool-native", ta), ("pool-native-lib", tb)):
                c.delete_function(FunctionName=name)
                self.assertTrue(wait_for(lambda: not marked(t), timeout=20), marked(t))
            self.assertEqual(n.stop(), 0)
            self.assertEqual(pool_dirs(pid), [])
        finally:
            n.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)

    def test_size_zero_keeps_no_blank(self):
        n = Nimbus(extra_args=["--set", "lambda.sandbox_pool=0", "--set", "lambda.proactive_init=0"])
        try:
            n.start()
            pid = n.proc.pid
            c = self.client(n)
            t = uuid.uuid4().hex
            self.create(c, "nopool", t, 128)
            self.assertEqual(self.invoke(c, "nopool")["mark"], t)
            self.assertEqual(blanks(pid), [])
            self.assertEqual(pool_dirs(pid), [])
            self.assertEqual(len(instance_dirs(pid, "nopool")) >= 1, True)
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
