/* test_sandbox_plain.c — plain mode (isolate=0, or no root and no user
 * namespaces) contains every descendant of an instance through its
 * supervisor (src/sandbox/sbx_supervise.c): a function that calls setsid()
 * and double-forks a sleeper does not outlive its instance — killed
 * (timeout, DeleteFunction), exited on its own (crash), or with nimbus
 * killed -9 while it is frozen. The wait status the caller sees is the
 * runtime's; the memory figure is the runtime's. Each test finds the escaped
 * sleeper by the pid its shell prints and watches it through a pidfd, so a
 * reuse of the number cannot pass for it. A function that SIGKILLs its
 * supervisor leaves nothing either: this process, a child subreaper as the
 * daemon is (sbx_children_adopt), gets the escapee back and kills it. */
#include "test.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbx_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };

/* Prints the pid of a sleeper that left the instance's session and process
 * group (setsid) and whose parent exited (double fork: orphaned), then runs
 * `tail` (the rest of the shell command). */
#define ESCAPE "P=$(setsid sh -c 'sleep 300 </dev/null >/dev/null 2>&1 & echo $!'); echo $P; "

typedef struct { sbx_t *sbx; int out; } inst_t;

static inst_t start(const char *script)
{
    const char *argv[] = { "/bin/sh", "-c", script, NULL };
    sbx_spec_t s;
    memset(&s, 0, sizeof s);
    s.argv = argv;
    s.envp = env;
    s.code_dir = "/";
    s.memory_mb = 128;
    s.stderr_fd = 2;
    s.isolate = 0;
    s.name = "fn-plain-1";
    int p[2];
    ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
    s.stdout_fd = p[1];
    inst_t in = { NULL, p[0] };
    int r = sbx_spawn(&s, &in.sbx);
    close(p[1]);
    if (r != 0) TEST_FAIL_("sbx_spawn: %s", strerror(-r));
    return in;
}

static void read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r <= 0 || c == '\n') break;
        buf[n++] = c;
    }
    buf[n] = 0;
}

/* Field `n` (1-based, as in proc(5)) of /proc/pid/stat, or -1. */
static long stat_field(pid_t pid, int n)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0) return -1;
    buf[len] = 0;
    char *t = strrchr(buf, ')');
    if (!t) return -1;
    t += 2;                                       /* field 3, the state */
    for (int f = 3; f < n; f++) {
        t = strchr(t, ' ');
        if (!t) return -1;
        t++;
    }
    return strtol(t, NULL, 10);
}

static int gone_within(int pidfd, int ms)
{
    struct pollfd p = { pidfd, POLLIN, 0 };
    return poll(&p, 1, ms) == 1;
}

/* The sleeper the instance printed: a pidfd of it, after checking that it
 * did escape (another session and group than the instance's leader). */
static int escaped_sleeper(inst_t *in, pid_t *pid_out)
{
    char line[32];
    read_line(in->out, line, sizeof line);
    pid_t p = atoi(line);
    ASSERT(p > 0);
    int pfd = (int)syscall(SYS_pidfd_open, p, 0);
    ASSERT(pfd >= 0);
    pid_t leader = sbx_pid(in->sbx);
    ASSERT_NE(stat_field(p, 5), stat_field(leader, 5));   /* process group */
    ASSERT_NE(stat_field(p, 6), stat_field(leader, 6));   /* session */
    *pid_out = p;
    return pfd;
}

static void finish(inst_t *in, int pfd, pid_t sleeper, int ok)
{
    if (!ok) kill(sleeper, SIGKILL);
    close(pfd);
    close(in->out);
    sbx_release(in->sbx);
    ASSERT(ok);
}

TEST(plain_instance_is_led_by_its_supervisor)
{
    inst_t in = start("echo $PPID; exec sleep 300");
    char line[32], path[64], comm[64] = "";
    read_line(in.out, line, sizeof line);
    ASSERT_EQ(atoi(line), sbx_pid(in.sbx));        /* the runtime's parent is the leader */
    snprintf(path, sizeof path, "/proc/%d/comm", (int)sbx_pid(in.sbx));
    FILE *f = fopen(path, "re");
    ASSERT(f != NULL);
    ASSERT(fgets(comm, sizeof comm, f) != NULL);
    fclose(f);
    ASSERT_STREQ(comm, "sbx-supervisor\n");
    sbx_kill(in.sbx);
    int st;
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    ASSERT(WIFSIGNALED(st));
    ASSERT_EQ(WTERMSIG(st), SIGKILL);              /* "signal: killed", as before */
    close(in.out);
    sbx_release(in.sbx);
}

