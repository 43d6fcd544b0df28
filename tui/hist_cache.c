/*
 * The overview histogram: loaded from the store's cache when the totals
 * match, otherwise built a piece at a time between keystrokes and cached
 * for the next start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rn_time.h"
#include "state_impl.h"
#include "view.h"

#define STATE_HIST_BINS 1024

/* Load the cached histogram if it matches the store's totals. */
static int
state_hist_cached(struct state *s, const char *stamp)
{
    char *have = NULL, *text = NULL;
    int ok = 0;

    store_state_get(s->st, "ui.hist.stamp", &have, NULL);
    if (have != NULL && strcmp(have, stamp) == 0) {
        store_state_get(s->st, "ui.hist", &text, NULL);
        if (text != NULL && query_ui_hist_load(text, &s->hist, NULL) == RN_OK)
            ok = 1;
    }
    free(have);
    free(text);
    return ok;
}

/* Keep the finished histogram for the next start (best effort). */
static void
state_hist_save(struct state *s)
{
    char *text = query_ui_hist_dump(&s->hist);

    /* The cache is an optimisation: a read-only store just recomputes. */
    if (store_begin(s->st, NULL) == RN_OK) {
        if (store_state_set(s->st, "ui.hist", text, NULL) == RN_OK &&
            store_state_set(s->st, "ui.hist.stamp", s->hist_stamp, NULL) ==
                RN_OK)
            store_commit(s->st, NULL);
        else
            store_rollback(s->st);
    }
    free(text);
}

/*
 * Load the overview histogram, or build it a piece at a time (about
 * STATE_SLICE_MS each: a million requests take half a second); the strip
 * shows it growing.  Returns 1 while pieces remain.
 */
int
state_job_hist(struct state *s)
{
    struct rn_err err = {0};
    int64_t t0;
    size_t hi;

    if (s->hist_step == 0) {
        snprintf(s->hist_stamp, sizeof s->hist_stamp, "%lld/%lld/%lld",
                 (long long)s->total, (long long)s->failed,
                 (long long)s->events);
        query_ui_hist_fini(&s->hist);
        if (state_hist_cached(s, s->hist_stamp))
            return 0;
        if (query_ui_hist_begin(s->st, STATE_HIST_BINS, &s->hist, &err) !=
            RN_OK) {
            state_store_error(s, &err);
            return 0;
        }
        s->hist_next = 0;
        s->hist_step = 8;
    }
    t0 = rn_time_mono_ns();
    hi = s->hist_next + s->hist_step;
    if (query_ui_hist_bins(s->st, &s->hist, s->hist_next, hi, &err) != RN_OK) {
        state_store_error(s, &err);
        query_ui_hist_fini(&s->hist);
        s->hist_step = 0;
        return 0;
    }
    s->hist_next = hi;
    s->hist_step = (size_t)list_scan_size(
        (int64_t)s->hist_step, rn_time_mono_ns() - t0, 1, STATE_HIST_BINS);
    if (s->hist_next < s->hist.n)
        return 1;
    s->hist_step = 0;
    state_hist_save(s);
    return 0;
}
