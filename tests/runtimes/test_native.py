"""test_native.py — the native runner (src/lambda_native, `native-runner`) with
handlers compiled here against include/nimbus/lambda.h, served by the stub
Runtime API: loading, context, responses, errors, init hook, limits,
keep-alive, pipelining and reconnection."""

import json
import os
import shutil
import subprocess
import tempfile

from harness import Instance, REPO, NATIVE_RUNNER, test, eq, ok

ECHO_SRC = os.path.join(REPO, "examples", "functions", "echo-native", "handler.c")

HANDLERS = r"""
#include <nimbus/lambda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int calls;
static int initialized;

int nimbus_init(nimbus_response_t *err)
{
    const char *mode = getenv("TEST_INIT");
    if (mode && strcmp(mode, "fail") == 0) return nimbus_response_error(err, "ConfigError", "missing \"setting\"");
    if (mode && strcmp(mode, "rc") == 0) return 7;
    initialized = 42;
    printf("init ran\n");
    return 0;
}

static void field(nimbus_response_t *r, const char *name, const char *v, int comma)
{
    nimbus_response_printf(r, "\"%s\":", name);
    if (v) nimbus_response_append_json_string(r, v); else nimbus_response_append(r, "null", 4);
    if (comma) nimbus_response_append(r, ",", 1);
}

int context(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *c)
{
    nimbus_response_set_str(r, "{");
    field(r, "request_id", c->request_id, 1);
    field(r, "arn", c->invoked_function_arn, 1);
    field(r, "function_name", c->function_name, 1);
    field(r, "function_version", c->function_version, 1);
    field(r, "log_group", c->log_group_name, 1);
    field(r, "log_stream", c->log_stream_name, 1);
    field(r, "trace", c->trace_id, 1);
    field(r, "client_context", c->client_context, 1);
    field(r, "cognito", c->cognito_identity, 1);
    field(r, "trace_env", getenv("_X_AMZN_TRACE_ID"), 1);
    nimbus_response_printf(r, "\"memory\":%u,\"abi\":%u,\"remaining\":%lld,\"deadline\":%lld,\"event_len\":%zu,"
                           "\"nul\":%d,\"calls\":%d,\"initialized\":%d}",
                           c->memory_limit_mb, c->abi, (long long)nimbus_remaining_ms(c), (long long)c->deadline_ms,
                           ev->len, ev->data[ev->len] == '\0', ++calls, initialized);
    return 0;
}

int fails(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *c)
{
    nimbus_response_set_str(r, "partial");
    return nimbus_response_error(r, "ValidationError", "bad \"id\"\n");
}

int rc_only(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *c) { return 3; }
int empty(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *c) { return 0; }

int logs(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *c)
{
    printf("hello from %s\n", c->request_id);
    fprintf(stderr, "to stderr\n");
    nimbus_response_set_str(r, "1");
    return 0;
}

int big(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *c)
{
    size_t n = (size_t)atol(ev->data);
    char *s = malloc(n + 2);
    s[0] = '"';
    memset(s + 1, 'x', n);
    s[n + 1] = '"';
    int rc = nimbus_response_set(r, s, n + 2);
    free(s);
    return rc == 0 ? 0 : 0; /* an overflow is reported by the runner itself */
}

int grow(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *c)
{
    /* borrowed body turned owned, then grown by many appends */
    nimbus_response_set_ref(r, "[0", 2);
    for (int i = 1; i < 20000; i++) nimbus_response_printf(r, ",%d", i);
    nimbus_response_append(r, "]", 1);
    return 0;
}

int crash(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *c)
{
    abort();
}
"""


def build_so(tmp, src_text=None, src_file=None, name="handler.so"):
    src = src_file
    if src is None:
        src = os.path.join(tmp, "h.c")
        with open(src, "w") as f:
            f.write(src_text)
    out = os.path.join(tmp, name)
    subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-shared", "-fPIC",
                    "-o", out, src, "-I" + os.path.join(REPO, "include")], check=True)
    return out


class NativeFn:
    """A task root holding handler.so built from HANDLERS (once per test)."""

    def __enter__(self):
        ok(NATIVE_RUNNER and os.path.exists(NATIVE_RUNNER), "native runner built by run.sh")
        self.tmp = tempfile.mkdtemp(prefix="nimbus-native-")
        build_so(self.tmp, HANDLERS)
        return self

    def instance(self, symbol=None, env=None, handler=None):
        h = handler or ("handler.so" + (":" + symbol if symbol else ""))
        return Instance("native", task_root=self.tmp, handler=h, env=env)

    def __exit__(self, *a):
        shutil.rmtree(self.tmp, ignore_errors=True)


