/*
 * The import session.  It writes rows through the store and keeps, in
 * memory it owns, what correlation and triage need: struct correlate (the
 * requests to re-triage, the captures to refresh) and the source requests
 * linked at insert (captured exchanges, IIS traces by their GUID), triaged
 * as their events arrive.
 */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "ingest_impl.h"
#include "rn_buf.h"
#include "rn_i64map.h"
#include "rn_kind.h"
#include "store_impl.h"
#include "xmalloc.h"

/* At most this many source requests are triaged in memory at once; past
 * it the least recently used half is written (bounded memory whatever
 * the input, while a trace's concurrent requests all stay in memory). */
#ifndef INGEST_LIVE_MAX
#define INGEST_LIVE_MAX 4096
#endif

/* The page cache of an import, KiB.  The request table takes rows in
 * hash order, so once it outgrows the cache each row reads a page back:
 * 24 MiB instead of 16 cut a 200 MB Log Parser file's and a 1 GB
 * capture's import CPU by 7-11% (fewer reads) for 10 MB more resident
 * (62 MB at peak); the commit's index sorts take as much again, so more
 * would crowd the 100 MB bound. */
#ifndef INGEST_CACHE_KIB
#define INGEST_CACHE_KIB 24576
#endif

/* While the store holds fewer requests than this, a batch builds the
 * request table's reader indexes once at its commit instead of row by row
 * (store_defer_request_indexes): a new store's import gets the sort, and a
 * big store's batch of a few files does not pay a sort of all it holds. */
#ifndef INGEST_DEFER_ROWS
#define INGEST_DEFER_ROWS 50000
#endif

/* Up to this many keys of a source's written source requests are known
 * in memory (8 MiB at most); past it a new key is looked up in the store. */
#ifndef INGEST_WRITTEN_MAX
#define INGEST_WRITTEN_MAX (1 << 19)
#endif

/* Request rows triaged as their source requests end wait in memory and
 * go in as a batch in id order, up to this many rows or bytes of their
 * text.  Ids are hashes of keys: rows inserted as their requests end
 * land all over the table, and once it outgrows the page cache each one
 * reads and spills a page; in id order a batch walks the table once. */
#ifndef INGEST_ROWS_MAX
#define INGEST_ROWS_MAX 32768
#endif
#ifndef INGEST_ROWS_TEXT
#define INGEST_ROWS_TEXT (8u << 20)
#endif

/* The strings of a waiting request row. */
enum { ROW_KEY, ROW_VERB, ROW_URL, ROW_HOST, ROW_DIAG, ROW_CAUSE, ROW_NSTR };

/* A request row waiting for its batch: its strings are offsets into the
 * batch's text until the batch is inserted. */
struct ingest_row {
    struct store_request_row r;
    size_t seq;           /* arrival: of two rows of one id, the first wins */
    size_t str[ROW_NSTR]; /* offset + 1 into the text, 0 for NULL */
};

/* What later puts of a source request said, not yet in its row: each
 * known value wins, as in store_srcreq_merge, which writes it once. */
struct ingest_pend {
    int64_t start_ns, end_ns, http_status, substatus, win32_status;
    int64_t client_port, server_port;
    char *verb, *url, *host, *client_addr, *server_addr, *attrs;
    int truncated;
};

/* A source request linked at insert, not done yet: its row is written
 * when it is, under the id reserved at its first put. */
struct ingest_alone {
    int64_t srcreq, request;
    int64_t hash;  /* store_hash53 of key */
    uint64_t used; /* in->tick when last fed */
    char *key;     /* normalised */
    const char *rule;
    struct triage_acc *acc; /* NULL once done */
    struct ingest_pend pend;
    int inrow; /* its row is written already (a second attribute patch) */
};

/* Of a written source request, which end of its span came from its
 * events (so that an event arriving later widens it). */
enum { INGEST_SPAN_START = 1, INGEST_SPAN_END = 2 };

