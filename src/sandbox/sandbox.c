/* sandbox.c — spawn orchestration and the instance handle.
 *
 *   sbx_spawn ──► RUNNING ──sbx_freeze──► FROZEN ──sbx_thaw──► RUNNING
 *                    │                                            │
 *                    └──────── exit / kill ──► sbx_release (cleanup: cgroup, relays, scratch)
 *
 * sbx_spawn: the parent builds a plan (mounts, cgroups, ids, filter), clones
 * the child straight into its new namespaces (vfork-style clone sharing our
 * memory; fork-style clone3 when NIMBUS_SANDBOX=fork — never fork+unshare,
 * which would cost a second process for the PID namespace),
 * and waits on a CLOEXEC report socket: a report means the child failed at a
 * named stage; EOF means execve succeeded. The child becomes PID 1 of its
 * PID namespace, so when it dies the kernel kills everything it started, and
 * it is a direct child of the caller, who reaps it (libuv or waitpid).
 *
 * Child sequence: sbx_child.c (system calls only). A pooled blank
 * (sbx_pool.c) has done the function-independent part ahead. After the exec
 * the parent starts the relays and, where
 *   the cpu controller has its own v1 hierarchy, the late cpu join.
 *
 * A handle (sbx_t) is owned by the caller from sbx_spawn to sbx_release;
 * sbx_spawn is thread-safe (one vfork stack, under a mutex). */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/startup.h"
#include "core/util.h"
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct sbx {
    pid_t pid;
    int pidfd;                   /* race-free "is it still ours?" */
    int isolated;                /* namespaces were used */
    sbx_cg_t cg;
    sbx_proxy_t *proxy[SBX_MAX_HOSTS];
    int nproxy;
    uint64_t hwm;                /* last VmHWM seen, for hosts without a memory cgroup */
    char *scratch;               /* plain mode: scratch_dir we created, removed at release */
    uid_t uid;                   /* the function's own uid (root mode), else (uid_t)-1 */
    uint64_t reaper_id;          /* held by the watchdog (sbx_reaper.c), or 0 */
    int supervised;              /* plain: pid is the supervisor (sbx_supervise.c) ... */
    pid_t rt_pid; int rt_pidfd;  /* ... and this its runtime, or 0 / -1 */
};

const char *sbx__stage_name(int stage)
{
    static const char *const names[] = { "?", "setup", "user namespace", "cgroup", "mount",
                                         "network", "credentials", "seccomp", "exec" };
    return stage > 0 && stage <= SBX_STAGE_EXEC ? names[stage] : "?";
}

/* fork-like clone into new namespaces: the child returns 0 on a copy of our stack. */
static pid_t clone_ns(unsigned long flags, int use_clone3)
{
    if (use_clone3) {
        struct clone_args a;
        memset(&a, 0, sizeof a);
        a.flags = flags;
        a.exit_signal = SIGCHLD;
        long r = syscall(SYS_clone3, &a, sizeof a);
        if (r >= 0 || errno != ENOSYS) return (pid_t)r;
    }
    return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
}

/* vfork-style: the child shares our memory (no page tables copied, no
 * copy-on-write faults afterwards — the cost of a fork grows with nimbus's
 * size) and runs on its own stack while this thread waits for its execve or
 * exit, as posix_spawn does. The stack is static, so one spawn at a time uses
 * it; signals are blocked across the clone so that no nimbus handler runs on
 * the child's side of shared memory (the child resets them before unblocking). */
static char vfork_stack[256 * 1024] __attribute__((aligned(64)));
static pthread_mutex_t vfork_lock = PTHREAD_MUTEX_INITIALIZER;
typedef struct { const sbx_plan_t *plan; int devnull; } vfork_arg_t;

static int vfork_child(void *arg)
{
    const vfork_arg_t *a = arg;
    sbx__child_main(a->plan, a->devnull);
}

