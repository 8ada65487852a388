/* sbx_memfd.c — a program nimbus carries (an embedded file, scripts/embed.sh)
 * as a sealed, executable memfd: executed with execveat, it shows as
 * "/memfd:NAME" inside an instance, never as a path of nimbus's data
 * directory, and nothing can change it once sealed. Used for the plain-mode
 * supervisor (sbx_supervise.c) and the exec'd blanks' program (sbx_pool.c). */
#include "sandbox/sbx_internal.h"
#include "core/embedded.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif


int sbx__embedded_memfd(const char *embedded, const char *name)
{
    const nb_embedded_file_t *f = nb_embedded_files;
    while (f->path && strcmp(f->path, embedded) != 0) f++;
    if (!f->path) return -1;
    int fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL) fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    size_t off = 0;
    while (off < f->len) {
        ssize_t n = write(fd, f->data + off, f->len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += (size_t)n;
    }
    if (off != f->len || fchmod(fd, 0555) != 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}
