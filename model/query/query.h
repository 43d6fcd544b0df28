/*
 * Read side of the store: request lists (filtered, keyset-paged), one
 * request, its merged timeline, and the list of imported sources.  Rows
 * are plain structs owned by the caller (free with the *_fini functions).
 */
#ifndef QUERY_H
#define QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "rn_err.h"
#include "store.h"

struct rq_row {
    int64_t id;
    char *key;
    int64_t start_ns, end_ns;                     /* STORE_NONE when unknown */
    char *verb, *url, *host;                      /* NULL when unknown */
    int64_t http_status, substatus, win32_status; /* STORE_NONE unknown */
    int severity;                                 /* 2 5xx, 1 4xx, 0 other */
    unsigned sources;                             /* bit (kind - 1) */
    int64_t roles[STORE_ROLE_COUNT];              /* event uid or STORE_NONE */
    char *diagnosis;
    int marked;
    char *cause; /* failure class (rn_cause.h), NULL without a diagnosis */
    /* ARR links (X-ARR-LOG-ID), read for one request (query_request_get,
     * query_request_by_key) and not for list pages: links 0 means not
     * read.  parent STORE_NONE when none; children ascending. */
    int links;
    int64_t parent;
    int64_t *children;
    size_t nchildren;
};

void rq_row_fini(struct rq_row *r);

struct ev_row {
    int64_t uid;
    int64_t ts_ns; /* STORE_NONE when unknown */
    int kind;
    char *file;        /* source path as imported */
    int64_t seq, line; /* line STORE_NONE when not text */
    char *provider, *name;
    int64_t level;     /* STORE_NONE when unknown */
    char *fields_json; /* JSON object */
    char *raw;         /* NULL when none */
    int role;          /* enum store_role, or -1 */
    int child;         /* 1: an event of an ARR child request */
    /* Its source request: internal id (groups a timeline's events; not
     * shown, it depends on import order), the rule that linked it, a
     * matcher link's margin (STORE_NONE: none) and, alone, why. */
    int64_t srcreq;
    char *link_rule;
    int64_t link_margin_ns;
    char *alone_reason;
};

void ev_row_fini(struct ev_row *e);

enum rq_order {
    RQ_ORDER_TIME = 0,    /* start time, then id */
    RQ_ORDER_FAILURES = 1 /* 5xx first, then 4xx, then the rest; by time */
};

/* Position in an ordered request list, for keyset paging. */
struct rq_pos {
    int severity;
    int64_t start_ns; /* STORE_NONE sorts first */
    int64_t id;
};

void rq_pos_of(const struct rq_row *r, struct rq_pos *pos);

/*
 * Fetch up to limit requests matching f (may be NULL) in order, strictly
 * after (forward != 0) or strictly before (forward == 0) *from; from NULL
 * means from the start (forward) or from the end (backward).  Backward
 * pages are returned in list order too.  rows must hold limit entries;
 * *n receives how many were filled.
 */
enum rn_rc query_requests_page(struct store *st, const struct filter *f,
                               enum rq_order order, const struct rq_pos *from,
                               int forward, struct rq_row *rows, size_t limit,
                               size_t *n, struct rn_err *err);

/* Where a sliced scan of the request list stands (zero it to start). */
struct rq_scan {
    struct rq_pos pos; /* the last request looked at */
    int have_pos;      /* 0: from the list's start (forward) or end */
    int done;          /* the list's end, in scan direction, was reached */
    int64_t scanned;   /* requests looked at so far */
};

/*
 * One bounded slice of a scan over the request list in order: look at no
 * more than window requests past sc->pos (forward) or before it, and put
 * those matching f into rows, in scan order (up to limit; the slice stops
 * at the limit-th match so none is skipped).  With limit 0 it only counts:
 * *n is the number of matches.  A slice reads at most window index entries
 * whatever f is, so its time is bounded even for a filter no index serves
 * and matches nothing: the interface runs slow searches as such slices
 * between keystrokes.  Past a store_deadline() the slice ends early with
 * RN_ETIMEOUT: the rows it found and sc are sound, and the next slice goes
 * on from there.
 */
enum rn_rc query_requests_scan(struct store *st, const struct filter *f,
                               enum rq_order order, int forward, size_t window,
                               struct rq_scan *sc, struct rq_row *rows,
                               size_t limit, size_t *n, struct rn_err *err);

/* Order two positions as the list does: <0, 0, >0. */
int rq_pos_cmp(enum rq_order order, const struct rq_pos *a,
               const struct rq_pos *b);

/* Count requests matching f. */
enum rn_rc query_requests_count(struct store *st, const struct filter *f,
                                int64_t *count, struct rn_err *err);

/*
 * Count requests matching f whose ids lie in [lo, hi]: a count in pieces
 * that each cost a bounded share of the table (ids are hashes, spread
 * evenly over 1 .. QUERY_ID_MAX - 1).
 */
