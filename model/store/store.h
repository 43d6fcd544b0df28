/*
 * The case store: one SQLite file per case (schema.sql), persistence only:
 * opening and migrating, transactions and savepoints, row puts and gets.
 * It calls nothing above it.  Importers write through the ingest layer
 * (model/ingest/ingest.h), which drives this protocol and correlates and
 * triages what it writes:
 *
 *     store_begin(st)                         -- a batch of sources
 *       store_source_begin(st, &info, &sid)   -- SAVEPOINT
 *         store_srcreq_put(...) / store_event_add(...) ...
 *       store_source_finish(st, sid, ...)     -- spans, counts
 *       store_source_end(st, sid, &result)    -- RELEASE
 *       (or store_source_abort(st) on failure: nothing of it stays)
 *     store_commit(st)
 *
 * Each source is atomic: a crash or an abort leaves no part of it.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

struct store;

/* Source kinds; the numeric order is the tie order in timelines. */
enum store_kind {
    STORE_KIND_ETW = 1,
    STORE_KIND_FREB = 2,
    STORE_KIND_W3C = 3,
    STORE_KIND_HTTPERR = 4,
    STORE_KIND_PCAP = 5
};
#define STORE_KIND_MAX 5

/* srcreq.alone_reason: why a W3C/HTTPERR line or a captured exchange
 * stayed alone (schema.sql). */
#define STORE_ALONE_NO_CANDIDATE "no_candidate"
#define STORE_ALONE_CONFLICT     "conflict"

/* Unknown value for int64 attributes (times, win32 codes, ports...). */
#define STORE_NONE INT64_MIN
/*
 * Times the store keeps: 1900-01-01 to 2150-01-01 UTC.  Anything outside
 * (a damaged or hostile timestamp) is stored as unknown, so that the
 * difference of any two stored times fits in 64 bits.
 */
#define STORE_TS_MIN (-2208988800LL * 1000000000LL)
#define STORE_TS_MAX (5680281600LL * 1000000000LL)

/* Role slots of a request. */
enum store_role {
    STORE_ROLE_CGI_START = 0,
    STORE_ROLE_HEADER_ERROR = 1,
    STORE_ROLE_STATUS_SEND = 2
};
#define STORE_ROLE_COUNT 3

/* "etw", "freb", ... for a kind; NULL for an unknown kind. */
const char *store_kind_name(int kind);
/* Kind of a name, or 0. */
int store_kind_parse(const char *name);
/* "cgi_start", "header_error", "status_send". */
const char *store_role_name(int role);

#define STORE_OPEN_READONLY 0x1
/* With READONLY: the file cannot change while open (read-only media, where
 * SQLite cannot create the WAL index it needs). */
#define STORE_OPEN_IMMUTABLE 0x2

/*
 * Open or create the store at path (created mode 0600), bringing its schema
 * up to date.  ":memory:" works for tests.
 */
enum rn_rc store_open(const char *path, int flags, struct store **out,
                      struct rn_err *err);
void store_close(struct store *st);
const char *store_path(const struct store *st);

/*
 * Bound the reads that follow: a statement still running us microseconds
 * from now is interrupted and its caller gets RN_ETIMEOUT, so an
 * interactive caller can hand slow work to a background job instead of
 * freezing.  us <= 0 lifts the bound.  Only for reads: a write cut short
 * would roll back a whole transaction.
 */
void store_deadline(struct store *st, int64_t us);

/* Size the page cache to kib KiB (the page size must be known: after
 * store_open). */
enum rn_rc store_cache_size(struct store *st, int kib, struct rn_err *err);

/*
 * Bulk mode for an import: a store with no source yet that no other
 * connection has open trades WAL for a rollback journal (every page written
 * once, not twice) until store_bulk_end() or store_close().  Outside a
 * transaction; a store that cannot switch stays as it is.
 */
void store_bulk_begin(struct store *st);
void store_bulk_end(struct store *st);

/* Outer transaction (BEGIN IMMEDIATE / COMMIT / ROLLBACK).  It enforces
 * no foreign keys: the import writes rows that refer to rows it writes
 * later in the same transaction (store_srcreq_reserve); what commits
 * refers only to rows that are there. */
enum rn_rc store_begin(struct store *st, struct rn_err *err);
enum rn_rc store_commit(struct store *st, struct rn_err *err);
void store_rollback(struct store *st);

/*
 * For a bulk load, in the open transaction: when the request table holds
 * fewer than max_rows rows, drop its secondary indexes (only readers use
 * them: import finds a request by its id) and let store_commit build them
 * again.  One sort at the end costs far less than a b-tree insert per row
 * in each of them.  A rollback brings them back with the rest.
 */
enum rn_rc store_defer_request_indexes(struct store *st, int64_t max_rows,
                                       struct rn_err *err);

