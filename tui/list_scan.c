/*
 * Slow list queries in slices.  A filter no index serves (url:, text:)
 * or a search through a million requests can take seconds, and the
 * interface must not freeze that long.  view_list.c gives each list query
 * STATE_QUERY_MS (store_deadline); one that runs longer starts over here
 * as a scan: query_requests_scan looks at a window of requests in list
 * order per slice, and the window adapts so that a slice takes about
 * STATE_SLICE_MS.  state_idle() runs one slice at a time between
 * keystrokes, so a key pressed during a scan waits one slice at most.
 * Rows arrive on screen as they are found, the status line says how far
 * the scan is, and Esc stops it (lnav and less search the same way).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rn_time.h"
#include "sanitize.h"
#include "view.h"
#include "xmalloc.h"

#define SCAN_WINDOW_MIN   ((int64_t)64)
#define SCAN_WINDOW_START 2048
#define SCAN_WINDOW_MAX   ((int64_t)1 << 20)
#define SCAN_ROWS_MAX     64 /* rows a fill slice may bring in */

/* Forget a scan (its filter and pattern too). */
static void
scan_reset(struct list_scan *sc)
{
    filter_free(sc->f);
    free(sc->pattern);
    memset(sc, 0, sizeof *sc);
}

/* The scan ended: take its progress off the status line. */
static void
scan_progress_clear(struct state *s)
{
    if (s->msg_scan) {
        s->msg[0] = '\0';
        s->msg_scan = 0;
        s->dirty |= DIRTY_STATUS;
    }
}

int
list_scan_stop(struct state *s, struct list_state *l)
{
    int ran = l->scan.kind != SCAN_NONE;

    if (ran)
        scan_progress_clear(s);
    scan_reset(&l->scan);
    return ran;
}

int
list_scan_filling(const struct list_state *l)
{
    return l->scan.kind == SCAN_FILL;
}

void
list_scan_recount(struct state *s, struct list_state *l)
{
    scan_reset(&l->cscan);
    l->count = -1;
    s->jobs |= JOB_COUNT;
}

void
list_scan_fini(struct list_state *l)
{
    scan_reset(&l->scan);
    scan_reset(&l->cscan);
}

/* Start a scan of kind from a position (NULL: the list's start or end). */
static void
scan_begin(struct state *s, struct list_scan *sc, enum scan_kind kind,
           const struct rq_pos *from, int forward)
{
    scan_reset(sc);
    sc->kind = kind;
    sc->forward = forward;
    sc->window = SCAN_WINDOW_START;
    if (from != NULL) {
        sc->sc.pos = *from;
        sc->sc.have_pos = 1;
    }
    s->jobs |= JOB_SCAN;
}

/*
 * Say on the status line how far a fill or search is; a message of
 * something else (an error, "search wrapped") is left for the user.
 */
static void
scan_progress(struct state *s, struct list_scan *sc)
{
    const char *what = sc->kind == SCAN_SEARCH ? "searching" : "filtering";
    int64_t now = rn_time_mono_ns();

    if (s->msg[0] != '\0' && !s->msg_scan)
        return;
    /* Five updates a second: enough to see it move, little to send over
     * a slow link. */
    if (s->msg_scan && now - sc->shown_ns < 200 * 1000000LL)
        return;
    sc->shown_ns = now;
    if (s->total > 0)
        state_message(s, 0, "%s: %lld of %lld requests looked at (Esc stops)",
                      what, (long long)sc->sc.scanned, (long long)s->total);
    else
        state_message(s, 0, "%s: %lld requests looked at (Esc stops)", what,
                      (long long)sc->sc.scanned);
    s->msg_scan = 1;
}

/* A request whose events are read (text:) costs a hundred times one that
 * is not: such a scan starts with the smallest window and grows, rather
 * than run its first slices into the deadline. */
static void
scan_window_for(struct list_scan *sc, const struct filter *f)
{
    if (filter_reads_events(f))
        sc->window = SCAN_WINDOW_MIN;
}

void
list_scan_fill(struct state *s, struct list_state *l, const struct rq_pos *from,
               int forward, size_t want, enum scan_cursor cur)
{
    scan_begin(s, &l->scan, SCAN_FILL, from, forward);
    scan_window_for(&l->scan, l->filter);
    l->scan.want = want;
    l->scan.cur = cur;
    if (from != NULL) {
        l->scan.origin = *from;
        l->scan.have_origin = 1;
    }
    scan_progress(s, &l->scan);
}

