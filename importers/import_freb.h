/* FREB (IIS Failed Request Tracing) XML importer. */
#ifndef IMPORT_FREB_H
#define IMPORT_FREB_H

#include <stdint.h>

#include "importer.h"

extern const struct importer import_freb_importer;

/*
 * Parse a FREB statusCode ("500", "502.2"): *substatus is 0 when the
 * ".sub" part is left out.  Returns 0, or -1 (both STORE_NONE) when the
 * text is not a status.  Exposed for unit tests.
 */
int import_freb_parse_status(const char *s, int64_t *status,
                             int64_t *substatus);

#endif
