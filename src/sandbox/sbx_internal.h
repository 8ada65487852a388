/* sbx_internal.h — what the sandbox's files share: the spawn plan, the
 * per-instance cgroup handle, the host probe, and each piece's entry points.
 *
 * The plan (sbx_plan_t) is built in the parent before the clone and read by
 * the child after it. Invariant: everything the child needs (paths, mount
 * operations, the seccomp program, open fds) is prepared in the parent, so the
 * child only makes system calls — no allocation, no locks, no stdio — because
 * it is a copy of a possibly multi-threaded process. */
#ifndef NB_SBX_INTERNAL_H
#define NB_SBX_INTERNAL_H
#include "sandbox/sandbox.h"
#include <linux/filter.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The sanitizer build (make asan): SBX_ASAN, and ASan's interface for the
 * stacks the children run on (sandbox.c, sbx_pool.c) and the watchdog's
 * stderr (sbx_reaper.c). */
#if defined(__SANITIZE_ADDRESS__)
#define SBX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SBX_ASAN 1
#endif
#endif
#ifdef SBX_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define SBX_MAX_HOSTS 4          /* nimbus addresses forwarded into a nimbus-only netns */
#define SBX_MAX_HIER 6           /* distinct cgroup hierarchies an instance lives in */
#define SBX_DEFAULT_PIDS 1024
#define SBX_NOFILE 1024          /* Lambda's file-descriptor limit */
#define SBX_UID_BASE 10000u      /* per-function uid = base + hash % span */
#define SBX_UID_SPAN 50000u

/* ---- host capabilities, probed once (sbx_doctor.c) ------------------------ */
typedef enum { SBX_MODE_PLAIN = 0, SBX_MODE_USERNS = 1, SBX_MODE_ROOT = 2 } sbx_mode_t;

typedef struct sbx_host {
    sbx_mode_t mode;             /* best isolation this process can get */
    char mode_why[160];          /* why not better */
    int have_clone3;
    int use_vfork;               /* CLONE_VM|CLONE_VFORK spawn (default; NIMBUS_SANDBOX=fork: off) */
    int cap_last;                /* highest capability number (bounding-set drop) */
    int devnull;                 /* O_CLOEXEC fd on host /dev/null for the child's stdin */
    const char *rootmnt;         /* directory the child mounts its new root over */
    int template_fd;             /* detached prebuilt root (sbx_template.c), or -1 */
    char template_why[160];
    struct sock_fprog seccomp;   /* filter built once; len 0 when unavailable */
    char seccomp_why[160];
    int seccomp_denied;          /* number of syscalls the filter refuses */
} sbx_host_t;

/* The probe result; runs the probe on first use (thread-safe). */
const sbx_host_t *sbx__host(void);
/* sbx__host with its root template built (template_fd final). */
const sbx_host_t *sbx__host_template(void);
/* Operator switches in NIMBUS_SANDBOX (comma-separated), read by the probe:
 * "no-template" (build each root from scratch), "cgroup-v1" (ignore the v2
 * hierarchy), "fork" (fork-style clone3 instead of the vfork-style clone),
 * "cpu-autogroup" (CPU weight through the session's autogroup nice instead of
 * a cpu cgroup: cheaper, but not hierarchical),
 * "no-userns" (unprivileged: plain processes even where user namespaces work), "no-pool" (no blank processes, sbx_pool.c). For troubleshooting, and for tests of the fallback paths. */
int sbx__option(const char *name);

/* ---- the child's mount operations (sbx_mount.c) --------------------------- */
typedef enum {
    SBX_OP_MKDIR, SBX_OP_BIND_RO, SBX_OP_BIND_FILE_RO, SBX_OP_SYMLINK,
    SBX_OP_TMPFS, SBX_OP_PROC, SBX_OP_MKNOD, SBX_OP_BIND_DEV, SBX_OP_REMOUNT_RO,
    SBX_OP_TEMPLATE,             /* attach a clone of the prebuilt root (dev = its fd) */
    SBX_OP_BIND_RW               /* a read-write bind (nosuid, nodev): spec.tmp_dir */
} sbx_op_kind_t;

