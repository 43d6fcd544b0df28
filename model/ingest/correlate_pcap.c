/*
 * Correlation rules for captured HTTP exchanges.  An exchange carries no
 * request GUID, so it is matched to an IIS request (one with an ETW or
 * FREB source) by what both saw, in two passes per capture source:
 *
 *   1. Clock offset.  The capture's clock and the server's differ.  Every
 *      exchange whose verb, host, path (+query), status (both known) and
 *      client address/port (when the IIS side has them) fit exactly one
 *      IIS request within PCAP_WIDE_NS, where that request fits no other
 *      exchange of the capture, is an unambiguous match.  Each match says
 *      which offsets (server time - captured time) are possible: an
 *      interval, not a point, because Log Parser and W3C times are
 *      truncated to the second (the true time lies in [t, t + 1 s)), plus
 *      PCAP_TOL_NS for network latency.  The request start gives one
 *      interval (request headers frame vs request start), the end another
 *      (last response byte vs request end) when both sides saw it; a
 *      match's interval is their intersection (the start one alone when
 *      they do not meet).  The estimate is the midpoint of the offsets
 *      consistent with the most matches (ties: the region nearest the
 *      median of the interval midpoints), rounded to the millisecond.  A
 *      plain median of differences against truncated times would be off
 *      by up to a second; the intersection keeps, in the seed case, the
 *      502 frame inside the second of GENERAL_REQUEST_END, after
 *      CGI_PREMATURE_TERMINATION.  --clock-offset replaces the estimate.
 *   2. Links.  With the offset applied, an exchange is a candidate for
 *      each IIS request that fits it within PCAP_NARROW_NS (start and,
 *      when both are complete, end; truncated times as intervals again),
 *      with the same static checks (status when both know it), unless
 *      the request began before the capture's first exchange (a capture
 *      that starts late holds none of those) or the evidence conflicts
 *      (the response's bytes on the wire differ from IIS's BytesSent and
 *      the times are further apart than latency).  Candidates are
 *      assigned one to one over each component (match_assign), the
 *      closest first; a differing byte count costs more than any time
 *      distance, so it decides between requests of one truncated second.
 *
 * The offset is stored in source.clock_offset_ns and applied to the
 * capture's event and source request times (fields captured_ts keep the
 * raw time, clock_offset_ms the offset).  Both passes depend only on the
 * set of imported sources: whenever a source that could change a
 * capture's outcome arrives, the capture is estimated again, its times
 * moved if the offset changed, and each exchange matched again.  A new
 * capture is brought up to date at once; captures that new IIS or log
 * sources touch are noted and brought up to date once per batch, when it
 * commits (correlate_flush), not once per source.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "correlate.h"
#include "ingest_impl.h"
#include "match.h"
#include "rn_kind.h"
#include "rn_time.h"
#include "rn_url.h"
#include "store_impl.h"
#include "triage.h"
#include "xmalloc.h"

#define PCAP_SEC_NS ((int64_t)RN_NS_PER_SEC)
/* Offsets the estimate can find: +-10 minutes. */
#define PCAP_WIDE_NS (600 * PCAP_SEC_NS)
/* Slack of a link once the offset is applied. */
#define PCAP_NARROW_NS (2 * PCAP_SEC_NS)
/* Network latency allowed between the capture point and the server. */
#define PCAP_TOL_NS (50 * (PCAP_SEC_NS / 1000))
/* W3C lines reach IIS requests up to an hour before them. */
#define PCAP_LOG_SPAN_NS (3700 * PCAP_SEC_NS)
#define PCAP_MAX_CAND    64
/* The most IIS rows a recheck keeps in memory (pcap_near_load): about
 * 40 MB; past it, each walk reads the store as before. */
#define PCAP_NEAR_MAX 131072

/* Columns read for both sides of a match: these, then the two below. */
#define PCAP_COLS_BASE                                                         \
    "id, request_id, kind, source_id, key, start_ns, end_ns, verb, url,"       \
    " host, http_status, client_addr, client_port, link_rule,"
/* An IIS request's two facts from its events: did it end, and its
 * BytesSent.  Each walks the request's events. */
#define PCAP_IIS_COMPLETE_SQL                                                  \
    "NOT truncated AND EXISTS (SELECT 1 FROM event e"                          \
    " WHERE e.srcreq_id = srcreq.id AND e.name = '" TRIAGE_EV_REQUEST_END "')"
#define PCAP_IIS_SENT_SQL                                                      \
    "(SELECT CAST(json_extract(e.fields, '$.BytesSent') AS INTEGER)"           \
    " FROM event e WHERE e.srcreq_id = srcreq.id"                              \
    " AND e.name = '" TRIAGE_EV_REQUEST_END "'"                                \
    " AND json_extract(e.fields, '$.BytesSent') GLOB '[0-9]*')"
#define PCAP_COLS                                                              \
    PCAP_COLS_BASE                                                             \
    " CASE WHEN kind = " RN_KINDS_CAPTURE_SQL " THEN"                          \
    "   coalesce(json_extract(attrs, '$.response_complete'), 0)"               \
    " ELSE " PCAP_IIS_COMPLETE_SQL " END,"                                     \
    " CASE WHEN kind = " RN_KINDS_CAPTURE_SQL " THEN"                          \
    "   CASE WHEN json_extract(attrs, '$.response_complete')"                  \
    "     AND NOT coalesce(json_extract(attrs, '$.response_chunked'), 0)"      \
    "   THEN json_extract(attrs, '$.response_head_bytes')"                     \
    "     + json_extract(attrs, '$.response_body_bytes') END"                  \
    " ELSE " PCAP_IIS_SENT_SQL " END"
/* IIS rows without the two facts: pcap_iis_row adds them, once per row
 * in a refresh (a row is read again for every exchange near it). */
#define PCAP_COLS_IIS PCAP_COLS_BASE " 0, NULL"

/* One side of a match: an exchange (raw capture times) or an IIS row. */
struct pcap_row {
    int64_t id, request_id, source_id;
    int kind;
    char *key, *verb, *host, *path, *query, *client, *rule;
    int has_query;
    int64_t start, end, status, cport;
    int complete; /* exchange: response complete; IIS: request ended */
    int64_t res;  /* IIS: time resolution (1 s when truncated), else 0 */
    /* Response bytes: IIS's BytesSent, an exchange's head and body when
     * it was seen whole (not chunked); MATCH_NONE when unknown. */
    int64_t sent;
};

/* The facts (PCAP_IIS_*_SQL) of the IIS rows read so far in a refresh, by
 * source request id: open addressing, a power of two slots, half full at
 * most.  They do not change while a capture is matched. */
struct pcap_fact {
    int64_t id; /* 0: empty slot */
    int complete;
    int64_t sent;
};

struct pcap_facts {
    struct pcap_fact *slot;
    size_t n, cap;
};

/* What correlation keeps about a capture source. */
struct pcap_iis_set;
struct pcap_paths;

struct pcap_src {
    int64_t id;
    int have_offset; /* an offset is applied to the times */
    int64_t offset;  /* the applied offset (server - captured), ns */
    int given;       /* from --clock-offset: never estimated */
    /* The first exchange's start, captured clock (STORE_NONE: none): a
     * capture that started late cannot hold a request begun before. */
    int64_t first;
    /* How far the applied offset may be from the true one: half the
     * offsets the estimate found equally good; a given one is taken at
     * its word within a link's window. */
    int64_t spread;
    /* During pcap_refresh, the IIS facts read so far; NULL: none kept. */
    struct pcap_facts *facts;
    /* During pcap_recheck_all, the IIS rows its links may read, by path
     * and start (pcap_near_load); NULL: each walk reads the store. */
    const struct pcap_iis_set *near;
    /* During pcap_refresh, the paths of its exchanges (pcap_paths_load):
     * IIS rows of other paths are left out of the sets; NULL: none. */
    const struct pcap_paths *paths;
};

/* Distinct candidate requests of an exchange, with the cheapest cost of
 * their IIS rows (match_pcap_cost) and their start. */
struct pcap_cands {
    int64_t req[PCAP_MAX_CAND];
    int client[PCAP_MAX_CAND];
    int64_t cost[PCAP_MAX_CAND], start[PCAP_MAX_CAND];
    int64_t first[PCAP_MAX_CAND]; /* lowest IIS source request id */
    int n;
    int overflow;
    /* An IIS request of the exchange's path fit its times, whatever the
     * rest of the evidence said: alone, it stayed so by conflict. */
    int near;
};

/* Free a row's strings. */
static void
pcap_row_fini(struct pcap_row *r)
{
    free(r->key);
    free(r->verb);
    free(r->host);
    free(r->path);
    free(r->query);
    free(r->client);
    free(r->rule);
    memset(r, 0, sizeof *r);
}

/* IIS rows near a capture, sorted by path then kind and key (the
 * estimate's) or by path then start (pcap_near_load's). */
struct pcap_iis_set {
    struct pcap_row *row;
    size_t n;
};

/* Rows by kind, key and id: the order of pcap_each_iis's walks. */
static int
pcap_row_rank_cmp(const struct pcap_row *x, const struct pcap_row *y)
{
    int c;

    if (x->kind != y->kind)
        return x->kind - y->kind;
    c = strcmp(x->key, y->key);
    return c != 0 ? c : (x->id > y->id) - (x->id < y->id);
}

/* Rows by path, then rank (a total order, free of the load's order). */
static int
pcap_row_path_cmp(const void *a, const void *b)
{
    const struct pcap_row *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    return c != 0 ? c : pcap_row_rank_cmp(x, y);
}

