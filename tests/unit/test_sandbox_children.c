/* test_sandbox_children.c — nimbus's own children and the orphans it adopts
 * (src/sandbox/sbx_children.c): a child subreaper's sweep kills and reaps the
 * orphans re-parented to it, however deep, and never a child it started
 * itself — registered ones, the watchdog, a child still being spawned. Each
 * test runs in its own process (test_main.c), which becomes the subreaper as
 * the daemon does. The hostile function that kills its supervisor is in
 * test_sandbox_plain.c. */
#include "test.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbx_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int gone_within(int pidfd, int ms)
{
    struct pollfd p = { pidfd, POLLIN, 0 };
    return poll(&p, 1, ms) == 1;
}

/* The parent pid in /proc/pid/status, or -1. */
static pid_t ppid_of(pid_t pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    const char *l = strstr(buf, "\nPPid:");
    return l ? (pid_t)atoi(l + 6) : -1;
}

/* A child of ours registered as nimbus's own, sleeping. */
static pid_t own_sleeper(void)
{
    sbx_child_spawning();
    pid_t p = fork();
    if (p == 0) {
        execl("/bin/sleep", "sleep", "300", (char *)NULL);
        _exit(127);
    }
    sbx_child_spawned(p);
    ASSERT(p > 0);
    return p;
}

static void end_own(pid_t p)
{
    kill(p, SIGKILL);
    ASSERT_EQ(waitpid(p, NULL, 0), p);
    sbx_child_reaped(p);
}

/* An orphan of a process we started (which exited): B, and B's own child C. */
static void make_orphans(pid_t *b, pid_t *c)
{
    int rep[2];
    ASSERT_EQ(pipe(rep), 0);
    sbx_child_spawning();
    pid_t a = fork();
    if (a == 0) {
        pid_t pb = fork();
        if (pb == 0) {
            setsid();
            pid_t pc = fork();
            if (pc == 0) { for (;;) pause(); }
            pid_t both[2] = { getpid(), pc };
            if (write(rep[1], both, sizeof both) != (ssize_t)sizeof both) _exit(1);
            for (;;) pause();
        }
        _exit(0);
    }
    sbx_child_spawned(a);
    close(rep[1]);
    pid_t both[2] = { 0, 0 };
    ASSERT_EQ(read(rep[0], both, sizeof both), (ssize_t)sizeof both);
    close(rep[0]);
    ASSERT_EQ(waitpid(a, NULL, 0), a);
    sbx_child_reaped(a);
    *b = both[0];
    *c = both[1];
}

TEST(sweep_does_nothing_unless_adopted)
{
    sbx_child_spawning();
    pid_t p = fork();
    if (p == 0) { for (;;) pause(); }
    sbx_child_spawned(-1);                          /* deliberately not registered */
    ASSERT(p > 0);
    ASSERT_EQ(sbx_children_sweep(), 0);
    ASSERT_EQ(kill(p, 0), 0);
    int pfd = (int)syscall(SYS_pidfd_open, p, 0);
    ASSERT(pfd >= 0);
    ASSERT_EQ(gone_within(pfd, 0), 0);
    close(pfd);
    kill(p, SIGKILL);
    ASSERT_EQ(waitpid(p, NULL, 0), p);
}

TEST(sweep_kills_adopted_orphans_and_spares_its_own_children)
{
    ASSERT_EQ(sbx_children_adopt(), 0);
    pid_t own = own_sleeper(), b, c;
    make_orphans(&b, &c);
    ASSERT_EQ(ppid_of(b), getpid());                 /* re-parented to us, the subreaper */
    ASSERT(!sbx_child_known(b));
    int pb = (int)syscall(SYS_pidfd_open, b, 0), pc = (int)syscall(SYS_pidfd_open, c, 0);
    ASSERT(pb >= 0 && pc >= 0);
    ASSERT_GE(sbx_children_sweep(), 2);             /* B, then C once re-parented to us */
    ASSERT(gone_within(pb, 0));
    ASSERT(gone_within(pc, 0));
    ASSERT_EQ(waitpid(b, NULL, WNOHANG), -1);       /* reaped: no zombie kept */
    ASSERT_EQ(errno, ECHILD);
    close(pb);
    close(pc);
    ASSERT_EQ(kill(own, 0), 0);
    ASSERT_EQ(ppid_of(own), getpid());
    ASSERT_EQ(sbx_children_sweep(), 0);
    end_own(own);
}

/* A pid registered twice (its number reused before the first release) stays
 * known until released twice. */
TEST(a_pid_counts_as_often_as_it_was_registered)
{
    pid_t own = own_sleeper();
    sbx_child_spawning();
    sbx_child_spawned(own);
    sbx_child_reaped(own);
    ASSERT(sbx_child_known(own));
    end_own(own);
    ASSERT(!sbx_child_known(own));
}

