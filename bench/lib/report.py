"""report.py RESULTS_DIR — turn raw rows (one per run and round) into
results/latest.md (per workload, server and connection count: medians over the
rounds, the req/s spread, ratios of the medians to each peer), PNG charts
(gnuplot) and the README's performance section."""
import collections, datetime, os, platform, statistics, subprocess, sys

res = sys.argv[1]
raw = os.path.join(res, "raw")
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(raw, "rows.tsv"))] if os.path.exists(os.path.join(raw, "rows.tsv")) else []
metrics = [l.rstrip("\n").split("\t") for l in open(os.path.join(raw, "metrics.tsv"))] if os.path.exists(os.path.join(raw, "metrics.tsv")) else []
mode = open(os.path.join(raw, "mode")).read().strip() if os.path.exists(os.path.join(raw, "mode")) else "?"

def cpu_model():
    for l in open("/proc/cpuinfo"):
        if l.startswith("model name"):
            return l.split(":", 1)[1].strip()
    return platform.processor()

mem_gb = int(open("/proc/meminfo").readline().split()[1]) / 1024 / 1024
out = []
out.append("Run %s (%s mode) on %d cores (%s), %.0f GB RAM, %s." % (
    datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), mode, os.cpu_count(), cpu_model(), mem_gb,
    platform.platform()))
out.append("")
# rows.tsv holds one row per run (column 12: the round; rows of older runs have
# none); a table row is the runs of one (workload, conns, server): their medians
# (grouped by workload in order of appearance, then connection counts in order of appearance)
runs = collections.OrderedDict()
for r in rows:
    runs.setdefault((r[0], r[2]), collections.OrderedDict()).setdefault(r[1], []).append(r)
first = {}
for wl, _ in runs:
    first.setdefault(wl, len(first))
runs = collections.OrderedDict(sorted(runs.items(), key=lambda kv: first[kv[0][0]]))   # stable: conns keep their order


def summary(rs):
    """medians over the rounds; errors: their sum; peak RSS: the first round's — a
    high-water mark of a server that stays up through the rounds only grows, so
    the first round's is the one taken in the same place as a single pass's"""
    med = statistics.median
    rps = [float(r[3]) for r in rs]
    return {"n": len(rs), "rps": med(rps), "min": min(rps), "max": max(rps),
            "p50": med(int(r[4]) for r in rs) / 1000, "p99": med(int(r[5]) for r in rs) / 1000,
            "p999": med(int(r[6]) for r in rs) / 1000, "errors": sum(int(r[7]) for r in rs),
            "cpu": med(float(r[8]) / max(int(r[10]), 1) * 1000 for r in rs), "rss": int(rs[0][9]) / 1024,
            "requests": sum(int(r[10]) for r in rs)}


def round_ratios(a, b):
    """ " (rounds 4.65–6.25×)": the lowest and highest ratio of the runs paired by round"""
    rb = {(r[11] if len(r) > 11 else "1"): float(r[3]) for r in b}
    xs = [float(r[3]) / rb[r[11]] for r in a if len(r) > 11 and rb.get(r[11], 0) > 0]
    return " (rounds %.2f–%.2f×)" % (min(xs), max(xs)) if len(xs) > 1 else ""


