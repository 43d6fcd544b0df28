/*
 * Read queries for the command line, the front end and reports.  Request
 * lists use keyset paging over the request_by_time / request_by_failure
 * indexes, so a page deep in a million requests costs what the first does.
 */
#include "query.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rn_buf.h"
#include "rn_cause.h"
#include "rn_kind.h"
#include "rn_time.h"
#include "store_impl.h"
#include "xmalloc.h"

#define RQ_COLUMNS                                                             \
    "r.id, r.key, r.start_ns, r.end_ns, r.verb, r.url, r.host,"                \
    " r.http_status, r.substatus, r.win32_status, r.severity, r.sources,"      \
    " r.cgi_start, r.header_error, r.status_send, r.diagnosis, r.marked,"      \
    " r.cause"

void
rq_row_fini(struct rq_row *r)
{
    free(r->key);
    free(r->verb);
    free(r->url);
    free(r->host);
    free(r->diagnosis);
    free(r->cause);
    free(r->children);
    memset(r, 0, sizeof *r);
}

void
ev_row_fini(struct ev_row *e)
{
    free(e->file);
    free(e->provider);
    free(e->name);
    free(e->fields_json);
    free(e->raw);
    free(e->link_rule);
    free(e->alone_reason);
    memset(e, 0, sizeof *e);
}

void
ev_rows_free(struct ev_row *rows, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        ev_row_fini(&rows[i]);
    free(rows);
}

void
src_row_fini(struct src_row *s)
{
    free(s->path);
    free(s->format);
    free(s->sha256);
    free(s->imported_at);
    free(s->message);
    free(s->first);
    free(s->last);
    free(s->link_types);
    memset(s, 0, sizeof *s);
}

void
src_rows_free(struct src_row *rows, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        src_row_fini(&rows[i]);
    free(rows);
}

/* Read the RQ_COLUMNS of the current row. */
static void
rq_row_read(sqlite3_stmt *s, struct rq_row *r)
{
    int i;

    r->links = 0; /* query_arr_links_rows reads them */
    r->parent = STORE_NONE;
    r->children = NULL;
    r->nchildren = 0;
    r->id = sqlite3_column_int64(s, 0);
    r->key = store_col_dup(s, 1);
    r->start_ns = store_col_opt(s, 2);
    r->end_ns = store_col_opt(s, 3);
    r->verb = store_col_dup(s, 4);
    r->url = store_col_dup(s, 5);
    r->host = store_col_dup(s, 6);
    r->http_status = store_col_opt(s, 7);
    r->substatus = store_col_opt(s, 8);
    r->win32_status = store_col_opt(s, 9);
    r->severity = sqlite3_column_int(s, 10);
    r->sources = (unsigned)sqlite3_column_int(s, 11);
    for (i = 0; i < STORE_ROLE_COUNT; i++)
        r->roles[i] = store_col_opt(s, 12 + i);
    r->diagnosis = store_col_dup(s, 15);
    r->marked = sqlite3_column_int(s, 16);
    r->cause = store_col_dup(s, 17);
}

void
rq_pos_of(const struct rq_row *r, struct rq_pos *pos)
{
    pos->severity = r->severity;
    pos->start_ns = r->start_ns;
    pos->id = r->id;
}

/* Bind the filter's values as ?1..?n. */
static void
query_bind_filter(sqlite3_stmt *s, const struct filter *f)
{
    size_t i;

    for (i = 0; i < filter_nparams(f); i++) {
        if (filter_param_is_int(f, i))
            sqlite3_bind_int64(s, (int)i + 1, filter_param_int(f, i));
        else
            sqlite3_bind_text(s, (int)i + 1, filter_param_text(f, i), -1,
                              SQLITE_STATIC);
    }
}

/*
 * One keyset step: rows of the list strictly after (forward) or before the
 * position (sev, ts, id), restricted to one severity when sev_only is set.
 * Every condition is a plain range on an index prefix, so SQLite seeks
 * instead of scanning: deep pages cost what the first one does.
 */
struct page_step {
    enum rq_order order;
    int forward;
    int have_pos;   /* position given: continue after/before it */
    int sev_eq;     /* restrict to severity == sev */
    int sev_beyond; /* restrict to severities past sev in list order */
    int sev;
    int64_t ts, id;
};

/* The SQL of one keyset step selecting cols; where: filter or NULL. */
static void
query_page_sql(struct rn_buf *sql, const char *cols, const char *where,
               const struct page_step *ps, int p)
{
    const char *dir = ps->forward ? "ASC" : "DESC";

    rn_buf_printf(sql, "SELECT %s FROM request r WHERE (%s)", cols,
                  where != NULL ? where : "1");
    if (ps->sev_eq)
        rn_buf_printf(sql, " AND r.severity = ?%d", p + 2);
    if (ps->sev_beyond)
        rn_buf_printf(sql, " AND r.severity %s ?%d", ps->forward ? "<" : ">",
                      p + 2);
    if (ps->have_pos)
        rn_buf_printf(sql, " AND (r.start_ns, r.id) %s (?%d, ?%d)",
                      ps->forward ? ">" : "<", p, p + 1);
    if (ps->order == RQ_ORDER_FAILURES)
        rn_buf_printf(sql, " ORDER BY r.severity %s,",
                      ps->forward ? "DESC" : "ASC");
    else
        rn_buf_puts(sql, " ORDER BY");
    rn_buf_printf(sql, " r.start_ns %s, r.id %s LIMIT ?%d", dir, dir, p + 3);
}

