/* code_cache.c — the Runtime API extension through which the Node.js
 * runtime keeps a code cache per function version (runtimes/nodejs/
 * code_cache.js): GET /2018-06-01/runtime/nimbus/code-cache answers the
 * stored blob — or, when this package has none yet, the newest of the
 * function's other packages, marked "Nimbus-Code-Cache: other-version"
 * (404 when there is none) — and PUT replaces it (202).
 *
 * The blob is opaque here: the runtime checks it (magic, sha1, V8's own
 * checks) and falls back to compiling when it does not fit. It lives beside
 * the function's unpacked code, outside the tree mounted at /var/task:
 *   UNPACK/code/NAME/SHA256HEX.jscache            (no layers)
 *   UNPACK/code/NAME/SHA256HEX.jscache-LAYERSHASH  (the merge of opt/LAYERSHASH)
 * so it is the function's alone (NAME), one per code and layers (another
 * package is given it only while it has none of its own, and the runtime
 * then uses only the entries whose source still matches), and goes with the
 * code: DeleteFunction removes UNPACK/code/NAME, lambda__code_gc those of
 * packages no version names but the newest. Written by nimbus only (tmp +
 * rename: a reader sees a whole blob or the previous one); an environment
 * may only replace its own package's.
 * UNPACK is RAM (sealed.c): the cache survives restarts, not reboots. */
#include "lambda/lambda_int.h"
#include "core/log.h"
#include "core/util.h"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The cache file of inst's configuration. 0, or -1 (path too long). */
static int cache_path(const lambda_inst_t *inst, char *out, size_t cap)
{
    const lambda_fnconf_t *c = inst->conf;
    const char *layers = c->opt_dir ? strrchr(c->opt_dir, '/') : NULL;
    if (layers) return lambda__pathf(out, cap, "%s.jscache-%s", c->code_dir, layers + 1);
    return lambda__pathf(out, cap, "%s.jscache", c->code_dir);
}

/* UNPACK/code/NAME: the directory of inst's function's packages. 0 or -1. */
static int fn_dir(const lambda_inst_t *inst, char *out, size_t cap)
{
    const char *slash = strrchr(inst->conf->code_dir, '/');
    return slash ? lambda__pathf(out, cap, "%.*s", (int)(slash - inst->conf->code_dir), inst->conf->code_dir) : -1;
}

/* The newest cache of another package of inst's function into *b (a
 * previous code version's: its modules that did not change still match
 * their entries; its resolutions are not used). 0, or -1 when there is none. */
static int other_version(const lambda_inst_t *inst, const char *mine, nb_buf_t *b)
{
    char dir[PATH_MAX], best[PATH_MAX] = "";
    if (fn_dir(inst, dir, sizeof dir) != 0) return -1;
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    struct timespec newest = {0, 0};
    while ((e = readdir(d))) {
        const char *x = strstr(e->d_name, ".jscache");
        char p[PATH_MAX];
        struct stat st;
        if (!x || strstr(x, ".tmp.") || lambda__pathf(p, sizeof p, "%s/%s", dir, e->d_name) || strcmp(p, mine) == 0 ||
            stat(p, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (st.st_mtim.tv_sec > newest.tv_sec || (st.st_mtim.tv_sec == newest.tv_sec && st.st_mtim.tv_nsec > newest.tv_nsec)) {
            newest = st.st_mtim;
            snprintf(best, sizeof best, "%s", p);
        }
    }
    closedir(d);
    return best[0] && nb_read_file(best, b) == 0 ? 0 : -1;
}

/* Every cache of inst's function. */
static void drop_all(const lambda_inst_t *inst)
{
    char dir[PATH_MAX];
    if (fn_dir(inst, dir, sizeof dir) != 0) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char p[PATH_MAX];
        if (strstr(e->d_name, ".jscache") && !lambda__pathf(p, sizeof p, "%s/%s", dir, e->d_name)) unlink(p);
    }
    closedir(d);
}

void lambda__code_cache_request(lambda_inst_t *inst, nb_req_t *req)
{
    char p[PATH_MAX];
    if (cache_path(inst, p, sizeof p) != 0) {
        lambda__rapi_reply(req, 404, "{\"errorMessage\":\"Not Found\",\"errorType\":\"InvalidURL\"}");
        return;
    }
    if (strcmp(req->method, "GET") == 0) {
        nb_buf_t b = NB_BUF_INIT;
        int other = 0;
        if (nb_read_file(p, &b) != 0) {
            nb_buf_free(&b);
            if (other_version(inst, p, &b) != 0) {
                nb_buf_free(&b);
                lambda__rapi_reply(req, 404, "{\"errorMessage\":\"no code cache\",\"errorType\":\"ResourceNotFound\"}");
                return;
            }
            other = 1;
        }
        inst->code_cache_served = 1 + other;
        if (other) nb_resp_header(req, "Nimbus-Code-Cache", "other-version");
        nb_reply(req, 200, "application/octet-stream", b.data, b.len);
        nb_buf_free(&b);
        return;
    }
    if (strcmp(req->method, "PUT") == 0) {
        if (req->body_len == 0 || req->body_dropped) {
            lambda__rapi_reply(req, 400, "{\"errorMessage\":\"empty code cache\",\"errorType\":\"InvalidRequest\"}");
            return;
        }
        struct stat st;
        if (stat(inst->conf->code_dir, &st) != 0) {   /* the code is gone (collected): nothing to cache */
            lambda__rapi_reply(req, 404, "{\"errorMessage\":\"Not Found\",\"errorType\":\"InvalidURL\"}");
            return;
        }
        if (nb_write_file_replace(p, req->body, req->body_len, 0600, 0) != 0) {
            nb_log_warn("lambda", "%s: cannot store its code cache: %s", inst->conf->name, strerror(errno));
            lambda__rapi_reply(req, 500, "{\"errorMessage\":\"cannot store the code cache\",\"errorType\":\"ServiceException\"}");
            return;
        }
        lambda__rapi_reply(req, 202, "{\"status\":\"OK\"}");
        return;
    }
    lambda__rapi_reply(req, 405, "{\"errorMessage\":\"Method Not Allowed\",\"errorType\":\"MethodNotAllowed\"}");
}

void lambda__code_cache_check_death(lambda_inst_t *inst)
{
    if (!inst->code_cache_served) return;
    int st = inst->exit_status;
    int crashed = inst->state == INST_INIT && WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL && WTERMSIG(st) != SIGTERM;
    if (!inst->init_error && !crashed) return;
    char p[PATH_MAX];
    if (cache_path(inst, p, sizeof p) != 0) return;
    if (inst->code_cache_served == 1) {
        if (unlink(p) != 0) return;
    } else {
        drop_all(inst);   /* another version's was served: which one may have changed since */
    }
    nb_log_warn("lambda", "%s: an environment given a code cache failed its init: the cache is dropped", inst->conf->name);
}
