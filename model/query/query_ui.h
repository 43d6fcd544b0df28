/*
 * Queries the interactive front end needs beyond model/query.h: the
 * overview histogram of requests over time.  (Keyset search, goto-by-time
 * and the failed-request jumps are expressed with query_requests_page and
 * the filter language, so they share its ordering and index use.)
 */
#ifndef QUERY_UI_H
#define QUERY_UI_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"
#include "store.h"

/* Requests per time bin: bin i covers [t0 + i*width, t0 + (i+1)*width). */
struct query_ui_hist {
    int64_t t0, width; /* ns; width >= 1 */
    size_t n;          /* bins; 0 when the store has no timed request */
    uint32_t *total;   /* owned, n entries */
    uint32_t *failed;  /* owned, n entries: severity 2 (5xx) */
};

/*
 * Count the requests with a known start time into nbins bins spanning
 * the first to the last start, in pieces: begin finds the time range and
 * allocates zeroed bins, then each call of bins counts bins [lo, hi) (a
 * range of the covering failure index), so the interface can build it
 * between keystrokes.
 */
enum rn_rc query_ui_hist_begin(struct store *st, size_t nbins,
                               struct query_ui_hist *h, struct rn_err *err);
enum rn_rc query_ui_hist_bins(struct store *st, struct query_ui_hist *h,
                              size_t lo, size_t hi, struct rn_err *err);

/* Free the bins; h may be zeroed or filled. */
void query_ui_hist_fini(struct query_ui_hist *h);

/* Serialise to / parse from text, for caching in the UI state. */
char *query_ui_hist_dump(const struct query_ui_hist *h);
enum rn_rc query_ui_hist_load(const char *text, struct query_ui_hist *h,
                              struct rn_err *err);

/*
 * Do the requests' URLs name more than one "scheme://host:port" (a URL
 * without "://" counts as the empty one; NULL URLs do not count)?  The
 * explorer then shows hosts.  No index answers it: one would cost every
 * import its build (0.19 s of a 253,000-request store's 2.9 s), for a
 * question asked once per explorer start.  So the requests are walked in
 * id order, between keystrokes: begin with h zeroed, call with ranges
 * that go on where the last ended, or at h->next after one cut short by
 * store_deadline (RN_ETIMEOUT: the ids before it were looked at).
 * h->many turns 1 at the first URL of another authority, and no later
 * range can undo it; else the walk of every id ends with 0.
 */
struct query_ui_hosts {
    char *first;  /* the authority of the first URL met; owned; NULL none */
    int many;     /* a URL with another authority was met */
    int64_t next; /* the id after the last one looked at */
};

enum rn_rc query_ui_hosts_ids(struct store *st, int64_t lo, int64_t hi,
                              struct query_ui_hosts *h, struct rn_err *err);
void query_ui_hosts_fini(struct query_ui_hosts *h);

/*
 * SQLite's data_version of the store's connection: it changes when
 * another connection (another reqnav import) commits, not for this
 * connection's own writes.  The explorer polls it to refresh.
 */
enum rn_rc query_ui_data_version(struct store *st, int64_t *v,
                                 struct rn_err *err);

/*
 * How many of a source's requests were linked with another source's (the
 * same logical request seen twice).  Cost grows with the source's
 * requests: callers bound it with store_deadline.
 */
enum rn_rc query_ui_source_linked(struct store *st, int64_t source_id,
                                  int64_t *linked, struct rn_err *err);

/*
 * Of a source's W3C/HTTPERR lines or exchanges left alone, how many for
 * want of a candidate and how many by conflict (srcreq.alone_reason); both
 * -1 for a source whose requests are not matched (ETW, FREB).  Bounded by
 * the caller, as query_ui_source_linked.
 */
enum rn_rc query_ui_source_alone(struct store *st, int64_t source_id,
                                 int64_t *no_candidate, int64_t *conflict,
                                 struct rn_err *err);

/* A source's warnings in order, at most max: fn(ctx, line or STORE_NONE,
 * message). */
typedef void query_ui_warning_fn(void *ctx, int64_t line, const char *msg);
enum rn_rc query_ui_source_warnings(struct store *st, int64_t source_id,
                                    size_t max, query_ui_warning_fn *fn,
                                    void *ctx, struct rn_err *err);

#endif
