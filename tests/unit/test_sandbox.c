/* test_sandbox.c — the hostile-function suite: tests/sandbox/hostile.c, built
 * by the Makefile (build/tests/hostile) and copied into each test's code
 * directory, is started through sbx_spawn and tries one escape per
 * test; each test asserts the sandbox's answer. Runs as root (full isolation);
 * the unprivileged fallback is exercised by dropping to nobody in a child and
 * with isolate=0. Never sends traffic beyond loopback: the outside address is
 * only tried from inside an empty network namespace. */
#include "test.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbx_internal.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char code_dir[512], layers_dir[512], runtime_dir[512], data_dir[512];
static const char *const env[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };

#define HOSTILE_BIN "build/tests/hostile"   /* relative to the repository, where tests run */
#define PROBE_SO "build/tests/probe_handler.so"

/* 0, or -1: src copied to a new file dst, mode 0755. */
static int copy_executable(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    char buf[65536];
    ssize_t n = 0;
    while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) { n = -1; break; }
    close(in);
    if (out < 0) return -1;
    return close(out) == 0 && n == 0 ? 0 : -1;
}

/* Copy hostile into <tmp>/code and lay out the directories a function gets. */
static void setup(void)
{
    const char *t = test_tmpdir();
    snprintf(code_dir, sizeof code_dir, "%s/code", t);
    snprintf(layers_dir, sizeof layers_dir, "%s/layers", t);
    snprintf(runtime_dir, sizeof runtime_dir, "%s/runtime", t);
    snprintf(data_dir, sizeof data_dir, "%s/data", t);
    ASSERT_EQ(mkdir(code_dir, 0755), 0);
    ASSERT_EQ(mkdir(layers_dir, 0755), 0);
    ASSERT_EQ(mkdir(runtime_dir, 0755), 0);
    ASSERT_EQ(mkdir(data_dir, 0700), 0);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/hostile", code_dir);
    ASSERT_EQ(copy_executable(HOSTILE_BIN, cmd), 0);
    snprintf(cmd, sizeof cmd, "echo task-data > %s/data.txt && echo layer-data > %s/layer.txt && "
             "echo runtime-data > %s/bootstrap.txt && echo secret > %s/secret && chmod 644 %s/data.txt",
             code_dir, layers_dir, runtime_dir, data_dir, code_dir);
    ASSERT_EQ(system(cmd), 0);
}

static void spec_init(sbx_spec_t *s, const char *const *argv)
{
    memset(s, 0, sizeof *s);
    s->argv = argv;
    s->envp = env;
    s->code_dir = code_dir;
    s->layers_dir = layers_dir;
    s->runtime_dir = runtime_dir;
    s->runtime_mount = "/var/runtime";
    s->memory_mb = 128;
    s->tmp_mb = 16;
    s->pids_max = 64;
    s->net = SBX_NET_HOST;
    s->stdout_fd = -1;
    s->stderr_fd = 2;
    s->isolate = 1;
    s->name = "fn-hostile-1";
}

typedef struct { sbx_t *sbx; int out; } inst_t;

/* Start with stdout on a pipe we read. */
static inst_t start(sbx_spec_t *s)
{
    int p[2];
    ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
    s->stdout_fd = p[1];
    inst_t in = { NULL, p[0] };
    int r = sbx_spawn(s, &in.sbx);
    close(p[1]);
    if (r != 0) TEST_FAIL_("sbx_spawn: %s", strerror(-r));
    return in;
}

/* One line of output ("" at EOF). */
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

/* Run to completion: output in out, wait status returned; the handle is released. */
static int run_spec(sbx_spec_t *s, char *out, size_t cap, sbx_t **keep)
{
    inst_t in = start(s);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < cap && (r = read(in.out, out + n, cap - 1 - n)) > 0) n += (size_t)r;
    out[n] = 0;
    if (n && out[n - 1] == '\n') out[n - 1] = 0;
    close(in.out);
    int st = 0;
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    if (keep) *keep = in.sbx;
    else sbx_release(in.sbx);
    return st;
}

static void run_mode(const char *mode, const char *arg, char *out, size_t cap)
{
    const char *argv[] = { "/var/task/hostile", mode, arg, NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    int st = run_spec(&s, out, cap, NULL);
    ASSERT(WIFEXITED(st));
    ASSERT_EQ(WEXITSTATUS(st), 0);
}

#define EXPECT_RESULT(mode, arg, want) do { char o_[4096]; run_mode(mode, arg, o_, sizeof o_); \
        ASSERT_STREQ(o_, "RESULT " want); } while (0)

/* ---- the host report ---------------------------------------------------------- */
TEST(features_report_full_isolation_as_root)
{
    const char *f = sbx_features();
    ASSERT_CONTAINS(f, "sandbox mode: root");
    ASSERT_CONTAINS(f, "mount namespace: on");
    ASSERT_CONTAINS(f, "seccomp: on");
    ASSERT_CONTAINS(f, "cgroup memory: on");
    ASSERT_CONTAINS(f, "cgroup pids: on");
    ASSERT_CONTAINS(f, "root template: on");   /* this kernel (6.18) mounts on detached trees */
    ASSERT_EQ(sbx_fully_isolated(), 1);
    ASSERT_EQ(sbx_namespaces_available(), 1);
    ASSERT(sbx_startup_warning() == NULL);
}

/* ---- what the function is ------------------------------------------------------ */
TEST(instance_runs_and_exits_cleanly)
{
    setup();
    EXPECT_RESULT("hello", "", "hello");
}

TEST(instance_is_pid1_unprivileged_filtered_and_limited)
{
    setup();
    char o[4096];
    run_mode("whoami", "", o, sizeof o);
    int uid = -1, gid = -1;
    ASSERT_EQ(sscanf(o, "RESULT uid=%d gid=%d", &uid, &gid), 2);
    ASSERT_GE(uid, 10000);
    ASSERT(uid < 60000);
    ASSERT_EQ(gid, uid);
    ASSERT_CONTAINS(o, " pid=1 ");
    ASSERT_CONTAINS(o, " caps=0000000000000000 ");
    ASSERT_CONTAINS(o, " nnp=1 ");
    ASSERT_CONTAINS(o, " seccomp=2 ");
    ASSERT_CONTAINS(o, " host=nimbus ");
    ASSERT_CONTAINS(o, " nofile=1024 core=0 ");
    ASSERT_CONTAINS(o, " cwd=/var/task");
}

TEST(root_holds_only_what_runtimes_need)
{
    setup();
    char o[4096];
    run_mode("ls", "/", o, sizeof o);
    ASSERT_CONTAINS(o, " usr");
    ASSERT_CONTAINS(o, " var");
    ASSERT_CONTAINS(o, " tmp");
    ASSERT_CONTAINS(o, " proc");
    ASSERT(strstr(o, " root") == NULL);
    ASSERT(strstr(o, " work") == NULL);
    ASSERT(strstr(o, " home") == NULL);
    ASSERT(strstr(o, " sys") == NULL);
    run_mode("ls", "/dev", o, sizeof o);
    ASSERT_CONTAINS(o, " null");
    ASSERT_CONTAINS(o, " urandom");
    EXPECT_RESULT("stat", "/etc/shadow", "ENOENT");
    EXPECT_RESULT("stat", "/etc/ssl", "OK");
    EXPECT_RESULT("write_file", "/newfile", "EROFS");
    EXPECT_RESULT("write_file", "/dev/null", "OK");
    EXPECT_RESULT("write_file", "/dev/evil", "EROFS");
    EXPECT_RESULT("stat", "/etc/hosts", "OK");
    EXPECT_RESULT("stat", "/etc/resolv.conf", "OK");
    EXPECT_RESULT("stat", "/usr/bin/env", "OK");
}

/* The instance's root is a tree of its own: the host's mounts (under the
 * moved-over root) are neither reachable nor listed. */
TEST(host_mounts_are_not_visible)
{
    setup();
    char o[8192];
    run_mode("mounts", "", o, sizeof o);
    ASSERT_CONTAINS(o, " /var/task");
    ASSERT_CONTAINS(o, " /tmp");
    ASSERT_CONTAINS(o, " /proc");
    ASSERT(strstr(o, " /work") == NULL);
    ASSERT(strstr(o, " /root") == NULL);
    ASSERT(strstr(o, " /sys") == NULL);
    ASSERT(strstr(o, "nimbus-sandbox") == NULL);
    ASSERT(strstr(o, data_dir) == NULL);
}

/* getpwuid() of the function's uid answers, as on Lambda (SDKs ask for the
 * home directory). */
TEST(own_uid_has_a_passwd_entry)   { setup(); EXPECT_RESULT("home", "", "/home/sbx_user1051"); }

TEST(chroot_fails_eperm)           { setup(); EXPECT_RESULT("chroot", "", "EPERM"); }

/* ---- the hostile suite ------------------------------------------------------------ */
TEST(reading_nimbus_data_dir_fails)
{
    setup();
    char path[600];
    snprintf(path, sizeof path, "%s/secret", data_dir);
    EXPECT_RESULT("read_dir", data_dir, "ENOENT");
    char o[4096];
    run_mode("read_file", path, o, sizeof o);
    ASSERT_STREQ(o, "RESULT ENOENT");
    EXPECT_RESULT("read_dir", "/root", "ENOENT");
    EXPECT_RESULT("read_dir", "/work", "ENOENT");
}

