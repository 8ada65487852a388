/* sandbox_bench.c — what the sandbox adds to a cold start.
 *
 * For each variant (isolate=0: plain fork/exec with rlimits; isolate=1: full
 * sandbox; isolate=1 + nimbus-only network) and each program (a tiny C
 * program, and Node.js when installed) it measures, N times:
 *   spawn  — sbx_spawn call → return (the child has exec'd)
 *   first  — sbx_spawn call → first byte the program writes (the cold start
 *            as a runtime sees it: exec, dynamic loading, runtime init)
 *   total  — first + wait + sbx_release (cgroup removal included)
 *   cpu    — CPU time of nimbus's spawning thread + the instance (rusage)
 *   minflt, vcsw, icsw — the instance's minor page faults, voluntary and
 *            involuntary context switches (rusage, all its threads)
 *   run1, wait1 — its main thread until the first byte: time on a CPU, and
 *            time runnable but waiting for a CPU (schedstat): a sandbox cost
 *            shows in run1; the host's load (and CPU weights) in wait1
 * and prints min / median / p90, plus the median difference sandbox − plain
 * of each. The Node.js program loads what nimbus's Node.js runtime loads
 * before its first request (NODE_SCRIPT). The variant "sandbox+disk /tmp" measures a disk-backed /tmp
 * of EphemeralStorage size (docs/SANDBOX.md, "/tmp on disk"): per cold start
 * a copy of a pre-formatted sparse ext4 image (made once with mke2fs),
 * attached to a loop device, mounted and given as spec.tmp_dir; its
 * preparation is inside the timings, its teardown (umount, detach, unlink)
 * inside "total". Hand-built, run as root for the full sandbox:
 *
 *   make && cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o build/sandbox_bench bench/sandbox_bench.c \
 *      build/obj/core/{alloc,buf,util,log,arena,config}.o build/obj/sandbox/[a-z]*.o \
 *      $(pkg-config --libs libuv jansson openssl libseccomp) -lpthread -lm -ldl
 *   build/sandbox_bench [N [BALLAST_MB]]       (NIMBUS_SANDBOX=fork: fork-style spawn)
 *
 * BENCH_MEMORY_MB=256 gives every variant that MemorySize (default 1769, one
 * vCPU's CPU weight); BENCH_NO_DISK_TMP=1 leaves out the disk /tmp variant.
 */
#include "sandbox/sandbox.h"
#include "core/util.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct { const char *label; int isolate; sbx_net_t net; int disk_tmp; } variant_t;

/* --- disk-backed /tmp: a sparse ext4 image per instance ------------------------ */

static char tmp_template[300];      /* the pre-formatted image, made once */
static char tmp_image[300], tmp_mnt[300];

/* Copy the template's data extents (a few hundred KB of a sparse file) into a new
 * image of the same size, attach it to a free loop device, mount it on tmp_mnt. */
static int disk_tmp_prepare(void)
{
    int in = open(tmp_template, O_RDONLY | O_CLOEXEC);
    int out = open(tmp_image, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0) return -errno;
    off_t size = lseek(in, 0, SEEK_END);
    if (ftruncate(out, size) != 0) return -errno;
    for (off_t data = lseek(in, 0, SEEK_DATA); data >= 0 && data < size; ) {
        off_t hole = lseek(in, data, SEEK_HOLE);
        loff_t a = data, b = data;
        while (a < hole) {
            ssize_t n = copy_file_range(in, &a, out, &b, (size_t)(hole - a), 0);
            if (n <= 0) return -errno;
        }
        data = lseek(in, hole, SEEK_DATA);
    }
    close(in);
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0) return -errno;
    int nr = ioctl(ctl, LOOP_CTL_GET_FREE);
    close(ctl);
    if (nr < 0) return -errno;
    char dev[64];
    snprintf(dev, sizeof dev, "/dev/loop%d", nr);
    int lfd = open(dev, O_RDWR | O_CLOEXEC);
    if (lfd < 0) return -errno;
    struct loop_config lc;
    memset(&lc, 0, sizeof lc);
    lc.fd = (unsigned)out;
    lc.info.lo_flags = LO_FLAGS_AUTOCLEAR;       /* detached when the mount goes */
    if (ioctl(lfd, LOOP_CONFIGURE, &lc) != 0) { int e = errno; close(lfd); close(out); return -e; }
    close(out);
    int r = mount(dev, tmp_mnt, "ext4", MS_NOSUID | MS_NODEV | MS_NOATIME, NULL) == 0 ? 0 : -errno;
    close(lfd);
    if (r == 0 && chmod(tmp_mnt, 01777) != 0) r = -errno;
    return r;
}