rounds = max((int(r[11]) if len(r) > 11 else 1 for r in rows), default=1)
dur = open(os.path.join(raw, "rounds")).read().split()[1] if os.path.exists(os.path.join(raw, "rounds")) else "?"
if runs:
    if rounds > 1:
        out.append("Each side-by-side workload ran %d rounds of %s s per server, the servers up together and their "
                   "runs alternated within a round (order rotated each round), so the machine's drifting load falls "
                   "on both. Each row is the **median over the rounds** (req/s, latencies, CPU per request), with "
                   "the lowest and highest req/s of the rounds; errors are their sum, peak RSS the first round's "
                   "(a high-water mark: it only grows while a server stays up through the rounds). The ratio is nimbus's median req/s over the peer's median req/s; in brackets the lowest "
                   "and highest ratio of the runs paired by round." % (rounds, dur))
    else:
        out.append("One round of %s s runs per server (quick mode); `make bench` runs several rounds, alternated, "
                   "and reports medians. The ratio is nimbus's req/s over the peer's." % dur)
    out.append("")
    out.append("| workload | conns | server | req/s (median) | req/s min–max | p50 ms | p99 ms | p99.9 ms | errors | CPU s / 1k req | peak RSS MB | ratio (median req/s vs peer) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (wl, conns), servers in runs.items():
        sums = collections.OrderedDict((s, summary(rs)) for s, rs in servers.items())
        peers = [s for s in sums if not s.startswith("nimbus")]
        for srv, m in sums.items():
            ratio = ""
            if srv.startswith("nimbus") and peers:
                ratio = ", ".join(("%.2f× %s" % (m["rps"] / sums[p]["rps"], p) if sums[p]["rps"] > 0 else
                                   "— (%s: 0 req/s)" % p) + round_ratios(servers[srv], servers[p]) +
                                  (" (%s: %d of %d requests were errors)" % (p, sums[p]["errors"], sums[p]["requests"])
                                   if sums[p]["errors"] else "") for p in peers)
            spread = "%.0f–%.0f" % (m["min"], m["max"]) if m["n"] > 1 else ""
            out.append("| %s | %s | %s | %.0f | %s | %.2f | %.2f | %.2f | %d | %.3f | %.1f | %s |" % (
                wl, conns, srv, m["rps"], spread, m["p50"], m["p99"], m["p999"], m["errors"], m["cpu"], m["rss"], ratio))
    out.append("")
if metrics:
    out.append("| measure | server | value |")
    out.append("|---|---|---|")
    for m in metrics:
        out.append("| %s | %s | %s %s |" % (m[0], m[1], m[2], m[3]))
    out.append("")
out.append("Reproduce: `make bench` (or `make bench-quick`); raw rows in bench/results/raw/.")
md = "\n".join(out) + "\n"
open(os.path.join(res, "latest.md"), "w").write("# Benchmark results\n\n" + md)

# charts: one per workload with several connection counts (scaling curves): the
# medians, with the rounds' lowest and highest req/s as error bars
curves = collections.defaultdict(collections.OrderedDict)
for (wl, conns), servers in runs.items():
    for srv, rs in servers.items():
        m = summary(rs)
        curves[wl].setdefault(srv, []).append((int(conns), m["rps"], m["min"], m["max"]))
for wl, servers in curves.items():
    if max(len(v) for v in servers.values()) < 2:
        continue
    safe = "".join(c if c.isalnum() else "_" for c in wl)
    dat = []
    for s, pts in servers.items():
        fn = os.path.join(raw, "%s_%s.dat" % (safe, "".join(c if c.isalnum() else "_" for c in s)))
        with open(fn, "w") as f:
            for c, v, lo, hi in sorted(pts):
                f.write("%d %f %f %f\n" % (c, v, lo, hi))
        dat.append((s, fn))
    plot = ", ".join("'%s' using 1:2:3:4 with yerrorlines title '%s'" % (fn, s) for s, fn in dat)
    script = ("set terminal pngcairo size 800,450; set output '%s';" % os.path.join(res, safe + ".png") +
              "set logscale x 2; set xlabel 'connections'; set ylabel 'requests/s (median, bars: min-max of the rounds)';"
              "set grid; set key left top; set offsets graph 0.04, graph 0.04, graph 0.08, 0; set yrange [0:*];"
              "set title '%s'; plot %s" % (wl, plot))
    try:
        subprocess.run(["gnuplot", "-e", script], check=False, capture_output=True)
        md += "\n![%s](bench/results/%s.png)\n" % (wl, safe)
    except FileNotFoundError:
        pass

readme = os.path.join(os.path.dirname(os.path.dirname(res)), "README.md")
if os.path.exists(readme):
    s = open(readme).read()
    a, b = s.find("<!-- bench:begin -->"), s.find("<!-- bench:end -->")
    if a >= 0 and b > a:
        s = s[:a] + "<!-- bench:begin -->\n" + md + s[b:]
        open(readme, "w").write(s)
print(md)
