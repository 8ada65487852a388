"""test_node.py — the Node.js bootstrap (runtimes/nodejs) against the stub
Runtime API: handler loading (CJS, ESM), context, async and callback styles,
error shapes, init errors, logs, uncaught errors, the AWS SDK v2 hook."""

import json
import os
import re

from harness import Instance, test, eq, ok

LOG_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t(\S+)\t(INFO|WARN|ERROR|DEBUG|TRACE|FATAL)\t(.*)\n$")


@test
def node_cjs_async_echo():
    files = {"index.js": "exports.handler = async (event) => ({ got: event });\n"}
    with Instance("node", files) as i:
        r = i.invoke({"a": 1, "s": "é"})
        eq(r.kind, "response", "kind")
        eq(r.json(), {"got": {"a": 1, "s": "é"}}, "body")
        r = i.invoke([1, 2])  # warm: same process answers again
        eq(r.json(), {"got": [1, 2]}, "second")
        eq(i.stub.connections, 1, "one keep-alive connection")


@test
def node_esm_mjs_and_type_module():
    files = {"app.mjs": "export const handler = async (e) => ({ esm: true, e });\n"}
    with Instance("node", files, handler="app.handler") as i:
        eq(i.invoke(1).json(), {"esm": True, "e": 1}, "mjs")
    files = {"package.json": '{"type":"module"}', "src/h.js": "export async function run(e) { return 'esm-js:' + e; }\n"}
    with Instance("node", files, handler="src/h.run") as i:
        eq(i.invoke("x").json(), "esm-js:x", "type module .js")


@test
def node_cjs_file_and_nested_export():
    files = {"lib/api.cjs": "module.exports.v1 = { get: async () => 'nested' };\n"}
    with Instance("node", files, handler="lib/api.v1.get") as i:
        eq(i.invoke({}).json(), "nested", "nested export")


@test
def node_context_fields():
    files = {"index.js": """
exports.handler = async (event, context) => ({
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  identity: context.identity,
  clientContext: context.clientContext,
  waits: context.callbackWaitsForEmptyEventLoop,
  trace: process.env._X_AMZN_TRACE_ID,
  fns: [typeof context.done, typeof context.succeed, typeof context.fail],
});
"""}
    with Instance("node", files, name="ctxfn") as i:
        arn = "arn:aws:lambda:us-east-1:000000000000:function:ctxfn:live"
        rid = i.stub.enqueue({}, timeout_s=10, arn=arn, headers={
            "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId":"cid","cognitoIdentityPoolId":"pool"}',
            "Lambda-Runtime-Client-Context": '{"custom":{"k":"v"},"env":{"platform":"test"}}'})
        c = i.stub.wait_result(rid).json()
        eq(c["awsRequestId"], rid, "request id")
        eq(c["functionName"], "ctxfn", "function name")
        eq(c["functionVersion"], "$LATEST", "version")
        eq(c["invokedFunctionArn"], arn, "arn")
        eq(c["memoryLimitInMB"], "256", "memory (a string, as on Lambda)")
        eq(c["logGroupName"], "/aws/lambda/ctxfn", "log group")
        eq(c["logStreamName"], "2026/11/28/[$LATEST]0123456789abcdef", "log stream")
        ok(5000 < c["remaining"] <= 10000, "remaining time %r" % c["remaining"])
        eq(c["identity"], {"cognitoIdentityId": "cid", "cognitoIdentityPoolId": "pool"}, "identity")
        eq(c["clientContext"], {"custom": {"k": "v"}, "env": {"platform": "test"}}, "client context")
        eq(c["waits"], True, "callbackWaitsForEmptyEventLoop default")
        ok(c["trace"].startswith("Root=1-"), "trace id env")
        eq(c["fns"], ["function", "function", "function"], "done/succeed/fail")


