"""LoggingConfig honoured, end to end: the JSON log format (the Node.js and
Python runtimes' records, the platform's platform.* records), ApplicationLogLevel
and SystemLogLevel filtering, a custom LogGroup, the Text format unchanged, and
the control plane's answers to bad values.

Debian's botocore (1.29) predates LoggingConfig (botocore 1.32), so the client
here loads the Lambda model with the LoggingConfig shapes of the current API
added (logging_client); every request still goes through boto3."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BINARY, NimbusTestCase  # noqa: E402
from lambdatest import ROLE, bootstrap_zip, zip_bytes  # noqa: E402

# The shapes the Lambda API model (2015-03-31) has for LoggingConfig.
LOGGING_SHAPES = {
    "LoggingConfig": {"type": "structure", "members": {
        "LogFormat": {"shape": "LogFormat"}, "ApplicationLogLevel": {"shape": "ApplicationLogLevel"},
        "SystemLogLevel": {"shape": "SystemLogLevel"}, "LogGroup": {"shape": "LogGroup"}}},
    "LogFormat": {"type": "string", "enum": ["JSON", "Text"]},
    "ApplicationLogLevel": {"type": "string", "enum": ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]},
    "SystemLogLevel": {"type": "string", "enum": ["DEBUG", "INFO", "WARN"]},
    "LogGroup": {"type": "string", "max": 512, "min": 1, "pattern": "[\\.\\-_/#A-Za-z0-9]+"},
}

NODE = r'''
exports.handler = async (event) => {
  console.log("hello from node");
  console.info({ a: 1, nested: { b: [1, 2] } });
  console.warn("careful", 42);
  console.error(new TypeError("bad thing"));
  console.debug("debug line");
  console.trace("trace line");
  process.stdout.write("raw stdout line\n");
  return "ok";
};
'''

PY = r'''
import logging
logger = logging.getLogger()

def handler(event, context):
    print("plain print")
    print('{"level": "debug", "msg": "json debug print"}')
    print('{"level": "error", "msg": "json error print"}')
    logger.info("info from python")
    logger.debug("debug from python")
    logger.warning("warning from python")
    try:
        raise KeyError("missing")
    except KeyError:
        logger.exception("caught it")
    return "ok"
'''


def run_cli(*args, timeout=30):
    return subprocess.run([BINARY] + list(args), capture_output=True, text=True, timeout=timeout)


def records(tail):
    """Lines of a LogType Tail result: JSON objects parsed, other lines as text."""
    out = []
    for line in tail.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append(line)
    return out


def platform(recs, typ):
    return [r for r in recs if isinstance(r, dict) and r.get("type") == typ]


def app(recs):
    return [r for r in recs if isinstance(r, dict) and "type" not in r]


class LambdaLoggingConfig(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model_dir = tempfile.mkdtemp(prefix="nimbus-model-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.model_dir, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        self.c = self.logging_client()

    def logging_client(self):
        import boto3
        import botocore.config
        import botocore.loaders
        import botocore.session
        loader = botocore.loaders.Loader()
        model = loader.load_service_model("lambda", "service-2", "2015-03-31")
        shapes = model["shapes"]
        for k, v in LOGGING_SHAPES.items():
            shapes.setdefault(k, v)
        for s in ("CreateFunctionRequest", "UpdateFunctionConfigurationRequest", "FunctionConfiguration"):
            shapes[s]["members"].setdefault("LoggingConfig", {"shape": "LoggingConfig"})
        d = os.path.join(self.model_dir, "lambda", "2015-03-31")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "service-2.json"), "w") as f:
            json.dump(model, f)
        bs = botocore.session.get_session()
        bs.set_config_variable("data_path", self.model_dir)
        creds = self.nimbus.creds
        return boto3.Session(botocore_session=bs).client(
            "lambda", endpoint_url=self.nimbus.endpoint, region_name="us-east-1",
            aws_access_key_id=creds["AWS_ACCESS_KEY_ID"], aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
            config=botocore.config.Config(retries={"max_attempts": 1}))

    def create(self, name, runtime, files, handler, logging_config, **kw):
        return self.c.create_function(FunctionName=name, Runtime=runtime, Handler=handler, Role=ROLE,
                                      Code={"ZipFile": zip_bytes(files)}, LoggingConfig=logging_config, **kw)

    def invoke_tail(self, name, payload=b"{}"):
        r = self.c.invoke(FunctionName=name, Payload=payload, LogType="Tail")
        r["Body"] = r["Payload"].read()
        return r, base64.b64decode(r["LogResult"]).decode()

    def group_lines(self, group, want, timeout=10):
        """`nimbus logs --group GROUP` lines (message part), once one contains want."""
        deadline = time.time() + timeout
        lines = []
        while time.time() < deadline:
            p = run_cli("logs", "--group", group, "--since", "10m", "--data", self.nimbus.data_dir)
            self.assertEqual(p.returncode, 0, p.stderr)
            lines = p.stdout.splitlines()
            if any(want in l for l in lines):
                break
            time.sleep(0.2)
        return lines

    # --- JSON format -------------------------------------------------------------

    def test_node_json(self):
        cfg = self.create("node-json", "nodejs20.x", {"index.js": (NODE, 0o644)}, "index.handler",
                          {"LogFormat": "JSON"})
        self.assertEqual(cfg["LoggingConfig"], {"LogFormat": "JSON", "ApplicationLogLevel": "INFO",
                                                "SystemLogLevel": "INFO", "LogGroup": "/aws/lambda/node-json"})
        r, tail = self.invoke_tail("node-json")
        self.assertNotIn("FunctionError", r, r["Body"])
        rid = r["ResponseMetadata"]["RequestId"]
        recs = records(tail)
        start = platform(recs, "platform.start")
        self.assertEqual(len(start), 1, tail)
        self.assertEqual(start[0]["record"], {"requestId": rid, "functionArn": cfg["FunctionArn"],
                                              "version": "$LATEST"})
        self.assertRegex(start[0]["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        rep = platform(recs, "platform.report")
        self.assertEqual(len(rep), 1, tail)
        rec = rep[0]["record"]
        self.assertEqual((rec["requestId"], rec["status"]), (rid, "success"))
        m = rec["metrics"]
        self.assertEqual(m["memorySizeMB"], 128)
        self.assertGreaterEqual(m["billedDurationMs"], m["durationMs"])
        self.assertGreater(m["maxMemoryUsedMB"], 0)
        self.assertIn("initDurationMs", m)                       # a cold start
        self.assertEqual(platform(recs, "platform.runtimeDone"), [])   # DEBUG: not at INFO
        for line in tail.splitlines():                           # no Text platform lines
            self.assertFalse(line.startswith(("START ", "END ", "REPORT ")), line)
        a = app(recs)
        self.assertTrue(all(x["requestId"] == rid for x in a), a)
        by_level = {}
        for x in a:
            by_level.setdefault(x["level"], []).append(x)
        self.assertEqual(set(by_level), {"INFO", "WARN", "ERROR"})   # DEBUG and TRACE dropped at INFO
        self.assertEqual([x["message"] for x in by_level["INFO"]],
                         ["hello from node", {"a": 1, "nested": {"b": [1, 2]}}])
        self.assertRegex(by_level["INFO"][0]["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(list(by_level["INFO"][0]), ["timestamp", "level", "requestId", "message"])
        self.assertEqual(by_level["WARN"][0]["message"], "careful 42")
        err = by_level["ERROR"][0]["message"]
        self.assertEqual((err["errorType"], err["errorMessage"]), ("TypeError", "bad thing"))
        self.assertEqual(err["stackTrace"][0], "TypeError: bad thing")
        self.assertIn("raw stdout line", recs)                   # not through console: as written
        # a second, warm invocation: no initDurationMs
        r, tail = self.invoke_tail("node-json")
        m = platform(records(tail), "platform.report")[0]["record"]["metrics"]
        self.assertNotIn("initDurationMs", m)

    def test_python_json(self):
        self.create("py-json", "python3.12", {"app.py": (PY, 0o644)}, "app.handler", {"LogFormat": "JSON"})
        r, tail = self.invoke_tail("py-json")
        self.assertNotIn("FunctionError", r, r["Body"])
        rid = r["ResponseMetadata"]["RequestId"]
        recs = records(tail)
        self.assertIn("plain print", recs)                       # print() stays plain text
        self.assertIn({"level": "error", "msg": "json error print"}, recs)
        # Lambda reads a printed JSON object's "level": debug is below INFO
        self.assertNotIn({"level": "debug", "msg": "json debug print"}, recs)
        a = [x for x in app(recs) if "logger" in x]
        self.assertEqual([x["level"] for x in a], ["INFO", "WARNING", "ERROR"], tail)
        info = a[0]
        self.assertEqual({k: info[k] for k in ("message", "logger", "requestId")},
                         {"message": "info from python", "logger": "root", "requestId": rid})
        self.assertRegex(info["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        exc = a[2]
        self.assertEqual((exc["message"], exc["errorType"], exc["errorMessage"]), ("caught it", "KeyError", "'missing'"))
        self.assertTrue(exc["stackTrace"], exc)
        self.assertEqual(len(platform(recs, "platform.report")), 1, tail)

    def test_json_function_error_and_timeout(self):
        self.c.create_function(FunctionName="json-fail", Runtime="provided.al2", Handler="x", Role=ROLE,
                               Code={"ZipFile": bootstrap_zip()}, Timeout=1, LoggingConfig={"LogFormat": "JSON"})
        r, tail = self.invoke_tail("json-fail", b'{"op":"fail"}')
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(platform(records(tail), "platform.report")[0]["record"]["status"], "error")
        r, tail = self.invoke_tail("json-fail", b'{"op":"sleep"}')
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertIn("Task timed out after 1.00 seconds", json.loads(r["Body"])["errorMessage"])
        rec = platform(records(tail), "platform.report")[0]["record"]
        self.assertEqual((rec["status"], rec["errorType"]), ("timeout", "Sandbox.Timedout"))

    # --- levels ------------------------------------------------------------------

    def test_application_and_system_levels(self):
        self.create("node-levels", "nodejs20.x", {"index.js": (NODE, 0o644)}, "index.handler",
                    {"LogFormat": "JSON", "ApplicationLogLevel": "TRACE", "SystemLogLevel": "DEBUG"})
        r, tail = self.invoke_tail("node-levels")
        recs = records(tail)
        self.assertEqual({x["level"] for x in app(recs)}, {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"})
        done = platform(recs, "platform.runtimeDone")
        self.assertEqual(done[0]["record"], {"requestId": r["ResponseMetadata"]["RequestId"], "status": "success"})
        self.assertEqual(len(platform(recs, "platform.start")), 1)
        self.assertEqual(len(platform(recs, "platform.report")), 1)

        cfg = self.c.update_function_configuration(FunctionName="node-levels", LoggingConfig={
            "ApplicationLogLevel": "ERROR", "SystemLogLevel": "WARN"})
        self.assertEqual(cfg["LoggingConfig"], {"LogFormat": "JSON", "ApplicationLogLevel": "ERROR",
                                                "SystemLogLevel": "WARN", "LogGroup": "/aws/lambda/node-levels"})
        r, tail = self.invoke_tail("node-levels")
        recs = records(tail)
        self.assertEqual({x["level"] for x in app(recs)}, {"ERROR"})
        self.assertNotIn("raw stdout line", recs)                # a line without a level is INFO
        self.assertEqual([x for x in recs if isinstance(x, dict) and "type" in x], [], tail)   # WARN: no start/report

        # Text again: the levels go, the lines are Lambda's text ones
        cfg = self.c.update_function_configuration(FunctionName="node-levels", LoggingConfig={"LogFormat": "Text"})
        self.assertEqual(cfg["LoggingConfig"], {"LogFormat": "Text", "LogGroup": "/aws/lambda/node-levels"})
        r, tail = self.invoke_tail("node-levels")
        rid = r["ResponseMetadata"]["RequestId"]
        self.assertIn("START RequestId: %s Version: $LATEST" % rid, tail)
        self.assertRegex(tail, r"\t%s\tDEBUG\tdebug line\n" % rid)   # no filtering in Text
        self.assertRegex(tail, r"\t%s\tINFO\thello from node\n" % rid)

    def test_python_print_filtered_by_level(self):
        self.create("py-warn", "python3.12", {"app.py": (PY, 0o644)}, "app.handler",
                    {"LogFormat": "JSON", "ApplicationLogLevel": "WARN"})
        r, tail = self.invoke_tail("py-warn")
        recs = records(tail)
        self.assertNotIn("plain print", recs)
        self.assertIn({"level": "error", "msg": "json error print"}, recs)
        self.assertEqual([x["level"] for x in app(recs) if "logger" in x], ["WARNING", "ERROR"], tail)

    # --- log group ----------------------------------------------------------------

    def test_custom_log_group(self):
        group = "/custom/shared-group"
        cfg = self.c.create_function(FunctionName="grouped", Runtime="provided.al2", Handler="x", Role=ROLE,
                                     Code={"ZipFile": bootstrap_zip()}, LoggingConfig={"LogGroup": group})
        self.assertEqual(cfg["LoggingConfig"], {"LogFormat": "Text", "LogGroup": group})
        r, tail = self.invoke_tail("grouped", b'{"op":"env"}')
        self.assertEqual(json.loads(r["Body"])["group"], group)   # AWS_LAMBDA_LOG_GROUP_NAME
        rid = r["ResponseMetadata"]["RequestId"]
        self.assertIn("REPORT RequestId: %s\t" % rid, tail)        # Tail unchanged
        lines = self.group_lines(group, "REPORT RequestId: %s" % rid)
        self.assertTrue(any("START RequestId: %s Version: $LATEST" % rid in l for l in lines), lines)
        self.assertTrue(any("handling %s" % rid in l for l in lines), lines)
        self.assertRegex(lines[0], r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32} ")   # stream names unchanged
        p = run_cli("logs", "--group", "/aws/lambda/grouped", "--since", "10m", "--data", self.nimbus.data_dir)
        self.assertEqual((p.returncode, p.stdout), (0, ""))      # nothing in the default group
        p = run_cli("logs", "grouped", "--since", "10m", "--data", self.nimbus.data_dir)
        self.assertEqual(p.returncode, 0, p.stderr)              # `nimbus logs FUNCTION` follows its group
        self.assertIn("REPORT RequestId: %s\t" % rid, p.stdout)

        # JSON into the same group; back to the default group
        self.c.update_function_configuration(FunctionName="grouped", LoggingConfig={"LogFormat": "JSON"})
        r, tail = self.invoke_tail("grouped")
        rid = r["ResponseMetadata"]["RequestId"]
        self.assertEqual(platform(records(tail), "platform.report")[0]["record"]["requestId"], rid)
        lines = self.group_lines(group, '"type":"platform.report","record":{"requestId":"%s"' % rid)
        self.assertTrue(any('"type":"platform.start","record":{"requestId":"%s"' % rid in l for l in lines), lines)
        # the new configuration's environment began with platform.initStart
        init = [json.loads(l.split(" ", 2)[2]) for l in lines if '"type":"platform.initStart"' in l]
        self.assertEqual(len(init), 1, lines)
        self.assertEqual({k: init[0]["record"][k] for k in ("initializationType", "phase", "functionName",
                                                             "functionVersion")},
                         {"initializationType": "on-demand", "phase": "init", "functionName": "grouped",
                          "functionVersion": "$LATEST"})
        cfg = self.c.update_function_configuration(FunctionName="grouped",
                                                   LoggingConfig={"LogGroup": "/aws/lambda/grouped"})
        self.assertEqual(cfg["LoggingConfig"]["LogFormat"], "JSON")   # kept: only LogGroup was given
        r, _ = self.invoke_tail("grouped")
        rid = r["ResponseMetadata"]["RequestId"]
        lines = self.group_lines("/aws/lambda/grouped", '"requestId":"%s"' % rid)
        self.assertTrue(any('"requestId":"%s"' % rid in l for l in lines), lines)

    # --- Text unchanged ------------------------------------------------------------

    def test_text_default(self):
        cfg = self.c.create_function(FunctionName="texty", Runtime="provided.al2", Handler="x", Role=ROLE,
                                     Code={"ZipFile": bootstrap_zip()})
        self.assertEqual(cfg["LoggingConfig"], {"LogFormat": "Text", "LogGroup": "/aws/lambda/texty"})
        r, tail = self.invoke_tail("texty")
        rid = r["ResponseMetadata"]["RequestId"]
        lines = tail.splitlines()
        self.assertIn("START RequestId: %s Version: $LATEST" % rid, lines)
        self.assertIn("END RequestId: %s" % rid, lines)
        self.assertRegex(tail, r"REPORT RequestId: %s\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\t"
                               r"Memory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\n" % rid)
        self.assertIn("handling %s" % rid, lines)

    # --- bad values -----------------------------------------------------------------

    def assert_error(self, code, message, **kw):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.c.update_function_configuration(FunctionName="bad-values", **kw)
        err = cm.exception.response["Error"]
        self.assertEqual((err["Code"], err["Message"]), (code, message))

    def test_bad_values(self):
        self.c.create_function(FunctionName="bad-values", Runtime="provided.al2", Handler="x", Role=ROLE,
                               Code={"ZipFile": bootstrap_zip()})
        v = "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s"
        self.assert_error("ValidationException",
                          v % ("XML", "loggingConfig.logFormat", "Member must satisfy enum value set: [JSON, Text]"),
                          LoggingConfig={"LogFormat": "XML"})
        self.assert_error("ValidationException",
                          v % ("VERBOSE", "loggingConfig.applicationLogLevel",
                               "Member must satisfy enum value set: [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]"),
                          LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "VERBOSE"})
        self.assert_error("ValidationException",
                          v % ("ERROR", "loggingConfig.systemLogLevel",
                               "Member must satisfy enum value set: [DEBUG, INFO, WARN]"),
                          LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "ERROR"})
        self.assert_error("ValidationException",
                          v % ("bad group!", "loggingConfig.logGroup",
                               "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"),
                          LoggingConfig={"LogGroup": "bad group!"})
        text_levels = ('LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your '
                       'request or change the LogFormat to "Json" and try again.')
        self.assert_error("InvalidParameterValueException", text_levels,
                          LoggingConfig={"ApplicationLogLevel": "DEBUG"})
        self.assert_error("InvalidParameterValueException", text_levels,
                          LoggingConfig={"LogFormat": "Text", "SystemLogLevel": "WARN"})
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as cm:   # at creation too
            self.c.create_function(FunctionName="bad-create", Runtime="provided.al2", Handler="x", Role=ROLE,
                                   Code={"ZipFile": bootstrap_zip()},
                                   LoggingConfig={"SystemLogLevel": "DEBUG"})
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterValueException")
        with self.assertRaises(self.c.exceptions.ResourceNotFoundException):
            self.c.get_function(FunctionName="bad-create")
        # nothing was changed by the refused updates
        cfg = self.c.get_function_configuration(FunctionName="bad-values")
        self.assertEqual(cfg["LoggingConfig"], {"LogFormat": "Text", "LogGroup": "/aws/lambda/bad-values"})


if __name__ == "__main__":
    unittest.main()
