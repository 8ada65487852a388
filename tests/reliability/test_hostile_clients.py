"""Hostile clients: slowloris, half-open and idle connections, oversized heads and
bodies, pipelined garbage — nimbus keeps answering well-behaved clients, with
bounded memory. Scale: RELIABILITY_SCALE (1 in `make test`, 5 in `make reliability`)."""
import os
import resource
import socket
import sys
import threading
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
from harness import NimbusTestCase  # noqa: E402

SCALE = int(os.environ.get("RELIABILITY_SCALE", "1"))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def nfds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class HostileClients(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        super().setUpClass()
        host, port = cls.nimbus.endpoint.replace("http://", "").rsplit(":", 1)
        cls.addr = (host, int(port))

    def healthy(self, n=20):
        for _ in range(n):
            with urllib.request.urlopen(self.nimbus.endpoint + "/_nimbus/health", timeout=10) as r:
                self.assertEqual(r.status, 200)

    def test_slowloris_1000_connections_do_not_stall_others(self):
        socks = []
        for i in range(1000 * SCALE if SCALE < 3 else 3000):
            s = socket.create_connection(self.addr)
            s.sendall(b"GET /_nimbus/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            socks.append(s)
        self.healthy()
        for s in socks[:500]:
            s.sendall(b"a")   # keep trickling
        self.healthy()
        for s in socks:
            s.close()
        self.healthy()

    def test_half_open_and_idle_connections_cost_bounded_memory(self):
        pid = self.nimbus.proc.pid
        before = rss_kb(pid)
        socks = [socket.create_connection(self.addr) for _ in range(1000)]
        self.healthy(5)
        during = rss_kb(pid)
        self.assertLess(during - before, 64 * 1024, "1,000 idle connections cost %d kB" % (during - before))
        for s in socks:
            s.shutdown(socket.SHUT_WR)   # half-close: the server must notice and release
        for s in socks:
            s.close()
        self.healthy(5)

    def test_oversized_head_and_body(self):
        s = socket.create_connection(self.addr)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: " + b"b" * (1 << 20) + b"\r\n\r\n")
        self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 431"))
        s.close()
        s = socket.create_connection(self.addr)
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n\r\n")
        self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 413"))
        s.close()
        self.healthy(5)

    def test_pipelined_garbage_is_refused_and_service_continues(self):
        pid = self.nimbus.proc.pid
        fds_before = nfds(pid)

        def garbage(seed):
            import random
            rng = random.Random(seed)
            for _ in range(50 * SCALE):
                try:
                    s = socket.create_connection(self.addr, timeout=5)
                    s.sendall(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4000))) + b"\r\n\r\n" * 3)
                    s.recv(4096)
                    s.close()
                except OSError:
                    pass
        ts = [threading.Thread(target=garbage, args=(i,)) for i in range(8)]
        for t in ts:
            t.start()
        self.healthy(10)
        for t in ts:
            t.join()
        self.healthy(5)
        self.assertLessEqual(nfds(pid), fds_before + 16, "descriptors leaked")


if __name__ == "__main__":
    unittest.main()
