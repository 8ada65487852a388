/* code.c — deployment packages and layers unpacked.
 *
 * A package is unpacked into UNPACK/code/NAME/SHA256HEX/ (content addressed:
 * versions sharing code share the directory; UNPACK is the RAM-backed
 * directory of sealed.c, never under DATA), from its upload or from its
 * sealed zip. Unpacking goes to a temporary sibling first and is renamed
 * into place, so a directory that exists is always complete. libarchive
 * extracts with its "secure" flags: no "..", no absolute paths, no writing
 * through symlinks. A function's /opt is the merge of its layers in order,
 * built once under UNPACK/opt/HASH/ (HASH of the layer version ARNs; beside
 * it HASH.arns lists them). */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "lambda/archive_dl.h"
#include <errno.h>
#include <ftw.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void lambda__sha256(const void *data, size_t len, char hex[65], char b64[45])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    if (hex) nb_hex(md, sizeof md, hex);
    if (b64) {
        nb_buf_t b = NB_BUF_INIT;
        nb_base64_encode(&b, md, sizeof md);
        snprintf(b64, 45, "%s", b.data);
        nb_buf_free(&b);
    }
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    remove(p);
    return 0;
}

void lambda__rm_rf(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Whether an entry's path names the directory it is unpacked into: only
 * empty and "." segments. */
static int names_root(const char *p)
{
    for (;;) {
        while (*p == '/') p++;
        if (!*p) return 1;
        if (p[0] != '.' || (p[1] && p[1] != '/')) return 0;
        p++;
    }
}

/* Extract every entry of the archive in memory under dir (which exists). */
static int extract_into(const void *zip, size_t len, const char *dir, char *err, size_t errcap)
{
    const lambda_archive_api_t *la = lambda__archive();
    if (!la) {
        snprintf(err, errcap, "nimbus cannot unpack zip files on this host (libarchive missing).");
        return -1;
    }
    struct archive *a = la->read_new();
    struct archive *w = la->write_disk_new();
    la->read_support_format_zip(a);
    /* Entries are re-rooted under dir (an absolute, symlink-free path), so the
     * archive's own absolute paths and ".." are refused here, before that. */
    la->write_disk_set_options(w, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                      ARCHIVE_EXTRACT_SECURE_SYMLINKS);
    int rc = 0;
    uint64_t total = 0, written = 0;
    if (la->read_open_memory(a, zip, len) != ARCHIVE_OK) {
        snprintf(err, errcap, "Could not unzip uploaded file. Please check your file, then try to upload again.");
        rc = -1;
        goto out;
    }
    struct archive_entry *e;
    for (;;) {
        int r = la->read_next_header(a, &e);
        if (r == ARCHIVE_EOF) break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            snprintf(err, errcap, "Could not unzip uploaded file. Please check your file, then try to upload again.");
            rc = -1;
            goto out;
        }
        const char *p = la->entry_pathname(e);
        if (!p) continue;
        if (p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 || strstr(p, "/../") ||
            (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0)) {
            snprintf(err, errcap, "Could not unzip uploaded file: entry %s leaves the package.", p);
            rc = -1;
            goto out;
        }
        if (names_root(p)) {
            /* "", ".", "./": the package's own directory. As a directory entry
             * it adds nothing; anything else would replace the package. */
            if (la->entry_filetype(e) == AE_IFDIR) continue;
            snprintf(err, errcap, "Could not unzip uploaded file. Please check your file, then try to upload again.");
            rc = -1;
            goto out;
        }
        char full[PATH_MAX];
        if (snprintf(full, sizeof full, "%s/%s", dir, p) >= (int)sizeof full) {
            snprintf(err, errcap, "Could not unzip uploaded file: path too long.");
            rc = -1;
            goto out;
        }
        la->entry_set_pathname(e, full);
        /* Zips made on Windows carry no mode: make files readable (and dirs searchable). */
        mode_t m = la->entry_perm(e);
        la->entry_set_perm(e, m | (la->entry_filetype(e) == AE_IFDIR ? 0755 : 0644));
        total += (uint64_t)la->entry_size(e);
        if (total > LAMBDA_UNZIPPED_MAX) {
            snprintf(err, errcap, "Unzipped size must be smaller than %u bytes", LAMBDA_UNZIPPED_MAX);
            rc = -1;
            goto out;
        }
        r = la->write_header(w, e);
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            snprintf(err, errcap, "Could not unzip uploaded file. Please check your file, then try to upload again.");
            rc = -1;
            goto out;
        }
        const void *buf;
        size_t n;
        la_int64_t off;
        while ((r = la->read_data_block(a, &buf, &n, &off)) == ARCHIVE_OK) {
            /* the sizes an archive declares may lie (a zip bomb): count what comes out */
            written += n;
            if (written > LAMBDA_UNZIPPED_MAX) break;
            if (la->write_data_block(w, buf, n, off) != ARCHIVE_OK) { r = ARCHIVE_FATAL; break; }
        }
        if (written > LAMBDA_UNZIPPED_MAX) {
            snprintf(err, errcap, "Unzipped size must be smaller than %u bytes", LAMBDA_UNZIPPED_MAX);
            rc = -1;
            goto out;
        }
        if (r != ARCHIVE_EOF) {
            snprintf(err, errcap, "Could not unzip uploaded file. Please check your file, then try to upload again.");
            rc = -1;
            goto out;
        }
        la->write_finish_entry(w);
    }
