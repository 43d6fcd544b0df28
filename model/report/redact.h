/*
 * Redaction of secrets in trace text, for reports: the values of the
 * Authorization, Proxy-Authorization, Cookie and Set-Cookie headers, the
 * values of credential-like query parameters, and the password of a URL's
 * user information are replaced by REDACT_MASK.
 *
 * Credential-like parameter names (case-insensitive): password passwd pwd
 * pass token access_token refresh_token id_token api_key apikey key secret
 * client_secret sig signature session sessionid jsessionid phpsessid auth
 * code_verifier, and any name ending in -token _token -key _key -secret
 * _secret -signature _signature -password _password (X-Amz-Signature,
 * subscription-key...).
 *
 * Text is scanned for:
 *   - header lines: "Cookie: v" at the start of the text or of a line,
 *     the value masked to the end of the line (see REDACT_LOOSE);
 *   - query parameters: "name=value" after '?', '&' or ';' (or at the start
 *     of text known to be a query string), the value masked up to the next
 *     '&', ';', '#', '|', quote, angle bracket, backslash, white space or
 *     control character;
 *   - "scheme://user:password@host": the password masked.
 * Fields of an event are also judged by name: a field named after one of
 * the headers (Cookie, header:Cookie, cs(Cookie), sc(Set-Cookie)...) is
 * masked whole; a HeaderValue whose HeaderName is one of them (FREB's
 * GENERAL_SET_REQUEST_HEADER...) is masked whole; fields whose name ends in
 * "query" or "QueryString" (W3C cs-uri-query), and Buffer/Body fields (form
 * bodies of entity events), are read as query strings.
 */
#ifndef REDACT_H
#define REDACT_H

#include <stddef.h>

#include "rn_buf.h"

#define REDACT_MASK "[redacted]"

/* The text starts inside a query string ("a=1&token=x"). */
#define REDACT_QUERY 0x1
/*
 * Prose (diagnoses, messages) where header lines may have been joined
 * with spaces and quoted: a secret header name is recognised after any
 * non-word character, and its value ends at the end of the line, at a
 * double quote or at two spaces.
 */
#define REDACT_LOOSE 0x2

/* Is name (len bytes) a header whose value is a secret? */
int redact_is_secret_header(const char *name, size_t len);

/* Is name (len bytes) a credential-like query parameter? */
int redact_is_secret_param(const char *name, size_t len);

/*
 * Append s (len bytes) to out with secrets masked.  *changed (may be NULL)
 * is set to 1 when something was masked, and left alone otherwise.
 */
enum rn_rc redact_text(struct rn_buf *out, const char *s, size_t len, int flags,
                       int *changed);

/*
 * Append an event's fields object (flat JSON of strings, as stored) with
 * secrets masked.  When nothing is masked the output is the input, byte
 * for byte.  A fields text that is not a flat object of strings is
 * replaced whole by {"redacted":"[redacted]"} (never shown unread).
 */
enum rn_rc redact_fields_json(struct rn_buf *out, const char *json,
                              int *changed);

/* Malloc'd redacted copy of s (NULL stays NULL); *changed as above. */
char *redact_dup(const char *s, int flags, int *changed);

#endif
