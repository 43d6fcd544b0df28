/*
 * Sorting more fixed-size records than memory should hold: records are
 * collected in a batch of at most run_max, each full batch is sorted and
 * written to a temporary file as a run, and the runs are merged k ways
 * while they are read back, with at most fan_in runs open at once (more
 * runs are first merged fan_in at a time into longer ones).  So the
 * memory held is bounded by the limits, whatever the number of records:
 * the batch, then fan_in read chunks of chunk records.  A sort that never
 * fills its batch stays in memory and touches no file.
 *
 * The comparison must be a total order (ties broken by a sequence number,
 * say): runs are merged without regard to which came first.
 */
#ifndef SPILL_SORT_H
#define SPILL_SORT_H

#include <stddef.h>
#include <stdint.h>

struct spill_sort_limits {
    size_t run_max; /* records sorted in memory at once (>= 2) */
    size_t fan_in;  /* runs merged at once (>= 2) */
    size_t chunk;   /* records read from a run at a time (>= 1) */
};

/* The limits the .etl reader uses: 3.5 MiB of 56-byte records in a batch,
 * 64 runs of 256 (4.2 million records in one pass). */
#define SPILL_SORT_RUN_MAX 65536
#define SPILL_SORT_FAN_IN  64
#define SPILL_SORT_CHUNK   256

typedef int spill_sort_cmp(const void *a, const void *b);

struct spill_sort;

/* A sort of records of size bytes; lim NULL for the defaults above. */
struct spill_sort *spill_sort_new(size_t size, spill_sort_cmp *cmp,
                                  const struct spill_sort_limits *lim);

/*
 * Add a record (copied).  Fails (-1, errno set) only when a full batch
 * cannot be written to the temporary file.
 */
int spill_sort_put(struct spill_sort *s, const void *rec);

/*
 * No more records: sort the last batch and prepare the merge.  -1 (errno
 * set) when the temporary file cannot be written or read back.
 */
int spill_sort_done(struct spill_sort *s);

/*
 * The next record in order into rec after spill_sort_done: 1, or 0 at the
 * end, or -1 (errno set; EIO when the file was cut short) on a read error.
 */
int spill_sort_next(struct spill_sort *s, void *rec);

/* Records put so far. */
uint64_t spill_sort_count(const struct spill_sort *s);

/* Runs written to the temporary file (0: sorted in memory). */
size_t spill_sort_runs(const struct spill_sort *s);

/* The most bytes of record storage (batch and read chunks) held at once. */
size_t spill_sort_peak(const struct spill_sort *s);

void spill_sort_free(struct spill_sort *s);

#endif
