/* sbx_mount.c — the instance's file system: a new root made of read-only bind
 * mounts, entered with pivot_root.
 *
 *   /usr /lib* (/bin /sbin: symlinks or binds, as on the host)   ro  host
 *   /etc/{ssl,hosts,resolv.conf,passwd,ld.so.cache,…}           ro  host (only these)
 *   /var/task   ro  spec->code_dir         /opt          ro  spec->layers_dir
 *   runtime_mount ro spec->runtime_dir     /tmp          tmpfs, size=tmp_mb, 1777 (or spec->tmp_dir, rw)
 *   /proc       new proc of the instance's PID namespace
 *   /dev        tmpfs with null zero full random urandom (+ fd/stdin/… links)
 *   /           tmpfs, read-only once built
 *
 * Nothing else of the host exists inside: not nimbus's data directory, not
 * /root, not other functions' code. Nothing is copied; every mount is a bind.
 *
 * The parent turns a spec into a list of operations (sbx__mount_plan); the
 * child replays them (sbx__mount_apply) using system calls only. The host's
 * part of the list (what /etc entries exist, which of /bin… are symlinks) is
 * computed once. As root that static part is also *mounted* once, as a
 * detached tree (sbx_template.c), and the list starts with one TEMPLATE
 * operation that attaches a clone of it; otherwise (user namespace, older
 * kernel) the list builds everything, ~100 mount calls. The new root is mounted over a fixed empty directory
 * (host->rootmnt) inside the child's private mount namespace, so instances
 * never see each other's trees and the host never sees any. */
#include "sandbox/sbx_internal.h"
#include "core/alloc.h"
#include "core/log.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/mount.h>

