/*
 * UI-state persistence: every change of what the user would want back
 * after a dropped connection (order, filter, cursor, open request, event,
 * search, filter history) sets persist_dirty; state_save() writes it to
 * the store's ui_state table, and state_start() reads it back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rn_buf.h"
#include "state_impl.h"
#include "view.h"
#include "xmalloc.h"

/* Read an integer state value; def when absent or malformed. */
static int64_t
state_get_int(struct state *s, const char *key, int64_t def)
{
    char *v = NULL, *end;
    long long n;

    if (store_state_get(s->st, key, &v, NULL) != RN_OK || v == NULL)
        return def;
    n = strtoll(v, &end, 10);
    if (end == v || *end != '\0')
        n = def;
    free(v);
    return n;
}

/* Write one integer state value. */
static enum rn_rc
state_set_int(struct state *s, const char *key, int64_t v, struct rn_err *err)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%lld", (long long)v);
    return store_state_set(s->st, key, buf, err);
}

void
state_save(struct state *s)
{
    struct list_state *l = &s->views[0].u.list;
    const struct rq_row *r = view_list_current(l);
    const struct tl_state *t = NULL;
    struct rn_buf hist;
    struct rn_err err = {0};
    enum rn_rc rc;
    size_t i;
    int d;

    if (!s->persist_dirty || s->depth == 0)
        return;
    for (d = 1; d < s->depth; d++) {
        if (s->views[d].kind == VIEW_TIMELINE) {
            t = &s->views[d].u.tl;
            break;
        }
    }
    rn_buf_init(&hist, 1024 * 1024);
    rn_buf_puts(&hist, "");
    for (i = 0; i < s->nhistory; i++) {
        if (i > 0)
            rn_buf_putc(&hist, '\n');
        rn_buf_puts(&hist, s->history[i]);
    }
    rc = store_begin(s->st, &err);
    if (rc == RN_OK)
        rc = store_state_set(s->st, "ui.order",
                             l->order == RQ_ORDER_TIME ? "time" : "failures",
                             &err);
    if (rc == RN_OK)
        rc = store_state_set(s->st, "ui.filter", l->filter_text, &err);
    if (rc == RN_OK)
        rc = state_set_int(s, "ui.cursor", r != NULL ? r->id : 0, &err);
    if (rc == RN_OK)
        rc = state_set_int(s, "ui.top", l->n > 0 ? l->rows[0].id : 0, &err);
    if (rc == RN_OK)
        rc = state_set_int(s, "ui.open", t != NULL ? t->req.id : 0, &err);
    if (rc == RN_OK)
        rc = state_set_int(s, "ui.event",
                           t != NULL && t->n > 0 ? t->ev[t->cur].uid : 0, &err);
    if (rc == RN_OK)
        rc = state_set_int(s, "ui.detail", t != NULL ? t->detail : 0, &err);
    if (rc == RN_OK)
        rc = store_state_set(s->st, "ui.search", s->search, &err);
    if (rc == RN_OK)
        rc = state_set_int(s, "ui.search_back", s->search_back, &err);
    if (rc == RN_OK)
        rc = store_state_set(s->st, "ui.history", rn_buf_str(&hist), &err);
    if (rc == RN_OK)
        rc = state_set_int(s, "ui.ids", s->show_ids, &err);
    if (rc == RN_OK)
        rc = store_commit(s->st, &err);
    else
        store_rollback(s->st);
    rn_buf_fini(&hist);
    s->persist_dirty = 0; /* do not retry a failing save on every pause */
    if (rc != RN_OK)
        state_message(s, 1, "cannot save the UI state: %s", err.msg);
}

/* Restore the filter history from its saved text. */
static void
state_restore_history(struct state *s, const char *text)
{
    const char *p = text, *nl;

    while (*p != '\0' && s->nhistory < STATE_HISTORY_MAX) {
        nl = strchr(p, '\n');
        if (nl == NULL)
            nl = p + strlen(p);
        if (nl > p)
            s->history[s->nhistory++] = xstrndup(p, (size_t)(nl - p));
        p = *nl ? nl + 1 : nl;
    }
}

