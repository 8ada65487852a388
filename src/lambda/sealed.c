/* sealed.c — function packages and layers encrypted at rest, unpacked in RAM.
 *
 * What DATA/lambda holds of code is sealed (store_file.h: AES-256-GCM under
 * the keyring's "lambda.code" data key, which the master key wraps, so
 * `nimbus rotate-master-key` covers it without touching these files):
 *   DATA/lambda/code/NAME/SHA256HEX.sealed   a function package (the zip),
 *                                            context "lambda.code NAME HEX"
 *   DATA/lambda/layers/LAYER/VER.sealed      a layer version's zip,
 *                                            context "lambda.layer LAYER"
 *   DATA/lambda/layers/LAYER/staged-*.sealed an upload waiting for its number
 *   DATA/lambda/layout                       "sealed 1": an older plaintext layout
 *                                            was migrated (lambda__sealed_migrate)
 * The unpacked trees that instances mount at /var/task and /opt live only in
 * UNPACK (lambda__svc.unpack_dir): a 0700 directory on a RAM file system
 * (/run/nimbus/ID when /run is tmpfs, else /dev/shm/nimbus-UID/ID; config
 * lambda.unpack_dir names another base), never under DATA. ID is derived from
 * the data key and the data directory's path, so two data directories never
 * share trees, and a data directory finds its own again after a restart.
 * After a reboot UNPACK is empty: the first cold start of each function
 * version unpacks its sealed zips again, on the thread pool
 * (lambda__conf_prepare), while its invocations wait.
 *
 * Invariants: no plaintext package byte is written under DATA; a sealed
 * file that does not open (tampered, truncated, another function's) is
 * never unpacked, and the invocation gets InvalidZipFileException; a tree
 * under UNPACK exists only complete (code.c renames it into place). */
#include "lambda/lambda_int.h"
#include "lambda/archive_dl.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "store/store_file.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>

#define TMPFS_MAGIC_ 0x01021994
#define RAMFS_MAGIC_ 0x858458f6

/* ---- the unpack directory ------------------------------------------------------- */

static int is_ram(const char *path)
{
    struct statfs f;
    return statfs(path, &f) == 0 && (f.f_type == TMPFS_MAGIC_ || f.f_type == RAMFS_MAGIC_);
}

/* Make dir (0700) or accept it if it is ours: a directory, not a link,
 * owned by us — /dev/shm is everyone's. 0 or -1. */
static int own_dir(const char *dir)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
    struct stat st;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
        nb_log_error("lambda", "%s is not a directory of this user: not used for function code", dir);
        return -1;
    }
    return chmod(dir, 0700);
}

/* Whether dir is real (the data directory) or under it; logged. */
static int inside(const char *dir, const char *real)
{
    char abs[2 * PATH_MAX + 2], cwd[PATH_MAX];
    if (dir[0] != '/' && getcwd(cwd, sizeof cwd)) snprintf(abs, sizeof abs, "%s/%s", cwd, dir);
    else snprintf(abs, sizeof abs, "%s", dir);
    size_t n = strlen(real);
    if (strncmp(abs, real, n) != 0 || (abs[n] != '/' && abs[n] != 0)) return 0;
    nb_log_error("lambda", "lambda.unpack_dir %s is inside the data directory: function code would be kept "
                           "there in clear", dir);
    return 1;
}