@test
def native_echo_example_warm_and_keepalive():
    tmp = tempfile.mkdtemp(prefix="nimbus-native-")
    try:
        build_so(tmp, src_file=ECHO_SRC)
        with Instance("native", task_root=tmp, handler="handler.so") as i:
            for n in range(50):
                ev = {"n": n, "s": "é" * n}
                r = i.invoke(ev)
                eq(r.kind, "response", "kind")
                eq(r.json(), ev, "echo %d" % n)
            eq(i.stub.connections, 1, "one keep-alive connection for 50 invokes")
            big = {"blob": "y" * (1024 * 1024)}
            eq(i.invoke(big).json(), big, "1 MB event echoed")
            eq(i.invoke({"after": 1}).json(), {"after": 1}, "buffer reuse after a big event")
    finally:
        shutil.rmtree(tmp)


@test
def native_embedded_bootstrap_serves():
    # build/gen/runtimes/native/bootstrap: the runner as the Makefile builds and
    # embeds it (plain -O2, no sanitizers), through a warm sequence.
    exe = os.environ.get("NIMBUS_NATIVE_BOOTSTRAP", "")
    ok(exe and os.access(exe, os.X_OK), "bootstrap built by run.sh")
    tmp = tempfile.mkdtemp(prefix="nimbus-native-")
    try:
        build_so(tmp, src_file=ECHO_SRC)
        import harness
        saved, harness.NATIVE_RUNNER = harness.NATIVE_RUNNER, exe
        try:
            with Instance("native", task_root=tmp, handler="handler.so") as i:
                for n in range(20):
                    eq(i.invoke({"n": n}).json(), {"n": n}, "echo %d" % n)
                eq(i.stub.connections, 1, "keep-alive")
        finally:
            harness.NATIVE_RUNNER = saved
    finally:
        shutil.rmtree(tmp)