static const char *const top_dirs[] = { "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
/* What language runtimes read from /etc; the rest of /etc stays out. */
static const char *const etc_files[] = {
    "/etc/ssl", "/etc/ca-certificates", "/etc/pki", "/etc/crypto-policies",
    "/etc/resolv.conf", "/etc/hosts", "/etc/host.conf", "/etc/gai.conf", "/etc/nsswitch.conf",
    "/etc/passwd", "/etc/group", "/etc/services", "/etc/protocols", "/etc/mime.types",
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
    "/etc/localtime", "/etc/timezone", "/etc/os-release", "/etc/debian_version",
};
const sbx_devnode_t sbx__devnodes[] = {
    { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 }, { "urandom", 1, 9 },
};
const sbx_devlink_t sbx__devlinks[] = {
    { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
    { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
};
const int sbx__n_devnodes = (int)(sizeof sbx__devnodes / sizeof *sbx__devnodes);
const int sbx__n_devlinks = (int)(sizeof sbx__devlinks / sizeof *sbx__devlinks);

static sbx_host_ent_t host_ents[sizeof top_dirs / sizeof *top_dirs + sizeof etc_files / sizeof *etc_files];
static int n_host;

/* ---- host part, once ----------------------------------------------------------- */
static void host_entry(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    sbx_host_ent_t *e = &host_ents[n_host];
    e->path = path;
    e->per_spawn = strcmp(path, "/etc/resolv.conf") == 0 || strcmp(path, "/etc/hosts") == 0 ||
                   strcmp(path, "/etc/passwd") == 0;
    if (S_ISLNK(st.st_mode)) {
        char real[PATH_MAX], target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n <= 0 || !realpath(path, real)) return;
        target[n] = 0;
        /* A link into /usr resolves inside too; anything else (/run/…) is bound. */
        if (strncmp(real, "/usr/", 5) == 0) { e->kind = SBX_OP_SYMLINK; e->src = nb_xstrdup(target); }
        else {
            if (stat(real, &st) != 0) return;
            e->kind = S_ISDIR(st.st_mode) ? SBX_OP_BIND_RO : SBX_OP_BIND_FILE_RO;
            e->src = nb_xstrdup(real);
        }
    } else if (S_ISDIR(st.st_mode)) { e->kind = SBX_OP_BIND_RO; e->src = nb_xstrdup(path); }
    else if (S_ISREG(st.st_mode)) { e->kind = SBX_OP_BIND_FILE_RO; e->src = nb_xstrdup(path); }
    else return;
    n_host++;
}

static char rootmnt_buf[PATH_MAX];

int sbx__host_entries(const sbx_host_ent_t **out)
{
    *out = host_ents;
    return n_host;
}

const char *sbx__mount_prepare(const char **rootmnt)
{
    for (size_t i = 0; i < sizeof top_dirs / sizeof *top_dirs; i++) host_entry(top_dirs[i]);
    for (size_t i = 0; i < sizeof etc_files / sizeof *etc_files; i++) host_entry(etc_files[i]);
    /* An empty directory nothing else uses and that cannot be an ancestor of
     * a bind source. */
    const char *cands[2] = { "/run/nimbus-sandbox", NULL };
    char alt[PATH_MAX];
    snprintf(alt, sizeof alt, "/tmp/.nimbus-sandbox-%u", (unsigned)geteuid());
    cands[1] = alt;
    for (int i = 0; i < 2; i++) {
        if (mkdir(cands[i], 0700) == 0 || errno == EEXIST) {
            struct stat st;
            if (lstat(cands[i], &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid()) {
                snprintf(rootmnt_buf, sizeof rootmnt_buf, "%s", cands[i]);
                *rootmnt = rootmnt_buf;
                return NULL;
            }
        }
    }
    *rootmnt = NULL;
    return "no directory for the new root (/run and /tmp not writable)";
}

/* ---- the instance's /etc/passwd ------------------------------------------------------
 * As on Lambda, the function's uid has an entry (sbx_user1051, home
 * /home/sbx_user1051) so that getpwuid() and libuv's os.homedir() answer
 * instead of failing with ENOENT (the AWS SDK for JavaScript v3 asks for the
 * home directory to look for ~/.aws). One small file per uid, written once
 * under the sandbox's own directory and bound read-only over /etc/passwd;
 * NULL (the host's file is used) if it cannot be written. */
static const char *passwd_for(uid_t uid, gid_t gid)
{
    static char path[PATH_MAX];
    char dir[PATH_MAX];
    const sbx_host_t *h = sbx__host();
    if (!h->rootmnt || snprintf(dir, sizeof dir, "%s.etc", h->rootmnt) >= (int)sizeof dir) return NULL;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) return NULL;
    if (snprintf(path, sizeof path, "%s/passwd.%u", dir, (unsigned)uid) >= (int)sizeof path) return NULL;
    struct stat st;
    if (stat(path, &st) == 0) return path;
    char body[256], tmp[PATH_MAX + 16];
    int n = snprintf(body, sizeof body,
                     "root:x:0:0:root:/root:/sbin/nologin\n"
                     "sbx_user1051:x:%u:%u::/home/sbx_user1051:/sbin/nologin\n", (unsigned)uid, (unsigned)gid);
    snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return NULL;
    int ok = write(fd, body, (size_t)n) == n;
    close(fd);
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return NULL;
    }
    return path;
}

/* ---- plan -------------------------------------------------------------------------- */
static void add_op(sbx_plan_t *p, sbx_op_kind_t kind, const char *src, const char *rel, unsigned long dev)
{
    if (p->nops == p->capops) {
        p->capops = p->capops ? p->capops * 2 : 64;
        p->ops = nb_xrealloc(p->ops, (size_t)p->capops * sizeof *p->ops);
    }
    sbx_mount_op_t *o = &p->ops[p->nops++];
    o->kind = kind;
    o->src = src ? nb_xstrdup(src) : NULL;
    size_t n = strlen(p->newroot) + strlen(rel) + 1;
    o->dst = nb_xmalloc(n);
    snprintf(o->dst, n, "%s%s", p->newroot, rel);
    o->dev = dev;
}

static void plan_dev(sbx_plan_t *p, int userns);

/* MKDIR every missing ancestor of rel (rel itself excluded). */
static void ensure_parents(sbx_plan_t *p, const char *rel)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", rel);
    for (char *s = strchr(buf + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        char full[PATH_MAX];
        snprintf(full, sizeof full, "%s%s", p->newroot, buf);
        int have = 0;
        for (int i = 0; i < p->nops && !have; i++)
            have = strcmp(p->ops[i].dst, full) == 0;
        if (!have) add_op(p, SBX_OP_MKDIR, NULL, buf, 0);
        *s = '/';
    }
}

void sbx__mount_plan(sbx_plan_t *p, const sbx_spec_t *spec, int userns)
{
    char opts[64];
    const sbx_host_t *h = sbx__host_template();
    int tmpl = !userns && h->template_fd >= 0;
    p->newroot = h->rootmnt;
    if (tmpl) {
        add_op(p, SBX_OP_TEMPLATE, NULL, "", (unsigned long)h->template_fd);
        const char *pw = p->setid ? passwd_for(p->uid, p->gid) : NULL;
        for (int i = 0; i < n_host; i++) {
            if (!host_ents[i].per_spawn) continue;
            if (pw && strcmp(host_ents[i].path, "/etc/passwd") == 0)
                add_op(p, SBX_OP_BIND_FILE_RO, pw, host_ents[i].path, 0);
            else
                add_op(p, host_ents[i].kind, host_ents[i].src, host_ents[i].path, 0);
        }
    } else {
        add_op(p, SBX_OP_TMPFS, "size=1m,nr_inodes=4096,mode=755", "", MS_NOSUID | MS_NODEV);
        const char *pw = p->setid ? passwd_for(p->uid, p->gid) : NULL;
        for (int i = 0; i < n_host; i++) {
            ensure_parents(p, host_ents[i].path);
            if (pw && strcmp(host_ents[i].path, "/etc/passwd") == 0)
                add_op(p, SBX_OP_BIND_FILE_RO, pw, host_ents[i].path, 0);
            else
                add_op(p, host_ents[i].kind, host_ents[i].src, host_ents[i].path, 0);
        }
        add_op(p, SBX_OP_MKDIR, NULL, "/var", 0);
    }
    add_op(p, SBX_OP_BIND_RO, spec->code_dir, "/var/task", 0);
    if (spec->layers_dir) add_op(p, SBX_OP_BIND_RO, spec->layers_dir, "/opt", 0);
    else if (!tmpl) add_op(p, SBX_OP_MKDIR, NULL, "/opt", 0);
    if (spec->runtime_dir && spec->runtime_mount && spec->runtime_mount[0] == '/') {
        ensure_parents(p, spec->runtime_mount);
        add_op(p, SBX_OP_BIND_RO, spec->runtime_dir, spec->runtime_mount, 0);
    }
    if (spec->tmp_dir) {
        add_op(p, SBX_OP_BIND_RW, spec->tmp_dir, "/tmp", 0);
    } else {
        snprintf(opts, sizeof opts, "size=%um,mode=1777", spec->tmp_mb ? spec->tmp_mb : 512);
        add_op(p, SBX_OP_TMPFS, opts, "/tmp", MS_NOSUID | MS_NODEV);
    }
    add_op(p, SBX_OP_PROC, NULL, "/proc", 0);
    if (!tmpl) plan_dev(p, userns);
    add_op(p, SBX_OP_REMOUNT_RO, NULL, "", MS_NOSUID | MS_NODEV);
}

/* /dev: a small tmpfs with the harmless devices and the usual links. */
static void plan_dev(sbx_plan_t *p, int userns)
{
    add_op(p, SBX_OP_TMPFS, "size=64k,nr_inodes=64,mode=755", "/dev", MS_NOSUID | MS_NOEXEC);
    for (int i = 0; i < sbx__n_devnodes; i++) {
        char rel[32], host[32];
        snprintf(rel, sizeof rel, "/dev/%s", sbx__devnodes[i].name);
        snprintf(host, sizeof host, "/dev/%s", sbx__devnodes[i].name);
        /* mknod is cheaper, but a user namespace may not create devices. */
        if (userns) add_op(p, SBX_OP_BIND_DEV, host, rel, 0);
        else add_op(p, SBX_OP_MKNOD, NULL, rel, makedev(sbx__devnodes[i].maj, sbx__devnodes[i].min));
    }
    for (int i = 0; i < sbx__n_devlinks; i++) {
        char rel[32];
        snprintf(rel, sizeof rel, "/dev/%s", sbx__devlinks[i].name);
        add_op(p, SBX_OP_SYMLINK, sbx__devlinks[i].target, rel, 0);
    }
    add_op(p, SBX_OP_REMOUNT_RO, NULL, "/dev", MS_NOSUID | MS_NOEXEC);
}

void sbx__plan_free(sbx_plan_t *p)
{
    for (int i = 0; i < p->nops; i++) { free(p->ops[i].src); free(p->ops[i].dst); }
    free(p->ops);
    p->ops = NULL;
    p->nops = p->capops = 0;
}

/* ---- child ------------------------------------------------------------------------- */
/* Read-only remount of a bind. In a user namespace the flags the source mount
 * was locked with (nosuid, noexec, atime…) must be repeated or the kernel
 * refuses; so they are read back and kept. */
static int remount_ro(const char *dst)
{
    struct statvfs sv;
    unsigned long fl = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV;
    if (statvfs(dst, &sv) == 0) {
        if (sv.f_flag & ST_NOEXEC) fl |= MS_NOEXEC;
        if (sv.f_flag & ST_NOATIME) fl |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME) fl |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME) fl |= MS_RELATIME;
    }
    return mount(NULL, dst, NULL, fl, NULL) == 0 ? 0 : -errno;
}

