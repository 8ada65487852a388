/* sbx_blank.h — the side of a pooled blank that runs *after* it exec'd its
 * program (sbx_pool.c, sbx_blank.c): a runtime's own executable linked with
 * the sandbox's child code, waiting for a function while isolated but still
 * privileged. Used by the native runner (src/lambda_native/standalone.c). */
#ifndef NB_SBX_BLANK_H
#define NB_SBX_BLANK_H

/* The environment variable that marks a blank's exec ("SOCK,DEVNULL"). */
#define SBX_BLANK_ENV "NIMBUS_SBX_BLANK"
/* The second and last variable of a blank's exec: room in its initial
 * environment area (what /proc/PID/environ shows) for the function's
 * environment, where the kernel will not let the area be moved. */
#define SBX_BLANK_PAD_ENV "NIMBUS_SBX_PAD"
#define SBX_BLANK_PAD 16384

/* Decides, with the sandbox complete (inside the instance's root, as its
 * uid, under its seccomp filter), whether the function's argv/envp may run
 * in this very process — i.e. whether nothing the dynamic loader or libc
 * read at this process's start would have been different had it been
 * exec'd with envp. 1: yes. */
typedef int (*sbx_blank_inproc_fn)(const char *const *argv, const char *const *envp);
typedef int (*sbx_blank_main_fn)(int argc, char **argv);

/* In the exec'd blank (SBX_BLANK_ENV set): wait for the hand-off, apply the
 * function's sandbox (root, /var/task, /opt, /tmp, stdio, rlimits, caps,
 * uid/gid, no_new_privs, seccomp), then either run main_fn in-process — when
 * the plan's argv is this program's own (argv[0] equal to self_argv0, no
 * other argument) and may_inproc agrees — or execve the plan's argv.
 * Returns main_fn's result (the caller exits with it); never returns
 * otherwise. */
int sbx_blank_run(const char *self_argv0, sbx_blank_main_fn main_fn, sbx_blank_inproc_fn may_inproc);

#endif
