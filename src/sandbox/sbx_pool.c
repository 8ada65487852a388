/* sbx_pool.c — pre-isolated "blank" instances (root mode), so a cold start
 * skips the part of the sandbox that does not depend on the function.
 *
 *   sbx_pool_fill ──► blank: clone into new mount/PID/IPC/UTS namespaces,
 *       PDEATHSIG, setsid, join its pre-created cgroups (the slow step: each
 *       cgroup.procs write can wait for an RCU grace period), close every
 *       inherited descriptor but four, then
 *         exec'd (sbx_pool_set_program: the native runner, by the filler
 *         thread): SCHED_IDLE, execveat the program, which waits in
 *         sbx_blank_run (sbx_blank.c) — the usual case under Lambda;
 *         else: block on its socket where it is.
 *   sbx_spawn ──► sbx__pool_take: the function's limits are written into the
 *       blank's cgroups; hand-off message (the plan's address, the packed plan
 *       for an exec'd blank, stdout/stderr) ──► the blank acknowledges, then
 *       runs the child sequence (sbx_child.c: root, /var/task, /opt, /tmp,
 *       hostname, stdio, rlimits, uid, caps, seccomp) and execs — or, exec'd
 *       and handed its own program, runs it in-process.
 *
 * Invariants:
 * - A blank is used once: taken off the list before its hand-off, and it
 *   runs the function (or exits) right after. Nothing of one function reaches
 *   another: a blank holds nothing of any function before its hand-off.
 * - A blank is cloned with CLONE_VM (no page tables copied, no copy-on-write
 *   faults in nimbus afterwards) but without CLONE_VFORK, so it runs beside
 *   nimbus in nimbus's memory, on its own stack and on the TLS of the thread
 *   that cloned it. Until the hand-off (or its own exec) it therefore makes
 *   raw system calls only (no errno, no libc, not instrumented): nothing it
 *   does touches memory nimbus uses but its slot's `joined`. From the
 *   hand-off to its execve the cloning thread is blocked in a raw recvmsg
 *   (blank_wait), as a vfork parent would be, so the child may then use the
 *   ordinary child code. Hence an unexec'd blank is taken only by the thread
 *   that filled the pool (others spawn the ordinary way); an exec'd one shares
 *   nothing any more and any thread may take it. The pool exists only on
 *   x86-64 and aarch64 (the raw system-call stubs).
 * - No clone while a cgroup move is under way (moves_in_flight): it would wait
 *   for the move's grace period, holding up the thread that fills.
 * - Bounded (sbx_pool_set_size, default 0: off); a blank dies with the thread
 *   that cloned it (PDEATHSIG: the filler thread never exits) and
 *   sbx_pool_drain kills, reaps and removes every one (processes, cgroup
 *   directories; its mounts die with its namespace). Idle cost per blank: a
 *   task, its kernel stacks and namespaces, and the pages of its stack it
 *   touched (unexec'd: nimbus's address space); exec'd, its own small address
 *   space (~110 KB private). */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include "core/log.h"
#include "sandbox/sbx_blank.h"
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__aarch64__)
#define POOL_SUPPORTED 1
#else
#define POOL_SUPPORTED 0
#endif

#define BLANK_STACK (256 * 1024)

typedef struct sbx_blank {
    struct sbx_blank *next;
    pid_t pid;
    int pidfd;
    int sock;                    /* parent's end */
    int child_sock;              /* child's end, as numbered in the child */
    int keep[4];                 /* descriptors the blank keeps: its socket, /dev/null, the template, the program */
    int exec_fd;                 /* the program it execs once isolated (sbx_pool_set_program), or -1 */
    int joined;                  /* set by the blank once in its cgroups (atomic; nimbus only reads) */
    char *xargv[2], *xenv[3];    /* its argv and environment (SBX_BLANK_ENV, SBX_BLANK_PAD_ENV) */
    char xmark[64], xarg0[256];
    int cg_fds[SBX_MAX_HIER]; int ncg;   /* cgroup.procs to join (numbers valid in the child) */
    sbx_cg_t cg;
    char *stack;
    int devnull;
} sbx_blank_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sbx_blank_t *ready;       /* LIFO of blanks waiting */
static int n_ready, target;
static pthread_t owner;          /* the thread that fills: only it may take */
static int have_owner;
/* With a program (sbx_pool_set_program), blanks are cloned by a thread of
 * the pool's own, and any thread may take them (once exec'd they share
 * nothing with the thread that cloned them): a clone or cgroup mkdir waits
 * for any cgroup move on the host (others' included), never on the loop. */
