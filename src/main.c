/* main.c — the nimbus command line: up, env, doctor, logs, help, --version.
 *
 * Exit codes: 0 success; 1 runtime failure (cannot listen, store cannot be
 * opened, a service failed to start); 2 usage error (unknown command or flag,
 * bad value). */
#include "auth/creds.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/edge.h"
#include "core/http_server.h"
#include "core/log.h"
#include "core/openssl_init.h"
#include "core/startup.h"
#include "core/tls.h"
#include "core/util.h"
#include "core/version.h"
#include "lambda/lambda.h"
#include "lambda_native/runner.h"
#include "logs/logs.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "store/store_crypto.h"
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage;
} command_t;

static int cmd_up(int argc, char **argv);
static int cmd_env(int argc, char **argv);
static int cmd_doctor(int argc, char **argv);
static int cmd_help(int argc, char **argv);
/* Lambda's commands take argv[0] = the command name: hand them theirs back. */
static int cmd_logs(int argc, char **argv) { return logs_main(argc + 1, argv - 1); }
static int cmd_dead_letters(int argc, char **argv) { return lambda_dead_letters_main(argc + 1, argv - 1); }
static int cmd_rotate_key(int argc, char **argv) { return store_rotate_main(argc + 1, argv - 1); }
static int cmd_version(int argc, char **argv);

static const char up_usage[] =
    "usage: nimbus up [--listen HOST:PORT] [--data DIR] [--region R] [--account ID]\n"
    "                 [--log-level error|warn|info|debug] [--auth enforced|open] [--config FILE]\n"
    "                 [--tls-listen HOST:PORT] [--store-resident-mb N]\n"
    "                 [--set section.key=value]...\n"
    "\n"
    "Start the nimbus daemon in the foreground: one edge endpoint for every service.\n"
    "  --listen HOST:PORT   where the edge listens (default 127.0.0.1:4566; port 0 picks a free\n"
    "                       port, printed at start)                       env NIMBUS_LISTEN\n"
    "  --data DIR           state directory (default ./.nimbus)           env NIMBUS_DATA\n"
    "  --region R           region in ARNs and answers (default us-east-1) env NIMBUS_REGION\n"
    "  --account ID         12-digit account id (default 000000000000)    env NIMBUS_ACCOUNT\n"
    "  --log-level L        error, warn, info (default) or debug          env NIMBUS_LOG_LEVEL\n"
    "  --auth MODE          enforced (default: SigV4 + IAM on every request) or open (any\n"
    "                       well-formed credentials; loopback addresses only) env NIMBUS_AUTH\n"
    "  --store-resident-mb N  bound on the store file's pages mapped in (counted in RSS; they\n"
    "                       stay in the page cache): 0 = none, default 64  env NIMBUS_STORE_RESIDENT_MB\n"
    "  --tls-listen H:P     also serve HTTPS there (TLS 1.2+); certificate from tls.cert and\n"
    "                       tls.key, else a self-signed one for localhost in DIR/tls/cert.pem\n"
    "                       (point AWS_CA_BUNDLE at it)                   env NIMBUS_TLS_LISTEN\n"
    "  --config FILE        config file of 'key = value' lines (default DIR/nimbus.conf)\n"
    "                                                                     env NIMBUS_CONFIG\n"
    "  --set s.k=v          a service setting, e.g. lambda.idle_timeout=300\n"
    "                                                                     env NIMBUS_S_K\n"
    "Precedence: flags > environment > config file > defaults.\n"
    "SIGTERM or SIGINT stops it gracefully: requests in flight finish, the store closes cleanly.\n";

