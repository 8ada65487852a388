"""harness.py — start a real nimbus for end-to-end tests and drive it with real clients.

Every test module uses Debian's python3 (/usr/bin/python3, where python3-boto3
lives) and Debian's AWS CLI v2 (/usr/bin/aws). A Nimbus() starts `nimbus up` on
a free port with a fresh data directory and stops it afterwards.

    from harness import Nimbus, NimbusTestCase
    class T(NimbusTestCase):          # one nimbus per test class
        def test_x(self):
            ddb = self.nimbus.client("dynamodb")
            out = self.nimbus.aws("dynamodb", "list-tables")
"""
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("NIMBUS_BIN", os.path.join(ROOT, "build", "nimbus"))
AWS_CLI = "/usr/bin/aws"
REGION = {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
# Filled from DATA/credentials.json by Nimbus.start(): the root credentials of
# the most recently started daemon (kept for tests that read CREDS directly).
CREDS = dict(REGION)


def read_credentials(data_dir, pid=None):
    """The root credentials nimbus generated in data_dir (AccessKeyId, SecretAccessKey, AccountId).
    With pid, a data_dir mounted in the daemon's own mount namespace is read through it."""
    path = os.path.join(os.path.abspath(data_dir), "credentials.json")
    if pid and not os.path.exists(path):
        path = "/proc/%d/root%s" % (pid, path)
    with open(path) as f:
        return json.load(f)


# The head of a provided-runtime bootstrap in shell and curl: a loop that takes the next
# invocation, its request id in $ID and its event in the file $B, its headers in $H, the
# Runtime API's base URL in $API. The body follows; `done` closes the loop.
SHELL_BOOTSTRAP_LOOP = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
H=$(mktemp)
B=$(mktemp)
while true; do
  curl -sS -D "$H" -o "$B" "$API/invocation/next"
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
'''

# A provided-runtime bootstrap (shell and curl) answering every invocation {"echo":true}:
# a bystander function for tests about other functions.
ECHO_BOOTSTRAP = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
H=$(mktemp)
while true; do
  curl -sS -D "$H" -o /dev/null "$API/invocation/next"
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  curl -sS -X POST "$API/invocation/$ID/response" -d '{"echo":true}' >/dev/null
done
'''


def zip_bytes(files):
    """files: {name: (text or bytes, mode)} → zip bytes with unix modes (a function's package)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (text, mode) in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
    return buf.getvalue()


def policy(*statements):
    """An IAM policy document (JSON text) made of statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


_CLI_LOCK = threading.Lock()
_CLI_WORKER = None


def wait_for(pred, timeout=20.0):
    """pred's first true value within timeout seconds (polled every 50 ms), else its last value."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return pred()


def run_cli(args, env, input=None):
    """Debian's AWS CLI v2 with env as its environment and input as its stdin; returns
    (rc, stdout, stderr). Commands run in one cli_worker.py process per test module, which keeps
    the CLI loaded (each command still gets a new driver and session, as a new `aws` process
    does). E2E_CLI_PROCESS=1 runs /usr/bin/aws as a process per command instead (test_tls.py
    always does)."""
    global _CLI_WORKER
    if os.environ.get("E2E_CLI_PROCESS") == "1":
        p = subprocess.run([AWS_CLI] + list(args), capture_output=True, text=True, env=env, input=input,
                           timeout=120)
        return p.returncode, p.stdout, p.stderr
    with _CLI_LOCK:
        if _CLI_WORKER is None or _CLI_WORKER.poll() is not None:
            _CLI_WORKER = subprocess.Popen(
                ["/usr/bin/python3", os.path.join(os.path.dirname(os.path.abspath(__file__)), "cli_worker.py")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        _CLI_WORKER.stdin.write(json.dumps({"args": list(args), "env": env, "input": input}) + "\n")
        _CLI_WORKER.stdin.flush()
        line = _CLI_WORKER.stdout.readline()
    if not line:
        raise AssertionError("the AWS CLI worker ended")
    a = json.loads(line)
    return a["rc"], a["out"], a["err"]


# Data directories this harness made. A daemon restarted on one (Nimbus(data_dir=first.data_dir),
# as the restart and crash tests do) owns it too: whichever instance cleans up last removes it.
_CREATED_DIRS = set()


class Nimbus:
    """A nimbus daemon on a free loopback port with its own data directory."""

    def __init__(self, data_dir=None, extra_args=(), env=None):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="nimbus-e2e-")
        if data_dir is None:
            _CREATED_DIRS.add(self.data_dir)
        self.own_dir = self.data_dir in _CREATED_DIRS
        self.extra_args = list(extra_args)
        self.extra_env = env or {}
        self.proc = None
        self.endpoint = None
        self.log_path = os.path.join(self.data_dir, "nimbus.log")

    def start(self, timeout=10.0):
        env = dict(os.environ)
        env.update(self.extra_env)
        self.log = open(self.log_path, "ab")
        self.log_start = self.log.tell()  # this start's part of the log (sanitizer_reports)
        self.proc = subprocess.Popen(
            [BINARY, "up", "--listen", "127.0.0.1:0", "--data", self.data_dir] + self.extra_args,
            stdout=subprocess.PIPE, stderr=self.log, env=env)
        deadline = time.time() + timeout
        line = b""
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if b" listening on " in line:
                self.endpoint = line.split(b" listening on ")[1].split()[0].decode()
                break
        if not self.endpoint:
            self.stop()
            raise RuntimeError("nimbus did not start: %r; log:\n%s" % (line, self.read_log(tail=4000)))
        # drain stdout in the background so the daemon never blocks on it
        self._drain = subprocess.Popen(["cat"], stdin=self.proc.stdout, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        self.wait_healthy()
        c = read_credentials(self.data_dir, self.proc.pid)
        self.creds = {"AWS_ACCESS_KEY_ID": c["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"]}
        self.creds.update(REGION)
        self.account = c["AccountId"]
        CREDS.update(self.creds)
        self.ensure_execution_role()
        return self

    # The execution role test functions run with (Role=EXECUTION_ROLE): trusted by
    # Lambda, allowed DynamoDB and Lambda calls. Security tests make narrower ones.
    EXECUTION_ROLE = "lambda-role"

    def ensure_execution_role(self):
        if "--auth" in self.extra_args and "open" in self.extra_args:
            return
        import botocore.exceptions
        iam = self.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        try:
            iam.create_role(RoleName=self.EXECUTION_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] != "EntityAlreadyExists":
                raise
            return
        iam.put_role_policy(RoleName=self.EXECUTION_ROLE, PolicyName="test-functions", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
                "dynamodb:*", "lambda:InvokeFunction", "logs:*", "kms:*"], "Resource": "*"}]}))

    def wait_healthy(self, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/_nimbus/health", timeout=2) as r:
                    if r.status == 200:
                        return json.loads(r.read())
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("nimbus not healthy")

    def read_log(self, tail=None):
        """The daemon's log so far (every start of it), or its last tail characters."""
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return ""
        return text[-tail:] if tail else text

    # What the sanitizers print (the ASan/UBSan build, `make e2e-asan`), at the start of a line
    # (the daemon's own lines are JSON): an AddressSanitizer or LeakSanitizer error (ASan's
    # errors stop the daemon: -fno-sanitize-recover) or an UBSan runtime error. Not ASan's
    # "WARNING: ... ignoring requested __asan_handle_no_return", which the sandbox's children
    # print once per daemon: they run on their own stacks, which sandbox.c and sbx_pool.c
    # unpoison themselves. Only the daemon's stderr is read (the sanitizer build's sandbox
    # watchdog shares it); a function process's output goes to its own log.
    SANITIZER_REPORT = re.compile(r"^(==\d+==ERROR: (Address|Leak)Sanitizer|AddressSanitizer:DEADLYSIGNAL"
                                  r"|\S+:\d+:\d+: runtime error: |SUMMARY: \w+Sanitizer)", re.M)

    def sanitizer_reports(self, lines=40):
        """The first sanitizer report in the daemon's log since its last start() (its first lines:
        the report's head names the error and its stack, and run.sh shows a failure's tail), or ""."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(getattr(self, "log_start", 0))
                text = f.read().decode(errors="replace")
        except OSError:
            return ""
        m = self.SANITIZER_REPORT.search(text)
        if not m:
            return ""
        report = text[m.start():].splitlines()
        more = len(report) - lines
        return "\n".join(report[:lines]) + ("\n... (%d more lines)" % more if more > 0 else "")

    def kill9(self):
        """SIGKILL the daemon (crash tests)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout=10.0):
        """Graceful stop (SIGTERM); returns the exit code. Raises AssertionError if the daemon's
        log since its start holds a sanitizer report (once per start), so the sanitizer build's
        findings fail the test (or the class, from cleanup) instead of going unread."""
        rc = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
        elif self.proc:
            rc = self.proc.returncode
        if getattr(self, "_drain", None):
            self._drain.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if getattr(self, "log", None):
            self.log.close()
        if self.proc and getattr(self, "log_start", None) is not None:
            report, self.log_start = self.sanitizer_reports(), None
            if report:
                raise AssertionError("sanitizer report in the nimbus log:\n" + report)
        return rc

    def unpack_dir(self):
        """Where this daemon unpacks function code (RAM, outside the data directory), or None."""
        try:
            with open(os.path.join(self.data_dir, "lambda", "unpack-dir")) as f:
                return f.read().strip() or None
        except OSError:
            return None

    def cleanup(self):
        try:
            self.stop()
        finally:
            self.remove_data()

    def remove_data(self):
        if self.own_dir and os.path.isdir(self.data_dir):
            unpacked = self.unpack_dir()
            if unpacked:
                shutil.rmtree(unpacked, ignore_errors=True)
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def env(self, creds=None):
        """Environment for AWS tools: this daemon's endpoint and root credentials (or creds:
        a dict with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optionally AWS_SESSION_TOKEN)."""
        e = dict(os.environ)
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            e.pop(k, None)
        e.update(REGION)
        e.update(creds or self.creds)
        e["AWS_ENDPOINT_URL"] = self.endpoint
        e.pop("AWS_PROFILE", None)
        e["AWS_CONFIG_FILE"] = "/dev/null"
        e["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        e["AWS_PAGER"] = ""
        return e

    def new_user(self, name, *statements):
        """Create IAM user name with an inline policy of statements (none: no policy) and an access
        key; returns (access key id, secret access key)."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        if statements:
            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(*statements))
        k = iam.create_access_key(UserName=name)["AccessKey"]
        return k["AccessKeyId"], k["SecretAccessKey"]

    def aws(self, *args, check=True, input=None, creds=None):
        """Run Debian's AWS CLI v2 against this nimbus; returns (rc, parsed JSON or text, stderr).
        creds: other credentials (see env())."""
        rc, out, err = run_cli(["--endpoint-url", self.endpoint, "--output", "json"] + list(args),
                               self.env(creds), input)
        if check and rc != 0:
            raise AssertionError("aws %s failed (%d): %s" % (" ".join(args), rc, err))
        try:
            out = json.loads(out) if out.strip() else None
        except ValueError:
            pass
        return rc, out, err

    def client(self, service, access_key=None, secret_key=None, session_token=None, **kw):
        """A boto3 client for this nimbus, as root unless other credentials are given."""
        import boto3
        import botocore.config
        kw.setdefault("config", botocore.config.Config(retries={"max_attempts": 1}))
        kw.setdefault("region_name", "us-east-1")
        return boto3.client(service, endpoint_url=self.endpoint,
                            aws_access_key_id=access_key or self.creds["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=secret_key or self.creds["AWS_SECRET_ACCESS_KEY"],
                            aws_session_token=session_token, **kw)

    def sign(self, method, url, body=b"", headers=None, service="dynamodb", access_key=None, secret_key=None,
             session_token=None):
        """Headers (with Authorization) that SigV4-sign a raw request as botocore would, as root
        unless other credentials are given; for tests that send bytes no SDK would."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        creds = Credentials(access_key or self.creds["AWS_ACCESS_KEY_ID"],
                            secret_key or self.creds["AWS_SECRET_ACCESS_KEY"], session_token)
        req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
        SigV4Auth(creds, service, "us-east-1").add_auth(req)
        return dict(req.headers.items())

    def ddb_call(self, op, body, timeout=30):
        """A signed DynamoDB JSON request sent as is (body: a JSON-able value or raw bytes), for
        requests boto3 would refuse or reshape; (HTTP status, decoded JSON reply)."""
        import urllib.error
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        url = self.endpoint + "/"
        headers = self.sign("POST", url, data, {
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810." + op})
        req = urllib.request.Request(url, data=data, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def resource(self, service):
        import boto3
        return boto3.resource(service, endpoint_url=self.endpoint, region_name="us-east-1",
                              aws_access_key_id=self.creds["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=self.creds["AWS_SECRET_ACCESS_KEY"])

    def node(self, script_path, *args, timeout=120):
        """Run a Node.js script with the e2e node_modules and this endpoint in the env."""
        e = self.env()
        e["NODE_PATH"] = os.path.join(ROOT, "tests", "e2e", "node_modules")
        return subprocess.run(["node", script_path] + list(args), capture_output=True, text=True,
                              env=e, timeout=timeout)


class NimbusTestCase(unittest.TestCase):
    """One nimbus per test class, started before its tests and stopped after."""
    nimbus_args = ()

    @classmethod
    def setUpClass(cls):
        n = Nimbus(extra_args=cls.nimbus_args)
        # a class cleanup runs even when start() or a subclass's setUpClass fails after this
        # (tearDownClass does not, and the daemon would outlive the run); cleanup() is idempotent
        cls.addClassCleanup(n.cleanup)
        cls.nimbus = n.start()

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.cleanup()

    def client_error(self, fn, *args, **kw):
        """Call fn (an SDK client's operation), assert it raises botocore's ClientError, and
        return that error's response (Error.Code, Error.Message, ResponseMetadata…)."""
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kw)
        return cm.exception.response
