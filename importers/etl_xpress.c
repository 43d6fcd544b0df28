/*
 * XPRESS plain LZ77 decoder, after [MS-XCA] 2.4.4.  The input is a run of
 * 32-bit little-endian flag words, each followed by the items its bits
 * describe, most significant bit first: 0 is one literal byte, 1 a match
 * of a 16-bit word (distance in the upper 13 bits, a length code in the
 * lower 3).  Length code 7 continues in a half byte (two matches share one
 * byte: the low half first), then a byte, then a 16- or 32-bit word.  The
 * stream ends where the input does, between items.
 */
#include "etl_xpress.h"

#include <stdint.h>

/* Decoder position; in and out advance together. */
struct xp {
    const unsigned char *in;
    size_t n, ip;
    size_t half;  /* input offset of a half-used length byte */
    int has_half; /* a high half is waiting at half */
};

/* Read a little-endian value of k bytes; -1 when the input ends. */
static int
xp_read(struct xp *x, size_t k, uint32_t *v)
{
    size_t i;

    if (x->n - x->ip < k)
        return -1;
    *v = 0;
    for (i = 0; i < k; i++)
        *v |= (uint32_t)x->in[x->ip + i] << (8 * i);
    x->ip += k;
    return 0;
}

/*
 * The length of a match whose length code is 7, from the half byte, the
 * byte and the word that follow: the length minus 3 into *len.
 */
static int
xp_long_length(struct xp *x, uint32_t *len)
{
    uint32_t v;

    if (x->has_half) {
        v = x->in[x->half] >> 4;
        x->has_half = 0;
    } else {
        if (xp_read(x, 1, &v) != 0)
            return -1;
        x->half = x->ip - 1;
        x->has_half = 1;
        v &= 15;
    }
    if (v < 15) {
        *len = v + 7;
        return 0;
    }
    if (xp_read(x, 1, &v) != 0)
        return -1;
    if (v < 255) {
        *len = v + 15 + 7;
        return 0;
    }
    if (xp_read(x, 2, &v) != 0)
        return -1;
    if (v == 0 && xp_read(x, 4, &v) != 0)
        return -1;
    /* The word counts the 15 + 7 the half byte and byte stages add. */
    if (v < 15 + 7)
        return -1;
    *len = v;
    return 0;
}

int
etl_xpress_decode(const unsigned char *in, size_t n, unsigned char *out,
                  size_t cap, size_t *outlen, const char **why, size_t *at)
{
    struct xp x = {in, n, 0, 0, 0};
    size_t op = 0;
    uint32_t flags = 0;
    int nflags = 0;

    *outlen = 0;
    for (;;) {
        uint32_t word, len, dist;
        size_t start = x.ip, i;

        if (nflags == 0) {
            if (x.ip == n)
                break;
            if (xp_read(&x, 4, &flags) != 0) {
                *why = "input ends inside a flag word";
                *at = start;
                return -1;
            }
            nflags = 32;
        }
        nflags--;
        if (x.ip == n)
            break; /* the rest of the flag word is padding */
        if (!((flags >> nflags) & 1)) {
            if (op == cap) {
                *why = "output longer than expected";
                *at = start;
                return -1;
            }
            out[op++] = in[x.ip++];
            continue;
        }
        if (xp_read(&x, 2, &word) != 0 ||
            ((word & 7) == 7 && xp_long_length(&x, &len) != 0)) {
            *why = "input ends inside a match";
            *at = start;
            return -1;
        }
        if ((word & 7) != 7)
            len = word & 7;
        dist = (word >> 3) + 1;
        if (dist > op) {
            *why = "match reaches before the start of the output";
            *at = start;
            return -1;
        }
        if ((uint64_t)len + 3 > cap - op) {
            *why = "output longer than expected";
            *at = start;
            return -1;
        }
        len += 3;
        /* Byte by byte: a match may overlap what it writes. */
        for (i = 0; i < len; i++, op++)
            out[op] = out[op - dist];
    }
    *outlen = op;
    return 0;
}