static pid_t clone_vfork(unsigned long flags, const sbx_plan_t *plan, int devnull)
{
    vfork_arg_t a = { plan, devnull };
    sigset_t all, old;
    sigfillset(&all);
    pthread_mutex_lock(&vfork_lock);
#ifdef SBX_ASAN
    /* The last child exec'd without returning from its frames, leaving their
     * redzones poisoned in the shadow of this stack. */
    __asan_unpoison_memory_region(vfork_stack, sizeof vfork_stack);
#endif
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = clone(vfork_child, vfork_stack + sizeof vfork_stack,
                      (int)(flags | CLONE_VM | CLONE_VFORK | SIGCHLD), &a);
    int err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_mutex_unlock(&vfork_lock);
    errno = err;
    return pid;
}

/* ---- parent ------------------------------------------------------------------------ */
/* The instance runs as another uid: the top of each directory it is given must
 * be world-traversable (callers create them 0700). The host parents stay
 * private — the bind mount makes the directory reachable without them. */
static void make_traversable(const char *dir)
{
    struct stat st;
    if (dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 055) != 055)
        chmod(dir, (st.st_mode & 07777) | 055);
}

static const char *const empty_env[] = { NULL };

/* Parent side of the handshake: collect listeners, stop at EOF or a failure report. */
static int await_child(sbx_t *s, int sock, const sbx_plan_t *plan, const char *name)
{
    for (;;) {
        sbx_report_t r;
        union { char buf[CMSG_SPACE(sizeof(int) * SBX_MAX_HOSTS)]; struct cmsghdr align; } u;
        struct iovec iov = { &r, sizeof r };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                            .msg_controllen = sizeof u.buf };
        ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) return 0;                               /* execve succeeded */
        if (n != (ssize_t)sizeof r) return n < 0 ? -errno : -EPROTO;
        if (r.type == SBX_REPORT_ERROR) {
            nb_log_warn("sandbox", "%s: start failed at %s (%s, step %d)", name,
                        sbx__stage_name(r.stage), strerror(r.err), r.detail);
            return -r.err;
        }
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        if (r.type == SBX_REPORT_PID) {            /* plain mode's supervisor: its runtime */
            s->rt_pid = r.detail;
            if (c && c->cmsg_type == SCM_RIGHTS && s->rt_pidfd < 0) memcpy(&s->rt_pidfd, CMSG_DATA(c), sizeof(int));
            continue;
        }
        if (!c || c->cmsg_type != SCM_RIGHTS) continue;
        int nfd = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int fds[SBX_MAX_HOSTS];
        memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)nfd);
        for (int i = 0; i < nfd; i++) {
            if (i < plan->nhosts && s->nproxy < SBX_MAX_HOSTS)
                s->proxy[s->nproxy++] = sbx__proxy_start(fds[i], &plan->hosts[i]);
            else close(fds[i]);
        }
    }
}

/* The process runs: its pidfd, the late cpu join, the watchdog. */
static void spawn_started(sbx_t *s, pid_t pid, sbx_mode_t mode)
{
    s->pid = pid;
    s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    sbx__cg_join_cpu_later(&s->cg, pid, s->pidfd);
    /* What does not die with nimbus by itself goes to the watchdog: a plain
     * instance's group (only its leader has PDEATHSIG) and an instance a v1
     * freezer may hold frozen (deaf to SIGKILL until thawed). A PID namespace
     * frozen by the v2 freezer dies with its init: fatal signals reach v2-frozen
     * tasks, and the kernel kills the namespace when its init exits. */
    if (mode == SBX_MODE_PLAIN || s->cg.frz_v == 1)
        s->reaper_id = sbx__reaper_add(s->pidfd, pid, s->cg.frz_v == 1 ? s->cg.frz_dir : NULL, s->supervised);
}

