"""cold_ab.py ROUNDS KIND LABEL=BIN[:SETTING…][:ENV.NAME=VALUE…] … — cold starts of the same
function kind (native, node, python: lambda_fn.py's RUNTIMES) alternated between daemons, round
by round (order reversed every other round), so the shared machine's load weighs on all alike.

Each daemon: `BIN up --auth open --set lambda.proactive_init=0 [--set SETTING…]` on a fresh data
directory under /tmp, with NIMBUS_STARTUP_TRACE=1 (and ENV.* variables) so that it prints a line per
cold-start step (src/lambda/instance.c, src/sandbox/sandbox.c, src/lambda/pool.c). Per round and
daemon: CreateFunction, one timed Invoke (fresh connection, lambda_fn.invoke_ms), DeleteFunction.
Prints each daemon's median/p25/min, the paired median of each daemon against the first, and the
median own time of every traced step — among them the instance's time on a CPU and waiting for one
until its first /next (/proc/PID/schedstat). Loopback only; every daemon it starts is stopped.

  python3 bench/lib/lambda_fn.py build /tmp/cold-code
  python3 bench/lib/cold_ab.py 30 native ref=/work/main/build/nimbus pool=build/nimbus \
      nopool=build/nimbus:ENV.NIMBUS_SANDBOX=no-pool plain=build/nimbus:lambda.isolate=0
(CODE=/tmp/cold-code by default: the directory lambda_fn.py build wrote.)"""
import sys, os, time, subprocess, statistics, re, socket
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lambda_fn as L
rounds = int(sys.argv[1]); kind = sys.argv[2]
CODE = os.environ.get("CODE", "/tmp/cold-code")
if not os.path.exists(CODE):
    L.build(CODE)
ds = []
for i, spec in enumerate(sys.argv[3:]):
    label, rest = spec.split("=", 1)
    parts = rest.split(":")
    binp, extra = parts[0], parts[1:]
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    data = "/tmp/cold-ab-%d-%d" % (os.getpid(), i)
    subprocess.run(["rm", "-rf", data])
    envx = {}
    for e in [x for x in extra if x.startswith("ENV.")]:
        k, v = e[4:].split("=", 1); envx[k] = v
    extra = [x for x in extra if not x.startswith("ENV.")]
    args = [binp, "up", "--listen", "127.0.0.1:%d" % port, "--data", data, "--auth", "open", "--log-level", "warn",
            "--set", "lambda.proactive_init=0"]
    for e in extra: args += ["--set", e]
    log = open(data + ".log", "w")
    p = subprocess.Popen(args, stdout=log, stderr=log, env=dict(os.environ, NIMBUS_STARTUP_TRACE="1", **envx))
    ds.append(dict(label=label, p=p, ep="http://127.0.0.1:%d" % port, data=data, xs=[]))
time.sleep(2)
for d in ds:
    d["lam"] = L.client(d["ep"])
    L.create(d["lam"], "warm0", kind, CODE); L.invoke_ms(d["ep"], "warm0")
tag = "%x" % (int(time.time() * 1000) & 0xffffff)
try:
    for r in range(rounds):
        order = ds if r % 2 == 0 else ds[::-1]
        for d in order:
            name = "c-%s-%d" % (tag, r)
            L.create(d["lam"], name, kind, CODE)
            d["xs"].append(L.invoke_ms(d["ep"], name))
            d["lam"].delete_function(FunctionName=name)
finally:
    for d in ds:
        d["p"].terminate(); d["p"].wait()
        d["log"] = open(d["data"] + ".log").read()
        try:
            with open(os.path.join(d["data"], "lambda", "unpack-dir")) as f:
                subprocess.run(["rm", "-rf", f.read().strip()])
        except OSError:
            pass
        subprocess.run(["rm", "-rf", d["data"], d["data"] + ".log"])
import json
for d in ds:
    print("%-12s median %.2f ms  p25 %.2f  min %.2f  (n=%d)" % (d["label"], statistics.median(d["xs"]),
          statistics.quantiles(d["xs"], n=4)[0], min(d["xs"]), len(d["xs"])))
if len(ds) >= 2:
    for base, d in [(ds[0], x) for x in ds[1:]] + [(ds[j], ds[k]) for j in range(1, len(ds)) for k in range(j + 1, len(ds))]:
        diffs = [a - b for a, b in zip(d["xs"], base["xs"])]
        print("%s - %s: paired median %+.2f ms" % (d["label"], base["label"], statistics.median(diffs)))
# step medians from the trace
for d in ds:
    lines = d["log"].splitlines()
    steps = {}
    for ln in lines:
        m = re.match(r"^startup +([0-9.]+) ms +\+ *([0-9.]+) +\S+ +(.*)$", ln)
        if not m: continue
        txt = m.group(3)
        if "warm0" in txt: continue
        key = re.sub(r"(of|sbx) [0-9a-f]{32}|fn-[^:]*:|p-[^ ]*|c-[0-9a-f]+-\d+|[0-9a-f]{32}", "", txt)
        key = re.sub(r"[0-9]+\.[0-9]+", "#", key)
        steps.setdefault(key, []).append(float(m.group(2)))
        mm = re.search(r"instance ran ([0-9.]+), waited ([0-9.]+) ms", txt)
        if mm:
            steps.setdefault("  instance on CPU to first /next", []).append(float(mm.group(1)))
            steps.setdefault("  instance waiting for a CPU to first /next", []).append(float(mm.group(2)))
        mm = re.search(r"blank ran ([0-9.]+), waited ([0-9.]+) ms", txt)
        if mm:   # a pooled blank's life before its hand-off: included in the two lines above
            steps.setdefault("  of which the blank before its hand-off, on CPU", []).append(float(mm.group(1)))
            steps.setdefault("  of which the blank before its hand-off, waiting", []).append(float(mm.group(2)))
        if "child:" in txt:
            for k, v in re.findall(r"([a-zA-Z+→ ]+?) ([0-9.]+)(?:,| ms)", txt.split("child:")[1]):
                steps.setdefault("  child " + k.strip(), []).append(float(v))
    print("== %s steps (median of own time, ms)" % d["label"])
    for k, v in steps.items():
        if "invoke request in" in k: continue
        print("  %7.3f  %s  (n=%d)" % (statistics.median(v), k.strip()[:90], len(v)))