struct ingest {
    struct store *st;
    struct correlate co;
    /* The source being imported: its kind, and of its source requests
     * how many were put without a link, and without a start or end time
     * (filled from their events at the end). */
    int64_t source;
    int kind;
    int64_t unlinked, nospan;
    /* Its events that may name an ARR log id (correlate_arr_event): the
     * scan for them at its end is skipped when there are none. */
    int64_t arr_events;
    /* Waiting source requests of the current source, by srcreq id
     * ascending; done ones are NULL until the array is compacted.
     * Importers finish a request soon after its last event, so this holds
     * about one per open connection. */
    struct ingest_alone *alone;
    size_t nalone, capalone, nalone_live;
    uint64_t tick;
    /* INGEST_SPAN_* of the current source's written source requests, by
     * id - first_srcreq (a source's rows get consecutive ids): a byte a
     * request, so a late event needs no read. */
    unsigned char *spans;
    size_t capspans;
    int64_t first_srcreq;
    /* The live ones by key, and the key hashes of those written (a new
     * key needs no look-up in the store).  Past INGEST_WRITTEN_MAX
     * written keys, every new key is looked up instead, so memory stays
     * bounded. */
    struct rn_i64map live;
    struct rn_i64set written;
    int written_full;
    /* Triaged request rows waiting for their batch, and their strings. */
    struct ingest_row *rows;
    size_t nrows, caprows;
    struct rn_buf rows_text;
};

static void ingest_rows_clear(struct ingest *in);

/* ---- later puts kept in memory ---- */

static void
ingest_pend_init(struct ingest_pend *p)
{
    memset(p, 0, sizeof *p);
    p->start_ns = p->end_ns = p->http_status = p->substatus = STORE_NONE;
    p->win32_status = p->client_port = p->server_port = STORE_NONE;
}

static void
ingest_pend_fini(struct ingest_pend *p)
{
    free(p->verb);
    free(p->url);
    free(p->host);
    free(p->client_addr);
    free(p->server_addr);
    free(p->attrs);
    ingest_pend_init(p);
}

static void
ingest_pend_int(int64_t *slot, int64_t v)
{
    if (v != STORE_NONE)
        *slot = v;
}

/* Add r to p.  Attributes patch what came before, which is the store's
 * job (json_patch): the caller writes p first when both have some. */
static void
ingest_pend_add(struct ingest_pend *p, const struct store_srcreq *r)
{
    ingest_pend_int(&p->start_ns, store_ts_norm(r->start_ns));
    ingest_pend_int(&p->end_ns, store_ts_norm(r->end_ns));
    xstrset(&p->verb, r->verb);
    xstrset(&p->url, r->url);
    xstrset(&p->host, r->host);
    ingest_pend_int(&p->http_status, r->http_status);
    ingest_pend_int(&p->substatus, r->substatus);
    ingest_pend_int(&p->win32_status, r->win32_status);
    xstrset(&p->client_addr, r->client_addr);
    ingest_pend_int(&p->client_port, r->client_port);
    xstrset(&p->server_addr, r->server_addr);
    ingest_pend_int(&p->server_port, r->server_port);
    xstrset(&p->attrs, r->attrs_json);
    p->truncated |= r->truncated != 0;
}

/* p as a put (borrowing its strings). */
static void
ingest_pend_view(const struct ingest_pend *p, const char *key,
                 struct store_srcreq *r)
{
    store_srcreq_init(r);
    r->key = key;
    r->start_ns = p->start_ns;
    r->end_ns = p->end_ns;
    r->verb = p->verb;
    r->url = p->url;
    r->host = p->host;
    r->http_status = p->http_status;
    r->substatus = p->substatus;
    r->win32_status = p->win32_status;
    r->client_addr = p->client_addr;
    r->client_port = p->client_port;
    r->server_addr = p->server_addr;
    r->server_port = p->server_port;
    r->attrs_json = p->attrs;
    r->truncated = p->truncated;
}

/* Write what p holds into row id, and empty it. */
static enum rn_rc
ingest_pend_write(struct ingest *in, int64_t id, const char *key,
                  struct ingest_pend *p, struct rn_err *err)
{
    struct store_srcreq r;
    enum rn_rc rc;

    ingest_pend_view(p, key, &r);
    rc = store_srcreq_merge(in->st, id, &r, err);
    ingest_pend_fini(p);
    return rc;
}

/* ---- spans of written source requests ---- */

