/*
 * Triage of one logical request.  Everything that knows event names lives
 * in the tables at the top of this file: a new event name is one line.
 * triage_request() reads the request's source requests and events, picks
 * the role events, the status and the words, and writes the request row.
 */
#include "triage.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest_impl.h"
#include "rn_buf.h"
#include "rn_json.h"
#include "rn_time.h"
#include "store_impl.h"
#include "xmalloc.h"

struct role_rule {
    const char *name; /* event name (ETW/FREB opcode name, capture event) */
    int role;         /* enum store_role */
    int rank;         /* lower wins; ties go to the earliest event */
};

/* Which events play which role (CONTRACT.md "Roles"). */
static const struct role_rule role_rules[] = {
    {"CGI_LAUNCH", STORE_ROLE_CGI_START, 1},
    {"FASTCGI_ASSIGN_PROCESS", STORE_ROLE_CGI_START, 2},
    {"FASTCGI_START", STORE_ROLE_CGI_START, 3},
    {"CGI_PREMATURE_TERMINATION", STORE_ROLE_HEADER_ERROR, 1},
    {"CGI_TIMEOUT", STORE_ROLE_HEADER_ERROR, 1},
    {"FASTCGI_UNEXPECTED_EXIT", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_REQUEST_TIMEOUT", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_ACTIVITY_TIMEOUT", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_RAPID_FAILURE_PROTECTION", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_PATH_NOT_FOUND", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_SCRIPT_PROCESSOR_MISSING", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_QUEUE_FULL", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_UNKNOWN_ERROR", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_ADD_JOBOBJECT_FAIL", STORE_ROLE_HEADER_ERROR, 2},
    {"FASTCGI_STDERR_TRACE_ERROR", STORE_ROLE_HEADER_ERROR, 3},
    {"GENERAL_REQUEST_END", STORE_ROLE_STATUS_SEND, 1},
    {"MODULE_SET_RESPONSE_ERROR_STATUS", STORE_ROLE_STATUS_SEND, 2},
    {"GENERAL_RESPONSE_HEADERS", STORE_ROLE_STATUS_SEND, 3},
    {"HTTP_RESPONSE_STATUS", STORE_ROLE_STATUS_SEND, 9},
};

/* Words for status.substatus (FORMATS.md C.1, C.2); sub -1 = any. */
struct status_text {
    int status, sub;
    const char *text;
};

static const struct status_text status_texts[] = {
    {502, 1, "CGI application timeout: IIS killed the CGI process"},
    {502, 2,
     "the CGI application misbehaved by not returning a complete "
     "set of HTTP headers"},
    {502, 3,
     "forwarder connection error (ARR or ANCM could not complete "
     "the proxied request)"},
    {502, 4, "no healthy server to route to (ARR)"},
    {502, 5, "WebSocket failure (ARR)"},
    {502, 6, "forwarded request failure (ARR)"},
    {502, 7, "execute request failure (ARR)"},
    {500, 0, "module or ISAPI error"},
    {500, 11, "application is shutting down"},
    {500, 12, "application is restarting"},
    {500, 13, "server too busy"},
    {500, 15, "direct request for Global.asa/asax"},
    {500, 19, "configuration data is invalid"},
    {500, 21, "module not recognized"},
    {500, 22, "ASP.NET httpModules not valid in Integrated Pipeline mode"},
    {500, 23, "ASP.NET httpHandlers not valid in Integrated Pipeline mode"},
    {500, 24, "ASP.NET impersonation not valid in Integrated Pipeline mode"},
    {500, 50, "URL Rewrite error in an inbound rule"},
    {500, 51, "URL Rewrite error in a global rule"},
    {500, 52, "URL Rewrite error in an outbound rule"},
    {500, 53, "URL Rewrite error in an outbound rule (before headers)"},
    {500, 100, "internal ASP error"},
    {503, 0, "application pool unavailable"},
    {503, 2, "concurrent request limit exceeded"},
    {503, 3, "ASP.NET queue full"},
    {503, 4, "FastCGI queue full"},
    {404, 2, "ISAPI or CGI restriction"},
    {403, 19, "cannot run CGI applications in this application pool"},
};

struct code_text {
    uint32_t code;
    const char *text;
};