typedef struct sbx_mount_op {
    sbx_op_kind_t kind;
    char *src;                   /* bind source / symlink target / tmpfs options */
    char *dst;                   /* absolute host path under the new root mount */
    unsigned long dev;           /* MKNOD: makedev(); TMPFS/REMOUNT_RO: extra MS_* flags */
} sbx_mount_op_t;

/* ---- the spawn plan -------------------------------------------------------- */
typedef struct sbx_plan {
    const char *const *argv, *const *envp;
    const char *cwd;             /* inside the instance */
    int fd_out, fd_err;          /* already -1 → devnull resolved */
    int sync_fd;                 /* child's end of the report socket (CLOEXEC) */
    int isolate;                 /* 0: rlimits only */
    int userns;                  /* map own uid/gid in a new user namespace */
    uid_t outer_uid; gid_t outer_gid;
    int setid; uid_t uid; gid_t gid;   /* switch to this uid/gid (root mode) */
    /* mount namespace */
    const char *newroot;
    sbx_mount_op_t *ops; int nops, capops;
    /* cgroups: cgroup.procs fds the child writes "0" to */
    int cg_fds[SBX_MAX_HIER]; int ncg;
    /* network: bring lo up and listen on these inside the new netns */
    int netns;
    struct sockaddr_in hosts[SBX_MAX_HOSTS]; int nhosts;
    const struct sock_fprog *seccomp;
    int cap_last;
    int autogroup; int nice;     /* CPU weight through the session's autogroup */
    int supervise;               /* plain: exec the supervisor, keeping sync_fd open across it */
    int supervise_fd;            /* its executable (sealed memfd), or -1: /proc/self/exe */
    uint64_t *trace_us;          /* [6] child's step times (shared memory), NIMBUS_STARTUP_TRACE, or NULL */
} sbx_plan_t;

/* Child → parent report over sync_fd. EOF without a report: exec succeeded. */
typedef enum {
    SBX_STAGE_SETUP = 1, SBX_STAGE_USERNS, SBX_STAGE_CGROUP, SBX_STAGE_MOUNT, SBX_STAGE_NET,
    SBX_STAGE_CREDS, SBX_STAGE_SECCOMP, SBX_STAGE_EXEC
} sbx_stage_t;
typedef struct sbx_report { int type; int stage; int err; int detail; } sbx_report_t;
#define SBX_REPORT_ERROR 1
#define SBX_REPORT_LISTENERS 2
#define SBX_REPORT_PID 3         /* plain mode's supervisor: detail = the runtime's pid */
#define SBX_REPORT_ACK 4         /* a pooled blank read its hand-off (sbx_pool.c) */
/* A pooled blank's hand-off message: this header (read by a blank that
 * shares nimbus's memory), then the packed plan (read by one that exec'd),
 * with stdout/stderr as SCM_RIGHTS. */
typedef struct sbx_handoff { const struct sbx_plan *plan; } sbx_handoff_t;
#define SBX_HANDOFF_MAX (1u << 20)   /* largest hand-off message an exec'd blank accepts */
const char *sbx__stage_name(int stage);
/* sbx_child.c — the child's sequence. main: setup then exec. setup: every
 * step up to (not including) execve; a failure is reported over sync_fd and
 * the child exits, so it returns only with the sandbox complete. exec:
 * execve the plan's argv (a failure is reported, then exit). late: a pooled
 * blank after its hand-off (no cgroup left to join). fail: report
 * {stage, err, detail} over fd and _exit(127). */
void __attribute__((noreturn)) sbx__child_main(const sbx_plan_t *p, int devnull);
void sbx__child_setup(const sbx_plan_t *p, int devnull);
void __attribute__((noreturn)) sbx__child_exec(const sbx_plan_t *p);
void __attribute__((noreturn)) sbx__child_late(const sbx_plan_t *p, int devnull);
void __attribute__((noreturn)) sbx__child_fail(int fd, int stage, int err, int detail);

/* sbx_wire.c — the plan as bytes, for a pooled blank that exec'd (its own
 * address space: sbx_blank.c). pack: the fields an isolated root-mode child
 * uses (argv, envp, cwd, root and mount operations, uid/gid, cap_last, the
 * seccomp program) into a malloc'd buffer (*len bytes). unpack: into *p,
 * whose strings point into buf (kept alive by the caller); its arrays are
 * malloc'd (sbx__plan_unpacked_free). 0, or -EPROTO on a malformed buffer. */
