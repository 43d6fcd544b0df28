/*
 * Drawing of every view.  One theme table (an X-macro, as ncdu's
 * UI_COLORS) gives each role its 8- and 256-colour pair and its
 * monochrome attribute; the selected row is reverse video in every mode.
 * Only the regions named dirty are repainted (into the window's buffer;
 * curses sends the difference at doupdate), and nothing clears the
 * terminal on a key.
 *
 * Every string that comes from a trace was sanitised in the state or is
 * sanitised here (model/base/sanitize.h) before it reaches the window.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif
#include "draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fmt.h"
#include "rn_json.h"
#include "sanitize.h"
#include "view.h"

/* name, fg8, bg8, fg256, bg256, colour attribute, monochrome attribute */
#define DRAW_ROLES(X)                                                          \
    X(NORMAL, -1, -1, -1, -1, A_NORMAL, A_NORMAL)                              \
    X(HEADER, COLOR_WHITE, COLOR_BLUE, 255, 24, A_BOLD, A_BOLD)                \
    X(COLHDR, COLOR_CYAN, -1, 110, -1, A_BOLD, A_UNDERLINE)                    \
    X(STATUS, COLOR_BLACK, COLOR_CYAN, 235, 152, A_NORMAL, A_REVERSE)          \
    X(SELECT, -1, -1, -1, -1, A_REVERSE, A_REVERSE)                            \
    X(FAIL, COLOR_RED, -1, 196, -1, A_BOLD, A_BOLD)                            \
    X(WARN, COLOR_YELLOW, -1, 178, -1, A_NORMAL, A_NORMAL)                     \
    X(MARK, COLOR_MAGENTA, -1, 170, -1, A_BOLD, A_BOLD)                        \
    X(MATCH, COLOR_BLACK, COLOR_YELLOW, 16, 220, A_NORMAL, A_UNDERLINE)        \
    X(ROLE, COLOR_CYAN, -1, 45, -1, A_BOLD, A_BOLD)                            \
    X(ERRMSG, COLOR_WHITE, COLOR_RED, 231, 124, A_BOLD, A_BOLD)                \
    X(STRIP, COLOR_BLUE, -1, 67, -1, A_NORMAL, A_NORMAL)                       \
    X(STRIPFAIL, COLOR_RED, -1, 196, -1, A_BOLD, A_BOLD)                       \
    X(STRIPCUR, -1, -1, -1, -1, A_REVERSE, A_REVERSE)                          \
    X(BAR, COLOR_BLUE, -1, 244, -1, A_NORMAL, A_NORMAL)                        \
    X(DIM, COLOR_CYAN, -1, 245, -1, A_NORMAL, A_NORMAL)

enum draw_role {
#define DRAW_ENUM(name, f8, b8, f256, b256, ac, am) TH_##name,
    DRAW_ROLES(DRAW_ENUM)
#undef DRAW_ENUM
        TH_COUNT
};

struct draw_theme_entry {
    short f8, b8, f256, b256;
    attr_t color_attr, mono_attr;
};

static const struct draw_theme_entry draw_theme[TH_COUNT] = {
#define DRAW_ENTRY(name, f8, b8, f256, b256, ac, am)                           \
    {f8, b8, f256, b256, ac, am},
    DRAW_ROLES(DRAW_ENTRY)
#undef DRAW_ENTRY
};

static attr_t draw_attr_of[TH_COUNT];
static int draw_utf8 = 1;

/* Attribute of a role. */
static attr_t
draw_attr(enum draw_role r)
{
    return draw_attr_of[r];
}

void
draw_setup(enum draw_mode mode, int utf8)
{
    int i, defaults = 0;
    short fg, bg;

    draw_utf8 = utf8;
    if (mode != DRAW_MONO)
        defaults = use_default_colors() == OK;
    for (i = 0; i < TH_COUNT; i++) {
        const struct draw_theme_entry *e = &draw_theme[i];

        if (mode == DRAW_MONO) {
            draw_attr_of[i] = e->mono_attr;
            continue;
        }
        fg = mode == DRAW_256 ? e->f256 : e->f8;
        bg = mode == DRAW_256 ? e->b256 : e->b8;
        if (fg < 0 && bg < 0) {
            draw_attr_of[i] = e->color_attr;
            continue;
        }
        if (!defaults) {
            fg = fg < 0 ? COLOR_WHITE : fg;
            bg = bg < 0 ? COLOR_BLACK : bg;
        }
        init_pair((short)(i + 1), fg, bg);
        draw_attr_of[i] = e->color_attr | COLOR_PAIR(i + 1);
    }
}