@test
def node_trace_id_env_per_invocation_without_setenv():
    """process.env._X_AMZN_TRACE_ID follows each invocation's trace id for the
    handler, its child processes, `in`, keys and spreads, and is unset for an
    invocation without one; and setting it is not setenv(3), whose strings
    glibc keeps for good (~170 bytes per distinct value): 200,000 ids set the
    way the runtime sets them per invocation leave the process's RSS flat."""
    files = {"index.js": r"""
const path = require('path');
const { execFileSync } = require('child_process');
exports.handler = async () => ({
  trace: process.env._X_AMZN_TRACE_ID === undefined ? null : process.env._X_AMZN_TRACE_ID,
  has: '_X_AMZN_TRACE_ID' in process.env,
  inKeys: Object.keys(process.env).includes('_X_AMZN_TRACE_ID'),
  spread: { ...process.env }._X_AMZN_TRACE_ID || null,
  child: execFileSync('/bin/sh', ['-c', 'printf %s "${_X_AMZN_TRACE_ID-unset}"']).toString(),
  other: process.env.AWS_LAMBDA_FUNCTION_NAME,
});
exports.churn = async (event) => {
  const te = require(path.join(path.dirname(require.main.filename), 'trace_env.js'));
  require('v8').setFlagsFromString('--expose-gc');
  const gc = require('vm').runInNewContext('gc');
  const spin = (n, tag) => { for (let i = 0; i < n; i++) te.set('Root=1-' + tag + i.toString(16).padStart(8, '0') + '-abcdef0123456789abcdef01;Parent=0123456789abcdef;Sampled=0'); };
  spin(event.n, 'a');   // warm the V8 heap for these strings first
  gc();
  const r0 = process.memoryUsage().rss;
  spin(event.n, 'b');
  gc();
  return { growthKB: Math.round((process.memoryUsage().rss - r0) / 1024), last: process.env._X_AMZN_TRACE_ID };
};
"""}
    with Instance("node", files, name="tracefn") as i:
        t1 = "Root=1-11111111-aaaaaaaaaaaaaaaaaaaaaaaa;Parent=1111111111111111;Sampled=1"
        t2 = "Root=1-22222222-bbbbbbbbbbbbbbbbbbbbbbbb;Parent=2222222222222222;Sampled=0"
        for t in (t1, t2):
            c = i.stub.wait_result(i.stub.enqueue({}, headers={"Lambda-Runtime-Trace-Id": t})).json()
            eq(c, {"trace": t, "has": True, "inKeys": True, "spread": t, "child": t, "other": "tracefn"},
               "an invocation with a trace id")
        c = i.stub.wait_result(i.stub.enqueue({}, headers={"Lambda-Runtime-Trace-Id": None})).json()
        eq(c, {"trace": None, "has": False, "inKeys": False, "spread": None, "child": "unset", "other": "tracefn"},
           "an invocation without one")
    with Instance("node", files, handler="index.churn") as i:
        c = i.invoke({"n": 200000}).json()
        ok(c["last"].startswith("Root=1-b"), "the last id set is the variable's value: %r" % c["last"])
        # setenv(3) grew this by ~33,000 KB (200,000 distinct values)
        ok(c["growthKB"] < 4096, "RSS grew %d KB for 200,000 trace ids" % c["growthKB"])


@test
def node_callback_styles():
    files = {"index.js": """
let bg = 0;
exports.cb = (event, context, callback) => { callback(null, { v: event.v * 2 }); };
exports.waits = (event, context, callback) => {
  setTimeout(() => { bg = 1; }, 50);
  callback(null, 'sent');       // posted only after the timer ran (loop drained)
};
exports.bg = async () => bg;
exports.nowait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => {}, 3000);   // would hold the response for 3 s if waited for
  callback(null, 'fast');
};
exports.succeed = (event, context) => { context.succeed({ ok: 1 }); };
exports.fail = (event, context) => { context.fail(new TypeError('bad thing')); };
exports.cberr = (event, context, callback) => { callback(new RangeError('out of range')); };
exports.nothing = (event) => { };  // never calls back: null once the loop drains
// Waiting for the loop, the last callback before it drains wins (as in Lambda's runtime).
exports.twice = (event, context, callback) => { callback(null, 1); callback(null, 2); };
"""}
    for h, want in [("cb", {"v": 42}), ("waits", "sent"), ("nowait", "fast"), ("succeed", {"ok": 1}),
                    ("nothing", None), ("twice", 2)]:
        with Instance("node", files, handler="index." + h) as i:
            r = i.invoke({"v": 21}, timeout=2.5)
            eq(r.kind, "response", h)
            eq(r.json(), want, h)
    with Instance("node", files, handler="index.waits") as i:
        i.invoke({})
    for h, etype, msg in [("fail", "TypeError", "bad thing"), ("cberr", "RangeError", "out of range")]:
        with Instance("node", files, handler="index." + h) as i:
            r = i.invoke({})
            eq(r.kind, "error", h)
            eq(r.json()["errorType"], etype, h)
            eq(r.json()["errorMessage"], msg, h)
            eq(r.headers.get("lambda-runtime-function-error-type"), etype, "error type header")


