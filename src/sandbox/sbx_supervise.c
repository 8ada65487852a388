/* sbx_supervise.c — plain mode's per-instance supervisor: every descendant
 * of a plain instance dies with it, even one that left its process group.
 *
 * Why: a plain instance (no root and no user namespaces, or isolate=0) has no
 * PID namespace and no cgroup, so "the instance" was its process group — and
 * a function that calls setsid() or setpgid(), or double-forks a daemon the
 * way daemon(3) does, left the group, escaped sbx_kill and sbx_release, and
 * outlived the instance (timeout, crash, DeleteFunction, nimbus's shutdown).
 * Without privilege the kernel offers one handle on such processes: a child
 * subreaper (PR_SET_CHILD_SUBREAPER, Linux 3.4). An orphan is re-parented to
 * its nearest subreaper ancestor instead of init, so a subreaper above the
 * function keeps every descendant of it, however it forked or which session
 * it made, in its own tree, where /proc/PID/task/TID/children finds it.
 *
 * How: sbx_spawn's plain child executes nimbus's own executable
 * (/proc/self/exe: nothing of nimbus's memory is copied; this constructor
 * recognises it before main) as the instance's leader, `sbx-supervisor ARGV…`.
 * It makes itself a subreaper, forks the runtime, which executes the
 * function's argv and environment (the marker removed), and then only waits:
 *   - the runtime exits → it kills every descendant left (Lambda tears the
 *     whole environment down when the runtime exits) and exits the same way
 *     the runtime did (its exit code, or the same signal), so the caller's
 *     wait status is the runtime's;
 *   - SBX_SIG_SWEEP (SIGRTMAX: from sbx_kill, from the watchdog when nimbus
 *     died, or its own PDEATHSIG when the thread that spawned it is gone) →
 *     it kills every descendant and dies of SIGKILL ("signal: killed").
 *     Every other signal stays blocked: SIGTERM to the group (nimbus's
 *     graceful shutdown) is the runtime's to handle, and when the runtime
 *     exits of it the supervisor follows as above.
 * Killing every descendant: SIGKILL each child listed in
 * /proc/thread-self/children, reap one, repeat until no child is left; a
 * killed process's own children are re-parented to the supervisor before its
 * parent can reap it, so the next round sees them. A process forking as fast
 * as it can does not win: a fork with a fatal signal pending fails.
 *
 * The leader stays in the instance's process group and session (the child
 * called setsid), so freezing (SIGSTOP to the group) and the watchdog's
 * SIGCONT reach it as before; the runtime is its child in the same group.
 * Its first report over the spawn's report socket is the runtime's pid
 * (SBX_REPORT_PID: its memory high-water mark is the instance's peak); an
 * execve failure of the runtime is reported as the child's would be, and EOF
 * (both copies of the socket closed: the supervisor's, and the runtime's at
 * execve) still means the function runs.
 *
 * The function runs as the supervisor's uid, so it may kill it with SIGKILL
 * on purpose; what escaped its group is then re-parented to the next
 * subreaper up — nimbus itself, which kills every child it did not start
 * (sbx_children.c; docs/SANDBOX.md, "Plain mode: a function that kills its
 * supervisor"). NIMBUS_SANDBOX=no-supervisor starts plain instances
 * directly, as before (for comparisons). */
#include "sandbox/sbx_internal.h"
#ifndef SBX_SUPERVISOR_STANDALONE
#include "core/alloc.h"
#include "core/log.h"
#endif
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SUP_ENV "NIMBUS_SBX_SUPERVISOR"

#ifndef SBX_SUPERVISOR_STANDALONE
/* ---- nimbus's side ---------------------------------------------------------------- */

static pthread_once_t sup_once = PTHREAD_ONCE_INIT;
static int sup_on, sup_fd = -1;

/* Once: the small executable (libc only) into a sealed memfd, executed by
 * every plain spawn with execveat — ~10 ms of CPU less per instance than
 * re-executing nimbus, whose relocations and page faults it would pay. Where
 * no memfd can be executed (vm.memfd_noexec), /proc/self/exe (the
 * constructor below) does the same work. */
static void sup_prepare(void)
{
    if (sbx__option("no-supervisor")) return;
    int fd = sbx__embedded_memfd("sandbox/supervisor", "sbx-supervisor");   /* scripts/embed.sh */
    sup_fd = fd;
    sup_on = fd >= 0 || access("/proc/self/exe", X_OK) == 0;
    if (fd < 0 && sup_on)
        nb_log_info("sandbox", "plain instances' supervisor runs as nimbus's own executable (no executable memfd)");
}

int sbx__supervise_on(void)
{
    pthread_once(&sup_once, sup_prepare);
    return sup_on;
}

int sbx__supervise_fd(void)
{
    pthread_once(&sup_once, sup_prepare);
    return sup_fd;
}

const char **sbx__supervise_argv(const char *const *argv, const char *const *envp, int sync_fd,
                                 const char ***env_out)
{
    size_t na = 0, ne = 0;
    while (argv[na]) na++;
    while (envp[ne]) ne++;
    const char **a = nb_xcalloc(na + 2, sizeof *a);
    a[0] = "sbx-supervisor";
    memcpy(a + 1, argv, na * sizeof *a);
    const char **e = nb_xcalloc(ne + 2, sizeof *e);
    char *marker = nb_xmalloc(64);
    snprintf(marker, 64, "%s=%d,%d", SUP_ENV, sync_fd, (int)getpid());
    e[0] = marker;                       /* first: the supervisor finds it, and removes it, there */
    memcpy(e + 1, envp, ne * sizeof *e);
    *env_out = e;
    return a;
}

void sbx__supervise_free(const char **argv, const char **envp)
{
    free(argv);
    if (envp) free((char *)envp[0]);
    free(envp);
}

