/* service.c — the Lambda service: its operation table (REST-JSON, paths and
 * IAM actions from the botocore model lambda/2015-03-31), start-up and stop.
 *
 * Start-up: settings from the configuration (lambda.idle_timeout seconds,
 * lambda.account_concurrency, lambda.async_retry_delay_ms, lambda.isolate,
 * lambda.freeze (0: idle instances are not stopped), lambda.node, lambda.python), the runtime bootstraps embedded in the binary
 * written to DATA/runtime/ (on libuv's pool; every spawn waits for it), provisioned instances and queued Event
 * invocations resumed from the store. */
#include "core/embedded.h"
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/service.h"
#include "core/startup.h"
#include "core/util.h"
#include "sandbox/sandbox.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A function is authorized by its canonical ARN however the request names it
 * (name, name:qualifier, partial or full ARN). As on AWS, an operation that
 * takes a Qualifier is authorized on the ARN the request names — the version's
 * or alias's (arn:...:function:NAME:QUAL) when a qualifier is given in the name
 * or in Qualifier, the unqualified ARN only when none is: a grant on
 * function:F:prod lets its holder invoke the alias and nothing else, and one on
 * function:F does not reach F:prod. Every other operation acts on the function
 * as a whole and is authorized on its unqualified ARN, whatever qualifier the
 * name carries. */
static const char *fn_name(nb_req_t *req)
{
    const char *fn = nb_req_param(req, "FunctionName");
    if (!fn && req->json) fn = json_string_value(json_object_get(req->json, "FunctionName"));
    return fn;
}

static int fn_arn(nb_req_t *req, nb_buf_t *out)
{
    return lambda__fn_resource_unqualified(req, fn_name(req), out);
}

static int qual_arn(nb_req_t *req, nb_buf_t *out)
{
    return lambda__fn_resource_qualified(req, fn_name(req), nb_req_qparam(req, "Qualifier"), out);
}

int lambda__op_takes_qualifier(const nb_op_t *op)
{
    return op && op->resource_fn == qual_arn;
}

/* Tag operations: the function ARN in the path, canonical and unqualified
 * likewise (tags belong to the function). */
static int tag_arn(nb_req_t *req, nb_buf_t *out)
{
    return lambda__fn_resource_unqualified(req, nb_req_param(req, "ARN"), out);
}

/* Layer version permissions: the version's ARN, LayerName given as a name or
 * as a layer ARN of ours (another's names none here: "*"). */
static int layer_ver_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *l = nb_req_param(req, "LayerName"), *v = nb_req_param(req, "VersionNumber");
    if (!l || !v) return -1;
    const nb_config_t *cfg = req->ctx->cfg;
    nb_buf_t ours = NB_BUF_INIT;
    nb_buf_printf(&ours, "arn:aws:lambda:%s:%s:layer:", cfg->region, cfg->account);
    int arn = strncmp(l, "arn:", 4) == 0, mine = strncmp(l, ours.data, ours.len) == 0;
    if (mine) l += ours.len;
    nb_buf_free(&ours);
    if (arn && !mine) return -1;
    nb_buf_printf(out, "arn:aws:lambda:%s:%s:layer:%s:%s", cfg->region, cfg->account, l, v);
    return 0;
}

#define FN_ARN "*", fn_arn
#define QUAL_ARN "*", qual_arn
#define LAYER_ARN "arn:aws:lambda:{region}:{account}:layer:{LayerName}"
#define LAYER_VER_ARN "*", layer_ver_arn