/* Prepare one keyset step and bind the filter, position and limit. */
static enum rn_rc
query_page_prepare(struct store *st, const struct filter *f, const char *cols,
                   int f_in_where, const struct page_step *ps, size_t limit,
                   sqlite3_stmt **out, struct rn_err *err)
{
    struct rn_buf sql;
    int p = (int)filter_nparams(f) + 1;
    enum rn_rc rc;

    rn_buf_init(&sql, 256 * 1024);
    query_page_sql(&sql, cols, f_in_where && f != NULL ? filter_sql(f) : NULL,
                   ps, p);
    rc = store_prepare(st, rn_buf_str(&sql), out, err);
    rn_buf_fini(&sql);
    if (rc != RN_OK)
        return rc;
    query_bind_filter(*out, f);
    sqlite3_bind_int64(*out, p, ps->ts);
    sqlite3_bind_int64(*out, p + 1, ps->id);
    sqlite3_bind_int(*out, p + 2, ps->sev);
    sqlite3_bind_int64(*out, p + 3, (int64_t)limit);
    return RN_OK;
}

/* ARR relatives of request ?1 (schema.sql, arr_log): the members' requests
 * that received an X-ARR-LOG-ID it sent, and the reverse. */
#define ARR_CHILDREN_SQL                                                       \
    "SELECT DISTINCT m.request_id FROM srcreq f"                               \
    " JOIN arr_log af ON af.srcreq_id = f.id AND af.sent = 1"                  \
    " JOIN arr_log am ON am.log_id = af.log_id AND am.sent = 0"                \
    " JOIN srcreq m ON m.id = am.srcreq_id"                                    \
    " WHERE f.request_id = ?1 AND m.request_id != ?1"
#define ARR_PARENT_SQL                                                         \
    "SELECT DISTINCT f.request_id FROM srcreq m"                               \
    " JOIN arr_log am ON am.srcreq_id = m.id AND am.sent = 0"                  \
    " JOIN arr_log af ON af.log_id = am.log_id AND af.sent = 1"                \
    " JOIN srcreq f ON f.id = af.srcreq_id"                                    \
    " WHERE m.request_id = ?1 AND f.request_id != ?1"

