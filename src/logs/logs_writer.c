/* logs_writer.c — batched writes of log events into the store (layout in
 * logs.h, record encoding in logs_record.c).
 *
 * logs_put() appends an event to its stream's open batch: a chunk of memory
 * that becomes one logs.events record. Chunks come from a free list and keep
 * their capacity, so an event costs a table lookup and a copy, no
 * allocation. A flush writes every stream's chunks in one write transaction
 * (one group commit): every LOGS_TICK_MS (stream and group records too: once
 * per stream per tick, not per batch), or on the next loop iteration once
 * LOGS_BATCH events wait (events only), so a flush holds the loop for a
 * bounded time (~3,000 events at 10,000 invocations a second took ~6 ms when
 * each event was its own record). Nothing is written from logs_put itself:
 * its caller may be inside a transaction of its own.
 *
 * Each chunk becomes one compressed record (logs__zrecord). A chunk stops
 * growing at about its stream's compression ratio (learnt from its full
 * chunks) times LOGS__ZTARGET bytes, at most LOGS_RECORD_MAX, so that a busy
 * stream's records fill about one LMDB overflow page each (logs_int.h).
 *
 * Invariants: a stream entry exists for every stream with events pending or
 * with a record update pending; entries idle for IDLE_MS are dropped (their
 * records are already written). Durability: batched, never acknowledged —
 * a crash loses the events of the last unflushed tick, as Lambda's own log
 * delivery can. */
#include "logs/logs_int.h"
#include "core/alloc.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/util.h"
#include "store/store.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDLE_MS 60000
#define FREE_CHUNKS_MAX 256
#define CHUNK_KEEP_CAP (2 * LOGS_RECORD_MAX)   /* a chunk's buffer larger than this is freed, not kept */

/* One future record: b holds LOGS__VARINT_MAX reserved bytes (the header is
 * written into their end at flush), then the encoded events. */
typedef struct chunk {
    struct chunk *next;
    uint64_t ts;
    uint32_t seq;
    nb_buf_t b;
} chunk_t;

typedef struct group_ent {
    struct group_ent *next;
    char *name;
    int loaded;           /* its record exists and creation/stored are its values */
    uint64_t creation, stored;
    uint64_t bytes;       /* message bytes written since the record was last updated */
} group_ent_t;

typedef struct stream_ent {
    struct stream_ent *hnext, *next;
    group_ent_t *g;
    char *name;
    size_t len;
    uint32_t hash;
    chunk_t *head, *tail;
    int dirty;            /* events written or pending since the record was last updated */
    int loaded;           /* the record was read (or found missing) in this run */
    uint64_t creation, first, last;   /* the record's: first and last event of the stream's life */
    uint64_t last_put_ms;
    uint32_t ratio16;     /* its records' compression ratio (raw / stored), x16, averaged */
} stream_ent_t;

static struct nb_ctx *ctx;
static int users;
static stream_ent_t **tab, *streams;
static size_t tab_cap, n_streams;
static group_ent_t *groups;
static chunk_t *free_chunks;
static size_t n_free_chunks, n_pending;
static uint32_t seq;
static uv_timer_t tick, soon;
static nb_buf_t zval;   /* a compressed record's value, reused */

static void flush(int records);

/* --- names -------------------------------------------------------------------------- */

int logs_valid_group(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_' || c == '/' || c == '#'))
            return 0;
    }
    return n >= 1 && n <= 512;
}

int logs_valid_stream(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 512 && !strpbrk(s, ":*");
}

/* --- the stream table ---------------------------------------------------------------- */

/* n bytes of p into h, a word at a time (names are ~60 bytes, hashed per event). */
static uint64_t hash_words(uint64_t h, const char *p, size_t n)
{
    const uint64_t k = 0x9e3779b97f4a7c15ull;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w ^ ((uint64_t)n << 56)) * k;
    return h ^ (h >> 32);
}

static uint32_t hash2(const char *a, size_t al, const char *b, size_t bl)
{
    return (uint32_t)hash_words(hash_words(0x6c6f6773ull, a, al) + 1, b, bl);
}

static void tab_grow(void)
{
    size_t cap = tab_cap ? tab_cap * 2 : 64;
    stream_ent_t **t = nb_xcalloc(cap, sizeof *t);
    for (stream_ent_t *s = streams; s; s = s->next) {
        size_t i = s->hash & (cap - 1);
        s->hnext = t[i];
        t[i] = s;
    }
    free(tab);
    tab = t;
    tab_cap = cap;
}

static group_ent_t *group_get(const char *name)
{
    for (group_ent_t *g = groups; g; g = g->next)
        if (!strcmp(g->name, name)) return g;
    group_ent_t *g = nb_xcalloc(1, sizeof *g);
    g->name = nb_xstrdup(name);
    g->next = groups;
    groups = g;
    return g;
}