TEST(code_layers_runtime_are_readable_and_read_only)
{
    setup();
    EXPECT_RESULT("read_file", "/var/task/data.txt", "task-data");
    EXPECT_RESULT("read_file", "/opt/layer.txt", "layer-data");
    EXPECT_RESULT("read_file", "/var/runtime/bootstrap.txt", "runtime-data");
    EXPECT_RESULT("write_file", "/var/task/evil", "EROFS");
    EXPECT_RESULT("write_file", "/var/task/data.txt", "EROFS");
    EXPECT_RESULT("write_file", "/opt/evil", "EROFS");
    EXPECT_RESULT("write_file", "/tmp/fine", "OK");
}

TEST(allocating_past_memory_size_is_oom_killed)
{
    setup();
    const char *argv[] = { "/var/task/hostile", "alloc", "256", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.memory_mb = 32;
    char o[256];
    sbx_t *sb;
    int st = run_spec(&s, o, sizeof o, &sb);
    ASSERT(WIFSIGNALED(st));
    ASSERT_EQ(WTERMSIG(st), SIGKILL);
    ASSERT_EQ(sbx_oom_killed(sb), 1);
    ASSERT_GE(sbx_peak_memory(sb), 16ull << 20);
    sbx_release(sb);
}

TEST(staying_under_memory_size_is_not_oom)
{
    setup();
    const char *argv[] = { "/var/task/hostile", "alloc", "8", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.memory_mb = 64;
    char o[256];
    sbx_t *sb;
    int st = run_spec(&s, o, sizeof o, &sb);
    ASSERT(WIFEXITED(st));
    ASSERT_STREQ(o, "RESULT OK");
    ASSERT_EQ(sbx_oom_killed(sb), 0);
    ASSERT_GE(sbx_peak_memory(sb), 8ull << 20);
    sbx_release(sb);
}

TEST(fork_bomb_is_contained_by_pids_max)
{
    setup();
    const char *argv[] = { "/var/task/hostile", "forkbomb", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.pids_max = 32;
    inst_t in = start(&s);
    char line[128];
    read_line(in.out, line, sizeof line);
    ASSERT_STREQ(line, "RESULT EAGAIN");
    sbx_kill(in.sbx);
    int st;
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    ASSERT(WIFSIGNALED(st));
    close(in.out);
    sbx_release(in.sbx);
    /* The host is fine: we can still start processes. */
    pid_t c = fork();
    if (c == 0) _exit(7);
    ASSERT(c > 0);
    ASSERT_EQ(waitpid(c, &st, 0), c);
    ASSERT_EQ(WEXITSTATUS(st), 7);
}

TEST(filling_tmp_past_its_size_fails_enospc)
{
    setup();
    const char *argv[] = { "/var/task/hostile", "fill_tmp", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.tmp_mb = 8;
    s.memory_mb = 256;
    char o[256];
    int st = run_spec(&s, o, sizeof o, NULL);
    ASSERT(WIFEXITED(st));
    ASSERT_STREQ(o, "RESULT ENOSPC");
}

TEST(killing_parent_or_another_instance_fails)
{
    setup();
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    EXPECT_RESULT("kill", pid, "ESRCH");
    /* Another instance, alive while the attacker runs. */
    const char *argv[] = { "/var/task/hostile", "pause", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.name = "fn-victim-1";
    inst_t victim = start(&s);
    char line[64];
    read_line(victim.out, line, sizeof line);
    ASSERT_STREQ(line, "RESULT OK");
    snprintf(pid, sizeof pid, "%d", (int)sbx_pid(victim.sbx));
    EXPECT_RESULT("kill", pid, "ESRCH");
    ASSERT_EQ(kill(sbx_pid(victim.sbx), 0), 0);
    sbx_kill(victim.sbx);
    waitpid(sbx_pid(victim.sbx), NULL, 0);
    close(victim.out);
    sbx_release(victim.sbx);
}

TEST(ptrace_fails_eperm)           { setup(); EXPECT_RESULT("ptrace", "", "EPERM"); }
TEST(mount_fails_eperm)            { setup(); EXPECT_RESULT("mount", "", "EPERM"); }
TEST(new_namespaces_fail_eperm)    { setup(); EXPECT_RESULT("unshare", "", "EPERM"); }
TEST(raw_socket_fails_eperm)       { setup(); EXPECT_RESULT("raw", "", "EPERM"); }
TEST(changing_own_cgroup_fails)    { setup(); EXPECT_RESULT("cgroup", "", "ENOENT"); }

TEST(tmp_of_one_instance_is_invisible_to_another)
{
    setup();
    const char *argv[] = { "/var/task/hostile", "tmp_put", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.name = "fn-writer-1";
    inst_t a = start(&s);
    char line[64];
    read_line(a.out, line, sizeof line);
    ASSERT_STREQ(line, "RESULT OK");
    EXPECT_RESULT("stat", "/tmp/secret-marker", "ENOENT");
    sbx_kill(a.sbx);
    waitpid(sbx_pid(a.sbx), NULL, 0);
    close(a.out);
    sbx_release(a.sbx);
}

/* ---- network ---------------------------------------------------------------------- */
/* A loopback listener standing for nimbus: answers "pong" to each connection. */
static pid_t fake_nimbus(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ASSERT_EQ(listen(fd, 8), 0);
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    *port = ntohs(a.sin_port);
    pid_t p = fork();
    if (p == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* a failing test must not leave it behind */
        for (;;) {
            int c = accept(fd, NULL, NULL);
            if (c < 0) _exit(0);
            char buf[16];
            if (read(c, buf, sizeof buf) > 0 && write(c, "pong", 4) != 4) _exit(1);
            close(c);
        }
    }
    close(fd);
    return p;
}

/* An echoing nimbus: reads and writes concurrently is the client's job; here
 * one blocking loop, which stalls unless the relay moves both ways at once. */
static pid_t echo_nimbus(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ASSERT_EQ(listen(fd, 8), 0);
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    *port = ntohs(a.sin_port);
    pid_t p = fork();
    if (p == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int c = accept(fd, NULL, NULL);
        char buf[65536];
        ssize_t n;
        while ((n = read(c, buf, sizeof buf)) > 0)
            for (ssize_t off = 0; off < n;) {
                ssize_t w = write(c, buf + off, (size_t)(n - off));
                if (w <= 0) _exit(1);
                off += w;
            }
        shutdown(c, SHUT_WR);
        _exit(0);
    }
    close(fd);
    return p;
}

TEST(nimbus_only_relay_carries_large_bidirectional_streams)
{
    setup();
    int port;
    pid_t srv = echo_nimbus(&port);
    char ports[16], host[64], o[256];
    snprintf(ports, sizeof ports, "%d", port);
    snprintf(host, sizeof host, "127.0.0.1:%d", port);
    const char *argv[] = { "/var/task/hostile", "echo_big", "127.0.0.1", ports, NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.net = SBX_NET_NIMBUS_ONLY;
    s.nimbus_host = host;
    int st = run_spec(&s, o, sizeof o, NULL);
    ASSERT(WIFEXITED(st));
    ASSERT_STREQ(o, "RESULT 4194304");
    int sst;
    ASSERT_EQ(waitpid(srv, &sst, 0), srv);
    ASSERT(WIFEXITED(sst) && WEXITSTATUS(sst) == 0);
}

static void run_net(sbx_net_t net, const char *ip, int port, char *out, size_t cap)
{
    char ports[16], host[64];
    snprintf(ports, sizeof ports, "%d", port);
    const char *argv[] = { "/var/task/hostile", "connect", ip, ports, NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.net = net;
    snprintf(host, sizeof host, "127.0.0.1:%d", port);
    s.nimbus_host = host;
    int st = run_spec(&s, out, cap, NULL);
    ASSERT(WIFEXITED(st));
}

TEST(nimbus_only_network_cannot_reach_outside)
{
    setup();
    int port;
    pid_t srv = fake_nimbus(&port);
    char o[256];
    /* An empty namespace has no route: fails at once, no packet leaves. */
    run_net(SBX_NET_NIMBUS_ONLY, "10.255.255.1", 80, o, sizeof o);
    ASSERT_STREQ(o, "RESULT ENETUNREACH");
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
}

TEST(nimbus_only_network_reaches_nimbus)
{
    setup();
    int port;
    pid_t srv = fake_nimbus(&port);
    char o[256];
    run_net(SBX_NET_NIMBUS_ONLY, "127.0.0.1", port, o, sizeof o);
    ASSERT_STREQ(o, "RESULT pong");
    run_net(SBX_NET_NIMBUS_ONLY, "127.0.0.1", port, o, sizeof o);   /* twice: the relay stays up */
    ASSERT_STREQ(o, "RESULT pong");
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
}

TEST(host_network_reaches_nimbus)
{
    setup();
    int port;
    pid_t srv = fake_nimbus(&port);
    char o[256];
    run_net(SBX_NET_HOST, "127.0.0.1", port, o, sizeof o);
    ASSERT_STREQ(o, "RESULT pong");
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
}

/* ---- freezer ------------------------------------------------------------------------ */
/* Everything the counter printed so far; -1 when nothing is pending. */
static long drain_counter(int fd, int wait_ms)
{
    long last = -1;
    char buf[4096];
    struct pollfd p = { fd, POLLIN, 0 };
    while (poll(&p, 1, wait_ms) == 1) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n <= 0) break;
        buf[n] = 0;
        char *nl = strrchr(buf, '\n');
        if (nl) { *nl = 0; char *prev = strrchr(buf, '\n'); last = atol(prev ? prev + 1 : buf); }
        wait_ms = 0;
    }
    return last;
}

static void freeze_thaw_check(int isolate)
{
    if (!code_dir[0]) setup();
    const char *argv[] = { isolate ? "/var/task/hostile" : NULL, "counter", NULL };
    char exe[600];
    snprintf(exe, sizeof exe, "%s/hostile", code_dir);
    if (!isolate) argv[0] = exe;
    sbx_spec_t s;
    spec_init(&s, argv);
    s.isolate = isolate;
    inst_t in = start(&s);
    ASSERT(drain_counter(in.out, 5000) >= 0);
    ASSERT_EQ(sbx_freeze(in.sbx), 0);
    drain_counter(in.out, 150);                      /* what was written before the freeze */
    ASSERT_EQ(drain_counter(in.out, 200), -1);       /* frozen: the counter stops */
    ASSERT_EQ(sbx_thaw(in.sbx), 0);
    ASSERT(drain_counter(in.out, 5000) >= 0);        /* thawed: it moves again */
    sbx_kill(in.sbx);
    waitpid(sbx_pid(in.sbx), NULL, 0);
    close(in.out);
    sbx_release(in.sbx);
}

/* nimbus under a real-time policy (chrt -f): its instances run SCHED_OTHER. */
static void sched_policy_check(int isolate)
{
    if (!code_dir[0]) setup();
    char exe[600];
    snprintf(exe, sizeof exe, "%s/hostile", code_dir);
    const char *argv[] = { isolate ? "/var/task/hostile" : exe, "pause", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.isolate = isolate;
    struct sched_param rt = { .sched_priority = 1 }, normal = { .sched_priority = 0 };
    ASSERT_EQ(sched_setscheduler(0, SCHED_FIFO, &rt), 0);
    int p[2];
    ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
    s.stdout_fd = p[1];
    sbx_t *sb = NULL;
    int r = sbx_spawn(&s, &sb);
    ASSERT_EQ(sched_setscheduler(0, SCHED_OTHER, &normal), 0);
    close(p[1]);
    ASSERT_EQ(r, 0);
    char line[256];
    read_line(p[0], line, sizeof line);
    ASSERT_STREQ(line, "RESULT OK");
    ASSERT_EQ(sched_getscheduler(sbx_pid(sb)), SCHED_OTHER);
    sbx_kill(sb);
    waitpid(sbx_pid(sb), NULL, 0);
    close(p[0]);
    sbx_release(sb);
}

TEST(realtime_nimbus_starts_instances_sched_other) { sched_policy_check(1); }
TEST(realtime_nimbus_starts_plain_processes_sched_other) { sched_policy_check(0); }

TEST(freeze_stops_the_instance_and_thaw_resumes_it) { freeze_thaw_check(1); }
TEST(freeze_and_thaw_of_a_plain_process) { freeze_thaw_check(0); }

/* ---- CPU weight ∝ MemorySize (1,769 MB ≈ one vCPU) ------------------------------ */
static void read_proc(pid_t pid, const char *file, char *out, size_t cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    FILE *f = fopen(path, "r");
    ASSERT(f != NULL);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = 0;
    fclose(f);
}

/* The instance's nice-equivalent weight: autogroup nice, or the cpu cgroup's shares. */
static void cpu_weight_of(unsigned memory_mb, char *out, size_t cap)
{
    const char *argv[] = { "/var/task/hostile", "pause", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.memory_mb = memory_mb;
    inst_t in = start(&s);
    char line[64], cg[2048];
    read_line(in.out, line, sizeof line);
    if (strstr(sbx_features(), "cgroup cpu: on")) {
        /* The cpu hierarchy is joined just after exec, by a thread: wait for it. */
        char *p = NULL;
        for (int i = 0; i < 500; i++) {
            read_proc(sbx_pid(in.sbx), "cgroup", cg, sizeof cg);
            p = strstr(cg, ":cpu:");
            if (p) p[strcspn(p, "\n")] = 0;        /* that line only: others name the instance too */
            if (p && strstr(p, "fn-hostile-1")) break;
            usleep(10000);
        }
        ASSERT(p != NULL);
        ASSERT_CONTAINS(p, "fn-hostile-1");
        char path[700];
        snprintf(path, sizeof path, "/sys/fs/cgroup/cpu%s/cpu.shares", p + 5);
        FILE *f = fopen(path, "r");
        ASSERT(f != NULL);
        ASSERT(fgets(out, (int)cap, f) != NULL);
        fclose(f);
        out[strcspn(out, "\n")] = 0;
    } else {
        read_proc(sbx_pid(in.sbx), "autogroup", out, cap);
        out[strcspn(out, "\n")] = 0;
    }
    sbx_kill(in.sbx);
    waitpid(sbx_pid(in.sbx), NULL, 0);
    close(in.out);
    sbx_release(in.sbx);
}

TEST(cpu_weight_follows_memory_through_autogroup)
{
    setenv("NIMBUS_SANDBOX", "cpu-autogroup", 1);
    ASSERT_CONTAINS(sbx_features(), "cgroup cpu: off (CPU weight set through the instance's autogroup");
    setup();
    char w[256];
    cpu_weight_of(128, w, sizeof w);      /* 74 of 1024 → nice 12 (weight 70) */
    ASSERT_CONTAINS(w, " nice 12");
    cpu_weight_of(1769, w, sizeof w);     /* one vCPU: a nice-0 task */
    ASSERT_CONTAINS(w, " nice 0");
    cpu_weight_of(3538, w, sizeof w);     /* two vCPUs: 2048 → nice -3 (1991) */
    ASSERT_CONTAINS(w, " nice -3");
}

TEST(cpu_weight_follows_memory_through_cpu_cgroup)
{
    ASSERT_CONTAINS(sbx_features(), "cgroup cpu: on");      /* the default */
    setup();
    char w[256];
    /* The cpu hierarchy is joined asynchronously after exec (sbx_cgroup.c); on
     * a loaded host the first read can precede it, so allow a few attempts. */
    for (int i = 0; i < 5; i++) {
        cpu_weight_of(128, w, sizeof w);
        if (strcmp(w, "74") == 0) break;
    }
    ASSERT_STREQ(w, "74");
    for (int i = 0; i < 5; i++) {
        cpu_weight_of(3538, w, sizeof w);
        if (strcmp(w, "2048") == 0) break;
    }
    ASSERT_STREQ(w, "2048");
}

/* ---- cgroup v2's file protocol -------------------------------------------------
 * This host binds the memory controller to a v1 hierarchy, and a controller
 * lives in one hierarchy at a time, so memory.max cannot be enforced here for
 * real (enforcement is covered on v1 by allocating_past_memory_size_is_oom_killed).
 * What nimbus writes and parses on a v2 host is checked against a directory laid
 * out like a v2 cgroup's: the limit files it writes, and the kernel's formats
 * it reads back (memory.peak, memory.events). */
static void put_file(const char *dir, const char *file, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    ASSERT(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void get_file(const char *dir, const char *file, char *buf, size_t cap)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    buf[0] = 0;
    if (!f) { snprintf(buf, cap, "(absent)"); return; }
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = 0;
    fclose(f);
}

/* A fresh v2-style directory: the files a v2 cgroup has (cgroupfs creates
 * them; nimbus only opens them for writing), limits applied as a v2 host. */
static void v2_limits(const char *name, unsigned memory_mb, unsigned pids_max, sbx_cg_t *cg, char *dir, size_t cap)
{
    snprintf(dir, cap, "%s/%s", test_tmpdir(), name);
    ASSERT_EQ(mkdir(dir, 0755), 0);
    static const char *const files[] = { "memory.max", "memory.swap.max", "memory.oom.group", "pids.max", "cpu.weight" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) put_file(dir, files[i], "");
    memset(cg, 0, sizeof *cg);
    cg->mem_v = cg->pids_v = cg->cpu_v = 2;
    cg->mem_dir = dir;
    sbx__cg_set_limits(cg, dir, dir, dir, memory_mb, pids_max);
}

TEST(cgroup_v2_limits_are_written_as_v2_files)
{
    sbx_cg_t cg;
    char dir[600], b[64];
    v2_limits("fn", 256, 64, &cg, dir, sizeof dir);
    get_file(dir, "memory.max", b, sizeof b);       ASSERT_STREQ(b, "268435456");
    get_file(dir, "memory.swap.max", b, sizeof b);  ASSERT_STREQ(b, "0");
    get_file(dir, "memory.oom.group", b, sizeof b); ASSERT_STREQ(b, "1");
    get_file(dir, "pids.max", b, sizeof b);         ASSERT_STREQ(b, "64");
    get_file(dir, "cpu.weight", b, sizeof b);       ASSERT_STREQ(b, "14");   /* 256·100/1769 */
    ASSERT_EQ(cg.mem_v, 2);
    ASSERT_EQ(cg.pids_v, 2);
    get_file(dir, "memory.limit_in_bytes", b, sizeof b);   /* nothing of v1's protocol */
    ASSERT_STREQ(b, "(absent)");
    get_file(dir, "cpu.shares", b, sizeof b);
    ASSERT_STREQ(b, "(absent)");
}

TEST(cgroup_v2_cpu_weight_stays_in_its_range)
{
    sbx_cg_t cg;
    char dir[600], b[64];
    v2_limits("small", 16, 1024, &cg, dir, sizeof dir);      /* 16·100/1769 = 0: v2 refuses 0 */
    get_file(dir, "cpu.weight", b, sizeof b);
    ASSERT_STREQ(b, "1");
    v2_limits("large", 10240, 1024, &cg, dir, sizeof dir);   /* 10,240 MB ≈ 5.8 vCPUs */
    get_file(dir, "cpu.weight", b, sizeof b);
    ASSERT_STREQ(b, "578");
}

TEST(cgroup_v2_refused_memory_limit_turns_memory_off)
{
    sbx_cg_t cg;
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/nomem", test_tmpdir());
    ASSERT_EQ(mkdir(dir, 0755), 0);
    put_file(dir, "pids.max", "");             /* a cgroup without the memory controller */
    memset(&cg, 0, sizeof cg);
    cg.mem_v = cg.pids_v = 2;
    sbx__cg_set_limits(&cg, dir, dir, NULL, 128, 32);
    ASSERT_EQ(cg.mem_v, 0);                     /* this instance has no memory controller */
    ASSERT_EQ(cg.pids_v, 2);
    snprintf(path, sizeof path, "%s/memory.max", dir);
    ASSERT(access(path, F_OK) != 0);            /* nothing created in its place */
}

TEST(cgroup_v2_peak_and_oom_kill_are_read_from_v2_files)
{
    sbx_cg_t cg;
    char dir[600];
    v2_limits("report", 128, 64, &cg, dir, sizeof dir);
    put_file(dir, "memory.peak", "134201344\n");
    put_file(dir, "memory.max_usage_in_bytes", "999\n");   /* v1's file: must not be read */
    ASSERT_EQ(sbx__cg_peak(&cg), 134201344u);
    put_file(dir, "memory.events", "low 0\nhigh 0\nmax 17\noom 2\noom_kill 0\noom_group_kill 0\n");
    ASSERT_EQ(sbx__cg_oom_killed(&cg), 0);      /* hit the limit, reclaimed, nobody killed */
    put_file(dir, "memory.events", "low 0\nhigh 0\nmax 40\noom 3\noom_kill 1\noom_group_kill 1\n");
    ASSERT_EQ(sbx__cg_oom_killed(&cg), 1);
}

/* The cpu hierarchy of this host carries no other controller: each nimbus's
 * instances share a group of their own (nimbus-sbx.<pid>), not one group with
 * every other nimbus in the same cgroup — and so in the v2 hierarchy, where
 * the cpu controller would live with the others; groups of a nimbus that is
 * gone go at the next start. */
TEST(cpu_group_is_per_nimbus_and_stale_ones_are_swept)
{
    char self[2048], dir[700], stale[800], leaf[900], want[800];
    read_proc(getpid(), "cgroup", self, sizeof self);
    char *p = strstr(self, ":cpu:");
    ASSERT(p != NULL);
    p += 5;
    p[strcspn(p, "\n")] = 0;
    snprintf(dir, sizeof dir, "/sys/fs/cgroup/cpu%s", strcmp(p, "/") == 0 ? "" : p);
    pid_t gone = fork();                   /* a pid that no process has any more */
    if (gone == 0) _exit(0);
    ASSERT_EQ(waitpid(gone, NULL, 0), gone);
    snprintf(stale, sizeof stale, "%s/nimbus-sbx.%d", dir, (int)gone);
    snprintf(leaf, sizeof leaf, "%s/fn-old-1.%d.0", stale, (int)gone);
    ASSERT_EQ(mkdir(stale, 0755), 0);
    ASSERT_EQ(mkdir(leaf, 0755), 0);
    snprintf(want, sizeof want, "cgroup cpu: on (v1, %s/nimbus-sbx.%d)", dir, (int)getpid());
    ASSERT_CONTAINS(sbx_features(), want);          /* the first call probes */
    ASSERT(access(stale, F_OK) != 0);
    setup();
    const char *argv[] = { "/var/task/hostile", "pause", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    inst_t in = start(&s);
    char line[64], cg[2048];
    read_line(in.out, line, sizeof line);
    snprintf(want, sizeof want, "/nimbus-sbx.%d/fn-hostile-1.", (int)getpid());
    char *c = NULL;
    for (int i = 0; i < 500; i++) {                 /* joined after exec, by a thread */
        read_proc(sbx_pid(in.sbx), "cgroup", cg, sizeof cg);
        c = strstr(cg, ":cpu:");
        if (c) c[strcspn(c, "\n")] = 0;            /* that line only: others name the instance too */
        if (c && strstr(c, "fn-hostile-1")) break;
        usleep(10000);
    }
    ASSERT(c != NULL);
    ASSERT_CONTAINS(c, want);
    read_proc(sbx_pid(in.sbx), "cgroup", cg, sizeof cg);   /* v2 (freezer, kill): the same split */
    char *v2 = strstr(cg, "\n0::");
    ASSERT(v2 != NULL);
    v2[strcspn(v2 + 1, "\n") + 1] = 0;
    ASSERT_CONTAINS(v2, want);
    sbx_kill(in.sbx);
    waitpid(sbx_pid(in.sbx), NULL, 0);
    close(in.out);
    sbx_release(in.sbx);
}

/* ---- fallback paths: root built per spawn, v1 freezer and per-process kill ---- */
TEST(root_built_per_spawn_without_template_is_equivalent)
{
    setenv("NIMBUS_SANDBOX", "no-template", 1);
    ASSERT_CONTAINS(sbx_features(), "root template: off");
    setup();
    char o[4096];
    run_mode("ls", "/", o, sizeof o);
    ASSERT_CONTAINS(o, " usr");
    ASSERT(strstr(o, " root") == NULL);
    run_mode("whoami", "", o, sizeof o);
    ASSERT_CONTAINS(o, " pid=1 ");
    ASSERT_CONTAINS(o, " seccomp=2 ");
    EXPECT_RESULT("read_dir", data_dir, "ENOENT");
    EXPECT_RESULT("write_file", "/var/task/evil", "EROFS");
    EXPECT_RESULT("write_file", "/dev/null", "OK");
    EXPECT_RESULT("read_file", "/opt/layer.txt", "layer-data");
    EXPECT_RESULT("stat", "/etc/shadow", "ENOENT");
}

TEST(fork_style_spawn_is_equivalent)
{
    setenv("NIMBUS_SANDBOX", "fork", 1);
    ASSERT_CONTAINS(sbx_features(), "spawn: fork-style");
    setup();
    char o[4096];
    run_mode("whoami", "", o, sizeof o);
    ASSERT_CONTAINS(o, " pid=1 ");
    ASSERT_CONTAINS(o, " caps=0000000000000000 ");
    ASSERT_CONTAINS(o, " seccomp=2 ");
    EXPECT_RESULT("read_dir", data_dir, "ENOENT");
    const char *argv[] = { "/var/task/nope", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    sbx_t *sb = NULL;
    ASSERT_EQ(sbx_spawn(&s, &sb), -ENOENT);
}

/* ---- the pool of pre-isolated blanks (sbx_pool.c) ----------------------------- */
/* Children of this process that are blanks (still nimbus's image, not exec'd). */
static int blank_children(pid_t *out, int cap)
{
    /* children of any of our threads: the pool's filler thread clones exec'd blanks */
    char path[300], buf[8192];
    size_t len = 0;
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/children", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0) continue;
        ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
        close(fd);
        if (r > 0) len += (size_t)r;
    }
    if (d) closedir(d);
    buf[len] = 0;
    char self[512], exe[512];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = 0;
    for (char *p = buf, *end; *p; p = end) {
        long pid = strtol(p, &end, 10);
        if (end == p) break;
        snprintf(path, sizeof path, "/proc/%ld/exe", pid);
        ssize_t el = readlink(path, exe, sizeof exe - 1);
        exe[el > 0 ? el : 0] = 0;
        /* a blank is still nimbus's image, or the program it exec'd (sbx_pool_set_program) */
        int blank = el > 0 && (strcmp(exe, self) == 0 || strncmp(exe, "/memfd:nimbus-blank", 19) == 0);
        if (blank && n < cap) out[n++] = (pid_t)pid;
    }
    return n;
}

static int pool_dirs(void)
{
    char cmd[256];
    int me = (int)getpid();                     /* nimbus's own cgroup may lie 0, 1 or 2 levels down */
    snprintf(cmd, sizeof cmd, "ls -d /sys/fs/cgroup/*/nimbus-sbx*/pool.%d.* /sys/fs/cgroup/*/*/nimbus-sbx*/pool.%d.* "
             "/sys/fs/cgroup/*/*/*/nimbus-sbx*/pool.%d.* 2>/dev/null | wc -l", me, me, me);
    FILE *f = popen(cmd, "r");
    int n = -1;
    if (f) { if (fscanf(f, "%d", &n) != 1) n = -1; pclose(f); }
    return n;
}

/* Fill the pool to size; the number of blanks started. Blanks come one at a
 * time (sbx_pool_fill defers while a cgroup move is under way), from the
 * caller or, with a program set, from the pool's filler thread. */
static int fill_to(int size)
{
    int before = sbx_pool_count();
    for (int i = 0; i < 500 && sbx_pool_count() < size; i++) {
        sbx_pool_fill();
        if (sbx_pool_count() < size) usleep(10 * 1000);
    }
    return sbx_pool_count() - before;
}

/* Every guarantee on pooled instances, and each blank used once; the
 * caller chose unexec'd or exec'd blanks (sbx_pool_set_program). */
static void pool_guarantees(void)
{
    sbx_pool_set_size(2);
    ASSERT_EQ(fill_to(2), 2);
    ASSERT_EQ(sbx_pool_count(), 2);
    ASSERT_EQ(sbx_pool_fill(), 0);                  /* bounded */
    usleep(50 * 1000);
    ASSERT_EQ(sbx_pool_count(), 2);
    pid_t blanks[8];
    ASSERT_EQ(blank_children(blanks, 8), 2);
    ASSERT_EQ(pool_dirs(), 2 * 4);                 /* memory, pids, cpu, v2 on this host */

    /* A pooled instance is the same instance as an ordinary one. */
    char o[4096];
    run_mode("whoami", "", o, sizeof o);
    ASSERT_EQ(sbx_pool_count(), 1);
    int uid1 = -1;
    ASSERT_EQ(sscanf(o, "RESULT uid=%d", &uid1), 1);
    ASSERT_GE(uid1, 10000);
    ASSERT_CONTAINS(o, " pid=1 ");
    ASSERT_CONTAINS(o, " caps=0000000000000000 ");
    ASSERT_CONTAINS(o, " nnp=1 ");
    ASSERT_CONTAINS(o, " seccomp=2 ");
    ASSERT_CONTAINS(o, " host=nimbus ");
    ASSERT_CONTAINS(o, " nofile=1024 core=0 ");
    ASSERT_CONTAINS(o, " cwd=/var/task");
    /* used once: that blank is gone, the other still waits */
    pid_t left[8];
    ASSERT_EQ(blank_children(left, 8), 1);
    ASSERT(left[0] == blanks[0] || left[0] == blanks[1]);

    ASSERT_EQ(fill_to(2), 1);
    EXPECT_RESULT("read_dir", data_dir, "ENOENT");
    ASSERT_EQ(fill_to(2), 1);
    EXPECT_RESULT("write_file", "/var/task/evil", "EROFS");
    ASSERT_EQ(fill_to(2), 1);
    EXPECT_RESULT("read_file", "/opt/layer.txt", "layer-data");
    ASSERT_EQ(fill_to(2), 1);
    EXPECT_RESULT("stat", "/etc/shadow", "ENOENT");
    ASSERT_EQ(fill_to(2), 1);
    EXPECT_RESULT("mount", "", "EPERM");
    ASSERT_EQ(fill_to(2), 1);
    EXPECT_RESULT("cgroup", "", "ENOENT");
    ASSERT_EQ(fill_to(2), 1);
    EXPECT_RESULT("home", "", "/home/sbx_user1051");

    /* Another function: its own uid, its own limits written into the blank's groups. */
    ASSERT_EQ(fill_to(2), 1);
    const char *wargv[] = { "/var/task/hostile", "whoami", NULL };
    sbx_spec_t s;
    spec_init(&s, wargv);
    s.name = "fn-other-1";
    run_spec(&s, o, sizeof o, NULL);
    int uid2 = -1;
    ASSERT_EQ(sscanf(o, "RESULT uid=%d", &uid2), 1);
    ASSERT_NE(uid2, uid1);
    ASSERT_EQ(fill_to(2), 1);
    const char *aargv[] = { "/var/task/hostile", "alloc", "256", NULL };
    spec_init(&s, aargv);
    s.memory_mb = 32;
    sbx_t *sb;
    int st = run_spec(&s, o, sizeof o, &sb);
    if (!WIFSIGNALED(st)) TEST_FAIL_("not killed: status %x, output %s", st, o);
    ASSERT_EQ(WTERMSIG(st), SIGKILL);
    ASSERT_EQ(sbx_oom_killed(sb), 1);
    sbx_release(sb);
    ASSERT_EQ(fill_to(2), 1);
    const char *fargv[] = { "/var/task/hostile", "forkbomb", NULL };
    spec_init(&s, fargv);
    s.pids_max = 32;
    inst_t in = start(&s);
    char line[128];
    read_line(in.out, line, sizeof line);
    ASSERT_STREQ(line, "RESULT EAGAIN");         /* the pids limit holds in a pooled group */
    sbx_kill(in.sbx);
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    close(in.out);
    sbx_release(in.sbx);

    /* A missing executable is the function's error, as without the pool. */
    ASSERT_EQ(fill_to(2), 1);
    const char *nargv[] = { "/var/task/nope", NULL };
    spec_init(&s, nargv);
    sb = NULL;
    ASSERT_EQ(sbx_spawn(&s, &sb), -ENOENT);
    ASSERT_EQ(sbx_pool_count(), 1);

    /* Drained: no blank process, no pool cgroup left. */
    sbx_pool_drain();
    ASSERT_EQ(sbx_pool_count(), 0);
    ASSERT_EQ(blank_children(left, 8), 0);
    ASSERT_EQ(pool_dirs(), 0);
    sbx_pool_set_size(0);
}

TEST(pooled_instances_hold_every_guarantee_and_are_used_once)
{
    setup();
    pool_guarantees();
}

/* Blanks that exec'd the native runner (the embedded runtimes/native/bootstrap,
 * as Lambda configures them) before their hand-off: a spawn of another
 * program is set up by that process and execs as usual, with every guarantee. */
TEST(exec_blanks_hold_every_guarantee_and_are_used_once)
{
    setup();
    sbx_pool_set_program("runtimes/native/bootstrap", "/var/runtime/runtimes/native/bootstrap");
    sbx_pool_set_size(1);
    ASSERT_EQ(sbx_pool_fill(), 0);               /* started by the pool's filler thread */
    ASSERT_EQ(fill_to(1), 1);
    pid_t b[4];
    ASSERT_EQ(blank_children(b, 4), 1);
    char path[64], exe[256], cmd[256];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)b[0]);
    ssize_t n = 0;
    for (int i = 0; i < 500; i++) {              /* it execs on its own, after its cgroup joins */
        n = readlink(path, exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = 0;
        if (strstr(exe, "/memfd:nimbus-blank")) break;
        usleep(10 * 1000);
    }
    ASSERT_CONTAINS(exe, "/memfd:nimbus-blank");                 /* exec'd: not nimbus's image */
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)b[0]);
    int fd = open(path, O_RDONLY);
    n = read(fd, cmd, sizeof cmd - 1);
    close(fd);
    cmd[n > 0 ? n : 0] = 0;
    ASSERT_STREQ(cmd, "/var/runtime/runtimes/native/bootstrap");
    sbx_pool_drain();
    pool_guarantees();
    sbx_pool_set_program(NULL, NULL);
}

TEST(a_dead_blank_is_skipped_and_the_spawn_goes_the_ordinary_way)
{
    setup();
    sbx_pool_set_size(1);
    ASSERT_EQ(sbx_pool_fill(), 1);
    pid_t b[4];
    ASSERT_EQ(blank_children(b, 4), 1);
    ASSERT_EQ(kill(b[0], SIGKILL), 0);
    usleep(50 * 1000);
    EXPECT_RESULT("hello", "", "hello");
    ASSERT_EQ(sbx_pool_count(), 0);
    ASSERT_EQ(pool_dirs(), 0);
    sbx_pool_set_size(0);
}

TEST(no_pool_switch_turns_the_pool_off)
{
    setenv("NIMBUS_SANDBOX", "no-pool", 1);
    sbx_pool_set_size(2);
    ASSERT_EQ(sbx_pool_fill(), 0);
    ASSERT_EQ(sbx_pool_count(), 0);
    sbx_pool_set_size(0);
}

TEST(cgroup_v1_freezer_and_kill)
{
    setenv("NIMBUS_SANDBOX", "cgroup-v1", 1);
    ASSERT_CONTAINS(sbx_features(), "cgroup freezer: on (v1");
    freeze_thaw_check(1);
    /* kill without cgroup.kill: every process of a fork bomb goes */
    const char *argv[] = { "/var/task/hostile", "forkbomb", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.pids_max = 16;
    inst_t in = start(&s);
    char line[128];
    read_line(in.out, line, sizeof line);
    ASSERT_STREQ(line, "RESULT EAGAIN");
    ASSERT_EQ(sbx_freeze(in.sbx), 0);     /* killing a frozen v1 group must still work */
    sbx_kill(in.sbx);
    int st;
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), &st, 0), sbx_pid(in.sbx));
    close(in.out);
    sbx_release(in.sbx);
}

/* ---- degraded modes ------------------------------------------------------------------- */
TEST(isolate_0_is_a_plain_process_with_rlimits)
{
    setup();
    char exe[600], o[4096];
    snprintf(exe, sizeof exe, "%s/hostile", code_dir);
    const char *argv[] = { exe, "whoami", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.isolate = 0;
    int st = run_spec(&s, o, sizeof o, NULL);
    ASSERT(WIFEXITED(st));
    ASSERT_CONTAINS(o, "RESULT uid=0 ");
    ASSERT(strstr(o, " pid=1 ") == NULL);
    ASSERT_CONTAINS(o, " nofile=1024 core=0 ");
    char want[700];
    snprintf(want, sizeof want, " cwd=%s", code_dir);
    ASSERT_CONTAINS(o, want);
}

/* The child holds a copy of each of the spawner's descriptors until its
 * execve: with more than 1024 of them open, lowering RLIMIT_NOFILE before the
 * stdio dups left no number free for them (EMFILE at "setup, step 3"). */
TEST(spawner_holding_over_1024_descriptors_still_starts_instances)
{
    setup();
    struct rlimit old, big = { 4096, 4096 };
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
    if (old.rlim_max > big.rlim_max) big.rlim_max = old.rlim_max;
    if (old.rlim_cur > big.rlim_cur) big.rlim_cur = old.rlim_cur;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &big), 0);
    enum { HELD = 1100 };
    static int held[HELD];
    for (int i = 0; i < HELD; i++) ASSERT((held[i] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);
    ASSERT(held[HELD - 1] > 1024);
    char exe[600], o[4096];
    snprintf(exe, sizeof exe, "%s/hostile", code_dir);
    for (int isolate = 1; isolate >= 0; isolate--) {
        const char *argv[] = { isolate ? "/var/task/hostile" : exe, "whoami", NULL };
        sbx_spec_t s;
        spec_init(&s, argv);
        s.isolate = isolate;
        int st = run_spec(&s, o, sizeof o, NULL);
        ASSERT(WIFEXITED(st));
        ASSERT_EQ(WEXITSTATUS(st), 0);
        ASSERT_CONTAINS(o, " nofile=1024 core=0 ");
    }
    for (int i = 0; i < HELD; i++) close(held[i]);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
}

TEST(plain_process_gets_a_private_tmpdir_removed_at_release)
{
    setup();
    char exe[600], scratch[600], want[800], o[4096];
    snprintf(exe, sizeof exe, "%s/hostile", code_dir);
    snprintf(scratch, sizeof scratch, "%s/scratch/inst1", test_tmpdir());
    const char *argv[] = { exe, "tmpdir", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.isolate = 0;
    s.scratch_dir = scratch;
    int st = run_spec(&s, o, sizeof o, NULL);      /* releases */
    ASSERT(WIFEXITED(st));
    snprintf(want, sizeof want, "RESULT %s/tmp OK", scratch);
    ASSERT_STREQ(o, want);
    struct stat sb;
    ASSERT_EQ(stat(scratch, &sb), -1);              /* created by the sandbox, removed with it */
    /* isolated: its own /tmp, no TMPDIR needed */
    argv[0] = "/var/task/hostile";
    spec_init(&s, argv);
    s.scratch_dir = scratch;
    run_spec(&s, o, sizeof o, NULL);
    ASSERT_STREQ(o, "RESULT (unset) OK");
}

TEST(unprivileged_nimbus_degrades_instead_of_failing)
{
    setup();
    /* The code must be reachable by the unprivileged user for a bind mount. */
    ASSERT_EQ(chmod(test_tmpdir(), 0755), 0);
    pid_t c = fork();
    if (c == 0) {
        if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
            setresuid(65534, 65534, 65534) != 0) _exit(2);
        const char *f = sbx_features();
        if (sbx_fully_isolated() || !sbx_startup_warning() || strstr(f, "sandbox mode: root")) _exit(3);
        if (sbx_namespaces_available() != (strstr(f, "sandbox mode: user namespace") != NULL)) _exit(6);
        const char *argv[] = { "/var/task/hostile", "whoami", NULL };
        sbx_spec_t s;
        spec_init(&s, argv);
        char exe[600];
        snprintf(exe, sizeof exe, "%s/hostile", code_dir);
        if (strstr(f, "sandbox mode: plain")) argv[0] = exe;  /* no namespaces: host paths */
        char o[4096];
        int st = run_spec(&s, o, sizeof o, NULL);
        if (!WIFEXITED(st) || !strstr(o, "RESULT uid=65534 ")) { fprintf(stderr, "%s\n", o); _exit(4); }
        if (strstr(f, "sandbox mode: user namespace") &&
            (!strstr(o, " pid=1 ") || !strstr(o, " seccomp=2 ") || !strstr(o, " caps=0000000000000000 ")))
            { fprintf(stderr, "%s\n", o); _exit(5); }
        if (strstr(f, "sandbox mode: user namespace")) {
            /* nimbus-only network works without root too */
            run_net(SBX_NET_NIMBUS_ONLY, "10.255.255.1", 80, o, sizeof o);
            if (strcmp(o, "RESULT ENETUNREACH") != 0) { fprintf(stderr, "%s\n", o); _exit(7); }
            int port;
            pid_t srv = fake_nimbus(&port);
            run_net(SBX_NET_NIMBUS_ONLY, "127.0.0.1", port, o, sizeof o);
            kill(srv, SIGKILL);
            waitpid(srv, NULL, 0);
            if (strcmp(o, "RESULT pong") != 0) { fprintf(stderr, "%s\n", o); _exit(8); }
        }
        _exit(0);
    }
    int st;
    ASSERT_EQ(waitpid(c, &st, 0), c);
    ASSERT(WIFEXITED(st));
    ASSERT_EQ(WEXITSTATUS(st), 0);
}

TEST(unprivileged_without_user_namespaces_runs_plain_processes)
{
    setup();
    ASSERT_EQ(chmod(test_tmpdir(), 0755), 0);
    pid_t c = fork();
    if (c == 0) {
        setenv("NIMBUS_SANDBOX", "no-userns", 1);
        if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
            setresuid(65534, 65534, 65534) != 0) _exit(2);
        if (!strstr(sbx_features(), "sandbox mode: plain") || sbx_namespaces_available() ||
            !sbx_startup_warning()) _exit(3);
        char exe[600], o[4096];
        snprintf(exe, sizeof exe, "%s/hostile", code_dir);
        const char *argv[] = { exe, "whoami", NULL };
        sbx_spec_t s;
        spec_init(&s, argv);              /* isolate=1 asked, plain given: never a failure */
        int st = run_spec(&s, o, sizeof o, NULL);
        if (!WIFEXITED(st) || !strstr(o, "RESULT uid=65534 ") || strstr(o, " pid=1 ") ||
            !strstr(o, " nofile=1024 core=0 ")) { fprintf(stderr, "%s\n", o); _exit(4); }
        _exit(0);
    }
    int st;
    ASSERT_EQ(waitpid(c, &st, 0), c);
    ASSERT(WIFEXITED(st));
    ASSERT_EQ(WEXITSTATUS(st), 0);
}

/* ---- nothing of a plain instance outlives nimbus (sbx_reaper.c) ------------------------- */
/* Is pid's process gone within ms? Through a pidfd (readable once it exited),
 * so that a reuse of the number cannot pass for the process. */
static int gone_within(int pidfd, int ms)
{
    struct pollfd p = { pidfd, POLLIN, 0 };
    return poll(&p, 1, ms) == 1;
}

static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *e = strrchr(buf, ')');
    return e && e[1] == ' ' ? e[2] : 0;
}

/* Cleanup after a failure: thaw pid's v1 freezer group (its SIGKILL waits for that). */
static void thaw_v1_of(pid_t pid)
{
    char path[600], line[512];
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
    FILE *f = fopen(path, "re");
    while (f && fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2 || strncmp(c1 + 1, "freezer:", 8) != 0) continue;
        c2[1 + strcspn(c2 + 1, "\n")] = 0;
        snprintf(path, sizeof path, "/sys/fs/cgroup/freezer%s/freezer.state", c2 + 1);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) { if (write(fd, "THAWED", 6) < 0) {} close(fd); }
    }
    if (f) fclose(f);
}

/* A stand-in for nimbus (a child of the test) starts a plain instance whose
 * shell leaves a background sleep, freezes it (SIGSTOP: no freezer in plain
 * mode) and is killed with SIGKILL: the leader dies of its PDEATHSIG, the
 * stopped sleep only through the watchdog. */
static void children_die_with_nimbus_check(const char *sandbox_opts, int isolate)
{
    int rep[2];
    ASSERT_EQ(pipe(rep), 0);
    pid_t nimbus = fork();
    if (nimbus == 0) {
        close(rep[0]);
        const char *argv[] = { "/bin/sh", "-c", "sleep 300 & echo $!; exec sleep 300", NULL };
        sbx_spec_t s;
        spec_init(&s, argv);
        s.isolate = isolate;
        if (!isolate) s.code_dir = "/";
        if (sandbox_opts) setenv("NIMBUS_SANDBOX", sandbox_opts, 1);
        inst_t in = start(&s);
        char line[32];
        read_line(in.out, line, sizeof line);
        /* isolated: $! is a pid of the instance's namespace; its init stands for all */
        int pids[2] = { sbx_pid(in.sbx), isolate ? sbx_pid(in.sbx) : atoi(line) };
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
    char frozen = isolate ? 'D' : 'T';               /* v1 freezer : SIGSTOP */
    for (int i = 0; i < 500 && proc_state(pids[1]) != frozen; i++) usleep(10000);
    ASSERT_EQ(proc_state(pids[1]), frozen);          /* frozen with its instance */
    ASSERT_EQ(kill(nimbus, SIGKILL), 0);
    ASSERT_EQ(waitpid(nimbus, NULL, 0), nimbus);
    int ok = gone_within(leader, 10000) && gone_within(child, 10000);
    if (!ok) { kill(pids[1], SIGKILL); kill(pids[0], SIGKILL); thaw_v1_of(pids[0]); }
    close(leader);
    close(child);
    ASSERT(ok);
}

TEST(plain_instance_children_die_with_a_kill9_of_nimbus)
{
    setup();
    children_die_with_nimbus_check(NULL, 0);
}

TEST(plain_instance_children_die_with_nimbus_after_a_fork_style_spawn)
{
    setup();
    children_die_with_nimbus_check("fork", 0);
}

/* A v1-frozen task does not act on SIGKILL until thawed: the namespace's init
 * would never die of its PDEATHSIG without the watchdog's thaw. */
TEST(v1_frozen_instance_dies_with_a_kill9_of_nimbus)
{
    setup();
    children_die_with_nimbus_check("cgroup-v1", 1);
}

/* The leader exits on its own and is reaped; a background child it left in
 * its group goes at release — signalled through the pidfd, which still
 * names that group although its leader's pid is free for reuse. Without
 * plain mode's supervisor, which kills it already when its runtime exits
 * (test_sandbox_plain.c). */
TEST(release_of_a_plain_instance_kills_what_its_leader_left)
{
    setup();
    setenv("NIMBUS_SANDBOX", "no-supervisor", 1);
    const char *argv[] = { "/bin/sh", "-c", "sleep 300 & echo $!", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    s.isolate = 0;
    s.code_dir = "/";
    inst_t in = start(&s);
    char line[32];
    read_line(in.out, line, sizeof line);
    pid_t left = atoi(line);
    ASSERT(left > 0);
    int pfd = (int)syscall(SYS_pidfd_open, left, 0);
    ASSERT(pfd >= 0);
    ASSERT_EQ(waitpid(sbx_pid(in.sbx), NULL, 0), sbx_pid(in.sbx));
    ASSERT_EQ(gone_within(pfd, 0), 0);                /* still there after its leader */
    close(in.out);
    sbx_release(in.sbx);
    int ok = gone_within(pfd, 10000);
    if (!ok) kill(left, SIGKILL);
    close(pfd);
    ASSERT(ok);
}

/* A group whose every member is gone: nothing is signalled (-ESRCH), however
 * its number is used by then. */
TEST(group_kill_through_a_pidfd_of_a_gone_group_reaches_nothing)
{
    pid_t c = fork();
    if (c == 0) { setsid(); _exit(0); }
    int pfd = (int)syscall(SYS_pidfd_open, c, 0);
    ASSERT(pfd >= 0);
    ASSERT_EQ(waitpid(c, NULL, 0), c);
    ASSERT_EQ(sbx__pgrp_kill(pfd, c, SIGKILL), -ESRCH);
    close(pfd);
}

/* ---- errors and cleanup ------------------------------------------------------------------ */
TEST(missing_executable_fails_spawn_with_enoent)
{
    setup();
    const char *argv[] = { "/var/task/nope", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    sbx_t *sb = NULL;
    ASSERT_EQ(sbx_spawn(&s, &sb), -ENOENT);
    ASSERT(sb == NULL);
    s.isolate = 0;
    ASSERT_EQ(sbx_spawn(&s, &sb), -ENOENT);
}

TEST(release_removes_the_instance_cgroup)
{
    setup();
    const char *argv[] = { "/var/task/hostile", "pause", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    inst_t in = start(&s);
    char line[64], path[600], dir[700];
    read_line(in.out, line, sizeof line);
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)sbx_pid(in.sbx));
    FILE *f = fopen(path, "r");
    ASSERT(f != NULL);
    dir[0] = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, ":pids:");
        if (p) { p[strcspn(p, "\n")] = 0; snprintf(dir, sizeof dir, "/sys/fs/cgroup/pids%s", p + 6); }
    }
    fclose(f);
    ASSERT_CONTAINS(dir, "fn-hostile-1");
    struct stat st;
    ASSERT_EQ(stat(dir, &st), 0);
    sbx_kill(in.sbx);
    waitpid(sbx_pid(in.sbx), NULL, 0);
    close(in.out);
    sbx_release(in.sbx);
    ASSERT_EQ(stat(dir, &st), -1);
}

/* The plan as an exec'd blank receives it (sbx_wire.c): every field it uses
 * survives the trip; a short or corrupted message is refused, never read past. */
TEST(plan_wire_round_trip_and_malformed_input)
{
    const char *argv[] = { "/var/task/hostile", "whoami", NULL };
    const char *envp[] = { "A=1", "LONG=" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "EMPTY=", NULL };
    sbx_mount_op_t ops[3] = {
        { SBX_OP_TEMPLATE, NULL, "/root-mnt", 7 },
        { SBX_OP_BIND_RO, "/host/code", "/root-mnt/var/task", 0 },
        { SBX_OP_TMPFS, "size=512m,mode=1777", "/root-mnt/tmp", 6 },
    };
    struct sock_filter f[3] = { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 6, 0, 0, 0x7fff0000 } };
    struct sock_fprog prog = { 3, f };
    sbx_plan_t p;
    memset(&p, 0, sizeof p);
    p.argv = argv; p.envp = envp; p.cwd = "/var/task"; p.newroot = "/root-mnt";
    p.ops = ops; p.nops = 3; p.setid = 1; p.uid = 12345; p.gid = 23456; p.cap_last = 40; p.seccomp = &prog;
    size_t len = 0;
    char *buf = sbx__plan_pack(&p, &len);
    ASSERT(buf != NULL);
    char *copy = malloc(len);
    memcpy(copy, buf, len);
    sbx_plan_t q;
    ASSERT_EQ(sbx__plan_unpack(copy, len, &q), 0);
    ASSERT_STREQ(q.argv[0], "/var/task/hostile");
    ASSERT_STREQ(q.argv[1], "whoami");
    ASSERT(q.argv[2] == NULL);
    for (int i = 0; i < 3; i++) ASSERT_STREQ(q.envp[i], envp[i]);
    ASSERT(q.envp[3] == NULL);
    ASSERT_STREQ(q.cwd, "/var/task");
    ASSERT_STREQ(q.newroot, "/root-mnt");
    ASSERT_EQ(q.nops, 3);
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(q.ops[i].kind, ops[i].kind);
        ASSERT_EQ(q.ops[i].dev, ops[i].dev);
        ASSERT_STREQ(q.ops[i].dst, ops[i].dst);
        if (ops[i].src) ASSERT_STREQ(q.ops[i].src, ops[i].src); else ASSERT(q.ops[i].src == NULL);
    }
    ASSERT_EQ(q.isolate, 1);
    ASSERT_EQ(q.setid, 1);
    ASSERT_EQ(q.uid, 12345);
    ASSERT_EQ(q.gid, 23456);
    ASSERT_EQ(q.cap_last, 40);
    ASSERT_EQ(q.seccomp->len, 3);
    ASSERT_MEMEQ(q.seccomp->filter, f, sizeof f);
    ASSERT_EQ(q.ncg, 0);
    ASSERT_EQ(q.netns, 0);
    ASSERT_EQ(q.userns, 0);
    ASSERT_EQ(q.supervise, 0);
    sbx__plan_unpacked_free(&q);
    /* every shorter message, and one byte too many, is refused */
    for (size_t n = 0; n < len; n++) {
        memcpy(copy, buf, len);
        ASSERT_EQ(sbx__plan_unpack(copy, n, &q), -EPROTO);
    }
    char *longer = malloc(len + 1);
    memcpy(longer, buf, len);
    longer[len] = 0;
    ASSERT_EQ(sbx__plan_unpack(longer, len + 1, &q), -EPROTO);
    /* any single corrupted byte: refused or read within bounds (ASan checks) */
    for (size_t i = 0; i < len; i++) {
        char *c = malloc(len);
        memcpy(c, buf, len);
        c[i] ^= 0x5a;
        if (sbx__plan_unpack(c, len, &q) == 0) sbx__plan_unpacked_free(&q);
        free(c);
    }
    free(longer);
    free(copy);
    free(buf);
}

