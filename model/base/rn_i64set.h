/*
 * A set of nonzero 64-bit ids (row ids, request ids): open addressing,
 * grows as needed.  The ingest layer keeps its per-import state in these
 * (requests to re-triage, captures to refresh), in memory it owns, rather
 * than in temp tables that a call order keeps alive.
 */
#ifndef RN_I64SET_H
#define RN_I64SET_H

#include <stddef.h>
#include <stdint.h>

struct rn_i64set {
    int64_t *slot; /* 0: empty */
    size_t cap;    /* a power of two, or 0 */
    size_t n;
};

#define RN_I64SET_INIT                                                         \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

/* Add v (nonzero); 1 when it was new. */
int rn_i64set_add(struct rn_i64set *s, int64_t v);
int rn_i64set_has(const struct rn_i64set *s, int64_t v);
/* The members in ascending order (malloc'd; NULL when empty), *n their
 * number, and the set emptied: for work that may add to it again. */
int64_t *rn_i64set_take_sorted(struct rn_i64set *s, size_t *n);
void rn_i64set_clear(struct rn_i64set *s);
void rn_i64set_fini(struct rn_i64set *s);

#endif