void
list_scan_search(struct state *s, struct list_state *l, struct filter *f,
                 const struct rq_pos *from, int forward)
{
    scan_begin(s, &l->scan, SCAN_SEARCH, from, forward);
    scan_window_for(&l->scan, f);
    l->scan.f = f;
    /* The pattern now: by the end the user may have typed another. */
    l->scan.pattern = xstrdup(s->search);
    if (from != NULL) {
        l->scan.origin = *from;
        l->scan.have_origin = 1;
    }
    scan_progress(s, &l->scan);
}

/* Start a count: it needs no order, so it goes by id ranges, a
 * sequential walk of the table, cheaper than the list's order. */
static void
scan_count_begin(struct state *s, struct list_scan *sc)
{
    scan_begin(s, sc, SCAN_COUNT, NULL, 1);
    sc->next_id = 1;
    sc->span = QUERY_ID_MAX / 256;
}

void
list_scan_count(struct state *s, struct list_state *l)
{
    scan_count_begin(s, &l->cscan);
}

void
list_scan_totals(struct state *s)
{
    scan_count_begin(s, &s->tscan);
}

int64_t
list_scan_size(int64_t size, int64_t ns, int64_t lo, int64_t hi)
{
    const int64_t target = (int64_t)STATE_SLICE_MS * 1000000;

    if (ns < target / 2)
        size = size <= hi / 2 ? size * 2 : hi;
    else if (ns > target)
        size = (int64_t)((double)size * (double)target / (double)ns);
    return size < lo ? lo : size;
}

/* Run a store query of a slice under a hard bound of two slices' time. */
static void
scan_deadline(struct state *s, int on)
{
    store_deadline(s->st, on ? (int64_t)STATE_SLICE_MS * 2000 : 0);
}

/* One piece of a count of f by id ranges; *out gets the count at the end. */
static void
scan_count_slice(struct state *s, const struct filter *f, struct list_scan *sc,
                 int64_t *out)
{
    struct rn_err err = {0};
    int64_t hi, n = 0, t0 = rn_time_mono_ns();
    enum rn_rc rc;

    hi = sc->span >= QUERY_ID_MAX - sc->next_id ? QUERY_ID_MAX
                                                : sc->next_id + sc->span - 1;
    scan_deadline(s, 1);
    rc = query_requests_count_ids(s->st, f, sc->next_id, hi, &n, &err);
    scan_deadline(s, 0);
    if (rc == RN_ETIMEOUT) {
        if (sc->span == 1) {
            /* Not even one id in time: leave the count unknown. */
            scan_reset(sc);
            return;
        }
        sc->span = sc->span / 4 > 0 ? sc->span / 4 : 1; /* retry smaller */
        return;
    }
    if (rc != RN_OK) {
        scan_reset(sc);
        state_store_error(s, &err);
        return;
    }
    sc->span =
        list_scan_size(sc->span, rn_time_mono_ns() - t0, 1, QUERY_ID_MAX);
    sc->found += n;
    sc->next_id = hi + 1;
    if (hi >= QUERY_ID_MAX) {
        *out = sc->found;
        scan_reset(sc);
        /* The total is the count of every list without a filter. */
        s->jobs |= JOB_COUNT;
        s->dirty |= DIRTY_HEADER | DIRTY_STATUS;
    }
}

/* Put a row a fill brought in on the page (takes ownership of r). */
static void
scan_fill_row(struct list_state *l, struct rq_row *r, int forward,
              enum scan_cursor cur)
{
    if (forward) {
        if (l->n == l->cap) {
            /* Full: scroll, the top row goes. */
            rq_row_fini(&l->rows[0]);
            memmove(l->rows, l->rows + 1, (l->n - 1) * sizeof *l->rows);
            l->n--;
            if (l->cur > 0)
                l->cur--;
        }
        l->rows[l->n++] = *r;
        if (cur != SCAN_CUR_KEEP)
            l->cur = l->n - 1;
        return;
    }
    if (l->n == l->cap)
        rq_row_fini(&l->rows[--l->n]);
    memmove(l->rows + 1, l->rows, l->n * sizeof *l->rows);
    l->rows[0] = *r;
    l->n++;
    if (cur == SCAN_CUR_NEW)
        l->cur = 0;
    else if (cur == SCAN_CUR_LAST || l->cur + 1 >= l->n)
        l->cur = l->n - 1;
    else if (l->n > 1)
        l->cur++; /* the same row, one lower */
}

