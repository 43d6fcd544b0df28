/*
 * The Markdown report (CommonMark with GitHub tables), for pasting into a
 * ticket, and readable as plain text too.  Identifiers from a trace (event
 * names, URLs, keys, paths, fields) are code spans (export_esc_md_code):
 * shown as they are, never markup, so a URL holding `<script>` or `|`
 * cannot break a table; prose (diagnoses, messages) goes through
 * export_esc_md, which backslash-escapes only punctuation with a meaning.
 * Header blocks are fenced with more backticks than they contain.  Role
 * events are marked in bold with their role.
 */
#include <inttypes.h>
#include <string.h>

#include "export_impl.h"
#include "render.h"
#include "rn_json.h"

/* Times in the report's tables: one fractional width for every row. */
#define MD_TS_DIGITS 6

/* Escaped inline text of a NUL-terminated string (NULL = dflt). */
static enum rn_rc
md_text(struct rn_buf *b, const char *s, const char *dflt)
{
    if (s == NULL)
        return rn_buf_puts(b, dflt);
    return export_esc_md(b, s, strlen(s), 0);
}

/* A code span of a NUL-terminated string (NULL = dflt as text). */
static enum rn_rc
md_code(struct rn_buf *b, const char *s, const char *dflt)
{
    if (s == NULL || s[0] == '\0')
        return rn_buf_puts(b, dflt);
    return export_esc_md_code(b, s, strlen(s));
}

/* A key/value table row whose value is an identifier. */
static void
md_row_code(struct rn_buf *b, const char *name, const char *value)
{
    rn_buf_printf(b, "| %s | ", name);
    md_code(b, value, "unknown");
    rn_buf_puts(b, " |\n");
}

/* A key/value table row. */
static void
md_row(struct rn_buf *b, const char *name, const char *value)
{
    rn_buf_printf(b, "| %s | ", name);
    md_text(b, value, "unknown");
    rn_buf_puts(b, " |\n");
}

static enum rn_rc
md_begin(struct export_ctx *c)
{
    struct rn_buf *b = &c->out;
    char num[32];
    size_t i;

    rn_buf_puts(b, "# reqnav report\n\n| | |\n|---|---|\n");
    md_row(b, "Store", c->store_label);
    md_row(b, "Generated", c->generated);
    md_row(b, "reqnav", RN_VERSION);
    if (c->redact)
        rn_buf_puts(b, "| Redaction | **on**: values of Authorization, "
                       "Proxy-Authorization, Cookie and Set-Cookie headers, "
                       "credential-like query parameters and URL passwords "
                       "are shown as \\[redacted\\] |\n");
    else
        rn_buf_puts(b, "| Redaction | **off** (--no-redact): cookies, "
                       "credentials and tokens are shown as captured |\n");
    md_row(b, "Selection", c->selection);
    snprintf(num, sizeof num, "%" PRId64, c->total);
    md_row(b, "Requests", num);
    rn_buf_puts(b, "\n## Source files\n\n");
    if (c->nsrc == 0)
        rn_buf_puts(b, "None imported.\n");
    else
        rn_buf_puts(b, "| File | Kind | Format | Bytes | SHA-256 | Events | "
                       "Requests | State |\n"
                       "|---|---|---|--:|---|--:|--:|---|\n");
    for (i = 0; i < c->nsrc; i++) {
        const struct src_row *s = &c->src[i];

        rn_buf_puts(b, "| ");
        md_code(b, s->path, "");
        rn_buf_printf(
            b, " | %s | ",
            store_kind_name(s->kind) != NULL ? store_kind_name(s->kind) : "?");
        md_text(b, s->format, "");
        rn_buf_printf(b, " | %" PRId64 " | ", s->size);
        md_code(b, s->sha256, "");
        rn_buf_printf(b, " | %" PRId64 " | %" PRId64 " | %s", s->events,
                      s->requests, s->truncated ? "truncated" : "complete");
        if (s->message != NULL) {
            rn_buf_puts(b, ": ");
            md_text(b, s->message, "");
        }
        rn_buf_puts(b, " |\n");
    }
    rn_buf_puts(b, "\n## Requests\n\n");
    if (c->total == 0)
        return rn_buf_puts(b, "No request matched.\n");
    return rn_buf_puts(b, "| ID | Start | Verb | Status | Duration | URL |\n"
                          "|--:|---|---|---|--:|---|\n");
}