/* ---- a native cold start run in-process by an exec'd blank ------------------------ */
/* A Runtime API of one invocation, on a loopback port: the runner's GET next
 * gets {"probe":1}, and its POST response's body is returned. */
typedef struct { int lfd; int port; char body[8192]; char first[256]; } rapi_t;

static void rapi_listen(rapi_t *r)
{
    memset(r, 0, sizeof *r);
    r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    ASSERT_EQ(bind(r->lfd, (struct sockaddr *)&a, sizeof a), 0);
    ASSERT_EQ(listen(r->lfd, 4), 0);
    ASSERT_EQ(getsockname(r->lfd, (struct sockaddr *)&a, &al), 0);
    r->port = ntohs(a.sin_port);
}

/* Read from fd into buf until it holds "\r\n\r\n" and, after it, content-length bytes. */
static size_t read_request(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 20000) != 1) return n;
        ssize_t k = read(fd, buf + n, cap - 1 - n);
        if (k <= 0) return n;
        n += (size_t)k;
        buf[n] = 0;
        char *end = strstr(buf, "\r\n\r\n");
        if (!end) continue;
        const char *cl = strcasestr(buf, "content-length:");
        size_t want = (size_t)(end + 4 - buf) + (cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0);
        if (n >= want) return n;
    }
}