/* The fill's rows are in: put them on the page; stop when done. */
static void
scan_fill_done(struct state *s, struct list_state *l, struct rq_row *rows,
               size_t n)
{
    struct list_scan *sc = &l->scan;
    size_t i;

    for (i = 0; i < n; i++)
        scan_fill_row(l, &rows[i], sc->forward, sc->cur);
    sc->want -= n;
    /* Most slices find nothing: redraw and save only when rows came. */
    if (n > 0) {
        s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
        s->persist_dirty = 1;
    }
    if (sc->want > 0 && !sc->sc.done) {
        scan_progress(s, sc);
        return;
    }
    if (sc->want > 0 && sc->forward && sc->have_origin &&
        sc->cur == SCAN_CUR_KEEP) {
        /* The list ended below the position: show what is above it. */
        struct rq_pos from = sc->origin;
        size_t want = sc->want;

        if (l->n > 0)
            rq_pos_of(&l->rows[0], &from);
        list_scan_fill(s, l, &from, 0, want, SCAN_CUR_KEEP);
        l->scan.have_origin = 0;
        return;
    }
    scan_progress_clear(s);
    if (l->n == 0)
        state_message(s, 0, "no request matches the filter");
    scan_reset(sc);
}

/* Has a search that started over come back to where it began? */
static int
scan_passed_origin(const struct list_state *l, const struct list_scan *sc)
{
    int c;

    if (!sc->wrapped || !sc->sc.have_pos)
        return 0;
    c = rq_pos_cmp(l->order, &sc->sc.pos, &sc->origin);
    return sc->forward ? c >= 0 : c <= 0;
}

/* A search slice ended: found (n == 1), go on, start over or give up. */
static void
scan_search_done(struct state *s, struct list_state *l, struct rq_row *rows,
                 size_t n)
{
    struct list_scan *sc = &l->scan;
    int wrapped = sc->wrapped, forward = sc->forward;
    char *p;

    if (n == 1) {
        /* Started over and came back to the row it left: no news. */
        wrapped = wrapped && rows[0].id != sc->cur_id;
        scan_reset(sc);
        scan_progress_clear(s);
        view_list_anchor_row(s, l, &rows[0],
                             forward ? l->cap * 2 / 3 : l->cap / 3);
        rq_row_fini(&rows[0]);
        if (wrapped)
            state_message(s, 0, "search wrapped");
        s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
        return;
    }
    if (sc->sc.done && !sc->wrapped && sc->have_origin) {
        /* Start over from the list's start (or end), as vi does. */
        sc->wrapped = 1;
        memset(&sc->sc, 0, sizeof sc->sc);
    } else if (sc->sc.done || scan_passed_origin(l, sc)) {
        p = sanitize_dup(sc->pattern != NULL ? sc->pattern : "");
        scan_reset(sc);
        scan_progress_clear(s);
        state_message(s, 1, "pattern not found: %s", p);
        free(p);
        return;
    }
    scan_progress(s, sc);
}

/* Rows a fill or search slice may bring in. */
static size_t
scan_limit(const struct list_scan *sc)
{
    if (sc->kind != SCAN_FILL)
        return 1;
    return sc->want < SCAN_ROWS_MAX ? sc->want : SCAN_ROWS_MAX;
}

/*
 * The first slice of a fill or search that the key handed over at once
 * (list_scan_direct): the list query itself, under STATE_QUERY_MS as the
 * key used to run it, since an index may answer it (a text: search in a
 * status:502.2 list).  Past the deadline the next slices scan from where
 * it began.  A search that finds nothing to the list's end starts over
 * the same way.
 */
