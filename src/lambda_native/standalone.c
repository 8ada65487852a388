/* standalone.c — main() of the native runner built as a small executable of
 * its own (libc only): runtimes/native/bootstrap, embedded in the nimbus
 * binary like the other runtimes' bootstraps. Starting it costs about as much
 * as any tiny program, where `nimbus native-runner` first loads the nimbus
 * binary — the difference between a few-ms and a tens-of-ms cold start.
 *
 * The same executable is what the sandbox's pooled blanks exec once isolated
 * (SBX_BLANK_ENV set; src/sandbox/sbx_blank.c, linked in with the sandbox's
 * child code): such a process waits for a function, applies its sandbox, and
 * then runs the runner in-process (no execve at the cold start) or execs the
 * function's own runtime.
 *
 * Compiled with -DLAMBDA_NATIVE_STANDALONE by the Makefile's target for that
 * file; inside the nimbus binary this file defines nothing, and
 * `nimbus native-runner` reaches the same runner through main.c. */
#ifdef LAMBDA_NATIVE_STANDALONE
#include "lambda_native/runner.h"
#include "sandbox/sbx_blank.h"
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (getenv(SBX_BLANK_ENV))
        return sbx_blank_run(argc > 0 ? argv[0] : NULL, lambda_native_runner_main, lambda_native_inproc_ok);
    return lambda_native_runner_main(argc, argv);
}
#else
typedef int lambda_native_standalone_is_empty_here_t; /* ISO C: no empty translation unit */
#endif
