/* instance.c — one execution environment as a process: its Runtime API
 * listener (127.0.0.1, a port of its own: the port identifies the instance),
 * its environment variables, its output pipes read line by line on the loop,
 * its exit noticed through a pidfd, freeze/thaw and kill.
 *
 * Processes are started by the sandbox (sbx_spawn) on the spawner thread
 * (inst_spawner.c), never on the loop: lambda__inst_spawn returns the
 * instance in INIT before its process exists, and the start's end (or
 * failure) comes back to the loop; the sandbox's release and the run files
 * are the spawner thread's too. While the sandbox is not
 * built (-ENOSYS) a plain posix_spawn in a new process group stands in. Without
 * isolation there are no mounts, so LAMBDA_TASK_ROOT and /opt are the host
 * directories themselves.
 *
 * Memory: an instance is freed only after all its libuv handles are closed
 * and its listener stopped (pending_closes reaches 0; it starts at 1, the
 * reference lambda__inst_release drops).
 *
 * Descriptors: a poll handle is closed (uv_close) before its descriptor,
 * always — libuv's close removes the descriptor *number* from epoll, and a
 * number closed earlier may already belong to another environment's pidfd,
 * pipe or listener, or to a client connection, which would then never be
 * heard from again. Environments start only while nimbus has descriptors to
 * spare (room). */
#include "lambda/lambda_int.h"
#include "lambda/logfmt.h"
#include "core/alloc.h"
#include "core/http_server.h"
#include "core/log.h"
#include "core/startup.h"
#include "core/util.h"
#include "sandbox/sandbox.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define H_PID   1
#define H_OUT   2
#define H_ERR   4
#define H_TIMER 8

static void maybe_free(lambda_inst_t *inst)
{
    if (inst->pending_closes > 0) return;
    nb_buf_free(&inst->out_part);
    nb_buf_free(&inst->err_part);
    free(inst->init_error);
    lambda__conf_unref(inst->conf);
    free(inst);
}

static void on_close(uv_handle_t *h)
{
    lambda_inst_t *inst = h->data;
    inst->pending_closes--;
    maybe_free(inst);
}

static void on_srv_stopped(void *arg)
{
    lambda_inst_t *inst = arg;
    inst->pending_closes--;
    maybe_free(inst);
}

/* --- output ----------------------------------------------------------------- */

static void split_lines(lambda_inst_t *inst, nb_buf_t *part, const char *data, size_t n)
{
    while (n) {
        const char *nl = memchr(data, '\n', n);
        if (!nl) {
            nb_buf_append(part, data, n);
            /* A line longer than 256 KB is cut, as CloudWatch would. */
            if (part->len > 256 * 1024) {
                lambda__inst_app_output(inst, part->data, part->len);
                nb_buf_clear(part);
            }
            return;
        }
        size_t l = (size_t)(nl - data);
        if (part->len) {
            nb_buf_append(part, data, l);
            lambda__inst_app_output(inst, part->data, part->len);
            nb_buf_clear(part);
        } else {
            lambda__inst_app_output(inst, data, l);
        }
        data = nl + 1;
        n -= l + 1;
    }
}

/* Read fd until it would block; returns -1 at EOF/error. */
static int read_fd(lambda_inst_t *inst, int fd, nb_buf_t *part)
{
    char buf[16384];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0) { split_lines(inst, part, buf, (size_t)r); continue; }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        return -1;
    }
}

static void flush_part(lambda_inst_t *inst, nb_buf_t *part)
{
    if (part->len) {
        lambda__inst_app_output(inst, part->data, part->len);
        nb_buf_clear(part);
    }
}

/* Close h (one of inst's poll handles, bit `bit`) now, while its descriptor is
 * still open: see the top of the file. */
static void close_poll(lambda_inst_t *inst, uv_poll_t *h, int bit)
{
    if (!(inst->handles & bit)) return;
    inst->handles &= ~bit;
    inst->pending_closes++;
    uv_close((uv_handle_t *)h, on_close);
}

static void close_pipe(lambda_inst_t *inst, int which)
{
    if (which == H_OUT && inst->out_fd >= 0) {
        flush_part(inst, &inst->out_part);
        close_poll(inst, &inst->out_poll, H_OUT);
        close(inst->out_fd);
        inst->out_fd = -1;
    } else if (which == H_ERR && inst->err_fd >= 0) {
        flush_part(inst, &inst->err_part);
        close_poll(inst, &inst->err_poll, H_ERR);
        close(inst->err_fd);
        inst->err_fd = -1;
    }
}

static void on_output(uv_poll_t *p, int status, int events)
{
    lambda_inst_t *inst = p->data;
    int which = p == &inst->out_poll ? H_OUT : H_ERR;
    int fd = which == H_OUT ? inst->out_fd : inst->err_fd;
    if (fd < 0) return;
    if (read_fd(inst, fd, which == H_OUT ? &inst->out_part : &inst->err_part) != 0 || status < 0)
        close_pipe(inst, which);
}

/* Called at the end of every invocation: one poll() says which pipe has
 * anything (usually neither), instead of a read that fails per pipe. */
void lambda__inst_drain(lambda_inst_t *inst)
{
    struct pollfd p[2] = { { .fd = inst->out_fd, .events = POLLIN }, { .fd = inst->err_fd, .events = POLLIN } };
    int n = poll(p, 2, 0);
    if (n == 0) return;
    if (n < 0) p[0].revents = p[1].revents = POLLIN;   /* EINTR: just read both */
    if (inst->out_fd >= 0 && p[0].revents && read_fd(inst, inst->out_fd, &inst->out_part) != 0) close_pipe(inst, H_OUT);
    if (inst->err_fd >= 0 && p[1].revents && read_fd(inst, inst->err_fd, &inst->err_part) != 0) close_pipe(inst, H_ERR);
}

/* --- run files: no orphan survives a kill -9 of nimbus ------------------------------ */

/* DATA/lambda/run/ID holds "PID STARTTIME" of each live instance, so the next
 * start of nimbus can kill instances a crashed daemon left behind (the
 * start time tells a recycled pid from the instance). A second line of
 * defence: an instance's leader dies with nimbus (PDEATHSIG), its PID
 * namespace with it, and the sandbox's watchdog kills the process group of a
 * plain instance (src/sandbox/sbx_reaper.c); a leader found alive here is one
 * that all of these missed (e.g. the watchdog was killed too). */

