/*
 * Correlation rules for W3C and HTTPERR log lines.  A line carries no
 * request GUID, so it is matched by what it shares with the requests the
 * precise sources saw: IIS's own (ETW, FREB) and captured exchanges (their
 * clock offset applied), so that a request HTTP.sys served from its
 * kernel cache, which IIS's trace never sees, is still one row of line and
 * exchange, and its line does not take another request's place.
 *
 *   time   W3C times are the request's END time truncated to the second
 *          (FORMATS.md F.1): a precise end must fall in that second (a
 *          little slack before it is allowed, at a cost), and its duration
 *          agree with time-taken (which may hold the wait for the client's
 *          last ACK); the closer time-taken is, the cheaper the pair
 *          (match_w3c_cost).
 *   URL    path and query, percent-decoded and folded alike on both sides.
 *   verb, status, substatus, client address and port: equal whenever
 *          both sides know them; a request one of whose sources contradicts
 *          the line (an exchange from another client) is no candidate.
 *
 * Lines and requests linked by candidate pairs form a component, assigned
 * one to one keeping both in time order (match_assign_ordered): lines in
 * completion order, requests by their end.  Evidence flows one way, from
 * the precise sources to the log: the capture's links never read the
 * lines', and each line (with its component) is matched again whenever a
 * source that can change it arrives, a capture once its offset is applied
 * (correlate_w3c_rescan), so the links depend on the set of imported
 * sources, not on their order.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "correlate.h"
#include "ingest_impl.h"
#include "match.h"
#include "rn_i64set.h"
#include "rn_kind.h"
#include "rn_time.h"
#include "rn_url.h"
#include "store_impl.h"
#include "triage.h"
#include "xmalloc.h"

#define W3C_SLACK_NS (2 * RN_NS_PER_SEC)
/* How far an IIS end may lie outside a line's second (match.c). */
#define W3C_END_SLACK_NS (50 * 1000000LL)
/* Longest request considered when a line has no time-taken. */
#define W3C_MAX_SPAN_NS (3600 * RN_NS_PER_SEC)
#define W3C_MAX_CAND    64
/* Largest set of lines and requests assigned together (a component of
 * the candidate graph); past it a line links only when unambiguous. */
#define W3C_MAX_COMP 256

/* Columns read for both sides of a match. */
#define W3C_COLS                                                               \
    "id, request_id, kind, key, start_ns, end_ns, verb, url, http_status,"     \
    " substatus, client_addr, client_port, truncated,"                         \
    " json_extract(attrs, '$.time_taken_ms'), link_rule,"                      \
    " CASE WHEN kind = " RN_KINDS_CAPTURE_SQL " THEN"                          \
    "   coalesce(json_extract(attrs, '$.response_complete'), 0)"               \
    " ELSE EXISTS (SELECT 1 FROM event e WHERE e.srcreq_id = srcreq.id"        \
    "   AND e.name = '" TRIAGE_EV_REQUEST_END "') END"

/* What a line is matched against: source requests with precise times,
 * IIS's own (ETW, FREB) and captured exchanges (their clock offset
 * applied).  A request HTTP.sys served from its cache is in the log and
 * the capture but not in IIS's trace: without the exchange its line
 * would take the place of another request's in the same second. */
#define W3C_PRECISE_SQL RN_KINDS_GUID_SQL ", " RN_KINDS_CAPTURE_SQL

/* One side of a match: a log line or an IIS source request. */
struct w3c_row {
    int64_t id, request_id;
    int kind;
    char *key, *verb, *path, *query, *client, *rule;
    int64_t start, end, status, sub, cport;
    int64_t taken;   /* lines: time-taken in ns, or STORE_NONE */
    int taken_known; /* lines: start = end - time-taken */
    int complete;    /* IIS: not truncated and has GENERAL_REQUEST_END */
};

static void
w3c_row_fini(struct w3c_row *r)
{
    free(r->key);
    free(r->verb);
    free(r->path);
    free(r->query);
    free(r->client);
    free(r->rule);
    memset(r, 0, sizeof *r);
}

/* The comparable path of a URL: no scheme/host, no query, decoded. */
static char *
w3c_path(const char *url)
{
    const char *p;

    if (url == NULL || url[0] == '\0')
        return NULL;
    p = strstr(url, "://") != NULL ? rn_url_path(url) : url;
    return rn_url_fold(p, strcspn(p, "?#"));
}

/* The comparable query of a URL: decoded, folded, without '#'. */
static char *
w3c_query(const char *url)
{
    const char *q;

    if (url == NULL || (q = strchr(url, '?')) == NULL)
        return NULL;
    q++;
    return rn_url_fold(q, strcspn(q, "#"));
}