/* Exit statuses, HRESULTs and Win32 codes (FORMATS.md C.3). */
static const struct code_text code_texts[] = {
    {0xC00000FDu,
     "STATUS_STACK_OVERFLOW: the process died of a stack overflow"},
    {0xC0000005u, "STATUS_ACCESS_VIOLATION: the process crashed"},
    {0xC0000135u, "STATUS_DLL_NOT_FOUND: the process could not start"},
    {0xC0000142u, "STATUS_DLL_INIT_FAILED: the process could not start "
                  "(often desktop-heap exhaustion)"},
    {0xF1256323u, "IIS terminated the CGI process at the CGI timeout"},
    {3u, "exit code 3: the C runtime's abort() was called"},
    {0x80070102u, "WAIT_TIMEOUT: the wait operation timed out"},
    {0x80072EE2u, "ERROR_WINHTTP_TIMEOUT: the upstream server timed out"},
    {0x80072EFDu, "ERROR_WINHTTP_CANNOT_CONNECT: the backend could not be "
                  "reached"},
    {0x80072EFEu, "ERROR_WINHTTP_CONNECTION_ERROR: the connection to the "
                  "backend was terminated abnormally"},
    {0x80072F78u, "ERROR_WINHTTP_INVALID_SERVER_RESPONSE: the backend sent an "
                  "invalid or incomplete response"},
    {0x800704CDu, "ERROR_CONNECTION_INVALID: the client was gone when IIS "
                  "flushed the response"},
    {0x80070040u, "ERROR_NETNAME_DELETED: the client disconnected"},
    {0x80070002u, "ERROR_FILE_NOT_FOUND"},
    {0x80070003u, "ERROR_PATH_NOT_FOUND"},
    {0x80070005u, "ERROR_ACCESS_DENIED"},
    {64u, "ERROR_NETNAME_DELETED: the client disconnected"},
    {995u, "ERROR_OPERATION_ABORTED"},
    {1236u, "ERROR_CONNECTION_ABORTED"},
    {121u, "ERROR_SEM_TIMEOUT: a network time-out"},
    {12002u, "ERROR_WINHTTP_TIMEOUT: the upstream server timed out"},
    {12029u, "ERROR_WINHTTP_CANNOT_CONNECT"},
    {12030u, "ERROR_WINHTTP_CONNECTION_ERROR"},
    {12152u, "ERROR_WINHTTP_INVALID_SERVER_RESPONSE"},
    {12007u, "ERROR_WINHTTP_NAME_NOT_RESOLVED: the backend's name could not "
             "be resolved"},
    {0x80072EE7u, "ERROR_WINHTTP_NAME_NOT_RESOLVED: the backend's name could "
                  "not be resolved"},
    {0xC0000409u, "STATUS_STACK_BUFFER_OVERRUN: the process ended itself "
                  "(fail-fast or a detected buffer overrun)"},
    {0xC0000374u, "STATUS_HEAP_CORRUPTION: the process crashed on a corrupt "
                  "heap"},
    {0xC0000017u, "STATUS_NO_MEMORY: the process ran out of memory"},
    {0xC000013Au, "STATUS_CONTROL_C_EXIT: the process was interrupted"},
};

/* Words for header_error events other than CGI_* (FORMATS.md A.5). */
static const struct event_text {
    const char *name, *text;
} event_texts[] = {
    {"FASTCGI_UNEXPECTED_EXIT", "the FastCGI process exited unexpectedly"},
    {"FASTCGI_REQUEST_TIMEOUT",
     "the FastCGI process exceeded the request timeout (requestTimeout)"},
    {"FASTCGI_ACTIVITY_TIMEOUT", "the FastCGI process sent nothing within "
                                 "the activity timeout (activityTimeout)"},
    {"FASTCGI_RAPID_FAILURE_PROTECTION",
     "FastCGI rapid-fail protection stopped the application after repeated "
     "failures"},
    {"FASTCGI_PATH_NOT_FOUND", "the FastCGI executable was not found"},
    {"FASTCGI_SCRIPT_PROCESSOR_MISSING",
     "no FastCGI application is configured for this script processor"},
    {"FASTCGI_QUEUE_FULL", "the FastCGI request queue is full"},
    {"FASTCGI_UNKNOWN_ERROR", "FastCGI failed with an unknown error"},
    {"FASTCGI_ADD_JOBOBJECT_FAIL",
     "the FastCGI process could not be put in its job object"},
    {"FASTCGI_STDERR_TRACE_ERROR",
     "the FastCGI application reported an error on stderr"},
};

/* Words for an event name from event_texts, or NULL. */
static const char *
tri_event_text(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof event_texts / sizeof event_texts[0]; i++) {
        if (strcmp(event_texts[i].name, name) == 0)
            return event_texts[i].text;
    }
    return NULL;
}