/* A timeout or DeleteFunction: sbx_kill. */
TEST(setsid_double_fork_escapee_dies_with_a_killed_instance)
{
    inst_t in = start(ESCAPE "exec sleep 300");
    pid_t sleeper;
    int pfd = escaped_sleeper(&in, &sleeper);
    ASSERT_EQ(gone_within(pfd, 0), 0);
    sbx_kill(in.sbx);
    int st;
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    ASSERT(WIFSIGNALED(st));
    ASSERT_EQ(WTERMSIG(st), SIGKILL);
    finish(&in, pfd, sleeper, gone_within(pfd, 10000));
}

/* Frozen (SIGSTOP to the group, the supervisor included) and then killed. */
TEST(setsid_escapee_dies_with_a_frozen_killed_instance)
{
    inst_t in = start(ESCAPE "exec sleep 300");
    pid_t sleeper;
    int pfd = escaped_sleeper(&in, &sleeper);
    ASSERT_EQ(sbx_freeze(in.sbx), 0);
    sbx_kill(in.sbx);
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), NULL, 0), sbx_pid(in.sbx));
    finish(&in, pfd, sleeper, gone_within(pfd, 10000));
}

/* The runtime exits by itself (a crash): the escapee goes before the leader
 * exits, and the leader's wait status is the runtime's. */
TEST(setsid_escapee_dies_when_the_runtime_exits_and_its_status_is_kept)
{
    char script[1024], go[600];
    snprintf(go, sizeof go, "%s/go", test_tmpdir());
    snprintf(script, sizeof script, ESCAPE "while [ ! -e %s ]; do sleep 0.01; done; exit 3", go);
    inst_t in = start(script);
    pid_t sleeper;
    int pfd = escaped_sleeper(&in, &sleeper);
    int fd = open(go, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);   /* now the runtime may exit */
    ASSERT(fd >= 0);
    close(fd);
    int st;
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    ASSERT(WIFEXITED(st));
    ASSERT_EQ(WEXITSTATUS(st), 3);
    finish(&in, pfd, sleeper, gone_within(pfd, 10000));
}

TEST(runtime_killed_by_a_signal_gives_the_same_wait_status)
{
    inst_t in = start("kill -SEGV $$");
    int st;
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    ASSERT(WIFSIGNALED(st));
    ASSERT_EQ(WTERMSIG(st), SIGSEGV);
    ASSERT(!WCOREDUMP(st));                         /* RLIMIT_CORE 0, as for the runtime */
    close(in.out);
    sbx_release(in.sbx);
}

/* A fork loop does not outrun the sweep: it ends with the instance. */
TEST(forking_descendants_die_with_the_instance)
{
    inst_t in = start("(while :; do setsid sleep 300 </dev/null >/dev/null 2>&1 & done) & echo $!; exec sleep 300");
    char line[32];
    read_line(in.out, line, sizeof line);
    pid_t loop = atoi(line);
    int pfd = (int)syscall(SYS_pidfd_open, loop, 0);
    ASSERT(pfd >= 0);
    usleep(100000);
    sbx_kill(in.sbx);
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), NULL, 0), sbx_pid(in.sbx));
    ASSERT(gone_within(pfd, 0));                    /* reaped before the leader exited */
    close(pfd);
    close(in.out);
    sbx_release(in.sbx);
}

/* Peak memory is the runtime's, not its supervisor's. */
TEST(peak_memory_is_the_runtimes)
{
    inst_t in = start("exec python3 -c 'import sys,time; b=bytearray(96<<20); print(\"ok\", flush=True); "
                      "time.sleep(300)'");
    char line[32];
    read_line(in.out, line, sizeof line);
    ASSERT_STREQ(line, "ok");
    ASSERT_GE(sbx_peak_memory(in.sbx), 96ull << 20);
    sbx_kill(in.sbx);
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), NULL, 0), sbx_pid(in.sbx));
    ASSERT_GE(sbx_peak_memory(in.sbx), 96ull << 20);  /* the last figure seen, after it is gone */
    close(in.out);
    sbx_release(in.sbx);
}

/* nimbus killed -9 while the instance is frozen: the watchdog wakes the
 * supervisor, which kills the escapee too. */
