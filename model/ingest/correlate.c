/*
 * Correlation driver.  After each source: link its source requests (IIS
 * traces and captures are linked as they come, log lines here through
 * their matchers, what stays alone to itself), let earlier unlinked
 * source requests try again against it, then re-triage every request that
 * gained or lost a member (co->affected) and drop requests left empty.
 * The result depends on the set of sources, not their order.
 */
#include "correlate.h"

#include <stdlib.h>
#include <string.h>

#include "ingest_impl.h"
#include "rn_kind.h"
#include "store_impl.h"

void
correlate_init(struct correlate *co, struct store *st)
{
    memset(co, 0, sizeof *co);
    co->st = st;
    co->logs = -1;
}

void
correlate_forget(struct correlate *co)
{
    co->logs = -1;
}

void
correlate_fini(struct correlate *co)
{
    rn_i64set_fini(&co->affected);
    rn_i64set_fini(&co->pcap_dirty);
}

int
correlate_links_at_insert(int kind)
{
    const struct rn_kind *k = rn_kind_get(kind);

    return k != NULL && k->match != RN_MATCH_LOG;
}

const char *
correlate_link_rule(int kind, const char *key)
{
    const struct rn_kind *k = rn_kind_get(kind);

    if (k == NULL || k->match == RN_MATCH_LOG)
        return NULL;
    /* Captured exchanges: see correlate_pcap_match. */
    if (k->match == RN_MATCH_CAPTURE)
        return "self";
    /* IIS traces: a GUID key by the kind's GUID rule, another by itself. */
    return key[0] == '{' && k->guid_rule != NULL ? k->guid_rule : "self";
}

void
correlate_touch(struct correlate *co, int64_t request_id)
{
    rn_i64set_add(&co->affected, request_id);
}

enum rn_rc
correlate_exists(struct store *st, const char *sql, const char *what, int *any,
                 struct rn_err *err)
{
    int64_t v = 0;
    enum rn_rc rc = store_int(st, sql, what, &v, err);

    *any = v != 0;
    return rc;
}

enum rn_rc
correlate_touch_each(struct correlate *co, sqlite3_stmt *s, const char *what,
                     struct rn_err *err)
{
    int step;

    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        correlate_touch(co, sqlite3_column_int64(s, 0));
    sqlite3_reset(s);
    return step == SQLITE_DONE ? RN_OK : store_dberr(co->st, what, err);
}