/* Read a W3C_COLS row. */
static void
w3c_row_read(sqlite3_stmt *s, struct w3c_row *r)
{
    char *url;

    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, 0);
    r->request_id = sqlite3_column_int64(s, 1);
    r->kind = sqlite3_column_int(s, 2);
    r->key = store_col_dup(s, 3);
    r->start = store_col_opt(s, 4);
    r->end = store_col_opt(s, 5);
    r->verb = store_col_dup(s, 6);
    url = store_col_dup(s, 7);
    r->path = w3c_path(url);
    r->query = w3c_query(url);
    free(url);
    r->status = store_col_opt(s, 8);
    r->sub = store_col_opt(s, 9);
    r->client = store_col_dup(s, 10);
    r->cport = store_col_opt(s, 11);
    r->taken_known = sqlite3_column_type(s, 13) != SQLITE_NULL;
    r->taken =
        r->taken_known ? sqlite3_column_int64(s, 13) * 1000000 : STORE_NONE;
    r->rule = store_col_dup(s, 14);
    r->complete = sqlite3_column_int(s, 12) == 0 && sqlite3_column_int(s, 15);
}

/* A w3c_row as the matching core sees it. */
static struct match_req
w3c_req(const struct w3c_row *r)
{
    struct match_req m;

    memset(&m, 0, sizeof m);
    m.start = r->start == STORE_NONE ? MATCH_NONE : r->start;
    m.end = r->end == STORE_NONE ? MATCH_NONE : r->end;
    m.taken = r->taken == STORE_NONE ? MATCH_NONE : r->taken;
    m.complete = r->complete;
    m.verb = r->verb;
    m.path = r->path;
    m.query = r->query;
    m.client = r->client;
    m.status = r->status == STORE_NONE ? MATCH_NONE : r->status;
    m.sub = r->sub == STORE_NONE ? MATCH_NONE : r->sub;
    m.cport = r->cport == STORE_NONE ? MATCH_NONE : r->cport;
    return m;
}

/*
 * May line l describe the same request as IIS source request i
 * (match_w3c_cost)?  Sets *client when the client address took part and
 * *cost.
 */
static int
w3c_pred(const struct w3c_row *l, const struct w3c_row *i, int *client,
         int64_t *cost)
{
    struct match_req ml = w3c_req(l), mi = w3c_req(i);

    return match_w3c_cost(&ml, &mi, cost, client);
}

/* Load one source request by id. */
static enum rn_rc
w3c_load(struct store *st, int64_t id, struct w3c_row *r, int *found,
         struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    *found = 0;
    s = store_cached(st, "SELECT " W3C_COLS " FROM srcreq WHERE id = ?1", err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        w3c_row_read(s, r);
        *found = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_dberr(st, "read log line", err);
    }
    sqlite3_reset(s);
    return rc;
}

/* Candidate requests of a line: distinct request ids, client use, the
 * cheapest cost of their IIS source requests, their end and the earliest
 * time the line could have been written if theirs (match_w3c_written;
 * MATCH_NONE when unknown). */
struct w3c_cands {
    int64_t req[W3C_MAX_CAND];
    int client[W3C_MAX_CAND];
    int64_t cost[W3C_MAX_CAND], end[W3C_MAX_CAND], wr[W3C_MAX_CAND];
    int n;
    int overflow;
    /* An IIS request of the line's path ended in the line's second,
     * whatever the rest of the evidence said: alone, the line stayed so
     * by conflict, not for want of a candidate. */
    int near;
};

/* Drop from c the requests in bad (nbad of them). */
static void
w3c_cands_drop(struct w3c_cands *c, const int64_t *bad, int nbad)
{
    int k, j, n = 0;

    for (k = 0; k < c->n; k++) {
        for (j = 0; j < nbad && bad[j] != c->req[k]; j++)
            ;
        if (j < nbad)
            continue;
        c->req[n] = c->req[k];
        c->client[n] = c->client[k];
        c->cost[n] = c->cost[k];
        c->wr[n] = c->wr[k];
        c->end[n++] = c->end[k];
    }
    c->n = n;
}

/*
 * Does IIS row i hold l's path and end where l's time says (the second of
 * its entry, with match_w3c_cost's slack)?  Only rows near l's start,
 * where a new IIS source makes w3c_collect_iis look at l again, so that
 * the answer does not depend on import order.
 */