static const nb_op_t ops[] = {
    {"CreateFunction", lambda__op_create_function, "lambda:CreateFunction", FN_ARN, "POST /2015-03-31/functions", 0},
    {"ListFunctions", lambda__op_list_functions, "lambda:ListFunctions", "*", NULL, "GET /2015-03-31/functions/", 0},
    {"GetFunction", lambda__op_get_function, "lambda:GetFunction", QUAL_ARN, "GET /2015-03-31/functions/{FunctionName}", 0},
    {"GetFunctionConfiguration", lambda__op_get_function_configuration, "lambda:GetFunctionConfiguration", QUAL_ARN,
     "GET /2015-03-31/functions/{FunctionName}/configuration", 0},
    {"UpdateFunctionCode", lambda__op_update_function_code, "lambda:UpdateFunctionCode", FN_ARN,
     "PUT /2015-03-31/functions/{FunctionName}/code", 0},
    {"UpdateFunctionConfiguration", lambda__op_update_function_configuration, "lambda:UpdateFunctionConfiguration",
     FN_ARN, "PUT /2015-03-31/functions/{FunctionName}/configuration", 0},
    {"DeleteFunction", lambda__op_delete_function, "lambda:DeleteFunction", QUAL_ARN,
     "DELETE /2015-03-31/functions/{FunctionName}", 0},
    {"Invoke", lambda__op_invoke, "lambda:InvokeFunction", QUAL_ARN,
     "POST /2015-03-31/functions/{FunctionName}/invocations", NB_OP_RAW_BODY},
    {"PublishVersion", lambda__op_publish_version, "lambda:PublishVersion", FN_ARN,
     "POST /2015-03-31/functions/{FunctionName}/versions", 0},
    {"ListVersionsByFunction", lambda__op_list_versions, "lambda:ListVersionsByFunction", FN_ARN,
     "GET /2015-03-31/functions/{FunctionName}/versions", 0},
    {"CreateAlias", lambda__op_create_alias, "lambda:CreateAlias", FN_ARN,
     "POST /2015-03-31/functions/{FunctionName}/aliases", 0},
    {"ListAliases", lambda__op_list_aliases, "lambda:ListAliases", FN_ARN,
     "GET /2015-03-31/functions/{FunctionName}/aliases", 0},
    {"GetAlias", lambda__op_get_alias, "lambda:GetAlias", FN_ARN,
     "GET /2015-03-31/functions/{FunctionName}/aliases/{Name}", 0},
    {"UpdateAlias", lambda__op_update_alias, "lambda:UpdateAlias", FN_ARN,
     "PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}", 0},
    {"DeleteAlias", lambda__op_delete_alias, "lambda:DeleteAlias", FN_ARN,
     "DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}", 0},
    {"PutFunctionConcurrency", lambda__op_put_concurrency, "lambda:PutFunctionConcurrency", FN_ARN,
     "PUT /2017-10-31/functions/{FunctionName}/concurrency", 0},
    {"GetFunctionConcurrency", lambda__op_get_concurrency, "lambda:GetFunctionConcurrency", FN_ARN,
     "GET /2019-09-30/functions/{FunctionName}/concurrency", 0},
    {"DeleteFunctionConcurrency", lambda__op_delete_concurrency, "lambda:DeleteFunctionConcurrency", FN_ARN,
     "DELETE /2017-10-31/functions/{FunctionName}/concurrency", 0},
    {"PutProvisionedConcurrencyConfig", lambda__op_put_pc, "lambda:PutProvisionedConcurrencyConfig", QUAL_ARN,
     "PUT /2019-09-30/functions/{FunctionName}/provisioned-concurrency", 0},
    {"GetProvisionedConcurrencyConfig", lambda__op_get_pc, "lambda:GetProvisionedConcurrencyConfig", QUAL_ARN,
     "GET /2019-09-30/functions/{FunctionName}/provisioned-concurrency", 0},
    {"DeleteProvisionedConcurrencyConfig", lambda__op_delete_pc, "lambda:DeleteProvisionedConcurrencyConfig", QUAL_ARN,
     "DELETE /2019-09-30/functions/{FunctionName}/provisioned-concurrency", 0},
    {"PutFunctionEventInvokeConfig", lambda__op_put_eic, "lambda:PutFunctionEventInvokeConfig", QUAL_ARN,
     "PUT /2019-09-25/functions/{FunctionName}/event-invoke-config", 0},
    {"UpdateFunctionEventInvokeConfig", lambda__op_update_eic, "lambda:UpdateFunctionEventInvokeConfig", QUAL_ARN,
     "POST /2019-09-25/functions/{FunctionName}/event-invoke-config", 0},
    {"GetFunctionEventInvokeConfig", lambda__op_get_eic, "lambda:GetFunctionEventInvokeConfig", QUAL_ARN,
     "GET /2019-09-25/functions/{FunctionName}/event-invoke-config", 0},
    {"DeleteFunctionEventInvokeConfig", lambda__op_delete_eic, "lambda:DeleteFunctionEventInvokeConfig", QUAL_ARN,
     "DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config", 0},
    {"PublishLayerVersion", lambda__op_publish_layer, "lambda:PublishLayerVersion", LAYER_ARN, NULL,
     "POST /2018-10-31/layers/{LayerName}/versions", 0},
    {"ListLayerVersions", lambda__op_list_layer_versions, "lambda:ListLayerVersions", "*", NULL,
     "GET /2018-10-31/layers/{LayerName}/versions", 0},
    {"GetLayerVersion", lambda__op_get_layer, "lambda:GetLayerVersion", LAYER_ARN ":{VersionNumber}", NULL,
     "GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}", 0},
    {"DeleteLayerVersion", lambda__op_delete_layer, "lambda:DeleteLayerVersion", LAYER_ARN ":{VersionNumber}", NULL,
     "DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}", 0},
    {"AddLayerVersionPermission", lambda__op_add_layer_permission, "lambda:AddLayerVersionPermission", LAYER_VER_ARN,
     "POST /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy", 0},
    {"RemoveLayerVersionPermission", lambda__op_remove_layer_permission, "lambda:RemoveLayerVersionPermission",
     LAYER_VER_ARN, "DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}", 0},
    {"GetLayerVersionPolicy", lambda__op_get_layer_policy, "lambda:GetLayerVersionPolicy", LAYER_VER_ARN,
     "GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy", 0},
    {"ListLayers", lambda__op_list_layers, "lambda:ListLayers", "*", NULL, "GET /2018-10-31/layers", 0},
    {"AddPermission", lambda__op_add_permission, "lambda:AddPermission", QUAL_ARN,
     "POST /2015-03-31/functions/{FunctionName}/policy", 0},
    {"RemovePermission", lambda__op_remove_permission, "lambda:RemovePermission", QUAL_ARN,
     "DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}", 0},
    {"GetPolicy", lambda__op_get_policy, "lambda:GetPolicy", QUAL_ARN,
     "GET /2015-03-31/functions/{FunctionName}/policy", 0},
    {"GetAccountSettings", lambda__op_get_account_settings, "lambda:GetAccountSettings", "*", NULL,
     "GET /2016-08-19/account-settings/", 0},
    {"NimbusGetFunctionPackage", lambda__op_get_package, "lambda:GetFunction", QUAL_ARN,
     "GET /2015-03-31/functions/{FunctionName}/package/{Package}", NB_OP_NO_AUTH},
    {"NimbusGetLayerPackage", lambda__op_get_layer_package, "lambda:GetLayerVersion", LAYER_ARN ":{VersionNumber}",
     NULL, "GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/package/{Package}", NB_OP_NO_AUTH},
    {"GetFunctionCodeSigningConfig", lambda__op_get_code_signing, "lambda:GetFunctionCodeSigningConfig", FN_ARN,
     "GET /2020-06-30/functions/{FunctionName}/code-signing-config", 0},
    {"GetFunctionUrlConfig", lambda__op_get_url_config, "lambda:GetFunctionUrlConfig", QUAL_ARN,
     "GET /2021-10-31/functions/{FunctionName}/url", 0},
    {"ListFunctionEventInvokeConfigs", lambda__op_list_eic, "lambda:ListFunctionEventInvokeConfigs", FN_ARN,
     "GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list", 0},
    {"ListProvisionedConcurrencyConfigs", lambda__op_list_pc, "lambda:ListProvisionedConcurrencyConfigs", FN_ARN,
     "GET /2019-09-30/functions/{FunctionName}/provisioned-concurrency?List=ALL", 0},
    {"ListEventSourceMappings", lambda__op_list_esm, "lambda:ListEventSourceMappings", "*", NULL,
     "GET /2015-03-31/event-source-mappings/", 0},
    {"GetLayerVersionByArn", lambda__op_get_layer_by_arn, "lambda:GetLayerVersion", "{Arn}", NULL,
     "GET /2018-10-31/layers?find=LayerVersion", 0},
    {"TagResource", lambda__op_tag, "lambda:TagResource", "*", tag_arn, "POST /2017-03-31/tags/{ARN}", 0},
    {"UntagResource", lambda__op_untag, "lambda:UntagResource", "*", tag_arn, "DELETE /2017-03-31/tags/{ARN}", 0},
    {"ListTags", lambda__op_list_tags, "lambda:ListTags", "*", tag_arn, "GET /2017-03-31/tags/{ARN}", 0},
};

