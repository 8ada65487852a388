"""report.py RESULTS_DIR — turn raw rows into results/latest.md (tables with
ratios to each peer), PNG charts (gnuplot) and the README's performance section."""
import collections, datetime, os, platform, subprocess, sys

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
by_wl = collections.OrderedDict()
for r in rows:
    by_wl.setdefault((r[0], r[2]), []).append(r)
if by_wl:
    out.append("| workload | conns | server | req/s | p50 ms | p99 ms | p99.9 ms | errors | CPU s / 1k req | peak RSS MB | ratio (req/s vs peer) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for (wl, conns), rs in by_wl.items():
        nim = [r for r in rs if r[1].startswith("nimbus")]
        peers = [r for r in rs if not r[1].startswith("nimbus")]
        for r in rs:
            rps = float(r[3]); reqs = max(int(r[10]), 1)
            ratio = ""
            if r[1].startswith("nimbus") and peers:
                ratio = ", ".join("%.2f× %s" % (rps / max(float(p[3]), 1e-9), p[1]) for p in peers)
            out.append("| %s | %s | %s | %.0f | %.2f | %.2f | %.2f | %s | %.3f | %.1f | %s |" % (
                wl, conns, r[1], rps, int(r[4]) / 1000, int(r[5]) / 1000, int(r[6]) / 1000, r[7],
                float(r[8]) / reqs * 1000, int(r[9]) / 1024, ratio))
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

# charts: one per workload with several connection counts (scaling curves)
curves = collections.defaultdict(lambda: collections.defaultdict(list))
for r in rows:
    curves[r[0]][r[1]].append((int(r[2]), float(r[3])))
for wl, servers in curves.items():
    if max(len(v) for v in servers.values()) < 2:
        continue
    safe = "".join(c if c.isalnum() else "_" for c in wl)
    dat = []
    for s, pts in servers.items():
        fn = os.path.join(raw, "%s_%s.dat" % (safe, "".join(c if c.isalnum() else "_" for c in s)))
        with open(fn, "w") as f:
            for c, v in sorted(pts):
                f.write("%d %f\n" % (c, v))
        dat.append((s, fn))
    plot = ", ".join("'%s' using 1:2 with linespoints title '%s'" % (fn, s) for s, fn in dat)
    script = ("set terminal pngcairo size 800,450; set output '%s';" % os.path.join(res, safe + ".png") +
              "set logscale x 2; set xlabel 'connections'; set ylabel 'requests/s'; set grid; set key left top;"
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
