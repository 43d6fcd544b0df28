/*
 * Report driver: option checks, the selection of requests, redaction of
 * what is handed to the writers, the JSON and CSV writers, and the
 * helpers every format shares.  Markdown and HTML live in export_md.c and
 * export_html.c; escapers in export_esc.c.
 *
 * The report is streamed: requests are read a page at a time (keyset
 * paging, query.h), each request's timeline is read, redacted, rendered
 * into c.out and written out before the next, so memory stays at one
 * request whatever the number of requests.  Formats with a list of
 * requests at the top (md, html) make a first pass over the rows for it.
 */
#include "export.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export_impl.h"
#include "filter.h"
#include "redact.h"
#include "render.h"
#include "rn_json.h"
#include "rn_role.h"
#include "xmalloc.h"

#define EXPORT_PAGE    256
#define EXPORT_OUT_MAX (1024u * 1024 * 1024) /* one request's rendering */

/* ---- names ------------------------------------------------------------- */

static const char *const export_exts[] = {"md", "html", "json", "csv"};

enum rn_rc
export_format_parse(const char *name, enum export_format *fmt,
                    struct rn_err *err)
{
    int i;

    if (name != NULL && strcmp(name, "markdown") == 0) {
        *fmt = EXPORT_MD;
        return RN_OK;
    }
    for (i = 0; i < 4; i++) {
        if (name != NULL && strcmp(name, export_exts[i]) == 0) {
            *fmt = (enum export_format)i;
            return RN_OK;
        }
    }
    return rn_err_set(err, RN_EINVAL,
                      "unknown report format '%s' (md, html, json or csv)",
                      name != NULL ? name : "");
}

const char *
export_format_ext(enum export_format fmt)
{
    return (unsigned)fmt < 4 ? export_exts[fmt] : "txt";
}

/* The wall clock in UTC nanoseconds. */
static int64_t
export_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * RN_NS_PER_SEC + ts.tv_nsec;
}

void
export_default_name(enum export_format fmt, int64_t now_ns, char *out, size_t n)
{
    time_t t = (time_t)((now_ns != 0 ? now_ns : export_now()) / RN_NS_PER_SEC);
    struct tm tm;
    char stamp[32] = "00000000T000000Z";

    if (gmtime_r(&t, &tm) != NULL)
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(out, n, "reqnav-report-%s.%s", stamp, export_format_ext(fmt));
}

/* ---- shared helpers ---------------------------------------------------- */

const char *
export_role_label(int role)
{
    const struct rn_role *r = rn_role_get(role);

    return r != NULL ? r->label : "";
}

enum rn_rc
export_fields_inline(struct rn_buf *b, const char *json)
{
    struct rn_buf k, v;
    const char *p = json != NULL ? json : "{}";
    enum rn_rc rc = RN_OK;
    int first = 1;

    rn_buf_init(&k, RN_BUF_MAX_FIELD);
    rn_buf_init(&v, RN_BUF_MAX_FIELD);
    while (rc == RN_OK && rn_json_flat_next(&p, &k, &v) == 1) {
        if (!render_field_inline(rn_buf_str(&k)))
            continue;
        rn_buf_puts(b, first ? "" : "  ");
        rn_buf_append(b, k.data, k.len);
        rn_buf_putc(b, '=');
        rc = rn_buf_append(b, v.data != NULL ? v.data : "", v.len);
        first = 0;
    }
    rn_buf_fini(&k);
    rn_buf_fini(&v);
    return rc;
}

int
export_event_headers(const struct ev_row *e, struct rn_buf *b)
{
    struct rn_buf k, v;
    const char *p = e->fields_json != NULL ? e->fields_json : "{}";
    int found = 0;

    if (e->kind == STORE_KIND_PCAP && e->raw != NULL && e->raw[0] != '\0') {
        rn_buf_puts(b, e->raw);
        return 1;
    }
    rn_buf_init(&k, RN_BUF_MAX_FIELD);
    rn_buf_init(&v, RN_BUF_MAX_FIELD);
    while (!found && rn_json_flat_next(&p, &k, &v) == 1) {
        if (strcmp(rn_buf_str(&k), "Headers") == 0 && v.len > 0) {
            rn_buf_append(b, v.data, v.len);
            found = 1;
        }
    }
    rn_buf_fini(&k);
    rn_buf_fini(&v);
    return found;
}