static const char *const prefixes[] = {
    "/2015-03-31/functions", "/2017-10-31/functions", "/2019-09-30/functions", "/2019-09-25/functions",
    "/2018-10-31/layers", "/2016-08-19/account-settings", "/2017-03-31/tags", "/2020-06-30/functions",
    "/2021-10-31/functions", "/2015-03-31/event-source-mappings", NULL,
};

/* The bootstraps under runtimes/, embedded by scripts/embed.sh (core/embedded.h). */

static void write_runtimes(void)
{
    for (const nb_embedded_file_t *f = nb_embedded_files; f->path; f++) {
        char path[PATH_MAX];
        if (lambda__pathf(path, sizeof path, "%s/%s", lambda__svc.runtime_dir, f->path)) continue;
        nb_buf_t cur = NB_BUF_INIT;
        int same = nb_read_file(path, &cur) == 0 && cur.len == f->len && memcmp(cur.data, f->data, f->len) == 0;
        nb_buf_free(&cur);
        if (same) continue;
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash) {
            *slash = 0;
            nb_mkdir_p(dir);
            /* every level readable: sandboxed instances run as unprivileged uids */
            size_t root = strlen(lambda__svc.runtime_dir);
            for (char *p = dir + strlen(dir); p > dir + root; p--) {
                if (*p == '/') { *p = 0; chmod(dir, 0755); *p = '/'; }
            }
            chmod(dir, 0755);
        }
        int exec = strstr(f->path, "bootstrap") && !strchr(strrchr(f->path, '/') ? strrchr(f->path, '/') : f->path, '.');
        /* not synced: every start compares and rewrites, so a file torn by a
         * power loss is repaired before any instance runs */
        if (nb_write_file_replace(path, f->data, f->len, exec ? 0755 : 0644, 0) != 0)
            nb_log_error("lambda", "cannot write %s", path);
    }
}

