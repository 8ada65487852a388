/* sbx_child.c — the instance's side of a spawn: from the clone (or a pooled
 * blank's hand-off) to execve. System calls only, no allocation, no lock, no
 * nimbus library (see sbx_internal.h): it runs in a vfork-style child sharing
 * nimbus's memory, and it is also linked into the pooled runner executable
 * (sbx_blank.c), which has only libc.
 *
 *   user-ns map → setsid (+ autogroup nice) → join cgroups → mounts + root →
 *   netns (lo, listeners) → hostname → stdio → cwd → rlimits → signals →
 *   drop caps, set uid/gid, PDEATHSIG → no_new_privs + seccomp → mark fds
 *   CLOEXEC   (sbx__child_setup)
 *   → execve  (sbx__child_exec)
 * A failure at any step is reported over sync_fd as {stage, errno} and the
 * child exits 127; EOF on sync_fd means the instance runs. */
#include "sandbox/sbx_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* ---- child ---------------------------------------------------------------------- */
void sbx__child_fail(int fd, int stage, int err, int detail)
{
    sbx_report_t r = { SBX_REPORT_ERROR, stage, err < 0 ? -err : err, detail };
    if (send(fd, &r, sizeof r, MSG_NOSIGNAL) < 0) { /* parent gone: nothing to tell */ }
    _exit(127);
}

static void send_listeners(int fd, const int *fds, int n)
{
    sbx_report_t r = { SBX_REPORT_LISTENERS, 0, 0, n };
    struct iovec iov = { &r, sizeof r };
    union { char buf[CMSG_SPACE(sizeof(int) * SBX_MAX_HOSTS)]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
    if (sendmsg(fd, &m, MSG_NOSIGNAL) < 0) sbx__child_fail(fd, SBX_STAGE_NET, errno, 0);
    for (int i = 0; i < n; i++) close(fds[i]);
}

/* stdio from the spec, without one dup2 clobbering another's source. */
static int setup_stdio(const sbx_plan_t *p, int devnull)
{
    int src[3] = { devnull, p->fd_out, p->fd_err }, tmp[3];
    for (int i = 0; i < 3; i++)
        if ((tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10)) < 0) return -errno;
    for (int i = 0; i < 3; i++)
        if (dup2(tmp[i], i) < 0) return -errno;
    return 0;
}

static void reset_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &sa, NULL);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

/* A nimbus started under a real-time policy (chrt) must not pass it on: a
 * SCHED_FIFO function would outrank every normal process on the host (its
 * CPU weight would not apply, and the kernel refuses to move a real-time task
 * into a cpu cgroup without a real-time budget). Lowering one's own policy is
 * always permitted; the nice value is kept (it counts only among the
 * instance's own threads once it is in its cpu cgroup). */
static int reset_sched_policy(void)
{
    long pol = syscall(SYS_sched_getscheduler, 0);
    if (pol < 0) return -errno;
    pol &= ~(long)SCHED_RESET_ON_FORK;
    if (pol == SCHED_OTHER || pol == SCHED_BATCH || pol == SCHED_IDLE) return 0;
    struct sched_param sp = { .sched_priority = 0 };
    return syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp) == 0 ? 0 : -errno;
}

/* A step time for NIMBUS_STARTUP_TRACE (vDSO clock: no system call, no lock). */
static void child_mark(const sbx_plan_t *p, int i)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (p->trace_us) p->trace_us[i] = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void sbx__child_setup(const sbx_plan_t *p, int devnull)
{
    int fd = p->sync_fd, r, detail = 0;
    child_mark(p, 0);
    if (p->userns && (r = sbx__userns_map(p->outer_uid, p->outer_gid)) < 0)
        sbx__child_fail(fd, SBX_STAGE_USERNS, r, 0);
    if ((r = reset_sched_policy()) < 0) sbx__child_fail(fd, SBX_STAGE_SETUP, r, 5);
    setsid();
    if (p->autogroup) sbx__autogroup_apply(p->nice);   /* best effort: a weight, not a limit */
    for (int i = 0; i < p->ncg; i++)
        if (write(p->cg_fds[i], "0", 1) != 1) sbx__child_fail(fd, SBX_STAGE_CGROUP, errno, i);
    child_mark(p, 1);
    if (p->isolate) {
        if ((r = sbx__mount_apply(p, &detail)) < 0) sbx__child_fail(fd, SBX_STAGE_MOUNT, r, detail);
        if (p->netns) {
            int lfd[SBX_MAX_HOSTS];
            if ((r = sbx__net_child(p, lfd)) < 0) sbx__child_fail(fd, SBX_STAGE_NET, r, 0);
            if (p->nhosts) send_listeners(fd, lfd, p->nhosts);
        }
        if (sethostname("nimbus", 6) != 0) sbx__child_fail(fd, SBX_STAGE_SETUP, errno, 1);
    }
    child_mark(p, 2);
    if ((r = setup_stdio(p, devnull)) < 0) sbx__child_fail(fd, SBX_STAGE_SETUP, r, 3);
    if (p->cwd && chdir(p->cwd) != 0) sbx__child_fail(fd, SBX_STAGE_SETUP, errno, 4);
    /* Only now, with no descriptor left to allocate: the child still holds
     * a copy of every descriptor of nimbus until its execve, and once nimbus
     * has more than SBX_NOFILE open, a lowered limit leaves no number free
     * for setup_stdio's dups (EMFILE at "setup, step 3" under load). */
    if ((r = sbx__rlimits_apply()) < 0) sbx__child_fail(fd, SBX_STAGE_SETUP, r, 2);
    reset_signals();
    umask(022);
    child_mark(p, 3);
    if (p->isolate) {
        if ((r = sbx__caps_drop(p)) < 0) sbx__child_fail(fd, SBX_STAGE_CREDS, r, 0);
        child_mark(p, 4);
        if ((r = sbx__seccomp_apply(p->seccomp)) < 0) sbx__child_fail(fd, SBX_STAGE_SECCOMP, r, 0);
    } else {
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);   /* dies with nimbus (isolated: in caps_drop) */
        child_mark(p, 4);
    }
    if (syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0)
        for (int i = 3; i < 1024; i++) fcntl(i, F_SETFD, FD_CLOEXEC);
    child_mark(p, 5);
}

void sbx__child_exec(const sbx_plan_t *p)
{
    int fd = p->sync_fd;
    if (p->supervise) {                          /* the supervisor reports its runtime's start */
        fcntl(fd, F_SETFD, 0);
        if (p->supervise_fd >= 0)
            syscall(SYS_execveat, p->supervise_fd, "", p->argv, p->envp, AT_EMPTY_PATH);
    }
    execve(p->supervise ? "/proc/self/exe" : p->argv[0], (char *const *)p->argv, (char *const *)p->envp);
    sbx__child_fail(fd, SBX_STAGE_EXEC, errno, 0);
}

void sbx__child_main(const sbx_plan_t *p, int devnull)
{
    sbx__child_setup(p, devnull);
    sbx__child_exec(p);
}

/* A pooled blank after its hand-off (sbx_pool.c): the same sequence with no
 * cgroup to join (ncg 0); its sched reset and setsid are no-ops by then. */
void sbx__child_late(const sbx_plan_t *p, int devnull) { sbx__child_main(p, devnull); }

