/* nimbus/lambda.h — the native C runtime's public API: what a Lambda handler
 * compiled into a shared object is written against.
 *
 *   #include <nimbus/lambda.h>
 *
 *   int nimbus_handler(const nimbus_event_t *event, nimbus_response_t *resp,
 *                      const nimbus_context_t *ctx)
 *   {
 *       nimbus_response_set(resp, event->data, event->len);   // echo
 *       return 0;
 *   }
 *
 * Build: cc -O2 -shared -fPIC -o handler.so handler.c -I<nimbus>/include
 * Deploy: zip handler.so, create-function --runtime nimbus.native
 *         --handler handler.so (or "handler.so:my_symbol").
 * See docs/NATIVE_RUNTIME.md.
 *
 * Contract
 * - The runner (`nimbus native-runner`) dlopen()s the .so once per instance,
 *   calls the optional `int nimbus_init(nimbus_response_t *err)` once, then
 *   the handler once per invocation, one invocation at a time, always on the
 *   same thread. Globals survive between invocations of a warm instance.
 * - event->data: the invocation's payload (JSON), event->len bytes followed by
 *   a NUL byte. Borrowed: valid until the handler returns.
 * - ctx and every string in it: borrowed, valid until the handler returns.
 *   Optional strings (client_context, cognito_identity, trace_id) are NULL
 *   when the invocation has none.
 * - The response starts empty (an empty body is sent as the JSON `null`).
 *   Set it with the nimbus_response_* helpers below: set/append/printf copy
 *   into memory the runner owns; set_ref borrows the caller's memory, which
 *   must stay valid until the handler returns (static data, or the event
 *   itself — the zero-copy echo).
 * - Return 0 for success. A nonzero return, or nimbus_response_error(), makes
 *   the invocation fail: the caller gets {"errorMessage","errorType"} with
 *   X-Amz-Function-Error: Unhandled. A handler that never returns is killed at
 *   the function's timeout; one that crashes is reported as Runtime.ExitError
 *   and its instance replaced.
 * - stdout/stderr go to the function's log (flushed after each invocation).
 *
 * ABI: NIMBUS_LAMBDA_ABI is 1. Later versions only add fields at the end of
 * these structs; the runner fills `abi` so a handler can check it. */
#ifndef NIMBUS_LAMBDA_H
#define NIMBUS_LAMBDA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NIMBUS_LAMBDA_ABI 1

/* Largest response body the runner accepts (Lambda's 6 MB sync limit). */
#define NIMBUS_RESPONSE_MAX (6u * 1024u * 1024u)

typedef struct nimbus_event {
    const char *data; /* payload bytes, NUL-terminated (not counted in len) */
    size_t len;
} nimbus_event_t;

typedef struct nimbus_context {
    unsigned abi;                     /* NIMBUS_LAMBDA_ABI of the runner */
    const char *request_id;           /* Lambda-Runtime-Aws-Request-Id */
    const char *invoked_function_arn; /* possibly qualified (version / alias) */
    const char *function_name;        /* AWS_LAMBDA_FUNCTION_NAME */
    const char *function_version;     /* AWS_LAMBDA_FUNCTION_VERSION */
    const char *log_group_name;
    const char *log_stream_name;
    const char *trace_id;             /* X-Ray trace header, or NULL */
    const char *client_context;       /* JSON, or NULL */
    const char *cognito_identity;     /* JSON, or NULL */
    int64_t deadline_ms;              /* Unix epoch milliseconds */
    unsigned memory_limit_mb;
} nimbus_context_t;

typedef struct nimbus_response nimbus_response_t;
struct nimbus_response {
    /* What will be sent. Set through the helpers, not directly. */
    const char *body;
    size_t len;
    /* Runner-owned scratch buffer and its growth function (private). */
    char *buf;
    size_t cap;
    int (*reserve)(nimbus_response_t *r, size_t need); /* 0, or -1 over the limit */
    /* Non-empty: the invocation failed with this errorType (private; use
     * nimbus_response_error). */
    char error_type[128];
    /* Set when a helper could not store the body (over NIMBUS_RESPONSE_MAX). */
    int overflow;
};

/* The handler the runner looks up by default ("handler.so"), and the
 * optional init hook: return 0, or nonzero (optionally after
 * nimbus_response_error(err, …)) to fail the init phase. */
int nimbus_handler(const nimbus_event_t *event, nimbus_response_t *resp, const nimbus_context_t *ctx);
int nimbus_init(nimbus_response_t *err);

typedef int (*nimbus_handler_fn)(const nimbus_event_t *, nimbus_response_t *, const nimbus_context_t *);
typedef int (*nimbus_init_fn)(nimbus_response_t *);

