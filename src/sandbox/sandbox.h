/* sandbox.h — start a function instance as an isolated process.
 *
 * The Lambda service describes an instance (command, environment, code and
 * layer directories, limits) and the sandbox starts it with whatever isolation
 * the host allows: mount/PID/IPC/UTS (and, on request, network) namespaces,
 * a memory+pids cgroup, no capabilities, no_new_privs, a seccomp filter and a
 * private /tmp of the configured size. Without root it degrades (user
 * namespaces, else rlimits only) and says so through sbx_features(). In
 * every mode no process of an instance outlives nimbus, even a kill -9 of it
 * (docs/SANDBOX.md, "When nimbus dies"; sbx_reaper.c).
 *
 *   sbx_spawn ──► RUNNING ──sbx_freeze──► FROZEN ──sbx_thaw──► RUNNING
 *                    │                                            │
 *                    └──────── exit / kill ──► sbx_release (cleanup: cgroup, /tmp)
 */
#ifndef NB_SANDBOX_H
#define NB_SANDBOX_H
#include <stdint.h>
#include <sys/types.h>

typedef struct sbx sbx_t;   /* one started instance */

typedef enum { SBX_NET_HOST = 0, SBX_NET_NIMBUS_ONLY = 1 } sbx_net_t;

typedef struct sbx_spec {
    const char *const *argv;      /* argv[0] is the executable (absolute path as seen inside) */
    const char *const *envp;      /* full environment, NULL-terminated */
    const char *code_dir;         /* host dir mounted read-only at /var/task */
    const char *layers_dir;       /* host dir mounted read-only at /opt, or NULL */
    const char *runtime_dir;      /* host dir with nimbus's bootstraps, read-only, or NULL */
    const char *runtime_mount;    /* where runtime_dir appears inside (e.g. "/var/runtime") */
    const char *scratch_dir;      /* host dir the sandbox may use for this instance (tmp backing etc.) */
    unsigned memory_mb;           /* MemorySize: memory cgroup limit */
    unsigned tmp_mb;              /* EphemeralStorage: size of the private /tmp */
    const char *tmp_dir;          /* NULL: /tmp is a tmpfs of tmp_mb; else this host directory (e.g. a
                                   * size-limited disk filesystem the caller mounted) is bound read-write
                                   * (nosuid, nodev) as /tmp — see docs/SANDBOX.md, "/tmp on disk" */
    unsigned pids_max;            /* 0 = default (1024) */
    sbx_net_t net;
    const char *nimbus_host;      /* address:port the function must reach (Runtime API, endpoint);
                                   * several may be given comma-separated ("127.0.0.1:9001,127.0.0.1:4566").
                                   * SBX_NET_NIMBUS_ONLY makes each reachable at the same ip:port inside. */
    int stdout_fd, stderr_fd;     /* where the instance's output goes (-1: /dev/null) */
    int isolate;                  /* 0: plain process with rlimits only (bench "without sandbox") */
    const char *name;             /* for cgroup naming and logs: "fn-NAME-instanceid" */
} sbx_spec_t;

/* Start the instance. 0 and *out, or -errno with a message logged. */
int sbx_spawn(const sbx_spec_t *spec, sbx_t **out);
/* The same start without waiting, for an event loop, when a pre-isolated blank
 * (exec'd: see sbx_pool_set_program) can take it: 1 and *st — poll
 * sbx_start_fd(*st) for readability and call sbx_start_step each time; 0 —
 * no blank or a spawn the pool does not serve: call sbx_spawn (it blocks:
 * not on the loop); -EINVAL. The hand-off itself (limits written, one
 * message) does not wait. */
typedef struct sbx_start sbx_start_t;
int sbx_spawn_begin(const sbx_spec_t *spec, sbx_start_t **st);
int sbx_start_fd(const sbx_start_t *st);
/* -EAGAIN: not yet; 0 and *out: running (st freed); -ECHILD: the blank was
 * gone, call sbx_spawn instead (st freed); else -errno: the start failed,
 * logged (st freed). Stop polling the fd before the call that ends st. */
int sbx_start_step(sbx_start_t *st, sbx_t **out);
/* Abandon a start under way: the blank is killed and removed. */
void sbx_start_cancel(sbx_start_t *st);
pid_t sbx_pid(const sbx_t *s);
/* The uid the instance runs as when it has one of its own (root mode: one per
 * function), else (uid_t)-1 (user-namespace and plain modes run as nimbus). */
uid_t sbx_uid(const sbx_t *s);
/* A pidfd of the instance's process (readable once it has exited): borrowed,
 * valid until sbx_release, which closes it — stop polling it before. -1 if
 * the kernel gave none (then watch the pid another way). */
