/*
 * The HTML report: one XHTML document (well-formed XML, served as HTML
 * too) with inline CSS, no script, no external resource (a
 * Content-Security-Policy meta forbids them as well), so it can be
 * attached to a ticket and opened anywhere.  Every piece of trace text goes
 * through export_esc_html; numbers and fixed words are written directly.
 *
 * Per request: a summary table, an inline SVG phase bar (the request's
 * span, a tick per event, the CGI phase shaded, and a marker with a label
 * for each role: CGI start, header error, status send, told apart by
 * colour, shape and dash pattern so a black-and-white print still reads),
 * the role events, the merged timeline (role rows highlighted) and the
 * HTTP header blocks.  Print CSS starts each request on a new page.
 */
#include <inttypes.h>
#include <string.h>

#include "export_impl.h"
#include "render.h"

#define SVG_W     1000
#define SVG_H     110
#define SVG_LEFT  20
#define SVG_RIGHT 980
#define BAR_Y     62
#define BAR_H     16

/* Times in the report's tables: one fractional width for every row. */
#define HTML_TS_DIGITS 6

static const char html_css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;"
    "color:#111;background:#fff}\n"
    "h1{font-size:1.6em;margin:0 0 .4em}\n"
    "h2{font-size:1.25em;border-bottom:2px solid #ccc;padding-bottom:.2em;"
    "margin-top:1.6em}\n"
    "h3{font-size:1.05em;margin:1.2em 0 .3em}\n"
    "h4{font-size:.95em;margin:.8em 0 .2em}\n"
    "table{border-collapse:collapse;margin:.4em 0;width:100%}\n"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;"
    "vertical-align:top;overflow-wrap:break-word}\n"
    "thead th{background:#eef1f5;white-space:nowrap}\n"
    "td.fields,.url,pre{overflow-wrap:anywhere}\n"
    "table.meta th,table.sum th{width:9em;background:#f5f5f5}\n"
    ".mono,td.pos,td.ms,td.ts,td.fields,pre,code{font-family:ui-monospace,"
    "'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px}\n"
    "td.ms{text-align:right;white-space:nowrap}\n"
    "td.ts,td.pos{white-space:nowrap}\n"
    "tr.role td{background:#fff6d6;font-weight:600}\n"
    "tr.role-cgi_start td:first-child{border-left:4px solid #1b7f3b}\n"
    "tr.role-header_error td:first-child{border-left:4px solid #c25e00}\n"
    "tr.role-status_send td:first-child{border-left:4px solid #b3001b}\n"
    ".tag{display:inline-block;border:1px solid #888;border-radius:3px;"
    "padding:0 4px;margin-right:4px;font-size:11px;font-weight:600}\n"
    ".tag.cgi_start{color:#1b7f3b;border-color:#1b7f3b}\n"
    ".tag.header_error{color:#c25e00;border-color:#c25e00}\n"
    ".tag.status_send{color:#b3001b;border-color:#b3001b}\n"
    ".st5{color:#b3001b;font-weight:700}\n"
    ".st4{color:#a15c00;font-weight:700}\n"
    ".diag{font-weight:600}\n"
    ".muted{color:#666}\n"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f7f7;"
    "border:1px solid #ddd;padding:6px;margin:.2em 0}\n"
    "svg.phase{display:block;width:100%;height:auto;max-height:130px;"
    "margin:.6em 0}\n"
    ".redact-on{color:#1b7f3b;font-weight:600}\n"
    ".redact-off{color:#b3001b;font-weight:700}\n"
    "footer{margin-top:2em;color:#666;font-size:12px}\n"
    "@media print{body{margin:0;max-width:none;font-size:10pt}"
    "section.req{break-before:page}"
    "tr,pre,svg{break-inside:avoid}"
    "a{color:inherit;text-decoration:none}"
    "thead{display:table-header-group}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Role colours, dash patterns and marker shapes (index: enum store_role). */
static const char *const html_role_color[] = {"#1b7f3b", "#c25e00", "#b3001b"};
static const char *const html_role_dash[] = {"none", "6 3", "2 2"};

