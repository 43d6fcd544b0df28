/*
 * The request list: a page of rows exactly as tall as the body, fetched
 * with keyset paging (query_requests_page) relative to the first or last
 * row shown, so scrolling a million requests costs what scrolling ten
 * does.  Positions are struct rq_pos; to include a row itself in a
 * "strictly after" fetch its position is taken with id - 1 (ids order
 * ties, so nothing else fits between).
 *
 * Search, "next failed request" and :goto are all keyset fetches with a
 * filter built from the list's own (text:, status:5xx) or a position
 * made from a time, so they share the list's order and indexes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "fmt.h"
#include "render.h"
#include "sanitize.h"
#include "view.h"
#include "xmalloc.h"

/* Free the rows of the page. */
static void
list_clear(struct list_state *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        rq_row_fini(&l->rows[i]);
    l->n = 0;
    l->cur = 0;
}

/* Make the page as tall as the body (drops the rows). */
static void
list_size(struct state *s, struct list_state *l)
{
    size_t h = (size_t)state_body_height(s);

    if (h < 1)
        h = 1;
    list_clear(l);
    if (h != l->cap) {
        free(l->rows);
        l->rows = xcalloc(h, sizeof *l->rows);
        l->cap = h;
    }
}

/*
 * Fetch up to limit rows from a position; store errors go to status.
 * With slow non-NULL the fetch gets STATE_QUERY_MS: one that needs longer
 * returns 0 rows with *slow set, for the caller to go on as a scan
 * (list_scan.c).  slow NULL: no deadline.
 */
static size_t
list_fetch(struct state *s, const struct list_state *l, const struct filter *f,
           const struct rq_pos *from, int forward, struct rq_row *rows,
           size_t limit, int *slow)
{
    struct rn_err err = {0};
    enum rn_rc rc;
    size_t n = 0;

    if (slow != NULL)
        *slow = 0;
    if (limit == 0)
        return 0;
    if (slow != NULL && s->query_us < 0) {
        *slow = 1; /* scans only (the tests' way to drive them) */
        return 0;
    }
    if (slow != NULL)
        store_deadline(s->st, s->query_us);
    rc = query_requests_page(s->st, f, l->order, from, forward, rows, limit, &n,
                             &err);
    if (slow != NULL)
        store_deadline(s->st, 0);
    if (rc == RN_ETIMEOUT) {
        *slow = 1;
        return 0;
    }
    if (rc != RN_OK) {
        state_store_error(s, &err);
        return 0;
    }
    return n;
}

/* The position just before row r, so a forward fetch includes r. */
static void
list_pos_incl(const struct rq_row *r, struct rq_pos *p)
{
    rq_pos_of(r, p);
    p->id -= 1;
}

/*
 * Fill the page around a position: rows at or after it from screen row
 * place down (fewer rows before when the list starts sooner), rows before
 * it above.  from NULL: the first page.  The cursor lands on the first
 * row after the position.
 */
static void
list_anchor_pos(struct state *s, struct list_state *l,
                const struct rq_pos *from, size_t place)
{
    size_t h = l->cap, nf, nb = 0, want, i, keep;
    struct rq_row *fw;
    int slow;

    list_scan_stop(s, l);
    list_clear(l);
    s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
    s->persist_dirty = 1;
    if (filter_reads_events(l->filter)) {
        /* text: reads every event of each request: no keystroke-sized
         * query, the page comes from the background (list_scan_direct). */
        list_scan_fill(s, l, from, 1, h, SCAN_CUR_KEEP);
        list_scan_direct(l);
        return;
    }
    fw = xcalloc(h, sizeof *fw);
    nf = list_fetch(s, l, l->filter, from, 1, fw, h, &slow);
    if (slow) {
        /* The page fills in slices; rows before the position are left
         * out (scrolling up brings them). */
        free(fw);
        list_scan_fill(s, l, from, 1, h, SCAN_CUR_KEEP);
        return;
    }
    if (from != NULL) {
        want = place < h ? place : h - 1;
        if (h - nf > want)
            want = h - nf;
        /* Slow: no rows above the position; the page starts with it. */
        nb = list_fetch(s, l, l->filter, from, 0, l->rows, want, &slow);
    }
    keep = nf < h - nb ? nf : h - nb;
    for (i = 0; i < nf; i++) {
        if (i < keep)
            l->rows[nb + i] = fw[i];
        else
            rq_row_fini(&fw[i]);
    }
    free(fw);
    l->n = nb + keep;
    l->cur = nb < l->n ? nb : (l->n > 0 ? l->n - 1 : 0);
}