static int
w3c_near(const struct w3c_row *l, const struct w3c_row *i)
{
    if (l->path == NULL || i->path == NULL || strcmp(l->path, i->path) != 0 ||
        l->start == STORE_NONE || l->end == STORE_NONE || i->end == STORE_NONE)
        return 0;
    if (i->end < l->end - W3C_END_SLACK_NS ||
        i->end > l->end + RN_NS_PER_SEC + W3C_END_SLACK_NS)
        return 0;
    return (i->start != STORE_NONE && i->start >= l->start - W3C_SLACK_NS &&
            i->start <= l->start + W3C_SLACK_NS) ||
           (i->end >= l->start - W3C_SLACK_NS &&
            i->end <= l->start + W3C_SLACK_NS);
}

/* Every IIS request that line l matches: one of its precise source
 * requests matches l and none contradicts it (an exchange from another
 * client linked to an ETW trace that knows no client). */
static enum rn_rc
w3c_candidates(struct store *st, const struct w3c_row *l, struct w3c_cands *c,
               struct rn_err *err)
{
    sqlite3_stmt *s;
    int64_t lo, hi, bad[W3C_MAX_CAND];
    int nbad = 0;
    enum rn_rc rc = RN_OK;
    int step, k;

    memset(c, 0, sizeof *c);
    if (l->end == STORE_NONE || l->path == NULL)
        return RN_OK;
    if (l->taken_known) {
        lo = l->start - W3C_SLACK_NS;
        hi = l->start + W3C_SLACK_NS;
    } else {
        lo = l->end - W3C_MAX_SPAN_NS;
        hi = l->end + W3C_SLACK_NS;
    }
    s = store_cached(st,
                     "SELECT " W3C_COLS
                     " FROM srcreq WHERE kind IN (" W3C_PRECISE_SQL ")"
                     " AND start_ns BETWEEN ?1 AND ?2"
                     " AND request_id IS NOT NULL",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, lo);
    sqlite3_bind_int64(s, 2, hi);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct w3c_row i;
        struct match_req ml, mi;
        int client = 0;
        int64_t cost;

        w3c_row_read(s, &i);
        c->near |= w3c_near(l, &i);
        ml = w3c_req(l);
        mi = w3c_req(&i);
        /* Rows for other URLs are other requests' (a request holds one
         * URL): only those for the line's can contradict it. */
        if (i.path != NULL && strcmp(i.path, l->path) == 0 &&
            match_conflicts(&ml, &mi)) {
            if (nbad < W3C_MAX_CAND)
                bad[nbad++] = i.request_id;
            else
                c->overflow = 1;
        } else if (w3c_pred(l, &i, &client, &cost)) {
            int64_t wr = match_w3c_written(&ml, &mi);

            for (k = 0; k < c->n && c->req[k] != i.request_id; k++)
                ;
            if (k == c->n) {
                if (c->n == W3C_MAX_CAND) {
                    c->overflow = 1;
                } else {
                    c->req[c->n] = i.request_id;
                    c->cost[c->n] = cost;
                    c->wr[c->n] = wr;
                    c->end[c->n] = i.end != STORE_NONE ? i.end : i.start;
                    c->client[c->n++] = client;
                }
            } else {
                int64_t end = i.end != STORE_NONE ? i.end : i.start;

                c->client[k] |= client;
                if (cost < c->cost[k])
                    c->cost[k] = cost;
                /* The earliest end of its rows, whichever was read first:
                 * the order of requests must not depend on row ids. */
                if (end < c->end[k])
                    c->end[k] = end;
                if (wr != MATCH_NONE &&
                    (c->wr[k] == MATCH_NONE || wr < c->wr[k]))
                    c->wr[k] = wr;
            }
        }
        w3c_row_fini(&i);
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "match log line", err);
    sqlite3_reset(s);
    w3c_cands_drop(c, bad, nbad);
    return rc;
}

/*
 * Does another line of l's kind (with another key) match IIS source
 * request i?  lines is the statement of w3c_contested, reset here.
 */