struct store_source_info {
    const char *path;   /* as given by the user */
    int kind;           /* enum store_kind */
    const char *format; /* e.g. "etw-logparser", "freb", "pcapng" */
    int64_t size;       /* bytes */
    const char *sha256; /* hex digest of the content */
};

/*
 * Start importing a source.  If a source with the same content hash is
 * already in the store, *existing is set to 1 and nothing is started.
 */
enum rn_rc store_source_begin(struct store *st,
                              const struct store_source_info *info,
                              int64_t *source_id, int *existing,
                              struct rn_err *err);

/* Record a warning (at line/frame `line`, or STORE_NONE) for a source. */
enum rn_rc store_source_warn(struct store *st, int64_t source_id, int64_t line,
                             const char *msg, struct rn_err *err);

struct store_source_result {
    int truncated;             /* input ended early; what was read is kept */
    const char *message;       /* first problem with its position, or NULL */
    int64_t clock_offset_ns;   /* captures, or STORE_NONE */
    const char *format;        /* refined format name, or NULL to keep */
    const char *capture_json;  /* captures: what the file held (a JSON
                                * object, see schema.sql), or NULL */
    const char *frames_sha256; /* captures: store_source_by_frames, or NULL */
    int64_t events, requests;  /* filled in by store_source_end */
};

/*
 * All rows of a source are in: write its counts and result (res: the
 * importer's word on it, and a given clock offset), which correlation
 * reads.  spans: first give the source requests that were put without a
 * start or end time the span of their events (reads every source request
 * of the source).
 */
enum rn_rc store_source_finish(struct store *st, int64_t source_id, int spans,
                               const struct store_source_result *res,
                               struct rn_err *err);

/* End a source: its counts into res; releases its savepoint. */
enum rn_rc store_source_end(struct store *st, int64_t source_id,
                            struct store_source_result *res,
                            struct rn_err *err);

/*
 * The first finished source whose frames hash is frames_sha256: *id (0
 * when none) and its path into path (size n).  A capture saved again in
 * another container (pcap, pcapng, Network Monitor) has the same frames.
 */
enum rn_rc store_source_by_frames(struct store *st, const char *frames_sha256,
                                  int64_t *id, char *path, size_t n,
                                  struct rn_err *err);

/* Drop everything written since store_source_begin. */
void store_source_abort(struct store *st);

/*
 * A file an import met but did not import: not a trace (skipped) or
 * unreadable or unparsable (failed), with why.  Kept so that the sources
 * screen and `reqnav sources` can list it; unknown size is STORE_NONE,
 * unknown format and sha256 NULL.
 */
enum store_skip_state {
    STORE_SKIP_SKIPPED, /* not a trace, or not in a form reqnav reads */
    STORE_SKIP_FAILED,  /* unreadable or unparsable: nothing kept */
    STORE_SKIP_DAMAGED  /* an archive damaged after the members kept */
};

struct store_skip {
    const char *path; /* as named at import: "case.zip!member" */
    enum store_skip_state state;
    const char *format;  /* the importer that refused it, or NULL */
    int64_t size;        /* bytes, or STORE_NONE */
    const char *sha256;  /* hex digest, or NULL */
    const char *message; /* why, with the position */
};

/* Record (or replace: one row per path) a skipped file.  Not while a
 * source is open: it would go with the source's savepoint. */
enum rn_rc store_skip_put(struct store *st, const struct store_skip *k,
                          struct rn_err *err);

/* A file imported after all (by path, or its content under another name)
 * is no longer skipped.  sha256 may be NULL. */
enum rn_rc store_skip_forget(struct store *st, const char *path,
                             const char *sha256, struct rn_err *err);

/* "skipped", "failed", "damaged". */
const char *store_skip_state_name(enum store_skip_state state);

/* Does the store hold table (a store made before a table was added to
 * its schema version may not)? */
int store_has_table(struct store *st, const char *table);

/*
 * What one source saw of one request.  Unknown strings are NULL, unknown
 * integers STORE_NONE.  Putting the same key twice in one source merges:
 * known values of the later call win.
 */
struct store_srcreq {
    const char *key; /* GUID (any case) or a synthetic key; required */
    int64_t start_ns, end_ns;
    const char *verb, *url, *host;
    int64_t http_status, substatus, win32_status;
    const char *client_addr, *server_addr;
    int64_t client_port, server_port;
    const char *attrs_json; /* JSON object of other attributes, or NULL */
    int truncated;
};

/* Fill r with "unknown" everywhere. */
void store_srcreq_init(struct store_srcreq *r);
/* Does r carry nothing beyond its key? */
int store_srcreq_is_empty(const struct store_srcreq *r);

/*
 * Insert the source request (source, key), or merge r into it when it is
 * there.  *isnew: it was inserted.  The row is not linked to a request.
 */
enum rn_rc store_srcreq_put(struct store *st, int64_t source_id,
                            const struct store_srcreq *r, int64_t *srcreq_id,
                            int *isnew, struct rn_err *err);