TEST(setsid_escapee_dies_with_a_kill9_of_nimbus)
{
    int rep[2];
    ASSERT_EQ(pipe(rep), 0);
    pid_t nimbus = fork();
    if (nimbus == 0) {
        close(rep[0]);
        inst_t in = start(ESCAPE "exec sleep 300");
        char line[32];
        read_line(in.out, line, sizeof line);
        int pids[2] = { sbx_pid(in.sbx), atoi(line) };
        if (sbx_freeze(in.sbx) != 0) _exit(3);
        if (write(rep[1], pids, sizeof pids) != (ssize_t)sizeof pids) _exit(4);
        for (;;) pause();
    }
    close(rep[1]);
    int pids[2] = { 0, 0 };
    ASSERT_EQ(read(rep[0], pids, sizeof pids), (ssize_t)sizeof pids);
    close(rep[0]);
    ASSERT(pids[1] > 0);
    int leader = (int)syscall(SYS_pidfd_open, pids[0], 0), child = (int)syscall(SYS_pidfd_open, pids[1], 0);
    ASSERT(leader >= 0 && child >= 0);
    ASSERT_EQ(kill(nimbus, SIGKILL), 0);
    ASSERT_EQ(waitpid(nimbus, NULL, 0), nimbus);
    int ok = gone_within(leader, 10000) && gone_within(child, 10000);
    if (!ok) { kill(pids[1], SIGKILL); kill(pids[0], SIGKILL); }
    close(leader);
    close(child);
    ASSERT(ok);
}

/* A missing executable is still the spawn's error, as without the supervisor. */
TEST(missing_runtime_under_the_supervisor_fails_spawn_with_enoent)
{
    const char *argv[] = { "/nonexistent/bootstrap", NULL };
    sbx_spec_t s;
    memset(&s, 0, sizeof s);
    s.argv = argv;
    s.envp = env;
    s.code_dir = "/";
    s.stdout_fd = s.stderr_fd = -1;
    s.name = "fn-plain-1";
    sbx_t *sb = NULL;
    ASSERT_EQ(sbx_spawn(&s, &sb), -ENOENT);
    ASSERT(sb == NULL);
}

/* The function's environment is its own: the supervisor's marker is gone. */
TEST(runtime_environment_has_no_supervisor_marker)
{
    inst_t in = start("env | grep -c NIMBUS_SBX; exit 0");
    char line[32];
    read_line(in.out, line, sizeof line);
    ASSERT_STREQ(line, "0");
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), NULL, 0), sbx_pid(in.sbx));
    close(in.out);
    sbx_release(in.sbx);
}

/* ---- a function that kills its supervisor (sbx_children.c) ----------------------------- */
/* The function runs as the supervisor's uid and SIGKILLs it after starting an
 * escaped sleeper: the instance ends as a runtime killed by a signal, and the
 * sleeper — re-parented to this process, a child subreaper as the daemon is —
 * goes at the release. */
TEST(function_that_kills_its_supervisor_leaves_nothing_behind)
{
    ASSERT_EQ(sbx_children_adopt(), 0);
    inst_t in = start(ESCAPE "kill -9 $PPID; exec sleep 300");
    char line[32];
    read_line(in.out, line, sizeof line);
    pid_t sleeper = atoi(line);
    ASSERT(sleeper > 0);
    int pfd = (int)syscall(SYS_pidfd_open, sleeper, 0);
    ASSERT(pfd >= 0);
    int st;
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    ASSERT(WIFSIGNALED(st));
    ASSERT_EQ(WTERMSIG(st), SIGKILL);               /* "Runtime exited with error: signal: killed" */
    ASSERT_EQ(gone_within(pfd, 0), 0);              /* it outlived its supervisor… */
    ASSERT_EQ(stat_field(sleeper, 4), getpid());    /* …and came back to us */
    close(in.out);
    sbx_release(in.sbx);                            /* its sweep kills and reaps it */
    int ok = gone_within(pfd, 10000);
    if (!ok) kill(sleeper, SIGKILL);
    close(pfd);
    ASSERT(ok);
    ASSERT_EQ(sbx_children_sweep(), 0);             /* the runtime (its PDEATHSIG) was reaped too */
}

/* Frozen between invocations (SIGSTOP to the group), the supervisor is killed
 * by a process that left the group (so is not stopped): the release takes the
 * stopped runtime and the escapee. */
TEST(supervisor_killed_while_frozen_leaves_nothing_behind)
{
    ASSERT_EQ(sbx_children_adopt(), 0);
    inst_t in = start(ESCAPE "echo $$; exec sleep 300");
    char line[32];
    pid_t sleeper;
    int pfd = escaped_sleeper(&in, &sleeper);
    read_line(in.out, line, sizeof line);
    pid_t runtime = atoi(line);
    ASSERT(runtime > 0);
    int rfd = (int)syscall(SYS_pidfd_open, runtime, 0);
    ASSERT(rfd >= 0);
    ASSERT_EQ(sbx_freeze(in.sbx), 0);
    ASSERT_EQ(kill(sbx_pid(in.sbx), SIGKILL), 0);
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), NULL, 0), sbx_pid(in.sbx));
    close(in.out);
    sbx_release(in.sbx);
    int ok = gone_within(pfd, 10000) && gone_within(rfd, 10000);
    if (!ok) { kill(sleeper, SIGKILL); kill(runtime, SIGKILL); }
    close(pfd);
    close(rfd);
    ASSERT(ok);
}