static pthread_t filler;         /* never exits: blanks and the instances they become die with */
static int filler_on, filler_want, filler_busy;   /* the thread that cloned them (PDEATHSIG) */
static int filler_ev = -1;       /* eventfd: wakes the filler thread (sbx_pool_fill) */
static pthread_cond_t filler_idle = PTHREAD_COND_INITIALIZER;
static int prog_fd = -1;         /* sbx_pool_set_program: a sealed memfd of the blanks' program */
static char *prog_argv0;
static char blank_pad[sizeof SBX_BLANK_PAD_ENV + SBX_BLANK_PAD];   /* "NIMBUS_SBX_PAD=   …" */

/* ---- raw system calls (no errno, no TLS) --------------------------------------- */
#if defined(__x86_64__)
__attribute__((no_sanitize_address)) static inline long raw6(long n, long a, long b, long c, long d, long e, long f)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#elif defined(__aarch64__)
__attribute__((no_sanitize_address)) static inline long raw6(long n, long a, long b, long c, long d, long e, long f)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
}
#else
static inline long raw6(long n, long a, long b, long c, long d, long e, long f)
{
    (void)n; (void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
    return -ENOSYS;
}
#endif
#define RAW(n, a, b, c) raw6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* ---- the blank (child) ------------------------------------------------------------ */

__attribute__((no_sanitize_address, noreturn)) static void blank_fail(const sbx_blank_t *b, int stage, long err)
{
    sbx_report_t r = { SBX_REPORT_ERROR, stage, (int)-err, 0 };
    raw6(SYS_sendto, b->child_sock, (long)&r, sizeof r, MSG_NOSIGNAL, 0, 0);
    for (;;) RAW(SYS_exit, 127, 0, 0);
}

/* Closes every descriptor from 3 up but the n in keep (-1 entries ignored). */
__attribute__((no_sanitize_address)) static void close_except(const int *keep, int nkeep)
{
    int k[4 + SBX_MAX_HIER], n = 0;
    for (int i = 0; i < nkeep && n < (int)(sizeof k / sizeof k[0]); i++) if (keep[i] >= 0) k[n++] = keep[i];
    for (int i = 0; i < n; i++)                      /* sort, at most ten */
        for (int j = i + 1; j < n; j++)
            if (k[j] < k[i]) { int t = k[i]; k[i] = k[j]; k[j] = t; }
    long from = 3;
    for (int i = 0; i < n; i++) {
        if (k[i] < from) continue;
        if (k[i] > from) RAW(SYS_close_range, from, k[i] - 1, 0);
        from = k[i] + 1;
    }
    RAW(SYS_close_range, from, ~0u, 0);
}

__attribute__((no_sanitize_address)) static int blank_main(void *arg)
{
    sbx_blank_t *b = arg;
    /* Dies with the thread that cloned it. (If that already happened, nimbus's
     * end of the socket is closed too, and the wait below ends at once.) */
    RAW(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0);
    long pol = RAW(SYS_sched_getscheduler, 0, 0, 0);
    if (pol >= 0) {
        pol &= ~(long)SCHED_RESET_ON_FORK;
        if (pol != SCHED_OTHER && pol != SCHED_BATCH && pol != SCHED_IDLE) {
            struct sched_param sp = { .sched_priority = 0 };
            long r = RAW(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp);
            if (r < 0) blank_fail(b, SBX_STAGE_SETUP, r);
        }
    }
    RAW(SYS_setsid, 0, 0, 0);
    /* nimbus's descriptors go first: a cgroup.procs write can block for
     * milliseconds (v1), and a nimbus killed meanwhile must not leave its
     * store lock or listening socket held by this copy of its table. */
    int keep[4 + SBX_MAX_HIER];
    for (int i = 0; i < 4; i++) keep[i] = b->keep[i];
    for (int i = 0; i < b->ncg; i++) keep[4 + i] = b->cg_fds[i];
    close_except(keep, 4 + b->ncg);
    for (int i = 0; i < b->ncg; i++) {
        long r = RAW(SYS_write, b->cg_fds[i], "0", 1);
        if (r != 1) blank_fail(b, SBX_STAGE_CGROUP, r < 0 ? r : -EIO);
        RAW(SYS_close, b->cg_fds[i], 0, 0);
    }
    __atomic_store_n(&b->joined, 1, __ATOMIC_RELEASE);   /* sbx_pool_fill may clone the next */
    if (b->exec_fd >= 0) {
        /* Become the program (sbx_blank.c continues there), keeping the
         * socket, /dev/null and the template under the same numbers. If the
         * execve fails, this blank simply stays one that shares our memory. */
        RAW(SYS_fcntl, b->child_sock, F_SETFD, 0);
        RAW(SYS_fcntl, b->devnull, F_SETFD, 0);
        if (b->keep[2] >= 0) RAW(SYS_fcntl, b->keep[2], F_SETFD, 0);
        /* The exec (and the loader's start) at idle priority: it is never
         * anyone's wait — any other task preempts it, the instance whose
         * cold start set off this refill included (the runner, SCHED_BATCH,
         * would otherwise wait for a tick behind it). sbx_blank_run comes
         * back to SCHED_OTHER once exec'd; sbx__pool_take does it for a blank
         * taken before that. No lock is held across this: the cgroup joins
         * are done. */
        struct sched_param idle = { .sched_priority = 0 };
        RAW(SYS_sched_setscheduler, 0, SCHED_IDLE, &idle);
        long r = raw6(SYS_execveat, b->exec_fd, (long)"", (long)b->xargv, (long)b->xenv, AT_EMPTY_PATH, 0);
        /* Cloned by the filler thread (sbx_pool_fill): its TLS and stack are
         * not the taker's, so the shared-memory hand-off is not for us. */
        blank_fail(b, SBX_STAGE_EXEC, r);
    }
    /* Wait for the hand-off: the plan's address (shared memory) and stdout/stderr. */
    sbx_handoff_t h;
    union { char buf[CMSG_SPACE(sizeof(int) * 2)]; struct cmsghdr align; } u;
    struct iovec iov = { &h, sizeof h };
    struct msghdr m;
    for (;;) {
        for (size_t i = 0; i < sizeof m; i++) ((volatile char *)&m)[i] = 0;
        m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.buf; m.msg_controllen = sizeof u.buf;
        long n = RAW(SYS_recvmsg, b->child_sock, &m, MSG_CMSG_CLOEXEC);
        if (n == -EINTR) continue;
        /* (the packed plan after the header is for an exec'd blank: truncated here) */
        if (n != (long)sizeof h) for (;;) RAW(SYS_exit, 0, 0, 0);   /* nimbus closed the pool */
        break;
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int) * 2))
        blank_fail(b, SBX_STAGE_SETUP, -EPROTO);
    int fds[2];
    const volatile int *cfd = (const volatile int *)(const void *)CMSG_DATA(c);
    fds[0] = cfd[0];
    fds[1] = cfd[1];
    sbx_report_t ack = { SBX_REPORT_ACK, 0, 0, 0 };
    if (raw6(SYS_sendto, b->child_sock, (long)&ack, sizeof ack, MSG_NOSIGNAL, 0, 0) != (long)sizeof ack) for (;;) RAW(SYS_exit, 1, 0, 0);
    /* From here the cloning thread is blocked in blank_wait until our execve
     * (or exit): the ordinary child code may run, as after a vfork. */
    sbx_plan_t local = *h.plan;
    local.fd_out = fds[0];
    local.fd_err = fds[1];
    local.sync_fd = b->child_sock;
    local.ncg = 0;
    sbx__child_late(&local, b->devnull);
}

