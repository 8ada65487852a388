/* rapi_peer.c — who may connect to an instance's Runtime API.
 *
 * Each instance's Runtime API listens on a loopback port of the host's
 * network (functions without VpcConfig share it). Without a check, any
 * function could connect to another's port, take its next invocation (event,
 * headers) with GET /invocation/next and answer it. On Lambda the Runtime
 * API is reachable only inside the function's own micro-VM; here a
 * connection is admitted only when the socket at its other end belongs to the
 * instance's own uid (root mode gives every function its own, sbx_uid) or to
 * nimbus's (the relay that serves instances in a network namespace of their
 * own, and nimbus's own tests of the API). The owner comes from the kernel
 * (sock_diag, NETLINK_INET_DIAG: the exact socket by its 4-tuple), once per
 * connection — runtimes keep theirs open. Where functions run as nimbus's own
 * uid (user-namespace or plain mode) there is no owner to tell apart, and
 * every local connection is admitted, as before (docs/SANDBOX.md). */
#include "lambda/lambda_int.h"
#include "core/log.h"
#include "sandbox/sandbox.h"
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* The uid owning the TCP socket whose local end is `from` and remote end `to`;
 * 0 and *uid set, or -errno. */
static int socket_owner(const struct sockaddr *from, const struct sockaddr *to, uid_t *uid)
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

int lambda__rapi_admit(void *data, const struct sockaddr *peer, const struct sockaddr *local)
{
    const lambda_inst_t *inst = data;
    uid_t own = sbx_uid(inst->sbx);
    if (own == (uid_t)-1) return 0;   /* no uid of its own to tell it apart */
    uid_t uid = (uid_t)-1;
    int rc = socket_owner(peer, local, &uid);
    if (rc == 0 && (uid == own || uid == geteuid())) return 0;
    if (rc == 0)
        nb_log_warn("lambda", "%s: Runtime API connection from uid %u refused (the instance runs as %u)",
                    inst->id, (unsigned)uid, (unsigned)own);
    else
        nb_log_warn("lambda", "%s: Runtime API connection refused: its owner is unknown (%s)", inst->id,
                    strerror(-rc));
    return -1;
}
