/*
 * The timeline of one request: every event of every source linked to it,
 * merged in time order (query_timeline), with a display cache of the
 * sanitised strings of each event built once when the request opens.
 * Jump keys move to the events holding the request's roles; e/E replace
 * the request by the next failed one of the list underneath (whose
 * cursor follows, so going back lands there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "fmt.h"
#include "render.h"
#include "rn_buf.h"
#include "rn_cause.h"
#include "rn_json.h"
#include "rn_time.h"
#include "sanitize.h"
#include "triage.h"
#include "view.h"
#include "xmalloc.h"

/* Keep the cursor inside the visible rows. */
static void
tl_fix_top(struct state *s, struct tl_state *t)
{
    size_t h = (size_t)state_body_height(s);

    if (h < 1)
        h = 1;
    if (t->n == 0) {
        t->cur = t->top = 0;
        return;
    }
    if (t->cur >= t->n)
        t->cur = t->n - 1;
    if (t->cur < t->top)
        t->top = t->cur;
    if (t->cur >= t->top + h)
        t->top = t->cur - h + 1;
    if (t->top + h > t->n)
        t->top = t->n > h ? t->n - h : 0;
}

/* Free what a timeline owns. */
static void
tl_fini(struct view *v)
{
    struct tl_state *t = &v->u.tl;
    size_t i;

    for (i = 0; i < t->n; i++) {
        free(t->disp[i].rel);
        free(t->disp[i].pos);
        free(t->disp[i].name);
        free(t->disp[i].fields);
    }
    free(t->disp);
    ev_rows_free(t->ev, t->n);
    rq_row_fini(&t->req);
    memset(t, 0, sizeof *t);
}

/* Build the display strings of every event. */
static void
tl_build(struct tl_state *t)
{
    struct fmt_fields f;
    char buf[256];
    size_t i;

    t->disp = xcalloc(t->n ? t->n : 1, sizeof *t->disp);
    for (i = 0; i < t->n; i++) {
        const struct ev_row *e = &t->ev[i];

        fmt_rel(e->ts_ns == STORE_NONE || t->req.start_ns == STORE_NONE
                    ? STORE_NONE
                    : e->ts_ns - t->req.start_ns,
                buf, sizeof buf);
        t->disp[i].rel = xstrdup(buf);
        fmt_srcpos(e->kind, e->file, e->seq, buf, sizeof buf);
        t->disp[i].pos = xstrdup(buf);
        t->disp[i].name = sanitize_dup(e->name != NULL ? e->name : "");
        if (e->child) {
            /* An ARR member's event under its front end's request. */
            char *plain = t->disp[i].name;

            snprintf(buf, sizeof buf, "> %s", plain);
            t->disp[i].name = xstrdup(buf);
            free(plain);
        }
        fmt_fields_parse(e->fields_json, &f);
        t->disp[i].fields = fmt_fields_inline(&f);
        fmt_fields_fini(&f);
    }
}

void
view_timeline_jump_role(struct state *s, struct tl_state *t, int role)
{
    const char *why;
    size_t i;

    for (i = 0; i < t->n; i++) {
        if (t->ev[i].role == role) {
            t->cur = i;
            tl_fix_top(s, t);
            s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
            s->persist_dirty = 1;
            return;
        }
    }
    /* Say why when the failure class has no such event (an HTTP.sys 503
     * has no handler start), rather than leave the key silent. */
    why = rn_cause_absence(t->req.cause, store_role_name(role));
    state_message(s, 1, "no %s event in this request%s%s",
                  store_role_name(role), why != NULL ? ": " : "",
                  why != NULL ? why : "");
}

static int tl_search(struct state *s, struct view *v, int back, int next,
                     int incremental);

enum rn_rc
view_timeline_open(struct state *s, int64_t id, int role, int64_t uid,
                   struct rn_err *err)
{
    struct tl_state t;
    struct view *v;
    enum rn_rc rc;
    size_t i;

