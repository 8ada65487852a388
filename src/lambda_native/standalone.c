/* standalone.c — main() of the native runner built as a small executable of
 * its own (libc and libdl only): runtimes/native/bootstrap, embedded in the
 * nimbus binary like the other runtimes' bootstraps. Starting it costs about
 * as much as any tiny program, where `nimbus native-runner` first loads the
 * nimbus binary's two dozen shared libraries — the difference between a
 * few-ms and a tens-of-ms cold start.
 *
 * Compiled with -DLAMBDA_NATIVE_STANDALONE by the Makefile's target for that
 * file; inside the nimbus binary this file defines nothing, and
 * `nimbus native-runner` reaches the same runner through main.c. */
#ifdef LAMBDA_NATIVE_STANDALONE
#include "lambda_native/runner.h"

int main(int argc, char **argv)
{
    return lambda_native_runner_main(argc, argv);
}
#else
typedef int lambda_native_standalone_is_empty_here_t; /* ISO C: no empty translation unit */
#endif
