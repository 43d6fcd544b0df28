/*
 * Front-end queries that model/query.c does not cover: the overview
 * histogram (bins over request start times, failures counted apart) and
 * its text form, cached in ui_state so reopening a large store does not
 * scan it again.
 */
#include "query_ui.h"

#include <stdlib.h>
#include <string.h>

#include "rn_buf.h"
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
query_ui_hist(struct store *st, size_t nbins, struct query_ui_hist *h,
              struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t t0, t1;
    enum rn_rc rc;
    int step;

    memset(h, 0, sizeof *h);
    if (nbins == 0 || nbins > 1000000)
        return rn_err_set(err, RN_EINVAL, "histogram: bad bin count %zu",
                          nbins);
    rc = store_prepare(st,
                       "SELECT min(start_ns), max(start_ns) FROM request"
                       " WHERE start_ns IS NOT NULL",
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
    rc = store_prepare(st,
                       "SELECT (start_ns - ?1) / ?2, count(*),"
                       " sum(severity = 2) FROM request"
                       " WHERE start_ns IS NOT NULL GROUP BY 1",
                       &s, err);
    if (rc != RN_OK) {
        query_ui_hist_fini(h);
        return rc;
    }
    sqlite3_bind_int64(s, 1, t0);
    sqlite3_bind_int64(s, 2, h->width);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t b = sqlite3_column_int64(s, 0);

        if (b < 0 || (size_t)b >= nbins)
            continue;
        h->total[b] = (uint32_t)sqlite3_column_int64(s, 1);
        h->failed[b] = (uint32_t)sqlite3_column_int64(s, 2);
    }
    if (step != SQLITE_DONE) {
        rc = store_dberr(st, "histogram", err);
        query_ui_hist_fini(h);
    }
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

/* Read an unsigned decimal at *p, skipping blanks; -1 if none. */
static long long
query_ui_num(const char **p)
{
    const char *s = *p;
    long long v = 0;
    int neg = 0, any = 0;

    while (*s == ' ')
        s++;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    while (*s >= '0' && *s <= '9' && v < 1000000000000000000LL / 10) {
        v = v * 10 + (*s - '0');
        s++;
        any = 1;
    }
    *p = s;
    if (!any)
        return -1;
    return neg ? -v : v;
}

enum rn_rc
query_ui_hist_load(const char *text, struct query_ui_hist *h,
                   struct rn_err *err)
{
    const char *p = text;
    long long ver, t0, width, n, a, f;
    size_t i;

    memset(h, 0, sizeof *h);
    ver = query_ui_num(&p);
    t0 = query_ui_num(&p);
    width = query_ui_num(&p);
    n = query_ui_num(&p);
    if (ver != 1 || width < 1 || n < 0 || n > 1000000)
        return rn_err_set(err, RN_EFORMAT, "histogram cache: bad header");
    h->t0 = t0;
    h->width = width;
    h->n = (size_t)n;
    h->total = xcalloc(h->n ? h->n : 1, sizeof *h->total);
    h->failed = xcalloc(h->n ? h->n : 1, sizeof *h->failed);
    for (i = 0; i < h->n; i++) {
        a = query_ui_num(&p);
        if (*p == '/')
            p++;
        f = query_ui_num(&p);
        if (a < 0 || f < 0) {
            query_ui_hist_fini(h);
            return rn_err_set(err, RN_EFORMAT, "histogram cache: bad bin %zu",
                              i);
        }
        h->total[i] = (uint32_t)a;
        h->failed[i] = (uint32_t)f;
    }
    return RN_OK;
}