enum rn_rc
state_start(struct state *s, int rows, int cols, struct rn_err *err)
{
    char *order = NULL, *filter = NULL, *search = NULL, *history = NULL;
    struct rn_err ferr = {0};
    struct view *v;
    enum rq_order o = RQ_ORDER_FAILURES;
    int64_t cursor, top, open, event;
    enum rn_rc rc;

    s->rows = rows;
    s->cols = cols;
    store_state_get(s->st, "ui.order", &order, NULL);
    store_state_get(s->st, "ui.filter", &filter, NULL);
    store_state_get(s->st, "ui.search", &search, NULL);
    store_state_get(s->st, "ui.history", &history, NULL);
    if (order != NULL && strcmp(order, "time") == 0)
        o = RQ_ORDER_TIME;
    if (history != NULL)
        state_restore_history(s, history);
    if (search != NULL)
        snprintf(s->search, sizeof s->search, "%s", search);
    s->search_back = (int)state_get_int(s, "ui.search_back", 0) != 0;
    s->show_ids = (int)state_get_int(s, "ui.ids", 0) != 0;
    state_count_facts(s);
    /* A short first step of the hosts walk now (a quarter slice: the
     * first screen waits for it): a store of several hosts mostly shows
     * one there, so the first screen is laid out for them. */
    if (state_job_hosts(s, (int64_t)STATE_SLICE_MS * 250))
        s->jobs |= JOB_HOSTS;
    state_poll(s, 1); /* the version everything below is read at */
    cursor = state_get_int(s, "ui.cursor", 0);
    top = state_get_int(s, "ui.top", 0);
    open = state_get_int(s, "ui.open", 0);
    event = state_get_int(s, "ui.event", 0);

    v = state_push(s, VIEW_LIST);
    rc = view_list_init(s, &v->u.list, filter != NULL ? filter : "", o, &ferr);
    if (rc == RN_EINVAL) {
        /* A saved filter the language no longer accepts: start without. */
        state_message(s, 1, "saved filter dropped: %s", ferr.msg);
        rn_err_clear(&ferr);
        rc = view_list_init(s, &v->u.list, "", o, &ferr);
    }
    if (rc != RN_OK) {
        rn_err_set(err, ferr.rc, "%s", ferr.msg);
        goto out;
    }
    if (cursor != 0)
        view_list_anchor_id(s, &v->u.list, cursor, top);
    if (open != 0) {
        rn_err_clear(&ferr);
        if (view_timeline_open(s, open, -1, event, &ferr) == RN_OK) {
            struct view *t = state_top(s);

            if (t->kind == VIEW_TIMELINE &&
                state_get_int(s, "ui.detail", 0) != 0) {
                t->u.tl.detail = 1;
                view_ops_of(VIEW_TIMELINE)->resize(s, t);
            }
        }
    }
    s->jobs |= JOB_TOTALS | JOB_HIST | JOB_COUNT;
    s->persist_dirty = 0;
    s->dirty = DIRTY_ALL;
out:
    free(order);
    free(filter);
    free(search);
    free(history);
    return rc;
}

enum rn_rc
state_start_at(struct state *s, const char *filter, const char *open,
               struct rn_err *err)
{
    struct list_state *l;
    struct rq_row row;
    char *end;
    long long id = 0;
    enum rn_rc rc;

    if (filter == NULL && open == NULL)
        return RN_OK;
    while (s->depth > 1)
        state_pop(s);
    l = state_list(s);
    if (filter != NULL) {
        rc = view_list_set_filter(s, l, filter, err);
        if (rc != RN_OK)
            return rc;
        state_history_add(s, filter);
    }
    if (open != NULL) {
        /* An id, or a request key as `reqnav timeline` takes it. */
        errno = 0;
        id = strtoll(open, &end, 10);
        if (errno != 0 || *end != '\0' || end == open) {
            rc = query_request_by_key(s->st, open, &row, err);
            if (rc != RN_OK)
                return rc;
            id = row.id;
            rq_row_fini(&row);
        }
        view_list_anchor_id(s, l, id, id);
        rc = view_timeline_open(s, id, -1, 0, err);
        if (rc != RN_OK)
            return rc;
    }
    s->persist_dirty = 1;
    s->dirty = DIRTY_ALL;
    return RN_OK;
}