void *sbx__plan_pack(const sbx_plan_t *p, size_t *len);
int sbx__plan_unpack(char *buf, size_t len, sbx_plan_t *p);
void sbx__plan_unpacked_free(sbx_plan_t *p);



/* sbx_mount.c — parent: add the operations that build the instance's root.
 * Strings are copied; sbx__plan_free releases them. */
void sbx__mount_plan(sbx_plan_t *p, const sbx_spec_t *spec, int userns);
void sbx__plan_free(sbx_plan_t *p);
/* Child: execute the operations and pivot_root. 0, or -errno with *failed_op. */
int sbx__mount_apply(const sbx_plan_t *p, int *failed_op);
/* Parent, once: is the mount-namespace root directory usable? NULL or a reason. */
const char *sbx__mount_prepare(const char **rootmnt);

/* What of the host goes into every root (computed once by sbx__mount_prepare). */
typedef struct sbx_host_ent {
    const char *path;            /* where it appears inside ("/usr", "/etc/hosts") */
    sbx_op_kind_t kind;          /* SBX_OP_BIND_RO, SBX_OP_BIND_FILE_RO or SBX_OP_SYMLINK */
    char *src;                   /* host source, or the symlink's target */
    int per_spawn;               /* rewritten in place on the host (resolv.conf): bind fresh each spawn */
} sbx_host_ent_t;
int sbx__host_entries(const sbx_host_ent_t **out);
typedef struct { const char *name; unsigned maj, min; } sbx_devnode_t;
typedef struct { const char *name, *target; } sbx_devlink_t;
extern const sbx_devnode_t sbx__devnodes[];   /* null zero full random urandom */
extern const sbx_devlink_t sbx__devlinks[];   /* fd stdin stdout stderr */
extern const int sbx__n_devnodes, sbx__n_devlinks;

/* sbx_template.c — root mode, once: the static part of every root (host
 * entries, /dev, empty mount points) built as a detached mount tree, so a
 * spawn attaches a recursive clone with two system calls instead of ~100.
 * The fd, or -1 with why (older kernels cannot mount on a detached tree). */
int sbx__template_build(char *why, size_t cap);

/* sbx_cgroup.c */
typedef struct sbx_cg {
    char *dir[SBX_MAX_HIER]; int ndir;   /* every instance directory, one per hierarchy */
    int mem_v, pids_v, cpu_v, frz_v;     /* 0 none, 1 v1, 2 v2 for each controller */
    const char *mem_dir, *frz_dir, *v2_dir, *procs_dir; /* pointers into dir[] */
    const char *pids_dir, *cpu_dir;      /* pointers into dir[] (sbx__cg_limit) */
    int cpu_late; int cpu_fd;            /* a cpu-only hierarchy joined after exec (see sbx_cgroup.c) */
    int cpu_thread_on; pthread_t cpu_thread;
} sbx_cg_t;
/* Once: find the hierarchies; append one line per controller to report. */
void sbx__cg_probe(char *report, size_t cap);
int sbx__cg_full(void);          /* memory and pids limits both available */
int sbx__cg_autogroup(void);     /* CPU weight via autogroup nice instead of a cpu cgroup */
int sbx__cg_have_freezer(void);
/* Create the instance's cgroups with its limits and open their cgroup.procs
 * for the child (fds into fds[], count returned). Degrades: a hierarchy that
 * fails is left out and logged. */
int sbx__cg_create(sbx_cg_t *cg, const char *name, unsigned memory_mb, unsigned pids_max,
                   int *fds, int maxfds);
/* Write the limits into an instance's directories, in the file protocol of
 * each controller's version (cg->mem_v, pids_v, cpu_v: 1 or 2): MemorySize,
 * no swap, whole-group OOM kill (v2), pids, CPU weight. NULL dir: skipped. A
 * memory or pids limit that cannot be written turns that controller off in
 * cg (mem_v/pids_v = 0). Used by sbx__cg_create; separate so the v2 protocol
 * is testable on hosts whose memory controller is on v1 (test_sandbox.c). */