static enum rn_rc
query_arr_links(struct store *st, struct rq_row *row, struct rn_err *err)
{
    sqlite3_stmt *s;
    size_t cap = 0;
    enum rn_rc rc = RN_OK;
    int step;

    row->parent = STORE_NONE;
    /* Lowest id first: a request forwarded twice (a retry) has one
     * parent shown, the same whatever the import order. */
    s = store_cached(st, ARR_PARENT_SQL " ORDER BY 1 LIMIT 1", err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, row->id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        row->parent = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        rc = store_dberr(st, "read ARR parent", err);
    sqlite3_reset(s);
    if (rc != RN_OK)
        return rc;
    s = store_cached(st, ARR_CHILDREN_SQL " ORDER BY 1", err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, row->id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (row->nchildren == cap) {
            cap = cap == 0 ? 4 : cap * 2;
            row->children = xrealloc(row->children, cap, sizeof(int64_t));
        }
        row->children[row->nchildren++] = sqlite3_column_int64(s, 0);
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "read ARR children", err);
    sqlite3_reset(s);
    row->links = rc == RN_OK;
    return rc;
}

/* The ARR links of rows; most stores have no ARR rows at all, and then
 * none is looked up (a list of a million requests costs one query). */
static enum rn_rc
query_arr_links_rows(struct store *st, struct rq_row *rows, size_t n,
                     struct rn_err *err)
{
    sqlite3_stmt *s =
        store_cached(st, "SELECT EXISTS (SELECT 1 FROM arr_log)", err);
    enum rn_rc rc = RN_OK;
    int any, step;
    size_t i;

    if (s == NULL)
        return RN_EDB;
    step = sqlite3_step(s);
    any = step == SQLITE_ROW && sqlite3_column_int(s, 0) != 0;
    sqlite3_reset(s);
    if (step != SQLITE_ROW)
        return store_dberr(st, "read ARR links", err);
    for (i = 0; rc == RN_OK && i < n; i++) {
        if (any)
            rc = query_arr_links(st, &rows[i], err);
        else
            rows[i].links = 1;
    }
    return rc;
}

static enum rn_rc
query_page_step(struct store *st, const struct filter *f,
                const struct page_step *ps, struct rq_row *rows, size_t limit,
                size_t *got, struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    enum rn_rc rc;
    int step = SQLITE_DONE;
    size_t first = *got;

    rc = query_page_prepare(st, f, RQ_COLUMNS, 1, ps, limit - *got, &s, err);
    if (rc != RN_OK)
        return rc;
    while (*got < limit && (step = sqlite3_step(s)) == SQLITE_ROW)
        rq_row_read(s, &rows[(*got)++]);
    if (*got < limit && step != SQLITE_DONE)
        rc = store_dberr(st, "list requests", err);
    sqlite3_finalize(s);
    if (rc == RN_OK)
        rc = query_arr_links_rows(st, rows + first, *got - first, err);
    return rc;
}

/* The keyset step that starts or continues from a position. */
static void
query_page_from(struct page_step *ps, enum rq_order order, int forward,
                const struct rq_pos *from)
{
    memset(ps, 0, sizeof *ps);
    ps->order = order;
    ps->forward = forward;
    if (from != NULL) {
        ps->have_pos = 1;
        ps->sev = from->severity;
        ps->ts = from->start_ns == STORE_NONE ? 0 : from->start_ns;
        ps->id = from->id;
        /* Failures first: finish the position's severity, then go on
         * with the severities beyond it (query_page_next). */
        ps->sev_eq = order == RQ_ORDER_FAILURES;
    }
}

/* After a step of the position's severity, the step beyond it. */
static int
query_page_next(struct page_step *ps)
{
    if (!ps->sev_eq)
        return 0;
    ps->sev_eq = 0;
    ps->sev_beyond = 1;
    ps->have_pos = 0;
    return 1;
}

enum rn_rc
query_requests_page(struct store *st, const struct filter *f,
                    enum rq_order order, const struct rq_pos *from, int forward,
                    struct rq_row *rows, size_t limit, size_t *n,
                    struct rn_err *err)
{
    struct page_step ps;
    size_t got = 0, i;
    enum rn_rc rc;

    *n = 0;
    query_page_from(&ps, order, forward, from);
    rc = query_page_step(st, f, &ps, rows, limit, &got, err);
    if (rc == RN_OK && got < limit && query_page_next(&ps))
        rc = query_page_step(st, f, &ps, rows, limit, &got, err);
    if (rc != RN_OK) {
        for (i = 0; i < got; i++)
            rq_row_fini(&rows[i]);
        return rc;
    }
    if (!forward) {
        /* Backward pages come out reversed: put them in list order. */
        for (i = 0; i < got / 2; i++) {
            struct rq_row t = rows[i];

            rows[i] = rows[got - 1 - i];
            rows[got - 1 - i] = t;
        }
    }
    *n = got;
    return RN_OK;
}

int
rq_pos_cmp(enum rq_order order, const struct rq_pos *a, const struct rq_pos *b)
{
    int64_t ta = a->start_ns == STORE_NONE ? 0 : a->start_ns;
    int64_t tb = b->start_ns == STORE_NONE ? 0 : b->start_ns;

    /* Failures first lists higher severities first. */
    if (order == RQ_ORDER_FAILURES && a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if (ta != tb)
        return ta < tb ? -1 : 1;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return 0;
}

/*
 * One keyset step of a scan slice: look at up to *budget requests, keep
 * those whose match column is set.  *end: the step ran out of requests.
 */
static enum rn_rc
query_scan_step(struct store *st, const struct filter *f,
                const struct page_step *ps, size_t *budget, struct rq_scan *sc,
                struct rq_row *rows, size_t limit, size_t *n, int *end,
                struct rn_err *err)
{
    struct rn_buf cols;
    sqlite3_stmt *s = NULL;
    enum rn_rc rc;
    int step = SQLITE_DONE;

    /* The filter is a column, not a condition: every request in the
     * window is looked at (and the position advances) matched or not. */
    rn_buf_init(&cols, 256 * 1024);
    rn_buf_printf(&cols, "r.id, r.severity, r.start_ns, (%s)",
                  f != NULL ? filter_sql(f) : "1");
    *end = 0;
    rc = query_page_prepare(st, f, rn_buf_str(&cols), 0, ps, *budget, &s, err);
    rn_buf_fini(&cols);
    if (rc != RN_OK)
        return rc;
    while (*budget > 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct rq_scan before = *sc;

        (*budget)--;
        sc->scanned++;
        sc->have_pos = 1;
        sc->pos.id = sqlite3_column_int64(s, 0);
        sc->pos.severity = sqlite3_column_int(s, 1);
        sc->pos.start_ns = store_col_opt(s, 2);
        if (sqlite3_column_int(s, 3) == 0)
            continue;
        if (limit == 0) {
            (*n)++;
            continue;
        }
        rc = query_request_get(st, sc->pos.id, &rows[*n], err);
        if (rc != RN_OK) {
            *sc = before; /* the next slice reads this match again */
            break;
        }
        if (++*n == limit)
            break;
    }
    if (rc == RN_OK && step == SQLITE_DONE)
        *end = 1;
    else if (rc == RN_OK && step != SQLITE_ROW)
        rc = store_dberr(st, "scan requests", err);
    sqlite3_finalize(s);
    return rc;
}

enum rn_rc
query_requests_scan(struct store *st, const struct filter *f,
                    enum rq_order order, int forward, size_t window,
                    struct rq_scan *sc, struct rq_row *rows, size_t limit,
                    size_t *n, struct rn_err *err)
{
    struct page_step ps;
    size_t budget = window, i;
    enum rn_rc rc;
    int end = 0;

    *n = 0;
    if (sc->done)
        return RN_OK;
    query_page_from(&ps, order, forward, sc->have_pos ? &sc->pos : NULL);
    rc = query_scan_step(st, f, &ps, &budget, sc, rows, limit, n, &end, err);
    if (rc == RN_OK && end && query_page_next(&ps))
        rc =
            query_scan_step(st, f, &ps, &budget, sc, rows, limit, n, &end, err);
    /* Past the deadline the slice just ends early: what it found and
     * where it stands are sound. */
    if (rc != RN_OK && rc != RN_ETIMEOUT) {
        for (i = 0; i < *n && limit > 0; i++)
            rq_row_fini(&rows[i]);
        *n = 0;
        return rc;
    }
    sc->done = rc == RN_OK && end;
    return rc;
}

/* Count requests matching f, with ids in [lo, hi] when ranged. */
static enum rn_rc
query_count(struct store *st, const struct filter *f, int ranged, int64_t lo,
            int64_t hi, int64_t *count, struct rn_err *err)
{
    struct rn_buf sql;
    sqlite3_stmt *s;
    int p = (int)filter_nparams(f) + 1;
    enum rn_rc rc;

    rn_buf_init(&sql, 256 * 1024);
    /* Ranged: NOT INDEXED keeps the walk on the id range (a rowid range
     * is still used); an index the filter names would read all of its
     * matches for every piece. */
    rn_buf_printf(&sql, "SELECT count(*) FROM request r%s WHERE (%s)",
                  ranged ? " NOT INDEXED" : "",
                  f != NULL ? filter_sql(f) : "1");
    if (ranged)
        rn_buf_printf(&sql, " AND r.id BETWEEN ?%d AND ?%d", p, p + 1);
    rc = store_prepare(st, rn_buf_str(&sql), &s, err);
    rn_buf_fini(&sql);
    if (rc != RN_OK)
        return rc;
    query_bind_filter(s, f);
    if (ranged) {
        sqlite3_bind_int64(s, p, lo);
        sqlite3_bind_int64(s, p + 1, hi);
    }
    if (sqlite3_step(s) == SQLITE_ROW)
        *count = sqlite3_column_int64(s, 0);
    else
        rc = store_dberr(st, "count requests", err);
    sqlite3_finalize(s);
    return rc;
}

enum rn_rc
query_requests_count(struct store *st, const struct filter *f, int64_t *count,
                     struct rn_err *err)
{
    return query_count(st, f, 0, 0, 0, count, err);
}

enum rn_rc
query_requests_count_ids(struct store *st, const struct filter *f, int64_t lo,
                         int64_t hi, int64_t *count, struct rn_err *err)
{
    return query_count(st, f, 1, lo, hi, count, err);
}

/* Fetch one request by a single-parameter condition. */
static enum rn_rc
query_request_where(struct store *st, const char *cond, int64_t id,
                    const char *key, struct rq_row *row, struct rn_err *err)
{
    struct rn_buf sql;
    sqlite3_stmt *s;
    enum rn_rc rc;
    int step;

    memset(row, 0, sizeof *row);
    rn_buf_init(&sql, 4096);
    rn_buf_printf(&sql, "SELECT " RQ_COLUMNS " FROM request r WHERE %s", cond);
    rc = store_prepare(st, rn_buf_str(&sql), &s, err);
    rn_buf_fini(&sql);
    if (rc != RN_OK)
        return rc;
    if (key != NULL)
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(s, 1, id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        rq_row_read(s, row);
    else if (step == SQLITE_DONE)
        rc = RN_ENOTFOUND;
    else
        rc = store_dberr(st, "read request", err);
    sqlite3_finalize(s);
    if (rc == RN_ENOTFOUND)
        rn_err_set(err, RN_ENOTFOUND, "no request %s",
                   key != NULL ? key : "with that id");
    if (rc == RN_OK)
        rc = query_arr_links_rows(st, row, 1, err);
    if (rc != RN_OK && rc != RN_ENOTFOUND)
        rq_row_fini(row);
    return rc;
}

enum rn_rc
query_request_get(struct store *st, int64_t id, struct rq_row *row,
                  struct rn_err *err)
{
    return query_request_where(st, "r.id = ?1", id, NULL, row, err);
}

enum rn_rc
query_request_by_key(struct store *st, const char *key, struct rq_row *row,
                     struct rn_err *err)
{
    char norm[256];

    store_key_normalise(key, norm, sizeof norm);
    /* The id is the key's hash: a look-up by id, then the key checked. */
    return query_request_where(st, "r.id = rn_request_id(?1) AND r.key = ?1", 0,
                               norm, row, err);
}

/*
 * Where a timeline places an event whose time stands for a whole second
 * (CONTRACT.md, Order): in a request a precise source saw (?2 its start,
 * ?3 its end), a W3C or HTTPERR line at the request's end when that lies
 * in the line's second, and a Log Parser event (on a whole second) not
 * before the request's start when that lies in the event's second.  An
 * ARR child's events keep their times.
 */
#define QUERY_PLACED_TS_SQL                                                    \
    "CASE WHEN q.request_id != ?1 OR e.ts_ns IS NULL THEN e.ts_ns"             \
    " WHEN e.kind IN (" RN_KINDS_LOG_SQL ") AND ?3 >= e.ts_ns"                 \
    "  AND ?3 < e.ts_ns + 1000000000 THEN ?3"                                  \
    " WHEN e.kind = " RN_KIND_ETW_SQL " AND e.ts_ns % 1000000000 = 0"          \
    "  AND ?2 > e.ts_ns"                                                       \
    "  AND ?2 < e.ts_ns + 1000000000 THEN ?2"                                  \
    " ELSE e.ts_ns END"

/* An event placed away from its logged time keeps that in its fields
 * (logged_ts, first), as a capture's keeps captured_ts. */
static void
query_note_logged(struct ev_row *e, int64_t logged)
{
    char iso[RN_TS_STR_MAX];
    const char *f = e->fields_json != NULL ? e->fields_json : "{}";
    struct rn_buf b;

    /* A field of that name from the file itself (a W3C #Fields name) is
     * not shadowed. */
    if (logged == STORE_NONE || f[0] != '{' ||
        strstr(f, "\"logged_ts\":") != NULL)
        return;
    rn_time_format(logged, iso);
    rn_buf_init(&b, strlen(f) + 64);
    rn_buf_printf(&b, "{\"logged_ts\":\"%s\"%s%s", iso, f[1] != '}' ? "," : "",
                  f + 1);
    free(e->fields_json);
    e->fields_json = xstrdup(rn_buf_str(&b));
    rn_buf_fini(&b);
}

enum rn_rc
query_timeline(struct store *st, const struct rq_row *req, struct ev_row **rows,
               size_t *n, struct rn_err *err)
{
    sqlite3_stmt *s;
    struct ev_row *v = NULL;
    size_t cap = 0, got = 0;
    enum rn_rc rc;
    int step, r;

    *rows = NULL;
    *n = 0;
    rc = store_prepare(
        st,
        "SELECT e.uid, " QUERY_PLACED_TS_SQL " AS ts, e.kind, src.path, e.seq,"
        " e.line, e.provider, e.name, e.level, e.fields, e.raw,"
        " q.request_id != ?1, q.id, q.link_rule, q.link_margin_ns,"
        " q.alone_reason, e.ts_ns FROM srcreq q"
        " JOIN event e ON e.srcreq_id = q.id"
        " JOIN source src ON src.id = e.source_id"
        /* An ARR front end's timeline holds its members' events too. */
        " WHERE q.request_id = ?1 OR q.request_id IN (" ARR_CHILDREN_SQL ")"
        " ORDER BY ts IS NULL, ts, e.kind, e.seq, e.id",
        &s, err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, req->id);
    store_bind_opt(s, 2, req->start_ns);
    store_bind_opt(s, 3, req->end_ns);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct ev_row *e;

        if (got == cap) {
            cap = cap == 0 ? 32 : cap * 2;
            v = xrealloc(v, cap, sizeof *v);
        }
        e = &v[got++];
        e->uid = sqlite3_column_int64(s, 0);
        e->ts_ns = store_col_opt(s, 1);
        e->kind = sqlite3_column_int(s, 2);
        e->file = store_col_dup(s, 3);
        e->seq = sqlite3_column_int64(s, 4);
        e->line = store_col_opt(s, 5);
        e->provider = store_col_dup(s, 6);
        e->name = store_col_dup(s, 7);
        e->level = store_col_opt(s, 8);
        e->fields_json = store_col_dup(s, 9);
        e->raw = store_col_dup(s, 10);
        e->child = sqlite3_column_int(s, 11);
        e->srcreq = sqlite3_column_int64(s, 12);
        e->link_rule = store_col_dup(s, 13);
        e->link_margin_ns = store_col_opt(s, 14);
        e->alone_reason = store_col_dup(s, 15);
        if (e->ts_ns != store_col_opt(s, 16))
            query_note_logged(e, store_col_opt(s, 16));
        e->role = -1;
        for (r = 0; r < STORE_ROLE_COUNT; r++) {
            if (req->roles[r] == e->uid)
                e->role = r;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "read timeline", err);
    sqlite3_finalize(s);
    if (rc != RN_OK) {
        ev_rows_free(v, got);
        return rc;
    }
    *rows = v;
    *n = got;
    return RN_OK;
}

enum rn_rc
query_set_marked(struct store *st, int64_t id, int marked, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;

    rc = store_prepare(st, "UPDATE request SET marked = ?2 WHERE id = ?1", &s,
                       err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, marked != 0);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "mark request", err);
    else if (sqlite3_changes(store_db(st)) == 0)
        rc = rn_err_set(err, RN_ENOTFOUND, "no request %" PRId64, id);
    sqlite3_finalize(s);
    return rc;
}

enum rn_rc
query_sources(struct store *st, struct src_row **rows, size_t *n,
              struct rn_err *err)
{
    sqlite3_stmt *s;
    struct src_row *v = NULL;
    size_t cap = 0, got = 0;
    enum rn_rc rc;
    int step;

    *rows = NULL;
    *n = 0;
    rc = store_prepare(st,
                       "SELECT id, path, kind, format, size, sha256,"
                       " imported_at, events, requests, warnings, truncated,"
                       " message, clock_offset_ns, clock_offset_given,"
                       " clock_offset_matches, json_extract(c, '$.frames'),"
                       " json_extract(c, '$.first'), json_extract(c, '$.last'),"
                       " (SELECT group_concat(value, ',') FROM"
                       "   json_each(c, '$.link_types')),"
                       " json_extract(c, '$.packet_events'),"
                       " json_extract(c, '$.packet_events_truncated')"
                       " FROM (SELECT *, CASE WHEN json_valid(capture)"
                       "   THEN capture END AS c FROM source) ORDER BY id",
                       &s, err);
    if (rc != RN_OK)
        return rc;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct src_row *r;

        if (got == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            v = xrealloc(v, cap, sizeof *v);
        }
        r = &v[got++];
        r->id = sqlite3_column_int64(s, 0);
        r->path = store_col_dup(s, 1);
        r->kind = sqlite3_column_int(s, 2);
        r->format = store_col_dup(s, 3);
        r->size = sqlite3_column_int64(s, 4);
        r->sha256 = store_col_dup(s, 5);
        r->imported_at = store_col_dup(s, 6);
        r->events = sqlite3_column_int64(s, 7);
        r->requests = sqlite3_column_int64(s, 8);
        r->warnings = sqlite3_column_int64(s, 9);
        r->truncated = sqlite3_column_int(s, 10);
        r->message = store_col_dup(s, 11);
        r->clock_offset_ns = store_col_opt(s, 12);
        r->clock_offset_given = sqlite3_column_int(s, 13);
        r->clock_offset_matches = store_col_opt(s, 14);
        r->frames = store_col_opt(s, 15);
        r->first = store_col_dup(s, 16);
        r->last = store_col_dup(s, 17);
        r->link_types = store_col_dup(s, 18);
        r->packet_events = store_col_opt(s, 19);
        r->packet_events_truncated = store_col_opt(s, 20);
        r->linked = -1;
        r->alone_no_candidate = r->alone_conflict = -1;
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "list sources", err);
    sqlite3_finalize(s);
    if (rc != RN_OK) {
        src_rows_free(v, got);
        return rc;
    }
    *rows = v;
    *n = got;
    return RN_OK;
}

void
skip_rows_free(struct skip_row *rows, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(rows[i].path);
        free(rows[i].state);
        free(rows[i].format);
        free(rows[i].sha256);
        free(rows[i].imported_at);
        free(rows[i].message);
    }
    free(rows);
}