/* ---- parent -------------------------------------------------------------------- */
static void blank_free(sbx_blank_t *b, int kill_it)
{
    if (kill_it && b->pid > 0) {
        if (b->pidfd >= 0) syscall(SYS_pidfd_send_signal, b->pidfd, SIGKILL, NULL, 0);
        else kill(b->pid, SIGKILL);
    }
    if (b->pid > 0) {
        while (waitpid(b->pid, NULL, __WALL) < 0 && errno == EINTR) {}
        sbx_child_reaped(b->pid);
    }
    if (b->pidfd >= 0) close(b->pidfd);
    if (b->sock >= 0) close(b->sock);
    if (b->stack) {
#ifdef SBX_ASAN
        __asan_unpoison_memory_region(b->stack, BLANK_STACK);
#endif
        munmap(b->stack, BLANK_STACK);
    }
    sbx__cg_destroy(&b->cg);
    free(b);
}

static int usable(const sbx_host_t *h)
{
    return POOL_SUPPORTED && h->mode == SBX_MODE_ROOT && h->use_vfork && !sbx__cg_autogroup() &&
           !sbx__option("no-pool");
}

static sbx_blank_t *blank_start(const sbx_host_t *h)
{
    sbx_blank_t *b = nb_xcalloc(1, sizeof *b);
    b->pidfd = b->sock = -1;
    b->devnull = h->devnull;
    b->exec_fd = -1;
    int sv[2] = { -1, -1 };
    b->ncg = sbx__cg_create(&b->cg, "pool", 0, 0, b->cg_fds, SBX_MAX_HIER);
    if (b->cg.cpu_late && b->ncg < SBX_MAX_HIER) {
        /* The cpu-only v1 hierarchy too, by the blank itself: an ordinary
         * instance joins it after exec from a thread of nimbus (its RCU wait
         * would otherwise be the cold start's), which a blank does not need;
         * its weight is written at the hand-off with the other limits. */
        b->cg_fds[b->ncg++] = b->cg.cpu_fd;
        b->cg.cpu_late = 0;
    }
    b->stack = mmap(NULL, BLANK_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (b->stack == MAP_FAILED) b->stack = NULL;
    if (!b->stack || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) goto fail;
    b->sock = sv[0];
    b->child_sock = sv[1];
    b->keep[0] = sv[1]; b->keep[1] = h->devnull; b->keep[2] = h->template_fd; b->keep[3] = -1;
    pthread_mutex_lock(&lock);
    if (prog_fd >= 0) {
        b->keep[3] = b->exec_fd = prog_fd;
        snprintf(b->xarg0, sizeof b->xarg0, "%s", prog_argv0);
        b->xargv[0] = b->xarg0;
        snprintf(b->xmark, sizeof b->xmark, "%s=%d,%d", SBX_BLANK_ENV, sv[1], h->devnull);
        b->xenv[0] = b->xmark;
        b->xenv[1] = blank_pad;
    }
    pthread_mutex_unlock(&lock);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    sbx_child_spawning();
    pid_t pid = clone(blank_main, b->stack + BLANK_STACK,
                      CLONE_VM | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD, b);
    int err = errno;
    sbx_child_spawned(pid);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    /* Our copies only: the blank has its own descriptor table. What the blank
     * reads of *b (ncg, cg_fds, keep, child_sock, devnull) is never written
     * again while it may run. */
    close(sv[1]);
    for (int i = 0; i < b->ncg; i++) close(b->cg_fds[i]);
    if (pid < 0) {
        nb_log_warn("sandbox", "pool: clone: %s", strerror(err));
        goto fail_closed;
    }
    b->pid = pid;
    b->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    return b;
fail:
    if (sv[1] >= 0) close(sv[1]);
    for (int i = 0; i < b->ncg; i++) close(b->cg_fds[i]);
    b->ncg = 0;
fail_closed:
    blank_free(b, 0);
    return NULL;
}

void sbx_pool_set_program(const char *embedded, const char *argv0)
{
    int fd = -1;
    if (embedded && argv0 && usable(sbx__host()) && !sbx__option("no-pool-exec")) {
        fd = sbx__embedded_memfd(embedded, "nimbus-blank");
        if (fd < 0) nb_log_info("sandbox", "pool: blanks stay unexec'd (no executable memfd for %s)", embedded);
    }
    pthread_mutex_lock(&lock);
    if (!blank_pad[0]) {
        memset(blank_pad, ' ', sizeof blank_pad - 1);
        memcpy(blank_pad, SBX_BLANK_PAD_ENV "=", sizeof SBX_BLANK_PAD_ENV);
    }
    if (prog_fd >= 0) close(prog_fd);
    free(prog_argv0);
    prog_fd = fd;
    prog_argv0 = fd >= 0 ? nb_xstrdup(argv0) : NULL;
    pthread_mutex_unlock(&lock);
}

void sbx_pool_set_size(int n)
{
    pthread_mutex_lock(&lock);
    target = n < 0 ? 0 : n > 64 ? 64 : n;
    pthread_mutex_unlock(&lock);
}

/* Is a cgroup move under way — a blank still joining its groups, or an
 * instance's late cpu join? Each holds the cgroup mutex through an RCU grace
 * period with the threadgroup lock taken for writing: a clone or a cgroup
 * mkdir now would wait for it (~10 ms measured), on the loop thread. */
static int moves_in_flight(void)
{
    if (sbx__cg_moves_in_flight()) return 1;
    pthread_mutex_lock(&lock);
    sbx_blank_t *last = ready;        /* the most recently started */
    int joining = last && !__atomic_load_n(&last->joined, __ATOMIC_ACQUIRE);
    pid_t pid = last ? last->pid : 0;
    pthread_mutex_unlock(&lock);
    if (!joining) return 0;
    siginfo_t si;
    memset(&si, 0, sizeof si);        /* a blank that died while joining joins nothing */
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == 0;
}

/* A waiting blank that died (killed from outside, its join failed): out of
 * the list — if still in it: a cold start may have taken it meanwhile —
 * reaped, removed, and the pool refilled. */
static void filler_reap(pid_t pid)
{
    pthread_mutex_lock(&lock);
    sbx_blank_t **pp = &ready, *b = NULL;
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->pid == pid) break;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (*pp && waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid) {
        b = *pp;
        *pp = b->next;
        n_ready--;
        filler_want = 1;
    }
    pthread_mutex_unlock(&lock);
    if (b) blank_free(b, 1);
}