@test
def native_context_fields():
    with NativeFn() as fn, fn.instance("context", env={"AWS_LAMBDA_FUNCTION_NAME": "natctx"}) as i:
        arn = "arn:aws:lambda:us-east-1:000000000000:function:natctx:7"
        rid = i.stub.enqueue({"k": "v"}, timeout_s=10, arn=arn, headers={
            "Lambda-Runtime-Client-Context": '{"custom":{"a":1}}',
            "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId":"cid"}'})
        c = i.stub.wait_result(rid).json()
        eq(c["request_id"], rid, "id")
        eq(c["arn"], arn, "arn")
        eq(c["function_name"], "natctx", "name")
        eq(c["function_version"], "$LATEST", "version")
        eq(c["log_group"], "/aws/lambda/fn", "group")
        eq(c["log_stream"], "2026/11/28/[$LATEST]0123456789abcdef", "stream")
        ok(c["trace"].startswith("Root=1-") and c["trace_env"] == c["trace"], "trace")
        eq(c["client_context"], '{"custom":{"a":1}}', "client context")
        eq(c["cognito"], '{"cognitoIdentityId":"cid"}', "cognito")
        eq((c["memory"], c["abi"], c["event_len"], c["nul"]), (256, 1, len('{"k": "v"}'), 1), "numbers")
        ok(5000 < c["remaining"] <= 10000, "remaining %r" % c["remaining"])
        eq((c["calls"], c["initialized"]), (1, 42), "init hook ran once")
        c = i.invoke({}).json()
        eq((c["calls"], c["client_context"], c["cognito"]), (2, None, None), "warm; optional fields absent")


@test
def native_trace_env_follows_each_invocation():
    # _X_AMZN_TRACE_ID is rewritten in place per invocation (setenv would keep
    # every value for the life of the instance); an id too long for the
    # buffer still reaches getenv, and the short ones after it too.
    with NativeFn() as fn, fn.instance("context") as i:
        for t in ("Root=1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa;Parent=1111111111111111;Sampled=0",
                  "Root=1-00000002-bb;Sampled=1",
                  "Root=1-00000003-" + "c" * 600,
                  "Root=1-00000004-dd"):
            rid = i.stub.enqueue({}, headers={"Lambda-Runtime-Trace-Id": t})
            c = i.stub.wait_result(rid).json()
            eq((c["trace"], c["trace_env"]), (t, t), "trace %s…" % t[:18])


@test
def native_errors():
    with NativeFn() as fn:
        with fn.instance("fails") as i:
            r = i.invoke({})
            eq(r.kind, "error", "kind")
            eq(r.json(), {"errorMessage": 'bad "id"\n', "errorType": "ValidationError"}, "body")
            eq(r.headers.get("lambda-runtime-function-error-type"), "ValidationError", "header")
            eq(i.invoke({}).kind, "error", "instance goes on")
        with fn.instance("rc_only") as i:
            eq(i.invoke({}).json(), {"errorMessage": "handler returned 3", "errorType": "HandlerError"}, "rc")
        with fn.instance("empty") as i:
            r = i.invoke({})
            eq((r.kind, r.body), ("response", b"null"), "empty body is null")
        with fn.instance("big") as i:
            r = i.invoke(6 * 1024 * 1024)
            eq(r.kind, "error", "too large")
            eq(r.json()["errorType"], "Function.ResponseSizeTooLarge", "type")
            r = i.invoke(5 * 1024 * 1024)
            eq((r.kind, len(r.body)), ("response", 5 * 1024 * 1024 + 2), "5 MB response fits")
        with fn.instance("grow") as i:
            eq(i.invoke({}).json(), list(range(20000)), "appends")
        with fn.instance("crash") as i:
            i.stub.enqueue({})
            ok(i.wait_exit() != 0, "a crashing handler ends the process (the platform reports Runtime.ExitError)")


@test
def native_init_errors():
    with NativeFn() as fn:
        cases = [
            ({"TEST_INIT": "fail"}, "handler.so:context", "ConfigError", 'missing "setting"'),
            ({"TEST_INIT": "rc"}, "handler.so:context", "Runtime.InitError", "nimbus_init returned 7"),
            ({}, "nope.so", "Runtime.ImportModuleError", "Unable to load nope.so: "),
            ({}, "handler.so:no_such_symbol", "Runtime.HandlerNotFound", "Handler 'no_such_symbol' missing on handler.so"),
            ({}, "handler.so:", "Runtime.MalformedHandlerName", "Bad handler"),
        ]
        for env, handler, etype, msg in cases:
            with fn.instance(env=env, handler=handler) as i:
                e = i.stub.wait_init_error()
                b = e.json()
                eq(b["errorType"], etype, handler)
                ok(b["errorMessage"].startswith(msg), "%r should start with %r" % (b["errorMessage"], msg))
                eq(e.headers.get("lambda-runtime-function-error-type"), etype, "header")
                eq(i.wait_exit(), 1, "exit code")


@test
def native_logs_flushed_per_invocation():
    with NativeFn() as fn, fn.instance("logs") as i:
        i.wait_log("init ran")
        rid = i.stub.enqueue({})
        i.stub.wait_result(rid)
        i.wait_log("hello from " + rid)


@test
def native_without_pipelining_and_reconnect():
    with NativeFn() as fn:
        for env in ({"NIMBUS_NATIVE_PIPELINE": "0"}, {}):
            with fn.instance("context", env=env) as i:
                for n in range(5):
                    eq(i.invoke({}).json()["calls"], n + 1, "invoke %d %r" % (n, env))
                # The server closes the keep-alive connection after each post:
                # the runner reconnects and carries on.
                i.stub.close_after_post = True
                for n in range(5, 10):
                    eq(i.invoke({}).json()["calls"], n + 1, "after close %d %r" % (n, env))
                ok(i.stub.connections >= 5, "reconnected (%d connections)" % i.stub.connections)


@test
def native_bad_runtime_api_answers():
    with NativeFn() as fn, fn.instance("context") as i:
        eq(i.invoke({}).json()["calls"], 1, "first")
        # an unknown request id: the runner reports the refusal and goes on
        i.stub.reject_next_post = True
        r = i.stub.enqueue({})
        ok(i.stub.wait_refused(r), "post refused")
        eq(i.invoke({}).json()["calls"], 3, "still serving")


@test
def native_doc_example_builds_and_runs():
    # The example in docs/NATIVE_RUNTIME.md, compiled as a user would.
    import re
    with open(os.path.join(REPO, "docs", "NATIVE_RUNTIME.md")) as f:
        code = re.findall(r"```c\n(.*?)```", f.read(), re.S)[0]
    tmp = tempfile.mkdtemp(prefix="nimbus-native-")
    try:
        build_so(tmp, code)
        with Instance("native", task_root=tmp, handler="handler.so") as i:
            eq(i.stub.wait_init_error().json(), {"errorMessage": "TABLE_NAME is not set", "errorType": "ConfigError"},
               "init hook failure")
        with Instance("native", task_root=tmp, handler="handler.so", env={"TABLE_NAME": "Users"}) as i:
            eq(i.invoke({"a": 1}).json(), {"calls": 1, "event": {"a": 1}}, "first")
            eq(i.invoke([2]).json(), {"calls": 2, "event": [2]}, "warm")
            rid = i.stub.enqueue(b"", raw=True)
            eq(i.stub.wait_result(rid).json(), {"errorMessage": "empty event", "errorType": "ValidationError"}, "error")
            i.wait_log("request %s, " % rid)
    finally:
        shutil.rmtree(tmp)


@test
def native_parse_head_unit():
    # tests/runtimes/parse_head_test.c (ASan/UBSan, guard pages, mutations)
    exe = os.environ.get("NIMBUS_PARSE_HEAD_TEST", "")
    ok(exe and os.path.exists(exe), "parse_head_test built by run.sh")
    p = subprocess.run([exe], capture_output=True, text=True, timeout=120)
    eq(p.returncode, 0, "exit code; output %r %r" % (p.stdout[-2000:], p.stderr[-2000:]))
    ok(p.stdout.strip().endswith(" 0 failed"), p.stdout)
