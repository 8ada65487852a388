/* sbx_scratch.c — a private temporary directory for instances that get no
 * mount namespace (plain mode: isolate=0, or an unprivileged host without
 * user namespaces).
 *
 * Isolated instances have their own tmpfs /tmp and need nothing here. A plain
 * process shares the host's /tmp; the best the sandbox can do is give it its
 * own directory, <scratch_dir>/tmp (0700), and point TMPDIR at it — honoured
 * by Python's tempfile, Node's os.tmpdir(), mktemp and most C libraries.
 * Invariant: the sandbox removes scratch_dir at release only if it created
 * it, so a caller's own directory is never deleted. */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include "core/util.h"
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *sbx__scratch_prepare(const char *scratch_dir, const char *const *envp, const char ***env_out)
{
    *env_out = NULL;
    if (!scratch_dir || !scratch_dir[0]) return NULL;
    struct stat st;
    int existed = stat(scratch_dir, &st) == 0;
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s/tmp", scratch_dir) >= (int)sizeof tmp) return NULL;
    if (nb_mkdir_p(tmp) != 0) return NULL;
    size_t n = 0;
    int has_tmpdir = 0;
    for (; envp && envp[n]; n++)
        if (strncmp(envp[n], "TMPDIR=", 7) == 0) has_tmpdir = 1;
    if (!has_tmpdir) {
        const char **env = nb_xcalloc(n + 2, sizeof *env);
        for (size_t i = 0; i < n; i++) env[i] = envp[i];
        size_t len = strlen(tmp) + 8;
        char *var = nb_xmalloc(len);
        snprintf(var, len, "TMPDIR=%s", tmp);
        env[n] = var;
        *env_out = env;
    }
    return existed ? NULL : nb_xstrdup(scratch_dir);
}

void sbx__scratch_env_free(const char **env)
{
    if (!env) return;
    size_t n = 0;
    while (env[n]) n++;
    free((char *)env[n - 1]);     /* the TMPDIR= we added last */
    free(env);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)ftw;
    if (flag == FTW_DP || flag == FTW_D) rmdir(path);
    else unlink(path);
    return 0;
}

void sbx__scratch_remove(char *dir)
{
    if (!dir) return;
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}