enum rn_rc
query_skipped(struct store *st, struct skip_row **rows, size_t *n,
              struct rn_err *err)
{
    sqlite3_stmt *s;
    struct skip_row *v = NULL;
    size_t cap = 0, got = 0;
    enum rn_rc rc;
    int step;

    *rows = NULL;
    *n = 0;
    /* A store opened read-only before any import wrote the table. */
    if (!store_has_table(st, "skipped_file"))
        return RN_OK;
    rc = store_prepare(st,
                       "SELECT path, state, format, size, sha256, imported_at,"
                       " message FROM skipped_file ORDER BY path",
                       &s, err);
    if (rc != RN_OK)
        return rc;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct skip_row *r;

        if (got == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            v = xrealloc(v, cap, sizeof *v);
        }
        r = &v[got++];
        r->path = store_col_dup(s, 0);
        r->state = store_col_dup(s, 1);
        r->format = store_col_dup(s, 2);
        r->size = store_col_opt(s, 3);
        r->sha256 = store_col_dup(s, 4);
        r->imported_at = store_col_dup(s, 5);
        r->message = store_col_dup(s, 6);
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "list skipped files", err);
    sqlite3_finalize(s);
    if (rc != RN_OK) {
        skip_rows_free(v, got);
        return rc;
    }
    *rows = v;
    *n = got;
    return RN_OK;
}