static const command_t commands[] = {
    {"up", cmd_up, "start the daemon (foreground)", up_usage},
    {"env", cmd_env, "print export lines to point AWS tools at nimbus",
     "usage: nimbus env [--data DIR]\n\nPrint `export AWS_...` lines for eval \"$(nimbus env)\": the endpoint of the\n"
     "daemon running on DIR, its region and credentials. When that daemon has an HTTPS listener\n"
     "(--tls-listen) the endpoint is its https:// URL and, for the self-signed certificate nimbus\n"
     "generated, AWS_CA_BUNDLE names that certificate.\n"},
    {"doctor", cmd_doctor, "report what this host supports (isolation, runtimes)",
     "usage: nimbus doctor\n\nList which isolation features are active for functions and why others are not,\n"
     "and which interpreters serve which Lambda runtimes.\n"},
    {"logs", cmd_logs, "print a function's or a log group's logs (--follow, --since 10m)",
     "usage: nimbus logs FUNCTION | --group NAME [--data DIR] [--follow] [--since 10m]\n\nPrint the log lines of a "
     "function's instances (its LoggingConfig.LogGroup, by default\n/aws/lambda/FUNCTION) or of any "
     "log group (an API stage's access\nlogs), oldest first; --follow keeps printing new lines.\n"},
    {"dead-letters", cmd_dead_letters, "list asynchronous invocations that could not be delivered",
     "usage: nimbus dead-letters [FUNCTION] [--data DIR]\n\nList async events that exhausted their retries or\n"
     "their maximum age with no OnFailure destination to take them.\n"},
    {"rotate-master-key", cmd_rotate_key, "re-wrap the stopped store's keys under a new master key",
     "usage: nimbus rotate-master-key [--data DIR] [--new-key-file PATH]\n\nRe-wrap the data keys of the stopped "
     "store under a new master key (generated into DIR/master.key,\nor given with --new-key-file when the key "
     "comes from NIMBUS_MASTER_KEY or store.master_key_file).\n"},
    {"help", cmd_help, "show help for a command", "usage: nimbus help [COMMAND]\n"},
    {"version", cmd_version, "print the version", "usage: nimbus --version\n"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static void print_overview(FILE *f)
{
    fprintf(f, "nimbus %s — AWS serverless, self-hosted, in one binary\n\nusage: nimbus COMMAND [options]\n\ncommands:\n", NB_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-18s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nnimbus COMMAND --help shows a command's options.\n"
               "exit codes: 0 success, 1 runtime failure, 2 usage error\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 0) {
        const command_t *c = find_command(argv[0]);
        if (!c) {
            fprintf(stderr, "nimbus: unknown command '%s'\n", argv[0]);
            return 2;
        }
        fputs(c->usage, stdout);
        return 0;
    }
    print_overview(stdout);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    printf("nimbus %s\n", NB_VERSION);
    return 0;
}

/* ---- nimbus up ------------------------------------------------------------ */

typedef struct daemon {
    nb_config_t cfg;
    nb_ctx_t ctx;
    uv_loop_t *loop;
    nb_http_server_t *edge;
    nb_http_server_t *tls_edge;    /* NULL without --tls-listen */
    size_t resident_max;           /* store_options_t.resident_max, from store.resident_mb */
    nb_tls_ctx_t *tls;
    int edges_running;
    uv_signal_t sigint, sigterm;
    int stopping;
} daemon_t;

static void on_edge_stopped(void *arg)
{
    daemon_t *d = arg;
    if (--d->edges_running > 0) return;
    nb_tls_ctx_free(d->tls);
    d->tls = NULL;
    for (size_t i = 0; nb_services[i]; i++)
        if (nb_services[i]->stop) nb_services[i]->stop(&d->ctx);
    if (d->ctx.store) store_close(d->ctx.store);
    d->ctx.store = NULL;
    uv_signal_stop(&d->sigint);
    uv_signal_stop(&d->sigterm);
    uv_close((uv_handle_t *)&d->sigint, NULL);
    uv_close((uv_handle_t *)&d->sigterm, NULL);
    nb_log_info("nimbus", "stopped");
}

static void on_signal(uv_signal_t *h, int signum)
{
    daemon_t *d = h->data;
    if (d->stopping) {
        nb_log_warn("nimbus", "second signal: exiting now");
        exit(1);
    }
    d->stopping = 1;
    nb_log_info("nimbus", "signal %d: stopping gracefully", signum);
    d->edges_running = d->tls_edge ? 2 : 1;
    nb_http_server_stop(d->edge, on_edge_stopped, d);
    if (d->tls_edge) nb_http_server_stop(d->tls_edge, on_edge_stopped, d);
}

/* DATA/endpoint, informational (for `nimbus env`): not worth an fsync at
 * start-up. Written as soon as the edge listens — while the store opens —
 * since a client that reads it and connects waits in the accept queue. */
static void write_endpoint_file(const daemon_t *d)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/endpoint", d->cfg.data_dir);
    char line[400];
    int n = snprintf(line, sizeof line, "%s\n", d->cfg.endpoint_url);
    if (nb_write_file_replace(path, line, (size_t)n, 0600, 0) != 0)
        nb_log_warn("nimbus", "cannot write %s: %s", path, strerror(errno));
}

static void write_https_endpoint_file(const daemon_t *d)
{
    char path[PATH_MAX + 32];
    int n;
    /* DATA/endpoint-https: "URL\nCA\n" while a TLS listener is configured (CA:
     * the generated self-signed certificate's absolute path, empty for a
     * configured certificate); removed when not, so `nimbus env` never
     * offers a stale HTTPS endpoint. */
    snprintf(path, sizeof path, "%s/endpoint-https", d->cfg.data_dir);
    if (!d->tls_edge) {
        unlink(path);
        return;
    }
    char tpath[PATH_MAX + 32], ca[PATH_MAX] = "";
    nb_buf_t url = NB_BUF_INIT;
    snprintf(tpath, sizeof tpath, "%s/tls/endpoint", d->cfg.data_dir);
    if (nb_read_file(tpath, &url) != 0) {
        nb_buf_free(&url);
        unlink(path);
        return;
    }
    while (url.len && (url.data[url.len - 1] == '\n' || url.data[url.len - 1] == '\r')) url.data[--url.len] = 0;
    snprintf(tpath, sizeof tpath, "%s/tls/cert.pem", d->cfg.data_dir);
    if (!nb_config_get(&d->cfg, "tls.cert") && !realpath(tpath, ca)) ca[0] = 0;
    char text[PATH_MAX + 500];
    n = snprintf(text, sizeof text, "%s\n%s\n", url.data, ca);
    if (n > 0 && (size_t)n < sizeof text && nb_write_file_replace(path, text, (size_t)n, 0600, 0) != 0)
        nb_log_warn("nimbus", "cannot write %s: %s", path, strerror(errno));
    nb_buf_free(&url);
}

/* Every connection and function instance costs descriptors: use the hard limit. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int is_loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

static void preload_threadpool(void);

/* Start-up work that needs neither the store nor the listener runs on
 * threads beside the main one, so `nimbus up` answers sooner: on one,
 * OpenSSL's first use up to AES-GCM (~2.5 ms of CPU here, what a restart's
 * key check waits for), then libuv's thread pool (Lambda's init queues its
 * job), then SHA-256 and the random generator (a first start's key check)
 * — two threads, not three, share the two cores while the main thread
 * needs them (A/B under chrt: ready 0.7 ms sooner at a restart than with
 * the pool started on the sandbox thread beside OpenSSL, and 1.6 ms sooner
 * than with it after the random generator). On the other, once the daemon
 * is ready, the sandbox probe (namespaces, cgroups, root template, ~3 ms),
 * then OpenSSL's configuration file and error strings (~1.2 ms,
 * openssl_init.h). All are safe to race with first use on the main thread:
 * OpenSSL initialises under its own once-locks, libuv starts its pool under
 * uv_once and the probe runs under pthread_once (sbx_doctor.c). */
static void preload_crypto(void *arg)
{
    (void)arg;
    nb_startup_thread("crypto");
    nb_openssl_init_early();
    preload_threadpool();
    nb_startup_mark("libuv thread pool started");
    nb_openssl_init_more();
}

static void noop_work(uv_work_t *w) { (void)w; }
static void noop_after(uv_work_t *w, int status) { (void)w; (void)status; }

/* libuv starts its thread pool at the first uv_queue_work — the store's
 * first sync: at open for an existing store, at the first commit for a new
 * one — and waits there until each of its worker threads has run
 * (milliseconds on a busy 2-core host). One no-op job on a throw-away loop
 * starts the process-wide pool on this thread instead. */
static void preload_threadpool(void)
{
    uv_loop_t loop;
    uv_work_t w;
    if (uv_loop_init(&loop) != 0) return;
    if (uv_queue_work(&loop, &w, noop_work, noop_after) == 0) uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
}

static void preload_sandbox(void *arg)
{
    (void)arg;
    nb_startup_thread("sandbox");
    nb_startup_wait();         /* not needed to answer: after the loop runs */
    /* the warning from here: the probe is not waited for on the main thread */
    if (!sbx_fully_isolated())
        nb_log_warn("sandbox", "functions run with reduced isolation on this host; see `nimbus doctor`");
    nb_startup_mark("sandbox probe (namespaces, cgroups and their stale-group sweep)");
    sbx_prepare();
    nb_startup_mark("sandbox root template");
    /* after the probe, not beside it: one deferred step at a time takes a
     * core from the loop serving its first requests */
    nb_openssl_load_config();
    nb_startup_mark("OpenSSL: configuration and error strings loaded");
}

/* A first start creates the root credentials: a durable write that needs
 * neither the store nor OpenSSL (the keys come from getrandom), so it runs
 * on a thread of its own while the store is created — their syncs overlap.
 * The thread syncs the file; DATA's entry for it is made durable by the
 * store's one sync of DATA (store_options_t.before_dir_sync joins the
 * thread first) or, when the store was not new, by an fsync of DATA here;
 * only then are the credentials printed. IAM's init finds the file and
 * loads it. A failure is left to IAM's init, which tries again. */
typedef struct creds_job {
    nb_ctx_t *ctx;
    uv_thread_t thread;
    int running;               /* started, not yet joined */
    int created;               /* auth_creds_create's answer */
    int dir_synced;            /* joined before the store's sync of DATA */
} creds_job_t;

static void preload_credentials(void *arg)
{
    creds_job_t *j = arg;
    nb_startup_thread("creds");
    j->created = auth_creds_create(j->ctx);
    nb_startup_mark("root credentials created (file synced)");
}

static void join_credentials(void *arg)
{
    creds_job_t *j = arg;
    if (!j->running) return;
    uv_thread_join(&j->thread);
    j->running = 0;
    j->dir_synced = 1;         /* store_open syncs DATA right after this */
    nb_startup_mark("waited for the root credentials");
}

static int daemon_run(daemon_t *d)
{
    signal(SIGPIPE, SIG_IGN);
    /* A child subreaper: what a function leaves outside its plain-mode
     * supervisor, when it kills it, comes back to nimbus to be killed
     * (src/sandbox/sbx_children.c). Before any child is started. */
    sbx_children_adopt();
    raise_fd_limit();
    if (nb_mkdir_p(d->cfg.data_dir) != 0) {
        fprintf(stderr, "nimbus: cannot create data directory %s: %s\n", d->cfg.data_dir, strerror(errno));
        return 1;
    }
    nb_startup_mark("data directory");
    d->loop = uv_default_loop();
    d->ctx.loop = d->loop;
    d->ctx.cfg = &d->cfg;
    d->ctx.started_us = nb_now_us();
    /* The listener first: a client that connects while the store opens and
     * the services start waits in the accept queue instead of being refused;
     * nothing is accepted before uv_run, i.e. before every service is ready. */
    nb_http_limits_t limits;
    nb_http_limits_default(&limits);
    limits.body_limit = nb_edge_body_limit;   /* Lambda's code uploads */
    int port = 0;
    int rc = nb_http_server_start(&d->edge, &d->ctx, d->cfg.listen_host, d->cfg.listen_port, &limits,
                                  nb_edge_dispatch, NULL, &port);
    if (rc != 0) {
        fprintf(stderr, "nimbus: cannot listen on %s:%d: %s\n", d->cfg.listen_host, d->cfg.listen_port, uv_strerror(rc));
        return 1;
    }
    d->cfg.listen_port = port;
    const char *h = d->cfg.listen_host;
    int v6 = strchr(h, ':') != NULL;
    snprintf(d->cfg.endpoint_url, sizeof d->cfg.endpoint_url, "http://%s%s%s:%d", v6 ? "[" : "",
             strcmp(h, "0.0.0.0") == 0 ? "127.0.0.1" : h, v6 ? "]" : "", port);
    nb_startup_mark("edge listening");
    write_endpoint_file(d);
    nb_startup_mark("endpoint file");
    char creds_path[PATH_MAX + 32];
    snprintf(creds_path, sizeof creds_path, "%s/credentials.json", d->cfg.data_dir);
    creds_job_t cj = {.ctx = &d->ctx};
    cj.running = access(creds_path, F_OK) != 0 && uv_thread_create(&cj.thread, preload_credentials, &cj) == 0;
    store_crypto_set_key_file(nb_config_get(&d->cfg, "store.master_key_file"));
    store_options_t so = {.before_dir_sync = join_credentials, .before_dir_sync_arg = &cj,
                          .resident_max = d->resident_max};
    rc = store_open(&d->ctx.store, d->loop, d->cfg.data_dir, &so);
    nb_startup_mark("store open");
    if (cj.running) {
        uv_thread_join(&cj.thread);
        cj.running = 0;
        nb_startup_mark("waited for the root credentials");
    }
    if (cj.created == 1 && rc == STORE_OK && !cj.dir_synced && nb_fsync_dir(d->cfg.data_dir) != 0)
        nb_log_warn("nimbus", "cannot sync %s: %s", d->cfg.data_dir, strerror(errno));
    if (cj.created == 1 && rc == STORE_OK) auth_creds_announce(&d->ctx);
    if (rc != STORE_OK) {
        fprintf(stderr, "nimbus: cannot open the store in %s (error %d)\n", d->cfg.data_dir, rc);
        return 1;
    }
    nb_log_debug("nimbus", "store open in %lld us", (long long)(nb_now_us() - d->ctx.started_us));
    if (nb_tls_edge_start(&d->tls_edge, &d->tls, &d->ctx, &d->cfg, nb_edge_dispatch) != 0) {
        store_close(d->ctx.store);
        return 1;
    }
    if (d->tls_edge) nb_startup_mark("TLS listener");
    for (size_t i = 0; nb_services[i]; i++) {
        uint64_t t0 = nb_now_us();
        if (nb_services[i]->init && nb_services[i]->init(&d->ctx) != 0) {
            fprintf(stderr, "nimbus: service %s failed to start\n", nb_services[i]->name);
            return 1;
        }
        nb_log_debug("nimbus", "service %s ready in %lld us", nb_services[i]->name, (long long)(nb_now_us() - t0));
        nb_startup_mark("service %s", nb_services[i]->name);
    }
    /* a new store's files were synced beside the services' start */
    if (store_settle(d->ctx.store) != STORE_OK) {
        fprintf(stderr, "nimbus: the new store in %s could not be made durable\n", d->cfg.data_dir);
        return 1;
    }
    nb_startup_mark("store settled (a new store's files durable)");
    nb_log_debug("nimbus", "started in %lld us (store, listener, services)", (long long)(nb_now_us() - d->ctx.started_us));
    write_https_endpoint_file(d);
    nb_startup_mark("HTTPS endpoint file");
    uv_signal_init(d->loop, &d->sigint);
    uv_signal_init(d->loop, &d->sigterm);
    d->sigint.data = d->sigterm.data = d;
    uv_signal_start(&d->sigint, on_signal, SIGINT);
    uv_signal_start(&d->sigterm, on_signal, SIGTERM);
    printf("nimbus %s listening on %s (data: %s, region %s, account %s)\n", NB_VERSION,
           d->cfg.endpoint_url, d->cfg.data_dir, d->cfg.region, d->cfg.account);
    printf("try:  aws --endpoint-url %s dynamodb list-tables\n", d->cfg.endpoint_url);
    fflush(stdout);
    nb_startup_mark("signals, banner; entering the loop (ready)");
    nb_startup_open();
    uv_run(d->loop, UV_RUN_DEFAULT);
    uv_loop_close(d->loop);
    return 0;
}

/* store.resident_mb (--store-resident-mb): whole MiB, 0 = no bound; unset:
 * the store's default. -1 with a message for anything else. */
static int store_resident_setting(const nb_config_t *c, size_t *out)
{
    const char *v = nb_config_get(c, "store.resident_mb");
    *out = 0;
    if (!v) return 0;
    char *end;
    errno = 0;
    unsigned long long mb = strtoull(v, &end, 10);
    if (!*v || *end || errno || v[0] == '-' || mb > ((unsigned long long)1 << 30)) {
        fprintf(stderr, "nimbus: --store-resident-mb wants a whole number of MiB (0: no bound), got '%s'\n", v);
        return -1;
    }
    *out = mb == 0 ? SIZE_MAX : (size_t)mb << 20;
    return 0;
}

static int cmd_up(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(up_usage, stdout);
            return 0;
        }
    static daemon_t d;
    nb_startup_trace_init();
    nb_startup_hold();
    /* OpenSSL's preload first: at a restart the store's key check waits
     * for it, and it needs no configuration */
    uv_thread_t preload[2];
    int npreload = 0;
    if (uv_thread_create(&preload[npreload], preload_crypto, NULL) == 0) npreload++;
    int rc = nb_config_load(&d.cfg, argc, argv) != 0 ? 2 : 0;
    if (rc == 0) nb_log_set_level(d.cfg.log_level);
    if (rc == 0 && d.cfg.auth_open && !is_loopback(d.cfg.listen_host)) {
        fprintf(stderr, "nimbus: --auth open accepts anyone's credentials; it only listens on loopback "
                        "addresses, not %s\n", d.cfg.listen_host);
        rc = 2;
    }
    if (rc == 0 && store_resident_setting(&d.cfg, &d.resident_max) != 0) rc = 2;
    nb_startup_mark("configuration");
    if (rc == 0 && uv_thread_create(&preload[npreload], preload_sandbox, NULL) == 0) npreload++;
    else if (rc == 0) nb_openssl_load_config();   /* no thread to defer it to */
    nb_startup_mark("preload threads created");
    if (rc == 0) rc = daemon_run(&d);
    nb_startup_open();         /* a failed start: the preload thread must not wait for ever */
    for (int i = 0; i < npreload; i++) uv_thread_join(&preload[i]);
    nb_config_free(&d.cfg);
    return rc;
}

