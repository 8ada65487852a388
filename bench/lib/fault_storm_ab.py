"""fault_storm_ab.py ROUNDS SECONDS LABEL=BIN … — issue 8's function-fault storm
(fault_storm.py) alternated between daemons, with a health probe from a process of its own.

Per round and daemon (order reversed every other round): `BIN up --auth open` on a fresh data
directory, fault_storm.py ENDPOINT SECONDS (FAULTS_ONLY from the environment, e.g.
initexit,crash), and meanwhile a prober that GETs /_nimbus/health over one keep-alive
connection every 2 ms during the storm. Prints per daemon the median over rounds of: the
health p50/p90/p99 during the storm, the echo function's p50 before/during and the ratio, and
the faults served; then per-round values. Every daemon it starts is stopped and its data
directory removed.

  FAULTS_ONLY=initexit,crash python3 bench/lib/fault_storm_ab.py 4 10 \\
      lead=/work/wt-lead/build/nimbus spawn=build/nimbus"""
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def prober(port, out_path, stop_path):
    """A child process: health latencies (ms) until stop_path exists, one per line in out_path."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    xs = []
    while not os.path.exists(stop_path):
        t = time.perf_counter()
        c.request("GET", "/_nimbus/health")
        r = c.getresponse()
        r.read()
        xs.append((time.perf_counter() - t) * 1e3)
        time.sleep(0.002)
    with open(out_path, "w") as f:
        f.write("\n".join("%.4f" % x for x in xs))


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def one(binp, seconds, tag):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    data = "/tmp/storm-ab-%d-%s" % (os.getpid(), tag)
    subprocess.run(["rm", "-rf", data])
    log = open(data + ".log", "w")
    p = subprocess.Popen([binp, "up", "--listen", "127.0.0.1:%d" % port, "--data", data, "--auth", "open",
                          "--log-level", "error"], stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/_nimbus/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        stop, hout = data + ".stop", data + ".health"
        pr = subprocess.Popen([sys.executable, __file__, "--probe", str(port), hout, stop])
        st = subprocess.run([sys.executable, os.path.join(HERE, "fault_storm.py"), "http://127.0.0.1:%d" % port,
                             str(seconds)], capture_output=True, text=True)
        open(stop, "w").close()
        pr.wait(60)
        if st.returncode != 0:
            raise SystemExit("fault_storm failed: " + st.stdout[-2000:] + st.stderr[-2000:])
        res = {}
        for ln in st.stdout.splitlines():
            if ln.startswith("RESULT\t"):
                _, k, v = ln.split("\t")
                res[k] = v
        hs = [float(x) for x in open(hout).read().split()]
        return dict(h50=pct(hs, 0.5), h90=pct(hs, 0.9), h99=pct(hs, 0.99), hn=len(hs),
                    e50b=float(res["echo p50 before faults"]), e50d=float(res["echo p50 during faults"]),
                    ratio=float(res["echo p50 during/before faults"]), served=res["faults served"])
    finally:
        p.terminate()
        p.wait()
        try:
            with open(os.path.join(data, "lambda", "unpack-dir")) as f:
                subprocess.run(["rm", "-rf", f.read().strip()])
        except OSError:
            pass
        subprocess.run(["rm", "-rf", data, data + ".log", data + ".stop", data + ".health"])


def main():
    rounds, seconds = int(sys.argv[1]), float(sys.argv[2])
    ds = [dict(label=a.split("=", 1)[0], bin=a.split("=", 1)[1], rs=[]) for a in sys.argv[3:]]
    for r in range(rounds):
        for d in (ds if r % 2 == 0 else ds[::-1]):
            x = one(d["bin"], seconds, "%s-%d" % (d["label"], r))
            d["rs"].append(x)
            print("round %d %-8s health p50 %.3f p90 %.3f p99 %.3f ms (n=%d)  echo p50 before %.3f during %.3f "
                  "ratio %.2f  served %s" % (r, d["label"], x["h50"], x["h90"], x["h99"], x["hn"], x["e50b"],
                                             x["e50d"], x["ratio"], x["served"]), flush=True)
    for d in ds:
        m = lambda k: statistics.median(x[k] for x in d["rs"])  # noqa: E731
        print("MEDIAN %-8s health p50 %.3f p90 %.3f p99 %.3f ms  echo p50 before %.3f during %.3f ratio %.2f "
              "(rounds %d)" % (d["label"], m("h50"), m("h90"), m("h99"), m("e50b"), m("e50d"), m("ratio"), rounds))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        prober(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
