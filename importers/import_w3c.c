/*
 * IIS W3C extended logs (u_ex*.log) and HTTP.sys error logs
 * (httperr*.log).  Both use the W3C convention: '#' directives, one record
 * per line, space-separated values, '+' for a space inside a value and '-'
 * for an empty one.  The field list comes from each #Fields directive and
 * may change in the middle of a file (after a restart or a configuration
 * change), so it is re-read every time.  IIS Advanced Logging files quote
 * values that hold spaces; those quotes are honoured too.
 *
 * Each line is one source request with one event.  Its seq is the line
 * number.  W3C times are the request's END time at one-second resolution;
 * the request's start is that time minus time-taken.  The request key is
 * "w3c:<16 hex digits of the SHA-256 of the line>:<line number>" (httperr:
 * for HTTP.sys logs): the same content always gives the same key, and a
 * log copied twice while IIS was writing it gives the same requests for
 * the lines the copies share.  Lines are linked to IIS requests by
 * model/correlate_w3c.c.
 */
#include "import_w3c.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rn_buf.h"
#include "rn_json.h"
#include "rn_time.h"
#include "sha256.h"
#include "triage.h"
#include "xmalloc.h"

#define W3C_MAX_LINE       (1024u * 1024)
#define W3C_MAX_FIELDS     256
#define W3C_MAX_WARN       20
#define W3C_PROGRESS_EVERY 1024
#define W3C_BLOCK          (64u * 1024)

/* Documented field orders, used when a file has no #Fields directive. */
static const char w3c_default_fields[] =
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
    "c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status "
    "time-taken";
static const char httperr_default_fields[] =
    "date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status "
    "s-siteid s-reason s-queuename";

/* The fields we act on; index into the current #Fields list, or -1. */
enum w3c_col {
    COL_DATE,
    COL_TIME,
    COL_DATE_LOCAL,
    COL_TIME_LOCAL,
    COL_CIP,
    COL_CPORT,
    COL_SIP,
    COL_SPORT,
    COL_METHOD,
    COL_STEM,
    COL_QUERY,
    COL_URI,
    COL_STATUS,
    COL_SUBSTATUS,
    COL_WIN32,
    COL_TAKEN,
    COL_HOST,
    COL_REASON,
    COL_COUNT
};

/* Names of each column, any case; the first match wins. */
static const char *const w3c_col_names[COL_COUNT][3] = {
    [COL_DATE] = {"date", NULL, NULL},
    [COL_TIME] = {"time", NULL, NULL},
    [COL_DATE_LOCAL] = {"date-local", NULL, NULL},
    [COL_TIME_LOCAL] = {"time-local", NULL, NULL},
    [COL_CIP] = {"c-ip", NULL, NULL},
    [COL_CPORT] = {"c-port", NULL, NULL},
    [COL_SIP] = {"s-ip", NULL, NULL},
    [COL_SPORT] = {"s-port", NULL, NULL},
    [COL_METHOD] = {"cs-method", NULL, NULL},
    [COL_STEM] = {"cs-uri-stem", NULL, NULL},
    [COL_QUERY] = {"cs-uri-query", NULL, NULL},
    [COL_URI] = {"cs-uri", NULL, NULL},
    [COL_STATUS] = {"sc-status", NULL, NULL},
    [COL_SUBSTATUS] = {"sc-substatus", NULL, NULL},
    [COL_WIN32] = {"sc-win32-status", NULL, NULL},
    [COL_TAKEN] = {"time-taken", "TimeTakenMS", NULL},
    [COL_HOST] = {"cs-host", "cs(Host)", NULL},
    [COL_REASON] = {"s-reason", NULL, NULL},
};

struct w3c_state {
    struct import_ctx *ctx;
    int kind; /* STORE_KIND_W3C or STORE_KIND_HTTPERR */
    FILE *f;
    int64_t offset;              /* bytes consumed */
    int64_t lineno;              /* current line */
    char *names[W3C_MAX_FIELDS]; /* current #Fields, owned */
    size_t nnames;
    int col[COL_COUNT];
    int have_fields; /* a #Fields directive (or the default) is set */
    char date[16];   /* #Date directive's date, for logs without date */
    char *software;  /* #Software directive, owned */
    int64_t records;
    int warned; /* count of per-line warnings */
    struct rn_buf json;
    struct rn_buf url;   /* cs-uri-stem?cs-uri-query of the line */
    struct rn_buf block; /* read-ahead */
    size_t bpos;
    int eof;
};