int
triage_role_of(const char *name, int *rank)
{
    size_t i;

    for (i = 0; i < sizeof role_rules / sizeof role_rules[0]; i++) {
        if (strcmp(name, role_rules[i].name) == 0) {
            if (rank != NULL)
                *rank = role_rules[i].rank;
            return role_rules[i].role;
        }
    }
    return -1;
}

const char *
triage_status_text(int64_t status, int64_t substatus)
{
    size_t i;

    for (i = 0; i < sizeof status_texts / sizeof status_texts[0]; i++) {
        if (status_texts[i].status == status &&
            status_texts[i].sub == substatus)
            return status_texts[i].text;
    }
    return NULL;
}

void
triage_code_text(int64_t code, char *out, size_t n)
{
    uint32_t c = (uint32_t)code;
    size_t i;

    out[0] = '\0';
    if (code == STORE_NONE)
        return;
    for (i = 0; i < sizeof code_texts / sizeof code_texts[0]; i++) {
        if (code_texts[i].code == c) {
            snprintf(out, n, "%s", code_texts[i].text);
            return;
        }
    }
    if ((c & 0xFFFF0000u) == 0x80070000u)
        snprintf(out, n, "HRESULT of Win32 error %u", c & 0xFFFFu);
    else if (c >= 0xC0000000u)
        snprintf(out, n, "NTSTATUS 0x%08X: the process crashed", c);
}

int64_t
triage_parse_code(const char *s)
{
    char *end;
    long long v;
    unsigned long long u;

    if (s == NULL || *s == '\0')
        return STORE_NONE;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        u = strtoull(s + 2, &end, 16);
        if (*end != '\0' || end == s + 2)
            return STORE_NONE;
        return (int64_t)(uint32_t)u;
    }
    v = strtoll(s, &end, 10);
    if (*end != '\0' || end == s)
        return STORE_NONE;
    return v < 0 ? (int64_t)(uint32_t)(int32_t)v : v;
}

/* What triage reads of one event that plays a part (a role, or the
 * module that set the error status). */
struct tri_event {
    int64_t uid, ts, seq, ord;
    int kind, role, rank;
    char *name, *status, *substatus, *code, *pid, *cmdline, *headers, *module,
        *reason;
    int headers_null;
};

/* What triage gathers for one request. */
struct tri_req {
    struct tri_event *ev; /* only the events that play a part */
    size_t nev, cap;
    int role_ix[STORE_ROLE_COUNT]; /* index into ev, or -1 */
    int64_t ev_min, ev_max;        /* span of its precise events' times */
    int64_t cev_min, cev_max;      /* ... and of its coarse ones */
    int64_t cstart, cend;          /* span of its coarse source requests */
    int64_t nadded;                /* events seen: their arrival order */
    /* From source requests, best kind first. */
    char *verb, *url, *host;
    int64_t status, substatus, win32, start, end;
    unsigned sources;
};

static void
tri_req_init(struct tri_req *t)
{
    memset(t, 0, sizeof *t);
    t->status = t->substatus = t->win32 = t->start = t->end = STORE_NONE;
    t->ev_min = t->ev_max = STORE_NONE;
    t->cev_min = t->cev_max = t->cstart = t->cend = STORE_NONE;
}

/*
 * Is a time of this kind of source coarse, whole seconds standing for an
 * interval?  W3C and HTTPERR lines always are; ETW events are when stamped
 * on the second, as Log Parser writes them (tracerpt's 100 ns stamps fall
 * on one a ten-millionth of the time).
 */
static int
tri_coarse(int kind, int64_t ts)
{
    if (kind == STORE_KIND_W3C || kind == STORE_KIND_HTTPERR)
        return 1;
    return kind == STORE_KIND_ETW && ts != STORE_NONE &&
           ts % RN_NS_PER_SEC == 0;
}

/* Widen [*lo, *hi] to hold t. */
static void
tri_widen(int64_t *lo, int64_t *hi, int64_t t)
{
    if (t == STORE_NONE)
        return;
    if (*lo == STORE_NONE || t < *lo)
        *lo = t;
    if (*hi == STORE_NONE || t > *hi)
        *hi = t;
}

static void
tri_req_fini(struct tri_req *t)
{
    size_t i;

    for (i = 0; i < t->nev; i++) {
        struct tri_event *e = &t->ev[i];

        free(e->name);
        free(e->status);
        free(e->substatus);
        free(e->code);
        free(e->pid);
        free(e->cmdline);
        free(e->headers);
        free(e->module);
        free(e->reason);
    }
    free(t->ev);
    free(t->verb);
    free(t->url);
    free(t->host);
}