/*
 * For a caller that keeps a source request in memory until it is
 * complete: reserve the id of a new row of the current source (events may
 * name it at once: the import transaction enforces no foreign keys, and
 * each reserved id must be written before the source ends), then write
 * the row, linked to request_id by link_rule.  lookup finds the row of
 * (source, normalised key), 0 when none.  merge merges r into row id, each
 * known value of r winning (attributes: a JSON merge patch).
 */
enum rn_rc store_srcreq_reserve(struct store *st, int64_t *id,
                                struct rn_err *err);
enum rn_rc store_srcreq_write(struct store *st, int64_t id,
                              const struct store_srcreq *r,
                              const char *link_rule, int64_t request_id,
                              struct rn_err *err);
enum rn_rc store_srcreq_lookup(struct store *st, int64_t source_id,
                               const char *key, int64_t *id,
                               struct rn_err *err);
enum rn_rc store_srcreq_merge(struct store *st, int64_t id,
                              const struct store_srcreq *r, struct rn_err *err);

/* Widen the span of source request id to take in ts (start and/or end as
 * the flags say). */
enum rn_rc store_srcreq_widen(struct store *st, int64_t id, int start, int end,
                              int64_t ts, struct rn_err *err);

/* The request a source request is linked to, or 0. */
enum rn_rc store_srcreq_request(struct store *st, int64_t srcreq_id,
                                int64_t *request_id, struct rn_err *err);

struct store_event {
    int64_t ord;   /* 0-based position among this source's events */
    int64_t seq;   /* what the user looks up: EventNumber, frame... */
    int64_t line;  /* line in the file, or STORE_NONE */
    int64_t ts_ns; /* UTC ns, or STORE_NONE */
    const char *provider;
    const char *name;        /* required */
    int64_t level;           /* 1..5, or STORE_NONE */
    const char *fields_json; /* JSON object, or NULL for {} */
    const char *raw;         /* raw source text, or NULL */
};

void store_event_init(struct store_event *ev);

/*
 * Add an event to a source; srcreq_id 0 means it belongs to no request.
 * *uid (may be NULL) receives its public id.  Only the row: the ingest
 * layer decides what it means.
 */
enum rn_rc store_event_add(struct store *st, int64_t source_id,
                           int64_t srcreq_id, const struct store_event *ev,
                           int64_t *uid, struct rn_err *err);

/* A request row as triage gives it: unknown strings NULL, unknown
 * integers STORE_NONE (start_ns is always known: 0 stands for none). */
struct store_request_row {
    int64_t id;
    const char *key; /* normalised */
    int64_t start_ns, end_ns;
    const char *verb, *url, *host;
    int64_t http_status, substatus, win32_status;
    int severity;
    unsigned sources;
    int64_t role[STORE_ROLE_COUNT]; /* event uid, or STORE_NONE */
    const char *diagnosis, *cause;
};

/* Insert the request row.  One whose id is taken already is left alone,
 * and its id is given by the next store_request_taken. */
enum rn_rc store_request_insert(struct store *st,
                                const struct store_request_row *r,
                                struct rn_err *err);
/* The ids of the request rows store_request_insert found taken since the
 * last call (or the source's start), as a malloc'd array (*ids NULL when
 * *n is 0). */
enum rn_rc store_request_taken(struct store *st, int64_t **ids, size_t *n,
                               struct rn_err *err);

/*
 * Write-behind (on: 1): from now on the hot row writes of an import
 * (store_event_add, store_srcreq_write, store_request_insert) return once
 * queued, and a thread of the store's runs them while the caller goes on;
 * any other use of the store first waits for them.  A failed write is
 * returned by a later call.  Off (0): wait for them, give their failure,
 * and stop the thread.  Without a thread to start, writes run as before.
 */
enum rn_rc store_write_behind(struct store *st, int on, struct rn_err *err);
/* Write r's values into the existing row of its id (its key is not read). */
enum rn_rc store_request_update(struct store *st,
                                const struct store_request_row *r,
                                struct rn_err *err);

/* Normalise a request key (GUIDs to lower case) into out (size n). */
void store_key_normalise(const char *key, char *out, size_t n);

/* The 53-bit id of a request key / of an event (JSON-safe integers). */
int64_t store_request_id_for_key(const char *key);

/* Read-only SQL for power users: run sql, call row() for each row. */
typedef enum rn_rc store_row_fn(void *ctx, int ncol, const char *const *names,
                                const char *const *values);
enum rn_rc store_sql_readonly(struct store *st, const char *sql,
                              store_row_fn *row, void *ctx, struct rn_err *err);

/* Persistent UI state (key/value). *value is malloc'd or NULL. */
enum rn_rc store_state_get(struct store *st, const char *key, char **value,
                           struct rn_err *err);
enum rn_rc store_state_set(struct store *st, const char *key, const char *value,
                           struct rn_err *err);

#endif