static int pick_unpack_dir(void)
{
    lambda_svc_t *s = &lambda__svc;
    const char *data = s->ctx->cfg->data_dir;
    char real[PATH_MAX];
    if (!realpath(data, real)) snprintf(real, sizeof real, "%s", data);
    /* ID: one-way from the data key and the path */
    nb_buf_t in = NB_BUF_INIT;
    nb_buf_puts(&in, "nimbus unpack dir\n");
    nb_buf_append(&in, s->file_key, sizeof s->file_key);
    nb_buf_puts(&in, real);
    char hex[65], id[17];
    lambda__sha256(in.data, in.len, hex, NULL);
    OPENSSL_cleanse(in.data, in.len);
    nb_buf_free(&in);
    snprintf(id, sizeof id, "%.16s", hex);
    char base[PATH_MAX];
    const char *cfg = nb_config_get(s->ctx->cfg, "lambda.unpack_dir");
    if (cfg && *cfg) snprintf(base, sizeof base, "%s", cfg);
    else if (is_ram("/run") && access("/run", W_OK) == 0) snprintf(base, sizeof base, "/run/nimbus");
    else snprintf(base, sizeof base, "/dev/shm/nimbus-%u", (unsigned)geteuid());
    if (inside(base, real)) return -1;
    if (nb_mkdir_p(base) != 0 && errno != EEXIST) {
        nb_log_error("lambda", "cannot create %s: %s", base, strerror(errno));
        return -1;
    }
    if (own_dir(base) != 0) return -1;
    char rb[PATH_MAX];
    if (!realpath(base, rb)) snprintf(rb, sizeof rb, "%s", base);
    if (inside(rb, real)) return -1;       /* through a symbolic link */
    if (lambda__pathf(s->unpack_dir, sizeof s->unpack_dir, "%s/%s", rb, id) || own_dir(s->unpack_dir) != 0)
        return -1;
    /* who owns it (the sweep below), and where it is (for tools and tests) */
    char owner[PATH_MAX], where[PATH_MAX];
    nb_buf_t cur = NB_BUF_INIT;
    if (!lambda__pathf(owner, sizeof owner, "%s/.owner", s->unpack_dir) &&
        (nb_read_file(owner, &cur) != 0 || strcmp(cur.data, real) != 0))
        nb_write_file_replace(owner, real, strlen(real), 0600, 0);
    nb_buf_clear(&cur);
    if (!lambda__pathf(where, sizeof where, "%s/unpack-dir", s->dir) &&
        (nb_read_file(where, &cur) != 0 || strcmp(cur.data, s->unpack_dir) != 0))
        nb_write_file_replace(where, s->unpack_dir, strlen(s->unpack_dir), 0600, 0);
    nb_buf_free(&cur);
    if (!is_ram(s->unpack_dir))
        nb_log_warn("lambda", "%s is not on a RAM file system: unpacked function code outlives a reboot there",
                    s->unpack_dir);
    return 0;
}

int lambda__sealed_init(void)
{
    lambda_svc_t *s = &lambda__svc;
    if (store_file_key(s->ctx->store, "lambda.code", s->file_key) != STORE_OK) {
        nb_log_error("lambda", "no data key for function code: functions cannot be created or run");
        return -1;
    }
    s->file_key_ok = 1;
    if (pick_unpack_dir() != 0) {
        OPENSSL_cleanse(s->file_key, sizeof s->file_key);
        s->file_key_ok = 0;
        s->unpack_dir[0] = 0;
        return -1;
    }
    return 0;
}

/* ---- names -------------------------------------------------------------------------- */

int lambda__code_sealed(const char *name, const char *hex, char *path, size_t cap, char *ctx, size_t ctxcap)
{
    if (lambda__pathf(path, cap, "%s/code/%s/%s.sealed", lambda__svc.dir, name, hex)) return -1;
    return lambda__pathf(ctx, ctxcap, "lambda.code %s %s", name, hex);
}

int lambda__layer_sealed(const char *arn, char *path, size_t cap, char *ctx, size_t ctxcap)
{
    const char *l = strstr(arn, ":layer:");
    if (!l) return -1;
    l += 7;
    const char *c = strrchr(l, ':');
    if (!c || c == l || !c[1] || strspn(c + 1, "0123456789") != strlen(c + 1) || memchr(l, '/', (size_t)(c - l)))
        return -1;
    if (lambda__pathf(path, cap, "%s/layers/%.*s/%s.sealed", lambda__svc.dir, (int)(c - l), l, c + 1)) return -1;
    return lambda__pathf(ctx, ctxcap, "lambda.layer %.*s", (int)(c - l), l);
}