void
view_list_anchor_row(struct state *s, struct list_state *l,
                     const struct rq_row *r, size_t place)
{
    struct rq_pos p;

    list_pos_incl(r, &p);
    list_anchor_pos(s, l, &p, place);
}

const struct rq_row *
view_list_current(const struct list_state *l)
{
    return l->n > 0 && l->cur < l->n ? &l->rows[l->cur] : NULL;
}

void
view_list_anchor_id(struct state *s, struct list_state *l, int64_t id,
                    int64_t top_id)
{
    struct rq_row r;
    struct rn_err err = {0};
    size_t i;

    memset(&r, 0, sizeof r);
    if (top_id != 0 && query_request_get(s->st, top_id, &r, &err) == RN_OK) {
        view_list_anchor_row(s, l, &r, 0);
        rq_row_fini(&r);
        for (i = 0; i < l->n; i++) {
            if (l->rows[i].id == id) {
                l->cur = i;
                return;
            }
        }
    }
    rn_err_clear(&err);
    memset(&r, 0, sizeof r);
    if (query_request_get(s->st, id, &r, &err) == RN_OK) {
        view_list_anchor_row(s, l, &r, l->cap / 3);
        rq_row_fini(&r);
    }
}

/* Parse text (may be "") into a filter; NULL for none. */
static enum rn_rc
list_parse(const char *text, struct filter **f, struct rn_err *err)
{
    const char *p = text;

    *f = NULL;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return RN_OK;
    return filter_parse(text, f, err);
}

void
view_list_reload(struct state *s, struct list_state *l)
{
    const struct rq_row *r = view_list_current(l);
    struct rq_row keep;
    struct rq_pos p;
    struct rn_err err = {0};
    int64_t id, top;
    size_t place;

    l->count = -1;
    if (r == NULL) {
        list_anchor_pos(s, l, NULL, 0);
        return;
    }
    id = r->id;
    top = l->rows[0].id;
    place = l->cur;
    list_pos_incl(r, &p);
    memset(&keep, 0, sizeof keep);
    if (query_request_get(s->st, id, &keep, &err) == RN_OK) {
        rq_row_fini(&keep);
        view_list_anchor_id(s, l, id, top);
    } else {
        /* The request was merged away: stay where it stood. */
        list_anchor_pos(s, l, &p, place);
    }
}

enum rn_rc
view_list_init(struct state *s, struct list_state *l, const char *filter_text,
               enum rq_order order, struct rn_err *err)
{
    struct filter *f = NULL;
    enum rn_rc rc;

    rc = list_parse(filter_text, &f, err);
    if (rc != RN_OK)
        return rc;
    l->filter = f;
    l->filter_text = xstrdup(filter_text);
    l->order = order;
    l->count = -1;
    list_size(s, l);
    list_anchor_pos(s, l, NULL, 0);
    return RN_OK;
}

enum rn_rc
view_list_set_filter(struct state *s, struct list_state *l, const char *text,
                     struct rn_err *err)
{
    struct filter *f = NULL;
    enum rn_rc rc;

    rc = list_parse(text, &f, err);
    if (rc != RN_OK)
        return rc;
    list_scan_fini(l);
    filter_free(l->filter);
    free(l->filter_text);
    l->filter = f;
    l->filter_text = xstrdup(text);
    l->count = -1;
    s->jobs |= JOB_COUNT;
    list_anchor_pos(s, l, NULL, 0);
    s->dirty = DIRTY_ALL;
    return RN_OK;
}

void
view_list_goto_time(struct state *s, struct list_state *l, int64_t t)
{
    const struct rq_row *r = view_list_current(l);
    struct rq_pos p;

    p.severity = l->order == RQ_ORDER_FAILURES && r != NULL ? r->severity : 0;
    p.start_ns = t;
    p.id = 0;
    list_anchor_pos(s, l, &p, l->cap / 3);
}

/* Scroll the page forward by up to k rows; the cursor keeps its screen
 * row.  Returns how many rows came in. */
static size_t
list_scroll_fwd(struct state *s, struct list_state *l, size_t k)
{
    struct rq_row *tmp;
    struct rq_pos p;
    size_t m, drop, i;
    int slow;

    /* While the page fills, scrolling waits (a fill brings the rows, and
     * starting another would drop it). */
    if (l->n == 0 || list_scan_filling(l))
        return 0;
    list_scan_stop(s, l);
    tmp = xcalloc(k, sizeof *tmp);
    rq_pos_of(&l->rows[l->n - 1], &p);
    m = list_fetch(s, l, l->filter, &p, 1, tmp, k, &slow);
    if (slow)
        list_scan_fill(s, l, &p, 1, k, SCAN_CUR_NEW);
    drop = l->n + m > l->cap ? l->n + m - l->cap : 0;
    for (i = 0; i < drop; i++)
        rq_row_fini(&l->rows[i]);
    memmove(l->rows, l->rows + drop, (l->n - drop) * sizeof *l->rows);
    l->n -= drop;
    memcpy(l->rows + l->n, tmp, m * sizeof *tmp);
    l->n += m;
    free(tmp);
    if (l->cur >= l->n)
        l->cur = l->n - 1;
    return m;
}

