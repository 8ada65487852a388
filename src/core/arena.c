/* arena.c — per-request bump allocator: a chain of blocks, freed together.
 * Invariant: a->head is the block being carved; older blocks are full. */
#include "core/arena.h"
#include "core/alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef struct block {
    struct block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} block_t;

struct nb_arena {
    block_t *head;
    block_t *first;     /* kept across reset */
};

static block_t *block_new(size_t size)
{
    block_t *b = nb_xmalloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

nb_arena_t *nb_arena_new(size_t first_block)
{
    nb_arena_t *a = nb_xmalloc(sizeof *a);
    a->first = a->head = block_new(first_block ? first_block : 4096);
    return a;
}

void nb_arena_reset(nb_arena_t *a)
{
    block_t *b = a->head;
    while (b && b != a->first) {
        block_t *n = b->next;
        free(b);
        b = n;
    }
    a->head = a->first;
    a->first->used = 0;
}

void nb_arena_free(nb_arena_t *a)
{
    if (!a) return;
    nb_arena_reset(a);
    free(a->first);
    free(a);
}

void *nb_arena_alloc(nb_arena_t *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    block_t *b = a->head;
    if (b->size - b->used < n) {
        size_t sz = b->size * 2;
        if (sz < n) sz = n;
        if (sz > (1u << 20) && n < (1u << 20)) sz = 1u << 20;
        if (sz < n) sz = n;
        block_t *nb = block_new(sz);
        nb->next = b;
        a->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *nb_arena_calloc(nb_arena_t *a, size_t n)
{
    void *p = nb_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *nb_arena_strndup(nb_arena_t *a, const char *s, size_t n)
{
    char *p = nb_arena_alloc(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *nb_arena_strdup(nb_arena_t *a, const char *s)
{
    return nb_arena_strndup(a, s, strlen(s));
}

char *nb_arena_vprintf(nb_arena_t *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) n = 0;
    char *p = nb_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *nb_arena_printf(nb_arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = nb_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}