/* Escaped text of a NUL-terminated string (NULL = dflt, unescaped). */
static enum rn_rc
html_text(struct rn_buf *b, const char *s, const char *dflt)
{
    if (s == NULL)
        return rn_buf_puts(b, dflt);
    return export_esc_html(b, s, strlen(s), 0);
}

/* A meta table row: <tr><th>name</th><td>escaped value</td></tr>. */
static void
html_meta_row(struct rn_buf *b, const char *name, const char *value)
{
    rn_buf_printf(b, "<tr><th>%s</th><td>", name);
    html_text(b, value, "<span class=\"muted\">unknown</span>");
    rn_buf_puts(b, "</td></tr>\n");
}

/* The status as a span with its severity class. */
static void
html_status(struct rn_buf *b, const struct rq_row *r)
{
    char status[32];

    render_status(r, status, sizeof status);
    if (status[0] == '\0') {
        rn_buf_puts(b, "<span class=\"muted\">-</span>");
        return;
    }
    rn_buf_printf(b, "<span class=\"%s\">%s</span>",
                  r->http_status >= 500   ? "st5"
                  : r->http_status >= 400 ? "st4"
                                          : "st",
                  status);
}

static enum rn_rc
html_begin(struct export_ctx *c)
{
    struct rn_buf *b = &c->out;
    char num[32];
    size_t i;

    rn_buf_puts(b, "<!DOCTYPE html>\n"
                   "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" "
                   "xml:lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                   "<meta http-equiv=\"Content-Security-Policy\" "
                   "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                   "img-src data:\"/>\n"
                   "<meta name=\"generator\" content=\"reqnav " RN_VERSION
                   "\"/>\n");
    rn_buf_printf(b, "<title>reqnav report: %" PRId64 " request%s</title>\n",
                  c->total, c->total == 1 ? "" : "s");
    rn_buf_printf(b, "<style>\n%s</style>\n</head>\n<body>\n", html_css);
    rn_buf_puts(b, "<header>\n<h1>reqnav report</h1>\n"
                   "<table class=\"meta\"><tbody>\n");
    html_meta_row(b, "Store", c->store_label);
    html_meta_row(b, "Generated", c->generated);
    html_meta_row(b, "reqnav", RN_VERSION);
    if (c->redact)
        rn_buf_puts(b, "<tr><th>Redaction</th><td><span class=\"redact-on\">"
                       "on</span>: values of Authorization, "
                       "Proxy-Authorization, Cookie and Set-Cookie headers, "
                       "credential-like query parameters and URL passwords "
                       "are shown as [redacted]</td></tr>\n");
    else
        rn_buf_puts(b, "<tr><th>Redaction</th><td><span class=\"redact-off\">"
                       "off</span> (--no-redact): cookies, credentials and "
                       "tokens are shown as captured</td></tr>\n");
    html_meta_row(b, "Selection", c->selection);
    snprintf(num, sizeof num, "%" PRId64, c->total);
    html_meta_row(b, "Requests", num);
    rn_buf_puts(b, "</tbody></table>\n<h2>Source files</h2>\n");
    if (c->nsrc == 0)
        rn_buf_puts(b, "<p class=\"muted\">none imported</p>\n");
    else
        rn_buf_puts(b, "<table class=\"src\"><thead><tr><th>File</th>"
                       "<th>Kind</th><th>Format</th><th>Bytes</th>"
                       "<th>SHA-256</th><th>Events</th><th>Requests</th>"
                       "<th>State</th></tr></thead><tbody>\n");
    for (i = 0; i < c->nsrc; i++) {
        const struct src_row *s = &c->src[i];

        rn_buf_puts(b, "<tr><td>");
        html_text(b, s->path, "");
        rn_buf_printf(
            b, "</td><td>%s</td><td>",
            store_kind_name(s->kind) != NULL ? store_kind_name(s->kind) : "?");
        html_text(b, s->format, "");
        rn_buf_printf(b,
                      "</td><td class=\"ms\">%" PRId64 "</td>"
                      "<td class=\"mono\">",
                      s->size);
        html_text(b, s->sha256, "");
        rn_buf_printf(b,
                      "</td><td class=\"ms\">%" PRId64 "</td>"
                      "<td class=\"ms\">%" PRId64 "</td><td>%s",
                      s->events, s->requests,
                      s->truncated ? "truncated" : "complete");
        if (s->message != NULL) {
            rn_buf_puts(b, ": ");
            html_text(b, s->message, "");
        }
        rn_buf_puts(b, "</td></tr>\n");
    }
    if (c->nsrc > 0)
        rn_buf_puts(b, "</tbody></table>\n");
    rn_buf_puts(b, "</header>\n<h2>Requests</h2>\n");
    if (c->total == 0)
        return rn_buf_puts(b, "<p class=\"muted\">No request matched.</p>\n");
    return rn_buf_puts(b, "<table class=\"toc\"><thead><tr><th>ID</th>"
                          "<th>Start</th><th>Verb</th><th>Status</th>"
                          "<th>Duration</th><th>URL</th></tr></thead>"
                          "<tbody>\n");
}