const char *
export_level_name(int64_t level)
{
    static const char *const names[] = {"",        "critical", "error",
                                        "warning", "info",     "verbose"};

    return level >= 1 && level <= 5 ? names[level] : "";
}

long
export_role_index(const struct ev_row *ev, size_t n, int role)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (ev[i].role == role)
            return (long)i;
    }
    return -1;
}

void
export_duration(const struct rq_row *r, char *out, size_t n)
{
    if (r->start_ns == STORE_NONE || r->end_ns == STORE_NONE) {
        snprintf(out, n, "-");
        return;
    }
    render_duration(r->end_ns - r->start_ns, out, n);
}

/* ---- JSON -------------------------------------------------------------- */

/* {"report": {...}, "requests": [ */
static enum rn_rc
export_json_begin(struct export_ctx *c)
{
    struct rn_buf *b = &c->out;
    size_t i;

    rn_buf_puts(b, "{\"report\":{\"generator\":\"reqnav\",\"version\":");
    rn_json_cstr(b, RN_VERSION);
    rn_buf_puts(b, ",\"generated\":");
    rn_json_cstr(b, c->generated);
    rn_buf_puts(b, ",\"store\":");
    rn_json_cstr(b, c->store_label);
    rn_buf_printf(
        b, ",\"redacted\":%s,\"selection\":", c->redact ? "true" : "false");
    rn_json_cstr(b, c->selection);
    rn_buf_printf(b, ",\"requests\":%" PRId64 ",\"sources\":[", c->total);
    for (i = 0; i < c->nsrc; i++) {
        const struct src_row *s = &c->src[i];

        rn_buf_printf(b, "%s{\"id\":%" PRId64 ",\"path\":", i > 0 ? "," : "",
                      s->id);
        rn_json_cstr(b, s->path);
        rn_buf_puts(b, ",\"kind\":");
        rn_json_cstr(b, store_kind_name(s->kind));
        rn_buf_puts(b, ",\"format\":");
        rn_json_cstr(b, s->format);
        rn_buf_printf(b, ",\"size\":%" PRId64 ",\"sha256\":", s->size);
        rn_json_cstr(b, s->sha256);
        rn_buf_puts(b, ",\"imported_at\":");
        rn_json_cstr(b, s->imported_at);
        rn_buf_printf(b,
                      ",\"events\":%" PRId64 ",\"requests\":%" PRId64
                      ",\"warnings\":%" PRId64 ",\"truncated\":%s,\"message\":",
                      s->events, s->requests, s->warnings,
                      s->truncated ? "true" : "false");
        rn_json_cstr(b, s->message);
        rn_buf_putc(b, '}');
    }
    return rn_buf_puts(b, "]},\n\"requests\":[\n");
}

/* One request: exactly the `timeline --format json` object. */
static enum rn_rc
export_json_request(struct export_ctx *c, const struct rq_row *r,
                    const struct ev_row *ev, size_t n)
{
    if (c->index > 0)
        rn_buf_puts(&c->out, ",\n");
    return render_timeline_json(&c->out, r, ev, n);
}

static enum rn_rc
export_json_end(struct export_ctx *c)
{
    return rn_buf_puts(&c->out, c->index > 0 ? "\n]}\n" : "]}\n");
}

static const struct export_writer export_json_writer = {
    export_json_begin, NULL, NULL, export_json_request, export_json_end};

/* ---- CSV --------------------------------------------------------------- */

