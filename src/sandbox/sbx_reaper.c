/* sbx_reaper.c — the watchdog that kills an instance's processes when nimbus
 * dies without doing it itself (kill -9, a crash, the OOM killer).
 *
 * Why it exists: only instances in a PID namespace die with their leader (the
 * kernel kills the whole namespace when its init exits). A plain-process
 * instance (no root, no user namespaces, or isolate=0) is a process group in
 * a session of its own: PR_SET_PDEATHSIG kills its leader when nimbus dies,
 * but not the leader's children, and the kernel's orphaned-process-group rule
 * (SIGHUP+SIGCONT to a stopped group) does not apply across sessions — so a
 * background child of a shell bootstrap, SIGSTOPped while the instance was
 * frozen, stayed stopped forever. And a task frozen by a v1 cgroup freezer
 * does not act even on SIGKILL until thawed, so a v1-frozen namespace init
 * never died of its PDEATHSIG either. No kernel mechanism fires on nimbus's
 * death for those; a process that outlives nimbus has to act.
 *
 * How: the first registration starts one watchdog per nimbus process —
 * nimbus's own executable (/proc/self/exe, posix_spawn: no copy of nimbus's
 * memory) re-entered through the constructor below, in a session of its own,
 * stdio on /dev/null, nothing inherited but one end of a SOCK_SEQPACKET pair
 * (the sanitizer build keeps nimbus's stderr, where ASan/UBSan report).
 * It is nimbus's child, registered as one of nimbus's own (sbx_children.c):
 * nimbus is a child subreaper, so even a watchdog that forked itself away
 * (as it once did) would come back to it as a child.
 * nimbus sends it a pidfd of every instance that needs it (ADD) and forgets
 * it when the instance is released (FORGET). The watchdog only reads; when
 * the socket reports EOF (every copy of nimbus's end closed: nimbus is gone)
 * it SIGKILLs every instance it still holds, thaws their v1 freezer groups,
 * and exits. A plain instance led by its supervisor (sbx_supervise.c) is
 * asked instead (SBX_SIG_SWEEP, then SIGCONT): the supervisor kills every
 * descendant, those that left the group too.
 *
 * Never an unrelated process: the kill goes through the pidfd with
 * PIDFD_SIGNAL_PROCESS_GROUP (Linux 6.9), which signals the process group of
 * the pidfd's own struct pid. That struct pid stays pinned by the pidfd, and
 * a pid number that is reused after the group died gets a new struct pid, so
 * a reused pid or pgid is never hit. Older kernels (Debian 12's 6.1): the
 * group is signalled by number only while the leader is still alive (then
 * its pgid cannot have been reused); a group whose leader already died is
 * left alone there. The watchdog usually gets there first: nimbus's end of
 * the socket closes as its descriptors go (exit_files), before the kernel
 * sends the leader its PDEATHSIG (exit_notify), and a dead leader keeps its
 * group's number until it is reaped. NIMBUS_SANDBOX=no-pidfd-pgrp takes this
 * path on a new kernel (tests).
 *
 * Limits: without the supervisor (NIMBUS_SANDBOX=no-supervisor), a process
 * that leaves the instance's process group (setsid, setpgid) is not a member
 * any more and escapes. If the watchdog itself is killed
 * (kill -9 of both), the leader still dies of PDEATHSIG and lambda's run
 * files let the next start kill surviving leaders.
 *
 *   nimbus ──ADD(id, pid, pidfd, v1 freezer dir)──► watchdog  (holds the pidfd)
 *          ──FORGET(id)──────────────────────────► watchdog  (closes it)
 *   nimbus dies ──EOF──► watchdog: group SIGKILL + thaw for each held, exit
 *
 * Thread safety: sbx__reaper_add/forget may be called from any thread (one
 * mutex around the socket). A fork child of nimbus that spawns instances
 * starts its own watchdog (the socket belongs to the pid that started it). */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include "core/log.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)
#endif

#define REAPER_ENV "NIMBUS_SBX_REAPER"
#define REAPER_FD 3

enum { OP_ADD = 1, OP_FORGET = 2, OP_ADD_SUPERVISED = 3 };
typedef struct {
    uint32_t op;
    int32_t pid;                 /* the leader's pid in nimbus's namespace (old-kernel fallback) */
    uint64_t id;
} reaper_msg_t;                  /* followed by the v1 freezer directory, if any (not terminated) */

/* ---- both sides ---------------------------------------------------------------- */
int sbx__pgrp_by_pidfd(void)
{
    static atomic_int known = -1;
    int k = atomic_load(&known);
    if (k >= 0) return k;
    k = 0;
    if (!sbx__option("no-pidfd-pgrp")) {
        int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
        if (fd >= 0) {   /* signal 0: EINVAL where the flag is unknown (ESRCH when we lead no group) */
            k = syscall(SYS_pidfd_send_signal, fd, 0, NULL, PIDFD_SIGNAL_PROCESS_GROUP) == 0 || errno != EINVAL;
            close(fd);
        }
    }
    atomic_store(&known, k);
    return k;
}