static enum rn_rc
html_toc(struct export_ctx *c, const struct rq_row *r)
{
    struct rn_buf *b = &c->out;
    char ts[RN_TS_STR_MAX] = "-", dur[64];

    if (r->start_ns != STORE_NONE)
        render_time_fixed(r->start_ns, HTML_TS_DIGITS, ts);
    export_duration(r, dur, sizeof dur);
    rn_buf_printf(b,
                  "<tr><td class=\"mono\"><a href=\"#r%" PRId64 "\">%" PRId64
                  "</a></td><td class=\"ts\">%s</td><td>",
                  r->id, r->id, ts);
    html_text(b, r->verb, "-");
    rn_buf_puts(b, "</td><td>");
    html_status(b, r);
    rn_buf_printf(b, "</td><td class=\"ms\">%s</td><td class=\"mono url\">",
                  dur);
    html_text(b, r->url, "-");
    return rn_buf_puts(b, "</td></tr>\n");
}

static enum rn_rc
html_body(struct export_ctx *c)
{
    if (c->total == 0)
        return rn_buf_puts(&c->out, "<main>\n");
    return rn_buf_puts(&c->out, "</tbody></table>\n<main>\n");
}

/* An event's offset from the request start ("+6m41.0s"), into b. */
static void
html_rel(struct rn_buf *b, const struct rq_row *r, const struct ev_row *e)
{
    char off[RENDER_DUR_MAX + 1];

    if (e->ts_ns == STORE_NONE || r->start_ns == STORE_NONE) {
        rn_buf_puts(b, "-");
        return;
    }
    render_offset(e->ts_ns - r->start_ns, off, sizeof off);
    rn_buf_puts(b, off);
}

/* x coordinate of time t on the phase bar. */
static double
html_x(int64_t t, int64_t t0, int64_t t1)
{
    if (t1 <= t0)
        return SVG_LEFT;
    return SVG_LEFT +
           (double)(t - t0) * (SVG_RIGHT - SVG_LEFT) / (double)(t1 - t0);
}

/* The marker shape of a role at (x, y). */
static void
html_marker(struct rn_buf *b, int role, double x, double y)
{
    const char *col = html_role_color[role];

    if (role == STORE_ROLE_CGI_START)
        rn_buf_printf(b,
                      "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\" "
                      "stroke=\"#fff\" stroke-width=\"1.5\"/>\n",
                      x, y, col);
    else if (role == STORE_ROLE_HEADER_ERROR)
        rn_buf_printf(b,
                      "<path d=\"M %.1f %.1f l 7 7 l -7 7 l -7 -7 z\" "
                      "fill=\"%s\" stroke=\"#fff\" stroke-width=\"1.5\"/>\n",
                      x, y - 7, col);
    else
        rn_buf_printf(b,
                      "<path d=\"M %.1f %.1f l 7 12 l -14 0 z\" fill=\"%s\" "
                      "stroke=\"#fff\" stroke-width=\"1.5\"/>\n",
                      x, y - 7, col);
}