/* Scroll the page back by up to k rows; the cursor keeps its screen row. */
static size_t
list_scroll_back(struct state *s, struct list_state *l, size_t k)
{
    struct rq_row *tmp;
    struct rq_pos p;
    size_t m, keep, i;
    int slow;

    if (l->n == 0 || list_scan_filling(l))
        return 0;
    list_scan_stop(s, l);
    tmp = xcalloc(k, sizeof *tmp);
    rq_pos_of(&l->rows[0], &p);
    m = list_fetch(s, l, l->filter, &p, 0, tmp, k, &slow);
    if (slow)
        list_scan_fill(s, l, &p, 0, k, SCAN_CUR_NEW);
    keep = l->n + m > l->cap ? l->cap - m : l->n;
    for (i = keep; i < l->n; i++)
        rq_row_fini(&l->rows[i]);
    memmove(l->rows + m, l->rows, keep * sizeof *l->rows);
    memcpy(l->rows, tmp, m * sizeof *tmp);
    l->n = keep + m;
    free(tmp);
    if (l->cur >= l->n)
        l->cur = l->n - 1;
    return m;
}

/* Does request r match the search text (url or diagnosis, as text:)? */
static int
list_row_match(const struct rq_row *r, const char *pat)
{
    return (r->url != NULL && fmt_find_ci(r->url, pat) >= 0) ||
           (r->diagnosis != NULL && fmt_find_ci(r->diagnosis, pat) >= 0);
}

/*
 * The list's filter plus extra terms; NULL with a message on failure.
 * The caller frees the result.
 */
static struct filter *
list_filter_plus(struct state *s, const struct list_state *l, const char *extra)
{
    struct rn_buf b;
    struct filter *f = NULL;
    struct rn_err err = {0};

    rn_buf_init(&b, 2 * STATE_PROMPT_MAX + 64);
    rn_buf_printf(&b, "%s %s", l->filter_text, extra);
    if (filter_parse(rn_buf_str(&b), &f, &err) != RN_OK) {
        state_message(s, 1, "%s", err.msg);
        f = NULL;
    }
    rn_buf_fini(&b);
    return f;
}

/* Search the page, then (unless incremental) the store. */
static int
list_search(struct state *s, struct view *v, int back, int next,
            int incremental)
{
    struct list_state *l = &v->u.list;
    struct filter *f;
    struct rq_pos p;
    char extra[STATE_PROMPT_MAX + 16];
    long k, step;
    int have = l->n > 0;

    if (!have && incremental)
        return 0;
    /* The page first: cheap and what the user is looking at. */
    step = back ? -1 : 1;
    for (k = (long)l->cur + (next ? step : 0); k >= 0 && k < (long)l->n;
         k += step) {
        if (list_row_match(&l->rows[k], s->search)) {
            l->cur = (size_t)k;
            s->persist_dirty = 1;
            return 1;
        }
    }
    if (incremental)
        return 0;
    if (strchr(s->search, '"') != NULL) {
        state_message(s, 1,
                      "search: a pattern with \" only searches the "
                      "rows shown");
        return 0;
    }
    snprintf(extra, sizeof extra, "text:\"%s\"", s->search);
    f = list_filter_plus(s, l, extra);
    if (f == NULL)
        return 0;
    /* An empty page (still filling, say): from the list's start or end. */
    list_scan_stop(s, l);
    if (have)
        rq_pos_of(&l->rows[back ? 0 : l->n - 1], &p);
    /* text: reads events, which no index serves: the store is searched
     * in the background, its first slice the query itself, and wraps
     * around as vi does (list_scan.c); the key only starts it. */
    list_scan_search(s, l, f, have ? &p : NULL, !back);
    l->scan.cur_id = have ? l->rows[l->cur].id : 0;
    list_scan_direct(l);
    return 1;
}