    memset(&t, 0, sizeof t);
    rc = query_request_get(s->st, id, &t.req, err);
    if (rc == RN_OK)
        rc = query_timeline(s->st, &t.req, &t.ev, &t.n, err);
    if (rc != RN_OK) {
        rq_row_fini(&t.req);
        return rc;
    }
    tl_build(&t);
    v = state_top(s);
    if (v->kind == VIEW_TIMELINE) {
        t.detail = v->u.tl.detail;
        tl_fini(v);
    } else {
        v = state_push(s, VIEW_TIMELINE);
        if (v == NULL) {
            struct view tmp;

            tmp.kind = VIEW_TIMELINE;
            tmp.u.tl = t;
            tl_fini(&tmp);
            return RN_OK;
        }
    }
    v->u.tl = t;
    if (uid != 0) {
        for (i = 0; i < v->u.tl.n; i++)
            if (v->u.tl.ev[i].uid == uid)
                v->u.tl.cur = i;
    }
    tl_fix_top(s, &v->u.tl);
    if (role >= 0)
        view_timeline_jump_role(s, &v->u.tl, role);
    else if (uid == 0 && s->search[0] != '\0')
        /* Opened from a search: on the event that matched, scrolled into
         * view and highlighted (the list found it by text:). */
        tl_search(s, v, 0, 0, 0);
    s->dirty = DIRTY_ALL;
    s->persist_dirty = 1;
    return RN_OK;
}

void
view_timeline_reload(struct state *s, struct view *v)
{
    struct tl_state t, *old = &v->u.tl;
    struct rn_err err = {0};
    struct view tmp;
    int64_t uid = old->n > 0 ? old->ev[old->cur].uid : 0;
    size_t i;

    memset(&t, 0, sizeof t);
    if (query_request_get(s->st, old->req.id, &t.req, &err) != RN_OK ||
        query_timeline(s->st, &t.req, &t.ev, &t.n, &err) != RN_OK) {
        /* Merged into another request: the old view stays readable. */
        rq_row_fini(&t.req);
        state_message(s, 1, "the open request changed in the store: %s",
                      err.msg);
        return;
    }
    tl_build(&t);
    t.cur = old->cur < t.n ? old->cur : (t.n ? t.n - 1 : 0);
    for (i = 0; i < t.n; i++)
        if (uid != 0 && t.ev[i].uid == uid)
            t.cur = i;
    t.top = old->top;
    t.detail = old->detail;
    t.detail_top = old->detail_top;
    tmp.kind = VIEW_TIMELINE;
    tmp.u.tl = *old;
    tl_fini(&tmp);
    v->u.tl = t;
    tl_fix_top(s, &v->u.tl);
}

/* Is event e a warning or worse (level 1..3)? */
static int
tl_is_warning(const struct ev_row *e)
{
    return e->level != STORE_NONE && e->level >= 1 && e->level <= 3;
}

/* Move to the next/previous warning-or-error event. */
static void
tl_warn(struct state *s, struct tl_state *t, int forward)
{
    size_t i;

    for (i = 1; i <= t->n; i++) {
        size_t k;

        if (forward) {
            k = t->cur + i;
            if (k >= t->n)
                break;
        } else {
            if (i > t->cur)
                break;
            k = t->cur - i;
        }
        if (tl_is_warning(&t->ev[k])) {
            t->cur = k;
            tl_fix_top(s, t);
            return;
        }
    }
    state_message(s, 1, "no %s warning or error event",
                  forward ? "next" : "previous");
}

/* Does event i match the search (name, position, fields, raw)? */
static int
tl_match(const struct tl_state *t, size_t i, const char *pat)
{
    return fmt_find_ci(t->disp[i].name, pat) >= 0 ||
           fmt_find_ci(t->disp[i].pos, pat) >= 0 ||
           fmt_find_ci(t->disp[i].fields, pat) >= 0 ||
           (t->ev[i].raw != NULL && fmt_find_ci(t->ev[i].raw, pat) >= 0);
}

/* Search the events in memory, wrapping around. */
static int
tl_search(struct state *s, struct view *v, int back, int next, int incremental)
{
    struct tl_state *t = &v->u.tl;
    size_t i, k;

    (void)incremental;
    if (t->n == 0)
        return 0;
    for (i = next ? 1 : 0; i <= t->n; i++) {
        k = back ? (t->cur + t->n - i % t->n) % t->n : (t->cur + i) % t->n;
        if (tl_match(t, k, s->search)) {
            if ((back && k > t->cur) || (!back && k < t->cur))
                state_message(s, 0, "search wrapped");
            t->cur = k;
            tl_fix_top(s, t);
            s->persist_dirty = 1;
            return 1;
        }
    }
    return 0;
}

