/* sbx_cgroup.c — the instance's control groups: memory, pids and CPU limits,
 * the freezer, kill-all, peak memory and OOM reporting.
 *
 * Both cgroup versions are handled per controller, because hosts mix them
 * (this machine: memory/pids/cpu/freezer on v1 mounts, plus a v2 unified
 * hierarchy without controllers). For each controller the probe picks the v2
 * hierarchy when the controller is available there, else the v1 mount that
 * carries it, else none (and says why). The v2 hierarchy is used even without
 * controllers for cgroup.freeze and cgroup.kill.
 *
 * Layout: every instance gets <own cgroup>/nimbus-sbx/<name>.<pid>.<seq> in each
 * hierarchy it uses, except that in the v2 hierarchy and in a v1 hierarchy
 * carrying only cpu the group is per nimbus process, nimbus-sbx.<pid>: that is
 * where the CPU weight its instances share lives (cpu_base_per_daemon). Nesting
 * under nimbus's own cgroup keeps instances inside whatever limits nimbus
 * itself was given. Invariants: the probe runs once
 * (under sbx__host's pthread_once); an sbx_cg_t's directories exist from
 * sbx__cg_create until sbx__cg_destroy, which removes them. */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/startup.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { C_MEM, C_PIDS, C_CPU, C_FRZ, C_N };
static const char *const ctl_name[C_N] = { "memory", "pids", "cpu", "freezer" };

static struct {
    int v;                       /* 0 off, 1 v1, 2 v2 */
    char base[PATH_MAX];         /* …/nimbus-sbx */
    char why[160];
} ctl[C_N];
static char v2_base[PATH_MAX];   /* "" without a usable v2 hierarchy */
static int use_autogroup;        /* CPU weight through the instance's autogroup, not a cpu cgroup */
static int v2_kill;              /* cgroup.kill exists */
static atomic_uint seq;

/* ---- small file helpers ---------------------------------------------------- */
static int cg_write(const char *dir, const char *file, const char *val)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) return -ENAMETOOLONG;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = write(fd, val, strlen(val));
    int err = n < 0 ? -errno : 0;
    close(fd);
    return err;
}

static int cg_read(const char *dir, const char *file, char *buf, size_t cap)
{
    char path[PATH_MAX];
    buf[0] = 0;
    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) return -ENAMETOOLONG;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = read(fd, buf, cap - 1);
    int err = n < 0 ? -errno : 0;
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    return err;
}

static int cg_exists(const char *dir, const char *file)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) return 0;
    return access(path, F_OK) == 0;
}

/* Value of "key N" in a flat-keyed file such as memory.events; -1 if absent. */
static long long cg_key(const char *dir, const char *file, const char *key)
{
    char buf[4096];
    if (cg_read(dir, file, buf, sizeof buf) < 0) return -1;
    size_t kl = strlen(key);
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, key, kl) == 0 && l[kl] == ' ') return atoll(l + kl + 1);
    return -1;
}

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    nanosleep(&ts, NULL);
}

/* ---- probe ----------------------------------------------------------------- */
static int has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; p && *p;) {
        const char *e = strpbrk(p, ", \n");
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && strncmp(p, w, n) == 0) return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* Own path in the hierarchy whose /proc/self/cgroup line names `ctrl` (NULL: v2). */
static int own_path(const char *ctrl, char *out, size_t cap)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f) return -1;
    char line[1024]; int found = -1;
    while (fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ':'); if (!c1) continue;
        char *c2 = strchr(c1 + 1, ':'); if (!c2) continue;
        *c2 = 0;
        int match = ctrl ? has_word(c1 + 1, ctrl) : (strncmp(line, "0:", 2) == 0 && c1[1] == 0);
        if (!match) continue;
        char *p = c2 + 1; p[strcspn(p, "\n")] = 0;
        snprintf(out, cap, "%s", strcmp(p, "/") == 0 ? "" : p);
        found = 0; break;
    }
    fclose(f);
    return found;
}