void sbx__cg_set_limits(sbx_cg_t *cg, const char *mem, const char *pids, const char *cpu,
                        unsigned memory_mb, unsigned pids_max);
/* The limits of a group made with memory_mb 0 (none written: a pooled blank's, sbx_pool.c). */
void sbx__cg_limit(sbx_cg_t *cg, unsigned memory_mb, unsigned pids_max);
/* Move pid into the cpu-only hierarchy off the spawn's critical path (a
 * thread; joined by sbx__cg_destroy). No-op unless cg->cpu_late. */
void sbx__cg_join_cpu_later(sbx_cg_t *cg, pid_t pid, int pidfd);
/* Late cpu joins (above) still running: each cgroup.procs write holds the
 * cgroup mutex and waits for an RCU grace period with the threadgroup lock
 * taken for writing, so any clone, thread creation or cgroup mkdir of nimbus
 * meanwhile waits too (milliseconds: sbx_pool_fill defers). */
int sbx__cg_moves_in_flight(void);
int sbx__cg_freeze(sbx_cg_t *cg, int frozen);   /* 0, or -ENOTSUP without a freezer */
void sbx__cg_kill(sbx_cg_t *cg);
uint64_t sbx__cg_peak(const sbx_cg_t *cg);      /* 0 when unknown */
int sbx__cg_oom_killed(const sbx_cg_t *cg);
int sbx__cg_populated(const sbx_cg_t *cg);
void sbx__cg_destroy(sbx_cg_t *cg);

/* sbx_seccomp.c — build the filter once (parent). 0 or -errno with why. */
int sbx__seccomp_build(struct sock_fprog *out, int *denied, char *why, size_t cap);
/* Child: no_new_privs + install. 0 or -errno. */
int sbx__seccomp_apply(const struct sock_fprog *prog);

/* sbx_caps.c — child: rlimits; user-namespace maps; drop every capability and
 * switch uid/gid. 0 or -errno. */
int sbx__rlimits_apply(void);
/* Autogroup nice whose weight is MemorySize/1,769 MB of a nice-0 task. */
int sbx__autogroup_nice(unsigned memory_mb);
/* Child, after setsid: set the new session's autogroup nice. 0 or -errno. */
int sbx__autogroup_apply(int nice);
int sbx__userns_map(uid_t outer_uid, gid_t outer_gid);
int sbx__caps_drop(const sbx_plan_t *p);
/* Per-function uid: stable hash of the name without its instance suffix. */
uid_t sbx__function_uid(const char *name);

/* sbx_scratch.c — plain mode: <scratch_dir>/tmp and TMPDIR. Returns the
 * directory to remove at release (caller frees via sbx__scratch_remove) when
 * this call created it, else NULL; *env_out: a new environment with TMPDIR
 * added (free with sbx__scratch_env_free), or NULL to keep envp. */
char *sbx__scratch_prepare(const char *scratch_dir, const char *const *envp, const char ***env_out);
void sbx__scratch_env_free(const char **env);
void sbx__scratch_remove(char *dir);

/* sbx_supervise.c — plain mode's per-instance supervisor (a child
 * subreaper that kills every descendant of the instance when it ends; see
 * the file's top comment). */
/* The request "kill every descendant, then yourself" (sbx_kill, the
 * watchdog, and the supervisor's own PDEATHSIG). Not SIGTERM: nimbus's
 * graceful shutdown sends that to the instance's whole group, supervisor
 * included, and it is the runtime's to handle. */
#define SBX_SIG_SWEEP (SIGRTMAX)
/* 1 unless NIMBUS_SANDBOX=no-supervisor (or there is nothing to execute). */
int sbx__supervise_on(void);
/* The sealed memfd holding the supervisor's executable (CLOEXEC: the child
 * runs it with execveat), or -1: then /proc/self/exe. */
int sbx__supervise_fd(void);
/* Parent: the argv and environment that start the supervisor (executed as
 * /proc/self/exe) for the function's argv/envp, reporting over sync_fd. Both
 * arrays borrow the function's strings; free with sbx__supervise_free. */
const char **sbx__supervise_argv(const char *const *argv, const char *const *envp, int sync_fd,
                                 const char ***env_out);
