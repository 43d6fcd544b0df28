/*
 * Triage: roles (cgi_start, header_error, status_send), status and a
 * one-sentence diagnosis for a logical request, from one rule table.
 */
#ifndef TRIAGE_H
#define TRIAGE_H

#include <stddef.h>
#include <stdint.h>

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

#endif
