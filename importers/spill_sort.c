/*
 * External merge sort of fixed-size records (see spill_sort.h).  Runs lie
 * end to end in one temporary file, each a range of record positions;
 * a merge reads each run through its own chunk with pread() (the file is
 * flushed first) and keeps the runs' current records in a binary
 * min-heap.  Only the run table grows with the input, 16 bytes a run of
 * run_max records.
 */
#include "spill_sort.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

#define SPILL_BATCH_FIRST 256 /* records of the first batch allocation */

/* Records [start, end) of the file. */
struct spill_run {
    uint64_t start, end;
};

/* A run being merged: its next records in buf[at..n). */
struct spill_cursor {
    uint64_t pos, end;
    unsigned char *buf;
    size_t n, at;
};

struct spill_sort {
    size_t size;
    spill_sort_cmp *cmp;
    struct spill_sort_limits lim;
    unsigned char *batch;
    size_t n, cap;
    FILE *f;
    uint64_t written; /* records in f */
    struct spill_run *runs;
    size_t nruns, runs_cap;
    struct spill_cursor *cur;
    size_t ncur;
    size_t *heap; /* cursor numbers, the least record first */
    size_t nheap;
    size_t held, peak;
    uint64_t count;
    int in_memory; /* done with no run: the batch is the answer */
    size_t at;
};

struct spill_sort *
spill_sort_new(size_t size, spill_sort_cmp *cmp,
               const struct spill_sort_limits *lim)
{
    struct spill_sort *s = xcalloc(1, sizeof *s);
    struct spill_sort_limits def = {SPILL_SORT_RUN_MAX, SPILL_SORT_FAN_IN,
                                    SPILL_SORT_CHUNK};

    s->size = size;
    s->cmp = cmp;
    s->lim = lim != NULL ? *lim : def;
    if (s->lim.run_max < 2)
        s->lim.run_max = 2;
    if (s->lim.fan_in < 2)
        s->lim.fan_in = 2;
    if (s->lim.chunk < 1)
        s->lim.chunk = 1;
    return s;
}

static void
spill_hold(struct spill_sort *s, size_t bytes)
{
    s->held += bytes;
    if (s->held > s->peak)
        s->peak = s->held;
}

/* Sort the batch and append it to the file as one run. */
static int
spill_write_run(struct spill_sort *s)
{
    if (s->f == NULL && (s->f = tmpfile()) == NULL)
        return -1;
    qsort(s->batch, s->n, s->size, s->cmp);
    if (fwrite(s->batch, s->size, s->n, s->f) != s->n)
        return -1;
    if (s->nruns == s->runs_cap) {
        s->runs_cap = s->runs_cap < 16 ? 16 : s->runs_cap * 2;
        s->runs = xrealloc(s->runs, s->runs_cap, sizeof *s->runs);
    }
    s->runs[s->nruns].start = s->written;
    s->runs[s->nruns].end = s->written + s->n;
    s->nruns++;
    s->written += s->n;
    s->n = 0;
    return 0;
}

int
spill_sort_put(struct spill_sort *s, const void *rec)
{
    if (s->n == s->cap) {
        size_t cap;

        if (s->cap == s->lim.run_max) {
            if (spill_write_run(s) != 0)
                return -1;
        } else {
            /* Grown by doubling so that a small sort holds little. */
            cap = s->cap < SPILL_BATCH_FIRST ? SPILL_BATCH_FIRST : s->cap * 2;
            if (cap > s->lim.run_max)
                cap = s->lim.run_max;
            s->batch = xrealloc(s->batch, cap, s->size);
            spill_hold(s, (cap - s->cap) * s->size);
            s->cap = cap;
        }
    }
    memcpy(s->batch + s->n * s->size, rec, s->size);
    s->n++;
    s->count++;
    return 0;
}

/* Refill cursor c from the file: 0, or -1 with errno set. */
static int
spill_fill(struct spill_sort *s, struct spill_cursor *c)
{
    uint64_t left = c->end - c->pos;
    size_t want = (left < s->lim.chunk ? (size_t)left : s->lim.chunk) * s->size;
    size_t got = 0;

    while (got < want) {
        ssize_t k = pread(fileno(s->f), c->buf + got, want - got,
                          (off_t)(c->pos * s->size + got));

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO; /* the file is shorter than written */
            return -1;
        }
        got += (size_t)k;
    }
    c->n = want / s->size;
    c->at = 0;
    c->pos += c->n;
    return 0;
}

static const void *
spill_head(const struct spill_sort *s, size_t c)
{
    return s->cur[c].buf + s->cur[c].at * s->size;
}

/* Restore the heap order from slot i down. */
static void
spill_sift(struct spill_sort *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i, t;

        if (l < s->nheap &&
            s->cmp(spill_head(s, s->heap[l]), spill_head(s, s->heap[m])) < 0)
            m = l;
        if (l + 1 < s->nheap && s->cmp(spill_head(s, s->heap[l + 1]),
                                       spill_head(s, s->heap[m])) < 0)
            m = l + 1;
        if (m == i)
            return;
        t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
}