static int open_sealed(const char *path, const char *ctx, const char *what, nb_buf_t *out, char *err, size_t errcap)
{
    if (!lambda__svc.file_key_ok) {
        snprintf(err, errcap, "nimbus has no data key for function code (see its log)");
        return -1;
    }
    if (store_file_open(lambda__svc.file_key, ctx, path, out) == 0) return 0;
    if (errno == EBADMSG) {
        nb_log_error("lambda", "%s fails its integrity check (tampered, truncated or not this data "
                               "directory's): %s", what, path);
        snprintf(err, errcap, "Lambda could not unzip the deployment package: the %s stored by nimbus fails "
                              "its integrity check.", what);
    } else {
        nb_log_error("lambda", "cannot read %s %s: %s", what, path, strerror(errno));
        snprintf(err, errcap, "Lambda could not unzip the deployment package: the %s is missing from the data "
                              "directory.", what);
    }
    return -1;
}

int lambda__code_open(const char *name, const char *hex, nb_buf_t *out, char *err, size_t errcap)
{
    char path[PATH_MAX], ctx[256];
    if (lambda__code_sealed(name, hex, path, sizeof path, ctx, sizeof ctx)) {
        snprintf(err, errcap, "path too long");
        return -1;
    }
    return open_sealed(path, ctx, "function package", out, err, errcap);
}

int lambda__layer_open(const char *arn, nb_buf_t *out, char *err, size_t errcap)
{
    char path[PATH_MAX], ctx[256];
    if (lambda__layer_sealed(arn, path, sizeof path, ctx, sizeof ctx)) {
        snprintf(err, errcap, "not a layer version ARN: %s", arn);
        return -1;
    }
    return open_sealed(path, ctx, "layer version", out, err, errcap);
}

int lambda__seal(const char *path, const char *ctx, const void *zip, size_t len)
{
    if (!lambda__svc.file_key_ok) {
        errno = ENOKEY;
        return -1;
    }
    return store_file_seal(lambda__svc.file_key, ctx, zip, len, path, 0600);
}

/* ---- migration of the plaintext layout ----------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int all_hex(const char *s, size_t n)
{
    return strlen(s) >= n && strspn(s, "0123456789abcdef") == n;
}

/* Where a plain zip of the older layout goes once sealed: fills path and ctx
 * and returns 0 when entry (in dir, of owner: a function or a layer name) is
 * such a zip, -1 when it is not. */
typedef int (*zip_target_fn)(const char *owner, const char *dir, const char *entry, char *path, size_t cap,
                             char *ctx, size_t ctxcap);

/* A function's HEX.zip → HEX.sealed, context "lambda.code NAME HEX". */
static int fn_zip_target(const char *name, const char *dir, const char *entry, char *path, size_t cap, char *ctx,
                         size_t ctxcap)
{
    (void)dir;
    if (!all_hex(entry, 64) || strcmp(entry + 64, ".zip") != 0) return -1;
    char hex[65];
    snprintf(hex, sizeof hex, "%.64s", entry);
    return lambda__code_sealed(name, hex, path, cap, ctx, ctxcap);
}

/* A layer's VER.zip → VER.sealed, context "lambda.layer LAYER". */
static int layer_zip_target(const char *layer, const char *dir, const char *entry, char *path, size_t cap,
                            char *ctx, size_t ctxcap)
{
    size_t digits = strspn(entry, "0123456789");
    if (!digits || strcmp(entry + digits, ".zip") != 0) return -1;
    if (lambda__pathf(path, cap, "%s/%.*s.sealed", dir, (int)digits, entry)) return -1;
    return lambda__pathf(ctx, ctxcap, "lambda.layer %s", layer);
}

/* Seal the plain zip p as sp (unless an earlier, interrupted pass already
 * did), then remove p. 0, or -1 (logged; p left as it is). */
static int seal_zip(const char *p, const char *sp, const char *ctx)
{
    nb_buf_t zip = NB_BUF_INIT;
    struct stat st;
    int ok = stat(sp, &st) == 0 || (nb_read_file(p, &zip) == 0 && lambda__seal(sp, ctx, zip.data, zip.len) == 0);
    OPENSSL_cleanse(zip.data, zip.len);
    nb_buf_free(&zip);
    if (!ok) {
        nb_log_error("lambda", "cannot seal %s: left as it is", p);
        return -1;
    }
    unlink(p);
    return 0;
}

/* One function's or layer's directory of the older layout: its plain zips
 * sealed (target names them); everything else but the sealed files removed
 * — unpacked trees, unfinished ones, content-named hard links of layer zips,
 * check trees: what is still wanted is made again in UNPACK. Adds to *n the
 * zips sealed and to *failed those that could not be. Crash-safe: sealing
 * writes the .sealed file atomically before the zip goes, and a zip whose
 * .sealed exists is only removed. */
