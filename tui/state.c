/*
 * The front end's state machine.  state_key() routes a key either to the
 * open prompt (search, filter, command line, export questions) or, via
 * the binding table, to the top view's vtable (view_list.c,
 * view_timeline.c, view_text.c).  Handlers change state, set dirty bits
 * and return UI_* flags; nothing here draws or includes curses.
 *
 * Persistence: every change of what the user would want back after a
 * dropped connection (order, filter, cursor, open request, event, search,
 * filter history) sets persist_dirty; state_save() writes it to the
 * store's ui_state table, and state_start() reads it back.
 *
 * Background jobs (totals, filtered count, overview histogram) run from
 * state_idle() when the user pauses, so the first screen needs only the
 * first page of requests.
 */
#include "state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "keys.h"
#include "rn_buf.h"
#include "rn_json.h"
#include "rn_time.h"
#include "sanitize.h"
#include "view.h"
#include "xmalloc.h"

#define STATE_HIST_BINS 1024

const struct view_ops *
view_ops_of(enum view_kind kind)
{
    switch (kind) {
    case VIEW_TIMELINE:
        return &view_timeline_ops;
    case VIEW_TEXT:
        return &view_text_ops;
    case VIEW_LIST:
    default:
        return &view_list_ops;
    }
}

struct state *
state_new(struct store *st, const char *name)
{
    struct state *s = xcalloc(1, sizeof *s);

    s->st = st;
    s->store_name = sanitize_dup(name != NULL ? name : "");
    s->rows = 24;
    s->cols = 80;
    s->total = s->failed = s->events = -1;
    s->dirty = DIRTY_ALL;
    s->query_us = (int64_t)STATE_QUERY_MS * 1000;
    return s;
}

void
state_free(struct state *s)
{
    size_t i;

    if (s == NULL)
        return;
    while (s->depth > 0) {
        view_ops_of(s->views[s->depth - 1].kind)->fini(&s->views[s->depth - 1]);
        s->depth--;
    }
    for (i = 0; i < s->nhistory; i++)
        free(s->history[i]);
    query_ui_hist_fini(&s->hist);
    free(s->export_fmt);
    free(s->export_path);
    free(s->store_name);
    free(s);
}

struct view *
state_top(struct state *s)
{
    return &s->views[s->depth - 1];
}

const struct view *
state_top_const(const struct state *s)
{
    return &s->views[s->depth - 1];
}

struct view *
state_push(struct state *s, enum view_kind kind)
{
    struct view *v;

    if (s->depth >= STATE_MAX_VIEWS) {
        state_message(s, 1, "too many views open");
        return NULL;
    }
    v = &s->views[s->depth++];
    memset(v, 0, sizeof *v);
    v->kind = kind;
    s->dirty = DIRTY_ALL;
    s->persist_dirty = 1;
    return v;
}

void
state_pop(struct state *s)
{
    if (s->depth <= 1)
        return;
    view_ops_of(state_top(s)->kind)->fini(state_top(s));
    s->depth--;
    s->dirty = DIRTY_ALL;
    s->persist_dirty = 1;
    /* The size may have changed while the view was covered. */
    view_ops_of(state_top(s)->kind)->resize(s, state_top(s));
}

struct list_state *
state_list(struct state *s)
{
    int i;

    for (i = s->depth - 1; i > 0; i--)
        if (s->views[i].kind == VIEW_LIST)
            return &s->views[i].u.list;
    return &s->views[0].u.list;
}

void
state_layout(const struct state *s, struct state_layout *lay)
{
    const struct view *v = state_top_const(s);
    int rows = s->rows < 1 ? 1 : s->rows, avail;

    memset(lay, 0, sizeof *lay);
    lay->header_y = 0;
    lay->status_y = rows - 1;
    lay->strip_y = lay->colhdr_y = -1;
    if (rows < 3) {
        /* Only a status line and whatever fits: keep the body usable. */
        lay->body_y = 0;
        lay->body_h = rows > 1 ? rows - 1 : 1;
        return;
    }
    lay->body_y = 1;
    if (v->kind != VIEW_TEXT && rows >= 8) {
        lay->strip_y = 1;
        lay->colhdr_y = 2;
        lay->body_y = 3;
    }
    avail = lay->status_y - lay->body_y;
    if (avail < 1)
        avail = 1;
    lay->body_h = avail;
    if (v->kind == VIEW_TIMELINE && v->u.tl.detail && avail >= 6) {
        lay->detail_h = avail / 2;
        lay->body_h = avail - lay->detail_h;
        lay->detail_y = lay->body_y + lay->body_h;
    }
}

