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

/* The start-up gate. Work that readiness does not need (the sandbox probe,
 * Lambda's runtime files and sealed-code sweep) waits with
 * nb_startup_wait() so that it does not take a CPU from the steps that do
 * — this host has two. The gate is open unless `nimbus up` closed it at its
 * start (nb_startup_hold); main opens it as it enters the loop
 * (nb_startup_open), and so does anyone on the loop thread that is about to
 * wait for such work (it is needed now), so the gate can never deadlock. */
void nb_startup_hold(void);
void nb_startup_open(void);
/* Block until the gate is open; never on the loop thread. */
void nb_startup_wait(void);

#endif
