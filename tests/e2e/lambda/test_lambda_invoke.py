"""Lambda invocations end to end: the Runtime API, instance lifecycle, errors,
timeouts, crashes, logs, versions, throttling, provisioned concurrency and
asynchronous invocations, driven through boto3 against a started nimbus with a
provided.al2 (shell + curl) function."""
import base64
import glob
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest

import boto3
import botocore.config
import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Nimbus, NimbusTestCase  # noqa: E402
from lambdatest import create, parse_report, wait_for  # noqa: E402


def raw_client(nimbus):
    return boto3.client("lambda", endpoint_url=nimbus.endpoint, region_name="us-east-1",
                        aws_access_key_id=nimbus.creds["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=nimbus.creds["AWS_SECRET_ACCESS_KEY"],
                        config=botocore.config.Config(parameter_validation=False, retries={"max_attempts": 1},
                                                      read_timeout=60))


class _LambdaBase(NimbusTestCase):
    nimbus_args = ("--set", "lambda.async_retry_delay_ms=100")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.markers = tempfile.mkdtemp(prefix="nimbus-markers-")
        cls.c = raw_client(cls.nimbus)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.markers, ignore_errors=True)
        super().tearDownClass()

    def invoke(self, name, event=None, **kw):
        r = self.c.invoke(FunctionName=name, Payload=json.dumps(event or {}).encode(), **kw)
        body = r["Payload"].read()
        log = base64.b64decode(r["LogResult"]).decode() if r.get("LogResult") else ""
        return r, body, log