static enum rn_rc
w3c_lines_contest(struct store *st, sqlite3_stmt *lines,
                  const struct w3c_row *l, const struct w3c_row *i,
                  int *contested, struct rn_err *err)
{
    int step;

    sqlite3_reset(lines);
    sqlite3_bind_int(lines, 1, l->kind);
    sqlite3_bind_int64(lines, 2, l->id);
    /* Lines with time-taken start near i's start; lines without it
     * have start = end, near i's end. */
    sqlite3_bind_int64(lines, 3, i->start - W3C_SLACK_NS);
    sqlite3_bind_int64(lines, 4, i->start + W3C_SLACK_NS);
    sqlite3_bind_int64(lines, 5, i->end - W3C_SLACK_NS);
    sqlite3_bind_int64(lines, 6, i->end + W3C_SLACK_NS);
    while ((step = sqlite3_step(lines)) == SQLITE_ROW) {
        struct w3c_row o;
        int client = 0;
        int64_t cost;

        w3c_row_read(lines, &o);
        if (strcmp(o.key, l->key) != 0 && w3c_pred(&o, i, &client, &cost))
            *contested = 1;
        w3c_row_fini(&o);
        if (*contested)
            return RN_OK;
    }
    return step == SQLITE_DONE ? RN_OK
                               : store_dberr(st, "match log lines", err);
}

/*
 * Does another line of l's kind (with another key) match one of request
 * R's IIS source requests?  Then R is ambiguous for l.
 */
static enum rn_rc
w3c_contested(struct store *st, const struct w3c_row *l, int64_t request_id,
              int *contested, struct rn_err *err)
{
    sqlite3_stmt *iis, *lines;
    enum rn_rc rc = RN_OK;
    int step = SQLITE_DONE;

    *contested = 0;
    iis = store_cached(st,
                       "SELECT " W3C_COLS " FROM srcreq WHERE request_id = ?1"
                       " AND kind IN (" W3C_PRECISE_SQL ")",
                       err);
    lines = store_cached(st,
                         "SELECT " W3C_COLS " FROM srcreq WHERE kind = ?1"
                         " AND id != ?2 AND (start_ns BETWEEN ?3 AND ?4"
                         " OR start_ns BETWEEN ?5 AND ?6)",
                         err);
    if (iis == NULL || lines == NULL)
        return RN_EDB;
    sqlite3_bind_int64(iis, 1, request_id);
    while (rc == RN_OK && !*contested &&
           (step = sqlite3_step(iis)) == SQLITE_ROW) {
        struct w3c_row i;

        w3c_row_read(iis, &i);
        if (i.start != STORE_NONE && i.end != STORE_NONE)
            rc = w3c_lines_contest(st, lines, l, &i, contested, err);
        w3c_row_fini(&i);
    }
    if (rc == RN_OK && !*contested && step != SQLITE_DONE)
        rc = store_dberr(st, "match requests", err);
    sqlite3_reset(iis);
    sqlite3_reset(lines);
    return rc;
}

/* The rule name for a link of a line of this kind. */
static const char *
w3c_rule(int kind, int client)
{
    if (kind == STORE_KIND_HTTPERR)
        return client ? "httperr_time_url_status_client"
                      : "httperr_time_url_status";
    return client ? "w3c_time_url_status_client" : "w3c_time_url_status";
}

/*
 * The component of the candidate graph around a line: the lines (of its
 * kind) and IIS requests linked by candidate pairs, closed under both
 * directions, so that it is the same set whichever of its lines it is
 * built from; the assignment over it then does not depend on import order.
 */
struct w3c_comp {
    struct w3c_row line[W3C_MAX_COMP];
    int64_t req[W3C_MAX_COMP], req_end[W3C_MAX_COMP];
    /* The earliest time a line of the component could have been written
     * if the request's (MATCH_NONE: none can say): the requests' order. */
    int64_t req_wr[W3C_MAX_COMP];
    struct match_edge edge[W3C_MAX_COMP * 4];
    int edge_client[W3C_MAX_COMP * 4];
    unsigned char near[W3C_MAX_COMP]; /* per line: w3c_cands.near */
    size_t nl, nr, ne;
    int overflow;
};

static void
w3c_comp_fini(struct w3c_comp *c)
{
    size_t k;

    for (k = 0; k < c->nl; k++)
        w3c_row_fini(&c->line[k]);
    c->nl = 0;
}

/* Index of request id r in c, added if new; W3C_MAX_COMP when full. */
static size_t
w3c_comp_req(struct w3c_comp *c, int64_t r, int64_t end)
{
    size_t k;

    for (k = 0; k < c->nr && c->req[k] != r; k++)
        ;
    if (k == c->nr) {
        if (c->nr == W3C_MAX_COMP) {
            c->overflow = 1;
            return W3C_MAX_COMP;
        }
        c->req[c->nr] = r;
        c->req_wr[c->nr] = MATCH_NONE;
        c->req_end[c->nr++] = end;
    }
    return k;
}

