/* store_wal.c — the LMDB backend's write-ahead log (see store_wal.h for the
 * design and the invariants replay relies on).
 *
 * Owns: the two log files and their header pages, the record buffer, the
 * next lsn, and which file is active / still live from before a switch.
 * Integers are stored in host byte order: the log is read back only by the
 * machine that wrote it (as LMDB's own data.mdb). */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <uv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <zlib.h>
#include "core/alloc.h"
#include "core/crc32.h"
#include "core/log.h"
#include "store/store_backend.h"
#include "store/store_wal.h"

#define WAL_PAGE       4096                 /* header page; records start after it */
#define WAL_VERSION    1
#define WAL_LIVE       1
#define WAL_RETIRED    2
#define REC_HDR        16                   /* u32 len, u32 crc, u64 lsn */
#define OP_HDR         10                   /* u8 type, u8 kslen, u32 klen, u32 vlen */
#define BUF_KEEP       ((size_t)1 << 20)    /* a larger buffer is shrunk once empty */
#define FILL_STEP      ((uint64_t)1 << 20)  /* zeros written per lock hold */

static const char wal_magic[8] = { 'N', 'B', 'W', 'A', 'L', 0, 0, 1 };

typedef struct wal_hdr {
    char magic[8];
    uint32_t version;
    uint32_t state;            /* WAL_LIVE or WAL_RETIRED */
    uint64_t file_id;          /* random, new each time the file becomes active */
    uint64_t first_lsn;        /* lsn of the first record */
    uint64_t next_lsn;         /* retired: the lsn after its last record */
    uint32_t crc;              /* of everything above */
    uint32_t pad;
} wal_hdr_t;

typedef struct wal_file {
    int fd;
    wal_hdr_t hdr;             /* as last written */
    /* Bytes of the file allocated and written (zeros or records): writes
     * below it are overwrites, whose fdatasync writes no metadata. Only
     * grows; beyond it, writes hold fill_mu (see store__wal_prefill). */
    _Atomic uint64_t frontier;
} wal_file_t;

struct store_wal {
    char dir[4096];
    wal_file_t f[2];           /* fd -1: buffer only (no files) */
    int active;                /* index into f */
    int old_live;              /* the other file is live, awaiting its checkpoint */
    int old_unsynced;          /* ... and its last records still need a sync */
    uint64_t off;              /* end of the records in the active file */
    uint64_t next_lsn;
    /* buffer: [0, sealed) sealed records; [mark, len) the open txn's record */
    uint8_t *buf;
    size_t len, cap, sealed, mark;
    int open;                  /* a transaction record is open at mark */
    uint64_t last_off, last_lsn;   /* where the last store__wal_write began */
    int sync_fd[2];            /* fixed by prepare_sync for the worker */
    int nsync;
    int created;               /* open created a file: its directory needs a sync */
    uint64_t switch_bytes;     /* STORE_WAL_SWITCH or store__wal_set_switch */
    uv_mutex_t fill_mu;        /* writes beyond a file's frontier */
    int fill_file;             /* prefill: the file it extends (fixed by the loop) */
};

/* ---- small helpers ------------------------------------------------------ */

static void buf_reserve(store_wal_t *w, size_t more)
{
    if (w->len + more <= w->cap) return;
    size_t cap = w->cap ? w->cap : 65536;
    while (cap < w->len + more) cap *= 2;
    w->buf = nb_xrealloc(w->buf, cap);
    w->cap = cap;
}

static uint32_t hdr_crc(const wal_hdr_t *h)
{
    return (uint32_t)crc32(0L, (const Bytef *)h, (uInt)offsetof(wal_hdr_t, crc));
}

static uint32_t rec_crc(uint64_t file_id, const uint8_t *rec, size_t payload)
{
    uLong c = crc32(0L, (const Bytef *)&file_id, sizeof file_id);
    c = crc32(c, rec, 4);                          /* len */
    c = crc32(c, rec + 8, 8);                      /* lsn */
    return nb_crc32((uint32_t)c, rec + REC_HDR, payload);   /* the value's bytes: the long part */
}

