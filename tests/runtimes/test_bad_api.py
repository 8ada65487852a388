"""test_bad_api.py — every runtime facing a broken Runtime API answer to
`next` (garbage, chunked body, truncated body, no request id, 500): it must
exit with an error, never hang, never crash with a signal."""

import os
import shutil
import tempfile

from harness import Instance, test, eq, ok
from test_native import build_so, ECHO_SRC

BAD_ANSWERS = [
    b"garbage\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nLambda-Runtime-Aws-Request-Id: x\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nLambda-Runtime-Aws-Request-Id: x\r\n\r\n{\"cut\":",
    b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",  # no request id
]


def task_root():
    tmp = tempfile.mkdtemp(prefix="nimbus-bad-")
    build_so(tmp, src_file=ECHO_SRC)
    with open(os.path.join(tmp, "index.js"), "w") as f:
        f.write("exports.handler = async (e) => e;\n")
    with open(os.path.join(tmp, "lf.py"), "w") as f:
        f.write("def h(e, c):\n    return e\n")
    return tmp


@test
def all_runtimes_exit_on_broken_next_answers():
    tmp = task_root()
    try:
        for rt, h in (("native", "handler.so"), ("node", "index.handler"), ("python", "lf.h")):
            for bad in BAD_ANSWERS:
                with Instance(rt, task_root=tmp, handler=h) as i:
                    eq(i.invoke({"ok": 1}).json(), {"ok": 1}, "%s healthy first" % rt)
                    i.stub.enqueue_raw_answer(bad)
                    code = i.wait_exit(15)
                    ok(code > 0, "%s: exit code %r for %r (stderr %r)" % (rt, code, bad[:40], i.err[-3:]))
    finally:
        shutil.rmtree(tmp)


@test
def native_next_without_request_id_exits():
    tmp = task_root()
    try:
        with Instance("native", task_root=tmp, handler="handler.so") as i:
            i.stub.enqueue_raw_answer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            eq(i.wait_exit(15), 1, "exit code")
            ok(any("bad request id" in l for l in i.err), "reason logged: %r" % i.err)
    finally:
        shutil.rmtree(tmp)


@test
def all_runtimes_reconnect_when_the_api_closes_connections():
    # The Runtime API answers each post with Connection: close (as a server
    # closing idle keep-alive connections would): every runtime reconnects,
    # re-sends what was not answered, and loses no invocation.
    tmp = task_root()
    try:
        for rt, h in (("native", "handler.so"), ("node", "index.handler"), ("python", "lf.h")):
            with Instance(rt, task_root=tmp, handler=h) as i:
                for n in range(3):
                    eq(i.invoke({"n": n}).json(), {"n": n}, "%s keep-alive %d" % (rt, n))
                eq(i.stub.connections, 1, "%s: one connection so far" % rt)
                i.stub.close_after_post = True
                for n in range(3, 8):
                    eq(i.invoke({"n": n}).json(), {"n": n}, "%s after close %d" % (rt, n))
                ok(i.stub.connections >= 5, "%s reconnected (%d connections)" % (rt, i.stub.connections))
                i.stub.close_after_post = False
                eq(i.invoke({"n": 9}).json(), {"n": 9}, "%s back to keep-alive" % rt)
    finally:
        shutil.rmtree(tmp)
