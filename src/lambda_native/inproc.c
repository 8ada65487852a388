/* inproc.c — may a pooled blank that exec'd the native runner serve this
 * function in its own process, without an execve (sbx_blank.h)? Called with
 * the function's sandbox complete (its root, uid and seccomp filter).
 *
 * The blank's process started with an environment of its own, so only what
 * is read *after* start may differ: libc reads TZ, LANG, … when used, and the
 * runner reads its variables when it runs. What the dynamic loader and libc
 * read at start is checked here; anything else → 0 (execve, as before):
 * - LD_* other than LD_LIBRARY_PATH (LD_PRELOAD, LD_BIND_NOW, …),
 *   GLIBC_TUNABLES, MALLOC_* (the tunables' aliases);
 * - LD_LIBRARY_PATH: the loader searches it for the handler's libraries. The
 *   blank started without it, so it is honoured only when it could not
 *   change the answer: every directory of it is absent, or holds no entry a
 *   search could find (no name containing ".so" but the handler's own file,
 *   no hardware-capability subdirectory). A path with `$` (ORIGIN, LIB,
 *   PLATFORM) is never judged. Lambda's default (/var/task/lib:/var/task:
 *   /opt/lib) with a zip holding only handler.so passes; a zip with lib/
 *   execs as before. */
#include "lambda_native/runner.h"
#include <dirent.h>
#include <errno.h>
#include <string.h>

static int prefixed(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* A subdirectory the loader (glibc 2.36) searches below each path element. */
static int hwcap_dir(const char *n)
{
    static const char *const names[] = { "glibc-hwcaps", "tls", "haswell", "xeon_phi", "avx512_1",
                                         "x86_64", "i686", "aarch64", "power9", "z15", NULL };
    for (int i = 0; names[i]; i++)
        if (strcmp(n, names[i]) == 0) return 1;
    return 0;
}

/* 1 when a library search in dir finds nothing. */
static int dir_is_barren(const char *dir, size_t len, const char *handler_file)
{
    char path[4096];
    if (len == 0) { path[0] = '.'; len = 1; }     /* an empty element is the working directory */
    else if (len >= sizeof path) return 0;
    else memcpy(path, dir, len);
    path[len] = '\0';
    DIR *d = opendir(path);
    if (!d) return errno == ENOENT || errno == ENOTDIR;
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) continue;
        if (handler_file && strcmp(n, handler_file) == 0) continue;
        if (strstr(n, ".so") || hwcap_dir(n)) ok = 0;
    }
    closedir(d);
    return ok;
}

int lambda_native_inproc_ok(const char *const *argv, const char *const *envp)
{
    (void)argv;
    /* The handler's own file name (`handler.so` or `dir/handler.so:symbol`). */
    char handler[256] = "";
    for (size_t i = 0; envp[i]; i++)
        if (prefixed(envp[i], "_HANDLER=")) {
            const char *h = envp[i] + 9, *slash = strrchr(h, '/');
            if (slash) h = slash + 1;
            size_t n = strcspn(h, ":");
            if (n < sizeof handler) { memcpy(handler, h, n); handler[n] = '\0'; }
        }
    for (size_t i = 0; envp[i]; i++) {
        const char *v = envp[i];
        if (prefixed(v, "GLIBC_TUNABLES=") || prefixed(v, "MALLOC_")) return 0;
        if (!prefixed(v, "LD_")) continue;
        if (!prefixed(v, "LD_LIBRARY_PATH=")) return 0;
        const char *p = v + 16;
        if (strchr(p, '$')) return 0;
        for (;;) {
            size_t n = strcspn(p, ":;");
            if (!dir_is_barren(p, n, handler[0] ? handler : NULL)) return 0;
            if (!p[n]) break;
            p += n + 1;
        }
    }
    return 1;
}
