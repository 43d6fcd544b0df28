/*
 * SHA-256 for source content hashes, from Nettle (which picks its SHA
 * extension code on CPUs that have it).  reqnav's own small API over it,
 * so callers hash without knowing the library.
 */
#ifndef SHA256_H
#define SHA256_H

#include <nettle/sha2.h>
#include <stddef.h>

/* Nettle's header maps these names onto its own functions; in reqnav they
 * are the wrappers below (Nettle's stay reachable as nettle_sha256_*). */
#undef sha256_init
#undef sha256_update
#undef sha256_digest

struct sha256 {
    struct sha256_ctx ctx;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Finish and write the 64 hex digits plus NUL into hex. */
void sha256_final_hex(struct sha256 *c, char hex[65]);

#endif