static stream_ent_t *stream_get(const char *group, const char *stream)
{
    size_t gl = strlen(group), sl = strlen(stream);
    uint32_t h = hash2(group, gl, stream, sl);
    if (tab_cap) {
        for (stream_ent_t *s = tab[h & (tab_cap - 1)]; s; s = s->hnext)
            if (s->hash == h && s->len == sl && !memcmp(s->name, stream, sl) && !strcmp(s->g->name, group))
                return s;
    }
    if (n_streams + 1 > tab_cap / 2) tab_grow();
    stream_ent_t *s = nb_xcalloc(1, sizeof *s);
    s->g = group_get(group);
    s->name = nb_xstrdup(stream);
    s->len = sl;
    s->hash = h;
    s->next = streams;
    streams = s;
    size_t i = h & (tab_cap - 1);
    s->hnext = tab[i];
    tab[i] = s;
    n_streams++;
    return s;
}

static void stream_unlink(stream_ent_t *s)
{
    for (stream_ent_t **pp = &tab[s->hash & (tab_cap - 1)]; *pp; pp = &(*pp)->hnext)
        if (*pp == s) { *pp = s->hnext; break; }
    n_streams--;
    free(s->name);
    free(s);
}

/* --- appending ----------------------------------------------------------------------- */

static chunk_t *chunk_new(uint64_t ts)
{
    chunk_t *c = free_chunks;
    if (c) {
        free_chunks = c->next;
        n_free_chunks--;
    } else {
        c = nb_xcalloc(1, sizeof *c);
    }
    c->next = NULL;
    c->ts = ts;
    c->seq = seq++;
    nb_buf_clear(&c->b);
    nb_buf_reserve(&c->b, 256);
    c->b.len = LOGS__VARINT_MAX;
    return c;
}

static void chunk_release(chunk_t *c)
{
    if (n_free_chunks >= FREE_CHUNKS_MAX || c->b.cap > CHUNK_KEEP_CAP) {
        nb_buf_free(&c->b);
        free(c);
        return;
    }
    c->next = free_chunks;
    free_chunks = c;
    n_free_chunks++;
}

static void on_soon(uv_timer_t *t)
{
    (void)t;
    flush(0);
}

/* The raw bytes a stream's chunk may grow to: what its records have been
 * compressing to fill about one LMDB overflow page (LOGS__ZTARGET), within
 * [LOGS__ZTARGET, LOGS_RECORD_MAX]. */
static size_t chunk_limit(const stream_ent_t *s)
{
    uint64_t r = s->ratio16 ? s->ratio16 : LOGS__RATIO16_START;
    uint64_t lim = (uint64_t)LOGS__ZTARGET * r / 16;
    return lim < LOGS__ZTARGET ? LOGS__ZTARGET : lim > LOGS_RECORD_MAX ? LOGS_RECORD_MAX : (size_t)lim;
}

void logs_put(const char *group, const char *stream, uint64_t ts_ms, const char *msg, size_t len)
{
    if (len > LOGS__EVENT_MAX) len = LOGS__EVENT_MAX;   /* a record stays decodable (logs_int.h) */
    stream_ent_t *s = stream_get(group, stream);
    chunk_t *c = s->tail;
    if (!c || c->b.len - LOGS__VARINT_MAX + len > chunk_limit(s)) {
        if (!c || c->b.len > LOGS__VARINT_MAX) {   /* an empty chunk takes any event */
            chunk_t *n = chunk_new(ts_ms);
            if (c) c->next = n;
            else s->head = n;
            s->tail = c = n;
        }
    }
    unsigned char hdr[2 * LOGS__VARINT_MAX];
    size_t hl = logs__varint(hdr, logs__zigzag((int64_t)(ts_ms - c->ts)));
    hl += logs__varint(hdr + hl, len);
    nb_buf_reserve(&c->b, hl + len);
    memcpy(c->b.data + c->b.len, hdr, hl);
    if (len) memcpy(c->b.data + c->b.len + hl, msg, len);
    c->b.len += hl + len;
    c->b.data[c->b.len] = 0;
    if (!s->first || ts_ms < s->first) s->first = ts_ms;
    if (ts_ms > s->last) s->last = ts_ms;
    s->dirty = 1;
    s->last_put_ms = ts_ms;
    s->g->bytes += len;
    if (++n_pending >= LOGS_BATCH && users && !uv_is_active((uv_handle_t *)&soon))
        uv_timer_start(&soon, on_soon, 0, 0);
}

/* --- records --------------------------------------------------------------------------- */

static void put_json(store_txn_t *t, const char *ks, const void *k, size_t kl, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT);
    if (s) store_put(t, ks, k, kl, s, strlen(s));
    free(s);
}