/* Free the rows of a set. */
static void
pcap_iis_set_fini(struct pcap_iis_set *set)
{
    size_t i;

    for (i = 0; i < set->n; i++)
        pcap_row_fini(&set->row[i]);
    free(set->row);
    memset(set, 0, sizeof *set);
}

/* The distinct paths of a capture's exchanges, sorted. */
struct pcap_paths {
    char **p;
    size_t n;
};

static int
pcap_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
pcap_paths_fini(struct pcap_paths *ps)
{
    size_t i;

    for (i = 0; i < ps->n; i++)
        free(ps->p[i]);
    free(ps->p);
    memset(ps, 0, sizeof *ps);
}

/* Does an exchange of the capture have this path?  (No paths: any.) */
static int
pcap_paths_has(const struct pcap_paths *ps, const char *path)
{
    return ps == NULL ||
           bsearch(&path, ps->p, ps->n, sizeof *ps->p, pcap_str_cmp) != NULL;
}

/* Lower-case host without a default port; NULL for none. */
static char *
pcap_host(const char *host, const char *url)
{
    char buf[256];
    size_t n, i;

    if (host != NULL && host[0] != '\0') {
        n = strlen(host);
        if (n >= sizeof buf)
            n = sizeof buf - 1;
        for (i = 0; i < n; i++) {
            char c = host[i];

            buf[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        buf[n] = '\0';
        if (n > 3 && strcmp(buf + n - 3, ":80") == 0)
            buf[n - 3] = '\0';
        else if (n > 4 && strcmp(buf + n - 4, ":443") == 0)
            buf[n - 4] = '\0';
    } else if (url != NULL) {
        rn_url_host(url, buf, sizeof buf);
    } else {
        return NULL;
    }
    return buf[0] != '\0' ? xstrdup(buf) : NULL;
}

/* Split a URL into its comparable path and query. */
static void
pcap_url(struct pcap_row *r, const char *url)
{
    const char *p, *q;
    size_t n;

    if (url == NULL || url[0] == '\0')
        return;
    p = strstr(url, "://") != NULL ? rn_url_path(url) : url;
    n = strcspn(p, "?#");
    r->path = rn_url_fold(p, n);
    if (p[n] == '?') {
        q = p + n + 1;
        r->has_query = 1;
        r->query = rn_url_fold(q, strcspn(q, "#"));
    }
}

/*
 * Read a PCAP_COLS row.  Exchanges of capture src get their raw captured
 * times back (stored times minus the applied offset).
 */
static void
pcap_row_read(sqlite3_stmt *s, const struct pcap_src *src, struct pcap_row *r)
{
    char *url, *host;

    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, 0);
    r->request_id = sqlite3_column_int64(s, 1);
    r->kind = sqlite3_column_int(s, 2);
    r->source_id = sqlite3_column_int64(s, 3);
    r->key = store_col_dup(s, 4);
    r->start = store_col_opt(s, 5);
    r->end = store_col_opt(s, 6);
    r->verb = store_col_dup(s, 7);
    url = store_col_dup(s, 8);
    host = store_col_dup(s, 9);
    pcap_url(r, url);
    r->host = pcap_host(host, url);
    free(url);
    free(host);
    r->status = store_col_opt(s, 10);
    r->client = store_col_dup(s, 11);
    r->cport = store_col_opt(s, 12);
    r->rule = store_col_dup(s, 13);
    r->complete = sqlite3_column_int(s, 14) != 0;
    r->sent = sqlite3_column_type(s, 15) == SQLITE_INTEGER
                  ? sqlite3_column_int64(s, 15)
                  : MATCH_NONE;
    if (r->kind == STORE_KIND_PCAP && src != NULL && src->have_offset &&
        r->source_id == src->id) {
        if (r->start != STORE_NONE)
            r->start -= src->offset;
        if (r->end != STORE_NONE)
            r->end -= src->offset;
    }
    /* Times on whole seconds come from a one-second clock (Log Parser):
     * the true time lies anywhere in that second. */
    if (r->kind != STORE_KIND_PCAP && r->start != STORE_NONE &&
        r->start % PCAP_SEC_NS == 0 &&
        (r->end == STORE_NONE || r->end % PCAP_SEC_NS == 0))
        r->res = PCAP_SEC_NS;
}

/* The slot of id in f (its own, or the empty one it would take). */
static struct pcap_fact *
pcap_facts_slot(const struct pcap_facts *f, int64_t id)
{
    size_t i = (size_t)((uint64_t)id * UINT64_C(0x9E3779B97F4A7C15) >> 17);

    for (i &= f->cap - 1; f->slot[i].id != 0 && f->slot[i].id != id;
         i = (i + 1) & (f->cap - 1))
        ;
    return &f->slot[i];
}

/* Keep a fact, growing the table past half full. */
static void
pcap_facts_put(struct pcap_facts *f, const struct pcap_fact *v)
{
    if (2 * (f->n + 1) > f->cap) {
        struct pcap_facts g = {NULL, 0, f->cap == 0 ? 256 : 2 * f->cap};
        size_t i;

        g.slot = xcalloc(g.cap, sizeof *g.slot);
        for (i = 0; i < f->cap; i++) {
            if (f->slot[i].id != 0)
                *pcap_facts_slot(&g, f->slot[i].id) = f->slot[i];
        }
        g.n = f->n;
        free(f->slot);
        *f = g;
    }
    *pcap_facts_slot(f, v->id) = *v;
    f->n++;
}

static void
pcap_facts_fini(struct pcap_facts *f)
{
    free(f->slot);
    memset(f, 0, sizeof *f);
}

/* Read IIS row r's facts from its events. */
static enum rn_rc
pcap_fact_read(struct store *st, int64_t id, struct pcap_fact *v,
               struct rn_err *err)
{
    sqlite3_stmt *s =
        store_cached(st,
                     "SELECT " PCAP_IIS_COMPLETE_SQL ", " PCAP_IIS_SENT_SQL
                     " FROM srcreq WHERE id = ?1",
                     err);
    enum rn_rc rc = RN_OK;
    int step;

    v->id = id;
    v->complete = 0;
    v->sent = MATCH_NONE;
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        v->complete = sqlite3_column_int(s, 0) != 0;
        if (sqlite3_column_type(s, 1) == SQLITE_INTEGER)
            v->sent = sqlite3_column_int64(s, 1);
    } else if (step != SQLITE_DONE) {
        rc = store_dberr(st, "read request end", err);
    }
    sqlite3_reset(s);
    return rc;
}

/* Give IIS row r its facts: from src's table when read before in this
 * refresh, else from its events (and kept). */
static enum rn_rc
pcap_iis_facts(struct store *st, const struct pcap_src *src, struct pcap_row *r,
               struct rn_err *err)
{
    struct pcap_fact v, *have = NULL;
    enum rn_rc rc = RN_OK;

    if (src->facts != NULL && src->facts->cap > 0)
        have = pcap_facts_slot(src->facts, r->id);
    if (have != NULL && have->id == r->id) {
        v = *have;
    } else {
        rc = pcap_fact_read(st, r->id, &v, err);
        if (rc == RN_OK && src->facts != NULL)
            pcap_facts_put(src->facts, &v);
    }
    r->complete = v.complete;
    r->sent = v.sent;
    return rc;
}

/* Read a PCAP_COLS_IIS row into r with its facts. */
static enum rn_rc
pcap_iis_row(struct store *st, const struct pcap_src *src, sqlite3_stmt *s,
             struct pcap_row *r, struct rn_err *err)
{
    pcap_row_read(s, NULL, r);
    return pcap_iis_facts(st, src, r, err);
}

/* Client addresses compare without an IPv4-mapped IPv6 prefix. */
static const char *
pcap_addr(const char *a)
{
    return strncasecmp(a, "::ffff:", 7) == 0 && strchr(a + 7, '.') != NULL
               ? a + 7
               : a;
}

/*
 * Do exchange x and IIS row i agree on everything but time and the
 * request-level client address?  strict: both must know the status.
 */
static int
pcap_same(const struct pcap_row *x, const struct pcap_row *i, int strict)
{
    if (x->verb == NULL || x->path == NULL || i->path == NULL)
        return 0;
    if (i->verb != NULL && strcasecmp(x->verb, i->verb) != 0)
        return 0;
    if (strcmp(x->path, i->path) != 0)
        return 0;
    if (x->has_query && i->has_query && strcmp(x->query, i->query) != 0)
        return 0;
    if (x->host != NULL && i->host != NULL && strcmp(x->host, i->host) != 0)
        return 0;
    if (strict && (x->status == STORE_NONE || i->status == STORE_NONE))
        return 0;
    if (x->status != STORE_NONE && i->status != STORE_NONE &&
        x->status != i->status)
        return 0;
    if (x->cport != STORE_NONE && i->cport != STORE_NONE &&
        x->cport != i->cport)
        return 0;
    if (x->client != NULL && i->client != NULL &&
        strcasecmp(pcap_addr(x->client), pcap_addr(i->client)) != 0)
        return 0;
    return 1;
}

/*
 * Do x's times (shifted by offset) fit i's within win?  IIS times are
 * intervals [t, t + res).  Ends count when both sides saw the end.
 */
static int
pcap_time_ok(const struct pcap_row *x, const struct pcap_row *i, int64_t offset,
             int64_t win)
{
    int64_t xs, xe;

    if (x->start == STORE_NONE || i->start == STORE_NONE)
        return 0;
    xs = x->start + offset;
    if (xs < i->start - win || xs > i->start + i->res + win)
        return 0;
    if (i->end == STORE_NONE || !i->complete)
        return 1;
    if (x->complete && x->end != STORE_NONE) {
        xe = x->end + offset;
        return xe >= i->end - win && xe <= i->end + i->res + win;
    }
    return xs <= i->end + i->res + win;
}