static void migrate_dir(const char *owner, const char *dir, zip_target_fn target, unsigned *n, unsigned *failed)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || ends_with(e->d_name, ".sealed")) continue;
        char p[PATH_MAX], sp[PATH_MAX], ctx[256];
        if (lambda__pathf(p, sizeof p, "%s/%s", dir, e->d_name)) continue;
        if (target(owner, dir, e->d_name, sp, sizeof sp, ctx, sizeof ctx) != 0) lambda__rm_rf(p);
        else if (seal_zip(p, sp, ctx) == 0) (*n)++;
        else (*failed)++;
    }
    closedir(d);
}

/* DATA/lambda/SUB: deletions a crash interrupted (control.c moves a
 * directory aside as .deleted-* first) are finished; with migrate, each
 * entry's directory is migrated (migrate_dir). */
static void migrate_tree(const char *sub, int migrate, zip_target_fn target, unsigned *n, unsigned *failed)
{
    char top[PATH_MAX];
    if (lambda__pathf(top, sizeof top, "%s/%s", lambda__svc.dir, sub)) return;
    DIR *d = opendir(top);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char p[PATH_MAX];
        if (e->d_name[0] == '.') {
            if (strncmp(e->d_name, ".deleted-", 9) == 0 && !lambda__pathf(p, sizeof p, "%s/%s", top, e->d_name))
                lambda__rm_rf(p);
            continue;
        }
        if (migrate && !lambda__pathf(p, sizeof p, "%s/%s", top, e->d_name)) migrate_dir(e->d_name, p, target, n, failed);
    }
    closedir(d);
}

/* The unpack directories beside ours whose data directory is gone: RAM
 * that nothing would ever free before a reboot. One being made right now
 * has no .owner yet for a moment: only those a minute old go without one. */
static void sweep_orphans(void)
{
    char base[PATH_MAX];
    snprintf(base, sizeof base, "%s", lambda__svc.unpack_dir);
    char *slash = strrchr(base, '/');
    if (!slash) return;
    *slash = 0;
    DIR *d = opendir(base);
    if (!d) return;
    struct dirent *e;
    time_t now = time(NULL);
    while ((e = readdir(d))) {
        if (!all_hex(e->d_name, 16) || e->d_name[16]) continue;
        char dir[PATH_MAX], owner[PATH_MAX];
        if (lambda__pathf(dir, sizeof dir, "%s/%s", base, e->d_name) ||
            lambda__pathf(owner, sizeof owner, "%s/.owner", dir) || strcmp(dir, lambda__svc.unpack_dir) == 0)
            continue;
        nb_buf_t b = NB_BUF_INIT;
        struct stat st;
        int orphan;
        if (nb_read_file(owner, &b) == 0) {
            orphan = b.len && stat(b.data, &st) != 0 && errno == ENOENT;
            /* or that data directory was made again since, and has a directory of its own */
            nb_buf_t theirs = NB_BUF_INIT;
            nb_buf_puts(&b, "/lambda/unpack-dir");
            if (!orphan && nb_read_file(b.data, &theirs) == 0 && strcmp(theirs.data, dir) != 0) orphan = 1;
            nb_buf_free(&theirs);
        } else orphan = errno == ENOENT && lstat(dir, &st) == 0 && now - st.st_mtime > 60;
        nb_buf_free(&b);
        if (orphan) {
            nb_log_info("lambda", "removing %s: its data directory is gone", dir);
            lambda__rm_rf(dir);
        }
    }
    closedir(d);
}

/* DATA/lambda/layout names the layout of DATA/lambda once an older one has
 * been migrated: then a start no longer opens every function's and layer's
 * directory looking for plain zips (one directory each: thousands of
 * syscalls for thousands of functions). Written only after a pass that
 * sealed everything; not synced: a marker lost to a power loss only costs
 * one more (idempotent) pass. No nimbus that knows the marker writes plain
 * zips under DATA; a data directory that an older nimbus ran on after a
 * newer one (a downgrade) needs the marker removed by hand. */