static int pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t k = pwrite(fd, b, n, (off_t)off);
        if (k < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        b += k, n -= (size_t)k, off += (uint64_t)k;
    }
    return 0;
}

static int write_hdr(wal_file_t *f, uint32_t state, uint64_t file_id, uint64_t first, uint64_t next)
{
    wal_hdr_t h = { 0 };
    memcpy(h.magic, wal_magic, sizeof h.magic);
    h.version = WAL_VERSION;
    h.state = state;
    h.file_id = file_id;
    h.first_lsn = first;
    h.next_lsn = next;
    h.crc = hdr_crc(&h);
    int rc = pwrite_all(f->fd, &h, sizeof h, 0);
    if (rc == 0) f->hdr = h;
    return rc;
}

static int read_hdr(wal_file_t *f)
{
    wal_hdr_t h;
    ssize_t n = pread(f->fd, &h, sizeof h, 0);
    if (n != (ssize_t)sizeof h || memcmp(h.magic, wal_magic, sizeof h.magic) != 0 ||
        h.version != WAL_VERSION || h.crc != hdr_crc(&h) ||
        (h.state != WAL_LIVE && h.state != WAL_RETIRED)) {
        memset(&f->hdr, 0, sizeof f->hdr);     /* new or unreadable: nothing to replay */
        return 0;
    }
    f->hdr = h;
    return 1;
}

static uint64_t new_file_id(void)
{
    uint64_t id = 0;
    while (id == 0)
        if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id) id = 0;
    return id;
}

/* ---- open / replay / start ---------------------------------------------- */

int store__wal_open(store_wal_t **out, const char *dir)
{
    store_wal_t *w = nb_xcalloc(1, sizeof *w);
    w->f[0].fd = w->f[1].fd = -1;
    w->next_lsn = 1;
    w->switch_bytes = STORE_WAL_SWITCH;
    if (uv_mutex_init(&w->fill_mu) != 0) abort();
    if (!dir) {
        *out = w;
        return 0;
    }
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    int created = 0, rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/wal.%d", dir, i);
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            created = 1;
        }
        struct stat st;
        if (fd < 0) rc = errno;
        else w->f[i].fd = fd;
        if (fd >= 0) read_hdr(&w->f[i]);
        if (fd >= 0 && fstat(fd, &st) == 0) atomic_store(&w->f[i].frontier, (uint64_t)st.st_size);
    }
    w->created = created;
    if (rc != 0) {
        store__wal_close(w, 0);
        return rc;
    }
    *out = w;
    return 0;
}

/* Visit the ops in [p, end) in order: fn(arg, op) for each (fn NULL: only
 * check them). 0; -1 when an op is malformed (a CRC-valid record that only a
 * bug could have written: nothing of it may be applied, so check first);
 * or fn's non-zero result. */
static int walk_ops(const uint8_t *p, const uint8_t *end, store_wal_op_fn fn, void *arg)
{
    char ks[STORE_MAX_KEYSPACE + 1];
    while (p < end) {
        if ((size_t)(end - p) < OP_HDR) return -1;
        uint32_t klen, vlen;
        uint8_t type = p[0], kslen = p[1];
        memcpy(&klen, p + 2, 4);
        memcpy(&vlen, p + 6, 4);
        p += OP_HDR;
        if ((type != STORE_WAL_PUT && type != STORE_WAL_DEL) || kslen == 0 || kslen > STORE_MAX_KEYSPACE ||
            klen == 0 || klen > STORE_MAX_KEY || (type == STORE_WAL_DEL && vlen) ||
            (size_t)(end - p) < (size_t)kslen + klen + vlen || memchr(p, 0, kslen))
            return -1;
        if (fn) {
            memcpy(ks, p, kslen);
            ks[kslen] = 0;
            store_wal_op_t op = { type, ks, p + kslen, klen, type == STORE_WAL_PUT ? p + kslen + klen : NULL, vlen };
            int rc = fn(arg, &op);
            if (rc) return rc;
        }
        p += (size_t)kslen + klen + vlen;
    }
    return 0;
}

/* Replay one file's records from lsn *expect on; *expect ends one past the
 * last record applied. */