/*
 * Does request_id's client address and port (from its IIS source
 * requests) fit exchange x?  *used: an address took part.  Not from its
 * log lines: they are matched against the exchanges (correlate_w3c.c),
 * and evidence flows one way, so that neither result depends on which
 * ran first.
 */
static enum rn_rc
pcap_client_ok(struct store *st, const struct pcap_row *x, int64_t request_id,
               int *ok, int *used, struct rn_err *err)
{
    sqlite3_stmt *s;
    int addr_known = 0, addr_eq = 0, port_known = 0, port_eq = 0, step;
    enum rn_rc rc = RN_OK;

    *ok = 1;
    *used = 0;
    if (x->client == NULL && x->cport == STORE_NONE)
        return RN_OK;
    s = store_cached(st,
                     "SELECT client_addr, client_port FROM srcreq"
                     " WHERE request_id = ?1 AND kind IN (" RN_KINDS_GUID_SQL
                     ")"
                     " AND (client_addr IS NOT NULL"
                     " OR client_port IS NOT NULL)",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, request_id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(s, 0);
        int64_t port = store_col_opt(s, 1);

        if (a != NULL && x->client != NULL) {
            addr_known = 1;
            addr_eq |= strcasecmp(pcap_addr(a), pcap_addr(x->client)) == 0;
        }
        if (port != STORE_NONE && x->cport != STORE_NONE) {
            port_known = 1;
            port_eq |= port == x->cport;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "match client address", err);
    sqlite3_reset(s);
    *ok = (!addr_known || addr_eq) && (!port_known || port_eq);
    *used = addr_eq;
    return rc;
}

/* Load the correlation state of a capture source. */
static enum rn_rc
pcap_src_load(struct store *st, int64_t source_id, struct pcap_src *src,
              int *kind, struct rn_err *err)
{
    sqlite3_stmt *s;
    int step;

    memset(src, 0, sizeof *src);
    src->id = source_id;
    *kind = 0;
    s = store_cached(st,
                     "SELECT kind, clock_offset_ns, clock_offset_given"
                     " FROM source WHERE id = ?1",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *kind = sqlite3_column_int(s, 0);
        src->have_offset = sqlite3_column_type(s, 1) != SQLITE_NULL;
        src->offset = src->have_offset ? sqlite3_column_int64(s, 1) : 0;
        src->given = sqlite3_column_int(s, 2) != 0;
    }
    sqlite3_reset(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store_dberr(st, "read capture source", err);
    src->first = STORE_NONE;
    src->spread = PCAP_NARROW_NS;
    if (*kind != STORE_KIND_PCAP)
        return RN_OK;
    s = store_cached(
        st, "SELECT min(start_ns) FROM srcreq WHERE source_id = ?1", err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        src->first = store_col_opt(s, 0);
    sqlite3_reset(s);
    if (step != SQLITE_ROW)
        return store_dberr(st, "read capture source", err);
    if (src->first != STORE_NONE && src->have_offset)
        src->first -= src->offset;
    return RN_OK;
}

/*
 * Did IIS row i begin before capture src's first exchange (its offset
 * applied), beyond what latency and i's resolution allow?  Then the
 * capture started too late to hold it: no exchange of src is its.
 */
static int
pcap_before_capture(const struct pcap_src *src, const struct pcap_row *i)
{
    return src->first != STORE_NONE && i->start != STORE_NONE &&
           match_before_capture(i->start, i->res, src->first + src->offset,
                                PCAP_TOL_NS + src->spread);
}

/* Load one source request by id. */
static enum rn_rc
pcap_load(struct store *st, const struct pcap_src *src, int64_t id,
          struct pcap_row *r, int *found, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    *found = 0;
    s = store_cached(st, "SELECT " PCAP_COLS " FROM srcreq WHERE id = ?1", err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        pcap_row_read(s, src, r);
        *found = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_dberr(st, "read exchange", err);
    }
    sqlite3_reset(s);
    return rc;
}

/* Add request_id to c (once), noting client use and the cheapest cost. */
static void
pcap_cands_add_cost(struct pcap_cands *c, int64_t request_id, int client,
                    int64_t cost, int64_t start, int64_t first)
{
    int k;

    for (k = 0; k < c->n && c->req[k] != request_id; k++)
        ;
    if (k < c->n) {
        c->client[k] |= client;
        if (cost < c->cost[k])
            c->cost[k] = cost;
        if (first < c->first[k])
            c->first[k] = first;
    } else if (c->n == PCAP_MAX_CAND) {
        c->overflow = 1;
    } else {
        c->req[c->n] = request_id;
        c->cost[c->n] = cost;
        c->start[c->n] = start;
        c->first[c->n] = first;
        c->client[c->n++] = client;
    }
}

static void
pcap_cands_add(struct pcap_cands *c, int64_t request_id, int client)
{
    pcap_cands_add_cost(c, request_id, client, 0, 0, 0);
}

/* match_pcap_total of exchange x (raw times, offset to apply) and IIS i:
 * MATCH_NONE when their evidence conflicts. */
static int64_t
pcap_cost(const struct pcap_row *x, const struct pcap_row *i, int64_t offset)
{
    int64_t xe =
        x->complete && x->end != STORE_NONE ? x->end + offset : MATCH_NONE;
    int64_t ie = i->complete && i->end != STORE_NONE ? i->end : MATCH_NONE;

    return match_pcap_total(
        match_pcap_cost(x->start + offset, xe, i->start, ie, i->res),
        match_bytes_cost(i->sent, x->sent), PCAP_TOL_NS);
}

/* Does exchange x fit IIS row i with this offset and window? */
static enum rn_rc
pcap_fits(struct store *st, const struct pcap_row *x, const struct pcap_row *i,
          int64_t offset, int64_t win, int strict, int *fits, int *client,
          struct rn_err *err)
{
    *fits = 0;
    *client = 0;
    if (!pcap_same(x, i, strict) || !pcap_time_ok(x, i, offset, win))
        return RN_OK;
    return pcap_client_ok(st, x, i->request_id, fits, client, err);
}

/* Called with each IIS row a walk meets. */
typedef enum rn_rc pcap_iis_fn(void *ctx, const struct pcap_row *i,
                               struct rn_err *err);

/*
 * SQL rn_pcap_path_is(url, path): does url have this path, folded as
 * pcap_row_read folds it?
 */
static void
pcap_sql_path_is(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *url = (const char *)sqlite3_value_text(argv[0]);
    const char *path = (const char *)sqlite3_value_text(argv[1]);
    struct pcap_row tmp;

    (void)argc;
    memset(&tmp, 0, sizeof tmp);
    pcap_url(&tmp, url);
    sqlite3_result_int(ctx, tmp.path != NULL && path != NULL &&
                                strcmp(tmp.path, path) == 0);
    free(tmp.path);
    free(tmp.query);
}

/* Rows by path, then start, then rank (a total order). */
static int
pcap_row_path_time_cmp(const void *a, const void *b)
{
    const struct pcap_row *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    if (c != 0)
        return c;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return pcap_row_rank_cmp(x, y);
}

/* Pointers to rows of one path, by rank. */
static int
pcap_row_ptr_cmp(const void *a, const void *b)
{
    return pcap_row_rank_cmp(*(const struct pcap_row *const *)a,
                             *(const struct pcap_row *const *)b);
}

/* The first row of src->near at or after (path, start). */
static size_t
pcap_near_lower(const struct pcap_iis_set *set, const char *path, int64_t start)
{
    size_t lo = 0, hi = set->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(set->row[mid].path, path);

        if (c < 0 || (c == 0 && set->row[mid].start < start))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* pcap_each_iis over src->near: the rows of path starting in [lo, hi],
 * with their facts, in (kind, key) order. */
static enum rn_rc
pcap_each_near(struct store *st, const struct pcap_src *src, const char *path,
               int64_t lo, int64_t hi, pcap_iis_fn *fn, void *ctx,
               struct rn_err *err)
{
    const struct pcap_iis_set *set = src->near;
    const struct pcap_row **hit = NULL;
    size_t i = pcap_near_lower(set, path, lo), n = 0, cap = 0, k;
    enum rn_rc rc = RN_OK;

    for (; i < set->n && set->row[i].start <= hi &&
           strcmp(set->row[i].path, path) == 0;
         i++) {
        if (n == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            hit = xrealloc(hit, cap, sizeof *hit);
        }
        hit[n++] = &set->row[i];
    }
    if (n > 1)
        qsort(hit, n, sizeof *hit, pcap_row_ptr_cmp);
    for (k = 0; rc == RN_OK && k < n; k++) {
        /* A copy that shares the set's strings: fn only reads it. */
        struct pcap_row r = *hit[k];

        rc = pcap_iis_facts(st, src, &r, err);
        if (rc == RN_OK)
            rc = fn(ctx, &r, err);
    }
    free(hit);
    return rc;
}

/*
 * Call fn for every IIS row that could fit exchange x (start within the
 * window around x's shifted start, the same path), in (kind, key) order.
 * A row of another path can neither fit nor be near (pcap_link_cand), and
 * a busy site's window holds thousands: the statement leaves them out
 * before it sorts and they are read.
 */
static enum rn_rc
pcap_each_iis(struct store *st, const struct pcap_src *src,
              const struct pcap_row *x, int64_t offset, int64_t win,
              pcap_iis_fn *fn, void *ctx, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step = SQLITE_DONE;

    if (x->start == STORE_NONE || x->path == NULL)
        return RN_OK;
    /* The set holds what the links read: src's offset, the narrow window. */
    if (src->near != NULL && offset == src->offset && win == PCAP_NARROW_NS)
        return pcap_each_near(st, src, x->path,
                              x->start + offset - win - PCAP_SEC_NS,
                              x->start + offset + win, fn, ctx, err);
    s = store_cached(st,
                     "SELECT " PCAP_COLS_IIS
                     " FROM srcreq WHERE kind IN (" RN_KINDS_GUID_SQL ")"
                     " AND start_ns BETWEEN ?1 AND ?2"
                     " AND request_id IS NOT NULL AND rn_pcap_path_is(url, ?3)"
                     " ORDER BY kind, key",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, x->start + offset - win - PCAP_SEC_NS);
    sqlite3_bind_int64(s, 2, x->start + offset + win);
    sqlite3_bind_text(s, 3, x->path, -1, SQLITE_STATIC);
    while (rc == RN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct pcap_row i;

        rc = pcap_iis_row(st, src, s, &i, err);
        if (rc == RN_OK)
            rc = fn(ctx, &i, err);
        pcap_row_fini(&i);
    }
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "match exchange", err);
    sqlite3_reset(s);
    return rc;
}

/* ---- pass 2: links ---- */

struct pcap_link_ctx {
    struct store *st;
    const struct pcap_src *src;
    const struct pcap_row *x;
    int64_t offset;
    struct pcap_cands *c;
};

/* pcap_each_iis callback of a link: note the fitting requests. */
static enum rn_rc
pcap_link_cand(void *vctx, const struct pcap_row *i, struct rn_err *err)
{
    struct pcap_link_ctx *lc = vctx;
    int fits, client;
    enum rn_rc rc;

    if (pcap_before_capture(lc->src, i))
        return RN_OK;
    rc = pcap_fits(lc->st, lc->x, i, lc->offset, PCAP_NARROW_NS, 0, &fits,
                   &client, err);
    if (lc->x->path != NULL && i->path != NULL &&
        strcmp(lc->x->path, i->path) == 0 &&
        pcap_time_ok(lc->x, i, lc->offset, PCAP_NARROW_NS))
        lc->c->near = 1;
    if (rc == RN_OK && fits) {
        int64_t cost = pcap_cost(lc->x, i, lc->offset);

        if (cost != MATCH_NONE) /* else the evidence conflicts */
            pcap_cands_add_cost(lc->c, i->request_id, client, cost, i->start,
                                i->id);
    }
    return rc;
}

/*
 * Does another exchange of x's capture fit one of request_id's IIS
 * source requests?  Then the request is ambiguous for x.
 */
static enum rn_rc
pcap_contested(struct store *st, const struct pcap_src *src,
               const struct pcap_row *x, int64_t request_id, int *contested,
               struct rn_err *err)
{
    sqlite3_stmt *iis, *xs;
    enum rn_rc rc = RN_OK;
    int step = SQLITE_DONE, xstep = SQLITE_DONE;

    *contested = 0;
    iis = store_cached(st,
                       "SELECT " PCAP_COLS_IIS
                       " FROM srcreq WHERE request_id = ?1"
                       " AND kind IN (" RN_KINDS_GUID_SQL ")",
                       err);
    xs = store_cached(st,
                      "SELECT " PCAP_COLS
                      " FROM srcreq WHERE kind = " RN_KINDS_CAPTURE_SQL
                      " AND source_id = ?1 AND id != ?2"
                      " AND start_ns BETWEEN ?3 AND ?4",
                      err);
    if (iis == NULL || xs == NULL)
        return RN_EDB;
    sqlite3_bind_int64(iis, 1, request_id);
    while (rc == RN_OK && !*contested &&
           (step = sqlite3_step(iis)) == SQLITE_ROW) {
        struct pcap_row i;

        rc = pcap_iis_row(st, src, iis, &i, err);
        if (rc != RN_OK || i.start == STORE_NONE ||
            pcap_before_capture(src, &i)) {
            pcap_row_fini(&i);
            continue;
        }
        sqlite3_reset(xs);
        sqlite3_bind_int64(xs, 1, src->id);
        sqlite3_bind_int64(xs, 2, x->id);
        /* Stored exchange times already carry the applied offset. */
        sqlite3_bind_int64(xs, 3, i.start - PCAP_NARROW_NS);
        sqlite3_bind_int64(xs, 4, i.start + i.res + PCAP_NARROW_NS);
        while (rc == RN_OK && !*contested &&
               (xstep = sqlite3_step(xs)) == SQLITE_ROW) {
            struct pcap_row o;
            int fits, client;

            pcap_row_read(xs, src, &o);
            rc = pcap_fits(st, &o, &i, src->offset, PCAP_NARROW_NS, 0, &fits,
                           &client, err);
            *contested = rc == RN_OK && fits;
            pcap_row_fini(&o);
        }
        pcap_row_fini(&i);
        if (rc == RN_OK && !*contested && xstep != SQLITE_DONE)
            rc = store_dberr(st, "match exchanges", err);
    }
    if (rc == RN_OK && !*contested && step != SQLITE_DONE)
        rc = store_dberr(st, "match requests", err);
    sqlite3_reset(iis);
    sqlite3_reset(xs);
    return rc;
}

/* Match a loaded exchange the old way: one candidate, uncontested (its
 * link then has no rival: no margin). */
static enum rn_rc
pcap_match_unique(struct store *st, const struct pcap_src *src,
                  const struct pcap_row *x, struct correlate_outcome *o,
                  struct rn_err *err)
{
    struct pcap_cands c;
    struct pcap_link_ctx lc;
    int contested = 0;
    enum rn_rc rc;

    o->target = 0;
    o->rule = "self";
    o->margin_ns = STORE_NONE;
    o->alone = CORRELATE_NO_CANDIDATE;
    memset(&c, 0, sizeof c);
    lc.st = st;
    lc.src = src;
    lc.x = x;
    lc.offset = src->offset;
    lc.c = &c;
    rc = pcap_each_iis(st, src, x, src->offset, PCAP_NARROW_NS, pcap_link_cand,
                       &lc, err);
    if (rc == RN_OK && (c.near || c.n > 0))
        o->alone = CORRELATE_CONFLICT;
    if (rc != RN_OK || c.n != 1 || c.overflow)
        return rc;
    rc = pcap_contested(st, src, x, c.req[0], &contested, err);
    if (rc != RN_OK || contested)
        return rc;
    o->target = c.req[0];
    o->rule =
        c.client[0] ? "pcap_time_url_status_client" : "pcap_time_url_status";
    o->alone = NULL;
    return RN_OK;
}

/* Largest set of exchanges and requests assigned together. */
#define PCAP_MAX_COMP 256

/*
 * The component of the candidate graph around an exchange: exchanges of
 * its capture and IIS requests linked by candidate pairs, closed both
 * ways, so the same set (and assignment) whichever exchange it is built
 * from.
 */
struct pcap_comp {
    struct pcap_row x[PCAP_MAX_COMP];
    /* Requests in time order: start, then the first IIS source request
     * (import order is file order, which breaks ties of whole seconds). */
    int64_t req[PCAP_MAX_COMP], req_start[PCAP_MAX_COMP],
        req_first[PCAP_MAX_COMP];
    struct match_edge edge[PCAP_MAX_COMP * 4];
    int edge_client[PCAP_MAX_COMP * 4];
    unsigned char near[PCAP_MAX_COMP]; /* per exchange: pcap_cands.near */
    size_t nx, nr, ne;
    int overflow;
};

static void
pcap_comp_fini(struct pcap_comp *c)
{
    size_t k;

    for (k = 0; k < c->nx; k++)
        pcap_row_fini(&c->x[k]);
    c->nx = 0;
}

/* Add exchange row x (taking its strings) unless it is there. */
static void
pcap_comp_x(struct pcap_comp *c, struct pcap_row *x)
{
    size_t k;

    for (k = 0; k < c->nx && c->x[k].id != x->id; k++)
        ;
    if (k < c->nx || c->nx == PCAP_MAX_COMP) {
        c->overflow |= k == c->nx;
        pcap_row_fini(x);
        return;
    }
    c->x[c->nx++] = *x;
    memset(x, 0, sizeof *x);
}

static size_t
pcap_comp_req(struct pcap_comp *c, int64_t r, int64_t start, int64_t first)
{
    size_t k;

    for (k = 0; k < c->nr && c->req[k] != r; k++)
        ;
    if (k == c->nr) {
        if (c->nr == PCAP_MAX_COMP) {
            c->overflow = 1;
            return PCAP_MAX_COMP;
        }
        c->req[c->nr] = r;
        c->req_first[c->nr] = first;
        c->req_start[c->nr++] = start;
    }
    return k;
}

static void
pcap_comp_edge(struct pcap_comp *c, size_t a, size_t b, int64_t cost,
               int client)
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

/* The exchanges of src that fit request r's IIS rows, into c. */
static enum rn_rc
pcap_comp_xs_of(struct store *st, const struct pcap_src *src,
                struct pcap_comp *c, int64_t r, struct rn_err *err)
{
    sqlite3_stmt *iis, *xs;
    enum rn_rc rc = RN_OK;
    int step = SQLITE_DONE, xstep;

    iis = store_cached(st,
                       "SELECT " PCAP_COLS_IIS
                       " FROM srcreq WHERE request_id = ?1"
                       " AND kind IN (" RN_KINDS_GUID_SQL ")",
                       err);
    xs = store_cached(st,
                      "SELECT " PCAP_COLS
                      " FROM srcreq WHERE kind = " RN_KINDS_CAPTURE_SQL
                      " AND source_id = ?1 AND id != ?2"
                      " AND start_ns BETWEEN ?3 AND ?4",
                      err);
    if (iis == NULL || xs == NULL)
        return RN_EDB;
    sqlite3_bind_int64(iis, 1, r);
    while (rc == RN_OK && (step = sqlite3_step(iis)) == SQLITE_ROW) {
        struct pcap_row i;

        rc = pcap_iis_row(st, src, iis, &i, err);
        if (rc != RN_OK || i.start == STORE_NONE ||
            pcap_before_capture(src, &i)) {
            pcap_row_fini(&i);
            continue;
        }
        sqlite3_reset(xs);
        sqlite3_bind_int64(xs, 1, src->id);
        sqlite3_bind_int64(xs, 2, 0);
        sqlite3_bind_int64(xs, 3, i.start - PCAP_NARROW_NS);
        sqlite3_bind_int64(xs, 4, i.start + i.res + PCAP_NARROW_NS);
        while (rc == RN_OK && (xstep = sqlite3_step(xs)) == SQLITE_ROW) {
            struct pcap_row o;
            int fits, client;

            pcap_row_read(xs, src, &o);
            rc = pcap_fits(st, &o, &i, src->offset, PCAP_NARROW_NS, 0, &fits,
                           &client, err);
            if (rc == RN_OK && fits)
                pcap_comp_x(c, &o);
            pcap_row_fini(&o);
        }
        if (rc == RN_OK && xstep != SQLITE_DONE)
            rc = store_dberr(st, "match exchanges", err);
        pcap_row_fini(&i);
    }
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "match requests", err);
    sqlite3_reset(iis);
    sqlite3_reset(xs);
    return rc;
}

/* Build the component of exchange id. */
static enum rn_rc
pcap_comp_build(struct store *st, const struct pcap_src *src, int64_t id,
                struct pcap_comp *c, struct rn_err *err)
{
    struct pcap_row first;
    size_t xi = 0, ri = 0, k;
    enum rn_rc rc;
    int found;

    rc = pcap_load(st, src, id, &first, &found, err);
    if (rc != RN_OK || !found)
        return rc;
    pcap_comp_x(c, &first);
    while (rc == RN_OK && !c->overflow && (xi < c->nx || ri < c->nr)) {
        if (xi < c->nx) {
            struct pcap_cands cd;
            struct pcap_link_ctx lc;

            memset(&cd, 0, sizeof cd);
            lc.st = st;
            lc.src = src;
            lc.x = &c->x[xi];
            lc.offset = src->offset;
            lc.c = &cd;
            rc = pcap_each_iis(st, src, &c->x[xi], src->offset, PCAP_NARROW_NS,
                               pcap_link_cand, &lc, err);
            c->overflow |= cd.overflow;
            c->near[xi] = cd.near || cd.n > 0;
            for (k = 0; rc == RN_OK && k < (size_t)cd.n; k++) {
                size_t b =
                    pcap_comp_req(c, cd.req[k], cd.start[k], cd.first[k]);

                if (b < PCAP_MAX_COMP)
                    pcap_comp_edge(c, xi, b, cd.cost[k], cd.client[k]);
            }
            xi++;
            continue;
        }
        rc = pcap_comp_xs_of(st, src, c, c->req[ri], err);
        ri++;
    }
    return rc;
}

/* Assign the component: out[k] what exchange k gets (its request, 0 when
 * alone, its rule, margin or reason). */
static void
pcap_comp_assign(struct pcap_comp *c, struct correlate_outcome *out)
{
    size_t xrank[PCAP_MAX_COMP], rrank[PCAP_MAX_COMP], xby[PCAP_MAX_COMP];
    size_t to_b[PCAP_MAX_COMP], k, j;
    int64_t margin[PCAP_MAX_COMP];
    struct match_edge e[sizeof c->edge / sizeof c->edge[0]];

    /* Time order on both sides: exchanges by start, then id. */
    for (k = 0; k < c->nx; k++) {
        xrank[k] = 0;
        for (j = 0; j < c->nx; j++)
            xrank[k] +=
                c->x[j].start < c->x[k].start ||
                (c->x[j].start == c->x[k].start && c->x[j].id < c->x[k].id);
        xby[xrank[k]] = k;
    }
    for (k = 0; k < c->nr; k++) {
        rrank[k] = 0;
        for (j = 0; j < c->nr; j++)
            rrank[k] += c->req_start[j] < c->req_start[k] ||
                        (c->req_start[j] == c->req_start[k] &&
                         c->req_first[j] < c->req_first[k]);
    }
    for (k = 0; k < c->ne; k++)
        e[k] = (struct match_edge){xrank[c->edge[k].a], rrank[c->edge[k].b],
                                   c->edge[k].cost};
    match_assign(e, c->ne, c->nx, c->nr, to_b, margin);
    for (k = 0; k < c->nx; k++) {
        size_t x = xby[k];
        struct correlate_outcome *o = &out[x];

        if (correlate_outcome_of(o, to_b[k], rrank, c->nr, c->req, margin[k],
                                 c->near[x]) == c->nr)
            continue;
        j = correlate_edge_of(c->edge, c->ne, x, c->req, o->target);
        if (j < c->ne)
            o->rule = c->edge_client[j] ? "pcap_time_url_status_client"
                                        : "pcap_time_url_status";
    }
}

/* Move exchange x where o says (0: its own request) if that changes. */
static enum rn_rc
pcap_apply_link(struct correlate *co, const struct pcap_row *x,
                const struct correlate_outcome *o, struct rn_err *err)
{
    return correlate_move(co, x->id, x->key, x->request_id, x->rule, o, err);
}

/*
 * Match exchange id by assigning its component, moving every exchange of
 * the component where the assignment puts it.
 */
static enum rn_rc
pcap_match_comp(struct correlate *co, const struct pcap_src *src, int64_t id,
                struct rn_err *err)
{
    struct store *st = co->st;
    struct pcap_comp *c = xcalloc(1, sizeof *c);
    struct correlate_outcome *out = xcalloc(PCAP_MAX_COMP, sizeof *out);
    enum rn_rc rc;
    size_t k;

    rc = pcap_comp_build(st, src, id, c, err);
    if (rc == RN_OK && c->overflow) {
        struct pcap_row x;
        struct correlate_outcome o;
        int found;

        pcap_comp_fini(c);
        rc = pcap_load(st, src, id, &x, &found, err);
        if (rc == RN_OK && found) {
            rc = pcap_match_unique(st, src, &x, &o, err);
            if (rc == RN_OK)
                rc = pcap_apply_link(co, &x, &o, err);
            pcap_row_fini(&x);
        }
        goto out;
    }
    if (rc != RN_OK || c->nx == 0)
        goto out;
    pcap_comp_assign(c, out);
    for (k = 0; rc == RN_OK && k < c->nx; k++)
        rc = pcap_apply_link(co, &c->x[k], &out[k], err);
out:
    pcap_comp_fini(c);
    free(c);
    free(out);
    return rc;
}

/*
 * A new capture's exchanges start alone: they are matched together by
 * correlate_pcap_rescan once the whole capture is in and its clock offset
 * is estimated (and only if IIS requests lie near it, so a capture alone
 * costs nothing here).
 */
enum rn_rc
correlate_pcap_match(struct store *st, int64_t srcreq_id, int64_t *request_id,
                     const char **rule, struct rn_err *err)
{
    (void)st;
    (void)srcreq_id;
    (void)err;
    *request_id = 0;
    *rule = "self";
    return RN_OK;
}

/* ---- pass 1: the clock offset ---- */

/* Offsets [lo, hi) consistent with one exchange/request pair. */
struct pcap_span {
    int64_t lo, hi;
};

/* An exchange's claim on a request during the estimate. */
struct pcap_claim {
    int64_t request_id, xid;
    struct pcap_span span; /* offsets the pair allows */
    int nreq;              /* distinct requests this exchange fits */
};

struct pcap_est_ctx {
    struct store *st;
    const struct pcap_row *x;
    struct pcap_cands c;
    struct pcap_span span[PCAP_MAX_CAND]; /* per candidate request */
    int64_t width[PCAP_MAX_CAND];         /* narrowest single span */
    struct pcap_span narrow[PCAP_MAX_CAND];
    int met[PCAP_MAX_CAND]; /* spans of the request still intersect */
};

/* Larger of two. */
static int64_t
pcap_max(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* Smaller of two. */
static int64_t
pcap_min(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* The offsets an IIS row allows for exchange x (see the file comment). */
static struct pcap_span
pcap_span_of(const struct pcap_row *x, const struct pcap_row *i)
{
    struct pcap_span s, e;

    s.lo = i->start - x->start - PCAP_TOL_NS;
    s.hi = i->start + i->res - x->start + PCAP_TOL_NS;
    if (!x->complete || !i->complete || x->end == STORE_NONE ||
        i->end == STORE_NONE)
        return s;
    e.lo = pcap_max(s.lo, i->end - x->end - PCAP_TOL_NS);
    e.hi = pcap_min(s.hi, i->end + i->res - x->end + PCAP_TOL_NS);
    return e.lo < e.hi ? e : s;
}

/* Estimate: note a fitting request and narrow its span of offsets. */
static enum rn_rc
pcap_est_cand(void *vctx, const struct pcap_row *i, struct rn_err *err)
{
    struct pcap_est_ctx *ec = vctx;
    struct pcap_span sp;
    int fits, client, k, before = ec->c.n;
    enum rn_rc rc;

    rc = pcap_fits(ec->st, ec->x, i, 0, PCAP_WIDE_NS, 1, &fits, &client, err);
    if (rc != RN_OK || !fits)
        return rc;
    pcap_cands_add(&ec->c, i->request_id, client);
    for (k = 0; k < ec->c.n && ec->c.req[k] != i->request_id; k++)
        ;
    if (k == ec->c.n)
        return RN_OK; /* overflow */
    sp = pcap_span_of(ec->x, i);
    if (k == before) {
        /* First IIS row of this request. */
        ec->span[k] = sp;
        ec->narrow[k] = sp;
        ec->width[k] = sp.hi - sp.lo;
        ec->met[k] = 1;
        return RN_OK;
    }
    /* Rows are read in (kind, key) order: the result is order-free. */
    ec->span[k].lo = pcap_max(ec->span[k].lo, sp.lo);
    ec->span[k].hi = pcap_min(ec->span[k].hi, sp.hi);
    if (ec->span[k].lo >= ec->span[k].hi)
        ec->met[k] = 0;
    if (sp.hi - sp.lo < ec->width[k]) {
        ec->width[k] = sp.hi - sp.lo;
        ec->narrow[k] = sp;
    }
    return RN_OK;
}

/* Claims by request, then exchange. */
static int
pcap_claim_cmp(const void *a, const void *b)
{
    const struct pcap_claim *x = a, *y = b;

    if (x->request_id != y->request_id)
        return x->request_id < y->request_id ? -1 : 1;
    return x->xid < y->xid ? -1 : x->xid > y->xid;
}

/* An interval end point for the sweep. */
struct pcap_edge {
    int64_t at;
    int delta; /* -1 closes (sorts first: intervals are half-open), +1 */
};

/* Edges by position; closing before opening. */
static int
pcap_edge_cmp(const void *a, const void *b)
{
    const struct pcap_edge *x = a, *y = b;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->delta - y->delta;
}

/* Ascending int64. */
static int
pcap_i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Floor division of a by positive b. */
static int64_t
pcap_floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/*
 * The offset consistent with the most spans: the midpoint of the region
 * the most spans cover (of several, the one nearest the median of the
 * spans' midpoints), rounded to the millisecond.  *agree: spans covering.
 */
static int64_t
pcap_vote(const struct pcap_span *sp, size_t n, int *agree, int64_t *spread)
{
    struct pcap_edge *e = xcalloc(2 * n, sizeof *e);
    int64_t *mid = xcalloc(n, sizeof *mid);
    int64_t median, best_lo = 0, best_hi = 0, best_dist = INT64_MAX;
    int64_t run_lo = 0, ms = PCAP_SEC_NS / 1000, v;
    size_t i;
    int cur = 0, max = 0, in_run = 0;

    for (i = 0; i < n; i++) {
        e[2 * i].at = sp[i].lo;
        e[2 * i].delta = 1;
        e[2 * i + 1].at = sp[i].hi;
        e[2 * i + 1].delta = -1;
        mid[i] = sp[i].lo + (sp[i].hi - sp[i].lo) / 2;
    }
    qsort(e, 2 * n, sizeof *e, pcap_edge_cmp);
    qsort(mid, n, sizeof *mid, pcap_i64_cmp);
    median = mid[(n - 1) / 2];
    for (i = 0; i < 2 * n; i++) {
        cur += e[i].delta;
        if (cur > max)
            max = cur;
    }
    /* Walk again: runs of maximal coverage, the one nearest the median. */
    cur = 0;
    for (i = 0; i < 2 * n; i++) {
        cur += e[i].delta;
        if (i + 1 < 2 * n && e[i + 1].at == e[i].at)
            continue;
        if (cur == max && !in_run) {
            in_run = 1;
            run_lo = e[i].at;
        } else if (cur != max && in_run) {
            int64_t run_hi = e[i].at, d;

            in_run = 0;
            d = median < run_lo   ? run_lo - median
                : median > run_hi ? median - run_hi
                                  : 0;
            if (d < best_dist) {
                best_dist = d;
                best_lo = run_lo;
                best_hi = run_hi;
            }
        }
    }
    free(e);
    free(mid);
    *agree = max;
    *spread = (best_hi - best_lo) / 2;
    v = best_lo + (best_hi - best_lo) / 2;
    return pcap_floordiv(v + ms / 2, ms) * ms;
}

/*
 * The time span of a source's requests: first start to last start, or to
 * the last end when with_end is set.  STORE_NONE when it has none.
 */
static enum rn_rc
pcap_source_span(struct store *st, int64_t source_id, int with_end, int64_t *lo,
                 int64_t *hi, struct rn_err *err)
{
    static const char *const sql[] = {
        "SELECT min(start_ns), max(start_ns) FROM srcreq"
        " WHERE source_id = ?1",
        "SELECT min(start_ns), max(coalesce(end_ns, start_ns))"
        " FROM srcreq WHERE source_id = ?1",
    };
    sqlite3_stmt *s = store_cached(st, sql[with_end != 0], err);

    *lo = *hi = STORE_NONE;
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *lo = store_col_opt(s, 0);
        *hi = store_col_opt(s, 1);
    }
    sqlite3_reset(s);
    return RN_OK;
}

/*
 * Add to set the IIS rows linked to a request that start in [lo, hi]
 * (with a status too when with_status) and whose path an exchange of src
 * has, without their facts (read when a walk meets the row), up to max
 * rows: *full then 1 and the rest unread.
 */
static enum rn_rc
pcap_iis_set_fill(struct store *st, const struct pcap_src *src, int with_status,
                  int64_t lo, int64_t hi, size_t max, struct pcap_iis_set *set,
                  int *full, struct rn_err *err)
{
    static const char *const sql[] = {
        "SELECT " PCAP_COLS_IIS " FROM srcreq WHERE kind IN"
        " (" RN_KINDS_GUID_SQL ") AND start_ns BETWEEN ?1 AND ?2"
        " AND request_id IS NOT NULL AND url IS NOT NULL",
        "SELECT " PCAP_COLS_IIS " FROM srcreq WHERE kind IN"
        " (" RN_KINDS_GUID_SQL ") AND start_ns BETWEEN ?1 AND ?2"
        " AND request_id IS NOT NULL AND url IS NOT NULL"
        " AND http_status IS NOT NULL",
    };
    sqlite3_stmt *s = store_cached(st, sql[with_status != 0], err);
    size_t cap = set->n;
    enum rn_rc rc = RN_OK;
    int step;

    *full = 0;
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, lo);
    sqlite3_bind_int64(s, 2, hi);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct pcap_row r;

        pcap_row_read(s, NULL, &r);
        if (r.path == NULL || r.start == STORE_NONE ||
            !pcap_paths_has(src->paths, r.path)) {
            pcap_row_fini(&r);
            continue;
        }
        if (set->n == max) {
            pcap_row_fini(&r);
            *full = 1;
            break;
        }
        if (set->n == cap) {
            cap = cap == 0 ? 64 : cap * 2;
            set->row = xrealloc(set->row, cap, sizeof *set->row);
        }
        set->row[set->n++] = r;
    }
    if (!*full && step != SQLITE_DONE)
        rc = store_dberr(st, "read requests near a capture", err);
    sqlite3_reset(s);
    return rc;
}

/*
 * Load every IIS row an exchange of src could fit in the estimate (start
 * within PCAP_WIDE_NS of the capture's raw span): one scan per estimate,
 * then lookups by path, instead of a window scan per exchange.  A row's
 * facts (its events) are read when an exchange of its path meets it
 * (pcap_iis_set_each), not for all: most rows of a busy window have
 * another path.
 */
static enum rn_rc
pcap_iis_set_load(struct store *st, const struct pcap_src *src,
                  struct pcap_iis_set *set, struct rn_err *err)
{
    int64_t lo, hi;
    enum rn_rc rc;
    int full;

    memset(set, 0, sizeof *set);
    rc = pcap_source_span(st, src->id, 0, &lo, &hi, err);
    if (rc != RN_OK || lo == STORE_NONE || hi == STORE_NONE)
        return rc;
    if (src->have_offset) {
        lo -= src->offset;
        hi -= src->offset;
    }
    rc = pcap_iis_set_fill(st, src, 1, lo - PCAP_WIDE_NS - PCAP_SEC_NS,
                           hi + PCAP_WIDE_NS, SIZE_MAX, set, &full, err);
    if (set->n > 1)
        qsort(set->row, set->n, sizeof *set->row, pcap_row_path_cmp);
    return rc;
}

/* Feed the rows of set with x's path to the estimate's candidate check. */
static enum rn_rc
pcap_iis_set_each(const struct pcap_iis_set *set, const struct pcap_src *src,
                  const struct pcap_row *x, struct pcap_est_ctx *ec,
                  struct rn_err *err)
{
    size_t lo = 0, hi = set->n;
    enum rn_rc rc = RN_OK;

    if (x->path == NULL)
        return RN_OK;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(set->row[mid].path, x->path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (;
         rc == RN_OK && lo < set->n && strcmp(set->row[lo].path, x->path) == 0;
         lo++) {
        /* A copy that shares the set's strings, given its facts. */
        struct pcap_row r = set->row[lo];

        rc = pcap_iis_facts(ec->st, src, &r, err);
        if (rc == RN_OK)
            rc = pcap_est_cand(ec, &r, err);
    }
    return rc;
}

/*
 * Estimate capture src's clock offset from its unambiguous matches.
 * *found 0 when there are none; *spread: how far off it may be.
 */
static enum rn_rc
pcap_estimate(struct store *st, const struct pcap_src *src, int *found,
              int64_t *offset, int *agree, int64_t *spread, struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    struct pcap_claim *cl = NULL;
    struct pcap_span *spans = NULL;
    struct pcap_iis_set set;
    size_t ncl = 0, capcl = 0, nsp = 0, i, j;
    struct pcap_est_ctx *ec = xcalloc(1, sizeof *ec);
    enum rn_rc rc;
    int step = SQLITE_DONE, k;

    *found = 0;
    *offset = 0;
    *agree = 0;
    ec->st = st;
    rc = pcap_iis_set_load(st, src, &set, err);
    if (rc != RN_OK || set.n == 0)
        goto out;
    rc = store_prepare(st,
                       "SELECT " PCAP_COLS " FROM srcreq WHERE source_id = ?1"
                       " AND verb IS NOT NULL AND url IS NOT NULL"
                       " AND http_status IS NOT NULL ORDER BY id",
                       &s, err);
    if (rc != RN_OK)
        goto out;
    sqlite3_bind_int64(s, 1, src->id);
    while (rc == RN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct pcap_row x;

        pcap_row_read(s, src, &x);
        memset(&ec->c, 0, sizeof ec->c);
        ec->x = &x;
        rc = pcap_iis_set_each(&set, src, &x, ec, err);
        for (k = 0; rc == RN_OK && k < ec->c.n; k++) {
            struct pcap_claim *c;

            if (ncl == capcl) {
                capcl = capcl == 0 ? 64 : capcl * 2;
                cl = xrealloc(cl, capcl, sizeof *cl);
            }
            c = &cl[ncl++];
            c->request_id = ec->c.req[k];
            c->xid = x.id;
            c->span = ec->met[k] ? ec->span[k] : ec->narrow[k];
            c->nreq = ec->c.overflow ? PCAP_MAX_CAND + 1 : ec->c.n;
        }
        pcap_row_fini(&x);
    }
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "estimate clock offset", err);
    if (rc != RN_OK || ncl == 0)
        goto out;
    /* Unambiguous: the exchange fits one request, the request one
     * exchange. */
    qsort(cl, ncl, sizeof *cl, pcap_claim_cmp);
    spans = xcalloc(ncl, sizeof *spans);
    for (i = 0; i < ncl; i = j) {
        for (j = i + 1; j < ncl && cl[j].request_id == cl[i].request_id; j++)
            ;
        if (j - i == 1 && cl[i].nreq == 1)
            spans[nsp++] = cl[i].span;
    }
    if (nsp > 0) {
        *offset = pcap_vote(spans, nsp, agree, spread);
        *found = 1;
    }
out:
    sqlite3_finalize(s);
    pcap_iis_set_fini(&set);
    free(cl);
    free(spans);
    free(ec);
    return rc;
}

/* ---- applying the offset ---- */

/*
 * SQL function rn_pcap_offset_fields(fields, ms): a capture event's fields
 * with clock_offset_ms set to ms (removed when ms is NULL).  The importer
 * writes captured_ts first and clock_offset_ms second, so the result is
 * the same text whatever offsets the event had before.
 */
static void
pcap_sql_fields(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char pfx[] = "{\"captured_ts\":\"";
    static const char key[] = ",\"clock_offset_ms\":\"";
    const char *f = (const char *)sqlite3_value_text(argv[0]);
    const char *ms = (const char *)sqlite3_value_text(argv[1]);
    const char *p, *q;
    char *out;
    size_t n;

    (void)argc;
    if (f == NULL || strncmp(f, pfx, sizeof pfx - 1) != 0 ||
        (p = strchr(f + sizeof pfx - 1, '"')) == NULL) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    p++; /* past the end of captured_ts */
    q = p;
    if (strncmp(q, key, sizeof key - 1) == 0) {
        q = strchr(q + sizeof key - 1, '"');
        if (q == NULL) {
            sqlite3_result_value(ctx, argv[0]);
            return;
        }
        q++;
    }
    n = (size_t)(p - f) + strlen(q) + (ms != NULL ? strlen(ms) + 32 : 0) + 1;
    out = xmalloc(n);
    snprintf(out, n, "%.*s%s%s%s%s", (int)(p - f), f, ms != NULL ? key : "",
             ms != NULL ? ms : "", ms != NULL ? "\"" : "", q);
    sqlite3_result_text(ctx, out, -1, free);
}

/* Run one statement of the offset update for capture source_id. */
static enum rn_rc
pcap_apply_step(struct store *st, const char *sql, int64_t source_id,
                int64_t delta, const char *ms, int64_t offset, int have,
                int agree, struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(st, sql, err);
    enum rn_rc rc = RN_OK;

    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_int64(s, 2, delta);
    store_bind_text(s, 3, ms);
    store_bind_opt(s, 4, have ? offset : STORE_NONE);
    store_bind_opt(s, 5, have ? (int64_t)agree : STORE_NONE);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "apply clock offset", err);
    sqlite3_reset(s);
    return rc;
}