#define LAYOUT_MARK "sealed 1\n"

static int layout_is_current(const char *path)
{
    nb_buf_t b = NB_BUF_INIT;
    int cur = nb_read_file(path, &b) == 0 && strcmp(b.data, LAYOUT_MARK) == 0;
    nb_buf_free(&b);
    return cur;
}

/* Runs on libuv's pool at start-up (service.c's runtimes job); every loop
 * path that reads or changes DATA/lambda/{code,layers} or UNPACK first waits
 * for that job (lambda__runtimes_ready), so none sees a half-migrated
 * directory. */
void lambda__sealed_migrate(void)
{
    if (!lambda__svc.file_key_ok) return;
    sweep_orphans();
    char mark[PATH_MAX];
    if (lambda__pathf(mark, sizeof mark, "%s/layout", lambda__svc.dir)) return;
    int migrate = !layout_is_current(mark);
    unsigned n = 0, failed = 0;
    migrate_tree("code", migrate, fn_zip_target, &n, &failed);
    migrate_tree("layers", migrate, layer_zip_target, &n, &failed);
    if (!migrate) return;
    char opt[PATH_MAX];
    struct stat st;
    if (!lambda__pathf(opt, sizeof opt, "%s/opt", lambda__svc.dir) && lstat(opt, &st) == 0) lambda__rm_rf(opt);
    if (n) nb_log_info("lambda", "sealed %u deployment packages and layers kept in clear by an older nimbus", n);
    if (!failed && nb_write_file_replace(mark, LAYOUT_MARK, sizeof LAYOUT_MARK - 1, 0600, 0) != 0)
        nb_log_warn("lambda", "cannot write %s: the layout is checked again at the next start", mark);
}

/* ---- unpacking at a cold start ----------------------------------------------------------- */

/* Looked at before every environment start, not once per configuration: the
 * RAM directory may be emptied under a running nimbus (a tmpfs cleaner, an
 * operator, the bench's simulated reboot), and an environment started over a
 * vanished tree would fail to import its handler. A stat or two per cold
 * start; warm invocations never come here. */
int lambda__conf_ready(lambda_fnconf_t *c)
{
    struct stat st;
    c->ready = stat(c->code_dir, &st) == 0 && (!c->opt_dir || stat(c->opt_dir, &st) == 0);
    return c->ready;
}

typedef struct prep_cb {
    void (*cb)(void *arg, const char *err);
    void *arg;
    struct prep_cb *next;
} prep_cb_t;

/* One unpacking per configuration at a time; later callers wait for it.
 * At most PREP_WORKERS run at once, the rest wait in order (a FIFO on the
 * loop): libuv's pool also carries the store's fsyncs, which must not queue
 * behind a reboot's worth of unzips (as upload.c). */
#define PREP_WORKERS 2

typedef struct prep {
    uv_work_t work;
    lambda_fnconf_t *conf;     /* ref */
    prep_cb_t *cbs;
    int started, failed;
    char err[400];
    uint64_t queued_us;
    struct prep *next;
} prep_t;

static prep_t *preps;          /* oldest first */
static unsigned preps_running;

static void prep_done(uv_work_t *w, int status);
static void prep_work(uv_work_t *w);

static void preps_start(void)
{
    for (prep_t *p = preps; p && preps_running < PREP_WORKERS; p = p->next) {
        if (p->started) continue;
        p->started = 1;
        preps_running++;
        if (uv_queue_work(lambda__svc.ctx->loop, &p->work, prep_work, prep_done) != 0) {
            p->failed = 1;
            snprintf(p->err, sizeof p->err, "cannot schedule unpacking the function's code");
            prep_done(&p->work, 0);
            return;            /* the list changed: prep_done started the next ones */
        }
    }
}

static void prep_work(uv_work_t *w)
{
    prep_t *p = w->data;
    lambda_fnconf_t *c = p->conf;
    struct stat st;
    if (stat(c->code_dir, &st) != 0) {
        nb_buf_t zip = NB_BUF_INIT;
        p->failed = lambda__code_open(c->name, c->code_sha, &zip, p->err, sizeof p->err) != 0 ||
                    lambda__unzip(zip.data, zip.len, c->code_dir, p->err, sizeof p->err) != 0;
        OPENSSL_cleanse(zip.data, zip.len);
        nb_buf_free(&zip);
        if (p->failed) return;
    }
    if (c->opt_dir && lambda__opt_build(c->layer_arns, c->opt_dir, p->err, sizeof p->err) != 0) p->failed = 1;
}