/* Skip an optional UTF-8 BOM; then is this the start of a W3C log? */
static int
w3c_sniff(const unsigned char *head, size_t n, const char *path, int *httperr)
{
    static const char *const starts[] = {
        "#Software:", "#Version:", "#Fields:",
        "#Date:",     "#Remark:",  "#Start-Date:"};
    char buf[4097];
    const char *base;
    size_t i, off = 0;
    int ok = 0;

    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        off = 3;
    n -= off;
    if (n > sizeof buf - 1)
        n = sizeof buf - 1;
    memcpy(buf, head + off, n);
    buf[n] = '\0';
    for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        if (strncmp(buf, starts[i], strlen(starts[i])) == 0)
            ok = 1;
    }
    if (!ok)
        return 0;
    base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    *httperr = strstr(buf, "#Software: Microsoft HTTP API") != NULL ||
               strstr(buf, " s-reason") != NULL ||
               strncasecmp(base, "httperr", 7) == 0;
    return 1;
}

/* Confidence for IIS W3C logs. */
static int
w3c_probe(const unsigned char *head, size_t n, const char *path)
{
    int httperr = 0;

    return w3c_sniff(head, n, path, &httperr) && !httperr ? 80 : 0;
}

/* Confidence for HTTP.sys error logs. */
static int
httperr_probe(const unsigned char *head, size_t n, const char *path)
{
    int httperr = 0;

    return w3c_sniff(head, n, path, &httperr) && httperr ? 85 : 0;
}

