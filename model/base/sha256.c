/*
 * SHA-256 over Nettle: hashing every imported file before import is a
 * visible share of the time on large captures, and a kept library keeps
 * its CPU-specific code (the SHA extensions) correct and current.
 */
#include "sha256.h"

void
sha256_init(struct sha256 *c)
{
    nettle_sha256_init(&c->ctx);
}

void
sha256_update(struct sha256 *c, const void *data, size_t n)
{
    nettle_sha256_update(&c->ctx, n, data);
}

void
sha256_final_hex(struct sha256 *c, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char d[SHA256_DIGEST_SIZE];
    size_t i;

    nettle_sha256_digest(&c->ctx, sizeof d, d);
    for (i = 0; i < sizeof d; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * sizeof d] = '\0';
}