/* Add a candidate pair unless it is there. */
static void
w3c_comp_edge(struct w3c_comp *c, size_t a, size_t b, int64_t cost, int client)
{
    size_t k;

    for (k = 0; k < c->ne; k++) {
        if (c->edge[k].a == a && c->edge[k].b == b)
            return;
    }
    if (c->ne == sizeof c->edge / sizeof c->edge[0]) {
        c->overflow = 1;
        return;
    }
    c->edge[c->ne] = (struct match_edge){a, b, cost};
    c->edge_client[c->ne++] = client;
}

/* Add line l (taking its strings) unless it is there. */
static void
w3c_comp_line(struct w3c_comp *c, struct w3c_row *l)
{
    size_t k;

    for (k = 0; k < c->nl && c->line[k].id != l->id; k++)
        ;
    if (k < c->nl || c->nl == W3C_MAX_COMP) {
        c->overflow |= k == c->nl;
        w3c_row_fini(l);
        return;
    }
    c->line[c->nl++] = *l;
    memset(l, 0, sizeof *l);
}

/* The lines of kind (other than those in c) that match request r's IIS
 * source requests, into c. */
static enum rn_rc
w3c_comp_lines_of(struct store *st, struct w3c_comp *c, int kind, int64_t r,
                  struct rn_err *err)
{
    sqlite3_stmt *iis, *lines;
    enum rn_rc rc = RN_OK;
    int step;

    iis = store_cached(st,
                       "SELECT " W3C_COLS " FROM srcreq WHERE request_id = ?1"
                       " AND kind IN (" W3C_PRECISE_SQL ")",
                       err);
    lines = store_cached(st,
                         "SELECT " W3C_COLS " FROM srcreq WHERE kind = ?1"
                         " AND (start_ns BETWEEN ?2 AND ?3"
                         " OR start_ns BETWEEN ?4 AND ?5)",
                         err);
    if (iis == NULL || lines == NULL)
        return RN_EDB;
    sqlite3_bind_int64(iis, 1, r);
    while (rc == RN_OK && (step = sqlite3_step(iis)) == SQLITE_ROW) {
        struct w3c_row i;
        int lstep;

        w3c_row_read(iis, &i);
        if (i.start == STORE_NONE) {
            w3c_row_fini(&i);
            continue;
        }
        sqlite3_reset(lines);
        sqlite3_bind_int(lines, 1, kind);
        sqlite3_bind_int64(lines, 2, i.start - W3C_SLACK_NS);
        sqlite3_bind_int64(lines, 3, i.start + W3C_SLACK_NS);
        sqlite3_bind_int64(
            lines, 4, (i.end != STORE_NONE ? i.end : i.start) - W3C_SLACK_NS);
        sqlite3_bind_int64(
            lines, 5, (i.end != STORE_NONE ? i.end : i.start) + W3C_SLACK_NS);
        while ((lstep = sqlite3_step(lines)) == SQLITE_ROW) {
            struct w3c_row o;
            int client = 0;
            int64_t cost;

            w3c_row_read(lines, &o);
            if (w3c_pred(&o, &i, &client, &cost))
                w3c_comp_line(c, &o);
            w3c_row_fini(&o);
        }
        if (lstep != SQLITE_DONE)
            rc = store_dberr(st, "match log lines", err);
        w3c_row_fini(&i);
    }
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "match requests", err);
    sqlite3_reset(iis);
    sqlite3_reset(lines);
    return rc;
}

/* Build the component of line l (a copy is taken). */
static enum rn_rc
w3c_comp_build(struct store *st, const struct w3c_row *l, struct w3c_comp *c,
               struct rn_err *err)
{
    struct w3c_row first;
    size_t li = 0, ri = 0, k;
    enum rn_rc rc = RN_OK;
    int found;

    rc = w3c_load(st, l->id, &first, &found, err);
    if (rc != RN_OK || !found)
        return rc;
    w3c_comp_line(c, &first);
    while (rc == RN_OK && !c->overflow && (li < c->nl || ri < c->nr)) {
        if (li < c->nl) {
            struct w3c_cands cd;

            rc = w3c_candidates(st, &c->line[li], &cd, err);
            c->overflow |= cd.overflow;
            c->near[li] = cd.near || cd.n > 0;
            for (k = 0; rc == RN_OK && k < (size_t)cd.n; k++) {
                size_t b = w3c_comp_req(c, cd.req[k], cd.end[k]);

                if (b == W3C_MAX_COMP)
                    continue;
                w3c_comp_edge(c, li, b, cd.cost[k], cd.client[k]);
                if (cd.wr[k] != MATCH_NONE &&
                    (c->req_wr[b] == MATCH_NONE || cd.wr[k] < c->req_wr[b]))
                    c->req_wr[b] = cd.wr[k];
            }
            li++;
            continue;
        }
        rc = w3c_comp_lines_of(st, c, l->kind, c->req[ri], err);
        ri++;
    }
    return rc;
}

