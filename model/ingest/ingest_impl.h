/*
 * Private to model/ingest/: triage's entry points for the import session
 * and correlation.  Nothing outside this folder includes it
 * (tests/check_layering.sh).
 */
#ifndef INGEST_IMPL_H
#define INGEST_IMPL_H

#include <stdint.h>

#include <sqlite3.h>

#include "correlate.h"
#include "rn_err.h"
#include "store.h"

/* Read a request's members and events back and write its triaged row. */
enum rn_rc triage_request(struct store *st, int64_t request_id,
                          struct rn_err *err);

/*
 * Triage of a source request that starts as a request of its own,
 * gathered while it is imported.  The session feeds it the source request
 * and its events as they arrive and writes the request row once the
 * importer is done with it, so nothing is read back at the end of the
 * source.  The result is the one triage_request() would give.
 */
struct triage_acc;
struct triage_acc *triage_acc_new(int kind);
/* A put of the source request: its known values win. */
void triage_acc_srcreq(struct triage_acc *a, const struct store_srcreq *r);
void triage_acc_event(struct triage_acc *a, int64_t uid,
                      const struct store_event *ev);
/* The source request's span as the store keeps it: each end as put, else
 * (*derived_start, *derived_end) the span of its events that count. */
void triage_acc_span(const struct triage_acc *a, int64_t *start, int64_t *end,
                     int *derived_start, int *derived_end);
/* Does an event of this name count in a source request's span?  A
 * connection's open and close (TCP_*) are not its requests' times. */
int triage_spans_event(const char *name);
/* Triage it as request request_id of key: *out's strings point into a
 * (and key), valid until it is freed or this is called again. */
enum rn_rc triage_acc_row(struct store *st, struct triage_acc *a,
                          int64_t request_id, const char *key,
                          struct store_request_row *out, struct rn_err *err);
void triage_acc_free(struct triage_acc *a);

/* Run sql, a cached SELECT EXISTS (...) without parameters: *any its
 * answer; what names the step in an error. */
enum rn_rc correlate_exists(struct store *st, const char *sql, const char *what,
                            int *any, struct rn_err *err);

/* Step s (bound by the caller) and note the request id in column 0 of
 * every row it gives. */
enum rn_rc correlate_touch_each(struct correlate *co, sqlite3_stmt *s,
                                const char *what, struct rn_err *err);

#endif