enum rn_rc
view_list_find_failed(struct state *s, struct list_state *l, int64_t id,
                      int forward, int64_t *out, struct rn_err *err)
{
    struct filter *f;
    struct rq_row r;
    struct rq_pos p;
    enum rn_rc rc;

    *out = 0;
    memset(&r, 0, sizeof r);
    rc = query_request_get(s->st, id, &r, err);
    if (rc != RN_OK)
        return rc;
    rq_pos_of(&r, &p);
    rq_row_fini(&r);
    f = list_filter_plus(s, l, "status:5xx");
    if (f == NULL)
        return rn_err_set(err, RN_EINVAL, "bad filter");
    memset(&r, 0, sizeof r);
    if (list_fetch(s, l, f, &p, forward, &r, 1, NULL) == 1) {
        *out = r.id;
        rq_row_fini(&r);
    }
    filter_free(f);
    return RN_OK;
}

void
view_list_toggle_mark(struct state *s, int64_t id, int marked)
{
    struct rn_err err = {0};
    int i;
    size_t k;

    if (query_set_marked(s->st, id, marked, &err) != RN_OK) {
        state_store_error(s, &err);
        return;
    }
    for (i = 0; i < s->depth; i++) {
        struct list_state *l = &s->views[i].u.list;

        if (s->views[i].kind != VIEW_LIST)
            continue;
        for (k = 0; k < l->n; k++)
            if (l->rows[k].id == id)
                l->rows[k].marked = marked;
        if (l->marks_only)
            list_scan_recount(s, l);
    }
    for (i = 0; i < s->depth; i++)
        if (s->views[i].kind == VIEW_TIMELINE && s->views[i].u.tl.req.id == id)
            s->views[i].u.tl.req.marked = marked;
    if (s->marked >= 0)
        s->marked += marked ? 1 : -1;
    s->jobs |= JOB_COUNT;
    s->dirty |= DIRTY_BODY | DIRTY_HEADER | DIRTY_STATUS;
}

/* Open the list of marked requests. */
static unsigned
list_open_marks(struct state *s)
{
    struct rn_err err = {0};
    struct view *v;

    v = state_push(s, VIEW_LIST);
    if (v == NULL)
        return UI_HANDLED | UI_REDRAW;
    if (view_list_init(s, &v->u.list, "marked:yes", RQ_ORDER_TIME, &err) !=
        RN_OK) {
        state_message(s, 1, "%s", err.msg);
        state_pop(s);
        return UI_HANDLED | UI_REDRAW;
    }
    v->u.list.marks_only = 1;
    /* Still filling (a slow store): the fill says if none is marked. */
    if (v->u.list.n == 0 && !list_scan_filling(&v->u.list)) {
        state_pop(s);
        state_message(s, 0, "no marked requests (Space marks one)");
        return UI_HANDLED | UI_REDRAW;
    }
    s->jobs |= JOB_COUNT;
    return UI_HANDLED | UI_REDRAW;
}

