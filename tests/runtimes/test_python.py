"""test_python.py — the Python bootstrap (runtimes/python) against the stub
Runtime API: handler loading, context, error shapes, init errors, logging
format, print, boto3 reaching AWS_ENDPOINT_URL."""

import json
import re

from harness import Instance, test, eq, ok
from test_node_sdk import Recorder

LOG_RE = re.compile(r"^\[(INFO|WARNING|ERROR|DEBUG|CRITICAL)\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t(\S*)\t(.*)\n$")


@test
def python_echo_and_warm_reuse():
    files = {"lambda_function.py": "n = 0\ndef lambda_handler(event, context):\n    global n\n    n += 1\n    return {'got': event, 'n': n}\n"}
    with Instance("python", files, handler="lambda_function.lambda_handler") as i:
        eq(i.invoke({"a": "é"}).json(), {"got": {"a": "é"}, "n": 1}, "first")
        eq(i.invoke([1]).json(), {"got": [1], "n": 2}, "warm instance keeps globals")
        eq(i.stub.connections, 1, "one keep-alive connection")


@test
def python_package_and_dir_handlers():
    files = {"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/mod.py": "def h(e, c):\n    return 'pkg'\n",
             "src/app.py": "def h(e, c):\n    return 'dir'\n", "src/__init__.py": ""}
    with Instance("python", files, handler="pkg.sub.mod.h") as i:
        eq(i.invoke({}).json(), "pkg", "dotted package")
    with Instance("python", files, handler="src/app.h") as i:
        eq(i.invoke({}).json(), "dir", "slash path")


@test
def python_context_fields():
    files = {"f.py": """
import os
def h(event, context):
    cc = context.client_context
    return {
        'aws_request_id': context.aws_request_id,
        'function_name': context.function_name,
        'function_version': context.function_version,
        'invoked_function_arn': context.invoked_function_arn,
        'memory_limit_in_mb': context.memory_limit_in_mb,
        'log_group_name': context.log_group_name,
        'log_stream_name': context.log_stream_name,
        'remaining': context.get_remaining_time_in_millis(),
        'identity': [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],
        'client_context': [cc.custom, cc.env, cc.client.app_title] if cc else None,
        'trace': os.environ.get('_X_AMZN_TRACE_ID'),
    }
"""}
    with Instance("python", files, handler="f.h", name="pyctx") as i:
        arn = "arn:aws:lambda:us-east-1:000000000000:function:pyctx"
        rid = i.stub.enqueue({}, timeout_s=10, arn=arn, headers={
            "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId":"cid","cognitoIdentityPoolId":"pool"}',
            "Lambda-Runtime-Client-Context": '{"custom":{"k":"v"},"env":{"e":"1"},"client":{"app_title":"t"}}'})
        c = i.stub.wait_result(rid).json()
        eq(c["aws_request_id"], rid, "id")
        eq(c["function_name"], "pyctx", "name")
        eq(c["function_version"], "$LATEST", "version")
        eq(c["invoked_function_arn"], arn, "arn")
        eq(c["memory_limit_in_mb"], "256", "memory")
        eq(c["log_group_name"], "/aws/lambda/pyctx", "group")
        eq(c["log_stream_name"], "2026/11/28/[$LATEST]0123456789abcdef", "stream")
        ok(5000 < c["remaining"] <= 10000, "remaining %r" % c["remaining"])
        eq(c["identity"], ["cid", "pool"], "identity")
        eq(c["client_context"], [{"k": "v"}, {"e": "1"}, "t"], "client context")
        ok(c["trace"].startswith("Root=1-"), "trace env")
        rid = i.stub.enqueue({})
        c = i.stub.wait_result(rid).json()
        eq((c["identity"], c["client_context"]), ([None, None], None), "absent identity / client context")


