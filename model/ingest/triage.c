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
#include "rn_cause.h"
#include "rn_json.h"
#include "rn_kind.h"
#include "rn_time.h"
#include "store_impl.h"
#include "xmalloc.h"

struct role_rule {
    const char *name;  /* event name; a trailing '*' matches any ending */
    int role;          /* enum store_role */
    int rank;          /* lower wins; ties go to the earliest event */
    const char *label; /* what the event is, for the jump keys' words */
};

/* The event that the module setting the error status writes: it plays
 * status_send, and the failure role when no handler event does. */
#define TRI_MODULE_ERROR "MODULE_SET_RESPONSE_ERROR_STATUS"

/* Which events play which role (CONTRACT.md "Roles"; FORMATS.md A.5, H). */
static const struct role_rule role_rules[] = {
    {"CGI_LAUNCH", STORE_ROLE_CGI_START, 1, "CGI start"},
    {"FASTCGI_ASSIGN_PROCESS", STORE_ROLE_CGI_START, 2, "FastCGI start"},
    {"FASTCGI_START", STORE_ROLE_CGI_START, 3, "FastCGI start"},
    {"ARR_SERVER_ROUTED", STORE_ROLE_CGI_START, 4, "ARR route"},
    {"ANCM_REQUEST_FORWARD_START", STORE_ROLE_CGI_START, 5, "ANCM forward"},
    {"CGI_PREMATURE_TERMINATION", STORE_ROLE_HEADER_ERROR, 1, "CGI exit"},
    {"CGI_TIMEOUT", STORE_ROLE_HEADER_ERROR, 1, "CGI timeout"},
    {"FASTCGI_UNEXPECTED_EXIT", STORE_ROLE_HEADER_ERROR, 2, "FastCGI exit"},
    {"FASTCGI_REQUEST_TIMEOUT", STORE_ROLE_HEADER_ERROR, 2, "FastCGI time-out"},
    {"FASTCGI_ACTIVITY_TIMEOUT", STORE_ROLE_HEADER_ERROR, 2,
     "FastCGI time-out"},
    {"FASTCGI_RAPID_FAILURE_PROTECTION", STORE_ROLE_HEADER_ERROR, 2,
     "FastCGI rapid-fail"},
    {"FASTCGI_PATH_NOT_FOUND", STORE_ROLE_HEADER_ERROR, 2, "FastCGI error"},
    {"FASTCGI_SCRIPT_PROCESSOR_MISSING", STORE_ROLE_HEADER_ERROR, 2,
     "FastCGI error"},
    {"FASTCGI_QUEUE_FULL", STORE_ROLE_HEADER_ERROR, 2, "FastCGI queue full"},
    {"FASTCGI_UNKNOWN_ERROR", STORE_ROLE_HEADER_ERROR, 2, "FastCGI error"},
    {"FASTCGI_ADD_JOBOBJECT_FAIL", STORE_ROLE_HEADER_ERROR, 2, "FastCGI error"},
    {"FASTCGI_STDERR_TRACE_ERROR", STORE_ROLE_HEADER_ERROR, 3,
     "FastCGI stderr"},
    {"ANCM_REQUEST_FORWARD_FAIL", STORE_ROLE_HEADER_ERROR, 2,
     "ANCM forward failure"},
    {"ANCM_START_APPLICATION_FAIL", STORE_ROLE_HEADER_ERROR, 2,
     "ANCM start failure"},
    {"ANCM_EXECUTE_REQUEST_FAIL", STORE_ROLE_HEADER_ERROR, 2,
     "ANCM request failure"},
    {TRIAGE_EV_REQUEST_END, STORE_ROLE_STATUS_SEND, 1, "request end"},
    {TRI_MODULE_ERROR, STORE_ROLE_STATUS_SEND, 2, "module error"},
    {"GENERAL_RESPONSE_HEADERS", STORE_ROLE_STATUS_SEND, 3, "response headers"},
    {"HTTPERR_*", STORE_ROLE_STATUS_SEND, 8, "HTTP.sys answer"},
    {"HTTP_RESPONSE_STATUS", STORE_ROLE_STATUS_SEND, 9, "response status"},
};