/*
 * The end of each request of c: the earliest end (or start) of its
 * precise source requests, a property of the request alone, so that the
 * order of requests does not depend on which line found it first.
 */
static enum rn_rc
w3c_comp_ends(struct store *st, struct w3c_comp *c, struct rn_err *err)
{
    sqlite3_stmt *s =
        store_cached(st,
                     "SELECT min(coalesce(end_ns, start_ns)) FROM srcreq"
                     " WHERE request_id = ?1 AND kind IN (" W3C_PRECISE_SQL ")",
                     err);
    enum rn_rc rc = RN_OK;
    size_t k;

    if (s == NULL)
        return RN_EDB;
    for (k = 0; rc == RN_OK && k < c->nr; k++) {
        sqlite3_bind_int64(s, 1, c->req[k]);
        if (sqlite3_step(s) == SQLITE_ROW) {
            if (sqlite3_column_type(s, 0) != SQLITE_NULL)
                c->req_end[k] = sqlite3_column_int64(s, 0);
        } else {
            rc = store_dberr(st, "read request ends", err);
        }
        sqlite3_reset(s);
    }
    return rc;
}

/* Order for the assignment: lines by their second then position (logs
 * are written in completion order), requests by their end. */
static int
w3c_line_before(const struct w3c_row *x, const struct w3c_row *y)
{
    if (x->end != y->end)
        return x->end < y->end;
    return x->id < y->id;
}

/*
 * Assign the component one to one: out[k] what line k gets (its request,
 * 0 when alone, its rule, margin or reason).
 */
static void
w3c_comp_assign(struct w3c_comp *c, struct correlate_outcome *out)
{
    size_t lrank[W3C_MAX_COMP], rrank[W3C_MAX_COMP], lby[W3C_MAX_COMP];
    size_t to_b[W3C_MAX_COMP], k, j;
    int64_t margin[W3C_MAX_COMP], key[W3C_MAX_COMP];
    struct match_edge e[sizeof c->edge / sizeof c->edge[0]];

    for (k = 0; k < c->nl; k++) {
        lrank[k] = 0;
        for (j = 0; j < c->nl; j++)
            lrank[k] += w3c_line_before(&c->line[j], &c->line[k]);
        lby[lrank[k]] = k;
    }
    /* Requests in the order their lines would have been written, as the
     * lines are: the earliest any line of theirs could be (a request over
     * 2 KB that ended first may be logged after a shorter one), else their
     * end. */
    for (k = 0; k < c->nr; k++)
        key[k] = c->req_wr[k] != MATCH_NONE ? c->req_wr[k] : c->req_end[k];
    for (k = 0; k < c->nr; k++) {
        rrank[k] = 0;
        for (j = 0; j < c->nr; j++)
            rrank[k] +=
                key[j] < key[k] || (key[j] == key[k] && c->req[j] < c->req[k]);
    }
    for (k = 0; k < c->ne; k++)
        e[k] = (struct match_edge){lrank[c->edge[k].a], rrank[c->edge[k].b],
                                   c->edge[k].cost};
    match_assign_ordered(e, c->ne, c->nl, c->nr, to_b, margin);
    for (k = 0; k < c->nl; k++) {
        size_t l = lby[k];
        struct correlate_outcome *o = &out[l];

        if (correlate_outcome_of(o, to_b[k], rrank, c->nr, c->req, margin[k],
                                 c->near[l]) == c->nr)
            continue;
        j = correlate_edge_of(c->edge, c->ne, l, c->req, o->target);
        if (j < c->ne)
            o->rule = w3c_rule(c->line[l].kind, c->edge_client[j]);
    }
}

/* Move line l where o says (0: its own request) if that changes. */
static enum rn_rc
w3c_apply(struct correlate *co, const struct w3c_row *l,
          const struct correlate_outcome *o, struct rn_err *err)
{
    return correlate_move(co, l->id, l->key, l->request_id, l->rule, o, err);
}

/* Match a loaded line the old way: one candidate, uncontested (its link
 * then has no rival: no margin). */
static enum rn_rc
w3c_match_unique(struct store *st, const struct w3c_row *l,
                 struct correlate_outcome *o, struct rn_err *err)
{
    struct w3c_cands c;
    int contested = 0;
    enum rn_rc rc;

