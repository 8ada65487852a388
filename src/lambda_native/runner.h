/* runner.h — `nimbus native-runner`: the process of a function instance of the
 * nimbus.native runtime. Loads the handler shared object named by _HANDLER
 * ("handler.so" or "handler.so:symbol", relative to LAMBDA_TASK_ROOT, else
 * the working directory) and serves invocations over the Lambda Runtime API
 * ($AWS_LAMBDA_RUNTIME_API) until the platform stops it.
 * The handler API is include/nimbus/lambda.h; docs/NATIVE_RUNTIME.md. */
#ifndef LAMBDA_NATIVE_RUNNER_H
#define LAMBDA_NATIVE_RUNNER_H

/* Returns only on failure: 1 (message on stderr and, when the Runtime API
 * is reachable, reported through /runtime/init/error). */
int lambda_native_runner_main(int argc, char **argv);

/* inproc.c: in a pooled blank that exec'd the runner (src/sandbox/sbx_blank.h),
 * with the sandbox complete: 1 when the function may run in that process —
 * nothing the loader or libc read at start would differ (see the file). */
int lambda_native_inproc_ok(const char *const *argv, const char *const *envp);

#endif
