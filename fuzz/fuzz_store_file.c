/* fuzz_store_file.c — opening sealed files (store_file.c) of arbitrary
 * content: never a crash or an out-of-bounds read, and never success for
 * anything but an intact file. Input: byte 0 picks the case — even: the
 * rest is the whole file; odd: a valid sealed file of the rest, then
 * byte 1 (if any) selects one byte to flip (0: none) — which must then fail. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/util.h"
#include "store/store_file.h"

static char path[64];
static const unsigned char key[32] = "fuzz key fuzz key fuzz key fuzz";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) snprintf(path, sizeof path, "/tmp/fuzz-store-file-%d", (int)getpid());
    if (size < 1) return 0;
    nb_buf_t out = NB_BUF_INIT;
    if (data[0] % 2 == 0) {
        if (nb_write_file_replace(path, data + 1, size - 1, 0600, 0) != 0) abort();
        if (store_file_open(key, "ctx", path, &out) == 0) abort();   /* no forgery from random bytes */
        if (errno != EBADMSG || out.len) abort();
    } else {
        const uint8_t *pt = data + 1 + (size > 1);
        size_t n = size - 1 - (size > 1);
        if (store_file_seal(key, "ctx", pt, n, path, 0600) != 0) abort();
        size_t flip = size > 1 ? data[1] : 0;
        if (flip) {
            nb_buf_t raw = NB_BUF_INIT;
            if (nb_read_file(path, &raw) != 0) abort();
            raw.data[(flip - 1) % raw.len] ^= (char)(1 + (flip & 0x7f));
            if (nb_write_file_replace(path, raw.data, raw.len, 0600, 0) != 0) abort();
            nb_buf_free(&raw);
            if (store_file_open(key, "ctx", path, &out) == 0) abort();
        } else {
            if (store_file_open(key, "ctx", path, &out) != 0 || out.len != n || memcmp(out.data, pt, n) != 0)
                abort();
        }
    }
    nb_buf_free(&out);
    unlink(path);
    return 0;
}
