/* arena.h — per-request bump allocator.
 *
 * Everything a request allocates while it is served comes from its arena and
 * is released at once when the request ends. Memory from an arena is valid
 * until nb_arena_free(); it is never freed piecemeal. */
#ifndef NB_ARENA_H
#define NB_ARENA_H
#include <stddef.h>
#include <stdarg.h>

typedef struct nb_arena nb_arena_t;

nb_arena_t *nb_arena_new(size_t first_block);
void nb_arena_free(nb_arena_t *a);
/* Reset to empty, keeping the first block for reuse. */
void nb_arena_reset(nb_arena_t *a);
void *nb_arena_alloc(nb_arena_t *a, size_t n);          /* 16-byte aligned */
void *nb_arena_calloc(nb_arena_t *a, size_t n);
char *nb_arena_strndup(nb_arena_t *a, const char *s, size_t n); /* NUL-terminated */
char *nb_arena_strdup(nb_arena_t *a, const char *s);
char *nb_arena_printf(nb_arena_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *nb_arena_vprintf(nb_arena_t *a, const char *fmt, va_list ap);

#endif
