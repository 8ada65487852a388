/* rapi_client.c — see rapi_client.h. The native runner's HTTP/1.1 client.
 *
 * Buffer invariant: c->buf[c->off .. c->len) holds bytes received and not yet
 * consumed; a response is parsed at the front after compaction. The byte
 * after the last response's body is replaced by a NUL (so the event is a C
 * string); if that byte belonged to a following response it is kept in
 * c->held and put back at the next compaction. */
#include "lambda_native/rapi_client.h"
#include "core/alloc.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_HEAD (64u * 1024u)
#define MAX_BODY (64u * 1024u * 1024u)
#define MIN_BUF  (16u * 1024u)

/* ---- parsing ------------------------------------------------------------ */

static int name_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static int parse_length(const char *v, size_t *out)
{
    size_t n = 0;
    if (!*v) return -1;
    for (; *v; v++) {
        if (*v < '0' || *v > '9') return -1;
        n = n * 10 + (size_t)(*v - '0');
        if (n > MAX_BODY) return -1;
    }
    *out = n;
    return 0;
}

long lambda_native__parse_head(char *buf, size_t len, lambda_native_head_t *out)
{
    char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end) return len > MAX_HEAD ? -1 : -2;
    size_t head_len = (size_t)(end - buf) + 4;
    if (head_len > MAX_HEAD) return -1;
    memset(out, 0, sizeof *out);

    /* "HTTP/1.x SSS[ reason]\r\n" */
    if (head_len < 16 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ') return -1;
    for (int i = 9; i < 12; i++)
        if (buf[i] < '0' || buf[i] > '9') return -1;
    if (buf[12] != ' ' && buf[12] != '\r') return -1;
    out->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    char *line = memchr(buf, '\r', head_len);
    if (line[1] != '\n' || memchr(buf, '\n', (size_t)(line - buf))) return -1; /* CRLF only */
    line += 2;

    char *stop = end + 2; /* the blank line */
    int have_length = 0;
    while (line < stop) {
        char *eol = memchr(line, '\r', (size_t)(stop - line));
        if (!eol || eol[1] != '\n' || memchr(line, '\n', (size_t)(eol - line))) return -1;
        char *colon = memchr(line, ':', (size_t)(eol - line));
        if (!colon || colon == line) return -1;
        size_t nlen = (size_t)(colon - line);
        for (size_t i = 0; i < nlen; i++)
            if (line[i] == ' ' || line[i] == '\t') return -1;
        char *v = colon + 1, *vend = eol;
        while (v < vend && (*v == ' ' || *v == '\t')) v++;
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t')) vend--;
        char *next = eol + 2;
        *vend = '\0';

        if (name_is(line, nlen, "content-length")) {
            size_t n;
            if (parse_length(v, &n) != 0) return -1;
            if (have_length && n != out->content_length) return -1;
            out->content_length = n;
            have_length = 1;
        } else if (name_is(line, nlen, "transfer-encoding")) {
            return -1;
        } else if (name_is(line, nlen, "connection")) {
            out->conn_close = strcasecmp(v, "close") == 0;
        } else if (nlen > 15 && strncasecmp(line, "lambda-runtime-", 15) == 0) {
            const char *n = line + 15;
            size_t k = nlen - 15;
            if (name_is(n, k, "aws-request-id")) out->request_id = v;
            else if (name_is(n, k, "deadline-ms")) out->deadline_ms = v;
            else if (name_is(n, k, "invoked-function-arn")) out->function_arn = v;
            else if (name_is(n, k, "trace-id")) out->trace_id = v;
            else if (name_is(n, k, "client-context")) out->client_context = v;
            else if (name_is(n, k, "cognito-identity")) out->cognito_identity = v;
        }
        line = next;
    }
    out->head_len = head_len;
    return (long)head_len;
}

/* ---- connection --------------------------------------------------------- */

int lambda_native__conn_init(lambda_native_conn_t *c, const char *hostport)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    char host[256];
    const char *port;
    if (hostport[0] == '[') {
        const char *close = strchr(hostport, ']');
        if (!close || close[1] != ':' || (size_t)(close - hostport - 1) >= sizeof host) goto bad;
        memcpy(host, hostport + 1, (size_t)(close - hostport - 1));
        host[close - hostport - 1] = '\0';
        port = close + 2;
    } else {
        const char *colon = strrchr(hostport, ':');
        if (!colon || (size_t)(colon - hostport) >= sizeof host) goto bad;
        memcpy(host, hostport, (size_t)(colon - hostport));
        host[colon - hostport] = '\0';
        port = colon + 1;
    }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || !res) {
        fprintf(stderr, "nimbus native-runner: cannot resolve %s: %s\n", hostport, gai_strerror(rc));
        return -1;
    }
    memcpy(&c->addr, res->ai_addr, res->ai_addrlen);
    c->addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    c->cap = MIN_BUF;
    c->buf = nb_xmalloc(c->cap);
    return 0;
bad:
    fprintf(stderr, "nimbus native-runner: bad AWS_LAMBDA_RUNTIME_API %s\n", hostport);
    return -1;
}

void lambda_native__conn_close(lambda_native_conn_t *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
}

static void drop(lambda_native_conn_t *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->len = c->off = 0;
}