/* The native runner is this binary; a hard link (or, across file systems, a
 * copy) under DATA/runtime/bin/ is what a sandboxed instance can see (at
 * /var/runtime/bin/nimbus). A link costs nothing at start-up; a link lost to
 * a power loss is noticed (size, mtime) and made again at the next start. */
static void install_self(void)
{
    char dst[PATH_MAX];
    if (lambda__pathf(dst, sizeof dst, "%s/bin/nimbus", lambda__svc.runtime_dir)) return;
    struct stat a, b;
    if (stat(lambda__svc.self_exe, &a) != 0) return;
    if (stat(dst, &b) == 0 && a.st_size == b.st_size && a.st_mtime <= b.st_mtime) return;
    char dir[PATH_MAX], tmp[PATH_MAX];
    if (lambda__pathf(dir, sizeof dir, "%s/bin", lambda__svc.runtime_dir) || nb_mkdir_p(dir) != 0) return;
    chmod(dir, 0755);
    if (!lambda__pathf(tmp, sizeof tmp, "%s.link.%d", dst, (int)getpid())) {
        unlink(tmp);
        if (link(lambda__svc.self_exe, tmp) == 0) {
            int ok = rename(tmp, dst) == 0;
            unlink(tmp);       /* left behind if dst already was this file */
            if (ok) return;
        }
    }
    nb_buf_t bin = NB_BUF_INIT;
    if (nb_read_file(lambda__svc.self_exe, &bin) == 0) {
        if (nb_write_file_atomic(dst, bin.data, bin.len, 0755) != 0)
            nb_log_warn("lambda", "cannot install the native runner at %s", dst);
    }
    nb_buf_free(&bin);
}

/* The runtime files and the native runner's link are written, and
 * lambda__svc.isolate settled, by a job on libuv's pool queued in lambda_init, off the
 * start-up path (17 files, 1-3 ms at a first start); every spawn first waits
 * for it (lambda__runtimes_ready), so no instance ever sees a runtime
 * directory being written or an unsettled isolate. Only the loop thread
 * queues or waits for it; it writes no other field of lambda__svc. */
/* Whether instances are isolated, when lambda.isolate leaves it to the host:
 * the sandbox probe (a few ms, on nimbus up's preload thread) answers, so it
 * is asked here, off the start-up path, not in lambda_init. */