/* Key handler of the list. */
static unsigned
list_key(struct state *s, struct view *v, enum keys_action a)
{
    struct list_state *l = &v->u.list;
    const struct rq_row *r = view_list_current(l);
    struct rn_err err = {0};
    int64_t id;
    size_t h = l->cap;
    int role = -1;

    s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
    s->persist_dirty = 1;
    switch (a) {
    case ACT_DOWN:
        if (l->cur + 1 < l->n)
            l->cur++;
        else
            list_scroll_fwd(s, l, 1);
        break;
    case ACT_UP:
        if (l->cur > 0)
            l->cur--;
        else
            list_scroll_back(s, l, 1);
        break;
    case ACT_PGDN:
        if (list_scroll_fwd(s, l, h) == 0 && l->n > 0)
            l->cur = l->n - 1;
        break;
    case ACT_PGUP:
        if (list_scroll_back(s, l, h) == 0)
            l->cur = 0;
        break;
    case ACT_HOME:
        list_anchor_pos(s, l, NULL, 0);
        break;
    case ACT_END: {
        int slow;

        list_scan_stop(s, l);
        list_clear(l);
        l->n = list_fetch(s, l, l->filter, NULL, 0, l->rows, h, &slow);
        l->cur = l->n > 0 ? l->n - 1 : 0;
        if (slow)
            list_scan_fill(s, l, NULL, 0, h, SCAN_CUR_LAST);
        break;
    }
    case ACT_OPEN:
    case ACT_JUMP_CGI:
    case ACT_JUMP_HDR:
    case ACT_JUMP_SEND:
        if (r == NULL) {
            state_message(s, 1, "no request here");
            break;
        }
        if (a == ACT_JUMP_CGI)
            role = STORE_ROLE_CGI_START;
        else if (a == ACT_JUMP_HDR)
            role = STORE_ROLE_HEADER_ERROR;
        else if (a == ACT_JUMP_SEND)
            role = STORE_ROLE_STATUS_SEND;
        if (view_timeline_open(s, r->id, role, 0, &err) != RN_OK)
            state_store_error(s, &err);
        break;
    case ACT_BACK:
        if (s->depth > 1) {
            state_pop(s);
            break;
        }
        return UI_HANDLED | UI_QUIT;
    case ACT_ORDER:
        l->order =
            l->order == RQ_ORDER_TIME ? RQ_ORDER_FAILURES : RQ_ORDER_TIME;
        list_scan_stop(s, l); /* the count goes on: order does not change it */
        if (r != NULL) {
            struct rq_row copy;

            memset(&copy, 0, sizeof copy);
            if (query_request_get(s->st, r->id, &copy, &err) == RN_OK) {
                view_list_anchor_row(s, l, &copy, l->cur);
                rq_row_fini(&copy);
            }
        } else {
            list_anchor_pos(s, l, NULL, 0);
        }
        state_message(s, 0, "%s",
                      l->order == RQ_ORDER_TIME ? "time order"
                                                : "failures first");
        s->dirty = DIRTY_ALL;
        break;
    case ACT_IDS:
        s->show_ids = !s->show_ids;
        s->persist_dirty = 1;
        s->dirty = DIRTY_ALL;
        break;
    case ACT_MARK:
        if (r == NULL)
            break;
        view_list_toggle_mark(s, r->id, !r->marked);
        if (l->cur + 1 < l->n)
            l->cur++;
        else
            list_scroll_fwd(s, l, 1);
        break;
    case ACT_MARKS:
        if (l->marks_only) {
            state_pop(s);
            break;
        }
        return list_open_marks(s);
    case ACT_FAIL_NEXT:
    case ACT_FAIL_PREV:
        if (r == NULL)
            break;
        if (view_list_find_failed(s, l, r->id, a == ACT_FAIL_NEXT, &id, &err) !=
            RN_OK) {
            state_store_error(s, &err);
        } else if (id == 0) {
            state_message(s, 1, "no %s failed request",
                          a == ACT_FAIL_NEXT ? "next" : "previous");
        } else {
            view_list_anchor_id(s, l, id, 0);
        }
        break;
    case ACT_NEXT:
    case ACT_PREV:
        state_message(s, 1,
                      "no search: / or ? searches; e/E move between "
                      "failed requests");
        break;
    case ACT_CLEAR:
        if (l->marks_only) {
            state_pop(s);
        } else if (l->filter_text[0] != '\0') {
            view_list_set_filter(s, l, "", &err);
        }
        break;
    default:
        return UI_IGNORED;
    }
    return UI_HANDLED | UI_REDRAW;
}

/* Resize: keep the cursor's request on the same screen row if it fits. */
static void
list_resize(struct state *s, struct view *v)
{
    struct list_state *l = &v->u.list;
    struct rq_row r;
    size_t place = l->cur, h = (size_t)state_body_height(s);
    int have = 0;

    if (h == l->cap && (l->n > 0 || list_scan_filling(l)))
        return;
    memset(&r, 0, sizeof r);
    if (l->n > 0) {
        struct rn_err err = {0};

        have = query_request_get(s->st, l->rows[l->cur].id, &r, &err) == RN_OK;
    }
    list_size(s, l);
    if (have) {
        view_list_anchor_row(s, l, &r, place < l->cap ? place : l->cap - 1);
        rq_row_fini(&r);
    } else {
        list_anchor_pos(s, l, NULL, 0);
    }
}

/* Free the list. */
static void
list_fini(struct view *v)
{
    struct list_state *l = &v->u.list;

    list_scan_fini(l);
    list_clear(l);
    free(l->rows);
    filter_free(l->filter);
    free(l->filter_text);
    memset(l, 0, sizeof *l);
}

/* ---- drawing ---------------------------------------------------- */

/* The header: the store, its totals (or the marked count), the order. */
static void
list_draw_header(const struct state *s, WINDOW *w, int y)
{
    const struct list_state *l = &state_top_const(s)->u.list;
    char line[512], a[32], b[32], c[32];
    attr_t h = draw_attr(TH_HEADER);
    int x;

    draw_count(s->total, a, sizeof a);
    draw_count(s->failed, b, sizeof b);
    draw_count(s->events, c, sizeof c);
    if (l->marks_only) {
        draw_count(l->count, a, sizeof a);
        snprintf(line, sizeof line, " reqnav  %s  marked requests: %s",
                 s->store_name, a);
    } else if (s->total < 0) {
        snprintf(line, sizeof line, " reqnav  %s  counting...", s->store_name);
    } else {
        snprintf(line, sizeof line,
                 " reqnav  %s  %s requests  %s failed  %s events",
                 s->store_name, a, b, c);
    }
    x = draw_text(w, y, 0, s->cols, line, h);
    snprintf(line, sizeof line, "%s ",
             l->order == RQ_ORDER_TIME ? "time order" : "failures first");
    if ((int)strlen(line) + x + 1 < s->cols)
        draw_text(w, y, s->cols - (int)strlen(line), (int)strlen(line), line,
                  h);
}

