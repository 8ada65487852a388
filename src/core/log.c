/* log.c — structured logs: one JSON object per line on stderr.
 * Messages are JSON-escaped here; callers pass plain text. Secrets must never
 * be passed in (the callers redact; see docs/ARCHITECTURE.md). */
#include "core/log.h"
#include "core/buf.h"
#include "core/util.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int level = NB_LOG_INFO;
static const char *names[] = {"error", "warn", "info", "debug"};

void nb_log_set_level(int l) { level = l; }
int nb_log_level(void) { return level; }

int nb_log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) return i;
    if (strcmp(s, "warning") == 0) return NB_LOG_WARN;
    return -1;
}

static void emit(nb_buf_t *b)
{
    nb_buf_putc(b, '\n');
    /* one write() per line so lines from children and threads never interleave */
    ssize_t w = write(STDERR_FILENO, b->data, b->len);
    (void)w;
    nb_buf_free(b);
}

static void put_time(nb_buf_t *b)
{
    char t[40];
    nb_iso8601_ms(nb_wall_ms(), t, sizeof t);
    nb_buf_printf(b, "{\"time\":\"%s\"", t);
}

void nb_log(nb_log_level_t lvl, const char *component, const char *fmt, ...)
{
    if ((int)lvl > level) return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nb_buf_t b = NB_BUF_INIT;
    put_time(&b);
    nb_buf_printf(&b, ",\"level\":\"%s\",\"component\":\"", names[lvl]);
    nb_buf_json_escape(&b, component, strlen(component));
    nb_buf_puts(&b, "\",\"msg\":\"");
    nb_buf_json_escape(&b, msg, strlen(msg));
    nb_buf_puts(&b, "\"}");
    emit(&b);
}

void nb_log_request(const char *request_id, const char *service, const char *operation,
                    int status, unsigned long long micros)
{
    if (level < NB_LOG_INFO) return;
    nb_buf_t b = NB_BUF_INIT;
    put_time(&b);
    nb_buf_printf(&b, ",\"level\":\"info\",\"request_id\":\"%s\",\"service\":\"", request_id);
    nb_buf_json_escape(&b, service, strlen(service));
    nb_buf_puts(&b, "\",\"operation\":\"");
    nb_buf_json_escape(&b, operation, strlen(operation));
    nb_buf_printf(&b, "\",\"status\":%d,\"us\":%llu}", status, micros);
    emit(&b);
}
