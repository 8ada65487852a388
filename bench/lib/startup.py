"""startup.py CMD... — time from process start to its port answering an HTTP request,
then its idle RSS one second later. Prints: RESULT {"startup_ms":..,"idle_rss_kb":..}.
The port comes from $PORT (already in CMD); $PROBE_PATH is the path to GET (default /)."""
import json, os, socket, subprocess, sys, time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_answer(port, path, t0, limit_s=30):
    """Milliseconds from t0 (time.perf_counter) until 127.0.0.1:port answers GET path with an
    HTTP status line, or None after limit_s."""
    req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode()
    while time.perf_counter() - t0 < limit_s:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1)
            s.sendall(req)
            answered = s.recv(16).startswith(b"HTTP/1.")
            s.close()
            if answered:
                return (time.perf_counter() - t0) * 1000
        except OSError:
            time.sleep(0.0002)
    return None


def main():
    port = int(os.environ["PORT"])
    path = os.environ.get("PROBE_PATH", "/")
    t0 = time.perf_counter()
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ms = wait_answer(port, path, t0)
    time.sleep(1.0)
    rss = 0
    try:
        pids = [p.pid] + [int(x) for x in subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split()]

        def shares_mm(pid):
            """A pooled sandbox blank (CLONE_VM, not exec'd): nimbus's executable and VmSize,
            its VmRSS nimbus's own (as bench/lib/common.sh's own_mm_pids)."""
            def facts(q):
                with open("/proc/%d/status" % q) as f:
                    size = [l.split()[1] for l in f if l.startswith("VmSize:")]
                return os.readlink("/proc/%d/exe" % q), size
            return pid != p.pid and facts(pid) == facts(p.pid)
        pids = [q for q in pids if not shares_mm(q)]
        for pid in pids:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
    except OSError:
        pass
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
    print("RESULT " + json.dumps({"startup_ms": round(ms, 2) if ms else None, "idle_rss_kb": rss}))


if __name__ == "__main__":
    main()
