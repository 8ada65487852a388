/* sbx_wire.c — the spawn plan as bytes, for a pooled blank that has exec'd
 * its program (sbx_pool.c → sbx_blank.c): it no longer shares nimbus's
 * memory, so the plan travels in the hand-off message.
 *
 * Layout (native byte order, both ends are the same machine): a header of
 * 32-bit words, then length-prefixed strings, then the seccomp program.
 *   magic, nargv, nenv, nops, nfilter, setid, uid, gid, cap_last
 *   argv[i]…, envp[i]…, cwd, newroot, { kind, dev(64), src, dst }…
 *   filter (nfilter × struct sock_filter)
 * A string is a 32-bit length (0xffffffff: NULL) and its bytes plus a NUL.
 * Only what an isolated root-mode child uses is carried: the pool serves no
 * other mode (no user namespace, no network namespace, no cgroup to join,
 * no supervisor). libc only: the unpacking side is linked into the runner. */
#include "sandbox/sbx_internal.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define WIRE_MAGIC 0x6e627831u   /* "nbx1" */
#define NO_STR 0xffffffffu

typedef struct { char *p; size_t len, cap; } wbuf_t;

static void put(wbuf_t *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) abort();
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_u32(wbuf_t *b, uint32_t v) { put(b, &v, sizeof v); }

static void put_str(wbuf_t *b, const char *s)
{
    if (!s) { put_u32(b, NO_STR); return; }
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    put(b, s, n + 1);
}

static uint32_t count(const char *const *v)
{
    uint32_t n = 0;
    while (v && v[n]) n++;
    return n;
}

void *sbx__plan_pack(const sbx_plan_t *p, size_t *len)
{
    wbuf_t b = { NULL, 0, 0 };
    uint32_t nargv = count(p->argv), nenv = count(p->envp);
    uint32_t nfilter = p->seccomp ? p->seccomp->len : 0;
    uint32_t head[9] = { WIRE_MAGIC, nargv, nenv, (uint32_t)p->nops, nfilter, (uint32_t)p->setid,
                         (uint32_t)p->uid, (uint32_t)p->gid, (uint32_t)p->cap_last };
    put(&b, head, sizeof head);
    for (uint32_t i = 0; i < nargv; i++) put_str(&b, p->argv[i]);
    for (uint32_t i = 0; i < nenv; i++) put_str(&b, p->envp[i]);
    put_str(&b, p->cwd);
    put_str(&b, p->newroot);
    for (int i = 0; i < p->nops; i++) {
        const sbx_mount_op_t *o = &p->ops[i];
        uint64_t dev = o->dev;
        put_u32(&b, (uint32_t)o->kind);
        put(&b, &dev, sizeof dev);
        put_str(&b, o->src);
        put_str(&b, o->dst);
    }
    if (nfilter) put(&b, p->seccomp->filter, (size_t)nfilter * sizeof(struct sock_filter));
    *len = b.len;
    return b.p;
}

typedef struct { char *p; size_t left; } rbuf_t;

static int get(rbuf_t *r, void *dst, size_t n)
{
    if (r->left < n) return -1;
    memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return 0;
}

static int get_str(rbuf_t *r, char **out)
{
    uint32_t n;
    if (get(r, &n, sizeof n) != 0) return -1;
    if (n == NO_STR) { *out = NULL; return 0; }
    if ((size_t)n >= r->left || r->p[n] != '\0') return -1;
    *out = r->p;
    r->p += (size_t)n + 1;
    r->left -= (size_t)n + 1;
    return 0;
}

static char **get_vec(rbuf_t *r, uint32_t n)
{
    if (n > r->left / sizeof(uint32_t)) return NULL;   /* each entry takes at least its length */
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v) return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (get_str(r, &v[i]) != 0 || !v[i]) { free(v); return NULL; }
    return v;
}

void sbx__plan_unpacked_free(sbx_plan_t *p)
{
    free((void *)p->argv);
    free((void *)p->envp);
    free(p->ops);
    if (p->seccomp) free(p->seccomp->filter);
    free((void *)p->seccomp);
    p->argv = p->envp = NULL;
    p->ops = NULL;
    p->seccomp = NULL;
}

int sbx__plan_unpack(char *buf, size_t len, sbx_plan_t *p)
{
    rbuf_t r = { buf, len };
    uint32_t head[9];
    memset(p, 0, sizeof *p);
    if (get(&r, head, sizeof head) != 0 || head[0] != WIRE_MAGIC || head[1] == 0) return -EPROTO;
    p->isolate = 1;
    p->setid = (int)head[5];
    p->uid = (uid_t)head[6];
    p->gid = (gid_t)head[7];
    p->cap_last = (int)head[8];
    p->argv = (const char *const *)get_vec(&r, head[1]);
    if (p->argv) p->envp = (const char *const *)get_vec(&r, head[2]);
    char *cwd = NULL, *root = NULL;
    if (!p->argv || !p->envp || get_str(&r, &cwd) != 0 || get_str(&r, &root) != 0 || !root) goto bad;
    p->cwd = cwd;
    p->newroot = root;
    if (head[3] > r.left / 16) goto bad;
    p->ops = calloc(head[3] ? head[3] : 1, sizeof *p->ops);
    if (!p->ops) goto bad;
    p->nops = p->capops = (int)head[3];
    for (uint32_t i = 0; i < head[3]; i++) {
        uint32_t kind;
        uint64_t dev;
        sbx_mount_op_t *o = &p->ops[i];
        if (get(&r, &kind, sizeof kind) != 0 || kind > SBX_OP_BIND_RW || get(&r, &dev, sizeof dev) != 0 ||
            get_str(&r, &o->src) != 0 || get_str(&r, &o->dst) != 0 || !o->dst)
            goto bad;
        o->kind = (sbx_op_kind_t)kind;
        o->dev = (unsigned long)dev;
    }
    struct sock_fprog *f = calloc(1, sizeof *f);
    if (!f) goto bad;
    p->seccomp = f;
    if (head[4]) {
        size_t n = (size_t)head[4] * sizeof(struct sock_filter);
        if (head[4] > 0xffff || r.left != n || !(f->filter = malloc(n))) goto bad;
        f->len = (unsigned short)head[4];
        get(&r, f->filter, n);
    } else if (r.left != 0) {
        goto bad;
    }
    return 0;
bad:
    sbx__plan_unpacked_free(p);
    return -EPROTO;
}
