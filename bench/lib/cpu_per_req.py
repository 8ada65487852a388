"""cpu_per_req.py PID -- WRK ARGS... — runs wrk (its arguments after "--") and
prints the CPU each request cost, split by process: the daemon PID (and each
of its threads), its descendants (function runners, sandbox helpers), and wrk
itself. CPU = utime+stime from /proc (descendants that exit during the run
are missed: measure warm runs). wrk must print report.lua's RESULT line.

  python3 bench/lib/cpu_per_req.py $(pgrep -f 'nimbus up') -- -t2 -c32 -d5s \\
      -s bench/wrk/report.lua http://127.0.0.1:4566/...

Prints one line per group in microseconds per request, and a total."""
import json, os, resource, subprocess, sys

HZ = os.sysconf("SC_CLK_TCK")


def stat_fields(path):
    try:
        with open(path) as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    return rest  # rest[0] is field 3 (state)


def cpu_ticks(path):
    f = stat_fields(path)
    return int(f[11]) + int(f[12]) if f else 0  # fields 14, 15


def descendants(root):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        f = stat_fields("/proc/%s/stat" % d)
        if f:
            kids.setdefault(int(f[1]), []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def switches(pid):
    """Voluntary and involuntary context switches of a pid (all its threads)."""
    v = n = 0
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith("voluntary_ctxt_switches"):
                v = int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches"):
                n = int(line.split()[1])
    except OSError:
        pass
    return v, n


def snapshot(root):
    snap = {"threads": {}, "desc": {}, "sw": {}}
    for t in os.listdir("/proc/%d/task" % root):
        f = stat_fields("/proc/%d/task/%s/stat" % (root, t))
        comm = open("/proc/%d/task/%s/comm" % (root, t)).read().strip()
        if f:
            snap["threads"][(t, comm)] = int(f[11]) + int(f[12])
    for p in descendants(root):
        snap["desc"][p] = cpu_ticks("/proc/%d/stat" % p)
        snap["sw"][p] = switches(p)
    snap["sw"][root] = switches(root)
    return snap


def main():
    root = int(sys.argv[1])
    # WRK_PREFIX: a command wrk runs under, e.g. "chrt -b 0" (SCHED_BATCH:
    # its wake-ups then do not preempt the daemon)
    wrk = os.environ.get("WRK_PREFIX", "").split() + ["wrk"] + sys.argv[sys.argv.index("--") + 1:]
    a = snapshot(root)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(wrk, capture_output=True, text=True).stdout
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b = snapshot(root)
    line = [l for l in out.splitlines() if l.startswith("RESULT ")]
    if not line:
        sys.exit("wrk printed no RESULT line:\n" + out)
    res = json.loads(line[0][7:])
    n = res["requests"]
    us = lambda ticks: ticks / HZ * 1e6 / n
    rows = []
    by_comm = {}
    for k, v in b["threads"].items():
        by_comm[k[1]] = by_comm.get(k[1], 0) + v - a["threads"].get(k, 0)
    for comm, t in sorted(by_comm.items(), key=lambda x: -x[1]):
        if t:
            rows.append(("daemon thread " + comm, us(t)))
    desc = sum(v - a["desc"].get(p, 0) for p, v in b["desc"].items())
    rows.append(("descendants (%d)" % len(b["desc"]), us(desc)))
    wrk_s = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    rows.append(("wrk", wrk_s * 1e6 / n))
    print("requests %d  req/s %.0f  p50 %s us  p99 %s us  errors %s" %
          (n, res["rps"], res["p50_us"], res["p99_us"], res["errors"]))
    for name, v in rows:
        print("  %-36s %7.1f us/req" % (name, v))
    print("  %-36s %7.1f us/req" % ("total", sum(v for _, v in rows)))
    def sw(pids):
        v = sum(b["sw"][p][0] - a["sw"].get(p, (0, 0))[0] for p in pids)
        n = sum(b["sw"][p][1] - a["sw"].get(p, (0, 0))[1] for p in pids)
        return "%.2f voluntary + %.2f involuntary" % (v / n_req, n / n_req)
    n_req = n
    print("  context switches per request: daemon %s; descendants %s" %
          (sw([root]), sw([p for p in b["desc"] if p in b["sw"]])))


if __name__ == "__main__":
    main()
