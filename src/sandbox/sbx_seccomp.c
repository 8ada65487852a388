/* sbx_seccomp.c — the system-call filter every isolated instance runs under.
 *
 * The filter is compiled once with libseccomp and exported as a BPF program;
 * the child installs that program with one prctl, so a spawn pays nothing for
 * compiling it. Default action: allow. The listed calls fail with EPERM — no
 * function needs them and each is a classic escape or host-interference path.
 * Two fail with ENOSYS instead, so that libc and libuv quietly fall back:
 * clone3 (its flags sit in memory a filter cannot inspect; glibc falls back to
 * clone, whose namespace flags are checked) and io_uring_* (libuv falls back
 * to its thread pool). docs/SANDBOX.md lists the same set; keep them in step. */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <linux/seccomp.h>

static const char *const denied[] = {
    /* file systems and the root */
    "mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick",
    "move_mount", "open_tree", "mount_setattr", "open_by_handle_at", "name_to_handle_at",
    "quotactl", "quotactl_fd", "swapon", "swapoff", "nfsservctl",
    /* other processes' memory */
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    /* the kernel itself */
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "create_module", "get_kernel_syms", "query_module", "bpf", "perf_event_open",
    "lookup_dcookie", "syslog", "acct", "reboot", "uselib", "_sysctl", "sysfs", "ustat",
    "iopl", "ioperm", "vhangup",
    /* kernel keyrings: shared, not namespaced */
    "keyctl", "add_key", "request_key",
    /* namespaces */
    "setns", "unshare",
    /* time */
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    /* page-fault handling, a favourite of kernel exploits */
    "userfaultfd",
};

static const char *const enosys[] = { "clone3", "io_uring_setup", "io_uring_enter", "io_uring_register" };

static const unsigned long ns_flags[] = {
    CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
    CLONE_NEWCGROUP,
};

static int add(scmp_filter_ctx ctx, uint32_t action, const char *name, int *count)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) return 0;          /* not on this architecture */
    int r = seccomp_rule_add(ctx, action, nr, 0);
    if (r == 0) (*count)++;
    return r;
}

static int build_rules(scmp_filter_ctx ctx, int *count)
{
    int r = 0;
    for (size_t i = 0; i < sizeof denied / sizeof *denied && r == 0; i++)
        r = add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], count);
    for (size_t i = 0; i < sizeof enosys / sizeof *enosys && r == 0; i++)
        r = add(ctx, SCMP_ACT_ERRNO(ENOSYS), enosys[i], count);
    /* clone: threads and fork are fine, new namespaces are not. One rule per
     * flag because a rule's conditions are ANDed. */
    for (size_t i = 0; i < sizeof ns_flags / sizeof *ns_flags && r == 0; i++)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                             SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
    if (r == 0) (*count)++;
    /* TIOCSTI pushes input into a terminal another process reads. */
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                             SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
    return r;
}

int sbx__seccomp_build(struct sock_fprog *out, int *denied_count, char *why, size_t cap)
{
    memset(out, 0, sizeof *out);
    *denied_count = 0;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) { snprintf(why, cap, "libseccomp: seccomp_init failed"); return -ENOMEM; }
    /* A binary tree instead of a linear list of syscall checks: the kernel
     * runs the filter for every syscall number when it is installed (to cache
     * the always-allowed ones), so a shorter path makes each spawn cheaper. */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    int r = build_rules(ctx, denied_count);
    int fd = -1;
    if (r == 0) {
        fd = memfd_create("sbx-seccomp", MFD_CLOEXEC);
        if (fd < 0) r = -errno;
    }
    if (r == 0) r = seccomp_export_bpf(ctx, fd);
    seccomp_release(ctx);
    if (r == 0) {
        off_t len = lseek(fd, 0, SEEK_END);
        if (len <= 0 || len % (off_t)sizeof(struct sock_filter) != 0) r = -EINVAL;
        else {
            struct sock_filter *f = nb_xmalloc((size_t)len);
            if (pread(fd, f, (size_t)len, 0) != len) { free(f); r = -EIO; }
            else { out->filter = f; out->len = (unsigned short)(len / (off_t)sizeof *f); }
        }
    }
    if (fd >= 0) close(fd);
    if (r < 0) snprintf(why, cap, "libseccomp: %s", strerror(-r));
    return r;
}

int sbx__seccomp_apply(const struct sock_fprog *prog)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
    if (!prog || prog->len == 0) return 0;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0) != 0) return -errno;
    return 0;
}