/* Merge one source request's attributes (sources come best kind first:
 * the first known value of each wins). */
static void
tri_add_srcreq(struct tri_req *t, int kind, const char *verb, const char *url,
               const char *host, int64_t status, int64_t substatus,
               int64_t win32, int64_t start, int64_t end)
{
    t->sources |= 1u << (kind - 1);
    if (t->verb == NULL && verb != NULL)
        t->verb = xstrdup(verb);
    if (t->url == NULL && url != NULL)
        t->url = xstrdup(url);
    if (t->host == NULL && host != NULL)
        t->host = xstrdup(host);
    if (t->status == STORE_NONE) {
        t->status = status;
        t->substatus = substatus;
    }
    if (t->win32 == STORE_NONE)
        t->win32 = win32;
    /* Timing comes from the most precise source that saw the request. */
    if (tri_coarse(kind, start) &&
        (end == STORE_NONE || tri_coarse(kind, end))) {
        if (t->cstart == STORE_NONE)
            t->cstart = start;
        if (t->cend == STORE_NONE)
            t->cend = end;
        return;
    }
    if (t->start == STORE_NONE)
        t->start = start;
    if (t->end == STORE_NONE)
        t->end = end;
}

/* Merge the source requests' attributes: etw, freb, w3c, httperr, pcap. */
static enum rn_rc
tri_load_srcreqs(struct store *st, int64_t request_id, struct tri_req *t,
                 struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    s = store_cached(st,
                     "SELECT kind, verb, url, host, http_status, substatus,"
                     " win32_status, start_ns, end_ns FROM srcreq"
                     " WHERE request_id = ?1 ORDER BY kind, id",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, request_id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        tri_add_srcreq(t, sqlite3_column_int(s, 0),
                       (const char *)sqlite3_column_text(s, 1),
                       (const char *)sqlite3_column_text(s, 2),
                       (const char *)sqlite3_column_text(s, 3),
                       store_col_opt(s, 4), store_col_opt(s, 5),
                       store_col_opt(s, 6), store_col_opt(s, 7),
                       store_col_opt(s, 8));
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "triage requests", err);
    sqlite3_reset(s);
    return rc;
}

/* Keep the fields triage reads (fields JSON as stored; may be NULL). */
static void
tri_read_fields(struct tri_event *e, const char *json)
{
    static const struct {
        const char *key;
        size_t off;
    } wanted[] = {
        {"HttpStatus", offsetof(struct tri_event, status)},
        {"status", offsetof(struct tri_event, status)},
        {"HttpSubStatus", offsetof(struct tri_event, substatus)},
        {"ErrorCode", offsetof(struct tri_event, code)},
        {"ProcessId", offsetof(struct tri_event, pid)},
        {"CommandLine", offsetof(struct tri_event, cmdline)},
        {"Headers", offsetof(struct tri_event, headers)},
        {"ModuleName", offsetof(struct tri_event, module)},
        {"HttpReason", offsetof(struct tri_event, reason)},
    };
    struct rn_buf k, v;
    const char *p = json != NULL ? json : "{}";
    size_t i;

    rn_buf_init(&k, 4096);
    rn_buf_init(&v, RN_BUF_MAX_FIELD);
    while (rn_json_flat_next(&p, &k, &v) == 1) {
        for (i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
            char **slot = (char **)((char *)e + wanted[i].off);

            if (*slot == NULL && strcmp(rn_buf_str(&k), wanted[i].key) == 0)
                *slot = xstrndup(rn_buf_str(&v), v.len);
        }
    }
    e->headers_null = e->headers == NULL;
    rn_buf_fini(&k);
    rn_buf_fini(&v);
}

/*
 * One event of the request (ts: as stored, STORE_NONE when unknown).  Its
 * time counts toward the request's span; only the events that play a part
 * are kept, with their fields decoded: most play none, and decoding is
 * the cost.
 */
