/*
 * Triage: roles (cgi_start, header_error, status_send), status and a
 * one-sentence diagnosis for a logical request, from one rule table.
 */
#ifndef TRIAGE_H
#define TRIAGE_H

#include <stddef.h>
#include <stdint.h>

/* The event that says an IIS request was complete (its rule is in the
 * table in triage.c; the matchers' SQL asks for it by this name). */
#define TRIAGE_EV_REQUEST_END "GENERAL_REQUEST_END"

/* Role of an event name (enum store_role) and its rank (lower wins), or
 * -1 when the name has no role. */
int triage_role_of(const char *name, int *rank);

/* What the event is, for the jump keys ("FastCGI start", "ARR route"),
 * or NULL when the name plays no role. */
const char *triage_event_label(const char *name);

/*
 * Words for an error value: CGI exit codes (NTSTATUS, CRT abort), HRESULTs
 * and Win32 codes.  Writes into out (size n); empty when unknown.
 */
void triage_code_text(int64_t code, char *out, size_t n);

/* Words for an IIS status.substatus, or NULL when there are none. */
const char *triage_status_text(int64_t status, int64_t substatus);

/* Parse an ErrorCode value ("0x8007...", decimal, negative) or STORE_NONE. */
int64_t triage_parse_code(const char *s);

/*
 * Triage as a pure function: what the store's triage writes for a request,
 * from its source requests' values and its events, with no store.  Unknown
 * integers are STORE_NONE (INT64_MIN); kinds are enum store_kind.
 */
struct triage_srcreq_in {
    int kind;
    const char *verb, *url, *host;
    int64_t status, substatus, win32, start_ns, end_ns;
};

struct triage_event_in {
    int64_t uid, ts_ns, seq;
    int kind;
    const char *name, *fields_json; /* fields: a flat JSON object */
};

struct triage_result {
    int64_t status, substatus, win32, start_ns, end_ns;
    int severity;     /* 2 5xx, 1 4xx, 0 other */
    int64_t roles[3]; /* event uid per enum store_role, or STORE_NONE */
    char *diagnosis;  /* owned; NULL when none */
    char cause[40];   /* rn_cause.h identifier; empty when none */
};

/*
 * Source requests best kind first (as the store orders them); events in
 * arrival order.  offline_near: HTTP.sys AppOffline 503s within 5 minutes
 * of this request (itself included), which the store counts.
 */
void triage_compute(const struct triage_srcreq_in *rq, size_t nrq,
                    const struct triage_event_in *ev, size_t nev,
                    int64_t offline_near, struct triage_result *out);
void triage_result_fini(struct triage_result *r);

#endif