/* Mount point of the v1 hierarchy carrying ctrl (NULL: the cgroup2 mount). */
static int mount_of(const char *ctrl, char *out, size_t cap, char *root, size_t rcap)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) return -1;
    char line[2048]; int found = -1;
    while (fgets(line, sizeof line, f)) {
        char *sep = strstr(line, " - ");
        if (!sep) continue;
        char fstype[32], src[256], opts[512];
        if (sscanf(sep + 3, "%31s %255s %511s", fstype, src, opts) != 3) continue;
        int want = ctrl ? (strcmp(fstype, "cgroup") == 0 && has_word(opts, ctrl))
                        : strcmp(fstype, "cgroup2") == 0;
        if (!want) continue;
        char mroot[PATH_MAX], mpoint[PATH_MAX];
        if (sscanf(line, "%*d %*d %*s %4095s %4095s", mroot, mpoint) != 2) continue;
        snprintf(out, cap, "%s", mpoint);
        snprintf(root, rcap, "%s", strcmp(mroot, "/") == 0 ? "" : mroot);
        found = 0; break;
    }
    fclose(f);
    return found;
}

/* dir of our own cgroup in a hierarchy = mount + (own path minus the mount's root). */
static int hier_dir(const char *ctrl, char *out, size_t cap)
{
    char mnt[PATH_MAX], root[PATH_MAX], own[PATH_MAX];
    if (mount_of(ctrl, mnt, sizeof mnt, root, sizeof root) < 0) return -1;
    if (own_path(ctrl, own, sizeof own) < 0) own[0] = 0;
    const char *rel = own;
    size_t rl = strlen(root);
    if (rl && strncmp(own, root, rl) == 0) rel = own + rl;
    int n = snprintf(out, cap, "%s%s", mnt, rel);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static void kill_listed(const char *dir, int rounds);

/* A stale group (its nimbus is gone) that still holds processes: normally
 * none — a namespace dies with its init, which dies with nimbus (PDEATHSIG),
 * and the watchdog (sbx_reaper.c) kills and thaws what would not — but when
 * the watchdog died with nimbus, its processes are killed here, before the
 * rmdir that a populated group refuses. Only processes inside the group are
 * touched: cgroup membership, unlike a pid, is never reused by a stranger.
 * A v1-frozen task acts on SIGKILL only once thawed (the probe sweeps the
 * freezer hierarchy first, so the other hierarchies' groups empty too). */
static void empty_stale(const char *path)
{
    int frozen_v1 = cg_exists(path, "freezer.state");
    if (cg_exists(path, "cgroup.kill")) cg_write(path, "cgroup.kill", "1");
    else kill_listed(path, frozen_v1 ? 1 : 100);   /* frozen: pending until the thaw */
    if (frozen_v1) {
        cg_write(path, "freezer.state", "THAWED");
        kill_listed(path, 100);
    }
    for (int t = 0; t < 100 && rmdir(path) != 0 && errno == EBUSY; t++) sleep_us(1000);
}

/* Instances of an nimbus that was killed outright (no sbx_release) leave
 * their directories behind. Remove those whose nimbus pid is gone, killing
 * whatever is left in them first (empty_stale). */
static void sweep_stale(const char *base)
{
    DIR *d = opendir(base);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
        /* "<name>.<nimbus pid>.<seq>" */
        const char *seqdot = strrchr(e->d_name, '.');
        if (!seqdot || seqdot == e->d_name) continue;
        const char *piddot = seqdot - 1;
        while (piddot > e->d_name && *piddot != '.') piddot--;
        if (*piddot != '.') continue;
        long pid = strtol(piddot + 1, NULL, 10);
        if (pid <= 0 || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", base, e->d_name) < (int)sizeof path && rmdir(path) != 0 &&
            errno == EBUSY) {
            nb_log_warn("sandbox", "killing what is left in %s (its nimbus, pid %ld, is gone)", path, pid);
            empty_stale(path);
        }
    }
    closedir(d);
}

static int make_base(const char *own, char *base, size_t cap, char *why, size_t wcap)
{
    if (snprintf(base, cap, "%s/nimbus-sbx", own) >= (int)cap) {
        snprintf(why, wcap, "cgroup path too long");
        return -1;
    }
    if (mkdir(base, 0755) != 0 && errno != EEXIST) {
        const char *err = strerror(errno);
        char path[PATH_MAX];               /* base and why may be fields of one struct */
        snprintf(path, sizeof path, "%s", base);
        snprintf(why, wcap, "cannot create %.120s: %s", path, err);
        return -1;
    }
    sweep_stale(base);
    nb_startup_mark("sandbox: stale instance groups swept in %s", base);
    return 0;
}