/* e/E: the next failed request of the list underneath. */
static void
tl_next_failed(struct state *s, struct tl_state *t, int forward)
{
    struct list_state *l = state_list(s);
    struct rn_err err = {0};
    int64_t id;

    if (view_list_find_failed(s, l, t->req.id, forward, &id, &err) != RN_OK) {
        state_store_error(s, &err);
        return;
    }
    if (id == 0) {
        state_message(s, 1, "no %s failed request",
                      forward ? "next" : "previous");
        return;
    }
    view_list_anchor_id(s, l, id, 0);
    if (view_timeline_open(s, id, -1, 0, &err) != RN_OK)
        state_store_error(s, &err);
}

/* Number of lines in the cursor event's detail. */
static size_t
tl_detail_count(const struct state *s, const struct tl_state *t)
{
    size_t n;
    char **lines = view_timeline_detail(t, (size_t)s->cols - 1, &n);

    view_timeline_detail_free(lines, n);
    return n;
}

/* Key handler of the timeline. */
static unsigned
tl_key(struct state *s, struct view *v, enum keys_action a)
{
    struct tl_state *t = &v->u.tl;
    size_t h = (size_t)state_body_height(s), dn;

    s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
    s->persist_dirty = 1;
    switch (a) {
    case ACT_DOWN:
        if (t->cur + 1 < t->n)
            t->cur++;
        break;
    case ACT_UP:
        if (t->cur > 0)
            t->cur--;
        break;
    case ACT_PGDN:
        t->cur += h;
        if (t->cur >= t->n)
            t->cur = t->n ? t->n - 1 : 0;
        break;
    case ACT_PGUP:
        t->cur = t->cur > h ? t->cur - h : 0;
        break;
    case ACT_HOME:
        t->cur = 0;
        break;
    case ACT_END:
        t->cur = t->n ? t->n - 1 : 0;
        break;
    case ACT_JUMP_CGI:
        view_timeline_jump_role(s, t, STORE_ROLE_CGI_START);
        break;
    case ACT_JUMP_HDR:
        view_timeline_jump_role(s, t, STORE_ROLE_HEADER_ERROR);
        break;
    case ACT_JUMP_SEND:
        view_timeline_jump_role(s, t, STORE_ROLE_STATUS_SEND);
        break;
    case ACT_NEXT:
    case ACT_WARN_NEXT:
        tl_warn(s, t, 1);
        break;
    case ACT_PREV:
    case ACT_WARN_PREV:
        tl_warn(s, t, 0);
        break;
    case ACT_FAIL_NEXT:
    case ACT_FAIL_PREV:
        tl_next_failed(s, t, a == ACT_FAIL_NEXT);
        return UI_HANDLED | UI_REDRAW;
    case ACT_DETAIL:
        t->detail = !t->detail;
        t->detail_top = 0;
        s->dirty = DIRTY_ALL;
        break;
    case ACT_DETAIL_DOWN:
        if (!t->detail) {
            t->detail = 1;
            s->dirty = DIRTY_ALL;
            break;
        }
        dn = tl_detail_count(s, t);
        if (t->detail_top + 1 < dn)
            t->detail_top++;
        break;
    case ACT_DETAIL_UP:
        if (t->detail_top > 0)
            t->detail_top--;
        break;
    case ACT_MARK:
        view_list_toggle_mark(s, t->req.id, !t->req.marked);
        state_message(s, 0, "%s", t->req.marked ? "marked" : "unmarked");
        break;
    case ACT_BACK:
        state_pop(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_CLEAR:
        if (t->detail) {
            t->detail = 0;
            s->dirty = DIRTY_ALL;
        }
        break;
    default:
        return UI_IGNORED;
    }
    if (a != ACT_DETAIL_DOWN && a != ACT_DETAIL_UP && a != ACT_DETAIL)
        t->detail_top = 0;
    tl_fix_top(s, t);
    return UI_HANDLED | UI_REDRAW;
}

/* Resize: keep the cursor visible. */
static void
tl_resize(struct state *s, struct view *v)
{
    tl_fix_top(s, &v->u.tl);
}

/* Append one line (sanitised, one line) to the array. */
static void
tl_add(char ***lines, size_t *n, size_t *cap, const char *prefix,
       const char *text, size_t len)
{
    struct rn_buf b;

    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *lines = xrealloc(*lines, *cap, sizeof **lines);
    }
    rn_buf_init(&b, RN_BUF_MAX_FIELD);
    rn_buf_puts(&b, prefix);
    if (sanitize_append(&b, text, len, SANITIZE_ONELINE) != RN_OK)
        rn_buf_puts(&b, " <too long>");
    (*lines)[(*n)++] = rn_buf_take(&b);
}

