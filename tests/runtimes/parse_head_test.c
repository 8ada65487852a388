/* parse_head_test.c — lambda_native__parse_head (the native runner's HTTP
 * response-head parser) on fixed cases and on deterministic random mutations
 * of valid heads, each input placed right before a guard page so that any
 * read past its end crashes. Built with ASan/UBSan by run.sh; prints
 * "parse_head: N passed, N failed" and exits nonzero on failure. */
#include "lambda_native/rapi_client.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int passed, failed;
static char *page_base;
static size_t page_size;

/* Copies s (n bytes) so that it ends exactly at a PROT_NONE page. */
static char *guarded(const char *s, size_t n)
{
    if (n > page_size) { fprintf(stderr, "input too long\n"); exit(2); }
    char *p = page_base + page_size - n;
    memcpy(p, s, n);
    return p;
}

#define CHECK(cond, ...) do { if (cond) passed++; else { failed++; printf("FAIL line %d: ", __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

static long parse(const char *s, lambda_native_head_t *h)
{
    return lambda_native__parse_head(guarded(s, strlen(s)), strlen(s), h);
}

static void fixed_cases(void)
{
    lambda_native_head_t h;
    const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nLambda-Runtime-Aws-Request-Id: abc-1\r\n"
                     "lambda-runtime-deadline-ms:  1700000000000 \r\nLambda-Runtime-Invoked-Function-Arn: arn:x\r\n"
                     "Lambda-Runtime-Trace-Id: Root=1\r\nLambda-Runtime-Client-Context: {\"a\":1}\r\n"
                     "Lambda-Runtime-Cognito-Identity: {}\r\nX-Other: y\r\n\r\n{\"event\":1}x";
    long n = parse(ok, &h);
    CHECK(n == (long)(strstr(ok, "\r\n\r\n") - ok + 4), "head length %ld", n);
    CHECK(h.status == 200 && h.content_length == 12, "status %d len %zu", h.status, h.content_length);
    CHECK(h.request_id && strcmp(h.request_id, "abc-1") == 0, "request id");
    CHECK(h.deadline_ms && strcmp(h.deadline_ms, "1700000000000") == 0, "deadline trimmed");
    CHECK(h.function_arn && strcmp(h.function_arn, "arn:x") == 0, "arn");
    CHECK(h.trace_id && strcmp(h.trace_id, "Root=1") == 0, "trace");
    CHECK(h.client_context && strcmp(h.client_context, "{\"a\":1}") == 0, "client context");
    CHECK(h.cognito_identity && strcmp(h.cognito_identity, "{}") == 0, "cognito");
    CHECK(!h.conn_close, "keep-alive");

    CHECK(parse("HTTP/1.1 202 Accepted\r\nConnection: close\r\n\r\n", &h) > 0 && h.status == 202 && h.conn_close &&
          h.content_length == 0 && h.request_id == NULL, "202 close");
    CHECK(parse("HTTP/1.0 500\r\n\r\n", &h) > 0 && h.status == 500, "no reason phrase");
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &h) > 0, "same duplicate length");

    /* incomplete */
    CHECK(parse("", &h) == -2, "empty");
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", &h) == -2, "no blank line");
    CHECK(parse("HTTP/1.1 200 OK\r\n\r", &h) == -2, "cut blank line");
    /* bad */
    CHECK(parse("HTTP/2 200 OK\r\n\r\n", &h) == -1, "version");
    CHECK(parse("HTTP/1.1 2x0 OK\r\n\r\n", &h) == -1, "status digits");
    CHECK(parse("HTTP/1.1 200OK\r\n\r\n", &h) == -1, "status separator");
    CHECK(parse("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", &h) == -1, "header without colon");
    CHECK(parse("HTTP/1.1 200 OK\r\n: empty\r\n\r\n", &h) == -1, "empty header name");
    CHECK(parse("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", &h) == -1, "space in name");
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &h) == -1, "negative length");
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", &h) == -1, "junk length");
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", &h) == -1, "empty length");
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", &h) == -1, "huge length");
    CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", &h) == -1, "conflicting lengths");
    CHECK(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", &h) == -1, "chunked refused");
    CHECK(parse("HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\n", &h) == -1, "bare LF");
    CHECK(parse("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", &h) == -1, "bare CR");

    /* a head over 64 KiB without its end is refused rather than buffered forever */
    size_t big = 70 * 1024;
    char *s = malloc(big + 1);
    memset(s, 'a', big);
    memcpy(s, "HTTP/1.1 200 OK\r\nX: ", 20);
    s[big] = 0;
    CHECK(lambda_native__parse_head(s, big, &h) == -1, "oversized head");
    free(s);
}

/* Random mutations of valid heads must give -2, -1 or a sane length, never
 * crash or read out of bounds; a result > 0 must describe a head inside the
 * input. Deterministic (xorshift, fixed seed). */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void mutations(void)
{
    static const char *seeds[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nLambda-Runtime-Aws-Request-Id: id\r\n"
        "Lambda-Runtime-Deadline-Ms: 1\r\n\r\n{}",
        "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 400 Bad\r\nContent-Type: application/json\r\n\r\n",
    };
    const char alphabet[] = "\r\n: \t0123456789-HTTP/1.aZ\x00\xff";
    char buf[512];
    int bad = 0;
    for (int iter = 0; iter < 200000; iter++) {
        const char *seed = seeds[next_rand() % 3];
        size_t n = strlen(seed);
        memcpy(buf, seed, n);
        int edits = 1 + (int)(next_rand() % 4);
        for (int e = 0; e < edits; e++) {
            size_t at = next_rand() % (n + 1);
            int op = (int)(next_rand() % 3);
            char c = alphabet[next_rand() % (sizeof alphabet - 1)];
            if (op == 0 && at < n) buf[at] = c;                                   /* replace */
            else if (op == 1 && n < sizeof buf - 1) {                             /* insert */
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = c;
                n++;
            } else if (op == 2 && at < n) { memmove(buf + at, buf + at + 1, n - at - 1); n--; } /* delete */
        }
        size_t cut = n ? next_rand() % (n + 1) : 0;                              /* truncate */
        if (next_rand() % 2) cut = n;
        lambda_native_head_t h;
        long r = lambda_native__parse_head(guarded(buf, cut), cut, &h);
        if (!(r == -1 || r == -2 || (r > 0 && (size_t)r <= cut && h.status >= 0 && h.status <= 999))) bad++;
    }
    CHECK(bad == 0, "%d mutated inputs gave an impossible result", bad);
}

int main(void)
{
    page_size = (size_t)sysconf(_SC_PAGESIZE);
    page_base = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page_base == MAP_FAILED || mprotect(page_base + page_size, page_size, PROT_NONE) != 0) return 2;
    fixed_cases();
    mutations();
    printf("parse_head: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