int
state_body_height(const struct state *s)
{
    struct state_layout lay;

    state_layout(s, &lay);
    return lay.body_h;
}

void
state_message(struct state *s, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    s->msg_err = err;
    s->msg_scan = 0;
    s->dirty |= DIRTY_STATUS;
}

void
state_store_error(struct state *s, const struct rn_err *err)
{
    state_message(s, 1, "%s", err->msg[0] ? err->msg : "store error");
}

/* Add a filter to the history (newest first, no duplicates). */
static void
state_history_add(struct state *s, const char *text)
{
    size_t i;

    if (text[0] == '\0')
        return;
    for (i = 0; i < s->nhistory; i++) {
        if (strcmp(s->history[i], text) == 0) {
            char *t = s->history[i];

            memmove(&s->history[1], &s->history[0], i * sizeof(char *));
            s->history[0] = t;
            return;
        }
    }
    if (s->nhistory == STATE_HISTORY_MAX)
        free(s->history[--s->nhistory]);
    memmove(&s->history[1], &s->history[0], s->nhistory * sizeof(char *));
    s->history[0] = xstrdup(text);
    s->nhistory++;
    s->persist_dirty = 1;
}

/* ---- persistence ---------------------------------------------------- */

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

void
state_resize(struct state *s, int rows, int cols)
{
    int i;

    s->rows = rows < 1 ? 1 : rows;
    s->cols = cols < 1 ? 1 : cols;
    /* Views below the top are resized when they are uncovered. */
    for (i = 0; i < s->depth; i++)
        if (i == s->depth - 1)
            view_ops_of(s->views[i].kind)->resize(s, &s->views[i]);
    s->dirty = DIRTY_ALL;
}

/* ---- background jobs ------------------------------------------------ */

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
static int
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
    list_scan_totals(s);
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

/* ---- prompt ---------------------------------------------------------- */

const char *
state_prompt_label(const struct state *s)
{
    switch (s->prompt.kind) {
    case PROMPT_SEARCH_FWD:
        return "/";
    case PROMPT_SEARCH_BACK:
        return "?";
    case PROMPT_FILTER:
        return "filter: ";
    case PROMPT_COMMAND:
        return ":";
    case PROMPT_EXPORT_FMT:
        return "export format (md, html, json, csv): ";
    case PROMPT_EXPORT_PATH:
        return "export to file: ";
    case PROMPT_CONFIRM:
        return "file exists; overwrite? (y/n) ";
    case PROMPT_NONE:
    default:
        return "";
    }
}

/* Remember where the cursor was, so an abandoned search can go back. */
static void
state_prompt_origin(struct state *s)
{
    struct view *v = state_top(s);

    s->prompt.origin_cur = s->prompt.origin_top = 0;
    if (v->kind == VIEW_LIST) {
        s->prompt.origin_cur = v->u.list.cur;
    } else if (v->kind == VIEW_TIMELINE) {
        s->prompt.origin_cur = v->u.tl.cur;
        s->prompt.origin_top = v->u.tl.top;
    } else {
        s->prompt.origin_top = v->u.text.top;
    }
}

/* Put the cursor back where the prompt opened. */
static void
state_prompt_restore(struct state *s)
{
    struct view *v = state_top(s);

    if (v->kind == VIEW_LIST) {
        if (s->prompt.origin_cur < v->u.list.n)
            v->u.list.cur = s->prompt.origin_cur;
    } else if (v->kind == VIEW_TIMELINE) {
        v->u.tl.cur = s->prompt.origin_cur;
        v->u.tl.top = s->prompt.origin_top;
    } else {
        v->u.text.top = s->prompt.origin_top;
    }
    s->dirty |= DIRTY_BODY | DIRTY_STRIP;
}

/* Open the prompt of kind, prefilled with text. */
static unsigned
state_prompt_open(struct state *s, enum prompt_kind kind, const char *text)
{
    s->prompt.kind = kind;
    snprintf(s->prompt.text, sizeof s->prompt.text, "%s", text);
    s->prompt.hist = -1;
    state_prompt_origin(s);
    s->msg[0] = '\0';
    s->dirty |= DIRTY_STATUS;
    return UI_HANDLED | UI_REDRAW;
}