size_t
import_w3c_split(char *line, char **vals, size_t max)
{
    char *p = line;
    size_t n = 0;

    for (;;) {
        char *out;

        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        if (n == max)
            return max + 1; /* too many values */
        if (*p == '"') {
            /* Advanced Logging quotes values with spaces; "" is a quote. */
            out = ++p;
            vals[n++] = out;
            while (*p != '\0') {
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            /* Text glued to a closing quote belongs to the value. */
            while (*p != '\0' && *p != ' ' && *p != '\t')
                *out++ = *p++;
            if (*p != '\0')
                p++;
            *out = '\0';
        } else {
            vals[n++] = p;
            while (*p != '\0' && *p != ' ' && *p != '\t')
                p++;
            if (*p != '\0')
                *p++ = '\0';
        }
    }
    return n;
}

void
import_w3c_decode(char *v, int plus)
{
    if (strcmp(v, "-") == 0) {
        v[0] = '\0';
        return;
    }
    if (!plus)
        return;
    for (; *v != '\0'; v++) {
        if (*v == '+')
            *v = ' ';
    }
}

/* Is this one of the URL fields, where '+' is kept as it is? */
static int
w3c_is_url_field(const char *name)
{
    return strcasecmp(name, "cs-uri-stem") == 0 ||
           strcasecmp(name, "cs-uri-query") == 0 ||
           strcasecmp(name, "cs-uri") == 0 ||
           strcasecmp(name, "cs(Referer)") == 0;
}

static void
w3c_names_free(struct w3c_state *s)
{
    size_t i;

    for (i = 0; i < s->nnames; i++)
        free(s->names[i]);
    s->nnames = 0;
}

/* Install a field list (the text after "#Fields:"). */
static void
w3c_set_fields(struct w3c_state *s, const char *list)
{
    char *copy = xstrdup(list), *vals[W3C_MAX_FIELDS];
    size_t n = import_w3c_split(copy, vals, W3C_MAX_FIELDS), i;
    int c, k;

    w3c_names_free(s);
    if (n > W3C_MAX_FIELDS) {
        n = W3C_MAX_FIELDS;
        import_warn(s->ctx, s->lineno,
                    "%s: line %lld: more than %d fields; the rest are "
                    "ignored",
                    s->ctx->path, (long long)s->lineno, W3C_MAX_FIELDS);
    }
    for (i = 0; i < n; i++)
        s->names[i] = xstrdup(vals[i]);
    s->nnames = n;
    for (c = 0; c < COL_COUNT; c++) {
        s->col[c] = -1;
        for (k = 0; k < 3 && w3c_col_names[c][k] != NULL && s->col[c] < 0;
             k++) {
            for (i = 0; i < n; i++) {
                if (strcasecmp(s->names[i], w3c_col_names[c][k]) == 0) {
                    s->col[c] = (int)i;
                    break;
                }
            }
        }
    }
    s->have_fields = 1;
    free(copy);
}

/* A directive line ("#Fields: ...", "#Software: ..."). */
static void
w3c_directive(struct w3c_state *s, const char *line)
{
    if (strncasecmp(line, "#Fields:", 8) == 0) {
        w3c_set_fields(s, line + 8);
    } else if (strncasecmp(line, "#Software:", 10) == 0) {
        const char *v = line + 10;

        while (*v == ' ')
            v++;
        free(s->software);
        s->software = xstrdup(v);
    } else if (strncasecmp(line, "#Date:", 6) == 0) {
        const char *v = line + 6;

        while (*v == ' ')
            v++;
        snprintf(s->date, sizeof s->date, "%.10s", v);
    }
}

/* Value of column c in vals (decoded), or NULL when absent or empty. */
static const char *
w3c_val(const struct w3c_state *s, char **vals, size_t n, int c)
{
    int i = s->col[c];

    if (i < 0 || (size_t)i >= n || vals[i][0] == '\0')
        return NULL;
    return vals[i];
}

/* Integer of a column, or STORE_NONE. */
static int64_t
w3c_int(const struct w3c_state *s, char **vals, size_t n, int c)
{
    const char *v = w3c_val(s, vals, n, c);
    char *end;
    long long x;

    if (v == NULL)
        return STORE_NONE;
    errno = 0;
    x = strtoll(v, &end, 10);
    if (errno != 0 || *end != '\0' || end == v)
        return STORE_NONE;
    return x;
}

/* The record's time: date + time (UTC) or date-local + time-local. */
static int64_t
w3c_time(struct w3c_state *s, char **vals, size_t n)
{
    const char *d = w3c_val(s, vals, n, COL_DATE);
    const char *t = w3c_val(s, vals, n, COL_TIME);
    int64_t off = 0, ns;
    char text[64];

    if (t == NULL) {
        d = w3c_val(s, vals, n, COL_DATE_LOCAL);
        t = w3c_val(s, vals, n, COL_TIME_LOCAL);
        off = s->ctx->tz_off_s;
    }
    if (d == NULL && s->date[0] != '\0')
        d = s->date; /* time only: the #Date directive gives the day */
    if (d == NULL || t == NULL)
        return STORE_NONE;
    snprintf(text, sizeof text, "%.20s %.30s", d, t);
    if (rn_time_parse(text, off, &ns) != RN_OK)
        return STORE_NONE;
    return ns;
}

/* A per-line warning, at most W3C_MAX_WARN of them per file. */
static void
w3c_line_warn(struct w3c_state *s, const char *what)
{
    s->warned++;
    if (s->warned <= W3C_MAX_WARN)
        import_warn(s->ctx, s->lineno, "%s: line %lld: %s", s->ctx->path,
                    (long long)s->lineno, what);
    else if (s->warned == W3C_MAX_WARN + 1)
        import_warn(s->ctx, s->lineno,
                    "%s: line %lld: more problems; not reporting each",
                    s->ctx->path, (long long)s->lineno);
}

/* The event name: W3C_REQUEST, or HTTPERR_<reason> for HTTP.sys logs. */
static void
w3c_event_name(const struct w3c_state *s, const char *reason, char *out,
               size_t n)
{
    size_t i, len;

    if (s->kind != STORE_KIND_HTTPERR) {
        snprintf(out, n, "W3C_REQUEST");
        return;
    }
    if (reason == NULL || reason[0] == '\0') {
        snprintf(out, n, "HTTPERR");
        return;
    }
    snprintf(out, n, "HTTPERR_%.60s", reason);
    len = strlen(out);
    for (i = 8; i < len; i++) {
        char c = out[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '/' || c == '.'))
            out[i] = '_';
    }
}

