/*
 * Pages of text: the help screen (generated from the key table, so every
 * binding is listed) and the result of :sql.  Lines are sanitised when
 * the page is built; the view only scrolls and searches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "fmt.h"
#include "rn_buf.h"
#include "rn_time.h"
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
    case KEYS_IN_CAUSES:
        return "causes";
    case KEYS_IN_LIST | KEYS_IN_TIMELINE | KEYS_IN_TEXT | KEYS_IN_CAUSES:
        return "everywhere";
    case KEYS_IN_LIST | KEYS_IN_TIMELINE | KEYS_IN_TEXT:
        return "list, timeline, pages";
    default:
        return "everywhere";
    }
}

/*
 * Append text word-wrapped to width columns: the first line starts with
 * lead, the rest with as many blanks (a hanging indent).  A word wider
 * than a line is cut where the line ends.
 */
static void
text_wrap(struct text_lines *tl, const char *lead, const char *text,
          size_t width)
{
    size_t ind = strlen(lead), room, k, end;
    const char *p = text;
    char line[1024];

    if (width < ind + 10 || width >= sizeof line)
        width = width >= sizeof line ? sizeof line - 1 : ind + 10;
    room = width - ind;
    snprintf(line, sizeof line, "%s", lead);
    do {
        while (*p == ' ')
            p++;
        k = strlen(p);
        if (k > room) {
            /* Break at the last blank that fits, else cut the word. */
            for (end = room; end > 0 && p[end] != ' '; end--)
                ;
            k = end > 0 ? end : room;
        }
        snprintf(line + ind, sizeof line - ind, "%.*s", (int)k, p);
        text_push(tl, line);
        memset(line, ' ', ind);
        p += k;
    } while (*p != '\0' && strspn(p, " ") < strlen(p));
}

/* The key bindings, one line each (aliases with their key). */
static void
text_help_keys(struct text_lines *tl, size_t width)
{
    const struct keys_binding *b = keys_table(), *a;
    struct rn_buf names;
    char lead[128];

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
        snprintf(lead, sizeof lead, "  %-18s %-15s ", rn_buf_str(&names),
                 text_where(b->views));
        text_wrap(tl, lead, b->help, width);
    }
    rn_buf_fini(&names);
}

/* The : commands, from their table. */
static void
text_help_commands(struct text_lines *tl, size_t width)
{
    const struct cmd_entry *c;
    char lead[128], syn[64];

    for (c = cmd_table(); c->name != NULL; c++) {
        snprintf(syn, sizeof syn, ":%s%s%s%s%s", c->name,
                 c->alias != NULL ? " (:" : "",
                 c->alias != NULL ? c->alias : "", c->alias != NULL ? ")" : "",
                 c->args[0] != '\0' ? " " : "");
        snprintf(lead, sizeof lead, "  %s%-*s ", syn,
                 (int)(strlen(syn) < 34 ? 34 - strlen(syn) : 0), c->args);
        text_wrap(tl, lead, c->help, width);
    }
}

/*
 * Example values taken from the open store: the status, verb, day and
 * clock time of the request under the cursor (the first failure in the
 * default order), so the examples work as typed.
 */
struct text_examples {
    char status[32], verb[16], day[16], clock[16], iso[RN_TS_STR_MAX];
};