    o->target = 0;
    o->rule = "self";
    o->margin_ns = STORE_NONE;
    o->alone = CORRELATE_NO_CANDIDATE;
    rc = w3c_candidates(st, l, &c, err);
    if (rc == RN_OK && (c.near || c.n > 0))
        o->alone = CORRELATE_CONFLICT;
    if (rc != RN_OK || c.n != 1 || c.overflow)
        return rc;
    rc = w3c_contested(st, l, c.req[0], &contested, err);
    if (rc != RN_OK || contested)
        return rc;
    o->target = c.req[0];
    o->rule = w3c_rule(l->kind, c.client[0]);
    o->alone = NULL;
    return RN_OK;
}

/*
 * Match a loaded line by assigning its component; the component's other
 * lines are moved where the assignment puts them (all but l when
 * apply_self is 0: l's margin or reason is noted, its link left to the
 * caller).  *request_id 0: l stays alone.
 */
static enum rn_rc
w3c_match_row(struct correlate *co, const struct w3c_row *l, int apply_self,
              int64_t *request_id, const char **rule, struct rn_err *err)
{
    struct store *st = co->st;
    struct w3c_comp *c = xcalloc(1, sizeof *c);
    struct correlate_outcome *out = xcalloc(W3C_MAX_COMP, sizeof *out);
    struct correlate_outcome mine = {0, "self", STORE_NONE, NULL};
    enum rn_rc rc;
    size_t k;

    rc = w3c_comp_build(st, l, c, err);
    if (rc == RN_OK && c->overflow) {
        rc = w3c_match_unique(st, l, &mine, err);
        if (rc == RN_OK)
            rc = apply_self ? w3c_apply(co, l, &mine, err)
                            : correlate_note(co, l->id, &mine, err);
        goto out;
    }
    if (rc == RN_OK)
        rc = w3c_comp_ends(st, c, err);
    if (rc != RN_OK || c->nl == 0)
        goto out;
    w3c_comp_assign(c, out);
    for (k = 0; rc == RN_OK && k < c->nl; k++) {
        if (c->line[k].id == l->id) {
            mine = out[k];
            if (!apply_self) {
                rc = correlate_note(co, l->id, &mine, err);
                continue;
            }
        }
        rc = w3c_apply(co, &c->line[k], &out[k], err);
    }
out:
    *request_id = mine.target;
    *rule = mine.rule;
    w3c_comp_fini(c);
    free(c);
    free(out);
    return rc;
}

enum rn_rc
correlate_w3c_match(struct correlate *co, int64_t srcreq_id,
                    int64_t *request_id, const char **rule, struct rn_err *err)
{
    struct store *st = co->st;
    struct w3c_row l;
    int found;
    enum rn_rc rc;

    *request_id = 0;
    *rule = "self";
    rc = w3c_load(st, srcreq_id, &l, &found, err);
    if (rc != RN_OK || !found)
        return rc;
    rc = w3c_match_row(co, &l, 0, request_id, rule, err);
    w3c_row_fini(&l);
    return rc;
}

/* Re-evaluate one line (and its component) and move what changed. */
static enum rn_rc
w3c_recheck(struct correlate *co, int64_t id, struct rn_err *err)
{
    struct store *st = co->st;
    struct w3c_row l;
    const char *rule;
    int64_t target;
    int found;
    enum rn_rc rc;

    rc = w3c_load(st, id, &l, &found, err);
    if (rc != RN_OK || !found)
        return rc;
    rc = w3c_match_row(co, &l, 1, &target, &rule, err);
    w3c_row_fini(&l);
    return rc;
}

/* Add to set the line ids a statement on source ?1 gives. */
static enum rn_rc
w3c_collect(struct store *st, const char *sql, int64_t source_id, int kind,
            struct rn_i64set *set, struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(st, sql, err);
    int step;

    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_int(s, 2, kind);
    sqlite3_bind_int64(s, 3, W3C_SLACK_NS);
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        rn_i64set_add(set, sqlite3_column_int64(s, 0));
    sqlite3_reset(s);
    return step == SQLITE_DONE ? RN_OK
                               : store_dberr(st, "collect log lines", err);
}

/* Lines whose match a new IIS source may change: near its requests in
 * time, or already linked to one of them. */
static enum rn_rc
w3c_collect_iis(struct store *st, int64_t source_id, struct rn_i64set *set,
                struct rn_err *err)
{
    static const char *const sql[] = {
        "SELECT l.id FROM srcreq i,"
        " srcreq l WHERE i.source_id = ?1 AND l.kind = ?2"
        " AND l.start_ns BETWEEN i.start_ns - ?3 AND i.start_ns + ?3",
        "SELECT l.id FROM srcreq i,"
        " srcreq l WHERE i.source_id = ?1 AND l.kind = ?2"
        " AND l.start_ns BETWEEN i.end_ns - ?3 AND i.end_ns + ?3",
        "SELECT l.id FROM srcreq i"
        " JOIN srcreq l ON l.request_id = i.request_id"
        " WHERE i.source_id = ?1 AND l.kind = ?2 AND ?3 IS NOT NULL",
    };
    enum rn_rc rc = RN_OK;
    size_t q;
    int kind;