@test
def node_callback_waits_for_loop_before_next_event():
    # The timer set before callback() must have fired before the response,
    # so the next invoke sees bg = 1.
    files = {"index.js": """
let bg = 0;
exports.handler = (event, context, callback) => {
  if (event.read) return callback(null, bg);
  setTimeout(() => { bg = 1; }, 30);
  callback(null, 'sent');
};
"""}
    with Instance("node", files) as i:
        eq(i.invoke({}).json(), "sent", "first")
        eq(i.invoke({"read": True}).json(), 1, "timer ran before the response")


@test
def node_error_shapes():
    files = {"index.js": """
class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; } }
exports.throws = async () => { throw new MyError('custom failure'); };
exports.sync = () => { throw new Error('sync failure'); };
exports.str = async () => { throw 'just a string'; };
exports.circular = async () => { const o = {}; o.o = o; return o; };
exports.never = async () => new Promise(() => {});
"""}
    with Instance("node", files, handler="index.throws") as i:
        r = i.invoke({})
        eq(r.kind, "error", "kind")
        body = r.json()
        eq(sorted(body), ["errorMessage", "errorType", "trace"], "keys")
        eq(body["errorType"], "MyError", "type")
        eq(body["errorMessage"], "custom failure", "message")
        eq(body["trace"][0], "MyError: custom failure", "trace head")
        ok(any("index.js" in t for t in body["trace"]), "trace has the file")
        eq(r.headers["lambda-runtime-function-error-type"], "MyError", "header")
        line = i.wait_log("Invoke Error")
        m = LOG_RE.match(line)
        ok(m, "log line format %r" % line)
        eq(m.group(2), "ERROR", "level")
        logged = json.loads(m.group(3).split("\t", 1)[1])
        eq(logged["errorType"], "MyError", "logged type")
        ok(isinstance(logged["stack"], list), "logged stack")
        # the instance survives a handled failure
        eq(i.invoke({}).kind, "error", "still serving")
    with Instance("node", files, handler="index.sync") as i:
        eq(i.invoke({}).json()["errorMessage"], "sync failure", "sync throw")
    with Instance("node", files, handler="index.str") as i:
        eq(i.invoke({}).json(), {"errorType": "string", "errorMessage": "just a string", "trace": []}, "string")
    with Instance("node", files, handler="index.circular") as i:
        eq(i.invoke({}).json()["errorType"], "Runtime.JSONStringifyError", "unserializable result")
    with Instance("node", files, handler="index.never") as i:
        b = i.invoke({}).json()
        eq(b["errorType"], "Runtime.NodeJsExit", "async handler whose promise never settles")
        ok("Promise that was never settled" in b["errorMessage"], b["errorMessage"])
        eq(i.invoke({}).json()["errorType"], "Runtime.NodeJsExit", "instance goes on")


@test
def node_init_errors():
    cases = [
        ({"index.js": "exports.other = 1;"}, "index.handler", "Runtime.HandlerNotFound",
         "index.handler is undefined or not exported"),
        ({"index.js": "exports.handler = 42;"}, "index.handler", "Runtime.HandlerNotFound",
         "index.handler is not a function"),
        ({}, "missing.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'missing'"),
        ({"index.js": "require('not-installed-anywhere');"}, "index.handler", "Runtime.ImportModuleError",
         "Error: Cannot find module 'not-installed-anywhere'"),
        ({"index.js": "exports.handler = async () => {;"}, "index.handler", "Runtime.UserCodeSyntaxError",
         "SyntaxError: "),
        ({"index.mjs": "import x from 'nope-esm-dep'; export const handler = x;"}, "index.handler",
         "Error", "Cannot find package 'nope-esm-dep'"),  # unwrapped, as Lambda's runtime reports it
        ({"index.js": "throw new TypeError('top level');"}, "index.handler", "TypeError", "top level"),
        ({"index.js": ""}, "index", "Runtime.MalformedHandlerName", "Bad handler"),
        ({"index.js": ""}, "../etc/passwd.handler", "Runtime.MalformedHandlerName",
         "'../etc/passwd.handler' is not a valid handler name."),
    ]
    for files, handler, etype, msg in cases:
        with Instance("node", files, handler=handler) as i:
            e = i.stub.wait_init_error()
            body = e.json()
            eq(body["errorType"], etype, handler)
            ok(body["errorMessage"].startswith(msg), "message %r should start with %r" % (body["errorMessage"], msg))
            eq(e.headers.get("lambda-runtime-function-error-type"), etype, "header")
            eq(i.wait_exit(), 129, "exit code")
            ok(any("\tundefined\tERROR\tUncaught Exception \t{" in l for l in i.logs()), "init error logged: %r" % i.logs())


