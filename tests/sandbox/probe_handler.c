/* probe_handler.c — a native Lambda handler (include/nimbus/lambda.h) that
 * reports the sandbox it runs in as one JSON object: ids, pid, capabilities,
 * no_new_privs, seccomp, dumpable, /proc/self/exe, hostname, cwd, open
 * descriptors, whether /proc/self/environ is its own environment (POOL_MARK),
 * and the errno of a few escapes (write /var/task, reach PROBE_DATA_DIR,
 * mount). Built with -DWITH_DEP it also calls dep_value() from a library of
 * its own. Used by tests/unit/test_sandbox.c (a pooled blank running the
 * native runner in-process) and tests/e2e/sandbox/test_sandbox_pool.py. */
#include <nimbus/lambda.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef WITH_DEP
int dep_value(void);
#else
static int dep_value(void) { return 0; }
#endif

static void status_field(const char *name, char *out, size_t cap)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0) close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *p = strstr(buf, name);
    out[0] = 0;
    if (p) sscanf(p + strlen(name), " %63s", out);
}

static const char *err(int r) { return r == 0 ? "ok" : errno == EROFS ? "EROFS" : errno == ENOENT ? "ENOENT" :
                                 errno == EPERM ? "EPERM" : errno == EACCES ? "EACCES" : "other"; }

int nimbus_handler(const nimbus_event_t *ev, nimbus_response_t *r, const nimbus_context_t *ctx)
{
    char caps[64], bnd[64], nnp[64], sec[64], exe[256] = "", host[64] = "", cwd[256] = "", fds[256] = "";
    status_field("CapEff:", caps, sizeof caps);
    status_field("CapBnd:", bnd, sizeof bnd);
    status_field("NoNewPrivs:", nnp, sizeof nnp);
    status_field("Seccomp:", sec, sizeof sec);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    gethostname(host, sizeof host);
    if (!getcwd(cwd, sizeof cwd)) cwd[0] = 0;
    DIR *d = opendir("/proc/self/fd");
    int dfd = d ? dirfd(d) : -1;
    struct dirent *e;
    int list[64], nl = 0;
    while (d && (e = readdir(d)) && nl < 64)
        if (e->d_name[0] != '.' && atoi(e->d_name) != dfd) list[nl++] = atoi(e->d_name);
    if (d) closedir(d);
    for (int i = 0; i < nl; i++)
        for (int j = i + 1; j < nl; j++) if (list[j] < list[i]) { int t = list[i]; list[i] = list[j]; list[j] = t; }
    for (int i = 0; i < nl; i++) snprintf(fds + strlen(fds), sizeof fds - strlen(fds), i ? ",%d" : "%d", list[i]);
    char env[32768];
    int efd = open("/proc/self/environ", O_RDONLY);
    ssize_t en = efd >= 0 ? read(efd, env, sizeof env) : -1;
    if (efd >= 0) close(efd);
    int environ_mark = 0;
    const char *mark = getenv("POOL_MARK");
    for (ssize_t i = 0; mark && en > 0 && i < en; i += (ssize_t)strlen(env + i) + 1)
        if (strncmp(env + i, "POOL_MARK=", 10) == 0 && strcmp(env + i + 10, mark) == 0) environ_mark = 1;
    int w = open("/var/task/evil", O_WRONLY | O_CREAT, 0644);
    const char *write_task = err(w >= 0 ? 0 : -1);
    const char *data_dir = err(access(getenv("PROBE_DATA_DIR") ? getenv("PROBE_DATA_DIR") : "/", F_OK));
    const char *mnt = err(mount("none", "/tmp", "tmpfs", 0, NULL));
    int t = open("/tmp/probe", O_WRONLY | O_CREAT, 0644);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    nimbus_response_printf(r, "{\"uid\":%d,\"gid\":%d,\"pid\":%d,\"caps\":\"%s\",\"bnd\":\"%s\",\"nnp\":%s,"
        "\"seccomp\":%s,\"dumpable\":%d,\"exe\":\"%s\",\"host\":\"%s\",\"cwd\":\"%s\",\"fds\":\"%s\","
        "\"blank_env\":%d,\"environ_mark\":%d,\"mark\":\"%s\",\"write_task\":\"%s\",\"data_dir\":\"%s\","
        "\"mount\":\"%s\",\"tmp\":\"%s\",\"nofile\":%llu,\"dep\":%d}",
        (int)getuid(), (int)getgid(), (int)getpid(), caps, bnd, nnp, sec, prctl(PR_GET_DUMPABLE), exe, host, cwd, fds,
        getenv("NIMBUS_SBX_BLANK") || getenv("NIMBUS_SBX_PAD") ? 1 : 0, environ_mark, mark ? mark : "",
        write_task, data_dir, mnt, t >= 0 ? "ok" : "fail", (unsigned long long)rl.rlim_cur, dep_value());
    if (t >= 0) close(t);
    if (w >= 0) close(w);
    return 0;
}
