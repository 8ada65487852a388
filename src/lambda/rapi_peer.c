/* rapi_peer.c — who may connect to an instance's Runtime API.
 *
 * Each instance's Runtime API listens on a loopback port of the host's
 * network (functions without VpcConfig share it). Without a check, any
 * function could connect to another's port, take its next invocation (event,
 * headers) with GET /invocation/next and answer it. On Lambda the Runtime
 * API is reachable only inside the function's own micro-VM; here a
 * connection is admitted only when the socket at its other end is the
 * instance's own or nimbus's (the relay that serves instances in a network
 * namespace of their own, and nimbus's own tests of the API). The socket is
 * found through the kernel (sock_diag, NETLINK_INET_DIAG: the exact socket by
 * its 4-tuple, with its owner's uid and its inode), once per connection —
 * runtimes keep theirs open:
 *   - root mode gives every function its own uid (sbx_uid): the owner's uid
 *     decides;
 *   - where functions run as nimbus's own uid (user-namespace or plain mode)
 *     the uid tells nothing, so the socket's inode must be open in a process
 *     of the instance (its leader and descendants, walked through
 *     /proc/PID/task/TID/children) or in nimbus itself. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/log.h"
#include "sandbox/sandbox.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* The uid owning the TCP socket whose local end is `from` and remote end `to`,
 * and its inode; 0 and *uid, *ino set, or -errno. */
static int socket_owner(const struct sockaddr *from, const struct sockaddr *to, uid_t *uid, unsigned long *ino)
{
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 req;
    } msg;
    memset(&msg, 0, sizeof msg);
    msg.nlh.nlmsg_len = sizeof msg;
    msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nlh.nlmsg_flags = NLM_F_REQUEST;
    msg.req.sdiag_family = (uint8_t)from->sa_family;
    msg.req.sdiag_protocol = IPPROTO_TCP;
    msg.req.idiag_states = ~0u;
    msg.req.id.idiag_cookie[0] = msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    if (from->sa_family == AF_INET && to->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const void *)from, *b = (const void *)to;
        msg.req.id.idiag_sport = a->sin_port;
        msg.req.id.idiag_dport = b->sin_port;
        memcpy(msg.req.id.idiag_src, &a->sin_addr, 4);
        memcpy(msg.req.id.idiag_dst, &b->sin_addr, 4);
    } else if (from->sa_family == AF_INET6 && to->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const void *)from, *b = (const void *)to;
        msg.req.id.idiag_sport = a->sin6_port;
        msg.req.id.idiag_dport = b->sin6_port;
        memcpy(msg.req.id.idiag_src, &a->sin6_addr, 16);
        memcpy(msg.req.id.idiag_dst, &b->sin6_addr, 16);
    } else {
        return -EAFNOSUPPORT;
    }
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -errno;
    struct timeval tv = {1, 0};   /* the kernel answers at once; never hang the loop */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
    int rc = -EIO;
    if (sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&nl, sizeof nl) != (ssize_t)sizeof msg) {
        rc = -errno;
    } else {
        union { char buf[8192]; struct nlmsghdr align; } u;
        ssize_t n = recv(fd, u.buf, sizeof u.buf, 0);
        const struct nlmsghdr *h = (const struct nlmsghdr *)u.buf;
        if (n < 0) {
            rc = -errno;
        } else if (NLMSG_OK(h, (size_t)n) && h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
                   h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
            const struct inet_diag_msg *d = NLMSG_DATA(h);
            *uid = (uid_t)d->idiag_uid;
            *ino = (unsigned long)d->idiag_inode;
            rc = 0;
        } else if (NLMSG_OK(h, (size_t)n) && h->nlmsg_type == NLMSG_ERROR &&
                   h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
            const struct nlmsgerr *e = NLMSG_DATA(h);
            rc = e->error ? e->error : -ENOENT;
        }
    }
    close(fd);
    return rc;
}

/* Is "socket:[ino]" open in process pid (its /proc/PID/fd)? */
static int holds_socket(pid_t pid, const char *want)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return 0;
    DIR *d = fdopendir(dfd);
    if (!d) { close(dfd); return 0; }
    int found = 0;
    size_t wl = strlen(want);
    struct dirent *e;
    char link[64];
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        ssize_t n = readlinkat(dirfd(d), e->d_name, link, sizeof link);
        found = n == (ssize_t)wl && memcmp(link, want, wl) == 0;
    }
    closedir(d);
    return found;
}

#define TREE_MAX 512   /* processes of one instance looked at; its pids limit is lower */

/* Is the socket open in a process of the tree rooted at root (the
 * instance's leader)? Children come from /proc/PID/task/TID/children of
 * every thread. */
static int tree_holds(pid_t root, const char *want)
{
    pid_t *q = nb_xmalloc(TREE_MAX * sizeof *q);
    size_t n = 0, at = 0;
    q[n++] = root;
    int found = 0;
    while (!found && at < n) {
        pid_t pid = q[at++];
        if (holds_socket(pid, want)) { found = 1; break; }
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
        DIR *d = opendir(path);
        if (!d) continue;
        struct dirent *e;
        while ((e = readdir(d)) && n < TREE_MAX) {
            if (e->d_name[0] == '.') continue;
            char cpath[384], buf[4096];
            snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children", (int)pid, e->d_name);
            int fd = open(cpath, O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            ssize_t len = read(fd, buf, sizeof buf - 1);
            close(fd);
            if (len <= 0) continue;
            buf[len] = 0;
            for (char *t = buf, *end; n < TREE_MAX; t = end) {
                long c = strtol(t, &end, 10);
                if (end == t) break;
                if (c > 0) q[n++] = (pid_t)c;
            }
        }
        closedir(d);
    }
    free(q);
    return found;
}

int lambda__rapi_admit(void *data, const struct sockaddr *peer, const struct sockaddr *local)
{
    lambda_inst_t *inst = data;
    /* Its process may run before the loop heard the spawn finish. */
    if (lambda__inst_settle(inst) != 0) return -1;
    uid_t own = sbx_uid(inst->sbx);
    uid_t uid = (uid_t)-1;
    unsigned long ino = 0;
    int rc = socket_owner(peer, local, &uid, &ino);
    if (rc == 0 && own != (uid_t)-1) {   /* root mode: a uid of its own */
        if (uid == own || uid == geteuid()) return 0;
        nb_log_warn("lambda", "%s: Runtime API connection from uid %u refused (the instance runs as %u)",
                    inst->id, (unsigned)uid, (unsigned)own);
        return -1;
    }
    if (rc == 0) {   /* the instance's processes run as nimbus's uid: whose socket is it? */
        char want[40];
        snprintf(want, sizeof want, "socket:[%lu]", ino);
        if ((inst->pid > 0 && tree_holds(inst->pid, want)) || holds_socket(getpid(), want)) return 0;
        nb_log_warn("lambda", "%s: Runtime API connection refused: it is not the instance's (nor nimbus's)",
                    inst->id);
        return -1;
    }
    if (own == (uid_t)-1) {
        /* no socket diagnostics here (a restricted netlink): nothing to tell
         * instances apart by, as in plain mode before this check (doctor) */
        static int warned;
        if (!warned++)
            nb_log_warn("lambda", "Runtime API connections cannot be traced to their process (%s): "
                        "admitted without the check", strerror(-rc));
        return 0;
    }
    nb_log_warn("lambda", "%s: Runtime API connection refused: its owner is unknown (%s)", inst->id, strerror(-rc));
    return -1;
}