/* Note every request a capture's exchanges are linked to. */
static enum rn_rc
pcap_touch_all(struct correlate *co, int64_t source_id, struct rn_err *err)
{
    sqlite3_stmt *s =
        store_cached(co->st,
                     "SELECT DISTINCT request_id FROM srcreq"
                     " WHERE source_id = ?1 AND request_id IS NOT NULL",
                     err);

    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    return correlate_touch_each(co, s, "note requests", err);
}

/*
 * Make the offset (have: one is known) the one applied to capture src's
 * times.  *moved: the times or the offset changed.
 */
static enum rn_rc
pcap_apply(struct correlate *co, struct pcap_src *src, int have, int64_t offset,
           int agree, int *moved, struct rn_err *err)
{
    struct store *st = co->st;
    static const char *const sql[] = {
        /* Through the source requests' index: none leads from a source
         * to its events (schema.sql).  A capture's events all belong to
         * an exchange; the second term keeps any that would not. */
        "UPDATE event SET ts_ns = ts_ns + ?2,"
        " fields = rn_pcap_offset_fields(fields, ?3)"
        " WHERE srcreq_id IN (SELECT id FROM srcreq WHERE source_id = ?1)"
        " OR (srcreq_id IS NULL AND source_id = ?1)",
        "UPDATE srcreq SET start_ns = start_ns + ?2, end_ns = end_ns + ?2"
        " WHERE source_id = ?1",
        "UPDATE source SET clock_offset_ns = ?4, clock_offset_matches = ?5"
        " WHERE id = ?1",
    };
    char ms[48];
    int64_t delta;
    enum rn_rc rc = RN_OK;
    size_t i;

    *moved = src->have_offset != have || (have && src->offset != offset);
    if (!*moved)
        /* Same offset: only the number of matches may differ. */
        return pcap_apply_step(st, sql[2], src->id, 0, NULL, offset, have,
                               agree, err);
    delta = (have ? offset : 0) - (src->have_offset ? src->offset : 0);
    snprintf(ms, sizeof ms, "%.3f", (double)offset / 1e6);
    if (sqlite3_create_function(store_db(st), "rn_pcap_offset_fields", 2,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                pcap_sql_fields, NULL, NULL) != SQLITE_OK)
        return store_dberr(st, "register function", err);
    for (i = 0; rc == RN_OK && i < sizeof sql / sizeof sql[0]; i++)
        rc = pcap_apply_step(st, sql[i], src->id, delta, have ? ms : NULL,
                             offset, have, agree, err);
    /* Every request of the capture has new times to triage. */
    if (rc == RN_OK)
        rc = pcap_touch_all(co, src->id, err);
    if (rc == RN_OK) {
        src->have_offset = have;
        src->offset = have ? offset : 0;
    }
    return rc;
}

