"""harness.py — starts one runtime process (node / python / native) against a
rapi_stub.Stub, with Lambda's environment, and collects its output.

Tests register with @test and run through run_all(), which prints one line
per test and the closing "N passed, N failed".
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from rapi_stub import Stub

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NODE_BOOTSTRAP = os.path.join(REPO, "runtimes", "nodejs", "bootstrap.js")
PY_BOOTSTRAP = os.path.join(REPO, "runtimes", "python", "bootstrap.py")
NATIVE_RUNNER = os.environ.get("NIMBUS_NATIVE_RUNNER", "")  # set by run.sh

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def write_files(root, files):
    for name, text in files.items():
        p = os.path.join(root, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(p, mode) as f:
            f.write(text)


class Instance:
    """One function instance: a task root, a stub Runtime API, a process."""

    def __init__(self, runtime, files=None, handler="index.handler", env=None, task_root=None,
                 name="fn"):
        self.stub = Stub()
        self.tmp = None
        if task_root is None:
            self.tmp = tempfile.mkdtemp(prefix="nimbus-rt-")
            task_root = self.tmp
            write_files(task_root, files or {})
        self.task_root = task_root
        e = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "_HANDLER": handler,
            "AWS_LAMBDA_RUNTIME_API": self.stub.address,
            "LAMBDA_TASK_ROOT": task_root,
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/" + name,
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/28/[$LATEST]0123456789abcdef",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_ACCESS_KEY_ID": "AKIDNIMBUSTEST",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_SESSION_TOKEN": "token",
        }
        if runtime == "node":
            e["AWS_EXECUTION_ENV"] = "AWS_Lambda_nodejs20.x"
            argv = ["node", NODE_BOOTSTRAP]
        elif runtime == "python":
            e["AWS_EXECUTION_ENV"] = "AWS_Lambda_python3.11"
            argv = ["/usr/bin/python3", PY_BOOTSTRAP]
        elif runtime == "native":
            e["AWS_EXECUTION_ENV"] = "AWS_Lambda_nimbus.native"
            argv = [NATIVE_RUNNER, "native-runner"]
        else:
            raise ValueError(runtime)
        e.update(env or {})
        self.out = []
        self.err = []
        self.proc = subprocess.Popen(argv, cwd=task_root, env=e, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self._readers:
            t.start()

    @staticmethod
    def _read(stream, sink):
        for line in iter(stream.readline, b""):
            sink.append(line.decode("utf-8", "replace"))

    def invoke(self, event, **kw):
        return self.stub.invoke(event, **kw)

    def wait_exit(self, timeout=10):
        return self.proc.wait(timeout)

    def logs(self, settle=0.0):
        """stdout lines so far (waits for the reader to catch up when the process ended)."""
        if self.proc.poll() is not None:
            for t in self._readers:
                t.join(2)
        return list(self.out)

    def wait_log(self, needle, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            for line in self.out:
                if needle in line:
                    return line
            time.sleep(0.01)
        raise AssertionError("log line containing %r not found in %r / stderr %r" % (needle, self.out, self.err))

    def wait_lines(self, n, timeout=5):
        """The first n stdout lines (the reader thread may lag the response)."""
        end = time.time() + timeout
        while len(self.out) < n and time.time() < end:
            time.sleep(0.01)
        return list(self.out)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for t in self._readers:
            t.join(2)
        self.stub.close()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def eq(a, b, what=""):
    if a != b:
        raise AssertionError("%s: expected %r, got %r" % (what, b, a))


def ok(cond, what):
    if not cond:
        raise AssertionError(what)


def run_all(selected=None):
    passed = failed = 0
    for fn in TESTS:
        if selected and not any(s in fn.__name__ for s in selected):
            continue
        t0 = time.time()
        try:
            fn()
            passed += 1
            print("ok   %-50s %6.0f ms" % (fn.__name__, (time.time() - t0) * 1000), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s" % fn.__name__, flush=True)
            traceback.print_exc(file=sys.stdout)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return failed == 0
