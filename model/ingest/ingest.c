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
#include "store_impl.h"
#include "xmalloc.h"

/* At most this many source requests are triaged in memory at once; past
 * it the least recently used half is written (bounded memory whatever
 * the input, while a trace's concurrent requests all stay in memory). */
#ifndef INGEST_LIVE_MAX
#define INGEST_LIVE_MAX 4096
#endif

/* While the store holds fewer requests than this, a batch builds the
 * request table's reader indexes once at its commit instead of row by row
 * (store_defer_request_indexes): a new store's import gets the sort, and a
 * big store's batch of a few files does not pay a sort of all it holds. */
#ifndef INGEST_DEFER_ROWS
#define INGEST_DEFER_ROWS 50000
#endif

/* A source request linked at insert, not done yet. */
struct ingest_alone {
    int64_t srcreq, request;
    uint64_t used; /* in->tick when last fed */
    char *key;
    struct triage_acc *acc; /* NULL once done */
};

struct ingest {
    struct store *st;
    struct correlate co;
    /* The source being imported: its kind, and of its source requests
     * how many were put without a link, and without a start or end time
     * (filled from their events at the end). */
    int64_t source;
    int kind;
    int64_t unlinked, nospan;
    /* Waiting source requests of the current source, by srcreq id
     * ascending; done ones are NULL until the array is compacted.
     * Importers finish a request soon after its last event, so this holds
     * about one per open connection. */
    struct ingest_alone *alone;
    size_t nalone, capalone, nalone_live;
    uint64_t tick;
};

struct ingest *
ingest_open(struct store *st)
{
    struct ingest *in = xcalloc(1, sizeof *in);

    in->st = st;
    correlate_init(&in->co, st);
    return in;
}

static void
ingest_alone_clear(struct ingest *in)
{
    size_t i;

    for (i = 0; i < in->nalone; i++) {
        free(in->alone[i].key);
        triage_acc_free(in->alone[i].acc);
    }
    free(in->alone);
    in->alone = NULL;
    in->nalone = in->capalone = in->nalone_live = 0;
}

void
ingest_close(struct ingest *in)
{
    if (in == NULL)
        return;
    ingest_alone_clear(in);
    correlate_fini(&in->co);
    free(in);
}

enum rn_rc
ingest_begin(struct ingest *in, struct rn_err *err)
{
    enum rn_rc rc = store_begin(in->st, err);

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

    if (rc != RN_OK || *existing)
        return rc;
    in->source = *source_id;
    in->kind = info->kind;
    in->unlinked = in->nospan = 0;
    ingest_alone_clear(in);
    rn_i64set_clear(&in->co.affected);
    return RN_OK;
}

enum rn_rc
ingest_source_warn(struct ingest *in, int64_t source_id, int64_t line,
                   const char *msg, struct rn_err *err)
{
    return store_source_warn(in->st, source_id, line, msg, err);
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

/* Start waiting on a new source request linked at insert. */
static enum rn_rc
ingest_alone_add(struct ingest *in, int64_t srcreq_id, const char *key,
                 const struct store_srcreq *r, struct rn_err *err)
{
    struct ingest_alone *a;
    char norm[256];
    size_t i;
    enum rn_rc rc = ingest_alone_evict(in, err);

    if (rc != RN_OK)
        return rc;
    ingest_alone_compact(in);
    if (in->nalone == in->capalone) {
        in->capalone = in->capalone == 0 ? 64 : in->capalone * 2;
        in->alone = xrealloc(in->alone, in->capalone, sizeof *in->alone);
    }
    /* Row ids grow, so this is an append; keep the order regardless. */
    i = in->nalone;
    while (i > 0 && in->alone[i - 1].srcreq > srcreq_id)
        i--;
    memmove(&in->alone[i + 1], &in->alone[i],
            (in->nalone - i) * sizeof *in->alone);
    store_key_normalise(key, norm, sizeof norm);
    a = &in->alone[i];
    a->srcreq = srcreq_id;
    a->request = store_request_id_for_key(norm);
    a->key = xstrdup(norm);
    a->used = ++in->tick;
    a->acc = triage_acc_new(in->kind);
    triage_acc_srcreq(a->acc, r);
    in->nalone++;
    in->nalone_live++;
    return RN_OK;
}

/* Write the request of a waiting source request and stop waiting.  When
 * its row was there already (another source request had the key), the
 * request is triaged as a whole at the end of the source instead. */
static enum rn_rc
ingest_alone_finish(struct ingest *in, struct ingest_alone *a,
                    struct rn_err *err)
{
    int written = 0;
    enum rn_rc rc;

    rc = triage_acc_write(in->st, a->acc, a->request, a->key, &written, err);
    if (rc == RN_OK && !written)
        correlate_touch(&in->co, a->request);
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
    return rc;
}

/* ---- rows ---- */

enum rn_rc
ingest_srcreq_put(struct ingest *in, int64_t source_id,
                  const struct store_srcreq *r, int64_t *srcreq_id,
                  struct rn_err *err)
{
    const char *rule = NULL;
    struct ingest_alone *a;
    int64_t id = 0;
    int isnew = 0;
    enum rn_rc rc;

    if (source_id != in->source)
        return rn_err_set(err, RN_EINVAL, "no such source import open");
    if (r->key != NULL)
        rule = correlate_link_rule(in->kind, r->key);
    rc = store_srcreq_put(in->st, source_id, r, rule, &id, &isnew, err);
    if (rc != RN_OK)
        return rc;
    if (srcreq_id != NULL)
        *srcreq_id = id;
    if (isnew) {
        if (store_ts_norm(r->start_ns) == STORE_NONE ||
            store_ts_norm(r->end_ns) == STORE_NONE)
            in->nospan++;
        if (rule != NULL)
            return ingest_alone_add(in, id, r->key, r, err);
        in->unlinked++;
        return RN_OK;
    }
    if (rule == NULL || store_srcreq_is_empty(r))
        return RN_OK;
    a = ingest_alone_find(in, id);
    if (a == NULL)
        return ingest_alone_late(in, id, err);
    a->used = ++in->tick;
    triage_acc_srcreq(a->acc, r);
    return RN_OK;
}

enum rn_rc
ingest_srcreq_done(struct ingest *in, int64_t srcreq_id, struct rn_err *err)
{
    struct ingest_alone *a = ingest_alone_find(in, srcreq_id);

    return a != NULL ? ingest_alone_finish(in, a, err) : RN_OK;
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
    if (srcreq_id == 0 || !correlate_links_at_insert(in->kind))
        return RN_OK;
    a = ingest_alone_find(in, srcreq_id);
    if (a == NULL)
        return ingest_alone_late(in, srcreq_id, err);
    a->used = ++in->tick;
    triage_acc_event(a->acc, id, ev);
    return RN_OK;
}

/* ---- the end of a source ---- */

enum rn_rc
ingest_source_end(struct ingest *in, int64_t source_id,
                  struct store_source_result *res, struct rn_err *err)
{
    enum rn_rc rc;

    if (source_id != in->source)
        return rn_err_set(err, RN_EINVAL, "no such source import open");
    rc = ingest_alone_finish_all(in, err);
    if (rc == RN_OK)
        rc = store_source_finish(in->st, source_id, in->nospan > 0, res, err);
    if (rc == RN_OK)
        rc = correlate_source(&in->co, source_id, in->unlinked != 0, err);
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
    /* What the source noted is gone with its rows. */
    rn_i64set_clear(&in->co.affected);
}
