/* SHA-256 (FIPS 180-4), for source content hashes. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len;          /* bytes hashed so far */
    unsigned char buf[64]; /* pending partial block */
    size_t nbuf;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Finish and write the 64 hex digits plus NUL into hex. */
void sha256_final_hex(struct sha256 *c, char hex[65]);

/*
 * Use the portable block function even where the CPU has SHA
 * instructions (tests compare the two); returns whether the accelerated
 * one was available.
 */
int sha256_force_portable(int on);

#endif