/* The inline SVG phase bar of one request. */
static void
html_svg(struct export_ctx *c, const struct rq_row *r, const struct ev_row *ev,
         size_t n)
{
    struct rn_buf *b = &c->out;
    int64_t t0 = r->start_ns, t1 = r->end_ns, base;
    long at[STORE_ROLE_COUNT];
    int role, last_px = -1;
    size_t i;
    double cx0 = -1, cx1 = -1;
    char pos[512], o0[RENDER_DUR_MAX + 1], o1[RENDER_DUR_MAX + 1];

    for (i = 0; i < n; i++) {
        if (ev[i].ts_ns == STORE_NONE)
            continue;
        if (t0 == STORE_NONE || ev[i].ts_ns < t0)
            t0 = ev[i].ts_ns;
        if (t1 == STORE_NONE || ev[i].ts_ns > t1)
            t1 = ev[i].ts_ns;
    }
    if (t0 == STORE_NONE || t1 == STORE_NONE) {
        rn_buf_puts(b, "<p class=\"muted\">No timestamps: no phase bar.</p>\n");
        return;
    }
    rn_buf_printf(b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"phase\" "
                  "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                  "role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n"
                  "<title>Phases of request %" PRId64 "</title>\n",
                  SVG_W, SVG_H, SVG_W, SVG_H, r->id);
    rn_buf_printf(b,
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                  "fill=\"#e3eaf4\" stroke=\"#4a6fa5\"/>\n",
                  SVG_LEFT, BAR_Y, SVG_RIGHT - SVG_LEFT, BAR_H);
    for (role = 0; role < STORE_ROLE_COUNT; role++)
        at[role] = export_role_index(ev, n, role);
    /* The CGI phase: from the CGI start to the error or the status. */
    if (at[STORE_ROLE_CGI_START] >= 0 &&
        ev[at[STORE_ROLE_CGI_START]].ts_ns != STORE_NONE) {
        long until = at[STORE_ROLE_HEADER_ERROR] >= 0
                         ? at[STORE_ROLE_HEADER_ERROR]
                         : at[STORE_ROLE_STATUS_SEND];
        int64_t te =
            until >= 0 && ev[until].ts_ns != STORE_NONE ? ev[until].ts_ns : t1;

        cx0 = html_x(ev[at[STORE_ROLE_CGI_START]].ts_ns, t0, t1);
        cx1 = html_x(te, t0, t1);
        if (cx1 - cx0 < 2)
            cx1 = cx0 + 2;
        rn_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                      "fill=\"#f3d9a4\" stroke=\"#c28a2c\"/>\n",
                      cx0, BAR_Y, cx1 - cx0, BAR_H);
        if (cx1 - cx0 > 60)
            rn_buf_printf(b,
                          "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
                          "fill=\"#6b4a0e\">CGI process</text>\n",
                          (cx0 + cx1) / 2, BAR_Y + 12);
    }
    /* A tick per event (one per pixel column at most). */
    rn_buf_puts(b, "<path stroke=\"#333\" stroke-width=\"1\" d=\"");
    for (i = 0; i < n; i++) {
        int px;

        if (ev[i].ts_ns == STORE_NONE)
            continue;
        px = (int)html_x(ev[i].ts_ns, t0, t1);
        if (px == last_px)
            continue;
        last_px = px;
        rn_buf_printf(b, "M %d %d v 6 M %d %d v 6 ", px, BAR_Y - 6, px,
                      BAR_Y + BAR_H);
    }
    rn_buf_puts(b, "M 0 0\"/>\n");
    for (role = 0; role < STORE_ROLE_COUNT; role++) {
        const struct ev_row *e;
        double x;
        int ly = 15 + role * 16;
        int right;

        if (at[role] < 0 || ev[at[role]].ts_ns == STORE_NONE)
            continue;
        e = &ev[at[role]];
        x = html_x(e->ts_ns, t0, t1);
        right = x > SVG_W * 0.6;
        rn_buf_printf(b,
                      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
                      "stroke=\"%s\" stroke-width=\"2\" "
                      "stroke-dasharray=\"%s\"/>\n",
                      x, x, ly, BAR_Y + BAR_H + 4, html_role_color[role],
                      html_role_dash[role]);
        html_marker(b, role, x, ly - 4);
        rn_buf_printf(b,
                      "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" "
                      "fill=\"%s\" font-weight=\"bold\">",
                      right ? x - 10 : x + 10, ly, right ? "end" : "start",
                      html_role_color[role]);
        rn_buf_printf(b, "%s ", export_role_label(role));
        html_rel(b, r, e);
        rn_buf_puts(b, " \xc2\xb7 ");
        render_position(e->kind, e->file, e->seq, pos, sizeof pos);
        html_text(b, pos, "");
        rn_buf_puts(b, " \xc2\xb7 ");
        html_text(b, e->name, "");
        rn_buf_puts(b, "</text>\n");
    }
    base = r->start_ns != STORE_NONE ? r->start_ns : t0;
    render_offset(t0 - base, o0, sizeof o0);
    render_offset(t1 - base, o1, sizeof o1);
    rn_buf_printf(b,
                  "<text x=\"%d\" y=\"%d\" fill=\"#333\">%s</text>\n"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
                  "fill=\"#333\">%s</text>\n</svg>\n",
                  SVG_LEFT, SVG_H - 8, o0, SVG_RIGHT, SVG_H - 8, o1);
}