/*
 * Draw len bytes of sanitised UTF-8 at (y, x), at most maxw columns; in
 * ASCII mode non-ASCII characters show as '?'.  Returns columns used.
 */
static int
draw_textn(WINDOW *w, int y, int x, int maxw, const char *s, size_t len,
           attr_t a)
{
    wchar_t buf[512];
    size_t i = 0, k, nb = 0;
    uint32_t cp;
    int used = 0, cw;

    if (maxw <= 0)
        return 0;
    wattrset(w, a);
    wmove(w, y, x);
    while (i < len && used < maxw) {
        k = rn_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        i += k;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            cp = '?'; /* never reached with sanitised text; belt and braces */
        if (!draw_utf8 && cp >= 0x80)
            cp = '?';
        cw = wcwidth((wchar_t)cp);
        if (cw < 0)
            cw = 1;
        if (used + cw > maxw)
            break;
        buf[nb++] = (wchar_t)cp;
        used += cw;
        if (nb == sizeof buf / sizeof buf[0]) {
            waddnwstr(w, buf, (int)nb);
            nb = 0;
        }
    }
    if (nb > 0)
        waddnwstr(w, buf, (int)nb);
    wattrset(w, A_NORMAL);
    return used;
}

/* draw_textn for a NUL-terminated string. */
static int
draw_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a)
{
    return draw_textn(w, y, x, maxw, s, strlen(s), a);
}

/* Draw text with every case-insensitive match of pat highlighted. */
static int
draw_text_hl(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a,
             const char *pat)
{
    size_t pl = strlen(pat);
    int used = 0;
    long off;

    if (pl == 0)
        return draw_text(w, y, x, maxw, s, a);
    while (*s != '\0' && used < maxw) {
        off = fmt_find_ci(s, pat);
        if (off < 0)
            return used + draw_text(w, y, x + used, maxw - used, s, a);
        used += draw_textn(w, y, x + used, maxw - used, s, (size_t)off, a);
        used += draw_textn(w, y, x + used, maxw - used, s + off, pl,
                           a | draw_attr(TH_MATCH));
        s += off + (long)pl;
    }
    return used;
}

/* Fill the rest of line y from x with blanks in attribute a. */
static void
draw_fill(WINDOW *w, int y, int x, int cols, attr_t a)
{
    if (x >= cols)
        return;
    wattrset(w, a);
    mvwhline(w, y, x, ' ', cols - x);
    wattrset(w, A_NORMAL);
}

/* Blank line y. */
static void
draw_clear_line(WINDOW *w, int y, int cols)
{
    draw_fill(w, y, 0, cols, A_NORMAL);
}

/* Group digits: 1234567 -> "1,234,567". */
static void
draw_count(int64_t v, char *out, size_t n)
{
    char raw[32];
    size_t len, i, k = 0;

    if (v < 0) {
        snprintf(out, n, "?");
        return;
    }
    snprintf(raw, sizeof raw, "%lld", (long long)v);
    len = strlen(raw);
    for (i = 0; i < len && k + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = raw[i];
    }
    out[k] = '\0';
}

