/*
 * Failure causes: the stable identifiers of the diagnosis classes that
 * triage gives a request (request.cause, `cause` in the JSON, the filter's
 * cause:ID) with the words people read for them.  One table; triage picks
 * the identifier, the summaries and the man page read the words.
 */
#ifndef RN_CAUSE_H
#define RN_CAUSE_H

#include <stddef.h>

struct rn_cause {
    const char *id;   /* stable, lower case: cgi_timeout */
    const char *one;  /* one request: "CGI timeout" */
    const char *many; /* several: "CGI timeouts" */
};

/* The table, in summary order; *n receives its length. */
const struct rn_cause *rn_cause_table(size_t *n);

/* The entry for id, or NULL.  Identifiers of the form http_NNN (a failure
 * no class explains, by its status) are not in the table. */
const struct rn_cause *rn_cause_find(const char *id);

/* Is id a cause identifier (a table entry or http_NNN)? */
int rn_cause_valid(const char *id);

/* Words for count requests of cause id ("6 CGI timeouts" without the
 * number): the table's, or "HTTP 404 responses" for http_404. */
void rn_cause_label(const char *id, long long count, char *out, size_t n);

/* Why a request of cause id has no event for the jump role (role_name:
 * cgi_start, header_error, status_send), or NULL when nothing says. */
const char *rn_cause_absence(const char *id, const char *role_name);

#endif
