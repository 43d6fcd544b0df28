/*
 * Internal interface between model/ files (store, query, triage,
 * correlate): the SQLite handle and statement helpers.  Never included
 * outside model/.
 */
#ifndef STORE_IMPL_H
#define STORE_IMPL_H

#include <stdint.h>

#include <sqlite3.h>

#include "rn_err.h"
#include "store.h"

sqlite3 *store_db(struct store *st);

/* Prepare sql; on failure fill err with the step name. */
enum rn_rc store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt,
                         struct rn_err *err);

/*
 * A statement for a static SQL string, prepared once per store and kept
 * (keyed by the string's address), reset and unbound for this use.  Do not
 * finalize it.  For the statements that run once per request or event.
 */
sqlite3_stmt *store_cached(struct store *st, const char *sql,
                           struct rn_err *err);

/* Fill err from the connection's last error, naming the step. */
enum rn_rc store_dberr(struct store *st, const char *what, struct rn_err *err);

/* Run SQL with no result rows. */
enum rn_rc store_exec(struct store *st, const char *sql, struct rn_err *err);

/* Bind an int64 that may be STORE_NONE (bound as NULL). */
int store_bind_opt(sqlite3_stmt *s, int i, int64_t v);
/* Bind a string that may be NULL.  Not copied (a JSON object per row is
 * the bulk of an import): it must stay as it is until the statement is
 * stepped, as every caller does by stepping at once. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Column as int64, STORE_NONE for NULL. */
int64_t store_col_opt(sqlite3_stmt *s, int i);
/* Column as malloc'd string, NULL for NULL. */
char *store_col_dup(sqlite3_stmt *s, int i);

/* Re-link, re-triage: model/correlate.c and model/triage.c.  Begin when a
 * source starts; unlinked: some of its source requests are not linked
 * yet. */
enum rn_rc correlate_begin(struct store *st, struct rn_err *err);
enum rn_rc correlate_source(struct store *st, int64_t source_id, int unlinked,
                            struct rn_err *err);
/* Work correlation defers to the end of a batch; before each commit. */
enum rn_rc correlate_flush(struct store *st, struct rn_err *err);
enum rn_rc triage_request(struct store *st, int64_t request_id,
                          struct rn_err *err);

/* A time as the store keeps it: STORE_NONE outside STORE_TS_MIN..MAX. */
int64_t store_ts_norm(int64_t v);
/* Note a request whose members changed: correlate re-triages it at the end
 * of the source (model/correlate.c). */
enum rn_rc correlate_touch(struct store *st, int64_t request_id,
                           struct rn_err *err);
/* Does a source of this kind link its source requests to requests of
 * their own at first (matching them later, as a whole)? */
int correlate_starts_alone(int kind);

/*
 * Triage of a source request that starts as a request of its own,
 * gathered while it is imported (model/triage.c).  The store feeds it the
 * source request and its events as they arrive and writes the request
 * row once the importer is done with it, so nothing is read back at the
 * end of the source.  The result is the one triage_request() would give.
 */
struct triage_acc;
struct triage_acc *triage_acc_new(int kind);
/* A put of the source request: its known values win. */
void triage_acc_srcreq(struct triage_acc *a, const struct store_srcreq *r);
void triage_acc_event(struct triage_acc *a, int64_t uid,
                      const struct store_event *ev);
/* Insert the request row (id, key); *written is 0 when a row with that id
 * or key was there already (it is left alone). */
enum rn_rc triage_acc_write(struct store *st, struct triage_acc *a,
                            int64_t request_id, const char *key, int *written,
                            struct rn_err *err);
void triage_acc_free(struct triage_acc *a);

/* 53-bit FNV-1a based id of a byte string (never 0). */
int64_t store_hash53(const void *data, size_t len);

#endif