/* The header line. */
static void
draw_header(const struct state *s, WINDOW *w, int y)
{
    const struct view *v = state_top_const(s);
    char line[512], a[32], b[32], c[32], st[32], dur[32];
    attr_t h = draw_attr(TH_HEADER);
    int x;

    draw_fill(w, y, 0, s->cols, h);
    if (v->kind == VIEW_TIMELINE) {
        const struct rq_row *r = &v->u.tl.req;
        char *url = sanitize_dup(r->url != NULL ? r->url : "-");
        char *verb = sanitize_dup(r->verb != NULL ? r->verb : "-");

        fmt_status(r->http_status, r->substatus, st, sizeof st);
        fmt_duration(r->start_ns, r->end_ns, dur, sizeof dur);
        x = draw_text(w, y, 0, s->cols, " ", h);
        x += draw_text(w, y, x, s->cols - x, verb, h);
        x += draw_text(w, y, x, s->cols - x, " ", h);
        x += draw_text(w, y, x, s->cols - x, st,
                       r->severity == 2 ? (draw_attr(TH_FAIL) | A_REVERSE) : h);
        snprintf(line, sizeof line, " %s %zu events%s ", dur, v->u.tl.n,
                 r->marked ? " [marked]" : "");
        x += draw_text(w, y, x, s->cols - x, line, h);
        draw_text(w, y, x, s->cols - x, url, h);
        free(url);
        free(verb);
        return;
    }
    if (v->kind == VIEW_TEXT) {
        snprintf(line, sizeof line, " reqnav  %s", v->u.text.title);
        draw_text(w, y, 0, s->cols, line, h);
        return;
    }
    draw_count(s->total, a, sizeof a);
    draw_count(s->failed, b, sizeof b);
    draw_count(s->events, c, sizeof c);
    if (v->u.list.marks_only) {
        draw_count(v->u.list.count, a, sizeof a);
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
             v->u.list.order == RQ_ORDER_TIME ? "time order"
                                              : "failures first");
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
        if (draw_utf8) {
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
    int tw, verb, status, dur, src; /* 0: column hidden */
};

/* Choose the list columns for cols. */
static void
draw_list_cols(int cols, struct draw_cols *dc)
{
    memset(dc, 0, sizeof *dc);
    dc->verb = 6;
    dc->status = 5;
    if (cols >= 110) {
        dc->ts = FMT_TIME_FULL;
        dc->tw = 23;
    } else if (cols >= 66) {
        dc->ts = FMT_TIME_SHORT;
        dc->tw = 18;
    } else {
        dc->ts = FMT_TIME_CLOCK;
        dc->tw = 8;
    }
    if (cols >= 50) {
        dc->dur = 6;
        dc->src = 5;
    }
    if (cols < 34)
        dc->verb = 0;
}

/* Draw one list row. */
static void
draw_list_row(const struct state *s, WINDOW *w, int y,
              const struct draw_cols *dc, const struct rq_row *r, int sel)
{
    attr_t base = sel ? draw_attr(TH_SELECT) : A_NORMAL;
    char buf[64], *url, *verb, *el;
    int x = 0, cols = s->cols, uw;

    draw_fill(w, y, 0, cols, base);
    x += draw_text(w, y, x, cols - x, r->marked ? "*" : " ",
                   base | (r->marked ? draw_attr(TH_MARK) : A_NORMAL));
    x += 1;
    fmt_time(r->start_ns, dc->ts, buf, sizeof buf);
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
    uw = cols - x;
    if (uw <= 0)
        return;
    url = sanitize_dup(r->url != NULL ? r->url : "-");
    el = fmt_elide_middle(url, (size_t)uw, draw_utf8 ? "\xe2\x80\xa6" : "~");
    draw_text_hl(w, y, x, uw, el, base, s->search);
    free(el);
    free(url);
}

/* Column headings of the list. */
static void
draw_list_colhdr(const struct state *s, WINDOW *w, int y)
{
    struct draw_cols dc;
    char line[256];
    int x = 2;
    attr_t a = draw_attr(TH_COLHDR);

    draw_list_cols(s->cols, &dc);
    draw_fill(w, y, 0, s->cols, a);
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
        draw_text(w, y, x + 2, s->cols - x - 2, "TIME", a);
        x += dc.dur + 1;
    }
    if (dc.src > 0 && x + dc.src < s->cols) {
        draw_text(w, y, x, s->cols - x, "SRC", a);
        x += dc.src + 1;
    }
    if (x < s->cols)
        draw_text(w, y, x, s->cols - x, "URL", a);
}