/* <own>/nimbus-sbx.<pid>: a group for this nimbus's instances alone, where
 * they share a CPU weight (see cpu_base_per_daemon). Groups left by nimbus
 * processes that are gone are removed first (sweep_stale, empty_stale). */
static int daemon_base(const char *own, char *base, size_t cap, char *why, size_t wcap)
{
    char path[PATH_MAX];
    DIR *d = opendir(own);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        long pid;
        char tail;
        if (e->d_type != DT_DIR || sscanf(e->d_name, "nimbus-sbx.%ld%c", &pid, &tail) != 1) continue;
        if (pid <= 0 || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        if (snprintf(path, sizeof path, "%s/%s", own, e->d_name) >= (int)sizeof path) continue;
        sweep_stale(path);
        if (rmdir(path) != 0 && errno == EBUSY) empty_stale(path);
    }
    if (d) closedir(d);
    nb_startup_mark("sandbox: stale nimbus-sbx.<pid> groups swept in %s", own);
    if (snprintf(base, cap, "%s/nimbus-sbx.%d", own, (int)getpid()) >= (int)cap) {
        snprintf(why, wcap, "cgroup path too long");
        return -1;
    }
    if (mkdir(base, 0755) != 0 && errno != EEXIST) {
        snprintf(why, wcap, "cannot create %s: %s", base, strerror(errno));
        return -1;
    }
    return 0;
}

/* v2 controllers must be enabled in every ancestor's subtree_control. The
 * "no internal processes" rule forbids that in a non-root cgroup that holds
 * processes; then nimbus moves itself into a leaf "nimbus-daemon" first. */
static int v2_enable(const char *own, const char *base, const char *ctrls)
{
    if (!ctrls[0]) return 0;
    int r = cg_write(own, "cgroup.subtree_control", ctrls);
    if (r == -EBUSY) {
        char leaf[PATH_MAX], pid[32];
        if (snprintf(leaf, sizeof leaf, "%s/nimbus-daemon", own) >= (int)sizeof leaf) return -ENAMETOOLONG;
        if (mkdir(leaf, 0755) != 0 && errno != EEXIST) return -errno;
        snprintf(pid, sizeof pid, "%d", (int)getpid());
        if ((r = cg_write(leaf, "cgroup.procs", pid)) < 0) return r;
        r = cg_write(own, "cgroup.subtree_control", ctrls);
    }
    if (r < 0) return r;
    return cg_write(base, "cgroup.subtree_control", ctrls);
}

static void probe_v2(void)
{
    char own[PATH_MAX], avail[512] = "", why[160] = "";
    if (hier_dir(NULL, own, sizeof own) < 0) return;
    /* One group per nimbus, as for a v1 cpu hierarchy (cpu_base_per_daemon):
     * on v2 the cpu controller lives in the same tree as the others. */
    if (daemon_base(own, v2_base, sizeof v2_base, why, sizeof why) < 0) {
        nb_log_warn("sandbox", "cgroup v2 unusable: %s", why);
        v2_base[0] = 0;
        return;
    }
    v2_kill = cg_exists(v2_base, "cgroup.kill");
    cg_read(own, "cgroup.controllers", avail, sizeof avail);
    char want[128] = "";
    for (int c = C_MEM; c <= C_CPU; c++)
        if (has_word(avail, ctl_name[c]) && !(c == C_CPU && use_autogroup)) {
            strcat(want, want[0] ? " +" : "+");
            strcat(want, ctl_name[c]);
        }
    int r = v2_enable(own, v2_base, want);
    for (int c = C_MEM; c <= C_CPU; c++) {
        if (!has_word(avail, ctl_name[c]) || (c == C_CPU && use_autogroup)) continue;
        if (r < 0) {
            snprintf(ctl[c].why, sizeof ctl[c].why, "v2 controller not delegable: %s", strerror(-r));
            continue;
        }
        ctl[c].v = 2;
        snprintf(ctl[c].base, sizeof ctl[c].base, "%s", v2_base);
    }
    if (cg_exists(v2_base, "cgroup.freeze")) {
        ctl[C_FRZ].v = 2;
        snprintf(ctl[C_FRZ].base, sizeof ctl[C_FRZ].base, "%s", v2_base);
    }
}

