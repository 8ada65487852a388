/* startup.h — timing the steps of `nimbus up`, for NIMBUS_STARTUP_TRACE=1.
 *
 * With NIMBUS_STARTUP_TRACE=1 in the environment, every nb_startup_mark()
 * writes one line to stderr:
 *     startup   3.412 ms  +0.251  main     store: environment open
 * the time since the start (NIMBUS_STARTUP_T0, CLOCK_MONOTONIC microseconds
 * taken by whoever launched nimbus, e.g. bench/lib/startup_trace.py; else
 * the entry of main), the time since the previous mark of the same thread,
 * the thread, and the step that just ended. Without the variable a mark costs
 * one load and a branch. Marks may come from any thread. */
#ifndef NB_STARTUP_H
#define NB_STARTUP_H

/* Read the environment and take the origin; first thing of `nimbus up`. */
void nb_startup_trace_init(void);
/* Whether tracing is on. */
int nb_startup_tracing(void);
/* Name the calling thread in its lines ("main", "crypto", "pool"…); borrowed, static. */
void nb_startup_thread(const char *name);
/* The step named by the printf format just ended on this thread. */
void nb_startup_mark(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
