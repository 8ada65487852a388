/* crc32.h — CRC-32 (zlib's: IEEE 802.3, reflected, ~0 in and out), computed
 * by Intel's ISA-L (crc32.c). */
#ifndef NB_CRC32_H
#define NB_CRC32_H
#include <stddef.h>
#include <stdint.h>

/* zlib's crc32(crc, buf, len), same value and chaining (start from 0). */
uint32_t nb_crc32(uint32_t crc, const void *buf, size_t len);

/* The decimal text of v (x-amz-crc32's form) into out (≥ 11 bytes), NUL
 * terminated; returns its length. */
size_t nb_crc32_text(uint32_t v, char out[11]);

#endif