static enum rn_rc
md_toc(struct export_ctx *c, const struct rq_row *r)
{
    struct rn_buf *b = &c->out;
    char ts[RN_TS_STR_MAX] = "-", status[32], dur[64];

    if (r->start_ns != STORE_NONE)
        render_time_fixed(r->start_ns, MD_TS_DIGITS, ts);
    render_status(r, status, sizeof status);
    export_duration(r, dur, sizeof dur);
    rn_buf_printf(b, "| [%" PRId64 "](#request-%" PRId64 ") | %s | ", r->id,
                  r->id, ts);
    md_text(b, r->verb, "-");
    rn_buf_printf(b, " | %s%s%s | %s | ", r->http_status >= 500 ? "**" : "",
                  status[0] ? status : "-", r->http_status >= 500 ? "**" : "",
                  dur);
    md_code(b, r->url, "-");
    return rn_buf_puts(b, " |\n");
}

/* An event's offset from the request start ("+6m41.0s"), or "-". */
static void
md_rel(struct rn_buf *b, const struct rq_row *r, const struct ev_row *e)
{
    char off[RENDER_DUR_MAX + 1];

    if (e->ts_ns == STORE_NONE || r->start_ns == STORE_NONE) {
        rn_buf_puts(b, "-");
        return;
    }
    render_offset(e->ts_ns - r->start_ns, off, sizeof off);
    rn_buf_puts(b, off);
}

/* The inline fields, one code span each, so that a renderer wraps the
 * list between fields and a reader sees where each ends. */
static void
md_fields(struct rn_buf *b, const char *json, struct rn_buf *tmp)
{
    struct rn_buf k, v;
    const char *p = json != NULL ? json : "{}";
    int first = 1;

    rn_buf_init(&k, RN_BUF_MAX_FIELD);
    rn_buf_init(&v, RN_BUF_MAX_FIELD);
    while (rn_json_flat_next(&p, &k, &v) == 1) {
        if (!render_field_inline(rn_buf_str(&k)))
            continue;
        rn_buf_reset(tmp);
        rn_buf_append(tmp, k.data != NULL ? k.data : "", k.len);
        rn_buf_putc(tmp, '=');
        rn_buf_append(tmp, v.data != NULL ? v.data : "", v.len);
        rn_buf_puts(b, first ? "" : " ");
        export_esc_md_code(b, tmp->data, tmp->len);
        first = 0;
    }
    rn_buf_fini(&k);
    rn_buf_fini(&v);
}

/* The cells of one event row: +ms, time, position, event, level, fields. */
static void
md_event_row(struct rn_buf *b, const struct rq_row *r, const struct ev_row *e,
             struct rn_buf *tmp)
{
    char ts[RN_TS_STR_MAX] = "-", pos[512];
    const char *em = e->role >= 0 ? "**" : "";

    if (e->ts_ns != STORE_NONE)
        render_time_fixed(e->ts_ns, MD_TS_DIGITS, ts);
    render_position(e->kind, e->file, e->seq, pos, sizeof pos);
    rn_buf_printf(b, "| %s", em);
    md_rel(b, r, e);
    rn_buf_printf(b, "%s | %s | ", em, ts);
    md_text(b, pos, "");
    rn_buf_puts(b, " | ");
    if (e->role >= 0)
        rn_buf_printf(b, "**%s:** ", export_role_label(e->role));
    md_code(b, e->name, "-");
    rn_buf_printf(b, " | %s | ", export_level_name(e->level));
    md_fields(b, e->fields_json, tmp);
    rn_buf_puts(b, " |\n");
}

