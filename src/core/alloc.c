/* alloc.c — the one place allocation failure is handled: log and abort. */
#include "core/alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nb_oom(size_t n)
{
    fprintf(stderr, "{\"level\":\"error\",\"component\":\"alloc\",\"msg\":\"out of memory allocating %zu bytes\"}\n", n);
    abort();
}

void *nb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) nb_oom(n);
    return p;
}

void *nb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) nb_oom(n * size);
    return p;
}

void *nb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) nb_oom(n);
    return q;
}

char *nb_xstrdup(const char *s)
{
    return nb_xstrndup(s, strlen(s));
}

char *nb_xstrndup(const char *s, size_t n)
{
    char *p = nb_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}