enum rn_rc
correlate_request_for_key(struct store *st, const char *key,
                          int64_t *request_id, struct rn_err *err)
{
    char norm[256];
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;

    store_key_normalise(key, norm, sizeof norm);
    *request_id = store_request_id_for_key(norm);
    s = store_cached(st,
                     "INSERT INTO request (id, key) VALUES (?1, ?2)"
                     " ON CONFLICT DO NOTHING",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, *request_id);
    sqlite3_bind_text(s, 2, norm, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "create request", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
correlate_link(struct correlate *co, int64_t srcreq_id, int64_t request_id,
               const char *rule, struct rn_err *err)
{
    struct store *st = co->st;
    sqlite3_stmt *s;
    int64_t old = 0;
    enum rn_rc rc = RN_OK;

    s = store_cached(st, "SELECT request_id FROM srcreq WHERE id = ?1", err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, srcreq_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        old = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    s = store_cached(st,
                     "UPDATE srcreq SET request_id = ?2, link_rule = ?3"
                     " WHERE id = ?1",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, srcreq_id);
    sqlite3_bind_int64(s, 2, request_id);
    sqlite3_bind_text(s, 3, rule, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "link request", err);
    sqlite3_reset(s);
    if (rc == RN_OK)
        correlate_touch(co, request_id);
    if (rc == RN_OK && old != 0 && old != request_id) {
        correlate_touch(co, old);
        /* A triage mark follows the source request to its new request. */
        rc = store_prepare(st,
                           "UPDATE request SET marked = 1 WHERE id = ?2"
                           " AND (SELECT marked FROM request"
                           " WHERE id = ?1) != 0",
                           &s, err);
        if (rc == RN_OK) {
            sqlite3_bind_int64(s, 1, old);
            sqlite3_bind_int64(s, 2, request_id);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = store_dberr(st, "move mark", err);
            sqlite3_finalize(s);
        }
    }
    return rc;
}

size_t
correlate_outcome_of(struct correlate_outcome *o, size_t to, const size_t *rank,
                     size_t nb, const int64_t *req, int64_t margin, int near)
{
    size_t j;

    o->target = 0;
    o->rule = "self";
    o->margin_ns = STORE_NONE;
    o->alone = near ? CORRELATE_CONFLICT : CORRELATE_NO_CANDIDATE;
    if (to == nb)
        return nb;
    for (j = 0; j < nb && rank[j] != to; j++)
        ;
    o->target = req[j];
    o->alone = NULL;
    if (margin != INT64_MAX)
        o->margin_ns = margin;
    return j;
}

size_t
correlate_edge_of(const struct match_edge *edge, size_t ne, size_t a,
                  const int64_t *req, int64_t target)
{
    size_t j, found = ne;

    for (j = 0; j < ne; j++) {
        if (edge[j].a == a && req[edge[j].b] == target)
            found = j;
    }
    return found;
}

enum rn_rc
correlate_note(struct correlate *co, int64_t srcreq_id,
               const struct correlate_outcome *o, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;

    /* Written only when it changes: a rescan re-decides most lines the
     * same way. */
    s = store_cached(
        co->st,
        "UPDATE srcreq SET link_margin_ns = ?2,"
        " alone_reason = ?3 WHERE id = ?1"
        " AND (link_margin_ns IS NOT ?2 OR alone_reason IS NOT ?3)",
        err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, srcreq_id);
    store_bind_opt(s, 2, o->margin_ns);
    store_bind_text(s, 3, o->alone);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(co->st, "note link margin", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
correlate_move(struct correlate *co, int64_t srcreq_id, const char *key,
               int64_t cur_request, const char *cur_rule,
               const struct correlate_outcome *o, struct rn_err *err)
{
    int64_t target = o->target;
    enum rn_rc rc = RN_OK;

    if (target == 0)
        target = store_request_id_for_key(key);
    if (target != cur_request || cur_rule == NULL ||
        strcmp(o->rule, cur_rule) != 0) {
        if (strcmp(o->rule, "self") == 0)
            rc = correlate_request_for_key(co->st, key, &target, err);
        if (rc == RN_OK)
            rc = correlate_link(co, srcreq_id, target, o->rule, err);
    }
    if (rc == RN_OK)
        rc = correlate_note(co, srcreq_id, o, err);
    return rc;
}

/*
 * Link what a log source's matchers left alone to requests of their own
 * (rule "self").  Every other kind is linked as its source requests come
 * (correlate_link_rule).  Set-based: a log brings many lines at once.
 */
static enum rn_rc
correlate_bulk(struct correlate *co, int64_t source_id, struct rn_err *err)
{
    static const char *const steps[] = {
        /* A new request starts with the indexed columns triage will give
         * it when this source is its only one (start: the earliest of the
         * source request and its events), so that triage's update leaves
         * the request's five indexes alone (tri_store). */
        "INSERT INTO request (id, key, start_ns, url, http_status, substatus,"
        " severity) SELECT id, key, coalesce(CASE WHEN s IS NULL THEN t"
        " WHEN t IS NULL THEN s ELSE min(s, t) END, 0), url, st,"
        " CASE WHEN st IS NOT NULL THEN coalesce(sub, 0) END,"
        " CASE WHEN st >= 500 THEN 2 WHEN st >= 400 THEN 1 ELSE 0 END"
        " FROM (SELECT rn_request_id(q.key) AS id, q.key AS key,"
        " q.start_ns AS s, (SELECT min(e.ts_ns) FROM event e"
        " WHERE e.srcreq_id = q.id) AS t, q.url AS url, q.http_status AS st,"
        " q.substatus AS sub FROM srcreq q WHERE q.source_id = ?1"
        " AND q.request_id IS NULL)"
        " WHERE 1 ON CONFLICT DO NOTHING",
        "SELECT rn_request_id(key)"
        " FROM srcreq WHERE source_id = ?1 AND request_id IS NULL",
        "UPDATE srcreq SET request_id = rn_request_id(key), link_rule = 'self'"
        " WHERE source_id = ?1 AND request_id IS NULL",
    };
    enum rn_rc rc = RN_OK;
    size_t i;

    for (i = 0; rc == RN_OK && i < sizeof steps / sizeof steps[0]; i++) {
        sqlite3_stmt *s = store_cached(co->st, steps[i], err);

        if (s == NULL)
            return RN_EDB;
        sqlite3_bind_int64(s, 1, source_id);
        if (i == 1) {
            /* The requests about to gain members. */
            rc = correlate_touch_each(co, s, "link requests", err);
            continue;
        }
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_dberr(co->st, "link requests", err);
        sqlite3_reset(s);
    }
    return rc;
}

/* Link the other source requests of a source through their matchers. */
static enum rn_rc
correlate_others(struct correlate *co, int64_t source_id, struct rn_err *err)
{
    struct store *st = co->st;
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    s = store_cached(
        st,
        "SELECT id, kind FROM srcreq WHERE source_id = ?1"
        " AND request_id IS NULL AND kind IN (" RN_KINDS_MATCHED_SQL ")",
        err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    while (rc == RN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t srcreq_id = sqlite3_column_int64(s, 0), request_id = 0;
        const struct rn_kind *k = rn_kind_get(sqlite3_column_int(s, 1));
        const char *rule = "self";

        /* Each way of matching has its matcher (rn_kind.h). */
        if (k != NULL && k->match == RN_MATCH_LOG)
            rc = correlate_w3c_match(co, srcreq_id, &request_id, &rule, err);
        else if (k != NULL && k->match == RN_MATCH_CAPTURE)
            rc = correlate_pcap_match(st, srcreq_id, &request_id, &rule, err);
        /* What nothing matched is linked to itself in bulk afterwards. */
        if (rc == RN_OK && request_id != 0)
            rc = correlate_link(co, srcreq_id, request_id, rule, err);
    }
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "link source", err);
    sqlite3_reset(s);
    return rc;
}

/* Re-triage the touched requests; delete the ones left empty.  Triage
 * may not touch more, but a request is taken off the set before its turn
 * so that anything it did note would be kept for the next round. */
static enum rn_rc
correlate_finish(struct correlate *co, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int64_t *ids;
    size_t n, i;

    ids = rn_i64set_take_sorted(&co->affected, &n);
    for (i = 0; rc == RN_OK && i < n; i++) {
        s = store_cached(co->st,
                         "DELETE FROM request WHERE id = ?1 AND NOT EXISTS"
                         " (SELECT 1 FROM srcreq WHERE request_id = ?1)",
                         err);
        if (s == NULL) {
            rc = RN_EDB;
            break;
        }
        sqlite3_bind_int64(s, 1, ids[i]);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_dberr(co->st, "drop empty request", err);
        sqlite3_reset(s);
        if (rc == RN_OK && sqlite3_changes(store_db(co->st)) == 0)
            rc = triage_request(co->st, ids[i], err);
    }
    free(ids);
    return rc;
}

enum rn_rc
correlate_flush(struct correlate *co, struct rn_err *err)
{
    enum rn_rc rc;
    int worked = 0;

    rc = correlate_pcap_flush(co, &worked, err);
    if (rc == RN_OK && worked)
        rc = correlate_finish(co, err);
    return rc;
}

enum rn_rc
correlate_source(struct correlate *co, int64_t source_id, int kind,
                 int unlinked, int arr, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    /* Each step below reads every source request of the source: skip
     * them when the store linked them all as they came. */
    if (unlinked) {
        rc = correlate_others(co, source_id, err);
        if (rc == RN_OK)
            rc = correlate_bulk(co, source_id, err);
    }
    /* A new capture is matched (and its clock set) first: log lines are
     * then matched against its exchanges as they now stand. */
    if (rc == RN_OK)
        rc = correlate_pcap_rescan(co, source_id, kind, err);
    if (rc == RN_OK)
        rc = correlate_w3c_rescan(co, source_id, kind, err);
    /* A pass over the source's events, only for a source that has the
     * header events it reads. */
    if (rc == RN_OK && arr)
        rc = correlate_arr(co, source_id, kind, err);
    if (rc == RN_OK)
        rc = correlate_finish(co, err);
    return rc;
}