/* The request list body. */
static void
draw_list(const struct state *s, WINDOW *w, const struct state_layout *lay)
{
    const struct list_state *l = &state_top_const(s)->u.list;
    struct draw_cols dc;
    int i;

    draw_list_cols(s->cols, &dc);
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

/* The timeline's phase bar: the request's span with role markers. */
static void
draw_phase(const struct state *s, WINDOW *w, int y)
{
    const struct tl_state *t = &state_top_const(s)->u.tl;
    int64_t t0 = t->req.start_ns, t1 = t->req.end_ns;
    int cols = s->cols, x0, x1, c, i, curc = -1, last_marker = -1;
    static const char role_ch[] = "CHS";
    char lab[32];

    draw_clear_line(w, y, cols);
    for (i = 0; (size_t)i < t->n; i++) {
        int64_t ts = t->ev[i].ts_ns;

        if (ts == STORE_NONE)
            continue;
        if (t0 == STORE_NONE || ts < t0)
            t0 = ts;
        if (t1 == STORE_NONE || ts > t1)
            t1 = ts;
    }
    if (t0 == STORE_NONE || cols < 12) {
        draw_text(w, y, 0, cols, " no times", draw_attr(TH_DIM));
        return;
    }
    fmt_duration(t0, t1, lab, sizeof lab);
    x0 = 1;
    x1 = cols - (int)strlen(lab) - 3;
    if (x1 <= x0 + 2)
        x1 = cols - 2;
    draw_text(w, y, x0 - 1, 1, draw_utf8 ? "\xe2\x94\x9c" : "|",
              draw_attr(TH_BAR));
    for (c = x0; c < x1; c++)
        draw_text(w, y, c, 1, draw_utf8 ? "\xe2\x94\x80" : "-",
                  draw_attr(TH_BAR));
    draw_text(w, y, x1, 1, draw_utf8 ? "\xe2\x94\xa4" : "|", draw_attr(TH_BAR));
    if (x1 + 2 < cols)
        draw_text(w, y, x1 + 2, cols - x1 - 2, lab, draw_attr(TH_DIM));
    for (i = 0; (size_t)i < t->n; i++) {
        const struct ev_row *e = &t->ev[i];
        int pos;
        char ch[2] = {0, 0};

        if (e->ts_ns == STORE_NONE)
            continue;
        /* Leave two cells at the end for markers pushed right. */
        pos = x0 + (int)((double)(e->ts_ns - t0) / (double)(t1 - t0 + 1) *
                         (double)(x1 - x0 - 2));
        if ((size_t)i == t->cur)
            curc = pos;
        if (e->role < 0 || e->role >= STORE_ROLE_COUNT)
            continue;
        /* Markers at the same cell (one-second clocks) stand side by
         * side, the later one on the right. */
        if (pos <= last_marker && last_marker + 1 < x1)
            pos = last_marker + 1;
        last_marker = pos;
        ch[0] = role_ch[e->role];
        draw_text(w, y, pos, 1, ch, draw_attr(TH_ROLE));
    }
    if (curc >= 0)
        mvwchgat(w, y, curc, 1, draw_attr(TH_STRIPCUR), 0, NULL);
}

/* The timeline's third line: the diagnosis, or column headings. */
static void
draw_tl_colhdr(const struct state *s, WINDOW *w, int y)
{
    const struct tl_state *t = &state_top_const(s)->u.tl;
    char *d;

    draw_fill(w, y, 0, s->cols, draw_attr(TH_COLHDR));
    if (t->req.diagnosis != NULL && t->req.diagnosis[0] != '\0') {
        d = sanitize_dup(t->req.diagnosis);
        draw_text(w, y, 1, s->cols - 1, d, draw_attr(TH_COLHDR));
        free(d);
    } else {
        draw_text(w, y, 1, s->cols - 1, "  +MS  SOURCE  EVENT  FIELDS",
                  draw_attr(TH_COLHDR));
    }
}

/* The timeline body: one event per row. */
static void
draw_timeline(const struct state *s, WINDOW *w, const struct state_layout *lay)
{
    const struct tl_state *t = &state_top_const(s)->u.tl;
    int cols = s->cols, i, posw = 4, namew = 4, relw = 2;
    size_t k;

    for (k = 0; k < t->n; k++) {
        int pw = (int)fmt_width(t->disp[k].pos),
            nw = (int)fmt_width(t->disp[k].name),
            rw = (int)strlen(t->disp[k].rel);

        posw = pw > posw ? pw : posw;
        namew = nw > namew ? nw : namew;
        relw = rw > relw ? rw : relw;
    }
    posw = posw > 24 ? 24 : posw;
    namew = namew > 28 ? 28 : namew;
    relw = relw > 12 ? 12 : relw;
    if (cols < 70) {
        posw = posw > 12 ? 12 : posw;
        namew = namew > 20 ? 20 : namew;
    }
    for (i = 0; i < lay->body_h; i++) {
        size_t e = t->top + (size_t)i;
        int y = lay->body_y + i, x = 0, sel, rw;
        attr_t base, na;
        const struct ev_row *ev;
        char ch[2] = {' ', 0};

        if (e >= t->n) {
            draw_clear_line(w, y, cols);
            continue;
        }
        ev = &t->ev[e];
        sel = e == t->cur;
        base = sel ? draw_attr(TH_SELECT) : A_NORMAL;
        draw_fill(w, y, 0, cols, base);
        if (ev->role >= 0 && ev->role < STORE_ROLE_COUNT)
            ch[0] = "CHS"[ev->role];
        x += draw_text(w, y, x, cols - x, ch, base | draw_attr(TH_ROLE)) + 1;
        rw = (int)strlen(t->disp[e].rel);
        draw_text(w, y, x + (relw - rw > 0 ? relw - rw : 0), cols - x,
                  t->disp[e].rel, base);
        x += relw + 1;
        if (x < cols)
            draw_text_hl(w, y, x, posw < cols - x ? posw : cols - x,
                         t->disp[e].pos, base | draw_attr(TH_DIM), s->search);
        x += posw + 1;
        na = base;
        if (ev->level != STORE_NONE && ev->level >= 1 && ev->level <= 2)
            na |= draw_attr(TH_FAIL);
        else if (ev->level == 3)
            na |= draw_attr(TH_WARN);
        if (ev->role >= 0)
            na |= A_BOLD;
        if (x < cols)
            draw_text_hl(w, y, x, namew < cols - x ? namew : cols - x,
                         t->disp[e].name, na, s->search);
        x += namew + 1;
        if (x < cols)
            draw_text_hl(w, y, x, cols - x, t->disp[e].fields, base, s->search);
    }
}

/* The timeline's detail pane: all fields and the raw source. */
static void
draw_detail(const struct state *s, WINDOW *w, const struct state_layout *lay)
{
    const struct tl_state *t = &state_top_const(s)->u.tl;
    size_t n = 0, k;
    char **lines = view_timeline_detail(t, &n);
    char title[128];
    int i, y = lay->detail_y;

    snprintf(title, sizeof title,
             " detail  (J/K scroll, Enter closes)  %zu/%zu",
             n ? t->detail_top + 1 : 0, n);
    draw_fill(w, y, 0, s->cols, draw_attr(TH_COLHDR));
    draw_text(w, y, 0, s->cols, title, draw_attr(TH_COLHDR));
    for (i = 1; i < lay->detail_h; i++) {
        k = t->detail_top + (size_t)(i - 1);
        draw_clear_line(w, y + i, s->cols);
        if (k < n)
            draw_text_hl(w, y + i, 1, s->cols - 1, lines[k], A_NORMAL,
                         s->search);
    }
    view_timeline_detail_free(lines, n);
}

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

/* Key hints for the status line of a view: long, then short forms. */
static const char *
draw_hints(const struct state *s, int shortest)
{
    switch (state_top_const(s)->kind) {
    case VIEW_TIMELINE:
        return shortest ? "c/h/s jump  F1 help  q back"
                        : "c/h/s jump  e/E failed  Enter detail  F1 help  "
                          "q back";
    case VIEW_TEXT:
        return "/ search  q back";
    case VIEW_LIST:
    default:
        return shortest ? "Enter open  F1 help  q quit"
                        : "Enter open  f filter  / search  F1 help  q quit";
    }
}

/* The status line: prompt, message, or filter/search and key hints. */
static void
draw_status(const struct state *s, WINDOW *w, int y)
{
    const struct view *v = state_top_const(s);
    attr_t a = draw_attr(TH_STATUS);
    char line[STATE_PROMPT_MAX + 128], cnt[32], *p;
    const char *hints;
    int x, hw;

    draw_fill(w, y, 0, s->cols, a);
    if (s->prompt.kind != PROMPT_NONE) {
        draw_clear_line(w, y, s->cols);
        x = draw_text(w, y, 0, s->cols, state_prompt_label(s), A_BOLD);
        p = sanitize_dup(s->prompt.text);
        /* Show the end of a long entry: that is where typing happens. */
        {
            size_t pw = fmt_width(p);
            const char *q = p;

            while (pw + 1 > (size_t)(s->cols - x) && *q != '\0') {
                uint32_t cp;
                size_t k =
                    rn_utf8_decode((const unsigned char *)q, strlen(q), &cp);

                q += k ? k : 1;
                pw = fmt_width(q);
            }
            x += draw_text(w, y, x, s->cols - x, q, A_NORMAL);
        }
        free(p);
        if (s->msg[0] != '\0' && x + 4 < s->cols) {
            /* A complaint about the entry: right of it, clipped. */
            int mw = (int)fmt_width(s->msg);

            if (mw > s->cols - x - 3)
                mw = s->cols - x - 3;
            draw_text(w, y, s->cols - mw - 1, mw, s->msg,
                      s->msg_err ? draw_attr(TH_ERRMSG) : A_NORMAL);
        }
        return;
    }
    if (s->msg[0] != '\0') {
        draw_text(w, y, 0, s->cols, s->msg,
                  s->msg_err ? draw_attr(TH_ERRMSG) : a);
        return;
    }
    line[0] = '\0';
    if (v->kind == VIEW_LIST || v->kind == VIEW_TIMELINE) {
        const struct list_state *l = &s->views[0].u.list;
        int i;

        for (i = s->depth - 1; i >= 0; i--) {
            if (s->views[i].kind == VIEW_LIST) {
                l = &s->views[i].u.list;
                break;
            }
        }
        draw_count(l->count, cnt, sizeof cnt);
        if (l->marks_only)
            snprintf(line, sizeof line, " marked (%s)", cnt);
        else if (l->filter_text[0] != '\0')
            snprintf(line, sizeof line, " filter: %s (%s)", l->filter_text,
                     cnt);
        else
            snprintf(line, sizeof line, " all requests (%s)", cnt);
    }
    if (s->search[0] != '\0') {
        size_t len = strlen(line);

        snprintf(line + len, sizeof line - len, "  search: %s%s (n/N)",
                 s->search_back ? "?" : "/", s->search);
    }
    p = sanitize_dup(line);
    x = draw_text(w, y, 0, s->cols, p, a);
    free(p);
    hints = draw_hints(s, 0);
    hw = (int)strlen(hints);
    if (x + 2 + hw >= s->cols) {
        hints = draw_hints(s, 1);
        hw = (int)strlen(hints);
    }
    if (x + 2 + hw < s->cols)
        draw_text(w, y, s->cols - hw - 1, hw, hints, a);
}

/* Drawing half of the view vtables, indexed by enum view_kind. */
static void (*const draw_body[VIEW_KIND_COUNT])(const struct state *, WINDOW *,
                                                const struct state_layout *) = {
    draw_list, draw_timeline, draw_textview};

void
draw_screen(const struct state *s, WINDOW *w, unsigned dirty)
{
    const struct view *v = state_top_const(s);
    struct state_layout lay;

    if (s->depth == 0)
        return;
    state_layout(s, &lay);
    if ((dirty & DIRTY_HEADER) && lay.header_y != lay.status_y &&
        lay.body_y > 0)
        draw_header(s, w, lay.header_y);
    if ((dirty & (DIRTY_STRIP | DIRTY_BODY)) && lay.strip_y >= 0) {
        if (v->kind == VIEW_LIST)
            draw_strip(s, w, lay.strip_y);
        else if (v->kind == VIEW_TIMELINE)
            draw_phase(s, w, lay.strip_y);
    }
    if ((dirty & DIRTY_HEADER) && lay.colhdr_y >= 0) {
        if (v->kind == VIEW_LIST)
            draw_list_colhdr(s, w, lay.colhdr_y);
        else if (v->kind == VIEW_TIMELINE)
            draw_tl_colhdr(s, w, lay.colhdr_y);
    }
    if (dirty & DIRTY_BODY) {
        draw_body[v->kind](s, w, &lay);
        if (lay.detail_h > 0)
            draw_detail(s, w, &lay);
    }
    if (dirty & DIRTY_STATUS)
        draw_status(s, w, lay.status_y);
}

void
draw_cursor(const struct state *s, int *y, int *x)
{
    struct state_layout lay;
    char *p;
    size_t pw, lw;

    *y = *x = -1;
    if (s->prompt.kind == PROMPT_NONE)
        return;
    state_layout(s, &lay);
    p = sanitize_dup(s->prompt.text);
    pw = fmt_width(p);
    lw = strlen(state_prompt_label(s));
    free(p);
    *y = lay.status_y;
    *x = (int)(lw + pw) < s->cols ? (int)(lw + pw) : s->cols - 1;
}