/* Set row's alone counts from its linked count and conflicts. */
static void
query_source_alone(struct src_row *row, int64_t conflict)
{
    const struct rn_kind *k = rn_kind_get(row->kind);

    row->alone_no_candidate = row->alone_conflict = -1;
    if (k == NULL || k->match == RN_MATCH_GUID || row->linked < 0)
        return;
    /* An alone line or exchange not stamped conflict had no candidate
     * (an exchange of a capture nothing was near was never matched). */
    row->alone_conflict = conflict;
    row->alone_no_candidate = row->requests - row->linked - conflict;
    if (row->alone_no_candidate < 0)
        row->alone_no_candidate = 0;
}

/*
 * Does the store hold sources of one kind at most?  Then no source request
 * is linked to another kind's and none was left alone by conflict (only a
 * candidate of another kind can conflict), and nothing needs counting.
 * Sources are never removed, so a store of one kind never held another.
 */
static enum rn_rc
query_one_kind(struct store *st, int *one, struct rn_err *err)
{
    int64_t v = 0;
    enum rn_rc rc =
        store_int(st, "SELECT coalesce(min(kind) = max(kind), 1) FROM source",
                  "source kinds", &v, err);

    *one = v != 0;
    return rc;
}

/* The row of source id in rows (sorted by id, as query_sources gives
 * them), or NULL. */