/* The plan's part that does not block (no cgroup made yet): 0, or -EINVAL. */
static int spawn_prelude(const sbx_spec_t *spec, sbx_plan_t *plan, sbx_t *s, unsigned long *flags, sbx_mode_t *mode)
{
    const sbx_host_t *h = sbx__host();
    const char *name = spec->name ? spec->name : "instance";
    *mode = spec->isolate ? h->mode : SBX_MODE_PLAIN;
    if (*mode != SBX_MODE_PLAIN && !spec->code_dir) return -EINVAL;
    memset(plan, 0, sizeof *plan);
    plan->argv = spec->argv;
    plan->envp = spec->envp ? spec->envp : empty_env;
    plan->fd_out = spec->stdout_fd >= 0 ? spec->stdout_fd : h->devnull;
    plan->fd_err = spec->stderr_fd >= 0 ? spec->stderr_fd : h->devnull;
    plan->cap_last = h->cap_last;
    plan->cwd = spec->code_dir;
    s->uid = (uid_t)-1;
    s->pidfd = s->rt_pidfd = -1;
    *flags = 0;
    if (*mode == SBX_MODE_PLAIN) return 0;
    s->isolated = plan->isolate = 1;
    plan->cwd = "/var/task";
    plan->userns = *mode == SBX_MODE_USERNS;
    plan->outer_uid = geteuid();
    plan->outer_gid = getegid();
    plan->seccomp = &h->seccomp;
    *flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
    if (plan->userns) *flags |= CLONE_NEWUSER;
    if (spec->net == SBX_NET_NIMBUS_ONLY) {
        *flags |= CLONE_NEWNET;
        plan->netns = 1;
        plan->nhosts = sbx__parse_hosts(spec->nimbus_host, plan->hosts, SBX_MAX_HOSTS);
        if (plan->nhosts < 0) {
            nb_log_warn("sandbox", "%s: bad nimbus_host \"%s\"", name, spec->nimbus_host);
            return -EINVAL;
        }
    }
    if (*mode == SBX_MODE_ROOT) {
        plan->setid = 1;
        plan->uid = sbx__function_uid(name);
        plan->gid = (gid_t)plan->uid;
        s->uid = plan->uid;
        make_traversable(spec->code_dir);
        make_traversable(spec->layers_dir);
        make_traversable(spec->runtime_dir);
        plan->autogroup = sbx__cg_autogroup();
        plan->nice = sbx__autogroup_nice(spec->memory_mb ? spec->memory_mb : 128);
    }
    return 0;
}

/* A pooled blank's limits: the function's, written before its hand-off. */
static void blank_limits(sbx_blank_t *blank, const sbx_spec_t *spec, const char *name)
{
    nb_startup_mark("sbx %s: uid, blank taken", name);
    sbx__cg_limit(sbx__pool_cg(blank), spec->memory_mb ? spec->memory_mb : 128,
                  spec->pids_max ? spec->pids_max : SBX_DEFAULT_PIDS);
    nb_startup_mark("sbx %s: limits written", name);
}

