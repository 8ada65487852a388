/* sbx_children.c — nimbus's own children: the set of processes it started
 * itself, and the sweep that kills every other child it finds (orphans of
 * functions, adopted as a child subreaper).
 *
 * Why: a plain instance (no root and no user namespaces, or isolate=0) runs
 * under its supervisor (sbx_supervise.c), a child subreaper that kills every
 * descendant when the instance ends. But the function runs as the
 * supervisor's uid and may SIGKILL it: its descendants that left the
 * instance's process group (setsid, a double fork) were then re-parented to
 * init, beyond anyone's reach, and outlived the instance. With nimbus itself
 * a child subreaper (sbx_children_adopt), they are re-parented to nimbus
 * instead — before nimbus can see the supervisor's exit (the kernel moves a
 * dying process's children before it notifies the parent) — and nimbus kills
 * them: sbx_release of a plain instance sweeps, and so does Lambda's
 * once-a-second timer (anything an earlier sweep could not finish).
 *
 * Which children are orphans: every child nimbus starts is registered here
 * (sbx_child_spawning … sbx_child_spawned(pid), sbx_child_reaped when
 * reaped): instances and their supervisors, the blank pool's processes, the
 * watchdog, the doctor's probes, Lambda's fallback spawn. The sweep lists
 * nimbus's children (/proc/self/task/TID/children, every thread) and kills
 * those not in the set; it holds the same lock as a spawn between its clone
 * and its registration (a read lock for spawns, a write lock for the sweep's
 * listing), so a child being started is never taken for an orphan. A pid is counted as often as it was registered (a number reaped and
 * reused before its release is registered twice and released twice).
 *
 * Killing: SIGKILL to the orphan (and its process group when it leads one:
 * an unreaped child's pid, and so its group's id, cannot have been reused),
 * then reaped by pid (never waitpid(-1), which would take another owner's
 * child). A killed orphan's own children are re-parented to nimbus in turn;
 * the sweep repeats until a round finds none, within a bounded time (the
 * loop thread must not hang on a process in uninterruptible sleep: what is
 * left goes at the next sweep).
 *
 * In root and user-namespace modes an instance is the init of a PID
 * namespace: its processes are never re-parented outside it, so nothing
 * reaches nimbus and the sweep finds nothing. Without sbx_children_adopt
 * (unit tests, `nimbus doctor`) the sweep does nothing. */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SWEEP_ROUNDS 64          /* levels of descendants handled in one sweep */
#define SWEEP_WAIT_MS 2000       /* at most this long waiting for killed orphans to die */

/* Spawns hold `spawning` for reading from just before their clone to the
 * registration of its pid (so spawns on different threads do not wait for
 * each other); a sweep holds it for writing while it lists the children.
 * `lock` guards the set itself. */
static pthread_rwlock_t spawning = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t *known;             /* sorted, duplicates allowed */
static size_t nknown, capknown;
static atomic_int adopted;

/* ---- the set ---------------------------------------------------------------------- */
static size_t lower_bound(pid_t pid)
{
    size_t lo = 0, hi = nknown;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (known[mid] < pid) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int is_known(pid_t pid)
{
    size_t i = lower_bound(pid);
    return i < nknown && known[i] == pid;
}

void sbx_child_spawning(void)
{
    pthread_rwlock_rdlock(&spawning);
}

void sbx_child_spawned(pid_t pid)
{
    pthread_mutex_lock(&lock);
    if (pid > 0) {
        if (nknown == capknown) {
            capknown = capknown ? capknown * 2 : 64;
            known = nb_xrealloc(known, capknown * sizeof *known);
        }
        size_t i = lower_bound(pid);
        memmove(known + i + 1, known + i, (nknown - i) * sizeof *known);
        known[i] = pid;
        nknown++;
    }
    pthread_mutex_unlock(&lock);
    pthread_rwlock_unlock(&spawning);
}

void sbx_child_reaped(pid_t pid)
{
    if (pid <= 0) return;
    pthread_mutex_lock(&lock);
    size_t i = lower_bound(pid);
    if (i < nknown && known[i] == pid) {
        memmove(known + i, known + i + 1, (nknown - i - 1) * sizeof *known);
        nknown--;
    }
    pthread_mutex_unlock(&lock);
}

int sbx_child_known(pid_t pid)
{
    pthread_mutex_lock(&lock);
    int k = is_known(pid);
    pthread_mutex_unlock(&lock);
    return k;
}

/* ---- adoption and the sweep ------------------------------------------------------- */
int sbx_children_adopt(void)
{
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        int err = errno;
        nb_log_warn("sandbox", "cannot become a child subreaper (%s): a function that kills its "
                    "supervisor leaves what it started outside nimbus's reach", strerror(err));
        return -err;
    }
    atomic_store(&adopted, 1);
    return 0;
}