static void prep_done(uv_work_t *w, int status)
{
    prep_t *p = w->data;
    for (prep_t **pp = &preps; *pp; pp = &(*pp)->next)
        if (*pp == p) { *pp = p->next; break; }
    preps_running--;
    if (status != 0 && !p->failed) {
        p->failed = 1;
        snprintf(p->err, sizeof p->err, "the function's code could not be unpacked (cancelled)");
    }
    if (!p->failed) {
        p->conf->ready = 1;
        nb_log_info("lambda", "%s:%s: code unpacked from its sealed package in %.1f ms", p->conf->name,
                    p->conf->version, (double)(nb_now_us() - p->queued_us) / 1000.0);
    } else nb_log_error("lambda", "%s:%s: %s", p->conf->name, p->conf->version, p->err);
    for (prep_cb_t *c = p->cbs, *n; c; c = n) {
        n = c->next;
        c->cb(c->arg, p->failed ? p->err : NULL);
        free(c);
    }
    lambda__conf_unref(p->conf);
    free(p);
    preps_start();
}

void lambda__conf_prepare(lambda_fnconf_t *c, void (*cb)(void *arg, const char *err), void *arg)
{
    prep_cb_t *pc = nb_xcalloc(1, sizeof *pc);
    pc->cb = cb;
    pc->arg = arg;
    for (prep_t *p = preps; p; p = p->next)
        if (p->conf == c) {
            pc->next = p->cbs;
            p->cbs = pc;
            return;
        }
    lambda__runtimes_ready();      /* the migration of an older layout is done */
    if (!lambda__archive()) {      /* resolved here, on the loop: the worker only reads it */
        cb(arg, "nimbus cannot unpack zip files on this host (libarchive missing).");
        free(pc);
        return;
    }
    prep_t *p = nb_xcalloc(1, sizeof *p);
    p->work.data = p;
    p->conf = c;
    lambda__conf_ref(c);
    p->cbs = pc;
    p->queued_us = nb_now_us();
    prep_t **tail = &preps;
    while (*tail) tail = &(*tail)->next;
    *tail = p;
    preps_start();
}

/* ---- removal ---------------------------------------------------------------------------- */

/* Move dir aside (so a new function of the same name starts empty) and remove it. */
static void remove_dir(const char *dir)
{
    char trash[PATH_MAX], rnd[9];
    unsigned char rb[4];
    nb_random_bytes(rb, sizeof rb);
    nb_hex(rb, sizeof rb, rnd);
    const char *slash = strrchr(dir, '/');
    if (!slash || lambda__pathf(trash, sizeof trash, "%.*s/.deleted-%s-%s", (int)(slash - dir), dir, slash + 1, rnd))
        return;
    if (rename(dir, trash) == 0) lambda__rm_rf(trash);
}

void lambda__code_remove_all(const char *name)
{
    lambda__runtimes_ready();      /* the start-up migration no longer walks these */
    char dir[PATH_MAX];
    if (!lambda__pathf(dir, sizeof dir, "%s/code/%s", lambda__svc.dir, name)) remove_dir(dir);
    if (!lambda__pathf(dir, sizeof dir, "%s/code/%s", lambda__svc.unpack_dir, name)) remove_dir(dir);
}

static int add_sha(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    const char *sha = json_string_value(json_object_get(json_object_get(rec, "code"), "sha"));
    if (sha) json_object_set_new(arg, sha, json_true());
    json_decref(rec);
    return 0;
}

/* A tree an instance is still initialising or running an invocation in
 * stays until the next collection; any other instance of a configuration
 * no record names is shut down before it is given more work. */
static int tree_in_use(const char *dir)
{
    for (lambda_fn_t *f = lambda__svc.fns; f; f = f->next)
        for (lambda_pool_t *p = f->pools; p; p = p->next)
            for (lambda_inst_t *i = p->insts; i; i = i->next)
                if ((i->state == INST_INIT || i->state == INST_BUSY) &&
                    (strcmp(i->conf->code_dir, dir) == 0 || (i->conf->opt_dir && strcmp(i->conf->opt_dir, dir) == 0)))
                    return 1;
    return 0;
}

