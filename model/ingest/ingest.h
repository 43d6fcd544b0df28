/*
 * The import session: the one way importers write.  It drives the store's
 * row protocol and owns what correlation and triage need while a batch of
 * sources comes in (the requests to re-triage, the captures to refresh,
 * the per-request triage of the source requests it links as they are put:
 * captured exchanges, IIS trace requests by their GUID), so the store
 * below it stays persistence only.
 *
 *     ingest_open(st, &in)
 *     ingest_begin(in)                          -- a batch of sources
 *       ingest_source_begin(in, &info, &sid, &existing)
 *         ingest_srcreq_put(...) / ingest_event_add(...) / ingest_srcreq_done
 *       ingest_source_end(in, sid, &result)     -- correlate, triage
 *       (or ingest_source_abort(in): nothing of the source stays)
 *     ingest_commit(in)                         -- deferred work, COMMIT
 *     ingest_close(in)
 *
 * Rows are the store's structs (store.h); unknown values are STORE_NONE.
 */
#ifndef INGEST_H
#define INGEST_H

#include <stdint.h>

#include "rn_err.h"
#include "store.h"

struct ingest;

struct ingest *ingest_open(struct store *st);
void ingest_close(struct ingest *in);

enum rn_rc ingest_begin(struct ingest *in, struct rn_err *err);
/* Bring deferred correlation up to date, then commit the batch. */
enum rn_rc ingest_commit(struct ingest *in, struct rn_err *err);
void ingest_rollback(struct ingest *in);

/* Start a source; *existing when its content is in the store already. */
enum rn_rc ingest_source_begin(struct ingest *in,
                               const struct store_source_info *info,
                               int64_t *source_id, int *existing,
                               struct rn_err *err);
enum rn_rc ingest_source_warn(struct ingest *in, int64_t source_id,
                              int64_t line, const char *msg,
                              struct rn_err *err);
/* Finish a source: spans, counts, correlation and triage. */
enum rn_rc ingest_source_end(struct ingest *in, int64_t source_id,
                             struct store_source_result *res,
                             struct rn_err *err);
void ingest_source_abort(struct ingest *in);
/* The first finished source with these frames (store_source_by_frames). */
enum rn_rc ingest_source_by_frames(struct ingest *in, const char *frames_sha256,
                                   int64_t *id, char *path, size_t n,
                                   struct rn_err *err);

/* A file met but not imported, with why (store_skip_put); outside any
 * source.  A file imported after all is forgotten by path or content. */
enum rn_rc ingest_skip_put(struct ingest *in, const struct store_skip *k,
                           struct rn_err *err);
enum rn_rc ingest_skip_forget(struct ingest *in, const char *path,
                              const char *sha256, struct rn_err *err);

/* What one source saw of one request; the same key again merges. */
enum rn_rc ingest_srcreq_put(struct ingest *in, int64_t source_id,
                             const struct store_srcreq *r, int64_t *srcreq_id,
                             struct rn_err *err);

/*
 * The importer will put nothing more of source request srcreq_id, nor add
 * events to it.  Optional (ingest_source_end finishes the rest), but it
 * keeps memory low: a capture's exchange or an IIS trace's request gets
 * its request row here, written from what the session saw of it (past a
 * few thousand live ones, the session writes the least recently used
 * itself).  Late puts or events still count; they cost a second look at
 * the end.
 */
enum rn_rc ingest_srcreq_done(struct ingest *in, int64_t srcreq_id,
                              struct rn_err *err);

/* Add an event; srcreq_id 0: it belongs to no request. */
enum rn_rc ingest_event_add(struct ingest *in, int64_t source_id,
                            int64_t srcreq_id, const struct store_event *ev,
                            int64_t *uid, struct rn_err *err);

#endif