static void probe_v1(int c)
{
    char own[PATH_MAX];
    if (hier_dir(ctl_name[c], own, sizeof own) < 0) {
        if (!ctl[c].why[0])
            snprintf(ctl[c].why, sizeof ctl[c].why, "no cgroup hierarchy carries it");
        return;
    }
    if (make_base(own, ctl[c].base, sizeof ctl[c].base, ctl[c].why, sizeof ctl[c].why) < 0) return;
    ctl[c].v = 1;
}

/* A v1 cpu hierarchy of its own (this host): this nimbus's instances get
 * <own>/nimbus-sbx.<pid> rather than the nimbus-sbx shared by every nimbus in
 * the same cgroup. The group's one default weight is what its instances
 * together hold against the rest of the host; shared across daemons, another
 * nimbus's busy instances took the CPU a cold start here needed (Node.js:
 * +60 ms of run-queue wait, docs/SANDBOX.md "Node.js cold starts"). Groups of
 * nimbus processes that are gone are removed first (their instances died with
 * them). Not when the hierarchy also carries memory, pids or the freezer: an
 * instance is in one cgroup per hierarchy. */
static void cpu_base_per_daemon(void)
{
    for (int c = 0; c < C_N; c++)
        if (c != C_CPU && ctl[c].v == 1 && strcmp(ctl[c].base, ctl[C_CPU].base) == 0) return;
    char own[PATH_MAX], base[PATH_MAX], why[160];
    snprintf(own, sizeof own, "%s", ctl[C_CPU].base);
    char *slash = strrchr(own, '/');
    if (!slash) return;
    *slash = 0;
    if (daemon_base(own, base, sizeof base, why, sizeof why) < 0) {
        nb_log_warn("sandbox", "%s (instances share %s)", why, ctl[C_CPU].base);
        return;
    }
    snprintf(ctl[C_CPU].base, sizeof ctl[C_CPU].base, "%s", base);
}

/* CPU weight. The cpu cgroup is the default because it is hierarchical: all
 * instances share nimbus-sbx's one default weight against the rest of the
 * host, and split it among themselves in proportion to memory — a lone
 * 128 MB function still runs at full speed on a busy machine. Moving a task
 * into a cpu cgroup is the slowest of the joins, though (0.2 to over 10 ms on
 * this loaded host, largely the new group's first placement in the run
 * queue). NIMBUS_SANDBOX=cpu-autogroup trades the hierarchy for speed: the
 * instance's own session (setsid) already is a scheduler group, and setting
 * its autogroup nice costs one write — but then a 128 MB instance weighs 7% of
 * *any* host process, which starved functions into timeouts on a busy host
 * (the Lambda end-to-end tests, at load 10). Autogroups only apply when nimbus
 * sits in the root CPU task group. */
static int autogroup_usable(void)
{
    char buf[8] = "", own[PATH_MAX];
    int fd = open("/proc/sys/kernel/sched_autogroup_enabled", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0 || buf[0] != '1' || !sbx__option("cpu-autogroup")) return 0;
    if (own_path("cpu", own, sizeof own) == 0) return own[0] == 0;   /* v1 cpu */
    return own_path(NULL, own, sizeof own) != 0 || own[0] == 0;     /* v2 or none */
}

int sbx__cg_autogroup(void) { return use_autogroup; }

