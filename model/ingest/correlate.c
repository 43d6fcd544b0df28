/*
 * Correlation driver.  After each source: link its source requests (GUID
 * rule here, other kinds through their matchers), let earlier unlinked
 * source requests try again against it, then re-triage every request that
 * gained or lost a member (tracked in temp.rn_affected) and drop requests
 * left empty.  The result depends on the set of sources, not their order.
 */
#include "correlate.h"

#include <string.h>

#include "store_impl.h"

/* The temp table of requests whose membership changed during an import:
 * empty when a source starts (the store notes requests in it while the
 * source is read). */
enum rn_rc
correlate_begin(struct store *st, struct rn_err *err)
{
    return store_exec(st,
                      "CREATE TEMP TABLE IF NOT EXISTS rn_affected"
                      " (id INTEGER PRIMARY KEY);"
                      "DELETE FROM rn_affected",
                      err);
}

int
correlate_starts_alone(int kind)
{
    /* Captured exchanges: see correlate_pcap_match. */
    return kind == STORE_KIND_PCAP;
}

enum rn_rc
correlate_touch(struct store *st, int64_t request_id, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;

    s = store_cached(st, "INSERT OR IGNORE INTO rn_affected VALUES (?1)", err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, request_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "note request", err);
    sqlite3_reset(s);
    return rc;
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
correlate_link(struct store *st, int64_t srcreq_id, int64_t request_id,
               const char *rule, struct rn_err *err)
{
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
        rc = correlate_touch(st, request_id, err);
    if (rc == RN_OK && old != 0 && old != request_id) {
        rc = correlate_touch(st, old, err);
        /* A triage mark follows the source request to its new request. */
        if (rc == RN_OK) {
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
    }
    return rc;
}

/*
 * Link a source's unlinked source requests in bulk: those keyed by the
 * request GUID (ContextId / activityId) by it, and, when guid_only is 0,
 * the rest to requests of their own (rule "self").  Set-based: an ETW
 * trace or a capture brings hundreds of thousands at once.
 */
static enum rn_rc
correlate_bulk(struct store *st, int64_t source_id, int guid_only,
               struct rn_err *err)
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
        " AND q.request_id IS NULL AND (?2 = 0 OR q.key GLOB '{*'))"
        " WHERE 1 ON CONFLICT DO NOTHING",
        "INSERT OR IGNORE INTO rn_affected SELECT rn_request_id(key)"
        " FROM srcreq WHERE source_id = ?1 AND request_id IS NULL"
        " AND (?2 = 0 OR key GLOB '{*')",
        "UPDATE srcreq SET request_id = rn_request_id(key), link_rule ="
        " CASE WHEN key NOT GLOB '{*' THEN 'self'"
        " WHEN kind = 1 THEN 'context_id' ELSE 'activity_id' END"
        " WHERE source_id = ?1 AND request_id IS NULL"
        " AND (?2 = 0 OR key GLOB '{*')",
    };
    enum rn_rc rc = RN_OK;
    size_t i;

    for (i = 0; rc == RN_OK && i < sizeof steps / sizeof steps[0]; i++) {
        sqlite3_stmt *s = store_cached(st, steps[i], err);

        if (s == NULL)
            return RN_EDB;
        sqlite3_bind_int64(s, 1, source_id);
        sqlite3_bind_int(s, 2, guid_only);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_dberr(st, "link requests", err);
        sqlite3_reset(s);
    }
    return rc;
}

/* Link the other source requests of a source through their matchers. */
static enum rn_rc
correlate_others(struct store *st, int64_t source_id, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    s = store_cached(st,
                     "SELECT id, kind FROM srcreq WHERE source_id = ?1"
                     " AND request_id IS NULL AND kind IN (3, 4, 5)",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    while (rc == RN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t srcreq_id = sqlite3_column_int64(s, 0), request_id = 0;
        int kind = sqlite3_column_int(s, 1);
        const char *rule = "self";

        if (kind == STORE_KIND_W3C || kind == STORE_KIND_HTTPERR) {
            rc = correlate_w3c_match(st, srcreq_id, &request_id, &rule, err);
        } else if (kind == STORE_KIND_PCAP) {
            rc = correlate_pcap_match(st, srcreq_id, &request_id, &rule, err);
        }
        /* What nothing matched is linked to itself in bulk afterwards. */
        if (rc == RN_OK && request_id != 0)
            rc = correlate_link(st, srcreq_id, request_id, rule, err);
    }
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "link source", err);
    sqlite3_reset(s);
    return rc;
}

/* Re-triage the touched requests; delete the ones left empty. */
static enum rn_rc
correlate_finish(struct store *st, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;
    int step;

    rc = store_exec(st,
                    "DELETE FROM request WHERE id IN (SELECT id FROM"
                    " rn_affected) AND NOT EXISTS (SELECT 1 FROM srcreq"
                    " WHERE request_id = request.id);"
                    "DELETE FROM rn_affected WHERE id NOT IN"
                    " (SELECT id FROM request)",
                    err);
    if (rc != RN_OK)
        return rc;
    s = store_cached(st, "SELECT id FROM rn_affected", err);
    if (s == NULL)
        return RN_EDB;
    while (rc == RN_OK && (step = sqlite3_step(s)) == SQLITE_ROW)
        rc = triage_request(st, sqlite3_column_int64(s, 0), err);
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "triage", err);
    sqlite3_reset(s);
    if (rc == RN_OK)
        rc = store_exec(st, "DELETE FROM rn_affected", err);
    return rc;
}

enum rn_rc
correlate_flush(struct store *st, struct rn_err *err)
{
    enum rn_rc rc;
    int worked = 0;

    /* Only a correlate_source() of this connection notes captures, and it
     * made rn_affected first. */
    rc = correlate_pcap_flush(st, &worked, err);
    if (rc == RN_OK && worked)
        rc = correlate_finish(st, err);
    return rc;
}

enum rn_rc
correlate_source(struct store *st, int64_t source_id, int unlinked,
                 struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    /* Each step below reads every source request of the source: skip
     * them when the store linked them all as they came. */
    if (unlinked) {
        rc = correlate_bulk(st, source_id, 1, err);
        if (rc == RN_OK)
            rc = correlate_others(st, source_id, err);
        if (rc == RN_OK)
            rc = correlate_bulk(st, source_id, 0, err);
    }
    if (rc == RN_OK)
        rc = correlate_w3c_rescan(st, source_id, err);
    if (rc == RN_OK)
        rc = correlate_pcap_rescan(st, source_id, err);
    if (rc == RN_OK)
        rc = correlate_finish(st, err);
    return rc;
}
