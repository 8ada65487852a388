"""startup_trace.py RUNS NIMBUS... — where `nimbus up`'s start-up time goes, step by step.

For each binary, RUNS rounds of a first start (empty data directory) then a
restart (same directory), the binaries interleaved round by round (the
machine's load then weighs on all alike); each start like bench/lib/startup.py (clock from just before
Popen, stop at the status line of GET /_nimbus/health), with
NIMBUS_STARTUP_TRACE=1 and NIMBUS_STARTUP_T0 (this process's CLOCK_MONOTONIC
microseconds, taken just before Popen) so nimbus's step lines
(src/core/startup.h) share the prober's origin. Prints, per kind of start,
each step's median end time and median own cost (time since the previous step
of the same thread), and the median answer time. Loopback only; every process
it starts is stopped."""
import os, re, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from startup import free_port, wait_answer  # noqa: E402

LINE = re.compile(r"^startup +([0-9.]+) ms +\+ *([0-9.]+) +(\S+) +(.*)$")


def one(nimbus, data):
    port = free_port()
    env = dict(os.environ, NIMBUS_STARTUP_TRACE="1")
    t0 = time.perf_counter()
    env["NIMBUS_STARTUP_T0"] = str(time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000)
    p = subprocess.Popen([nimbus, "up", "--listen", "127.0.0.1:%d" % port, "--data", data, "--auth", "open",
                          "--log-level", "warn"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    ms = wait_answer(port, "/_nimbus/health", t0)
    time.sleep(0.5)                    # let the deferred steps finish and print
    p.terminate()
    err = p.communicate(timeout=10)[1].decode(errors="replace")
    steps = []
    for line in err.splitlines():
        m = LINE.match(line)
        if m:
            steps.append((m.group(3), m.group(4), float(m.group(1)), float(m.group(2))))
    return ms, steps


def report(kind, runs):
    order, at, own = [], {}, {}
    for _, steps in runs:
        for thread, what, t, d in steps:
            k = (thread, what)
            if k not in at:
                order.append(k)
                at[k], own[k] = [], []
            at[k].append(t)
            own[k].append(d)
    order.sort(key=lambda k: statistics.median(at[k]))
    print("\n%s (%d runs; medians, ms)" % (kind, len(runs)))
    print("%9s %8s  %-8s %s" % ("ends at", "own", "thread", "step"))
    for k in order:
        print("%9.3f %8.3f  %-8s %s" % (statistics.median(at[k]), statistics.median(own[k]), k[0], k[1]))
    answered = [ms for ms, _ in runs if ms]
    print("%9.3f %8s  %-8s %s" % (statistics.median(answered), "", "prober", "GET /_nimbus/health answered"))


def main():
    n = int(sys.argv[1])
    bins = sys.argv[2:]
    base = tempfile.mkdtemp(prefix="nimbus-trace-")
    try:
        res = {b: ([], []) for b in bins}
        for _ in range(n):
            for i, b in enumerate(bins):
                data = os.path.join(base, "d%d" % i)
                shutil.rmtree(data, ignore_errors=True)
                res[b][0].append(one(b, data))
            for i, b in enumerate(bins):
                res[b][1].append(one(b, os.path.join(base, "d%d" % i)))
        for b in bins:
            print("\n==== %s" % b)
            report("first start", res[b][0])
            report("restart", res[b][1])
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
