/*
 * Triage as a pure function (triage_compute): for each failure class, the
 * events and source-request values it leaves give the status, the three
 * role events (or none), the cause and a diagnosis naming the values.  No
 * store: what goes in is what a trace holds.
 */
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "test.h"
#include "triage.h"

#define N    STORE_NONE
#define S(x) ((int64_t)(x)*1000000000)

/* One FREB source request with status, and its events. */
struct case_in {
    struct triage_srcreq_in rq[2];
    size_t nrq;
    struct triage_event_in ev[8];
    size_t nev;
};

static void
add_rq(struct case_in *c, int kind, int64_t status, int64_t sub, int64_t win32,
       int64_t start, int64_t end)
{
    struct triage_srcreq_in *r = &c->rq[c->nrq++];

    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->verb = "GET";
    r->url = "http://h/x";
    r->status = status;
    r->substatus = sub;
    r->win32 = win32;
    r->start_ns = start;
    r->end_ns = end;
}

static void
add_ev(struct case_in *c, int kind, int64_t ts, const char *name,
       const char *fields)
{
    struct triage_event_in *e = &c->ev[c->nev];

    e->uid = 100 + (int64_t)c->nev;
    e->ts_ns = ts;
    e->seq = (int64_t)c->nev + 1;
    e->kind = kind;
    e->name = name;
    e->fields_json = fields;
    c->nev++;
}

/* The uid of the event named name, or STORE_NONE. */
static int64_t
uid_of(const struct case_in *c, const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < c->nev; i++) {
        if (strcmp(c->ev[i].name, name) == 0)
            return c->ev[i].uid;
    }
    return N;
}

/* Triage c and check cause, roles (event names, NULL for none) and the
 * diagnosis holding want (a '|'-free substring). */
static void
expect(const struct case_in *c, int64_t offline, const char *cause,
       const char *start, const char *fail, const char *send, const char *want)
{
    struct triage_result r;

    triage_compute(c->rq, c->nrq, c->ev, c->nev, offline, &r);
    CHECK_STR(r.cause, cause);
    CHECK(r.roles[STORE_ROLE_CGI_START] == uid_of(c, start));
    CHECK(r.roles[STORE_ROLE_HEADER_ERROR] == uid_of(c, fail));
    CHECK(r.roles[STORE_ROLE_STATUS_SEND] == uid_of(c, send));
    if (want != NULL) {
        CHECK(r.diagnosis != NULL && strstr(r.diagnosis, want) != NULL);
        if (r.diagnosis == NULL || strstr(r.diagnosis, want) == NULL)
            fprintf(stderr, "  %s: '%s' not in '%s'\n", cause, want,
                    r.diagnosis ? r.diagnosis : "(null)");
    } else {
        CHECK(r.diagnosis == NULL);
    }
    triage_result_fini(&r);
}

static void
test_cgi(void)
{
    struct case_in c = {0};

    /* The seed: no header at all; exit code 0. */
    add_rq(&c, 1, 502, 2, N, S(0), S(401));
    add_ev(&c, 1, S(1), "CGI_LAUNCH",
           "{\"CommandLine\":\"\\\"D:\\\\htmlos.exe\\\" "
           "\",\"ProcessId\":\"3136\"}");
    add_ev(&c, 1, S(401), "CGI_PREMATURE_TERMINATION", "{\"Headers\":\"\"}");
    add_ev(&c, 1, S(401), "GENERAL_REQUEST_END",
           "{\"HttpStatus\":\"502\",\"HttpSubStatus\":\"2\"}");
    expect(&c, 0, "cgi_no_headers", "CGI_LAUNCH", "CGI_PREMATURE_TERMINATION",
           "GENERAL_REQUEST_END",
           "CGI process 3136 (\"D:\\htmlos.exe\") ended before sending any "
           "HTTP headers (Headers= empty); IIS answered 502.2");
    /* The same with a stack overflow is a crash. */
    add_ev(&c, 1, S(401), "MODULE_SET_RESPONSE_ERROR_STATUS",
           "{\"ModuleName\":\"CgiModule\",\"HttpStatus\":\"502\","
           "\"HttpSubStatus\":\"2\",\"ErrorCode\":\"3221225725\"}");
    expect(&c, 0, "cgi_crash", "CGI_LAUNCH", "CGI_PREMATURE_TERMINATION",
           "GENERAL_REQUEST_END", "0xC00000FD: STATUS_STACK_OVERFLOW");
}