/* The filler thread: starts blanks while wanted and short, one at a time and
 * never into a cgroup move; meanwhile watches the waiting ones' pidfds, so a
 * blank that dies is replaced at once rather than found dead by a cold start. */
static void *filler_main(void *arg)
{
    const sbx_host_t *h = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);      /* nimbus's signals are the loop's */
    for (;;) {
        pthread_mutex_lock(&lock);
        int start = filler_want && n_ready < target && prog_fd >= 0;
        if (filler_want && !start) filler_want = 0;
        struct pollfd pf[65];
        pid_t pids[65];
        int n = 0;
        pf[n].fd = filler_ev; pf[n].events = POLLIN; pids[n++] = 0;
        for (sbx_blank_t *b = ready; b && n < 65; b = b->next)
            if (b->pidfd >= 0) { pf[n].fd = b->pidfd; pf[n].events = POLLIN; pids[n++] = b->pid; }
        if (start) filler_busy = 1;
        pthread_mutex_unlock(&lock);
        if (start) {
            sbx_blank_t *b = NULL;
            if (moves_in_flight()) usleep(2000);   /* one blank at a time, no clone into a move */
            else if (!(b = blank_start(h))) usleep(100 * 1000);   /* logged; try again later */
            pthread_mutex_lock(&lock);
            if (b) { b->next = ready; ready = b; n_ready++; }
            filler_busy = 0;
            pthread_cond_broadcast(&filler_idle);
            pthread_mutex_unlock(&lock);
            continue;
        }
        /* (a pidfd closed by a taker meanwhile still refers to its process here) */
        if (poll(pf, (nfds_t)n, -1) <= 0) continue;
        if (pf[0].revents) { uint64_t v; if (read(filler_ev, &v, sizeof v) < 0) { /* drained */ } }
        for (int i = 1; i < n; i++)
            if (pf[i].revents) filler_reap(pids[i]);
    }
    return NULL;
}