#endif /* !SBX_SUPERVISOR_STANDALONE */

/* ---- the supervisor process --------------------------------------------------------- */
static void report(int fd, int type, int stage, int err, int detail)
{
    sbx_report_t r = { type, stage, err, detail };
    if (send(fd, &r, sizeof r, MSG_NOSIGNAL) < 0) { /* nimbus gone: nothing to tell */ }
}

/* The runtime's pid, with a pidfd of it (opened while it cannot have been
 * reaped: only we reap it) so that nimbus never reads another process's
 * memory figures under a reused number. */
static void report_pid(int fd, pid_t rt)
{
    sbx_report_t r = { SBX_REPORT_PID, 0, 0, (int)rt };
    struct iovec iov = { &r, sizeof r };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    int pfd = (int)syscall(SYS_pidfd_open, rt, 0);
    if (pfd >= 0) {
        m.msg_control = u.buf;
        m.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pfd, sizeof pfd);
    }
    if (sendmsg(fd, &m, MSG_NOSIGNAL) < 0) { /* nimbus gone: the PDEATHSIG follows */ }
    if (pfd >= 0) close(pfd);
}

/* SIGKILL every current child (one bufferful of them: the caller repeats). */
static void kill_children(void)
{
    static char buf[65536];
    int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf - 1 && ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0 ||
                                    (n < 0 && errno == EINTR)))
        if (n > 0) len += (size_t)n;
    close(fd);
    if (len == sizeof buf - 1)                   /* full: the last number may be cut */
        while (len && buf[len - 1] != ' ') len--;
    buf[len] = 0;
    for (char *t = buf, *end;; t = end) {
        long pid = strtol(t, &end, 10);
        if (end == t) break;
        if (pid > 0) kill((pid_t)pid, SIGKILL);
    }
}

/* Kill every descendant and reap them all; the runtime's status into *st if it
 * is reaped here (*done set). */
static void sweep(pid_t rt, int *st, int *done)
{
    for (;;) {
        kill_children();
        int s;
        pid_t p = waitpid(-1, &s, __WALL);
        if (p < 0) {
            if (errno == EINTR) continue;
            return;                              /* ECHILD: none left */
        }
        if (p == rt && !*done) { *st = s; *done = 1; }
    }
}

static void __attribute__((noreturn)) die_of(int sig)
{
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    kill(getpid(), sig);
    kill(getpid(), SIGKILL);                     /* a signal whose default is not to terminate */
    _exit(128 + sig);
}

/* Exit as the runtime did: its exit code, or its signal. */
static void __attribute__((noreturn)) die_like(int st)
{
    if (WIFEXITED(st)) _exit(WEXITSTATUS(st));
    die_of(WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL);
}

static void __attribute__((noreturn)) supervise(int fd, pid_t nimbus, char **argv, char **envp)
{
    prctl(PR_SET_NAME, "sbx-supervisor", 0, 0, 0);
    sigset_t all, waited;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);        /* only sigwaitinfo takes signals here */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SBX_SIG_SWEEP, 0, 0, 0);   /* nimbus's spawning thread gone: clean up */
    if (getppid() != nimbus) { report(fd, SBX_REPORT_ERROR, SBX_STAGE_SETUP, ESRCH, 6); _exit(127); }
    pid_t rt = fork();
    if (rt < 0) { report(fd, SBX_REPORT_ERROR, SBX_STAGE_SETUP, errno, 7); _exit(127); }
    if (rt == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);   /* dies with its supervisor */
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        execve(argv[0], argv, envp);
        report(fd, SBX_REPORT_ERROR, SBX_STAGE_EXEC, errno, 0);
        _exit(127);
    }
    report_pid(fd, rt);
    close(fd);
    sigemptyset(&waited);
    sigaddset(&waited, SIGCHLD);
    sigaddset(&waited, SBX_SIG_SWEEP);
    int st = 0, done = 0;
    for (;;) {
        siginfo_t si;
        int sig = sigwaitinfo(&waited, &si);
        if (sig == SBX_SIG_SWEEP) {
            sweep(rt, &st, &done);
            die_of(SIGKILL);                     /* a wait status "killed by SIGKILL" */
        }
        if (sig != SIGCHLD) continue;
        int s;
        pid_t p;
        while ((p = waitpid(-1, &s, WNOHANG | __WALL)) > 0)   /* orphans too: no zombies kept */
            if (p == rt) { st = s; done = 1; }
        if (done) {
            sweep(rt, &st, &done);
            die_like(st);
        }
    }
}

/* The supervisor's entry: the embedded executable's main, or (no executable
 * memfd) nimbus's own executable re-entered through a constructor. */
static void entry(int argc, char **argv, char **envp)
{
    size_t n = strlen(SUP_ENV);
    if (argc < 2 || !envp || !envp[0] || strncmp(envp[0], SUP_ENV "=", n + 1) != 0) return;
    int fd = -1, nimbus = 0;
    struct stat st;
    if (sscanf(envp[0] + n + 1, "%d,%d", &fd, &nimbus) != 2 || fd < 3 || fstat(fd, &st) != 0 ||
        !S_ISSOCK(st.st_mode))
        return;
    supervise(fd, (pid_t)nimbus, argv + 1, envp + 1);
}

#ifdef SBX_SUPERVISOR_STANDALONE
int main(int argc, char **argv, char **envp)
{
    entry(argc, argv, envp);
    return 127;                                  /* not started by nimbus */
}
#else
/* Priority 101: before any other constructor of nimbus (the watchdog's too),
 * so that a function's environment can never make it something else. glibc
 * passes main's arguments to constructors. */
__attribute__((constructor(101))) static void supervisor_entry(int argc, char **argv, char **envp)
{
    entry(argc, argv, envp);
}
#endif
