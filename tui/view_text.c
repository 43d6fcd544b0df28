/*
 * Pages of text: the help screen (generated from the key table, so every
 * binding is listed) and the result of :sql.  Lines are sanitised when
 * the page is built; the view only scrolls and searches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "rn_buf.h"
#include "sanitize.h"
#include "view.h"
#include "xmalloc.h"

#define TEXT_SQL_MAX_ROWS 10000

/* Growable array of owned lines. */
struct text_lines {
    char **v;
    size_t n, cap;
};

/* Append a copy of a (trusted or already sanitised) line. */
static void
text_push(struct text_lines *tl, const char *line)
{
    if (tl->n == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 64;
        tl->v = xrealloc(tl->v, tl->cap, sizeof *tl->v);
    }
    tl->v[tl->n++] = xstrdup(line);
}

void
view_text_open(struct state *s, const char *title, char **lines, size_t n)
{
    struct view *v = state_push(s, VIEW_TEXT);
    size_t i;

    if (v == NULL) {
        for (i = 0; i < n; i++)
            free(lines[i]);
        free(lines);
        return;
    }
    v->u.text.title = sanitize_dup(title);
    v->u.text.lines = lines;
    v->u.text.n = n;
}

/* Where a binding applies, for the help page. */
static const char *
text_where(unsigned views)
{
    switch (views) {
    case KEYS_IN_LIST:
        return "list";
    case KEYS_IN_TIMELINE:
        return "timeline";
    case KEYS_IN_LIST | KEYS_IN_TIMELINE:
        return "list, timeline";
    case KEYS_IN_TIMELINE | KEYS_IN_TEXT:
        return "timeline, pages";
    default:
        return "everywhere";
    }
}

void
view_text_help(struct state *s)
{
    static const char *const tail[] = {
        "",
        "Request list columns: M (marked), start time (UTC), verb, status,",
        "duration, sources (E etw, F freb, W w3c, H httperr, P pcap), URL.",
        "The strip under the header is a histogram of requests over time;",
        "failures are highlighted and the cursor's request is marked.",
        "",
        "In the list, c/h/s open the request at that event.  n/N continue",
        "a search while one is active (shown on the status line); Esc ends",
        "it, after which n/N in a timeline jump between warning and error",
        "events (w/W always do).  Incremental search in the list looks at",
        "the rows shown; Enter searches the whole store.",
        "",
        "Filter terms (space-separated, all must match):",
        "  status:502.2 status:502 status:5xx   verb:POST   url:TEXT",
        "  source:etw|freb|w3c|httperr|pcap     has:cgi_start|header_error|"
        "status_send",
        "  since:ISO-TIME  until:ISO-TIME  key:GUID  marked:yes  text:TEXT",
        "  a bare word means url:WORD",
        "",
        "Commands (:):",
        "  :goto 2005-08-23T20:25:47Z   :goto 20:25   (first request or event"
        " at that time)",
        "  :filter EXPR   :export [md|html|json|csv] [FILE]   :sql SELECT ...",
        "  :order time|failures   :marks   :help   :quit",
        "",
        "The cursor, open request, filter, search and marks are saved in the",
        "store; reqnav reopens where you left it.",
        NULL};
    const struct keys_binding *b = keys_table(), *a;
    struct text_lines tl = {0};
    struct rn_buf names;
    char line[512];
    size_t i;

    text_push(&tl, "reqnav keys (q or Esc closes this page)");
    text_push(&tl, "");
    rn_buf_init(&names, 256);
    for (; b->key != 0; b++) {
        if (b->help == NULL)
            continue;
        rn_buf_reset(&names);
        rn_buf_puts(&names, b->name);
        for (a = b + 1; a->key != 0 && a->help == NULL; a++) {
            rn_buf_puts(&names, ", ");
            rn_buf_puts(&names, a->name);
        }
        snprintf(line, sizeof line, "  %-18s %-15s %s", rn_buf_str(&names),
                 text_where(b->views), b->help);
        text_push(&tl, line);
    }
    rn_buf_fini(&names);
    for (i = 0; tail[i] != NULL; i++)
        text_push(&tl, tail[i]);
    view_text_open(s, "help", tl.v, tl.n);
}

struct text_sql_ctx {
    struct text_lines tl;
    size_t rows;
};