@test
def python_trace_id_env_per_invocation_without_setenv():
    """os.environ["_X_AMZN_TRACE_ID"] follows each invocation's trace id, for
    the handler and for child processes (which inherit the C environment),
    unset for an invocation without one, and after the handler set it itself;
    and setting it is not setenv(3), whose strings glibc keeps for good (~145
    bytes per distinct value): 200,000 ids set the way the runtime sets them
    per invocation leave the process's RSS flat."""
    files = {"f.py": r"""
import os, subprocess, sys
def h(event, context):
    if event.get("set"):
        os.environ["_X_AMZN_TRACE_ID"] = event["set"]
    return {
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "has": "_X_AMZN_TRACE_ID" in os.environ,
        "child": subprocess.run(["/bin/sh", "-c", 'printf %s "${_X_AMZN_TRACE_ID-unset}"'],
                                capture_output=True, check=True).stdout.decode(),
    }
def churn(event, context):
    rt = sys.modules["_nimbus_runtime"]
    rss = lambda: int(open("/proc/self/statm").read().split()[1]) * 4096
    spin = lambda tag: [rt._trace_env.set("Root=1-%s%08x-abcdef0123456789abcdef01;Parent=0123456789abcdef;Sampled=0" % (tag, i))
                        for i in range(event["n"])]
    spin("a")
    r0 = rss()
    spin("b")
    return {"growthKB": (rss() - r0) // 1024, "last": os.environ["_X_AMZN_TRACE_ID"],
            "inPlace": rt._trace_env.put}
"""}
    ids = ["Root=1-%08x-cccccccccccccccccccccccc;Parent=3333333333333333;Sampled=1" % k for k in range(4)]
    with Instance("python", files, handler="f.h") as i:
        def call(trace, event=None):
            return i.stub.wait_result(i.stub.enqueue(event or {}, headers={"Lambda-Runtime-Trace-Id": trace})).json()
        for t in ids[:3]:   # the first before the in-place buffer is installed, the others after
            eq(call(t), {"trace": t, "has": True, "child": t}, "an invocation with a trace id")
        eq(call(None), {"trace": None, "has": False, "child": "unset"}, "an invocation without one")
        eq(call(ids[3]), {"trace": ids[3], "has": True, "child": ids[3]}, "set again")
        eq(call(ids[0], {"set": "mine"}), {"trace": "mine", "has": True, "child": "mine"}, "set by the handler")
        eq(call(ids[1]), {"trace": ids[1], "has": True, "child": ids[1]}, "the next invocation's own again")
    with Instance("python", files, handler="f.churn") as i:
        i.invoke({"n": 1})   # the buffer goes in after the first answer
        c = i.invoke({"n": 200000}).json()
        eq(c["inPlace"], True, "the variable is the runtime's buffer")
        ok(c["last"].startswith("Root=1-b"), "the last id set is the variable's value: %r" % c["last"])
        # os.environ's setenv(3) grew this by ~28,000 KB (200,000 distinct values)
        ok(c["growthKB"] < 2048, "RSS grew %d KB for 200,000 trace ids" % c["growthKB"])


@test
def python_error_shapes():
    files = {"f.py": """
import decimal
class MyError(Exception):
    pass
def boom(event, context):
    helper()
def helper():
    raise MyError('custom failure')
def marshal(event, context):
    return {'s': {1, 2}}
def raw(event, context):
    return b'\\x00raw bytes' if event == 'json' else event
def dec(event, context):
    return {'i': decimal.Decimal('3'), 'f': decimal.Decimal('1.5')}
"""}
    with Instance("python", files, handler="f.boom") as i:
        rid = i.stub.enqueue({})
        r = i.stub.wait_result(rid)
        eq(r.kind, "error", "kind")
        b = r.json()
        eq(list(b), ["errorMessage", "errorType", "requestId", "stackTrace"], "keys in Lambda's order")
        eq((b["errorType"], b["errorMessage"], b["requestId"]), ("MyError", "custom failure", rid), "fields")
        eq(len(b["stackTrace"]), 2, "handler frames only: %r" % b["stackTrace"])
        ok(b["stackTrace"][0].startswith('  File "') and "line 6, in boom\n    helper()\n" in b["stackTrace"][0], "frame format")
        eq(r.headers.get("lambda-runtime-function-error-type"), "MyError", "header")
        line = i.wait_log("[ERROR] MyError: custom failure")
        ok(line.startswith("[ERROR] MyError: custom failure\rTraceback (most recent call last):\r\u00a0\u00a0File "), "logged %r" % line)
        eq(i.invoke({}).kind, "error", "still serving")
    with Instance("python", files, handler="f.marshal") as i:
        b = i.invoke({}).json()
        eq(b["errorType"], "Runtime.MarshalError", "marshal type")
        eq(b["errorMessage"], "Unable to marshal response: Object of type set is not JSON serializable", "marshal message")
    with Instance("python", files, handler="f.dec") as i:
        eq(i.invoke({}).json(), {"i": 3, "f": 1.5}, "Decimal results")
    with Instance("python", files, handler="f.raw") as i:
        eq(i.invoke("json").body, b"\x00raw bytes", "bytes returned as is")
        rid = i.stub.enqueue(b"plain text", raw=True, headers={"Content-Type": "text/plain"})
        eq(i.stub.wait_result(rid).body, b"plain text", "non-JSON payload passed as bytes")
    with Instance("python", files, handler="f.dec") as i:
        rid = i.stub.enqueue(b"{nope", raw=True)
        eq(i.stub.wait_result(rid).json()["errorType"], "Runtime.UnmarshalError", "bad event")


