/* crc32.c — CRC-32 as zlib computes it, faster on long inputs.
 *
 * Debian's zlib (1.2.13) has only its table version (~3.6 instructions a
 * byte): the x-amz-crc32 of every DynamoDB reply and the checksum of every
 * log record went through it (~4,000 instructions per 1 KB GetItem). On
 * x86-64 with PCLMULQDQ, whole 64-byte blocks are folded instead (carry-less
 * multiplication, Gopal et al., "Fast CRC Computation for Generic
 * Polynomials Using PCLMULQDQ Instruction", Intel 2009): four 128-bit lanes
 * are carried forward 512 bits per block, then folded into one lane. That
 * lane is, modulo the polynomial, the whole prefix with the initial value
 * folded in, so zlib's CRC of its 16 bytes (from a zero register) is the
 * prefix's CRC; zlib then finishes the last < 64 bytes. No Barrett step.
 *
 * Folding constants (bit-reflected, shifted left one, as PCLMULQDQ on
 * reflected operands wants): K(e) = reflect32(x^e mod P) << 1, with
 * P = 0x104C11DB7. A lane whose low qword is the high-degree half is moved
 * forward D bits by low·K(D+32) xor high·K(D−32); test_core's
 * crc32_constants recomputes them from P. */
#include "core/crc32.h"
#include <zlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define FOLD_MIN 128    /* below this, zlib's table is as fast */

#if defined(__x86_64__)
#define K_544 0x154442bd4ULL   /* 512 + 32: four lanes ahead */
#define K_480 0x1c6e41596ULL   /* 512 − 32 */
#define K_160 0x1751997d0ULL   /* 128 + 32: one lane ahead */
#define K_96  0x0ccaa009eULL   /* 128 − 32 */

__attribute__((target("pclmul,sse2")))
static inline __m128i fold(__m128i x, __m128i k)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

/* n: a multiple of 64, ≥ 64. */
__attribute__((target("pclmul,sse2")))
static uint32_t crc_fold(uint32_t crc, const unsigned char *p, size_t n)
{
    __m128i x0 = _mm_loadu_si128((const __m128i *)p), x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32)), x3 = _mm_loadu_si128((const __m128i *)(p + 48));
    x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int)~crc));
    const __m128i k4 = _mm_set_epi64x((long long)K_480, (long long)K_544);
    for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
        x0 = _mm_xor_si128(fold(x0, k4), _mm_loadu_si128((const __m128i *)p));
        x1 = _mm_xor_si128(fold(x1, k4), _mm_loadu_si128((const __m128i *)(p + 16)));
        x2 = _mm_xor_si128(fold(x2, k4), _mm_loadu_si128((const __m128i *)(p + 32)));
        x3 = _mm_xor_si128(fold(x3, k4), _mm_loadu_si128((const __m128i *)(p + 48)));
    }
    const __m128i k1 = _mm_set_epi64x((long long)K_96, (long long)K_160);
    __m128i x = _mm_xor_si128(fold(x0, k1), x1);
    x = _mm_xor_si128(fold(x, k1), x2);
    x = _mm_xor_si128(fold(x, k1), x3);
    unsigned char lane[16];
    _mm_storeu_si128((__m128i *)lane, x);
    return (uint32_t)crc32(0xffffffffUL, lane, 16);
}

static int have_clmul(void)
{
    static int v = -1;   /* any thread may ask first: the answer is the same */
    int r = __atomic_load_n(&v, __ATOMIC_RELAXED);
    if (r < 0) {
        __builtin_cpu_init();
        r = __builtin_cpu_supports("pclmul") ? 1 : 0;
        __atomic_store_n(&v, r, __ATOMIC_RELAXED);
    }
    return r;
}
#endif

uint32_t nb_crc32(uint32_t crc, const void *buf, size_t len)
{
    const unsigned char *p = buf;
#if defined(__x86_64__)
    if (len >= FOLD_MIN && have_clmul()) {
        size_t n = len & ~(size_t)63;
        crc = crc_fold(crc, p, n);
        p += n;
        len -= n;
    }
#endif
    return (uint32_t)crc32_z(crc, p, len);
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