/* ---- nimbus env / doctor --------------------------------------------------- */

static int cmd_env(int argc, char **argv)
{
    const char *data = getenv("NIMBUS_DATA") ? getenv("NIMBUS_DATA") : "./.nimbus";
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) { fputs(find_command("env")->usage, stdout); return 0; }
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[++i];
        else { fprintf(stderr, "nimbus env: unknown option '%s'\n", argv[i]); return 2; }
    }
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/endpoint", data);
    nb_buf_t b = NB_BUF_INIT;
    if (nb_read_file(path, &b) != 0) {
        fprintf(stderr, "nimbus env: no nimbus has run on %s (no %s)\n", data, path);
        return 1;
    }
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r')) b.data[--b.len] = 0;
    nb_config_t cfg;
    char *av[] = {(char *)"--data", (char *)data};
    if (nb_config_load(&cfg, 2, av) != 0) return 2;
    /* a TLS listener: its https URL, and the generated certificate as the CA bundle */
    nb_buf_t https = NB_BUF_INIT;
    snprintf(path, sizeof path, "%s/endpoint-https", data);
    const char *url = b.data, *ca = NULL;
    if (nb_read_file(path, &https) == 0 && https.len) {
        char *nl = memchr(https.data, '\n', https.len);
        if (nl) {
            *nl = 0;
            char *ca_end = strchr(nl + 1, '\n');
            if (ca_end) *ca_end = 0;
            if (nl[1]) ca = nl + 1;
        }
        if (strncmp(https.data, "https://", 8) == 0) url = https.data;
    }
    printf("export AWS_ENDPOINT_URL=%s\nexport AWS_REGION=%s\nexport AWS_DEFAULT_REGION=%s\n", url, cfg.region, cfg.region);
    if (url != b.data && ca) printf("export AWS_CA_BUNDLE=%s\n", ca);
    nb_buf_free(&https);
    nb_buf_free(&b);
    snprintf(path, sizeof path, "%s/credentials.json", data);
    json_t *creds = json_load_file(path, 0, NULL);   /* written 0600 at first start */
    const char *ak = json_string_value(json_object_get(creds, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(creds, "SecretAccessKey"));
    if (ak && sk) printf("export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\n", ak, sk);
    else fprintf(stderr, "nimbus env: no credentials in %s\n", path);
    json_decref(creds);
    nb_config_free(&cfg);
    return 0;
}