void lambda__code_gc(const char *name)
{
    if (lambda__uploads_pending(name)) return;     /* its package is sealed but not yet recorded */
    lambda__runtimes_ready();      /* the start-up migration no longer walks these */
    store_txn_t *t;
    if (store_begin(lambda__svc.ctx->store, STORE_READ, &t) != STORE_OK) return;
    json_t *live = json_object();
    json_t *fn = lambda__get_fn(t, name);
    if (!fn) {                     /* deleted: everything of it goes */
        json_decref(live);
        store_abort(t);
        lambda__code_remove_all(name);
        return;
    }
    const char *sha = json_string_value(json_object_get(json_object_get(fn, "code"), "sha"));
    if (sha) json_object_set_new(live, sha, json_true());
    json_decref(fn);
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    nb_buf_puts(&lo, name); nb_buf_putc(&lo, 0);
    nb_buf_puts(&hi, name); nb_buf_putc(&hi, 1);
    int rc = store_scan(t, LAMBDA_KS_VER, lo.data, lo.len, hi.data, hi.len, 0, add_sha, live);
    nb_buf_free(&lo);
    nb_buf_free(&hi);
    store_abort(t);
    if (rc < 0) {                  /* unsure what is live: remove nothing */
        json_decref(live);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        char dir[PATH_MAX];
        if (lambda__pathf(dir, sizeof dir, "%s/code/%s", pass ? lambda__svc.unpack_dir : lambda__svc.dir, name))
            continue;
        DIR *d = opendir(dir);
        if (!d) continue;
        struct dirent *e;
        /* Of the Node.js code caches of packages no version names, the newest
         * stays: the next package's first environment reuses what of it still
         * matches (code_cache.c). */
        char kept[PATH_MAX] = "";
        struct timespec kept_t = {0, 0};
        while ((e = readdir(d))) {
            if (!all_hex(e->d_name, 64)) continue;
            const char *rest = e->d_name + 64;
            char hex[65], p[PATH_MAX];
            /* a package sealed by an upload a crash interrupted (no upload is pending) */
            if (pass == 0 && strncmp(rest, ".sealed.tmp-", 12) == 0) {
                if (!lambda__pathf(p, sizeof p, "%s/%s", dir, e->d_name)) unlink(p);
                continue;
            }
            /* the Node.js code cache of a package (code_cache.c): a file beside its tree */
            int cache = pass == 1 && strncmp(rest, ".jscache", 8) == 0;
            if (!cache && (pass == 0 ? strcmp(rest, ".sealed") != 0 : *rest != 0)) continue;
            snprintf(hex, sizeof hex, "%.64s", e->d_name);
            if (json_object_get(live, hex) || lambda__pathf(p, sizeof p, "%s/%s", dir, e->d_name)) continue;
            if (cache) {
                struct stat st;
                if (stat(p, &st) != 0) continue;
                if (kept[0] && (st.st_mtim.tv_sec < kept_t.tv_sec ||
                                (st.st_mtim.tv_sec == kept_t.tv_sec && st.st_mtim.tv_nsec <= kept_t.tv_nsec))) {
                    unlink(p);
                    continue;
                }
                if (kept[0]) unlink(kept);
                snprintf(kept, sizeof kept, "%s", p);
                kept_t = st.st_mtim;
            } else if (pass == 0) {
                unlink(p);
            } else if (!tree_in_use(p)) {
                lambda__rm_rf(p);
            }
        }
        closedir(d);
    }
    json_decref(live);
}

/* Layer version ARNs published (lambda.layer) or named by a function configuration. */
static int add_layer_version(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    json_t *doc = json_loadb(v, vl, 0, NULL);
    const char *arn = json_string_value(json_object_get(doc, "LayerVersionArn"));
    if (arn) json_object_set_new(arg, arn, json_true());
    json_decref(doc);
    return 0;
}