class LambdaInvoke(_LambdaBase):
    """Runs with the host's best isolation (the sandbox when nimbus runs as root)."""

    def test_echo_warm_reuse_and_report(self):
        create(self.c, "echo-fn")
        r, body, log = self.invoke("echo-fn", {"a": 1}, LogType="Tail")
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["ExecutedVersion"], "$LATEST")
        self.assertNotIn("FunctionError", r)
        self.assertEqual(json.loads(body), {"echo": {"a": 1}, "n": 1})
        rep = parse_report(log)
        self.assertIsNotNone(rep, log)
        self.assertIn("Init Duration", rep)
        self.assertEqual(rep["Memory Size"], "128 MB")
        self.assertTrue(rep["Duration"].endswith(" ms"))
        dur = float(rep["Duration"].split()[0])
        billed = int(rep["Billed Duration"].split()[0])
        self.assertGreaterEqual(billed, dur)
        self.assertIn("START RequestId: %s Version: $LATEST" % rep["RequestId"], log)
        self.assertIn("END RequestId: %s" % rep["RequestId"], log)
        self.assertIn("handling %s" % rep["RequestId"], log)      # Lambda-Runtime-Aws-Request-Id
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"], rep["RequestId"])
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"].get("x-amz-executed-version"), "$LATEST")
        # warm: same instance, its state kept, no Init Duration
        r, body, log = self.invoke("echo-fn", {"a": 2}, LogType="Tail")
        self.assertEqual(json.loads(body), {"echo": {"a": 2}, "n": 2})
        self.assertNotIn("Init Duration", parse_report(log))

    def test_environment(self):
        create(self.c, "env-fn", env={"GREETING": "hello"}, memory=256)
        before_ms = int(time.time() * 1000)
        r, body, _ = self.invoke("env-fn", {"op": "env"})
        env = json.loads(body)
        self.assertEqual(env["fn"], "env-fn")
        self.assertEqual(env["ver"], "$LATEST")
        self.assertEqual(env["mem"], "256")
        self.assertEqual(env["init"], "on-demand")
        self.assertEqual(env["handler"], "function.handler")
        self.assertEqual(env["greeting"], "hello")
        self.assertEqual(env["group"], "/aws/lambda/env-fn")
        self.assertRegex(env["stream"], r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")
        self.assertEqual(env["region"], "us-east-1")
        self.assertEqual(env["tz"], ":UTC")
        self.assertEqual(env["arn"], "arn:aws:lambda:us-east-1:000000000000:function:env-fn")
        self.assertGreater(int(env["deadline"]), before_ms)   # Lambda-Runtime-Deadline-Ms: Unix ms
        self.assertEqual(env["endpoint"], self.nimbus.endpoint)
        # configuration change → new instance with the new environment
        self.c.update_function_configuration(FunctionName="env-fn", Environment={"Variables": {"GREETING": "bye"}})
        r, body, _ = self.invoke("env-fn", {"op": "env"})
        self.assertEqual(json.loads(body)["greeting"], "bye")

    def test_function_error(self):
        create(self.c, "fail-fn")
        r, body, _ = self.invoke("fail-fn", {"op": "fail"})
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(body), {"errorMessage": "boom", "errorType": "MyError", "stackTrace": []})
        r, body, _ = self.invoke("fail-fn", {"x": 1})
        self.assertEqual(json.loads(body)["n"], 2)   # the instance survived its handled error

    def test_crash_is_runtime_exit_error_and_replaced(self):
        create(self.c, "crash-fn")
        r, body, log = self.invoke("crash-fn", {"op": "crash"}, LogType="Tail")
        self.assertEqual(r["FunctionError"], "Unhandled")
        doc = json.loads(body)
        self.assertEqual(doc["errorType"], "Runtime.ExitError")
        self.assertIn("Runtime exited with error: exit status 3", doc["errorMessage"])
        self.assertIn("Runtime.ExitError", log)
        r, body, _ = self.invoke("crash-fn", {"x": 1})
        self.assertEqual(json.loads(body), {"echo": {"x": 1}, "n": 1})   # a fresh instance

    def test_timeout(self):
        create(self.c, "slow-fn", timeout=1)
        r, body, log = self.invoke("slow-fn", {"op": "sleep"}, LogType="Tail")
        self.assertEqual(r["FunctionError"], "Unhandled")
        doc = json.loads(body)
        self.assertRegex(doc["errorMessage"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [0-9a-f-]{36} "
                                              r"Task timed out after 1\.00 seconds$")
        self.assertIn("Status: timeout", log)
        # the timed-out environment is gone: the next invocation starts a fresh one
        # (with room to spare: a loaded machine must not turn it into another timeout)
        self.c.update_function_configuration(FunctionName="slow-fn", Timeout=30)
        r, body, _ = self.invoke("slow-fn", {"x": 1})
        self.assertEqual(json.loads(body), {"echo": {"x": 1}, "n": 1})

    def test_response_too_large(self):
        create(self.c, "huge-fn", timeout=10)
        r, body, log = self.invoke("huge-fn", {"op": "huge"}, LogType="Tail")
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(body)["errorType"], "Function.ResponseSizeTooLarge")
        r, body, log = self.invoke("huge-fn", {"after": 1}, LogType="Tail")   # the runtime was told 413 and goes on
        self.assertEqual(json.loads(body), {"echo": {"after": 1}, "n": 2})

    def test_busy_after_answer_gets_a_new_instance(self):
        # the only instance is still busy after answering (10 s of work before /next):
        # the next invocation does not wait for it, a second environment serves it
        create(self.c, "linger-fn", timeout=10)
        r, body, _ = self.invoke("linger-fn", {"op": "linger"})
        self.assertEqual(json.loads(body), {"lingered": True, "n": 1})
        r, body, log = self.invoke("linger-fn", {"x": 1}, LogType="Tail")
        self.assertEqual(json.loads(body), {"echo": {"x": 1}, "n": 1})
        self.assertIn("Init Duration", log)

    def test_init_error(self):
        create(self.c, "initfail-fn", env={"INIT_FAIL": "1"})
        r, body, _ = self.invoke("initfail-fn", {})
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(body)["errorType"], "InitFailed")

    def test_missing_bootstrap(self):
        from lambdatest import zip_bytes
        self.c.create_function(FunctionName="noboot-fn", Runtime="provided.al2", Handler="x",
                               Role="arn:aws:iam::000000000000:role/lambda-role",
                               Code={"ZipFile": zip_bytes({"readme.txt": ("hi", 0o644)})})
        r, body, _ = self.invoke("noboot-fn", {})
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(body)["errorType"], "Runtime.InvalidEntrypoint")

    def test_invoke_errors(self):
        create(self.c, "inv-err-fn")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.invoke(FunctionName="no-such-fn", Payload=b"{}")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.invoke(FunctionName="inv-err-fn", Payload=b"{not json")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidRequestContentException")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.invoke(FunctionName="inv-err-fn", Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
        self.assertEqual(cm.exception.response["Error"]["Code"], "RequestEntityTooLargeException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 413)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.invoke(FunctionName="inv-err-fn", InvocationType="Event",
                          Payload=b'"' + b"x" * (1024 * 1024 + 10) + b'"')
        self.assertEqual(cm.exception.response["Error"]["Code"], "RequestEntityTooLargeException")
        r = self.c.invoke(FunctionName="inv-err-fn", InvocationType="DryRun", Payload=b"{}")
        self.assertEqual(r["StatusCode"], 204)

    def test_versions_aliases_qualifier(self):
        create(self.c, "q-fn", env={"GREETING": "v1"})
        self.c.publish_version(FunctionName="q-fn")
        self.c.update_function_configuration(FunctionName="q-fn", Environment={"Variables": {"GREETING": "latest"}})
        self.c.create_alias(FunctionName="q-fn", Name="prod", FunctionVersion="1")
        r, body, _ = self.invoke("q-fn", {"op": "env"}, Qualifier="1")
        self.assertEqual(r["ExecutedVersion"], "1")
        env = json.loads(body)
        self.assertEqual((env["greeting"], env["ver"]), ("v1", "1"))
        r, body, _ = self.invoke("q-fn:prod", {"op": "env"})
        self.assertEqual(r["ExecutedVersion"], "1")
        self.assertEqual(json.loads(body)["arn"], "arn:aws:lambda:us-east-1:000000000000:function:q-fn:prod")
        r, body, _ = self.invoke("q-fn", {"op": "env"})
        self.assertEqual((r["ExecutedVersion"], json.loads(body)["greeting"]), ("$LATEST", "latest"))
        # weighted alias routing: all of the traffic shifted to version 2
        self.c.publish_version(FunctionName="q-fn")
        self.c.update_alias(FunctionName="q-fn", Name="prod", RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}})
        r, body, _ = self.invoke("q-fn:prod", {"op": "env"})
        self.assertEqual((r["ExecutedVersion"], json.loads(body)["greeting"]), ("2", "latest"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.invoke(FunctionName="q-fn", Qualifier="nosuchalias", Payload=b"{}")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_reserved_concurrency_throttles(self):
        create(self.c, "thr-fn", timeout=10)
        self.c.put_function_concurrency(FunctionName="thr-fn", ReservedConcurrentExecutions=1)
        results = []

        def call():
            try:
                r = self.c.invoke(FunctionName="thr-fn", Payload=b'{"op":"slow"}')
                results.append(("ok", r["Payload"].read()))
            except botocore.exceptions.ClientError as e:
                results.append(("err", e.response))
        first = threading.Thread(target=call)
        first.start()
        # the second starts once nimbus reports the first one's instance busy
        def busy():
            svc = [s for s in self.nimbus.wait_healthy()["services"] if s["name"] == "lambda"]
            return svc and svc[0].get("busy", 0) >= 1
        self.assertTrue(wait_for(busy, timeout=10))
        call()
        first.join()
        errs = [r for k, r in results if k == "err"]
        oks = [r for k, r in results if k == "ok"]
        self.assertEqual(len(oks), 1, results)
        self.assertEqual(len(errs), 1, results)
        self.assertEqual(errs[0]["Error"]["Code"], "TooManyRequestsException")
        self.assertEqual(errs[0]["ResponseMetadata"]["HTTPStatusCode"], 429)
        self.assertEqual(errs[0]["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded")
        self.c.put_function_concurrency(FunctionName="thr-fn", ReservedConcurrentExecutions=0)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.invoke(FunctionName="thr-fn", Payload=b"{}")
        self.assertEqual(cm.exception.response["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded")
        self.c.delete_function_concurrency(FunctionName="thr-fn")
        r, body, _ = self.invoke("thr-fn", {})
        self.assertEqual(r["StatusCode"], 200)

    def test_provisioned_concurrency(self):
        create(self.c, "pc-fn")
        self.c.publish_version(FunctionName="pc-fn")
        out = self.c.put_provisioned_concurrency_config(FunctionName="pc-fn", Qualifier="1",
                                                        ProvisionedConcurrentExecutions=1)
        self.assertEqual(out["RequestedProvisionedConcurrentExecutions"], 1)
        ready = wait_for(lambda: self.c.get_provisioned_concurrency_config(FunctionName="pc-fn", Qualifier="1")
                         ["Status"] == "READY")
        self.assertTrue(ready)
        r, body, log = self.invoke("pc-fn", {"op": "env"}, Qualifier="1", LogType="Tail")
        self.assertEqual(json.loads(body)["init"], "provisioned-concurrency")
        self.assertNotIn("Init Duration", parse_report(log))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.put_provisioned_concurrency_config(FunctionName="pc-fn", Qualifier="$LATEST",
                                                      ProvisionedConcurrentExecutions=1)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterValueException")
        self.c.delete_provisioned_concurrency_config(FunctionName="pc-fn", Qualifier="1")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.get_provisioned_concurrency_config(FunctionName="pc-fn", Qualifier="1")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ProvisionedConcurrencyConfigNotFoundException")

    def test_layer_content_under_opt(self):
        from lambdatest import zip_bytes
        lv = self.c.publish_layer_version(LayerName="hello-layer",
                                          Content={"ZipFile": zip_bytes({"lib/hello.txt": ("from-layer", 0o644)})})
        create(self.c, "layer-use-fn", Layers=[lv["LayerVersionArn"]])
        r, body, _ = self.invoke("layer-use-fn", {"op": "layer"})
        self.assertEqual(json.loads(body), {"layer": "from-layer"})


class LambdaRuntimeApiIsolation(_LambdaBase):
    """Another function cannot use an instance's Runtime API (src/lambda/rapi_peer.c): it listens on the host's
    loopback, so without a check any function could take that instance's next invocation and answer it."""

    THIEF = (
        "import json, socket\n"
        "def handler(event, context):\n"
        "    s = socket.create_connection(('127.0.0.1', event['port']), timeout=3)\n"
        "    s.sendall(b'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')\n"
        "    try:\n"
        "        data = s.recv(65536)\n"
        "    except socket.timeout:\n"
        "        return 'waiting'\n"
        "    except ConnectionResetError:\n"
        "        return 'closed'\n"
        "    return data.decode('latin1') if data else 'closed'\n")

    def test_other_functions_are_refused(self):
        from lambdatest import ROLE, zip_bytes
        self.c.create_function(FunctionName="rapi-victim", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                               Code={"ZipFile": zip_bytes({"app.py": (
                                   "def handler(event, context):\n    return {'mine': event}\n", 0o644)})})
        self.c.create_function(FunctionName="rapi-thief", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                               Timeout=10, Code={"ZipFile": zip_bytes({"app.py": (self.THIEF, 0o644)})})
        self.assertEqual(json.loads(self.invoke("rapi-victim", {"n": 1})[1]), {"mine": {"n": 1}})
        port = None
        for pid in os.listdir("/proc"):
            try:
                with open("/proc/%s/environ" % pid, "rb") as f:
                    env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
            except OSError:
                continue
            if env.get(b"AWS_LAMBDA_FUNCTION_NAME") == b"rapi-victim":
                port = int(env[b"AWS_LAMBDA_RUNTIME_API"].split(b":")[1])
        self.assertIsNotNone(port)
        r, body, _ = self.invoke("rapi-thief", {"port": port})
        self.assertNotIn("FunctionError", r, body)
        self.assertEqual(json.loads(body), "closed")   # closed unread (FIN, or RST as its request was unread)
        # the victim's environment goes on receiving its own invocations
        self.assertEqual(json.loads(self.invoke("rapi-victim", {"n": 2})[1]), {"mine": {"n": 2}})


class LambdaRuntimeApiIsolationPlain(LambdaRuntimeApiIsolation):
    """The same in plain mode, where every function runs as nimbus's uid: the connection's socket must be
    open in a process of the instance (or of nimbus)."""
    nimbus_args = ("--set", "lambda.isolate=0")


class LambdaAccountLimit(_LambdaBase):
    nimbus_args = ("--set", "lambda.account_concurrency=1")

    def test_account_limit_throttles(self):
        create(self.c, "acct-a", timeout=10)
        create(self.c, "acct-b")
        out = []
        t = threading.Thread(target=lambda: out.append(self.invoke("acct-a", {"op": "slow"})))
        t.start()

        def busy():
            svc = [s for s in self.nimbus.wait_healthy()["services"] if s["name"] == "lambda"]
            return svc and svc[0].get("busy", 0) >= 1
        self.assertTrue(wait_for(busy, timeout=10))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.invoke(FunctionName="acct-b", Payload=b"{}")
        self.assertEqual(cm.exception.response["Error"]["Code"], "TooManyRequestsException")
        self.assertEqual(cm.exception.response["Reason"], "ConcurrentInvocationLimitExceeded")
        t.join()
        self.assertEqual(json.loads(out[0][1]), {"slow": True})
        self.assertEqual(self.c.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"], 1)


class LambdaAsync(_LambdaBase):
    """Asynchronous invocations; functions leave marker files in a host directory, so
    these instances run without the sandbox's private file system."""
    nimbus_args = ("--set", "lambda.async_retry_delay_ms=100", "--set", "lambda.isolate=0")

    def test_async_event_runs(self):
        create(self.c, "async-fn", env={"MARKER_DIR": self.markers})
        r = self.c.invoke(FunctionName="async-fn", InvocationType="Event", Payload=b'{"op":"mark","tag":"a1"}')
        self.assertEqual(r["StatusCode"], 202)
        files = wait_for(lambda: glob.glob(os.path.join(self.markers, "ok.*")))
        self.assertTrue(files)
        with open(files[0]) as f:
            self.assertIn('"tag":"a1"', f.read().replace(" ", ""))
        # the 202's x-amzn-RequestId is the request id the function was given
        rid = r["ResponseMetadata"]["RequestId"]
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"], rid)
        self.assertEqual(os.path.basename(files[0]), "ok." + rid)

    def test_async_retries_then_failure_destination(self):
        flaky_dir = os.path.join(self.markers, "flaky")
        dest_dir = os.path.join(self.markers, "dest")
        os.makedirs(flaky_dir)
        os.makedirs(dest_dir)
        create(self.c, "dest-fn", env={"MARKER_DIR": dest_dir})
        create(self.c, "flaky-fn", env={"MARKER_DIR": flaky_dir})
        self.c.put_function_event_invoke_config(
            FunctionName="flaky-fn", MaximumRetryAttempts=2,
            DestinationConfig={"OnFailure": {"Destination": "arn:aws:lambda:us-east-1:000000000000:function:dest-fn"}})
        r = self.c.invoke(FunctionName="flaky-fn", InvocationType="Event", Payload=b'{"op":"failmark","k":"v"}')
        self.assertEqual(r["StatusCode"], 202)
        # 1 attempt + 2 retries, then the record goes to dest-fn (whose event, the record, carries the
        # original payload in requestPayload, so dest-fn "fails" too and leaves its own marker)
        attempts = wait_for(lambda: len(glob.glob(os.path.join(flaky_dir, "fail.*"))) >= 3 and
                            glob.glob(os.path.join(flaky_dir, "fail.*")))
        self.assertEqual(len(attempts), 3)
        delivered = wait_for(lambda: glob.glob(os.path.join(dest_dir, "fail.*")))
        self.assertTrue(delivered)
        time.sleep(0.5)
        self.assertEqual(len(glob.glob(os.path.join(flaky_dir, "fail.*"))), 3)   # no fourth attempt



    def test_on_success_destination(self):
        dest_dir = os.path.join(self.markers, "success")
        os.makedirs(dest_dir)
        create(self.c, "succ-dest-fn", env={"MARKER_DIR": dest_dir})
        create(self.c, "succ-src-fn")
        self.c.put_function_event_invoke_config(
            FunctionName="succ-src-fn",
            DestinationConfig={"OnSuccess": {"Destination":
                                             "arn:aws:lambda:us-east-1:000000000000:function:succ-dest-fn"}})
        # the source echoes {"op":"mark",...}; the record delivered to succ-dest-fn therefore carries
        # "op":"mark" inside requestPayload and responsePayload, and succ-dest-fn writes it to a file
        self.c.invoke(FunctionName="succ-src-fn", InvocationType="Event", Payload=b'{"op":"mark","tag":"s1"}')
        files = wait_for(lambda: glob.glob(os.path.join(dest_dir, "ok.*")))
        self.assertTrue(files)
        with open(files[0]) as f:
            rec = json.loads(f.read())
        self.assertEqual(rec["requestContext"]["condition"], "Success")
        self.assertEqual(rec["requestContext"]["functionArn"],
                         "arn:aws:lambda:us-east-1:000000000000:function:succ-src-fn:$LATEST")
        self.assertEqual(rec["requestPayload"], {"op": "mark", "tag": "s1"})
        self.assertEqual(rec["responseContext"]["statusCode"], 200)


PROBE = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
H=$(mktemp)
PREV=0
while true; do
  EV=$(curl -sS -D "$H" "$API/invocation/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  case "$EV" in *garbage*)
    curl -sS -X POST "$API/invocation/$ID/error" -H 'Lambda-Runtime-Function-Error-Type: Bad.Type' -d 'not json' >/dev/null
    continue ;;
  esac
  A=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/invocation/not-a-real-id/response" -d '{}')
  B=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/invocation/$ID/bogus" -d '{}')
  C=$(curl -s -o /dev/null -w '%{http_code}' "$API/nonsense")
  D=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/init/error" -d 'x')
  E=$(curl -s -o /dev/null -w '%{http_code}' "$API/invocation/$ID/response")
  R="{\"wrong_id\":$A,\"bogus\":$B,\"unknown\":$C,\"late_init_error\":$D,\"get_response\":$E,\"prev_double\":$PREV,\"pid\":$$}"
  curl -sS -X POST "$API/invocation/$ID/response" -d "$R" >/dev/null
  PREV=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/invocation/$ID/response" -d '{}')
done
'''


class LambdaRuntimeApiMisuse(NimbusTestCase):
    """A buggy runtime gets RAPID's answers; nimbus and the invocation carry on."""
    nimbus_args = ("--set", "lambda.isolate=0", "--set", "lambda.idle_timeout_ms=1500")

    def test_bad_calls_answered_like_rapid(self):
        from lambdatest import zip_bytes
        c = raw_client(self.nimbus)
        c.create_function(FunctionName="probe-fn", Runtime="provided.al2", Handler="x",
                          Role="arn:aws:iam::000000000000:role/lambda-role",
                          Code={"ZipFile": zip_bytes({"bootstrap": (PROBE, 0o755)})})
        first = json.loads(c.invoke(FunctionName="probe-fn", Payload=b"{}")["Payload"].read())
        self.assertEqual(first["wrong_id"], 400)
        self.assertEqual(first["bogus"], 400)
        self.assertEqual(first["unknown"], 404)
        self.assertEqual(first["late_init_error"], 403)
        self.assertEqual(first["get_response"], 405)
        second = json.loads(c.invoke(FunctionName="probe-fn", Payload=b"{}")["Payload"].read())
        self.assertEqual(second["prev_double"], 403)     # a second response to an answered invocation
        self.assertEqual(second["pid"], first["pid"])    # same instance throughout
        r = c.invoke(FunctionName="probe-fn", Payload=b'{"garbage": 1}')
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(r["Payload"].read()), {"errorType": "Bad.Type", "errorMessage": "not json"})

    def test_frozen_between_invokes_and_reaped_when_idle(self):
        from lambdatest import zip_bytes
        c = raw_client(self.nimbus)
        c.create_function(FunctionName="freeze-fn", Runtime="provided.al2", Handler="x",
                          Role="arn:aws:iam::000000000000:role/lambda-role",
                          Code={"ZipFile": zip_bytes({"bootstrap": (PROBE, 0o755)})})
        pid = json.loads(c.invoke(FunctionName="freeze-fn", Payload=b"{}")["Payload"].read())["pid"]

        def state():
            try:
                with open("/proc/%d/stat" % pid) as f:
                    return f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                return None
        self.assertEqual(wait_for(lambda: state() == "T" and "T", timeout=5), "T")   # stopped while idle
        # idle longer than lambda.idle_timeout: the instance is shut down and a new one starts cold
        self.assertTrue(wait_for(lambda: state() is None, timeout=10))
        r = c.invoke(FunctionName="freeze-fn", Payload=b"{}", LogType="Tail")
        self.assertNotEqual(json.loads(r["Payload"].read())["pid"], pid)
        self.assertIn("Init Duration", base64.b64decode(r["LogResult"]).decode())


class LambdaAsyncSurvivesKill(unittest.TestCase):
    def test_event_survives_kill9(self):
        data = tempfile.mkdtemp(prefix="nimbus-e2e-")
        markers = tempfile.mkdtemp(prefix="nimbus-markers-")
        args = ("--set", "lambda.isolate=0")
        n = Nimbus(data_dir=data, extra_args=args).start()
        try:
            c = raw_client(n)
            create(c, "durable-fn", env={"MARKER_DIR": markers})
            # hold the only instance busy so the event is still queued when nimbus dies
            c.put_function_concurrency(FunctionName="durable-fn", ReservedConcurrentExecutions=0)
            r = c.invoke(FunctionName="durable-fn", InvocationType="Event", Payload=b'{"op":"mark","tag":"kill9"}')
            self.assertEqual(r["StatusCode"], 202)
            n.kill9()
            n2 = Nimbus(data_dir=data, extra_args=args).start()
            try:
                c2 = raw_client(n2)
                self.assertEqual(glob.glob(os.path.join(markers, "ok.*")), [])
                c2.delete_function_concurrency(FunctionName="durable-fn")
                files = wait_for(lambda: glob.glob(os.path.join(markers, "ok.*")), timeout=20)
                self.assertEqual(len(files), 1)
            finally:
                n2.stop()
        finally:
            n.stop()
            shutil.rmtree(data, ignore_errors=True)
            shutil.rmtree(markers, ignore_errors=True)

    def test_instances_do_not_outlive_kill9(self):
        from lambdatest import zip_bytes
        data = tempfile.mkdtemp(prefix="nimbus-e2e-")
        args = ("--set", "lambda.isolate=0")
        n = Nimbus(data_dir=data, extra_args=args).start()
        try:
            c = raw_client(n)
            c.create_function(FunctionName="orphan-fn", Runtime="provided.al2", Handler="x",
                              Role="arn:aws:iam::000000000000:role/lambda-role",
                              Code={"ZipFile": zip_bytes({"bootstrap": (PROBE, 0o755)})})
            pid = json.loads(c.invoke(FunctionName="orphan-fn", Payload=b"{}")["Payload"].read())["pid"]
            n.kill9()
            n2 = Nimbus(data_dir=data, extra_args=args).start()

            def gone():
                try:
                    with open("/proc/%d/stat" % pid) as f:
                        return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
                except OSError:
                    return True
            try:
                self.assertTrue(wait_for(gone, timeout=10))
            finally:
                n2.stop()
        finally:
            n.stop()
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