static void disk_tmp_teardown(void)
{
    umount2(tmp_mnt, 0);
    unlink(tmp_image);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_s64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t median_s(int64_t *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp_s64); return v[n / 2]; }

static void print_row(const char *prog, const char *label, const char *what, uint64_t *v, int n, const char *unit)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    printf("%-6s %-22s %-6s min %6llu  median %6llu  p90 %6llu %s\n", prog, label, what,
           (unsigned long long)v[0], (unsigned long long)v[n / 2], (unsigned long long)v[n * 9 / 10], unit);
}

static uint64_t thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* One cold start; fills the timings. 0 or -1. cpu: CPU time spent on it —
 * nimbus's spawning thread plus the instance (setup before exec and the
 * program itself) — insensitive to how loaded the host is. */
typedef struct { uint64_t minflt, nvcsw, nivcsw, run, wait; } counts_t;

/* The instance's main thread so far: time on a CPU and time runnable but
 * waiting for one (/proc/PID/task/PID/schedstat, in ns; µs here). At the
 * first byte this splits the cold start into what the program did (run,
 * which the sandbox could lengthen) and what the host's other load cost it
 * (wait, which CPU weights change). 0 when unreadable. */
static void main_thread_sched(pid_t pid, counts_t *cnt)
{
    char path[64], buf[128];
    unsigned long long run = 0, wait = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", (int)pid, (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t k = read(fd, buf, sizeof buf - 1);
        if (k > 0) { buf[k] = 0; sscanf(buf, "%llu %llu", &run, &wait); }
        close(fd);
    }
    cnt->run = run / 1000;
    cnt->wait = wait / 1000;
}