static void
scan_direct(struct state *s, struct list_state *l, struct list_scan *sc)
{
    struct rq_row rows[SCAN_ROWS_MAX], t;
    struct rn_err err = {0};
    size_t limit = scan_limit(sc), n = 0, i;
    int wrapped = sc->wrapped;
    enum rn_rc rc;

    store_deadline(s->st, s->query_us);
    rc = query_requests_page(s->st, sc->kind == SCAN_SEARCH ? sc->f : l->filter,
                             l->order, sc->sc.have_pos ? &sc->sc.pos : NULL,
                             sc->forward, rows, limit, &n, &err);
    store_deadline(s->st, 0);
    if (rc == RN_ETIMEOUT)
        return;
    if (rc != RN_OK) {
        scan_reset(sc);
        state_store_error(s, &err);
        return;
    }
    /* A backward page comes in list order; a scan brings the nearest
     * row first. */
    for (i = 0; !sc->forward && i < n / 2; i++) {
        t = rows[i];
        rows[i] = rows[n - 1 - i];
        rows[n - 1 - i] = t;
    }
    if (n > 0) {
        rq_pos_of(&rows[n - 1], &sc->sc.pos);
        sc->sc.have_pos = 1;
    }
    sc->sc.done = n < limit;
    if (sc->kind == SCAN_FILL) {
        scan_fill_done(s, l, rows, n);
        return;
    }
    scan_search_done(s, l, rows, n);
    if (sc->kind == SCAN_SEARCH && sc->wrapped && !wrapped)
        sc->direct = 1; /* from the list's start, the same way */
}

void
list_scan_direct(struct list_state *l)
{
    if (l->scan.kind == SCAN_FILL || l->scan.kind == SCAN_SEARCH)
        l->scan.direct = 1;
}

/* Run one slice of scan sc of list l. */
static void
scan_slice(struct state *s, struct list_state *l, struct list_scan *sc)
{
    struct rq_row rows[SCAN_ROWS_MAX];
    struct rn_err err = {0};
    size_t limit = 0, n = 0;
    int64_t t0 = rn_time_mono_ns();
    enum rn_rc rc;

    if (sc->kind == SCAN_COUNT) {
        scan_count_slice(s, l->filter, sc, &l->count);
        return;
    }
    if (sc->direct) {
        sc->direct = 0;
        /* query_us < 0: scans only (the tests' way to drive them). */
        if (s->query_us >= 0) {
            scan_direct(s, l, sc);
            return;
        }
    }
    limit = scan_limit(sc);
    scan_deadline(s, 1);
    rc = query_requests_scan(s->st, sc->kind == SCAN_SEARCH ? sc->f : l->filter,
                             l->order, sc->forward, sc->window, &sc->sc, rows,
                             limit, &n, &err);
    scan_deadline(s, 0);
    if (rc != RN_OK && rc != RN_ETIMEOUT) {
        scan_reset(sc);
        state_store_error(s, &err);
        return;
    }
    /* Cut short by the deadline: what it found stands; smaller next. */
    sc->window = (size_t)list_scan_size((int64_t)sc->window,
                                        rc == RN_ETIMEOUT
                                            ? (int64_t)STATE_SLICE_MS * 4000000
                                            : rn_time_mono_ns() - t0,
                                        SCAN_WINDOW_MIN, SCAN_WINDOW_MAX);
    switch (sc->kind) {
    case SCAN_FILL:
        scan_fill_done(s, l, rows, n);
        break;
    case SCAN_SEARCH:
        scan_search_done(s, l, rows, n);
        break;
    case SCAN_COUNT:
    case SCAN_NONE:
    default:
        break;
    }
}

/* The first list (top of the stack down) with a scan of kind pending. */
static struct list_state *
scan_pending(struct state *s, int count)
{
    struct list_state *l;
    int i;

    for (i = s->depth - 1; i >= 0; i--) {
        if (s->views[i].kind != VIEW_LIST)
            continue;
        l = &s->views[i].u.list;
        if ((count ? l->cscan.kind : l->scan.kind) != SCAN_NONE)
            return l;
    }
    return NULL;
}

int
list_scan_waited(struct state *s)
{
    return scan_pending(s, 0) != NULL;
}

int
list_scan_step(struct state *s)
{
    struct list_state *l;

    /* What the user waits for (fills, searches) before counts. */
    if ((l = scan_pending(s, 0)) != NULL)
        scan_slice(s, l, &l->scan);
    else if (s->tscan.kind != SCAN_NONE)
        scan_count_slice(s, NULL, &s->tscan, &s->total);
    else if ((l = scan_pending(s, 1)) != NULL)
        scan_slice(s, l, &l->cscan);
    return scan_pending(s, 0) != NULL || scan_pending(s, 1) != NULL ||
           s->tscan.kind != SCAN_NONE;
}
