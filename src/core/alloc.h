/* alloc.h — allocation that never returns NULL.
 *
 * Allocation failure aborts here, in one place (STYLE.md rule 7): callers never
 * check for NULL from these functions. Error paths are kept for I/O and
 * untrusted input. */
#ifndef NB_ALLOC_H
#define NB_ALLOC_H
#include <stddef.h>

void *nb_xmalloc(size_t n);
void *nb_xcalloc(size_t n, size_t size);
void *nb_xrealloc(void *p, size_t n);
char *nb_xstrdup(const char *s);
char *nb_xstrndup(const char *s, size_t n);
/* Called on allocation failure: logs and aborts. */
void nb_oom(size_t n) __attribute__((noreturn));

#endif
