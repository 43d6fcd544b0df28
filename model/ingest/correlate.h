/*
 * Correlation: linking source requests into logical requests.  IIS
 * sources carry the request GUID (ContextId / activityId) and link by it.
 * Sources without one (W3C and HTTPERR lines, captured exchanges) are
 * matched by kind-specific rules in correlate_w3c.c and correlate_pcap.c.
 *
 * Private to model/ingest/.  Every link goes through correlate_link(),
 * which records the rule, moves marks, and notes the request to re-triage
 * in struct correlate, the state the import session (ingest.c) owns.
 */
#ifndef CORRELATE_H
#define CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"
#include "rn_err.h"
#include "rn_i64set.h"
#include "store.h"

struct correlate {
    struct store *st;
    /* Requests whose members changed since the last finish: re-triaged,
     * or deleted when left empty, at the end of the source. */
    struct rn_i64set affected;
    /* Captures that sources of this batch may change: refreshed once,
     * before the batch commits (a FREB folder brings thousands of
     * sources near the same capture). */
    struct rn_i64set pcap_dirty;
    /* Whether the store holds W3C or HTTPERR lines, or -1 when unknown:
     * asked once a transaction instead of at every source's end. */
    int logs;
};

void correlate_init(struct correlate *co, struct store *st);
void correlate_fini(struct correlate *co);

/* What the correlation knows of the store may be stale (a new
 * transaction, a source rolled back). */
void correlate_forget(struct correlate *co);

/* Note a request whose members changed. */
void correlate_touch(struct correlate *co, int64_t request_id);

/* The link rule a new source request of this kind and (normalised) key
 * gets at insert, linked to the request of its own key, or NULL when it
 * waits for the end of its source.  Captured exchanges start alone
 * ("self", matched later as a whole); IIS traces link by the request
 * GUID at once (the kind's GUID rule, "self" for other keys), as the
 * bulk link at the end of a source would. */
const char *correlate_link_rule(int kind, const char *key);
/* Are a kind's source requests linked at insert (correlate_link_rule)? */
int correlate_links_at_insert(int kind);

/* After a source's rows are in: link its source requests, let earlier
 * ones try again against it, re-triage what changed.  kind: the source's
 * (STORE_KIND_*, as the import session knows it); unlinked: some of its
 * source requests are not linked yet; arr: some of its events may name an
 * ARR log id (correlate_arr_event). */
enum rn_rc correlate_source(struct correlate *co, int64_t source_id, int kind,
                            int unlinked, int arr, struct rn_err *err);

/* Record the X-ARR-LOG-ID values a source's requests sent (ARR front end)
 * or received (member), for parent and child links (correlate_arr.c). */
enum rn_rc correlate_arr(struct correlate *co, int64_t source_id, int kind,
                         struct rn_err *err);
/* Whether an event of this name may carry an ARR log id (the events that
 * correlate_arr reads). */
int correlate_arr_event(const char *name);

/* Work deferred to the end of a batch (captures); before each commit. */
enum rn_rc correlate_flush(struct correlate *co, struct rn_err *err);

/*
 * Link srcreq_id to the logical request request_id (creating nothing: the
 * request row must exist) with the name of the rule that matched.  A
 * request left without source requests is deleted (its mark moves along).
 */
enum rn_rc correlate_link(struct correlate *co, int64_t srcreq_id,
                          int64_t request_id, const char *rule,
                          struct rn_err *err);

/* Why a line or an exchange stayed alone (srcreq.alone_reason). */
#define CORRELATE_NO_CANDIDATE STORE_ALONE_NO_CANDIDATE
#define CORRELATE_CONFLICT     STORE_ALONE_CONFLICT

/* What a matcher decided for one source request. */
struct correlate_outcome {
    int64_t target;    /* request to join; 0: the request of its own key */
    const char *rule;  /* static; "self" when alone */
    int64_t margin_ns; /* a link's margin (srcreq.link_margin_ns);
                        * STORE_NONE: no other candidate, or alone */
    const char *alone; /* alone: CORRELATE_NO_CANDIDATE or _CONFLICT;
                        * NULL when linked */
};

/*
 * Move a matched source request (now on cur_request under cur_rule) to
 * o->target under o->rule if that changes, and record o's margin and
 * reason.
 */
enum rn_rc correlate_move(struct correlate *co, int64_t srcreq_id,
                          const char *key, int64_t cur_request,
                          const char *cur_rule,
                          const struct correlate_outcome *o,
                          struct rn_err *err);

/*
 * What an assignment (match_assign*) gave one side-a item: rank to of the
 * nb requests req[] (rank[j]: request j's rank; to == nb: none), with
 * margin (INT64_MAX: no other candidate).  An item given none stays alone,
 * a conflict when candidates were near.  The rule is left "self" for the
 * caller to name from the edge (correlate_edge_of).  Returns the index of
 * the request given, nb when none.
 */
size_t correlate_outcome_of(struct correlate_outcome *o, size_t to,
                            const size_t *rank, size_t nb, const int64_t *req,
                            int64_t margin, int near);

/* The last of the ne edges from side-a item a to request target (req[]
 * by edge.b), or ne. */
size_t correlate_edge_of(const struct match_edge *edge, size_t ne, size_t a,
                         const int64_t *req, int64_t target);

/* Record o's margin and reason alone (the link is made elsewhere). */
enum rn_rc correlate_note(struct correlate *co, int64_t srcreq_id,
                          const struct correlate_outcome *o,
                          struct rn_err *err);

/* Make sure a logical request row with this key exists; its id. */
enum rn_rc correlate_request_for_key(struct store *st, const char *key,
                                     int64_t *request_id, struct rn_err *err);

/*
 * Kind-specific matching for a source request without a GUID.  *request_id
 * is 0 when nothing (or more than one thing: ambiguous) matches; *rule is a
 * static string naming the rule otherwise.  Captured exchanges are matched
 * per capture, after its clock offset, by correlate_pcap_rescan: the
 * pcap matcher leaves each exchange alone at first.
 */
enum rn_rc correlate_w3c_match(struct correlate *co, int64_t srcreq_id,
                               int64_t *request_id, const char **rule,
                               struct rn_err *err);
enum rn_rc correlate_pcap_match(struct store *st, int64_t srcreq_id,
                                int64_t *request_id, const char **rule,
                                struct rn_err *err);

/*
 * After a new source arrives, source requests imported earlier may match
 * it: re-run matching for the unlinked ones (link_rule 'self').
 */
enum rn_rc correlate_w3c_rescan(struct correlate *co, int64_t source_id,
                                int kind, struct rn_err *err);
enum rn_rc correlate_pcap_rescan(struct correlate *co, int64_t source_id,
                                 int kind, struct rn_err *err);

/*
 * Bring up to date the captures that sources imported since the last
 * flush may change (estimate, times, links).  Run before each commit;
 * *worked: there were some (requests to re-triage are in co->affected).
 */
enum rn_rc correlate_pcap_flush(struct correlate *co, int *worked,
                                struct rn_err *err);

#endif