static unsigned long long proc_starttime(pid_t pid)
{
    char p[64], buf[1024];
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(p, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *s = strrchr(buf, ')');
    if (!s) return 0;
    /* after ")": state is field 3; starttime is field 22 */
    int field = 2;
    for (char *t = s + 1; *t; t++) {
        if (*t == ' ') {
            field++;
            if (field == 22) return strtoull(t + 1, NULL, 10);
        }
    }
    return 0;
}

static void run_file(const lambda_inst_t *inst, char *out, size_t cap)
{
    lambda__pathf(out, cap, "%s/run/%s", lambda__svc.dir, inst->id);
}

/* On the spawner thread (path computed on the loop). */
static void run_file_write(const char *path, pid_t pid)
{
    char line[64];
    int n = snprintf(line, sizeof line, "%d %llu\n", (int)pid, proc_starttime(pid));
    FILE *f = fopen(path, "w");
    if (f) {
        fwrite(line, 1, (size_t)n, f);
        fclose(f);
    }
}

/* Run files are written in batches by the spawner thread, RUN_FILE_DELAY_MS
 * after their instances started — not during the cold start's first
 * milliseconds, and never for an instance that ended before (a storm of
 * functions failing in init then creates and unlinks no file at all). Until
 * then an instance is covered by the other defences (PDEATHSIG, its PID
 * namespace, the watchdog). */
#define RUN_FILE_DELAY_MS 20
struct run_entry { struct run_entry *next; lambda_inst_t *inst; pid_t pid; char path[PATH_MAX]; };
typedef struct run_batch { lambda_job_t job; struct run_entry *list; } run_batch_t;
static struct run_entry *run_pending;
static uv_timer_t run_timer;
static int run_timer_on;

static void run_batch_work(lambda_job_t *job)
{
    run_batch_t *b = (run_batch_t *)job;
    for (struct run_entry *e = b->list, *n; e; e = n) {
        n = e->next;
        run_file_write(e->path, e->pid);
        free(e);
    }
    free(b);
}

static void run_files_submit(void)
{
    if (!run_pending) return;
    run_batch_t *b = nb_xcalloc(1, sizeof *b);
    b->job.work = run_batch_work;
    b->list = run_pending;
    run_pending = NULL;
    for (struct run_entry *e = b->list; e; e = e->next) e->inst->run_entry = NULL;
    lambda__spawner_submit(&b->job);
}

static void on_run_timer(uv_timer_t *t)
{
    (void)t;
    run_files_submit();
}

static void run_file_later(lambda_inst_t *inst)
{
    struct run_entry *e = nb_xcalloc(1, sizeof *e);
    e->inst = inst;
    e->pid = inst->pid;
    run_file(inst, e->path, sizeof e->path);
    e->next = run_pending;
    run_pending = e;
    inst->run_entry = e;
    if (!run_timer_on) {
        uv_timer_init(lambda__svc.ctx->loop, &run_timer);
        uv_unref((uv_handle_t *)&run_timer);
        run_timer_on = 1;
    }
    if (!uv_is_active((uv_handle_t *)&run_timer)) uv_timer_start(&run_timer, on_run_timer, RUN_FILE_DELAY_MS, 0);
}

/* 1 if inst's run file was still to be written (now it never is), 0 if it may exist. */
static int run_file_drop(lambda_inst_t *inst)
{
    struct run_entry *e = inst->run_entry;
    if (!e) return 0;
    for (struct run_entry **pp = &run_pending; *pp; pp = &(*pp)->next)
        if (*pp == e) { *pp = e->next; break; }
    inst->run_entry = NULL;
    free(e);
    return 1;
}

void lambda__inst_reap_orphans(void)
{
    char dir[PATH_MAX];
    if (lambda__pathf(dir, sizeof dir, "%s/run", lambda__svc.dir)) return;
    nb_mkdir_p(dir);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[PATH_MAX];
        if (lambda__pathf(path, sizeof path, "%s/%s", dir, e->d_name)) continue;
        FILE *f = fopen(path, "r");
        int pid = 0;
        unsigned long long st = 0;
        if (f) {
            if (fscanf(f, "%d %llu", &pid, &st) != 2) pid = 0;
            fclose(f);
        }
        if (pid > 1 && st && proc_starttime(pid) == st) {
            nb_log_warn("lambda", "killing instance %s (pid %d) left by a previous nimbus", e->d_name, pid);
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            kill(-pid, SIGCONT);
            kill(pid, SIGCONT);
        }
        unlink(path);
    }
    closedir(d);
}

/* --- exit --------------------------------------------------------------------- */