/* One record line: a source request and its event. */
static enum rn_rc
w3c_record(struct w3c_state *s, char *line, int complete, struct rn_err *err)
{
    char *vals[W3C_MAX_FIELDS];
    char hex[65], key[96], name[80], msg[160], attrs[64];
    const char *stem, *query, *reason;
    struct rn_json_obj o;
    struct store_srcreq q;
    struct store_event se;
    struct sha256 c;
    int64_t srcreq, taken, t;
    size_t n, i;
    enum rn_rc rc;

    sha256_init(&c);
    sha256_update(&c, line, strlen(line));
    sha256_final_hex(&c, hex);
    if (!s->have_fields) {
        w3c_line_warn(s, "no #Fields directive before this line; using the "
                         "documented field order");
        w3c_set_fields(s, s->kind == STORE_KIND_HTTPERR ? httperr_default_fields
                                                        : w3c_default_fields);
    }
    n = import_w3c_split(line, vals, W3C_MAX_FIELDS);
    if (n > W3C_MAX_FIELDS) {
        w3c_line_warn(s, "too many values; line skipped");
        return RN_OK;
    }
    if (n < s->nnames && !complete) {
        /* The last line of a file that was still being written. */
        s->ctx->truncated = 1;
        import_warn(s->ctx, s->lineno,
                    "%s: line %lld: last line is incomplete (%zu of %zu "
                    "values); skipped",
                    s->ctx->path, (long long)s->lineno, n, s->nnames);
        return RN_OK;
    }
    if (n != s->nnames) {
        snprintf(msg, sizeof msg, "%zu values for %zu fields", n, s->nnames);
        w3c_line_warn(s, msg);
    }
    /* Fields JSON with every value, decoded. */
    rn_buf_reset(&s->json);
    rn_json_obj_begin(&o, &s->json);
    for (i = 0; i < n; i++) {
        char gen[32];
        const char *fname = i < s->nnames ? s->names[i] : NULL;

        if (fname == NULL) {
            snprintf(gen, sizeof gen, "field%zu", i + 1);
            fname = gen;
        }
        import_w3c_decode(vals[i], !w3c_is_url_field(fname));
        rn_json_obj_add(&o, fname, vals[i], strlen(vals[i]));
    }
    rn_json_obj_end(&o);

    store_srcreq_init(&q);
    snprintf(key, sizeof key, "%s:%.16s:%lld",
             s->kind == STORE_KIND_HTTPERR ? "httperr" : "w3c", hex,
             (long long)s->lineno);
    q.key = key;
    t = w3c_time(s, vals, n);
    if (t == STORE_NONE)
        w3c_line_warn(s, "no valid date and time");
    taken = w3c_int(s, vals, n, COL_TAKEN);
    q.end_ns = t;
    q.start_ns = t;
    if (t != STORE_NONE && taken != STORE_NONE && taken >= 0)
        q.start_ns = t - taken * 1000000;
    q.verb = w3c_val(s, vals, n, COL_METHOD);
    stem = w3c_val(s, vals, n, COL_STEM);
    query = w3c_val(s, vals, n, COL_QUERY);
    if (stem != NULL) {
        rn_buf_reset(&s->url);
        rn_buf_puts(&s->url, stem);
        if (query != NULL) {
            rn_buf_putc(&s->url, '?');
            rn_buf_puts(&s->url, query);
        }
        q.url = rn_buf_str(&s->url);
    } else {
        q.url = w3c_val(s, vals, n, COL_URI);
    }
    q.host = w3c_val(s, vals, n, COL_HOST);
    q.http_status = w3c_int(s, vals, n, COL_STATUS);
    q.substatus = w3c_int(s, vals, n, COL_SUBSTATUS);
    q.win32_status = w3c_int(s, vals, n, COL_WIN32);
    q.client_addr = w3c_val(s, vals, n, COL_CIP);
    q.client_port = w3c_int(s, vals, n, COL_CPORT);
    q.server_addr = w3c_val(s, vals, n, COL_SIP);
    q.server_port = w3c_int(s, vals, n, COL_SPORT);
    if (taken != STORE_NONE) {
        /* The matcher needs to know whether start = end - time-taken. */
        snprintf(attrs, sizeof attrs, "{\"time_taken_ms\":%lld}",
                 (long long)taken);
        q.attrs_json = attrs;
    }
    /* A connection-level HTTP.sys line (no verb and no URL, such as
     * Timer_ConnectionIdle) is an event of the connection, not a request
     * (FORMATS.md H): it belongs to no source request. */
    srcreq = 0;
    if (s->kind != STORE_KIND_HTTPERR || q.verb != NULL || q.url != NULL) {
        rc = ingest_srcreq_put(s->ctx->in, s->ctx->source_id, &q, &srcreq, err);
        if (rc != RN_OK)
            return rc;
    }
    reason = w3c_val(s, vals, n, COL_REASON);
    w3c_event_name(s, reason, name, sizeof name);
    store_event_init(&se);
    se.ord = s->records;
    se.seq = s->lineno;
    se.line = s->lineno;
    se.ts_ns = t;
    se.provider = s->software;
    se.name = name;
    se.level = q.http_status == STORE_NONE
                   ? (s->kind == STORE_KIND_HTTPERR ? 3 : 4)
               : q.http_status >= 500 ? 2
               : q.http_status >= 400 ? 3
                                      : 4;
    se.fields_json = rn_buf_str(&s->json);
    rc =
        ingest_event_add(s->ctx->in, s->ctx->source_id, srcreq, &se, NULL, err);
    s->records++;
    if (rc == RN_OK && s->records % W3C_PROGRESS_EVERY == 0)
        rc = import_progress(s->ctx, s->offset, err);
    return rc;
}