typedef struct { int ready; pid_t pid; } slow_spawn_t;

static void *slow_spawn(void *arg)
{
    slow_spawn_t *s = arg;
    sbx_child_spawning();
    pid_t p = fork();
    if (p == 0) { for (;;) pause(); }
    s->pid = p;
    if (write(s->ready, "x", 1) != 1) { /* the test fails on its own */ }
    usleep(200000);                                 /* a window in which a sweep must not run */
    sbx_child_spawned(p);
    return NULL;
}

TEST(a_child_being_spawned_is_never_taken_for_an_orphan)
{
    ASSERT_EQ(sbx_children_adopt(), 0);
    int rep[2];
    ASSERT_EQ(pipe(rep), 0);
    slow_spawn_t s = { rep[1], 0 };
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, slow_spawn, &s), 0);
    char x;
    ASSERT_EQ(read(rep[0], &x, 1), 1);              /* forked, not registered yet */
    ASSERT_EQ(sbx_children_sweep(), 0);             /* waits for the registration */
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT_EQ(kill(s.pid, 0), 0);
    end_own(s.pid);
    close(rep[0]);
    close(rep[1]);
}

/* The watchdog (sbx_reaper.c) is nimbus's own child, never an orphan. */
TEST(the_watchdog_is_one_of_nimbus_own_children)
{
    ASSERT_EQ(sbx_children_adopt(), 0);
    ASSERT_EQ(sbx__reaper_start(), 0);
    pid_t watchdog = 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
    FILE *f = fopen(path, "re");
    ASSERT(f != NULL);
    int pid, n = 0;
    while (fscanf(f, "%d", &pid) == 1) {
        n++;
        watchdog = pid;
    }
    fclose(f);
    ASSERT_EQ(n, 1);                                /* our only child */
    ASSERT(sbx_child_known(watchdog));
    ASSERT_EQ(sbx_children_sweep(), 0);
    ASSERT_EQ(kill(watchdog, 0), 0);
    char buf[32] = "";                              /* it names itself once it runs */
    snprintf(path, sizeof path, "/proc/%d/comm", (int)watchdog);
    for (int i = 0; i < 1000 && strcmp(buf, "sbx-reaper\n") != 0; i++) {
        f = fopen(path, "re");
        ASSERT(f != NULL);
        ASSERT(fgets(buf, sizeof buf, f) != NULL);
        fclose(f);
        usleep(10000);
    }
    ASSERT_STREQ(buf, "sbx-reaper\n");
}

/* A watchdog killed from outside is reaped (no zombie kept) and replaced by
 * the next instance's hand-over, the new one registered in its turn. */
TEST(a_killed_watchdog_is_reaped_and_replaced)
{
    ASSERT_EQ(sbx_children_adopt(), 0);
    ASSERT_EQ(sbx__reaper_start(), 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
    FILE *f = fopen(path, "re");
    ASSERT(f != NULL);
    int old = 0;
    ASSERT_EQ(fscanf(f, "%d", &old), 1);
    fclose(f);
    int pfd = (int)syscall(SYS_pidfd_open, old, 0);
    ASSERT(pfd >= 0);
    ASSERT_EQ(kill(old, SIGKILL), 0);
    ASSERT(gone_within(pfd, 10000));
    /* a plain instance is handed to the watchdog at its spawn: the send fails, a new one starts */
    const char *argv[] = { "/bin/sleep", "300", NULL };
    const char *env[] = { "PATH=/usr/bin:/bin", NULL };
    sbx_spec_t s;
    memset(&s, 0, sizeof s);
    s.argv = argv;
    s.envp = env;
    s.code_dir = "/";
    s.stdout_fd = s.stderr_fd = -1;
    s.name = "fn-orphans-1";
    sbx_t *sb = NULL;
    ASSERT_EQ(sbx_spawn(&s, &sb), 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    ASSERT_EQ(waitid(P_PID, (id_t)old, &si, WEXITED | WNOHANG), -1);   /* already reaped */
    ASSERT_EQ(errno, ECHILD);
    ASSERT(!sbx_child_known(old));
    int now = 0, n = 0, pid;
    f = fopen(path, "re");
    ASSERT(f != NULL);
    while (fscanf(f, "%d", &pid) == 1) {
        n++;
        if (pid != sbx_pid(sb)) now = pid;
    }
    fclose(f);
    ASSERT_EQ(n, 2);                                /* the instance and the new watchdog */
    ASSERT(now > 0 && now != old);
    ASSERT(sbx_child_known(now));
    sbx_kill(sb);
    ASSERT_EQ(waitpid(sbx_pid(sb), NULL, 0), sbx_pid(sb));
    sbx_release(sb);
    close(pfd);
}
