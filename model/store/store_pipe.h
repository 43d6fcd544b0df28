/*
 * The store's write-behind: a thread of its own that runs the row writes
 * of an import (events, source requests, request rows) while the caller
 * goes on parsing.  Ops are encoded into a batch buffer; a full batch is
 * handed to the writer, which runs it while the next one fills (two
 * buffers, one handoff a batch).  Whoever else needs the connection
 * drains first: the writer finishes every op handed or pending and waits,
 * so the connection is only ever used by one thread at a time, and every
 * read sees every write before it.
 *
 * Private to model/store: store.c encodes the ops and runs them.
 */
#ifndef STORE_PIPE_H
#define STORE_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

struct store_pipe;

/* Run a batch of encoded ops (in the writer thread).  A failure stops the
 * batch and every one after it; the pipe keeps the error. */
typedef enum rn_rc store_pipe_run_fn(void *ctx, const unsigned char *ops,
                                     size_t len, struct rn_err *err);

/* Start the writer thread; NULL if it cannot be started (the caller then
 * writes directly). */
struct store_pipe *store_pipe_start(store_pipe_run_fn *run, void *ctx);
/* Drain, stop the thread and free the pipe. */
void store_pipe_stop(struct store_pipe *p);

/* Is the calling thread p's writer? */
int store_pipe_is_writer(const struct store_pipe *p);

/* Encode one op: fields appended to the batch, then store_pipe_op_end,
 * which hands a full batch to the writer.  The first failure of the
 * writer is returned by every later op_end and drain. */
void store_pipe_i64(struct store_pipe *p, int64_t v);
/* A string, NULL included. */
void store_pipe_str(struct store_pipe *p, const char *s);
enum rn_rc store_pipe_op_end(struct store_pipe *p, struct rn_err *err);

/* Wait until every op encoded so far has run. */
enum rn_rc store_pipe_drain(struct store_pipe *p, struct rn_err *err);
/* Drain, then forget the writer's failure (what it wrote was rolled
 * back). */
void store_pipe_reset(struct store_pipe *p);

/* Reading a batch back, in the writer. */
struct store_pipe_reader {
    const unsigned char *at, *end;
};
int64_t store_pipe_get_i64(struct store_pipe_reader *r);
const char *store_pipe_get_str(struct store_pipe_reader *r);

#endif