out:
    la->write_close(w);
    la->write_free(w);
    la->read_free(a);
    return rc;
}

int lambda__unzip(const void *zip, size_t len, const char *dir, char *err, size_t errcap)
{
    struct stat st;
    if (stat(dir, &st) == 0) return 0;   /* content addressed: already there */
    char tmp[PATH_MAX];
    char rnd[9];
    unsigned char rb[4];
    nb_random_bytes(rb, sizeof rb);
    nb_hex(rb, sizeof rb, rnd);
    snprintf(tmp, sizeof tmp, "%s.tmp-%s", dir, rnd);
    if (nb_mkdir_p(tmp) != 0) {
        snprintf(err, errcap, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    if (len < 4 || memcmp(zip, "PK", 2) != 0) {
        snprintf(err, errcap, "Could not unzip uploaded file. Please check your file, then try to upload again.");
        lambda__rm_rf(tmp);
        return -1;
    }
    char real[PATH_MAX];
    if (!realpath(tmp, real)) snprintf(real, sizeof real, "%s", tmp);
    if (extract_into(zip, len, real, err, errcap) != 0) {
        lambda__rm_rf(tmp);
        return -1;
    }
    chmod(tmp, 0755);
    if (rename(tmp, dir) != 0) {
        lambda__rm_rf(tmp);
        if (stat(dir, &st) == 0) return 0;
        snprintf(err, errcap, "cannot store code: %s", strerror(errno));
        return -1;
    }
    return 0;
}

char *lambda__code_dir(const char *name, const char *sha_hex)
{
    if (!lambda__svc.unpack_dir[0]) return nb_xstrdup("/nonexistent/nimbus-has-no-unpack-dir");
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "%s/code/%s/%s", lambda__svc.unpack_dir, name, sha_hex);
    return nb_buf_take(&b, NULL);
}

/* The ARNs of a merge, one a line: its name (hashed) and its manifest. */
static void arn_lines(json_t *arns, nb_buf_t *all)
{
    size_t i;
    json_t *v;
    json_array_foreach(arns, i, v) {
        nb_buf_puts(all, json_string_value(v) ? json_string_value(v) : "");
        nb_buf_putc(all, '\n');
    }
}

char *lambda__opt_dir(json_t *arns)
{
    if (!json_is_array(arns) || json_array_size(arns) == 0) return NULL;
    if (!lambda__svc.unpack_dir[0]) return nb_xstrdup("/nonexistent/nimbus-has-no-unpack-dir");
    nb_buf_t all = NB_BUF_INIT;
    arn_lines(arns, &all);
    char hex[65];
    lambda__sha256(all.data, all.len, hex, NULL);
    nb_buf_free(&all);
    nb_buf_t dir = NB_BUF_INIT;
    nb_buf_printf(&dir, "%s/opt/%s", lambda__svc.unpack_dir, hex);
    return nb_buf_take(&dir, NULL);
}

int lambda__opt_build(json_t *arns, const char *dir, char *err, size_t errcap)
{
    struct stat st;
    if (!lambda__svc.file_key_ok) {
        snprintf(err, errcap, "nimbus has no data key or unpack directory for function code (see its log)");
        return -1;
    }
    if (stat(dir, &st) == 0) return 0;
    /* a name of its own: the pool and a cold start may build the same merge at once */
    char tmp[PATH_MAX], rnd[9];
    unsigned char rb[4];
    nb_random_bytes(rb, sizeof rb);
    nb_hex(rb, sizeof rb, rnd);
    snprintf(tmp, sizeof tmp, "%s.tmp-%s", dir, rnd);
    if (nb_mkdir_p(tmp) != 0) {
        snprintf(err, errcap, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    char real[PATH_MAX];
    if (!realpath(tmp, real)) snprintf(real, sizeof real, "%s", tmp);
    int failed = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arns, i, v) {
        nb_buf_t zip = NB_BUF_INIT;
        const char *arn = json_string_value(v);
        if (!arn || lambda__layer_open(arn, &zip, err, errcap) != 0 ||
            extract_into(zip.data, zip.len, real, err, errcap) != 0) {
            nb_log_warn("lambda", "layer %s could not be unpacked: %s", arn ? arn : "?", err);
            failed = 1;
        }
        nb_buf_free(&zip);
        if (failed) break;
    }
    /* an incomplete merge is never kept: its name would serve it for good */
    if (failed) {
        lambda__rm_rf(tmp);
        return -1;
    }
    chmod(tmp, 0755);
    if (rename(tmp, dir) != 0) lambda__rm_rf(tmp);
    /* which layer versions it holds, so that deleting one removes it (lambda__layers_gc) */
    nb_buf_t all = NB_BUF_INIT, man = NB_BUF_INIT;
    arn_lines(arns, &all);
    nb_buf_printf(&man, "%s.arns", dir);
    nb_write_file_replace(man.data, all.data, all.len, 0600, 0);
    nb_buf_free(&all);
    nb_buf_free(&man);
    return 0;
}
