/*
 * Front-end queries that model/query.c does not cover: the overview
 * histogram (bins over request start times, failures counted apart) and
 * its text form, cached in ui_state so reopening a large store does not
 * scan it again.
 */
#include "query_ui.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "rn_buf.h"
#include "rn_kind.h"
#include "store_impl.h"
#include "xmalloc.h"

void
query_ui_hist_fini(struct query_ui_hist *h)
{
    free(h->total);
    free(h->failed);
    memset(h, 0, sizeof *h);
}

enum rn_rc
query_ui_hist_begin(struct store *st, size_t nbins, struct query_ui_hist *h,
                    struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t t0, t1;
    enum rn_rc rc;

    memset(h, 0, sizeof *h);
    if (nbins == 0 || nbins > 1000000)
        return rn_err_set(err, RN_EINVAL, "histogram: bad bin count %zu",
                          nbins);
    /* Two subqueries: each is one index seek, where min() and max()
     * together in one query would read the whole index. */
    /* A start of 0 stands for none (triage): such requests are left
     * out, or one would stretch the bins over 35 years. */
    rc =
        store_prepare(st,
                      "SELECT (SELECT min(start_ns) FROM request"
                      " WHERE start_ns > 0),"
                      " (SELECT max(start_ns) FROM request WHERE start_ns > 0)",
                      &s, err);
    if (rc != RN_OK)
        return rc;
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = store_dberr(st, "histogram range", err);
        sqlite3_finalize(s);
        return rc;
    }
    if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
        sqlite3_finalize(s);
        return RN_OK; /* no timed request: n stays 0 */
    }
    t0 = sqlite3_column_int64(s, 0);
    t1 = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    h->t0 = t0;
    h->width = (t1 - t0) / (int64_t)nbins + 1;
    h->n = nbins;
    h->total = xcalloc(nbins, sizeof *h->total);
    h->failed = xcalloc(nbins, sizeof *h->failed);
    return RN_OK;
}

enum rn_rc
query_ui_hist_bins(struct store *st, struct query_ui_hist *h, size_t lo,
                   size_t hi, struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    enum rn_rc rc;
    int step;

    if (hi > h->n)
        hi = h->n;
    if (lo >= hi)
        return RN_OK;
    /* Per severity (triage gives 0, 1 or 2) a range of the covering
     * index request_by_failure: no table reads, which on a large store
     * are random and many times slower. */
    rc = store_prepare(st,
                       "SELECT (start_ns - ?1) / ?2, count(*),"
                       " sum(severity = 2) FROM request"
                       " WHERE severity IN (0, 1, 2)"
                       " AND start_ns >= ?3 AND start_ns < ?4 GROUP BY 1",
                       &s, err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, h->t0);
    sqlite3_bind_int64(s, 2, h->width);
    sqlite3_bind_int64(s, 3, h->t0 + (int64_t)lo * h->width);
    sqlite3_bind_int64(s, 4, h->t0 + (int64_t)hi * h->width);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t b = sqlite3_column_int64(s, 0);

        if (b < (int64_t)lo || b >= (int64_t)hi)
            continue;
        h->total[b] = (uint32_t)sqlite3_column_int64(s, 1);
        h->failed[b] = (uint32_t)sqlite3_column_int64(s, 2);
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "histogram", err);
    sqlite3_finalize(s);
    return rc;
}

char *
query_ui_hist_dump(const struct query_ui_hist *h)
{
    struct rn_buf b;
    size_t i;

    rn_buf_init(&b, RN_BUF_MAX_FIELD);
    rn_buf_printf(&b, "1 %lld %lld %zu", (long long)h->t0, (long long)h->width,
                  h->n);
    for (i = 0; i < h->n; i++)
        rn_buf_printf(&b, " %u/%u", (unsigned)h->total[i],
                      (unsigned)h->failed[i]);
    return rn_buf_take(&b);
}

/* Read a decimal at *p into *v, skipping blanks; 0 if none or too big. */
static int
query_ui_num(const char **p, long long *v)
{
    const char *s = *p;
    int neg = 0, any = 0, d;

    *v = 0;
    while (*s == ' ')
        s++;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    while (*s >= '0' && *s <= '9') {
        d = *s - '0';
        if (*v > (LLONG_MAX - d) / 10)
            return 0;
        *v = *v * 10 + d;
        s++;
        any = 1;
    }
    *p = s;
    if (neg)
        *v = -*v;
    return any;
}

enum rn_rc
query_ui_hist_load(const char *text, struct query_ui_hist *h,
                   struct rn_err *err)
{
    const char *p = text;
    long long ver, t0, width, n, a, f;
    size_t i;
    int ok;