/* Close the prompt. */
static void
state_prompt_close(struct state *s)
{
    s->prompt.kind = PROMPT_NONE;
    s->prompt.text[0] = '\0';
    s->dirty |= DIRTY_STATUS;
}

/* Run the active search from the cursor; report the outcome. */
static void
state_search_run(struct state *s, int back, int next, int incremental)
{
    struct view *v = state_top(s);

    if (s->search[0] == '\0')
        return;
    if (!view_ops_of(v->kind)->search(s, v, back, next, incremental) &&
        !incremental && s->msg[0] == '\0') {
        char *p = sanitize_dup(s->search);

        state_message(s, 1, "pattern not found: %s", p);
        free(p);
    }
    s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
}

/* Default report name: reqnav-report-<UTC time>.<ext>. */
static void
state_export_default(const char *fmt, char *out, size_t n)
{
    char iso[RN_TS_STR_MAX], compact[24];
    size_t i, k = 0;

    rn_time_format((int64_t)time(NULL) * RN_NS_PER_SEC, iso);
    for (i = 0; iso[i] != '\0' && iso[i] != '.' && k + 1 < sizeof compact; i++)
        if (iso[i] != '-' && iso[i] != ':')
            compact[k++] = iso[i];
    compact[k] = '\0';
    snprintf(out, n, "reqnav-report-%sZ.%s", compact, fmt);
}

/* Is fmt one of the report formats? */
static int
state_export_format_ok(const char *fmt)
{
    return strcmp(fmt, "md") == 0 || strcmp(fmt, "html") == 0 ||
           strcmp(fmt, "json") == 0 || strcmp(fmt, "csv") == 0;
}

/* Export the marked requests (or the current one when none is marked). */
static void
state_export_run(struct state *s, const char *fmt, const char *path)
{
    struct rn_err err = {0};
    struct filter *f = NULL;
    int64_t nmarked = 0, id = 0;
    const struct rq_row *r;
    const struct view *v = state_top(s);
    char *p;

    if (filter_parse("marked:yes", &f, &err) != RN_OK ||
        query_requests_count(s->st, f, &nmarked, &err) != RN_OK) {
        filter_free(f);
        state_store_error(s, &err);
        return;
    }
    filter_free(f);
    if (nmarked == 0) {
        if (v->kind == VIEW_TIMELINE) {
            id = v->u.tl.req.id;
        } else {
            r = view_list_current(state_list(s));
            id = r != NULL ? r->id : 0;
        }
        if (id == 0) {
            state_message(s, 1, "nothing to export: mark requests with Space");
            return;
        }
    }
    p = sanitize_dup(path);
    if (s->export_fn(s->st, nmarked ? NULL : &id, nmarked ? 0 : 1, fmt, path,
                     &err) != RN_OK)
        state_message(s, 1, "export failed: %s", err.msg);
    else if (nmarked)
        state_message(s, 0, "exported %lld marked requests to %s",
                      (long long)nmarked, p);
    else
        state_message(s, 0, "exported the current request to %s", p);
    free(p);
}

/* Ask for the path (or the overwrite answer), or export right away. */
static unsigned
state_export_path(struct state *s, const char *path)
{
    char *p;

    if (access(path, F_OK) == 0) {
        free(s->export_path);
        s->export_path = xstrdup(path);
        p = sanitize_dup(path);
        state_prompt_open(s, PROMPT_CONFIRM, "");
        state_message(s, 0, "%s exists", p);
        free(p);
        return UI_HANDLED | UI_REDRAW;
    }
    state_export_run(s, s->export_fmt, path);
    return UI_HANDLED | UI_REDRAW;
}

/* Start an export: x, or :export [FMT] [FILE]. */
static unsigned
state_export_start(struct state *s, const char *fmt, const char *path)
{
    char def[128];

    if (s->export_fn == NULL) {
        state_message(s, 1, "export not available yet");
        return UI_HANDLED | UI_REDRAW;
    }
    if (fmt == NULL)
        return state_prompt_open(s, PROMPT_EXPORT_FMT, "md");
    if (!state_export_format_ok(fmt)) {
        state_message(s, 1, "unknown export format (md, html, json, csv)");
        return UI_HANDLED | UI_REDRAW;
    }
    free(s->export_fmt);
    s->export_fmt = xstrdup(fmt);
    if (path == NULL) {
        state_export_default(fmt, def, sizeof def);
        return state_prompt_open(s, PROMPT_EXPORT_PATH, def);
    }
    return state_export_path(s, path);
}

