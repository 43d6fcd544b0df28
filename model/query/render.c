/* JSON and CSV rendering shared by the command line and reports. */
#include "render.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rn_json.h"
#include "rn_kind.h"
#include "rn_time.h"
#include "sanitize.h"
#include "xmalloc.h"

void
render_status(const struct rq_row *r, char *out, size_t n)
{
    int w = 0;

    if (r->http_status != STORE_NONE)
        w = snprintf(out, n, "%" PRId64 ".%" PRId64, r->http_status,
                     r->substatus == STORE_NONE ? 0 : r->substatus);
    if (r->http_status == STORE_NONE || w < 0)
        out[0] = '\0';
}

void
render_position(int kind, const char *file, int64_t seq, char *out, size_t n)
{
    rn_kind_position(kind, file, seq, out, n);
}

int
render_field_inline(const char *key)
{
    size_t n = strlen(key);

    return strcmp(key, "ContextId") != 0 && strncmp(key, "sys.", 4) != 0 &&
           strncmp(key, "render.", 7) != 0 && strcmp(key, "captured_ts") != 0 &&
           strcmp(key, "clock_offset_ms") != 0 &&
           !(n > 12 && strcmp(key + n - 12, ".description") == 0);
}

enum rn_rc
render_ms(struct rn_buf *b, int64_t ns)
{
    int64_t whole = ns / 1000000, frac = ns % 1000000;

    if (frac < 0) {
        frac = -frac;
        if (whole == 0)
            return rn_buf_printf(b, "-0.%03" PRId64, frac / 1000);
    }
    if (frac / 1000 == 0)
        return rn_buf_printf(b, "%" PRId64, whole);
    return rn_buf_printf(b, "%" PRId64 ".%03" PRId64, whole, frac / 1000);
}

void
render_duration(int64_t ns, char *out, size_t n)
{
    int64_t ms = ns / 1000000, s = ns / 1000000000, t;

    if (ns < 0) {
        snprintf(out, n, "-");
    } else if (ns < 1000000) {
        /* Sub-millisecond: two significant decimals are enough. */
        snprintf(out, n, "%.2gms", (double)ns / 1e6);
    } else if (ms < 1000) {
        snprintf(out, n, "%" PRId64 "ms", ms);
    } else if (s < 60) {
        /* Tenths, cut like every unit here: 59.96 s must not read 60.0s
         * in the seconds form. */
        t = ns / 100000000;
        snprintf(out, n, "%" PRId64 ".%" PRId64 "s", t / 10, t % 10);
    } else if (s < 3600) {
        t = ns / 100000000;
        snprintf(out, n, "%" PRId64 "m%02" PRId64 ".%" PRId64 "s", t / 600,
                 t / 10 % 60, t % 10);
    } else {
        snprintf(out, n, "%" PRId64 "h%02" PRId64 "m%02" PRId64 "s", s / 3600,
                 s / 60 % 60, s % 60);
    }
}

void
render_offset(int64_t ns, char *out, size_t n)
{
    char d[RENDER_DUR_MAX];

    render_duration(ns < 0 ? -ns : ns, d, sizeof d);
    snprintf(out, n, "%c%s", ns < 0 ? '-' : '+', d);
}