static void
ingest_spans_set(struct ingest *in, int64_t id, unsigned char flags)
{
    size_t i;

    if (in->first_srcreq == 0 || id < in->first_srcreq)
        return;
    i = (size_t)(id - in->first_srcreq);
    if (i >= in->capspans) {
        size_t cap = in->capspans == 0 ? 4096 : in->capspans;

        while (cap <= i)
            cap *= 2;
        in->spans = xrealloc(in->spans, cap, 1);
        memset(in->spans + in->capspans, 0, cap - in->capspans);
        in->capspans = cap;
    }
    in->spans[i] = flags;
}

static unsigned char
ingest_spans_get(const struct ingest *in, int64_t id)
{
    size_t i;

    if (in->first_srcreq == 0 || id < in->first_srcreq)
        return 0;
    i = (size_t)(id - in->first_srcreq);
    return i < in->capspans ? in->spans[i] : 0;
}

static void
ingest_spans_clear(struct ingest *in)
{
    free(in->spans);
    in->spans = NULL;
    in->capspans = 0;
    in->first_srcreq = 0;
}

/* ---- live source requests by key ---- */

static struct ingest_alone *ingest_alone_find(struct ingest *in,
                                              int64_t srcreq_id);

/* The waiting source request of key (normalised, hash its hash). */
static struct ingest_alone *
ingest_live_find(struct ingest *in, int64_t hash, const char *key)
{
    struct ingest_alone *a;
    size_t pos = 0;
    int64_t id;

    while ((id = rn_i64map_next(&in->live, hash, &pos)) != 0) {
        a = ingest_alone_find(in, id);
        if (a != NULL && strcmp(a->key, key) == 0)
            return a;
    }
    return NULL;
}

/* Note that the row of key hash is written. */
static void
ingest_written_add(struct ingest *in, int64_t hash)
{
    if (in->written_full)
        return;
    if (in->written.n >= INGEST_WRITTEN_MAX) {
        in->written_full = 1;
        rn_i64set_fini(&in->written);
        return;
    }
    rn_i64set_add(&in->written, hash);
}

static void
ingest_written_clear(struct ingest *in)
{
    rn_i64set_fini(&in->written);
    in->written_full = 0;
}

struct ingest *
ingest_open(struct store *st)
{
    struct ingest *in = xcalloc(1, sizeof *in);

    in->st = st;
    correlate_init(&in->co, st);
    rn_buf_init(&in->rows_text, SIZE_MAX / 2);
    /* The session is one import: a new store it fills alone is written
     * once, without WAL (store_bulk_begin). */
    store_bulk_begin(st);
    return in;
}

static void
ingest_alone_clear(struct ingest *in)
{
    size_t i;

    for (i = 0; i < in->nalone; i++) {
        free(in->alone[i].key);
        triage_acc_free(in->alone[i].acc);
        ingest_pend_fini(&in->alone[i].pend);
    }
    free(in->alone);
    rn_i64map_fini(&in->live);
    in->alone = NULL;
    in->nalone = in->capalone = in->nalone_live = 0;
}

void
ingest_close(struct ingest *in)
{
    if (in == NULL)
        return;
    ingest_alone_clear(in);
    ingest_spans_clear(in);
    ingest_written_clear(in);
    free(in->rows);
    rn_buf_fini(&in->rows_text);
    correlate_fini(&in->co);
    (void)store_write_behind(in->st, 0, NULL); /* failures were reported */
    store_bulk_end(in->st);
    free(in);
}

enum rn_rc
ingest_begin(struct ingest *in, struct rn_err *err)
{
    enum rn_rc rc = store_cache_size(in->st, INGEST_CACHE_KIB, err);

    if (rc == RN_OK)
        rc = store_begin(in->st, err);
    correlate_forget(&in->co);
    if (rc == RN_OK)
        rc = store_defer_request_indexes(in->st, INGEST_DEFER_ROWS, err);
    if (rc != RN_OK)
        store_rollback(in->st);
    return rc;
}

enum rn_rc
ingest_commit(struct ingest *in, struct rn_err *err)
{
    enum rn_rc rc = correlate_flush(&in->co, err);

    if (rc != RN_OK) {
        ingest_rollback(in);
        return rc;
    }
    return store_commit(in->st, err);
}