/*
 * Parse a :goto time: anything rn_time_parse reads (ISO 8601, Log Parser
 * "YYYY-MM-DD hh:mm:ss"), or a clock time h:mm[:ss[.fff]] on the UTC day
 * of ref.
 */
static int
state_parse_goto(const char *arg, int64_t ref, int64_t *ns)
{
    char buf[96], day[RN_TS_STR_MAX];
    size_t len = strlen(arg), colons = 0, i;

    if (rn_time_parse(arg, 0, ns) == RN_OK)
        return 0;
    if (ref == STORE_NONE || len < 4 || len > 20)
        return -1;
    for (i = 0; i < len; i++) {
        if (arg[i] == ':')
            colons++;
        else if ((arg[i] < '0' || arg[i] > '9') && arg[i] != '.')
            return -1;
    }
    if (colons < 1 || colons > 2 || (arg[1] != ':' && arg[2] != ':'))
        return -1;
    rn_time_format(ref, day);
    day[10] = '\0';
    snprintf(buf, sizeof buf, "%sT%s%s%s", day, arg[1] == ':' ? "0" : "", arg,
             colons == 1 ? ":00" : "");
    return rn_time_parse(buf, 0, ns) == RN_OK ? 0 : -1;
}

/* :goto TIME in the top view. */
static void
state_goto(struct state *s, const char *arg)
{
    struct view *v = state_top(s);
    const struct rq_row *r;
    int64_t ref = STORE_NONE, ns;
    size_t i;

    if (v->kind == VIEW_TIMELINE) {
        ref = v->u.tl.req.start_ns;
    } else {
        r = view_list_current(state_list(s));
        if (r != NULL)
            ref = r->start_ns;
    }
    if (state_parse_goto(arg, ref, &ns) != 0) {
        state_message(s, 1,
                      "goto: bad time (use 2005-08-23T20:25:47Z or 20:25:47)");
        return;
    }
    if (v->kind == VIEW_TIMELINE) {
        struct tl_state *t = &v->u.tl;

        for (i = 0; i < t->n; i++)
            if (t->ev[i].ts_ns != STORE_NONE && t->ev[i].ts_ns >= ns)
                break;
        t->cur = i < t->n ? i : (t->n ? t->n - 1 : 0);
        view_ops_of(VIEW_TIMELINE)->resize(s, v);
        s->persist_dirty = 1;
    } else if (v->kind == VIEW_LIST) {
        view_list_goto_time(s, &v->u.list, ns);
    } else {
        state_message(s, 1, "goto: not in this view");
    }
    s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
}

/* Apply a filter to the request list under the top view. */
static unsigned
state_apply_filter(struct state *s, const char *text)
{
    struct rn_err err = {0};
    struct list_state *l;

    while (s->depth > 1 && state_top(s)->kind != VIEW_LIST)
        state_pop(s);
    l = state_list(s);
    if (view_list_set_filter(s, l, text, &err) != RN_OK) {
        /* Keep the text in the prompt so it can be corrected. */
        state_prompt_open(s, PROMPT_FILTER, text);
        state_message(s, 1, "%s", err.msg);
        return UI_HANDLED | UI_REDRAW;
    }
    /* No message: the status line shows the filter and its count. */
    state_history_add(s, text);
    return UI_HANDLED | UI_REDRAW;
}

/* Split "word rest" at the first blank: *rest points after the blanks. */
static void
state_split(char *line, char **word, char **rest)
{
    char *p = line;

    while (*p == ' ')
        p++;
    *word = p;
    while (*p != '\0' && *p != ' ')
        p++;
    if (*p != '\0')
        *p++ = '\0';
    while (*p == ' ')
        p++;
    *rest = p;
}