static int replay_file(store_wal_t *w, int i, uint64_t *expect, store_wal_op_fn opfn,
                       store_wal_rec_fn recfn, void *arg, uint64_t *n)
{
    wal_file_t *f = &w->f[i];
    struct stat st;
    if (fstat(f->fd, &st) != 0) return errno;
    size_t size = (size_t)st.st_size;
    if (size <= WAL_PAGE + REC_HDR) return 0;
    uint8_t *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, f->fd, 0);
    if (m == MAP_FAILED) return errno;
    int rc = 0;
    size_t off = WAL_PAGE;
    const char *why = NULL;
    while (rc == 0) {
        if (size - off < REC_HDR) { why = "end of file"; break; }
        uint32_t len, crc;
        uint64_t lsn;
        memcpy(&len, m + off, 4);
        memcpy(&crc, m + off + 4, 4);
        memcpy(&lsn, m + off + 8, 8);
        if (len == 0 && crc == 0 && lsn == 0) { why = "end of log"; break; }
        if (len > size - off - REC_HDR) { why = "torn record"; break; }
        if (lsn != *expect) { why = "lsn out of sequence"; break; }
        if (crc != rec_crc(f->hdr.file_id, m + off, len)) { why = "checksum mismatch"; break; }
        /* a whole record: check all of its ops, then apply them */
        const uint8_t *p = m + off + REC_HDR;
        if (walk_ops(p, p + len, NULL, NULL) != 0) { why = "malformed op"; break; }
        rc = walk_ops(p, p + len, opfn, arg);
        if (why) break;
        if (rc == 0 && recfn) rc = recfn(arg);
        if (rc != 0) break;
        (*expect)++;
        (*n)++;
        off += REC_HDR + len;
    }
    if (why && strcmp(why, "end of log") && strcmp(why, "end of file") && strcmp(why, "lsn out of sequence"))
        nb_log_warn("store", "wal.%d: replay stopped at offset %zu: %s", i, off, why);
    munmap(m, size);
    return rc;
}

int store__wal_replay(store_wal_t *w, store_wal_op_fn op, store_wal_rec_fn rec, void *arg, uint64_t *n)
{
    *n = 0;
    if (w->f[0].fd < 0) return 0;
    /* live files, oldest first */
    int order[2], k = 0;
    for (int i = 0; i < 2; i++)
        if (w->f[i].hdr.state == WAL_LIVE) order[k++] = i;
    if (k == 2 && w->f[order[0]].hdr.first_lsn > w->f[order[1]].hdr.first_lsn) {
        int t = order[0];
        order[0] = order[1];
        order[1] = t;
    }
    uint64_t next = 1;
    for (int i = 0; i < 2; i++) {
        const wal_hdr_t *h = &w->f[i].hdr;
        if (h->state == WAL_RETIRED && h->next_lsn > next) next = h->next_lsn;
        if (h->state && h->first_lsn > next) next = h->first_lsn;
    }
    for (int j = 0; j < k; j++) {
        wal_file_t *f = &w->f[order[j]];
        uint64_t expect = f->hdr.first_lsn;
        if (j > 0 && expect != next)
            nb_log_warn("store", "wal.%d starts at record %llu, the log before it ended at %llu",
                        order[j], (unsigned long long)expect, (unsigned long long)next);
        int rc = replay_file(w, order[j], &expect, op, rec, arg, n);
        if (rc != 0) return rc;
        if (expect > next) next = expect;
    }
    w->next_lsn = next;
    return 0;
}

int store__wal_start(store_wal_t *w)
{
    if (w->f[0].fd < 0) return 0;
    int rc = 0;
    /* the active file first: from here on the log starts at next_lsn */
    w->active = 0;
    rc = write_hdr(&w->f[0], WAL_LIVE, new_file_id(), w->next_lsn, 0);
    if (rc == 0 && w->f[1].hdr.state == WAL_LIVE)
        rc = write_hdr(&w->f[1], WAL_RETIRED, w->f[1].hdr.file_id, w->f[1].hdr.first_lsn, w->next_lsn);
    /* A fresh file: a zero record header where the first record goes, so
     * that records of the file's previous life are never mistaken for ours
     * (their CRCs would fail anyway: other file id). */
    static const uint8_t zero[REC_HDR];
    if (rc == 0) rc = pwrite_all(w->f[0].fd, zero, sizeof zero, WAL_PAGE);
    w->off = WAL_PAGE;
    w->old_live = 0;
    w->old_unsynced = w->f[1].hdr.state == WAL_RETIRED;   /* its retired mark, synced with the first sync */
    return rc;
}