static void on_pid(uv_poll_t *p, int status, int events)
{
    lambda_inst_t *inst = p->data;
    int st = 0;
    /* Without the sandbox (which does it at sbx_release, through its pidfd),
     * the whole process group goes with its leader (children of a shell
     * bootstrap) — signalled while the leader is an unreaped zombie, whose
     * pid, and so the group's id, no other process can have taken. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (!inst->sbx && waitid(P_PID, (id_t)inst->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        si.si_pid == inst->pid)
        kill(-inst->pid, SIGKILL);
    pid_t r = waitpid(inst->pid, &st, WNOHANG);
    if (r == 0) return;
    uv_poll_stop(p);
    inst->exit_status = r < 0 ? 0 : st;
    lambda__inst_drain(inst);
    close_pipe(inst, H_OUT);
    close_pipe(inst, H_ERR);
    lambda__inst_exited(inst);
}

/* The instance timer is re-armed lazily. Every invocation used to stop it
 * (end), start it for the freeze grace (idle), then stop and start it for the
 * timeout (next delivery): five operations on the loop's timer heap per
 * invocation. Now arming for a time later than the running timer's only
 * records the new due time, and disarming only clears it: the uv timer fires
 * at its old time, finds the due time later (re-arms for it) or cleared
 * (stops). Under a steady load the timer then fires about once per freeze
 * grace instead of being moved twice per invocation; lambda__inst_timer()
 * runs at the same times as before. */
static void on_timer(uv_timer_t *t)
{
    lambda_inst_t *inst = t->data;
    inst->timer_fires = 0;
    if (!inst->timer_due) return;
    uint64_t now = uv_now(t->loop);
    if (now < inst->timer_due) {
        inst->timer_fires = inst->timer_due;
        uv_timer_start(&inst->timer, on_timer, inst->timer_due - now, 0);
        return;
    }
    inst->timer_due = 0;
    lambda__inst_timer(inst);
}

void lambda__inst_arm(lambda_inst_t *inst, uint64_t ms)
{
    uint64_t due = uv_now(inst->timer.loop) + ms;
    inst->timer_due = due;
    if (inst->timer_fires && inst->timer_fires <= due) return;   /* fires first, then re-arms */
    inst->timer_fires = due;
    uv_timer_start(&inst->timer, on_timer, ms, 0);
}

void lambda__inst_disarm(lambda_inst_t *inst)
{
    inst->timer_due = 0;
}

typedef struct release_job {
    lambda_job_t job;
    sbx_t *sbx;
    char run_path[PATH_MAX];      /* "" : none */
} release_job_t;

static void release_work(lambda_job_t *job)
{
    release_job_t *j = (release_job_t *)job;
    if (j->sbx) sbx_release(j->sbx);
    if (j->run_path[0]) unlink(j->run_path);
    free(j);
}

void lambda__inst_release(lambda_inst_t *inst)
{
    /* the poll first: a sandboxed instance's pidfd is the sandbox's (sbx_pidfd) */
    close_poll(inst, &inst->pid_poll, H_PID);
    if (inst->pidfd >= 0 && (!inst->sbx || inst->pidfd != sbx_pidfd(inst->sbx))) close(inst->pidfd);
    inst->pidfd = -1;
    /* The cgroups' removal and the run file's unlink block: the spawner
     * thread's (after this instance's own spawn job, which wrote it). An
     * instance still being started is the spawn job's to end (spawn_done). */
    if (inst->spawning) inst->state = INST_DEAD;
    else if (inst->sbx || inst->pid > 0) {
        if (!inst->sbx) sbx_child_reaped(inst->pid);      /* plain_spawn's child (sbx_release does a sandbox's) */
        release_job_t *j = nb_xcalloc(1, sizeof *j);
        j->job.work = release_work;
        j->sbx = inst->sbx;
        if (inst->pid > 0 && !run_file_drop(inst)) run_file(inst, j->run_path, sizeof j->run_path);
        lambda__spawner_submit(&j->job);
    }
    inst->sbx = NULL;
    close_pipe(inst, H_OUT);
    close_pipe(inst, H_ERR);
    if (inst->next_req) {
        lambda__rapi_reply(inst->next_req, 500, "{\"errorMessage\":\"environment shut down\",\"errorType\":\"Runtime.ExitError\"}");
        inst->next_req = NULL;
    }
    if (inst->handles & H_TIMER) {
        inst->handles &= ~H_TIMER;
        inst->pending_closes++;
        uv_close((uv_handle_t *)&inst->timer, on_close);
    }
    if (inst->srv_running) {
        inst->pending_closes++;
        inst->srv_running = 0;
        nb_http_server_stop(inst->srv, on_srv_stopped, inst);
    }
    inst->pending_closes--;     /* the reference held since lambda__inst_spawn */
    maybe_free(inst);
}

/* --- signals -------------------------------------------------------------------- */

static void sig(lambda_inst_t *inst, int signo)
{
    if (inst->pid <= 0) return;
    if (kill(-inst->pid, signo) != 0) kill(inst->pid, signo);
}

void lambda__inst_freeze(lambda_inst_t *inst)
{
    if (inst->frozen || inst->state == INST_DEAD || !lambda__svc.freeze) return;
    if (!inst->sbx || sbx_freeze(inst->sbx) != 0) sig(inst, SIGSTOP);
    inst->frozen = 1;
    inst->frozen_us = nb_now_us();
}

void lambda__inst_thaw(lambda_inst_t *inst)
{
    if (!inst->frozen) return;
    if (!inst->sbx || sbx_thaw(inst->sbx) != 0) sig(inst, SIGCONT);
    inst->frozen = 0;
}

void lambda__inst_kill(lambda_inst_t *inst)
{
    if (inst->state == INST_DEAD) return;
    if (inst->spawning) { inst->kill_pending = 1; return; }   /* spawn_done kills it */
    if (inst->sbx) sbx_kill(inst->sbx);   /* all of it (a plain instance's supervisor must outlive the rest) */
    else sig(inst, SIGKILL);
    if (inst->frozen) { sig(inst, SIGCONT); inst->frozen = 0; }
}

void lambda__inst_shutdown(lambda_inst_t *inst)
{
    if (inst->state == INST_DEAD || inst->state == INST_STOPPING) return;
    inst->state = INST_STOPPING;
    lambda__inst_thaw(inst);
    sig(inst, SIGTERM);
    lambda__inst_arm(inst, 2000);
}

/* --- spawn ------------------------------------------------------------------------ */

typedef struct envb { char **v; size_t n, cap; } envb_t;

static void env_add(envb_t *e, const char *k, const char *v)
{
    if (e->n + 2 > e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->v = nb_xrealloc(e->v, e->cap * sizeof *e->v);
    }
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "%s=%s", k, v);
    e->v[e->n++] = nb_buf_take(&b, NULL);
    e->v[e->n] = NULL;
}

static void env_free(envb_t *e)
{
    for (size_t i = 0; i < e->n; i++) free(e->v[i]);
    free(e->v);
}

static int is_exec(const char *p)
{
    return access(p, X_OK) == 0;
}

/* Where DATA/runtime is seen by the instance: /var/runtime inside a sandbox (as
 * on Lambda; /tmp is private there), the host directory otherwise. */
static const char *runtime_root(void)
{
    return lambda__svc.isolate ? "/var/runtime" : lambda__svc.runtime_dir;
}

/* The runtime's command line: the executable, its arguments, and storage for
 * the ones that are formatted (valid while the struct lives). */
typedef struct runtime_cmd {
    char *argv[12];
    char path[PATH_MAX];
    char semi[40], old[40];
} runtime_cmd_t;

/* Managed runtimes (Node.js, Python) start like Lambda's own bootstraps:
 * Node.js with `--expose-gc --max-http-header-size 81920` and its heap sized
 * from MemorySize (new space a tenth, half of it per semi-space, the rest old
 * space), so global.gc exists and a function runs out of heap where it would
 * on Lambda rather than at V8's defaults. A function's AWS_LAMBDA_EXEC_WRAPPER
 * (a wrapper script, e.g. from a layer) is run with the runtime's command line
 * as its arguments, as Lambda does for managed runtimes; it must exec it. */
static void managed_argv(const lambda_fnconf_t *c, runtime_cmd_t *cmd, int node)
{
    unsigned n = 0;
    json_t *w = json_object_get(c->env, "AWS_LAMBDA_EXEC_WRAPPER");
    const char *wrapper = json_string_value(w);
    if (wrapper && *wrapper) cmd->argv[n++] = (char *)wrapper;
    if (node) {
        unsigned new_space = c->memory_mb / 10;
        snprintf(cmd->semi, sizeof cmd->semi, "--max-semi-space-size=%u", new_space / 2);
        snprintf(cmd->old, sizeof cmd->old, "--max-old-space-size=%u", c->memory_mb - new_space);
        cmd->argv[n++] = lambda__svc.node;
        cmd->argv[n++] = "--expose-gc";
        cmd->argv[n++] = "--max-http-header-size";
        cmd->argv[n++] = "81920";
        cmd->argv[n++] = cmd->semi;
        cmd->argv[n++] = cmd->old;
    } else {
        cmd->argv[n++] = lambda__svc.python;
    }
    cmd->argv[n++] = cmd->path;
    cmd->argv[n] = NULL;
}

