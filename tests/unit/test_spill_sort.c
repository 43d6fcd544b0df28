/*
 * Unit tests for the external sort under the .etl reader
 * (importers/spill_sort.c): records come back in order, each exactly
 * once, whether they stayed in memory, went to one merge of runs or
 * needed merges of merges; and the memory held is set by the limits, the
 * same for fifty times the records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spill_sort.h"
#include "test.h"

/* A record shaped like the reader's: a key with many repeats, the
 * sequence number that breaks ties, and payload to carry along. */
struct rec {
    uint32_t key;
    uint32_t seq;
    uint64_t check;
};

static int
rec_cmp(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A key that jumps about (a multiplicative hash), repeating every 997. */
static uint32_t
key_of(uint32_t i)
{
    return (i * 2654435761u) % 997u;
}

/* Put n records (in an order the sort must undo), read them back and
 * check order and completeness; the sort is returned for its figures. */
static struct spill_sort *
sort_n(uint32_t n, const struct spill_sort_limits *lim, int *ok)
{
    struct spill_sort *s = spill_sort_new(sizeof(struct rec), rec_cmp, lim);
    unsigned char *seen = calloc(n ? n : 1, 1);
    struct rec r, prev;
    uint32_t i, got = 0;
    int more, in_order = 1, whole = 1;

    for (i = 0; i < n; i++) {
        r.key = key_of(i);
        r.seq = i;
        r.check = (uint64_t)i * 31 + 7;
        if (spill_sort_put(s, &r) != 0)
            whole = 0;
    }
    CHECK(spill_sort_done(s) == 0);
    while ((more = spill_sort_next(s, &r)) == 1) {
        if (got > 0 && rec_cmp(&prev, &r) >= 0)
            in_order = 0;
        if (r.seq >= n || seen[r.seq] || r.key != key_of(r.seq) ||
            r.check != (uint64_t)r.seq * 31 + 7)
            whole = 0;
        else
            seen[r.seq] = 1;
        prev = r;
        got++;
    }
    CHECK(more == 0);
    CHECK(spill_sort_next(s, &r) == 0); /* stays at the end */
    *ok = in_order && whole && got == n && spill_sort_count(s) == n;
    free(seen);
    return s;
}

static void
test_in_memory(void)
{
    struct spill_sort *s;
    int ok = 0;

    s = sort_n(0, NULL, &ok);
    CHECK(ok);
    CHECK(spill_sort_runs(s) == 0);
    spill_sort_free(s);

    s = sort_n(5000, NULL, &ok);
    CHECK(ok);
    CHECK(spill_sort_runs(s) == 0);
    /* A small sort holds what it needs, not the whole batch. */
    CHECK(spill_sort_peak(s) < SPILL_SORT_RUN_MAX * sizeof(struct rec) / 4);
    spill_sort_free(s);
}

static void
test_runs(void)
{
    struct spill_sort_limits lim = {100, 4, 8};
    struct spill_sort *s;
    int ok = 0;

    /* Exactly one full batch: still in memory. */
    s = sort_n(100, &lim, &ok);
    CHECK(ok);
    CHECK(spill_sort_runs(s) == 0);
    spill_sort_free(s);

    /* One over: two runs, merged directly. */
    s = sort_n(101, &lim, &ok);
    CHECK(ok);
    CHECK(spill_sort_runs(s) == 2);
    spill_sort_free(s);

    /* 4 runs: the fan-in, one merge. */
    s = sort_n(400, &lim, &ok);
    CHECK(ok);
    CHECK(spill_sort_runs(s) == 4);
    spill_sort_free(s);

    /* 1000 runs: merged four at a time until four are left. */
    s = sort_n(99999, &lim, &ok);
    CHECK(ok);
    CHECK(spill_sort_runs(s) <= 4);
    spill_sort_free(s);
}

/* The memory held does not grow with the records: the same peak for 2,000
 * and for 100,000 (one merge pass against three), within the limits. */
static void
test_bound(void)
{
    struct spill_sort_limits lim = {256, 8, 16};
    size_t bound = (lim.run_max + lim.fan_in * lim.chunk) * sizeof(struct rec);
    struct spill_sort *small, *large;
    int ok_small = 0, ok_large = 0;

    small = sort_n(2000, &lim, &ok_small);
    large = sort_n(100000, &lim, &ok_large);
    CHECK(ok_small);
    CHECK(ok_large);
    CHECK(spill_sort_peak(small) > 0);
    CHECK(spill_sort_peak(small) <= bound);
    CHECK(spill_sort_peak(large) == spill_sort_peak(small));
    spill_sort_free(small);
    spill_sort_free(large);
}

int
main(void)
{
    test_in_memory();
    test_runs();
    test_bound();
    return test_report("test_spill_sort");
}
