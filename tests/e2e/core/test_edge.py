"""The edge end to end: health, protocol detection, error shapes, HTTP framing,
graceful shutdown — through the AWS CLI v2, boto3 and raw sockets."""
import json
import re
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import BINARY, Nimbus, NimbusTestCase  # noqa: E402


def raw(endpoint, data, timeout=5):
    host, port = endpoint.replace("http://", "").rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=timeout)
    s.sendall(data)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    s.close()
    return out


class EdgeTest(NimbusTestCase):
    def test_health_reports_version_uptime_and_services(self):
        with urllib.request.urlopen(self.nimbus.endpoint + "/_nimbus/health") as r:
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers["Content-Type"], "application/json")
            self.assertTrue(r.headers["x-amzn-RequestId"])
            h = json.loads(r.read())
        self.assertEqual(h["status"], "ok")
        self.assertRegex(h["version"], r"^\d+\.\d+\.\d+$")
        self.assertGreaterEqual(h["uptime_seconds"], 0)
        self.assertIsInstance(h["services"], list)
        self.assertEqual(h["region"], "us-east-1")

    def test_unknown_json_target_gets_unknown_operation(self):
        req = urllib.request.Request(self.nimbus.endpoint + "/", data=b"{}", method="POST", headers={
            "X-Amz-Target": "NoSuchService_20990101.DoThing", "Content-Type": "application/x-amz-json-1.0"})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req)
        e = cm.exception
        self.assertEqual(e.code, 400)
        body = json.loads(e.read())
        self.assertEqual(body["__type"], "com.amazon.coral.service#UnknownOperationException")
        self.assertTrue(e.headers["x-amzn-RequestId"])

    def test_query_protocol_unknown_action_is_well_formed_for_the_cli(self):
        rc, out, err = self.nimbus.aws("sts", "get-caller-identity", check=False)
        if rc == 0:   # once STS exists the answer must be a real identity
            self.assertIn("Account", out)
        else:
            self.assertIn("(InvalidAction)", err)
            self.assertIn("GetCallerIdentity", err)

    def test_query_protocol_error_with_boto3(self):
        import botocore.exceptions
        sns = self.nimbus.client("sns")
        try:
            sns.list_topics()
        except botocore.exceptions.ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "InvalidAction")
            self.assertEqual(e.response["Error"]["Type"], "Sender")
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 400)
            self.assertTrue(e.response["ResponseMetadata"]["RequestId"])

    def test_rest_json_unknown_route_with_boto3(self):
        import botocore.exceptions
        c = self.nimbus.client("apigatewayv2")
        try:
            c.get_apis()
        except botocore.exceptions.ClientError as e:
            self.assertIn(e.response["ResponseMetadata"]["HTTPStatusCode"], (400, 404))
            self.assertTrue(e.response["Error"]["Code"])

    def test_keep_alive_and_pipelining_answer_in_order(self):
        reqs = b"".join(b"GET /_nimbus/health?n=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(3))
        reqs += b"GET /_nimbus/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        out = raw(self.nimbus.endpoint, reqs)
        statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", out)
        self.assertEqual(statuses, [b"200", b"200", b"200", b"404"])

    def test_chunked_body_and_expect_continue(self):
        body = b'{"TableName":"x"}'
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        out = raw(self.nimbus.endpoint,
                  b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Nope_1.X\r\nTransfer-Encoding: chunked\r\n"
                  b"Expect: 100-continue\r\nConnection: close\r\n\r\n" + chunked)
        self.assertTrue(out.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400") or
                        out.startswith(b"HTTP/1.1 400"), out[:200])
        self.assertIn(b"UnknownOperationException", out)

    def test_malformed_request_line_gets_400_and_others_keep_being_served(self):
        out = raw(self.nimbus.endpoint, b"THIS IS NOT HTTP\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out[:100])
        with urllib.request.urlopen(self.nimbus.endpoint + "/_nimbus/health") as r:
            self.assertEqual(r.status, 200)

    def test_oversized_headers_rejected(self):
        out = raw(self.nimbus.endpoint, b"GET /_nimbus/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 431"), out[:100])

    def test_slow_client_does_not_stall_others(self):
        host, port = self.nimbus.endpoint.replace("http://", "").rsplit(":", 1)
        slow = [socket.create_connection((host, int(port))) for _ in range(20)]
        for s in slow:
            s.sendall(b"GET /_nimbus/health HTTP/1.1\r\nHo")
        t0 = time.time()
        with urllib.request.urlopen(self.nimbus.endpoint + "/_nimbus/health", timeout=5) as r:
            self.assertEqual(r.status, 200)
        self.assertLess(time.time() - t0, 5)
        for s in slow:
            s.close()

    def test_every_response_has_a_request_id(self):
        for path in ("/_nimbus/health", "/_nimbus/missing", "/2015-03-31/functions/"):
            try:
                r = urllib.request.urlopen(self.nimbus.endpoint + path)
                headers = r.headers
            except urllib.error.HTTPError as e:
                headers = e.headers
            self.assertRegex(headers["x-amzn-RequestId"], r"^[0-9a-f-]{36}$")

    def test_access_log_line_per_request(self):
        try:
            urllib.request.urlopen(urllib.request.Request(self.nimbus.endpoint + "/", data=b"{}", headers={
                "X-Amz-Target": "Nope_1.LogMe"}))
        except urllib.error.HTTPError:
            pass
        time.sleep(0.1)
        lines = [json.loads(l) for l in self.nimbus.read_log().splitlines() if l.startswith("{") and '"request_id"' in l]
        self.assertTrue(lines)
        last = lines[-1]
        for k in ("time", "request_id", "service", "operation", "status", "us"):
            self.assertIn(k, last)
        self.assertEqual(last["status"], 400)


class LifecycleTest(unittest.TestCase):
    def test_sigterm_stops_gracefully_with_exit_0(self):
        n = Nimbus().start()
        try:
            self.assertEqual(n.stop(), 0)
            self.assertIn('"stopped"', n.read_log())
        finally:
            n.cleanup()

    def test_port_in_use_exits_1(self):
        n = Nimbus().start()
        try:
            port = n.endpoint.rsplit(":", 1)[1]
            p = subprocess.run([BINARY, "up", "--listen", "127.0.0.1:" + port,
                                "--data", n.data_dir + "/other"], capture_output=True, text=True, timeout=10)
            self.assertEqual(p.returncode, 1)
            self.assertIn("cannot listen", p.stderr)
        finally:
            n.cleanup()

    def test_usage_errors_exit_2_and_help_exits_0(self):
        self.assertEqual(subprocess.run([BINARY, "up", "--bogus"], capture_output=True).returncode, 2)
        self.assertEqual(subprocess.run([BINARY, "nonsense"], capture_output=True).returncode, 2)
        for args in (["--version"], ["help"], ["up", "--help"], ["env", "--help"], ["help", "up"]):
            p = subprocess.run([BINARY] + args, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, args)
            self.assertTrue(p.stdout)

    def test_env_prints_exports_for_the_running_daemon(self):
        n = Nimbus().start()
        try:
            p = subprocess.run([BINARY, "env", "--data", n.data_dir], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("export AWS_ENDPOINT_URL=%s\n" % n.endpoint, p.stdout)
            self.assertIn("export AWS_REGION=us-east-1", p.stdout)
        finally:
            n.cleanup()

    def test_settings_from_environment_and_flags(self):
        n = Nimbus(extra_args=["--region", "eu-west-1"], env={"NIMBUS_ACCOUNT": "123456789012"}).start()
        try:
            h = n.wait_healthy()
            self.assertEqual(h["region"], "eu-west-1")
            self.assertEqual(h["account"], "123456789012")
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