void sbx__cg_probe(char *report, size_t cap)
{
    if (geteuid() == 0) {
        use_autogroup = autogroup_usable();
        if (use_autogroup)
            snprintf(ctl[C_CPU].why, sizeof ctl[C_CPU].why,
                     "CPU weight set through the instance's autogroup instead (NIMBUS_SANDBOX=cpu-autogroup)");
        if (!sbx__option("cgroup-v1")) probe_v2();
        /* The freezer first: its sweep thaws stale frozen groups, whose
         * tasks then die and leave the other hierarchies' groups empty. */
        for (int c = C_N - 1; c >= 0; c--)
            if (!ctl[c].v && !(c == C_CPU && use_autogroup)) probe_v1(c);
        if (ctl[C_CPU].v == 1) cpu_base_per_daemon();
    } else {
        for (int c = 0; c < C_N; c++)
            snprintf(ctl[c].why, sizeof ctl[c].why, "not root (cgroups need root or delegation)");
    }
    size_t off = strlen(report);
    for (int c = 0; c < C_N && off < cap; c++) {
        if (ctl[c].v)
            off += (size_t)snprintf(report + off, cap - off, "cgroup %s: on (v%d, %s)\n",
                                    ctl_name[c], ctl[c].v, ctl[c].base);
        else
            off += (size_t)snprintf(report + off, cap - off, "cgroup %s: off (%s)\n",
                                    ctl_name[c], ctl[c].why);
    }
    if (off < cap && v2_base[0])
        snprintf(report + off, cap - off, "cgroup kill: %s\n",
                 v2_kill ? "on (v2 cgroup.kill)" : "per-process (no cgroup.kill)");
}

int sbx__cg_full(void) { return ctl[C_MEM].v && ctl[C_PIDS].v; }
int sbx__cg_have_freezer(void) { return ctl[C_FRZ].v != 0; }

/* ---- one instance ------------------------------------------------------------ */
static const char *add_dir(sbx_cg_t *cg, const char *base, const char *leaf)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", base, leaf) >= (int)sizeof path) return NULL;
    for (int i = 0; i < cg->ndir; i++)
        if (strcmp(cg->dir[i], path) == 0) return cg->dir[i];
    if (cg->ndir == SBX_MAX_HIER) return NULL;
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        nb_log_warn("sandbox", "cgroup %s: %s", path, strerror(errno));
        return NULL;
    }
    cg->dir[cg->ndir] = nb_xstrdup(path);
    return cg->dir[cg->ndir++];
}

void sbx__cg_set_limits(sbx_cg_t *cg, const char *mem, const char *pids, const char *cpu,
                        unsigned memory_mb, unsigned pids_max)
{
    char v[64];
    unsigned long long bytes = (unsigned long long)memory_mb << 20;
    if (mem && cg->mem_v == 2) {
        snprintf(v, sizeof v, "%llu", bytes);
        if (cg_write(mem, "memory.max", v) < 0) cg->mem_v = 0;
        cg_write(mem, "memory.swap.max", "0");       /* absent without swap accounting */
        cg_write(mem, "memory.oom.group", "1");      /* the whole instance dies, as on Lambda */
    } else if (mem && cg->mem_v == 1) {
        snprintf(v, sizeof v, "%llu", bytes);
        if (cg_write(mem, "memory.limit_in_bytes", v) < 0) cg->mem_v = 0;
        cg_write(mem, "memory.memsw.limit_in_bytes", v); /* no swapping around the limit */
    }
    if (pids) {
        snprintf(v, sizeof v, "%u", pids_max);
        if (cg_write(pids, "pids.max", v) < 0) cg->pids_v = 0;
    }
    if (cpu) {
        /* 1,769 MB ≈ one vCPU: weight proportional to memory, relative to a
         * default-weight process (v1 1024 shares, v2 weight 100). */
        unsigned long long w = cg->cpu_v == 2 ? (unsigned long long)memory_mb * 100 / 1769
                                              : (unsigned long long)memory_mb * 1024 / 1769;
        if (cg->cpu_v == 2) { if (w < 1) w = 1; if (w > 10000) w = 10000; }
        else if (w < 2) w = 2;
        snprintf(v, sizeof v, "%llu", w);
        cg_write(cpu, cg->cpu_v == 2 ? "cpu.weight" : "cpu.shares", v);
    }
}

void sbx__cg_limit(sbx_cg_t *cg, unsigned memory_mb, unsigned pids_max)
{
    sbx__cg_set_limits(cg, cg->mem_dir, cg->pids_dir, cg->cpu_dir, memory_mb, pids_max);
}

