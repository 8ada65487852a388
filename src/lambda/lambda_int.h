/* lambda_int.h — Lambda's internal types and the functions its files share.
 *
 * State that outlives a request lives in the store (keyspaces below). What is
 * in memory is only the running part: per function version a pool of
 * instances (processes) and the invocations in flight. Everything runs on the
 * loop thread.
 *
 * Store layout (values are JSON text unless said otherwise):
 *   lambda.fn     NAME                      {"cfg":FunctionConfiguration($LATEST),"code":{sha,size},
 *                                            "tags":{},"reserved":N?,"policy":[stmt...],
 *                                            "eic":{QUAL:FunctionEventInvokeConfig},
 *                                            "pc":{QUAL:{"n","at","ver"}},"next_ver":N,
 *                                            "last_pub":{"rev","ver"}}
 *   lambda.ver    NAME \0 %010u             {"cfg":FunctionConfiguration(version),"code":{...}}
 *   lambda.alias  NAME \0 ALIAS             AliasConfiguration
 *   lambda.layer  LAYER \0 %010u            LayerVersion (GetLayerVersion shape + "sha")
 *   lambda.layerpol LAYER \0 %010u          {"statements":[stmt...],"revision"} (layer_policy.c)
 *   lambda.async  due_ms(8B BE) id(36)      queued Event invocation (async.c)
 *   lambda.dlq    NAME \0 ms(8B BE) id(36)  undeliverable async record (AWS destination shape)
 *   logs.*        see logs.c
 * Packages on disk (sealed.c): each function package sealed (AES-256-GCM,
 * store_file.h) as DATA/lambda/code/NAME/SHA256HEX.sealed, each layer version
 * as DATA/lambda/layers/LAYER/VER.sealed; unpacked (code.c) only under the
 * RAM-backed UNPACK directory (lambda__svc.unpack_dir, outside DATA):
 * UNPACK/code/NAME/SHA256HEX/ (content-addressed, shared by the versions
 * that use it) and UNPACK/opt/HASH/ (a function's merged layers). */
#ifndef NB_LAMBDA_INT_H
#define NB_LAMBDA_INT_H
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>
#include <uv.h>
#include "core/buf.h"
#include "core/ctx.h"
#include "core/request.h"
#include "lambda/lambda.h"
#include "sandbox/sandbox.h"
#include "store/store.h"

#define LAMBDA_KS_FN    "lambda.fn"
#define LAMBDA_KS_VER   "lambda.ver"
#define LAMBDA_KS_ALIAS "lambda.alias"
#define LAMBDA_KS_LAYER "lambda.layer"
#define LAMBDA_KS_LAYERPOL "lambda.layerpol"
#define LAMBDA_KS_ASYNC "lambda.async"
#define LAMBDA_KS_DLQ   "lambda.dlq"

#define LAMBDA_SYNC_PAYLOAD_MAX  (6u * 1024 * 1024)
#define LAMBDA_ASYNC_PAYLOAD_MAX (1u * 1024 * 1024)
#define LAMBDA_UNZIPPED_MAX      (250u * 1024 * 1024)
#define LAMBDA_ZIP_MAX           (50u * 1024 * 1024)
/* A request carrying a ZipFile (base64 in JSON): AWS's direct-upload limit,
 * 50 MB zipped ≈ 4/3 × 52,428,800 — "Request must be smaller than 69905067 bytes". */
#define LAMBDA_CODE_REQUEST_MAX  69905067u
#define LAMBDA_TAIL_MAX          4096
#define LAMBDA_NAME_MAX          64

typedef struct lambda_inst lambda_inst_t;
typedef struct lambda_pool lambda_pool_t;
typedef struct lambda_fn lambda_fn_t;
typedef struct lambda_inv lambda_inv_t;

/* Immutable parsed configuration of one function version; shared by the pool
 * and its instances through refs. */
typedef struct lambda_fnconf {
    int refs;
    char *name;          /* "my-fn" */
    char *version;       /* "$LATEST", "3" */
    char *fn_arn;        /* unqualified function ARN */
    char *runtime;       /* "nodejs20.x" */
    char *handler;       /* "" when none */
    char *code_sha;      /* SHA-256 (hex) of the package */
    char *code_dir;      /* host path of the unpacked code */
    json_t *layer_arns;  /* array of layer version ARNs (owned ref) */
    int ready;           /* code_dir and opt_dir were found unpacked (sealed.c) */
    char *opt_dir;       /* host path of the merged layers, or NULL */
    char *revision;
    char *role;          /* execution role ARN */
    unsigned memory_mb, timeout_s, tmp_mb;
    int vpc;             /* VpcConfig with subnets: a network that reaches only nimbus (inst_net.c) */
    json_t *env;         /* object of user variables (owned ref) */
    char *log_group;     /* LoggingConfig.LogGroup: "/aws/lambda/NAME" unless configured */
    int log_json;        /* LoggingConfig.LogFormat JSON (0: Text, the fast path) */
    int app_level;       /* JSON only: ApplicationLogLevel, a LAMBDA_LVL_* (default INFO) */
    int sys_level;       /* JSON only: SystemLogLevel, a LAMBDA_LVL_* (default INFO) */
} lambda_fnconf_t;