/* One timeline or role row's cells after the first. */
static void
html_event_cells(struct rn_buf *b, const struct rq_row *r,
                 const struct ev_row *e, struct rn_buf *tmp)
{
    char ts[RN_TS_STR_MAX] = "-", pos[512];

    if (e->ts_ns != STORE_NONE)
        render_time_fixed(e->ts_ns, HTML_TS_DIGITS, ts);
    render_position(e->kind, e->file, e->seq, pos, sizeof pos);
    rn_buf_printf(b, "<td class=\"ts\">%s</td><td class=\"pos\">", ts);
    html_text(b, pos, "");
    rn_buf_puts(b, "</td><td>");
    if (e->role >= 0)
        rn_buf_printf(b, "<span class=\"tag %s\">%s</span>",
                      store_role_name(e->role), export_role_label(e->role));
    html_text(b, e->name, "");
    rn_buf_printf(b, "</td><td>%s</td><td class=\"fields\">",
                  export_level_name(e->level));
    rn_buf_reset(tmp);
    export_fields_inline(tmp, e->fields_json);
    export_esc_html(b, tmp->data != NULL ? tmp->data : "", tmp->len, 0);
    rn_buf_puts(b, "</td>");
    (void)r;
}

static enum rn_rc
html_request(struct export_ctx *c, const struct rq_row *r,
             const struct ev_row *ev, size_t n)
{
    struct rn_buf *b = &c->out, tmp;
    char ts[RN_TS_STR_MAX], dur[64], src[64];
    size_t i;
    int role, any_headers = 0;

    rn_buf_init(&tmp, 4 * RN_BUF_MAX_FIELD);
    rn_buf_printf(b, "<section class=\"req\" id=\"r%" PRId64 "\">\n<h2>",
                  r->id);
    html_status(b, r);
    rn_buf_putc(b, ' ');
    html_text(b, r->verb, "-");
    rn_buf_puts(b, " <span class=\"mono url\">");
    html_text(b, r->url, "-");
    rn_buf_puts(b, "</span></h2>\n<table class=\"sum\"><tbody>\n");
    rn_buf_printf(b, "<tr><th>Request</th><td class=\"mono\">%" PRId64 " ",
                  r->id);
    html_text(b, r->key, "");
    rn_buf_puts(b, "</td></tr>\n");
    if (r->start_ns != STORE_NONE) {
        render_time_fixed(r->start_ns, HTML_TS_DIGITS, ts);
        html_meta_row(b, "Start", ts);
    } else {
        html_meta_row(b, "Start", NULL);
    }
    if (r->end_ns != STORE_NONE) {
        render_time_fixed(r->end_ns, HTML_TS_DIGITS, ts);
        html_meta_row(b, "End", ts);
    } else {
        html_meta_row(b, "End", NULL);
    }
    export_duration(r, dur, sizeof dur);
    html_meta_row(b, "Duration", dur);
    html_meta_row(b, "Verb", r->verb);
    rn_buf_puts(b, "<tr><th>URL</th><td class=\"mono url\">");
    html_text(b, r->url, "<span class=\"muted\">unknown</span>");
    rn_buf_puts(b, "</td></tr>\n<tr><th>Status</th><td>");
    html_status(b, r);
    if (r->win32_status != STORE_NONE) {
        char w32[64];

        render_win32(r->win32_status, w32, sizeof w32);
        rn_buf_printf(b, " (Win32 status <span class=\"mono\">%s</span>)", w32);
    }
    rn_buf_puts(b, "</td></tr>\n");
    render_sources(r->sources, ", ", src, sizeof src);
    html_meta_row(b, "Sources", src);
    rn_buf_puts(b, "<tr><th>Diagnosis</th><td class=\"diag\">");
    html_text(b, r->diagnosis, "<span class=\"muted\">none</span>");
    rn_buf_puts(b, "</td></tr>\n</tbody></table>\n");

    html_svg(c, r, ev, n);

    rn_buf_puts(b, "<h3>Role events</h3>\n<table class=\"roles\"><thead><tr>"
                   "<th>Offset</th><th>Time</th><th>Position</th><th>Event</th>"
                   "<th>Level</th><th>Fields</th></tr></thead><tbody>\n");
    for (role = 0; role < STORE_ROLE_COUNT; role++) {
        long at = export_role_index(ev, n, role);

        if (at < 0) {
            rn_buf_printf(b,
                          "<tr><td class=\"ms\">-</td><td colspan=\"5\">"
                          "<span class=\"tag %s\">%s</span>"
                          "<span class=\"muted\">no such event</span>"
                          "</td></tr>\n",
                          store_role_name(role), export_role_label(role));
            continue;
        }
        rn_buf_printf(b, "<tr class=\"role role-%s\"><td class=\"ms\">",
                      store_role_name(role));
        html_rel(b, r, &ev[at]);
        rn_buf_puts(b, "</td>");
        html_event_cells(b, r, &ev[at], &tmp);
        rn_buf_puts(b, "</tr>\n");
    }
    rn_buf_printf(b,
                  "</tbody></table>\n<h3>Timeline (%zu event%s)</h3>\n"
                  "<table class=\"tl\"><thead><tr><th>Offset</th><th>Time</th>"
                  "<th>Position</th><th>Event</th><th>Level</th>"
                  "<th>Fields</th></tr></thead><tbody>\n",
                  n, n == 1 ? "" : "s");
    for (i = 0; i < n; i++) {
        if (ev[i].role >= 0)
            rn_buf_printf(b, "<tr class=\"role role-%s\">",
                          store_role_name(ev[i].role));
        else
            rn_buf_puts(b, "<tr>");
        rn_buf_puts(b, "<td class=\"ms\">");
        html_rel(b, r, &ev[i]);
        rn_buf_puts(b, "</td>");
        html_event_cells(b, r, &ev[i], &tmp);
        rn_buf_puts(b, "</tr>\n");
    }
    rn_buf_puts(b, "</tbody></table>\n");
    for (i = 0; i < n; i++) {
        char pos[512];

        rn_buf_reset(&tmp);
        if (!export_event_headers(&ev[i], &tmp))
            continue;
        if (!any_headers)
            rn_buf_puts(b, "<h3>HTTP headers</h3>\n");
        any_headers = 1;
        render_position(ev[i].kind, ev[i].file, ev[i].seq, pos, sizeof pos);
        rn_buf_puts(b, "<h4>");
        html_text(b, pos, "");
        rn_buf_puts(b, " \xc2\xb7 ");
        html_text(b, ev[i].name, "");
        rn_buf_puts(b, "</h4>\n<pre>");
        export_esc_html(b, tmp.data != NULL ? tmp.data : "", tmp.len,
                        EXPORT_ESC_PRE);
        rn_buf_puts(b, "</pre>\n");
    }
    rn_buf_fini(&tmp);
    return rn_buf_puts(b, "</section>\n");
}

static enum rn_rc
html_end(struct export_ctx *c)
{
    return rn_buf_printf(&c->out,
                         "</main>\n<footer><p>Generated by reqnav %s at %s."
                         "</p></footer>\n</body>\n</html>\n",
                         RN_VERSION, c->generated);
}

const struct export_writer export_html_writer = {
    html_begin, html_toc, html_body, html_request, html_end};