/* ---- the record buffer ---------------------------------------------------- */

void store__wal_txn_begin(store_wal_t *w)
{
    buf_reserve(w, REC_HDR);
    w->mark = w->len;
    w->len += REC_HDR;
    w->open = 1;
}

static void put_op(store_wal_t *w, int type, const char *ks, const void *key, size_t klen,
                   const void *val, size_t vlen)
{
    size_t kslen = strlen(ks);                 /* <= STORE_MAX_KEYSPACE: checked by store.c */
    buf_reserve(w, OP_HDR + kslen + klen + vlen);
    uint8_t *p = w->buf + w->len;
    uint32_t k32 = (uint32_t)klen, v32 = (uint32_t)vlen;
    p[0] = (uint8_t)type;
    p[1] = (uint8_t)kslen;
    memcpy(p + 2, &k32, 4);
    memcpy(p + 6, &v32, 4);
    memcpy(p + OP_HDR, ks, kslen);
    memcpy(p + OP_HDR + kslen, key, klen);
    if (vlen) memcpy(p + OP_HDR + kslen + klen, val, vlen);
    w->len += OP_HDR + kslen + klen + vlen;
}

void store__wal_txn_put(store_wal_t *w, const char *ks, const void *key, size_t klen,
                        const void *val, size_t vlen)
{
    if (w->open) put_op(w, STORE_WAL_PUT, ks, key, klen, val, vlen);
}

void store__wal_txn_del(store_wal_t *w, const char *ks, const void *key, size_t klen)
{
    if (w->open) put_op(w, STORE_WAL_DEL, ks, key, klen, NULL, 0);
}

int store__wal_txn_ops(const store_wal_t *w, store_wal_op_fn fn, void *arg)
{
    if (!w->open) return 0;
    return walk_ops(w->buf + w->mark + REC_HDR, w->buf + w->len, fn, arg);
}

void store__wal_txn_seal(store_wal_t *w)
{
    if (!w->open) return;
    w->open = 0;
    uint8_t *rec = w->buf + w->mark;
    size_t payload = w->len - w->mark - REC_HDR;
    if (payload == 0) {                        /* wrote nothing: no record */
        w->len = w->mark;
        return;
    }
    uint32_t len = (uint32_t)payload;
    uint64_t lsn = w->next_lsn++;
    memcpy(rec, &len, 4);
    memcpy(rec + 8, &lsn, 8);
    uint32_t crc = rec_crc(w->f[w->active].hdr.file_id, rec, payload);
    memcpy(rec + 4, &crc, 4);
    w->sealed = w->len;
}

int store__wal_sealed_ops(const store_wal_t *w, store_wal_op_fn fn, void *arg)
{
    const uint8_t *p = w->buf, *end = w->buf + w->sealed;
    while (p < end) {
        uint32_t len;
        memcpy(&len, p, 4);
        int rc = walk_ops(p + REC_HDR, p + REC_HDR + len, fn, arg);
        if (rc) return rc;
        p += REC_HDR + (size_t)len;
    }
    return 0;
}

void store__wal_txn_raw(store_wal_t *w, const void *payload, size_t len)
{
    store__wal_txn_begin(w);
    buf_reserve(w, len);
    memcpy(w->buf + w->len, payload, len);
    w->len += len;
    store__wal_txn_seal(w);
}

void store__wal_txn_abort(store_wal_t *w)
{
    if (!w->open) return;
    w->open = 0;
    w->len = w->mark;
}

/* ---- writing ---------------------------------------------------------------- */

