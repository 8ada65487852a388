/* sbx_net.c — the instance's network.
 *
 * SBX_NET_HOST: the instance shares nimbus's network (Lambda's default: the
 * function reaches the internet and nimbus alike).
 *
 * SBX_NET_NIMBUS_ONLY: a new network namespace with only loopback up. It has
 * no route anywhere, so any non-loopback connect fails at once with
 * ENETUNREACH — no packet leaves. nimbus is made reachable by forwarding, not
 * routing: before exec the child listens on each nimbus address (same
 * ip:port, e.g. 127.0.0.1:9001) on its own loopback and hands the listening
 * sockets to the parent over the report socket. A socket stays in the
 * namespace it was created in whoever holds it, so nimbus accepts inside the
 * instance's namespace and relays each connection to the real address in its
 * own. Why not a veth pair: it needs netlink setup, host routing and nimbus
 * listening on a non-loopback address, and costs milliseconds per instance;
 * the relay costs two sockets per connection and nothing at start.
 *
 * Relay threads: one accept thread per listener, two per relayed connection
 * (one per direction: blocking I/O, half-close aware, no cross-direction stall). A listener is shared by its
 * accept thread and the instance (refcount); sbx__proxy_stop shuts it down,
 * which wakes accept(), and the last holder closes it. Connections end when
 * either side closes — the instance's side closes when it dies. */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include "core/log.h"
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int sbx__parse_hosts(const char *spec, struct sockaddr_in *out, int max)
{
    int n = 0;
    if (!spec) return 0;
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[128];
        if (len == 0 || len >= sizeof item || n == max) return -1;
        memcpy(item, p, len); item[len] = 0;
        char *colon = strrchr(item, ':');
        if (!colon) return -1;
        *colon = 0;
        char *e; long port = strtol(colon + 1, &e, 10);
        if (*e || port <= 0 || port > 65535) return -1;
        const char *host = item;
        if (strcmp(host, "localhost") == 0 || strcmp(host, "0.0.0.0") == 0 || !host[0]) host = "127.0.0.1";
        memset(&out[n], 0, sizeof out[n]);
        out[n].sin_family = AF_INET;
        out[n].sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &out[n].sin_addr) != 1) return -1;
        n++;
        p = end ? end + 1 : p + len;
    }
    return n;
}

/* ---- child ------------------------------------------------------------------------ */
int sbx__net_child(const sbx_plan_t *p, int *listeners)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    int r = 0;
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) r = -errno;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (r == 0 && ioctl(s, SIOCSIFFLAGS, &ifr) != 0) r = -errno;
    close(s);
    if (r < 0) return r;
    for (int i = 0; i < p->nhosts; i++) {
        struct sockaddr_in a = p->hosts[i];
        /* Only loopback exists in here: a non-loopback nimbus address cannot
         * be assigned, so listen on its port on every local address (the
         * function then reaches nimbus at 127.0.0.1:port). */
        if ((ntohl(a.sin_addr.s_addr) >> 24) != 127) a.sin_addr.s_addr = htonl(INADDR_ANY);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -errno;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0) {
            r = -errno; close(fd); return r;
        }
        listeners[i] = fd;
    }
    return 0;
}

/* ---- parent: relay ------------------------------------------------------------------ */
struct sbx_proxy {
    int fd;
    struct sockaddr_in target;
    atomic_int refs;
    atomic_int stop;
};

/* One relayed connection: a thread per direction, so that neither side can
 * stall the other (a single thread blocked writing one way could deadlock
 * against a peer that is itself blocked writing the other way). The second
 * direction to finish closes both sockets. */
typedef struct { int fd[2]; atomic_int live; } conn_t;
typedef struct { conn_t *c; int from; } half_t;

static void proxy_unref(sbx_proxy_t *px)
{
    if (atomic_fetch_sub(&px->refs, 1) == 1) { close(px->fd); free(px); }
}

static void *half_main(void *arg)
{
    half_t h = *(half_t *)arg;
    free(arg);
    int from = h.c->fd[h.from], to = h.c->fd[!h.from];
    char buf[16384];
    for (;;) {
        ssize_t n = read(from, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        ssize_t off = 0;
        while (off < n) {
            ssize_t w = send(to, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            off += w;
        }
        if (off < n) { shutdown(from, SHUT_RD); break; }
    }
    shutdown(to, SHUT_WR);              /* pass the EOF on; the other way may go on */
    if (atomic_fetch_sub(&h.c->live, 1) == 1) {
        close(h.c->fd[0]);
        close(h.c->fd[1]);
        free(h.c);
    }
    return NULL;
}

static int start_thread(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&at, 256 * 1024);
    int r = pthread_create(&t, &at, fn, arg);
    pthread_attr_destroy(&at);
    return r;
}

static void start_relay(int in, const struct sockaddr_in *target)
{
    int out = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (out < 0 || connect(out, (const struct sockaddr *)target, sizeof *target) != 0) {
        nb_log_warn("sandbox", "relay to nimbus: %s", strerror(errno));
        if (out >= 0) close(out);
        close(in);
        return;
    }
    int one = 1;
    setsockopt(out, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
    setsockopt(in, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
    conn_t *c = nb_xmalloc(sizeof *c);
    c->fd[0] = in;
    c->fd[1] = out;
    atomic_store(&c->live, 2);
    for (int dir = 0; dir < 2; dir++) {
        half_t *h = nb_xmalloc(sizeof *h);
        h->c = c;
        h->from = dir;
        if (start_thread(half_main, h) != 0) {
            free(h);
            /* This direction never runs: account for it; end the other. */
            shutdown(c->fd[dir], SHUT_RDWR);
            if (atomic_fetch_sub(&c->live, 1) == 1) { close(c->fd[0]); close(c->fd[1]); free(c); }
        }
    }
}

static void *accept_main(void *arg)
{
    sbx_proxy_t *px = arg;
    while (!atomic_load(&px->stop)) {
        int c = accept4(px->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (atomic_load(&px->stop)) break;
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EINVAL) break;          /* shut down */
            usleep(10000);                       /* EMFILE and friends: back off */
            continue;
        }
        start_relay(c, &px->target);
    }
    proxy_unref(px);
    return NULL;
}

sbx_proxy_t *sbx__proxy_start(int listen_fd, const struct sockaddr_in *target)
{
    sbx_proxy_t *px = nb_xcalloc(1, sizeof *px);
    px->fd = listen_fd;
    px->target = *target;
    atomic_store(&px->refs, 2);
    if (start_thread(accept_main, px) != 0) {
        nb_log_warn("sandbox", "relay thread: %s", strerror(errno));
        close(listen_fd);
        free(px);
        return NULL;
    }
    return px;
}

void sbx__proxy_stop(sbx_proxy_t *px)
{
    if (!px) return;
    atomic_store(&px->stop, 1);
    shutdown(px->fd, SHUT_RDWR);
    proxy_unref(px);
}