static void
text_examples(struct state *s, struct text_examples *ex)
{
    const struct rq_row *r = view_list_current(state_list(s));
    char iso[RN_TS_STR_MAX];

    snprintf(ex->status, sizeof ex->status, "502.2");
    snprintf(ex->verb, sizeof ex->verb, "POST");
    snprintf(ex->iso, sizeof ex->iso, "2005-08-23T20:25:47Z");
    snprintf(ex->day, sizeof ex->day, "2005-08-23");
    snprintf(ex->clock, sizeof ex->clock, "20:25");
    if (r == NULL)
        return;
    if (r->http_status != STORE_NONE)
        fmt_status(r->http_status, r->substatus, ex->status, sizeof ex->status);
    if (r->verb != NULL &&
        strspn(r->verb, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(r->verb) &&
        r->verb[0] != '\0' && strlen(r->verb) < sizeof ex->verb)
        snprintf(ex->verb, sizeof ex->verb, "%s", r->verb);
    if (r->start_ns != STORE_NONE) {
        rn_time_format(r->start_ns - r->start_ns % RN_NS_PER_SEC, iso);
        snprintf(ex->iso, sizeof ex->iso, "%s", iso);
        snprintf(ex->day, sizeof ex->day, "%.10s", iso);
        snprintf(ex->clock, sizeof ex->clock, "%.5s", iso + 11);
    }
}

/* Build the help page for width columns. */
static void
text_help_build(struct state *s, struct text_lines *tl, size_t width)
{
    struct text_examples ex;
    char line[512];

    text_examples(s, &ex);
    text_push(tl, "reqnav keys (q or Esc closes this page)");
    text_push(tl, "");
    text_help_keys(tl, width);
    text_push(tl, "");
    text_push(tl, "Commands (type : first):");
    text_help_commands(tl, width);
    text_push(tl, "");
    text_push(tl, "Filter terms (space-separated, all must match):");
    snprintf(line, sizeof line,
             "status:%s, status:%.3s or status:5xx; verb:%s; url:TEXT; "
             "text:TEXT (URL, diagnosis, event names and fields); "
             "source:etw|freb|w3c|httperr|pcap; "
             "has:cgi_start|header_error|status_send; since:%s; "
             "until:%s; key:GUID; marked:yes.  A bare word means url:WORD.",
             ex.status, ex.status, ex.verb, ex.iso, ex.iso);
    text_wrap(tl, "  ", line, width);
    snprintf(line, sizeof line,
             "Examples from this store: f status:%s since:%sT00:00:00Z, "
             ":goto %s, :goto %s.",
             ex.status, ex.day, ex.clock, ex.iso);
    text_wrap(tl, "  ", line, width);
    text_push(tl, "");
    text_wrap(tl, "",
              "Request list columns: M (marked), start time (UTC), verb, "
              "status, duration, sources (E etw, F freb, W w3c, H httperr, "
              "P pcap), URL path (the host too when the store has several). "
              "The strip under the header is a histogram of requests over "
              "time; failures are highlighted and the cursor's request is "
              "marked.",
              width);
    text_push(tl, "");
    text_wrap(tl, "",
              "In the list, c/h/s open the request at that event.  / searches "
              "forward, n repeats it and N searches backward; Esc ends the "
              "search, after which n/N in a timeline jump between warning and "
              "error events (w/W always do).  Incremental search in the list "
              "looks at the rows shown; Enter searches the whole store.",
              width);
    text_push(tl, "");
    text_wrap(tl, "",
              "The cursor, open request, filter, search and marks are saved in "
              "the store; reqnav reopens where you left it.",
              width);
}

void
view_text_help(struct state *s)
{
    struct text_lines tl = {0};
    struct view *v;

    text_help_build(s, &tl, (size_t)s->cols);
    view_text_open(s, "help", tl.v, tl.n);
    v = state_top(s);
    if (v->kind == VIEW_TEXT && v->u.text.lines == tl.v)
        v->u.text.help_cols = s->cols;
}

/* Warnings of one source onto the page (query_ui_source_warnings). */
struct text_warn_ctx {
    struct text_lines *tl;
    size_t width;
    const char *shown; /* the source's problem, already on the page */
};

static void
text_source_warning(void *vctx, int64_t line, const char *msg)
{
    struct text_warn_ctx *c = vctx;
    char *m = sanitize_dup(msg != NULL ? msg : "");
    char lead[64];

    if (c->shown != NULL && msg != NULL && strcmp(c->shown, msg) == 0) {
        free(m);
        return;
    }
    if (line != STORE_NONE)
        snprintf(lead, sizeof lead, "      line %lld: ", (long long)line);
    else
        snprintf(lead, sizeof lead, "      ");
    text_wrap(c->tl, lead, m, c->width);
    free(m);
}

/* How many of a source's requests were linked; -1 when that is slow. */
static int64_t
text_source_linked(struct state *s, int64_t id)
{
    struct rn_err err = {0};
    int64_t linked = -1;
    enum rn_rc rc;

    store_deadline(s->st, 100 * 1000);
    rc = query_ui_source_linked(s->st, id, &linked, &err);
    store_deadline(s->st, 0);
    return rc == RN_OK ? linked : -1;
}

/* ", N alone (C no candidate, K conflict)" for a source whose requests
 * are matched one by one; "" for others or when that is slow. */
static void
text_source_alone(struct state *s, int64_t id, char *out, size_t n)
{
    struct rn_err err = {0};
    int64_t none = -1, conflict = -1;
    enum rn_rc rc;

    store_deadline(s->st, 100 * 1000);
    rc = query_ui_source_alone(s->st, id, &none, &conflict, &err);
    store_deadline(s->st, 0);
    out[0] = '\0';
    if (rc == RN_OK && none >= 0 && conflict >= 0)
        snprintf(out, n, ", %lld alone (%lld no candidate, %lld conflict)",
                 (long long)(none + conflict), (long long)none,
                 (long long)conflict);
}

/* One source: kind, state, counts, its problem, its warnings. */
static void
text_source(struct state *s, struct text_lines *tl, const struct src_row *r,
            size_t width)
{
    struct text_warn_ctx wc = {tl, width, r->message};
    struct rn_err err = {0};
    char line[512], linked[160], alone[96], *p;
    int64_t nl = text_source_linked(s, r->id);

    text_source_alone(s, r->id, alone, sizeof alone);
    if (nl >= 0)
        snprintf(linked, sizeof linked, "%lld linked with other sources%s",
                 (long long)nl, alone);
    else
        snprintf(linked, sizeof linked, "linked: too slow to count here");
    snprintf(line, sizeof line,
             "%s (%s), %s: %lld events, %lld requests, %s, %lld warnings",
             store_kind_name(r->kind), r->format,
             r->truncated      ? "TRUNCATED"
             : r->warnings > 0 ? "partial"
                               : "complete",
             (long long)r->events, (long long)r->requests, linked,
             (long long)r->warnings);
    p = sanitize_dup(r->path);
    text_wrap(tl, "  ", p, width);
    free(p);
    text_wrap(tl, "    ", line, width);
    if (r->message != NULL && r->message[0] != '\0') {
        p = sanitize_dup(r->message);
        text_wrap(tl, "    problem: ", p, width);
        free(p);
    }
    if (r->warnings > 0 &&
        query_ui_source_warnings(s->st, r->id, 5, text_source_warning, &wc,
                                 &err) != RN_OK)
        text_wrap(tl, "    ", err.msg, width);
}

/* A file an import met but did not import: its state, size and why. */
static void
text_skip(struct text_lines *tl, const struct skip_row *k, size_t width)
{
    char line[160], *p;
    const char *msg;
    size_t plen;

    if (k->size != STORE_NONE)
        snprintf(line, sizeof line, "not imported (%s), %lld bytes",
                 k->state != NULL ? k->state : "skipped", (long long)k->size);
    else
        snprintf(line, sizeof line, "not imported (%s)",
                 k->state != NULL ? k->state : "skipped");
    p = sanitize_dup(k->path != NULL ? k->path : "");
    text_wrap(tl, "  ", p, width);
    free(p);
    text_wrap(tl, "    ", line, width);
    msg = k->message != NULL ? k->message : "";
    /* "PATH: why": the path is on the line above. */
    plen = k->path != NULL ? strlen(k->path) : 0;
    if (plen > 0 && strncmp(msg, k->path, plen) == 0 && msg[plen] == ':' &&
        msg[plen + 1] == ' ')
        msg += plen + 2;
    p = sanitize_dup(msg);
    text_wrap(tl, "    why: ", p, width);
    free(p);
}

void
view_text_sources(struct state *s)
{
    struct text_lines tl = {0};
    struct src_row *rows = NULL;
    struct skip_row *skips = NULL;
    struct rn_err err = {0};
    size_t n = 0, nskips = 0, i, width = (size_t)s->cols;
    int64_t bad = 0;
    char line[160];

    if (query_sources(s->st, &rows, &n, &err) != RN_OK) {
        state_store_error(s, &err);
        return;
    }
    if (query_skipped(s->st, &skips, &nskips, &err) != RN_OK) {
        src_rows_free(rows, n);
        state_store_error(s, &err);
        return;
    }
    for (i = 0; i < n; i++)
        bad += rows[i].truncated || rows[i].warnings > 0;
    if (nskips > 0)
        snprintf(line, sizeof line,
                 "%zu files, %lld with problems, %zu not imported (q closes)",
                 n + nskips, (long long)bad + (long long)nskips, nskips);
    else
        snprintf(line, sizeof line, "%zu files, %lld with problems (q closes)",
                 n, (long long)bad);
    text_push(&tl, line);
    /* Files with problems first: they are why this page was opened.  The
     * files not imported come next (one of them may be the trace the user
     * is missing), the complete ones last. */
    for (i = 0; i < n; i++)
        if (rows[i].truncated || rows[i].warnings > 0) {
            text_push(&tl, "");
            text_source(s, &tl, &rows[i], width);
        }
    for (i = 0; i < nskips; i++) {
        text_push(&tl, "");
        text_skip(&tl, &skips[i], width);
    }
    for (i = 0; i < n; i++)
        if (!rows[i].truncated && rows[i].warnings == 0) {
            text_push(&tl, "");
            text_source(s, &tl, &rows[i], width);
        }
    src_rows_free(rows, n);
    skip_rows_free(skips, nskips);
    view_text_open(s, "sources", tl.v, tl.n);
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
    struct text_state *t = &v->u.text;
    struct text_lines tl = {0};
    size_t i;

    /* The help page wraps to the screen: build it again for the width. */
    if (t->help_cols == 0 || t->help_cols == s->cols)
        return;
    text_help_build(s, &tl, (size_t)s->cols);
    for (i = 0; i < t->n; i++)
        free(t->lines[i]);
    free(t->lines);
    t->lines = tl.v;
    t->n = tl.n;
    t->help_cols = s->cols;
    if (t->top >= t->n)
        t->top = t->n ? t->n - 1 : 0;
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

/* ---- drawing -------------------------------------------------- */

/* A text page. */
static void
draw_textview(const struct state *s, WINDOW *w, const struct state_layout *lay)
{
    const struct text_state *t = &state_top_const(s)->u.text;
    int i;

    for (i = 0; i < lay->body_h; i++) {
        size_t k = t->top + (size_t)i;

        draw_clear_line(w, lay->body_y + i, s->cols);
        if (k < t->n)
            draw_text_hl(w, lay->body_y + i, 0, s->cols, t->lines[k], A_NORMAL,
                         s->search);
    }
}

/* The header: the page's title. */
static void
text_draw_header(const struct state *s, WINDOW *w, int y)
{
    char line[512];

    snprintf(line, sizeof line, " reqnav  %s",
             state_top_const(s)->u.text.title);
    draw_text(w, y, 0, s->cols, line, draw_attr(TH_HEADER));
}

/* Key hints for the status line. */
static const char *
text_hints(int shortest)
{
    (void)shortest;
    return "/ search  q back";
}

const struct view_ops view_text_ops = {
    .name = "text",
    .keys_in = KEYS_IN_TEXT,
    .key = text_key,
    .resize = text_resize,
    .search = text_search,
    .fini = text_fini,
    .draw_header = text_draw_header,
    .draw_strip = NULL,
    .draw_colhdr = NULL,
    .draw_body = draw_textview,
    .hints = text_hints,
    .pane = NULL,
};