static enum rn_rc
export_csv_begin(struct export_ctx *c)
{
    return rn_buf_puts(&c->out,
                       "request_id,request_key,request_start,request_verb,"
                       "request_url,request_status,event_id,ts,rel_ms,source,"
                       "position,file,seq,line,provider,name,level,role,"
                       "fields,raw,redacted\r\n");
}

/* One CSV row; e NULL for a request without events. */
static enum rn_rc
export_csv_row(struct export_ctx *c, const struct rq_row *r,
               const struct ev_row *e)
{
    struct rn_buf *b = &c->out;
    char ts[RN_TS_STR_MAX] = "", status[32], pos[512];

    rn_buf_printf(b, "%" PRId64 ",", r->id);
    export_esc_csv(b, r->key, 1);
    if (r->start_ns != STORE_NONE)
        rn_time_format(r->start_ns, ts);
    rn_buf_printf(b, ",%s,", ts);
    export_esc_csv(b, r->verb, 1);
    rn_buf_putc(b, ',');
    export_esc_csv(b, r->url, 1);
    render_status(r, status, sizeof status);
    rn_buf_printf(b, ",%s,", status);
    if (e != NULL) {
        rn_buf_printf(b, "%" PRId64 ",", e->uid);
        ts[0] = '\0';
        if (e->ts_ns != STORE_NONE)
            rn_time_format(e->ts_ns, ts);
        rn_buf_printf(b, "%s,", ts);
        if (e->ts_ns != STORE_NONE && r->start_ns != STORE_NONE)
            render_ms(b, e->ts_ns - r->start_ns);
        rn_buf_printf(
            b, ",%s,",
            store_kind_name(e->kind) != NULL ? store_kind_name(e->kind) : "");
        render_position(e->kind, e->file, e->seq, pos, sizeof pos);
        export_esc_csv(b, pos, 1);
        rn_buf_putc(b, ',');
        export_esc_csv(b, e->file, 1);
        rn_buf_printf(b, ",%" PRId64 ",", e->seq);
        if (e->line != STORE_NONE)
            rn_buf_printf(b, "%" PRId64, e->line);
        rn_buf_putc(b, ',');
        export_esc_csv(b, e->provider, 1);
        rn_buf_putc(b, ',');
        export_esc_csv(b, e->name, 1);
        rn_buf_putc(b, ',');
        if (e->level != STORE_NONE)
            rn_buf_printf(b, "%" PRId64, e->level);
        rn_buf_printf(b, ",%s,", e->role >= 0 ? store_role_name(e->role) : "");
        export_esc_csv(b, e->fields_json != NULL ? e->fields_json : "{}", 1);
        rn_buf_putc(b, ',');
        export_esc_csv(b, e->raw, 1);
    } else {
        rn_buf_puts(b, ",,,,,,,,,,,,,,");
    }
    return rn_buf_printf(b, ",%s\r\n", c->redact ? "yes" : "no");
}

static enum rn_rc
export_csv_request(struct export_ctx *c, const struct rq_row *r,
                   const struct ev_row *ev, size_t n)
{
    size_t i;
    enum rn_rc rc = RN_OK;

    if (n == 0)
        return export_csv_row(c, r, NULL);
    for (i = 0; i < n && rc == RN_OK; i++)
        rc = export_csv_row(c, r, &ev[i]);
    return rc;
}

static enum rn_rc
export_csv_end(struct export_ctx *c)
{
    (void)c;
    return RN_OK;
}

static const struct export_writer export_csv_writer = {
    export_csv_begin, NULL, NULL, export_csv_request, export_csv_end};

/* ---- redaction of rows ------------------------------------------------- */

/* A copy of r with secrets masked (free with rq_row_fini). */
static void
export_redact_request(const struct rq_row *r, struct rq_row *out)
{
    *out = *r;
    out->key = r->key != NULL ? xstrdup(r->key) : NULL;
    out->verb = r->verb != NULL ? xstrdup(r->verb) : NULL;
    out->host = r->host != NULL ? xstrdup(r->host) : NULL;
    out->url = redact_dup(r->url, 0, NULL);
    out->diagnosis = redact_dup(r->diagnosis, REDACT_LOOSE, NULL);
    out->cause = r->cause != NULL ? xstrdup(r->cause) : NULL;
}