void sbx__supervise_free(const char **argv, const char **envp);

/* sbx_reaper.c — the watchdog process that kills instances' processes when
 * nimbus dies without doing so (see the file's top comment for why and how). */
/* Hand the instance (a pidfd of its leader: the watchdog keeps a duplicate;
 * its pid; the v1 freezer directory to thaw, or NULL) to the watchdog,
 * starting it first if needed; supervised: the leader is plain mode's
 * supervisor, which the watchdog asks (SBX_SIG_SWEEP, then SIGCONT to the group)
 * to kill the instance's descendants rather than killing the group, which
 * would take the supervisor first. Returns the id for sbx__reaper_forget, or 0
 * when it could not (logged). */
uint64_t sbx__reaper_add(int pidfd, pid_t pid, const char *frz_v1_dir, int supervised);
/* The instance was released: the watchdog closes its pidfd. id 0: no-op. */
void sbx__reaper_forget(uint64_t id);
/* Start the watchdog now rather than at the first sbx__reaper_add: 0 when
 * it runs, else -errno (logged). */
int sbx__reaper_start(void);
/* 1 when this kernel signals a process group through its leader's pidfd
 * (PIDFD_SIGNAL_PROCESS_GROUP, Linux 6.9), else 0: probed once.
 * NIMBUS_SANDBOX=no-pidfd-pgrp takes the older kernels' path (tests). */
int sbx__pgrp_by_pidfd(void);
/* Signal the process group whose leader pidfd refers to — that group and no
 * other, even after the leader was reaped and its pid reused (Linux 6.9's
 * PIDFD_SIGNAL_PROCESS_GROUP); on older kernels only while the leader lives.
 * 0 or -errno (-ESRCH: no member left). */
int sbx__pgrp_kill(int pidfd, pid_t pid, int sig);

/* sbx_net.c */
/* Parse "a.b.c.d:port[,a.b.c.d:port...]" into out; count, or -1 on bad input. */
int sbx__parse_hosts(const char *spec, struct sockaddr_in *out, int max);
/* Child: bring lo up in the new netns and listen on each host address; the
 * listening fds go to listeners[]. 0 or -errno. */
int sbx__net_child(const sbx_plan_t *p, int *listeners);
/* Parent: forward connections accepted on listen_fd (inside the instance's
 * netns) to target (in nimbus's netns). Takes ownership of listen_fd. */
typedef struct sbx_proxy sbx_proxy_t;
sbx_proxy_t *sbx__proxy_start(int listen_fd, const struct sockaddr_in *target);
void sbx__proxy_stop(sbx_proxy_t *px);

/* sbx_pool.c — pre-isolated blanks (see there). take: the calling thread's
 * next waiting blank, or NULL; handoff: 0 once it exec'd, -EAGAIN if the blank
 * was unusable (discard it and spawn the ordinary way), else the child's
 * -errno; consume: after a successful hand-off, its pid, and its cgroups
 * moved into cg_out; discard: kill, reap, remove. */
typedef struct sbx_blank sbx_blank_t;
sbx_blank_t *sbx__pool_take(int exec_only);
sbx_cg_t *sbx__pool_cg(sbx_blank_t *b);
pid_t sbx__pool_pid(const sbx_blank_t *b);
int sbx__pool_handoff(sbx_blank_t *b, const sbx_plan_t *plan, const char *name);
/* The hand-off without waiting (an exec'd blank): send, then step whenever
 * its socket is readable — -EAGAIN: not yet; 0: running; -ECHILD: the blank
 * was gone before reading it (the ordinary way); else the failure. */
int sbx__pool_send(sbx_blank_t *b, const sbx_plan_t *plan);
int sbx__pool_sock(const sbx_blank_t *b);
int sbx__pool_step(sbx_blank_t *b, int *acked, const char *name);
pid_t sbx__pool_consume(sbx_blank_t *b, sbx_cg_t *cg_out);
void sbx__pool_discard(sbx_blank_t *b);

/* sbx_memfd.c: the embedded file (scripts/embed.sh path) as a sealed,
 * executable memfd named name (O_CLOEXEC); -1 when it cannot be made. */
int sbx__embedded_memfd(const char *embedded, const char *name);

#endif