void
ingest_rollback(struct ingest *in)
{
    ingest_source_abort(in);
    store_rollback(in->st);
    rn_i64set_clear(&in->co.affected);
    rn_i64set_clear(&in->co.pcap_dirty);
}

enum rn_rc
ingest_source_begin(struct ingest *in, const struct store_source_info *info,
                    int64_t *source_id, int *existing, struct rn_err *err)
{
    enum rn_rc rc = store_source_begin(in->st, info, source_id, existing, err);
    const struct rn_kind *kd;

    if (rc != RN_OK || *existing)
        return rc;
    /* A trace or a capture writes rows as it is parsed: a thread of the
     * store's writes them meanwhile (rn_kind.stream).  A log's lines are
     * each looked up by key first, and a FREB file is one request: both
     * would wait for the writer at every line or file. */
    kd = rn_kind_get(info->kind);
    rc = store_write_behind(in->st, kd != NULL && kd->stream, err);
    if (rc != RN_OK)
        return rc;
    in->source = *source_id;
    in->kind = info->kind;
    in->unlinked = in->nospan = in->arr_events = 0;
    ingest_alone_clear(in);
    ingest_rows_clear(in);
    ingest_spans_clear(in);
    ingest_written_clear(in);
    rn_i64set_clear(&in->co.affected);
    return RN_OK;
}

enum rn_rc
ingest_source_warn(struct ingest *in, int64_t source_id, int64_t line,
                   const char *msg, struct rn_err *err)
{
    return store_source_warn(in->st, source_id, line, msg, err);
}

/* ---- request rows, inserted a batch at a time ---- */

static void
ingest_rows_clear(struct ingest *in)
{
    in->nrows = 0;
    rn_buf_reset(&in->rows_text);
}

/* Keep s in the batch's text: its offset + 1, or 0 for NULL. */
static size_t
ingest_rows_str(struct ingest *in, const char *s)
{
    size_t at = in->rows_text.len;

    if (s == NULL)
        return 0;
    /* Only the cap can fail it, and the cap is past any batch's text. */
    if (rn_buf_append(&in->rows_text, s, strlen(s) + 1) != RN_OK)
        abort();
    return at + 1;
}

