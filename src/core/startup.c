/* startup.c — NIMBUS_STARTUP_TRACE: one stderr line per start-up step
 * (startup.h). Each line is one write(2), so lines of several threads never
 * mix; the per-thread previous time is thread-local, so the deltas of a
 * thread are its own steps' costs. */
#include "core/startup.h"
#include "core/util.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int on;
static uint64_t origin_us;
static _Thread_local uint64_t prev_us;
static _Thread_local const char *thread_name;

void nb_startup_trace_init(void)
{
    const char *e = getenv("NIMBUS_STARTUP_TRACE");
    if (!e || strcmp(e, "1") != 0) return;
    uint64_t now = nb_now_us();
    const char *t0 = getenv("NIMBUS_STARTUP_T0");
    char *end = NULL;
    unsigned long long v = t0 ? strtoull(t0, &end, 10) : 0;
    origin_us = v && end && *end == 0 && v <= now ? (uint64_t)v : now;
    on = 1;
    nb_startup_thread("main");
    prev_us = origin_us;
    nb_startup_mark(v ? "exec, dynamic loading, to main()" : "main()");
}

int nb_startup_tracing(void) { return on; }

void nb_startup_thread(const char *name)
{
    thread_name = name;
    if (on) prev_us = nb_now_us();
}

void nb_startup_mark(const char *fmt, ...)
{
    if (!on) return;
    uint64_t now = nb_now_us();
    char line[256];
    int n = snprintf(line, sizeof line, "startup %8.3f ms  +%7.3f  %-7s ", (double)(now - origin_us) / 1000.0,
                     (double)(now - (prev_us ? prev_us : origin_us)) / 1000.0, thread_name ? thread_name : "?");
    prev_us = now;
    if (n < 0 || (size_t)n >= sizeof line - 2) return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - 1 - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = m < 0 ? (size_t)n : (size_t)n + (size_t)m < sizeof line - 1 ? (size_t)n + (size_t)m : sizeof line - 2;
    line[len++] = '\n';
    (void)!write(2, line, len);
}

/* ---- the gate --------------------------------------------------------------- */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open = 1;

void nb_startup_hold(void)
{
    pthread_mutex_lock(&gate_mu);
    gate_open = 0;
    pthread_mutex_unlock(&gate_mu);
}

void nb_startup_open(void)
{
    pthread_mutex_lock(&gate_mu);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
}

void nb_startup_wait(void)
{
    pthread_mutex_lock(&gate_mu);
    while (!gate_open) pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
}
