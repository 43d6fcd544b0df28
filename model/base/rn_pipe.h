/*
 * A worker thread fed in batches: the caller encodes units of work into
 * a batch buffer; a full batch is queued for the worker, which runs it
 * while the next ones fill (one handoff a batch, so the cost of a lock
 * and a wake-up is spread over many units).  Batches run
 * in the order they were filled.  rn_pipe_drain waits until everything
 * encoded so far has run: after it, the caller may touch what the worker
 * uses.  Used by the store's write-behind (store_write_behind) and by the
 * capture importer's frames hash.
 */
#ifndef RN_PIPE_H
#define RN_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

struct rn_pipe;

/* Run a batch (in the worker thread).  A failure stops the batch and
 * every one after it; the pipe keeps the error. */
typedef enum rn_rc rn_pipe_run_fn(void *ctx, const unsigned char *batch,
                                  size_t len, struct rn_err *err);

/* Start the worker; batches are handed over once they hold `batch`
 * bytes, and up to `depth` of them wait (the one running included)
 * before the caller waits for room: a burst of slow work (a block of
 * rows written at once) then runs while the caller goes on.  NULL if the
 * thread cannot be started (the caller then does the work itself). */
struct rn_pipe *rn_pipe_start(rn_pipe_run_fn *run, void *ctx, size_t batch,
                              size_t depth);
/* Drain, stop the thread and free the pipe (NULL: nothing). */
void rn_pipe_stop(struct rn_pipe *p);

/* Is the calling thread p's worker? */
int rn_pipe_is_worker(const struct rn_pipe *p);

/* Encode one unit: bytes appended to the batch, then rn_pipe_op_end,
 * which hands a full batch to the worker.  The worker's first failure
 * is returned by every later op_end and drain. */
void rn_pipe_bytes(struct rn_pipe *p, const void *data, size_t n);
void rn_pipe_i64(struct rn_pipe *p, int64_t v);
/* A string, NULL included. */
void rn_pipe_str(struct rn_pipe *p, const char *s);
enum rn_rc rn_pipe_op_end(struct rn_pipe *p, struct rn_err *err);

/* Wait until every unit encoded so far has run. */
enum rn_rc rn_pipe_drain(struct rn_pipe *p, struct rn_err *err);
/* Drain, then forget the worker's failure (the caller undid its
 * effects). */
void rn_pipe_reset(struct rn_pipe *p);

/* Reading a batch back, in the worker. */
struct rn_pipe_reader {
    const unsigned char *at, *end;
};
int64_t rn_pipe_get_i64(struct rn_pipe_reader *r);
const char *rn_pipe_get_str(struct rn_pipe_reader *r);

#endif