@test
def python_init_errors():
    cases = [
        ({}, "missing.h", "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"),
        ({"f.py": "import not_installed_anywhere\n"}, "f.h", "Runtime.ImportModuleError",
         "Unable to import module 'f': No module named 'not_installed_anywhere'"),
        ({"f.py": "x = 1\n"}, "f.h", "Runtime.HandlerNotFound", "Handler 'h' missing on module 'f'"),
        ({"f.py": "def h(e, c)\n    pass\n"}, "f.h", "Runtime.UserCodeSyntaxError", "Syntax error in module 'f': "),
        ({"f.py": ""}, "nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot': not enough values to unpack"),
        ({"f.py": "raise ValueError('top level')\n"}, "f.h", "ValueError", "top level"),
        ({}, "sys.h", "Runtime.BuiltInModuleConflict", "Cannot use built-in module sys as a handler module"),
    ]
    for files, handler, etype, msg in cases:
        with Instance("python", files, handler=handler) as i:
            e = i.stub.wait_init_error()
            b = e.json()
            eq(b["errorType"], etype, handler)
            ok(b["errorMessage"].startswith(msg), "%r should start with %r" % (b["errorMessage"], msg))
            eq(b["requestId"], "", "no request id at init")
            ok(isinstance(b["stackTrace"], list), "stackTrace")
            eq(e.headers.get("lambda-runtime-function-error-type"), etype, "header")
            eq(i.wait_exit(), 1, "exit code")
            ok(any(l.startswith("[ERROR] " + etype) for l in i.logs()), "logged: %r" % i.logs())


@test
def python_logging_and_print():
    files = {"f.py": """
import logging
logger = logging.getLogger()
logger.warning('at init')
def h(event, context):
    print('plain print')
    logging.info('hidden at the default WARNING level')
    logger.setLevel(logging.INFO)
    logger.info('hello %s', 'world')
    logging.getLogger('child').error('multi\\nline')
    return 1
"""}
    with Instance("python", files, handler="f.h") as i:
        rid = i.stub.enqueue({})
        i.stub.wait_result(rid)
        lines = i.wait_lines(4)
        eq(len(lines), 4, "lines %r" % lines)
        m0 = LOG_RE.match(lines[0])
        ok(m0 and m0.group(1) == "WARNING" and m0.group(2) == "" and m0.group(3) == "at init", "init line %r" % lines[0])
        eq(lines[1], "plain print\n", "print")
        m2, m3 = LOG_RE.match(lines[2]), LOG_RE.match(lines[3])
        ok(m2 and m3, "format %r" % lines[2:])
        eq((m2.group(1), m2.group(2), m2.group(3)), ("INFO", rid, "hello world"), "info")
        eq((m3.group(1), m3.group(2), m3.group(3)), ("ERROR", rid, "multi\rline"), "error")


