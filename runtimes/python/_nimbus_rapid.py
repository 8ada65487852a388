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

    def request(self, method, path, body=b"", headers=None):
        """Returns (status, headers dict with lower-case names, body bytes).
        A connection the server closed while idle is reopened once; a
        failure after the response started is raised (the instance exits)."""
        head = "%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, self.hosthdr)
        for k, v in (headers or {}).items():
            head += "%s: %s\r\n" % (k, v)
        if method == "POST":
            head += "Content-Length: %d\r\n" % len(body)
        data = head.encode("latin-1") + b"\r\n" + body
        for attempt in (0, 1):
            if self.sock is None:
                self._connect()
            try:
                self.sock.sendall(data)
                status_line = self.rfile.readline(65537)
            except OSError:
                status_line = b""
            if status_line:
                return self._read_rest(status_line)
            self._close()
            if attempt == 1:
                raise ConnectionError("runtime api closed the connection")

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

    def next(self):
        status, hdrs, body = self.request("GET", self.BASE + "/invocation/next")
        if status != 200:
            raise ConnectionError("next: status %d: %r" % (status, body[:200]))
        if not hdrs.get("lambda-runtime-aws-request-id"):
            raise ConnectionError("next: no Lambda-Runtime-Aws-Request-Id")
        return hdrs, body

    def post_response(self, rid, body):
        return self._post(self.BASE + "/invocation/%s/response" % rid, body, None)

    def post_error(self, rid, error, error_type):
        return self._post(self.BASE + "/invocation/%s/error" % rid, error, error_type)

    def post_init_error(self, error, error_type):
        return self._post(self.BASE + "/init/error", error, error_type)

    def _post(self, path, body, error_type):
        headers = {"Content-Type": "application/json"}
        if error_type is not None:
            headers["Lambda-Runtime-Function-Error-Type"] = "".join(
                c if " " <= c <= "~" else "?" for c in error_type)
        status, _, text = self.request("POST", path, body, headers)
        if status >= 500:
            raise ConnectionError("runtime api answered %d: %r" % (status, text[:200]))
        if status != 202:  # refused this answer (unknown id, too large…): go on
            sys.stderr.write("nimbus runtime: runtime api answered %d: %s\n" % (status, text[:200].decode("utf-8", "replace")))
        return status