/* Names of the Win32 errors an IIS failure trace reports most. */
static const struct {
    uint32_t code;
    const char *name;
} render_win32_names[] = {
    {0, "ERROR_SUCCESS"},
    {1, "ERROR_INVALID_FUNCTION"},
    {2, "ERROR_FILE_NOT_FOUND"},
    {3, "ERROR_PATH_NOT_FOUND"},
    {5, "ERROR_ACCESS_DENIED"},
    {6, "ERROR_INVALID_HANDLE"},
    {8, "ERROR_NOT_ENOUGH_MEMORY"},
    {14, "ERROR_OUTOFMEMORY"},
    {38, "ERROR_HANDLE_EOF"},
    {50, "ERROR_NOT_SUPPORTED"},
    {64, "ERROR_NETNAME_DELETED"},
    {87, "ERROR_INVALID_PARAMETER"},
    {109, "ERROR_BROKEN_PIPE"},
    {121, "ERROR_SEM_TIMEOUT"},
    {193, "ERROR_BAD_EXE_FORMAT"},
    {232, "ERROR_NO_DATA"},
    {233, "ERROR_PIPE_NOT_CONNECTED"},
    {234, "ERROR_MORE_DATA"},
    {258, "WAIT_TIMEOUT"},
    {995, "ERROR_OPERATION_ABORTED"},
    {997, "ERROR_IO_PENDING"},
    {1067, "ERROR_PROCESS_ABORTED"},
    {1223, "ERROR_CANCELLED"},
    {1229, "ERROR_CONNECTION_INVALID"},
    {1236, "ERROR_CONNECTION_ABORTED"},
    {1460, "ERROR_TIMEOUT"},
    {0x80004005u, "E_FAIL"},
};

void
render_win32(int64_t v, char *out, size_t n)
{
    uint32_t code = (uint32_t)v, win32 = code;
    const char *name = NULL;
    size_t i;

    /* HRESULT_FROM_WIN32 (0x8007xxxx) carries a Win32 code. */
    if ((code & 0xFFFF0000u) == 0x80070000u)
        win32 = code & 0xFFFFu;
    for (i = 0; i < sizeof render_win32_names / sizeof render_win32_names[0];
         i++) {
        if (render_win32_names[i].code == win32 ||
            render_win32_names[i].code == code)
            name = render_win32_names[i].name;
    }
    if (v < 0 || v > 0xFFFFFFFFLL)
        snprintf(out, n, "%" PRId64, v);
    else if (code >= 0x10000u)
        snprintf(out, n, "0x%08" PRIX32 "%s%s", code, name ? " " : "",
                 name ? name : "");
    else
        snprintf(out, n, "%" PRIu32 "%s%s", code, name ? " " : "",
                 name ? name : "");
}

void
render_time_fixed(int64_t ns, int digits, char *out)
{
    char *dot, *z;
    size_t have;

    rn_time_format(ns, out);
    dot = strchr(out, '.');
    z = strchr(out, 'Z');
    if (z == NULL || digits < 1 || digits > 9)
        return;
    if (dot == NULL) {
        dot = z;
        memmove(z + 1, z, 2);
        *dot = '.';
        z++;
    }
    have = (size_t)(z - dot - 1);
    while (have < (size_t)digits)
        dot[1 + have++] = '0';
    dot[1 + digits] = 'Z';
    dot[2 + digits] = '\0';
}

void
render_sources(unsigned sources, const char *sep, char *out, size_t n)
{
    size_t len = 0;
    int k;

    out[0] = '\0';
    for (k = 1; k <= STORE_KIND_MAX; k++) {
        int w;

        if (!(sources & (1u << (k - 1))))
            continue;
        w = snprintf(out + len, n - len, "%s%s", len > 0 ? sep : "",
                     store_kind_name(k));
        if (w < 0 || (size_t)w >= n - len)
            break;
        len += (size_t)w;
    }
}

/* "key": value helpers. */
static enum rn_rc
json_key(struct rn_buf *b, const char *key, int first)
{
    if (!first)
        rn_buf_putc(b, ',');
    rn_json_cstr(b, key);
    return rn_buf_putc(b, ':');
}

static enum rn_rc
json_opt_int(struct rn_buf *b, int64_t v)
{
    if (v == STORE_NONE)
        return rn_buf_puts(b, "null");
    return rn_buf_printf(b, "%" PRId64, v);
}

static enum rn_rc
json_opt_ts(struct rn_buf *b, int64_t ns)
{
    char ts[RN_TS_STR_MAX];

    if (ns == STORE_NONE)
        return rn_buf_puts(b, "null");
    rn_time_format(ns, ts);
    return rn_json_cstr(b, ts);
}