/* One result row of :sql: a header line first, then " | "-joined cells. */
static enum rn_rc
text_sql_row(void *ctx, int ncol, const char *const *names,
             const char *const *values)
{
    struct text_sql_ctx *c = ctx;
    struct rn_buf b;
    int i;

    if (c->rows >= TEXT_SQL_MAX_ROWS)
        return RN_ECANCELED;
    rn_buf_init(&b, RN_BUF_MAX_FIELD);
    if (c->rows == 0) {
        for (i = 0; i < ncol; i++) {
            if (i > 0)
                rn_buf_puts(&b, " | ");
            sanitize_append(&b, names[i], strlen(names[i]), SANITIZE_ONELINE);
        }
        text_push(&c->tl, rn_buf_str(&b));
        rn_buf_reset(&b);
    }
    rn_buf_puts(&b, "");
    for (i = 0; i < ncol; i++) {
        if (i > 0)
            rn_buf_puts(&b, " | ");
        if (values[i] == NULL)
            rn_buf_puts(&b, "NULL");
        else if (sanitize_append(&b, values[i], strlen(values[i]),
                                 SANITIZE_ONELINE) != RN_OK)
            break;
    }
    text_push(&c->tl, rn_buf_str(&b));
    rn_buf_fini(&b);
    c->rows++;
    return RN_OK;
}

void
view_text_sql(struct state *s, const char *sql)
{
    struct text_sql_ctx c;
    struct rn_err err = {0};
    enum rn_rc rc;
    char *title;
    size_t i;

    memset(&c, 0, sizeof c);
    if (sql[0] == '\0') {
        state_message(s, 1, "sql: give a SELECT statement");
        return;
    }
    rc = store_sql_readonly(s->st, sql, text_sql_row, &c, &err);
    if (rc != RN_OK && rc != RN_ECANCELED) {
        state_message(s, 1, "%s", err.msg);
        for (i = 0; i < c.tl.n; i++)
            free(c.tl.v[i]);
        free(c.tl.v);
        return;
    }
    if (c.rows == 0)
        text_push(&c.tl, "(no rows)");
    title = xmalloc(strlen(sql) + 8);
    snprintf(title, strlen(sql) + 8, "sql: %s", sql);
    view_text_open(s, title, c.tl.v, c.tl.n);
    free(title);
    if (rc == RN_ECANCELED)
        state_message(s, 0, "first %d rows shown", TEXT_SQL_MAX_ROWS);
    else
        state_message(s, 0, "%zu rows", c.rows);
}

/* Key handler of a text page. */
static unsigned
text_key(struct state *s, struct view *v, enum keys_action a)
{
    struct text_state *t = &v->u.text;
    size_t h = (size_t)state_body_height(s);
    size_t max = t->n > h ? t->n - h : 0;

    s->dirty |= DIRTY_BODY | DIRTY_STATUS;
    switch (a) {
    case ACT_DOWN:
        if (t->top < max)
            t->top++;
        break;
    case ACT_UP:
        if (t->top > 0)
            t->top--;
        break;
    case ACT_PGDN:
        t->top = t->top + h < max ? t->top + h : max;
        break;
    case ACT_PGUP:
        t->top = t->top > h ? t->top - h : 0;
        break;
    case ACT_HOME:
        t->top = 0;
        break;
    case ACT_END:
        t->top = max;
        break;
    case ACT_BACK:
    case ACT_CLEAR:
        state_pop(s);
        break;
    default:
        return UI_IGNORED;
    }
    return UI_HANDLED | UI_REDRAW;
}

/* Search the lines, wrapping around; the match becomes the top line. */
static int
text_search(struct state *s, struct view *v, int back, int next,
            int incremental)
{
    struct text_state *t = &v->u.text;
    size_t i, k;

    (void)incremental;
    if (t->n == 0)
        return 0;
    for (i = next ? 1 : 0; i <= t->n; i++) {
        k = back ? (t->top + t->n - i % t->n) % t->n : (t->top + i) % t->n;
        if (fmt_find_ci(t->lines[k], s->search) >= 0) {
            t->top = k;
            return 1;
        }
    }
    return 0;
}

/* Resize: nothing to refetch. */
static void
text_resize(struct state *s, struct view *v)
{
    (void)s;
    (void)v;
}

/* Free the page. */
static void
text_fini(struct view *v)
{
    struct text_state *t = &v->u.text;
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->lines[i]);
    free(t->lines);
    free(t->title);
    memset(t, 0, sizeof *t);
}

const struct view_ops view_text_ops = {
    .name = "text",
    .keys_in = KEYS_IN_TEXT,
    .key = text_key,
    .resize = text_resize,
    .search = text_search,
    .fini = text_fini,
};