static enum rn_rc
md_request(struct export_ctx *c, const struct rq_row *r,
           const struct ev_row *ev, size_t n)
{
    struct rn_buf *b = &c->out, tmp;
    char ts[RN_TS_STR_MAX], status[32], dur[64], src[64], num[64];
    size_t i, fence, k;
    int role, any_headers = 0;

    rn_buf_init(&tmp, 4 * RN_BUF_MAX_FIELD);
    render_status(r, status, sizeof status);
    rn_buf_printf(b,
                  "\n<a id=\"request-%" PRId64 "\"></a>\n\n"
                  "## Request %" PRId64 ": %s ",
                  r->id, r->id, status[0] ? status : "-");
    md_text(b, r->verb, "-");
    rn_buf_puts(b, " ");
    md_code(b, r->url, "-");
    rn_buf_puts(b, "\n\n| | |\n|---|---|\n");
    md_row_code(b, "Key", r->key);
    if (r->start_ns != STORE_NONE) {
        render_time_fixed(r->start_ns, MD_TS_DIGITS, ts);
        md_row(b, "Start", ts);
    } else {
        md_row(b, "Start", NULL);
    }
    if (r->end_ns != STORE_NONE) {
        render_time_fixed(r->end_ns, MD_TS_DIGITS, ts);
        md_row(b, "End", ts);
    } else {
        md_row(b, "End", NULL);
    }
    export_duration(r, dur, sizeof dur);
    md_row(b, "Duration", dur);
    md_row(b, "Verb", r->verb);
    md_row_code(b, "URL", r->url);
    rn_buf_printf(b, "| Status | %s%s%s", r->http_status >= 500 ? "**" : "",
                  status[0] ? status : "unknown",
                  r->http_status >= 500 ? "**" : "");
    if (r->win32_status != STORE_NONE) {
        render_win32(r->win32_status, num, sizeof num);
        rn_buf_printf(b, " (Win32 status `%s`)", num);
    }
    rn_buf_puts(b, " |\n");
    render_sources(r->sources, ", ", src, sizeof src);
    md_row(b, "Sources", src);
    rn_buf_puts(b, "| Diagnosis | ");
    if (r->diagnosis != NULL) {
        rn_buf_puts(b, "**");
        md_text(b, r->diagnosis, "");
        rn_buf_puts(b, "**");
    } else {
        rn_buf_puts(b, "none");
    }
    rn_buf_puts(b, " |\n\n### Role events\n\n"
                   "| Offset | Time | Position | Event | Level | Fields |\n"
                   "|--:|---|---|---|---|---|\n");
    for (role = 0; role < STORE_ROLE_COUNT; role++) {
        long at = export_role_index(ev, n, role);

        if (at < 0)
            rn_buf_printf(b, "| - | - | - | **%s:** no such event | | |\n",
                          export_role_label(role));
        else
            md_event_row(b, r, &ev[at], &tmp);
    }
    rn_buf_printf(b,
                  "\n### Timeline (%zu event%s)\n\n"
                  "| Offset | Time | Position | Event | Level | Fields |\n"
                  "|--:|---|---|---|---|---|\n",
                  n, n == 1 ? "" : "s");
    for (i = 0; i < n; i++)
        md_event_row(b, r, &ev[i], &tmp);
    for (i = 0; i < n; i++) {
        char pos[512];

        rn_buf_reset(&tmp);
        if (!export_event_headers(&ev[i], &tmp))
            continue;
        if (!any_headers)
            rn_buf_puts(b, "\n### HTTP headers\n");
        any_headers = 1;
        render_position(ev[i].kind, ev[i].file, ev[i].seq, pos, sizeof pos);
        rn_buf_puts(b, "\n#### ");
        md_text(b, pos, "");
        rn_buf_puts(b, ": ");
        md_code(b, ev[i].name, "-");
        fence = export_esc_md_fence(tmp.data);
        rn_buf_puts(b, "\n\n");
        for (k = 0; k < fence; k++)
            rn_buf_putc(b, '`');
        rn_buf_puts(b, "http\n");
        export_esc_md(b, tmp.data != NULL ? tmp.data : "", tmp.len,
                      EXPORT_ESC_PRE);
        if (b->len > 0 && b->data[b->len - 1] != '\n')
            rn_buf_putc(b, '\n');
        for (k = 0; k < fence; k++)
            rn_buf_putc(b, '`');
        rn_buf_putc(b, '\n');
    }
    rn_buf_fini(&tmp);
    return rn_buf_puts(b, "\n---\n");
}

static enum rn_rc
md_end(struct export_ctx *c)
{
    return rn_buf_printf(&c->out, "\nGenerated by reqnav %s at %s.\n",
                         RN_VERSION, c->generated);
}

const struct export_writer export_md_writer = {md_begin, md_toc, NULL,
                                               md_request, md_end};