static int one(const sbx_spec_t *base, uint64_t *spawn, uint64_t *first, uint64_t *total, uint64_t *cpu,
               counts_t *cnt)
{
    sbx_spec_t s = *base;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return -1;
    s.stdout_fd = p[1];
    sbx_t *sb;
    uint64_t c0 = thread_cpu_us();
    uint64_t t0 = nb_now_us();
    if (s.tmp_dir) {
        int e = disk_tmp_prepare();
        if (e != 0) { fprintf(stderr, "disk /tmp: %s\n", strerror(-e)); close(p[0]); close(p[1]); return -1; }
    }
    int r = sbx_spawn(&s, &sb);
    uint64_t t1 = nb_now_us();
    close(p[1]);
    if (r != 0) { fprintf(stderr, "spawn: %s\n", strerror(-r)); close(p[0]); return -1; }
    char c;
    ssize_t n = read(p[0], &c, 1);
    uint64_t t2 = nb_now_us();
    main_thread_sched(sbx_pid(sb), cnt);
    char buf[256];
    while (read(p[0], buf, sizeof buf) > 0) {}
    close(p[0]);
    struct rusage ru;
    wait4(sbx_pid(sb), NULL, 0, &ru);
    sbx_release(sb);
    if (s.tmp_dir) disk_tmp_teardown();
    uint64_t t3 = nb_now_us();
    *spawn = t1 - t0; *first = t2 - t0; *total = t3 - t0;
    *cpu = thread_cpu_us() - c0 + (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec +
           (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
    cnt->minflt = (uint64_t)ru.ru_minflt;
    cnt->nvcsw = (uint64_t)ru.ru_nvcsw;
    cnt->nivcsw = (uint64_t)ru.ru_nivcsw;
    return n == 1 ? 0 : -1;
}

/* What nimbus's Node.js runtime loads before its first request (console.js,
 * bootstrap.js, rapid.js): util, fs, path, module, net, plus a connection
 * attempt (the Runtime API's); the first byte is written once it fails or
 * connects, so the cold start includes libuv's first I/O round trip. */
#define NODE_SCRIPT "require('util');require('fs');require('path');require('module');" \
    "const s=require('net').connect(9,'127.0.0.1');const r=()=>{process.stdout.write('ready');s.destroy()};" \
    "s.on('connect',r);s.on('error',r)"

/* MemorySize given to every variant (BENCH_MEMORY_MB; default one vCPU's
 * worth, 1769): sets the instance's memory limit and its CPU weight. */
static unsigned memory_mb = 1769;

static void fill_spec(sbx_spec_t *s, int prog, const variant_t *v, const char *dir,
                      const char *const *env, const char *hello_plain)
{
    static const char *c_argv_iso[] = { "/var/task/hello", NULL };
    static const char *node_argv[] = { "/usr/bin/node", "-e", NODE_SCRIPT, NULL };
    static const char *c_argv_plain[] = { NULL, NULL };
    c_argv_plain[0] = hello_plain;
    memset(s, 0, sizeof *s);
    s->argv = prog ? node_argv : v->isolate ? c_argv_iso : c_argv_plain;
    s->envp = env;
    s->code_dir = dir;
    s->memory_mb = memory_mb;
    s->tmp_mb = 512;
    s->net = v->net;
    s->nimbus_host = "127.0.0.1:9";
    s->stderr_fd = 2;
    s->isolate = v->isolate;
    s->name = "fn-bench-1";
    if (v->disk_tmp) s->tmp_dir = tmp_mnt;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    if (getenv("BENCH_MEMORY_MB")) memory_mb = (unsigned)atoi(getenv("BENCH_MEMORY_MB"));
    if (n < 10) n = 10;
    /* Ballast: a nimbus-sized parent (MB of touched heap), to show what a
     * fork-style spawn pays for page tables (compare NIMBUS_SANDBOX=fork). */
    long ballast = argc > 2 ? atol(argv[2]) : 0;
    if (ballast > 0) {
        char *b = malloc((size_t)ballast << 20);
        if (!b) return 1;
        memset(b, 1, (size_t)ballast << 20);
        printf("parent ballast: %ld MB touched\n", ballast);
    }
    char dir[] = "/tmp/sbx-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "printf '#include <stdio.h>\\nint main(void){puts(\"ready\");return 0;}\\n' > %s/hello.c && "
             "cc -O2 -o %s/hello %s/hello.c && chmod 755 %s", dir, dir, dir, dir);
    if (system(cmd) != 0) return 1;
    char hello_plain[300];
    snprintf(hello_plain, sizeof hello_plain, "%s/hello", dir);
    const char *env[] = { "PATH=/usr/bin:/bin", NULL };

    printf("%s", sbx_features());
    double la[3];
    if (getloadavg(la, 3) == 3) printf("load average at start: %.2f %.2f %.2f\n", la[0], la[1], la[2]);
    printf("\n%d cold starts per row (%s); variants interleaved run by run so load drifts hit all alike\n\n",
           n, sbx_fully_isolated() ? "full isolation" : "PARTIAL isolation");
    /* the disk-backed /tmp's template: 512 MB (the default EphemeralStorage), sparse */
    snprintf(tmp_template, sizeof tmp_template, "%s/tmp-template.img", dir);
    snprintf(tmp_image, sizeof tmp_image, "%s/tmp-instance.img", dir);
    snprintf(tmp_mnt, sizeof tmp_mnt, "%s/tmp-mnt", dir);
    snprintf(cmd, sizeof cmd, "truncate -s 512M %s && mke2fs -q -F -t ext4 -O ^has_journal "
             "-E lazy_itable_init=1,nodiscard -m 0 %s && mkdir -p %s", tmp_template, tmp_template, tmp_mnt);
    int have_disk_tmp = getuid() == 0 && !getenv("BENCH_NO_DISK_TMP") && system(cmd) == 0;
    uint64_t mk0 = nb_now_us();
    if (have_disk_tmp && system(cmd) != 0) have_disk_tmp = 0;
    if (have_disk_tmp) printf("disk /tmp: one mke2fs of the 512 MB template (with the shell): %llu us\n",
                              (unsigned long long)(nb_now_us() - mk0));
    int NV = have_disk_tmp ? 4 : 3;
    variant_t vars[4] = {
        { "plain (isolate=0)", 0, SBX_NET_HOST, 0 },
        { "sandbox", 1, SBX_NET_HOST, 0 },
        { "sandbox+nimbus-only", 1, SBX_NET_NIMBUS_ONLY, 0 },
        { "sandbox+disk /tmp", 1, SBX_NET_HOST, 1 },
    };
    int have_node = access("/usr/bin/node", X_OK) == 0;
    for (int prog = 0; prog < 1 + have_node; prog++) {
        const char *pname = prog ? "node" : "C";
        int runs = prog ? n / 4 : n;
        if (runs < 10) runs = 10;
        /* per variant: spawn, first, total, cpu, minor faults, voluntary and
         * involuntary context switches of the instance; paired differences */
        enum { M_SPAWN, M_FIRST, M_TOTAL, M_CPU, M_FLT, M_VCSW, M_ICSW, M_RUN, M_WAIT, M_N };
        static const char *const mname[M_N] = { "spawn", "first", "total", "cpu", "minflt", "vcsw", "icsw", "run1", "wait1" };
        uint64_t *m[4][M_N];
        int64_t *dm[4][M_N];
        for (int v = 0; v < NV; v++)
            for (int k = 0; k < M_N; k++) {
                m[v][k] = calloc((size_t)runs, 8);
                dm[v][k] = calloc((size_t)runs, 8);
            }
        sbx_spec_t s;
        uint64_t a, b, c, d;
        counts_t cnt;
        for (int v = 0; v < NV; v++) { fill_spec(&s, prog, &vars[v], dir, env, hello_plain); one(&s, &a, &b, &c, &d, &cnt); }
        int ok = 0;
        for (int i = 0; i < runs; i++) {
            int good = 1;
            for (int v = 0; v < NV && good; v++) {
                fill_spec(&s, prog, &vars[v], dir, env, hello_plain);
                good = one(&s, &m[v][M_SPAWN][ok], &m[v][M_FIRST][ok], &m[v][M_TOTAL][ok], &m[v][M_CPU][ok], &cnt) == 0;
                m[v][M_FLT][ok] = cnt.minflt;
                m[v][M_VCSW][ok] = cnt.nvcsw;
                m[v][M_ICSW][ok] = cnt.nivcsw;
                m[v][M_RUN][ok] = cnt.run;
                m[v][M_WAIT][ok] = cnt.wait;
            }
            if (!good) continue;
            for (int v = 1; v < NV; v++)      /* paired: this run's sandbox minus this run's plain */
                for (int k = 0; k < M_N; k++) dm[v][k][ok] = (int64_t)m[v][k][ok] - (int64_t)m[0][k][ok];
            ok++;
        }
        if (ok < runs / 2) { printf("%s: too many failed runs\n", pname); continue; }
        for (int v = 0; v < NV; v++)
            for (int k = 0; k < M_N; k++)
                print_row(pname, vars[v].label, mname[k], m[v][k], ok, k <= M_CPU || k >= M_RUN ? "us" : "");
        for (int v = 1; v < NV; v++)
            printf("%s: %s adds (median of paired differences) %lld us to spawn→exec, %lld us to spawn→first byte, "
                   "%lld us of CPU, %lld minor faults, %lld/%lld voluntary/involuntary switches\n", pname,
                   vars[v].label, (long long)median_s(dm[v][M_SPAWN], ok), (long long)median_s(dm[v][M_FIRST], ok),
                   (long long)median_s(dm[v][M_CPU], ok), (long long)median_s(dm[v][M_FLT], ok),
                   (long long)median_s(dm[v][M_VCSW], ok), (long long)median_s(dm[v][M_ICSW], ok));
        for (int v = 1; v < NV; v++)
            printf("%s: %s: its main thread until the first byte: %+lld us on a CPU, %+lld us waiting for one "
                   "(medians of paired differences)\n", pname, vars[v].label,
                   (long long)median_s(dm[v][M_RUN], ok), (long long)median_s(dm[v][M_WAIT], ok));
        printf("\n");
        for (int v = 0; v < NV; v++)
            for (int k = 0; k < M_N; k++) { free(m[v][k]); free(dm[v][k]); }
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return 0;
}