/* Mask secrets in the fields and raw text of events, in place. */
static void
export_redact_events(struct ev_row *ev, size_t n)
{
    struct rn_buf b;
    size_t i;

    rn_buf_init(&b, 4 * RN_BUF_MAX_FIELD);
    for (i = 0; i < n; i++) {
        int changed = 0;
        char *raw;

        rn_buf_reset(&b);
        rn_buf_puts(&b, "");
        redact_fields_json(&b, ev[i].fields_json, &changed);
        if (changed) {
            free(ev[i].fields_json);
            ev[i].fields_json = rn_buf_take(&b);
        }
        changed = 0;
        raw = redact_dup(ev[i].raw, 0, &changed);
        if (changed) {
            free(ev[i].raw);
            ev[i].raw = raw;
        } else {
            free(raw);
        }
    }
    rn_buf_fini(&b);
}

/* ---- the driver -------------------------------------------------------- */

struct export_state {
    struct store *st;
    FILE *out;
    struct export_ctx c;
    const struct export_writer *w;
    struct filter *f;
    int64_t *ids; /* deduplicated ids, in the order given */
    size_t nids;
    struct export_result res;
    unsigned char *src_used; /* per c.src row, while selecting sources */
};

/* Write and empty the pending output. */
static enum rn_rc
export_flush(struct export_state *s, struct rn_err *err)
{
    if (s->c.out.len > 0 &&
        fwrite(s->c.out.data, 1, s->c.out.len, s->out) != s->c.out.len)
        return rn_err_set(err, RN_EIO, "write report: %s", strerror(errno));
    rn_buf_reset(&s->c.out);
    return RN_OK;
}

/* A writer's RN_ENOMEM into a message. */
static enum rn_rc
export_check(enum rn_rc rc, struct rn_err *err)
{
    if (rc == RN_OK)
        return RN_OK;
    return rn_err_set(err, rc,
                      "report: a request renders to more than %u MB; "
                      "export it with fewer events",
                      EXPORT_OUT_MAX / (1024u * 1024));
}

typedef enum rn_rc export_row_fn(struct export_state *s, struct rq_row *r,
                                 struct rn_err *err);

/* Call fn for every selected request, in order. */
static enum rn_rc
export_each(struct export_state *s, export_row_fn *fn, struct rn_err *err)
{
    struct rq_row *rows;
    struct rq_pos pos;
    size_t n, i;
    int first = 1;
    enum rn_rc rc = RN_OK;

    if (s->ids != NULL) {
        for (i = 0; i < s->nids && rc == RN_OK; i++) {
            struct rq_row row;

            rc = query_request_get(s->st, s->ids[i], &row, err);
            if (rc == RN_OK) {
                rc = fn(s, &row, err);
                rq_row_fini(&row);
            }
        }
        return rc;
    }
    rows = xcalloc(EXPORT_PAGE, sizeof *rows);
    for (;;) {
        rc =
            query_requests_page(s->st, s->f, RQ_ORDER_TIME, first ? NULL : &pos,
                                1, rows, EXPORT_PAGE, &n, err);
        if (rc != RN_OK)
            break;
        for (i = 0; i < n && rc == RN_OK; i++)
            rc = fn(s, &rows[i], err);
        if (n > 0)
            rq_pos_of(&rows[n - 1], &pos);
        for (i = 0; i < n; i++)
            rq_row_fini(&rows[i]);
        first = 0;
        if (rc != RN_OK || n < EXPORT_PAGE)
            break;
    }
    free(rows);
    return rc;
}