/* Bin of a time in the histogram, or -1. */
static long
draw_hist_bin(const struct query_ui_hist *hi, int64_t t)
{
    int64_t b;

    if (hi->n == 0 || t == STORE_NONE || t < hi->t0)
        return -1;
    b = (t - hi->t0) / hi->width;
    return b >= (int64_t)hi->n ? (long)hi->n - 1 : (long)b;
}

/* The overview strip: requests over time, failures highlighted. */
static void
draw_strip(const struct state *s, WINDOW *w, int y)
{
    static const char *const levels_u[] = {" ",
                                           "\xe2\x96\x81",
                                           "\xe2\x96\x82",
                                           "\xe2\x96\x83",
                                           "\xe2\x96\x84",
                                           "\xe2\x96\x85",
                                           "\xe2\x96\x86",
                                           "\xe2\x96\x87",
                                           "\xe2\x96\x88"};
    static const char levels_a[] = " .:-=+*#@";
    const struct query_ui_hist *hi = &s->hist;
    const struct list_state *l = &state_top_const(s)->u.list;
    const struct rq_row *r = view_list_current(l);
    int cols = s->cols, c;
    uint64_t max = 0, tot, fail;
    long curbin = r != NULL ? draw_hist_bin(hi, r->start_ns) : -1;
    long curcol = -1;

    draw_clear_line(w, y, cols);
    if (hi->n == 0) {
        draw_text(w, y, 0, cols,
                  (s->jobs & (JOB_HIST | JOB_TOTALS))
                      ? " overview: computing..."
                      : " overview: no times",
                  draw_attr(TH_DIM));
        return;
    }
    for (c = 0; c < cols; c++) {
        size_t b0 = (size_t)c * hi->n / (size_t)cols,
               b1 = (size_t)(c + 1) * hi->n / (size_t)cols, b;

        tot = 0;
        for (b = b0; b < b1 || b == b0; b++)
            tot += hi->total[b < hi->n ? b : hi->n - 1];
        if (tot > max)
            max = tot;
        if (curbin >= 0 && (size_t)curbin >= b0 && (size_t)curbin < b1)
            curcol = c;
    }
    if (curbin >= 0 && curcol < 0)
        curcol = (long)((size_t)curbin * (size_t)cols / hi->n);
    for (c = 0; c < cols; c++) {
        size_t b0 = (size_t)c * hi->n / (size_t)cols,
               b1 = (size_t)(c + 1) * hi->n / (size_t)cols, b;
        int lv;
        attr_t a;
        char ch[2];

        tot = fail = 0;
        for (b = b0; b < b1 || b == b0; b++) {
            tot += hi->total[b < hi->n ? b : hi->n - 1];
            fail += hi->failed[b < hi->n ? b : hi->n - 1];
        }
        lv = tot == 0 ? 0 : (int)((tot * 8 + max - 1) / (max ? max : 1));
        if (lv < 1 && tot > 0)
            lv = 1;
        if (lv > 8)
            lv = 8;
        a = fail > 0 ? draw_attr(TH_STRIPFAIL) : draw_attr(TH_STRIP);
        if (c == curcol)
            a |= draw_attr(TH_STRIPCUR);
        if (draw_is_utf8()) {
            draw_text(w, y, c, 1, levels_u[lv], a);
        } else {
            ch[0] = levels_a[lv];
            ch[1] = '\0';
            draw_text(w, y, c, 1, ch, a);
        }
    }
}

/* Column layout of the request list for a width. */
struct draw_cols {
    enum fmt_time_style ts;
    int id, tw, verb, status, dur, src, host; /* 0: column hidden */
};

/*
 * Choose the list columns for the screen: the URL column (the path; the
 * host has its own column when the store has several) gets what is left.
 */
static void
draw_list_cols(const struct state *s, struct draw_cols *dc)
{
    int cols = s->cols;

    memset(dc, 0, sizeof *dc);
    dc->verb = 6;
    dc->status = 5;
    dc->id = s->show_ids ? 16 : 0;
    if (cols >= 110 + dc->id) {
        dc->ts = FMT_TIME_FULL;
        dc->tw = 23;
    } else if (cols >= 66 + dc->id) {
        dc->ts = FMT_TIME_SHORT;
        dc->tw = 18;
    } else {
        dc->ts = FMT_TIME_CLOCK;
        dc->tw = 8;
    }
    if (cols >= 50) {
        dc->dur = 7;
        dc->src = 5;
    }
    /* Narrower, the path alone: the page name matters more than the
     * host (shown in the timeline's header). */
    if (s->many_hosts && cols >= 100)
        dc->host = cols >= 140 ? 28 : 20;
    if (cols < 34)
        dc->verb = 0;
    if (cols < 40)
        dc->id = 0;
}

