/* sandbox_sweep_bench.c — what nimbus's orphan sweep costs (sbx_children_sweep,
 * src/sandbox/sbx_children.c): run at each plain instance's release and once
 * a second, it lists nimbus's children and finds none to kill in the common
 * case. N registered children (sleeping forks) stand for N live instances;
 * it prints the median and p90 of 2000 sweeps. Hand-built:
 *
 *   make && cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o build/sandbox_sweep_bench bench/sandbox_sweep_bench.c \
 *      build/obj/core/{alloc,buf,util,log,arena,config,startup}.o build/obj/sandbox/[a-z]*.o \
 *      build/obj/gen/embedded_files.o $(pkg-config --libs libuv jansson openssl libseccomp) -lpthread -lm -ldl
 *   for n in 0 10 100; do build/sandbox_sweep_bench $n; done
 */
#include "sandbox/sandbox.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 0;
    if (sbx_children_adopt() != 0) return 1;
    pid_t *kids = calloc((size_t)n + 1, sizeof *kids);
    for (int i = 0; i < n; i++) {
        sbx_child_spawning();
        pid_t p = fork();
        if (p == 0) {
            pause();
            _exit(0);
        }
        sbx_child_spawned(p);
        kids[i] = p;
    }
    enum { R = 2000 };
    static double t[R];
    for (int r = 0; r < R; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (sbx_children_sweep() != 0) return 2;   /* nothing to kill: every child is registered */
        clock_gettime(CLOCK_MONOTONIC, &b);
        t[r] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
    }
    qsort(t, R, sizeof t[0], cmp);
    printf("children %d: sweep median %.1f us, p90 %.1f us\n", n, t[R / 2], t[R * 9 / 10]);
    for (int i = 0; i < n; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
        sbx_child_reaped(kids[i]);
    }
    free(kids);
    return 0;
}