/* ---- re-evaluation ---- */

/* Match an exchange (and its component) again; move what changed. */
static enum rn_rc
pcap_recheck(struct correlate *co, const struct pcap_src *src, int64_t id,
             struct rn_err *err)
{
    return pcap_match_comp(co, src, id, err);
}

/*
 * The IIS rows the links of src's nx exchanges may read (pcap_each_iis
 * with the applied offset, PCAP_NARROW_NS around each), into set sorted
 * by path and start, when their windows overlap: n windows that cover
 * more than the capture's span would read each row more than once.  A
 * busy site's window holds thousands of requests, and each walk of the
 * store reads them all (a row lookup and a URL parse each) to find its
 * path's few: 3,775 exchanges against a trace crowding their seconds took
 * minutes.  Rows of paths no exchange has are left out (src->paths).
 * *use 0 (set empty) when the walks read less, or when the rows are more
 * than PCAP_NEAR_MAX.
 */
static enum rn_rc
pcap_near_load(struct store *st, const struct pcap_src *src, size_t nx,
               struct pcap_iis_set *set, int *use, struct rn_err *err)
{
    const int64_t win = 2 * PCAP_NARROW_NS + PCAP_SEC_NS;
    int64_t lo, hi;
    enum rn_rc rc;
    int full = 0;

