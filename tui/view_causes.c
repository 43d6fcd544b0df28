/*
 * The failures-by-cause summary: one row per diagnosis class (the
 * request's cause) with its count and status, most requests first, as
 * "6 CGI timeouts (502.1)".  Enter filters the request list to that cause
 * (cause:ID).  The grouping is one query over a partial index
 * (query_causes), quick however large the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "fmt.h"
#include "rn_cause.h"
#include "sanitize.h"
#include "state_impl.h"
#include "view.h"

/* The words of one row: "6 CGI timeouts (502.1)". */
static void
causes_label(const struct cause_row *r, char *out, size_t n)
{
    char words[128], st[32];

    rn_cause_label(r->cause, (long long)r->count, words, sizeof words);
    if (r->status != STORE_NONE) {
        fmt_status(r->status, r->substatus, st, sizeof st);
        snprintf(out, n, "%lld %s (%s)", (long long)r->count, words, st);
    } else {
        snprintf(out, n, "%lld %s", (long long)r->count, words);
    }
}

void
view_causes_open(struct state *s)
{
    struct cause_row *rows = NULL;
    struct rn_err err = {0};
    struct view *v;
    size_t n = 0;

    if (query_causes(s->st, NULL, &rows, &n, &err) != RN_OK) {
        state_store_error(s, &err);
        return;
    }
    if (n == 0) {
        cause_rows_free(rows, n);
        state_message(s, 0, "no failures with a cause in this store");
        return;
    }
    v = state_push(s, VIEW_CAUSES);
    if (v == NULL) {
        cause_rows_free(rows, n);
        return;
    }
    v->u.causes.rows = rows;
    v->u.causes.n = n;
}

/* Keep the cursor inside the visible rows. */
static void
causes_fix_top(struct state *s, struct causes_state *c)
{
    size_t h = (size_t)state_body_height(s);

    h = h < 1 ? 1 : h;
    if (c->cur >= c->n)
        c->cur = c->n ? c->n - 1 : 0;
    if (c->cur < c->top)
        c->top = c->cur;
    if (c->cur >= c->top + h)
        c->top = c->cur - h + 1;
}

/* Enter: back to the list, filtered to the cause under the cursor. */
static unsigned
causes_filter(struct state *s, struct causes_state *c)
{
    char text[160];

    if (c->n == 0)
        return UI_HANDLED;
    snprintf(text, sizeof text, "cause:%s", c->rows[c->cur].cause);
    return state_apply_filter(s, text);
}

static unsigned
causes_key(struct state *s, struct view *v, enum keys_action a)
{
    struct causes_state *c = &v->u.causes;
    size_t h = (size_t)state_body_height(s);

    s->dirty |= DIRTY_BODY | DIRTY_STATUS;
    switch (a) {
    case ACT_DOWN:
        if (c->cur + 1 < c->n)
            c->cur++;
        break;
    case ACT_UP:
        if (c->cur > 0)
            c->cur--;
        break;
    case ACT_PGDN:
        c->cur = c->cur + h < c->n ? c->cur + h : (c->n ? c->n - 1 : 0);
        break;
    case ACT_PGUP:
        c->cur = c->cur > h ? c->cur - h : 0;
        break;
    case ACT_HOME:
        c->cur = 0;
        break;
    case ACT_END:
        c->cur = c->n ? c->n - 1 : 0;
        break;
    case ACT_OPEN:
        return causes_filter(s, c);
    case ACT_BACK:
    case ACT_CLEAR:
        state_pop(s);
        return UI_HANDLED | UI_REDRAW;
    default:
        return UI_IGNORED;
    }
    causes_fix_top(s, c);
    return UI_HANDLED | UI_REDRAW;
}

static void
causes_resize(struct state *s, struct view *v)
{
    causes_fix_top(s, &v->u.causes);
}

/* Search the rows' words and identifiers, wrapping around. */
static int
causes_search(struct state *s, struct view *v, int back, int next,
              int incremental)
{
    struct causes_state *c = &v->u.causes;
    char line[256];
    size_t i, k;

    (void)incremental;
    for (i = next ? 1 : 0; c->n > 0 && i <= c->n; i++) {
        k = back ? (c->cur + c->n - i % c->n) % c->n : (c->cur + i) % c->n;
        causes_label(&c->rows[k], line, sizeof line);
        if (fmt_find_ci(line, s->search) >= 0 ||
            fmt_find_ci(c->rows[k].cause, s->search) >= 0) {
            c->cur = k;
            causes_fix_top(s, c);
            return 1;
        }
    }
    return 0;
}

static void
causes_fini(struct view *v)
{
    cause_rows_free(v->u.causes.rows, v->u.causes.n);
    memset(&v->u.causes, 0, sizeof v->u.causes);
}

/* ---- drawing ---------------------------------------------------- */

static void
causes_draw_header(const struct state *s, WINDOW *w, int y)
{
    const struct causes_state *c = &state_top_const(s)->u.causes;
    char line[128];
    int64_t total = 0;
    size_t i;

    for (i = 0; i < c->n; i++)
        total += c->rows[i].count;
    snprintf(line, sizeof line, " reqnav  %s  failures by cause: %lld in %zu",
             s->store_name, (long long)total, c->n);
    draw_text(w, y, 0, s->cols, line, draw_attr(TH_HEADER));
}

static void
causes_draw_body(const struct state *s, WINDOW *w,
                 const struct state_layout *lay)
{
    const struct causes_state *c = &state_top_const(s)->u.causes;
    char line[256], id[160], *safe;
    int i, x;

    for (i = 0; i < lay->body_h; i++) {
        size_t k = c->top + (size_t)i;
        int y = lay->body_y + i;
        attr_t a = k == c->cur ? draw_attr(TH_SELECT) : A_NORMAL;

        draw_fill(w, y, 0, s->cols, a);
        if (k >= c->n)
            continue;
        causes_label(&c->rows[k], line, sizeof line);
        x = 2 + draw_text_hl(w, y, 2, s->cols - 2, line, a, s->search);
        snprintf(id, sizeof id, "cause:%s", c->rows[k].cause);
        safe = sanitize_dup(id);
        if (x + 3 + (int)strlen(safe) < s->cols)
            draw_text(w, y, s->cols - (int)strlen(safe) - 1, (int)strlen(safe),
                      safe, a | draw_attr(TH_DIM));
        free(safe);
    }
}

static const char *
causes_hints(int shortest)
{
    return shortest ? "Enter filter  q back"
                    : "Enter filter the list to it  / search  q back";
}

const struct view_ops view_causes_ops = {
    .name = "causes",
    .keys_in = KEYS_IN_CAUSES,
    .key = causes_key,
    .resize = causes_resize,
    .search = causes_search,
    .fini = causes_fini,
    .draw_header = causes_draw_header,
    .draw_strip = NULL,
    .draw_colhdr = NULL,
    .draw_body = causes_draw_body,
    .hints = causes_hints,
    .pane = NULL,
};