/* Run a : command line. */
static unsigned
state_command(struct state *s, char *line)
{
    char *cmd, *arg, *fmt, *path;

    state_split(line, &cmd, &arg);
    if (cmd[0] == '\0')
        return UI_HANDLED;
    if (strcmp(cmd, "goto") == 0 || strcmp(cmd, "g") == 0) {
        state_goto(s, arg);
    } else if (strcmp(cmd, "filter") == 0 || strcmp(cmd, "f") == 0) {
        return state_apply_filter(s, arg);
    } else if (strcmp(cmd, "export") == 0) {
        state_split(arg, &fmt, &path);
        return state_export_start(s, fmt[0] ? fmt : NULL,
                                  path[0] ? path : NULL);
    } else if (strcmp(cmd, "sql") == 0) {
        view_text_sql(s, arg);
    } else if (strcmp(cmd, "order") == 0) {
        struct list_state *l = state_list(s);

        if (strcmp(arg, "time") == 0 && l->order == RQ_ORDER_TIME)
            return UI_HANDLED;
        if (strcmp(arg, "failures") == 0 && l->order == RQ_ORDER_FAILURES)
            return UI_HANDLED;
        while (s->depth > 1 && state_top(s)->kind != VIEW_LIST)
            state_pop(s);
        return view_list_ops.key(s, state_top(s), ACT_ORDER);
    } else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "h") == 0) {
        view_text_help(s);
    } else if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0) {
        return UI_HANDLED | UI_QUIT;
    } else if (strcmp(cmd, "marks") == 0) {
        while (s->depth > 1 && state_top(s)->kind != VIEW_LIST)
            state_pop(s);
        return view_list_ops.key(s, state_top(s), ACT_MARKS);
    } else {
        char *c = sanitize_dup(cmd);

        state_message(s, 1,
                      "unknown command '%s' (goto, filter, export, sql, "
                      "order, marks, help, quit)",
                      c);
        free(c);
    }
    return UI_HANDLED | UI_REDRAW;
}

/* Enter in the prompt. */
static unsigned
state_prompt_submit(struct state *s)
{
    enum prompt_kind kind = s->prompt.kind;
    char text[STATE_PROMPT_MAX];

    snprintf(text, sizeof text, "%s", s->prompt.text);
    state_prompt_close(s);
    switch (kind) {
    case PROMPT_SEARCH_FWD:
    case PROMPT_SEARCH_BACK:
        /* An empty pattern repeats the last search, as in vi. */
        if (text[0] != '\0')
            snprintf(s->search, sizeof s->search, "%s", text);
        s->search_back = kind == PROMPT_SEARCH_BACK;
        s->persist_dirty = 1;
        state_prompt_restore(s);
        state_search_run(s, s->search_back, 1, 0);
        return UI_HANDLED | UI_REDRAW;
    case PROMPT_FILTER:
        return state_apply_filter(s, text);
    case PROMPT_COMMAND:
        return state_command(s, text);
    case PROMPT_EXPORT_FMT:
        return state_export_start(s, text, NULL);
    case PROMPT_EXPORT_PATH:
        if (text[0] == '\0') {
            state_message(s, 1, "export cancelled");
            return UI_HANDLED | UI_REDRAW;
        }
        return state_export_path(s, text);
    case PROMPT_CONFIRM:
    case PROMPT_NONE:
    default:
        return UI_HANDLED;
    }
}

/* Step through the filter history (dir +1 older, -1 newer). */
static void
state_prompt_history(struct state *s, int dir)
{
    int h = s->prompt.hist + dir;

    if (s->prompt.kind != PROMPT_FILTER)
        return;
    if (h < -1 || h >= (int)s->nhistory)
        return;
    s->prompt.hist = h;
    snprintf(s->prompt.text, sizeof s->prompt.text, "%s",
             h < 0 ? "" : s->history[h]);
}

/* Delete the last UTF-8 character of the prompt text. */
static void
state_prompt_backspace(struct state *s)
{
    size_t n = strlen(s->prompt.text);

    while (n > 0) {
        n--;
        if (((unsigned char)s->prompt.text[n] & 0xC0) != 0x80)
            break;
    }
    s->prompt.text[n] = '\0';
}