/*
 * NUL bytes in a line.  A log preallocated by IIS and cut short by a crash
 * ends in a run of NULs: trailing NULs are dropped (a line of nothing but
 * NULs is then empty).  Others would cut the line short as a C string, so
 * each becomes U+FFFD and the line is kept whole.  Either is reported.
 */
static void
w3c_fix_nuls(struct w3c_state *s, struct rn_buf *line)
{
    size_t len = line->len, i, nuls = 0, trail = 0;
    struct rn_buf out;

    while (len > 0 && line->data[len - 1] == '\0')
        len--;
    trail = line->len - len;
    for (i = 0; i < len; i++)
        nuls += line->data[i] == '\0';
    line->len = len;
    line->data[len] = '\0';
    if (nuls == 0) {
        char what[96];

        snprintf(what, sizeof what, "%zu NUL bytes (padding?) ignored", trail);
        w3c_line_warn(s, what);
        return;
    }
    rn_buf_init(&out, W3C_MAX_LINE + 2 * nuls + 1);
    for (i = 0; i < len; i++) {
        if (line->data[i] == '\0')
            rn_buf_puts(&out, "\xef\xbf\xbd");
        else
            rn_buf_putc(&out, line->data[i]);
    }
    rn_buf_reset(line);
    if (rn_buf_append(line, out.data, out.len) != RN_OK) {
        w3c_line_warn(s, "NUL bytes in a line too long to keep; skipped");
        rn_buf_reset(line);
    } else {
        w3c_line_warn(s, "NUL bytes shown as U+FFFD");
    }
    rn_buf_fini(&out);
}

/*
 * Next line (without its end of line) into line; *complete is 0 when the
 * file ended without a newline.  Returns 1, 0 at the end, -1 on a read
 * error.  Lines longer than W3C_MAX_LINE are skipped with a warning.
 */
