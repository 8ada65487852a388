/* fuzz_lambda_unzip.c — unpacking a deployment package (code.c's
 * lambda__unzip, libarchive underneath) from arbitrary bytes: never a crash,
 * nothing written outside the package's directory (not through a symlink
 * or a hard link either), and a refused package leaves nothing behind — no
 * directory, no temporary sibling. Input: the zip's bytes. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lambda/lambda_int.h"

static char root[64], pkg[96], sentinel[96];
static const char sentinel_text[] = "outside the package";

/* The sentinel beside the package: unchanged, one link, still a file. */
static void check_sentinel(void)
{
    struct stat st;
    char buf[sizeof sentinel_text];
    if (lstat(sentinel, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
        st.st_size != (off_t)(sizeof sentinel_text - 1))
        abort();
    FILE *f = fopen(sentinel, "rb");
    if (!f || fread(buf, 1, sizeof buf, f) != sizeof sentinel_text - 1) abort();
    fclose(f);
    if (memcmp(buf, sentinel_text, sizeof sentinel_text - 1) != 0) abort();
}

/* Entries of root besides the sentinel: 0 or 1 ("pkg"), never a temporary. */
static int root_entries(void)
{
    DIR *d = opendir(root);
    if (!d) abort();
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "sentinel")) continue;
        if (strcmp(e->d_name, "pkg") != 0) {
            fprintf(stderr, "left in the parent: %s\n", e->d_name);
            abort();
        }
        n++;
    }
    closedir(d);
    return n;
}

static void remove_root(void) { lambda__rm_rf(root); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!root[0]) {
        snprintf(root, sizeof root, "/tmp/fuzz-unzip-%d", (int)getpid());
        snprintf(pkg, sizeof pkg, "%s/pkg", root);
        snprintf(sentinel, sizeof sentinel, "%s/sentinel", root);
        lambda__rm_rf(root);
        if (mkdir(root, 0700) != 0) abort();
        atexit(remove_root);
        FILE *f = fopen(sentinel, "wb");
        if (!f || fwrite(sentinel_text, 1, sizeof sentinel_text - 1, f) != sizeof sentinel_text - 1) abort();
        fclose(f);
    }
    char err[512] = "";
    int rc = lambda__unzip(data, size, pkg, err, sizeof err);
    check_sentinel();
    if (rc == 0) {
        struct stat st;
        int n = root_entries();
        if (n != 1 || lstat(pkg, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "unpacked, but %d entries beside the sentinel, pkg mode %o\n", n, (unsigned)st.st_mode);
            abort();
        }
        lambda__rm_rf(pkg);
    } else {
        int left = root_entries();
        if (!err[0] || left != 0) {                     /* an answer, and nothing half-unpacked */
            fprintf(stderr, "refused with \"%s\", %d entries left\n", err, left);
            abort();
        }
    }
    return 0;
}
