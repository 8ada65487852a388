#define _GNU_SOURCE
/* users_get_native.c — the seed's users-get handler for the nimbus.native
 * runtime (benchmark only): GET /users/{id} through an HTTP API (payload 2.0)
 * → DynamoDB GetItem on Users → {"statusCode":200,"body":"<item JSON>"}.
 * DynamoDB is reached over one kept-alive loopback HTTP/1.1 connection to
 * AWS_ENDPOINT_URL (nimbus runs the benchmark with --auth open, so a fixed
 * well-formed Authorization header is accepted). Reconnects once on failure. */
#include <nimbus/lambda.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd = -1;
static char buf[1 << 20];

static int dial(void)
{
    const char *ep = getenv("AWS_ENDPOINT_URL");
    char host[64] = "127.0.0.1";
    int port = 4566, one = 1;
    if (ep && sscanf(ep, "http://%63[^:]:%d", host, &port) < 1)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &a.sin_addr) != 1)
        return -1;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0) close(fd);
        fd = -1;
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

/* One request/response on the kept-alive connection; body into buf, returns its length or -1. */
static long roundtrip(const char *req, size_t reqlen, const char **body)
{
    if (fd < 0 && dial() != 0) return -1;
    size_t off = 0;
    while (off < reqlen) {
        ssize_t n = write(fd, req + off, reqlen - off);
        if (n <= 0) return -1;
        off += (size_t)n;
    }
    size_t got = 0;
    char *end = NULL;
    while (!end) {
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0) return -1;
        got += (size_t)n;
        buf[got] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    char *cl = strcasestr(buf, "\r\ncontent-length:");
    if (!cl || cl > end) return -1;
    size_t len = strtoul(cl + 17, NULL, 10), hdr = (size_t)(end + 4 - buf);
    if (hdr + len >= sizeof buf) return -1;
    while (got < hdr + len) {
        ssize_t n = read(fd, buf + got, hdr + len - got);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    buf[hdr + len] = 0;
    *body = buf + hdr;
    return (long)len;
}

int nimbus_handler(const nimbus_event_t *event, nimbus_response_t *resp, const nimbus_context_t *ctx)
{
    (void)ctx;
    char id[256], payload[512], req[1024];
    const char *p = strstr(event->data, "\"pathParameters\"");
    if (!p || !(p = strstr(p, "\"id\"")) || sscanf(p, "\"id\" : \"%255[^\"]\"", id) != 1) {
        if (!p || sscanf(p, "\"id\":\"%255[^\"]\"", id) != 1)
            return nimbus_response_error(resp, "BadRequest", "no id path parameter");
    }
    int pl = snprintf(payload, sizeof payload, "{\"TableName\":\"Users\",\"Key\":{\"id\":{\"S\":\"%s\"}}}", id);
    int rl = snprintf(req, sizeof req,
                      "POST / HTTP/1.1\r\nHost: dynamodb\r\nContent-Type: application/x-amz-json-1.0\r\n"
                      "X-Amz-Target: DynamoDB_20120810.GetItem\r\nX-Amz-Date: 20260101T000000Z\r\n"
                      "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                      "SignedHeaders=host;x-amz-date, Signature=%064d\r\nContent-Length: %d\r\n\r\n%s",
                      0, pl, payload);
    const char *body = NULL;
    long n = roundtrip(req, (size_t)rl, &body);
    if (n < 0) {
        if (fd >= 0) close(fd);
        fd = -1;
        n = roundtrip(req, (size_t)rl, &body);
    }
    if (n < 0)
        return nimbus_response_error(resp, "DynamoDBError", "GetItem failed");
    nimbus_response_set_str(resp, "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},\"body\":");
    nimbus_response_append_json_string(resp, body);
    return nimbus_response_append(resp, "}", 1);
}
