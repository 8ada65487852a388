"""lambda_fn.py — Lambda helpers for the benchmarks (boto3 for the control plane,
plain http.client for timed invokes so client overhead stays small).

  lambda_fn.py build OUTDIR                    zip echo-native (compiled), echo-node, echo-python
  lambda_fn.py create ENDPOINT OUTDIR [KINDS] create echo-native, echo-node, echo-python (or those of KINDS, comma-separated)
  lambda_fn.py cold ENDPOINT OUTDIR N [KINDS [DATA]]
                                               median cold start (new function per sample) of each
                                               runtime, and `node -e 0`; prints RESULT lines. With
                                               DATA (the daemon's data directory) also each runtime's
                                               first cold start after a reboot: the unpacked tree
                                               removed, so the sealed package is unpacked again
  lambda_fn.py instmem ENDPOINT OUTDIR PID N   nimbus's own memory per warm instance: daemon RSS
                                               before and after N provisioned native instances
Functions are created with fixed test credentials: nimbus runs with --auth open."""
import http.client, json, os, statistics, subprocess, sys, time, urllib.parse, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EX = os.path.join(ROOT, "examples", "functions")
AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)
RUNTIMES = {  # name: (runtime, handler, zip)
    "native": ("nimbus.native", "handler.so", "echo-native.zip"),
    "node": ("nodejs20.x", "index.handler", "echo-node.zip"),
    "python": ("python3.12", "lambda_function.lambda_handler", "echo-python.zip"),
}


def build(out):
    os.makedirs(out, exist_ok=True)
    so = os.path.join(out, "handler.so")
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", so, os.path.join(EX, "echo-native", "handler.c"),
                    "-I" + os.path.join(ROOT, "include")], check=True)
    for zname, files in (("echo-native.zip", [(so, "handler.so")]),
                         ("echo-node.zip", [(os.path.join(EX, "echo-node", "index.js"), "index.js")]),
                         ("echo-python.zip", [(os.path.join(EX, "echo-python", "lambda_function.py"),
                                               "lambda_function.py")])):
        with zipfile.ZipFile(os.path.join(out, zname), "w") as z:
            for src, arc in files:
                z.write(src, arc)


def client(endpoint):
    import boto3, botocore.config
    return boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=botocore.config.Config(retries={"max_attempts": 3}, read_timeout=120))


def create(lam, name, kind, out, env=None):
    rt, handler, zname = RUNTIMES[kind]
    with open(os.path.join(out, zname), "rb") as f:
        code = f.read()
    kw = {}
    if env:
        kw["Environment"] = {"Variables": env}
    lam.create_function(FunctionName=name, Runtime=rt, Handler=handler, Code={"ZipFile": code},
                        Role="arn:aws:iam::000000000000:role/lambda", Timeout=30, MemorySize=256, **kw)
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 400})


def invoke_ms(endpoint, name, payload=b'{"hello":"world"}'):
    """Time from sending Invoke to the full response, on a fresh connection opened beforehand."""
    u = urllib.parse.urlparse(endpoint)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    c.connect()
    t0 = time.perf_counter()
    c.request("POST", "/2015-03-31/functions/%s/invocations" % name, body=payload,
              headers={"Authorization": AUTH, "X-Amz-Date": "20260101T000000Z", "Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t0) * 1000
    c.close()
    if r.status != 200 or r.getheader("X-Amz-Function-Error"):
        raise SystemExit("invoke %s failed: %d %s" % (name, r.status, body[:300]))
    return ms


def node_e0_ms():
    t0 = time.perf_counter()
    subprocess.run(["node", "-e", "0"], check=True)
    return (time.perf_counter() - t0) * 1000


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def instmem(endpoint, out, pid, n):
    """Daemon RSS growth per warm instance (the instances' own processes are not
    counted): N provisioned-concurrency instances of a native echo."""
    lam = client(endpoint)
    name = "instmem-%x" % (int(time.time() * 1000) & 0xffffff)
    create(lam, name, "native", out)
    ver = lam.publish_version(FunctionName=name)["Version"]
    invoke_ms(endpoint, name)
    time.sleep(0.5)
    before = rss_kb(pid)
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier=ver, ProvisionedConcurrentExecutions=n)
    for _ in range(600):
        st = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=ver)
        if st["Status"] == "READY" and st["AvailableProvisionedConcurrentExecutions"] >= n:
            break
        time.sleep(0.1)
    else:
        raise SystemExit("provisioned concurrency never became READY: %s" % st)
    time.sleep(1.0)
    after = rss_kb(pid)
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier=ver)
    print("RESULT per-instance-kb\t%.1f" % ((after - before) / n))
    print("RESULT daemon-rss-kb\t%d\t%d" % (before, after))


def main():
    cmd = sys.argv[1]
    if cmd == "build":
        build(sys.argv[2])
    elif cmd == "create":
        lam = client(sys.argv[2])
        for kind in (sys.argv[4].split(",") if len(sys.argv) > 4 else RUNTIMES):
            create(lam, "echo-" + kind, kind, sys.argv[3])
            invoke_ms(sys.argv[2], "echo-" + kind)  # warm it
    elif cmd == "cold":
        endpoint, out, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        kinds = sys.argv[5].split(",") if len(sys.argv) > 5 else list(RUNTIMES)
        lam = client(endpoint)
        tag = "%x" % (int(time.time() * 1000) & 0xffffff)
        res = {}
        for kind in kinds:
            xs = []
            for i in range(n):
                name = "cold-%s-%s-%d" % (kind, tag, i)
                create(lam, name, kind, out)
                xs.append(invoke_ms(endpoint, name))
                lam.delete_function(FunctionName=name)
            res[kind] = statistics.median(xs)
        if len(sys.argv) > 6:
            with open(os.path.join(sys.argv[6], "lambda", "unpack-dir")) as f:
                unpacked = f.read().strip()
            import shutil
            for kind in kinds:
                xs = []
                for i in range(n):
                    name = "reboot-%s-%s-%d" % (kind, tag, i)
                    create(lam, name, kind, out)
                    shutil.rmtree(os.path.join(unpacked, "code", name))   # as a reboot empties the RAM dir
                    xs.append(invoke_ms(endpoint, name))
                    lam.delete_function(FunctionName=name)
                res[kind + ", after a reboot (sealed code unpacked again)"] = statistics.median(xs)
        res["node -e 0"] = statistics.median(node_e0_ms() for _ in range(max(n, 3)))
        for k, v in res.items():
            print("RESULT %s\t%.2f" % (k, v))
    elif cmd == "instmem":
        instmem(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