int sbx__cg_create(sbx_cg_t *cg, const char *name, unsigned memory_mb, unsigned pids_max,
                   int *fds, int maxfds)
{
    memset(cg, 0, sizeof *cg);
    char leaf[160]; size_t n = 0;
    for (const char *p = name ? name : "instance"; *p && n < 100; p++)
        leaf[n++] = (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                           (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ? *p : '_');
    snprintf(leaf + n, sizeof leaf - n, ".%d.%u", (int)getpid(), atomic_fetch_add(&seq, 1));

    const char *d[C_N] = { NULL, NULL, NULL, NULL };
    for (int c = 0; c < C_N; c++)
        if (ctl[c].v) d[c] = add_dir(cg, ctl[c].base, leaf);
    if (v2_base[0]) cg->v2_dir = add_dir(cg, v2_base, leaf);
    cg->mem_v = d[C_MEM] ? ctl[C_MEM].v : 0;
    cg->pids_v = d[C_PIDS] ? ctl[C_PIDS].v : 0;
    cg->cpu_v = d[C_CPU] ? ctl[C_CPU].v : 0;
    cg->frz_v = d[C_FRZ] ? ctl[C_FRZ].v : 0;
    cg->mem_dir = d[C_MEM];
    cg->frz_dir = d[C_FRZ];
    cg->procs_dir = d[C_PIDS] ? d[C_PIDS] : cg->ndir ? cg->dir[0] : NULL;
    cg->pids_dir = d[C_PIDS];
    cg->cpu_dir = d[C_CPU];
    if (memory_mb) sbx__cg_set_limits(cg, d[C_MEM], d[C_PIDS], d[C_CPU], memory_mb, pids_max);

    /* A hierarchy that carries only the cpu controller (v1) is joined after
     * exec, by a thread: it is the slowest join (0.2 to over 10 ms on a busy
     * host) and only sets a weight — the instance's first milliseconds run at
     * nimbus's weight instead, nothing is left unlimited. */
    const char *late = cg->cpu_v == 1 && d[C_CPU] != d[C_MEM] && d[C_CPU] != d[C_PIDS] &&
                       d[C_CPU] != d[C_FRZ] && d[C_CPU] != cg->v2_dir ? d[C_CPU] : NULL;
    int nfd = 0;
    for (int i = 0; i < cg->ndir && nfd < maxfds; i++) {
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/cgroup.procs", cg->dir[i]) >= (int)sizeof path) continue;
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) { nb_log_warn("sandbox", "open %s: %s", path, strerror(errno)); continue; }
        if (cg->dir[i] == late) { cg->cpu_late = 1; cg->cpu_fd = fd; }
        else fds[nfd++] = fd;
    }
    return nfd;
}

typedef struct { int fd, pidfd; pid_t pid; } cpu_join_t;
static atomic_int joins_in_flight;       /* late cpu joins not yet done (sbx__cg_moves_in_flight) */

int sbx__cg_moves_in_flight(void) { return atomic_load(&joins_in_flight); }

static void *cpu_join_main(void *arg)
{
    cpu_join_t j = *(cpu_join_t *)arg;
    free(arg);
    /* Still our process (not reaped, so its pid cannot have been reused)? */
    if (j.pidfd < 0 || syscall(SYS_pidfd_send_signal, j.pidfd, 0, NULL, 0) == 0) {
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%d", (int)j.pid);
        if (write(j.fd, buf, (size_t)n) < 0 && errno != ESRCH)
            nb_log_warn("sandbox", "cpu cgroup join: %s", strerror(errno));
    }
    close(j.fd);
    if (j.pidfd >= 0) close(j.pidfd);
    atomic_fetch_sub(&joins_in_flight, 1);
    return NULL;
}

void sbx__cg_join_cpu_later(sbx_cg_t *cg, pid_t pid, int pidfd)
{
    if (!cg->cpu_late) return;
    cpu_join_t *j = nb_xmalloc(sizeof *j);
    j->fd = cg->cpu_fd;
    j->pid = pid;
    j->pidfd = pidfd >= 0 ? fcntl(pidfd, F_DUPFD_CLOEXEC, 0) : -1;
    cg->cpu_late = 0;
    atomic_fetch_add(&joins_in_flight, 1);
    if (pthread_create(&cg->cpu_thread, NULL, cpu_join_main, j) == 0) cg->cpu_thread_on = 1;
    else cpu_join_main(j);
}

