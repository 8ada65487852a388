"""node_init_ab.py ROUNDS NODE_MODULES LABEL=BIN … — the seed's API route (HTTP API → the
Node.js users-get handler with the bundled AWS SDK v2 → GetItem) on several nimbus binaries,
alternated round by round (order reversed every other round), so the shared machine's load
weighs on all alike. Per round and binary, on a fresh data directory (lambda.isolate=0, the
package's node_modules a link to NODE_MODULES, as bench/workloads/apigw.sh sets it up):
  deploy   the first request right after apigw_setup.py (the proactively initialized
           environment may still be starting), as apigw.sh measures it;
  init1    that first environment's Init Duration (no code cache exists yet);
  init     Init Duration of 3 new environments of the same code (a configuration change each,
           then an invoke), after the first environment has served requests — what a later
           environment of a deployed function pays;
  redeploy Init Duration of the first environment after UpdateFunctionCode with index.js
           changed and node_modules not;
  restart  nimbus stopped and started again on the same data: the first request sent as soon
           as it listens (the environment it pre-initializes at start-up is still starting).
Prints each binary's median and min of each, and the median of the per-round differences.

  python3 bench/lib/node_init_ab.py 6 tests/e2e/node_modules main=/work/main/build/nimbus new=build/nimbus
"""
import http.client, json, os, re, signal, socket, statistics, subprocess, sys, time, urllib.parse

H = os.path.dirname(os.path.abspath(__file__))
rounds, node_modules = int(sys.argv[1]), os.path.abspath(sys.argv[2])
bins = [a.split("=", 1) for a in sys.argv[3:]]
SETTINGS = ["--set", "lambda.isolate=0", "--set", "apigw.account_rate_limit=1000000",
            "--set", "apigw.account_burst_limit=1000000"]


def init_durations(binary, data):
    """The Init Duration of every REPORT of users-get-node so far (ms), once its log is flushed."""
    time.sleep(0.5)
    logs = subprocess.run([binary, "logs", "users-get-node", "--data", data], capture_output=True, text=True).stdout
    return [float(x) for x in re.findall(r"Init Duration: ([\d.]+) ms", logs)]


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def up(binary, port, data):
    log = open(data + ".log", "ab")
    p = subprocess.Popen([binary, "up", "--listen", "127.0.0.1:%d" % port, "--data", data, "--auth", "open",
                          "--log-level", "warn"] + SETTINGS, stdout=log, stderr=log)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return p
        except OSError:
            time.sleep(0.005)
    raise RuntimeError("nimbus did not listen")


def down(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(20)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait()


def get_ms(url):
    u = urllib.parse.urlparse(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120); c.connect()
    t0 = time.perf_counter(); c.request("GET", u.path); r = c.getresponse(); body = r.read()
    ms = (time.perf_counter() - t0) * 1000
    c.close()
    if r.status != 200:
        raise RuntimeError("route answered %d: %r" % (r.status, body[:200]))
    return ms


def redeploy_zip():
    import io, zipfile
    src = open(os.path.join(H, "..", "..", "examples", "functions", "users-get", "index.js")).read()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("index.js"); info.external_attr = 0o100644 << 16
        z.writestr(info, src + "\n// redeployed\n")
        link = zipfile.ZipInfo("node_modules"); link.external_attr = 0o120777 << 16
        z.writestr(link, node_modules)
    return buf.getvalue()


def one(label, binary):
    port = free_port()
    data = "/tmp/node-init-ab-%d-%s" % (os.getpid(), label)
    subprocess.run(["rm", "-rf", data, data + ".log"])
    p = up(binary, port, data)
    ep = "http://127.0.0.1:%d" % port
    out = {}
    try:
        subprocess.run([sys.executable, os.path.join(H, "ddb_load.py"), ep, "100", "20"], check=True,
                       stdout=subprocess.DEVNULL)
        setup = subprocess.run([sys.executable, os.path.join(H, "apigw_setup.py"), ep, data + "-work", node_modules,
                                "node"], check=True, capture_output=True, text=True).stdout
        api = re.search(r"^RESULT node (\S+)", setup, re.M).group(1)
        url = "%s/_aws/execute-api/%s/users/user-1" % (ep, api)
        out["deploy"] = get_ms(url)
        for _ in range(20):
            get_ms(url)
        import boto3
        lam = boto3.client("lambda", endpoint_url=ep, region_name="us-east-1", aws_access_key_id="test",
                           aws_secret_access_key="test")
        for i in range(3):
            lam.update_function_configuration(FunctionName="users-get-node", Environment={"Variables": {"R": str(i)}})
            lam.get_waiter("function_updated_v2").wait(FunctionName="users-get-node",
                                                       WaiterConfig={"Delay": 0.05, "MaxAttempts": 400})
            time.sleep(1.5)
            get_ms(url)
        inits = init_durations(binary, data)
        out["init1"] = inits[0]
        out["init"] = statistics.median(inits[-3:])
        # a new package (index.js changed, node_modules not): its first environment
        lam.update_function_code(FunctionName="users-get-node", ZipFile=redeploy_zip())
        lam.get_waiter("function_updated_v2").wait(FunctionName="users-get-node",
                                                   WaiterConfig={"Delay": 0.05, "MaxAttempts": 400})
        time.sleep(1.5)
        get_ms(url)
        out["redeploy"] = init_durations(binary, data)[-1]
        down(p)
        p = up(binary, port, data)
        out["restart"] = get_ms(url)
    finally:
        down(p)
        try:
            unpack = open(os.path.join(data, "lambda", "unpack-dir")).read().strip()
            subprocess.run(["rm", "-rf", unpack])
        except OSError:
            pass
        subprocess.run(["rm", "-rf", data, data + ".log", data + "-work"])
    return out


KEYS = ("deploy", "init1", "init", "redeploy", "restart")
res = {label: {k: [] for k in KEYS} for label, _ in bins}
for r in range(rounds):
    order = bins if r % 2 == 0 else list(reversed(bins))
    for label, binary in order:
        o = one(label, binary)
        for k, v in o.items():
            res[label][k].append(v)
        print("round %d %-8s %s" % (r + 1, label, "  ".join("%s %7.1f ms" % (k, o[k]) for k in KEYS)), flush=True)
base = bins[0][0]
for label, _ in bins:
    parts = []
    for k in KEYS:
        v = res[label][k]
        s = "%s median %.1f min %.1f" % (k, statistics.median(v), min(v))
        if label != base:
            s += " (paired Δ %+.1f)" % statistics.median([a - b for a, b in zip(v, res[base][k])])
        parts.append(s)
    print("%-8s %s" % (label, " | ".join(parts)))