static void log_ready(void)
{
    lambda_svc_t *s = &lambda__svc;
    if (s->isolate < 0) s->isolate = sbx_fully_isolated();
    nb_log_info("lambda", "ready: node %s, python %s, isolation %s, idle timeout %u ms, account concurrency %u",
                s->node, s->python, s->isolate ? "on" : "off", s->idle_timeout_ms, s->account_limit);
    /* Loudly, once at start-up: what functions are not protected from (issue 5). */
    const char *w = sbx_startup_warning();
    if (w) nb_log_warn("sandbox", "%s", w);
    if (!s->isolate)
        nb_log_warn("sandbox", "functions run as plain processes (%s): no namespaces, no memory or pids limits, "
                    "no seccomp; each instance's supervisor still kills all its processes when it ends",
                    w ? "see the warning above" : "lambda.isolate=0");
}

static uv_sem_t runtimes_done;
static int runtimes_pending;

static void write_runtimes_work(void *arg)
{
    (void)arg;
    nb_startup_thread("pool");
    nb_startup_wait();         /* not needed to answer: after the loop runs */
    log_ready();
    nb_startup_mark("lambda: isolation settled (waits for the sandbox probe)");
    write_runtimes();
    nb_startup_mark("lambda: runtime files compared or written");
    install_self();
    nb_startup_mark("lambda: native runner linked");
    lambda__sealed_migrate();
    nb_startup_mark("lambda: sealed-code migration and unpack-directory sweep");
}

/* On libuv's pool, which is already running (src/main.c): creating a thread
 * of its own cost the main thread 0.3-0.6 ms. */
static void runtimes_work(uv_work_t *w)
{
    (void)w;
    write_runtimes_work(NULL);
    uv_sem_post(&runtimes_done);
}

static void runtimes_after(uv_work_t *w, int status)
{
    (void)status;
    free(w);
    lambda__inst_pool_refill(0);   /* isolation is settled: the sandbox's blanks */
}

void lambda__runtimes_ready(void)
{
    if (!runtimes_pending) return;
    runtimes_pending = 0;
    nb_startup_open();         /* needed now: the job must not wait for the loop */
    uv_sem_wait(&runtimes_done);
    uv_sem_destroy(&runtimes_done);
}

static void runtimes_start(uv_loop_t *loop)
{
    uv_work_t *w = nb_xmalloc(sizeof *w);
    if (uv_sem_init(&runtimes_done, 0) == 0) {
        if (uv_queue_work(loop, w, runtimes_work, runtimes_after) == 0) {
            runtimes_pending = 1;
            return;
        }
        uv_sem_destroy(&runtimes_done);
    }
    free(w);
    nb_startup_open();         /* run here, on the loop thread: must not wait for the gate */
    write_runtimes_work(NULL);
}

static void find_exe(const char *name, const char *configured, char *out, size_t cap)
{
    if (configured) { snprintf(out, cap, "%s", configured); return; }
    const char *path = getenv("PATH");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (char *save = NULL, *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        if (lambda__pathf(out, cap, "%s/%s", d, name)) continue;
        if (access(out, X_OK) == 0) return;
    }
    snprintf(out, cap, "/usr/bin/%s", name);
}