/* Append a typed character (code point) to the prompt text. */
static void
state_prompt_insert(struct state *s, int key)
{
    size_t n = strlen(s->prompt.text);
    char u[4];
    size_t k;
    uint32_t cp = (uint32_t)key;

    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
        sanitize_is_format_cp(cp) || cp >= 0x110000 ||
        (cp >= 0xD800 && cp < 0xE000))
        return;
    if (cp < 0x80) {
        u[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    if (n + k + 1 > sizeof s->prompt.text)
        return;
    memcpy(s->prompt.text + n, u, k);
    s->prompt.text[n + k] = '\0';
}

/* A key while the prompt is open. */
static unsigned
state_prompt_key(struct state *s, int key)
{
    enum prompt_kind kind = s->prompt.kind;
    int search = kind == PROMPT_SEARCH_FWD || kind == PROMPT_SEARCH_BACK;

    if (kind == PROMPT_CONFIRM) {
        state_prompt_close(s);
        if (key == 'y' || key == 'Y') {
            state_export_run(s, s->export_fmt, s->export_path);
        } else {
            state_message(s, 1, "export cancelled");
        }
        return UI_HANDLED | UI_REDRAW;
    }
    if (s->msg[0] != '\0' && key != KEYS_ENTER) {
        s->msg[0] = '\0';
        s->dirty |= DIRTY_STATUS;
    }
    switch (key) {
    case KEYS_ENTER:
        return state_prompt_submit(s);
    case KEYS_ESC:
    case 7: /* C-g */
        if (search)
            state_prompt_restore(s);
        state_prompt_close(s);
        return UI_HANDLED | UI_REDRAW;
    case KEYS_BACKSPACE:
    case 8:
    case 0x7F:
        if (s->prompt.text[0] == '\0') {
            if (search)
                state_prompt_restore(s);
            state_prompt_close(s);
            return UI_HANDLED | UI_REDRAW;
        }
        state_prompt_backspace(s);
        break;
    case 21: /* C-u */
        s->prompt.text[0] = '\0';
        break;
    case KEYS_UP:
        state_prompt_history(s, +1);
        break;
    case KEYS_DOWN:
        state_prompt_history(s, -1);
        break;
    default:
        if (key >= KEYS_BASE)
            return UI_HANDLED;
        state_prompt_insert(s, key);
    }
    s->dirty |= DIRTY_STATUS;
    if (search) {
        /* Incremental: look from where the prompt opened. */
        state_prompt_restore(s);
        snprintf(s->search, sizeof s->search, "%s", s->prompt.text);
        state_search_run(s, kind == PROMPT_SEARCH_BACK, 1, 1);
    }
    return UI_HANDLED | UI_REDRAW;
}

/* ---- dispatch -------------------------------------------------------- */

unsigned
state_key(struct state *s, int key)
{
    struct view *v;
    const struct view_ops *ops;
    enum keys_action a;

    if (s->depth == 0 || key == KEYS_RESIZE)
        return UI_IGNORED;
    if (s->prompt.kind != PROMPT_NONE)
        return state_prompt_key(s, key);
    if (s->msg[0] != '\0') {
        s->msg[0] = '\0';
        s->dirty |= DIRTY_STATUS;
    }
    v = state_top(s);
    ops = view_ops_of(v->kind);
    a = keys_lookup(key, ops->keys_in);
    switch (a) {
    case ACT_HELP:
        view_text_help(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_COMMAND:
        return state_prompt_open(s, PROMPT_COMMAND, "");
    case ACT_SEARCH_FWD:
        return state_prompt_open(s, PROMPT_SEARCH_FWD, "");
    case ACT_SEARCH_BACK:
        return state_prompt_open(s, PROMPT_SEARCH_BACK, "");
    case ACT_FILTER:
        return state_prompt_open(s, PROMPT_FILTER, state_list(s)->filter_text);
    case ACT_EXPORT:
        return state_export_start(s, NULL, NULL);
    case ACT_QUIT:
        return UI_HANDLED | UI_QUIT;
    case ACT_REDRAW:
        s->dirty = DIRTY_ALL;
        return UI_HANDLED | UI_REDRAW | UI_RELOAD;
    case ACT_NEXT:
    case ACT_PREV:
        if (s->search[0] != '\0') {
            state_search_run(s, s->search_back ^ (a == ACT_PREV), 1, 0);
            return UI_HANDLED | UI_REDRAW;
        }
        break;
    case ACT_CLEAR:
        /* First Esc stops a running fill or search (list_scan.c). */
        if (v->kind == VIEW_LIST && list_scan_stop(s, &v->u.list)) {
            state_message(s, 0, "stopped");
            return UI_HANDLED | UI_REDRAW;
        }
        if (s->search[0] != '\0') {
            s->search[0] = '\0';
            s->persist_dirty = 1;
            s->dirty |= DIRTY_BODY | DIRTY_STATUS;
            return UI_HANDLED | UI_REDRAW;
        }
        break;
    case ACT_NONE:
        return UI_IGNORED;
    default:
        break;
    }
    return ops->key(s, v, a);
}
