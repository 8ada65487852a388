"""_nimbus_rapid.py — the Python runtime's client half of the Lambda Runtime
API (2018-06-01): one persistent HTTP/1.1 connection over a plain socket,
written by hand so that the runtime does not import http.client (email,
ssl…) at start-up.

Invariants: one request at a time; a connection the server closed while idle
is reopened once and the request re-sent; a 5xx, a response it cannot parse,
or a next without a request id raise ConnectionError (the instance exits);
a 4xx to a post (unknown id, already answered, too large) is logged and the
runtime goes on.
"""

import socket
import sys


class RapidClient:
    BASE = "/2018-06-01/runtime"

    def __init__(self, hostport):
        host, _, port = hostport.rpartition(":")
        self.host = host.strip("[]") or "127.0.0.1"
        self.port = int(port)
        self.hosthdr = hostport
        self.sock = None
        self.rfile = None
        self._next_req = self._encode("GET", self.BASE + "/invocation/next")
        self.after_send = None  # run once after the next write, before its answers are read

    def _connect(self):
        self.sock = socket.create_connection((self.host, self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def _close(self):
        for c in (self.rfile, self.sock):
            try:
                if c is not None:
                    c.close()
            except OSError:
                pass
        self.sock = self.rfile = None

    def _encode(self, method, path, body=b"", headers=None):
        head = "%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, self.hosthdr)
        for k, v in (headers or {}).items():
            head += "%s: %s\r\n" % (k, v)
        if method == "POST":
            head += "Content-Length: %d\r\n" % len(body)
        return head.encode("latin-1") + b"\r\n" + body

    def exchange(self, reqs):
        """Sends the encoded requests back to back (HTTP/1.1 pipelining: the
        Runtime API answers in order) and returns their responses, each
        (status, headers with lower-case names, body bytes). Requests not
        answered because the server closed the connection (idle, or
        Connection: close) are re-sent once on a new connection; a failure
        inside a response raises ConnectionError (the instance exits)."""
        out = []
        retried = False
        while True:
            if self.sock is None:
                self._connect()
            try:
                self.sock.sendall(b"".join(reqs[len(out):]))
            except OSError:
                pass  # the reads below see the closed connection
            if self.after_send is not None:
                f, self.after_send = self.after_send, None
                f()
            while len(out) < len(reqs) and self.sock is not None:
                try:
                    status_line = self.rfile.readline(65537)
                except OSError:
                    status_line = b""
                if not status_line:
                    break
                out.append(self._read_rest(status_line))
            if len(out) == len(reqs):
                return out
            self._close()
            if retried:
                raise ConnectionError("runtime api closed the connection")
            retried = True

    def request(self, method, path, body=b"", headers=None):
        return self.exchange([self._encode(method, path, body, headers)])[0]

    def _read_rest(self, status_line):
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ConnectionError("bad status line from runtime api: %r" % status_line[:100])
        status = int(parts[1])
        hdrs = {}
        while True:
            line = self.rfile.readline(65537)
            if not line:
                raise ConnectionError("runtime api closed the connection mid-response")
            if line in (b"\r\n", b"\n"):
                break
            k, _, v = line.decode("latin-1").partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = int(hdrs.get("content-length") or 0)
        body = self.rfile.read(n) if n else b""
        if len(body) != n:
            raise ConnectionError("runtime api closed the connection mid-body")
        if hdrs.get("connection", "").lower() == "close":
            self._close()
        return status, hdrs, body

    def _check_next(self, resp):
        status, hdrs, body = resp
        if status != 200:
            raise ConnectionError("next: status %d: %r" % (status, body[:200]))
        if not hdrs.get("lambda-runtime-aws-request-id"):
            raise ConnectionError("next: no Lambda-Runtime-Aws-Request-Id")
        return hdrs, body

    def next(self):
        return self._check_next(self.exchange([self._next_req])[0])

    def _post_req(self, path, body, error_type):
        headers = {"Content-Type": "application/json"}
        if error_type is not None:
            headers["Lambda-Runtime-Function-Error-Type"] = "".join(
                c if " " <= c <= "~" else "?" for c in error_type)
        return self._encode("POST", self.BASE + path, body, headers)

    @staticmethod
    def _check_post(resp):
        status, _, text = resp
        if status >= 500:
            raise ConnectionError("runtime api answered %d: %r" % (status, text[:200]))
        if status != 202:  # refused this answer (unknown id, too large…): go on
            sys.stderr.write("nimbus runtime: runtime api answered %d: %s\n" % (status, text[:200].decode("utf-8", "replace")))
        return status

    def post_and_next(self, rid, kind, body, error_type=None):
        """Posts the invocation's response or error ("response"/"error") and
        asks for the next invocation in the same write; returns the next
        invocation (headers, body)."""
        post = self._post_req("/invocation/%s/%s" % (rid, kind), body, error_type)
        answers = self.exchange([post, self._next_req])
        self._check_post(answers[0])
        return self._check_next(answers[1])

    def post_init_error(self, error, error_type):
        return self._check_post(self.exchange([self._post_req("/init/error", error, error_type)])[0])
