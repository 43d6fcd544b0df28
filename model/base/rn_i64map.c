/*
 * Keys are spread by a 64-bit mix first (they may be consecutive ids as
 * well as hashes).  A probe for key starts at its home slot and ends at
 * the first empty one; deleting shifts back each later entry of the run
 * whose home does not lie between the hole and it, so that every entry
 * stays reachable from its home without tombstones.
 */
#include "rn_i64map.h"

#include <stdlib.h>

#include "xmalloc.h"

static size_t
i64map_home(const struct rn_i64map *m, int64_t key)
{
    uint64_t x = (uint64_t)key;

    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return (size_t)x & (m->cap - 1);
}

static void
i64map_put(struct rn_i64map *m, int64_t key, int64_t value)
{
    size_t i = i64map_home(m, key);

    while (m->slot[i].value != 0)
        i = (i + 1) & (m->cap - 1);
    m->slot[i].key = key;
    m->slot[i].value = value;
    m->n++;
}

void
rn_i64map_add(struct rn_i64map *m, int64_t key, int64_t value)
{
    if (2 * (m->n + 1) > m->cap) {
        struct rn_i64map_slot *old = m->slot;
        size_t i, cap = m->cap;

        m->cap = cap == 0 ? 64 : 2 * cap;
        m->slot = xcalloc(m->cap, sizeof *m->slot);
        m->n = 0;
        for (i = 0; i < cap; i++) {
            if (old[i].value != 0)
                i64map_put(m, old[i].key, old[i].value);
        }
        free(old);
    }
    i64map_put(m, key, value);
}

int
rn_i64map_del(struct rn_i64map *m, int64_t key, int64_t value)
{
    size_t mask, i, j, home;

    if (m->cap == 0)
        return 0;
    mask = m->cap - 1;
    for (i = i64map_home(m, key);
         m->slot[i].key != key || m->slot[i].value != value;
         i = (i + 1) & mask) {
        if (m->slot[i].value == 0)
            return 0;
    }
    for (j = (i + 1) & mask; m->slot[j].value != 0; j = (j + 1) & mask) {
        home = i64map_home(m, m->slot[j].key);
        /* j's entry moves into the hole unless its home lies in the
         * cyclic range (i, j]: from there a probe would not pass i. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->slot[i] = m->slot[j];
            i = j;
        }
    }
    m->slot[i].key = m->slot[i].value = 0;
    m->n--;
    return 1;
}

int64_t
rn_i64map_next(const struct rn_i64map *m, int64_t key, size_t *pos)
{
    size_t i;

    if (m->cap == 0)
        return 0;
    /* *pos counts the slots of the probe already looked at. */
    for (i = (i64map_home(m, key) + *pos) & (m->cap - 1); m->slot[i].value != 0;
         i = (i + 1) & (m->cap - 1)) {
        (*pos)++;
        if (m->slot[i].key == key)
            return m->slot[i].value;
    }
    return 0;
}

void
rn_i64map_fini(struct rn_i64map *m)
{
    free(m->slot);
    m->slot = NULL;
    m->cap = m->n = 0;
}