/* The host of a URL (sanitised, malloc'd), "-" when it has none. */
static char *
draw_url_host(const char *url)
{
    const char *p = url != NULL ? strstr(url, "://") : NULL, *end;

    if (p == NULL)
        return xstrdup("-");
    p += 3;
    end = strchr(p, '/');
    end = end != NULL ? end : p + strlen(p);
    {
        char *raw = xstrndup(p, (size_t)(end - p)), *safe = sanitize_dup(raw);

        free(raw);
        return safe;
    }
}

/* Draw one list row. */
static void
draw_list_row(const struct state *s, WINDOW *w, int y,
              const struct draw_cols *dc, const struct rq_row *r, int sel)
{
    attr_t base = sel ? draw_attr(TH_SELECT) : A_NORMAL;
    const char *ell = draw_is_utf8() ? "\xe2\x80\xa6" : "~";
    char buf[64], *url, *verb, *el, *dot;
    int x = 0, cols = s->cols, uw;

    draw_fill(w, y, 0, cols, base);
    x += draw_text(w, y, x, cols - x, r->marked ? "*" : " ",
                   base | (r->marked ? draw_attr(TH_MARK) : A_NORMAL));
    x += 1;
    if (dc->id > 0) {
        snprintf(buf, sizeof buf, "%lld", (long long)r->id);
        draw_text(w, y, x, dc->id < cols - x ? dc->id : cols - x, buf,
                  base | draw_attr(TH_DIM));
        x += dc->id + 1;
    }
    fmt_time(r->start_ns, dc->ts, buf, sizeof buf);
    /* The second it was logged in, as wide as the milliseconds were. */
    if (render_timing_coarse(r) && (dot = strchr(buf, '.')) != NULL)
        for (*dot++ = '~'; *dot != '\0'; dot++)
            *dot = ' ';
    x += draw_text(w, y, x, dc->tw < cols - x ? dc->tw : cols - x, buf, base);
    x += 1;
    if (dc->verb > 0) {
        verb = sanitize_dup(r->verb != NULL ? r->verb : "-");
        draw_text(w, y, x, dc->verb < cols - x ? dc->verb : cols - x, verb,
                  base);
        free(verb);
        x += dc->verb + 1;
    }
    if (x < cols) {
        fmt_status(r->http_status, r->substatus, buf, sizeof buf);
        draw_text(w, y, x, cols - x, buf,
                  base | (r->severity == 2   ? draw_attr(TH_FAIL)
                          : r->severity == 1 ? draw_attr(TH_WARN)
                                             : A_NORMAL));
        x += dc->status + 1;
    }
    if (dc->dur > 0 && x + dc->dur < cols) {
        int dw;

        /* Only coarse sources saw it: no invented precision. */
        if (render_duration_approx(r))
            render_request_duration(r, buf, sizeof buf);
        else
            fmt_duration(r->start_ns, r->end_ns, buf, sizeof buf);
        dw = (int)strlen(buf);
        draw_text(w, y, x + (dw < dc->dur ? dc->dur - dw : 0), dc->dur, buf,
                  base);
        x += dc->dur + 1;
    }
    if (dc->src > 0 && x + dc->src < cols) {
        fmt_sources(r->sources, buf, sizeof buf);
        draw_text(w, y, x, dc->src, buf, base);
        x += dc->src + 1;
    }
    if (dc->host > 0 && x + dc->host < cols) {
        char *h = draw_url_host(r->url);

        el = fmt_elide_middle(h, (size_t)dc->host, ell);
        draw_text_hl(w, y, x, dc->host, el, base, s->search);
        free(el);
        free(h);
        x += dc->host + 1;
    }
    uw = cols - x;
    if (uw <= 0)
        return;
    /* The path: the host is the same on every row (or in its column). */
    url = sanitize_dup(r->url != NULL ? fmt_url_path(r->url) : "-");
    el = fmt_url_short(url, (size_t)uw, ell);
    draw_text_hl(w, y, x, uw, el, base, s->search);
    free(el);
    free(url);
}

/*
 * Time labels under the overview strip: the time at the label's first
 * column, a label every sixth of the screen or so (clock times within a
 * day, month-day and clock beyond).
 */