static void filler_wake(void)
{
    uint64_t one = 1;
    if (write(filler_ev, &one, sizeof one) < 0) { /* the counter is saturated: awake anyway */ }
}

int sbx_pool_fill(void)
{
    const sbx_host_t *h = sbx__host_template();
    int started = 0, deferred = 0;
    if (!usable(h)) return 0;
    pthread_mutex_lock(&lock);
    if (prog_fd >= 0) {                            /* the filler thread does it */
        filler_want = 1;
        if (filler_ev < 0) filler_ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (!filler_on && filler_ev >= 0 && pthread_create(&filler, NULL, filler_main, (void *)h) == 0)
            filler_on = 1;
        if (filler_on) filler_wake();
        int on = filler_on;
        pthread_mutex_unlock(&lock);
        if (on) return 0;
        pthread_mutex_lock(&lock);
    }
    if (!have_owner) { owner = pthread_self(); have_owner = 1; }
    int mine = pthread_equal(owner, pthread_self());
    pthread_mutex_unlock(&lock);
    if (!mine) return 0;
    for (;;) {
        pthread_mutex_lock(&lock);
        int need = n_ready < target;
        pthread_mutex_unlock(&lock);
        if (!need) break;
        if (moves_in_flight()) { deferred = 1; break; }
        sbx_blank_t *b = blank_start(h);
        if (!b) break;
        pthread_mutex_lock(&lock);
        b->next = ready;
        ready = b;
        n_ready++;
        pthread_mutex_unlock(&lock);
        started++;
    }
    return started ? started : deferred ? -EAGAIN : 0;
}