int sbx__pgrp_kill(int pidfd, pid_t pid, int sig)
{
    if (sbx__pgrp_by_pidfd()) {
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, PIDFD_SIGNAL_PROCESS_GROUP) == 0) return 0;
        if (errno != EINVAL) return -errno;
    }
    /* Before Linux 6.9: by number, and only while the leader lives (its pid,
     * and so its group's id, cannot have been reused then). */
    if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) != 0) return -errno;
    return kill(-pid, sig) == 0 ? 0 : -errno;
}

/* ---- the watchdog process ---------------------------------------------------------- */
typedef struct { uint64_t id; pid_t pid; int pidfd; char *frz; int supervised; } held_t;

static void thaw_v1(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/freezer.state", dir) >= (int)sizeof path) return;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (write(fd, "THAWED", 6) < 0) { /* the group is gone: nothing to thaw */ }
    close(fd);
}

/* SIGKILL first, so that thawed tasks die before running any more of their
 * code; then the thaw that lets a v1-frozen task act on it; then once more
 * for anything forked in between. */
static void reap(const held_t *h)
{
    /* Plain mode's supervisor kills the instance's descendants, including
     * those that left its group, then itself (sbx_supervise.c): ask it, and
     * wake it if the instance is frozen. A group SIGKILL would take it first. */
    if (h->supervised && syscall(SYS_pidfd_send_signal, h->pidfd, SBX_SIG_SWEEP, NULL, 0) == 0) {
        sbx__pgrp_kill(h->pidfd, h->pid, SIGCONT);
        syscall(SYS_pidfd_send_signal, h->pidfd, SIGCONT, NULL, 0);
        return;
    }
    sbx__pgrp_kill(h->pidfd, h->pid, SIGKILL);
    syscall(SYS_pidfd_send_signal, h->pidfd, SIGKILL, NULL, 0);
    if (h->frz) thaw_v1(h->frz);
    sbx__pgrp_kill(h->pidfd, h->pid, SIGKILL);
}

static void __attribute__((noreturn)) reaper_main(int fd)
{
    prctl(PR_SET_NAME, "sbx-reaper", 0, 0, 0);
    /* One pidfd per live instance: take the hard limit. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    /* Only the EOF ends it: a Ctrl-C or SIGTERM meant for nimbus is not ours. */
    static const int ignored[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2 };
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) signal(ignored[i], SIG_IGN);

    held_t *held = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        union { char buf[sizeof(reaper_msg_t) + PATH_MAX]; reaper_msg_t m; } u;
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } c;
        struct iovec iov = { u.buf, sizeof u.buf };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
                             .msg_controllen = sizeof c.buf };
        ssize_t r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;                                 /* EOF: nimbus is gone */
        int pidfd = -1;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
            memcpy(&pidfd, CMSG_DATA(cm), sizeof pidfd);
        if ((size_t)r < sizeof(reaper_msg_t)) { if (pidfd >= 0) close(pidfd); continue; }
        if ((u.m.op == OP_ADD || u.m.op == OP_ADD_SUPERVISED) && pidfd >= 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                held = nb_xrealloc(held, cap * sizeof *held);
            }
            size_t plen = (size_t)r - sizeof(reaper_msg_t);
            char *frz = NULL;
            if (plen) {
                frz = nb_xmalloc(plen + 1);
                memcpy(frz, u.buf + sizeof(reaper_msg_t), plen);
                frz[plen] = 0;
            }
            held[n++] = (held_t){ u.m.id, (pid_t)u.m.pid, pidfd, frz, u.m.op == OP_ADD_SUPERVISED };
            continue;
        }
        if (pidfd >= 0) close(pidfd);
        if (u.m.op == OP_FORGET)
            for (size_t i = 0; i < n; i++)
                if (held[i].id == u.m.id) {
                    close(held[i].pidfd);
                    free(held[i].frz);
                    held[i] = held[--n];
                    break;
                }
    }
    for (size_t i = 0; i < n; i++) reap(&held[i]);
    _exit(0);
}

/* nimbus's own executable started as the watchdog: recognised before main
 * runs (and before any other part of nimbus starts), by the variable only
 * the watchdog's clean environment holds plus the socket on REAPER_FD. */
__attribute__((constructor)) static void reaper_entry(void)
{
    const char *v = getenv(REAPER_ENV);
    struct stat st;
    if (!v || atoi(v) != REAPER_FD || fstat(REAPER_FD, &st) != 0 || !S_ISSOCK(st.st_mode)) return;
    reaper_main(REAPER_FD);
}

/* ---- nimbus's side ------------------------------------------------------------------- */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int sock = -1;            /* nimbus's end */
static pid_t owner;              /* the process that started the watchdog */
static pid_t watchdog;           /* its pid (owner's child) */