static void rapi_serve_one(rapi_t *r)
{
    struct pollfd p = { r->lfd, POLLIN, 0 };
    ASSERT_EQ(poll(&p, 1, 20000), 1);
    int c = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC);
    ASSERT_GE(c, 0);
    char buf[16384];
    read_request(c, buf, sizeof buf);
    snprintf(r->first, sizeof r->first, "%.*s", (int)strcspn(buf, "\r"), buf);
    const char *ev = "{\"probe\":1}";
    char resp[512];
    int n = snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: req-1\r\n"
                     "Lambda-Runtime-Deadline-Ms: 9999999999999\r\nLambda-Runtime-Invoked-Function-Arn: "
                     "arn:aws:lambda:us-east-1:000000000000:function:probe\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(ev), ev);
    ASSERT_EQ(write(c, resp, (size_t)n), n);
    size_t got = read_request(c, buf, sizeof buf);
    char *body = strstr(buf, "\r\n\r\n");
    ASSERT(got > 0 && body != NULL);
    ASSERT(strncmp(buf, "POST /2018-06-01/runtime/invocation/req-1/response", 50) == 0);
    snprintf(r->body, sizeof r->body, "%s", body + 4);
    close(c);
}

static pid_t blank_pid_waiting(void)
{
    pid_t b[4];
    for (int i = 0; i < 500; i++) {
        if (blank_children(b, 4) == 1) {
            char path[64], exe[256];
            snprintf(path, sizeof path, "/proc/%d/exe", (int)b[0]);
            ssize_t n = readlink(path, exe, sizeof exe - 1);
            exe[n > 0 ? n : 0] = 0;
            if (strstr(exe, "/memfd:nimbus-blank")) return b[0];
        }
        usleep(10 * 1000);
    }
    return -1;
}

