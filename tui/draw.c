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

int
draw_is_utf8(void)
{
    return draw_utf8;
}

/* Attribute of a role. */
attr_t
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
int
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
int
draw_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a)
{
    return draw_textn(w, y, x, maxw, s, strlen(s), a);
}

/* Draw text with every case-insensitive match of pat highlighted. */
int
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
void
draw_fill(WINDOW *w, int y, int x, int cols, attr_t a)
{
    if (x >= cols)
        return;
    wattrset(w, a);
    mvwhline(w, y, x, ' ', cols - x);
    wattrset(w, A_NORMAL);
}

/* Blank line y. */
void
draw_clear_line(WINDOW *w, int y, int cols)
{
    draw_fill(w, y, 0, cols, A_NORMAL);
}

/* Group digits: 1234567 -> "1,234,567". */
void
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
    if (s->marked > 0 && (v->kind == VIEW_LIST || v->kind == VIEW_TIMELINE)) {
        size_t len = strlen(line);

        snprintf(line + len, sizeof line - len, "  %lld marked",
                 (long long)s->marked);
    }
    if (s->search[0] != '\0') {
        size_t len = strlen(line);

        snprintf(line + len, sizeof line - len, "  search: %s%s (n/N)",
                 s->search_back ? "?" : "/", s->search);
    }
    p = sanitize_dup(line);
    x = draw_text(w, y, 0, s->cols, p, a);
    free(p);
    hints = view_ops_of(v->kind)->hints(0);
    hw = (int)strlen(hints);
    if (x + 2 + hw >= s->cols) {
        hints = view_ops_of(v->kind)->hints(1);
        hw = (int)strlen(hints);
    }
    if (x + 2 + hw >= s->cols) {
        /* Narrower still: the one hint that leads to the others. */
        hints = "? help";
        hw = (int)strlen(hints);
    }
    if (x + 2 + hw < s->cols)
        draw_text(w, y, s->cols - hw - 1, hw, hints, a);
}

void
draw_screen(const struct state *s, WINDOW *w, unsigned dirty)
{
    const struct view_ops *ops;
    struct state_layout lay;

    if (s->depth == 0)
        return;
    ops = view_ops_of(state_top_const(s)->kind);
    state_layout(s, &lay);
    if ((dirty & DIRTY_HEADER) && lay.header_y != lay.status_y &&
        lay.body_y > 0) {
        draw_fill(w, lay.header_y, 0, s->cols, draw_attr(TH_HEADER));
        ops->draw_header(s, w, lay.header_y);
    }
    if ((dirty & (DIRTY_STRIP | DIRTY_BODY)) && lay.strip_y >= 0 &&
        ops->draw_strip != NULL)
        ops->draw_strip(s, w, lay.strip_y);
    if ((dirty & DIRTY_HEADER) && lay.colhdr_y >= 0 && ops->draw_colhdr != NULL)
        ops->draw_colhdr(s, w, &lay);
    if (dirty & DIRTY_BODY)
        ops->draw_body(s, w, &lay);
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