int sbx__cg_freeze(sbx_cg_t *cg, int frozen)
{
    if (!cg->frz_dir) return -ENOTSUP;
    int r;
    if (cg->frz_v == 2) {
        if ((r = cg_write(cg->frz_dir, "cgroup.freeze", frozen ? "1" : "0")) < 0) return r;
        for (int i = 0; i < 2000; i++) {       /* settles within microseconds normally */
            if (cg_key(cg->frz_dir, "cgroup.events", "frozen") == frozen) return 0;
            sleep_us(500);
        }
        return -ETIMEDOUT;
    }
    const char *want = frozen ? "FROZEN" : "THAWED";
    if ((r = cg_write(cg->frz_dir, "freezer.state", want)) < 0) return r;
    for (int i = 0; i < 2000; i++) {           /* v1 passes through FREEZING */
        char st[32];
        cg_read(cg->frz_dir, "freezer.state", st, sizeof st);
        if (strncmp(st, want, strlen(want)) == 0) return 0;
        sleep_us(500);
        if (frozen) cg_write(cg->frz_dir, "freezer.state", want);
    }
    return -ETIMEDOUT;
}

int sbx__cg_populated(const sbx_cg_t *cg)
{
    if (cg->v2_dir) return cg_key(cg->v2_dir, "cgroup.events", "populated") > 0;
    if (!cg->procs_dir) return 0;
    char buf[64];
    cg_read(cg->procs_dir, "cgroup.procs", buf, sizeof buf);
    return buf[0] != 0;
}

/* Without cgroup.kill: SIGKILL every listed process until the group is empty
 * (a fork bomb may add processes while we iterate), at most rounds times. */
static void kill_listed(const char *dir, int rounds)
{
    for (int round = 0; round < rounds; round++) {
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= (int)sizeof path) return;
        FILE *f = fopen(path, "re");
        if (!f) return;
        int any = 0; long pid;
        while (fscanf(f, "%ld", &pid) == 1) { kill((pid_t)pid, SIGKILL); any = 1; }
        fclose(f);
        if (!any) return;
        sleep_us(200);
    }
}

void sbx__cg_kill(sbx_cg_t *cg)
{
    if (cg->v2_dir && v2_kill) cg_write(cg->v2_dir, "cgroup.kill", "1");
    else if (cg->procs_dir) kill_listed(cg->procs_dir, 100);
    /* A v1-frozen task does not act on SIGKILL until thawed. */
    if (cg->frz_v == 1) cg_write(cg->frz_dir, "freezer.state", "THAWED");
}

uint64_t sbx__cg_peak(const sbx_cg_t *cg)
{
    char buf[64];
    if (!cg->mem_dir) return 0;
    const char *f = cg->mem_v == 2 ? "memory.peak" : "memory.max_usage_in_bytes";
    if (cg_read(cg->mem_dir, f, buf, sizeof buf) < 0) return 0;
    return strtoull(buf, NULL, 10);
}

int sbx__cg_oom_killed(const sbx_cg_t *cg)
{
    if (!cg->mem_dir) return 0;
    if (cg->mem_v == 2) return cg_key(cg->mem_dir, "memory.events", "oom_kill") > 0;
    long long k = cg_key(cg->mem_dir, "memory.oom_control", "oom_kill");
    if (k >= 0) return k > 0;
    /* Old v1 kernels without the counter: hitting the limit is the best sign. */
    char buf[32];
    return cg_read(cg->mem_dir, "memory.failcnt", buf, sizeof buf) == 0 && atoll(buf) > 0;
}

void sbx__cg_destroy(sbx_cg_t *cg)
{
    if (cg->cpu_thread_on) pthread_join(cg->cpu_thread, NULL);
    if (cg->cpu_late) close(cg->cpu_fd);          /* never started (spawn failed) */
    for (int i = 0; i < cg->ndir; i++) {
        /* Exiting tasks may linger for a moment after their parent was reaped. */
        for (int t = 0; t < 400 && rmdir(cg->dir[i]) != 0; t++) {
            if (errno != EBUSY) { if (errno != ENOENT) nb_log_warn("sandbox", "rmdir %s: %s", cg->dir[i], strerror(errno)); break; }
            if (t == 0) kill_listed(cg->dir[i], 100);
            sleep_us(500);
        }
        free(cg->dir[i]);
    }
    memset(cg, 0, sizeof *cg);
}