int sbx_spawn(const sbx_spec_t *spec, sbx_t **out)
{
    *out = NULL;
    if (!spec || !spec->argv || !spec->argv[0]) return -EINVAL;
    const sbx_host_t *h = sbx__host();
    const char *name = spec->name ? spec->name : "instance";
    sbx_plan_t plan;
    sbx_mode_t mode;
    unsigned long flags;
    sbx_t *s = nb_xcalloc(1, sizeof *s);
    int pr = spawn_prelude(spec, &plan, s, &flags, &mode);
    if (pr != 0) {
        free(s);
        return pr;
    }
    uint64_t trace[6] = { 0, 0, 0, 0, 0, 0 };
    if (nb_startup_tracing()) plan.trace_us = trace;
    sbx_blank_t *blank = NULL;
    if (mode == SBX_MODE_ROOT) {
        /* A pooled blank (sbx_pool.c) is already in its namespaces and cgroups. */
        if (!plan.netns && !plan.autogroup && (blank = sbx__pool_take(0)) != NULL)
            blank_limits(blank, spec, name);
        else
            plan.ncg = sbx__cg_create(&s->cg, name, spec->memory_mb ? spec->memory_mb : 128,
                                      spec->pids_max ? spec->pids_max : SBX_DEFAULT_PIDS,
                                      plan.cg_fds, SBX_MAX_HIER);
    }
    if (mode != SBX_MODE_PLAIN) sbx__mount_plan(&plan, spec, plan.userns);
    pid_t pid;
    if (blank) {
        nb_startup_mark("sbx %s: mount plan", name);
        if (nb_startup_tracing()) {   /* its life so far (an exec'd blank's exec): not this cold start's */
            char path[64], buf[128] = "";
            snprintf(path, sizeof path, "/proc/%d/schedstat", (int)sbx__pool_pid(blank));
            FILE *f = fopen(path, "r");
            if (f) { if (!fgets(buf, sizeof buf, f)) buf[0] = 0; fclose(f); }
            unsigned long long run = 0, wait = 0;
            if (sscanf(buf, "%llu %llu", &run, &wait) == 2)
                nb_startup_mark("sbx %s: the blank before its hand-off (blank ran %.3f, waited %.3f ms)", name,
                                (double)run / 1e6, (double)wait / 1e6);
        }
        uint64_t t0 = nb_now_us();
        int r = sbx__pool_handoff(blank, &plan, name);
        if (r == 0) {
            pid = sbx__pool_consume(blank, &s->cg);
            if (nb_startup_tracing() && trace[5])
                nb_startup_mark("sbx %s: pooled, exec'd; child: hand-off %.3f, root %.3f, stdio+rlimits+signals %.3f, "
                                "caps %.3f, seccomp %.3f, execve→EOF %.3f ms", name,
                                (double)(trace[1] - t0) / 1000.0, (double)(trace[2] - trace[1]) / 1000.0,
                                (double)(trace[3] - trace[2]) / 1000.0, (double)(trace[4] - trace[3]) / 1000.0,
                                (double)(trace[5] - trace[4]) / 1000.0, (double)(nb_now_us() - trace[5]) / 1000.0);
            else
                nb_startup_mark("sbx %s: pooled, set up by the exec'd blank (hand-off → running %.3f ms)", name,
                                (double)(nb_now_us() - t0) / 1000.0);
            sbx__plan_free(&plan);
            goto started;
        }
        sbx__pool_discard(blank);
        if (r != -EAGAIN) {
            sbx__plan_free(&plan);
            free(s);
            return r;
        }
        plan.ncg = sbx__cg_create(&s->cg, name, spec->memory_mb ? spec->memory_mb : 128,
                                  spec->pids_max ? spec->pids_max : SBX_DEFAULT_PIDS, plan.cg_fds, SBX_MAX_HIER);
    }
    const char **env_tmp = NULL;
    if (mode == SBX_MODE_PLAIN) {
        s->scratch = sbx__scratch_prepare(spec->scratch_dir, plan.envp, &env_tmp);
        if (env_tmp) plan.envp = env_tmp;
    }

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        int err = -errno;
        sbx__plan_free(&plan);
        sbx__scratch_env_free(env_tmp);
        for (int i = 0; i < plan.ncg; i++) close(plan.cg_fds[i]);
        sbx__cg_destroy(&s->cg);
        sbx__scratch_remove(s->scratch);
        free(s);
        return err;
    }
    plan.sync_fd = sv[1];
    const char **sup_argv = NULL, **sup_env = NULL;
    if (mode == SBX_MODE_PLAIN && sbx__supervise_on()) {
        plan.supervise = s->supervised = 1;
        plan.supervise_fd = sbx__supervise_fd();
        plan.argv = sup_argv = sbx__supervise_argv(plan.argv, plan.envp, sv[1], &sup_env);
        plan.envp = sup_env;
    }
    nb_startup_mark("sbx %s: plan, cgroups made, socket", name);
    uint64_t clone_us = nb_now_us();
    sbx_child_spawning();                        /* a sweep never takes it for an orphan */
    if (h->use_vfork) pid = clone_vfork(flags, &plan, h->devnull);
    else if ((pid = clone_ns(flags, h->have_clone3)) == 0) sbx__child_main(&plan, h->devnull);
    int err = pid < 0 ? -errno : 0;
    sbx_child_spawned(pid);
    close(sv[1]);
    for (int i = 0; i < plan.ncg; i++) close(plan.cg_fds[i]);
    if (pid > 0) {
        s->pid = pid;
        err = await_child(s, sv[0], &plan, name);
        if (nb_startup_tracing() && h->use_vfork && trace[5]) {
            const uint64_t *t = trace;
            nb_startup_mark("sbx %s: exec'd; child: clone %.3f, setsid+cgroup joins %.3f, root %.3f, "
                            "stdio+rlimits+signals %.3f, caps %.3f, seccomp %.3f, execve→EOF %.3f ms", name,
                            (double)(t[0] - clone_us) / 1000.0, (double)(t[1] - t[0]) / 1000.0,
                            (double)(t[2] - t[1]) / 1000.0, (double)(t[3] - t[2]) / 1000.0,
                            (double)(t[4] - t[3]) / 1000.0, (double)(t[5] - t[4]) / 1000.0,
                            (double)(nb_now_us() - t[5]) / 1000.0);
        }
        if (err < 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
            sbx_child_reaped(pid);
        }
    } else {
        nb_log_warn("sandbox", "%s: clone: %s", name, strerror(-err));
    }
    close(sv[0]);
    sbx__plan_free(&plan);
    sbx__scratch_env_free(env_tmp);
    sbx__supervise_free(sup_argv, sup_env);
    if (err < 0) {
        if (s->rt_pidfd >= 0) close(s->rt_pidfd);
        for (int i = 0; i < s->nproxy; i++) sbx__proxy_stop(s->proxy[i]);
        sbx__cg_destroy(&s->cg);
        sbx__scratch_remove(s->scratch);
        free(s);
        return err;
    }
