/* hostile.c — a function that tries to escape, run by tests/unit/test_sandbox.c
 * through sbx_spawn. `hostile MODE [ARGS]` attempts one thing and prints one
 * line "RESULT <what happened>" (an errno name, or OK / a value). Built by the
 * test with the host cc; runs inside the sandbox at /var/task/hostile. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e)
{
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EACCES: return "EACCES";
    case EROFS: return "EROFS"; case ENOSPC: return "ENOSPC"; case ESRCH: return "ESRCH";
    case EAGAIN: return "EAGAIN"; case ENETUNREACH: return "ENETUNREACH"; case ECONNREFUSED: return "ECONNREFUSED";
    case ETIMEDOUT: return "ETIMEDOUT"; case ENOSYS: return "ENOSYS"; case EINVAL: return "EINVAL";
    case EHOSTUNREACH: return "EHOSTUNREACH"; case EDQUOT: return "EDQUOT";
    default: { static char b[32]; snprintf(b, sizeof b, "errno%d", e); return b; }
    }
}

static int result(const char *s) { printf("RESULT %s\n", s); fflush(stdout); return 0; }
static int result_errno(int rc) { return result(rc == 0 ? "OK" : ename(errno)); }

static int do_connect(const char *ip, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, ip, &a.sin_addr);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (errno != EINPROGRESS) return result(ename(errno));
        struct pollfd p = { fd, POLLOUT, 0 };
        if (poll(&p, 1, 5000) != 1) return result("ETIMEDOUT");
        int err = 0; socklen_t l = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err) return result(ename(err));
    }
    fcntl(fd, F_SETFL, 0);
    if (write(fd, "ping", 4) != 4) return result(ename(errno));
    char buf[16] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n <= 0) return result("NOREPLY");
    buf[n] = 0;
    return result(buf);
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    const char *a = argc > 2 ? argv[2] : "";
    if (!strcmp(m, "hello")) return result("hello");
    if (!strcmp(m, "read_dir")) { DIR *d = opendir(a); if (d) closedir(d); return result(d ? "OK" : ename(errno)); }
    if (!strcmp(m, "read_file")) {
        int fd = open(a, O_RDONLY);
        if (fd < 0) return result(ename(errno));
        char buf[64] = {0};
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) buf[strcspn(buf, "\n")] = 0;
        return result(n > 0 ? buf : "EMPTY");
    }
    if (!strcmp(m, "write_file")) { int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644); return result_errno(fd < 0 ? -1 : 0); }
    if (!strcmp(m, "whoami")) {
        char host[64] = "", line[256], caps[64] = "?", nnp[8] = "?", sec[8] = "?";
        gethostname(host, sizeof host);
        FILE *f = fopen("/proc/self/status", "r");
        while (f && fgets(line, sizeof line, f)) {
            if (!strncmp(line, "CapEff:", 7)) sscanf(line + 7, "%63s", caps);
            if (!strncmp(line, "NoNewPrivs:", 11)) sscanf(line + 11, "%7s", nnp);
            if (!strncmp(line, "Seccomp:", 8)) sscanf(line + 8, "%7s", sec);
        }
        if (f) fclose(f);
        struct rlimit nf, core;
        getrlimit(RLIMIT_NOFILE, &nf); getrlimit(RLIMIT_CORE, &core);
        char cwd[256] = "";
        if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "?");
        printf("RESULT uid=%d gid=%d pid=%d caps=%s nnp=%s seccomp=%s host=%s nofile=%llu core=%llu cwd=%s\n",
               (int)getuid(), (int)getgid(), (int)getpid(), caps, nnp, sec, host,
               (unsigned long long)nf.rlim_cur, (unsigned long long)core.rlim_cur, cwd);
        return 0;
    }
    if (!strcmp(m, "mounts")) {      /* every mount point this process can see */
        FILE *f = fopen("/proc/self/mountinfo", "r");
        char line[1024], mp[512];
        printf("RESULT");
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "%*s %*s %*s %*s %511s", mp) == 1) printf(" %s", mp);
        printf("\n");
        if (f) fclose(f);
        return 0;
    }
    if (!strcmp(m, "chroot")) return result_errno(chroot("/tmp"));
    if (!strcmp(m, "home")) {         /* the passwd entry of the instance's own uid */
        struct passwd *pw = getpwuid(getuid());
        return result(pw ? pw->pw_dir : "ENOENT");
    }
    if (!strcmp(m, "ls")) {
        DIR *d = opendir(a);
        printf("RESULT");
        struct dirent *e;
        while (d && (e = readdir(d))) if (e->d_name[0] != '.') printf(" %s", e->d_name);
        printf("\n");
        return 0;
    }
    if (!strcmp(m, "alloc")) {
        long mb = atol(a);
        for (long i = 0; i < mb; i++) {
            char *p = malloc(1 << 20);
            if (!p) return result("ENOMEM");
            memset(p, (int)i, 1 << 20);
        }
        return result("OK");
    }
    if (!strcmp(m, "forkbomb")) {
        int said = 0;
        for (;;) {
            pid_t p = fork();
            if (p < 0 && !said) { printf("RESULT %s\n", ename(errno)); fflush(stdout); said = 1; }
            if (p < 0) pause();
        }
    }
    if (!strcmp(m, "fill_tmp")) {
        int fd = open("/tmp/fill", O_WRONLY | O_CREAT, 0644);
        if (fd < 0) return result(ename(errno));
        static char buf[1 << 20];
        for (;;) if (write(fd, buf, sizeof buf) < 0) return result(ename(errno));
    }
    if (!strcmp(m, "kill")) return result_errno(kill((pid_t)atoi(a), SIGKILL));
    if (!strcmp(m, "ptrace")) {
        pid_t c = fork();
        if (c == 0) { pause(); _exit(0); }
        long r = ptrace(PTRACE_ATTACH, c, 0, 0);
        int e = errno;
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
        errno = e;
        return result_errno(r == 0 ? 0 : -1);
    }
    if (!strcmp(m, "mount")) return result_errno(mount("none", "/tmp", "tmpfs", 0, NULL));
    if (!strcmp(m, "unshare")) return result_errno(unshare(CLONE_NEWUSER));
    if (!strcmp(m, "raw")) { int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP); return result_errno(fd < 0 ? -1 : 0); }
    if (!strcmp(m, "cgroup")) {
        int fd = open("/sys/fs/cgroup/cgroup.procs", O_WRONLY);
        if (fd < 0) return result(ename(errno));
        return result_errno(write(fd, "0", 1) == 1 ? 0 : -1);
    }
    if (!strcmp(m, "tmp_put")) {
        int fd = open("/tmp/secret-marker", O_WRONLY | O_CREAT, 0644);
        result(fd < 0 ? ename(errno) : "OK");
        pause();
        return 0;
    }
    if (!strcmp(m, "stat")) { struct stat st; return result_errno(stat(a, &st)); }
    if (!strcmp(m, "connect")) return do_connect(a, argc > 3 ? atoi(argv[3]) : 80);
    if (!strcmp(m, "echo_big")) {            /* 4 MB through an echoing nimbus, both ways at once */
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3])) };
        inet_pton(AF_INET, a, &sa.sin_addr);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) return result(ename(errno));
        pid_t w = fork();
        if (w == 0) {
            static char buf[65536];
            for (int i = 0; i < 64; i++)
                for (size_t off = 0; off < sizeof buf;) {
                    ssize_t n = write(fd, buf + off, sizeof buf - off);
                    if (n <= 0) _exit(1);
                    off += (size_t)n;
                }
            shutdown(fd, SHUT_WR);
            _exit(0);
        }
        long total = 0;
        char buf[65536];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) total += n;
        waitpid(w, NULL, 0);
        printf("RESULT %ld\n", total);
        return 0;
    }
    if (!strcmp(m, "counter")) {
        for (unsigned long i = 0;; i++) { printf("%lu\n", i); fflush(stdout); usleep(1000); }
    }
    if (!strcmp(m, "tmpdir")) {              /* where temporary files go, and that it works */
        const char *t = getenv("TMPDIR");
        char path[512];
        snprintf(path, sizeof path, "%s/probe", t ? t : "/tmp");
        int fd = open(path, O_WRONLY | O_CREAT, 0600);
        printf("RESULT %s %s\n", t ? t : "(unset)", fd < 0 ? ename(errno) : "OK");
        return 0;
    }
    if (!strcmp(m, "pause")) { result("OK"); pause(); return 0; }
    return result("BADMODE");
}
