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

#include "fmt.h"
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
    s->dirty = DIRTY_ALL;
    s->persist_dirty = 1;
    return RN_OK;
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
tl_detail_count(const struct tl_state *t)
{
    size_t n;
    char **lines = view_timeline_detail(t, &n);

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
        dn = tl_detail_count(t);
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

char **
view_timeline_detail(const struct tl_state *t, size_t *n)
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
        snprintf(buf + len, sizeof buf - len, "   level %lld",
                 (long long)e->level);
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
    snprintf(buf, sizeof buf, "time     %s UTC (%s ms)%s", ts,
             t->disp[t->cur].rel, e->provider != NULL ? "   provider " : "");
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

const struct view_ops view_timeline_ops = {
    .name = "timeline",
    .keys_in = KEYS_IN_TIMELINE,
    .key = tl_key,
    .resize = tl_resize,
    .search = tl_search,
    .fini = tl_fini,
};
