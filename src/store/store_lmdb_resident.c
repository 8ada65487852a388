/* store_lmdb_resident.c — the bound on the resident pages of LMDB's map
 * (store_lmdb_resident.h says what and why).
 *
 * Owns: the /proc/self/statm descriptor, the userfaultfd descriptor whose
 * registration turns fault-around off for the map (fault_around_off), the
 * count of transaction begins since the last check, and the resident file
 * pages counted right after the last drop (base). What grew past base is taken for the map's: the map is
 * the only file mapping of the process that grows with use; the binary's and
 * libraries' pages touched since the last drop are counted with it until the
 * next drop re-reads base, so the estimate errs towards dropping early. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "core/alloc.h"
#include "core/log.h"
#include "store/store_backend.h"
#include "store/store_lmdb_resident.h"

/* Linux 6.7's UFFD_FEATURE_WP_ASYNC, which older headers lack. */
#define STORE_UFFD_FEATURE_WP_ASYNC ((uint64_t)1 << 15)

struct store_resident {
    MDB_env *env;
    int uffd;                  /* the registration that turns fault-around off, or -1 */
    char *map;                 /* LMDB's mapping of data.mdb (mdb_env_info's me_mapaddr is */
    size_t map_len;            /* only set with MDB_FIXEDMAP: found in /proc/self/maps) */
    int statm_fd;
    unsigned begins;           /* since the last check */
    long budget_pages;         /* in the kernel's pages (statm's unit); LONG_MAX: off */
    long base;                 /* resident file pages right after the last drop */
};

static atomic_uint_fast64_t drops;

uint64_t store_lmdb_resident_drops(void)
{
    return (uint64_t)atomic_load(&drops);
}

/* Resident file-backed (and shmem) pages of this process: statm's "shared"
 * (the kernel's MM_FILEPAGES + MM_SHMEMPAGES counters), or -1. */
static long resident_file_pages(int fd)
{
    char buf[128];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    unsigned long size, rss, shared;
    if (sscanf(buf, "%lu %lu %lu", &size, &rss, &shared) != 3) return -1;
    return (long)shared;
}

/* The mapping of the file with inode ino on device dev in /proc/self/maps:
 * LMDB maps data.mdb once, its whole map size, when the environment opens.
 * 0 or -1. */
static int find_map(dev_t dev, ino_t ino, char **start, size_t *len)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f) return -1;
    char line[4352];
    int found = -1;
    while (found != 0 && fgets(line, sizeof line, f)) {
        unsigned long lo, hi, off, inode;
        unsigned maj, min;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min, &inode) == 7 &&
            inode == (unsigned long)ino && maj == major(dev) && min == minor(dev) && off == 0) {
            *start = (char *)lo;
            *len = hi - lo;
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* Turn the kernel's fault-around off for the map: a read fault on a file
 * mapping also maps up to fault_around_bytes (64 KiB: 16 pages) of
 * neighbouring page-cache pages (mm/memory.c, do_read_fault), and neither
 * MADV_RANDOM nor MADV_NOHUGEPAGE changes that (should_fault_around() looks
 * at neither; measured here: 16.0 pages mapped per random read fault with
 * either). For random reads of a store much larger than the budget that
 * multiplies the pages mapped, and so the drops and their cost, by 16. The
 * one per-mapping exception is a range registered with userfaultfd in
 * write-protect mode (uffd_disable_fault_around()); with
 * UFFD_FEATURE_WP_ASYNC (Linux 6.7) such a registration accepts any memory
 * type and never waits for a handler, and nothing is ever write-protected
 * here (the map is PROT_READ): its one effect is one page per fault. The fd
 * must stay open (closing it unregisters). -1 where the kernel, the
 * vm.unprivileged_userfaultfd setting, a seccomp filter or a read-only
 * store (no VM_MAYWRITE) refuses: the bound then works with fault-around. */
static int fault_around_off(char *map, size_t len)
{
    int u = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    if (u < 0) return -1;
    struct uffdio_api api = { .api = UFFD_API, .features = STORE_UFFD_FEATURE_WP_ASYNC };
    struct uffdio_register reg = { .range = { (uintptr_t)map, len }, .mode = UFFDIO_REGISTER_MODE_WP };
    if (ioctl(u, UFFDIO_API, &api) != 0 || !(api.features & STORE_UFFD_FEATURE_WP_ASYNC) ||
        ioctl(u, UFFDIO_REGISTER, &reg) != 0) {
        close(u);
        return -1;
    }
    return u;
}

/* Unmap the used part of the map (page cache untouched); 0 or -1. */
static int drop(store_resident_t *r)
{
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(r->env, &info) != 0 || mdb_env_stat(r->env, &st) != 0) return -1;
    size_t len = ((size_t)info.me_last_pgno + 1) * st.ms_psize;
    if (len > r->map_len) len = r->map_len;
    if (madvise(r->map, len, MADV_DONTNEED) != 0) {
        nb_log_warn("store", "lmdb: madvise(MADV_DONTNEED) of the map: %s; its resident pages are no longer bounded",
                    strerror(errno));
        return -1;
    }
    atomic_fetch_add(&drops, 1);
    long now = resident_file_pages(r->statm_fd);
    if (now >= 0) r->base = now;
    return 0;
}

store_resident_t *store__resident_new(MDB_env *env, size_t budget)
{
    if (budget == SIZE_MAX) return NULL;
    if (budget == 0) budget = STORE_RESIDENT_DEFAULT;
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || resident_file_pages(fd) < 0) {
        nb_log_warn("store", "lmdb: /proc/self/statm unreadable (%s): the map's resident pages are not bounded",
                    fd < 0 ? strerror(errno) : "bad format");
        if (fd >= 0) close(fd);
        return NULL;
    }
    store_resident_t *r = nb_xcalloc(1, sizeof *r);
    r->env = env;
    r->statm_fd = fd;
    r->uffd = -1;
    struct stat st;
    const char *dir = NULL;
    char path[4200];
    if (mdb_env_get_path(env, &dir) != 0 || snprintf(path, sizeof path, "%s/data.mdb", dir) >= (int)sizeof path ||
        stat(path, &st) != 0 || find_map(st.st_dev, st.st_ino, &r->map, &r->map_len) != 0) {
        nb_log_warn("store", "lmdb: the map of data.mdb not found in /proc/self/maps: its resident pages are not bounded");
        store__resident_free(r);
        return NULL;
    }
    r->uffd = fault_around_off(r->map, r->map_len);
    if (r->uffd < 0)
        nb_log_debug("store", "lmdb: fault-around stays on for the map (userfaultfd: %s)", strerror(errno));
    long page = sysconf(_SC_PAGESIZE);
    r->budget_pages = (long)(budget / (size_t)(page > 0 ? page : 4096));
    if (r->budget_pages < 1) r->budget_pages = 1;
    if (drop(r) != 0) {
        store__resident_free(r);
        return NULL;
    }
    return r;
}

void store__resident_begin(store_resident_t *r)
{
    if (!r || ++r->begins < STORE_RESIDENT_EVERY) return;
    r->begins = 0;
    long now = resident_file_pages(r->statm_fd);
    if (now < 0) return;
    if (now < r->base) r->base = now;  /* the kernel reclaimed some of the rest */
    if (now - r->base > r->budget_pages && drop(r) != 0) r->budget_pages = LONG_MAX;  /* warned once */
}

void store__resident_free(store_resident_t *r)
{
    if (!r) return;
    if (r->uffd >= 0) close(r->uffd);
    close(r->statm_fd);
    free(r);
}