/* The native runner as the instance sees it. The sandbox's pooled blanks
 * exec the same executable (embedded as runtimes/native/bootstrap) under this
 * name, so a native cold start that takes one runs with no execve. */
static void native_runner_path(char *buf, size_t cap)
{
    lambda__pathf(buf, cap, "%s/runtimes/native/bootstrap", runtime_root());
}

/* Decide the runtime's command line; 0, or -1 with an error document in *err. */
static int runtime_argv(lambda_inst_t *inst, const char *task_root, const char *opt_root,
                        runtime_cmd_t *cmd, char **err)
{
    const lambda_fnconf_t *c = inst->conf;
    const char *rt = c->runtime;
    const char *rdir = runtime_root();
    char *const storage = cmd->path;
    const size_t cap = sizeof cmd->path;
    char **argv = cmd->argv;
    if (strncmp(rt, "nodejs", 6) == 0) {
        lambda__pathf(storage, cap, "%s/runtimes/nodejs/bootstrap.js", rdir);
        managed_argv(c, cmd, 1);
    } else if (strncmp(rt, "python", 6) == 0) {
        lambda__pathf(storage, cap, "%s/runtimes/python/bootstrap.py", rdir);
        managed_argv(c, cmd, 0);
    } else if (strcmp(rt, "nimbus.native") == 0) {
        /* the runner's own small executable (libc only): `nimbus native-runner`
         * would first load the nimbus binary's shared libraries */
        native_runner_path(storage, cap);
        argv[0] = storage; argv[1] = NULL;
    } else {
        char host[PATH_MAX];
        snprintf(host, sizeof host, "%s/bootstrap", c->code_dir);
        if (is_exec(host)) {
            snprintf(storage, cap, "%s/bootstrap", task_root);
        } else {
            snprintf(host, sizeof host, "%s/bootstrap", c->opt_dir ? c->opt_dir : "/nonexistent");
            if (!c->opt_dir || !is_exec(host)) {
                nb_buf_t b = NB_BUF_INIT;
                nb_buf_printf(&b, "{\"errorType\":\"Runtime.InvalidEntrypoint\",\"errorMessage\":\"RequestId: %s Error: "
                              "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]\"}",
                              inst->inv ? inst->inv->id : "");
                *err = nb_buf_take(&b, NULL);
                return -1;
            }
            snprintf(storage, cap, "%s/bootstrap", opt_root);
        }
        argv[0] = storage; argv[1] = NULL;
    }
    return 0;
}

void lambda_set_credentials_provider(lambda_credentials_fn fn, void *arg)
{
    lambda__svc.creds_fn = fn;
    lambda__svc.creds_arg = arg;
}

/* The role's credentials for inst (the provider's, else the configured ones). 0 or -1. */
static int role_credentials(lambda_inst_t *inst, lambda_credentials_t *cr)
{
    memset(cr, 0, sizeof *cr);
    if (lambda__svc.creds_fn) {
        if (lambda__svc.creds_fn(lambda__svc.creds_arg, inst->conf->role, inst->conf->fn_arn, cr) != 0) return -1;
        inst->creds_expire_ms = cr->expires_ms;
        return 0;
    }
    const nb_config_t *cfg = lambda__svc.ctx->cfg;
    const char *ak = nb_config_get(cfg, "lambda.access_key_id");
    const char *sk = nb_config_get(cfg, "lambda.secret_access_key");
    snprintf(cr->access_key_id, sizeof cr->access_key_id, "%s", ak ? ak : "test");
    snprintf(cr->secret_access_key, sizeof cr->secret_access_key, "%s", sk ? sk : "test");
    return 0;
}