started:
    spawn_started(s, pid, mode);
    *out = s;
    return 0;
}

/* ---- a start that does not wait: an exec'd blank's hand-off, stepped by the caller's loop ---- */
struct sbx_start {
    sbx_blank_t *blank;
    sbx_t *s;
    sbx_mode_t mode;
    int acked;                    /* the blank read its hand-off */
    uint64_t t0;
    char name[128];
};

int sbx_spawn_begin(const sbx_spec_t *spec, sbx_start_t **out)
{
    *out = NULL;
    if (!spec || !spec->argv || !spec->argv[0]) return -EINVAL;
    if (!spec->isolate || spec->net == SBX_NET_NIMBUS_ONLY || sbx__host()->mode != SBX_MODE_ROOT) return 0;
    const char *name = spec->name ? spec->name : "instance";
    sbx_plan_t plan;
    sbx_mode_t mode;
    unsigned long flags;
    sbx_t *s = nb_xcalloc(1, sizeof *s);
    sbx_blank_t *blank = NULL;
    if (spawn_prelude(spec, &plan, s, &flags, &mode) != 0 || plan.autogroup || !(blank = sbx__pool_take(1))) {
        free(s);
        return 0;                 /* the ordinary way decides (and reports) */
    }
    blank_limits(blank, spec, name);
    sbx__mount_plan(&plan, spec, plan.userns);
    uint64_t t0 = nb_now_us();
    int r = sbx__pool_send(blank, &plan);
    sbx__plan_free(&plan);
    if (r != 0) {
        sbx__pool_discard(blank);
        free(s);
        return 0;
    }
    sbx_start_t *st = nb_xcalloc(1, sizeof *st);
    st->blank = blank;
    st->s = s;
    st->mode = mode;
    st->t0 = t0;
    snprintf(st->name, sizeof st->name, "%s", name);
    *out = st;
    return 1;
}

int sbx_start_fd(const sbx_start_t *st) { return sbx__pool_sock(st->blank); }

int sbx_start_step(sbx_start_t *st, sbx_t **out)
{
    *out = NULL;
    int r = sbx__pool_step(st->blank, &st->acked, st->name);
    if (r == -EAGAIN) return r;
    if (r == 0) {
        pid_t pid = sbx__pool_consume(st->blank, &st->s->cg);
        nb_startup_mark("sbx %s: pooled, set up by the exec'd blank (hand-off → running %.3f ms, not waited for)",
                        st->name, (double)(nb_now_us() - st->t0) / 1000.0);
        spawn_started(st->s, pid, st->mode);
        *out = st->s;
        free(st);
        return 0;
    }
    sbx_start_cancel(st);         /* failed, or the blank was gone (-ECHILD) */
    return r;
}

void sbx_start_cancel(sbx_start_t *st)
{
    if (!st) return;
    sbx__pool_discard(st->blank);
    free(st->s);
    free(st);
}

pid_t sbx_pid(const sbx_t *s) { return s ? s->pid : -1; }
uid_t sbx_uid(const sbx_t *s) { return s ? s->uid : (uid_t)-1; }

int sbx_pidfd(const sbx_t *s) { return s ? s->pidfd : -1; }