static struct src_row *
query_source_find(struct src_row *rows, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (rows[mid].id == id)
            return &rows[mid];
        if (rows[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The source requests of one request (or one with none), as the sorted
 * walk of query_source_links meets them. */
struct query_links_group {
    int64_t request_id; /* 0: none yet */
    int min_kind, max_kind;
    size_t n, cap;
    struct query_links_member {
        int64_t source_id;
        int conflict;
    } * m;
};

/* Count a finished group into its sources: all linked when the request
 * holds more than one kind; else each conflict stamp counts (conflict[i]
 * for rows[i]). */
static void
query_links_flush(struct query_links_group *g, struct src_row *rows, size_t n,
                  int64_t *conflict)
{
    int linked = g->request_id != 0 && g->min_kind != g->max_kind;
    size_t i;

    for (i = 0; i < g->n; i++) {
        struct src_row *r = query_source_find(rows, n, g->m[i].source_id);

        if (r == NULL)
            continue;
        if (linked)
            r->linked++;
        else
            conflict[r - rows] += g->m[i].conflict;
    }
    g->n = 0;
}

/* Add a source request to the group, flushing the one before it when it
 * belongs to another request (or to none: each is its own group). */
static void
query_links_add(struct query_links_group *g, sqlite3_stmt *s,
                struct src_row *rows, size_t n, int64_t *conflict)
{
    int64_t request_id = sqlite3_column_type(s, 0) == SQLITE_NULL
                             ? 0
                             : sqlite3_column_int64(s, 0);
    int kind = sqlite3_column_int(s, 1);

    if (g->n > 0 && (request_id == 0 || request_id != g->request_id))
        query_links_flush(g, rows, n, conflict);
    if (g->n == 0) {
        g->request_id = request_id;
        g->min_kind = g->max_kind = kind;
    }
    g->min_kind = kind < g->min_kind ? kind : g->min_kind;
    g->max_kind = kind > g->max_kind ? kind : g->max_kind;
    if (g->n == g->cap) {
        g->cap = g->cap == 0 ? 8 : g->cap * 2;
        g->m = xrealloc(g->m, g->cap, sizeof *g->m);
    }
    g->m[g->n].source_id = sqlite3_column_int64(s, 2);
    g->m[g->n].conflict = sqlite3_column_int(s, 3);
    g->n++;
}

/*
 * One walk of the source requests in request order: a request's source
 * requests are linked when it holds more than one kind (then each has
 * another kind beside it).  The order is SQLite's sort of the table read
 * once (`+request_id` keeps it off the request index, whose order would
 * cost a row lookup each): 0.19 s on 257,000 source requests, against
 * 0.5-0.65 s for a lookup of the others of each one's request.
 */
enum rn_rc
query_source_links(struct store *st, struct src_row *rows, size_t n,
                   struct rn_err *err)
{
    struct query_links_group g;
    int64_t *conflict;
    sqlite3_stmt *s;
    enum rn_rc rc;
    size_t i;
    int step, one = 0;

    for (i = 0; i < n; i++) {
        rows[i].linked = 0;
        query_source_alone(&rows[i], 0);
    }
    rc = query_one_kind(st, &one, err);
    if (rc != RN_OK || one)
        return rc;
    rc = store_prepare(st,
                       "SELECT request_id, kind, source_id, coalesce("
                       "alone_reason = '" STORE_ALONE_CONFLICT
                       "', 0) FROM srcreq ORDER BY +request_id",
                       &s, err);
    if (rc != RN_OK)
        return rc;
    memset(&g, 0, sizeof g);
    conflict = xcalloc(n > 0 ? n : 1, sizeof *conflict);
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        query_links_add(&g, s, rows, n, conflict);
    query_links_flush(&g, rows, n, conflict);
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "count linked source requests", err);
    sqlite3_finalize(s);
    for (i = 0; i < n; i++)
        query_source_alone(&rows[i], conflict[i]);
    free(conflict);
    free(g.m);
    return rc;
}

enum rn_rc
query_totals(struct store *st, int64_t *failed, int64_t *events,
             struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;

    rc = store_prepare(
        st,
        "SELECT (SELECT count(*) FROM request WHERE severity = 2),"
        " (SELECT coalesce(sum(events), 0) FROM source)",
        &s, err);
    if (rc != RN_OK)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *failed = sqlite3_column_int64(s, 0);
        *events = sqlite3_column_int64(s, 1);
    } else {
        rc = store_dberr(st, "count", err);
    }
    sqlite3_finalize(s);
    return rc;
}

void
cause_rows_free(struct cause_row *rows, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(rows[i].cause);
    free(rows);
}

/* Position of a cause in the table (http_NNN after it, by status). */
static size_t
query_cause_rank(const char *id)
{
    const struct rn_cause *tab, *c = rn_cause_find(id);
    size_t n;

    tab = rn_cause_table(&n);
    return c != NULL ? (size_t)(c - tab) : n + (size_t)strtol(id + 5, NULL, 10);
}

static int
query_cause_cmp(const void *va, const void *vb)
{
    const struct cause_row *a = va, *b = vb;
    size_t ra, rb;

    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    ra = query_cause_rank(a->cause);
    rb = query_cause_rank(b->cause);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return strcmp(a->cause, b->cause);
}

/* Read the summary's rows from a prepared statement. */
static enum rn_rc
query_causes_read(struct store *st, sqlite3_stmt *s, struct cause_row **rows,
                  size_t *n, struct rn_err *err)
{
    size_t cap = 0;
    int step;

    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct cause_row *c;
        int64_t lo = sqlite3_column_int64(s, 2),
                hi = sqlite3_column_int64(s, 3);

        if (*n == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            *rows = xrealloc(*rows, cap, sizeof **rows);
        }
        c = &(*rows)[(*n)++];
        c->cause = store_col_dup(s, 0);
        c->count = sqlite3_column_int64(s, 1);
        /* status * 10000 + substatus: one status when min and max agree. */
        c->status = lo == hi && lo >= 0 ? lo / 10000 : STORE_NONE;
        c->substatus = lo == hi && lo >= 0 ? lo % 10000 : STORE_NONE;
    }
    if (step != SQLITE_DONE)
        return store_dberr(st, "causes", err);
    return RN_OK;
}