/* Does raw text look binary (controls other than tab/CR/LF, or NUL)? */
static int
tl_is_binary(const char *raw)
{
    const unsigned char *p;

    for (p = (const unsigned char *)raw; *p != '\0'; p++)
        if (*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n')
            return 1;
    return 0;
}

/* Split text on LF (dropping a CR before it) into lines with a prefix. */
static void
tl_add_split(char ***lines, size_t *n, size_t *cap, const char *prefix,
             const char *cont, const char *text, size_t max_lines)
{
    const char *p = text, *nl;
    size_t len, k = 0;

    do {
        nl = strchr(p, '\n');
        len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        if (len > 0 && p[len - 1] == '\r')
            len--;
        tl_add(lines, n, cap, k == 0 ? prefix : cont, p, len);
        p = nl != NULL ? nl + 1 : p + len;
        if (++k >= max_lines && nl != NULL) {
            tl_add(lines, n, cap, cont, "...", 3);
            break;
        }
    } while (nl != NULL);
}

/* Hex view of binary raw data, 16 bytes a line. */
static void
tl_add_hex(char ***lines, size_t *n, size_t *cap, const char *raw)
{
    const unsigned char *p = (const unsigned char *)raw;
    size_t len = strlen(raw), off, i;
    char line[96], *q;

    for (off = 0; off < len && off < 65536; off += 16) {
        q = line;
        q += snprintf(q, 12, "  %04zx  ", off);
        for (i = 0; i < 16; i++) {
            if (off + i < len)
                q += snprintf(q, 4, "%02x ", p[off + i]);
            else
                q += snprintf(q, 4, "   ");
        }
        *q++ = ' ';
        for (i = 0; i < 16 && off + i < len; i++)
            *q++ = p[off + i] >= 0x20 && p[off + i] < 0x7F ? (char)p[off + i]
                                                           : '.';
        *q = '\0';
        tl_add(lines, n, cap, "", line, strlen(line));
    }
}

/*
 * Wrap every line to width columns so the pane shows each field whole;
 * continuation lines are indented past the line's own indent.  Frees the
 * old lines and returns the new array (*n updated).
 */
/* Append a copy of len bytes of s after ind blanks. */
static void
tl_push_piece(char ***out, size_t *m, size_t *cap, size_t ind, const char *s,
              size_t len)
{
    char *piece = xmalloc(ind + len + 1);

    memset(piece, ' ', ind);
    memcpy(piece + ind, s, len);
    piece[ind + len] = '\0';
    if (*m == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *out = xrealloc(*out, *cap, sizeof **out);
    }
    (*out)[(*m)++] = piece;
}

static char **
tl_wrap_lines(char **lines, size_t *n, size_t width)
{
    char **out = NULL;
    size_t cap = 0, m = 0, i, k, nl, ind, st0, ln0, *st, *ln;
    const char *rest;

    for (i = 0; i < *n; i++) {
        if (fmt_width(lines[i]) <= width) {
            tl_push_piece(&out, &m, &cap, 0, lines[i], strlen(lines[i]));
            continue;
        }
        ind = strspn(lines[i], " ") + 4;
        if (ind + 8 > width)
            ind = 0;
        /* The first line at full width, the rest under the indent. */
        fmt_wrap(lines[i], width, &st0, &ln0, 1);
        tl_push_piece(&out, &m, &cap, 0, lines[i] + st0, ln0);
        rest = lines[i] + st0 + ln0;
        rest += strspn(rest, " ");
        if (*rest == '\0')
            continue;
        nl = fmt_wrap(rest, width - ind, NULL, NULL, 0);
        st = xcalloc(nl, sizeof *st);
        ln = xcalloc(nl, sizeof *ln);
        fmt_wrap(rest, width - ind, st, ln, nl);
        for (k = 0; k < nl; k++)
            tl_push_piece(&out, &m, &cap, ind, rest + st[k], ln[k]);
        free(st);
        free(ln);
    }
    view_timeline_detail_free(lines, *n);
    *n = m;
    return out;
}

char **
view_timeline_detail(const struct tl_state *t, size_t width, size_t *n)
{
    char **lines = NULL, buf[512], ts[64];
    size_t cap = 0, i, len;
    const struct ev_row *e;
    const char *label;
    struct fmt_fields f;

    *n = 0;
    if (t->n == 0 || t->cur >= t->n)
        return NULL;
    e = &t->ev[t->cur];
    /* Three lines of where and when, then the fields, then the raw text. */
    /* The role with what the event is: "cgi_start (FastCGI start)". */
    label = e->role >= 0 ? triage_event_label(e->name) : NULL;
    snprintf(buf, sizeof buf, "event    %s%s%s%s%s%s", t->disp[t->cur].name,
             e->role >= 0 ? "   role: " : "",
             e->role >= 0 ? store_role_name(e->role) : "",
             label != NULL ? " (" : "", label != NULL ? label : "",
             label != NULL ? ")" : "");
    len = strlen(buf);
    if (e->level != STORE_NONE)
        snprintf(buf + len, sizeof buf - len, "   level: %s",
                 fmt_level(e->level));
    tl_add(&lines, n, &cap, "", buf, strlen(buf));
    snprintf(buf, sizeof buf, "source   %s", t->disp[t->cur].pos);
    len = strlen(buf);
    if (e->line != STORE_NONE)
        snprintf(buf + len, sizeof buf - len, "   line %lld",
                 (long long)e->line);
    len = strlen(buf);
    snprintf(buf + len, sizeof buf - len, "   ");
    tl_add(&lines, n, &cap, buf, e->file ? e->file : "",
           e->file ? strlen(e->file) : 0);
    fmt_time(e->ts_ns, FMT_TIME_FULL, ts, sizeof ts);
    snprintf(buf, sizeof buf, "time     %s UTC (%s)%s", ts, t->disp[t->cur].rel,
             e->provider != NULL ? "   provider " : "");
    tl_add(&lines, n, &cap, buf, e->provider ? e->provider : "",
           e->provider ? strlen(e->provider) : 0);
    fmt_fields_parse(e->fields_json, &f);
    tl_add(&lines, n, &cap, "", "fields:", 7);
    for (i = 0; i < f.n; i++) {
        struct rn_buf k;

        rn_buf_init(&k, 4096);
        rn_buf_puts(&k, "  ");
        sanitize_append(&k, f.keys[i], strlen(f.keys[i]), SANITIZE_ONELINE);
        rn_buf_puts(&k, " = ");
        tl_add_split(&lines, n, &cap, rn_buf_str(&k), "      ", f.vals[i], 200);
        rn_buf_fini(&k);
    }
    fmt_fields_fini(&f);
    if (e->raw != NULL && e->raw[0] != '\0') {
        tl_add(&lines, n, &cap, "", "raw:", 4);
        if (tl_is_binary(e->raw))
            tl_add_hex(&lines, n, &cap, e->raw);
        else
            tl_add_split(&lines, n, &cap, "  ", "  ", e->raw, 4000);
    }
    if (width > 0)
        lines = tl_wrap_lines(lines, n, width);
    return lines;
}

void
view_timeline_detail_free(char **lines, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* ---- drawing ---------------------------------------------------- */

/* The header: verb, status, duration, events, URL. */
static void
tl_draw_header(const struct state *s, WINDOW *w, int y)
{
    const struct tl_state *t = &state_top_const(s)->u.tl;
    const struct rq_row *r = &t->req;
    char line[128], st[32], dur[32];
    attr_t h = draw_attr(TH_HEADER);
    char *url = sanitize_dup(r->url != NULL ? r->url : "-");
    char *verb = sanitize_dup(r->verb != NULL ? r->verb : "-");
    int x;

    fmt_status(r->http_status, r->substatus, st, sizeof st);
    if (render_duration_approx(r))
        render_request_duration(r, dur, sizeof dur);
    else
        fmt_duration(r->start_ns, r->end_ns, dur, sizeof dur);
    x = draw_text(w, y, 0, s->cols, " ", h);
    x += draw_text(w, y, x, s->cols - x, verb, h);
    x += draw_text(w, y, x, s->cols - x, " ", h);
    x += draw_text(w, y, x, s->cols - x, st,
                   r->severity == 2 ? (draw_attr(TH_FAIL) | A_REVERSE) : h);
    snprintf(line, sizeof line, " %s%s %zu events%s ", dur,
             render_timing_coarse(r) ? " (coarse times)" : "", t->n,
             r->marked ? " [marked]" : "");
    x += draw_text(w, y, x, s->cols - x, line, h);
    if (x < s->cols) {
        /* The path (with the host only when the store has several),
         * its page name kept when the header is narrow. */
        char *el = fmt_url_short(s->many_hosts ? url : fmt_url_path(url),
                                 (size_t)(s->cols - x),
                                 draw_is_utf8() ? "\xe2\x80\xa6" : "~");

        draw_text(w, y, x, s->cols - x, el, h);
        free(el);
    }
    free(url);
    free(verb);
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
    /* Whole seconds only: the request's "~6m41s", not a span to 0.1 s. */
    if (render_duration_approx(&t->req))
        render_request_duration(&t->req, lab, sizeof lab);
    else
        fmt_duration(t0, t1, lab, sizeof lab);
    x0 = 1;
    x1 = cols - (int)strlen(lab) - 3;
    if (x1 <= x0 + 2)
        x1 = cols - 2;
    draw_text(w, y, x0 - 1, 1, draw_is_utf8() ? "\xe2\x94\x9c" : "|",
              draw_attr(TH_BAR));
    for (c = x0; c < x1; c++)
        draw_text(w, y, c, 1, draw_is_utf8() ? "\xe2\x94\x80" : "-",
                  draw_attr(TH_BAR));
    draw_text(w, y, x1, 1, draw_is_utf8() ? "\xe2\x94\xa4" : "|",
              draw_attr(TH_BAR));
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

/* Column widths of the timeline for the screen and its events. */
struct tl_cols {
    int relw, posw, namew;
};

/*
 * Each column as wide as its widest entry, within a share of the screen
 * (so at 160 columns MODULE_SET_RESPONSE_ERROR_STATUS and a W3C file's
 * line stand whole, and at 80 the fields keep room).
 */
static void
tl_cols(const struct state *s, const struct tl_state *t, struct tl_cols *c)
{
    int room, pcap, ncap;
    size_t k;

    c->relw = 6;
    c->posw = 6;
    c->namew = 5;
    for (k = 0; k < t->n; k++) {
        int pw = (int)fmt_width(t->disp[k].pos),
            nw = (int)fmt_width(t->disp[k].name),
            rw = (int)strlen(t->disp[k].rel);

        c->posw = pw > c->posw ? pw : c->posw;
        c->namew = nw > c->namew ? nw : c->namew;
        c->relw = rw > c->relw ? rw : c->relw;
    }
    c->relw = c->relw > 12 ? 12 : c->relw;
    room = s->cols - c->relw - 5;
    /* The event name first: CGI_PREMATURE_TERMINATION whole at 80. */
    pcap = room / 4 > 12 ? room / 4 : 12;
    ncap = room * 2 / 5 > 26 ? room * 2 / 5 : 26;
    c->posw = c->posw > pcap ? pcap : c->posw;
    c->namew = c->namew > ncap ? ncap : c->namew;
}

/* The diagnosis as wrapped lines: how many at width (starts in st). */
static size_t
tl_diag_lines(const char *d, size_t width, size_t *st, size_t *ln, size_t max)
{
    if (d == NULL || d[0] == '\0')
        return 0;
    return fmt_wrap(d, width, st, ln, max);
}

/* Lines above the events: the whole diagnosis, then the headings. */
static int
tl_colhdr_lines(const struct state *s, const struct view *v)
{
    char *d = v->u.tl.req.diagnosis != NULL
                  ? sanitize_dup(v->u.tl.req.diagnosis)
                  : NULL;
    size_t n =
        tl_diag_lines(d, s->cols > 2 ? (size_t)s->cols - 2 : 1, NULL, NULL, 0);

    free(d);
    return (int)n + 1;
}

/* The diagnosis wrapped whole (the most important text), then headings. */
static void
draw_tl_colhdr(const struct state *s, WINDOW *w, const struct state_layout *lay)
{
    const struct tl_state *t = &state_top_const(s)->u.tl;
    char *d = t->req.diagnosis != NULL ? sanitize_dup(t->req.diagnosis) : NULL;
    size_t width = s->cols > 2 ? (size_t)s->cols - 2 : 1, nl, k, *st, *ln;
    struct tl_cols c;
    int y = lay->colhdr_y, x;
    attr_t a = draw_attr(TH_COLHDR);

    nl = tl_diag_lines(d, width, NULL, NULL, 0);
    st = xcalloc(nl + 1, sizeof *st);
    ln = xcalloc(nl + 1, sizeof *ln);
    tl_diag_lines(d, width, st, ln, nl);
    for (k = 0; k < nl && (int)k < lay->colhdr_h - 1; k++) {
        draw_clear_line(w, y, s->cols);
        /* The last line that fits ends in an ellipsis when cut. */
        draw_textn(w, y, 1, s->cols - 1, d + st[k], ln[k], draw_attr(TH_FAIL));
        if ((int)k == lay->colhdr_h - 2 && k + 1 < nl && s->cols > 2)
            draw_text(w, y, s->cols - 2, 1,
                      draw_is_utf8() ? "\xe2\x80\xa6" : "~",
                      draw_attr(TH_FAIL));
        y++;
    }
    free(st);
    free(ln);
    free(d);
    tl_cols(s, t, &c);
    draw_fill(w, y, 0, s->cols, a);
    x = 2 + c.relw - 6;
    draw_text(w, y, x > 0 ? x : 0, s->cols, "OFFSET", a);
    x = 2 + c.relw + 1;
    if (x < s->cols)
        draw_text(w, y, x, s->cols - x, "SOURCE", a);
    x += c.posw + 1;
    if (x < s->cols)
        draw_text(w, y, x, s->cols - x, "EVENT", a);
    x += c.namew + 1;
    if (x < s->cols)
        draw_text(w, y, x, s->cols - x, "FIELDS", a);
}

/*
 * A cell cut in the middle when too wide: a file's end and the position
 * in it, an event name's end (..._TERMINATION), are the informative parts.
 */
static void
tl_draw_cell(const struct state *s, WINDOW *w, int y, int x, int width,
             const char *text, attr_t a)
{
    char *el;

    if (width <= 0)
        return;
    el = fmt_elide_middle(text, (size_t)width,
                          draw_is_utf8() ? "\xe2\x80\xa6" : "~");
    draw_text_hl(w, y, x, width, el, a, s->search);
    free(el);
}

/* The timeline body: one event per row. */
static void
draw_timeline(const struct state *s, WINDOW *w, const struct state_layout *lay)
{
    const struct tl_state *t = &state_top_const(s)->u.tl;
    int cols = s->cols, i, posw, namew, relw;
    struct tl_cols c;

    tl_cols(s, t, &c);
    relw = c.relw;
    posw = c.posw;
    namew = c.namew;
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
            tl_draw_cell(s, w, y, x, posw < cols - x ? posw : cols - x,
                         t->disp[e].pos, base | draw_attr(TH_DIM));
        x += posw + 1;
        na = base;
        if (ev->level != STORE_NONE && ev->level >= 1 && ev->level <= 2)
            na |= draw_attr(TH_FAIL);
        else if (ev->level == 3)
            na |= draw_attr(TH_WARN);
        if (ev->role >= 0)
            na |= A_BOLD;
        if (x < cols)
            tl_draw_cell(s, w, y, x, namew < cols - x ? namew : cols - x,
                         t->disp[e].name, na);
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
    char **lines = view_timeline_detail(t, (size_t)s->cols - 1, &n);
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

/* Is the detail pane shown? */
static int
tl_pane(const struct view *v)
{
    return v->u.tl.detail;
}

/* The body, and the detail pane under it when shown. */
static void
tl_draw_body(const struct state *s, WINDOW *w, const struct state_layout *lay)
{
    draw_timeline(s, w, lay);
    if (lay->detail_h > 0)
        draw_detail(s, w, lay);
}

/* Key hints for the status line: long, then short forms. */
static const char *
tl_hints(int shortest)
{
    return shortest ? "c/h/s jump  ? help  q back"
                    : "c/h/s jump  e/E failed  Enter detail  ? help  q back";
}

const struct view_ops view_timeline_ops = {
    .name = "timeline",
    .keys_in = KEYS_IN_TIMELINE,
    .key = tl_key,
    .resize = tl_resize,
    .search = tl_search,
    .fini = tl_fini,
    .draw_header = tl_draw_header,
    .draw_strip = draw_phase,
    .draw_colhdr = draw_tl_colhdr,
    .draw_body = tl_draw_body,
    .hints = tl_hints,
    .pane = tl_pane,
    .colhdr_lines = tl_colhdr_lines,
};