#define QUERY_ID_MAX ((int64_t)1 << 53)
enum rn_rc query_requests_count_ids(struct store *st, const struct filter *f,
                                    int64_t lo, int64_t hi, int64_t *count,
                                    struct rn_err *err);

/* One request by id, or by key (GUID, any case); RN_ENOTFOUND if absent. */
enum rn_rc query_request_get(struct store *st, int64_t id, struct rq_row *row,
                             struct rn_err *err);
enum rn_rc query_request_by_key(struct store *st, const char *key,
                                struct rq_row *row, struct rn_err *err);

/*
 * The merged timeline of a request: every event of every source linked to
 * it, by time, ties by kind then seq.  *rows is malloc'd (free with
 * ev_rows_free); roles are filled from the request.
 */
enum rn_rc query_timeline(struct store *st, const struct rq_row *req,
                          struct ev_row **rows, size_t *n, struct rn_err *err);
void ev_rows_free(struct ev_row *rows, size_t n);

/* Mark or unmark a request (persists). */
enum rn_rc query_set_marked(struct store *st, int64_t id, int marked,
                            struct rn_err *err);

struct src_row {
    int64_t id;
    char *path, *format, *sha256, *imported_at, *message;
    int kind;
    int64_t size, events, requests, warnings;
    int truncated;
    /* Captures: offset applied to times (STORE_NONE: none), whether it
     * came from --clock-offset, and how many matches the estimate fits. */
    int64_t clock_offset_ns, clock_offset_matches;
    int clock_offset_given;
    /* Captures: what the file held (STORE_NONE / NULL when unknown):
     * frames, earliest and latest frame times (ISO 8601), link types
     * ("1,101"); for .etl, packet events before de-duplication and the
     * packets logged cut short. */
    int64_t frames, packet_events, packet_events_truncated;
    char *first, *last, *link_types;
    /* Its requests held by a row with another kind of source's
     * (query_source_links; -1 until then); the others stayed alone.  Of
     * those, for a source whose requests are matched (W3C, HTTPERR,
     * capture), how many for want of a candidate and how many by conflict
     * (srcreq.alone_reason); -1 for other sources and until counted. */
    int64_t linked, alone_no_candidate, alone_conflict;
};

void src_row_fini(struct src_row *s);

/* Every imported source, in import order. *rows malloc'd. */
enum rn_rc query_sources(struct store *st, struct src_row **rows, size_t *n,
                         struct rn_err *err);
void src_rows_free(struct src_row *rows, size_t n);

/* A file an import met but did not import (store_skip_put). */
struct skip_row {
    char *path, *state, *format, *sha256, *imported_at, *message;
    int64_t size; /* bytes, STORE_NONE when unreadable */
};

/*
 * The files imports met but did not import, by path; none in a store made
 * before they were kept.  *rows malloc'd (free with skip_rows_free).
 */
enum rn_rc query_skipped(struct store *st, struct skip_row **rows, size_t *n,
                         struct rn_err *err);
void skip_rows_free(struct skip_row *rows, size_t n);

/*
 * Fill each row's linked count (and, for matched kinds, the reasons of
 * the alone ones): its source requests whose request also
 * holds another kind of source's.  rows are sorted by id, as
 * query_sources gives them.  A walk of every source request, so callers
 * that only list sources (the import's quiet path) leave it out.
 */
enum rn_rc query_source_links(struct store *st, struct src_row *rows, size_t n,
                              struct rn_err *err);

/*
 * Totals for headers: failed requests (>= 500) and events, both quick.
 * The count of all requests is query_requests_count, or in pieces
 * query_requests_count_ids (a single count(*) cannot be interrupted).
 */
enum rn_rc query_totals(struct store *st, int64_t *failed, int64_t *events,
                        struct rn_err *err);

/* One line of the failures-by-cause summary. */
struct cause_row {
    char *cause;               /* identifier (rn_cause.h) */
    int64_t count;             /* requests with it */
    int64_t status, substatus; /* shared by all of them, else STORE_NONE */
};

/*
 * Requests with a cause matching f (may be NULL), grouped by cause: most
 * requests first, ties in the cause table's order.  *rows malloc'd (free
 * with cause_rows_free).
 */
enum rn_rc query_causes(struct store *st, const struct filter *f,
                        struct cause_row **rows, size_t *n, struct rn_err *err);
void cause_rows_free(struct cause_row *rows, size_t n);

/* The sources that hold a part of request id: their ids into ids (at most
 * max; *n may exceed max, then only max are stored). */
enum rn_rc query_request_source_ids(struct store *st, int64_t id, int64_t *ids,
                                    size_t max, size_t *n, struct rn_err *err);

/* The source kinds present in the store, as a request's sources mask
 * (bit kind - 1): the widest SOURCES cell a table may need. */
enum rn_rc query_source_kinds(struct store *st, unsigned *mask,
                              struct rn_err *err);

#endif