int sbx_pidfd(const sbx_t *s);
/* Pause / resume every process of the instance (cgroup freezer, else SIGSTOP/SIGCONT). */
int sbx_freeze(sbx_t *s);
int sbx_thaw(sbx_t *s);
/* SIGKILL every process of the instance. */
void sbx_kill(sbx_t *s);
/* Peak memory in bytes (cgroup peak, else the process's max RSS); 0 if unknown. */
uint64_t sbx_peak_memory(const sbx_t *s);
/* Was the last death of the instance caused by the memory limit? */
int sbx_oom_killed(const sbx_t *s);
/* After the process has exited (reaped by the caller via libuv or waitpid):
 * kill what is left of the instance (its cgroup; a plain instance's process
 * group, through its pidfd), remove the cgroup, /tmp and any mounts, and take
 * it back from the watchdog that kills it if nimbus dies. Frees s. */
void sbx_release(sbx_t *s);

/* The pool of pre-isolated blank instances (root mode; src/sandbox/sbx_pool.c):
 * a cold start takes one and runs only the function's own steps. Bounded by
 * sbx_pool_set_size (default 0: off). sbx_pool_fill starts blanks up to the
 * size — non-blocking (a clone and a few mkdirs each) — and only the thread
 * that fills (the loop thread, which must outlive them) takes blanks; spawns
 * from other threads go the ordinary way. sbx_pool_drain kills and removes every
 * waiting blank (shutdown). NIMBUS_SANDBOX=no-pool turns it off. */
void sbx_pool_set_size(int n);
/* Blanks exec their program once isolated (docs/SANDBOX.md, "Exec'd blanks"):
 * `embedded` names an embedded executable that calls sbx_blank_run
 * (sandbox/sbx_blank.h) — the native runner — shown to instances as argv0.
 * A spawn whose argv is exactly { argv0 } may then run in the blank's own
 * process, with no execve at the cold start; any other spawn it serves
 * execs its argv as usual. NULL: blanks stay unexec'd. Call before filling.
 * NIMBUS_SANDBOX=no-pool-exec keeps them unexec'd. */
void sbx_pool_set_program(const char *embedded, const char *argv0);
/* Number of blanks started; fewer than needed (-EAGAIN: none) while a cgroup
 * move is under way (a blank still joining its groups, an instance's late cpu
 * join), which a clone would wait for: call again a few ms later while
 * sbx_pool_count() is short of the size. */
int sbx_pool_fill(void);
int sbx_pool_count(void);       /* blanks waiting */
/* 1 when sbx_pool_fill only wakes the pool's filler thread (exec'd blanks):
 * then it never blocks, and any thread may call it. */
int sbx_pool_filled_by_thread(void);
void sbx_pool_drain(void);

/* nimbus's own children (src/sandbox/sbx_children.c). sbx_children_adopt
 * makes this process a child subreaper (the daemon calls it at start-up), so
 * that what a function left outside its plain-mode supervisor — setsid'd,
 * double-forked — comes back to nimbus when the function kills the
 * supervisor; sbx_children_sweep then kills and reaps every child of nimbus
 * that it did not start itself (returns how many; 0 and nothing done unless
 * adopted). sbx_release of a plain instance sweeps; call it also from a
 * periodic timer. Hence the rule for every code that starts a child process
 * of nimbus (fork, vfork, clone, posix_spawn, popen…): call
 * sbx_child_spawning() just before and sbx_child_spawned(pid) just after
 * (pid <= 0: failed), which keeps a sweep from running in between, and
 * sbx_child_reaped(pid) once it is reaped — an unregistered child is killed
 * by the next sweep. sbx_child_known: is pid registered? */
int sbx_children_adopt(void);
int sbx_children_sweep(void);
/* The same for an event loop: never waits — for a spawn in flight (the
 * round is skipped) or for a killed orphan to die (reaped by a later sweep). */
int sbx_children_sweep_nowait(void);
void sbx_child_spawning(void);
void sbx_child_spawned(pid_t pid);
void sbx_child_reaped(pid_t pid);
int sbx_child_known(pid_t pid);

/* What isolation is available here, one line per feature ("mount namespace: on"
 * / "cgroup memory: off (reason)"), for `nimbus doctor` and the start-up warning.
 * Returns a static string. */
const char *sbx_features(void);
/* Builds what spawns reuse (the root template, as root) now rather than at
 * the first spawn; thread-safe, idempotent. sbx_fully_isolated does not wait
 * for it. */
void sbx_prepare(void);
/* 1 when full isolation is available (root, namespaces, cgroups, seccomp). */
int sbx_fully_isolated(void);
/* 1 when isolate=1 gives the instance its own root (/var/task, /opt, private
 * /tmp): as root, or unprivileged through a user namespace (then without
 * cgroup limits). 0: isolate=1 degrades to a plain process and paths are the
 * host's. Use this, not sbx_fully_isolated, to decide which paths to pass. */
int sbx_namespaces_available(void);
/* The loud start-up warning when isolation is partial (what is missing and
 * what to do), or NULL when fully isolated. Returns a static string. */
const char *sbx_startup_warning(void);

#endif
