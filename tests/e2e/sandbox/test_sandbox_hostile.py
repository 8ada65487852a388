"""The hostile-function suite of issue 5, run by nimbus as real Lambda functions.

tests/sandbox/hostile.c (the program tests/unit/test_sandbox.c starts through
sbx_spawn directly) is compiled here with the host's cc and packaged, with a
shell bootstrap, as a function: each invocation's event {"mode", "arg"} runs
`hostile MODE ARG` inside the instance and answers its one line "RESULT …"
(modes that keep running — a fork bomb, a process holding /tmp — run in the
background and the answer is their first line). Each attempt must be
contained and reported, and after each one nimbus still serves another
function (echo-fn). Runs as root (full isolation: mount, PID, IPC, UTS
namespaces, per-function uid, seccomp, cgroups). What the kernel answers:
reading nimbus's data directory ENOENT (not in the instance's root), writing
/var/task EROFS, allocating past MemorySize OOM-kill ("Runtime exited with
error: signal: killed", Runtime.ExitError), a fork bomb EAGAIN (pids limit),
filling /tmp past EphemeralStorage ENOSPC, killing nimbus or another
function's instance ESRCH (not in its PID namespace), ptrace / mount /
unshare / a raw socket EPERM (seccomp, no capabilities), writing a
cgroup.procs ENOENT (no cgroupfs inside), sleeping past the timeout "Task
timed out", and one function's /tmp is not another's."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

import botocore.config

import harness
from harness import ECHO_BOOTSTRAP as ECHO, SHELL_BOOTSTRAP_LOOP, NimbusTestCase, wait_for, zip_bytes

BOOTSTRAP = SHELL_BOOTSTRAP_LOOP.replace("#!/bin/sh", "#!/bin/bash", 1) + r'''  M=$(sed -n 's/.*"mode" *: *"\([a-z_]*\)".*/\1/p' "$B")
  A=$(sed -n 's/.*"arg" *: *"\([^"]*\)".*/\1/p' "$B")
  case "$M" in
    exec_alloc) exec /var/task/hostile alloc "$A" ;;
    sleep) sleep "$A"; OUT="RESULT slept" ;;
    forkbomb)
      # every pid of the instance is taken once the bomb hits its limit: from here on
      # only bash's builtins (read, /dev/tcp) report it, nothing that forks
      O=$(mktemp)
      /var/task/hostile forkbomb > "$O" 2>&1 &
      OUT=
      while [ -z "$OUT" ]; do read -r OUT < "$O"; done
      BODY="{\"out\":\"$OUT\",\"pid\":$$}"
      exec 3<>"/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API#*:}"
      printf 'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: rapi\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "$ID" "${#BODY}" "$BODY" >&3
      read -r _ <&3
      exec 3<&-
      continue ;;
    tmp_put)
      O=$(mktemp)
      /var/task/hostile "$M" "$A" > "$O" 2>&1 &
      while ! grep -q RESULT "$O"; do sleep 0.05; done
      OUT=$(grep RESULT "$O" | head -1) ;;
    *) OUT=$(/var/task/hostile "$M" "$A" 2>&1 | head -c 300 | tr -d '"\\') ;;
  esac
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\"out\":\"$OUT\",\"pid\":$$}" >/dev/null
done
'''



def marked(token):
    """Host pids of the live processes whose environment holds VICTIM_MARK=token."""
    needle = ("VICTIM_MARK=%s\0" % token).encode()
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/environ" % name, "rb") as f:
                    if needle in f.read():
                        found.append(int(name))
            except OSError:
                pass
    return found


class SandboxHostile(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.build = tempfile.mkdtemp(prefix="nimbus-e2e-hostile-")
        exe = os.path.join(cls.build, "hostile")
        subprocess.run(["cc", "-O1", "-w", "-o", exe, os.path.join(harness.ROOT, "tests", "sandbox", "hostile.c")],
                       check=True)
        with open(exe, "rb") as f:
            cls.package = zip_bytes({"bootstrap": (BOOTSTRAP, 0o755), "hostile": (f.read(), 0o755)})
        cls.c = cls.nimbus.client("lambda", config=botocore.config.Config(retries={"max_attempts": 1},
                                                                           read_timeout=120))
        cls.create("echo-fn", zip_bytes({"bootstrap": (ECHO, 0o755)}))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.build, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def create(cls, name, package=None, memory=256, timeout=30, tmp=512, env=None):
        cls.c.create_function(FunctionName=name, Runtime="provided.al2", Handler="x", Timeout=timeout,
                              MemorySize=memory, EphemeralStorage={"Size": tmp},
                              Environment={"Variables": env or {}},
                              Role="arn:aws:iam::%s:role/lambda-role" % cls.nimbus.account,
                              Code={"ZipFile": package or cls.package})

    def attempt(self, fn, mode, arg=""):
        """The RESULT line of hostile MODE ARG run in an instance of fn; then nimbus must still serve."""
        r = self.c.invoke(FunctionName=fn, Payload=json.dumps({"mode": mode, "arg": arg}).encode())
        body = r["Payload"].read()
        self.assertNotIn("FunctionError", r, body)
        self.still_serving()
        return json.loads(body)["out"]

    def still_serving(self):
        r = self.c.invoke(FunctionName="echo-fn", Payload=b"{}")
        self.assertNotIn("FunctionError", r)
        self.assertEqual(json.loads(r["Payload"].read()), {"echo": True})

    def test_reading_nimbus_data_directory_fails(self):
        self.create("h-data")
        self.assertEqual(self.attempt("h-data", "read_dir", self.nimbus.data_dir), "RESULT ENOENT")
        self.assertEqual(self.attempt("h-data", "read_file", os.path.join(self.nimbus.data_dir, "credentials.json")),
                         "RESULT ENOENT")
        self.assertEqual(self.attempt("h-data", "read_dir", "/root"), "RESULT ENOENT")

    def test_writing_var_task_fails(self):
        self.create("h-task")
        self.assertEqual(self.attempt("h-task", "write_file", "/var/task/evil"), "RESULT EROFS")
        self.assertEqual(self.attempt("h-task", "write_file", "/var/task/bootstrap"), "RESULT EROFS")
        self.assertEqual(self.attempt("h-task", "write_file", "/tmp/fine"), "RESULT OK")

    def test_allocating_past_memory_size_is_killed(self):
        self.create("h-oom", memory=128)
        r = self.c.invoke(FunctionName="h-oom", Payload=json.dumps({"mode": "exec_alloc", "arg": "512"}).encode(),
                          LogType="Tail")
        body = json.loads(r["Payload"].read())
        self.assertEqual(r.get("FunctionError"), "Unhandled", body)
        self.assertEqual(body["errorType"], "Runtime.ExitError")
        self.assertIn("Runtime exited with error: signal: killed", body["errorMessage"])
        self.still_serving()

    def test_fork_bomb_stays_inside(self):
        self.create("h-bomb", memory=1024)
        self.assertEqual(self.attempt("h-bomb", "forkbomb"), "RESULT EAGAIN")
        self.c.delete_function(FunctionName="h-bomb")     # its instance, bomb and all, goes
        self.still_serving()

    def test_filling_tmp_past_its_size_fails(self):
        self.create("h-tmp", memory=1024, tmp=512)        # /tmp is memory here: MemorySize above it
        self.assertEqual(self.attempt("h-tmp", "fill_tmp"), "RESULT ENOSPC")
        self.c.delete_function(FunctionName="h-tmp")

    def test_killing_nimbus_or_another_instance_fails(self):
        token = uuid.uuid4().hex
        self.create("h-victim", package=zip_bytes({"bootstrap": (ECHO, 0o755)}), env={"VICTIM_MARK": token})
        self.assertNotIn("FunctionError", self.c.invoke(FunctionName="h-victim", Payload=b"{}"))
        victims = wait_for(lambda: marked(token), timeout=10)
        self.assertTrue(victims)
        self.create("h-kill")
        self.assertEqual(self.attempt("h-kill", "kill", str(self.nimbus.proc.pid)), "RESULT ESRCH")
        for pid in victims:
            self.assertEqual(self.attempt("h-kill", "kill", str(pid)), "RESULT ESRCH")
        self.assertEqual(self.attempt("h-kill", "kill", "1"), "RESULT OK")   # its own PID 1: init ignores it
        r = self.c.invoke(FunctionName="h-victim", Payload=b"{}")
        self.assertEqual(json.loads(r["Payload"].read()), {"echo": True})

    def test_ptrace_mount_unshare_raw_socket_and_cgroup_fail(self):
        self.create("h-sys")
        self.assertEqual(self.attempt("h-sys", "ptrace"), "RESULT EPERM")
        self.assertEqual(self.attempt("h-sys", "mount"), "RESULT EPERM")
        self.assertEqual(self.attempt("h-sys", "unshare"), "RESULT EPERM")
        self.assertEqual(self.attempt("h-sys", "raw"), "RESULT EPERM")
        self.assertEqual(self.attempt("h-sys", "cgroup"), "RESULT ENOENT")

    def test_sleeping_past_its_timeout_is_stopped(self):
        self.create("h-sleep", timeout=1)
        r = self.c.invoke(FunctionName="h-sleep", Payload=json.dumps({"mode": "sleep", "arg": "30"}).encode())
        body = json.loads(r["Payload"].read())
        self.assertEqual(r.get("FunctionError"), "Unhandled", body)
        self.assertIn("Task timed out after 1.00 seconds", body["errorMessage"])
        self.still_serving()

    def test_tmp_of_one_function_is_invisible_to_another(self):
        self.create("h-writer")
        self.create("h-reader")
        self.assertEqual(self.attempt("h-writer", "tmp_put"), "RESULT OK")
        self.assertEqual(self.attempt("h-writer", "stat", "/tmp/secret-marker"), "RESULT OK")   # its own /tmp
        self.assertEqual(self.attempt("h-reader", "stat", "/tmp/secret-marker"), "RESULT ENOENT")


if __name__ == "__main__":
    unittest.main()