static void build_env(lambda_inst_t *inst, envb_t *e, const char *task_root, const char *opt_root,
                      const lambda_credentials_t *cr)
{
    const lambda_fnconf_t *c = inst->conf;
    const nb_config_t *cfg = lambda__svc.ctx->cfg;
    char tmp[PATH_MAX + 64];
    /* User variables first: Lambda's own cannot be overridden (refused at create). */
    const char *k;
    json_t *v;
    json_object_foreach(c->env, k, v) env_add(e, k, json_string_value(v));
    env_add(e, "_HANDLER", c->handler);
    env_add(e, "AWS_REGION", cfg->region);
    env_add(e, "AWS_DEFAULT_REGION", cfg->region);
    const char *ee = lambda__runtime_exec_env(c->runtime);
    if (*ee) env_add(e, "AWS_EXECUTION_ENV", ee);
    env_add(e, "AWS_LAMBDA_FUNCTION_NAME", c->name);
    snprintf(tmp, sizeof tmp, "%u", c->memory_mb);
    env_add(e, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", tmp);
    env_add(e, "AWS_LAMBDA_FUNCTION_VERSION", c->version);
    env_add(e, "AWS_LAMBDA_INITIALIZATION_TYPE", inst->provisioned ? "provisioned-concurrency" : "on-demand");
    env_add(e, "AWS_LAMBDA_LOG_GROUP_NAME", c->log_group);
    if (c->log_json) {
        /* The managed runtimes format and filter their own records (console.*,
         * logging) from these, as Lambda's do. */
        env_add(e, "AWS_LAMBDA_LOG_FORMAT", "JSON");
        env_add(e, "AWS_LAMBDA_LOG_LEVEL", lambda__log_level_name(c->app_level));
    }
    env_add(e, "AWS_LAMBDA_LOG_STREAM_NAME", inst->stream);
    env_add(e, "AWS_ACCESS_KEY_ID", cr->access_key_id);
    env_add(e, "AWS_SECRET_ACCESS_KEY", cr->secret_access_key);
    if (cr->session_token[0]) env_add(e, "AWS_SESSION_TOKEN", cr->session_token);
    snprintf(tmp, sizeof tmp, "127.0.0.1:%d", inst->port);
    env_add(e, "AWS_LAMBDA_RUNTIME_API", tmp);
    env_add(e, "LAMBDA_TASK_ROOT", task_root);
    env_add(e, "LAMBDA_RUNTIME_DIR", runtime_root());
    env_add(e, "TZ", ":UTC");
    env_add(e, "LANG", "en_US.UTF-8");
    snprintf(tmp, sizeof tmp, "/usr/local/bin:/usr/bin:/bin:%s/bin", opt_root);
    env_add(e, "PATH", tmp);
    snprintf(tmp, sizeof tmp, "%s/lib:%s:%s/lib", task_root, task_root, opt_root);
    env_add(e, "LD_LIBRARY_PATH", tmp);
    snprintf(tmp, sizeof tmp, "%s/nodejs/node_modules:%s", opt_root, task_root);
    env_add(e, "NODE_PATH", tmp);
    snprintf(tmp, sizeof tmp, "%s/python:%s", opt_root, task_root);
    env_add(e, "PYTHONPATH", tmp);
    if (cfg->endpoint_url[0]) env_add(e, "AWS_ENDPOINT_URL", cfg->endpoint_url);
    if (!lambda__svc.isolate) {
        const char *home = getenv("HOME");
        if (home) env_add(e, "HOME", home);
    }
}

/* The fallback: a plain process in its own process group whose leader dies
 * with nimbus (PR_SET_PDEATHSIG). Its children do not: after a kill -9 of the
 * daemon they survive (stopped, if the instance was frozen) — what sbx_spawn's
 * watchdog prevents (src/sandbox/sbx_reaper.c), so this stands in only while
 * the sandbox is not built (-ENOSYS). vfork: the child only makes system
 * calls before execve, and reports an exec failure through the memory it
 * shares with the parent. */
static int plain_spawn(char *const *argv, char *const *envp, const char *cwd, int out_fd, int err_fd, pid_t *pid)
{
    static volatile int exec_errno;
    exec_errno = 0;
    pid_t parent = getpid();
    sbx_child_spawning();                 /* one of nimbus's own children (sbx_children.c) */
    pid_t p = vfork();
    if (p < 0) {
        int err = errno;
        sbx_child_spawned(-1);
        return -err;
    }
    if (p == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (chdir(cwd) != 0) { exec_errno = errno; _exit(127); }
        execve(argv[0], argv, envp);
        exec_errno = errno;
        _exit(127);
    }
    sbx_child_spawned(p);
    if (exec_errno) {
        int e = exec_errno;
        waitpid(p, NULL, 0);
        sbx_child_reaped(p);
        return -e;
    }
    *pid = p;
    return 0;
}

/* Lambda's first line of an environment's log stream, e.g.
 * "INIT_START Runtime Version: nodejs:20.v13	Runtime Version ARN: arn:aws:lambda:...". */
static void emit_init_start(lambda_inst_t *inst)
{
    const char *rt = inst->conf->runtime;
    char family[64];
    snprintf(family, sizeof family, "%s", rt);
    char *x = strstr(family, ".x");
    if (x) *x = 0;                                   /* nodejs20.x -> nodejs20 */
    char *digit = family;
    while (*digit && !(*digit >= '0' && *digit <= '9') && *digit != '.') digit++;
    char ver[96];
    if (strncmp(rt, "provided", 8) == 0) snprintf(ver, sizeof ver, "provided:%s.nimbus", rt[8] == '.' ? rt + 9 : "al2");
    else snprintf(ver, sizeof ver, "%.*s:%s.nimbus", (int)(digit - family), family, digit);
    char arn[256];
    snprintf(arn, sizeof arn, "arn:aws:lambda:%s::runtime:nimbus-%s", lambda__svc.ctx->cfg->region, rt);
    nb_buf_t b = NB_BUF_INIT;
    if (!inst->conf->log_json)
        nb_buf_printf(&b, "INIT_START Runtime Version: %s\tRuntime Version ARN: %s", ver, arn);
    else if (inst->conf->sys_level <= LAMBDA_LVL_INFO)
        lambda__plat_init_start(&b, nb_wall_ms(), inst->provisioned ? "provisioned-concurrency" : "on-demand", ver, arn,
                                inst->conf->name, inst->conf->version);
    if (b.len) lambda__inst_output(inst, b.data, b.len);
    nb_buf_free(&b);
}

/* --- descriptor budget --------------------------------------------------------------- */

/* An environment holds about 5 of nimbus's descriptors (Runtime API listener
 * and connection, two output pipes, a pidfd; a cpu-cgroup join for a
 * moment) and its start briefly needs a few more (report socket, cgroup
 * files, the pipes' other ends): INST_FDS is what a start may take. Environments
 * may use the process's RLIMIT_NOFILE but a reserve — an eighth of it, at
 * least 64 — kept for everything else: the edge's accepts, the store, log
 * files, unpacking. Counting /proc/self/fd costs about a microsecond per
 * descriptor, so a count is reused for 100 ms (each start since adding
 * INST_FDS), and near the limit redone at most every 10 ms. */
#define INST_FDS 16

static unsigned open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return 0;
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n ? n - 1 : 0;   /* not the directory's own */
}

static unsigned fd_budget(void)
{
    static unsigned budget;
    if (!budget) {
        struct rlimit rl;
        rlim_t lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
        if (lim == RLIM_INFINITY || lim > (1u << 20)) lim = 1u << 20;
        unsigned reserve = (unsigned)lim / 8 < 64 ? 64 : (unsigned)lim / 8;
        budget = (unsigned)lim > reserve ? (unsigned)lim - reserve : 1;
    }
    return budget;
}

static int room(void)
{
    static uint64_t counted_us;
    static unsigned counted, since;
    uint64_t now = nb_now_us();
    unsigned budget = fd_budget();
    unsigned est = counted + since * INST_FDS;
    if (!counted_us || now - counted_us >= 100000 || (est + INST_FDS > budget && now - counted_us >= 10000)) {
        counted = open_fds();
        counted_us = now;
        since = 0;
        est = counted;
    }
    if (est + INST_FDS > budget) return 0;
    since++;
    return 1;
}

/* Errors that mean "not now" (nimbus short of descriptors, processes or
 * memory) rather than "this function cannot start". */
static int no_room_error(int e)
{
    return e == EMFILE || e == ENFILE || e == EAGAIN || e == ENOMEM || e == ENOBUFS;
}

/* --- spawn ----------------------------------------------------------------------------- */

/* A failed start: release inst (nothing of it is left: no process, no
 * descriptor, no handle) and return NULL. doc (stolen) is the error document
 * for *err, or NULL when the failure is a shortage (caller: see lambda_int.h). */