int sbx_pool_filled_by_thread(void)
{
    if (!usable(sbx__host_template())) return 1;   /* (no pool: sbx_pool_fill does nothing) */
    pthread_mutex_lock(&lock);
    int r = prog_fd >= 0;
    pthread_mutex_unlock(&lock);
    return r;
}

int sbx_pool_count(void)
{
    pthread_mutex_lock(&lock);
    int n = n_ready;
    pthread_mutex_unlock(&lock);
    return n;
}

void sbx_pool_drain(void)
{
    pthread_mutex_lock(&lock);
    filler_want = 0;                               /* the filler thread idles (it must not exit) */
    while (filler_busy) pthread_cond_wait(&filler_idle, &lock);
    sbx_blank_t *list = ready;
    ready = NULL;
    n_ready = 0;
    pthread_mutex_unlock(&lock);
    while (list) {
        sbx_blank_t *next = list->next;
        blank_free(list, 1);
        list = next;
    }
}

sbx_blank_t *sbx__pool_take(int exec_only)
{
    pthread_mutex_lock(&lock);
    sbx_blank_t *b = NULL;
    int mine = !exec_only && have_owner && pthread_equal(owner, pthread_self());
    /* An unexec'd blank shares the cloning thread's stack and TLS: only that
     * thread may hand it off. An exec'd one (filler thread) shares nothing. */
    for (;;) {
        b = ready;
        if (!b || !(mine || b->exec_fd >= 0)) { b = NULL; break; }
        ready = b->next;
        n_ready--;
        /* Still waiting? A blank that died (killed from outside, or its
         * cgroup join failed) is reaped and skipped. */
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)b->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == 0) {
            if (b->exec_fd >= 0) {       /* still exec'ing at idle priority? now it is a cold start's */
                struct sched_param sp = { .sched_priority = 0 };
                sched_setscheduler(b->pid, SCHED_OTHER, &sp);
            }
            break;
        }
        pthread_mutex_unlock(&lock);
        blank_free(b, 1);
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
    return b;
}

/* Raw recvmsg for the hand-off's answers: the blank may be running libc code
 * on this thread's TLS meanwhile, so nothing here may touch errno. */
static long blank_wait(int sock, sbx_report_t *r)
{
    struct iovec iov = { r, sizeof *r };
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    long n;
    do n = RAW(SYS_recvmsg, sock, &m, MSG_CMSG_CLOEXEC); while (n == -EINTR);
    return n;
}

