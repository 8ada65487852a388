/* test_main.c — runs the registered tests, each in a child with a timeout. */
#include "test.h"
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 1024
static struct { const char *name; test_fn fn; const char *file; } tests[MAX_TESTS];
static int n_tests;
static char tmpdir[256];

void test_register(const char *name, test_fn fn, const char *file)
{
    if (n_tests < MAX_TESTS) {
        tests[n_tests].name = name;
        tests[n_tests].fn = fn;
        tests[n_tests].file = file;
        n_tests++;
    }
}

const char *test_tmpdir(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/nimbus-unit-XXXXXX");
        if (!mkdtemp(tmpdir)) { perror("mkdtemp"); exit(1); }
    }
    return tmpdir;
}

static int run_one(int i, int timeout_s)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 0; }
    if (pid == 0) {
        alarm((unsigned)timeout_s);
        tests[i].fn();
        if (tmpdir[0]) {
            char cmd[300];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
            if (system(cmd) != 0) { /* best effort */ }
        }
        exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        printf("ok   %s\n", tests[i].name);
        return 1;
    }
    if (WIFSIGNALED(st))
        printf("FAIL %s (signal %d%s)\n", tests[i].name, WTERMSIG(st),
               WTERMSIG(st) == SIGALRM ? ", timeout" : "");
    else
        printf("FAIL %s (exit %d)\n", tests[i].name, WEXITSTATUS(st));
    return 0;
}

int main(int argc, char **argv)
{
    int timeout_s = getenv("TEST_TIMEOUT") ? atoi(getenv("TEST_TIMEOUT")) : 60;
    int passed = 0, failed = 0;
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < n_tests; i++) {
        if (argc > 1) {
            int want = 0;
            for (int a = 1; a < argc; a++)
                if (strcmp(argv[a], tests[i].name) == 0) want = 1;
            if (!want) continue;
        }
        if (run_one(i, timeout_s)) passed++; else failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