/* Runtime state of one function (all its versions). */
struct lambda_fn {
    lambda_fn_t *next;
    char *name;
    int reserved;        /* reserved concurrency, -1 when none */
    unsigned busy;       /* instances counted against concurrency */
    lambda_pool_t *pools;
};

/* Instances of one function version, and invocations waiting for one. */
struct lambda_pool {
    lambda_pool_t *next;
    lambda_fn_t *fn;
    char *version;
    lambda_fnconf_t *conf;     /* NULL: reload from the store at next use */
    lambda_inst_t *insts;
    lambda_inv_t *q_head, *q_tail;  /* waiting for an instance finishing its invoke */
    unsigned n_queued;
    unsigned n_post;           /* instances between /response and /next */
    unsigned provisioned;      /* provisioned concurrency target */
    double cold_us, run_us;    /* moving means: spawn to first /next, and invoke duration (pool.c pacing) */
};

/* One invocation. Owned by whoever holds it: the caller until submitted, then the
 * pool queue or the instance running it, until lambda__inv_finish(). */
struct lambda_inv {
    lambda_inv_t *qnext;
    char id[37];
    char *fn_name, *version, *invoked_arn;
    char *payload; size_t len;
    char *client_context;      /* JSON text or NULL */
    int want_tail;
    int async;
    uint64_t submit_us, start_us;
    uint64_t deadline_ms;
    nb_buf_t log;              /* this invocation's log text, for LogType Tail */
    lambda_invoke_cb cb; void *arg;
};

typedef enum {
    INST_INIT,      /* spawned; has not called /next yet */
    INST_IDLE,      /* /next held, frozen, no invocation */
    INST_BUSY,      /* invocation delivered, no answer yet */
    INST_POST,      /* answered; has not called /next again yet */
    INST_STOPPING,  /* shutdown: SIGTERM sent, SIGKILL after 2 s */
    INST_DEAD       /* exited; handles closing */
} lambda_inst_state_t;

struct sbx;
struct nb_http_server;

/* One execution environment (process). State machine (pool.c):
 *
 *   spawn ──► INIT ──/next──► BUSY (cold invoke) ──/response──► POST ──/next──► IDLE (frozen)
 *              │  └──/next (no invoke)──────────────────────────────────────────►  │
 *              │                               ▲                                     │
 *              │                               └───────── invoke (thaw) ─────────────┘
 *   init/error, exit, timeout, crash ──► (kill) ──► DEAD ◄── exit ◄── STOPPING ◄── idle reap / stale config
 */
struct lambda_inst {
    lambda_inst_t *next;          /* in pool->insts */
    lambda_pool_t *pool;
    lambda_fnconf_t *conf;        /* the configuration it was started with (ref) */
    char id[33];
    char stream[96];              /* log stream name */
    lambda_inst_state_t state;
    pid_t pid;
    struct sbx *sbx;              /* NULL: plain process started by the fallback */
    int pidfd, out_fd, err_fd;
    uv_poll_t pid_poll, out_poll, err_poll;
    int handles;                  /* bit 0 pid_poll, 1 out_poll, 2 err_poll, 3 timer initialised */
    int pending_closes;
    nb_buf_t out_part, err_part;  /* partial output lines */
    uv_timer_t timer;             /* init limit, invoke timeout, freeze grace or shutdown grace */
    uint64_t timer_due;           /* uv_now() ms when lambda__inst_timer() is due; 0: disarmed */
    uint64_t timer_fires;         /* uv_now() ms when the uv timer fires; 0: not running */
    struct nb_http_server *srv;
    int srv_running;
    int port;
    nb_req_t *next_req;           /* held GET /next */
    lambda_inv_t *inv;            /* invocation attached (INIT cold start, BUSY) */
    char last_id[37];
    uint64_t spawn_us, idle_since_us;
    double init_ms;
    int report_init;              /* next REPORT carries Init Duration */
    int provisioned;
    int proactive;                /* pre-initialized after a deployment (pool.c), not yet invoked */
    int frozen;
    uint64_t frozen_us;           /* when it was last frozen (nb_now_us) */
    unsigned freeze_grace_ms;     /* idle this long before freezing (pool.c: adapts to the demand) */
    int counted;                  /* 1: counted in fn->busy; 2: and in busy_unreserved */
    int exit_status;              /* waitpid status once DEAD */
    uint64_t creds_expire_ms;     /* its role credentials' expiry (Unix ms), 0 = none */
    unsigned peak_mb;             /* last Max Memory Used read, and when */
    uint64_t peak_read_us;
    unsigned peak_keep_ms;        /* how long a read stays fresh (pool.c peak_mb: adapts) */
    char *init_error;             /* body posted to /runtime/init/error */
    struct spawn_job *spawning;   /* its process is being started on the spawner thread (pid 0, sbx NULL) */
    int kill_pending;             /* killed meanwhile: killed as soon as it is started */
    struct run_entry *run_entry;  /* its run file, not yet written (instance.c) */
    int code_cache_served;        /* its runtime was given a code cache: 1 its package's, 2 another's (code_cache.c) */
};