/* Drop the sealed records from the buffer (keeping an open txn's record). */
static void buf_consume_sealed(store_wal_t *w)
{
    size_t n = w->sealed;
    if (n == 0) return;
    if (w->open) {
        memmove(w->buf, w->buf + n, w->len - n);
        w->mark -= n;
    }
    w->len -= n;
    w->sealed = 0;
    if (w->len == 0 && w->cap > BUF_KEEP) {
        free(w->buf);
        w->buf = NULL;
        w->cap = 0;
    }
}

void store__wal_drop_sealed(store_wal_t *w)
{
    if (w->sealed == 0) return;
    uint64_t first;
    memcpy(&first, w->buf + 8, 8);
    w->next_lsn = first;
    buf_consume_sealed(w);
}

/* The sealed records at [last_off, off) do not count: lsns back, and a zero
 * header where they began so that replay stops there. */
static void undo_last(store_wal_t *w)
{
    static const uint8_t zero[REC_HDR];
    if (w->f[0].fd >= 0) (void)pwrite_all(w->f[w->active].fd, zero, sizeof zero, w->last_off);
    w->off = w->last_off;
    w->next_lsn = w->last_lsn;
}

int store__wal_write(store_wal_t *w)
{
    if (w->sealed == 0) return 0;
    uint64_t first;
    memcpy(&first, w->buf + 8, 8);
    w->last_off = w->off;
    w->last_lsn = first;
    if (w->f[0].fd < 0) {                      /* buffer only */
        buf_consume_sealed(w);
        return 0;
    }
    /* the record after ours must read as the end of the log, not as a stale
     * record: a zero header follows (overwritten by the next write) */
    size_t n = w->sealed;
    buf_reserve(w, REC_HDR);
    uint8_t *tail = w->buf + w->len;           /* scratch past the buffer's end */
    wal_file_t *f = &w->f[w->active];
    uint64_t end = w->off + n + REC_HDR;
    int extend = end > atomic_load(&f->frontier);
    if (extend) uv_mutex_lock(&w->fill_mu);
    int rc;
    if (w->open) {
        /* the open record sits at [n, len): write the sealed part, then the
         * zero header separately */
        static const uint8_t zero[REC_HDR];
        rc = pwrite_all(w->f[w->active].fd, w->buf, n, w->off);
        if (rc == 0) rc = pwrite_all(w->f[w->active].fd, zero, sizeof zero, w->off + n);
    } else {
        memset(tail, 0, REC_HDR);
        rc = pwrite_all(w->f[w->active].fd, w->buf, n + REC_HDR, w->off);
    }
    if (extend) {
        if (rc == 0 && end > atomic_load(&f->frontier)) atomic_store(&f->frontier, end);
        uv_mutex_unlock(&w->fill_mu);
    }
    if (rc != 0) {
        buf_consume_sealed(w);
        undo_last(w);
        return rc;
    }
    w->off += n;
    buf_consume_sealed(w);
    return 0;
}

void store__wal_unwrite(store_wal_t *w)
{
    undo_last(w);
}

/* ---- durability ------------------------------------------------------------- */

void store__wal_prepare_sync(store_wal_t *w)
{
    w->nsync = 0;
    if (w->f[0].fd < 0) return;
    w->sync_fd[w->nsync++] = w->f[w->active].fd;
    if (w->old_unsynced) {
        w->sync_fd[w->nsync++] = w->f[1 - w->active].fd;
        w->old_unsynced = 0;
    }
}

int store__wal_sync_active(store_wal_t *w)
{
    if (w->f[0].fd < 0) return 0;
    return fdatasync(w->f[w->active].fd) != 0 ? errno : 0;
}

int store__wal_sync(store_wal_t *w)
{
    for (int i = 0; i < w->nsync; i++)
        if (fdatasync(w->sync_fd[i]) != 0) return errno;
    return 0;
}

/* ---- prefill ----------------------------------------------------------------
 * Appending to a file costs its fdatasync a metadata write (size, newly
 * allocated blocks): 2–3× the time of an overwrite here. So the active file
 * is extended ahead of the records with zeros, on a worker, synced there;
 * the records then overwrite allocated blocks. Mutual exclusion by the
 * frontier: the filler writes only beyond it and the loop's writes that go
 * beyond it, both under fill_mu; the loop's writes below it need no lock. */