TEST(exec_blank_runs_the_native_runner_in_process_with_every_guarantee)
{
    setup();
    char path[700];
    snprintf(path, sizeof path, "%s/handler.so", code_dir);
    ASSERT_EQ(copy_executable(PROBE_SO, path), 0);
    rapi_t api;
    rapi_listen(&api);
    char apienv[64], dataenv[600];
    snprintf(apienv, sizeof apienv, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", api.port);
    snprintf(dataenv, sizeof dataenv, "PROBE_DATA_DIR=%s", data_dir);
    const char *fenv[] = { apienv, "_HANDLER=handler.so", "LAMBDA_TASK_ROOT=/var/task", "POOL_MARK=m-42",
                           "LD_LIBRARY_PATH=/var/task/lib:/var/task:/opt/lib", dataenv, NULL };
    const char *argv[] = { "/var/runtime/runtimes/native/bootstrap", NULL };

    sbx_pool_set_program("runtimes/native/bootstrap", "/var/runtime/runtimes/native/bootstrap");
    sbx_pool_set_size(1);
    ASSERT_EQ(fill_to(1), 1);
    pid_t blank = blank_pid_waiting();
    ASSERT_GE(blank, 1);
    sbx_spec_t s;
    spec_init(&s, argv);
    s.envp = fenv;
    s.name = "fn-probe-1";
    int p[2];
    ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
    s.stdout_fd = s.stderr_fd = p[1];
    sbx_t *sb = NULL;
    ASSERT_EQ(sbx_spawn(&s, &sb), 0);
    close(p[1]);
    ASSERT_EQ(sbx_pid(sb), blank);                      /* the blank itself, no new process */
    rapi_serve_one(&api);
    ASSERT_STREQ(api.first, "GET /2018-06-01/runtime/invocation/next HTTP/1.1");
    const char *o = api.body;
    int uid = -1;
    const char *u = strstr(o, "\"uid\":");
    ASSERT(u != NULL);
    uid = atoi(u + 6);
    ASSERT_EQ(uid, (int)sbx_uid(sb));
    ASSERT_GE(uid, 10000);
    ASSERT_CONTAINS(o, "\"pid\":1,");
    ASSERT_CONTAINS(o, "\"caps\":\"0000000000000000\"");
    ASSERT_CONTAINS(o, "\"bnd\":\"0000000000000000\"");
    ASSERT_CONTAINS(o, "\"nnp\":1,");
    ASSERT_CONTAINS(o, "\"seccomp\":2,");
    ASSERT_CONTAINS(o, "\"dumpable\":1,");
    ASSERT_CONTAINS(o, "\"exe\":\"/memfd:nimbus-blank");   /* not exec'd: in-process */
    ASSERT_CONTAINS(o, "\"host\":\"nimbus\"");
    ASSERT_CONTAINS(o, "\"cwd\":\"/var/task\"");
    ASSERT_CONTAINS(o, "\"fds\":\"0,1,2,3\"");             /* stdio and its Runtime API connection */
    ASSERT_CONTAINS(o, "\"blank_env\":0,");
    ASSERT_CONTAINS(o, "\"environ_mark\":1,");
    ASSERT_CONTAINS(o, "\"mark\":\"m-42\"");
    ASSERT_CONTAINS(o, "\"write_task\":\"EROFS\"");
    ASSERT_CONTAINS(o, "\"data_dir\":\"ENOENT\"");
    ASSERT_CONTAINS(o, "\"mount\":\"EPERM\"");
    ASSERT_CONTAINS(o, "\"tmp\":\"ok\"");
    ASSERT_CONTAINS(o, "\"nofile\":1024,");
    /* its limits were written into the blank's groups before the hand-off */
    char st[4096];
    read_proc(sbx_pid(sb), "cgroup", st, sizeof st);
    ASSERT_CONTAINS(st, "/pool.");
    sbx_kill(sb);
    int status;
    ASSERT_EQ(waitpid(sbx_pid(sb), &status, 0), sbx_pid(sb));
    close(p[0]);
    sbx_release(sb);
    pid_t none[4];
    ASSERT_EQ(blank_children(none, 4), 0);               /* used once: gone with its function */
    ASSERT_EQ(sbx_pool_count(), 0);

    /* What the loader reads at start differs (LD_BIND_NOW): the blank execs the
     * runner instead — here absent from the root, so the spawn fails ENOENT. */
    ASSERT_EQ(fill_to(1), 1);
    ASSERT_GE(blank_pid_waiting(), 1);
    const char *benv[] = { apienv, "_HANDLER=handler.so", "LD_BIND_NOW=1", NULL };
    spec_init(&s, argv);
    s.envp = benv;
    sb = NULL;
    ASSERT_EQ(sbx_spawn(&s, &sb), -ENOENT);
    /* and a library beside the handler, which a search could find: exec'd too */
    snprintf(path, sizeof path, "%s/libextra.so", code_dir);
    ASSERT_EQ(copy_executable(PROBE_SO, path), 0);
    ASSERT_EQ(fill_to(1), 1);
    ASSERT_GE(blank_pid_waiting(), 1);
    spec_init(&s, argv);
    s.envp = fenv;
    ASSERT_EQ(sbx_spawn(&s, &sb), -ENOENT);
    close(api.lfd);
    sbx_pool_drain();
    sbx_pool_set_size(0);
    sbx_pool_set_program(NULL, NULL);
}

/* The pool set to one exec'd blank, filled: the blank's pid. */
static pid_t one_exec_blank(void)
{
    sbx_pool_set_program("runtimes/native/bootstrap", "/var/runtime/runtimes/native/bootstrap");
    sbx_pool_set_size(1);
    ASSERT_EQ(fill_to(1), 1);
    pid_t b = blank_pid_waiting();
    ASSERT_GE(b, 1);
    return b;
}

/* An exec'd blank that dies while waiting (killed from outside) is replaced at
 * once by the pool's filler thread, which watches the waiting ones: its
 * process reaped and its cgroups removed, a new blank in its place. */
TEST(a_dead_exec_blank_is_replaced_and_its_groups_removed)
{
    setup();
    pid_t old = one_exec_blank();
    int dirs = pool_dirs();
    ASSERT_GE(dirs, 1);
    ASSERT_EQ(kill(old, SIGKILL), 0);
    pid_t now = -1;
    for (int i = 0; i < 500; i++) {                     /* no sbx_pool_fill: the pool's own doing */
        now = blank_pid_waiting();
        if (now > 0 && now != old) break;
        usleep(10 * 1000);
    }
    ASSERT(now > 0 && now != old);
    ASSERT_EQ(sbx_pool_count(), 1);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", (int)old);
    ASSERT(access(path, F_OK) != 0);                     /* reaped, not a zombie */
    ASSERT_EQ(pool_dirs(), dirs);                        /* the dead one's groups are gone */
    EXPECT_RESULT("hello", "", "hello");                 /* and the new one serves */
    sbx_pool_drain();
    ASSERT_EQ(pool_dirs(), 0);
    sbx_pool_set_size(0);
    sbx_pool_set_program(NULL, NULL);
}

/* A hand-off an event loop can step (sbx_spawn_begin / sbx_start_step, what
 * Lambda's loop uses): the exec'd blank serves the spawn, its answers are read
 * as they come; with no blank waiting the caller is told to take sbx_spawn's
 * (blocking) way; a start that fails is reported by a step, with its errno. */
static int step_until_done(sbx_start_t *st, sbx_t **sb)
{
    for (int i = 0; i < 1000; i++) {
        struct pollfd pf = { .fd = sbx_start_fd(st), .events = POLLIN };
        poll(&pf, 1, 10);
        int r = sbx_start_step(st, sb);
        if (r != -EAGAIN) return r;
    }
    return -ETIMEDOUT;
}

TEST(a_blank_hand_off_is_stepped_without_waiting)
{
    setup();
    pid_t blank = one_exec_blank();
    const char *argv[] = { "/var/task/hostile", "hello", "", NULL };
    sbx_spec_t s;
    spec_init(&s, argv);
    int p[2];
    ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
    s.stdout_fd = p[1];
    sbx_start_t *st = NULL;
    ASSERT_EQ(sbx_spawn_begin(&s, &st), 1);
    close(p[1]);
    sbx_t *sb = NULL;
    ASSERT_EQ(step_until_done(st, &sb), 0);
    ASSERT_EQ(sbx_pid(sb), blank);                       /* the blank became the instance */
    char line[256];
    read_line(p[0], line, sizeof line);
    ASSERT_STREQ(line, "RESULT hello");
    close(p[0]);
    int status;
    ASSERT_EQ(waitpid(sbx_pid(sb), &status, 0), sbx_pid(sb));
    ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    sbx_release(sb);
    ASSERT_EQ(sbx_pool_count(), 0);

    /* no blank waiting: the blocking way (not taken here) */
    sbx_pool_set_size(0);
    spec_init(&s, argv);
    st = NULL;
    ASSERT_EQ(sbx_spawn_begin(&s, &st), 0);
    ASSERT(st == NULL);

    /* a start that fails (no such program): the step says why, nothing is left */
    sbx_pool_set_size(1);
    ASSERT_EQ(fill_to(1), 1);
    ASSERT_GE(blank_pid_waiting(), 1);
    int dirs = pool_dirs();
    const char *bad[] = { "/var/task/no-such-program", NULL };
    spec_init(&s, bad);
    ASSERT_EQ(sbx_spawn_begin(&s, &st), 1);
    sb = NULL;
    ASSERT_EQ(step_until_done(st, &sb), -ENOENT);
    ASSERT(sb == NULL);
    pid_t none[4];
    ASSERT_EQ(blank_children(none, 4), 0);               /* the blank is gone, reaped */
    ASSERT(pool_dirs() < dirs);                          /* and its groups removed */
    sbx_pool_drain();
    ASSERT_EQ(pool_dirs(), 0);
    sbx_pool_set_size(0);
    sbx_pool_set_program(NULL, NULL);
}