    memset(set, 0, sizeof *set);
    *use = 0;
    /* The exchanges' shifted starts (stored with the offset applied). */
    rc = pcap_source_span(st, src->id, 0, &lo, &hi, err);
    if (rc != RN_OK || lo == STORE_NONE || hi == STORE_NONE ||
        (double)nx * (double)win < (double)(hi - lo) + (double)win)
        return rc;
    rc = pcap_iis_set_fill(st, src, 0, lo - PCAP_NARROW_NS - PCAP_SEC_NS,
                           hi + PCAP_NARROW_NS, PCAP_NEAR_MAX, set, &full, err);
    if (rc != RN_OK || full) {
        /* Too many to keep: the walks read the store. */
        pcap_iis_set_fini(set);
        return rc;
    }
    if (set->n > 1)
        qsort(set->row, set->n, sizeof *set->row, pcap_row_path_time_cmp);
    *use = 1;
    return RN_OK;
}

/* Match every exchange of capture src again. */
static enum rn_rc
pcap_recheck_all(struct correlate *co, const struct pcap_src *src,
                 struct rn_err *err)
{
    struct store *st = co->st;
    struct pcap_src with = *src;
    struct pcap_iis_set near;
    sqlite3_stmt *s = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0, i;
    enum rn_rc rc;
    int step = SQLITE_DONE, use = 0;