static void
test_fastcgi(void)
{
    struct case_in c = {0};

    add_rq(&c, 2, 500, 0, N, S(0), S(91));
    add_ev(&c, 2, S(0) + 10000000, "FASTCGI_START",
           "{\"ExePath\":\"C:\\\\PHP\\\\php-cgi.exe\"}");
    add_ev(&c, 2, S(90) + 10000000, "FASTCGI_REQUEST_TIMEOUT",
           "{\"RequestTimeout\":\"90\"}");
    add_ev(&c, 2, S(91), "MODULE_SET_RESPONSE_ERROR_STATUS",
           "{\"ModuleName\":\"FastCgiModule\",\"HttpStatus\":\"500\","
           "\"HttpSubStatus\":\"0\",\"ErrorCode\":\"0x80070102\"}");
    add_ev(&c, 2, S(91), "GENERAL_REQUEST_END",
           "{\"HttpStatus\":\"500\",\"HttpSubStatus\":\"0\"}");
    expect(&c, 0, "fastcgi_request_timeout", "FASTCGI_START",
           "FASTCGI_REQUEST_TIMEOUT", "GENERAL_REQUEST_END",
           "FastCGI request time-out: php-cgi.exe ran 90.0 s, requestTimeout "
           "is 90 s");
    expect(&c, 0, "fastcgi_request_timeout", "FASTCGI_START",
           "FASTCGI_REQUEST_TIMEOUT", "GENERAL_REQUEST_END",
           "error 0x80070102: WAIT_TIMEOUT");
}

/* 502.3 is ARR's or ANCM's: the module decides, not the number. */
static void
test_502_3(void)
{
    struct case_in arr = {0}, ancm = {0}, w3c = {0};

    add_rq(&arr, 2, 502, 3, N, S(0), S(30));
    add_ev(&arr, 2, S(0), "ARR_SERVER_ROUTED", "{\"Server\":\"m1\"}");
    add_ev(&arr, 2, S(30), "MODULE_SET_RESPONSE_ERROR_STATUS",
           "{\"ModuleName\":\"ApplicationRequestRouting\",\"HttpStatus\":"
           "\"502\",\"HttpSubStatus\":\"3\",\"ErrorCode\":\"2147954402\"}");
    add_ev(&arr, 2, S(30), "GENERAL_REQUEST_END",
           "{\"HttpStatus\":\"502\",\"HttpSubStatus\":\"3\"}");
    expect(&arr, 0, "arr_timeout", "ARR_SERVER_ROUTED",
           "MODULE_SET_RESPONSE_ERROR_STATUS", "GENERAL_REQUEST_END",
           "member m1 and the member did not answer within the proxy "
           "time-out: 30.0 s");

    add_rq(&ancm, 2, 502, 3, N, S(0), S(120));
    add_ev(&ancm, 2, S(0), "ANCM_REQUEST_FORWARD_START", "{}");
    add_ev(&ancm, 2, S(120), "ANCM_REQUEST_FORWARD_FAIL",
           "{\"ErrorCode\":\"0x80072ee2\"}");
    add_ev(&ancm, 2, S(120), "MODULE_SET_RESPONSE_ERROR_STATUS",
           "{\"ModuleName\":\"AspNetCoreModuleV2\",\"HttpStatus\":\"502\","
           "\"HttpSubStatus\":\"3\",\"ErrorCode\":\"2147954402\"}");
    expect(&ancm, 0, "ancm_forward_failure", "ANCM_REQUEST_FORWARD_START",
           "ANCM_REQUEST_FORWARD_FAIL", "MODULE_SET_RESPONSE_ERROR_STATUS",
           "could not forward the request");

    /* Only the W3C line: 502 3 12002 is an ARR time-out. */
    add_rq(&w3c, 3, 502, 3, 12002, S(0), S(30));
    expect(&w3c, 0, "arr_timeout", NULL, NULL, NULL,
           "12002 ERROR_WINHTTP_TIMEOUT");
}