static void
tri_add_event(struct tri_req *t, int64_t uid, int64_t ts, int kind, int64_t seq,
              const char *name, const char *fields_json)
{
    struct tri_event *e;
    int rank = 0, role;

    t->nadded++;
    /* A connection's open and close (TCP_*) are not the request's: a
     * keep-alive connection closes long after its last request ends. */
    if (name != NULL && strncmp(name, "TCP_", 4) == 0)
        ;
    else if (tri_coarse(kind, ts))
        tri_widen(&t->cev_min, &t->cev_max, ts);
    else
        tri_widen(&t->ev_min, &t->ev_max, ts);
    if (name == NULL)
        name = "";
    role = triage_role_of(name, &rank);
    if (role < 0 && strcmp(name, "MODULE_SET_RESPONSE_ERROR_STATUS") != 0)
        return;
    if (t->nev == t->cap) {
        t->cap = t->cap == 0 ? 4 : t->cap * 2;
        t->ev = xrealloc(t->ev, t->cap, sizeof *t->ev);
    }
    e = &t->ev[t->nev++];
    memset(e, 0, sizeof *e);
    e->uid = uid;
    e->ts = ts;
    e->kind = kind;
    e->seq = seq;
    e->ord = t->nadded;
    e->name = xstrdup(name);
    tri_read_fields(e, fields_json);
    /* status_send only counts when the event carries a status. */
    e->role = role == STORE_ROLE_STATUS_SEND && e->status == NULL ? -1 : role;
    e->rank = rank;
}

/* Timeline order, as query_timeline sorts: timed events first, then
 * kind, seq, arrival. */
