/* IIS W3C extended logs and HTTP.sys error logs (W3C convention). */
#ifndef IMPORT_W3C_H
#define IMPORT_W3C_H

#include <stddef.h>

#include "importer.h"

extern const struct importer import_w3c_importer;
extern const struct importer import_httperr_importer;

/*
 * Split a record line in place into at most max values (space or tab
 * separated; Advanced Logging's "quoted values", with "" for a quote).
 * Returns the number of values, or max + 1 when there are more.  Exposed
 * for unit tests.
 */
size_t import_w3c_split(char *line, char **vals, size_t max);

/* Decode one value in place: "-" becomes "", and '+' a space if plus. */
void import_w3c_decode(char *v, int plus);

#endif
