/* sbx_caps.c — who the instance runs as: resource limits, the user-namespace
 * identity map, and the final drop of every privilege before exec.
 *
 * Runs in the child (system calls only, see sbx_internal.h). Order matters:
 * the bounding set can only be emptied while we still hold CAP_SETPCAP, so it
 * goes first; then groups, gid and uid (setresuid away from 0 clears the
 * permitted and effective sets); then an explicit capset to zero for the
 * user-namespace case, where the uid does not change. no_new_privs is set by
 * sbx__seccomp_apply just before exec. */
#include "sandbox/sbx_internal.h"
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

int sbx__rlimits_apply(void)
{
    struct rlimit nofile = { SBX_NOFILE, SBX_NOFILE }, core = { 0, 0 };
    struct rlimit cur;
    /* Never raise a hard limit above what we were given (fails unprivileged). */
    if (getrlimit(RLIMIT_NOFILE, &cur) == 0 && cur.rlim_max != RLIM_INFINITY &&
        cur.rlim_max < nofile.rlim_max)
        nofile.rlim_cur = nofile.rlim_max = cur.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &nofile) != 0) return -errno;
    if (setrlimit(RLIMIT_CORE, &core) != 0) return -errno;
    return 0;
}

/* The scheduler's nice → weight table (kernel/sched/core.c, sched_prio_to_weight). */
static const int prio_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
    1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
    110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
};

int sbx__autogroup_nice(unsigned memory_mb)
{
    long want = (long)memory_mb * 1024 / 1769;    /* 1,769 MB ≈ one vCPU ≈ a nice-0 task */
    int best = 20;
    long bestd = -1;
    for (int i = 0; i < 40; i++) {
        long d = labs(prio_weight[i] - want);
        if (bestd < 0 || d < bestd) { bestd = d; best = i; }
    }
    return best - 20;
}

static int write_str(const char *path, const char *s, size_t n);

int sbx__autogroup_apply(int nice)
{
    char buf[8]; size_t n = 0;
    unsigned v = (unsigned)(nice < 0 ? -nice : nice);
    if (nice < 0) buf[n++] = '-';
    if (v >= 10) buf[n++] = (char)('0' + v / 10);
    buf[n++] = (char)('0' + v % 10);
    return write_str("/proc/self/autogroup", buf, n);
}

static int write_str(const char *path, const char *s, size_t n)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t w = write(fd, s, n);
    int err = w < 0 ? -errno : 0;
    close(fd);
    return err;
}

/* Format "N N 1\n" without stdio (async-signal-safe). */
static size_t id_line(char *buf, unsigned id)
{
    char digits[16]; int n = 0;
    do { digits[n++] = (char)('0' + id % 10); id /= 10; } while (id);
    size_t len = 0;
    for (int rep = 0; rep < 2; rep++) {
        for (int i = n - 1; i >= 0; i--) buf[len++] = digits[i];
        buf[len++] = ' ';
    }
    buf[len++] = '1'; buf[len++] = '\n';
    return len;
}

int sbx__userns_map(uid_t outer_uid, gid_t outer_gid)
{
    char line[48]; size_t n; int r;
    /* A process that changed uid is not dumpable, which makes the files in /proc/self
     * root-owned and the maps unwritable; exec recomputes the flag anyway. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    /* Identity map of our own ids: the only map an unprivileged process may write. */
    if ((r = write_str("/proc/self/setgroups", "deny", 4)) < 0 && r != -ENOENT) return r;
    n = id_line(line, outer_uid);
    if ((r = write_str("/proc/self/uid_map", line, n)) < 0) return r;
    n = id_line(line, outer_gid);
    return write_str("/proc/self/gid_map", line, n);
}

int sbx__caps_drop(const sbx_plan_t *p)
{
    for (int cap = 0; cap <= p->cap_last; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return -errno;
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    /* Raw system calls: glibc's wrappers would broadcast the change to the
     * threads it remembers from the parent, which do not exist here. */
    if (p->setid) {
        if (syscall(SYS_setgroups, 0, NULL) != 0) return -errno;
        if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) != 0) return -errno;
        if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) != 0) return -errno;
    }
    /* The instance dies with nimbus (set after the uid change, which clears it). */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) != 0) return -errno;
    return 0;
}

uid_t sbx__function_uid(const char *name)
{
    /* "fn-NAME-instanceid": instances of one function share a uid, so the
     * hash stops at the last '-'. FNV-1a, stable across runs. */
    const char *end = name ? strrchr(name, '-') : NULL;
    if (!name) name = "";
    if (!end || end == name) end = name + strlen(name);
    uint32_t h = 2166136261u;
    for (const char *c = name; c < end; c++) { h ^= (unsigned char)*c; h *= 16777619u; }
    return (uid_t)(SBX_UID_BASE + h % SBX_UID_SPAN);
}