static json_t *get_json(store_txn_t *t, const char *ks, const void *k, size_t kl)
{
    const void *v;
    size_t vl;
    if (store_get(t, ks, k, kl, &v, &vl) != STORE_OK) return NULL;
    return json_loadb(v, vl, 0, NULL);
}

static json_int_t ival(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* The group's record exists once its first events are written. */
static void group_load(store_txn_t *t, group_ent_t *g, uint64_t ts)
{
    if (g->loaded) return;
    json_t *r = get_json(t, LOGS_KS_GROUPS, g->name, strlen(g->name));
    g->loaded = 1;
    if (r) {
        g->creation = (uint64_t)ival(r, "creationTime");
        g->stored = (uint64_t)ival(r, "storedBytes");
        json_decref(r);
        return;
    }
    g->creation = ts;
    g->stored = 0;
    char arn[700];
    snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s:*", ctx->cfg->region, ctx->cfg->account, g->name);
    json_t *rec = json_pack("{s:s,s:I,s:s,s:I}", "logGroupName", g->name, "creationTime", (json_int_t)ts, "arn", arn,
                            "storedBytes", (json_int_t)0);
    put_json(t, LOGS_KS_GROUPS, g->name, strlen(g->name), rec);
    json_decref(rec);
}

static void group_update(store_txn_t *t, group_ent_t *g)
{
    if (!g->bytes || !g->loaded) return;
    g->stored += g->bytes;
    g->bytes = 0;
    char arn[700];
    snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s:*", ctx->cfg->region, ctx->cfg->account, g->name);
    json_t *rec = json_pack("{s:s,s:I,s:s,s:I}", "logGroupName", g->name, "creationTime", (json_int_t)g->creation,
                            "arn", arn, "storedBytes", (json_int_t)g->stored);
    put_json(t, LOGS_KS_GROUPS, g->name, strlen(g->name), rec);
    json_decref(rec);
}

/* The stream record after its events of this tick: read once per run of the
 * daemon (its creation and first event), then written from memory. */
static void stream_update(store_txn_t *t, stream_ent_t *s, nb_buf_t *k, uint64_t now)
{
    nb_buf_clear(k);
    nb_buf_puts(k, s->g->name);
    nb_buf_putc(k, 0);
    nb_buf_puts(k, s->name);
    if (!s->loaded) {
        json_t *r = get_json(t, LOGS_KS_STREAMS, k->data, k->len);
        s->creation = r ? (uint64_t)ival(r, "creationTime") : s->first;
        if (r) {
            uint64_t f = (uint64_t)ival(r, "firstEventTimestamp"), l = (uint64_t)ival(r, "lastEventTimestamp");
            if (f && f < s->first) s->first = f;
            if (l > s->last) s->last = l;
        }
        json_decref(r);
        s->loaded = 1;
    }
    char arn[1300];
    snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s:log-stream:%s", ctx->cfg->region, ctx->cfg->account,
             s->g->name, s->name);
    json_t *rec = json_pack("{s:s,s:I,s:I,s:I,s:I,s:s,s:I}", "logStreamName", s->name, "creationTime",
                            (json_int_t)s->creation, "firstEventTimestamp", (json_int_t)s->first,
                            "lastEventTimestamp", (json_int_t)s->last, "lastIngestionTime", (json_int_t)now, "arn",
                            arn, "storedBytes", (json_int_t)0);
    put_json(t, LOGS_KS_STREAMS, k->data, k->len, rec);
    json_decref(rec);
    s->dirty = 0;
}

static void on_durable(void *arg, int status)
{
    (void)arg;
    if (status != STORE_OK) nb_log_error("logs", "log events could not be stored");
}

/* Write the pending chunks; with records, also the stream and group records
 * changed since the last such flush, and drop the streams idle for long. */
static void discard_pending(void)
{
    for (stream_ent_t *s = streams; s; s = s->next) {
        for (chunk_t *c = s->head, *n; c; c = n) {
            n = c->next;
            chunk_release(c);
        }
        s->head = s->tail = NULL;
        s->dirty = 0;
    }
    for (group_ent_t *g = groups; g; g = g->next) g->bytes = 0;
    n_pending = 0;
}