static int lambda_init(nb_ctx_t *ctx)
{
    lambda__runtimes_ready();   /* a previous start's job reads lambda__svc */
    lambda_svc_t *s = &lambda__svc;
    /* the credentials provider may be registered by a service that starts
     * earlier (STS): keep it */
    lambda_credentials_fn creds_fn = s->creds_fn;
    void *creds_arg = s->creds_arg;
    memset(s, 0, sizeof *s);
    s->creds_fn = creds_fn;
    s->creds_arg = creds_arg;
    s->ctx = ctx;
    const nb_config_t *cfg = ctx->cfg;
    lambda__pathf(s->dir, sizeof s->dir, "%s/lambda", cfg->data_dir);
    lambda__pathf(s->runtime_dir, sizeof s->runtime_dir, "%s/runtime", cfg->data_dir);
    if (s->dir[0] != '/') {
        char cwd[PATH_MAX], tmp[PATH_MAX];
        if (getcwd(cwd, sizeof cwd)) {
            lambda__pathf(tmp, sizeof tmp, "%s/%s", cwd, s->dir);
            lambda__pathf(s->dir, sizeof s->dir, "%s", tmp);
            lambda__pathf(tmp, sizeof tmp, "%s/%s", cwd, s->runtime_dir);
            lambda__pathf(s->runtime_dir, sizeof s->runtime_dir, "%s", tmp);
        }
    }
    nb_mkdir_p(s->dir);
    nb_mkdir_p(s->runtime_dir);
    chmod(s->runtime_dir, 0755);
    ssize_t n = readlink("/proc/self/exe", s->self_exe, sizeof s->self_exe - 1);
    s->self_exe[n > 0 ? n : 0] = 0;
    find_exe("node", nb_config_get(cfg, "lambda.node"), s->node, sizeof s->node);
    snprintf(s->python, sizeof s->python, "%s",
             nb_config_get(cfg, "lambda.python") ? nb_config_get(cfg, "lambda.python") : "/usr/bin/python3");
    s->idle_timeout_ms = (unsigned)(nb_config_get_long(cfg, "lambda.idle_timeout", 300) * 1000);
    const char *ms = nb_config_get(cfg, "lambda.idle_timeout_ms");
    if (ms) s->idle_timeout_ms = (unsigned)strtoul(ms, NULL, 10);
    s->account_limit = (unsigned)nb_config_get_long(cfg, "lambda.account_concurrency", 1000);
    s->async_retry_delay_ms = (unsigned)nb_config_get_long(cfg, "lambda.async_retry_delay_ms", 60000);
    s->isolate = nb_config_get(cfg, "lambda.isolate") ? (int)nb_config_get_long(cfg, "lambda.isolate", 1) : -1;
    s->freeze = (int)nb_config_get_long(cfg, "lambda.freeze", 1);
    s->no_network = (int)nb_config_get_long(cfg, "lambda.no_network", 0);
    s->freeze_delay_ms = (unsigned)nb_config_get_long(cfg, "lambda.freeze_delay_ms", 20);
    s->proactive = (int)nb_config_get_long(cfg, "lambda.proactive_init", 1);
    s->sandbox_pool = (int)nb_config_get_long(cfg, "lambda.sandbox_pool", 2);
    sbx_pool_set_size(s->sandbox_pool);
    long cores = sysconf(_SC_NPROCESSORS_ONLN), pace = nb_config_get_long(cfg, "lambda.scale_pacing", 1);
    s->pace_min = pace <= 0 ? 0 : pace > 1 ? (unsigned)pace : (unsigned)(cores > 0 ? cores : 1);
    nb_startup_mark("lambda: directories, settings");
    lambda__inst_reap_orphans();
    nb_startup_mark("lambda: orphan instances reaped");
    lambda__sealed_init();     /* on failure (logged) functions cannot be created or run */
    nb_startup_mark("lambda: code key, unpack directory");
    runtimes_start(ctx->loop);
    lambda__logs_init();
    nb_startup_mark("lambda: logs");
    lambda__pool_start();
    s->started = 1;
    lambda__settings_resume();
    lambda__async_init();
    lambda__warm_start(ctx->loop);
    nb_startup_mark("lambda: pools, settings, async queue");
    return 0;
}

static void lambda_stop(nb_ctx_t *ctx)
{
    (void)ctx;
    if (!lambda__svc.started) return;
    lambda__svc.started = 0;
    lambda__runtimes_ready();
    lambda__async_stop();
    lambda__pool_stop_all();
    lambda__inst_pool_stop();
    lambda__logs_stop();
}

static void lambda_health(nb_ctx_t *ctx, nb_buf_t *out)
{
    (void)ctx;
    unsigned busy = 0, initializing = 0;
    for (lambda_fn_t *f = lambda__svc.fns; f; f = f->next) busy += f->busy;
    unsigned instances = lambda__pool_count_instances(&initializing);
    nb_buf_printf(out, ",\"instances\":%u,\"initializing\":%u,\"busy\":%u,\"busy_unreserved\":%u,\"reserved\":%u",
                  instances, initializing, busy, (unsigned)lambda__svc.busy_unreserved,
                  (unsigned)lambda__svc.reserved_sum);
}

const nb_service_t lambda_service = {
    .name = "lambda",
    .proto = NB_PROTO_REST_JSON,
    .path_prefixes = prefixes,
    .error_message_key = "message",
    .ops = ops,
    .n_ops = sizeof ops / sizeof ops[0],
    .max_body = LAMBDA_CODE_REQUEST_MAX,   /* ZipFile uploads */
    .large_body_ops = (const char *const[]){"CreateFunction", "UpdateFunctionCode", "PublishLayerVersion", NULL},
    .init = lambda_init,
    .stop = lambda_stop,
    .health = lambda_health,
    .authz = &lambda__authz,
};
