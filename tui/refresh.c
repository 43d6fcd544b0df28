/*
 * Another process's import into the open store (the usual way to add
 * FREB files or a capture mid-triage): SQLite's data_version changes
 * when another connection commits, so a cheap poll between keystrokes
 * notices it and the explorer reads again what it shows: totals, counts,
 * the histogram, each list's page (the cursor on its request) and open
 * timelines.
 */
#include "rn_time.h"
#include "state_impl.h"
#include "view.h"

/* How often the store is asked: well inside the second users wait. */
#define REFRESH_POLL_NS (250 * 1000000LL)

void
state_refresh(struct state *s)
{
    int i;

    for (i = 0; i < s->depth; i++) {
        if (s->views[i].kind == VIEW_LIST) {
            /* A count begun before the import would be short. */
            list_scan_fini(&s->views[i].u.list);
            view_list_reload(s, &s->views[i].u.list);
        } else if (s->views[i].kind == VIEW_TIMELINE)
            view_timeline_reload(s, &s->views[i]);
    }
    /* Totals (then the histogram, whose cache is keyed by them). */
    query_ui_hist_fini(&s->hist);
    s->hist_step = 0;
    s->hosts_walk = 0; /* the hosts walk starts over */
    s->jobs |= JOB_TOTALS | JOB_HIST | JOB_COUNT | JOB_HOSTS;
    s->dirty = DIRTY_ALL;
    state_message(s, 0, "the store changed (another import): reloaded");
}

int
state_poll(struct state *s, int force)
{
    struct rn_err err = {0};
    int64_t now = rn_time_mono_ns(), v = 0;

    if (!force && now - s->poll_ns < REFRESH_POLL_NS)
        return 0;
    s->poll_ns = now;
    if (query_ui_data_version(s->st, &v, &err) != RN_OK)
        return 0; /* a busy store: ask again at the next poll */
    if (!s->have_version || v == s->data_version) {
        s->have_version = 1;
        s->data_version = v;
        return 0;
    }
    s->data_version = v;
    if (s->depth == 0)
        return 0;
    state_refresh(s);
    return 1;
}