    /* Collect first: relinking writes the rows being walked. */
    rc = store_prepare(st, "SELECT id FROM srcreq WHERE source_id = ?1", &s,
                       err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, src->id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap == 0 ? 256 : cap * 2;
            ids = xrealloc(ids, cap, sizeof *ids);
        }
        ids[n++] = sqlite3_column_int64(s, 0);
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "read exchanges", err);
    sqlite3_finalize(s);
    /* Relinking moves exchanges only: the IIS rows stay as loaded. */
    memset(&near, 0, sizeof near);
    if (rc == RN_OK)
        rc = pcap_near_load(st, src, n, &near, &use, err);
    with.near = use ? &near : NULL;
    for (i = 0; rc == RN_OK && i < n; i++)
        rc = pcap_recheck(co, &with, ids[i], err);
    pcap_iis_set_fini(&near);
    free(ids);
    return rc;
}

/*
 * The paths of capture source_id's exchanges, folded as pcap_row_read
 * folds them: an IIS row of another path can meet none of them, so the
 * estimate's and the links' sets leave it out.  A busy trace beside a
 * capture of other pages then costs a scan, not its rows in memory.
 */
static enum rn_rc
pcap_paths_load(struct store *st, int64_t source_id, struct pcap_paths *ps,
                struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(st,
                                   "SELECT url FROM srcreq WHERE source_id"
                                   " = ?1 AND url IS NOT NULL",
                                   err);
    size_t cap = 0, i, k;
    enum rn_rc rc = RN_OK;
    int step;

    memset(ps, 0, sizeof *ps);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct pcap_row r;

        memset(&r, 0, sizeof r);
        pcap_url(&r, (const char *)sqlite3_column_text(s, 0));
        free(r.query);
        if (r.path == NULL)
            continue;
        if (ps->n == cap) {
            cap = cap == 0 ? 64 : cap * 2;
            ps->p = xrealloc(ps->p, cap, sizeof *ps->p);
        }
        ps->p[ps->n++] = r.path;
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "read exchange paths", err);
    sqlite3_reset(s);
    if (ps->n > 1)
        qsort(ps->p, ps->n, sizeof *ps->p, pcap_str_cmp);
    for (i = k = 0; i < ps->n; i++) {
        if (k > 0 && strcmp(ps->p[k - 1], ps->p[i]) == 0)
            free(ps->p[i]);
        else
            ps->p[k++] = ps->p[i];
    }
    ps->n = k;
    return rc;
}