enum rn_rc
query_causes(struct store *st, const struct filter *f, struct cause_row **rows,
             size_t *n, struct rn_err *err)
{
    struct rn_buf sql;
    sqlite3_stmt *s;
    enum rn_rc rc;

    *rows = NULL;
    *n = 0;
    rn_buf_init(&sql, 256 * 1024);
    rn_buf_printf(&sql,
                  "SELECT r.cause, count(*),"
                  " min(coalesce(r.http_status, -1) * 10000"
                  " + coalesce(r.substatus, 0)),"
                  " max(coalesce(r.http_status, -1) * 10000"
                  " + coalesce(r.substatus, 0))"
                  " FROM request r WHERE r.cause IS NOT NULL AND (%s)"
                  " GROUP BY r.cause",
                  f != NULL ? filter_sql(f) : "1");
    rc = store_prepare(st, rn_buf_str(&sql), &s, err);
    rn_buf_fini(&sql);
    if (rc != RN_OK)
        return rc;
    if (f != NULL)
        query_bind_filter(s, f);
    rc = query_causes_read(st, s, rows, n, err);
    sqlite3_finalize(s);
    if (rc != RN_OK) {
        cause_rows_free(*rows, *n);
        *rows = NULL;
        *n = 0;
        return rc;
    }
    if (*n > 1)
        qsort(*rows, *n, sizeof **rows, query_cause_cmp);
    return RN_OK;
}

enum rn_rc
query_source_kinds(struct store *st, unsigned *mask, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;
    int r;

    *mask = 0;
    rc = store_prepare(st, "SELECT DISTINCT kind FROM source", &s, err);
    if (rc != RN_OK)
        return rc;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        int k = sqlite3_column_int(s, 0);

        if (k >= 1 && k <= STORE_KIND_MAX)
            *mask |= 1u << (k - 1);
    }
    if (r != SQLITE_DONE)
        rc = store_dberr(st, "source kinds", err);
    sqlite3_finalize(s);
    return rc;
}

enum rn_rc
query_request_source_ids(struct store *st, int64_t id, int64_t *ids, size_t max,
                         size_t *n, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;
    int r;

    *n = 0;
    rc = store_prepare(st,
                       "SELECT DISTINCT source_id FROM srcreq "
                       "WHERE request_id = ?1",
                       &s, err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n < max)
            ids[*n] = sqlite3_column_int64(s, 0);
        (*n)++;
    }
    if (r != SQLITE_DONE)
        rc = store_dberr(st, "request sources", err);
    sqlite3_finalize(s);
    return rc;
}
