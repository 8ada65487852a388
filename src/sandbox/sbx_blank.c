/* sbx_blank.c — a pooled blank after it exec'd its program (sbx_pool.c):
 * the program's main calls sbx_blank_run when SBX_BLANK_ENV is set.
 *
 *   exec'd (isolated: namespaces, cgroups, session, PDEATHSIG; still root;
 *   signals blocked; descriptors: its socket, /dev/null, the root template)
 *     ──► wait for the hand-off: the packed plan (sbx_wire.c), stdout/stderr
 *     ──► ack ──► sbx__child_setup: the function's whole sandbox
 *     ──► argv is this program and may_inproc agrees?
 *            yes: dumpable again (as an execve after the uid switch makes it),
 *                 the function's environment, every other descriptor closed
 *                 (the socket's EOF tells nimbus the instance runs), the plan
 *                 wiped ──► main_fn(argc, argv) in this process: no execve
 *            no:  execve(argv) as any instance (sbx__child_exec)
 *
 * Invariants: nothing of the function runs before sbx__child_setup has
 * returned, i.e. before the sandbox is complete (a setup failure is reported
 * and the process exits); a blank serves one hand-off, then runs or exits.
 * libc only (linked into the runner executable). */
#include "sandbox/sbx_blank.h"
#include "sandbox/sbx_internal.h"
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/* The function's environment, copied out of the hand-off buffer (wiped
 * later) into one block, as an execve lays it out: its strings back to back,
 * and the pointer array environ will be. NULL if out of memory. */
static char **env_block(const char *const *envp, char **start, char **end)
{
    size_t n = 0, bytes = 0;
    while (envp[n]) bytes += strlen(envp[n++]) + 1;
    char **v = calloc(n + 1, sizeof *v);
    char *b = malloc(bytes ? bytes : 1);
    if (!v || !b) { free(v); free(b); return NULL; }
    char *at = b;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(envp[i]) + 1;
        memcpy(at, envp[i], len);
        v[i] = at;
        at += len;
    }
    *start = b;
    *end = at;
    return v;
}

int sbx_blank_run(const char *self_argv0, sbx_blank_main_fn main_fn, sbx_blank_inproc_fn may_inproc)
{
    const char *mark = getenv(SBX_BLANK_ENV);
    int sock = -1, devnull = -1;
    if (!mark || sscanf(mark, "%d,%d", &sock, &devnull) != 2 || sock < 3 || devnull < 0) _exit(126);
    /* exec'd at idle priority (sbx_pool.c): from here a cold start may wait on us */
    struct sched_param sp = { .sched_priority = 0 };
    sched_setscheduler(0, SCHED_OTHER, &sp);
    char *buf = malloc(SBX_HANDOFF_MAX);
    if (!buf) _exit(126);
    int fds[2] = { -1, -1 };
    ssize_t n;
    for (;;) {
        union { char b[CMSG_SPACE(sizeof(int) * 2)]; struct cmsghdr align; } u;
        struct iovec iov = { buf, SBX_HANDOFF_MAX };
        struct msghdr m;
        memset(&m, 0, sizeof m);
        m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.b; m.msg_controllen = sizeof u.b;
        n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) _exit(0);                                   /* nimbus closed the pool */
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || !c || c->cmsg_type != SCM_RIGHTS ||
            c->cmsg_len != CMSG_LEN(sizeof fds))
            sbx__child_fail(sock, SBX_STAGE_SETUP, EPROTO, 6);
        memcpy(fds, CMSG_DATA(c), sizeof fds);
        break;
    }
    sbx_plan_t plan;
    if ((size_t)n < sizeof(sbx_handoff_t) ||
        sbx__plan_unpack(buf + sizeof(sbx_handoff_t), (size_t)n - sizeof(sbx_handoff_t), &plan) != 0)
        sbx__child_fail(sock, SBX_STAGE_SETUP, EPROTO, 7);
    sbx_report_t ack = { SBX_REPORT_ACK, 0, 0, 0 };
    if (send(sock, &ack, sizeof ack, MSG_NOSIGNAL) != (ssize_t)sizeof ack) _exit(1);
    plan.fd_out = fds[0];
    plan.fd_err = fds[1];
    plan.sync_fd = sock;
    /* /proc/PID/environ must show the function's environment, as after an
     * execve: the kernel's environment area is moved onto a copy (needs
     * CAP_SYS_RESOURCE, so before the sandbox drops it), else the copy goes
     * into the area the blank's exec reserved (then followed by NULs up to
     * its end); if neither can be done, the function is exec'd. */
    char *env_start = NULL, *env_end = NULL;
    char **env = env_block(plan.envp, &env_start, &env_end);
    if (!env) sbx__child_fail(sock, SBX_STAGE_SETUP, ENOMEM, 8);
    int env_moved = env_end > env_start &&
                    prctl(PR_SET_MM, PR_SET_MM_ENV_START, (unsigned long)env_start, 0, 0) == 0 &&
                    prctl(PR_SET_MM, PR_SET_MM_ENV_END, (unsigned long)env_end, 0, 0) == 0;
    char *area = NULL;
    size_t area_len = 0;
    if (!env_moved) {
        /* the exec laid out "MARK=…\0PAD=   …\0" back to back */
        const char *pad = getenv(SBX_BLANK_PAD_ENV);
        char *first = (char *)mark - sizeof SBX_BLANK_ENV;
        if (pad && pad - sizeof SBX_BLANK_PAD_ENV == mark + strlen(mark) + 1) {
            area = first;
            area_len = (size_t)(pad + strlen(pad) + 1 - first);
        }
    }
    int env_shown = env_moved || (area && (size_t)(env_end - env_start) <= area_len);
    sbx__child_setup(&plan, devnull);           /* returns only with the sandbox complete */

    int inproc = env_shown && plan.argv[1] == NULL && self_argv0 && strcmp(plan.argv[0], self_argv0) == 0 &&
                 may_inproc && may_inproc(plan.argv, plan.envp);
    if (!inproc) sbx__child_exec(&plan);
    char *argv0 = strdup(plan.argv[0]);
    if (!argv0) sbx__child_fail(sock, SBX_STAGE_EXEC, ENOMEM, 1);
    /* An execve after the uid switch would make the process dumpable again
     * (its /proc files its own uid's); the switch itself made it not. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    explicit_bzero(buf, (size_t)n);             /* host paths, the filter: nothing the function needs */
    sbx__plan_unpacked_free(&plan);
    free(buf);
    if (!env_moved) {                           /* into the exec's area, where environ points */
        size_t used = (size_t)(env_end - env_start);
        memcpy(area, env_start, used);
        memset(area + used, 0, area_len - used);
        for (size_t i = 0; env[i]; i++) env[i] = area + (env[i] - env_start);
        free(env_start);
    }
    environ = env;
    /* Every inherited descriptor but stdio: the report socket (its EOF means
     * "running", as an execve's CLOEXEC would), /dev/null, the root template. */
    if (syscall(SYS_close_range, 3u, ~0u, 0) != 0)
        for (int i = 3; i < 1024; i++) close(i);
    char *av[2] = { argv0, NULL };
    return main_fn(1, av);
}
