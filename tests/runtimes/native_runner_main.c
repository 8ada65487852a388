/* native_runner_main.c — test driver: a stand-alone `native-runner` built from
 * the project's objects, so tests/runtimes can exercise src/lambda_native
 * whether or not build/nimbus dispatches the `native-runner` command yet. */
#include "lambda_native/runner.h"

int main(int argc, char **argv)
{
    return lambda_native_runner_main(argc, argv);
}