static int
w3c_getline(struct w3c_state *s, struct rn_buf *line, int *complete)
{
    int too_long = 0;

    rn_buf_reset(line);
    *complete = 0;
    for (;;) {
        char *nl;
        size_t take;

        if (s->bpos == s->block.len) {
            char tmp[W3C_BLOCK];
            size_t got;

            if (s->eof)
                break;
            got = fread(tmp, 1, sizeof tmp, s->f);
            if (got == 0) {
                if (ferror(s->f))
                    return -1;
                s->eof = 1;
                break;
            }
            rn_buf_reset(&s->block);
            s->bpos = 0;
            rn_buf_append(&s->block, tmp, got);
        }
        nl = memchr(s->block.data + s->bpos, '\n', s->block.len - s->bpos);
        take = nl != NULL ? (size_t)(nl - (s->block.data + s->bpos))
                          : s->block.len - s->bpos;
        if (!too_long && line->len + take > W3C_MAX_LINE)
            too_long = 1;
        if (!too_long)
            rn_buf_append(line, s->block.data + s->bpos, take);
        s->bpos += take;
        s->offset += (int64_t)take;
        if (nl != NULL) {
            s->bpos++;
            s->offset++;
            *complete = 1;
            break;
        }
    }
    if (!*complete && line->len == 0 && !too_long)
        return 0;
    s->lineno++;
    if (too_long) {
        w3c_line_warn(s, "line longer than 1 MiB; skipped");
        rn_buf_reset(line);
        return 1;
    }
    if (line->len > 0 && line->data[line->len - 1] == '\r')
        line->data[--line->len] = '\0';
    if (line->len > 0 && memchr(line->data, '\0', line->len) != NULL)
        w3c_fix_nuls(s, line);
    return 1;
}

/* Import one log of the given kind. */
static enum rn_rc
w3c_import(struct import_ctx *ctx, int kind, struct rn_err *err)
{
    struct w3c_state s;
    struct rn_buf line;
    enum rn_rc rc = RN_OK;
    int ret, complete, c;

    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.kind = kind;
    for (c = 0; c < COL_COUNT; c++)
        s.col[c] = -1;
    s.f = import_fopen(ctx);
    if (s.f == NULL)
        return rn_err_set(err, RN_EIO, "%s: %s", ctx->path, strerror(errno));
    rn_buf_init(&s.json, 8u * 1024 * 1024);
    rn_buf_init(&s.url, W3C_MAX_LINE + 1);
    rn_buf_init(&s.block, W3C_BLOCK + 1);
    rn_buf_init(&line, W3C_MAX_LINE + 1);
    while (rc == RN_OK && (ret = w3c_getline(&s, &line, &complete)) == 1) {
        static char empty[1];
        char *p = line.data != NULL ? line.data : empty;

        if (s.lineno == 1 && (unsigned char)p[0] == 0xEF &&
            (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
            p += 3;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            continue;
        if (*p == '#')
            w3c_directive(&s, p);
        else
            rc = w3c_record(&s, p, complete, err);
    }
    if (rc == RN_OK && ret < 0)
        rc = rn_err_set(err, RN_EIO, "%s: line %lld: read error: %s", ctx->path,
                        (long long)s.lineno, strerror(errno));
    if (rc == RN_OK && s.records == 0 && !s.have_fields)
        rc = rn_err_set(err, RN_EFORMAT,
                        "%s: no #Fields directive and no "
                        "records",
                        ctx->path);
    ctx->format_detail = kind == STORE_KIND_HTTPERR ? "httperr" : "w3c";
    w3c_names_free(&s);
    free(s.software);
    rn_buf_fini(&s.json);
    rn_buf_fini(&s.url);
    rn_buf_fini(&s.block);
    rn_buf_fini(&line);
    fclose(s.f);
    return rc;
}

static enum rn_rc
w3c_run(struct import_ctx *ctx, struct rn_err *err)
{
    return w3c_import(ctx, STORE_KIND_W3C, err);
}

static enum rn_rc
httperr_run(struct import_ctx *ctx, struct rn_err *err)
{
    return w3c_import(ctx, STORE_KIND_HTTPERR, err);
}

const struct importer import_w3c_importer = {
    "w3c",
    STORE_KIND_W3C,
    w3c_probe,
    w3c_run,
};

const struct importer import_httperr_importer = {
    "httperr",
    STORE_KIND_HTTPERR,
    httperr_probe,
    httperr_run,
};