static int
ingest_row_cmp(const void *va, const void *vb)
{
    const struct ingest_row *a = va, *b = vb;

    if (a->r.id != b->r.id)
        return a->r.id < b->r.id ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The batch's string of offset off. */
static const char *
ingest_rows_text(const struct ingest *in, size_t off)
{
    return off == 0 ? NULL : in->rows_text.data + off - 1;
}

/* Insert the waiting rows in id order.  A row whose id was taken already
 * (another source request of the key wrote it) has its request triaged
 * as a whole at the end of the source (ingest_taken_touch). */
static enum rn_rc
ingest_rows_flush(struct ingest *in, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;
    size_t i;

    if (in->nrows == 0)
        return RN_OK; /* and in->rows may be NULL: no qsort */
    qsort(in->rows, in->nrows, sizeof *in->rows, ingest_row_cmp);
    for (i = 0; rc == RN_OK && i < in->nrows; i++) {
        struct ingest_row *w = &in->rows[i];

        w->r.key = ingest_rows_text(in, w->str[ROW_KEY]);
        w->r.verb = ingest_rows_text(in, w->str[ROW_VERB]);
        w->r.url = ingest_rows_text(in, w->str[ROW_URL]);
        w->r.host = ingest_rows_text(in, w->str[ROW_HOST]);
        w->r.diagnosis = ingest_rows_text(in, w->str[ROW_DIAG]);
        w->r.cause = ingest_rows_text(in, w->str[ROW_CAUSE]);
        rc = store_request_insert(in->st, &w->r, err);
    }
    ingest_rows_clear(in);
    return rc;
}

/* Add a triaged row to the batch (copying its strings); a full batch is
 * inserted. */
static enum rn_rc
ingest_rows_add(struct ingest *in, const struct store_request_row *r,
                struct rn_err *err)
{
    struct ingest_row *w;

    if (in->nrows == in->caprows) {
        in->caprows = in->caprows == 0 ? 256 : in->caprows * 2;
        in->rows = xrealloc(in->rows, in->caprows, sizeof *in->rows);
    }
    w = &in->rows[in->nrows];
    w->r = *r;
    w->seq = in->nrows++;
    w->str[ROW_KEY] = ingest_rows_str(in, r->key);
    w->str[ROW_VERB] = ingest_rows_str(in, r->verb);
    w->str[ROW_URL] = ingest_rows_str(in, r->url);
    w->str[ROW_HOST] = ingest_rows_str(in, r->host);
    w->str[ROW_DIAG] = ingest_rows_str(in, r->diagnosis);
    w->str[ROW_CAUSE] = ingest_rows_str(in, r->cause);
    if (in->nrows >= INGEST_ROWS_MAX || in->rows_text.len >= INGEST_ROWS_TEXT)
        return ingest_rows_flush(in, err);
    return RN_OK;
}

/* ---- source requests that start alone ---- */

/* The waiting source request srcreq_id, or NULL (never put, or done). */
static struct ingest_alone *
ingest_alone_find(struct ingest *in, int64_t srcreq_id)
{
    size_t lo = 0, hi = in->nalone;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (in->alone[mid].srcreq < srcreq_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < in->nalone && in->alone[lo].srcreq == srcreq_id &&
        in->alone[lo].acc != NULL)
        return &in->alone[lo];
    return NULL;
}

/* Squeeze out the done entries once they are the majority. */
static void
ingest_alone_compact(struct ingest *in)
{
    size_t i, k = 0;

    if (in->nalone - in->nalone_live <= in->nalone_live + 64)
        return;
    for (i = 0; i < in->nalone; i++) {
        if (in->alone[i].acc != NULL)
            in->alone[k++] = in->alone[i];
    }
    in->nalone = k;
}

static enum rn_rc ingest_alone_finish(struct ingest *in, struct ingest_alone *a,
                                      struct rn_err *err);

static int
ingest_u64_cmp(const void *va, const void *vb)
{
    uint64_t a = *(const uint64_t *)va, b = *(const uint64_t *)vb;

    return a < b ? -1 : a > b;
}

/* Past INGEST_LIVE_MAX live ones, write the least recently used half (in
 * one pass, so that the cost per source request stays constant).  What
 * arrives for them later takes the late path: the result is the same. */
static enum rn_rc
ingest_alone_evict(struct ingest *in, struct rn_err *err)
{
    uint64_t *used, cut;
    size_t i, n = 0;
    enum rn_rc rc = RN_OK;

    if (in->nalone_live <= INGEST_LIVE_MAX)
        return RN_OK;
    used = xcalloc(in->nalone_live, sizeof *used);
    for (i = 0; i < in->nalone; i++) {
        if (in->alone[i].acc != NULL)
            used[n++] = in->alone[i].used;
    }
    qsort(used, n, sizeof *used, ingest_u64_cmp);
    cut = used[n / 2]; /* ticks are unique: exactly half go */
    free(used);
    for (i = 0; rc == RN_OK && i < in->nalone; i++) {
        if (in->alone[i].acc != NULL && in->alone[i].used < cut)
            rc = ingest_alone_finish(in, &in->alone[i], err);
    }
    return rc;
}

/* Start waiting on a new source request linked at insert, its row id
 * reserved; key is normalised. */
static enum rn_rc
ingest_alone_add(struct ingest *in, int64_t hash, const char *key,
                 const char *rule, const struct store_srcreq *r,
                 int64_t *srcreq_id, struct rn_err *err)
{
    struct ingest_alone *a;
    int64_t id = 0;
    size_t i;
    enum rn_rc rc = ingest_alone_evict(in, err);

    if (rc == RN_OK)
        rc = store_srcreq_reserve(in->st, &id, err);
    if (rc != RN_OK)
        return rc;
    ingest_alone_compact(in);
    if (in->nalone == in->capalone) {
        in->capalone = in->capalone == 0 ? 64 : in->capalone * 2;
        in->alone = xrealloc(in->alone, in->capalone, sizeof *in->alone);
    }
    /* Reserved ids grow, so this is an append; keep the order regardless. */
    i = in->nalone;
    while (i > 0 && in->alone[i - 1].srcreq > id)
        i--;
    memmove(&in->alone[i + 1], &in->alone[i],
            (in->nalone - i) * sizeof *in->alone);
    a = &in->alone[i];
    memset(a, 0, sizeof *a);
    a->srcreq = id;
    a->request = store_request_id_for_key(key);
    a->hash = hash;
    a->key = xstrdup(key);
    a->rule = rule;
    a->used = ++in->tick;
    a->acc = triage_acc_new(in->kind);
    ingest_pend_init(&a->pend);
    ingest_pend_add(&a->pend, r);
    if (in->first_srcreq == 0)
        in->first_srcreq = id;
    in->nalone++;
    in->nalone_live++;
    rn_i64map_add(&in->live, hash, id);
    *srcreq_id = id;
    return RN_OK;
}

/* Give the triage what the puts kept in a->pend said (before it is
 * written and emptied): a later known value wins there as here. */
static void
ingest_alone_feed(struct ingest_alone *a)
{
    struct store_srcreq r;

    ingest_pend_view(&a->pend, a->key, &r);
    triage_acc_srcreq(a->acc, &r);
}

/* Write the row of a waiting source request as its puts so far gave it. */
static enum rn_rc
ingest_alone_insert(struct ingest *in, struct ingest_alone *a,
                    struct rn_err *err)
{
    struct store_srcreq r;
    enum rn_rc rc;

    ingest_pend_view(&a->pend, a->key, &r);
    rc = store_srcreq_write(in->st, a->srcreq, &r, a->rule, a->request, err);
    ingest_pend_fini(&a->pend);
    a->inrow = 1;
    return rc;
}

/* Complete the row of a waiting source request: what its later puts
 * said, and the span of its events where no put gave one. */
static enum rn_rc
ingest_alone_row(struct ingest *in, struct ingest_alone *a, struct rn_err *err)
{
    int64_t start, end;
    int dstart, dend;

    ingest_alone_feed(a);
    triage_acc_span(a->acc, &start, &end, &dstart, &dend);
    if (dstart)
        a->pend.start_ns = start;
    if (dend)
        a->pend.end_ns = end;
    ingest_spans_set(in, a->srcreq,
                     (unsigned char)((dstart ? INGEST_SPAN_START : 0) |
                                     (dend ? INGEST_SPAN_END : 0)));
    rn_i64map_del(&in->live, a->hash, a->srcreq);
    ingest_written_add(in, a->hash);
    if (!a->inrow)
        return ingest_alone_insert(in, a, err);
    return ingest_pend_write(in, a->srcreq, a->key, &a->pend, err);
}

/* Triage the request of a waiting source request, its row to the batch
 * (ingest_rows_flush), and stop waiting. */
static enum rn_rc
ingest_alone_finish(struct ingest *in, struct ingest_alone *a,
                    struct rn_err *err)
{
    struct store_request_row row;
    enum rn_rc rc = ingest_alone_row(in, a, err);

    if (rc == RN_OK)
        rc = triage_acc_row(in->st, a->acc, a->request, a->key, &row, err);
    if (rc == RN_OK)
        rc = ingest_rows_add(in, &row, err);
    triage_acc_free(a->acc);
    a->acc = NULL;
    free(a->key);
    a->key = NULL;
    in->nalone_live--;
    return rc;
}

/* A change to a source request whose request is written already: it is
 * triaged again at the end of the source. */
static enum rn_rc
ingest_alone_late(struct ingest *in, int64_t srcreq_id, struct rn_err *err)
{
    int64_t request_id = 0;
    enum rn_rc rc = store_srcreq_request(in->st, srcreq_id, &request_id, err);

    if (rc == RN_OK && request_id != 0)
        correlate_touch(&in->co, request_id);
    return rc;
}

/* Write every request still waiting (the source is complete). */
static enum rn_rc
ingest_alone_finish_all(struct ingest *in, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;
    size_t i;

    for (i = 0; rc == RN_OK && i < in->nalone; i++) {
        if (in->alone[i].acc != NULL)
            rc = ingest_alone_finish(in, &in->alone[i], err);
    }
    ingest_alone_clear(in);
    if (rc == RN_OK)
        rc = ingest_rows_flush(in, err);
    return rc;
}

/* ---- rows ---- */

/* A put of a source request that is not linked at insert. */
static enum rn_rc
ingest_srcreq_put_log(struct ingest *in, int64_t source_id,
                      const struct store_srcreq *r, int64_t *id,
                      struct rn_err *err)
{
    int isnew = 0;
    enum rn_rc rc = store_srcreq_put(in->st, source_id, r, id, &isnew, err);

    if (rc != RN_OK || !isnew)
        return rc;
    if (store_ts_norm(r->start_ns) == STORE_NONE ||
        store_ts_norm(r->end_ns) == STORE_NONE)
        in->nospan++;
    in->unlinked++;
    return RN_OK;
}

/* A later put of a written source request: into its row at once. */
static enum rn_rc
ingest_srcreq_put_late(struct ingest *in, int64_t id,
                       const struct store_srcreq *r, struct rn_err *err)
{
    unsigned char span = ingest_spans_get(in, id);
    enum rn_rc rc = store_srcreq_merge(in->st, id, r, err);

    /* An end a put gives is no longer its events'. */
    if (store_ts_norm(r->start_ns) != STORE_NONE)
        span &= (unsigned char)~INGEST_SPAN_START;
    if (store_ts_norm(r->end_ns) != STORE_NONE)
        span &= (unsigned char)~INGEST_SPAN_END;
    ingest_spans_set(in, id, span);
    return rc == RN_OK ? ingest_alone_late(in, id, err) : rc;
}

/* A later put of a waiting source request: kept in memory. */
static enum rn_rc
ingest_alone_put(struct ingest *in, struct ingest_alone *a,
                 const struct store_srcreq *r, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    a->used = ++in->tick;
    /* Two attribute patches are merged by the store, in order. */
    if (a->pend.attrs != NULL && r->attrs_json != NULL) {
        ingest_alone_feed(a);
        rc = a->inrow ? ingest_pend_write(in, a->srcreq, a->key, &a->pend, err)
                      : ingest_alone_insert(in, a, err);
    }
    ingest_pend_add(&a->pend, r);
    return rc;
}

/* A put of a source request linked at insert. */
static enum rn_rc
ingest_srcreq_put_linked(struct ingest *in, int64_t source_id,
                         const struct store_srcreq *r, const char *rule,
                         int64_t *srcreq_id, struct rn_err *err)
{
    char key[256];
    struct ingest_alone *a;
    int64_t hash, id = 0;
    enum rn_rc rc = RN_OK;

    store_key_normalise(r->key, key, sizeof key);
    hash = store_hash53(key, strlen(key));
    a = ingest_live_find(in, hash, key);
    if (a != NULL) {
        *srcreq_id = a->srcreq;
        return store_srcreq_is_empty(r) ? RN_OK
                                        : ingest_alone_put(in, a, r, err);
    }
    /* Not waiting: a key seen before was written, else it is new. */
    if (in->written_full || rn_i64set_has(&in->written, hash))
        rc = store_srcreq_lookup(in->st, source_id, key, &id, err);
    if (rc != RN_OK)
        return rc;
    if (id == 0)
        return ingest_alone_add(in, hash, key, rule, r, srcreq_id, err);
    *srcreq_id = id;
    return store_srcreq_is_empty(r) ? RN_OK
                                    : ingest_srcreq_put_late(in, id, r, err);
}

enum rn_rc
ingest_srcreq_put(struct ingest *in, int64_t source_id,
                  const struct store_srcreq *r, int64_t *srcreq_id,
                  struct rn_err *err)
{
    const char *rule = NULL;
    int64_t id = 0;
    enum rn_rc rc;

    if (source_id != in->source)
        return rn_err_set(err, RN_EINVAL, "no such source import open");
    if (r->key != NULL && r->key[0] != '\0')
        rule = correlate_link_rule(in->kind, r->key);
    if (rule == NULL)
        rc = ingest_srcreq_put_log(in, source_id, r, &id, err);
    else
        rc = ingest_srcreq_put_linked(in, source_id, r, rule, &id, err);
    if (rc == RN_OK && srcreq_id != NULL)
        *srcreq_id = id;
    return rc;
}

enum rn_rc
ingest_srcreq_done(struct ingest *in, int64_t srcreq_id, struct rn_err *err)
{
    struct ingest_alone *a = ingest_alone_find(in, srcreq_id);

    return a != NULL ? ingest_alone_finish(in, a, err) : RN_OK;
}

/* An event of a written source request: it widens the span its events
 * gave the row. */
static enum rn_rc
ingest_event_late(struct ingest *in, int64_t srcreq_id,
                  const struct store_event *ev, struct rn_err *err)
{
    unsigned char span = ingest_spans_get(in, srcreq_id);
    int64_t ts = store_ts_norm(ev->ts_ns);
    enum rn_rc rc = RN_OK;

    if (span != 0 && ts != STORE_NONE && triage_spans_event(ev->name))
        rc = store_srcreq_widen(in->st, srcreq_id, span & INGEST_SPAN_START,
                                span & INGEST_SPAN_END, ts, err);
    return rc == RN_OK ? ingest_alone_late(in, srcreq_id, err) : rc;
}

enum rn_rc
ingest_event_add(struct ingest *in, int64_t source_id, int64_t srcreq_id,
                 const struct store_event *ev, int64_t *uid, struct rn_err *err)
{
    struct ingest_alone *a;
    int64_t id = 0;
    enum rn_rc rc;

    rc = store_event_add(in->st, source_id, srcreq_id, ev, &id, err);
    if (rc != RN_OK)
        return rc;
    if (uid != NULL)
        *uid = id;
    if (srcreq_id != 0 && correlate_arr_event(ev->name))
        in->arr_events++;
    if (srcreq_id == 0 || !correlate_links_at_insert(in->kind))
        return RN_OK;
    a = ingest_alone_find(in, srcreq_id);
    if (a == NULL)
        return ingest_event_late(in, srcreq_id, ev, err);
    a->used = ++in->tick;
    triage_acc_event(a->acc, id, ev);
    return RN_OK;
}

/* ---- the end of a source ---- */

/* The requests whose rows were written already when this source's came
 * (ingest_rows_flush) are triaged again, as a whole. */
static enum rn_rc
ingest_taken_touch(struct ingest *in, struct rn_err *err)
{
    int64_t *ids;
    size_t n, i;
    enum rn_rc rc = store_request_taken(in->st, &ids, &n, err);

    for (i = 0; rc == RN_OK && i < n; i++)
        correlate_touch(&in->co, ids[i]);
    free(ids);
    return rc;
}

enum rn_rc
ingest_source_end(struct ingest *in, int64_t source_id,
                  struct store_source_result *res, struct rn_err *err)
{
    enum rn_rc rc;

    if (source_id != in->source)
        return rn_err_set(err, RN_EINVAL, "no such source import open");
    rc = ingest_alone_finish_all(in, err);
    if (rc == RN_OK)
        rc = ingest_taken_touch(in, err);
    if (rc == RN_OK)
        rc = store_source_finish(in->st, source_id, in->nospan > 0, res, err);
    if (rc == RN_OK)
        rc = correlate_source(&in->co, source_id, in->kind, in->unlinked != 0,
                              in->arr_events != 0, err);
    if (rc == RN_OK)
        rc = store_source_end(in->st, source_id, res, err);
    if (rc != RN_OK) {
        ingest_source_abort(in);
        return rc;
    }
    in->source = 0;
    return RN_OK;
}

enum rn_rc
ingest_source_by_frames(struct ingest *in, const char *frames_sha256,
                        int64_t *id, char *path, size_t n, struct rn_err *err)
{
    return store_source_by_frames(in->st, frames_sha256, id, path, n, err);
}

enum rn_rc
ingest_skip_put(struct ingest *in, const struct store_skip *k,
                struct rn_err *err)
{
    return store_skip_put(in->st, k, err);
}

enum rn_rc
ingest_skip_forget(struct ingest *in, const char *path, const char *sha256,
                   struct rn_err *err)
{
    return store_skip_forget(in->st, path, sha256, err);
}

void
ingest_source_abort(struct ingest *in)
{
    store_source_abort(in->st);
    in->source = 0;
    ingest_alone_clear(in);
    ingest_rows_clear(in);
    ingest_spans_clear(in);
    ingest_written_clear(in);
    /* What the source noted is gone with its rows. */
    rn_i64set_clear(&in->co.affected);
    correlate_forget(&in->co);
}