/* First pass: the list of requests at the top. */
static enum rn_rc
export_toc_row(struct export_state *s, struct rq_row *r, struct rn_err *err)
{
    struct rq_row red;
    enum rn_rc rc;

    if (s->c.redact) {
        export_redact_request(r, &red);
        rc = s->w->toc(&s->c, &red);
        rq_row_fini(&red);
    } else {
        rc = s->w->toc(&s->c, r);
    }
    if (export_check(rc, err) != RN_OK)
        return RN_ENOMEM;
    return export_flush(s, err);
}

/* Second pass: one request with its timeline. */
static enum rn_rc
export_request_row(struct export_state *s, struct rq_row *r, struct rn_err *err)
{
    struct ev_row *ev = NULL;
    struct rq_row red;
    size_t n = 0;
    enum rn_rc rc;

    if (s->c.opt->cancel != NULL && *s->c.opt->cancel)
        return rn_err_set(err, RN_ECANCELED, "export interrupted");
    rc = query_timeline(s->st, r, &ev, &n, err);
    if (rc != RN_OK)
        return rc;
    if (s->c.redact) {
        export_redact_request(r, &red);
        export_redact_events(ev, n);
        rc = s->w->request(&s->c, &red, ev, n);
        rq_row_fini(&red);
    } else {
        rc = s->w->request(&s->c, r, ev, n);
    }
    ev_rows_free(ev, n);
    if (export_check(rc, err) != RN_OK)
        return RN_ENOMEM;
    s->c.index++;
    s->res.requests++;
    s->res.events += (int64_t)n;
    return export_flush(s, err);
}

/* Order of int64 values for qsort. */
static int
export_cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Copy the ids without repeats (first occurrence wins); check they exist. */
static enum rn_rc
export_take_ids(struct export_state *s, const struct export_options *opt,
                struct rn_err *err)
{
    int64_t *sorted = xcalloc(opt->nids, sizeof *sorted);
    unsigned char *used = xcalloc(opt->nids, 1);
    size_t i;
    enum rn_rc rc = RN_OK;

    memcpy(sorted, opt->ids, opt->nids * sizeof *sorted);
    qsort(sorted, opt->nids, sizeof *sorted, export_cmp_id);
    s->ids = xcalloc(opt->nids, sizeof *s->ids);
    for (i = 0; i < opt->nids && rc == RN_OK; i++) {
        int64_t *hit = bsearch(&opt->ids[i], sorted, opt->nids, sizeof *sorted,
                               export_cmp_id);
        size_t at = (size_t)(hit - sorted);
        struct rq_row row;
        struct rn_err e2 = {RN_OK, ""};

        while (at > 0 && sorted[at - 1] == opt->ids[i])
            at--;
        if (used[at])
            continue;
        used[at] = 1;
        rc = query_request_get(s->st, opt->ids[i], &row, &e2);
        if (rc == RN_ENOTFOUND)
            rn_err_set(err, rc, "export: no request %" PRId64, opt->ids[i]);
        else if (rc != RN_OK)
            rn_err_set(err, rc, "%s", e2.msg);
        else
            rq_row_fini(&row);
        s->ids[s->nids++] = opt->ids[i];
    }
    free(sorted);
    free(used);
    return rc;
}

/* The selection in words, for the header. */
static char *
export_selection_text(const struct export_state *s,
                      const struct export_options *opt)
{
    struct rn_buf b;
    size_t i;

    rn_buf_init(&b, 64 * 1024);
    if (s->ids != NULL) {
        rn_buf_puts(&b, s->nids == 1 ? "request " : "requests ");
        for (i = 0; i < s->nids && i < 50; i++)
            rn_buf_printf(&b, "%s%" PRId64, i > 0 ? ", " : "", s->ids[i]);
        if (s->nids > 50)
            rn_buf_printf(&b, " and %zu more", s->nids - 50);
    } else if (opt->marked) {
        rn_buf_puts(&b, "marked requests");
        if (opt->filter != NULL && opt->filter[0] != '\0')
            rn_buf_printf(&b, " matching %s", filter_text(s->f));
    } else if (opt->filter != NULL && opt->filter[0] != '\0') {
        rn_buf_printf(&b, "filter %s", filter_text(s->f));
    } else {
        rn_buf_puts(&b, "all requests");
    }
    return rn_buf_take(&b);
}