static int
tri_event_cmp(const void *va, const void *vb)
{
    const struct tri_event *a = va, *b = vb;

    if ((a->ts == STORE_NONE) != (b->ts == STORE_NONE))
        return a->ts == STORE_NONE ? 1 : -1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* Put the events that play a part in timeline order and pick the role
 * events: the best rank, ties to the earliest.  The events come in
 * arrival order, from the store or from an import. */
static void
tri_pick_roles(struct tri_req *t)
{
    int best[STORE_ROLE_COUNT];
    size_t i;
    int r;

    if (t->nev > 1)
        qsort(t->ev, t->nev, sizeof *t->ev, tri_event_cmp);
    for (r = 0; r < STORE_ROLE_COUNT; r++) {
        t->role_ix[r] = -1;
        best[r] = 1 << 30;
    }
    for (i = 0; i < t->nev; i++) {
        const struct tri_event *e = &t->ev[i];

        if (e->role >= 0 && e->rank < best[e->role]) {
            best[e->role] = e->rank;
            t->role_ix[e->role] = (int)i;
        }
    }
}

/* Load the request's events in the order they were stored (their arrival
 * order, which tri_event_cmp needs for its last tie). */
static enum rn_rc
tri_load_events(struct store *st, int64_t request_id, struct tri_req *t,
                struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    s = store_cached(st,
                     "SELECT e.uid, e.ts_ns, e.kind, e.seq, e.name, e.fields"
                     " FROM srcreq q JOIN event e ON e.srcreq_id = q.id"
                     " WHERE q.request_id = ?1 ORDER BY e.id",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, request_id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        tri_add_event(t, sqlite3_column_int64(s, 0), store_col_opt(s, 1),
                      sqlite3_column_int(s, 2), sqlite3_column_int64(s, 3),
                      (const char *)sqlite3_column_text(s, 4),
                      (const char *)sqlite3_column_text(s, 5));
    if (step != SQLITE_DONE)
        rc = store_dberr(st, "triage events", err);
    sqlite3_reset(s);
    return rc;
}

/* Fill the request's status from the status_send event when it has one. */
static void
tri_status(struct tri_req *t)
{
    int ix = t->role_ix[STORE_ROLE_STATUS_SEND];
    size_t i;

    if (ix >= 0) {
        const struct tri_event *e = &t->ev[ix];
        int64_t st = triage_parse_code(e->status);

        if (st != STORE_NONE) {
            t->status = st;
            t->substatus =
                e->substatus != NULL
                    ? triage_parse_code(e->substatus)
                    : (t->substatus != STORE_NONE ? t->substatus : 0);
        }
    }
    if (t->status != STORE_NONE && t->substatus == STORE_NONE)
        t->substatus = 0;
    /* The module that set the error status carries the error code; for
     * CGI failures that is the CGI process's exit code. */
    for (i = 0; i < t->nev; i++) {
        if (strcmp(t->ev[i].name, "MODULE_SET_RESPONSE_ERROR_STATUS") == 0 &&
            t->ev[i].code != NULL) {
            int64_t c = triage_parse_code(t->ev[i].code);

            if (c != STORE_NONE)
                t->win32 = c;
        }
    }
}

/* Quote a value for a diagnosis: short, on one line. */
static void
tri_quote(struct rn_buf *b, const char *s)
{
    size_t n = strlen(s), i;

    rn_buf_putc(b, '"');
    for (i = 0; i < n && i < 80; i++)
        rn_buf_putc(b, (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i]);
    if (n > 80)
        rn_buf_puts(b, "...");
    rn_buf_putc(b, '"');
}

/* Does the header text have a header line called name (any case)? */
static int
tri_has_header(const char *h, const char *name)
{
    size_t n = strlen(name);
    const char *p = h;

    while (p != NULL && *p != '\0') {
        while (*p == '\r' || *p == '\n')
            p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':')
            return 1;
        p = strpbrk(p, "\r\n");
    }
    return 0;
}

/* Say what the partial CGI header block lacks (RFC 3875 section 6.2: a
 * Content-Type, Location or Status header, then an empty line). */
static void
tri_missing_headers(const char *h, struct rn_buf *b)
{
    if (tri_has_header(h, "Content-Type") || tri_has_header(h, "Location") ||
        tri_has_header(h, "Status"))
        rn_buf_puts(b, "; missing: the empty line that ends the header "
                       "block");
    else
        rn_buf_puts(b, "; missing: a Content-Type, Location or Status "
                       "header and the empty line that ends the header "
                       "block");
}

/* The sentence for a CGI request that ended early or timed out. */
static void
tri_diag_cgi(struct tri_req *t, struct rn_buf *b)
{
    const struct tri_event *launch = NULL, *herr;
    char code[160];

    if (t->role_ix[STORE_ROLE_CGI_START] >= 0)
        launch = &t->ev[t->role_ix[STORE_ROLE_CGI_START]];
    herr = &t->ev[t->role_ix[STORE_ROLE_HEADER_ERROR]];
    rn_buf_puts(b, "CGI process");
    if (launch != NULL && launch->pid != NULL)
        rn_buf_printf(b, " %s", launch->pid);
    if (launch != NULL && launch->cmdline != NULL) {
        /* Log Parser writes the quoted image path and a space. */
        size_t n = strlen(launch->cmdline);

        while (n > 0 && launch->cmdline[n - 1] == ' ')
            n--;
        rn_buf_printf(b, " (%.*s)", (int)(n > 200 ? 200 : n), launch->cmdline);
    }
    if (strcmp(herr->name, "CGI_TIMEOUT") == 0) {
        rn_buf_puts(b, " did not answer within the CGI timeout and was "
                       "killed by IIS");
    } else if (herr->headers == NULL || herr->headers[0] == '\0') {
        rn_buf_puts(b, " ended before sending any HTTP headers (Headers= "
                       "empty)");
    } else {
        rn_buf_puts(b, " ended before sending a complete set of HTTP headers "
                       "(Headers=");
        tri_quote(b, herr->headers);
        rn_buf_putc(b, ')');
        tri_missing_headers(herr->headers, b);
    }
    if (t->win32 != STORE_NONE && t->win32 != 0) {
        triage_code_text(t->win32, code, sizeof code);
        rn_buf_printf(b, "; exit code 0x%08" PRIX32 "%s%s", (uint32_t)t->win32,
                      code[0] ? ": " : "", code);
    }
}

/* The one-sentence diagnosis; empty when there is nothing to say. */
static void
tri_diagnosis(struct tri_req *t, struct rn_buf *b)
{
    const char *words;
    char code[160];
    size_t i;

    if (t->status == STORE_NONE || t->status < 400)
        return;
    if (t->role_ix[STORE_ROLE_HEADER_ERROR] >= 0 &&
        strncmp(t->ev[t->role_ix[STORE_ROLE_HEADER_ERROR]].name, "CGI_", 4) ==
            0) {
        tri_diag_cgi(t, b);
        rn_buf_printf(b, "; IIS answered %" PRId64 ".%" PRId64, t->status,
                      t->substatus);
        return;
    }
    if (t->role_ix[STORE_ROLE_HEADER_ERROR] >= 0) {
        const char *name = t->ev[t->role_ix[STORE_ROLE_HEADER_ERROR]].name;
        const char *text = tri_event_text(name);

        rn_buf_printf(b, "%s%s%s%s; ", name, text != NULL ? " (" : "",
                      text != NULL ? text : "", text != NULL ? ")" : "");
    }
    for (i = 0; i < t->nev; i++) {
        const struct tri_event *e = &t->ev[i];

        if (strcmp(e->name, "MODULE_SET_RESPONSE_ERROR_STATUS") == 0 &&
            e->module != NULL) {
            rn_buf_printf(b, "module %s set the error status", e->module);
            if (e->reason != NULL && e->reason[0] != '\0')
                rn_buf_printf(b, " (%s)", e->reason);
            rn_buf_puts(b, "; ");
            break;
        }
    }
    rn_buf_printf(b, "IIS answered %" PRId64 ".%" PRId64, t->status,
                  t->substatus);
    words = triage_status_text(t->status, t->substatus);
    if (words != NULL)
        rn_buf_printf(b, ": %s", words);
    if (t->win32 != STORE_NONE && t->win32 != 0) {
        triage_code_text(t->win32, code, sizeof code);
        rn_buf_printf(b, " (error 0x%08" PRIX32 "%s%s)", (uint32_t)t->win32,
                      code[0] ? ": " : "", code);
    }
}

/* Equal, NULL included. */
static int
tri_text_eq(const unsigned char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == NULL && b == NULL;
    return strcmp((const char *)a, b) == 0;
}

/* Do the request's indexed columns already hold these values? */
static enum rn_rc
tri_indexed_same(struct store *st, int64_t request_id, const struct tri_req *t,
                 int64_t start, int severity, int *same, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    *same = 0;
    s = store_cached(st,
                     "SELECT start_ns, severity, http_status, substatus, url"
                     " FROM request WHERE id = ?1",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, request_id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *same = store_col_opt(s, 0) == start &&
                sqlite3_column_int(s, 1) == severity &&
                store_col_opt(s, 2) == t->status &&
                store_col_opt(s, 3) == t->substatus &&
                tri_text_eq(sqlite3_column_text(s, 4), t->url);
    else if (step != SQLITE_DONE)
        rc = store_dberr(st, "triage read", err);
    sqlite3_reset(s);
    return rc;
}

/* The request row's columns that triage derives beyond t's own. */
struct tri_row {
    int64_t start, end;
    int severity;
    struct rn_buf diag;
};

/* Status, roles' words and span: everything the request row gets. */
static void
tri_compute(struct tri_req *t, struct tri_row *row)
{
    tri_pick_roles(t);
    tri_status(t);
    rn_buf_init(&row->diag, 4096);
    tri_diagnosis(t, &row->diag);
    row->start = t->start;
    row->end = t->end;
    /* Seen only by coarse sources: their span, as logged. */
    if (row->start == STORE_NONE && row->end == STORE_NONE &&
        t->ev_min == STORE_NONE) {
        row->start = t->cstart;
        row->end = t->cend;
        tri_widen(&row->start, &row->end, t->cev_min);
        tri_widen(&row->start, &row->end, t->cev_max);
    }
    if (t->ev_min != STORE_NONE &&
        (row->start == STORE_NONE || t->ev_min < row->start))
        row->start = t->ev_min;
    if (t->ev_max != STORE_NONE &&
        (row->end == STORE_NONE || t->ev_max > row->end))
        row->end = t->ev_max;
    /* Keyset paging needs a start time on every row; 0 stands for none. */
    if (row->start == STORE_NONE)
        row->start = 0;
    row->severity = t->status == STORE_NONE ? 0
                    : t->status >= 500      ? 2
                    : t->status >= 400      ? 1
                                            : 0;
}

/* Bind the request row's columns ?1..?15 (id first). */
static void
tri_bind(sqlite3_stmt *s, int64_t request_id, const struct tri_req *t,
         const struct tri_row *row)
{
    int r;

    sqlite3_bind_int64(s, 1, request_id);
    sqlite3_bind_int64(s, 2, row->start);
    store_bind_opt(s, 3, row->end);
    store_bind_text(s, 4, t->verb);
    store_bind_text(s, 5, t->url);
    store_bind_text(s, 6, t->host);
    store_bind_opt(s, 7, t->status);
    store_bind_opt(s, 8, t->substatus);
    store_bind_opt(s, 9, t->win32);
    sqlite3_bind_int(s, 10, row->severity);
    sqlite3_bind_int(s, 11, (int)t->sources);
    for (r = 0; r < STORE_ROLE_COUNT; r++)
        store_bind_opt(s, 12 + r,
                       t->role_ix[r] >= 0 ? t->ev[t->role_ix[r]].uid
                                          : STORE_NONE);
    store_bind_text(s, 15, row->diag.len > 0 ? rn_buf_str(&row->diag) : NULL);
}

/* Write the triage results into the existing request row. */
static enum rn_rc
tri_store(struct store *st, int64_t request_id, struct tri_req *t,
          const struct tri_row *row, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;
    int same = 0;

    rc = tri_indexed_same(st, request_id, t, row->start, row->severity, &same,
                          err);
    if (rc != RN_OK)
        return rc;
    /* Setting an indexed column rewrites its index entries even when the
     * value stays: leave them out when they are as they were. */
    s = store_cached(st,
                     same ? "UPDATE request SET end_ns = ?3, verb = ?4,"
                            " host = ?6, win32_status = ?9, sources = ?11,"
                            " cgi_start = ?12, header_error = ?13,"
                            " status_send = ?14, diagnosis = ?15 WHERE id = ?1"
                          : "UPDATE request SET start_ns = ?2, end_ns = ?3,"
                            " verb = ?4, url = ?5, host = ?6, http_status = ?7,"
                            " substatus = ?8, win32_status = ?9,"
                            " severity = ?10, sources = ?11, cgi_start = ?12,"
                            " header_error = ?13, status_send = ?14,"
                            " diagnosis = ?15 WHERE id = ?1",
                     err);
    if (s == NULL)
        return RN_EDB;
    tri_bind(s, request_id, t, row);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "triage update", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
triage_request(struct store *st, int64_t request_id, struct rn_err *err)
{
    struct tri_req t;
    struct tri_row row;
    enum rn_rc rc;

    tri_req_init(&t);
    rc = tri_load_srcreqs(st, request_id, &t, err);
    if (rc == RN_OK)
        rc = tri_load_events(st, request_id, &t, err);
    if (rc == RN_OK) {
        tri_compute(&t, &row);
        rc = tri_store(st, request_id, &t, &row, err);
        rn_buf_fini(&row.diag);
    }
    tri_req_fini(&t);
    return rc;
}

/* ---- a source request triaged as it is imported ---- */

struct triage_acc {
    /* Its one source request's values (a later put's known ones win) and
     * its events so far. */
    struct tri_req t;
    int kind; /* enum store_kind */
};

/* *slot = v when v is known. */
static void
tri_acc_text(char **slot, const char *v)
{
    if (v == NULL)
        return;
    free(*slot);
    *slot = xstrdup(v);
}

static void
tri_acc_int(int64_t *slot, int64_t v)
{
    if (v != STORE_NONE)
        *slot = v;
}

struct triage_acc *
triage_acc_new(int kind)
{
    struct triage_acc *a = xcalloc(1, sizeof *a);

    tri_req_init(&a->t);
    a->t.sources = 1u << (kind - 1);
    a->kind = kind;
    return a;
}

void
triage_acc_srcreq(struct triage_acc *a, const struct store_srcreq *r)
{
    struct tri_req *t = &a->t;

    tri_acc_int(&t->start, store_ts_norm(r->start_ns));
    tri_acc_int(&t->end, store_ts_norm(r->end_ns));
    tri_acc_text(&t->verb, r->verb);
    tri_acc_text(&t->url, r->url);
    tri_acc_text(&t->host, r->host);
    tri_acc_int(&t->status, r->http_status);
    tri_acc_int(&t->substatus, r->substatus);
    tri_acc_int(&t->win32, r->win32_status);
}

void
triage_acc_event(struct triage_acc *a, int64_t uid,
                 const struct store_event *ev)
{
    tri_add_event(&a->t, uid, store_ts_norm(ev->ts_ns), a->kind, ev->seq,
                  ev->name, ev->fields_json);
}

enum rn_rc
triage_acc_write(struct store *st, struct triage_acc *a, int64_t request_id,
                 const char *key, int *written, struct rn_err *err)
{
    struct tri_req *t = &a->t;
    struct tri_row row;
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;

    *written = 0;
    tri_compute(t, &row);
    s = store_cached(st,
                     "INSERT INTO request (id, start_ns, end_ns, verb, url,"
                     " host, http_status, substatus, win32_status, severity,"
                     " sources, cgi_start, header_error, status_send,"
                     " diagnosis, key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                     " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                     " ON CONFLICT DO NOTHING",
                     err);
    if (s == NULL) {
        rc = RN_EDB;
    } else {
        tri_bind(s, request_id, t, &row);
        sqlite3_bind_text(s, 16, key, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_dberr(st, "insert request", err);
        else
            *written = sqlite3_changes(store_db(st)) > 0;
        sqlite3_reset(s);
    }
    rn_buf_fini(&row.diag);
    return rc;
}

void
triage_acc_free(struct triage_acc *a)
{
    if (a == NULL)
        return;
    tri_req_fini(&a->t);
    free(a);
}