/* 500.19: a configuration error, unless the client had left. */
static void
test_500_19(void)
{
    struct case_in cfg = {0}, client = {0};

    add_rq(&cfg, 2, 500, 19, N, S(0), S(1));
    add_ev(&cfg, 2, S(0), "MODULE_SET_RESPONSE_ERROR_STATUS",
           "{\"ModuleName\":\"IIS Web Core\",\"Notification\":\"1\","
           "\"HttpStatus\":\"500\",\"HttpSubStatus\":\"19\",\"ErrorCode\":"
           "\"2147942413\",\"ConfigExceptionInfo\":\"web.config ( 12) "
           ":Unrecognized element 'rewrite'\"}");
    add_ev(&cfg, 2, S(1), "GENERAL_REQUEST_END",
           "{\"HttpStatus\":\"500\",\"HttpSubStatus\":\"19\"}");
    expect(&cfg, 0, "config_error", NULL, "MODULE_SET_RESPONSE_ERROR_STATUS",
           "GENERAL_REQUEST_END",
           "module IIS Web Core at BEGIN_REQUEST failed with "
           "ConfigExceptionInfo \"web.config ( 12) :Unrecognized element "
           "'rewrite'\"; error 0x8007000D: ERROR_INVALID_DATA: the "
           "configuration holds an element IIS does not know");

    add_rq(&client, 3, 500, 19, 64, S(0), S(45));
    expect(&client, 0, "client_disconnect", NULL, NULL, NULL,
           "went away before the response was complete");
    expect(&client, 0, "client_disconnect", NULL, NULL, NULL,
           "not an application or configuration failure");
}

static void
test_httperr(void)
{
    struct case_in c = {0}, idle = {0}, drop = {0};

    add_rq(&c, 4, 503, N, N, S(0), S(0));
    add_ev(&c, 4, S(0), "HTTPERR_AppOffline",
           "{\"sc-status\":\"503\",\"s-reason\":\"AppOffline\"}");
    expect(&c, 1, "httpsys_app_offline", NULL, NULL, "HTTPERR_AppOffline",
           "HTTP.sys answered 503 itself (AppOffline: ");
    expect(&c, 3, "httpsys_app_offline", NULL, NULL, "HTTPERR_AppOffline",
           "3 AppOffline 503s within 5 minutes: rapid-fail protection");

    /* A dropped client has no status but is named. */
    add_rq(&drop, 4, N, N, N, S(0), S(0));
    add_ev(&drop, 4, S(0), "HTTPERR_Connection_Dropped",
           "{\"s-reason\":\"Connection_Dropped\"}");
    expect(&drop, 0, "client_disconnect", NULL, NULL, NULL,
           "(HTTP.sys: Connection_Dropped)");

    /* Any other line without a status: nothing to say. */
    add_rq(&idle, 4, N, N, N, S(0), S(0));
    add_ev(&idle, 4, S(0), "HTTPERR_Timer_ConnectionIdle",
           "{\"s-reason\":\"Timer_ConnectionIdle\"}");
    expect(&idle, 0, "", NULL, NULL, NULL, NULL);
}

static void
test_plain(void)
{
    struct case_in ok = {0}, nf = {0};

    add_rq(&ok, 3, 200, 0, 0, S(0), S(1));
    expect(&ok, 0, "", NULL, NULL, NULL, NULL);
    add_rq(&nf, 3, 404, 0, 2, S(0), S(1));
    expect(&nf, 0, "http_404", NULL, NULL, NULL, "IIS answered 404.0");
}

int
main(void)
{
    test_cgi();
    test_fastcgi();
    test_502_3();
    test_500_19();
    test_httperr();
    test_plain();
    return test_report("test_triage");
}
