/*
 * Linear probing over a power-of-two table kept at most half full; ids
 * are spread by a 64-bit mix first, since row ids are consecutive.
 */
#include "rn_i64set.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static size_t
i64set_hash(int64_t v, size_t cap)
{
    uint64_t x = (uint64_t)v;

    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static void
i64set_put(int64_t *slot, size_t cap, int64_t v)
{
    size_t i = i64set_hash(v, cap);

    while (slot[i] != 0)
        i = (i + 1) & (cap - 1);
    slot[i] = v;
}

static void
i64set_grow(struct rn_i64set *s)
{
    size_t cap = s->cap == 0 ? 64 : s->cap * 2, i;
    int64_t *slot = xcalloc(cap, sizeof *slot);

    for (i = 0; i < s->cap; i++) {
        if (s->slot[i] != 0)
            i64set_put(slot, cap, s->slot[i]);
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
}

int
rn_i64set_has(const struct rn_i64set *s, int64_t v)
{
    size_t i;

    if (s->cap == 0 || v == 0)
        return 0;
    for (i = i64set_hash(v, s->cap); s->slot[i] != 0;
         i = (i + 1) & (s->cap - 1)) {
        if (s->slot[i] == v)
            return 1;
    }
    return 0;
}

int
rn_i64set_add(struct rn_i64set *s, int64_t v)
{
    if (v == 0 || rn_i64set_has(s, v))
        return 0;
    if (2 * (s->n + 1) > s->cap)
        i64set_grow(s);
    i64set_put(s->slot, s->cap, v);
    s->n++;
    return 1;
}

static int
i64set_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int64_t *
rn_i64set_take_sorted(struct rn_i64set *s, size_t *n)
{
    int64_t *out;
    size_t i, k = 0;

    *n = s->n;
    if (s->n == 0)
        return NULL;
    out = xmalloc(s->n * sizeof *out);
    for (i = 0; i < s->cap; i++) {
        if (s->slot[i] != 0)
            out[k++] = s->slot[i];
    }
    qsort(out, k, sizeof *out, i64set_cmp);
    rn_i64set_clear(s);
    return out;
}

void
rn_i64set_clear(struct rn_i64set *s)
{
    if (s->cap > 0)
        memset(s->slot, 0, s->cap * sizeof *s->slot);
    s->n = 0;
}

void
rn_i64set_fini(struct rn_i64set *s)
{
    free(s->slot);
    s->slot = NULL;
    s->cap = s->n = 0;
}