/* Global service state. */
typedef struct lambda_svc {
    nb_ctx_t *ctx;
    int started;
    char dir[PATH_MAX];          /* DATA/lambda */
    char runtime_dir[PATH_MAX];  /* DATA/runtime */
    char unpack_dir[PATH_MAX];   /* RAM-backed, 0700, outside DATA: unpacked packages (sealed.c) */
    unsigned char file_key[32];  /* data key of the sealed packages (store_file_key); read-only after init */
    int file_key_ok;
    char self_exe[PATH_MAX];
    char node[PATH_MAX];
    char python[PATH_MAX];
    unsigned idle_timeout_ms;
    unsigned account_limit;
    unsigned async_retry_delay_ms;
    int isolate;                 /* -1 until settled (service.c); read only after lambda__runtimes_ready */
    int freeze;                  /* lambda.freeze: stop idle instances (default 1) */
    int no_network;              /* lambda.no_network: every function reaches only nimbus (default 0) */
    unsigned freeze_delay_ms;    /* lambda.freeze_delay_ms: idle this long before freezing */
    int proactive;               /* lambda.proactive_init: pre-initialize an environment after a deployment */
    int sandbox_pool;            /* lambda.sandbox_pool: pre-isolated blank processes kept ready (sbx_pool_*) */
    unsigned pace_min;           /* lambda.scale_pacing: pace scale-up from this many working instances (0: never) */
    unsigned busy_unreserved;
    unsigned reserved_sum;
    lambda_fn_t *fns;
    uv_timer_t sweep;
    lambda_credentials_fn creds_fn;
    void *creds_arg;
} lambda_svc_t;

extern lambda_svc_t lambda__svc;

/* inst_net.c — the network an instance gets: SBX_NET_NIMBUS_ONLY for a
 * function with VpcConfig (or with lambda.no_network), else the host's; and
 * the nimbus addresses ("ip:port[,ip:port]") that stay reachable in it: its
 * Runtime API and nimbus's endpoint (AWS_ENDPOINT_URL). */
sbx_net_t lambda__inst_net(const lambda_fnconf_t *c);
void lambda__inst_nimbus_hosts(int rapi_port, char *out, size_t cap);

/* --- authz.c: condition keys and tags for IAM (core/service.h nb_authz_t) --- */
extern const nb_authz_t lambda__authz;

/* --- names.c: names, ARNs, qualifiers ------------------------------------ */
/* Split "name", "name:qual", "ACCOUNT:function:name[:qual]" or a full ARN.
 * name_out gets the bare name (<= 64 chars), qual_out the qualifier or "".
 * 0, -1 when malformed, -2 for an ARN (or partial ARN) of another partition,
 * region or account: it names none of this daemon's functions. */
int lambda__parse_fn(const char *in, char name_out[LAMBDA_NAME_MAX + 1], char qual_out[130]);
/* The ARN IAM authorizes for a FunctionName or function ARN in any accepted
 * form: "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUAL]" of ours, so a
 * policy on a function holds however a request names it. -1 (nothing
 * written) when in names no function of ours. */
int lambda__fn_resource(nb_req_t *req, const char *in, nb_buf_t *out);
/* The same for an operation on a function as a whole (its code, configuration,
 * versions, aliases, concurrency, tags): the unqualified ARN, whatever
 * qualifier in carries — the handler acts on the function, not on it. */
int lambda__fn_resource_unqualified(nb_req_t *req, const char *in, nb_buf_t *out);
/* The same for an operation that takes a Qualifier (Invoke, GetFunction, the
 * policy, provisioned concurrency, event invoke config): the ARN as the
 * request names it, as AWS authorizes — ":QUAL" from the name or, else, from
 * qualifier (the Qualifier parameter, may be NULL or ""). -1 also when
 * qualifier is malformed or differs from the name's (the handler refuses it). */
