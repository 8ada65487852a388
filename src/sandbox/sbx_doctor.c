/* sbx_doctor.c — what isolation this host gives, probed once.
 *
 * The probe decides the mode every later spawn uses:
 *   ROOT    euid 0: all namespaces, cgroups, per-function uid, seccomp
 *   USERNS  not root but user namespaces allowed: namespaces (mount, PID, IPC,
 *           UTS, net), seccomp, no capabilities — no cgroup limits
 *   PLAIN   neither: a plain process with rlimits
 * and writes the report `nimbus doctor` prints (sbx_features) and the
 * warning nimbus logs at start-up when isolation is partial. The probe runs
 * under pthread_once, the root template and the report under a second one
 * after it; afterwards everything here is read-only. */
#include "sandbox/sbx_internal.h"
#include "core/log.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

static sbx_host_t host;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char report[4096];
static char warning[1024];
static char cg_report[1024];   /* the cgroup lines of report, from the probe */

static int read_int(const char *path, int dflt)
{
    char buf[32];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return dflt;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return dflt;
    buf[n] = 0;
    return atoi(buf);
}

/* Can we create a user namespace (with the others)? Ask the kernel: start a
 * child in them and see whether it runs. */
static int userns_works(char *why, size_t cap)
{
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
    sbx_child_spawning();
    pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), 0, 0, 0, 0);
    if (pid == 0) _exit(0);
    int err = errno;
    sbx_child_spawned(pid);
    errno = err;
    if (pid < 0) {
        snprintf(why, cap, "user namespaces refused (%s; see kernel.unprivileged_userns_clone, "
                 "user.max_user_namespaces, AppArmor)", strerror(errno));
        return 0;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    sbx_child_reaped(pid);
    return 1;
}

static int have_clone3(void)
{
    /* clone3 with a too-small size fails with EINVAL where it exists, ENOSYS where not. */
    long r = syscall(SYS_clone3, NULL, 0);
    return !(r < 0 && errno == ENOSYS);
}

