/* crc32.c — CRC-32 as zlib computes it (IEEE 802.3, reflected), for the
 * x-amz-crc32 of every DynamoDB reply and the checksum of every log record.
 *
 * Debian's zlib (1.2.13) has only its table version (~3.6 instructions a
 * byte, ~4,000 per 1 KB GetItem, docs/PERFORMANCE.md "Fifth pass"); Intel's
 * ISA-L (libisal) computes the same CRC with carry-less multiplication where
 * the CPU has it, chosen at run time. Its crc32_gzip_refl is zlib's crc32:
 * same value, same chaining (start from 0); test_core checks it against
 * zlib at every length and alignment. */
#include "core/crc32.h"
#include <isa-l/crc.h>

uint32_t nb_crc32(uint32_t crc, const void *buf, size_t len)
{
    return len ? crc32_gzip_refl(crc, (const unsigned char *)buf, (uint64_t)len) : crc;
}

size_t nb_crc32_text(uint32_t v, char out[11])
{
    char tmp[10];
    size_t n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return n;
}