/*
 * Bring capture source_id up to date: estimate its offset (unless given),
 * move its times, and match its exchanges again (all of them when
 * recheck is set, otherwise only if the offset moved).
 */
static enum rn_rc
pcap_refresh(struct correlate *co, int64_t source_id, int recheck,
             struct rn_err *err)
{
    struct store *st = co->st;
    struct pcap_src src;
    struct pcap_facts facts = {NULL, 0, 0};
    struct pcap_paths paths;
    int64_t offset = 0;
    int kind, found = 0, agree = 0, moved = 0;
    enum rn_rc rc;

    rc = pcap_src_load(st, source_id, &src, &kind, err);
    if (rc != RN_OK || kind != STORE_KIND_PCAP)
        return rc;
    /* pcap_each_iis's statement calls it. */
    if (sqlite3_create_function(store_db(st), "rn_pcap_path_is", 2,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                pcap_sql_path_is, NULL, NULL) != SQLITE_OK)
        return store_dberr(st, "register function", err);
    src.facts = &facts;
    /* The sets need them: the estimate's, and the links' (a recheck's;
     * a given offset never moves). */
    memset(&paths, 0, sizeof paths);
    if (!src.given || recheck) {
        rc = pcap_paths_load(st, source_id, &paths, err);
        src.paths = &paths;
    }
    if (rc == RN_OK && !src.given) {
        int64_t spread = PCAP_NARROW_NS;

        rc = pcap_estimate(st, &src, &found, &offset, &agree, &spread, err);
        if (found)
            src.spread = spread;
        if (rc == RN_OK)
            rc = pcap_apply(co, &src, found, offset, agree, &moved, err);
    }
    if (rc == RN_OK && (recheck || moved))
        rc = pcap_recheck_all(co, &src, err);
    pcap_facts_fini(&facts);
    pcap_paths_fini(&paths);
    return rc;
}

/* Are there IIS requests in the store at all?  One index probe, where
 * the capture's span (pcap_iis_near) reads all its exchanges. */
static enum rn_rc
pcap_iis_any(struct store *st, int *any, struct rn_err *err)
{
    return correlate_exists(st,
                            "SELECT EXISTS (SELECT 1 FROM srcreq WHERE kind IN"
                            " (" RN_KINDS_GUID_SQL "))",
                            "look for IIS requests", any, err);
}

/* Are there IIS requests near the new capture source_id at all? */
static enum rn_rc
pcap_iis_near(struct store *st, int64_t source_id, int *near,
              struct rn_err *err)
{
    sqlite3_stmt *s;
    int64_t lo = STORE_NONE, hi = STORE_NONE;
    enum rn_rc rc = RN_OK;

    *near = 0;
    rc = pcap_source_span(st, source_id, 0, &lo, &hi, err);
    if (rc != RN_OK || lo == STORE_NONE || hi == STORE_NONE)
        return rc;
    /* Its times may carry a given offset: look as far as an estimate
     * would, around both. */
    s = store_cached(
        st,
        "SELECT EXISTS (SELECT 1 FROM srcreq WHERE kind IN (" RN_KINDS_GUID_SQL
        ")"
        " AND start_ns BETWEEN ?1 AND ?2)",
        err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, lo - 2 * PCAP_WIDE_NS - PCAP_NARROW_NS);
    sqlite3_bind_int64(s, 2, hi + 2 * PCAP_WIDE_NS + PCAP_NARROW_NS);
    if (sqlite3_step(s) == SQLITE_ROW)
        *near = sqlite3_column_int(s, 0);
    else
        rc = store_dberr(st, "look for requests near a capture", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
correlate_pcap_rescan(struct correlate *co, int64_t source_id, int kind,
                      struct rn_err *err)
{
    struct store *st = co->st;
    sqlite3_stmt *s;
    int64_t lo = STORE_NONE, hi = STORE_NONE, margin;
    int step = SQLITE_DONE, any = 0;
    enum rn_rc rc = RN_OK;

    if (kind == STORE_KIND_PCAP) {
        int near = 0;

        rc = pcap_iis_any(st, &near, err);
        if (rc == RN_OK && near)
            rc = pcap_iis_near(st, source_id, &near, err);
        if (rc == RN_OK && near)
            rc = pcap_refresh(co, source_id, 1, err);
        return rc;
    }
    if (kind < STORE_KIND_ETW || kind > STORE_KIND_HTTPERR)
        return RN_OK;
    /* No capture in the store: one index probe, where the new source's
     * span reads every request it has. */
    rc = correlate_exists(st,
                          "SELECT EXISTS (SELECT 1 FROM srcreq WHERE kind"
                          " = " RN_KINDS_CAPTURE_SQL ")",
                          "look for captures", &any, err);
    if (rc != RN_OK || !any)
        return rc;
    /* Which captures can the new source change?  Those with exchanges
     * near its requests (an estimate looks PCAP_WIDE_NS either way, and
     * stored times carry at most that much offset; log lines reach IIS
     * requests up to an hour away). */
    rc = pcap_source_span(st, source_id, 1, &lo, &hi, err);
    if (rc != RN_OK || lo == STORE_NONE || hi == STORE_NONE)
        return rc;
    margin = 2 * PCAP_WIDE_NS + PCAP_NARROW_NS + 2 * PCAP_SEC_NS;
    if (kind == STORE_KIND_W3C || kind == STORE_KIND_HTTPERR)
        margin += PCAP_LOG_SPAN_NS;
    /* Stored times: a given offset is applied, an estimate is within
     * PCAP_WIDE_NS of the raw times. */
    s = store_cached(st,
                     "SELECT DISTINCT source_id FROM srcreq WHERE kind "
                     "= " RN_KINDS_CAPTURE_SQL
                     " AND start_ns BETWEEN ?1 AND ?2 ORDER BY source_id",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, lo - margin);
    sqlite3_bind_int64(s, 2, hi + margin);
    /* Refreshed once per batch, at commit (correlate_pcap_flush): a FREB
     * folder brings thousands of sources near the same capture. */
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        rn_i64set_add(&co->pcap_dirty, sqlite3_column_int64(s, 0));
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "find captures", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
correlate_pcap_flush(struct correlate *co, int *worked, struct rn_err *err)
{
    int64_t *ids;
    size_t n, i;
    enum rn_rc rc = RN_OK;

    ids = rn_i64set_take_sorted(&co->pcap_dirty, &n);
    *worked = n > 0;
    for (i = 0; rc == RN_OK && i < n; i++) {
        rc = pcap_refresh(co, ids[i], 1, err);
        /* Log lines near it are matched against its exchanges. */
        if (rc == RN_OK)
            rc = correlate_w3c_rescan(co, ids[i], STORE_KIND_PCAP, err);
    }
    free(ids);
    return rc;
}