/* Order of source rows by id, for bsearch. */
static int
export_cmp_src(const void *a, const void *b)
{
    int64_t x = ((const struct src_row *)a)->id,
            y = ((const struct src_row *)b)->id;

    return (x > y) - (x < y);
}

/* A pass over the selection: mark the sources its requests come from. */
static enum rn_rc
export_mark_sources(struct export_state *s, struct rq_row *r,
                    struct rn_err *err)
{
    int64_t ids[64];
    size_t n = 0, i;
    struct src_row key, *hit;
    enum rn_rc rc;

    rc = query_request_source_ids(s->st, r->id, ids, 64, &n, err);
    for (i = 0; rc == RN_OK && i < n && i < 64; i++) {
        key.id = ids[i];
        hit = bsearch(&key, s->c.src, s->c.nsrc, sizeof key, export_cmp_src);
        if (hit != NULL)
            s->src_used[hit - s->c.src] = 1;
    }
    return rc;
}

/* Keep only the sources of the selected requests in the header: a report
 * attached to a ticket lists the evidence for those requests, not every
 * file of the case. */
static enum rn_rc
export_select_sources(struct export_state *s, struct rn_err *err)
{
    size_t i, o = 0;
    enum rn_rc rc;

    if (s->c.nsrc == 0)
        return RN_OK;
    qsort(s->c.src, s->c.nsrc, sizeof *s->c.src, export_cmp_src);
    s->src_used = xcalloc(s->c.nsrc, 1);
    rc = export_each(s, export_mark_sources, err);
    for (i = 0; rc == RN_OK && i < s->c.nsrc; i++) {
        if (s->src_used[i])
            s->c.src[o++] = s->c.src[i];
        else
            src_row_fini(&s->c.src[i]);
    }
    if (rc == RN_OK)
        s->c.nsrc = o;
    free(s->src_used);
    s->src_used = NULL;
    return rc;
}

/* Everything before the first request: filter, ids, counts, sources. */
static enum rn_rc
export_prepare(struct export_state *s, const struct export_options *opt,
               struct rn_err *err)
{
    struct rn_buf expr;
    enum rn_rc rc;
    size_t i;

    switch (opt->format) {
    case EXPORT_MD:
        s->w = &export_md_writer;
        break;
    case EXPORT_HTML:
        s->w = &export_html_writer;
        break;
    case EXPORT_JSON:
        s->w = &export_json_writer;
        break;
    case EXPORT_CSV:
        s->w = &export_csv_writer;
        break;
    default:
        return rn_err_set(err, RN_EINVAL, "export: unknown format %d",
                          (int)opt->format);
    }
    if (opt->nids > 0) {
        rc = export_take_ids(s, opt, err);
        if (rc != RN_OK)
            return rc;
        s->c.total = (int64_t)s->nids;
    } else {
        rn_buf_init(&expr, 1024 * 1024);
        rn_buf_puts(&expr, opt->marked ? "marked:yes " : "");
        rn_buf_puts(&expr, opt->filter != NULL ? opt->filter : "");
        rc = filter_parse(rn_buf_str(&expr), &s->f, err);
        rn_buf_fini(&expr);
        if (rc == RN_OK)
            rc = query_requests_count(s->st, s->f, &s->c.total, err);
        if (rc != RN_OK)
            return rc;
    }
    s->c.selection = export_selection_text(s, opt);
    rc = query_sources(s->st, &s->c.src, &s->c.nsrc, err);
    if (rc != RN_OK)
        return rc;
    for (i = 0; s->c.redact && i < s->c.nsrc; i++) {
        char *m = redact_dup(s->c.src[i].message, REDACT_LOOSE, NULL);

        free(s->c.src[i].message);
        s->c.src[i].message = m;
    }
    return export_select_sources(s, err);
}

