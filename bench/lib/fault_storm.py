"""fault_storm.py — another function's latency while faulty functions run (issue 8's
"function faults" figure: within 2x of normal).

  fault_storm.py ENDPOINT SECONDS

Creates the reliability suite's functions (tests/reliability/test_function_faults.py:
crash, hang, oom, chatty, huge, initexit, and the Node.js echo) on a nimbus started
with --auth open, then times Invokes of the echo from a process of its own
(tests/reliability/echo_timer.py: one keep-alive connection, a light client) before
the faults (BEFORE_N invokes), during SECONDS of faults invoked in a loop by one
process per fault, and after them. FAULTS_ONLY=crash,hang limits the storm to those. Prints RESULT lines: p50/p99 before, during and
after, the p50 ratio during/before, and how many faults were served."""
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "reliability"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e", "lambda"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lambda_fn  # noqa: E402
from test_function_faults import FAULTS, create_fault_functions  # noqa: E402

BEFORE_N = int(os.environ.get("BEFORE_N", "300"))
ALL_FAULTS = dict(FAULTS)
if os.environ.get("FAULTS_ONLY"):   # a diagnosis aid: only these faults (comma-separated)
    FAULTS = {k: v for k, v in FAULTS.items() if k in os.environ["FAULTS_ONLY"].split(",")}
ROLE = "arn:aws:iam::000000000000:role/lambda"


def create_all(lam):
    create_fault_functions(lam, ROLE)
    for name in ["echo-fn"] + ["f-" + n for n in ALL_FAULTS]:
        lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 400})


def fault_loop(endpoint, name, stop, served):
    """Invoke f-NAME until stop; every answer must be a 200 (the fault reported in it)."""
    import http.client
    import urllib.parse
    u = urllib.parse.urlparse(endpoint)
    n = 0
    while not stop.is_set():
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
        c.request("POST", "/2015-03-31/functions/f-%s/invocations" % name, body=b"{}",
                  headers={"Authorization": lambda_fn.AUTH, "X-Amz-Date": "20260101T000000Z"})
        r = c.getresponse()
        r.read()
        c.close()
        if r.status != 200:
            raise SystemExit("f-%s answered %d" % (name, r.status))
        n += 1
    served[name] = n


def settle(endpoint):
    """Wait (at most 30 s) until nimbus reports no busy Lambda environment: the functions just
    created start one environment each (proactive initialization), which would load the
    "before" figures."""
    import urllib.request
    for _ in range(300):
        try:
            h = json.load(urllib.request.urlopen(endpoint + "/_nimbus/health", timeout=5))
            if all(s.get("busy", 0) == 0 for s in h.get("services", [])):
                return
        except OSError:
            pass
        time.sleep(0.1)


def timed(timer, tag, n):
    timer.stdin.write("%s %d\n" % (tag, n))
    timer.stdin.flush()
    out = json.loads(timer.stdout.readline())
    if "error" in out:
        raise SystemExit("echo: " + out["error"])
    return out["latencies"]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1e3


def main(endpoint, seconds):
    create_all(lambda_fn.client(endpoint))
    # before the timer starts: forked processes must not hold its stdin open
    mp = multiprocessing.get_context("fork")
    stop, served = mp.Event(), mp.Manager().dict()
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    timer = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "reliability", "echo_timer.py"), "echo-fn"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    settle(endpoint)
    timed(timer, "warm", 50)
    before = timed(timer, "before", BEFORE_N)
    procs = [mp.Process(target=fault_loop, args=(endpoint, n, stop, served)) for n in FAULTS]
    for p in procs:
        p.start()   # they hold a copy of the timer's stdin until they exit (joined below)
    time.sleep(1.0)
    during, t_end = [], time.monotonic() + seconds
    while time.monotonic() < t_end:
        during += timed(timer, "during", 50)
    stop.set()
    for p in procs:
        p.join(300)
    if any(p.exitcode != 0 for p in procs):
        raise SystemExit("a fault loop failed")
    after = timed(timer, "after", BEFORE_N)
    timer.stdin.close()
    timer.wait(30)
    for tag, xs in (("before", before), ("during", during), ("after", after)):
        print("RESULT\techo p50 %s faults\t%.3f" % (tag, pct(xs, 0.5)))
        print("RESULT\techo p99 %s faults\t%.3f" % (tag, pct(xs, 0.99)))
    print("RESULT\techo p50 during/before faults\t%.2f" % (statistics.median(during) / statistics.median(before)))
    print("RESULT\tfaults served\t%s" % ", ".join("%s=%d" % (k, served.get(k, 0)) for k in sorted(FAULTS)))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
