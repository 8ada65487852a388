/* sbx_template.c — the prebuilt static part of every instance's root.
 *
 * Building a root from scratch costs ~100 mount-related system calls per
 * spawn (a bind and a read-only remount for each /etc file, /dev nodes…),
 * which alone is most of the cold-start budget. What does not change between
 * instances is built once, here, with the new mount API as a *detached* tree
 * (fsmount + open_tree/move_mount onto it): it is attached nowhere, so the
 * host never sees it, and it lives as long as the fd. A spawn clones it
 * recursively (open_tree OPEN_TREE_CLONE|AT_RECURSIVE) and attaches the clone
 * in its own namespace (move_mount): two system calls.
 *
 *   /            tmpfs (nosuid, nodev), writable here; each instance's clone
 *                is remounted read-only by the instance
 *   /usr /etc/…  read-only binds and symlinks, as sbx_mount.c lists them;
 *                resolv.conf and hosts only as empty mount points, bound
 *                fresh per spawn (the host rewrites them)
 *   /dev         tmpfs (ro, nosuid, noexec) with null zero full random urandom
 *   /var/task /opt /tmp /proc   empty mount points
 *
 * Needs root (CAP_SYS_ADMIN in the initial namespaces) and a kernel that
 * allows mounting on a detached tree (6.15+). Otherwise it returns -1 and the
 * spawn builds the whole root itself (sbx_mount.c), slower but equivalent. */
#include "sandbox/sbx_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/mount.h>

static int new_tmpfs(const char *size, unsigned attrs)
{
    int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0) return -1;
    int m = -1;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", size, 0) == 0 &&
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "755", 0) == 0 &&
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
    int e = errno;
    close(fs);
    errno = e;
    return m;
}

static int set_attrs(int fd, unsigned long set)
{
    struct mount_attr a;
    memset(&a, 0, sizeof a);
    a.attr_set = set;
    return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof a);
}

/* mkdir -p of rel (no leading '/') inside the tree at root. */
static int mkdirs_at(int root, const char *rel)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s/", rel) >= (int)sizeof buf) return -1;
    for (char *s = strchr(buf, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        if (buf[0] && mkdirat(root, buf, 0755) != 0 && errno != EEXIST) return -1;
        *s = '/';
    }
    return 0;
}

static int parent_dirs_at(int root, const char *rel)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", rel);
    char *slash = strrchr(buf, '/');
    if (!slash) return 0;
    *slash = 0;
    return mkdirs_at(root, buf);
}

static int bind_into(int root, const char *src, const char *rel, int is_dir)
{
    if (parent_dirs_at(root, rel) != 0) return -1;
    if (is_dir) { if (mkdirat(root, rel, 0755) != 0 && errno != EEXIST) return -1; }
    else {
        int fd = openat(root, rel, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return -1;
        close(fd);
    }
    int b = (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (b < 0) return -1;
    int r = set_attrs(b, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
    if (r == 0) r = (int)syscall(SYS_move_mount, b, "", root, rel, MOVE_MOUNT_F_EMPTY_PATH);
    int e = errno;
    close(b);
    errno = e;
    return r;
}

static int build_dev(int root)
{
    int d = new_tmpfs("64k", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
    if (d < 0) return -1;
    int r = 0;
    for (int i = 0; i < sbx__n_devnodes && r == 0; i++) {
        r = mknodat(d, sbx__devnodes[i].name, S_IFCHR | 0666,
                    makedev(sbx__devnodes[i].maj, sbx__devnodes[i].min));
        if (r == 0) r = fchmodat(d, sbx__devnodes[i].name, 0666, 0);
    }
    for (int i = 0; i < sbx__n_devlinks && r == 0; i++)
        r = symlinkat(sbx__devlinks[i].target, d, sbx__devlinks[i].name);
    if (r == 0) r = set_attrs(d, MOUNT_ATTR_RDONLY);
    if (r == 0) r = mkdirat(root, "dev", 0755);
    if (r == 0) r = (int)syscall(SYS_move_mount, d, "", root, "dev", MOVE_MOUNT_F_EMPTY_PATH);
    int e = errno;
    close(d);
    errno = e;
    return r;
}

int sbx__template_build(char *why, size_t cap)
{
    int root = new_tmpfs("1m", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
    if (root < 0) { snprintf(why, cap, "fsmount: %s", strerror(errno)); return -1; }
    const sbx_host_ent_t *e;
    int n = sbx__host_entries(&e);
    const char *step = "mount points";
    int r = 0;
    static const char *const points[] = { "var/task", "opt", "tmp", "proc" };
    for (size_t i = 0; i < sizeof points / sizeof *points && r == 0; i++) r = mkdirs_at(root, points[i]);
    for (int i = 0; i < n && r == 0; i++) {
        const char *rel = e[i].path + 1;
        step = e[i].path;
        if (e[i].kind == SBX_OP_SYMLINK) {
            r = parent_dirs_at(root, rel);
            if (r == 0) r = symlinkat(e[i].src, root, rel);
        } else if (e[i].per_spawn) {
            int fd = parent_dirs_at(root, rel) == 0 ? openat(root, rel, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;
            r = fd < 0 ? -1 : close(fd);
        } else {
            r = bind_into(root, e[i].src, rel, e[i].kind == SBX_OP_BIND_RO);
        }
    }
    if (r == 0) { step = "/dev"; r = build_dev(root); }
    if (r != 0) {
        snprintf(why, cap, "%s: %s", step, strerror(errno));
        close(root);
        return -1;
    }
    return root;
}
