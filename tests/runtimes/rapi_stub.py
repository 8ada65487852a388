"""rapi_stub.py — a small local Lambda Runtime API (2018-06-01) server.

DEV AID ONLY: it exists so the runtime bootstraps (runtimes/nodejs,
runtimes/python, the native runner) can be tested in isolation before and
independently of nimbus's real Lambda service. It is not the Lambda service
and is never used by nimbus; the end-to-end Lambda tests run against nimbus
itself.

It speaks HTTP/1.1 with keep-alive (one thread per connection), hands out
queued events on GET /runtime/invocation/next (blocking), and records what the
runtime posts: responses, invocation errors (with their
Lambda-Runtime-Function-Error-Type header) and init errors. Like Lambda it
answers 202 to a valid post, 400 to a post for an unknown or already answered
request id, and 413 to a response over 6 MB.
"""

import http.server
import json
import queue
import threading
import time
import uuid

BASE = "/2018-06-01/runtime"
MAX_RESPONSE = 6 * 1024 * 1024


class Result:
    def __init__(self, kind, body, headers):
        self.kind = kind          # "response" or "error"
        self.body = body          # bytes
        self.headers = headers    # dict, lower-case names

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "Result(%s, %r)" % (self.kind, self.body[:300])


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a runtime killed mid-connection is normal in these tests


class Stub:
    def __init__(self):
        self.events = queue.Queue()
        self.results = {}
        self.pending = set()
        self.init_errors = []
        self.requests = []        # (method, path) in arrival order
        self.connections = 0
        self.close_after_post = False   # answer posts with Connection: close
        self.reject_next_post = False   # answer the next invocation post 400
        self.refused = set()
        self.cond = threading.Condition()
        stub = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # head and body are two writes

            def log_message(self, *a):
                pass

            def setup(self):
                super().setup()
                with stub.cond:
                    stub.connections += 1

            def reply(self, status, body=b"", headers=None):
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                stub.requests.append(("GET", self.path))
                if self.path != BASE + "/invocation/next":
                    return self.reply(404, b'{"errorMessage":"not found"}')
                item = stub.events.get()
                if isinstance(item, bytes):  # a raw (usually broken) answer, then close
                    self.close_connection = True
                    self.wfile.write(item)
                    self.wfile.flush()
                    return
                if item is None:  # shutting down
                    self.close_connection = True
                    return self.reply(500, b'{"errorMessage":"shutdown"}')
                rid, body, headers = item
                self.reply(200, body, headers)

            def do_POST(self):
                stub.requests.append(("POST", self.path))
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                hdrs = {k.lower(): v for k, v in self.headers.items()}
                if self.path == BASE + "/init/error":
                    with stub.cond:
                        stub.init_errors.append(Result("error", body, hdrs))
                        stub.cond.notify_all()
                    return self.reply(202, b'{"status":"OK"}')
                parts = self.path[len(BASE):].split("/")  # ['', 'invocation', id, kind]
                if len(parts) != 4 or parts[1] != "invocation" or parts[3] not in ("response", "error"):
                    return self.reply(404, b'{"errorMessage":"not found"}')
                rid, kind = parts[2], parts[3]
                if stub.close_after_post:
                    self.close_connection = True
                with stub.cond:
                    if stub.reject_next_post:
                        stub.reject_next_post = False
                        stub.refused.add(rid)
                        stub.pending.discard(rid)
                        stub.cond.notify_all()
                        return self.reply(400, b'{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}',
                                          self.close_headers())
                    if rid not in stub.pending:
                        return self.reply(400, b'{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}')
                    if kind == "response" and len(body) > MAX_RESPONSE:
                        stub.pending.discard(rid)
                        stub.results[rid] = Result("error", b'{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}', hdrs)
                        stub.cond.notify_all()
                        return self.reply(413, b'{"errorMessage":"too large"}')
                    stub.pending.discard(rid)
                    stub.results[rid] = Result(kind, body, hdrs)
                    stub.cond.notify_all()
                self.reply(202, b'{"status":"OK"}', self.close_headers())

            def close_headers(self):
                return {"Connection": "close"} if self.close_connection else {}

        self.server = _Server(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def enqueue(self, event, timeout_s=30, headers=None, arn="arn:aws:lambda:us-east-1:000000000000:function:fn", raw=False):
        """Queues one invocation; returns its request id."""
        rid = str(uuid.uuid4())
        body = event if raw else json.dumps(event).encode()
        h = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": rid,
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000 + timeout_s * 1000)),
            "Lambda-Runtime-Invoked-Function-Arn": arn,
            "Lambda-Runtime-Trace-Id": "Root=1-5f84c7a9-0d1c3e1f2a3b4c5d6e7f8a9b;Parent=1234567890abcdef;Sampled=0",
        }
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}   # None: the header is left out
        with self.cond:
            self.pending.add(rid)
        self.events.put((rid, body, h))
        return rid

    def enqueue_raw_answer(self, data):
        """The next GET next is answered with these bytes, then the connection closes."""
        self.events.put(data)

    def wait_result(self, rid, timeout=15):
        end = time.time() + timeout
        with self.cond:
            while rid not in self.results:
                left = end - time.time()
                if left <= 0:
                    raise TimeoutError("no result for %s" % rid)
                self.cond.wait(left)
            return self.results[rid]

    def invoke(self, event, timeout=15, **kw):
        return self.wait_result(self.enqueue(event, **kw), timeout)

    def wait_refused(self, rid, timeout=15):
        end = time.time() + timeout
        with self.cond:
            while rid not in self.refused:
                left = end - time.time()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def wait_init_error(self, timeout=15):
        end = time.time() + timeout
        with self.cond:
            while not self.init_errors:
                left = end - time.time()
                if left <= 0:
                    raise TimeoutError("no init error")
                self.cond.wait(left)
            return self.init_errors[0]

    def close(self):
        for _ in range(4):
            self.events.put(None)
        self.server.shutdown()
        self.server.server_close()