/* The rule for an event name, or NULL. */
static const struct role_rule *
tri_rule(const char *name)
{
    size_t i, n;

    for (i = 0; i < sizeof role_rules / sizeof role_rules[0]; i++) {
        const char *r = role_rules[i].name;

        /* Most events play no role: the first letter rules most out. */
        if (r[0] != name[0])
            continue;
        n = strlen(r);
        if (r[n - 1] == '*' ? strncmp(name, r, n - 1) == 0
                            : strcmp(name, r) == 0)
            return &role_rules[i];
    }
    return NULL;
}

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
    {995u, "ERROR_OPERATION_ABORTED: the client's connection was closed"},
    {1236u, "ERROR_CONNECTION_ABORTED: the connection was aborted"},
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
    /* Configuration errors behind a 500.19 (KB 942055); W3C logs their
     * low word as sc-win32-status. */
    {0x8007000Du, "ERROR_INVALID_DATA: the configuration holds an element "
                  "IIS does not know, e.g. a module that is not installed"},
    {13u, "ERROR_INVALID_DATA (low word of 0x8007000D): the configuration "
          "holds an element IIS does not know, e.g. a module that is not "
          "installed"},
    {0x80070021u, "ERROR_LOCK_VIOLATION: the configuration section is locked "
                  "at a parent level"},
    {0x800700B7u, "ERROR_ALREADY_EXISTS: the configuration adds an entry "
                  "twice"},
    {0x8007007Eu, "ERROR_MOD_NOT_FOUND: a module DLL named in the "
                  "configuration is missing"},
    {0x800700C1u, "ERROR_BAD_EXE_FORMAT: a 32-bit module in a 64-bit pool "
                  "(or the reverse)"},
    {0x8007052Eu, "ERROR_LOGON_FAILURE: the credentials for the shared "
                  "configuration or content are wrong"},
    {0x800701B1u, "ERROR_DEVICE_NOT_CONNECTED: the application's process "
                  "could not be started"},
    {0x800703E3u, "ERROR_OPERATION_ABORTED: the client's connection was "
                  "closed"},
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
    const struct role_rule *r = tri_rule(name);

    if (r == NULL)
        return -1;
    if (rank != NULL)
        *rank = r->rank;
    return r->role;
}

const char *
triage_event_label(const char *name)
{
    const struct role_rule *r = name != NULL ? tri_rule(name) : NULL;

    return r != NULL ? r->label : NULL;
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
        *reason, *server, *failure, *config, *notification, *exe, *timeout;
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
    int64_t offline_near; /* AppOffline 503s within 5 min, this one too */
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
        free(e->server);
        free(e->failure);
        free(e->config);
        free(e->notification);
        free(e->exe);
        free(e->timeout);
    }
    free(t->ev);
    free(t->verb);
    free(t->url);
    free(t->host);
}

/* A source request's span: timing comes from the most precise source
 * that saw the request. */