enum rn_rc
export_run(struct store *st, const struct export_options *opt, FILE *out,
           struct export_result *res, struct rn_err *err)
{
    struct export_state s;
    int64_t now;
    enum rn_rc rc;

    memset(&s, 0, sizeof s);
    s.st = st;
    s.out = out;
    s.c.opt = opt;
    s.c.redact = !opt->no_redact;
    s.c.store_label =
        opt->store_label != NULL ? opt->store_label : store_path(st);
    /* Milliseconds are enough for a generation time. */
    now = opt->now_ns != 0 ? opt->now_ns : export_now();
    rn_time_format(now - now % 1000000, s.c.generated);
    rn_buf_init(&s.c.out, EXPORT_OUT_MAX);
    rc = export_prepare(&s, opt, err);
    if (rc == RN_OK)
        rc = export_check(s.w->begin(&s.c), err);
    if (rc == RN_OK)
        rc = export_flush(&s, err);
    if (rc == RN_OK && s.w->toc != NULL)
        rc = export_each(&s, export_toc_row, err);
    if (rc == RN_OK && s.w->body != NULL)
        rc = export_check(s.w->body(&s.c), err);
    if (rc == RN_OK)
        rc = export_each(&s, export_request_row, err);
    if (rc == RN_OK)
        rc = export_check(s.w->end(&s.c), err);
    if (rc == RN_OK)
        rc = export_flush(&s, err);
    if (rc == RN_OK && (fflush(out) != 0 || ferror(out)))
        rc = rn_err_set(err, RN_EIO, "write report: %s", strerror(errno));
    if (res != NULL)
        *res = s.res;
    rn_buf_fini(&s.c.out);
    src_rows_free(s.c.src, s.c.nsrc);
    free(s.c.selection);
    free(s.ids);
    filter_free(s.f);
    return rc;
}

enum rn_rc
export_to_file(struct store *st, const struct export_options *opt,
               const char *path, int overwrite, struct export_result *res,
               struct rn_err *err)
{
    struct rn_buf tmp;
    FILE *f = NULL;
    mode_t mask;
    int fd;
    enum rn_rc rc;

    if (!overwrite && access(path, F_OK) == 0)
        return rn_err_set(err, RN_EIO, "%s: file exists", path);
    rn_buf_init(&tmp, 8192);
    if (rn_buf_printf(&tmp, "%s.tmpXXXXXX", path) != RN_OK) {
        rn_buf_fini(&tmp);
        return rn_err_set(err, RN_EINVAL, "report path too long");
    }
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        rc = rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
        rn_buf_fini(&tmp);
        return rc;
    }
    /* Like any new file: 0666 less the umask (mkstemp made it 0600). */
    mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    f = fdopen(fd, "w");
    if (f == NULL) {
        rc = rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp.data);
        rn_buf_fini(&tmp);
        return rc;
    }
    rc = export_run(st, opt, f, res, err);
    if (fclose(f) != 0 && rc == RN_OK)
        rc = rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
    if (rc == RN_OK) {
        if (overwrite) {
            if (rename(tmp.data, path) != 0)
                rc = rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
        } else if (link(tmp.data, path) != 0) {
            /*
             * link() fails with EEXIST if the file appeared meanwhile.  On
             * a file system without hard links, claim the name with
             * O_EXCL and move the report over it.
             */
            if (errno == EEXIST) {
                rc = rn_err_set(err, RN_EIO, "%s: file exists", path);
            } else if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666)) <
                       0) {
                rc = rn_err_set(err, RN_EIO, "%s: %s", path,
                                errno == EEXIST ? "file exists"
                                                : strerror(errno));
            } else {
                close(fd);
                if (rename(tmp.data, path) != 0)
                    rc = rn_err_set(err, RN_EIO, "%s: %s", path,
                                    strerror(errno));
            }
        }
    }
    unlink(tmp.data);
    rn_buf_fini(&tmp);
    return rc;
}
