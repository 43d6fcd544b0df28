/*
 * SHA-256 after FIPS 180-4.  A portable block function, and on x86-64
 * CPUs with the SHA extensions one built on them (chosen at run time):
 * hashing every imported file before import is a visible share of the
 * time on large captures.
 */
#include "sha256.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_HAVE_X86 1
#endif

static const uint32_t k256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t
ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void
sha256_block_portable(struct sha256 *c, const unsigned char *p)
{
    uint32_t w[64], a, b, cc, d, e, f, g, h, t1, t2;
    int i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);

        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = c->h[0];
    b = c->h[1];
    cc = c->h[2];
    d = c->h[3];
    e = c->h[4];
    f = c->h[5];
    g = c->h[6];
    h = c->h[7];
    for (i = 0; i < 64; i++) {
        t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) +
             k256[i] + w[i];
        t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
             ((a & b) ^ (a & cc) ^ (b & cc));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = cc;
        cc = b;
        b = a;
        a = t1 + t2;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
    c->h[5] += f;
    c->h[6] += g;
    c->h[7] += h;
}

#ifdef SHA256_HAVE_X86
/*
 * The same compression with the SHA-NI instructions.  The state lives as
 * {A,B,E,F} / {C,D,G,H} (the instructions' layout); each loop turn does 4
 * rounds and, from turn 4 on, first extends the message schedule by 4
 * words from the 16 before them.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
sha256_block_x86(struct sha256 *c, const unsigned char *p)
{
    const __m128i bswap =
        _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef, cdgh, abef0, cdgh0, tmp, w[4];
    int i;

    tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&c->h[0]), 0xB1);
    cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&c->h[4]), 0x1B);
    abef = _mm_alignr_epi8(tmp, cdgh, 8);
    cdgh = _mm_blend_epi16(cdgh, tmp, 0xF0);
    abef0 = abef;
    cdgh0 = cdgh;
    for (i = 0; i < 4; i++)
        w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)),
                                bswap);
    for (i = 0; i < 16; i++) {
        __m128i m;

        if (i >= 4) {
            m = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
            m = _mm_add_epi32(
                m, _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
            w[i % 4] = _mm_sha256msg2_epu32(m, w[(i + 3) % 4]);
        }
        m = _mm_add_epi32(w[i % 4],
                          _mm_loadu_si128((const __m128i *)&k256[4 * i]));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
    tmp = _mm_shuffle_epi32(abef, 0x1B);
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&c->h[0], _mm_blend_epi16(tmp, cdgh, 0xF0));
    _mm_storeu_si128((__m128i *)&c->h[4], _mm_alignr_epi8(cdgh, tmp, 8));
}

/* Does this CPU have the SHA extensions (and SSSE3, SSE4.1)? */
static int
sha256_cpu_has_sha(void)
{
    unsigned a, b, cx, d;

    if (!__get_cpuid(1, &a, &b, &cx, &d) || !(cx & bit_SSSE3) ||
        !(cx & bit_SSE4_1))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &cx, &d))
        return 0;
    return (b & (1u << 29)) != 0;
}
#endif

/* -1 not decided yet, 0 portable, 1 SHA instructions. */
static int sha256_accel = -1;

int
sha256_force_portable(int on)
{
    int have = 0;

#ifdef SHA256_HAVE_X86
    have = sha256_cpu_has_sha();
#endif
    sha256_accel = on ? 0 : have;
    return have;
}

static void
sha256_block(struct sha256 *c, const unsigned char *p)
{
    if (sha256_accel < 0)
        sha256_force_portable(0);
#ifdef SHA256_HAVE_X86
    if (sha256_accel == 1) {
        sha256_block_x86(c, p);
        return;
    }
#endif
    sha256_block_portable(c, p);
}

void
sha256_init(struct sha256 *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                   0xa54ff53a, 0x510e527f, 0x9b05688c,
                                   0x1f83d9ab, 0x5be0cd19};

    memcpy(c->h, iv, sizeof iv);
    c->len = 0;
    c->nbuf = 0;
}

void
sha256_update(struct sha256 *c, const void *data, size_t n)
{
    const unsigned char *p = data;

    c->len += n;
    if (c->nbuf > 0) {
        size_t take = 64 - c->nbuf < n ? 64 - c->nbuf : n;

        memcpy(c->buf + c->nbuf, p, take);
        c->nbuf += take;
        p += take;
        n -= take;
        if (c->nbuf < 64)
            return;
        sha256_block(c, c->buf);
        c->nbuf = 0;
    }
    while (n >= 64) {
        sha256_block(c, p);
        p += 64;
        n -= 64;
    }
    memcpy(c->buf, p, n);
    c->nbuf = n;
}

void
sha256_final_hex(struct sha256 *c, char hex[65])
{
    uint64_t bits = c->len * 8;
    unsigned char pad[72];
    size_t npad = (c->nbuf < 56 ? 56 : 120) - c->nbuf;
    int i;

    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    for (i = 0; i < 8; i++)
        pad[npad + i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(c, pad, npad + 8);
    for (i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", c->h[i]);
}