static void
tri_srcreq_times(struct tri_req *t, int kind, int64_t start, int64_t end)
{
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
    tri_srcreq_times(t, kind, start, end);
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

#define TRI_WANT(k, member)                                                    \
    {                                                                          \
        k, sizeof k - 1, offsetof(struct tri_event, member)                    \
    }

/* Keep the fields triage reads (fields JSON as stored; may be NULL).  An
 * event has a dozen or more fields and triage wants one or two: keys are
 * matched on their length first and other values skipped undecoded. */
static void
tri_read_fields(struct tri_event *e, const char *json)
{
    static const struct {
        const char *key;
        size_t len;
        size_t off;
    } wanted[] = {
        TRI_WANT("HttpStatus", status),
        TRI_WANT("status", status),
        TRI_WANT("HttpSubStatus", substatus),
        TRI_WANT("ErrorCode", code),
        TRI_WANT("ProcessId", pid),
        TRI_WANT("CommandLine", cmdline),
        TRI_WANT("Headers", headers),
        TRI_WANT("ModuleName", module),
        TRI_WANT("HttpReason", reason),
        /* HTTPERR lines (the W3C names) */
        TRI_WANT("sc-status", status),
        TRI_WANT("s-reason", reason),
        /* ARR, ANCM, configuration errors, FastCGI (FORMATS.md H) */
        TRI_WANT("Server", server),
        TRI_WANT("FailureDescription", failure),
        TRI_WANT("ConfigExceptionInfo", config),
        TRI_WANT("Notification", notification),
        TRI_WANT("ExePath", exe),
        TRI_WANT("FullPath", exe),
        TRI_WANT("RequestTimeout", timeout),
        TRI_WANT("ActivityTimeout", timeout),
    };
    struct rn_buf k, v;
    const char *p = json != NULL ? json : "{}";
    size_t i;

    rn_buf_init(&k, 4096);
    rn_buf_init(&v, RN_BUF_MAX_FIELD);
    while (rn_json_flat_key(&p, &k) == 1) {
        char **slot = NULL;

        for (i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
            if (wanted[i].len == k.len &&
                memcmp(k.data, wanted[i].key, k.len) == 0) {
                slot = (char **)((char *)e + wanted[i].off);
                break;
            }
        }
        if (slot != NULL && *slot == NULL) {
            if (rn_json_flat_value(&p, &v) != 0)
                break;
            *slot = xstrndup(rn_buf_str(&v), v.len);
        } else if (rn_json_flat_skip(&p) != 0) {
            break;
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
    if (role < 0)
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

/* The first event whose name starts with prefix, or NULL. */
static const struct tri_event *
tri_find(const struct tri_req *t, const char *prefix)
{
    size_t i, n = strlen(prefix);

    for (i = 0; i < t->nev; i++) {
        if (strncmp(t->ev[i].name, prefix, n) == 0)
            return &t->ev[i];
    }
    return NULL;
}

/* HTTP.sys's AppOffline 503s within 5 minutes of this one's (itself
 * included): several mean rapid-fail protection stopped the pool. */
static enum rn_rc
tri_load_offline_near(struct store *st, struct tri_req *t, struct rn_err *err)
{
    const int64_t window = (int64_t)300 * 1000000000;
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    /* An HTTP.sys line's time is coarse: its request may have no other. */
    int64_t at = t->start != STORE_NONE ? t->start : t->cstart;

    if (tri_find(t, "HTTPERR_AppOffline") == NULL || at == STORE_NONE)
        return RN_OK;
    s = store_cached(
        st,
        "SELECT count(*) FROM srcreq q JOIN event e"
        " ON e.srcreq_id = q.id WHERE q.kind = " RN_KIND_HTTPERR_SQL
        " AND q.start_ns BETWEEN ?1 AND ?2"
        " AND e.name = 'HTTPERR_AppOffline'",
        err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, at - window);
    sqlite3_bind_int64(s, 2, at + window);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        t->offline_near = sqlite3_column_int64(s, 0);
    else
        rc = store_dberr(st, "triage AppOffline", err);
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
        if (strcmp(t->ev[i].name, TRI_MODULE_ERROR) == 0 &&
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

/* The sentence for a CGI request that ended early or timed out; returns
 * its cause. */
static const char *
tri_diag_cgi(struct tri_req *t, struct rn_buf *b)
{
    const char *cause;
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
        cause = "cgi_timeout";
        rn_buf_puts(b, " did not answer within the CGI timeout and was "
                       "killed by IIS");
    } else if (herr->headers == NULL || herr->headers[0] == '\0') {
        cause = "cgi_no_headers";
        rn_buf_puts(b, " ended before sending any HTTP headers (Headers= "
                       "empty)");
    } else {
        cause = "cgi_bad_headers";
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
        /* An NTSTATUS exit is a crash, whatever the headers were; the
         * value IIS gives a process it killed at the time-out is not. */
        if ((uint32_t)t->win32 >= 0xC0000000u &&
            (uint32_t)t->win32 != 0xF1256323u &&
            strcmp(cause, "cgi_timeout") != 0)
            cause = "cgi_crash";
    }
    return cause;
}

/* Words for an HTTPERR reason (FORMATS.md F.2), or NULL. */
static const struct event_text httperr_texts[] = {
    {"AppOffline", "the application pool is stopped, usually by rapid-fail "
                   "protection after its worker crashed repeatedly"},
    {"QueueFull", "the application pool's request queue is full"},
    {"AppPoolTimer", "the application pool's worker was too busy to take the "
                     "request in time"},
    {"AppShutdown", "the application pool was shutting down"},
    {"Disabled", "the application pool is disabled"},
    {"ConnLimit", "the site's connection limit was reached"},
    {"Connection_Abandoned_By_AppPool",
     "the worker process crashed or stopped with the request queued"},
    {"Connection_Abandoned_By_ReqQueue",
     "the worker process crashed or stopped with the request queued"},
    {"Connection_Dropped", "the client went away before IIS could log the "
                           "request"},
    {"Timer_AppPool", "the request waited too long in the application pool's "
                      "queue"},
    {"N/A", "HTTP.sys gave no reason"},
};

/* HTTPERR reasons and the cause of a 503 they give. */
static const struct event_text httperr_causes[] = {
    {"AppOffline", "httpsys_app_offline"},
    {"QueueFull", "httpsys_queue_full"},
    {"Connection_Abandoned_By_AppPool", "httpsys_abandoned"},
    {"Connection_Abandoned_By_ReqQueue", "httpsys_abandoned"},
};

/* FastCGI failure events and their causes. */
static const struct event_text fastcgi_causes[] = {
    {"FASTCGI_REQUEST_TIMEOUT", "fastcgi_request_timeout"},
    {"FASTCGI_ACTIVITY_TIMEOUT", "fastcgi_activity_timeout"},
    {"FASTCGI_UNEXPECTED_EXIT", "fastcgi_unexpected_exit"},
    {"FASTCGI_QUEUE_FULL", "fastcgi_queue_full"},
    {"FASTCGI_RAPID_FAILURE_PROTECTION", "fastcgi_rapid_fail"},
    {"FASTCGI_STDERR_TRACE_ERROR", "fastcgi_stderr"},
};

/* The cause of the ANCM failure events. */
static const struct event_text ancm_causes[] = {
    {"ANCM_REQUEST_FORWARD_FAIL", "ancm_forward_failure"},
    {"ANCM_START_APPLICATION_FAIL", "ancm_start_failure"},
    {"ANCM_EXECUTE_REQUEST_FAIL", "ancm_inprocess_failure"},
};

/* Look name up in a two-column table; NULL when absent. */
static const char *
tri_lookup(const struct event_text *tab, size_t n, const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < n; i++) {
        if (strcmp(tab[i].name, name) == 0)
            return tab[i].text;
    }
    return NULL;
}
#define TRI_LOOKUP(tab, name) tri_lookup(tab, sizeof tab / sizeof tab[0], name)

/* The role event, or NULL. */
static const struct tri_event *
tri_role_ev(const struct tri_req *t, int role)
{
    return t->role_ix[role] >= 0 ? &t->ev[t->role_ix[role]] : NULL;
}

/* Does the module event name a module that starts with m (any case)? */
static int
tri_module_is(const struct tri_event *e, const char *m)
{
    return e != NULL && e->module != NULL &&
           strncasecmp(e->module, m, strlen(m)) == 0;
}

/* Is v a value that says the client (or a proxy) left (FORMATS.md C.3)? */
static int
tri_client_code(int64_t v)
{
    uint32_t c = (uint32_t)v;

    return v != STORE_NONE &&
           (c == 64u || c == 995u || c == 1236u || c == 0x80070040u ||
            c == 0x800703E3u || c == 0x800704CDu);
}

/* An ARR or ANCM forwarding cause from status and error value. */
static const char *
tri_classify_proxy(const struct tri_req *t, const struct tri_event *mod)
{
    uint32_t c = (uint32_t)t->win32;
    int timeout = t->win32 != STORE_NONE && (c == 12002u || c == 0x80072EE2u);

    if (tri_module_is(mod, "AspNetCore")) {
        if (t->status == 502 && t->substatus == 5)
            return "ancm_start_failure";
        if (t->status == 500 && t->substatus >= 30 && t->substatus <= 38)
            return "ancm_inprocess_failure";
        return "ancm_forward_failure";
    }
    if (t->status != 502 || t->substatus < 3 || t->substatus > 7)
        return NULL;
    if (t->substatus == 4)
        return "arr_no_server";
    if (timeout)
        return "arr_timeout";
    if (tri_find(t, "ARR_") != NULL ||
        tri_module_is(mod, "ApplicationRequestRouting") ||
        (t->win32 != STORE_NONE && c != 0))
        return "arr_connection_error";
    return NULL;
}

/* The class of a failure other than CGI, or NULL when none fits. */
static const char *
tri_classify(const struct tri_req *t)
{
    const struct tri_event *herr = tri_role_ev(t, STORE_ROLE_HEADER_ERROR);
    const struct tri_event *mod = tri_find(t, TRI_MODULE_ERROR);
    const struct tri_event *http = tri_find(t, "HTTPERR_");
    const char *c;

    /* First: a client that left is nobody's failure on the server, even
     * when a module then logged 500.19 (FORMATS.md H). */
    if (tri_client_code(t->win32) ||
        (http != NULL && http->reason != NULL &&
         strcmp(http->reason, "Connection_Dropped") == 0))
        return "client_disconnect";
    if (herr != NULL && strncmp(herr->name, "FASTCGI_", 8) == 0) {
        c = TRI_LOOKUP(fastcgi_causes, herr->name);
        return c != NULL ? c : "fastcgi_error";
    }
    if (herr != NULL && (c = TRI_LOOKUP(ancm_causes, herr->name)) != NULL)
        return c;
    if (tri_module_is(mod, "FastCgi"))
        return "fastcgi_error";
    if ((c = tri_classify_proxy(t, mod)) != NULL)
        return c;
    if (t->status == 500 && t->substatus == 19)
        return "config_error";
    if (tri_module_is(mod, "AspNetInitializationException"))
        return "aspnet_startup";
    if (http != NULL && t->status == 503) {
        c = TRI_LOOKUP(httperr_causes, http->reason);
        return c != NULL ? c : "httpsys_unavailable";
    }
    return NULL;
}

/* ", error 0x8007000D: words" for the request's error value, if any. */
static void
tri_put_code(const struct tri_req *t, struct rn_buf *b, const char *lead)
{
    char code[200];

    if (t->win32 == STORE_NONE || t->win32 == 0)
        return;
    triage_code_text(t->win32, code, sizeof code);
    if ((uint64_t)t->win32 > 0xFFFFu)
        rn_buf_printf(b, "%s0x%08" PRIX32 "%s%s", lead, (uint32_t)t->win32,
                      code[0] ? ": " : "", code);
    else
        rn_buf_printf(b, "%s%" PRId64 "%s%s", lead, t->win32,
                      code[0] ? " " : "", code);
}

/* The first and last event times: the precise events', else the coarse
 * ones (a request only Log Parser saw has only whole seconds). */
static int64_t
tri_ev_first(const struct tri_req *t)
{
    return t->ev_min != STORE_NONE ? t->ev_min : t->cev_min;
}

static int64_t
tri_ev_last(const struct tri_req *t)
{
    return t->ev_max != STORE_NONE ? t->ev_max : t->cev_max;
}

/* "3.5 s" for a duration in ns; nothing when unknown. */
static void
tri_put_secs(struct rn_buf *b, int64_t from, int64_t to)
{
    if (from != STORE_NONE && to != STORE_NONE && to >= from)
        rn_buf_printf(b, "%.1f s", (double)(to - from) / 1e9);
    else
        rn_buf_puts(b, "an unknown time");
}

/* The last path component of an executable path or command line. */
static void
tri_put_exe(struct rn_buf *b, const char *path)
{
    const char *p = path, *q, *end, *base;
    size_t n;

    /* A quoted path ends at its quote (a command line's arguments follow);
     * an unquoted one is the whole value, spaces included. */
    while (*p == ' ')
        p++;
    if (*p == '"') {
        p++;
        end = p + strcspn(p, "\"");
    } else {
        end = p + strlen(p);
        while (end > p && end[-1] == ' ')
            end--;
    }
    base = p;
    for (q = p; q < end; q++) {
        if (*q == '\\' || *q == '/')
            base = q + 1;
    }
    n = (size_t)(end - base);
    rn_buf_printf(b, "%.*s", (int)(n > 120 ? 120 : n), base);
}

static void
tri_sentence_fastcgi(const struct tri_req *t, const char *cause,
                     struct rn_buf *b)
{
    const struct tri_event *start = tri_role_ev(t, STORE_ROLE_CGI_START);
    const struct tri_event *herr = tri_role_ev(t, STORE_ROLE_HEADER_ERROR);
    const char *exe = NULL, *text;
    char one[64];

    rn_cause_label(cause, 1, one, sizeof one);
    rn_buf_puts(b, one);
    if (start != NULL)
        exe = start->exe != NULL ? start->exe : start->cmdline;
    if (exe == NULL && herr != NULL)
        exe = herr->exe != NULL ? herr->exe : herr->cmdline;
    rn_buf_puts(b, ": ");
    if (exe != NULL)
        tri_put_exe(b, exe);
    else
        rn_buf_puts(b, "the FastCGI process");
    rn_buf_puts(b, " ran ");
    /* Event times only: both ways of triaging see the same events. */
    tri_put_secs(b, start != NULL ? start->ts : tri_ev_first(t),
                 herr != NULL ? herr->ts : tri_ev_last(t));
    if (herr != NULL && herr->timeout != NULL)
        rn_buf_printf(b, ", %s is %s s",
                      strcmp(cause, "fastcgi_activity_timeout") == 0
                          ? "activityTimeout"
                          : "requestTimeout",
                      herr->timeout);
    text = herr != NULL ? tri_event_text(herr->name) : NULL;
    if (text != NULL)
        rn_buf_printf(b, "; %s", text);
}

static void
tri_sentence_proxy(const struct tri_req *t, const char *cause, struct rn_buf *b)
{
    const struct tri_event *route = tri_find(t, "ARR_SERVER_ROUTED");
    const struct tri_event *herr = tri_role_ev(t, STORE_ROLE_HEADER_ERROR);

    if (strcmp(cause, "arr_no_server") == 0) {
        rn_buf_puts(b, "ARR found no healthy member to route to (every "
                       "farm member offline or failing its health test)");
        return;
    }
    if (strncmp(cause, "arr_", 4) == 0) {
        rn_buf_puts(b, "ARR routed the request to member ");
        rn_buf_puts(b, route != NULL && route->server != NULL ? route->server
                                                              : "(unknown)");
        rn_buf_puts(b, strcmp(cause, "arr_timeout") == 0
                           ? " and the member did not answer within the "
                             "proxy time-out: "
                           : " and the connection to it failed after ");
        tri_put_secs(b, tri_ev_first(t), tri_ev_last(t));
        return;
    }
    if (strcmp(cause, "ancm_start_failure") == 0) {
        rn_buf_puts(b, "the ASP.NET Core module could not start the "
                       "application");
        if (herr != NULL && herr->failure != NULL) {
            rn_buf_puts(b, ": ");
            tri_quote(b, herr->failure);
        }
        return;
    }
    if (strcmp(cause, "ancm_inprocess_failure") == 0) {
        rn_buf_puts(b, "the in-process ASP.NET Core application failed");
        return;
    }
    rn_buf_puts(b, "the ASP.NET Core module could not forward the request "
                   "to the application's process after ");
    tri_put_secs(b, tri_ev_first(t), tri_ev_last(t));
}

/* "module M (at BEGIN_REQUEST)" for the module event. */
static void
tri_put_module(const struct tri_event *mod, struct rn_buf *b)
{
    rn_buf_printf(b, "module %s", mod->module != NULL ? mod->module : "?");
    if (mod->notification != NULL &&
        (strcmp(mod->notification, "1") == 0 ||
         strcmp(mod->notification, "BEGIN_REQUEST") == 0))
        rn_buf_puts(b, " at BEGIN_REQUEST");
}

static void
tri_sentence_other(const struct tri_req *t, const char *cause, struct rn_buf *b)
{
    const struct tri_event *mod = tri_find(t, TRI_MODULE_ERROR);
    const struct tri_event *http = tri_find(t, "HTTPERR_");
    const char *w;

    if (strcmp(cause, "client_disconnect") == 0) {
        rn_buf_puts(b, "the client (or a proxy in front of IIS) went away "
                       "before the response was complete");
        if (http != NULL && http->reason != NULL)
            rn_buf_printf(b, " (HTTP.sys: %s)", http->reason);
        if (mod != NULL) {
            rn_buf_puts(b, "; ");
            tri_put_module(mod, b);
            rn_buf_puts(b, " then logged the error");
        }
        rn_buf_puts(b, "; not an application or configuration failure");
    } else if (strcmp(cause, "config_error") == 0) {
        rn_buf_puts(b, "the configuration is invalid");
        if (mod != NULL) {
            rn_buf_puts(b, ": ");
            tri_put_module(mod, b);
            rn_buf_puts(b, " failed");
            if (mod->config != NULL) {
                rn_buf_puts(b, " with ConfigExceptionInfo ");
                tri_quote(b, mod->config);
            }
        }
    } else if (strcmp(cause, "aspnet_startup") == 0) {
        rn_buf_puts(b, "ASP.NET could not start the application: ");
        if (mod != NULL)
            tri_put_module(mod, b);
        rn_buf_puts(b, " answered with the start-up exception's page");
    } else {
        rn_buf_printf(b, "HTTP.sys answered %" PRId64 " itself", t->status);
        if (http != NULL && http->reason != NULL) {
            w = TRI_LOOKUP(httperr_texts, http->reason);
            rn_buf_printf(b, " (%s%s%s)", http->reason, w != NULL ? ": " : "",
                          w != NULL ? w : "");
        }
        rn_buf_puts(b, "; no worker process saw the request");
        if (t->offline_near > 1)
            rn_buf_printf(b,
                          "; %" PRId64 " AppOffline 503s within 5 minutes: "
                          "rapid-fail protection (by default 5 worker "
                          "crashes in 5 minutes) stopped the pool",
                          t->offline_near);
    }
}

/* Words for the ASP.NET Core module's substatus numbers, which mean
 * something else from ARR (FORMATS.md C.1, H). */
static const struct status_text ancm_status_texts[] = {
    {502, 5, "the ASP.NET Core application's process failed to start"},
    {500, 30, "in-process start failure"},
    {500, 31, "native dependencies not found"},
    {500, 32, "the application DLL could not be loaded (bitness)"},
    {500, 33, "the request handler could not be loaded"},
    {500, 34, "mixed hosting models"},
    {500, 35, "two in-process applications in one pool"},
    {500, 36, "the out-of-process handler is missing"},
    {500, 37, "the application did not start within startupTimeLimit"},
    {500, 38, "the application DLL was not found"},
};

/* Words for the status as the class's module means it, or NULL. */
static const char *
tri_class_status_text(const struct tri_req *t, const char *cause)
{
    size_t i;

    if (strncmp(cause, "ancm_", 5) != 0)
        return triage_status_text(t->status, t->substatus);
    for (i = 0; i < sizeof ancm_status_texts / sizeof ancm_status_texts[0];
         i++) {
        if (ancm_status_texts[i].status == t->status &&
            ancm_status_texts[i].sub == t->substatus)
            return ancm_status_texts[i].text;
    }
    return t->status == 502 && t->substatus == 3
               ? triage_status_text(t->status, t->substatus)
               : NULL;
}

/* The sentence for a class other than CGI. */
static void
tri_sentence(const struct tri_req *t, const char *cause, struct rn_buf *b)
{
    const char *words;

    if (strncmp(cause, "fastcgi_", 8) == 0)
        tri_sentence_fastcgi(t, cause, b);
    else if (strncmp(cause, "arr_", 4) == 0 || strncmp(cause, "ancm_", 5) == 0)
        tri_sentence_proxy(t, cause, b);
    else
        tri_sentence_other(t, cause, b);
    tri_put_code(t, b, "; error ");
    if (t->status == STORE_NONE)
        return;
    rn_buf_printf(b, "; %s %" PRId64 ".%" PRId64,
                  strcmp(cause, "client_disconnect") == 0 ? "IIS logged"
                                                          : "IIS answered",
                  t->status, t->substatus);
    words = tri_class_status_text(t, cause);
    if (words != NULL && strcmp(cause, "client_disconnect") != 0)
        rn_buf_printf(b, ": %s", words);
}

/* The one-sentence diagnosis and its cause (rn_cause.h) into cause[n];
 * both empty when there is nothing to say. */
static void
tri_diagnosis(struct tri_req *t, struct rn_buf *b, char *cause, size_t n)
{
    const char *words, *cls;
    char code[160];
    size_t i;

    cause[0] = '\0';
    /* HTTP.sys logs a client that left with no status at all. */
    if (t->status == STORE_NONE && (cls = tri_classify(t)) != NULL &&
        strcmp(cls, "client_disconnect") == 0) {
        snprintf(cause, n, "%s", cls);
        tri_sentence(t, cls, b);
        return;
    }
    if (t->status == STORE_NONE || t->status < 400)
        return;
    if (t->role_ix[STORE_ROLE_HEADER_ERROR] >= 0 &&
        strncmp(t->ev[t->role_ix[STORE_ROLE_HEADER_ERROR]].name, "CGI_", 4) ==
            0) {
        snprintf(cause, n, "%s", tri_diag_cgi(t, b));
        rn_buf_printf(b, "; IIS answered %" PRId64 ".%" PRId64, t->status,
                      t->substatus);
        return;
    }
    cls = tri_classify(t);
    if (cls != NULL) {
        snprintf(cause, n, "%s", cls);
        tri_sentence(t, cls, b);
        return;
    }
    /* No class explains it: the status names the group. */
    snprintf(cause, n, "http_%03d", (int)(t->status % 1000));
    if (t->role_ix[STORE_ROLE_HEADER_ERROR] >= 0) {
        const char *name = t->ev[t->role_ix[STORE_ROLE_HEADER_ERROR]].name;
        const char *text = tri_event_text(name);

        if (strcmp(name, TRI_MODULE_ERROR) != 0)
            rn_buf_printf(b, "%s%s%s%s; ", name, text != NULL ? " (" : "",
                          text != NULL ? text : "", text != NULL ? ")" : "");
    }
    for (i = 0; i < t->nev; i++) {
        const struct tri_event *e = &t->ev[i];

        if (strcmp(e->name, TRI_MODULE_ERROR) == 0 && e->module != NULL) {
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

/* The request row's columns that triage derives beyond t's own. */
struct tri_row {
    int64_t start, end;
    int severity;
    struct rn_buf diag;
    char cause[40]; /* empty: none */
};

/*
 * A failure that no handler event explains is the module's that set the
 * error status (ARR, configuration, compression, ASP.NET start-up): h
 * goes there, and s to another line that sends the status when there is
 * one.
 */
static void
tri_module_failure(struct tri_req *t)
{
    int m = -1, best = -1, rank = 1 << 30;
    size_t i;

    if (t->role_ix[STORE_ROLE_HEADER_ERROR] >= 0 || t->status == STORE_NONE ||
        t->status < 500)
        return;
    for (i = 0; i < t->nev && m < 0; i++) {
        if (strcmp(t->ev[i].name, TRI_MODULE_ERROR) == 0)
            m = (int)i;
    }
    if (m < 0)
        return;
    t->role_ix[STORE_ROLE_HEADER_ERROR] = m;
    if (t->role_ix[STORE_ROLE_STATUS_SEND] != m)
        return;
    for (i = 0; i < t->nev; i++) {
        if ((int)i != m && t->ev[i].role == STORE_ROLE_STATUS_SEND &&
            t->ev[i].rank < rank) {
            rank = t->ev[i].rank;
            best = (int)i;
        }
    }
    if (best >= 0)
        t->role_ix[STORE_ROLE_STATUS_SEND] = best;
}

/* Status, roles' words and span: everything the request row gets. */
static void
tri_compute(struct tri_req *t, struct tri_row *row)
{
    tri_pick_roles(t);
    tri_status(t);
    tri_module_failure(t);
    rn_buf_init(&row->diag, 4096);
    tri_diagnosis(t, &row->diag, row->cause, sizeof row->cause);
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

/* The request row of t as computed into row (request_id, key): strings
 * point into t and row. */
static void
tri_row_view(const struct tri_req *t, const struct tri_row *row,
             int64_t request_id, const char *key, struct store_request_row *out)
{
    int r;

    memset(out, 0, sizeof *out);
    out->id = request_id;
    out->key = key;
    out->start_ns = row->start;
    out->end_ns = row->end;
    out->verb = t->verb;
    out->url = t->url;
    out->host = t->host;
    out->http_status = t->status;
    out->substatus = t->substatus;
    out->win32_status = t->win32;
    out->severity = row->severity;
    out->sources = t->sources;
    for (r = 0; r < STORE_ROLE_COUNT; r++)
        out->role[r] =
            t->role_ix[r] >= 0 ? t->ev[t->role_ix[r]].uid : STORE_NONE;
    out->diagnosis = row->diag.len > 0 ? rn_buf_str(&row->diag) : NULL;
    out->cause = row->cause[0] != '\0' ? row->cause : NULL;
}

void
triage_compute(const struct triage_srcreq_in *rq, size_t nrq,
               const struct triage_event_in *ev, size_t nev,
               int64_t offline_near, struct triage_result *out)
{
    struct tri_req t;
    struct tri_row row;
    size_t i;
    int r;

    tri_req_init(&t);
    for (i = 0; i < nrq; i++)
        tri_add_srcreq(&t, rq[i].kind, rq[i].verb, rq[i].url, rq[i].host,
                       rq[i].status, rq[i].substatus, rq[i].win32,
                       rq[i].start_ns, rq[i].end_ns);
    for (i = 0; i < nev; i++)
        tri_add_event(&t, ev[i].uid, ev[i].ts_ns, ev[i].kind, ev[i].seq,
                      ev[i].name, ev[i].fields_json);
    t.offline_near = offline_near;
    tri_compute(&t, &row);
    out->status = t.status;
    out->substatus = t.substatus;
    out->win32 = t.win32;
    out->start_ns = row.start;
    out->end_ns = row.end;
    out->severity = row.severity;
    for (r = 0; r < STORE_ROLE_COUNT; r++)
        out->roles[r] = t.role_ix[r] >= 0 ? t.ev[t.role_ix[r]].uid : STORE_NONE;
    out->diagnosis = row.diag.len > 0 ? xstrdup(rn_buf_str(&row.diag)) : NULL;
    snprintf(out->cause, sizeof out->cause, "%s", row.cause);
    rn_buf_fini(&row.diag);
    tri_req_fini(&t);
}

void
triage_result_fini(struct triage_result *r)
{
    free(r->diagnosis);
    r->diagnosis = NULL;
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
    if (rc == RN_OK)
        rc = tri_load_offline_near(st, &t, err);
    if (rc == RN_OK) {
        struct store_request_row out;

        tri_compute(&t, &row);
        tri_row_view(&t, &row, request_id, NULL, &out);
        rc = store_request_update(st, &out, err);
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
    int kind;           /* enum store_kind */
    int64_t start, end; /* as put, STORE_NONE when not given */
    /* The span of its events but TCP_*: what the store fills a missing
     * span with. */
    int64_t ev_lo, ev_hi;
    /* Its triaged row, once triage_acc_row has run (the strings it gives
     * point here and into t). */
    struct tri_row row;
};

/* *slot = v when v is known. */
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
    a->start = a->end = a->ev_lo = a->ev_hi = STORE_NONE;
    return a;
}

void
triage_acc_srcreq(struct triage_acc *a, const struct store_srcreq *r)
{
    struct tri_req *t = &a->t;

    tri_acc_int(&a->start, store_ts_norm(r->start_ns));
    tri_acc_int(&a->end, store_ts_norm(r->end_ns));
    xstrset(&t->verb, r->verb);
    xstrset(&t->url, r->url);
    xstrset(&t->host, r->host);
    tri_acc_int(&t->status, r->http_status);
    tri_acc_int(&t->substatus, r->substatus);
    tri_acc_int(&t->win32, r->win32_status);
}

void
triage_acc_event(struct triage_acc *a, int64_t uid,
                 const struct store_event *ev)
{
    int64_t ts = store_ts_norm(ev->ts_ns);

    tri_add_event(&a->t, uid, ts, a->kind, ev->seq, ev->name, ev->fields_json);
    if (triage_spans_event(ev->name))
        tri_widen(&a->ev_lo, &a->ev_hi, ts);
}

int
triage_spans_event(const char *name)
{
    return name != NULL && strncmp(name, "TCP_", 4) != 0;
}

void
triage_acc_span(const struct triage_acc *a, int64_t *start, int64_t *end,
                int *derived_start, int *derived_end)
{
    *derived_start = a->start == STORE_NONE;
    *derived_end = a->end == STORE_NONE;
    *start = *derived_start ? a->ev_lo : a->start;
    *end = *derived_end ? a->ev_hi : a->end;
}

enum rn_rc
triage_acc_row(struct store *st, struct triage_acc *a, int64_t request_id,
               const char *key, struct store_request_row *out,
               struct rn_err *err)
{
    struct tri_req *t = &a->t;
    struct tri_row *row = &a->row;
    enum rn_rc rc;

    /* The span the store gives a source request put without one. */
    tri_srcreq_times(t, a->kind, a->start != STORE_NONE ? a->start : a->ev_lo,
                     a->end != STORE_NONE ? a->end : a->ev_hi);
    rc = tri_load_offline_near(st, t, err);
    if (rc != RN_OK)
        return rc;
    rn_buf_fini(&row->diag); /* a second call computes it again */
    tri_compute(t, row);
    tri_row_view(t, row, request_id, key, out);
    return RN_OK;
}

void
triage_acc_free(struct triage_acc *a)
{
    if (a == NULL)
        return;
    tri_req_fini(&a->t);
    rn_buf_fini(&a->row.diag);
    free(a);
}
