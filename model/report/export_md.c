/*
 * The Markdown report (CommonMark with GitHub tables), for pasting into a
 * ticket.  Trace text goes through export_esc_md: punctuation that means
 * something in Markdown is backslash-escaped, so a URL holding `<script>`
 * or `|` stays text and cannot break a table; header blocks are fenced
 * with more backticks than they contain.  Role events are marked in bold
 * with their role in brackets.
 */
#include <inttypes.h>
#include <string.h>

#include "export_impl.h"
#include "render.h"

/* Escaped inline text of a NUL-terminated string (NULL = dflt). */
static enum rn_rc
md_text(struct rn_buf *b, const char *s, const char *dflt)
{
    if (s == NULL)
        return rn_buf_puts(b, dflt);
    return export_esc_md(b, s, strlen(s), 0);
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
        md_text(b, s->path, "");
        rn_buf_printf(
            b, " | %s | ",
            store_kind_name(s->kind) != NULL ? store_kind_name(s->kind) : "?");
        md_text(b, s->format, "");
        rn_buf_printf(b, " | %" PRId64 " | `", s->size);
        md_text(b, s->sha256, "");
        rn_buf_printf(b, "` | %" PRId64 " | %" PRId64 " | %s", s->events,
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
        rn_time_format(r->start_ns, ts);
    render_status(r, status, sizeof status);
    export_duration(r, dur, sizeof dur);
    rn_buf_printf(b, "| [%" PRId64 "](#request-%" PRId64 ") | %s | ", r->id,
                  r->id, ts);
    md_text(b, r->verb, "-");
    rn_buf_printf(b, " | %s%s%s | %s | ", r->http_status >= 500 ? "**" : "",
                  status[0] ? status : "-", r->http_status >= 500 ? "**" : "",
                  dur);
    md_text(b, r->url, "-");
    return rn_buf_puts(b, " |\n");
}

/* "+1000" ms of an event from the request start, or "-". */
static void
md_rel(struct rn_buf *b, const struct rq_row *r, const struct ev_row *e)
{
    if (e->ts_ns == STORE_NONE || r->start_ns == STORE_NONE) {
        rn_buf_puts(b, "-");
        return;
    }
    if (e->ts_ns >= r->start_ns)
        rn_buf_putc(b, '+');
    render_ms(b, e->ts_ns - r->start_ns);
}

/* The cells of one event row: +ms, time, position, event, level, fields. */
static void
md_event_row(struct rn_buf *b, const struct rq_row *r, const struct ev_row *e,
             struct rn_buf *tmp)
{
    char ts[RN_TS_STR_MAX] = "-", pos[512];
    const char *em = e->role >= 0 ? "**" : "";

    if (e->ts_ns != STORE_NONE)
        rn_time_format(e->ts_ns, ts);
    render_position(e->kind, e->file, e->seq, pos, sizeof pos);
    rn_buf_printf(b, "| %s", em);
    md_rel(b, r, e);
    rn_buf_printf(b, "%s | %s | ", em, ts);
    md_text(b, pos, "");
    rn_buf_printf(b, " | %s", em);
    if (e->role >= 0)
        rn_buf_printf(b, "\\[%s\\] ", export_role_label(e->role));
    md_text(b, e->name, "");
    rn_buf_printf(b, "%s | %s | ", em, export_level_name(e->level));
    rn_buf_reset(tmp);
    export_fields_inline(tmp, e->fields_json);
    export_esc_md(b, tmp->data != NULL ? tmp->data : "", tmp->len, 0);
    rn_buf_puts(b, " |\n");
}

static enum rn_rc
md_request(struct export_ctx *c, const struct rq_row *r,
           const struct ev_row *ev, size_t n)
{
    struct rn_buf *b = &c->out, tmp;
    char ts[RN_TS_STR_MAX], status[32], dur[64], src[64], num[32];
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
    md_text(b, r->url, "-");
    rn_buf_puts(b, "\n\n| | |\n|---|---|\n");
    md_row(b, "Key", r->key);
    if (r->start_ns != STORE_NONE) {
        rn_time_format(r->start_ns, ts);
        md_row(b, "Start", ts);
    } else {
        md_row(b, "Start", NULL);
    }
    if (r->end_ns != STORE_NONE) {
        rn_time_format(r->end_ns, ts);
        md_row(b, "End", ts);
    } else {
        md_row(b, "End", NULL);
    }
    export_duration(r, dur, sizeof dur);
    md_row(b, "Duration", dur);
    md_row(b, "Verb", r->verb);
    md_row(b, "URL", r->url);
    rn_buf_printf(b, "| Status | %s%s%s", r->http_status >= 500 ? "**" : "",
                  status[0] ? status : "unknown",
                  r->http_status >= 500 ? "**" : "");
    if (r->win32_status != STORE_NONE) {
        snprintf(num, sizeof num, "%" PRId64, r->win32_status);
        rn_buf_printf(b, " (Win32 status %s)", num);
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
                   "| +ms | Time | Position | Event | Level | Fields |\n"
                   "|--:|---|---|---|---|---|\n");
    for (role = 0; role < STORE_ROLE_COUNT; role++) {
        long at = export_role_index(ev, n, role);

        if (at < 0)
            rn_buf_printf(b, "| - | - | - | \\[%s\\] no such event | | |\n",
                          export_role_label(role));
        else
            md_event_row(b, r, &ev[at], &tmp);
    }
    rn_buf_printf(b,
                  "\n### Timeline (%zu event%s)\n\n"
                  "| +ms | Time | Position | Event | Level | Fields |\n"
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
        md_text(b, ev[i].name, "");
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