static void
spill_close_cursors(struct spill_sort *s)
{
    size_t i;

    for (i = 0; i < s->ncur; i++)
        free(s->cur[i].buf);
    if (s->ncur > 0)
        s->held -= s->ncur * s->lim.chunk * s->size;
    free(s->cur);
    free(s->heap);
    s->cur = NULL;
    s->heap = NULL;
    s->ncur = s->nheap = 0;
}

/* Open cursors on runs [first, first + k) and heap them. */
static int
spill_open_cursors(struct spill_sort *s, size_t first, size_t k)
{
    size_t i;

    s->cur = xcalloc(k, sizeof *s->cur);
    s->heap = xcalloc(k, sizeof *s->heap);
    s->ncur = k;
    spill_hold(s, k * s->lim.chunk * s->size);
    for (i = 0; i < k; i++) {
        struct spill_cursor *c = &s->cur[i];

        c->pos = s->runs[first + i].start;
        c->end = s->runs[first + i].end;
        c->buf = xmalloc(s->lim.chunk * s->size);
        if (spill_fill(s, c) != 0)
            return -1;
        if (c->n > 0)
            s->heap[s->nheap++] = i;
    }
    for (i = s->nheap; i-- > 0;)
        spill_sift(s, i);
    return 0;
}

/* The least record of the open cursors into rec: 1, 0 at the end, -1. */
static int
spill_pop(struct spill_sort *s, void *rec)
{
    struct spill_cursor *c;

    if (s->nheap == 0)
        return 0;
    c = &s->cur[s->heap[0]];
    memcpy(rec, c->buf + c->at * s->size, s->size);
    if (++c->at == c->n) {
        if (c->pos < c->end) {
            if (spill_fill(s, c) != 0)
                return -1;
        } else {
            s->heap[0] = s->heap[--s->nheap];
        }
    }
    spill_sift(s, 0);
    return 1;
}

/* Merge runs fan_in at a time into a new file until fan_in are left. */
static int
spill_reduce(struct spill_sort *s)
{
    unsigned char *rec = xmalloc(s->size);
    int rc = 0;

    while (s->nruns > s->lim.fan_in && rc == 0) {
        FILE *g = tmpfile();
        size_t i, k = 0;
        uint64_t at = 0;

        if (g == NULL) {
            rc = -1;
            break;
        }
        for (i = 0; i < s->nruns && rc == 0; i += s->lim.fan_in) {
            size_t n =
                s->nruns - i < s->lim.fan_in ? s->nruns - i : s->lim.fan_in;
            uint64_t start = at;
            int got = 0;

            rc = spill_open_cursors(s, i, n);
            while (rc == 0 && (got = spill_pop(s, rec)) == 1) {
                if (fwrite(rec, s->size, 1, g) != 1)
                    rc = -1;
                at++;
            }
            if (got < 0)
                rc = -1;
            spill_close_cursors(s);
            /* Runs before k are already merged: slot k is free. */
            s->runs[k].start = start;
            s->runs[k].end = at;
            k++;
        }
        fclose(s->f);
        s->f = g;
        s->nruns = k;
        if (rc == 0 && fflush(g) != 0)
            rc = -1;
    }
    free(rec);
    return rc;
}

int
spill_sort_done(struct spill_sort *s)
{
    if (s->nruns == 0) {
        if (s->n > 1) /* no batch at all when nothing was put */
            qsort(s->batch, s->n, s->size, s->cmp);
        s->in_memory = 1;
        return 0;
    }
    if (s->n > 0 && spill_write_run(s) != 0)
        return -1;
    free(s->batch);
    s->batch = NULL;
    s->held -= s->cap * s->size;
    s->cap = 0;
    if (fflush(s->f) != 0 || spill_reduce(s) != 0)
        return -1;
    return spill_open_cursors(s, 0, s->nruns);
}

int
spill_sort_next(struct spill_sort *s, void *rec)
{
    if (!s->in_memory)
        return spill_pop(s, rec);
    if (s->at == s->n)
        return 0;
    memcpy(rec, s->batch + s->at * s->size, s->size);
    s->at++;
    return 1;
}

uint64_t
spill_sort_count(const struct spill_sort *s)
{
    return s->count;
}

size_t
spill_sort_runs(const struct spill_sort *s)
{
    return s->nruns;
}

size_t
spill_sort_peak(const struct spill_sort *s)
{
    return s->peak;
}

void
spill_sort_free(struct spill_sort *s)
{
    if (s == NULL)
        return;
    spill_close_cursors(s);
    free(s->batch);
    free(s->runs);
    if (s->f != NULL)
        fclose(s->f);
    free(s);
}