int store__wal_prefill_due(store_wal_t *w)
{
    if (w->f[0].fd < 0) return 0;
    const wal_file_t *f = &w->f[w->active];
    if (w->off < STORE_WAL_PREFILL_AFTER) return 0;    /* a light writer: appends are fine */
    if (atomic_load(&f->frontier) >= w->off + STORE_WAL_PREFILL / 2) return 0;
    if (atomic_load(&f->frontier) >= w->switch_bytes + STORE_WAL_PREFILL) return 0;
    w->fill_file = w->active;
    return 1;
}

int store__wal_prefill(store_wal_t *w)
{
    wal_file_t *f = &w->f[w->fill_file];
    /* Never take a nearly full disk's last space for zeros: the records
     * themselves would then fail. Appending is only slower. */
    struct statvfs fs;
    if (fstatvfs(f->fd, &fs) == 0 &&
        (uint64_t)fs.f_bavail * fs.f_frsize < STORE_WAL_PREFILL_MIN_FREE)
        return 0;
    uint8_t *z = nb_xcalloc(1, FILL_STEP);
    uint64_t target = atomic_load(&f->frontier) + STORE_WAL_PREFILL;
    int rc = 0;
    while (rc == 0) {
        uv_mutex_lock(&w->fill_mu);
        uint64_t at = atomic_load(&f->frontier);
        if (at >= target) {
            uv_mutex_unlock(&w->fill_mu);
            break;
        }
        rc = pwrite_all(f->fd, z, FILL_STEP, at);
        if (rc == 0) atomic_store(&f->frontier, at + FILL_STEP);
        else if (ftruncate(f->fd, (off_t)at) != 0) { /* give back a partial step; best effort */ }
        uv_mutex_unlock(&w->fill_mu);
    }
    free(z);
    if (rc == 0 && fdatasync(f->fd) != 0) rc = errno;
    return rc;
}

int store__wal_should_switch(const store_wal_t *w)
{
    return w->f[0].fd >= 0 && !w->old_live && w->off >= WAL_PAGE + w->switch_bytes;
}

int store__wal_switch(store_wal_t *w)
{
    int next = 1 - w->active;
    static const uint8_t zero[REC_HDR];
    if (w->old_live || w->sealed || w->open) return EBUSY;   /* see store_wal.h */
    uint64_t id = new_file_id();
    /* zero header first: until the new file header is in place the file is
     * retired, and the old file stays the active one */
    int rc = pwrite_all(w->f[next].fd, zero, sizeof zero, WAL_PAGE);
    if (rc == 0) rc = write_hdr(&w->f[next], WAL_LIVE, id, w->next_lsn, 0);
    if (rc != 0) return rc;
    w->active = next;
    w->off = WAL_PAGE;
    w->old_live = 1;
    w->old_unsynced = 1;
    return 0;
}

int store__wal_retire_old(store_wal_t *w)
{
    wal_file_t *f = &w->f[1 - w->active];
    return write_hdr(f, WAL_RETIRED, f->hdr.file_id, f->hdr.first_lsn, w->f[w->active].hdr.first_lsn);
}

void store__wal_checkpoint_done(store_wal_t *w, int ok)
{
    if (ok) {
        w->old_live = 0;
        w->old_unsynced = 1;   /* its retired mark: synced with the next sync */
    }
}

int store__wal_old_live(const store_wal_t *w)
{
    return w->old_live;
}

void store__wal_set_switch(store_wal_t *w, uint64_t bytes)
{
    w->switch_bytes = bytes ? bytes : STORE_WAL_SWITCH;
}

int store__wal_created(const store_wal_t *w)
{
    return w->created;
}

void store__wal_close(store_wal_t *w, int synced)
{
    if (!w) return;
    for (int i = 0; i < 2; i++) {
        wal_file_t *f = &w->f[i];
        if (f->fd < 0) continue;
        if (synced && f->hdr.state == WAL_LIVE &&
            write_hdr(f, WAL_RETIRED, f->hdr.file_id, f->hdr.first_lsn, w->next_lsn) == 0)
            (void)fdatasync(f->fd);
        close(f->fd);
    }
    uv_mutex_destroy(&w->fill_mu);
    free(w->buf);
    free(w);
}