/* Append the numbers in one children file to *out. */
static void read_children(const char *path, pid_t **out, size_t *n, size_t *cap)
{
    nb_buf_t b = NB_BUF_INIT;
    if (nb_read_file(path, &b) == 0)
        for (char *t = b.data, *end;; t = end) {
            long pid = strtol(t, &end, 10);
            if (end == t) break;
            if (pid <= 0) continue;
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 64;
                *out = nb_xrealloc(*out, *cap * sizeof **out);
            }
            (*out)[(*n)++] = (pid_t)pid;
        }
    nb_buf_free(&b);
}

/* The children of every thread of this process that are not in the set
 * (called with `spawning` held for writing). */
static size_t unknown_children(pid_t **out)
{
    pid_t *all = NULL;
    size_t n = 0, cap = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/self/task/%s/children", e->d_name);
        read_children(path, &all, &n, &cap);
    }
    closedir(d);
    size_t k = 0;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < n; i++)
        if (!is_known(all[i])) all[k++] = all[i];
    pthread_mutex_unlock(&lock);
    if (!k) {
        free(all);
        all = NULL;
    }
    *out = all;
    return k;
}

/* Does pid lead its process group? (Field 5 of /proc/pid/stat.) */
static int leads_group(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    nb_buf_t b = NB_BUF_INIT;
    int ppid = 0, pgrp = 0, r = 0;
    char state;
    if (nb_read_file(path, &b) == 0) {
        const char *t = strrchr(b.data, ')');
        r = t && sscanf(t + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == (int)pid;
    }
    nb_buf_free(&b);
    return r;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait (until deadline) for a killed child to exit, and reap it. 1 when reaped. */
static int reap_one(pid_t pid, uint64_t deadline)
{
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        int r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | __WALL);
        if (r == 0 && si.si_pid == pid) break;
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;                        /* ECHILD: someone else reaped it */
        uint64_t now = now_ms();
        if (now >= deadline) {
            if (pfd >= 0) close(pfd);
            return 0;
        }
        if (pfd >= 0) {
            struct pollfd p = { pfd, POLLIN, 0 };
            poll(&p, 1, (int)(deadline - now));
        } else {
            usleep(1000);
        }
    }
    if (pfd >= 0) close(pfd);
    return 1;
}

/* blocking: may wait for spawns in flight (their clone) and, up to
 * SWEEP_WAIT_MS, for killed orphans to die; else neither — an event loop's
 * sweep skips a round that a spawn holds and leaves an orphan not dead yet
 * to the next one. */
static int sweep(int blocking)
{
    if (!atomic_load(&adopted)) return 0;
    int killed = 0, left = 0;
    uint64_t deadline = blocking ? now_ms() + SWEEP_WAIT_MS : 0;
    for (int round = 0; round < SWEEP_ROUNDS; round++) {
        pid_t *orphans;
        if (blocking) pthread_rwlock_wrlock(&spawning);
        else if (pthread_rwlock_trywrlock(&spawning) != 0) break;   /* a spawn's clone: next time */
        size_t n = unknown_children(&orphans);
        pthread_rwlock_unlock(&spawning);
        /* Without the lock from here: these are unreaped children of ours that
         * no one else reaps, so their numbers cannot be reused meanwhile. */
        if (!n) break;
        for (size_t i = 0; i < n; i++) {
            if (leads_group(orphans[i])) kill(-orphans[i], SIGKILL);
            kill(orphans[i], SIGKILL);
        }
        left = 0;
        for (size_t i = 0; i < n; i++) {
            if (reap_one(orphans[i], deadline)) killed++;
            else left++;
        }
        free(orphans);
        if (left) break;                          /* not dead yet: the next sweep reaps it */
    }
    if (killed)
        nb_log_warn("sandbox", "ended %d process%s a function left outside its supervisor (which it "
                    "killed?): orphans re-parented to nimbus are not its own", killed, killed == 1 ? "" : "es");
    if (left && blocking)
        nb_log_warn("sandbox", "%d orphaned process%s not dead yet after SIGKILL: retried at the next sweep",
                    left, left == 1 ? "" : "es");
    return killed;
}

int sbx_children_sweep(void) { return sweep(1); }

int sbx_children_sweep_nowait(void) { return sweep(0); }