static int add_used_layers(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    json_t *arns = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(json_object_get(rec, "cfg"), "Layers"), i, l) {
        json_t *arn = json_object_get(l, "Arn");
        if (json_is_string(arn)) json_object_set_new(arg, json_string_value(arn), json_true());
        json_array_append(arns, arn ? arn : json_null());
    }
    /* the merge this configuration uses, by its name (code.c: hash of the ARNs) */
    char *merge = lambda__opt_dir(arns);
    const char *slash = merge ? strrchr(merge, '/') : NULL;
    if (slash) {
        char name[80];
        snprintf(name, sizeof name, "merge %s", slash + 1);
        json_object_set_new(arg, name, json_true());
    }
    free(merge);
    json_decref(arns);
    json_decref(rec);
    return 0;
}

/* Merges (UNPACK/opt/HASH, listed in HASH.arns) holding a layer version not
 * in keep, or that no configuration uses ("merge HASH" not in keep), unless
 * an instance runs in them; one still wanted is built again at its next cold
 * start. */
static void remove_stale_merges(json_t *keep)
{
    char dir[PATH_MAX];
    if (lambda__pathf(dir, sizeof dir, "%s/opt", lambda__svc.unpack_dir)) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!all_hex(e->d_name, 64) || strcmp(e->d_name + 64, ".arns") != 0) continue;
        char man[PATH_MAX], tree[PATH_MAX];
        if (lambda__pathf(man, sizeof man, "%s/%s", dir, e->d_name) ||
            lambda__pathf(tree, sizeof tree, "%s/%.64s", dir, e->d_name))
            continue;
        nb_buf_t b = NB_BUF_INIT;
        char used[80];
        snprintf(used, sizeof used, "merge %.64s", e->d_name);
        int stale = !json_object_get(keep, used);
        if (nb_read_file(man, &b) == 0)
            for (char *save = NULL, *line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (!json_object_get(keep, line)) stale = 1;
        nb_buf_free(&b);
        if (stale && !tree_in_use(tree)) {
            lambda__rm_rf(tree);
            unlink(man);
        }
    }
    closedir(d);
}

void lambda__layers_gc(void)
{
    lambda__runtimes_ready();      /* the start-up migration no longer walks these */
    store_txn_t *t;
    if (store_begin(lambda__svc.ctx->store, STORE_READ, &t) != STORE_OK) return;
    json_t *keep = json_object();
    int rc = store_scan(t, LAMBDA_KS_LAYER, NULL, 0, NULL, 0, 0, add_layer_version, keep);
    if (rc >= 0) rc = store_scan(t, LAMBDA_KS_FN, NULL, 0, NULL, 0, 0, add_used_layers, keep);
    if (rc >= 0) rc = store_scan(t, LAMBDA_KS_VER, NULL, 0, NULL, 0, 0, add_used_layers, keep);
    store_abort(t);
    if (rc < 0) {
        json_decref(keep);
        return;
    }
    char top[PATH_MAX];
    DIR *d = NULL;
    if (!lambda__pathf(top, sizeof top, "%s/layers", lambda__svc.dir)) d = opendir(top);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' || lambda__uploads_pending(e->d_name)) continue;
        char dir[PATH_MAX];
        if (lambda__pathf(dir, sizeof dir, "%s/%s", top, e->d_name)) continue;
        DIR *ld = opendir(dir);
        if (!ld) continue;
        struct dirent *v;
        while ((v = readdir(ld))) {
            char p[PATH_MAX];
            /* an upload's file never numbered (a crash, a failed commit) */
            if (strncmp(v->d_name, "staged-", 7) == 0 && !lambda__pathf(p, sizeof p, "%s/%s", dir, v->d_name)) {
                unlink(p);
                continue;
            }
            size_t digits = strspn(v->d_name, "0123456789");
            if (!digits || strcmp(v->d_name + digits, ".sealed") != 0) continue;
            char *arn = lambda__layer_arn(e->d_name, (unsigned)strtoul(v->d_name, NULL, 10));
            if (!json_object_get(keep, arn) && !lambda__pathf(p, sizeof p, "%s/%s", dir, v->d_name)) unlink(p);
            free(arn);
        }
        closedir(ld);
    }
    if (d) closedir(d);
    remove_stale_merges(keep);
    json_decref(keep);
}
