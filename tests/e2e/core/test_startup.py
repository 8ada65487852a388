"""Start-up end to end: a client that connects while nimbus is still starting
(the edge listens before the store opens) waits in the accept queue and is
answered once every service is ready — never refused after the port is bound,
never answered by a half-started daemon."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import BINARY  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_responses(sock, count):
    """The next count HTTP/1.1 responses on sock: [(status, headers, body)]."""
    buf = b""
    out = []
    while len(out) < count:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed after %d responses: %r" % (len(out), buf[:200]))
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
        n = int(headers.get("content-length", "0"))
        while len(buf) < n:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError("body cut short")
            buf += chunk
        out.append((status, headers, buf[:n]))
        buf = buf[n:]
    return out


def signed_list_tables(port):
    """A ListTables request signed with made-up (well-formed) credentials: --auth open takes them."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    url = "http://127.0.0.1:%d/" % port
    body = b"{}"
    req = AWSRequest(method="POST", url=url, data=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"})
    SigV4Auth(Credentials("AKIAEARLYCLIENT00001", "early-client-secret"), "dynamodb", "us-east-1").add_auth(req)
    head = "POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port
    head += "".join("%s: %s\r\n" % (k, v) for k, v in req.headers.items() if k.lower() != "host")
    head += "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    return head.encode() + body


class EarlyClientTest(unittest.TestCase):
    def start_and_connect_early(self, data):
        port = free_port()
        log = open(os.path.join(data, "nimbus.log"), "ab")
        proc = subprocess.Popen([BINARY, "up", "--listen", "127.0.0.1:%d" % port, "--data", data,
                                 "--auth", "open"], stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        deadline = time.time() + 10
        while True:
            try:
                return proc, port, socket.create_connection(("127.0.0.1", port), timeout=10)
            except ConnectionRefusedError:
                if proc.poll() is not None or time.time() > deadline:
                    proc.kill()
                    raise AssertionError("nimbus exited or never listened (rc %s)" % proc.poll())
                time.sleep(0.0005)

    def check(self, data):
        proc, port, s = self.start_and_connect_early(data)
        try:
            # health and a DynamoDB call pipelined on the first connection that got through
            s.sendall(b"GET /_nimbus/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + signed_list_tables(port))
            (st1, _, b1), (st2, _, b2) = read_responses(s, 2)
            s.close()
            self.assertEqual(st1, 200, b1)
            health = json.loads(b1)
            self.assertEqual(health["status"], "ok")
            names = {svc["name"] for svc in health["services"]}
            self.assertTrue({"dynamodb", "kms", "iam", "sts", "lambda", "apigateway"} <= names, names)
            for svc in health["services"]:
                self.assertEqual(svc["status"], "running", svc)
            self.assertEqual(st2, 200, b2)
            self.assertEqual(json.loads(b2), {"TableNames": []})
        finally:
            proc.terminate()
            self.assertEqual(proc.wait(10), 0)

    def test_first_start_serves_a_client_that_connected_during_start_up(self):
        data = tempfile.mkdtemp(prefix="nimbus-e2e-")
        try:
            self.check(data)
        finally:
            shutil.rmtree(data, ignore_errors=True)

    def test_restart_serves_a_client_that_connected_during_start_up(self):
        data = tempfile.mkdtemp(prefix="nimbus-e2e-")
        try:
            self.check(data)     # creates the store, keys and credentials
            self.check(data)     # opens them again
        finally:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