static void
draw_strip_labels(const struct state *s, WINDOW *w, int y)
{
    const struct query_ui_hist *hi = &s->hist;
    int64_t span = hi->width * (int64_t)hi->n, t;
    enum fmt_time_style st = FMT_TIME_CLOCK;
    size_t cut = 8; /* 20:19:06 */
    char lab[64];
    int c, lw, step;

    draw_clear_line(w, y, s->cols);
    if (hi->n == 0)
        return;
    if (span > 366 * 86400LL * 1000000000LL) {
        st = FMT_TIME_FULL; /* 2005-08-23 */
        cut = 10;
    } else if (span > 86400LL * 1000000000LL) {
        st = FMT_TIME_SHORT; /* 08-23 20:19 */
        cut = 11;
    }
    lw = (int)cut;
    step = s->cols / 6 > lw + 3 ? s->cols / 6 : lw + 3;
    for (c = 0; c + lw <= s->cols; c += step) {
        t = hi->t0 + (int64_t)((double)span * c / (double)s->cols);
        fmt_time(t, st, lab, sizeof lab);
        lab[cut] = '\0';
        draw_text(w, y, c, lw, lab, draw_attr(TH_DIM));
    }
}

/* Lines above the rows: time labels (when there is room), headings. */
static int
list_colhdr_lines(const struct state *s, const struct view *v)
{
    (void)v;
    return s->rows >= 16 ? 2 : 1;
}

/* Column headings of the list. */
static void
draw_list_colhdr(const struct state *s, WINDOW *w,
                 const struct state_layout *lay)
{
    int y = lay->colhdr_y + lay->colhdr_h - 1;
    struct draw_cols dc;
    char line[256];
    int x = 2;
    attr_t a = draw_attr(TH_COLHDR);

    if (lay->colhdr_h > 1)
        draw_strip_labels(s, w, lay->colhdr_y);
    draw_list_cols(s, &dc);
    draw_fill(w, y, 0, s->cols, a);
    if (dc.id > 0) {
        draw_text(w, y, x, s->cols - x, "ID", a);
        x += dc.id + 1;
    }
    snprintf(line, sizeof line, "%-*s", dc.tw,
             dc.tw >= 11 ? "START (UTC)" : "START");
    x += draw_text(w, y, x, s->cols - x, line, a) + 1;
    if (dc.verb > 0) {
        draw_text(w, y, x, s->cols - x, "VERB", a);
        x += dc.verb + 1;
    }
    if (x < s->cols) {
        draw_text(w, y, x, s->cols - x, "STAT", a);
        x += dc.status + 1;
    }
    if (dc.dur > 0 && x + dc.dur < s->cols) {
        draw_text(w, y, x + 3, s->cols - x - 3, "TIME", a);
        x += dc.dur + 1;
    }
    if (dc.src > 0 && x + dc.src < s->cols) {
        draw_text(w, y, x, s->cols - x, "SRC", a);
        x += dc.src + 1;
    }
    if (dc.host > 0 && x + dc.host < s->cols) {
        draw_text(w, y, x, s->cols - x, "HOST", a);
        x += dc.host + 1;
    }
    if (x < s->cols)
        draw_text(w, y, x, s->cols - x, "PATH", a);
}

/* The request list body. */
static void
draw_list(const struct state *s, WINDOW *w, const struct state_layout *lay)
{
    const struct list_state *l = &state_top_const(s)->u.list;
    struct draw_cols dc;
    int i;

    draw_list_cols(s, &dc);
    for (i = 0; i < lay->body_h; i++) {
        if ((size_t)i < l->n)
            draw_list_row(s, w, lay->body_y + i, &dc, &l->rows[i],
                          (size_t)i == l->cur);
        else
            draw_clear_line(w, lay->body_y + i, s->cols);
    }
    if (l->n == 0 && lay->body_h > 0)
        draw_text(w, lay->body_y, 2, s->cols - 2,
                  l->filter_text[0] ? "no request matches the filter (Esc "
                                      "clears it)"
                                    : "no requests in this store",
                  draw_attr(TH_DIM));
}

/* Key hints for the status line: long, then short forms. */
static const char *
list_hints(int shortest)
{
    return shortest ? "Enter open  ? help  q quit"
                    : "Enter open  f filter  / search  ? help  q quit";
}

const struct view_ops view_list_ops = {
    .name = "list",
    .keys_in = KEYS_IN_LIST,
    .key = list_key,
    .resize = list_resize,
    .search = list_search,
    .fini = list_fini,
    .draw_header = list_draw_header,
    .draw_strip = draw_strip,
    .draw_colhdr = draw_list_colhdr,
    .colhdr_lines = list_colhdr_lines,
    .draw_body = draw_list,
    .hints = list_hints,
    .pane = NULL,
};
