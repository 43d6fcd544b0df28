/*
 * Background jobs (totals, filtered count, overview histogram, list
 * scans) run from state_idle() when the user pauses, so the first screen
 * needs only the first page of requests.
 */
#include "state_impl.h"
#include "view.h"

/*
 * The header's totals.  Failed requests (an index range) and events (a
 * sum over sources) are quick; counting every request is one step of
 * SQLite that no deadline stops and takes half a second on a large store
 * cold from disk, so they are counted in slices (list_scan.c sets
 * s->total when done).
 */
static void
state_totals(struct state *s)
{
    struct rn_err err = {0};

    s->total = -1;
    if (query_totals(s->st, &s->failed, &s->events, &err) != RN_OK)
        state_store_error(s, &err);
    state_count_facts(s);
    list_scan_totals(s);
}

void
state_count_facts(struct state *s)
{
    struct rn_err err = {0};
    struct filter *f = NULL;

    /* marked:yes is served by a partial index: quick on any store. */
    if (filter_parse("marked:yes", &f, &err) != RN_OK ||
        query_requests_count(s->st, f, &s->marked, &err) != RN_OK) {
        s->marked = -1;
        state_store_error(s, &err);
    }
    filter_free(f);
    s->dirty |= DIRTY_STATUS | DIRTY_BODY | DIRTY_HEADER;
}

/* Count a list's requests now, or in slices when that is slow. */
static enum rn_rc
state_count(struct state *s, struct list_state *l, struct rn_err *err)
{
    enum rn_rc rc;

    if (l->filter == NULL) {
        l->count = s->total; /* known, or soon (state_totals) */
        return RN_OK;
    }
    if (s->query_us < 0) {
        rc = RN_ETIMEOUT; /* scans only */
    } else {
        store_deadline(s->st, s->query_us);
        rc = query_requests_count(s->st, l->filter, &l->count, err);
        store_deadline(s->st, 0);
    }
    if (rc == RN_ETIMEOUT) {
        rn_err_clear(err);
        l->count = -1;
        list_scan_count(s, l);
        return RN_OK;
    }
    return rc;
}

#define STATE_HOSTS_STALLS 3

/*
 * A step of the walk that finds whether the URLs name several hosts: the
 * ids from where it stands, cut short after about us microseconds (it
 * goes on from there next time).  The answer in force stays until the walk
 * ends, at the first URL of another host or after the last id, so a
 * store that changed under the explorer never flickers to the other
 * answer and back.  A step that got through no id (a cold disk) is tried
 * again, up to STATE_HOSTS_STALLS times in a row.
 */
int
state_job_hosts(struct state *s, int64_t us)
{
    struct rn_err err = {0};
    int64_t from;
    enum rn_rc rc;

    if (!s->hosts_walk) {
        query_ui_hosts_fini(&s->hosts);
        s->hosts.next = 1;
        s->hosts_walk = 1;
    }
    from = s->hosts.next;
    store_deadline(s->st, us);
    rc = query_ui_hosts_ids(s->st, from, QUERY_ID_MAX, &s->hosts, &err);
    store_deadline(s->st, 0);
    if (rc == RN_ETIMEOUT) {
        /* Cut short: go on next time. */
        s->hosts_stalls = s->hosts.next > from ? 0 : s->hosts_stalls + 1;
        if (s->hosts_stalls < STATE_HOSTS_STALLS)
            return 1;
    }
    s->hosts_walk = 0;
    s->hosts_stalls = 0;
    if (rc != RN_OK) {
        if (rc != RN_ETIMEOUT)
            state_store_error(s, &err);
        return 0; /* the answer in force stays */
    }
    if (s->many_hosts != s->hosts.many) {
        s->many_hosts = s->hosts.many;
        s->dirty |= DIRTY_BODY | DIRTY_HEADER;
    }
    query_ui_hosts_fini(&s->hosts);
    return 0;
}

int
state_idle(struct state *s)
{
    struct rn_err err = {0};
    struct list_state *l;
    int i;

    if (s->jobs & JOB_TOTALS) {
        s->jobs &= ~(unsigned)JOB_TOTALS;
        state_totals(s);
        s->dirty |= DIRTY_HEADER;
    } else if ((s->jobs & JOB_SCAN) && list_scan_waited(s)) {
        /* What the user waits for (a page, a search) comes first. */
        list_scan_step(s);
    } else if (s->jobs & JOB_HOSTS) {
        /* Before the histogram: it changes how the list is laid out. */
        if (!state_job_hosts(s, (int64_t)STATE_SLICE_MS * 1000))
            s->jobs &= ~(unsigned)JOB_HOSTS;
    } else if ((s->jobs & JOB_HIST) &&
               (s->total >= 0 || s->tscan.kind == SCAN_NONE)) {
        /* The histogram's cache is keyed by the totals: wait for them. */
        if (!state_job_hist(s))
            s->jobs &= ~(unsigned)JOB_HIST;
        s->dirty |= DIRTY_STRIP;
    } else if (s->jobs & JOB_SCAN) {
        if (!list_scan_step(s))
            s->jobs &= ~(unsigned)JOB_SCAN;
    } else if (s->jobs & JOB_COUNT) {
        s->jobs &= ~(unsigned)JOB_COUNT;
        for (i = 0; i < s->depth; i++) {
            if (s->views[i].kind != VIEW_LIST)
                continue;
            l = &s->views[i].u.list;
            if (l->count < 0 && l->cscan.kind == SCAN_NONE &&
                state_count(s, l, &err) != RN_OK) {
                state_store_error(s, &err);
                break;
            }
        }
        s->dirty |= DIRTY_HEADER | DIRTY_STATUS;
    } else if (s->persist_dirty) {
        state_save(s);
    }
    return s->jobs != 0 || s->persist_dirty;
}