    for (kind = STORE_KIND_W3C; rc == RN_OK && kind <= STORE_KIND_HTTPERR;
         kind++) {
        for (q = 0; rc == RN_OK && q < sizeof sql / sizeof sql[0]; q++)
            rc = w3c_collect(st, sql[q], source_id, kind, set, err);
    }
    return rc;
}

/* Lines of other sources linked to a request that a line of the new log
 * source matches: the new line may contest them. */
static enum rn_rc
w3c_collect_lines(struct store *st, int64_t source_id, struct rn_i64set *set,
                  struct rn_err *err)
{
    sqlite3_stmt *s = NULL, *ins = NULL;
    enum rn_rc rc;
    int step = SQLITE_DONE, istep, k;

    rc = store_prepare(st,
                       "SELECT " W3C_COLS " FROM srcreq"
                       " WHERE source_id = ?1",
                       &s, err);
    if (rc == RN_OK)
        rc = store_prepare(st,
                           "SELECT id"
                           " FROM srcreq WHERE request_id = ?1 AND kind = ?2"
                           " AND source_id != ?3",
                           &ins, err);
    if (rc != RN_OK)
        goto out;
    sqlite3_bind_int64(s, 1, source_id);
    while (rc == RN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct w3c_row l;
        struct w3c_cands c;

        w3c_row_read(s, &l);
        rc = w3c_candidates(st, &l, &c, err);
        for (k = 0; rc == RN_OK && k < c.n; k++) {
            sqlite3_reset(ins);
            sqlite3_bind_int64(ins, 1, c.req[k]);
            sqlite3_bind_int(ins, 2, l.kind);
            sqlite3_bind_int64(ins, 3, source_id);
            while ((istep = sqlite3_step(ins)) == SQLITE_ROW)
                rn_i64set_add(set, sqlite3_column_int64(ins, 0));
            if (istep != SQLITE_DONE)
                rc = store_dberr(st, "collect log lines", err);
        }
        w3c_row_fini(&l);
    }
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "read log lines", err);
out:
    sqlite3_finalize(s);
    sqlite3_finalize(ins);
    return rc;
}

/* Is there any W3C or HTTPERR line in the store at all? */
static enum rn_rc
w3c_any_lines(struct store *st, int *any, struct rn_err *err)
{
    return correlate_exists(st,
                            "SELECT EXISTS (SELECT 1 FROM srcreq WHERE kind IN"
                            " (" RN_KINDS_LOG_SQL "))",
                            "look for log lines", any, err);
}

enum rn_rc
correlate_w3c_rescan(struct correlate *co, int64_t source_id, int kind,
                     struct rn_err *err)
{
    struct store *st = co->st;
    struct rn_i64set set = RN_I64SET_INIT;
    enum rn_rc rc;
    int64_t *ids;
    size_t n, i;
    int any = 0;

    if (kind != STORE_KIND_ETW && kind != STORE_KIND_FREB &&
        kind != STORE_KIND_W3C && kind != STORE_KIND_HTTPERR &&
        kind != STORE_KIND_PCAP)
        return RN_OK;
    /* Nothing to re-match in a store without log lines (FREB folders).
     * Only a log source adds lines, and it asks again. */
    if (co->logs < 0 || kind == STORE_KIND_W3C || kind == STORE_KIND_HTTPERR) {
        rc = w3c_any_lines(st, &any, err);
        if (rc != RN_OK)
            return rc;
        co->logs = any;
    }
    if (!co->logs)
        return RN_OK;
    /* A capture is matched against like IIS's own sources (its times as
     * they are now: call this after its clock offset is applied). */
    rc = kind == STORE_KIND_W3C || kind == STORE_KIND_HTTPERR
             ? w3c_collect_lines(st, source_id, &set, err)
             : w3c_collect_iis(st, source_id, &set, err);
    /* In row order, as lines were imported. */
    ids = rn_i64set_take_sorted(&set, &n);
    for (i = 0; rc == RN_OK && i < n; i++)
        rc = w3c_recheck(co, ids[i], err);
    free(ids);
    rn_i64set_fini(&set);
    return rc;
}