/* Milliseconds left before the invocation times out (0 when past it). */
static inline int64_t nimbus_remaining_ms(const nimbus_context_t *ctx)
{
    struct timespec ts;
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && defined(TIME_UTC)
    timespec_get(&ts, TIME_UTC); /* ISO C11: no POSIX feature macro needed */
#else
    clock_gettime(CLOCK_REALTIME, &ts); /* C99 / C++: needs POSIX (e.g. -D_POSIX_C_SOURCE=200809L) */
#endif
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    return ctx->deadline_ms > now ? ctx->deadline_ms - now : 0;
}

/* Body = the caller's bytes, borrowed (no copy); see the contract above. */
static inline void nimbus_response_set_ref(nimbus_response_t *r, const void *data, size_t len)
{
    r->body = (const char *)data;
    r->len = len;
}

/* Appends a copy of len bytes. Returns 0, or -1 when the body would exceed
 * NIMBUS_RESPONSE_MAX (the invocation then fails with
 * Function.ResponseSizeTooLarge). */
static inline int nimbus_response_append(nimbus_response_t *r, const void *data, size_t len)
{
    if (r->body != r->buf) { /* a borrowed body becomes owned before growing */
        const char *old = r->body;
        size_t n = r->len;
        if (r->reserve(r, n + len) != 0) { r->overflow = 1; return -1; }
        if (n) memmove(r->buf, old, n);
        r->body = r->buf;
    } else if (r->reserve(r, r->len + len) != 0) {
        r->overflow = 1;
        return -1;
    }
    if (len) memcpy(r->buf + r->len, data, len);
    r->len += len;
    return 0;
}

/* Body = a copy of len bytes. */
static inline int nimbus_response_set(nimbus_response_t *r, const void *data, size_t len)
{
    r->body = r->buf;
    r->len = 0;
    return nimbus_response_append(r, data, len);
}

static inline int nimbus_response_set_str(nimbus_response_t *r, const char *s)
{
    return nimbus_response_set(r, s, strlen(s));
}

/* Appends printf-formatted text. Returns 0 or -1 (format error, too large). */
static inline int nimbus_response_vprintf(nimbus_response_t *r, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static inline int nimbus_response_vprintf(nimbus_response_t *r, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0) return -1;
    if ((size_t)n < sizeof small) return nimbus_response_append(r, small, (size_t)n);
    if (nimbus_response_append(r, "", 0) != 0 || r->reserve(r, r->len + (size_t)n + 1) != 0) {
        r->overflow = 1;
        return -1;
    }
    vsnprintf(r->buf + r->len, (size_t)n + 1, fmt, ap);
    r->len += (size_t)n;
    return 0;
}

static inline int nimbus_response_printf(nimbus_response_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int nimbus_response_printf(nimbus_response_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = nimbus_response_vprintf(r, fmt, ap);
    va_end(ap);
    return rc;
}

/* Appends s as a JSON string literal (quotes included, escaped). */
static inline int nimbus_response_append_json_string(nimbus_response_t *r, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (nimbus_response_append(r, "\"", 1) != 0) return -1;
    const unsigned char *p = (const unsigned char *)s;
    for (;;) {
        /* Runs of bytes that need no escape are copied in one append. */
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\') p++;
        if (p > run && nimbus_response_append(r, run, (size_t)(p - run)) != 0) return -1;
        if (!*p) break;
        char esc[6] = { '\\', 0, 0, 0, 0, 0 };
        size_t n = 2;
        switch (*p) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0'; esc[4] = hex[*p >> 4]; esc[5] = hex[*p & 15]; n = 6;
        }
        if (nimbus_response_append(r, esc, n) != 0) return -1;
        p++;
    }
    return nimbus_response_append(r, "\"", 1);
}

/* Fails the invocation: the body becomes {"errorMessage":message,
 * "errorType":type}. type: Lambda's errorType (e.g. "ValidationError"),
 * truncated to 127 bytes; NULL or "" → "HandlerError". Returns -1 so a
 * handler can `return nimbus_response_error(resp, "X", "why");`. */
static inline int nimbus_response_error(nimbus_response_t *r, const char *type, const char *message)
{
    if (!type || !*type) type = "HandlerError";
    size_t n = strlen(type);
    if (n >= sizeof r->error_type) n = sizeof r->error_type - 1;
    memcpy(r->error_type, type, n);
    r->error_type[n] = '\0';
    r->body = r->buf;
    r->len = 0;
    nimbus_response_append(r, "{\"errorMessage\":", 16);
    nimbus_response_append_json_string(r, message ? message : "");
    nimbus_response_append(r, ",\"errorType\":", 13);
    nimbus_response_append_json_string(r, r->error_type);
    nimbus_response_append(r, "}", 1);
    return -1;
}

#ifdef __cplusplus
}
#endif
#endif
