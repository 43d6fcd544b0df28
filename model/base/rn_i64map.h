/*
 * A multimap from 64-bit keys (hashes, most often) to nonzero 64-bit
 * values (row ids): open addressing with linear probing, kept at most
 * half full, deletion by shifting back the rest of a run (no tombstones,
 * so a table that sees many adds and deletes stays short).  The ingest
 * layer finds the source requests it is waiting on by key hash with it.
 */
#ifndef RN_I64MAP_H
#define RN_I64MAP_H

#include <stddef.h>
#include <stdint.h>

struct rn_i64map {
    struct rn_i64map_slot {
        int64_t key, value; /* value 0: empty */
    } * slot;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

#define RN_I64MAP_INIT                                                         \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

/* Add (key, value); value nonzero.  A key may have several values. */
void rn_i64map_add(struct rn_i64map *m, int64_t key, int64_t value);
/* Remove one (key, value); 1 when it was there. */
int rn_i64map_del(struct rn_i64map *m, int64_t key, int64_t value);
/* The values of key, one a call: start with *pos = 0; 0 at the end. */
int64_t rn_i64map_next(const struct rn_i64map *m, int64_t key, size_t *pos);
void rn_i64map_fini(struct rn_i64map *m);

#endif