static void flush(int records)
{
    if (!ctx) return;
    if (!ctx->store) {   /* started without a store (tools, fuzzing): nowhere to write */
        discard_pending();
        return;
    }
    int any = n_pending > 0;
    for (stream_ent_t *s = streams; s && !any && records; s = s->next) any = s->dirty;
    if (!any) return;
    store_txn_t *t = NULL;
    if (store_begin(ctx->store, STORE_WRITE, &t) != STORE_OK) return;   /* kept for the next tick */
    uint64_t now = nb_wall_ms();
    nb_buf_t k = NB_BUF_INIT;
    for (stream_ent_t *s = streams; s; s = s->next) {
        if (!s->head) continue;
        group_load(t, s->g, s->head->ts);
        for (chunk_t *c = s->head, *next; c; c = next) {
            next = c->next;
            nb_buf_clear(&k);
            logs_stream_key(&k, s->g->name, s->name);
            const char *ev = c->b.data + LOGS__VARINT_MAX;
            size_t evl = c->b.len - LOGS__VARINT_MAX;
            if (logs__zrecord(&zval, c->ts, now, ev, evl) == 0) {
                /* a full chunk tells how this stream's lines compress (a short one, cut by the tick, less) */
                if (evl >= LOGS__ZTARGET) {
                    uint64_t r = (uint64_t)evl * 16 / (zval.len ? zval.len : 1);
                    r = r < 16 ? 16 : r > 16 * 64 ? 16 * 64 : r;
                    s->ratio16 = s->ratio16 ? (uint32_t)((3 * (uint64_t)s->ratio16 + r) / 4) : (uint32_t)r;
                }
                logs__batch_key_tail(&k, c->ts, c->seq, LOGS__ZBATCH_TAG);
                store_put(t, LOGS_KS_EVENTS, k.data, k.len, zval.data, zval.len);
            } else {   /* the compressor failed (memory): the record as it is, which readers read too */
                nb_log_error("logs", "a log record could not be compressed; stored as it is");
                logs__batch_key_tail(&k, c->ts, c->seq, LOGS__BATCH_TAG);
                unsigned char h[LOGS__VARINT_MAX];
                size_t hl = logs__varint(h, logs__zigzag((int64_t)(now - c->ts)));
                char *v = c->b.data + LOGS__VARINT_MAX - hl;
                memcpy(v, h, hl);
                store_put(t, LOGS_KS_EVENTS, k.data, k.len, v, evl + hl);
            }
            chunk_release(c);
        }
        s->head = s->tail = NULL;
    }
    n_pending = 0;
    if (records) {
        for (stream_ent_t **pp = &streams; *pp;) {
            stream_ent_t *s = *pp;
            if (s->dirty) stream_update(t, s, &k, now);
            if (!s->dirty && now - s->last_put_ms >= IDLE_MS && now >= s->last_put_ms) {
                *pp = s->next;
                stream_unlink(s);
                continue;
            }
            pp = &s->next;
        }
        for (group_ent_t *g = groups; g; g = g->next) group_update(t, g);
    }
    nb_buf_free(&k);
    if (store_commit(t, on_durable, NULL) != STORE_OK) nb_log_error("logs", "log events could not be stored");
}

void logs_flush(void)
{
    flush(1);
}

static void on_tick(uv_timer_t *t)
{
    (void)t;
    flush(1);
}

/* --- start and stop ---------------------------------------------------------------------- */

void logs_start(struct nb_ctx *c)
{
    if (users++) return;
    ctx = c;
    uint32_t r;
    nb_random_bytes(&r, sizeof r);   /* keys stay unique across restarts within one millisecond */
    seq = r;
    uv_timer_init(ctx->loop, &tick);
    uv_timer_init(ctx->loop, &soon);
    uv_timer_start(&tick, on_tick, LOGS_TICK_MS, LOGS_TICK_MS);
    uv_unref((uv_handle_t *)&tick);
    if (n_pending >= LOGS_BATCH) uv_timer_start(&soon, on_soon, 0, 0);
}

static void free_all(void)
{
    for (stream_ent_t *s = streams, *n; s; s = n) {
        n = s->next;
        for (chunk_t *c = s->head, *cn; c; c = cn) {
            cn = c->next;
            nb_buf_free(&c->b);
            free(c);
        }
        free(s->name);
        free(s);
    }
    streams = NULL;
    free(tab);
    tab = NULL;
    tab_cap = n_streams = n_pending = 0;
    for (group_ent_t *g = groups, *n; g; g = n) {
        n = g->next;
        free(g->name);
        free(g);
    }
    groups = NULL;
    for (chunk_t *c = free_chunks, *n; c; c = n) {
        n = c->next;
        nb_buf_free(&c->b);
        free(c);
    }
    free_chunks = NULL;
    n_free_chunks = 0;
    nb_buf_free(&zval);
    logs__zrecord_release();
}

void logs_stop(void)
{
    if (!users || --users) return;
    flush(1);
    uv_timer_stop(&tick);
    uv_timer_stop(&soon);
    uv_close((uv_handle_t *)&tick, NULL);
    uv_close((uv_handle_t *)&soon, NULL);
    free_all();   /* what is left could not be written: the store is gone */
    ctx = NULL;
}