static int connect_now(lambda_native_conn_t *c)
{
    int fd = socket(c->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    if (c->addr.ss_family != AF_UNIX) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc;
    do rc = connect(fd, (struct sockaddr *)&c->addr, c->addrlen);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    c->fd = fd;
    c->len = c->off = 0;
    return 0;
}

/* Writes every iovec of reqs[0..n); 0 or -1 (errno set). */
static int send_all(lambda_native_conn_t *c, const lambda_native_req_t *reqs, int n)
{
    struct iovec iov[24];
    int cnt = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < reqs[i].iovcnt && cnt < 24; j++)
            if (reqs[i].iov[j].iov_len) iov[cnt++] = reqs[i].iov[j];
    struct iovec *p = iov;
    while (cnt > 0) {
        struct msghdr m = { .msg_iov = p, .msg_iovlen = (size_t)cnt };
        ssize_t w = sendmsg(c->fd, &m, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        size_t left = (size_t)w;
        while (cnt > 0 && left >= p->iov_len) {
            left -= p->iov_len;
            p++;
            cnt--;
        }
        if (cnt > 0) {
            p->iov_base = (char *)p->iov_base + left;
            p->iov_len -= left;
        }
    }
    return 0;
}

/* Makes room for `need` bytes (+1 for the NUL), keeping the head's string
 * pointers valid across a reallocation. */
static void reserve(lambda_native_conn_t *c, size_t need, lambda_native_head_t *h)
{
    if (need + 1 <= c->cap) return;
    const char **f[] = { &h->request_id, &h->deadline_ms, &h->function_arn,
                         &h->trace_id, &h->client_context, &h->cognito_identity };
    size_t offs[sizeof f / sizeof f[0]];
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        offs[i] = *f[i] ? (size_t)(*f[i] - c->buf) : SIZE_MAX;
    size_t cap = c->cap;
    while (cap < need + 1) cap *= 2;
    c->buf = nb_xrealloc(c->buf, cap);
    c->cap = cap;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        *f[i] = offs[i] == SIZE_MAX ? NULL : c->buf + offs[i];
}

/* Reads one response. 0 ok; 1 the peer closed before sending any byte of it
 * (an idle keep-alive connection closed: safe to re-send); -1 failure. */
static int read_response(lambda_native_conn_t *c, lambda_native_head_t *h, int *held, char *held_byte)
{
    if (*held) { /* put back the byte the previous body's NUL replaced */
        c->buf[c->off] = *held_byte;
        *held = 0;
    }
    if (c->off) {
        memmove(c->buf, c->buf + c->off, c->len - c->off);
        c->len -= c->off;
        c->off = 0;
    }
    long hl;
    for (;;) {
        hl = c->len ? lambda_native__parse_head(c->buf, c->len, h) : -2;
        if (hl > 0) break;
        if (hl == -1) {
            fprintf(stderr, "nimbus native-runner: bad response from the runtime api\n");
            return -1;
        }
        memset(h, 0, sizeof *h);
        reserve(c, c->len + 4096, h);
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (c->len == 0 && (n == 0 || errno == ECONNRESET)) return 1;
            fprintf(stderr, "nimbus native-runner: runtime api connection lost mid-response\n");
            return -1;
        }
        c->len += (size_t)n;
    }
    size_t need = (size_t)hl + h->content_length;
    reserve(c, need, h);
    while (c->len < need) {
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fprintf(stderr, "nimbus native-runner: runtime api connection lost mid-body\n");
            return -1;
        }
        c->len += (size_t)n;
    }
    if (c->len > need) {
        *held = 1;
        *held_byte = c->buf[need];
    }
    c->buf[need] = '\0';
    h->body = c->buf + hl;
    c->off = need;
    return 0;
}

int lambda_native__conn_exchange(lambda_native_conn_t *c, const lambda_native_req_t *reqs, int n,
                                 int *statuses, lambda_native_head_t *last)
{
    int first = 0, retried = 0;
    int held = 0;
    char held_byte = 0;
    for (;;) {
        if (c->fd < 0 && connect_now(c) != 0) {
            fprintf(stderr, "nimbus native-runner: cannot connect to the runtime api: %s\n", strerror(errno));
            return -1;
        }
        c->len = c->off = 0;
        held = 0;
        int again = 0;
        if (send_all(c, reqs + first, n - first) != 0) {
            again = 1;
        } else {
            for (int i = first; i < n; i++) {
                lambda_native_head_t h;
                int r = read_response(c, &h, &held, &held_byte);
                if (r < 0) {
                    drop(c);
                    return -1;
                }
                if (r == 1) {
                    first = i;
                    again = 1;
                    break;
                }
                statuses[i] = h.status;
                if (i == n - 1) *last = h;
                if (h.conn_close) {
                    /* No more answers on this connection: the rest are re-sent. */
                    if (c->fd >= 0) close(c->fd);
                    c->fd = -1;
                    if (i < n - 1) {
                        first = i + 1;
                        again = 1;
                        break;
                    }
                }
            }
        }
        if (!again) return 0;
        if (retried) {
            fprintf(stderr, "nimbus native-runner: runtime api closed the connection\n");
            drop(c);
            return -1;
        }
        retried = 1;
        drop(c);
    }
}