int sbx__option(const char *name)
{
    const char *v = getenv("NIMBUS_SANDBOX");
    size_t n = strlen(name);
    for (const char *p = v; p && *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && strncmp(p, name, n) == 0) return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static int full_isolation(void)
{
    return host.mode == SBX_MODE_ROOT && host.seccomp.len > 0 && sbx__cg_full();
}

static void probe(void)
{
    host.cap_last = read_int("/proc/sys/kernel/cap_last_cap", 63);
    host.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    host.template_fd = -1;
    snprintf(host.template_why, sizeof host.template_why, "needs root");
    host.have_clone3 = have_clone3();
    host.use_vfork = !sbx__option("fork");
    const char *why_mnt = sbx__mount_prepare(&host.rootmnt);
    if (sbx__seccomp_build(&host.seccomp, &host.seccomp_denied, host.seccomp_why,
                           sizeof host.seccomp_why) < 0)
        host.seccomp.len = 0;

    if (why_mnt) {
        host.mode = SBX_MODE_PLAIN;
        snprintf(host.mode_why, sizeof host.mode_why, "%s", why_mnt);
    } else if (geteuid() == 0) {
        host.mode = SBX_MODE_ROOT;
    } else if (sbx__option("no-userns")) {
        host.mode = SBX_MODE_PLAIN;
        snprintf(host.mode_why, sizeof host.mode_why, "not root, and NIMBUS_SANDBOX=no-userns");
    } else if (userns_works(host.mode_why, sizeof host.mode_why)) {
        host.mode = SBX_MODE_USERNS;
        snprintf(host.mode_why, sizeof host.mode_why, "not root: user namespace, no cgroups, own uid");
    } else {
        host.mode = SBX_MODE_PLAIN;
    }

    sbx__cg_probe(cg_report, sizeof cg_report);
    static const char *const mode_name[] = { "plain process (rlimits only)", "user namespace", "root" };
    if (!full_isolation()) {
        snprintf(warning, sizeof warning,
                 "functions are NOT fully isolated on this host: mode %s%s%s%s; memory limits %s, "
                 "fork bombs %s. Run nimbus as root for full isolation; `nimbus doctor` lists "
                 "each feature.", mode_name[host.mode],
                 host.mode_why[0] ? " (" : "", host.mode_why, host.mode_why[0] ? ")" : "",
                 sbx__cg_full() ? "enforced" : "NOT enforced", sbx__cg_full() ? "contained" : "NOT contained");
    }
}

/* The root template (root mode only) is built under its own once, after the
 * probe: deciding the mode — what Lambda's start-up asks — does not wait for
 * it. nimbus up builds it on its preload thread (src/main.c); the first
 * spawn or `nimbus doctor` otherwise. The report names it, so it is written
 * here too. */
static pthread_once_t template_once = PTHREAD_ONCE_INIT;

static void template_build(void)
{
    if (host.mode == SBX_MODE_ROOT) {
        if (sbx__option("no-template"))
            snprintf(host.template_why, sizeof host.template_why, "NIMBUS_SANDBOX=no-template");
        else
            host.template_fd = sbx__template_build(host.template_why, sizeof host.template_why);
    }
    static const char *const mode_name[] = { "plain process (rlimits only)", "user namespace", "root" };
    int ns = host.mode != SBX_MODE_PLAIN;
    char seccomp[200];
    if (!host.seccomp.len) snprintf(seccomp, sizeof seccomp, "off (%s)", host.seccomp_why);
    else if (!ns) snprintf(seccomp, sizeof seccomp, "off (plain processes are not filtered)");
    else snprintf(seccomp, sizeof seccomp, "on (%d system calls refused)", host.seccomp_denied);
    int n = snprintf(report, sizeof report,
                 "sandbox mode: %s%s%s%s\n"
                 "mount namespace: %s\n"
                 "pid namespace: %s\n"
                 "ipc and uts namespaces: %s\n"
                 "network namespace: %s\n"
                 "user: %s\n"
                 "capabilities: %s\n"
                 "seccomp: %s\n"
                 "root template: %s%s%s\n"
                 "spawn: %s\n"
                 "when nimbus dies: %s\n",
                 mode_name[host.mode], host.mode_why[0] ? " (" : "", host.mode_why,
                 host.mode_why[0] ? ")" : "",
                 ns ? "on (read-only root, /var/task, /opt, private /tmp)" : "off",
                 ns ? "on" : "off",
                 ns ? "on" : "off",
                 ns ? "on for nimbus-only functions (loopback + relay to nimbus)" : "off",
                 host.mode == SBX_MODE_ROOT ? "per-function uid/gid 10000-59999"
                 : host.mode == SBX_MODE_USERNS ? "own uid inside a user namespace" : "nimbus's own uid",
                 ns ? "none (bounding set emptied, no_new_privs)" : "inherited (not dropped)",
                 seccomp, host.template_fd >= 0 ? "on (prebuilt, cloned per spawn)" : ns ? "off (" : "off",
                 host.template_fd >= 0 || !ns ? "" : host.template_why,
                 host.template_fd >= 0 || !ns ? "" : "; each spawn builds its root)",
                 host.use_vfork ? "vfork-style clone into the namespaces (memory shared until exec)"
                 : host.have_clone3 ? "fork-style clone3 into the namespaces" : "fork-style clone into the namespaces",
                 ns ? "each instance's PID namespace dies with its init; a watchdog process kills the "
                      "rest (v1-frozen instances, isolate=0)"
                    : sbx__supervise_on()
                      ? "each instance's supervisor (a child subreaper) kills every descendant, setsid'd "
                        "ones too; a watchdog process wakes it"
                      : "a watchdog process kills each instance's process group (NIMBUS_SANDBOX=no-supervisor: "
                        "processes that leave it escape)");
    if (n > 0 && (size_t)n < sizeof report) snprintf(report + n, sizeof report - (size_t)n, "%s", cg_report);
}

const sbx_host_t *sbx__host(void)
{
    pthread_once(&once, probe);
    return &host;
}

const sbx_host_t *sbx__host_template(void)
{
    sbx__host();
    pthread_once(&template_once, template_build);
    return &host;
}

void sbx_prepare(void)
{
    /* Plain processes need the watchdog (sbx_reaper.c) from their first spawn
     * on: start it here, off a cold start's path. */
    if (sbx__host_template()->mode == SBX_MODE_PLAIN) sbx__reaper_start();
}

const char *sbx_features(void)
{
    sbx__host_template();
    return report;
}

int sbx_fully_isolated(void)
{
    sbx__host();
    return full_isolation();
}

int sbx_namespaces_available(void)
{
    return sbx__host()->mode != SBX_MODE_PLAIN;
}

const char *sbx_startup_warning(void)
{
    sbx__host();
    return warning[0] ? warning : NULL;
}
