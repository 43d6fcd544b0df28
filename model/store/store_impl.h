/*
 * The store's face for the model parts above it (ingest, query): the
 * SQLite handle and statement helpers.  Never included outside model/
 * (tests/check_layering.sh).
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

/* Run sql, a static SELECT without parameters (cached, as store_cached)
 * whose first row's first column is an integer: *v that integer; what
 * names the step in an error (no row is one). */
enum rn_rc store_int(struct store *st, const char *sql, const char *what,
                     int64_t *v, struct rn_err *err);

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

/* A time as the store keeps it: STORE_NONE outside STORE_TS_MIN..MAX. */
int64_t store_ts_norm(int64_t v);
/* 53-bit FNV-1a based id of a byte string (never 0). */
int64_t store_hash53(const void *data, size_t len);

#endif