@test
def node_console_format():
    files = {"index.js": """
console.log('at init');
exports.handler = async () => {
  console.log('hello %s', 'world');
  console.info('info', { a: 1 });
  console.warn('warn');
  console.error('error');
  console.debug('debug');
  console.log('multi\\nline');
  return 1;
};
"""}
    with Instance("node", files) as i:
        rid = i.stub.enqueue({})
        i.stub.wait_result(rid)
        lines = i.wait_lines(7)
        parsed = [LOG_RE.match(l) for l in lines]
        ok(all(parsed), "every line formatted: %r" % lines)
        got = [(m.group(1), m.group(2), m.group(3)) for m in parsed]
        eq(got[0], ("undefined", "INFO", "at init"), "init line")
        eq(got[1:], [(rid, "INFO", "hello world"), (rid, "INFO", "info { a: 1 }"), (rid, "WARN", "warn"),
                     (rid, "ERROR", "error"), (rid, "DEBUG", "debug"), (rid, "INFO", "multi\rline")], "lines")


@test
def node_console_json_format():
    files = {"index.js": "exports.handler = async () => { console.debug('hidden'); console.warn('shown'); return 1; };"}
    with Instance("node", files, env={"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}) as i:
        rid = i.stub.enqueue({})
        i.stub.wait_result(rid)
        recs = [json.loads(l) for l in i.wait_lines(1)]
        eq(len(recs), 1, "debug filtered")
        eq((recs[0]["level"], recs[0]["requestId"], recs[0]["message"]), ("WARN", rid, "shown"), "record")


@test
def node_uncaught_exception_and_rejection():
    files = {"index.js": """
exports.uncaught = (event, context, callback) => { setTimeout(() => { throw new Error('async boom'); }, 5); };
exports.rejection = async () => { Promise.reject(new Error('nobody caught me')); await new Promise(r => setTimeout(r, 100)); return 'late'; };
"""}
    with Instance("node", files, handler="index.uncaught") as i:
        r = i.invoke({})
        eq(r.kind, "error", "kind")
        eq((r.json()["errorType"], r.json()["errorMessage"]), ("Error", "async boom"), "error")
        eq(i.wait_exit(), 129, "exit code")
        ok(any("\tERROR\tUncaught Exception \t{" in l for l in i.logs()), "logged")
    with Instance("node", files, handler="index.rejection") as i:
        r = i.invoke({})
        eq(r.json()["errorType"], "Runtime.UnhandledPromiseRejection", "type")
        eq(r.json()["errorMessage"], "Error: nobody caught me", "message")
        eq(i.wait_exit(), 128, "exit code")


@test
def node_event_not_json():
    files = {"index.js": "exports.handler = async (e) => e;"}
    with Instance("node", files) as i:
        rid = i.stub.enqueue(b"{not json", raw=True)
        r = i.stub.wait_result(rid)
        eq(r.json()["errorType"], "SyntaxError", "bad event")
        eq(i.invoke({"ok": True}).json(), {"ok": True}, "still serving")


@test
def node_shared_modules_for_cjs_and_esm():
    # A package only in the shared directory (what /usr/local/lib/nimbus/node_modules
    # is for @aws-sdk/*) is found by CJS and ESM handlers; a bundled copy wins.
    import tempfile, shutil
    top = tempfile.mkdtemp(prefix="nimbus-shared-")
    try:
      for shared in (os.path.join(top, "node_modules"), os.path.join(top, "other")):
          os.makedirs(os.path.join(shared, "@aws-sdk", "fake-client"))
          with open(os.path.join(shared, "@aws-sdk", "fake-client", "package.json"), "w") as f:
              f.write('{"name":"@aws-sdk/fake-client","main":"index.js"}')
          with open(os.path.join(shared, "@aws-sdk", "fake-client", "index.js"), "w") as f:
              f.write("exports.where = 'shared';")
          env = {"NIMBUS_NODE_MODULES": shared}
          with Instance("node", {"index.js": "const c = require('@aws-sdk/fake-client'); exports.handler = async () => c.where;"}, env=env) as i:
              eq(i.invoke({}).json(), "shared", "cjs")
          with Instance("node", {"index.mjs": "import c from '@aws-sdk/fake-client'; export const handler = async () => c.where;"}, env=env) as i:
              eq(i.invoke({}).json(), "shared", "esm")
          nested = {"index.mjs": "import { where } from './lib/where.mjs'; export const handler = async () => where;",
                    "lib/where.mjs": "import c from '@aws-sdk/fake-client'; export const where = c.where + ':' + import.meta.url.endsWith('where.mjs?nimbus-esm-paths');"}
          with Instance("node", nested, env=env) as i:
              eq(i.invoke({}).json(), "shared:true", "esm, imported by a nested module")
          bundled = {"index.js": "const c = require('@aws-sdk/fake-client'); exports.handler = async () => c.where;",
                     "node_modules/@aws-sdk/fake-client/index.js": "exports.where = 'bundled';"}
          with Instance("node", bundled, env=env) as i:
              eq(i.invoke({}).json(), "bundled", "bundled wins")
    finally:
        shutil.rmtree(top)


@test
def node_layer_paths():
    # NODE_PATH as nimbus sets it (<opt>/nodejs/node_modules:<task root>):
    # a layer's nodejs/node20/node_modules is searched before nodejs/node_modules.
    import tempfile, shutil
    opt = tempfile.mkdtemp(prefix="nimbus-opt-")
    try:
        major = os.popen("node -p \"process.versions.node.split('.')[0]\"").read().strip()
        for d, where in (("nodejs/node_modules/layered", "generic"), ("nodejs/node%s/node_modules/layered" % major, "versioned"),
                         ("nodejs/node_modules/only-generic", "generic")):
            os.makedirs(os.path.join(opt, d))
            with open(os.path.join(opt, d, "index.js"), "w") as f:
                f.write("module.exports = %r;" % where)
        files = {"index.js": "exports.handler = async () => [require('layered'), require('only-generic')];"}
        with Instance("node", files, env={"NODE_PATH": opt + "/nodejs/node_modules"}) as i:
            eq(i.invoke({}).json(), ["versioned", "generic"], "layer order")
    finally:
        shutil.rmtree(opt)


@test
def node_response_streaming_buffered():
    files = {"index.mjs": """
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
export const piped = awslambda.streamifyResponse(async (event, responseStream, context) => {
  await pipeline(Readable.from(['a', 'b', event.x]), responseStream);
});
export const http = awslambda.streamifyResponse(async (event, responseStream) => {
  const s = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'x-a': '1' } });
  s.write('hello ');
  s.end('world');
});
export const notAsync = awslambda.streamifyResponse((event, responseStream) => { responseStream.end('x'); });
export const unfinished = awslambda.streamifyResponse(async (event, responseStream) => { responseStream.write('x'); });
export const never = awslambda.streamifyResponse(async () => new Promise(() => {}));
"""}
    with Instance("node", files, handler="index.piped") as i:
        eq(i.invoke({"x": "c"}).body, b"abc", "piped")
        eq(i.invoke({"x": "d"}).body, b"abd", "warm")
    with Instance("node", files, handler="index.http") as i:
        eq(i.invoke({}).body, b'{"statusCode":201,"headers":{"x-a":"1"}}' + b"\0" * 8 + b"hello world", "prelude")
    with Instance("node", files, handler="index.notAsync") as i:
        eq(i.invoke({}).json()["errorType"], "Runtime.MalformedStreamingHandler", "non-async")
    with Instance("node", files, handler="index.unfinished") as i:
        eq(i.invoke({}).json()["errorType"], "Runtime.InvalidStreamingOperation", "not ended")
    with Instance("node", files, handler="index.never") as i:
        eq(i.invoke({}).json()["errorType"], "Runtime.NodeJsExit", "never settles")
        eq(i.invoke({}).json()["errorType"], "Runtime.NodeJsExit", "instance goes on")


@test
def node_json_format_error_records():
    files = {"index.js": "exports.handler = async () => { throw new TypeError('bad'); };"}
    with Instance("node", files, env={"AWS_LAMBDA_LOG_FORMAT": "JSON"}) as i:
        rid = i.stub.enqueue({})
        eq(i.stub.wait_result(rid).json()["errorType"], "TypeError", "error")
        rec = json.loads(i.wait_lines(1)[0])
        # as AWS's runtime client formats console.error(label, err) in JSON: the message is the
        # util.format of both (label, then the error's stack), and the error's fields beside it
        eq((rec["level"], rec["requestId"], rec["errorType"], rec["errorMessage"]),
           ("ERROR", rid, "TypeError", "bad"), "record")
        ok(rec["message"].startswith("Invoke Error TypeError: bad\n    at "), "message %r" % rec["message"])
        ok(rec["stackTrace"][0] == "TypeError: bad", "stack %r" % rec["stackTrace"])