/* The watchdog we started is gone or deaf: make sure, and reap it. */
static void reap_watchdog_locked(void)
{
    if (watchdog <= 0 || owner != getpid()) return;
    kill(watchdog, SIGKILL);
    while (waitpid(watchdog, NULL, 0) < 0 && errno == EINTR) {}
    sbx_child_reaped(watchdog);
    watchdog = 0;
}
static uint64_t next_id = 1;

static int start_locked(void)
{
    if (sock >= 0 && owner == getpid()) return 0;
    if (sock >= 0) close(sock);          /* a fork child: that watchdog watches our parent */
    sock = -1;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return -errno;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_adddup2(&fa, sv[1], REAPER_FD);   /* dup2 clears CLOEXEC */
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&fa, 0, 1);
#ifndef SBX_ASAN
    posix_spawn_file_actions_adddup2(&fa, 0, 2);
#endif  /* the sanitizer build keeps nimbus's stderr: the watchdog's reports reach its log */
    posix_spawn_file_actions_addclosefrom_np(&fa, REAPER_FD + 1);
    posix_spawn_file_actions_addchdir_np(&fa, "/");
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    /* Its own session: a signal to nimbus's process group (a shell's Ctrl-C,
     * a supervisor killing the group) leaves it to clean up after nimbus. */
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    char pidstr[24], env0[32], env1[128];
    snprintf(pidstr, sizeof pidstr, "%d", (int)getpid());
    snprintf(env0, sizeof env0, "%s=%d", REAPER_ENV, REAPER_FD);
    char *argv[] = { "sbx-reaper", pidstr, NULL };
    char *envp[] = { env0, NULL, NULL };
    /* the sandbox's options (sbx__option) hold in the watchdog too */
    const char *opts = getenv("NIMBUS_SANDBOX");
    if (opts && snprintf(env1, sizeof env1, "NIMBUS_SANDBOX=%s", opts) < (int)sizeof env1) envp[1] = env1;
    pid_t pid = 0;
    sbx_child_spawning();
    int r = posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, envp);
    sbx_child_spawned(r == 0 ? pid : -1);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(sv[1]);
    if (r != 0) {
        close(sv[0]);
        nb_log_warn("sandbox", "cannot start the instance watchdog: %s (instances' children may "
                    "outlive a kill -9 of nimbus)", strerror(r));
        return -r;
    }
    sock = sv[0];
    owner = getpid();
    watchdog = pid;
    return 0;
}

int sbx__reaper_start(void)
{
    pthread_mutex_lock(&lock);
    int r = start_locked();
    pthread_mutex_unlock(&lock);
    return r;
}

static int send_locked(const reaper_msg_t *m, const char *path, int pidfd)
{
    struct iovec iov[2] = { { (void *)m, sizeof *m }, { (void *)path, path ? strlen(path) : 0 } };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } c;
    memset(&c, 0, sizeof c);
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = path ? 2 : 1 };
    if (pidfd >= 0) {
        mh.msg_control = c.buf;
        mh.msg_controllen = sizeof c.buf;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &pidfd, sizeof pidfd);
    }
    /* Never block nimbus on it: a stopped watchdog costs it its duty, not nimbus's loop. */
    return sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0 ? 0 : -errno;
}

uint64_t sbx__reaper_add(int pidfd, pid_t pid, const char *frz_v1_dir, int supervised)
{
    if (pidfd < 0) return 0;
    if (frz_v1_dir && strlen(frz_v1_dir) >= PATH_MAX) frz_v1_dir = NULL;
    pthread_mutex_lock(&lock);
    uint64_t id = next_id++;
    reaper_msg_t m = { supervised ? OP_ADD_SUPERVISED : OP_ADD, (int32_t)pid, id };
    int r = start_locked();
    if (r == 0 && (r = send_locked(&m, frz_v1_dir, pidfd)) < 0 && r != -EAGAIN) {
        /* The watchdog died (someone killed it): start another. The instances
         * it held are unguarded now, except by their leader's PDEATHSIG. */
        nb_log_warn("sandbox", "the instance watchdog is gone (%s); starting a new one", strerror(-r));
        close(sock);
        sock = -1;
        reap_watchdog_locked();
        if ((r = start_locked()) == 0) r = send_locked(&m, frz_v1_dir, pidfd);
    }
    pthread_mutex_unlock(&lock);
    if (r < 0) {
        nb_log_warn("sandbox", "instance %d not handed to the watchdog: %s", (int)pid, strerror(-r));
        return 0;
    }
    return id;
}

void sbx__reaper_forget(uint64_t id)
{
    if (!id) return;
    pthread_mutex_lock(&lock);
    reaper_msg_t m = { OP_FORGET, 0, id };
    /* Lost (watchdog gone or full): it then holds a pidfd of a dead group,
     * whose kill at nimbus's exit reaches nothing — or the group's stragglers. */
    if (sock >= 0 && owner == getpid()) send_locked(&m, NULL, -1);
    pthread_mutex_unlock(&lock);
}