@test
def python_json_format_error_record():
    files = {"f.py": "def h(e, c):\n    raise KeyError('k')\n"}
    with Instance("python", files, handler="f.h", env={"AWS_LAMBDA_LOG_FORMAT": "JSON"}) as i:
        rid = i.stub.enqueue({})
        eq(i.stub.wait_result(rid).json()["errorType"], "KeyError", "error")
        rec = json.loads(i.wait_lines(1)[0])
        eq((rec["level"], rec["errorType"], rec["errorMessage"], rec["requestId"]), ("ERROR", "KeyError", "'k'", rid), "record")
        ok(rec["stackTrace"] and rec["timestamp"].endswith("Z"), "stack and time %r" % rec)


@test
def python_logging_json():
    files = {"f.py": "import logging\ndef h(e, c):\n    logging.debug('no')\n    logging.info('yes')\n    return 1\n"}
    with Instance("python", files, handler="f.h", env={"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}) as i:
        rid = i.stub.enqueue({})
        i.stub.wait_result(rid)
        rec = json.loads(i.wait_lines(1)[0])
        eq((rec["level"], rec["message"], rec["requestId"], rec["logger"]), ("INFO", "yes", rid, "root"), "record")


@test
def python_boto3_reaches_endpoint():
    rec = Recorder()
    files = {"f.py": """
import boto3
def h(event, context):
    ddb = boto3.client('dynamodb')
    item = ddb.get_item(TableName='Users', Key={'id': {'S': '42'}})['Item']
    table = boto3.resource('dynamodb').Table('Users')
    item2 = table.get_item(Key={'id': '42'})['Item']
    return {'item': item, 'item2': item2, 'url': ddb.meta.endpoint_url,
            'explicit': boto3.client('sqs', endpoint_url='http://127.0.0.1:1').meta.endpoint_url,
            's3': boto3.client('s3').meta.config.s3}
"""}
    try:
        with Instance("python", files, handler="f.h", env={"AWS_ENDPOINT_URL": rec.url}) as i:
            r = i.invoke({}, timeout=20)
            eq(r.kind, "response", "kind %r %r" % (r, i.err))
            b = r.json()
            eq(b["item"], {"id": {"S": "42"}, "name": {"S": "Ada"}}, "client")
            eq(b["item2"], {"id": "42", "name": "Ada"}, "resource")
            eq(b["url"], rec.url, "endpoint")
            eq(b["explicit"], "http://127.0.0.1:1", "explicit endpoint wins")
            eq(b["s3"], {"addressing_style": "path"}, "s3 path style")
            eq([h.get("X-Amz-Target") for _, h, _ in rec.requests], ["DynamoDB_20120810.GetItem"] * 2, "requests")
    finally:
        rec.close()


@test
def python_layer_paths():
    # PYTHONPATH as nimbus sets it (<opt>/python:<task root>): both layer
    # layouts are importable, and the task root comes first.
    import os, sys, tempfile, shutil
    opt = tempfile.mkdtemp(prefix="nimbus-opt-")
    try:
        site = os.path.join(opt, "python", "lib", "python%d.%d" % sys.version_info[:2], "site-packages")
        os.makedirs(site)
        with open(os.path.join(opt, "python", "flat.py"), "w") as f:
            f.write("where = 'layer-flat'\n")
        with open(os.path.join(site, "deep.py"), "w") as f:
            f.write("where = 'layer-site'\n")
        with open(os.path.join(opt, "python", "shadowed.py"), "w") as f:
            f.write("where = 'layer'\n")
        files = {"f.py": "import flat, deep, shadowed\ndef h(e, c):\n    return [flat.where, deep.where, shadowed.where]\n",
                 "shadowed.py": "where = 'task'\n"}
        with Instance("python", files, handler="f.h", env={"PYTHONPATH": os.path.join(opt, "python")}) as i:
            eq(i.invoke({}).json(), ["layer-flat", "layer-site", "task"], "layers")
    finally:
        shutil.rmtree(opt)


@test
def python_unicode_response_by_runtime_version():
    files = {"f.py": "def h(e, c):\n    return 'caf\\u00e9'\n"}
    for env, want in (("AWS_Lambda_python3.11", b'"caf\\u00e9"'), ("AWS_Lambda_python3.12", '"café"'.encode()),
                      ("AWS_Lambda_python3.13", '"café"'.encode())):
        with Instance("python", files, handler="f.h", env={"AWS_EXECUTION_ENV": env}) as i:
            eq(i.invoke({}).body, want, env)