static int make_file(const char *dst)
{
    int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return errno == EEXIST ? 0 : -errno;
    close(fd);
    return 0;
}

static int apply_one(const sbx_mount_op_t *o)
{
    int r = 0;
    switch (o->kind) {
    case SBX_OP_MKDIR:
        return mkdir(o->dst, 0755) == 0 || errno == EEXIST ? 0 : -errno;
    case SBX_OP_BIND_RO:
    case SBX_OP_BIND_FILE_RO:
    case SBX_OP_BIND_DEV:
        if (o->kind == SBX_OP_BIND_RO) { if (mkdir(o->dst, 0755) != 0 && errno != EEXIST) return -errno; }
        else if ((r = make_file(o->dst)) < 0) return r;
        if (mount(o->src, o->dst, NULL, MS_BIND, NULL) != 0) return -errno;
        return o->kind == SBX_OP_BIND_DEV ? 0 : remount_ro(o->dst);
    case SBX_OP_BIND_RW:
        if (mkdir(o->dst, 0755) != 0 && errno != EEXIST) return -errno;
        if (mount(o->src, o->dst, NULL, MS_BIND, NULL) != 0) return -errno;
        return mount(NULL, o->dst, NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV, NULL) == 0 ? 0 : -errno;
    case SBX_OP_SYMLINK:
        return symlink(o->src, o->dst) == 0 ? 0 : -errno;
    case SBX_OP_TMPFS:
        if (mkdir(o->dst, 0755) != 0 && errno != EEXIST) return -errno;
        return mount("tmpfs", o->dst, "tmpfs", o->dev, o->src) == 0 ? 0 : -errno;
    case SBX_OP_PROC:
        if (mkdir(o->dst, 0555) != 0 && errno != EEXIST) return -errno;
        return mount("proc", o->dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0 ? 0 : -errno;
    case SBX_OP_MKNOD:
        if (mknod(o->dst, S_IFCHR | 0666, (dev_t)o->dev) != 0) return -errno;
        return chmod(o->dst, 0666) == 0 ? 0 : -errno;
    case SBX_OP_TEMPLATE: {
        int fd = (int)syscall(SYS_open_tree, (int)o->dev, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                              AT_RECURSIVE | AT_EMPTY_PATH);
        if (fd < 0) return -errno;
        r = (int)syscall(SYS_move_mount, fd, "", AT_FDCWD, o->dst, MOVE_MOUNT_F_EMPTY_PATH);
        r = r == 0 ? 0 : -errno;
        close(fd);
        return r;
    }
    case SBX_OP_REMOUNT_RO:
        return mount(NULL, o->dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | o->dev, NULL) == 0 ? 0 : -errno;
    }
    return -EINVAL;
}

int sbx__mount_apply(const sbx_plan_t *p, int *failed_op)
{
    *failed_op = -1;
    /* Nothing we mount may propagate back to the host. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -errno;
    for (int i = 0; i < p->nops; i++) {
        int r = apply_one(&p->ops[i]);
        if (r < 0) { *failed_op = i; return r; }
    }
    /* Move the new tree over "/" and make it the root (switch_root's way).
     * pivot_root + detaching the old root would cost an RCU grace period per
     * spawn (umount2 MNT_DETACH waits for one: 2-15 ms here); the host's
     * mounts stay underneath, unreachable by any path and absent from the
     * instance's mountinfo. Escaping a chroot needs CAP_SYS_CHROOT and the
     * chroot system call: the instance has neither (capabilities dropped,
     * chroot refused by the seccomp filter). */
    if (chdir(p->newroot) != 0) return -errno;
    if (mount(".", "/", NULL, MS_MOVE, NULL) != 0) return -errno;
    if (chroot(".") != 0) return -errno;
    if (chdir("/") != 0) return -errno;
    return 0;
}
