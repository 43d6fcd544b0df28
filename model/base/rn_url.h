/* Small URL helpers shared by importers and correlation. */
#ifndef RN_URL_H
#define RN_URL_H

#include <stddef.h>

/*
 * Host of an absolute URL ("http://Host:80/x" -> "host"), lower-cased,
 * without a default port (80 for http, 443 for https).  "" if none.
 */
void rn_url_host(const char *url, char *out, size_t n);

/* Pointer to the path part of an absolute URL ("/x?y"), or url itself. */
const char *rn_url_path(const char *url);

/*
 * The comparable form of n bytes of a URL part, as correlation matches
 * them: percent-decoded, '+' read as a space, ASCII lower case.  Malloc'd.
 */
char *rn_url_fold(const char *p, size_t n);

#endif