int lambda__fn_resource_qualified(nb_req_t *req, const char *in, const char *qualifier, nb_buf_t *out);
/* A request whose name carries a qualifier other than its (well-formed)
 * Qualifier parameter names two ARNs: 1 with the name's (NAME:NAMEQUAL) in
 * named and Qualifier's (NAME:QUALIFIER) in given, else 0 (nothing written).
 * The handler refuses such a request ("The derived qualifier from the function
 * name does not match the specified qualifier."); the authorizer asks for
 * both, so a caller allowed on what the request names gets that answer. */
int lambda__fn_resource_mismatch(nb_req_t *req, const char *in, const char *qualifier, nb_buf_t *named,
                                 nb_buf_t *given);
/* Does op (of the table in service.c) take a Qualifier (authorized on the ARN
 * the request names)? */
int lambda__op_takes_qualifier(const nb_op_t *op);
int lambda__valid_name(const char *s);
int lambda__valid_qualifier(const char *s);
int lambda__is_version(const char *q);   /* "$LATEST" or digits */
/* arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUAL] into out (caller frees). */
char *lambda__fn_arn(const char *name, const char *qual);
char *lambda__layer_arn(const char *layer, unsigned version);
void lambda__ver_key(nb_buf_t *k, const char *name, unsigned version);
void lambda__pair_key(nb_buf_t *k, const char *a, const char *b);
/* snprintf for paths: 0, or -1 when truncated. */
int lambda__pathf(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- errors ---------------------------------------------------------------- */
/* Reply a Lambda error: body {"Type":"User","message":...}. */
void lambda__err(nb_req_t *req, nb_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lambda__err_not_found_fn(nb_req_t *req, const char *name, const char *qual);

/* --- settings.c ----------------------------------------------------------- */
/* Drop the resource policy of version or alias qual from the function record
 * rec (its AddPermission statements on NAME:QUAL), as Lambda deletes a
 * version's or alias's policy with it: a version or alias made again under
 * that name starts with none. 1 when rec changed (the caller writes it). */
int lambda__policy_forget(json_t *rec, const char *name, const char *qual);

/* --- fnconfig.c: FunctionConfiguration ------------------------------------ */
/* Validate the mutable configuration fields present in body (Create: all the
 * required ones) and apply them to cfg. 0, or replies the error and returns -1. */
int lambda__apply_config(nb_req_t *req, store_txn_t *t, json_t *body, json_t *cfg, int creating);
const char *lambda__runtime_exec_env(const char *runtime);
int lambda__runtime_known(const char *runtime);
/* Parse the stored record into a new conf with refs=1 (caller unrefs). */
lambda_fnconf_t *lambda__conf_from_cfg(json_t *cfg, const char *code_sha);
void lambda__conf_ref(lambda_fnconf_t *c);
void lambda__conf_unref(lambda_fnconf_t *c);

/* --- code.c: deployment packages --------------------------------------------- */
/* SHA-256 of data: lowercase hex (65 bytes) and base64 (45 bytes). */
void lambda__sha256(const void *data, size_t len, char hex[65], char b64[45]);
/* Unpack zip into dir (created; replaced atomically). 0, or -1 with a message in err. */
int lambda__unzip(const void *zip, size_t len, const char *dir, char *err, size_t errcap);
/* UNPACK/code/NAME/SHA (caller frees). */
char *lambda__code_dir(const char *name, const char *sha_hex);
/* UNPACK/opt/HASH, the merged /opt of layer version ARNs (JSON array of
 * strings), NULL if none; nothing is built. Caller frees. */
char *lambda__opt_dir(json_t *layer_arns);
/* Build the merge dir of arns from their sealed zips, unless it exists. Any
 * thread. 0, or -1 with a message in err. */
int lambda__opt_build(json_t *layer_arns, const char *dir, char *err, size_t errcap);

/* --- sealed.c: packages sealed at rest, unpacked in RAM ------------------------- */
/* The file key and the unpack directory; loop, at start. 0 or -1 (logged). */
int lambda__sealed_init(void);
/* Seal the plaintext layout of an older nimbus (zips and trees under
 * DATA/lambda) and remove it, once (DATA/lambda/layout); finish interrupted
 * deletions; sweep orphaned unpack directories. Worker thread, at start-up:
 * loop code touching those directories first waits (lambda__runtimes_ready). */
void lambda__sealed_migrate(void);
/* DATA/lambda/code/NAME/HEX.sealed and its context. 0, or -1 (too long). */
int lambda__code_sealed(const char *name, const char *hex, char *path, size_t cap, char *ctx, size_t ctxcap);
/* DATA/lambda/layers/NAME/VER.sealed of a layer version ARN, and its context. 0 or -1. */
int lambda__layer_sealed(const char *arn, char *path, size_t cap, char *ctx, size_t ctxcap);
/* The zip of a function package / layer version, opened and verified into
 * out. Any thread. 0, or -1 with a message in err. */
int lambda__code_open(const char *name, const char *hex, nb_buf_t *out, char *err, size_t errcap);
int lambda__layer_open(const char *arn, nb_buf_t *out, char *err, size_t errcap);
/* Seal zip as a package / into path (context ctx). Any thread. 0 or -1 with errno. */
int lambda__seal(const char *path, const char *ctx, const void *zip, size_t len);
/* Whether c's code (and layers) are unpacked now (a stat each). Loop. */
int lambda__conf_ready(lambda_fnconf_t *c);
/* Unpack c's code and layers from their sealed zips on the thread pool, then
 * cb(arg, NULL) — or cb(arg, message) when they cannot be opened — on the loop. */
void lambda__conf_prepare(lambda_fnconf_t *c, void (*cb)(void *arg, const char *err), void *arg);
/* Remove the sealed packages of name no record refers to any more, and
 * their unpacked trees no instance runs (after a version or code is
 * replaced or deleted); all of them once the function is deleted. Not while
 * an upload of name is in flight. Loop, no write transaction open. */
void lambda__code_gc(const char *name);
/* Remove everything of function name: sealed packages and unpacked trees. */
void lambda__code_remove_all(const char *name);
/* Remove sealed layer versions neither published nor used by a function,
 * and the merges holding them. Loop, no write transaction open. */
void lambda__layers_gc(void);
/* Uploads of name (function or layer) between start and callback; uploads
 * write sealed files the GC must not take for garbage. */
unsigned lambda__uploads_pending(const char *name);

/* --- upload.c: uploaded packages unpacked off the loop ------------------------ */
typedef struct lambda_upload {
    int ok;                   /* 0: failed; err and msg are the error to answer */
    nb_err_t err;
    char msg[256];
    char hex[65], b64[45];    /* SHA-256 of the zip */
    size_t size;              /* zipped bytes */
    char staged[PATH_MAX];    /* layer: its sealed zip, to be renamed VER.sealed (or removed) */
} lambda_upload_t;
/* Runs on the loop once the upload is unpacked (or failed); up is valid during the call. */
typedef void (*lambda_upload_cb)(nb_req_t *req, const lambda_upload_t *up, void *arg);
/* Decode the base64 zip b64 (borrowed: must stay valid until cb, e.g. inside
 * req->json) and unpack it on a worker thread: a function's package to
 * UNPACK/code/NAME/HEX/, sealed as DATA/lambda/code/NAME/HEX.sealed; or
 * (layer) checked by unpacking, and sealed as result->staged. cb(req,
 * result, arg) follows on the loop. */
void lambda__upload(nb_req_t *req, const char *b64, size_t b64_len, int layer, const char *name,
                    lambda_upload_cb cb, void *arg);
/* Build the merged /opt of layer version ARNs (JSON array of strings; copied)
 * on the thread pool, then cb(req, arg) on the loop (at once when there are none). */
void lambda__prepare_layers(nb_req_t *req, json_t *arns, void (*cb)(nb_req_t *req, void *arg), void *arg);
/* The ZipFile of a Code / Content object (borrowed from it); NULL after replying
 * the error (missing, S3 or image code, not a string). */
const char *lambda__zipfile_b64(nb_req_t *req, json_t *code, size_t *len);
void lambda__rm_rf(const char *path);

/* --- record.c: store helpers ------------------------------------------------- */
/* Read and parse the JSON value of ks/key (new ref), NULL when absent. */
json_t *lambda__get_json(store_txn_t *t, const char *ks, const void *key, size_t klen);
/* Serialize and put. STORE_OK or an error. */
int lambda__put_json(store_txn_t *t, const char *ks, const void *key, size_t klen, json_t *v);
/* Function record of name in a txn (new ref) or NULL. */
json_t *lambda__get_fn(store_txn_t *t, const char *name);
/* Configuration record (with "cfg" and "code") for name + qualifier ("" or
 * "$LATEST" or a version number or an alias; alias resolved, resolved version in
 * *version_out, caller frees). New ref, NULL when absent. */
json_t *lambda__get_fn_version(store_txn_t *t, const char *name, const char *qual, char **version_out);
/* Commit a write txn and reply to req from the durable callback: status with
 * body (stolen; NULL = empty body when status is 204). */
void lambda__commit_reply(nb_req_t *req, store_txn_t *t, int status, json_t *body);
/* The same, then after(arg, ok) once durable (ok = 1: file clean-up that
 * must not run before the records that stop referring to the files are
 * durable) or failed (ok = 0: just free arg). */
void lambda__commit_reply_then(nb_req_t *req, store_txn_t *t, int status, json_t *body,
                               void (*after)(void *arg, int ok), void *arg);
/* The same, and once durable, pre-initialize an environment of prewarm's
 * $LATEST (lambda__prewarm). */
void lambda__commit_reply_prewarm(nb_req_t *req, store_txn_t *t, int status, json_t *body, const char *prewarm);
/* Both: after (may be NULL) and prewarm (may be NULL). */
void lambda__commit_reply_full(nb_req_t *req, store_txn_t *t, int status, json_t *body,
                               void (*after)(void *arg, int ok), void *arg, const char *prewarm);
/* Begin a txn or reply ServiceException; NULL on failure. */
store_txn_t *lambda__begin(nb_req_t *req, int write);

/* --- control.c / versions.c helpers ------------------------------------------- */
/* FunctionName (path) + Qualifier (query) of req; 0, or replies and -1. */
int lambda__req_fn(nb_req_t *req, char name[LAMBDA_NAME_MAX + 1], char qual[130]);
/* Publish rec's $LATEST as a new version in t (or return the unchanged latest
 * version). Returns the version's FunctionConfiguration (new ref); rec is updated. */
json_t *lambda__publish(store_txn_t *t, const char *name, json_t *rec, const char *description);
/* Revision id, LastModified = now, on cfg. */
void lambda__touch(json_t *cfg);

/* --- pool.c: instances and scheduling ---------------------------------------- */
lambda_fn_t *lambda__fn_get(const char *name, int create);
lambda_pool_t *lambda__pool_get(lambda_fn_t *fn, const char *version, int create);
/* Forget cached configuration of name (version NULL: all versions); idle instances
 * stop, busy ones stop after their invocation. */
void lambda__pool_invalidate(const char *name, const char *version);
/* Function deleted: stop every instance of name. */
void lambda__fn_forget(const char *name);
/* Submit inv (stolen) to the pool; conf must be set. Throttles finish inv at once. */
void lambda__pool_submit(lambda_pool_t *pool, lambda_inv_t *inv);
void lambda__pool_set_provisioned(lambda_pool_t *pool, unsigned n);
/* Proactive initialization: start one environment of pool's current
 * configuration ahead of any invocation, unless it has one already or
 * nimbus holds enough unused ones (pool.c). */
void lambda__pool_prewarm(lambda_pool_t *pool);
/* invoke.c: lambda__pool_prewarm for name's $LATEST, its configuration
 * loaded from the store. */
void lambda__prewarm(const char *name);
/* warm_start.c: after start-up, lambda__prewarm the most recently deployed
 * functions (as many as cores), on the first loop iteration. */
void lambda__warm_start(uv_loop_t *loop);
/* package_url.c: append to out the download URL of a function's package
 * (sha: its hex SHA-256) or of a layer version's zip, signed and valid for 10
 * minutes (GetFunction's Code.Location, GetLayerVersion's Content.Location). */
void lambda__function_location(nb_buf_t *out, const char *endpoint, const char *name, const char *sha);
void lambda__layer_location(nb_buf_t *out, const char *endpoint, const char *layer, unsigned ver);
/* layers.c: set a layer version document's Content.Location to a freshly signed URL. */
void lambda__layer_locate(nb_req_t *req, json_t *doc, const char *layer);
/* rapi_peer.c: nb_http_limits_t.admit of an instance's Runtime API (data: the
 * instance): 0 when the connecting socket is the instance's own uid's or
 * nimbus's, else -1 (logged). */
int lambda__rapi_admit(void *data, const struct sockaddr *peer, const struct sockaddr *local);
void lambda__fn_set_reserved(const char *name, int reserved);
/* An instance called /next (from rapi.c) or ended. */
void lambda__inst_next(lambda_inst_t *inst, nb_req_t *req);
void lambda__inst_response(lambda_inst_t *inst, nb_req_t *req, const char *id, int is_error);
void lambda__inst_init_error(lambda_inst_t *inst, nb_req_t *req);
void lambda__pool_start(void);
void lambda__pool_stop_all(void);
/* Environments in all, and (when INITIALIZING is given) how many of them have not called /next yet. */
unsigned lambda__pool_count_instances(unsigned *initializing);

/* --- instance.c: processes ----------------------------------------------------- */
/* Start an instance of pool's current configuration, cold for inv (may be NULL:
 * provisioned). On failure returns NULL and an error document (caller frees) in
 * *err — or *err NULL (errno EMFILE, EAGAIN...) when nimbus has no room for
 * another environment now (descriptors short: instance.c keeps a reserve). */
lambda_inst_t *lambda__inst_spawn(lambda_pool_t *pool, lambda_inv_t *inv, int provisioned, char **err);
void lambda__inst_freeze(lambda_inst_t *inst);
void lambda__inst_thaw(lambda_inst_t *inst);
void lambda__inst_kill(lambda_inst_t *inst);
/* Kill instances a previous nimbus left running (kill -9), at start-up. */
void lambda__inst_reap_orphans(void);
/* The sandbox's pool of blank processes (src/sandbox/sbx_pool.c): refilled on
 * the loop within delay_ms (an earlier request wins) — when an instance is
 * initialized (its first /next), or at the latest 500 ms after a spawn, so a
 * refill never competes with the cold start it follows; stop kills the waiting
 * blanks (shutdown). Loop thread only. */
void lambda__inst_pool_refill(uint64_t delay_ms);
/* An instance still being started (inst->spawning) that its process contacted
 * already: waits (briefly: the process runs) for the spawn to finish and
 * completes it on the loop now. 0, or -1 if the spawn failed. */
int lambda__inst_settle(lambda_inst_t *inst);
/* pool.c: a start that failed on the spawner thread (instance.c): inst is
 * taken out and released; its invocation is answered with doc (stolen), or,
 * doc NULL (a shortage), waits or is throttled as when there is no room. */
void lambda__pool_spawn_failed(lambda_inst_t *inst, char *doc);

/* inst_spawner.c: one thread of nimbus's own for what blocks an instance's
 * start or end (sandbox spawn and release, run files). `work` runs there, in
 * submission order; then `done`, if set, on the loop (it frees the job;
 * without it, `work` does). */
typedef struct lambda_job {
    struct lambda_job *next;
    void (*work)(struct lambda_job *j);
    void (*done)(struct lambda_job *j);
    int finished;                 /* work done (under the spawner's lock) */
} lambda_job_t;
void lambda__spawner_submit(lambda_job_t *j);
/* On the loop, for a job with a `done` not yet run: wait until it is worked;
 * take: and take it out of the queue of `done`s (the caller runs it). */
void lambda__spawner_wait(lambda_job_t *j);
void lambda__spawner_take(lambda_job_t *j);
/* At stop, on the loop: every job worked and its `done` run. */
void lambda__spawner_flush(void);
void lambda__inst_pool_stop(void);
/* Waits until DATA/runtime/ is written (service.c); loop thread only. */
void lambda__runtimes_ready(void);
/* (Re)start the instance timer: lambda__inst_timer() in ms. */
void lambda__inst_arm(lambda_inst_t *inst, uint64_t ms);
/* Cancel it: lambda__inst_timer() is not called until the next arm. */
void lambda__inst_disarm(lambda_inst_t *inst);
/* SIGTERM, SIGKILL 2 s later. */
void lambda__inst_shutdown(lambda_inst_t *inst);
/* Read whatever output is buffered in the pipes now. */
void lambda__inst_drain(lambda_inst_t *inst);
/* Close handles and free once everything is closed (after DEAD). */
void lambda__inst_release(lambda_inst_t *inst);
/* pool.c callbacks from instance.c */
void lambda__inst_exited(lambda_inst_t *inst);
void lambda__inst_timer(lambda_inst_t *inst);
void lambda__inst_output(lambda_inst_t *inst, const char *line, size_t len);
/* A line of the function's own output: lambda__inst_output, unless the JSON
 * format's ApplicationLogLevel drops it (logfmt.c's level of the line). */
void lambda__inst_app_output(lambda_inst_t *inst, const char *line, size_t len);
/* rapi.c: the Runtime API listener's dispatch */
void lambda__rapi_dispatch(nb_req_t *req, void *data);
void lambda__rapi_reply(nb_req_t *req, int status, const char *body);
/* GET/PUT /2018-06-01/runtime/nimbus/code-cache: the Node.js runtime's code
 * cache of inst's function version (code_cache.c). */
void lambda__code_cache_request(lambda_inst_t *inst, nb_req_t *req);
/* inst is dying: if it was given the code cache and failed its init (an
 * /init/error, or a crash rather than nimbus's SIGKILL), the cache goes, so
 * that a cache that breaks the runtime cannot break every later environment. */
void lambda__code_cache_check_death(lambda_inst_t *inst);

/* --- inv: invocation lifecycle (invoke.c) ------------------------------------ */
lambda_inv_t *lambda__inv_new(const char *fn_name, const char *version, const char *invoked_arn,
                              const void *payload, size_t len);
/* Deliver the result and free inv. payload may be NULL (error results). */
void lambda__inv_finish(lambda_inv_t *inv, nb_err_t err, const char *errmsg, const char *reason,
                        const char *payload, size_t len, const char *function_error);
void lambda__inv_free(lambda_inv_t *inv);
/* Resolve function + qualifier and submit (shared by Invoke, lambda_invoke, async). */
void lambda__invoke_internal(nb_ctx_t *ctx, lambda_inv_t *inv, const char *name, const char *qual);

/* --- logs.c ------------------------------------------------------------------- */
/* Append one log event (line without newline) to group (the function's
 * LoggingConfig.LogGroup), stream (the log store, src/logs: batched, written
 * within a tick). */
void lambda__log_event(const char *group, const char *stream, uint64_t ts_ms, const char *msg, size_t len);
void lambda__logs_init(void);   /* the log store's writer started / stopped for lambda */
void lambda__logs_stop(void);
/* "YYYY/MM/DD/[VERSION]hex32" into out (>= 80 bytes). */
void lambda__log_stream_name(char *out, size_t cap, const char *version);

/* --- async.c ------------------------------------------------------------------ */
void lambda__async_init(void);
void lambda__async_stop(void);
/* Queue an Event invocation durably; replies 202 to req once durable. */
void lambda__async_enqueue(nb_req_t *req, const char *name, const char *qual, const char *payload, size_t len);
/* Queue an internal event (destinations, lambda_invoke_event); no reply. 0 or -1.
 * Must not be called while a write transaction is open. */
int lambda__async_enqueue_internal(const char *name, const char *qual, const char *payload, size_t len);

/* --- dest.c: destinations and dead-letter targets ------------------------------- */
typedef struct lambda_dest_kind {
    const char *service;   /* the ARN's service: "sqs" */
    const char *action;    /* what the execution role needs: "sqs:SendMessage" */
    const char *verb;      /* in Lambda's messages: "SendMessage" */
    const char *label;     /* in Lambda's dead-letter messages: "SQS" */
} lambda_dest_kind_t;
/* The kind of destination arn names (sqs, sns, lambda, events; an ARN with
 * region, account and resource parts), or NULL (static). */
const lambda_dest_kind_t *lambda__dest_kind(const char *arn);
/* May execution role role (may be NULL: no) deliver to arn, of kind k, now?
 * 1 or 0; always 1 with --auth open. Reads through t. */
int lambda__role_may_deliver(nb_ctx_t *ctx, store_txn_t *t, const char *role, const lambda_dest_kind_t *k,
                             const char *arn);

/* --- layer_policy.c: layer version permissions ----------------------------------- */
/* Drop the policy of the layer version whose key (lambda__ver_key) is k; a
 * store status (STORE_OK also when it had none). */
int lambda__layer_policy_forget(store_txn_t *t, const nb_buf_t *k);

/* --- handler entry points (op table in service.c) ----------------------------- */
void lambda__op_create_function(nb_req_t *req);
void lambda__op_get_function(nb_req_t *req);
void lambda__op_get_function_configuration(nb_req_t *req);
void lambda__op_list_functions(nb_req_t *req);
void lambda__op_update_function_code(nb_req_t *req);
void lambda__op_update_function_configuration(nb_req_t *req);
void lambda__op_delete_function(nb_req_t *req);
void lambda__op_invoke(nb_req_t *req);
void lambda__op_publish_version(nb_req_t *req);
void lambda__op_list_versions(nb_req_t *req);
void lambda__op_create_alias(nb_req_t *req);
void lambda__op_get_alias(nb_req_t *req);
void lambda__op_update_alias(nb_req_t *req);
void lambda__op_delete_alias(nb_req_t *req);
void lambda__op_list_aliases(nb_req_t *req);
void lambda__op_put_concurrency(nb_req_t *req);
void lambda__op_get_concurrency(nb_req_t *req);
void lambda__op_delete_concurrency(nb_req_t *req);
void lambda__op_put_pc(nb_req_t *req);
void lambda__op_get_pc(nb_req_t *req);
void lambda__op_delete_pc(nb_req_t *req);
void lambda__op_put_eic(nb_req_t *req);
void lambda__op_get_eic(nb_req_t *req);
void lambda__op_delete_eic(nb_req_t *req);
void lambda__op_update_eic(nb_req_t *req);
void lambda__settings_resume(void);
void lambda__op_publish_layer(nb_req_t *req);
void lambda__op_get_layer(nb_req_t *req);
void lambda__op_add_layer_permission(nb_req_t *req);
void lambda__op_remove_layer_permission(nb_req_t *req);
void lambda__op_get_layer_policy(nb_req_t *req);
void lambda__op_list_layers(nb_req_t *req);
void lambda__op_list_layer_versions(nb_req_t *req);
void lambda__op_delete_layer(nb_req_t *req);
void lambda__op_add_permission(nb_req_t *req);
void lambda__op_remove_permission(nb_req_t *req);
void lambda__op_get_policy(nb_req_t *req);
void lambda__op_get_account_settings(nb_req_t *req);
void lambda__op_get_code_signing(nb_req_t *req);
void lambda__op_get_package(nb_req_t *req);
void lambda__op_get_layer_package(nb_req_t *req);
void lambda__op_get_url_config(nb_req_t *req);
void lambda__op_list_eic(nb_req_t *req);
void lambda__op_list_pc(nb_req_t *req);
void lambda__op_list_esm(nb_req_t *req);
void lambda__op_get_layer_by_arn(nb_req_t *req);
void lambda__op_tag(nb_req_t *req);
void lambda__op_untag(nb_req_t *req);
void lambda__op_list_tags(nb_req_t *req);

#endif
