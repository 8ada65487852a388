"""Node.js and Python runtimes through nimbus: create, invoke, context, errors, logs."""
import base64
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import NimbusTestCase  # noqa: E402
from lambdatest import ROLE, parse_report, zip_bytes  # noqa: E402

NODE = r'''
let n = 0;
exports.handler = async (event, context) => {
  n++;
  console.log("node says", JSON.stringify(event));
  if (event.fail) throw new Error("node failed");
  return { event, n, requestId: context.awsRequestId, fn: context.functionName,
           remaining: context.getRemainingTimeInMillis() > 0, greeting: process.env.GREETING };
};
'''

PY = r'''
import os
n = 0
def handler(event, context):
    global n
    n += 1
    print("python says", event)
    if event.get("fail"):
        raise ValueError("python failed")
    return {"event": event, "n": n, "requestId": context.aws_request_id, "fn": context.function_name,
            "remaining": context.get_remaining_time_in_millis() > 0, "greeting": os.environ.get("GREETING")}
'''


class LambdaRuntimes(NimbusTestCase):
    def setUp(self):
        self.c = self.nimbus.client("lambda")

    def run_runtime(self, name, runtime, handler, files, error_type):
        self.c.create_function(FunctionName=name, Runtime=runtime, Handler=handler, Role=ROLE,
                               Code={"ZipFile": zip_bytes(files)}, Environment={"Variables": {"GREETING": "hi"}})
        r = self.c.invoke(FunctionName=name, Payload=b'{"k": "v"}', LogType="Tail")
        body = json.loads(r["Payload"].read())
        self.assertNotIn("FunctionError", r, body)
        self.assertEqual(body["event"], {"k": "v"})
        self.assertEqual(body["fn"], name)
        self.assertEqual(body["greeting"], "hi")
        self.assertTrue(body["remaining"])
        log = base64.b64decode(r["LogResult"]).decode()
        rep = parse_report(log)
        self.assertEqual(rep["RequestId"], body["requestId"])
        # one id per invocation: context's request id = START/END/REPORT = the response's x-amzn-RequestId
        self.assertRegex(body["requestId"], "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"], body["requestId"])
        self.assertEqual(r["ResponseMetadata"]["RequestId"], body["requestId"])
        self.assertIn("START RequestId: %s Version: $LATEST" % body["requestId"], log)
        self.assertIn("END RequestId: %s" % body["requestId"], log)
        self.assertIn("Init Duration", rep)
        self.assertIn("says", log)
        r = self.c.invoke(FunctionName=name, Payload=b'{"k": 2}')
        warm = json.loads(r["Payload"].read())
        self.assertEqual(warm["n"], 2)
        self.assertEqual(r["ResponseMetadata"]["RequestId"], warm["requestId"])   # warm too
        self.assertNotEqual(warm["requestId"], body["requestId"])
        r = self.c.invoke(FunctionName=name, Payload=b'{"fail": true}', LogType="Tail")
        self.assertEqual(r["FunctionError"], "Unhandled")
        err = json.loads(r["Payload"].read())
        self.assertEqual(err["errorType"], error_type)
        self.assertIn("failed", err["errorMessage"])
        self.assertEqual(parse_report(base64.b64decode(r["LogResult"]).decode())["RequestId"],
                         r["ResponseMetadata"]["RequestId"])

    def test_node(self):
        for rt in ("nodejs20.x", "nodejs18.x", "nodejs22.x"):
            self.run_runtime("node-" + rt.replace(".", "-"), rt, "index.handler", {"index.js": (NODE, 0o644)}, "Error")

    def test_python(self):
        for rt in ("python3.12", "python3.11", "python3.13"):
            self.run_runtime("py-" + rt.replace(".", "-"), rt, "app.handler", {"app.py": (PY, 0o644)}, "ValueError")

    def test_out_of_memory(self):
        # MemorySize is enforced (the sandbox's memory cgroup); the death is reported as Lambda does
        code = ("def handler(event, context):\n"
                "    x = bytearray(400 * 1024 * 1024)\n"
                "    for i in range(0, len(x), 4096):\n"
                "        x[i] = 1\n"
                "    return len(x)\n")
        self.c.create_function(FunctionName="py-oom", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                               Code={"ZipFile": zip_bytes({"app.py": (code, 0o644)})}, MemorySize=128, Timeout=30)
        r = self.c.invoke(FunctionName="py-oom", Payload=b"{}", LogType="Tail")
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]["x-amz-function-error"], "Unhandled")
        rid = r["ResponseMetadata"]["RequestId"]
        # to the caller, as on Lambda: the runtime was SIGKILLed
        self.assertEqual(json.loads(r["Payload"].read()),
                         {"errorType": "Runtime.ExitError",
                          "errorMessage": "RequestId: %s Error: Runtime exited with error: signal: killed" % rid})
        log = base64.b64decode(r["LogResult"]).decode()
        self.assertIn("RequestId: %s Error: Runtime exited with error: signal: killed\nRuntime.ExitError\n" % rid, log)
        rep = parse_report(log)
        self.assertEqual(rep["RequestId"], rid)
        self.assertEqual(rep["Memory Size"], "128 MB")
        self.assertEqual(rep["Max Memory Used"], "128 MB")        # the memory cgroup's peak
        self.assertEqual((rep["Status"], rep["Error Type"]), ("error", "Runtime.OutOfMemory"))
        # the environment is replaced: a small invocation runs on a fresh one
        r = self.c.update_function_code(FunctionName="py-oom", ZipFile=zip_bytes(
            {"app.py": ("def handler(event, context):\n    return 'small'\n", 0o644)}))
        r = self.c.invoke(FunctionName="py-oom", Payload=b"{}")
        self.assertNotIn("FunctionError", r)
        self.assertEqual(json.loads(r["Payload"].read()), "small")

    def test_node_started_like_lambda(self):
        # Lambda's Node.js bootstrap: --expose-gc, an 80 KB header limit, the heap sized from MemorySize
        code = ("const v8 = require('v8');\n"
                "exports.handler = async () => ({ gc: typeof global.gc, argv: process.execArgv,\n"
                "  heap: v8.getHeapStatistics().heap_size_limit, wrapped: process.env.WRAPPED || null });\n")
        self.c.create_function(FunctionName="node-args", Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                               Code={"ZipFile": zip_bytes({"index.js": (code, 0o644)})}, MemorySize=512)
        body = json.loads(self.c.invoke(FunctionName="node-args", Payload=b"{}")["Payload"].read())
        self.assertEqual(body["gc"], "function")
        self.assertEqual(body["argv"], ["--expose-gc", "--max-http-header-size", "81920",
                                        "--max-semi-space-size=25", "--max-old-space-size=461"])
        # old space 461 MB plus the young generation: the limit follows MemorySize, not V8's default
        self.assertGreater(body["heap"], 461 * 1024 * 1024)
        self.assertLess(body["heap"], 600 * 1024 * 1024)
        self.assertIsNone(body["wrapped"])

    def test_exec_wrapper(self):
        # AWS_LAMBDA_EXEC_WRAPPER: a wrapper script from a layer runs first and execs the runtime's command line
        wrapper = "#!/bin/sh\nexport WRAPPED=\"$1 $#\"\nexec \"$@\"\n"
        layer = self.c.publish_layer_version(LayerName="wrapper", Content={"ZipFile": zip_bytes(
            {"wrap.sh": (wrapper, 0o755)})})["LayerVersionArn"]
        node = "exports.handler = async () => process.env.WRAPPED;\n"
        py = "import os\ndef handler(event, context):\n    return os.environ['WRAPPED']\n"
        for name, rt, handler, files, argc in (
                ("node-wrapped", "nodejs20.x", "index.handler", {"index.js": (node, 0o644)}, 7),
                ("py-wrapped", "python3.12", "app.handler", {"app.py": (py, 0o644)}, 2)):
            self.c.create_function(FunctionName=name, Runtime=rt, Handler=handler, Role=ROLE, Layers=[layer],
                                   Code={"ZipFile": zip_bytes(files)},
                                   Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/wrap.sh"}})
            r = self.c.invoke(FunctionName=name, Payload=b"{}")
            self.assertNotIn("FunctionError", r)
            first, count = json.loads(r["Payload"].read()).split(" ")
            self.assertEqual(os.path.basename(first), "node" if rt.startswith("node") else "python3")
            self.assertEqual(int(count), argc)
        # a wrapper that is not there: the environment cannot start, as on Lambda
        self.c.create_function(FunctionName="node-nowrap", Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                               Code={"ZipFile": zip_bytes({"index.js": (node, 0o644)})},
                               Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/missing.sh"}})
        r = self.c.invoke(FunctionName="node-nowrap", Payload=b"{}")
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(r["Payload"].read())["errorType"], "Runtime.InvalidEntrypoint")

    def test_missing_handler_module(self):
        self.c.create_function(FunctionName="node-nomod", Runtime="nodejs20.x", Handler="missing.handler", Role=ROLE,
                               Code={"ZipFile": zip_bytes({"index.js": (NODE, 0o644)})})
        r = self.c.invoke(FunctionName="node-nomod", Payload=b"{}")
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(r["Payload"].read())["errorType"], "Runtime.ImportModuleError")


class LambdaRuntimeMissing(NimbusTestCase):
    """An interpreter that cannot be started: the invocation fails as Lambda's would, nimbus carries on."""
    nimbus_args = ("--set", "lambda.python=/nonexistent/python3")

    def test_interpreter_missing(self):
        c = self.nimbus.client("lambda")
        c.create_function(FunctionName="py-missing", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                          Code={"ZipFile": zip_bytes({"app.py": (PY, 0o644)})})
        for _ in range(2):
            r = c.invoke(FunctionName="py-missing", Payload=b"{}")
            self.assertEqual(r["FunctionError"], "Unhandled")
            self.assertEqual(json.loads(r["Payload"].read())["errorType"], "Runtime.InvalidEntrypoint")
        self.assertEqual(self.nimbus.wait_healthy()["status"], "ok")


if __name__ == "__main__":
    unittest.main()
