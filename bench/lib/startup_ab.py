"""startup_ab.py RUNS NIMBUS... — start-up time of binaries side by side.

For each binary, RUNS rounds of a first start (empty data directory) then a
restart (same directory); the binaries alternate round by round, the order
reversed every other round, so the machine's load weighs on all alike. Each
start is timed as bench/lib/startup.py times it: clock just before Popen,
stopped at the status line of GET /_nimbus/health (health answers once every
service is ready). Prints, per binary and kind of start, the median, p90 and
min in ms. Loopback only; every process it starts is stopped."""
import os, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from startup import free_port, wait_answer  # noqa: E402


def one(nimbus, data):
    port = free_port()
    t0 = time.perf_counter()
    p = subprocess.Popen([nimbus, "up", "--listen", "127.0.0.1:%d" % port, "--data", data, "--auth", "open",
                          "--log-level", "warn"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ms = wait_answer(port, "/_nimbus/health", t0)
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return ms


def pct(v, q):
    s = sorted(v)
    return s[min(len(s) - 1, int(q * len(s)))]


def main():
    runs, bins = int(sys.argv[1]), sys.argv[2:]
    res = {(b, k): [] for b in bins for k in ("first start", "restart")}
    top = tempfile.mkdtemp(prefix="nimbus-startup-ab-")
    try:
        for r in range(runs):
            for i, b in enumerate(bins if r % 2 == 0 else bins[::-1]):
                data = os.path.join(top, "d%d" % i)
                shutil.rmtree(data, ignore_errors=True)
                for kind in ("first start", "restart"):
                    ms = one(b, data)
                    if ms is not None:
                        res[(b, kind)].append(ms)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    for kind in ("first start", "restart"):
        for b in bins:
            v = res[(b, kind)]
            print("%-12s %-40s n=%3d  median %6.2f  p90 %6.2f  min %6.2f ms" %
                  (kind, b, len(v), statistics.median(v), pct(v, 0.9), min(v)))


if __name__ == "__main__":
    main()