/* Still our process (running or a zombie not yet reaped)? Then its pid and
 * process group cannot have been reused. */
static int alive(const sbx_t *s)
{
    if (s->pidfd >= 0) return syscall(SYS_pidfd_send_signal, s->pidfd, 0, NULL, 0) == 0;
    return kill(s->pid, 0) == 0;
}

static uint64_t vm_hwm(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    const char *l = strstr(buf, "VmHWM:");
    return l ? strtoull(l + 6, NULL, 10) * 1024 : 0;
}

/* The instance's main process now: the runtime under plain mode's supervisor. */
static uint64_t hwm_now(const sbx_t *s)
{
    if (!s->supervised) return alive(s) ? vm_hwm(s->pid) : 0;
    return s->rt_pidfd >= 0 && syscall(SYS_pidfd_send_signal, s->rt_pidfd, 0, NULL, 0) == 0 ? vm_hwm(s->rt_pid) : 0;
}

static void note_hwm(sbx_t *s)
{
    uint64_t v = hwm_now(s);
    if (v > s->hwm) s->hwm = v;
}

static int signal_group(sbx_t *s, int sig)
{
    if (!alive(s)) return -ESRCH;
    if (s->pidfd >= 0 && sbx__pgrp_kill(s->pidfd, s->pid, sig) == 0) return 0;
    if (kill(-s->pid, sig) != 0 && kill(s->pid, sig) != 0) return -errno;
    return 0;
}

int sbx_freeze(sbx_t *s)
{
    note_hwm(s);
    int r = sbx__cg_freeze(&s->cg, 1);
    return r == -ENOTSUP ? signal_group(s, SIGSTOP) : r;
}

int sbx_thaw(sbx_t *s)
{
    int r = sbx__cg_freeze(&s->cg, 0);
    return r == -ENOTSUP ? signal_group(s, SIGCONT) : r;
}

void sbx_kill(sbx_t *s)
{
    if (!s) return;
    note_hwm(s);
    if (s->supervised) {
        /* Not the group: that would take the supervisor before it killed what
         * left the group. It kills every descendant, then itself (SIGKILL). */
        if (alive(s) && syscall(SYS_pidfd_send_signal, s->pidfd, SBX_SIG_SWEEP, NULL, 0) == 0)
            signal_group(s, SIGCONT);            /* a frozen (SIGSTOPped) instance acts on it */
        else
            signal_group(s, SIGKILL);
        return;
    }
    sbx__cg_kill(&s->cg);
    signal_group(s, SIGKILL);
    if (s->cg.frz_dir == NULL) signal_group(s, SIGCONT);   /* a SIGSTOPped group */
}

uint64_t sbx_peak_memory(const sbx_t *s)
{
    uint64_t v = sbx__cg_peak(&s->cg);
    if (v) return v;
    uint64_t now = hwm_now(s);
    return now > s->hwm ? now : s->hwm;
}

int sbx_oom_killed(const sbx_t *s) { return s ? sbx__cg_oom_killed(&s->cg) : 0; }

void sbx_release(sbx_t *s)
{
    if (!s) return;
    for (int i = 0; i < s->nproxy; i++) sbx__proxy_stop(s->proxy[i]);
    if (s->cg.ndir && sbx__cg_populated(&s->cg)) sbx__cg_kill(&s->cg);
    /* A plain instance is a process group: its leader was reaped, the
     * children it left (a shell bootstrap's background jobs, stopped or not)
     * go with it. Through the pidfd: that group, never one that reused its id. */
    if (!s->isolated && s->pidfd >= 0) sbx__pgrp_kill(s->pidfd, s->pid, SIGKILL);
    sbx_child_reaped(s->pid);
    /* What left the group and outlived a supervisor the function killed was
     * re-parented to nimbus (a child subreaper) before nimbus saw the
     * supervisor's exit: not nimbus's own children, so killed here. */
    if (!s->isolated) sbx_children_sweep();
    sbx__reaper_forget(s->reaper_id);
    sbx__cg_destroy(&s->cg);
    if (s->pidfd >= 0) close(s->pidfd);
    if (s->rt_pidfd >= 0) close(s->rt_pidfd);
    sbx__scratch_remove(s->scratch);
    free(s);
}