    memset(h, 0, sizeof *h);
    if (!query_ui_num(&p, &ver) || !query_ui_num(&p, &t0) ||
        !query_ui_num(&p, &width) || !query_ui_num(&p, &n) || ver != 1 ||
        width < 1 || n < 0 || n > 1000000)
        return rn_err_set(err, RN_EFORMAT, "histogram cache: bad header");
    h->t0 = t0;
    h->width = width;
    h->n = (size_t)n;
    h->total = xcalloc(h->n ? h->n : 1, sizeof *h->total);
    h->failed = xcalloc(h->n ? h->n : 1, sizeof *h->failed);
    for (i = 0; i < h->n; i++) {
        ok = query_ui_num(&p, &a);
        if (*p == '/')
            p++;
        if (!ok || !query_ui_num(&p, &f) || a < 0 || f < 0 || a > UINT32_MAX ||
            f > UINT32_MAX) {
            query_ui_hist_fini(h);
            return rn_err_set(err, RN_EFORMAT, "histogram cache: bad bin %zu",
                              i);
        }
        h->total[i] = (uint32_t)a;
        h->failed[i] = (uint32_t)f;
    }
    return RN_OK;
}

/* Length of "scheme://authority" at the start of url (0: none). */
static size_t
query_ui_authority(const char *url)
{
    const char *p = strstr(url, "://"), *slash;

    if (p == NULL)
        return 0;
    slash = strchr(p + 3, '/');
    return slash != NULL ? (size_t)(slash - url) : strlen(url);
}

enum rn_rc
query_ui_hosts_ids(struct store *st, int64_t lo, int64_t hi,
                   struct query_ui_hosts *h, struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(st,
                                   "SELECT id, url FROM request WHERE id"
                                   " BETWEEN ?1 AND ?2 AND url IS NOT NULL",
                                   err);
    const char *url;
    size_t n;
    int step = SQLITE_DONE;

    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, lo);
    sqlite3_bind_int64(s, 2, hi);
    while (!h->many && (step = sqlite3_step(s)) == SQLITE_ROW) {
        h->next = sqlite3_column_int64(s, 0) + 1;
        url = (const char *)sqlite3_column_text(s, 1);
        n = query_ui_authority(url);
        if (h->first == NULL)
            h->first = xstrndup(url, n);
        else
            h->many = strlen(h->first) != n || memcmp(h->first, url, n) != 0;
    }
    if (!h->many && step != SQLITE_DONE) {
        enum rn_rc rc = store_dberr(st, "hosts", err);

        sqlite3_reset(s);
        return rc;
    }
    if (!h->many)
        h->next = hi < INT64_MAX ? hi + 1 : hi;
    sqlite3_reset(s);
    return RN_OK;
}

void
query_ui_hosts_fini(struct query_ui_hosts *h)
{
    free(h->first);
    memset(h, 0, sizeof *h);
}

enum rn_rc
query_ui_data_version(struct store *st, int64_t *v, struct rn_err *err)
{
    return store_int(st, "PRAGMA data_version", "data_version", v, err);
}

enum rn_rc
query_ui_source_linked(struct store *st, int64_t source_id, int64_t *linked,
                       struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    enum rn_rc rc;

    /* Each of the source's requests, one index seek for another source
     * on the same logical request. */
    rc = store_prepare(st,
                       "SELECT count(*) FROM srcreq a WHERE a.source_id = ?1"
                       " AND EXISTS (SELECT 1 FROM srcreq b WHERE"
                       " b.request_id = a.request_id AND b.source_id != ?1)",
                       &s, err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, source_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        *linked = sqlite3_column_int64(s, 0);
    else
        rc = store_dberr(st, "linked requests", err);
    sqlite3_finalize(s);
    return rc;
}

enum rn_rc
query_ui_source_alone(struct store *st, int64_t source_id,
                      int64_t *no_candidate, int64_t *conflict,
                      struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    enum rn_rc rc;

    *no_candidate = *conflict = -1;
    /* Through the (source_id, key) index; a line or exchange left alone
     * is on a request of its own (rule self). */
    rc = store_prepare(
        st,
        "SELECT (SELECT kind IN (" RN_KINDS_MATCHED_SQL ")"
        "   FROM source WHERE id = ?1),"
        " coalesce(sum(alone_reason IS NOT '" STORE_ALONE_CONFLICT "'), 0),"
        " coalesce(sum(alone_reason IS '" STORE_ALONE_CONFLICT "'), 0)"
        " FROM srcreq WHERE source_id = ?1 AND link_rule = 'self'",
        &s, err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, source_id);
    if (sqlite3_step(s) != SQLITE_ROW)
        rc = store_dberr(st, "alone requests", err);
    else if (sqlite3_column_int(s, 0)) {
        *no_candidate = sqlite3_column_int64(s, 1);
        *conflict = sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    return rc;
}

enum rn_rc
query_ui_source_warnings(struct store *st, int64_t source_id, size_t max,
                         query_ui_warning_fn *fn, void *ctx, struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    enum rn_rc rc;
    int step;

    rc = store_prepare(st,
                       "SELECT line, message FROM source_warning"
                       " WHERE source_id = ?1 ORDER BY id LIMIT ?2",
                       &s, err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        fn(ctx,
           sqlite3_column_type(s, 0) == SQLITE_NULL
               ? STORE_NONE
               : sqlite3_column_int64(s, 0),
           (const char *)sqlite3_column_text(s, 1));
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "source warnings", err);
    sqlite3_finalize(s);
    return rc;
}