static lambda_inst_t *spawn_failed(lambda_inst_t *inst, char **err, char *doc)
{
    int e = errno;
    *err = doc;
    inst->inv = NULL;
    lambda__inst_release(inst);
    errno = e;
    return NULL;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

/* Start watching inst's pidfd and output pipes. 0, or a negative errno (the
 * handles started so far are closed by lambda__inst_release). */
static int watch(lambda_inst_t *inst, uv_loop_t *loop)
{
    int r = uv_poll_init(loop, &inst->pid_poll, inst->pidfd);
    if (r != 0) return r;
    inst->pid_poll.data = inst;
    inst->handles |= H_PID;
    if ((r = uv_poll_start(&inst->pid_poll, UV_READABLE, on_pid)) != 0) return r;
    int fds[2] = { inst->out_fd, inst->err_fd }, bits[2] = { H_OUT, H_ERR };
    uv_poll_t *polls[2] = { &inst->out_poll, &inst->err_poll };
    for (int k = 0; k < 2; k++) {
        fcntl(fds[k], F_SETFL, O_NONBLOCK);
        if ((r = uv_poll_init(loop, polls[k], fds[k])) != 0) return r;
        polls[k]->data = inst;
        inst->handles |= bits[k];
        if ((r = uv_poll_start(polls[k], UV_READABLE | UV_DISCONNECT, on_output)) != 0) return r;
    }
    return 0;
}

/* ---- the sandbox's blank pool ------------------------------------------------- */
static uv_timer_t pool_timer;
static int pool_timer_on;
static void on_pool_timer(uv_timer_t *t);
static void starts_finish_all(void);

/* The refill on the spawner thread: an unexec'd blank (NIMBUS_SANDBOX=no-pool-exec)
 * is cloned there and may only be taken by the thread that cloned it — the
 * one that spawns; with exec'd blanks it only wakes the sandbox's filler. */
typedef struct fill_job { lambda_job_t job; int n; } fill_job_t;
static int fill_pending;

static void fill_work(lambda_job_t *job)
{
    ((fill_job_t *)job)->n = sbx_pool_fill();
}

static void fill_done_common(int n)
{
    fill_pending = 0;
    nb_startup_mark("lambda: sandbox pool refill (%d)", n);
    /* Deferred while a cgroup move is under way, or one blank at a time:
     * again shortly, until the pool is full. */
    if (pool_timer_on && lambda__svc.started && (n == -EAGAIN || n > 0) &&
        sbx_pool_count() < lambda__svc.sandbox_pool)
        uv_timer_start(&pool_timer, on_pool_timer, 5, 0);
}

static void fill_done(lambda_job_t *job)
{
    int n = ((fill_job_t *)job)->n;
    free(job);
    fill_done_common(n);
}

static void on_pool_timer(uv_timer_t *t)
{
    (void)t;
    if (!lambda__svc.started || fill_pending) return;
    if (sbx_pool_filled_by_thread()) {   /* a wake-up of the filler: no hop through the spawner */
        fill_job_t j = { .n = sbx_pool_fill() };
        fill_pending = 1;
        fill_done_common(j.n);
        return;
    }
    fill_job_t *j = nb_xcalloc(1, sizeof *j);
    j->job.work = fill_work;
    j->job.done = fill_done;
    fill_pending = 1;
    lambda__spawner_submit(&j->job);
}

void lambda__inst_pool_refill(uint64_t delay_ms)
{
    if (!lambda__svc.isolate || lambda__svc.sandbox_pool <= 0) return;
    if (!pool_timer_on) {
        char runner[PATH_MAX];
        native_runner_path(runner, sizeof runner);
        sbx_pool_set_program("runtimes/native/bootstrap", runner);
        uv_timer_init(lambda__svc.ctx->loop, &pool_timer);
        uv_unref((uv_handle_t *)&pool_timer);
        pool_timer_on = 1;
    }
    if (!uv_is_active((uv_handle_t *)&pool_timer) || uv_timer_get_due_in(&pool_timer) > delay_ms)
        uv_timer_start(&pool_timer, on_pool_timer, delay_ms, 0);
}

void lambda__inst_pool_stop(void)
{
    if (pool_timer_on) {
        uv_timer_stop(&pool_timer);
        uv_close((uv_handle_t *)&pool_timer, NULL);
        pool_timer_on = 0;
    }
    starts_finish_all();            /* hand-offs under way: ended (spawn_done ends what stopped) */
    run_files_submit();
    if (run_timer_on) {
        uv_timer_stop(&run_timer);
        uv_close((uv_handle_t *)&run_timer, NULL);
        run_timer_on = 0;
    }
    lambda__spawner_flush();        /* every start and release done (instances were stopped first) */
    sbx_pool_drain();
}

/* ---- the start itself, on the spawner thread (inst_spawner.c) ---------------------------
 * lambda__inst_spawn prepares everything on the loop (listener, argv,
 * environment, pipes) and returns the instance in INIT with no process yet
 * (inst->spawning); spawn_work starts the process off the loop (sbx_spawn:
 * a pooled blank's hand-off, or cgroups + clone + exec wait), writes its run
 * file, and spawn_done, back on the loop, watches it — or reports the failure
 * as the synchronous start did (pool.c lambda__pool_spawn_failed). A process
 * that contacts its Runtime API before spawn_done ran settles it first
 * (lambda__inst_settle, from the admission check). */
typedef struct spawn_job {
    lambda_job_t job;
    lambda_inst_t *inst;          /* loop only */
    runtime_cmd_t cmd;
    envb_t env;
    sbx_spec_t spec;
    int out_w, err_w;             /* the pipes' write ends, the instance's stdout/stderr */
    char scratch[PATH_MAX], name[128], nimbus_host[96];
    int rc;                       /* results, read on the loop once finished */
    sbx_t *sbx;
    pid_t pid;
    sbx_start_t *start;           /* a blank's hand-off under way, stepped on the loop (not a spawner job) */
    uv_poll_t *start_poll;        /* on poll_fd, a dup of the blank's socket (closed with the handle) */
    int poll_fd;
    struct spawn_job *next_start; /* in `starts`, while start is set */
} spawn_job_t;

static spawn_job_t *starts;       /* hand-offs under way on the loop */

static void spawn_result(spawn_job_t *j);

static void spawn_work(lambda_job_t *job)
{
    spawn_job_t *j = (spawn_job_t *)job;
    j->rc = sbx_spawn(&j->spec, &j->sbx);
    nb_startup_mark("lambda: sbx_spawn returned");
    if (j->rc == 0) {
        j->pid = sbx_pid(j->sbx);
    } else if (j->rc == -ENOSYS) {
        j->sbx = NULL;
        j->rc = plain_spawn(j->cmd.argv, j->env.v, j->spec.code_dir, j->out_w, j->err_w, &j->pid);
    }
    spawn_result(j);
}

/* After the start, wherever it ran: what it no longer needs. */
static void spawn_result(spawn_job_t *j)
{
    env_free(&j->env);
    close_fd(&j->out_w);
    close_fd(&j->err_w);
}

/* Started: watch it. 0, or a negative errno (the process is killed and reaped). */
static int spawn_watch(lambda_inst_t *inst, spawn_job_t *j)
{
    inst->sbx = j->sbx;
    inst->pid = j->pid;
    /* Its exit is seen only through the pidfd: an environment whose exit
     * nimbus cannot watch is not started at all. */
    inst->pidfd = sbx_pidfd(inst->sbx);   /* -1 without a sandbox (or when it has none) */
    if (inst->pidfd < 0) inst->pidfd = (int)syscall(SYS_pidfd_open, inst->pid, 0);
    int rc = inst->pidfd >= 0 ? watch(inst, lambda__svc.ctx->loop) : -errno;
    if (rc != 0) {
        nb_log_error("lambda", "cannot watch the environment %s of %s: %s", inst->id, inst->conf->name, strerror(-rc));
        inst->state = INST_INIT;
        lambda__inst_kill(inst);
        while (waitpid(inst->pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    return rc;
}

static void spawn_done(lambda_job_t *job)
{
    spawn_job_t *j = (spawn_job_t *)job;
    lambda_inst_t *inst = j->inst;
    inst->spawning = NULL;
    inst->pending_closes--;          /* the job's reference; lambda__inst_release's is still held */
    nb_startup_mark("lambda: spawn of %s done on the loop", inst->conf->name);
    if (inst->state == INST_DEAD) {  /* released meanwhile (nimbus stopping): end what was started */
        if (j->rc == 0) {
            if (j->sbx) sbx_kill(j->sbx);
            else kill(-j->pid, SIGKILL);
            while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR) {}
            if (j->sbx) sbx_release(j->sbx);
        }
        maybe_free(inst);
        free(j);
        return;
    }
    if (j->rc != 0) {
        const char *exe = j->cmd.argv[0];
        nb_log_error("lambda", "cannot start %s: %s", exe, strerror(-j->rc));
        char *doc = NULL;
        if (!no_room_error(-j->rc)) {
            nb_buf_t b = NB_BUF_INIT;
            nb_buf_printf(&b, "{\"errorType\":\"Runtime.InvalidEntrypoint\",\"errorMessage\":\"RequestId: %s Error: "
                          "fork/exec %s: %s\"}", inst->inv ? inst->inv->id : "", exe, strerror(-j->rc));
            doc = nb_buf_take(&b, NULL);
        }
        errno = -j->rc;
        free(j);
        lambda__pool_spawn_failed(inst, doc);
        return;
    }
    int rc = spawn_watch(inst, j);
    free(j);
    if (rc != 0) {
        errno = -rc;
        lambda__pool_spawn_failed(inst, NULL);
        return;
    }
    run_file_later(inst);
    emit_init_start(inst);
    nb_startup_mark("lambda: watched, armed");
    nb_log_debug("lambda", "instance %s of %s:%s started, pid %d, runtime API port %d", inst->id,
                 inst->conf->name, inst->conf->version, (int)inst->pid, inst->port);
    if (inst->kill_pending) lambda__inst_kill(inst);
    else if (inst->state == INST_STOPPING) sig(inst, SIGTERM);
}

/* ---- the usual cold start: a waiting exec'd blank, handed off without waiting -------------
 * sbx_spawn_begin writes the limits and sends the hand-off; the blank's
 * answers (acknowledged, then EOF once it runs the function, or a failure)
 * are read as they come (sbx_start_step). A blank found gone meanwhile sends
 * the start to the spawner thread after all. */
static void on_start_poll_closed(uv_handle_t *h)
{
    close((int)(intptr_t)h->data);
    free(h);
}

/* The hand-off is over: out of `starts`, its poll closed. The handle polls a
 * dup of the blank's socket, so that number stays ours until the close. */
static void start_detach(spawn_job_t *j)
{
    j->start = NULL;
    for (spawn_job_t **pp = &starts; *pp; pp = &(*pp)->next_start)
        if (*pp == j) { *pp = j->next_start; break; }
    j->start_poll->data = (void *)(intptr_t)j->poll_fd;
    uv_close((uv_handle_t *)j->start_poll, on_start_poll_closed);
    j->start_poll = NULL;
    j->poll_fd = -1;
}

/* 1 while under way; else the start ended (done, failed, or handed to the spawner). */
static int start_step(spawn_job_t *j)
{
    sbx_t *sbx = NULL;
    int r = sbx_start_step(j->start, &sbx);
    if (r == -EAGAIN) return 1;
    start_detach(j);              /* (j->start was freed by sbx_start_step) */
    if (r == -ECHILD) {
        lambda__spawner_submit(&j->job);
        return 0;
    }
    j->rc = r;
    j->sbx = sbx;
    j->pid = sbx ? sbx_pid(sbx) : 0;
    spawn_result(j);
    spawn_done(&j->job);
    return 0;
}

static void on_start(uv_poll_t *p, int status, int events)
{
    (void)status; (void)events;
    start_step(p->data);
}

/* 1: the start is under way on the loop; 0: it is not (the spawner's, then). */
static int start_on_loop(spawn_job_t *j)
{
    sbx_start_t *st = NULL;
    if (!lambda__svc.isolate || sbx_spawn_begin(&j->spec, &st) != 1) return 0;
    int fd = fcntl(sbx_start_fd(st), F_DUPFD_CLOEXEC, 0);
    uv_poll_t *p = fd >= 0 ? nb_xcalloc(1, sizeof *p) : NULL;
    if (!p || uv_poll_init(lambda__svc.ctx->loop, p, fd) != 0) {
        free(p);
        if (fd >= 0) close(fd);
        sbx_start_cancel(st);
        return 0;
    }
    p->data = j;
    uv_poll_start(p, UV_READABLE, on_start);
    j->start = st;
    j->start_poll = p;
    j->poll_fd = fd;              /* closed by the handle's close callback (start_detach) */
    j->next_start = starts;
    starts = j;
    return 1;
}

/* A hand-off under way, finished now (its process asked for the Runtime API, or nimbus stops). */
static void start_finish(spawn_job_t *j)
{
    for (int waited = 0; j->start; waited++) {
        struct pollfd pf = { .fd = sbx_start_fd(j->start), .events = POLLIN };
        if (waited < 100) poll(&pf, 1, 50);
        if (!start_step(j)) return;
        if (waited >= 100) {      /* 5 s and no answer: a blank that will not start */
            sbx_start_cancel(j->start);
            start_detach(j);
            j->rc = -ETIMEDOUT;
            spawn_result(j);
            spawn_done(&j->job);
            return;
        }
    }
}

static void starts_finish_all(void)
{
    while (starts) start_finish(starts);
}

int lambda__inst_settle(lambda_inst_t *inst)
{
    spawn_job_t *j = inst->spawning;
    if (!j) return 0;
    if (j->start) {
        start_finish(j);
        return inst->spawning ? lambda__inst_settle(inst) : inst->state == INST_DEAD || !inst->sbx ? -1 : 0;
    }
    lambda__spawner_wait(&j->job);
    if (j->rc != 0) return -1;       /* failed: answered as usual, at the loop's turn */
    lambda__spawner_take(&j->job);
    spawn_done(&j->job);
    return inst->state == INST_DEAD ? -1 : 0;
}

lambda_inst_t *lambda__inst_spawn(lambda_pool_t *pool, lambda_inv_t *inv, int provisioned, char **err)
{
    *err = NULL;
    nb_startup_mark("lambda: spawn of %s", pool->conf->name);
    lambda__runtimes_ready();
    if (!room()) {
        nb_log_debug("lambda", "no descriptors to spare for an environment of %s", pool->conf->name);
        errno = EMFILE;
        return NULL;
    }
    lambda_inst_t *inst = nb_xcalloc(1, sizeof *inst);
    inst->pending_closes = 1;   /* dropped by lambda__inst_release */
    inst->pool = pool;
    inst->conf = pool->conf;
    lambda__conf_ref(inst->conf);
    inst->inv = inv;
    inst->provisioned = provisioned;
    inst->pidfd = inst->out_fd = inst->err_fd = -1;
    unsigned char rb[16];
    nb_random_bytes(rb, sizeof rb);
    nb_hex(rb, sizeof rb, inst->id);
    lambda__log_stream_name(inst->stream, sizeof inst->stream, inst->conf->version);
    /* the stream name carries the instance id, as on Lambda */
    char *br = strrchr(inst->stream, ']');
    if (br) snprintf(br + 1, sizeof inst->stream - (size_t)(br + 1 - inst->stream), "%s", inst->id);
    inst->spawn_us = nb_now_us();
    uv_loop_t *loop = lambda__svc.ctx->loop;
    uv_timer_init(loop, &inst->timer);
    inst->timer.data = inst;
    inst->handles |= H_TIMER;

    nb_http_limits_t lim;
    nb_http_limits_default(&lim);
    lim.max_body_bytes = 16u * 1024 * 1024;
    lim.header_timeout_ms = 0;      /* a frozen runtime may sit on a half-sent request */
    lim.idle_timeout_ms = 0;
    lim.max_connections = 64;
    /* The native runner sends its response and the next GET next in one
     * write: the 202 waits for the next invocation instead of waking it. */
    lim.hold_pipelined = 1;
    lim.admit = lambda__rapi_admit;   /* only this instance's processes (rapi_peer.c) */
    int rc = nb_http_server_start(&inst->srv, lambda__svc.ctx, "127.0.0.1", 0, &lim,
                                  lambda__rapi_dispatch, inst, &inst->port);
    if (rc != 0) {
        nb_log_error("lambda", "runtime API listener: %s", strerror(-rc));
        if (no_room_error(-rc)) { errno = -rc; return spawn_failed(inst, err, NULL); }
        return spawn_failed(inst, err, nb_xstrdup("{\"errorType\":\"ServiceException\",\"errorMessage\":\"cannot start the Runtime API\"}"));
    }
    inst->srv_running = 1;

    const char *task_root = lambda__svc.isolate ? "/var/task" : inst->conf->code_dir;
    const char *opt_root = lambda__svc.isolate ? "/opt" : (inst->conf->opt_dir ? inst->conf->opt_dir : "/opt");
    runtime_cmd_t cmd;
    char *doc = NULL;
    if (runtime_argv(inst, task_root, opt_root, &cmd, &doc) != 0)
        return spawn_failed(inst, err, doc);
    /* The output pipes before anything is started: without them there is
     * nothing to start (the sandbox would give the function /dev/null). */
    int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
    if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        int e = errno;
        close_fd(&outp[0]); close_fd(&outp[1]); close_fd(&errp[0]); close_fd(&errp[1]);
        nb_log_error("lambda", "cannot start an environment of %s: output pipes: %s", inst->conf->name, strerror(e));
        errno = e;
        return spawn_failed(inst, err, NULL);
    }
    inst->out_fd = outp[0];
    inst->err_fd = errp[0];
    lambda_credentials_t *cr = nb_xmalloc(sizeof *cr);
    if (role_credentials(inst, cr) != 0) {
        free(cr);
        close_fd(&outp[1]);
        close_fd(&errp[1]);
        nb_buf_t b = NB_BUF_INIT;
        nb_buf_printf(&b, "{\"errorType\":\"Runtime.InvalidRole\",\"errorMessage\":\"RequestId: %s Error: "
                      "nimbus could not issue credentials for the execution role\"}", inv ? inv->id : "");
        return spawn_failed(inst, err, nb_buf_take(&b, NULL));
    }
    envb_t env = {0};
    build_env(inst, &env, task_root, opt_root, cr);
    memset(cr, 0, sizeof *cr);   /* no secret lingers in freed memory */
    free(cr);

    spawn_job_t *j = nb_xcalloc(1, sizeof *j);
    j->job.work = spawn_work;
    j->job.done = spawn_done;
    j->inst = inst;
    j->cmd = cmd;
    for (int k = 0; k < (int)(sizeof cmd.argv / sizeof cmd.argv[0]); k++) {   /* storage of its own */
        char *a = cmd.argv[k];
        if (a == cmd.path) j->cmd.argv[k] = j->cmd.path;
        else if (a == cmd.semi) j->cmd.argv[k] = j->cmd.semi;
        else if (a == cmd.old) j->cmd.argv[k] = j->cmd.old;
    }
    j->env = env;
    j->out_w = outp[1];
    j->err_w = errp[1];
    lambda__pathf(j->scratch, sizeof j->scratch, "%s/scratch/%s", lambda__svc.dir, inst->id);
    snprintf(j->name, sizeof j->name, "fn-%s-%.8s", inst->conf->name, inst->id);
    lambda__inst_nimbus_hosts(inst->port, j->nimbus_host, sizeof j->nimbus_host);
    j->spec = (sbx_spec_t){
        .argv = (const char *const *)j->cmd.argv, .envp = (const char *const *)j->env.v,
        .code_dir = inst->conf->code_dir, .layers_dir = inst->conf->opt_dir,
        .runtime_dir = lambda__svc.runtime_dir, .runtime_mount = "/var/runtime",
        .scratch_dir = j->scratch, .memory_mb = inst->conf->memory_mb, .tmp_mb = inst->conf->tmp_mb,
        .net = lambda__inst_net(inst->conf), .nimbus_host = j->nimbus_host,
        .stdout_fd = j->out_w, .stderr_fd = j->err_w, .isolate = lambda__svc.isolate, .name = j->name,
    };
    nb_startup_mark("lambda: listener, argv, pipes, credentials, env");
    inst->spawning = j;
    inst->pending_closes++;          /* the job's reference, dropped by spawn_done */
    inst->state = INST_INIT;
    if (!start_on_loop(j)) lambda__spawner_submit(&j->job);
    lambda__inst_pool_refill(500);  /* at the latest; sooner once it is initialized (pool.c) */
    /* Init may take 10 s; a cold invocation's own timeout follows. */
    lambda__inst_arm(inst, 10000 + (uint64_t)inst->conf->timeout_s * 1000);
    return inst;
}