/* The hand-off message: the plan's address (a blank sharing our memory reads
 * only that), the packed plan (an exec'd blank's), stdout/stderr. 0, or
 * -EAGAIN when the blank was gone or the plan too large (the ordinary way). */
int sbx__pool_send(sbx_blank_t *b, const sbx_plan_t *plan)
{
    sbx_handoff_t h = { plan };
    int fds[2] = { plan->fd_out, plan->fd_err };
    union { char buf[CMSG_SPACE(sizeof fds)]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    size_t plen = 0;
    void *packed = b->exec_fd >= 0 ? sbx__plan_pack(plan, &plen) : NULL;
    if (plen > SBX_HANDOFF_MAX - sizeof h) { free(packed); return -EAGAIN; }
    struct iovec iov[2] = { { &h, sizeof h }, { packed, plen } };
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov; m.msg_iovlen = packed ? 2 : 1; m.msg_control = u.buf; m.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    /* Raw from here on: once the message is out, a blank sharing our memory
     * runs (freed only once it exec'd or exited). The packed copy is the
     * kernel's once sent. */
    long n = RAW(SYS_sendmsg, b->sock, &m, MSG_NOSIGNAL);
    free(packed);
    return n == (long)(sizeof h + plen) ? 0 : -EAGAIN;
}

static void report_failure(const sbx_report_t *r, const char *name)
{
    nb_log_warn("sandbox", "%s: start failed at %s (%s, step %d)", name, sbx__stage_name(r->stage),
                strerror(r->err), r->detail);
}

int sbx__pool_handoff(sbx_blank_t *b, const sbx_plan_t *plan, const char *name)
{
    if (sbx__pool_send(b, plan) != 0) return -EAGAIN;   /* it was gone: the ordinary way */
    sbx_report_t r;
    long n = blank_wait(b->sock, &r);
    if (n != (long)sizeof r || r.type != SBX_REPORT_ACK) {
        /* Died before reading it (or failed its own set-up): not this function's fault. */
        while (n > 0) n = blank_wait(b->sock, &r);  /* until EOF: the blank is gone */
        return -EAGAIN;
    }
    n = blank_wait(b->sock, &r);
    if (n == 0) return 0;                           /* execve succeeded (or runs in-process) */
    int err = n == (long)sizeof r && r.type == SBX_REPORT_ERROR ? r.err : EPROTO;
    while (n > 0) n = blank_wait(b->sock, &r);      /* until the blank has exited */
    if (r.type == SBX_REPORT_ERROR) report_failure(&r, name);
    return -err;
}

int sbx__pool_sock(const sbx_blank_t *b) { return b->sock; }

int sbx__pool_step(sbx_blank_t *b, int *acked, const char *name)
{
    for (;;) {
        sbx_report_t r;
        ssize_t n = recv(b->sock, &r, sizeof r, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return -EAGAIN;
        if (!*acked) {
            if (n != (ssize_t)sizeof r || r.type != SBX_REPORT_ACK) return -ECHILD;   /* gone before reading it */
            *acked = 1;
            continue;
        }
        if (n == 0) return 0;                       /* execve succeeded (or runs in-process) */
        if (n == (ssize_t)sizeof r && r.type == SBX_REPORT_ERROR) {
            report_failure(&r, name);
            return -r.err;
        }
        return -EPROTO;
    }
}

/* The blank's process, cgroups and socket pass to the instance: its pid and
 * cgroup handle are moved into the caller's; the rest is freed (the stack is
 * no longer used once the blank exec'd or exited). */
pid_t sbx__pool_consume(sbx_blank_t *b, sbx_cg_t *cg_out)
{
    pid_t pid = b->pid;
    *cg_out = b->cg;
    memset(&b->cg, 0, sizeof b->cg);
    b->pid = 0;
    blank_free(b, 0);
    return pid;
}

sbx_cg_t *sbx__pool_cg(sbx_blank_t *b) { return &b->cg; }
pid_t sbx__pool_pid(const sbx_blank_t *b) { return b->pid; }

/* A blank whose hand-off failed: killed, reaped, removed. */
void sbx__pool_discard(sbx_blank_t *b) { blank_free(b, 1); }