int
render_timing_coarse(const struct rq_row *r)
{
    unsigned precise =
                 (1u << (STORE_KIND_FREB - 1)) | (1u << (STORE_KIND_PCAP - 1)),
             etw = 1u << (STORE_KIND_ETW - 1);

    if (r->sources == 0 || (r->sources & precise) != 0 ||
        r->start_ns == STORE_NONE)
        return 0;
    /* ETW is precise but for Log Parser's whole seconds: the request's
     * times come from its most precise source (triage). */
    return !(r->sources & etw) ||
           (r->start_ns % RN_NS_PER_SEC == 0 &&
            (r->end_ns == STORE_NONE || r->end_ns % RN_NS_PER_SEC == 0));
}

int
render_duration_approx(const struct rq_row *r)
{
    unsigned w3c = 1u << (STORE_KIND_W3C - 1);

    /* A W3C line's time-taken is exact, whatever its times; Log Parser's
     * two whole seconds, or an HTTPERR line's one, say nothing finer. */
    return render_timing_coarse(r) && r->end_ns != STORE_NONE &&
           (r->sources & (1u << (STORE_KIND_ETW - 1)) || !(r->sources & w3c));
}

void
render_request_duration(const struct rq_row *r, char *out, size_t n)
{
    int64_t d, s;

    if (r->start_ns == STORE_NONE || r->end_ns == STORE_NONE ||
        r->end_ns < r->start_ns) {
        snprintf(out, n, "-");
        return;
    }
    d = r->end_ns - r->start_ns;
    s = d / RN_NS_PER_SEC;
    if (!render_duration_approx(r))
        render_duration(d, out, n);
    else if (s < 1)
        snprintf(out, n, "<1s");
    else if (s < 60)
        snprintf(out, n, "~%" PRId64 "s", s);
    else if (s < 3600)
        snprintf(out, n, "~%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
    else
        snprintf(out, n, "~%" PRId64 "h%02" PRId64 "m%02" PRId64 "s", s / 3600,
                 s / 60 % 60, s % 60);
}

enum rn_rc
render_request_json(struct rn_buf *b, const struct rq_row *r)
{
    char status[32];
    int k, role, first = 1;

    rn_buf_putc(b, '{');
    json_key(b, "id", 1);
    rn_buf_printf(b, "%" PRId64, r->id);
    json_key(b, "key", 0);
    rn_json_cstr(b, r->key);
    json_key(b, "start", 0);
    json_opt_ts(b, r->start_ns);
    json_key(b, "end", 0);
    json_opt_ts(b, r->end_ns);
    json_key(b, "duration_ms", 0);
    if (r->start_ns != STORE_NONE && r->end_ns != STORE_NONE)
        render_ms(b, r->end_ns - r->start_ns);
    else
        rn_buf_puts(b, "null");
    /* How far to trust those (CONTRACT.md: coarse times stand for
     * [t, t + 1 s)); new keys after the old ones' places. */
    json_key(b, "timing", 0);
    rn_json_cstr(b, render_timing_coarse(r) ? "coarse" : "precise");
    json_key(b, "time_precision_ms", 0);
    rn_buf_puts(b, render_timing_coarse(r) ? "1000" : "1");
    json_key(b, "duration_approx", 0);
    rn_buf_puts(b, render_duration_approx(r) ? "true" : "false");
    json_key(b, "verb", 0);
    rn_json_cstr(b, r->verb);
    json_key(b, "url", 0);
    rn_json_cstr(b, r->url);
    json_key(b, "host", 0);
    rn_json_cstr(b, r->host);
    render_status(r, status, sizeof status);
    json_key(b, "status", 0);
    rn_json_cstr(b, status[0] != '\0' ? status : NULL);
    json_key(b, "http_status", 0);
    json_opt_int(b, r->http_status);
    json_key(b, "substatus", 0);
    json_opt_int(b, r->http_status == STORE_NONE ? STORE_NONE
                    : r->substatus == STORE_NONE ? 0
                                                 : r->substatus);
    json_key(b, "win32_status", 0);
    json_opt_int(b, r->win32_status);
    json_key(b, "sources", 0);
    rn_buf_putc(b, '[');
    for (k = 1; k <= STORE_KIND_MAX; k++) {
        if (!(r->sources & (1u << (k - 1))))
            continue;
        if (!first)
            rn_buf_putc(b, ',');
        rn_json_cstr(b, store_kind_name(k));
        first = 0;
    }
    rn_buf_putc(b, ']');
    json_key(b, "roles", 0);
    rn_buf_putc(b, '{');
    for (role = 0; role < STORE_ROLE_COUNT; role++) {
        json_key(b, store_role_name(role), role == 0);
        json_opt_int(b, r->roles[role]);
    }
    rn_buf_putc(b, '}');
    json_key(b, "diagnosis", 0);
    rn_json_cstr(b, r->diagnosis);
    json_key(b, "cause", 0);
    rn_json_cstr(b, r->cause);
    json_key(b, "marked", 0);
    rn_buf_puts(b, r->marked ? "true" : "false");
    if (r->links) {
        size_t i;

        /* ARR: a row read without them (links 0) leaves them out
         * rather than claim there are none. */
        json_key(b, "parent", 0);
        json_opt_int(b, r->parent);
        json_key(b, "children", 0);
        rn_buf_putc(b, '[');
        for (i = 0; i < r->nchildren; i++)
            rn_buf_printf(b, "%s%" PRId64, i > 0 ? "," : "", r->children[i]);
        rn_buf_putc(b, ']');
    }
    return rn_buf_putc(b, '}');
}

enum rn_rc
render_event_json(struct rn_buf *b, const struct ev_row *e, int64_t start_ns)
{
    rn_buf_putc(b, '{');
    json_key(b, "id", 1);
    rn_buf_printf(b, "%" PRId64, e->uid);
    json_key(b, "ts", 0);
    json_opt_ts(b, e->ts_ns);
    json_key(b, "rel_ms", 0);
    if (e->ts_ns != STORE_NONE && start_ns != STORE_NONE)
        render_ms(b, e->ts_ns - start_ns);
    else
        rn_buf_puts(b, "null");
    json_key(b, "source", 0);
    rn_json_cstr(b, store_kind_name(e->kind));
    json_key(b, "file", 0);
    rn_json_cstr(b, e->file);
    json_key(b, "seq", 0);
    rn_buf_printf(b, "%" PRId64, e->seq);
    json_key(b, "line", 0);
    json_opt_int(b, e->line);
    json_key(b, "provider", 0);
    rn_json_cstr(b, e->provider);
    json_key(b, "name", 0);
    rn_json_cstr(b, e->name);
    json_key(b, "level", 0);
    json_opt_int(b, e->level);
    json_key(b, "fields", 0);
    /* Stored fields are JSON built by rn_json: copy them as they are. */
    rn_buf_puts(b, e->fields_json != NULL ? e->fields_json : "{}");
    json_key(b, "role", 0);
    rn_json_cstr(b, e->role >= 0 ? store_role_name(e->role) : NULL);
    json_key(b, "child", 0);
    rn_buf_puts(b, e->child ? "true" : "false");
    return rn_buf_putc(b, '}');
}

size_t
render_link_events(const struct ev_row *ev, size_t n, size_t **out)
{
    size_t *v = xmalloc((n > 0 ? n : 1) * sizeof *v), got = 0, i, k;

    for (i = 0; i < n; i++) {
        if (ev[i].child)
            continue;
        /* Few source requests per request: a scan of those seen. */
        for (k = 0; k < got && ev[v[k]].srcreq != ev[i].srcreq; k++)
            ;
        if (k == got)
            v[got++] = i;
    }
    *out = v;
    return got;
}

int
render_link_matched(const struct ev_row *e)
{
    const struct rn_kind *k = rn_kind_get(e->kind);

    return k != NULL && k->match != RN_MATCH_GUID;
}

const char *
render_alone_reason(const struct ev_row *e)
{
    if (!render_link_matched(e) || e->link_rule == NULL ||
        strcmp(e->link_rule, "self") != 0)
        return NULL;
    /* An exchange of a capture no IIS request was near was never
     * matched at all: nothing could have been its candidate. */
    return e->alone_reason != NULL ? e->alone_reason : STORE_ALONE_NO_CANDIDATE;
}

void
render_link_text(const struct ev_row *e, char *out, size_t n)
{
    const char *alone = render_alone_reason(e);
    char d[RENDER_DUR_MAX];

    if (alone != NULL) {
        snprintf(out, n, "alone: %s",
                 strcmp(alone, STORE_ALONE_CONFLICT) == 0
                     ? "conflict (a request of its path fit its time, but "
                       "other evidence differed or another took it)"
                     : "no candidate (no request of its path near it)");
    } else if (!render_link_matched(e) || e->link_rule == NULL) {
        snprintf(out, n, "%s", e->link_rule != NULL ? e->link_rule : "-");
    } else if (e->link_margin_ns == STORE_NONE) {
        snprintf(out, n, "%s, no other candidate", e->link_rule);
    } else if (e->link_margin_ns == 0) {
        snprintf(out, n, "%s, margin 0 (identical evidence: time order)",
                 e->link_rule);
    } else {
        render_duration(e->link_margin_ns, d, sizeof d);
        snprintf(out, n, "%s, margin %s", e->link_rule, d);
    }
}

/* One object of a timeline's links: a source request and how it came to
 * be on the request. */
static enum rn_rc
render_link_json(struct rn_buf *b, const struct ev_row *e)
{
    char pos[160];

    rn_buf_putc(b, '{');
    json_key(b, "source", 1);
    rn_json_cstr(b, store_kind_name(e->kind));
    json_key(b, "file", 0);
    rn_json_cstr(b, e->file);
    render_position(e->kind, e->file, e->seq, pos, sizeof pos);
    json_key(b, "position", 0);
    rn_json_cstr(b, pos);
    json_key(b, "rule", 0);
    rn_json_cstr(b, e->link_rule);
    json_key(b, "margin_ms", 0);
    if (render_link_matched(e) && render_alone_reason(e) == NULL &&
        e->link_margin_ns != STORE_NONE)
        render_ms(b, e->link_margin_ns);
    else
        rn_buf_puts(b, "null");
    json_key(b, "alone", 0);
    rn_json_cstr(b, render_alone_reason(e));
    return rn_buf_putc(b, '}');
}

enum rn_rc
render_timeline_json(struct rn_buf *b, const struct rq_row *r,
                     const struct ev_row *ev, size_t n)
{
    size_t i, nl, *first;

    rn_buf_puts(b, "{\"request\":");
    render_request_json(b, r);
    rn_buf_puts(b, ",\"events\":[");
    for (i = 0; i < n; i++) {
        if (i > 0)
            rn_buf_putc(b, ',');
        render_event_json(b, &ev[i], r->start_ns);
    }
    rn_buf_puts(b, "],\"links\":[");
    nl = render_link_events(ev, n, &first);
    for (i = 0; i < nl; i++) {
        if (i > 0)
            rn_buf_putc(b, ',');
        render_link_json(b, &ev[first[i]]);
    }
    free(first);
    return rn_buf_puts(b, "]}");
}

enum rn_rc
render_csv_field(struct rn_buf *b, const char *s)
{
    struct rn_buf safe;
    const char *p;
    enum rn_rc rc;

    if (s == NULL)
        return RN_OK;
    /* CSV ends up on terminals too: control characters, C1, bidi marks
     * and invalid UTF-8 are shown as the sanitiser shows them; TAB, CR
     * and LF stay (quoted). */
    rn_buf_init(&safe, RN_BUF_MAX_FIELD * 4);
    rc = sanitize_append(&safe, s, strlen(s), SANITIZE_KEEP_WS);
    s = rc == RN_OK ? rn_buf_str(&safe) : "<too long>";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        rc = rn_buf_puts(b, s);
        rn_buf_fini(&safe);
        return rc;
    }
    rn_buf_putc(b, '"');
    for (p = s; *p != '\0'; p++) {
        if (*p == '"')
            rn_buf_putc(b, '"');
        rn_buf_putc(b, *p);
    }
    rn_buf_fini(&safe);
    return rn_buf_putc(b, '"');
}