static int cmd_doctor(int argc, char **argv)
{
    if (argc > 0 && strcmp(argv[0], "--help") == 0) { fputs(find_command("doctor")->usage, stdout); return 0; }
    printf("nimbus %s doctor\n\nfunction isolation:\n%s", NB_VERSION, sbx_features());
    printf("\nruntimes:\n");
    printf("  nodejs18.x, nodejs20.x, nodejs22.x → %s\n", access("/usr/bin/node", X_OK) == 0 ? "/usr/bin/node" : "node (not found)");
    printf("  python3.11, python3.12, python3.13 → %s\n", access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3 (not found)");
    printf("  provided.al2, provided.al2023     → the function's own bootstrap\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-v") == 0) return cmd_version(0, NULL);
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) return cmd_help(0, NULL);
    /* the native C runtime's runner, also shipped as a small standalone bootstrap */
    if (strcmp(name, "native-runner") == 0) return lambda_native_runner_main(argc - 1, argv + 1);
    const command_t *c = find_command(name);
    if (!c) {
        fprintf(stderr, "nimbus: unknown command '%s'\n\n", name);
        print_overview(stderr);
        return 2;
    }
    if (c->run != cmd_up && c->run != cmd_logs && argc > 2 && strcmp(argv[2], "--help") == 0) {
        fputs(c->usage, stdout);
        return 0;
    }
    return c->run(argc - 2, argv + 2);
}
